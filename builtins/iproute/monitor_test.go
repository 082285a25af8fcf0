package iproute_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/iproute"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
	"github.com/nshlab/nsh/ns"
)

// waitFor polls until every buffer holds marker, or fails the test after
// timeout (a monitor that never reports the marker).
func waitFor(t *testing.T, marker string, timeout time.Duration, bufs ...*testenv.SyncBuffer) {
	t.Helper()
	for end := time.Now().Add(timeout); ; time.Sleep(20 * time.Millisecond) {
		all := true
		for _, b := range bufs {
			all = all && strings.Contains(b.String(), marker)
		}
		if all {
			return
		}
		if time.Now().After(end) {
			for i, b := range bufs {
				t.Logf("monitor %d so far:\n%s", i, b.String())
			}
			t.Fatalf("the monitors did not all report %q", marker)
		}
	}
}

// TestNetnsMonitorMatchesIproute2 runs the real "ip netns monitor" (its
// stdout line-buffered with stdbuf: ip 6.1 does not flush it) and nsh's
// side by side while namespaces are added and deleted, by ip and by
// nsh, and compares what they printed; Ctrl-C ends nsh's with status 130.
func TestNetnsMonitorMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		sandbox.RequireTool(t, "stdbuf")
		host, st := testenv.New(t)
		var real, mine testenv.SyncBuffer
		cmd := exec.Command("stdbuf", "-oL", "ip", "netns", "monitor")
		cmd.Stdout, cmd.Stderr = &real, &real
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		ctx, cancel := context.WithCancel(context.Background())
		env := &builtins.Env{Stdout: &mine, Stderr: &mine, NS: ns.Ref{}, Host: host, State: st}
		done := make(chan error, 1)
		go func() { done <- iproute.Main(ctx, env, []string{"ip", "netns", "monitor"}) }()
		// Both watch the directory once a namespace added before the
		// changes shows in both.
		for i := 0; ; i++ {
			exec.Command("ip", "netns", "add", "zzstart").Run()
			exec.Command("ip", "netns", "del", "zzstart").Run()
			if strings.Contains(real.String(), "delete zzstart") && strings.Contains(mine.String(), "delete zzstart") {
				break
			}
			if i == 100 {
				t.Fatalf("the monitors never started: ip %q, nsh %q", real.String(), mine.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
		// A monitor may still be printing the loop's events: the
		// comparison starts after one made once both listen, at the end
		// of its line in each.
		exec.Command("ip", "netns", "add", "zzsync").Run()
		exec.Command("ip", "netns", "del", "zzsync").Run()
		waitFor(t, "delete zzsync\n", 10*time.Second, &real, &mine)
		after := func(s string) int { return strings.Index(s, "delete zzsync\n") + len("delete zzsync\n") }
		start, startMine := after(real.String()), after(mine.String())
		for _, args := range [][]string{
			{"ip", "netns", "add", "red"}, {"ip", "netns", "add", "blue"}, {"ip", "netns", "del", "red"},
			{"ip", "netns", "add", "zzend"}, {"ip", "netns", "del", "blue"}, {"ip", "netns", "del", "zzend"},
		} {
			if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%s", args, err, out)
			}
		}
		waitFor(t, "delete zzend", 10*time.Second, &real, &mine)
		cancel()
		if err := <-done; testenv.ExitStatus(err) != 130 {
			t.Errorf("nsh's monitor ended with %v, want status 130", err)
		}
		if r, m := real.String()[start:], mine.String()[startMine:]; r != m {
			t.Errorf("ip netns monitor:\n nsh: %q\n  ip: %q", m, r)
		}
	})
}
