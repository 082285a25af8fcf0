package journal_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/cli"
	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/internal/kstate"
	"github.com/nshlab/nsh/internal/sandbox"
)

// mainEnv makes the test binary run as nsh (cli.Main), so that a test can
// run nsh as a process of its own and kill it.
const mainEnv = "NSH_JOURNAL_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) != "" {
		os.Exit(cli.Main(append([]string{"nsh"}, os.Args[1:]...), os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// nshCmd returns the command that runs nsh with args.
func nshCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), mainEnv+"=1")
	return cmd
}

// nsh runs nsh with args to the end and returns its status and output.
func nsh(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := nshCmd(args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), o.String(), e.String()
	}
	if err != nil {
		t.Fatalf("running nsh %q: %v", args, err)
	}
	return 0, o.String(), e.String()
}

// sysctls returns the values of the start namespace's IPv4 settings (the
// top level and the conf of all, default and lo), one "key = value" per
// line.
func sysctls(t *testing.T) string {
	t.Helper()
	var lines []string
	for _, dir := range []string{"/proc/sys/net/ipv4", "/proc/sys/net/ipv4/conf/all", "/proc/sys/net/ipv4/conf/default", "/proc/sys/net/ipv4/conf/lo", "/proc/sys/net/ipv6/conf/all"} {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.IsDir() {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				continue // write-only or refused: not a value to compare
			}
			lines = append(lines, fmt.Sprintf("%s/%s = %s", dir, e.Name(), strings.TrimSpace(string(b))))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// state is the kernel state a lab must leave as it found it: the
// snapshot of every namespace (package kstate) and the sysctls.
func state(t *testing.T) string {
	t.Helper()
	s, err := kstate.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return s + "\n--- sysctl\n" + sysctls(t)
}

// waitState waits until the state is want again (namespace teardown is
// asynchronous: a deleted namespace's veths go a moment later), and fails
// with the difference if it is not within a bound.
func waitState(t *testing.T, want, what string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(20 * time.Second); ; {
		got = state(t)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: the state differs from before the run:\n%s", what, kstate.Diff(want, got))
}

// labScript is a lab of n namespaces on a bridge, as scripts/bridge-lab.nsh,
// that also changes what it did not create in the start namespace (lo,
// the veth pair pre0/pre1 of hostSetup, two sysctls) and adds a route and
// a rule there.
func labScript(n int) string {
	return fmt.Sprintf(`n = %d
sysctl -w net.ipv4.ip_forward=1
sysctl -w net.ipv4.conf.all.rp_filter=2
ip link set lo mtu 1500
ip link set pre0 up
ip link add br0 type bridge
ip addr add 10.200.0.1/16 dev br0
ip link set br0 up
ip link set pre1 master br0
ip route add 10.99.0.0/16 dev br0
ip rule add from 10.98.0.0/16 table 100
def node i <
  ip netns add ns$i
  ip link add veth$i type veth peer name veth${i}p
  ip link set veth$i master br0
  ip link set veth$i up
  ip link set veth${i}p netns ns$i
  in ns$i <
    ip addr add 10.200.$(( (i + 1) / 256 )).$(( (i + 1) %% 256 ))/16 dev veth${i}p
    ip link set lo up
    ip link set veth${i}p up
    ip route add default via 10.200.0.1
    sysctl -w net.ipv4.ip_forward=1 > /dev/null
  >
>
for i in 1..$n <
  node $i
>
`, n)
}

// TestCrashRecoveryKill builds a 200-namespace lab, kills nsh with
// SIGKILL at 30 random moments of the build, and takes the lab down each
// time: the state must be the one before, every time.
func TestCrashRecoveryKill(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) { crashRecovery(t, syscall.SIGKILL) })
}

// TestCrashRecoveryInterrupt is TestCrashRecoveryKill with SIGINT
// (Ctrl-C): nsh stops the run and exits.
func TestCrashRecoveryInterrupt(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) { crashRecovery(t, syscall.SIGINT) })
}

// hostSetup is what the start namespace holds before a lab runs: lo up,
// as on any host, and a veth pair pre0/pre1, down.
const hostSetup = "ip link set lo up; ip link add pre0 type veth peer name pre1"

func crashRecovery(t *testing.T, sig syscall.Signal) {
	lab := filepath.Join(t.TempDir(), "lab.nsh")
	if err := os.WriteFile(lab, []byte(labScript(200)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := nsh(t, "-c", hostSetup); code != 0 {
		t.Fatalf("setting the host up: %s", stderr)
	}
	before := state(t)
	// One whole build measures how long a build takes.
	t0 := time.Now()
	if code, _, stderr := nsh(t, lab); code != 0 {
		t.Fatalf("the lab failed to build: status %d\n%s", code, stderr)
	}
	full := time.Since(t0)
	down(t, lab)
	waitState(t, before, "after a whole build and nsh down")
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("build time %v, seed %d", full, seed)
	cut := 0 // runs the signal ended before they were done
	for i := range 30 {
		at := time.Duration(rng.Int64N(int64(full) + 1))
		cmd := nshCmd(lab)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(at)
		cmd.Process.Signal(sig)
		if cmd.Wait() != nil {
			cut++
		}
		down(t, lab)
		waitState(t, before, fmt.Sprintf("killed (%v) after %v (kill %d), then nsh down", sig, at, i+1))
	}
	t.Logf("%d of 30 runs cut short", cut)
}

// down runs "nsh down LAB", which must succeed without reporting anything
// gone or changed (nothing else touched the lab) and leave no journal.
func down(t *testing.T, lab string) {
	t.Helper()
	code, stdout, stderr := nsh(t, "down", lab)
	if code != 0 || stderr != "" {
		t.Fatalf("nsh down: status %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(journal.FileName(journal.Dir, lab)); !os.IsNotExist(err) {
		t.Fatalf("nsh down left the journal (%v)", err)
	}
}
