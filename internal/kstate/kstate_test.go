package kstate_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/kstate"
	"github.com/nshlab/nsh/internal/sandbox"
)

func TestDiff(t *testing.T) {
	a := "x 1\ny 2\nz 3\n"
	if d := kstate.Diff(a, "z 3\nx 1\ny 2"); d != "" {
		t.Errorf("Diff of the same facts in another order = %q, want empty", d)
	}
	got := kstate.Diff(a, "x 1\ny 9\nz 3\nzz 4\n")
	want := "- y 2\n+ y 9\n+ zz 4\n"
	if got != want {
		t.Errorf("Diff = %q, want %q", got, want)
	}
	if got := kstate.Diff("a\na\n", "a\n"); got != "- a\n" {
		t.Errorf("Diff of a repeated line = %q, want %q", got, "- a\n")
	}
}

// sh runs a shell line with the real iproute2 and fails the test on error.
func sh(t *testing.T, line string) string {
	t.Helper()
	out, err := exec.Command("sh", "-ec", line).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	return string(out)
}

func TestSnapshot(t *testing.T) {
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		empty, err := kstate.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		sh(t, `
ip netns add blue
ip netns add lone
ip link add veth0 type veth peer name veth1
ip link set veth1 netns blue
ip -n blue link set veth1 name eth0
ip addr add 10.9.0.10/24 dev veth0
ip -n blue addr add 10.9.0.1/24 dev eth0
ip -n blue addr add 10.9.1.1/24 brd + dev eth0 label eth0:1
ip link set veth0 up mtu 1400
ip -n blue link set eth0 up
ip -n blue link set lo up
ip -n blue route add default via 10.9.0.10
ip link add br0 type bridge
ip link add veth2 type veth peer name veth3
ip link set veth2 master br0
ip link set veth3 alias 'two
lines'
`)
		snap, err := kstate.Settled(0, 20*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			". netns",
			"blue netns",
			"lone netns",
			". link veth0 peer eth0 netns blue",
			"blue link eth0 peer veth0 netns .",
			". link veth2 peer veth3 netns .",
			". link veth2 master br0",
			". link veth0 mtu 1400",
			". link br0 kind bridge",
			". link veth0 flags <BROADCAST,MULTICAST,UP,LOWER_UP>",
			`. link veth3 alias "two\nlines"`,
			". addr veth0 10.9.0.10/24 scope global label veth0",
			"blue addr eth0 10.9.1.1/24 brd 10.9.1.255 scope global label eth0:1",
			"blue route inet table main unicast default via 10.9.0.1" + "0 dev eth0 proto boot scope global metric 0",
			"blue route inet table local local 10.9.0.1/32 dev eth0 src 10.9.0.1 proto kernel scope host metric 0",
		} {
			if !strings.Contains("\n"+snap, "\n"+want+"\n") {
				t.Errorf("snapshot lacks %q:\n%s", want, snap)
			}
		}
		for _, l := range strings.Split(strings.TrimSuffix(snap, "\n"), "\n") {
			if strings.Contains(l, "fe80:") || strings.Contains(l, "?") {
				t.Errorf("snapshot line %q shows a link-local address or an unresolved index", l)
			}
		}
		if d := kstate.Diff(empty, snap); !strings.Contains(d, "+ blue netns\n") || strings.Contains(d, "- ") {
			t.Errorf("Diff(empty, snap) should only add facts:\n%s", d)
		}
		// Reading netnsids must not assign any: "lone" has none in blue.
		if out := sh(t, "ip -n blue netns list-id"); strings.Contains(out, "lone") {
			t.Errorf("the snapshot assigned a netnsid: %s", out)
		}
		again, err := kstate.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if d := kstate.Diff(snap, again); d != "" {
			t.Errorf("a second snapshot differs:\n%s", d)
		}
	})
}

// TestSnapshotRulesNeighboursFdb checks the facts of rules, neighbours and
// bridge forwarding entries: what a lab configures is there, what the
// kernel does on its own (dynamic neighbours, a port's own address) is
// not, and a change to any of them shows in Diff.
func TestSnapshotRulesNeighboursFdb(t *testing.T) {
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		sandbox.RequireTool(t, "bridge")
		sh(t, `
ip link add br0 type bridge
ip link add veth0 type veth peer name veth1
ip link set veth0 master br0
ip link set br0 up
ip link set veth0 up
ip addr add 10.0.0.1/24 dev br0
ip rule add from 10.1.0.0/16 table 100 pref 100
ip rule add not iif br0 fwmark 0x10/0xff blackhole pref 200
ip -6 rule add to 2001:db8::/32 table 7
ip neigh add 10.0.0.50 lladdr 00:11:22:33:44:55 dev br0 nud permanent
ip neigh add 10.0.0.51 lladdr 00:11:22:33:44:56 dev br0 nud reachable
ip neigh add proxy 10.0.0.60 dev br0
bridge fdb add 02:00:00:00:00:aa dev veth0 master static
`)
		snap, err := kstate.Settled(0, 20*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			". rule inet pref 0 from all to all lookup local proto kernel",
			". rule inet pref 100 from 10.1.0.0/16 to all lookup 100 proto unspec",
			". rule inet pref 200 not from all to all fwmark 0x10/0xff iif br0 blackhole proto unspec",
			". rule inet pref 32766 from all to all lookup main proto kernel",
			". rule inet6 pref 32765 from all to 2001:db8::/32 lookup 7 proto unspec",
			". neigh inet 10.0.0.50 dev br0 lladdr 00:11:22:33:44:55 permanent",
			". neigh inet 10.0.0.60 dev br0 proxy",
			". fdb 02:00:00:00:00:aa dev veth0 static",
		} {
			if !strings.Contains("\n"+snap, "\n"+want+"\n") {
				t.Errorf("snapshot lacks %q:\n%s", want, snap)
			}
		}
		for _, not := range []string{"10.0.0.51", "permanent\n. fdb"} {
			if strings.Contains(snap, not) {
				t.Errorf("snapshot shows %q:\n%s", not, snap)
			}
		}
		for _, l := range strings.Split(snap, "\n") {
			if strings.Contains(l, " fdb ") && strings.HasSuffix(l, " permanent") {
				t.Errorf("snapshot shows a port's own address: %q", l)
			}
		}
		sh(t, "ip rule del pref 100; ip neigh del 10.0.0.50 dev br0; bridge fdb del 02:00:00:00:00:aa dev veth0 master")
		after, err := kstate.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		d := kstate.Diff(snap, after)
		for _, gone := range []string{"- . rule inet pref 100", "- . neigh inet 10.0.0.50", "- . fdb 02:00:00:00:00:aa"} {
			if !strings.Contains(d, gone) {
				t.Errorf("Diff lacks %q:\n%s", gone, d)
			}
		}
	})
}

// TestSettledWaitsForSTP checks that Settled returns only once STP has
// taken a bridge port through listening and learning to forwarding, and
// the bridge has carrier: before, every snapshot would show a state that
// the next forward delay changes.
func TestSettledWaitsForSTP(t *testing.T) {
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		sh(t, `
ip link add br0 type bridge stp_state 1 forward_delay 200
ip link add p0 type veth peer name p1
ip link set p0 master br0
ip link set br0 up
ip link set p1 up
ip link set p0 up
`)
		start := time.Now()
		snap, err := kstate.Settled(0, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		// BR_STATE_FORWARDING is 3; IFLA_BRPORT_STATE is attribute 1.
		for _, want := range []string{". link p0 info bridge_slave 1 03", ". link br0 flags <BROADCAST,MULTICAST,UP,LOWER_UP>"} {
			if !strings.Contains("\n"+snap, "\n"+want+"\n") {
				t.Errorf("snapshot lacks %q:\n%s", want, snap)
			}
		}
		if d := time.Since(start); d < 3*time.Second {
			t.Errorf("Settled returned after %v, before two forward delays (4s) can have passed", d)
		}
	})
}
