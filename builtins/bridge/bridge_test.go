package bridge_test

import (
	"github.com/nshlab/nsh/builtins"
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins/bridge"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
)

func build(t *testing.T, l *testenv.ToolLab, set func(string)) {
	l.Sh(t,
		"ip link add brA type bridge",
		"ip link add va type veth peer name va-p",
		"ip link add vm type veth peer name vm-p",
		"ip link add vz type veth peer name vz-p",
		"ip link set va address 02:00:00:00:00:0a",
		"ip link set va-p address 02:00:00:00:00:b0",
		"ip link set vm address 02:00:00:00:00:05",
		"ip link set vz address 02:00:00:00:00:01",
		"ip link set va master brA", "ip link set vm master brA", "ip link set vz master brA",
		"ip link set va up", "ip link set va-p up", "ip link set vm up", "ip link set brA up",
	)
	// A port whose peer is in another namespace (index 2 there: "@if2"
	// unless a local link has index 2) and one whose peer has an index
	// nothing here has.
	if _, err := l.Env.Host.Add(l.Name + "-o"); err != nil {
		t.Fatal(err)
	}
	l.Sh(t,
		"ip link add vo type veth peer name vo-p netns "+l.Name+"-o",
		"ip link set vo master brA", "ip link set vo up",
		// Moved out after creation: its index is free here, and the
		// AF_BRIDGE dump has no IFLA_LINK_NETNSID (no M-DOWN).
		"ip link add vq type veth peer name vq-p",
		"ip link set vq-p netns "+l.Name+"-o",
		"ip link set vq master brA", "ip link set vq up",
	)
	for _, line := range []string{
		"link set dev va learning off",
		"link set dev vm cost 7 priority 5 hairpin on",
		"link set dev vz guard on root_block on fastleave on flood off mcast_flood off",
		"link set dev vo state 0",
	} {
		set(line)
	}
	l.Sh(t,
		"bridge fdb add 02:aa:00:00:00:01 dev va master static",
		"bridge fdb add 02:aa:00:00:00:02 dev vm master",
	)
}

func TestBridgeMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "bridge")
		host, st := testenv.New(t)
		realLab := testenv.NewToolLab(t, host, st, "byreal", "bridge", bridge.Main)
		nshLab := testenv.NewToolLab(t, host, st, "bynsh", "bridge", bridge.Main)
		build(t, realLab, func(line string) { realLab.Sh(t, "bridge "+line) })
		build(t, nshLab, func(line string) {
			if _, err := nshLab.Nsh(strings.Fields(line)...); err != nil {
				t.Fatalf("nsh bridge %s: %v", line, err)
			}
		})
		defer func() {
			for _, n := range []string{"byreal-o", "bynsh-o"} {
				host.Delete(n)
			}
		}()
		for _, args := range [][]string{
			{"link", "show"},
			{"link"},
			{"l"},
			{"-d", "link", "show"},
			{"-j", "link", "show"},
			{"-j", "-p", "link", "show"},
			{"-d", "-j", "link", "show"},
			{"link", "show", "dev", "vm"},
			{"fdb", "show", "br", "brA"},
			{"fdb", "show", "dev", "va"},
			{"fdb", "show", "br", "brA", "state", "static"},
			{"vlan", "show"},
		} {
			for _, l := range []*testenv.ToolLab{realLab, nshLab} {
				want, stderr, err := l.Tool(args...)
				if err != nil {
					t.Fatalf("bridge %v in %s: %v\n%s", args, l.Name, err, stderr)
				}
				got, err := l.Nsh(args...)
				if err != nil {
					t.Errorf("nsh bridge %v in %s: %v", args, l.Name, err)
				}
				if got != want {
					t.Errorf("bridge %v in %s:\nnsh:\n%s\niproute2:\n%s", args, l.Name, got, want)
				}
			}
			a, _, _ := realLab.Tool(args...)
			b, _ := nshLab.Nsh(args...)
			if args[0] != "fdb" && a != b { // fdb shows random multicast-derived MACs
				t.Errorf("bridge %v: lab set up by iproute2 shows\n%s\nlab set up by nsh shows\n%s", args, a, b)
			}
		}
		out, _ := nshLab.Nsh("link")
		for _, want := range []string{
			": va@va-p: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master brA state forwarding priority 32 cost 2 \n",
			": vm@vm-p: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 master brA state disabled priority 5 cost 7 \n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("bridge link lacks %q:\n%s", want, out)
			}
		}
		// Errors.
		for _, args := range [][]string{
			{"link", "show", "dev", "nosuch"},
			{"link", "set", "dev", "nosuch", "cost", "3"},
			{"link", "set", "dev", "va", "learning", "maybe"},
			{"fdb", "show", "br", "nosuch"},
			{"frob"},
		} {
			_, stderr, rerr := realLab.Tool(args...)
			_, err := nshLab.Nsh(args...)
			if rerr == nil || err == nil {
				t.Errorf("bridge %v: iproute2 %v, nsh %v; want both to fail", args, rerr, err)
				continue
			}
			if got, _ := builtins.Report(err, 2); got+"\n" != stderr {
				t.Errorf("bridge %v:\nnsh:      %q\niproute2: %q", args, got, stderr)
			}
		}
	})
}
