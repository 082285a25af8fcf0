package iproute_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/iproute"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
	"github.com/nshlab/nsh/interp"
)

// ipPair is two namespaces set up alike: the real ip acts in one, nsh's
// builtin in the other, so that one command can be run by both from the
// same kernel state and the results compared. Links created in the same
// order get the same indexes in both.
type ipPair struct {
	real, nsh *testenv.Lab
	// maskMAC masks MAC addresses in outputs and state dumps, for
	// commands that create links with random addresses.
	maskMAC bool
}

// newIPPair adds the namespaces "ipr" and "ipn" and runs the setup
// command lines (real tools, split on blanks) in both.
func newIPPair(t *testing.T, setup ...string) *ipPair {
	t.Helper()
	sandbox.RequireTool(t, "ip")
	host, st := testenv.New(t)
	p := &ipPair{real: testenv.NewLab(t, host, st, "ipr"), nsh: testenv.NewLab(t, host, st, "ipn")}
	p.real.Sh(t, setup...)
	p.nsh.Sh(t, setup...)
	return p
}

// nshIP runs "ip ARGS" as the builtin in lab l and returns what the
// shell would show: stdout, stderr (what the builtin wrote, then the
// failure as the shell reports it for ip) and the exit status.
func nshIP(l *testenv.Lab, args ...string) (stdout, stderr string, status int) {
	out, err := l.Run(iproute.Main, "ip", args...)
	stderr = l.Err.String()
	if err == nil {
		return out, stderr, 0
	}
	var es interp.ExitStatus
	if errors.As(err, &es) {
		return out, stderr, int(es)
	}
	text, status := builtins.Report(err, 2) // as shell.ToolError reports it for ip
	if text != "" {
		stderr += text + "\n"
	}
	return out, stderr, status
}

var macRE = regexp.MustCompile(`\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b`)

// timerRE matches the bridge timers of "ip -d link show", which tick.
var timerRE = regexp.MustCompile(`\b((?:hello|tcn|topology_change|gc|message_age|forward_delay|hold)_timer) +[0-9.]+`)

// mask hides MAC addresses when p.maskMAC is set.
func (p *ipPair) mask(s string) string {
	if p.maskMAC {
		return macRE.ReplaceAllString(s, "MAC")
	}
	return s
}

// state dumps the namespace of lab l with the real ip, one command line
// after another.
func (p *ipPair) state(t *testing.T, l *testenv.Lab, cmds []string) string {
	t.Helper()
	var b strings.Builder
	for _, c := range cmds {
		out, errOut, err := l.Real(append([]string{"ip"}, strings.Fields(c)...)...)
		if err != nil {
			t.Fatalf("ip %s: %v\n%s", c, err, errOut)
		}
		b.WriteString("$ ip " + c + "\n" + out)
	}
	return timerRE.ReplaceAllString(p.mask(b.String()), "${1} T")
}

// compare runs "ip LINE" with the real ip and with the builtin and
// requires the same exit status, stdout and stderr, and the same state
// afterwards as the real ip shows it: "ip -d link show", or the given
// state commands.
func (p *ipPair) compare(t *testing.T, line string, stateCmds ...string) {
	t.Helper()
	if len(stateCmds) == 0 {
		stateCmds = []string{"-d link show"}
	}
	args := strings.Fields(line)
	ro, re, rerr := p.real.Real(append([]string{"ip"}, args...)...)
	rs := testenv.ExitStatus(rerr)
	no, ne, ns := nshIP(p.nsh, args...)
	ro, no = p.mask(ro), p.mask(no)
	if rs != ns || ro != no || re != ne {
		t.Errorf("ip %s:\n nsh: exit %d stdout %q stderr %q\n  ip: exit %d stdout %q stderr %q", line, ns, no, ne, rs, ro, re)
	}
	if rst, nst := p.state(t, p.real, stateCmds), p.state(t, p.nsh, stateCmds); rst != nst {
		t.Errorf("ip %s: state differs\n--- nsh\n%s--- ip\n%s", line, nst, rst)
	}
}
