package bridge_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/bridge"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
	"github.com/nshlab/nsh/ns"
)

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
// event (M-DOWN masked); Ctrl-C ends nsh's with status 130.
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
		// Each selector's events are compared up to marker. The real
		// bridge names a link it has not seen by asking the kernel when
		// it prints an event, as nsh does: links are deleted only once
		// both monitors have printed what names them (sync), or the
		// answers would depend on how far behind each monitor is.
		for _, tc := range []struct{ sel, sync, marker string }{
			{"", "mtu 1300", "Deleted 90: zzend"},
			{"link", "mtu 1300", "Deleted 90: zzend"},
			{"all", "mtu 1300", "Deleted 90: zzend"},
			{"fdb", "Deleted 02:00:00:00:ee:ee", "Deleted 02:00:00:00:ee:ee"},
			{"mdb", "Deleted dev br0 port v0 grp 239.9.9.9", "Deleted dev br0 port v0 grp 239.9.9.9"},
			{"link fdb", "mtu 1300", "Deleted 90: zzend"},
		} {
			sh("ip link add br0 type bridge", "ip link set br0 up")
			var real, mine testenv.SyncBuffer
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
			// A monitor may still be printing the events of the loop
			// above: the comparison starts after a last event, one that
			// shows in both, at the end of its line in each.
			startR, startM := len(real.String()), len(mine.String())
			if strings.Contains(mine.String(), "mtu 1500") {
				sh("ip link set br0 mtu 1499")
				for i := 0; i < 200 && !(strings.Contains(real.String(), "mtu 1499") && strings.Contains(mine.String(), "mtu 1499")); i++ {
					time.Sleep(20 * time.Millisecond)
				}
				time.Sleep(50 * time.Millisecond) // the rest of the line
				after := func(s string) int {
					i := strings.Index(s, "mtu 1499")
					if i < 0 {
						t.Fatalf("bridge monitor %s: no mtu 1499 event:\n%s", tc.sel, s)
					}
					return i + strings.IndexByte(s[i:], '\n') + 1
				}
				startR, startM = after(real.String()), after(mine.String())
				sh("ip link set br0 mtu 1500")
			}
			wait := func(marker string) {
				t.Helper()
				for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
					if strings.Contains(real.String()[startR:], marker) && strings.Contains(mine.String()[startM:], marker) {
						return
					}
					if time.Now().After(end) {
						t.Fatalf("bridge monitor %s: no %q:\n nsh: %q\n  bridge: %q", tc.sel, marker, mine.String(), real.String())
					}
				}
			}
			sh("ip link add v0 type veth peer name v1",
				"sysctl -qw net.ipv6.conf.v0.disable_ipv6=1",
				"ip link set v0 master br0", "ip link set v0 up", "ip link set v1 up",
				"bridge fdb add 02:00:00:00:00:09 dev v0 master static",
				"bridge fdb del 02:00:00:00:00:09 dev v0 master",
				"bridge mdb add dev br0 port v0 grp 239.9.9.9 permanent",
				"bridge mdb del dev br0 port v0 grp 239.9.9.9",
				"bridge fdb add 02:00:00:00:ee:ee dev v0 master static",
				"bridge fdb del 02:00:00:00:ee:ee dev v0 master",
				"ip link set v1 mtu 1300")
			wait(tc.sync)
			if tc.sync != tc.marker {
				sh("ip link set v0 nomaster", "ip link del v0",
					"ip link add zzend index 90 type veth peer name zzend1 index 91")
				wait("90: zzend@")
				sh("ip link del zzend")
			}
			wait(tc.marker)
			cancel()
			if err := <-done; testenv.ExitStatus(err) != 130 {
				t.Errorf("bridge monitor %s: nsh's ended with %v, want status 130", tc.sel, err)
			}
			cmd.Process.Kill()
			cmd.Wait()
			// M-DOWN is the peer's state when the tool first asked the
			// kernel for it, which depends on how far behind the event
			// stream each monitor was: masked.
			mdown := strings.NewReplacer(",M-DOWN", "", "M-DOWN,", "")
			r := mdown.Replace(upTo(real.String()[startR:], tc.marker))
			m := mdown.Replace(upTo(mine.String()[startM:], tc.marker))
			if r != m {
				t.Errorf("bridge monitor %s:\n nsh:\n%s\n  bridge:\n%s", tc.sel, m, r)
			}
			for _, l := range []string{"v0", "zzend", "br0"} {
				exec.Command("ip", "link", "del", l).Run() // what is left of this selector's run
			}
		}
	})
}
