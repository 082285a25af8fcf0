package cli

import (
	"os/exec"
	"regexp"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// TestConcurrentDeleteRawNeverStartNS is TestConcurrentDeleteNeverStartNS
// for the raw sockets (rtnl.Conn) cached beside the handles: background
// jobs add v4-mapped IPv6 addresses to lo in namespace a, a request nsh
// sends on its raw socket (package netlink would send them as IPv4),
// through "in a" and through "ip -n a", while the script deletes and
// re-adds a as fast as it can. Every address lands in some namespace
// named a, or the statement fails; none may land in the start namespace.
func TestConcurrentDeleteRawNeverStartNS(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		file := writeScript(t, "race-raw.nsh", `ip netns add a
def w < for i in 1..2000 < try < in a < ip addr add ::ffff:10.1.$((i/250)).$((i%250+1))/128 dev lo > > > >
def wn < for i in 1..2000 < try < ip -n a addr add ::ffff:10.2.$((i/250)).$((i%250+1))/128 dev lo > > >
w &
wn &
for i in 1..400 < try < ip netns del a >; try < ip netns add a > >
wait
try < ip netns add a >
in a < ip addr add ::ffff:10.3.0.1/128 dev lo >
`)
		for run := 0; run < 3; run++ {
			_, stderr, code := runMain(t, file)
			if code != 0 {
				t.Fatalf("run %d: exit status %d\n%s", run, code, stderr)
			}
			out, err := exec.Command("ip", "-o", "-6", "addr", "show", "dev", "lo").CombinedOutput()
			if err != nil {
				t.Fatal(err)
			}
			if m := regexp.MustCompile(`::ffff:10\.[123]\.\d+\.\d+/128`).FindAllString(string(out), -1); len(m) > 0 {
				t.Fatalf("run %d: %d addresses meant for a landed in the start namespace: %v", run, len(m), m)
			}
			// The last address, sent after the churn, is in the a of now.
			out, err = exec.Command("ip", "-n", "a", "-o", "-6", "addr", "show", "dev", "lo").CombinedOutput()
			if err != nil || !regexp.MustCompile(`::ffff:10\.3\.0\.1/128`).Match(out) {
				t.Fatalf("run %d: the last address is not in a: %v\n%s", run, err, out)
			}
			exec.Command("ip", "netns", "del", "a").Run()
		}
	})
}
