package bridge_test

import (
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/brctl"
	"github.com/nshlab/nsh/builtins/bridge"
	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/ns"
)

// brModelSetup is the lab every generated bridge and brctl case starts
// from: bridge br0 with two veth ports (d0, d2), their peers d1 and d3
// outside it, a static fdb entry, a vxlan device with a VNI filter, and
// (br0 and d0 up, IPv6 off so that no group is learnt) an mdb entry.
const brModelSetup = `ip link add d0 address 02:00:00:00:00:10 type veth peer name d1 address 02:00:00:00:00:11
ip link add d2 address 02:00:00:00:00:12 type veth peer name d3 address 02:00:00:00:00:13
ip link add br0 address 02:00:00:00:00:30 type bridge
ip link set d0 master br0
ip link set d2 master br0
ip link add vx0 address 02:00:00:00:00:40 type vxlan dstport 4789 external vnifilter
bridge fdb add 02:00:00:00:00:55 dev d0 master static
bridge vni add dev vx0 vni 100
sysctl -qw net.ipv6.conf.all.disable_ipv6=1
sysctl -qw net.ipv6.conf.default.disable_ipv6=1
ip link set br0 up
ip link set d0 up
ip link set d1 up
bridge mdb add dev br0 port d0 grp 239.1.1.1 permanent
`

// brModelState is what is compared after each case, dumped by the real
// tools.
const brModelState = `bridge -d link show; bridge fdb show; bridge vlan show; bridge vni show; bridge -d mdb show; ip -d link show; brctl show`

// brModelTemplates are, per bridge object and canonical verb, the
// command line a keyword (and its value) is added to.
var brModelTemplates = map[string]string{
	"link set":        "link set dev d0 %s",
	"link show":       "link show %s",
	"fdb add":         "fdb add 02:00:00:00:00:66 dev d0 %s",
	"fdb append":      "fdb append 02:00:00:00:00:66 dev d0 %s",
	"fdb replace":     "fdb replace 02:00:00:00:00:55 dev d0 %s",
	"fdb delete":      "fdb delete 02:00:00:00:00:55 dev d0 %s",
	"fdb get":         "fdb get 02:00:00:00:00:55 br br0 %s",
	"fdb show":        "fdb show %s",
	"fdb flush":       "fdb flush dev br0 %s",
	"vlan add":        "vlan add dev d0 vid 10 %s",
	"vlan delete":     "vlan delete dev d0 vid 1 %s",
	"vlan show":       "vlan show %s",
	"vlan tunnelshow": "vlan tunnelshow %s",
	"vlan set":        "vlan set dev d0 vid 1 %s",
	"vlan global":     "vlan global set dev br0 vid 1 %s",
	"vni add":         "vni add dev vx0 vni 200 %s",
	"vni delete":      "vni delete dev vx0 vni 100 %s",
	"vni show":        "vni show %s",
	"mdb add":         "mdb add dev br0 port d0 grp 239.1.1.9 %s",
	"mdb delete":      "mdb delete dev br0 port d0 grp 239.1.1.1 %s",
	"mdb show":        "mdb show %s",
}

// brSample is a value of keyword k for a generated case: ok false when
// no case is made for it.
func brSample(k *spec.Keyword) (string, bool) {
	switch k.Name {
	case "vid":
		return "10", true
	case "vni", "src_vni":
		return "200", true
	case "tunnel_info":
		return "id 1000", true
	case "state":
		if len(k.Values) > 0 {
			return k.Values[len(k.Values)-1], true
		}
	}
	switch k.Kind {
	case spec.Flag:
		return "", true
	case spec.IfName, spec.PortDev:
		return "d2", true
	case spec.BridgeDev:
		return "br0", true
	case spec.NewIfName:
		return "n0", true
	case spec.Addr:
		return "10.0.0.9", true
	case spec.LLAddr:
		return "02:00:00:00:00:99", true
	case spec.Number:
		if k.Max > 0 && k.Max < 100 {
			return fmt.Sprint(k.Max), true
		}
		return "100", true
	case spec.Enum:
		return k.Values[0], true
	case spec.OnOff:
		return "on", true
	case spec.Netns, spec.NetnsOrPID, spec.Command:
		return "", false
	}
	return "x", true
}

// brctlSample is a value of brctl's positional argument k.
func brctlSample(k *spec.Keyword) string {
	switch k.Kind {
	case spec.NewIfName:
		return "n0"
	case spec.BridgeDev:
		return "br0"
	case spec.IfName:
		return "d1"
	case spec.PortDev:
		return "d2"
	case spec.OnOff:
		return "on"
	}
	if k.Name == "on|off" {
		return "on"
	}
	return "10"
}

// brCase is a generated command line of tool (bridge or brctl).
type brCase struct{ tool, line string }

// brModelCases generates a case for every keyword of every bridge verb
// nsh implements, and for every brctl command: with all its arguments,
// with the last one left out, and with a bridge that does not exist.
func brModelCases() []brCase {
	var out []brCase
	for i := range spec.Bridge.Objects {
		o := &spec.Bridge.Objects[i]
		if o.Missing {
			continue
		}
		seen := map[string]bool{}
		for j := range o.Verbs {
			v := &o.Verbs[j]
			tmpl, ok := brModelTemplates[o.Name+" "+v.Canonical()]
			if !ok || v.Missing || seen[v.Canonical()] {
				continue
			}
			seen[v.Canonical()] = true
			for k := range v.Keys {
				kw := &v.Keys[k]
				if kw.Name == "help" || kw.Missing {
					continue
				}
				val, ok := brSample(kw)
				if !ok {
					continue
				}
				out = append(out, brCase{"bridge", fmt.Sprintf(tmpl, strings.TrimSpace(kw.Name+" "+val))})
			}
		}
	}
	for _, line := range brExtraLines {
		out = append(out, brCase{"bridge", line})
	}
	for i := range spec.Brctl.Verbs {
		v := &spec.Brctl.Verbs[i]
		var args []string
		for k := range v.Pos {
			args = append(args, brctlSample(&v.Pos[k]))
		}
		out = append(out, brCase{"brctl", strings.TrimSpace(v.Name + " " + strings.Join(args, " "))})
		if len(args) > 0 {
			out = append(out, brCase{"brctl", strings.TrimSpace(v.Name + " " + strings.Join(args[:len(args)-1], " "))})
			if v.Pos[0].Kind == spec.BridgeDev {
				out = append(out, brCase{"brctl", v.Name + " nosuch " + strings.Join(args[1:], " ")})
			}
		}
	}
	return out
}

// brExtraLines are command lines the generated ones do not reach: the
// VLAN database's dumps (-d vlan show, vlan global show), ranges and
// refusals of the option setters, and the sub-verbs of vlan global.
var brExtraLines = []string{
	"-d vlan show", "-d -s vlan show", "-j -d vlan show", "vlan global", "vlan global show dev br0",
	"vlan global list vid 1", "-j vlan global show", "vlan global show dev nosuch", "vlan global foo",
	"vlan set dev d0 vid 1-5 state 3", "vlan set dev d0 vid 5-3", "vlan set dev d0 vid 5000",
	"vlan set dev d0 vid x", "vlan set vid 1 state 3", "vlan set dev nosuch vid 1", "vlan set dev d0 vid 1 state foo",
	"vlan set dev d0 vid 1 mcast_router 300", "vlan set dev d0 vid 1 frob", "vlan se dev d0 vid 1 state blocking",
	"vlan global set dev br0 vid 2-4 mcast_querier 1", "vlan global set vid 3", "vlan global set dev br0 vid 1 mcast_igmp_version 300",
	"vlan global set dev br0 vid 1 mcast_query_interval x",
}

// brModelKnownDifferences are the generated cases whose results differ
// from bridge 6.1's and bridge-utils', by pattern over "TOOL LINE", each
// with its reason; a case that starts to match fails until it leaves the
// list.
var brModelKnownDifferences = []struct {
	re     *regexp.Regexp
	reason string
}{}

func brKnown(c brCase) (string, bool) {
	for _, k := range brModelKnownDifferences {
		if k.re.MatchString(c.tool + " " + c.line) {
			return k.reason, true
		}
	}
	return "", false
}

var (
	brMACRE   = regexp.MustCompile(`\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b`)
	brTimerRE = regexp.MustCompile(`\b((?:hello|tcn|topology_change|gc|message_age|forward_delay|hold)_timer) +[0-9.]+`)
	brOperRE  = regexp.MustCompile(`state (UP|DOWN|UNKNOWN|LOWERLAYERDOWN|DORMANT)`)
)

// brLab makes namespace name and builds brModelSetup in it with the real
// tools; the returned function deletes it.
func brLab(host *ns.Host, name string) (ns.Ref, func(), error) {
	r, err := host.Add(name)
	if err != nil {
		return ns.Ref{}, nil, err
	}
	done := func() { exec.Command("ip", "netns", "del", name).Run() }
	if out, err := exec.Command("ip", "netns", "exec", name, "sh", "-ec", brModelSetup).CombinedOutput(); err != nil {
		done()
		return ns.Ref{}, nil, fmt.Errorf("setup of %s: %w\n%s", name, err, out)
	}
	return r, done, nil
}

// brStateOf dumps namespace name with the real tools, MAC addresses,
// bridge timers and operational states masked, lines sorted.
func brStateOf(name string) (string, error) {
	out, err := exec.Command("ip", "netns", "exec", name, "sh", "-c", brModelState).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("state of %s: %w\n%s", name, err, out)
	}
	s := brOperRE.ReplaceAllString(brTimerRE.ReplaceAllString(brMACRE.ReplaceAllString(string(out), "MAC"), "$1 T"), "state OPER")
	lines := strings.Split(s, "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n"), nil
}

// brCompare runs case c under the real tool and under nsh, each in a
// fresh namespace, and returns what differs ("" when nothing does).
func brCompare(host *ns.Host, st *builtins.State, i int, c brCase) (string, error) {
	args := strings.Fields(c.line)
	rn, nn := fmt.Sprintf("br%d", i), fmt.Sprintf("bn%d", i)
	_, doneR, err := brLab(host, rn)
	if err != nil {
		return "", err
	}
	defer doneR()
	nr, doneN, err := brLab(host, nn)
	if err != nil {
		return "", err
	}
	defer doneN()
	cmd := exec.Command("ip", append([]string{"netns", "exec", rn, c.tool}, args...)...)
	var ro, re strings.Builder
	cmd.Stdout, cmd.Stderr = &ro, &re
	rs := testenv.ExitStatus(cmd.Run())

	lab := &testenv.Lab{Name: nn}
	lab.Env = &builtins.Env{Stdout: &lab.Out, Stderr: &lab.Err, NS: nr, Host: host, State: st}
	f, def := builtins.Func(bridge.Main), 255
	if c.tool == "brctl" {
		f, def = brctl.Main, 1
	}
	no, err := lab.Run(f, c.tool, args...)
	ne, ns := lab.Err.String(), 0
	if err != nil {
		var es interp.ExitStatus
		if errors.As(err, &es) {
			ns = int(es)
		} else {
			var text string
			text, ns = builtins.Report(err, def)
			if text != "" {
				ne += text + "\n"
			}
		}
	}
	mask := func(s string) string { return testenv.MaskTimers(brMACRE.ReplaceAllString(s, "MAC")) }
	if rs != ns || mask(ro.String()) != mask(no) || re.String() != ne {
		return fmt.Sprintf("\n nsh: exit %d stdout %q stderr %q\n real: exit %d stdout %q stderr %q", ns, mask(no), ne, rs, mask(ro.String()), re.String()), nil
	}
	rst, err := brStateOf(rn)
	if err != nil {
		return "", err
	}
	nst, err := brStateOf(nn)
	if err != nil {
		return "", err
	}
	if rst != nst {
		return fmt.Sprintf(" state differs\n--- nsh\n%s\n--- real\n%s", nst, rst), nil
	}
	return "", nil
}

// TestModelKeywordsAsBridge runs, for every keyword of the model's
// bridge objects and every brctl command, a command using it under the
// real bridge or brctl and under nsh, each in a fresh namespace set up
// alike: same exit status, stdout and stderr, and the same state after.
// A keyword or command added to the model is one tested.
func TestModelKeywordsAsBridge(t *testing.T) {
	t.Parallel()
	cases := brModelCases()
	if len(cases) < 80 {
		t.Fatalf("only %d cases generated", len(cases))
	}
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "bridge")
		sandbox.RequireTool(t, "brctl")
		host, st := testenv.New(t)
		var compared []testenv.Case
		for i, c := range cases {
			reason, _ := brKnown(c)
			compared = append(compared, testenv.Case{Line: c.tool + " " + c.line, Known: reason,
				Compare: func() (string, error) { return brCompare(host, st, i, c) }})
		}
		n, known := testenv.CompareCases(t, 8, compared)
		t.Logf("%d cases compared with bridge and brctl, %d known differences (compared too)", n, known)
	})
}
