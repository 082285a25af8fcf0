package bridge_test

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/bridge"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
	"github.com/nshlab/nsh/ns"
)

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *lockedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *lockedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// upTo returns s up to the end of the line holding marker ("" when it
// holds none).
func upTo(s, marker string) string {
	i := strings.Index(s, marker)
	if i < 0 {
		return ""
	}
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return s[:i+j+1]
	}
	return s
}

// TestMonitorMatchesBridge runs the real "bridge monitor" (line-buffered
// with stdbuf) and nsh's side by side, for each selector, while ports are
// made, enslaved, brought up, given forwarding and multicast entries and
// deleted, and compares what both printed up to the selector's last
// event; Ctrl-C ends nsh's with status 130.
func TestMonitorMatchesBridge(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "bridge")
		sandbox.RequireTool(t, "stdbuf")
		host, st := testenv.New(t)
		sh := func(lines ...string) {
			t.Helper()
			for _, line := range lines {
				f := strings.Fields(line)
				if out, err := exec.Command(f[0], f[1:]...).CombinedOutput(); err != nil {
					t.Fatalf("%s: %v\n%s", line, err, out)
				}
			}
		}
		for _, tc := range []struct{ sel, marker string }{
			{"", "Deleted 90: zzend"},
			{"link", "Deleted 90: zzend"},
			{"all", "Deleted 90: zzend"},
			{"fdb", "Deleted 02:00:00:00:ee:ee"},
			{"mdb", "Deleted dev br0 port v0 grp 239.9.9.9"},
			{"link fdb", "Deleted 90: zzend"},
		} {
			sh("ip link add br0 type bridge", "ip link set br0 up")
			var real, mine lockedBuffer
			cmd := exec.Command("stdbuf", append([]string{"-oL", "bridge", "monitor"}, strings.Fields(tc.sel)...)...)
			cmd.Stdout, cmd.Stderr = &real, &real
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			env := &builtins.Env{Stdout: &mine, Stderr: &mine, NS: ns.Ref{}, Host: host, State: st}
			done := make(chan error, 1)
			go func() {
				done <- bridge.Main(ctx, env, append([]string{"bridge", "monitor"}, strings.Fields(tc.sel)...))
			}()
			// Both listen once an event made now shows in both (or, for
			// a selector that does not see links, after a while).
			for i := 0; i < 40; i++ {
				sh("ip link set br0 mtu 1400", "ip link set br0 mtu 1500")
				if strings.Contains(real.String(), "mtu 1500") && strings.Contains(mine.String(), "mtu 1500") {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			startR, startM := len(real.String()), len(mine.String())
			sh("ip link add v0 type veth peer name v1",
				"sysctl -qw net.ipv6.conf.v0.disable_ipv6=1",
				"ip link set v0 master br0", "ip link set v0 up", "ip link set v1 up",
				"bridge fdb add 02:00:00:00:00:09 dev v0 master static",
				"bridge fdb del 02:00:00:00:00:09 dev v0 master",
				"bridge mdb add dev br0 port v0 grp 239.9.9.9 permanent",
				"bridge mdb del dev br0 port v0 grp 239.9.9.9",
				"bridge fdb add 02:00:00:00:ee:ee dev v0 master static",
				"bridge fdb del 02:00:00:00:ee:ee dev v0 master",
				"ip link set v0 nomaster", "ip link del v0",
				"ip link add zzend index 90 type veth peer name zzend1 index 91",
				"ip link del zzend")
			for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				if strings.Contains(real.String()[startR:], tc.marker) && strings.Contains(mine.String()[startM:], tc.marker) {
					break
				}
				if time.Now().After(end) {
					t.Fatalf("bridge monitor %s: no %q:\n nsh: %q\n  bridge: %q", tc.sel, tc.marker, mine.String(), real.String())
				}
			}
			cancel()
			if err := <-done; testenv.ExitStatus(err) != 130 {
				t.Errorf("bridge monitor %s: nsh's ended with %v, want status 130", tc.sel, err)
			}
			cmd.Process.Kill()
			cmd.Wait()
			r, m := upTo(real.String()[startR:], tc.marker), upTo(mine.String()[startM:], tc.marker)
			if r != m {
				t.Errorf("bridge monitor %s:\n nsh:\n%s\n  bridge:\n%s", tc.sel, m, r)
			}
			sh("ip link del br0")
		}
	})
}
