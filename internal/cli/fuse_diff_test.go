package cli

import (
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/sandbox"
)

// linkState is what "ip -br link" shows in the start namespace and in
// each of names, with what may differ between two equal runs masked:
// MAC addresses and the peer indexes of "@ifN".
func linkState(t *testing.T, names ...string) string {
	t.Helper()
	var b strings.Builder
	for _, n := range append([]string{""}, names...) {
		args := []string{"-br", "link"}
		if n != "" {
			args = append([]string{"-n", n}, args...)
		}
		out, err := exec.Command("ip", args...).CombinedOutput()
		fmt.Fprintf(&b, "[%s] %v\n%s", n, err, out)
	}
	s := regexp.MustCompile(`([0-9a-f]{2}:){5}[0-9a-f]{2}`).ReplaceAllString(b.String(), "MAC")
	return regexp.MustCompile(`@if\d+`).ReplaceAllString(s, "@ifN")
}

// TestVethLookAheadSameAsLiteral: a veth creation followed by a move of
// its peer (which nsh may do in one step, creating the peer where it is
// moved to) ends as the literal sequence does under bash with the real
// ip: the same exit status and the same links everywhere, including
// when the peer's name is taken where the pair is created.
func TestVethLookAheadSameAsLiteral(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		sandbox.RequireTool(t, "bash")
		sandbox.RequireTool(t, "unshare")
		cases := []struct{ name, src string }{
			{"peer name taken here", `ip link add B type bridge
ip link add A type veth peer name B
ip link set B netns ns1
`},
			{"peer name taken as veth here", `ip link add B type veth peer name C
ip link add A type veth peer name B
ip link set B netns ns1
`},
			{"peer named as first end", `ip link add A type veth peer name A
ip link set A netns ns1
`},
			{"peer name taken there", `ip -n ns1 link add B type bridge
ip link add A type veth peer name B
ip link set B netns ns1
`},
			{"peer name taken in -n namespace", `ip netns add x
ip -n x link add B type bridge
ip -n x link add A type veth peer name B
ip -n x link set B netns ns1
`},
			{"free names", `ip link add A type veth peer name B
ip link set A mtu 1400
ip link set B netns ns1
`},
			// A up before the move: its operstate differs while B is down
			// (see builtins/iproute/fuse.go), so B comes up here.
			{"first end up", `ip link add A type veth peer name B
ip link set A up
ip link set B netns ns1
ip -n ns1 link set B up
`},
		}
		for i, c := range cases {
			src := "ip netns add ns1\n" + c.src
			file := writeScript(t, fmt.Sprintf("case%d.sh", i), src)
			// bash and the real ip, in a namespace of their own.
			out, err := exec.Command("unshare", "--net", "--mount", "--propagation", "private", "sh", "-c",
				`mount -t tmpfs none /run/netns && { bash "$1" 2>"$2/err"; echo "rc=$?"; echo "failures=$(wc -l <"$2/err")"; }; sleep 1.2; for n in "" ns1 x; do
				if [ -z "$n" ]; then echo "[] $(ip -br link >"$2/o" 2>&1; r=$?; [ $r = 0 ] && echo '<nil>' || echo "exit status $r")"; cat "$2/o"
				elif [ -e /run/netns/$n ]; then echo "[$n] <nil>"; ip -n $n -br link; fi; done`, "sh", file, t.TempDir()).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: bash run: %v\n%s", c.name, err, out)
			}
			want := regexp.MustCompile(`@if\d+`).ReplaceAllString(regexp.MustCompile(`([0-9a-f]{2}:){5}[0-9a-f]{2}`).ReplaceAllString(string(out), "MAC"), "@ifN")
			_, stderr, code := runMain(t, file)
			// Carrier and operstate changes reach the flags through
			// linkwatch, which batches them for up to a second: both
			// sides are looked at once that has passed.
			time.Sleep(1200 * time.Millisecond)
			names := []string{"ns1"}
			if strings.Contains(src, "netns add x") {
				names = append(names, "x")
			}
			// Each failing command writes one line, as ip does.
			failures := strings.Count(stderr, "\n")
			got := fmt.Sprintf("rc=%d\nfailures=%d\n", code, failures) + linkState(t, names...)
			if got != want {
				t.Errorf("%s: nsh differs from bash\n--- nsh\n%s--- bash\n%s--- nsh stderr\n%s", c.name, got, want, stderr)
			}
			// Clean up for the next case.
			exec.Command("ip", "-all", "netns", "del").Run()
			for _, l := range []string{"A", "B", "C"} {
				exec.Command("ip", "link", "del", l).Run()
			}
		}
	})
}
