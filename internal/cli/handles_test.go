package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// writeScript writes src to name in a fresh directory and returns its
// path.
func writeScript(t *testing.T, name, src string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestConcurrentDeleteNeverStartNS: background jobs add addresses to lo
// in namespace a, through "in a" and through "ip -n a", while the script
// deletes and re-adds a as fast as it can. Every address lands in some
// namespace named a, or the statement fails; none may land in the start
// namespace (a closed cached handle used to fall back to the calling
// thread's namespace).
func TestConcurrentDeleteNeverStartNS(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		file := writeScript(t, "race.nsh", `ip netns add a
def w < for i in 1..3000 < try < in a < ip addr add 10.1.$((i/250)).$((i%250+1))/32 dev lo > > > >
def wn < for i in 1..3000 < try < ip -n a addr add 10.2.$((i/250)).$((i%250+1))/32 dev lo > > >
w &
wn &
for i in 1..500 < try < ip netns del a >; try < ip netns add a > >
wait
`)
		for run := 0; run < 3; run++ {
			_, stderr, code := runMain(t, file)
			if code != 0 {
				t.Fatalf("run %d: exit status %d\n%s", run, code, stderr)
			}
			out, err := exec.Command("ip", "-o", "addr", "show", "dev", "lo").CombinedOutput()
			if err != nil {
				t.Fatal(err)
			}
			if m := regexp.MustCompile(`10\.[12]\.\d+\.\d+/32`).FindAllString(string(out), -1); len(m) > 0 {
				t.Fatalf("run %d: %d addresses meant for a landed in the start namespace: %v", run, len(m), m)
			}
			exec.Command("ip", "netns", "del", "a").Run()
		}
	})
}

// TestExternalDeleteNotPinned: a script that used namespace a and then
// lets another program delete it does not keep it alive: the veth peer
// in the start namespace disappears while the script still runs.
func TestExternalDeleteNotPinned(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		file := writeScript(t, "pin.nsh", `ip netns add a
ip link add va type veth peer name vb netns a
in a < ip -br link > /dev/null >
exec ip netns del a
for i in 1..100 <
    if ! exists link va < exit 0 >
    sleep 0.05
>
exit 3
`)
		_, stderr, code := runMain(t, file)
		if code != 0 {
			t.Fatalf("exit status %d (3: va still there 5 s after another program deleted a)\n%s", code, stderr)
		}
	})
}
