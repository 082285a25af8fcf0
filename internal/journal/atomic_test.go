package journal_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/internal/sandbox"
)

// flatLab returns labScript's lab for n namespaces with every statement
// on a line of its own, procedure and loop written out, in nsh (sh false:
// "in NS < ... >" blocks) or as a bash script (sh true: "ip -n NS").
func flatLab(n int, sh bool) []string {
	lines := []string{
		"sysctl -w net.ipv4.ip_forward=1",
		"sysctl -w net.ipv4.conf.all.rp_filter=2",
		"ip link set lo mtu 1500",
		"ip link set pre0 up",
		"ip link add br0 type bridge",
		"ip addr add 10.200.0.1/16 dev br0",
		"ip link set br0 up",
		"ip link set pre1 master br0",
		"ip route add 10.99.0.0/16 dev br0",
		"ip rule add from 10.98.0.0/16 table 100",
	}
	if sh {
		lines = append([]string{"set -e"}, lines...)
	}
	for i := 1; i <= n; i++ {
		lines = append(lines,
			fmt.Sprintf("ip netns add ns%d", i),
			fmt.Sprintf("ip link add veth%d type veth peer name veth%dp", i, i),
			fmt.Sprintf("ip link set veth%d master br0", i),
			fmt.Sprintf("ip link set veth%d up", i),
			fmt.Sprintf("ip link set veth%dp netns ns%d", i, i))
		inside := []string{
			fmt.Sprintf("ip addr add 10.200.0.%d/16 dev veth%dp", i+1, i),
			"ip link set lo up",
			fmt.Sprintf("ip link set veth%dp up", i),
			"ip route add default via 10.200.0.1",
		}
		if sh {
			for _, l := range inside {
				lines = append(lines, fmt.Sprintf("ip -n ns%d %s", i, strings.TrimPrefix(l, "ip ")))
			}
			lines = append(lines, fmt.Sprintf("ip netns exec ns%d sysctl -qw net.ipv4.ip_forward=1", i))
			continue
		}
		lines = append(lines, fmt.Sprintf("in ns%d <", i))
		lines = append(lines, inside...)
		lines = append(lines, "sysctl -qw net.ipv4.ip_forward=1", ">")
	}
	return lines
}

// failing is a statement that fails when it runs (no check before the
// run can tell).
const failing = "ip link del nosuchlink0"

// TestAtomic runs a lab with --atomic, failing at 30 random lines: each
// time nsh exits 1 and the state is the one before the run, with no
// journal left.
func TestAtomic(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) { atomic(t, false) })
}

// TestAtomicShell is TestAtomic for a bash script (set -e) run by nsh's
// shell interpreter.
func TestAtomicShell(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) { atomic(t, true) })
}

func atomic(t *testing.T, sh bool) {
	if code, _, stderr := nsh(t, "-c", hostSetup); code != 0 {
		t.Fatalf("setting the host up: %s", stderr)
	}
	before := state(t)
	lines := flatLab(10, sh)
	name := "lab.nsh"
	if sh {
		name = "lab.sh"
	}
	lab := filepath.Join(t.TempDir(), name)
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	t.Logf("seed %d", seed)
	for range 30 {
		at := rng.IntN(len(lines) + 1)
		if sh && at == 0 {
			at = 1 // after "set -e"
		}
		src := append(append(append([]string(nil), lines[:at]...), failing), lines[at:]...)
		if err := os.WriteFile(lab, []byte(strings.Join(src, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := nsh(t, "--atomic", lab)
		if code == 0 || strings.Contains(stderr, "--atomic") {
			t.Fatalf("failing at line %d: status %d, stderr:\n%s", at+1, code, stderr)
		}
		waitState(t, before, fmt.Sprintf("--atomic, failing at line %d (%q before it)", at+1, strings.Join(lines[max(0, at-1):at], "")))
		if _, err := os.Stat(journal.FileName(journal.Dir, lab)); !os.IsNotExist(err) {
			t.Fatalf("failing at line %d: --atomic left the journal (%v)", at+1, err)
		}
	}
}
