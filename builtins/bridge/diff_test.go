package bridge_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/brctl"
	"github.com/nshlab/nsh/builtins/bridge"
	"github.com/nshlab/nsh/internal/cli"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
	"github.com/nshlab/nsh/ns"
)

// Justified differences. Every command/state pair must be byte-identical
// to the real tool's output taken in the same state, except where this
// table says what is normalised on both sides before comparing, and why.
// Nothing else is tolerated.
//
//	command             state   normalised                reason
//	brctl showstp BR    multi,  every timer value ("%4d.%02d" after a tab)
//	                    stp     -> "T" (testenv.MaskTimers) the gc timer runs even on a
//	                                                      down bridge, and on an up STP
//	                                                      bridge hello and port timers
//	                                                      tick too, between the two runs
//	                                                      (hundredths of a second)
//	bridge -j ...       all     compared as parsed JSON   by definition of the task; the
//	                            (also counted when byte-  byte-exact JSON check is -j -p
//	                            identical)

// diffCase is one command line compared against the real tool.
type diffCase struct {
	line  string // the command line, as typed
	json  bool   // -j without -p: parsed-JSON equality
	timer bool   // timers masked (see the table)
}

// diffStates are the kernel states the differential test compares in.
var diffStates = []struct {
	name  string
	build func(t *testing.T, l *testenv.Lab)
}{
	{"empty", func(t *testing.T, l *testenv.Lab) {}},
	{"multi", func(t *testing.T, l *testenv.Lab) { buildMulti(t, l, realTool(t, l)) }},
	{"multi-by-nsh", func(t *testing.T, l *testenv.Lab) { buildMulti(t, l, nshTool(t, l)) }},
	{"stp", buildSTP},
	{"peer-elsewhere", buildPeerElsewhere},
}

// buildPeerElsewhere: bridge ports that are veths whose peers were moved
// to another namespace (the AF_BRIDGE dump names the peer by an index of
// that namespace, without IFLA_LINK_NETNSID), one up, one down, next to
// a port whose peer stayed.
func buildPeerElsewhere(t *testing.T, l *testenv.Lab) {
	t.Helper()
	if _, err := l.Env.Host.Add(l.Name + "-other"); err != nil {
		t.Fatal(err)
	}
	l.Sh(t, "ip link add brP type bridge",
		"ip link add p0 type veth peer name p1", "ip link add p2 type veth peer name p3",
		"ip link add q0 type veth peer name q1",
		"ip link set p0 master brP", "ip link set p2 master brP", "ip link set q0 master brP",
		"ip link set p1 netns "+l.Name+"-other", "ip link set p3 netns "+l.Name+"-other",
		"ip -n "+l.Name+"-other link set p1 up",
		// No learning: p1 sends (IPv6 solicitations), and a learned
		// entry would come and age during the comparisons.
		"bridge link set dev p0 learning off",
		"ip link set brP up", "ip link set p0 up", "ip link set p2 up", "ip link set q0 up")
}

// realTool runs a bridge/brctl setup line with the real tool; nshTool
// with the builtin.
func realTool(t *testing.T, l *testenv.Lab) func(string) {
	return func(line string) { t.Helper(); l.Sh(t, line) }
}

func nshTool(t *testing.T, l *testenv.Lab) func(string) {
	return func(line string) {
		t.Helper()
		w := strings.Fields(line)
		f := map[string]builtins.Func{"brctl": brctl.Main, "bridge": bridge.Main}[w[0]]
		if _, err := l.Run(f, w[0], w[1:]...); err != nil {
			t.Fatalf("nsh %s: %v", line, err)
		}
	}
}

// buildMulti: three bridges (one down with a hairpin port), ports in every
// state STP-less bridges allow, static, permanent and dynamic fdb
// entries, and a vxlan port with remote entries. Learning is off where
// links are up, so no entry ages between two runs.
func buildMulti(t *testing.T, l *testenv.Lab, tool func(string)) {
	for _, p := range []string{"a1", "a2", "a3", "a4", "b1", "d1"} {
		l.Sh(t, "ip link add "+p+" type veth peer name "+p+"-p")
	}
	l.Sh(t, "ip link set a1 address 02:00:00:00:00:a1", "ip link set a2 address 02:00:00:00:00:a2",
		"ip link add vx0 type vxlan id 42 dstport 4789 nolearning")
	for _, line := range []string{
		"brctl addbr brA", "brctl addbr brB", "brctl addbr brD",
		"brctl addif brA a1", "brctl addif brA a2", "brctl addif brA a3", "brctl addif brA a4", "brctl addif brA vx0",
		"brctl addif brB b1", "brctl addif brD d1",
		// forward delay 0: a port that comes up arms no forward-delay
		// timer, which would move the states set by hand below (learning
		// to forwarding, listening to learning) 15 s later, during the
		// comparisons.
		"brctl setfd brA 0",
		"brctl setbridgeprio brB 4096", "brctl setageing brA 120", "brctl setfd brD 5", "brctl sethello brD 1",
		"brctl setmaxage brD 9", "brctl setpathcost brA a2 7", "brctl setportprio brA a3 5", "brctl hairpin brD d1 on",
		"bridge link set dev a1 learning off", "bridge link set dev a2 learning off",
		"bridge link set dev a3 learning off", "bridge link set dev a4 learning off",
		"bridge link set dev vx0 learning off",
		"bridge link set dev a3 guard on root_block on flood off mcast_flood off",
		"bridge link set dev a2 cost 9 priority 7 hairpin on",
		"bridge link set dev a1 priority 99999 cost 0 mcast_router 2",
	} {
		tool(line)
	}
	l.Sh(t, "ip link set brA up", "ip link set brB up", "ip link set vx0 up",
		"ip link set a1 up", "ip link set a1-p up", "ip link set a2 up", "ip link set a2-p up",
		"ip link set a3 up", "ip link set a3-p up", "ip link set a4 up", "ip link set a4-p up")
	// The kernel takes a port's carrier change (linkwatch, up to a second
	// later) as a reason to select port states again, which puts every
	// port of an STP-less bridge in forwarding: wait until it has, so that
	// the states set by hand below stay as set.
	waitPorts(t, l, "a1", "a2", "a3", "a4")
	for _, line := range []string{
		// Port states set by hand (STP is off on brA).
		"bridge link set dev a2 state 4", "bridge link set dev a3 state 2", "bridge link set dev a4 state 1",
		"bridge fdb add 02:aa:00:00:00:01 dev a1 master static",
		"bridge fdb add 02:aa:00:00:00:02 dev a2 master",
		"bridge fdb add 02:aa:00:00:00:03 dev a3 master dynamic",
		"bridge fdb replace 02:aa:00:00:00:03 dev a3 master static",
		"bridge fdb add 02:aa:00:00:00:04 dev a4 master static",
		"bridge fdb del 02:aa:00:00:00:04 dev a4 master",
		"bridge fdb add 02:aa:00:00:00:05 dev b1 master static",
		"bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.2 self permanent",
		"bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.3 self permanent",
		"bridge fdb add 02:bb:00:00:00:01 dev vx0 dst 10.0.0.4 port 4790 vni 43 self",
	} {
		tool(line)
	}
}

// waitPorts waits until each port has its carrier and is forwarding.
func waitPorts(t *testing.T, l *testenv.Lab, ports ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, _, _ := l.Real("bridge", "link")
		ready := true
		for _, p := range ports {
			ok := false
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, ": "+p+"@") && strings.Contains(line, "LOWER_UP") && strings.Contains(line, "state forwarding") {
					ok = true
				}
			}
			ready = ready && ok
		}
		if ready {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("ports %v not up and forwarding after 10 s:\n%s", ports, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// buildSTP: a bridge with STP on whose two ports are the ends of one veth
// pair (a loop: one port ends up forwarding, the other blocking) and a
// third port that is down (disabled). It waits until STP settles.
func buildSTP(t *testing.T, l *testenv.Lab) {
	l.Sh(t, "ip link add s1 type veth peer name s2", "ip link add s3 type veth peer name s3-p",
		"ip link set s1 address 02:00:00:00:01:01", "ip link set s2 address 02:00:00:00:01:02",
		"brctl addbr brS", "brctl addif brS s1", "brctl addif brS s2", "brctl addif brS s3",
		"brctl setfd brS 2", "brctl sethello brS 1", "brctl stp brS on",
		"bridge link set dev s1 learning off", "bridge link set dev s2 learning off",
		"ip link set brS up", "ip link set s1 up", "ip link set s2 up")
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, _, _ := l.Real("bridge", "link")
		if strings.Contains(out, "state forwarding") && strings.Contains(out, "state blocking") &&
			strings.Contains(out, "master brS state disabled") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("STP did not settle:\n%s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// diffCases are the commands compared in every state.
var diffCases = []diffCase{
	{line: "brctl show"},
	{line: "brctl show brB brA"},
	{line: "brctl show brS"},
	{line: "brctl showmacs brA"},
	{line: "brctl showmacs brB"},
	{line: "brctl showmacs brS"},
	{line: "brctl showstp brD", timer: true},
	{line: "brctl showstp brS", timer: true},
	{line: "bridge link show"},
	{line: "bridge link"},
	{line: "bridge -d link show"},
	{line: "bridge -o -d link show"},
	{line: "bridge link show dev a2"},
	{line: "bridge fdb show"},
	{line: "bridge fdb show br brA"},
	{line: "bridge fdb show br brB"},
	{line: "bridge fdb show dev vx0"},
	{line: "bridge fdb show dev a1"},
	{line: "bridge fdb show br brA state static"},
	{line: "bridge vlan show"},
	{line: "bridge vlan"},
	{line: "bridge vlan show dev a1"},
	{line: "bridge fdb"},
	{line: "bridge fdb show brport a1"},
	{line: "bridge fdb show state permanent"},
	{line: "bridge fdb show br brA state dynamic"},
	{line: "bridge -o link"},
	{line: "bridge -j -p fdb show dev vx0"},
	{line: "bridge -j -p -d link show dev a3"},
	{line: "bridge -d link show dev s1"},
	{line: "bridge -j link show", json: true},
	{line: "bridge -j -d link show", json: true},
	{line: "bridge -j fdb show", json: true},
	{line: "bridge -j fdb show br brA", json: true},
	{line: "bridge -j vlan show", json: true},
	{line: "bridge -j -p link show"},
	{line: "bridge -j -p -d link show"},
	{line: "bridge -j -p fdb show"},
	{line: "bridge -j -p vlan show"},
}

// TestShowsMatchRealTools runs every diffCase in every diffState, in three
// forms: the builtin acting in the namespace against "ip netns exec NS
// tool ...", "bridge -n NS ..." against the real "bridge -n NS ...", and
// "in NS < line >" through cli.Main against "ip netns exec NS tool ...".
// It counts the pairs and the byte-identical ones.
func TestShowsMatchRealTools(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "brctl")
		sandbox.RequireTool(t, "bridge")
		host, st := testenv.New(t)
		start := &builtins.Env{NS: ns.Start(), Host: host, State: st}
		var pairs, identical, jsonEqual, masked int
		for _, s := range diffStates {
			l := testenv.NewLab(t, host, st, s.name)
			s.build(t, l)
			for _, c := range diffCases {
				w := strings.Fields(c.line)
				if _, stderr, err := l.Real(w...); err != nil {
					if !strings.Contains(stderr, "does not exist") && !strings.Contains(stderr, "Cannot find") && !strings.Contains(stderr, "No such device") {
						t.Fatalf("%s in %s: %v\n%s", c.line, s.name, err, stderr)
					}
					continue // a bridge or device this state lacks: not a show
				}
				f := map[string]builtins.Func{"brctl": brctl.Main, "bridge": bridge.Main}[w[0]]
				forms := []struct {
					name string
					run  func() (string, error)
					want func() string
				}{
					{"ns", func() (string, error) { return l.Run(f, w[0], w[1:]...) }, func() string {
						o, _, _ := l.Real(w...)
						return o
					}},
					{"in", func() (string, error) {
						var o, e bytes.Buffer
						code := cli.Main([]string{"nsh", "-c", "in " + s.name + " < " + c.line + " >"}, strings.NewReader(""), &o, &e)
						if code != 0 {
							return o.String(), fmt.Errorf("exit %d: %s", code, e.String())
						}
						return o.String(), nil
					}, func() string {
						o, _, _ := l.Real(w...)
						return o
					}},
				}
				if w[0] == "bridge" {
					forms = append(forms, struct {
						name string
						run  func() (string, error)
						want func() string
					}{"-n", func() (string, error) {
						var o bytes.Buffer
						env := start.Clone()
						env.Stdout, env.Stderr = &o, &o
						defer env.Release()
						err := bridge.Main(t.Context(), env, append([]string{"bridge", "-n", s.name}, w[1:]...))
						return o.String(), err
					}, func() string {
						o, _ := exec.Command("bridge", append([]string{"-n", s.name}, w[1:]...)...).Output()
						return string(o)
					}})
				}
				for _, form := range forms {
					want := form.want()
					got, err := form.run()
					pairs++
					what := fmt.Sprintf("%s [%s, state %s]", c.line, form.name, s.name)
					if err != nil {
						t.Errorf("%s: nsh failed: %v", what, err)
						continue
					}
					if got == want {
						identical++
						continue
					}
					switch {
					case c.json:
						var g, w any
						if e1, e2 := json.Unmarshal([]byte(got), &g), json.Unmarshal([]byte(want), &w); e1 != nil || e2 != nil || !reflect.DeepEqual(g, w) {
							t.Errorf("%s: JSON differs (%v %v): %s", what, e1, e2, firstDiff(got, want))
							continue
						}
						jsonEqual++
					case c.timer:
						if testenv.MaskTimers(got) != testenv.MaskTimers(want) {
							t.Errorf("%s: differs beyond timers: %s", what, firstDiff(testenv.MaskTimers(got), testenv.MaskTimers(want)))
							continue
						}
						masked++
					default:
						t.Errorf("%s: %s", what, firstDiff(got, want))
					}
				}
			}
		}
		// The state nsh set up (brctl/bridge lines run by the builtins)
		// is the state the real tools set up: port attributes, and the
		// fdb entries whose addresses the setup chose.
		multi, byNsh := &testenv.Lab{Name: "multi"}, &testenv.Lab{Name: "multi-by-nsh"}
		show := func(l *testenv.Lab, args ...string) string {
			out, _, err := l.Real(args...)
			if err != nil {
				t.Fatalf("%v in %s: %v", args, l.Name, err)
			}
			if args[1] != "fdb" {
				return out
			}
			var keep []string
			for _, line := range strings.Split(out, "\n") {
				for _, p := range []string{"02:aa:", "02:bb:", "00:00:00:00:00:00"} {
					if strings.HasPrefix(line, p) {
						keep = append(keep, line)
					}
				}
			}
			return strings.Join(keep, "\n")
		}
		for _, args := range [][]string{{"bridge", "-d", "link", "show"}, {"bridge", "fdb", "show"}} {
			if a, b := show(multi, args...), show(byNsh, args...); a != b || a == "" {
				t.Errorf("%v: set up by nsh vs by the real tools: %s", args, firstDiff(b, a))
			}
		}
		t.Logf("%d command/state/form pairs: %d byte-identical, %d equal as parsed JSON (-j), %d equal with timers masked (showstp)",
			pairs, identical, jsonEqual, masked)
		if pairs < 200 {
			t.Errorf("only %d pairs compared", pairs)
		}
	})
}

// firstDiff describes where got and want first differ, line by line.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b || i >= len(g) || i >= len(w) {
			return fmt.Sprintf("line %d:\n  nsh:  %q\n  real: %q", i+1, a, b)
		}
	}
	return "same lines"
}
