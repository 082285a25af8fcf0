package iproute

import (
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/ns"
)

// TestObjectsRunAsTheModelSays checks that every object the model marks
// as implemented has a runner, and no object marked missing has one.
func TestObjectsRunAsTheModelSays(t *testing.T) {
	for _, o := range spec.IP.Objects {
		has := objectRun(o.Canonical()) != nil
		if o.Name != "help" && has == o.Missing {
			t.Errorf("ip %s: Missing=%v in the model, runner=%v", o.Name, o.Missing, has)
		}
	}
}

func TestMatchFusion(t *testing.T) {
	other := ns.Ref{Name: "elsewhere", Path: "/run/netns/elsewhere"}
	// sameNS: the creation runs in the start namespace; "-n here" names
	// it too, any other -n word does not.
	sameNS := func(r ns.Ref, word string) bool {
		if word != "" {
			return word == "here"
		}
		return r.IsStart()
	}
	type stmt struct {
		line string
		ns   ns.Ref
	}
	cases := []struct {
		name  string
		stmts []stmt
		index int // -1: no fusion
		netns string
	}{
		{"next", []stmt{{"ip link set B netns ns1", ns.Ref{}}}, 0, "ns1"},
		{"dev keyword", []stmt{{"ip link set dev B netns ns1", ns.Ref{}}}, 0, "ns1"},
		{"abbreviated", []stmt{{"ip l s B netns ns1", ns.Ref{}}}, 0, "ns1"},
		{"-n same ns", []stmt{{"ip -n here link set B netns ns1", ns.Ref{}}}, 0, "ns1"},
		{"after safe ones", []stmt{
			{"ip link set C up", ns.Ref{}},
			{"ip addr add 10.0.0.1/24 dev C", ns.Ref{}},
			{"ip link add D type veth peer name E", ns.Ref{}},
			{"brctl addbr br9", ns.Ref{}},
			{"ip route add 10.1.0.0/16 dev C", ns.Ref{}},
			{"ip link set B netns ns1", ns.Ref{}},
		}, 5, "ns1"},
		{"no target", []stmt{{"ip link set A up", ns.Ref{}}}, -1, ""},
		{"nothing follows", nil, -1, ""},
		{"extra words", []stmt{{"ip link set B netns ns1 up", ns.Ref{}}}, -1, ""},
		{"other namespace", []stmt{{"ip link set B netns ns1", other}}, -1, ""},
		{"-n other", []stmt{{"ip -n there link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"other global option", []stmt{{"ip -d link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"show between", []stmt{{"ip link show", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"ip a s between", []stmt{{"ip a s", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"bare ip link between", []stmt{{"ip link", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"names B between", []stmt{{"ip link set B up", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"deletes A between", []stmt{{"ip link del A", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"renames A between", []stmt{{"ip link set A name Z", ns.Ref{}}, {"ip link del Z", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"brings A up between", []stmt{{"ip link set A up", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, 1, "ns1"},
		{"configures A between", []stmt{
			{"ip link set A mtu 1400", ns.Ref{}},
			{"ip addr add 10.0.0.1/24 dev A", ns.Ref{}},
			{"brctl addif br0 A", ns.Ref{}},
			{"ip link set B netns ns1", ns.Ref{}},
		}, 3, "ns1"},
		{"netns between", []stmt{{"ip netns del ns1", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"other move between", []stmt{{"ip link set C netns ns2", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"exec between", []stmt{{"ping -c1 10.0.0.1", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"flush between", []stmt{{"ip route flush table 5", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"monitor between", []stmt{{"ip monitor", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"brctl show between", []stmt{{"brctl show", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"kernel-named add between", []stmt{{"ip link add type veth", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"group delete between", []stmt{{"ip link del group 0", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
		{"batch between", []stmt{{"ip -batch f", ns.Ref{}}, {"ip link set B netns ns1", ns.Ref{}}}, -1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next := func(i int) (interp.Following, bool) {
				if i >= len(c.stmts) {
					return interp.Following{}, false
				}
				return interp.Following{Args: strings.Fields(c.stmts[i].line), NS: c.stmts[i].ns}, true
			}
			m, ok := matchFusion(next, "A", "B", sameNS)
			switch {
			case c.index < 0 && ok:
				t.Errorf("fused with statement %d; want no fusion", m.index)
			case c.index >= 0 && !ok:
				t.Errorf("no fusion; want statement %d", c.index)
			case ok && (m.index != c.index || m.netns != c.netns):
				t.Errorf("got %+v, want index %d netns %s", m, c.index, c.netns)
			}
		})
	}
}

func TestMatchFusionStopsEarly(t *testing.T) {
	asked := 0
	next := func(i int) (interp.Following, bool) {
		asked++
		return interp.Following{Args: []string{"echo", "x"}}, true
	}
	if _, ok := matchFusion(next, "A", "B", func(ns.Ref, string) bool { return true }); ok {
		t.Fatal("fused across echo")
	}
	if asked != 1 {
		t.Errorf("looked at %d statements; the first unsafe one should end the search", asked)
	}
}

// TestMatchFusionWindow checks that the look-ahead stops after fuseWindow
// statements, so that a long flat script costs O(n).
func TestMatchFusionWindow(t *testing.T) {
	for _, between := range []int{fuseWindow - 1, fuseWindow, 1000} {
		asked := 0
		next := func(i int) (interp.Following, bool) {
			asked++
			if i == between {
				return interp.Following{Args: strings.Fields("ip link set B netns ns1")}, true
			}
			return interp.Following{Args: strings.Fields("ip link set A mtu 1400")}, true
		}
		m, ok := matchFusion(next, "A", "B", func(ns.Ref, string) bool { return true })
		if want := between < fuseWindow; ok != want || ok && m.index != between {
			t.Errorf("%d statements between: fused %v (%+v), want %v", between, ok, m, want)
		}
		if asked > fuseWindow {
			t.Errorf("%d statements between: looked at %d, more than %d", between, asked, fuseWindow)
		}
	}
}
