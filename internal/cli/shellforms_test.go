package cli

import (
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// shellForms are shell scripts whose control flow nsh's own grammar used
// to get wrong (bodies of uncalled functions and false loops run once,
// "( exit 0 )" ending the script, backticks kept as text) and the other
// forms lab scripts use. Each runs under bash with the real tools and as
// a *.sh file under nsh; exit status, stdout and the links and
// namespaces left behind must be the same.
var shellForms = []struct{ name, src string }{
	{"uncalled function and false loops", `ip link add br0 type bridge
teardown() {
  ip link del br0
}
while false; do
  ip link add never type bridge
done
until true; do
  ip link add never2 type bridge
done
echo end
`},
	{"subshell exit", `( exit 0 )
echo after subshell
( exit 3 ); echo "status $?"
`},
	{"command substitution", "n=`echo 2`\nm=$(echo 3)\nip netns add ns$n\nip netns add ns$m\necho \"$(ip netns list | wc -l) namespaces\"\n"},
	{"if elif else", `ip link add b1 type bridge
if ip link show nosuch 2>/dev/null; then echo one
elif ip link show b1 >/dev/null; then echo two
else echo three; fi
`},
	{"case", `for k in veth bridge other; do
  case $k in
    veth) ip link add v-$k type veth peer name p-$k ;;
    br*) ip link add b-$k type bridge ;;
    *) echo "skip $k" ;;
  esac
done
`},
	{"functions, local, return", `mk() {
  local name=$1
  ip link add "$name" type bridge || return 4
  return 0
}
mk x1; echo "mk x1: $?"
mk x1 2>/dev/null; echo "mk x1 again: $?"
echo "name=${name:-unset}"
`},
	{"tests and arithmetic", `i=0
while [ $i -lt 3 ]; do
  ip netns add t$i
  i=$((i + 1))
done
[[ -e /run/netns/t1 ]] && echo t1 exists
(( i == 3 )) && echo three
for ((j = 0; j < 2; j++)); do ip link add d$j type bridge; done
`},
	{"here-document and read", `while read -r a b; do
  ip link add "$a" type veth peer name "$b"
done <<END
va vb
vc vd
END
cat <<'X'
$not expanded
X
`},
	{"arrays", `names=(r1 r2 r3)
for n in "${names[@]}"; do ip netns add "$n"; done
echo "${#names[@]} ${names[1]}"
`},
	{"set -e stops", `set -e
ip link add e1 type bridge
ip link add e1 type bridge
ip link add e2 type bridge
`},
	{"trap EXIT, && and ||", `trap 'echo bye' EXIT
ip link show nosuch 2>/dev/null && echo yes || echo no
! ip link show nosuch 2>/dev/null && echo negated
{ echo brace; ip link add g1 type bridge; }
`},
	{"eval, shift, parameters", `set -- a b c
shift
echo "$# $1 $*"
cmd="ip link add ev type bridge"
eval "$cmd"
v=abc.def
echo "${v%.*} ${v#*.} ${#v} ${u:-dflt}"
`},
	{"netns exec", `ip netns add x
ip netns exec x ip link add inx type bridge
ip netns exec x sh -c 'ip link set lo up; echo inside'
ip netns exec x ip -br link show lo
`},
	{"exit status of the last command", `ip link add z type bridge
ip link show nosuch
`},
	{"exit in a function", `f() { ip link add f1 type bridge; exit 5; }
f
ip link add f2 type bridge
`},
	{"pipes", `ip link add p1 type bridge
ip -o link show | grep -c p1
ip link show nosuch 2>&1 | sed 's/^/err: /'
`},
	// Last, as it leaves lo up. A table named on one line is used on the next: nsh reads
	// rt_tables again when it changes, as each run of ip reads it.
	{"routing table names", `echo "200 John" >> /etc/iproute2/rt_tables
ip link set lo up
ip route add 10.9.0.0/24 dev lo table John
ip route show table John
ip rule add from 10.9.0.0/24 lookup John
ip rule show
ip route show table all | grep -c John
echo "0x20 t32" > /etc/iproute2/rt_tables
ip rule add from 10.8.0.0/24 lookup t32
ip rule show | grep t32
`},
}

// TestShellFormsAsBash runs shellForms under bash and under nsh.
func TestShellFormsAsBash(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		for _, tool := range []string{"bash", "ip", "unshare", "grep", "sed", "wc", "cat", "cut"} {
			sandbox.RequireTool(t, tool)
		}
		// Forms write /etc/iproute2: nsh's runs in this private copy,
		// each bash run in one of its own.
		sandbox.PrivateDir(t, "/etc/iproute2")
		mask := func(s string) string {
			s = regexp.MustCompile(`([0-9a-f]{2}:){5}[0-9a-f]{2}`).ReplaceAllString(s, "MAC")
			s = regexp.MustCompile(`(?m)^\d+: `).ReplaceAllString(s, "N: ")
			return regexp.MustCompile(`@if\d+`).ReplaceAllString(s, "@ifN")
		}
		// state is what a run leaves: links (names, kinds, flags) and
		// namespaces, with the links inside each.
		const state = `echo "--- links"; ip -o link show | sed 's/ link\/.*//'; echo "--- netns"; for n in $(ip netns list | cut -d' ' -f1); do echo "$n:"; ip -n "$n" -o link show | sed 's/ link\/.*//'; done`
		for i, c := range shellForms {
			file := writeScript(t, fmt.Sprintf("form%d.sh", i), c.src)
			out, err := exec.Command("unshare", "--net", "--mount", "--propagation", "private", "sh", "-c",
				`mount -t tmpfs none /run/netns && mount -t tmpfs none /etc/iproute2 || exit 1; bash "$1" 2>/dev/null; echo "--- status $?"; `+state, "sh", file).Output()
			if err != nil {
				t.Fatalf("%s: bash run: %v\n%s", c.name, err, out)
			}
			want := mask(string(out))
			stdout, _, code := runMain(t, file)
			after, err := exec.Command("sh", "-c", state).Output()
			if err != nil {
				t.Fatal(err)
			}
			got := mask(stdout + fmt.Sprintf("--- status %d\n", code) + string(after))
			if got != want {
				t.Errorf("%s: nsh differs from bash\n--- nsh\n%s--- bash\n%s", c.name, got, want)
			}
			// Clean up for the next form.
			exec.Command("ip", "-all", "netns", "del").Run()
			exec.Command("sh", "-c", "rm -f /etc/iproute2/*; ip rule flush; ip rule add priority 32766 lookup main; ip rule add priority 32767 lookup default; ip route flush table all").Run()
			links, _ := exec.Command("ip", "-o", "link", "show").Output()
			for _, m := range regexp.MustCompile(`(?m)^\d+: ([^:@]+)`).FindAllStringSubmatch(string(links), -1) {
				if m[1] != "lo" {
					exec.Command("ip", "link", "del", m[1]).Run()
				}
			}
			if left, _ := exec.Command("ip", "-o", "link", "show").Output(); strings.Count(string(left), "\n") != 1 {
				t.Fatalf("links left after %s:\n%s", c.name, left)
			}
		}
	})
}
