package brctl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins/brctl"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
	"github.com/nshlab/nsh/interp"
)

func mustNsh(t *testing.T, l *testenv.ToolLab, line string) {
	t.Helper()
	if _, err := l.Nsh(strings.Fields(line)...); err != nil {
		t.Fatalf("nsh brctl %s: %v", line, err)
	}
}

// build makes the same lab with either tool: bridges, veth ports with
// fixed MAC addresses (so bridge ids are the same everywhere), STP,
// priorities, costs, hairpin, a static fdb entry.
func build(t *testing.T, l *testenv.ToolLab, brctlLine func(string)) {
	l.Sh(t,
		"ip link add va type veth peer name va-p",
		"ip link add vm type veth peer name vm-p",
		"ip link add vz type veth peer name vz-p",
		"ip link add w0 type veth peer name w0-p",
		"ip link set va address 02:00:00:00:00:0a",
		"ip link set vm address 02:00:00:00:00:05",
		"ip link set vz address 02:00:00:00:00:01",
		"ip link set w0 address 02:00:00:00:00:20",
		"ip link set va-p address 02:00:00:00:00:b0",
	)
	for _, line := range []string{
		"addbr brA", "addbr br0", "addbr br1",
		"addif brA vz va vm",
		"addif br0 w0",
		"stp br0 on",
		"setbridgeprio br0 4096",
		"setageing brA 120",
		"setfd br0 4",
		"sethello br0 1",
		"setmaxage br0 10",
		"setpathcost brA va 7",
		"setportprio brA vm 5",
		"hairpin brA vz on",
	} {
		brctlLine(line)
	}
	l.Sh(t,
		// No learning: learnt entries age, so two runs would differ.
		"bridge link set dev va learning off",
		"ip link set va up", "ip link set va-p up", "ip link set brA up",
		"bridge fdb add 02:aa:00:00:00:01 dev va master static",
		"bridge fdb add 02:aa:00:00:00:00 dev vm master static",
	)
}

func TestBrctlMatchesBridgeUtils(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "brctl")
		host, st := testenv.New(t)
		realLab := testenv.NewToolLab(t, host, st, "byreal", "brctl", brctl.Main)
		nshLab := testenv.NewToolLab(t, host, st, "bynsh", "brctl", brctl.Main)
		build(t, realLab, func(line string) { realLab.Sh(t, "brctl "+line) })
		build(t, nshLab, func(line string) { mustNsh(t, nshLab, line) })

		for _, args := range [][]string{
			{"show"},
			{"show", "br1", "brA"},
			{"showmacs", "brA"},
			{"showmacs", "br0"},
		} {
			for _, l := range []*testenv.ToolLab{realLab, nshLab} {
				want, _, err := l.Tool(args...)
				if err != nil {
					t.Fatalf("brctl %v in %s: %v", args, l.Name, err)
				}
				got, err := l.Nsh(args...)
				if err != nil {
					t.Errorf("nsh brctl %v in %s: %v", args, l.Name, err)
				}
				if got != want {
					t.Errorf("brctl %v in %s:\nnsh:\n%s\nbrctl:\n%s", args, l.Name, got, want)
				}
			}
			// Built by nsh or by brctl, the labs look the same.
			a, _, _ := realLab.Tool(args...)
			b, _ := nshLab.Nsh(args...)
			if a != b {
				t.Errorf("brctl %v: lab built by brctl shows\n%s\nlab built by nsh shows\n%s", args, a, b)
			}
		}
		// showstp: the bridge's gc timer runs, so timers are masked.
		for _, br := range []string{"br0", "brA"} {
			for _, l := range []*testenv.ToolLab{realLab, nshLab} {
				want, _, err := l.Tool("showstp", br)
				got, nerr := l.Nsh("showstp", br)
				if err != nil || nerr != nil || testenv.MaskTimers(got) != testenv.MaskTimers(want) {
					t.Errorf("brctl showstp %s in %s: %v %v\nnsh:\n%s\nbrctl:\n%s", br, l.Name, nerr, err, got, want)
				}
			}
			a, _, _ := realLab.Tool("showstp", br)
			b, _ := nshLab.Nsh("showstp", br)
			if testenv.MaskTimers(a) != testenv.MaskTimers(b) {
				t.Errorf("brctl showstp %s: lab built by brctl shows\n%s\nlab built by nsh shows\n%s", br, a, b)
			}
		}
		if out, _ := nshLab.Nsh("showstp", "br0"); !strings.Contains(out, " max age\t\t  10.00\t\t\tbridge max age\t\t  10.00\n hello time\t\t   1.00") {
			t.Errorf("brctl showstp br0 lacks the times set:\n%s", out)
		}
		// Sanity: what the comparison covered.
		out, _ := nshLab.Nsh("show")
		for _, want := range []string{"br0\t\t1000.020000000020\tyes\t\tw0\n", "brA\t\t8000.020000000001\tno\t\tva\n\t\t\t\t\t\t\tvm\n\t\t\t\t\t\t\tvz\n", "br1\t\t8000.000000000000\tno\t\t\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("brctl show lacks %q:\n%s", want, out)
			}
		}
	})
}

// TestBrctlErrorsMatchBridgeUtils runs failing commands with both and
// compares nsh's error with brctl's stderr.
func TestBrctlErrorsMatchBridgeUtils(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "brctl")
		host, st := testenv.New(t)
		l := testenv.NewToolLab(t, host, st, "errs", "brctl", brctl.Main)
		l.Sh(t,
			"ip link add v0 type veth peer name v1",
			"ip link add v2 type veth peer name v3",
			"brctl addbr br0", "brctl addbr br1", "brctl addbr upbr",
			"brctl addif br0 v0",
			"ip link set upbr up",
		)
		for _, line := range []string{
			"delbr upbr",
			"delbr nosuch",
			"delbr v0",
			"addbr br1",
			"addif br0 veth9",
			"addif nosuch v2",
			"addif br0 v0",
			"addif br1 v0",
			"addif br0 br1",
			"addif v3 v2",
			"delif br0 v2",
			"delif br0 veth9",
			"delif nosuch v0",
			"show nosuch",
			"show v0",
			"show br1 nosuch",
			"stp br0 maybe",
			"setageing br0 x",
			"setbridgeprio br0 x",
			"setpathcost br0 v0 x",
			"hairpin br0 v0 perhaps",
			"hairpin br0 veth9 on",
			"showmacs nosuch",
			"showmacs v0",
			"showstp nosuch",
			"showstp v0",
			"setfd nosuch 3",
			"setfd br0 x",
			"sethello br0 x",
			"setmaxage br0 x",
			"stp nosuch on",
			"setbridgeprio nosuch 1",
			"setpathcost br0 veth9 3",
			"setportprio br0 v0 x",
			"setportprio br0 v2 3",
			"frob",
		} {
			args := strings.Fields(line)
			wantOut, wantErr, rerr := l.Tool(args...)
			if rerr == nil {
				t.Errorf("brctl %s: brctl succeeded", line)
				continue
			}
			gotOut, err := l.Nsh(args...)
			if err == nil {
				t.Errorf("brctl %s: nsh succeeded; brctl said %q", line, wantErr)
				continue
			}
			if gotOut != wantOut {
				t.Errorf("brctl %s stdout:\nnsh:   %q\nbrctl: %q", line, gotOut, wantOut)
			}
			if got := err.Error() + "\n"; got != wantErr {
				t.Errorf("brctl %s stderr:\nnsh:   %q\nbrctl: %q", line, got, wantErr)
			}
		}
		// Usage errors print to stdout and only set the status.
		for _, args := range [][]string{{}, {"addbr"}, {"addif", "br0"}} {
			wantOut, _, _ := l.Tool(args...)
			gotOut, err := l.Nsh(args...)
			var es interp.ExitStatus
			if !errors.As(err, &es) || es != 1 || gotOut != wantOut {
				t.Errorf("brctl %v: %v %q, want status 1 and %q", args, err, gotOut, wantOut)
			}
		}
		// No abbreviations, unlike ip.
		if _, err := l.Nsh("sh"); err == nil || !strings.Contains(err.Error(), "never heard of command [sh]") {
			t.Errorf("brctl sh: %v", err)
		}
	})
}

// TestBrctlDelbrAndDelif covers the successful removals.
func TestBrctlDelbrAndDelif(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		host, st := testenv.New(t)
		l := testenv.NewToolLab(t, host, st, "rm", "brctl", brctl.Main)
		l.Sh(t, "ip link add v0 type veth peer name v1")
		mustNsh(t, l, "addbr br9")
		mustNsh(t, l, "addif br9 v0")
		if out, _ := l.Nsh("show"); !strings.Contains(out, "\tv0\n") {
			t.Fatalf("v0 not a port: %q", out)
		}
		mustNsh(t, l, "delif br9 v0")
		if out, _ := l.Nsh("show"); strings.Contains(out, "v0") {
			t.Errorf("v0 still a port: %q", out)
		}
		mustNsh(t, l, "delbr br9")
		if out, _ := l.Nsh("show"); out != "" {
			t.Errorf("after delbr: %q", out)
		}
	})
}

// TestBrctlOptionsMatchBridgeUtils checks getopt's handling: an argument
// starting with "-" is an option wherever it stands, so a negative time
// ("setageing br0 -1") is refused as brctl refuses it, byte for byte;
// after "--" nsh refuses a negative time itself, and a time too large for
// 32 bits wraps as brctl's does.
func TestBrctlOptionsMatchBridgeUtils(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "brctl")
		host, st := testenv.New(t)
		l := testenv.NewToolLab(t, host, st, "opts", "brctl", brctl.Main)
		l.Sh(t, "ip link add br0 type bridge")
		for _, line := range []string{
			"setageing br0 -1",
			"setfd br0 -0.5",
			"-x",
			"--bogus",
			"--help=1",
			"show -q br0",
			"-h",
			"--he",
			"-V",
			"--version",
		} {
			args := strings.Fields(line)
			wantOut, wantErr, rerr := l.Tool(args...)
			gotOut, err := l.Nsh(args...)
			gotErr := ""
			var es interp.ExitStatus
			if err != nil && !errors.As(err, &es) {
				gotErr = err.Error() + "\n"
			}
			if (rerr == nil) != (err == nil) || gotOut != wantOut || gotErr != wantErr {
				t.Errorf("brctl %s:\nnsh:   %v %q %q\nbrctl: %v %q %q", line, err, gotOut, gotErr, rerr, wantOut, wantErr)
			}
		}
		ageing := func() string {
			out, _, err := l.Real("ip", "-d", "link", "show", "br0")
			if err != nil {
				t.Fatal(err)
			}
			_, rest, _ := strings.Cut(out, "ageing_time ")
			v, _, _ := strings.Cut(rest, " ")
			return v
		}
		for _, v := range []string{"42949673", "42949672.95", "0.001", "300"} {
			if _, _, err := l.Tool("setageing", "br0", v); err != nil {
				t.Fatalf("brctl setageing br0 %s: %v", v, err)
			}
			want := ageing()
			mustNsh(t, l, "setageing br0 1")
			mustNsh(t, l, "setageing br0 "+v)
			if got := ageing(); got != want {
				t.Errorf("setageing br0 %s: nsh set ageing_time %s, brctl %s", v, got, want)
			}
		}
		if _, err := l.Nsh("setageing", "br0", "--", "-1"); err == nil || err.Error() != "bad ageing time value" {
			t.Errorf("nsh brctl setageing br0 -- -1: %v, want bad ageing time value", err)
		}
	})
}
