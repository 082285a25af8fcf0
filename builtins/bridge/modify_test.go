package bridge_test

import (
	"errors"
	"github.com/nshlab/nsh/builtins"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins/bridge"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
)

// TestVlanAddDel adds and deletes port VLANs with nsh and compares
// "bridge vlan show" with iproute2's. This kernel may lack bridge VLAN
// filtering: then the add fails with EOPNOTSUPP, nsh's message must be
// iproute2's, and the test skips as a missing device type.
func TestVlanAddDel(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "bridge")
		host, st := testenv.New(t)
		l := testenv.NewLab(t, host, st, "vlan")
		l.Sh(t, "ip link add br0 type bridge", "ip link add p0 type veth peer name p1",
			"ip link set p0 master br0", "ip link set br0 up", "ip link set p0 up")
		_, err := l.Run(bridge.Main, "bridge", "vlan", "add", "dev", "p0", "vid", "10", "pvid", "untagged")
		if errors.Is(err, unix.EOPNOTSUPP) {
			_, stderr, rerr := l.Real("bridge", "vlan", "add", "dev", "p0", "vid", "10", "pvid", "untagged")
			if rerr == nil || err.Error()+"\n" != stderr {
				t.Fatalf("nsh: %v; iproute2: %v %q", err, rerr, stderr)
			}
			sandbox.SkipNoDevice(t, "bridge vlan_filtering", err.Error())
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{"vlan add dev p0 vid 20-22", "vlan del dev p0 vid 21"} {
			if _, err := l.Run(bridge.Main, "bridge", strings.Fields(line)...); err != nil {
				t.Fatalf("nsh bridge %s: %v", line, err)
			}
		}
		for _, args := range [][]string{{"vlan", "show"}, {"-j", "-p", "vlan", "show"}, {"vlan", "show", "dev", "p0"}} {
			want, _, _ := l.Real(append([]string{"bridge"}, args...)...)
			got, err := l.Run(bridge.Main, "bridge", args...)
			if err != nil || got != want {
				t.Errorf("bridge %v: %v\nnsh:\n%s\niproute2:\n%s", args, err, got, want)
			}
		}
		if want := "p0                10 PVID Egress Untagged"; !strings.Contains(l.Out.String(), want) {
			t.Errorf("vlan 10 not set up: %q", l.Out.String())
		}
	})
}

// TestBridgeErrorsMatchIproute2 runs failing "bridge" lines with both and
// compares nsh's error with iproute2's stderr (and both stdouts).
func TestBridgeErrorsMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "bridge")
		host, st := testenv.New(t)
		l := testenv.NewLab(t, host, st, "errs")
		l.Sh(t, "ip link add br0 type bridge", "ip link add v0 type veth peer name v1",
			"ip link set v0 master br0", "bridge fdb add 02:00:00:00:00:01 dev v0 master static")
		n := 0
		for _, line := range []string{
			"frob",
			"-x link",
			"-n nosuch link show",
			"link frob",
			"link show dev nosuch",
			"link show dev v0 dev v0",
			"link set dev nosuch cost 3",
			"link set cost 3",
			"link set dev v0 cost",
			"link set dev v0 state foo",
			"link set dev v0 learning maybe",
			"link set dev v0 hwmode xyz",
			"link set dev v1 cost 3",
			"fdb frob",
			"fdb show br nosuch",
			"fdb show dev nosuch",
			"fdb show vlan 1 vlan 2",
			"fdb show state bogus",
			"fdb add 02:00:00:00:00:03",
			"fdb add zz dev v0",
			"fdb add 02:00:00:00:00:03 dev nosuch",
			"fdb add 02:00:00:00:00:01 dev v0 master static",
			"fdb add 02:00:00:00:00:03 02:00:00:00:00:04 dev v0",
			"fdb add 02:00:00:00:00:03 dev v0 vlan 3 vlan 4",
			"fdb add 02:00:00:00:00:03 dev v0 dst 10.0.0.1 dst 10.0.0.2",
			"fdb add 02:00:00:00:00:03 dev v0 dst foo",
			"fdb add 02:00:00:00:00:03 dev v0 vni 99999999",
			"fdb add 02:00:00:00:00:03 dev v0 port 999999",
			"fdb add 02:00:00:00:00:03 dev",
			"fdb add 02:00:00:00:00:03 dev v0 master static vlan 5",
			"fdb del 02:00:00:00:00:09 dev v0 master",
			"fdb help",
			"vlan frob",
			"vlan help",
			"vlan add dev v0",
			"vlan add dev nosuch vid 3",
			"vlan add dev v0 vid 5000",
			"vlan add dev v0 vid 5-3",
			"vlan add dev v0 vid 3-9 pvid",
			"vlan show dev nosuch",
			"vlan add dev v0 vid 10",
			"vlan add dev v0 vid 4095", // the kernel's extended ack
			"vlan del dev v0 vid 4095",
		} {
			args := strings.Fields(line)
			wantOut, wantErr, rerr := l.Real(append([]string{"bridge"}, args...)...)
			if rerr == nil {
				t.Errorf("bridge %s: iproute2 succeeded", line)
				continue
			}
			gotOut, err := l.Run(bridge.Main, "bridge", args...)
			if err == nil {
				t.Errorf("bridge %s: nsh succeeded; iproute2 said %q", line, wantErr)
				continue
			}
			n++
			if gotOut != wantOut {
				t.Errorf("bridge %s stdout:\nnsh:      %q\niproute2: %q", line, gotOut, wantOut)
			}
			if got, _ := builtins.Report(err, 2); got+"\n" != wantErr {
				t.Errorf("bridge %s stderr:\nnsh:      %q\niproute2: %q", line, got, wantErr)
			}
		}
		if n < 30 {
			t.Errorf("only %d error cases compared", n)
		}
	})
}
