package shell

import (
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

func TestUnsupported(t *testing.T) {
	for _, c := range []struct {
		src, what string // what: "" when the interpreter runs it as bash does
	}{
		{"echo -ne 'a\\n'", "echo -ne"},
		{"echo -e 'a\\n'", ""},
		{"echo -n a", ""},
		{"f() { echo ${FUNCNAME[0]}; }", "$FUNCNAME"},
		{"echo $BASH_SOURCE", "$BASH_SOURCE"},
		{"true | false; echo ${PIPESTATUS[@]}", "$PIPESTATUS"},
		{"printf -v x %s y", "printf -v"},
		{"printf %s y", ""},
		{"exec 3>&1", "a redirection of descriptor 3"},
		{"echo hi >&3", "a redirection to descriptor 3"},
		{"echo hi >&2 2>/dev/null", ""},
		{"coproc cat", "coproc"},
		{"trap 'echo bye' EXIT", ""},
		{"trap 'echo bye' ERR", ""},
		{"trap cleanup INT TERM", "trap on INT"},
		{"trap - SIGTERM", "trap on SIGTERM"},
		{"ip link add a type veth peer name b", ""},
		{"read -r a b", ""},
		{"read -n 1 -s key", "read -n"},
		{"wait -n", "wait -n"},
		{"wait", ""},
		{"declare -A m=([a]=1 [b]=2); for k in ${!m[@]}; do echo $k; done", "the order of the associative array m"},
		{"declare -A m; echo ${m[a]}", ""},
		{"a=(1 2); echo ${a[@]}", ""},
	} {
		f, err := Parse("t.sh", []byte(c.src), syntax.LangBash)
		if err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		_, what, ok := Unsupported(f)
		if ok != (c.what != "") || ok && !strings.HasPrefix(what, c.what) {
			t.Errorf("%q: got %q (%v), want %q", c.src, what, ok, c.what)
		}
	}
}
