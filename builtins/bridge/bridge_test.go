package bridge_test

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/bridge"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/ns"
)

type lab struct {
	name string
	env  *builtins.Env
	out  bytes.Buffer
}

func newLab(t *testing.T, host *ns.Host, st *builtins.State, name string) *lab {
	t.Helper()
	r, err := host.Add(name)
	if err != nil {
		t.Fatal(err)
	}
	l := &lab{name: name}
	l.env = &builtins.Env{Stdout: &l.out, Stderr: &l.out, NS: r, Host: host, State: st}
	return l
}

func (l *lab) sh(t *testing.T, lines ...string) {
	t.Helper()
	for _, line := range lines {
		args := append([]string{"netns", "exec", l.name}, strings.Fields(line)...)
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
	}
}

func (l *lab) real(args ...string) (string, string, error) {
	var o, e bytes.Buffer
	cmd := exec.Command("bridge", append([]string{"-n", l.name}, args...)...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	return o.String(), e.String(), err
}

func (l *lab) nsh(args ...string) (string, error) {
	l.out.Reset()
	err := bridge.Main(context.Background(), l.env, append([]string{"bridge"}, args...))
	return l.out.String(), err
}

func build(t *testing.T, l *lab, set func(string)) {
	l.sh(t,
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
	if _, err := l.env.Host.Add(l.name + "-o"); err != nil {
		t.Fatal(err)
	}
	l.sh(t,
		"ip link add vo type veth peer name vo-p netns "+l.name+"-o",
		"ip link set vo master brA", "ip link set vo up",
	)
	for _, line := range []string{
		"link set dev va learning off",
		"link set dev vm cost 7 priority 5 hairpin on",
		"link set dev vz guard on root_block on fastleave on flood off mcast_flood off",
		"link set dev vo state 0",
	} {
		set(line)
	}
	l.sh(t,
		"bridge fdb add 02:aa:00:00:00:01 dev va master static",
		"bridge fdb add 02:aa:00:00:00:02 dev vm master",
	)
}

func TestBridgeMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "bridge")
		host, err := ns.NewHost()
		if err != nil {
			t.Fatal(err)
		}
		defer host.Close()
		st := builtins.NewState(host)
		defer st.Close()
		realLab := newLab(t, host, st, "byreal")
		nshLab := newLab(t, host, st, "bynsh")
		build(t, realLab, func(line string) { realLab.sh(t, "bridge "+line) })
		build(t, nshLab, func(line string) {
			if _, err := nshLab.nsh(strings.Fields(line)...); err != nil {
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
			for _, l := range []*lab{realLab, nshLab} {
				want, stderr, err := l.real(args...)
				if err != nil {
					t.Fatalf("bridge %v in %s: %v\n%s", args, l.name, err, stderr)
				}
				got, err := l.nsh(args...)
				if err != nil {
					t.Errorf("nsh bridge %v in %s: %v", args, l.name, err)
				}
				if got != want {
					t.Errorf("bridge %v in %s:\nnsh:\n%s\niproute2:\n%s", args, l.name, got, want)
				}
			}
			a, _, _ := realLab.real(args...)
			b, _ := nshLab.nsh(args...)
			if args[0] != "fdb" && a != b { // fdb shows random multicast-derived MACs
				t.Errorf("bridge %v: lab set up by iproute2 shows\n%s\nlab set up by nsh shows\n%s", args, a, b)
			}
		}
		out, _ := nshLab.nsh("link")
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
			_, stderr, rerr := realLab.real(args...)
			_, err := nshLab.nsh(args...)
			if rerr == nil || err == nil {
				t.Errorf("bridge %v: iproute2 %v, nsh %v; want both to fail", args, rerr, err)
				continue
			}
			if got := err.Error() + "\n"; got != stderr {
				t.Errorf("bridge %v:\nnsh:      %q\niproute2: %q", args, got, stderr)
			}
		}
	})
}
