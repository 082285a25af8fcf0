package sysctl_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins/sysctl"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
)

// compare runs procps' sysctl in lab real and the builtin in lab mine
// with the same arguments; stdout, stderr and exit status must be equal.
func compare(t *testing.T, real, mine *testenv.Lab, args ...string) {
	t.Helper()
	rout, rerr, rrun := real.Real(append([]string{"sysctl"}, args...)...)
	nout, nrun := mine.Run(sysctl.Main, "sysctl", args...)
	nerr := mine.Err.String()
	what := "sysctl " + strings.Join(args, " ")
	if rs, ns := testenv.ExitStatus(rrun), testenv.ExitStatus(nrun); rs != ns {
		t.Errorf("%s: exit %d, procps %d (%v)", what, ns, rs, nrun)
	}
	if nout != rout {
		t.Errorf("%s: stdout\n nsh:    %q\n procps: %q", what, nout, rout)
	}
	if strings.HasPrefix(rerr, "\nUsage:\n") && strings.HasPrefix(nerr, "\nUsage:\n") {
		return // the usage lists only the options nsh implements
	}
	if nerr != rerr {
		t.Errorf("%s: stderr\n nsh:    %q\n procps: %q", what, nerr, rerr)
	}
}

// TestSysctlMatchesProcps reads and writes keys with both tools, each in
// a namespace of its own built the same way, and compares every output.
func TestSysctlMatchesProcps(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "sysctl")
		host, st := testenv.New(t)
		real := testenv.NewLab(t, host, st, "real")
		mine := testenv.NewLab(t, host, st, "mine")
		for _, l := range []*testenv.Lab{real, mine} {
			l.Sh(t, "ip link add veth0 type veth peer name veth1", "ip link add br0.5 type bridge")
		}
		for _, args := range [][]string{
			{"net.ipv4.ip_forward"},
			{"net/ipv4/ip_forward"},
			{"-n", "net.ipv4.ip_forward"},
			{"-N", "net.ipv4.ip_forward"},
			{"-b", "net.ipv4.ip_forward"},
			{"net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"},
			{"net.ipv4.ip_local_port_range"},
			{"net.ipv4.nope"},
			{"-e", "net.ipv4.nope"},
			{"-q", "net.ipv4.nope"},
			{"net.ipv4.conf.veth0"},            // a directory: every key under it
			{"net/ipv4/conf/br0.5/forwarding"}, // "/" first: the dot is part of the name
			{"net.ipv4..ip_forward"},
			{"net.ipv6.conf.lo.stable_secret"}, // EIO: silent failure
			{"-w", "net.ipv4.ip_forward"},      // no value
			{""},
			{"net.ipv4.tcp_congestion_control"},
			{},
			{"-N", "-q", "net.ipv4.ip_forward"},
			{"-w", "net.ipv4.ip_forward=1"},
			{"net.ipv4.conf.all.forwarding=0"},
			{"-q", "-w", "net.ipv4.conf.veth0.rp_filter=2"},
			{"-w", "net.ipv4.ip_forward=banana"},
			{"-w", "net.ipv4.nope=1"},
			{"-w", "net/ipv4/conf/veth0/forwarding=1"},
			{"-n", "-w", "net.ipv4.conf.veth0.forwarding=0"},
			{"--dry-run", "-w", "net.ipv4.ip_forward=0"},
			{"net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding", "net.ipv4.conf.veth0.rp_filter", "net.ipv4.conf.veth0.forwarding"},
		} {
			compare(t, real, mine, args...)
		}
	})
}

// TestSysctlActsInItsNamespace sets ip_forward with the builtin inside a
// namespace and checks with procps' sysctl that it changed there and not
// in the start namespace.
func TestSysctlActsInItsNamespace(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "sysctl")
		host, st := testenv.New(t)
		l := testenv.NewLab(t, host, st, "ns1")
		out, err := l.Run(sysctl.Main, "sysctl", "-w", "net.ipv4.ip_forward=1")
		if err != nil || out != "net.ipv4.ip_forward = 1\n" {
			t.Fatalf("sysctl -w: %q, %v (stderr %q)", out, err, l.Err.String())
		}
		in, _, err := l.Real("sysctl", "net.ipv4.ip_forward")
		if err != nil || in != "net.ipv4.ip_forward = 1\n" {
			t.Errorf("in ns1, procps reads %q, %v; want ip_forward = 1", in, err)
		}
		startOut, err := exec.Command("sysctl", "net.ipv4.ip_forward").Output()
		if err != nil || string(startOut) != "net.ipv4.ip_forward = 0\n" {
			t.Errorf("in the start namespace, procps reads %q, %v; want ip_forward = 0", startOut, err)
		}
		// And the builtin reads each namespace's own value.
		if got, _ := l.Run(sysctl.Main, "sysctl", "-n", "net.ipv4.ip_forward"); got != "1\n" {
			t.Errorf("builtin in ns1 reads %q", got)
		}
	})
}
