package spec

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestInspectMissingVerb checks that a verb the model marks missing is
// a warning naming it, for the first such verb of ip or bridge.
func TestInspectMissingVerb(t *testing.T) {
	for _, c := range []*Cmd{&IP, &Bridge} {
		for _, o := range c.Objects {
			if o.Missing {
				continue
			}
			for _, v := range o.Verbs {
				if !v.Missing {
					continue
				}
				line := c.Name + " " + o.Name + " " + v.Name
				info := Inspect(strings.Fields(line), nil)
				if len(info.Problems) != 1 || !info.Problems[0].Warning || info.Problems[0].Word != 2 ||
					!strings.Contains(info.Problems[0].Msg, line+" is not supported by nsh yet") {
					t.Errorf("%s: problems %+v", line, info.Problems)
				}
				return
			}
		}
	}
	t.Log("no verb of ip or bridge is marked missing")
}

// TestInspectMissingKeyword checks that a keyword the model marks
// missing is a warning naming it, for the first such keyword of an ip
// or bridge verb nsh implements.
func TestInspectMissingKeyword(t *testing.T) {
	for _, c := range []*Cmd{&IP, &Bridge} {
		for _, o := range c.Objects {
			for _, v := range o.Verbs {
				if o.Missing || v.Missing || v.Canon != "" {
					continue
				}
				for _, k := range v.Keys {
					if !k.Missing {
						continue
					}
					line := c.Name + " " + o.Name + " " + v.Name + " " + k.Name
					if k.Kind != Flag {
						line += " 1"
					}
					info := Inspect(strings.Fields(line), nil)
					want := fmt.Sprintf("%q of %q is not supported by nsh yet", k.Name, c.Name+" "+o.Name+" "+v.Name)
					var msgs []string
					for _, p := range info.Problems {
						msgs = append(msgs, p.Msg)
					}
					if len(info.Problems) == 0 || !info.Problems[0].Warning || !strings.Contains(info.Problems[0].Msg, want) {
						t.Errorf("%s: problems %q, want a warning %q", line, msgs, want)
					}
					return
				}
			}
		}
	}
	t.Log("no keyword of an ip or bridge verb is marked missing")
}

func TestInspect(t *testing.T) {
	for _, tc := range []struct {
		line  string
		known []bool
		want  []string // "WORD:msg-substring" per problem, "!" prefix for warnings
	}{
		{line: "ip link add veth0 type veth peer name veth1"},
		{line: "ip l a v0 type veth peer name v1"},
		{line: "ip link set dev eth0 up mtu 1400 netns ns1"},
		{line: "ip -n ns1 addr add 10.0.0.1/24 dev eth0 brd +"},
		{line: "ip route add blackhole 10.0.0.0/8"},
		{line: "ip route add default via 10.0.0.1 dev eth0 mtu lock 1400"},
		{line: "ip route add 10.0.0.0/8 nexthop via 1.1.1.1 dev a weight 2 nexthop via 1.1.1.2 dev b"},
		{line: "ip rule add from 10.0.0.0/8 table 100 pref 10"},
		{line: "ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:01 dev eth0 nud permanent"},
		{line: "ip link add link eth0 name mv0 type macvlan mode bridge"},
		{line: "ip link add vx0 type vxlan id 42 dstport 4789 srcport 1000 2000 dev eth0"},
		{line: "bridge fdb add 02:00:00:00:00:01 dev vx0 dst 10.0.0.2 self"},
		{line: "brctl addif br0 eth0"},
		{line: "ip lnik show", want: []string{`1:Object "lnik" is unknown, try "ip help"; did you mean "link"?`}},
		{line: "ip link shwo", want: []string{`2:Command "shwo" is unknown, try "ip link help"; did you mean "show"?`}},
		{line: "ip link add x type veht", want: []string{`5:unknown link type "veht"; did you mean "veth"?`}},
		{line: "ip link set eth0 mtuu 1400", want: []string{`4:unknown keyword "mtuu" for "ip link set"; did you mean "mtu"?`}},
		{line: "ip link add averyveryverylongname type veth", want: []string{"3:longer than 15 bytes"}},
		{line: "ip addr add 10.0.0.300/24 dev eth0", want: []string{`3:invalid prefix "10.0.0.300/24"`}},
		{line: "ip link set eth0 address 02:zz:00:00:00:01", want: []string{`5:"02:zz:00:00:00:01" is invalid lladdr`}},
		{line: "ip link set eth0 mtu big", want: []string{`5:invalid "mtu" value "big"`}},
		{line: "ip link set eth0 multicast yes", want: []string{`5:"on" or "off"`}},
		{line: "ip link add x type bridge stp_statee 1", want: []string{`6:did you mean "stp_state"`}},
		{line: "ip ntable show", want: []string{"!1:ip ntable is not supported by nsh yet"}},
		{line: "brctl adbr br0", want: []string{`1:never heard of command [adbr]; did you mean "addbr"?`}},
		{line: "ip -x link", want: []string{`1:Option "-x" is unknown`}},
		// A word not known statically is accepted as anything, and
		// the keywords after it are not checked.
		{line: "ip link set $dev mtuu 1", known: []bool{true, true, true, false, true, true}, want: []string{`4:unknown keyword "mtuu"`}},
		{line: "ip link set eth0 $kw 1 whatever", known: []bool{true, true, true, true, false, true, true}},
		{line: "ip $obj foo", known: []bool{true, false, true}},
		{line: "echo ip lnik"},
	} {
		words := strings.Fields(tc.line)
		info := Inspect(words, tc.known)
		var got []string
		for _, p := range info.Problems {
			g := p.Msg
			if p.Warning {
				g = "!" + g
			}
			got = append(got, g)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: problems %q, want %q", tc.line, got, tc.want)
			continue
		}
		for i, w := range tc.want {
			p := info.Problems[i]
			idx, msg, _ := strings.Cut(w, ":")
			warn := strings.HasPrefix(idx, "!")
			idx = strings.TrimPrefix(idx, "!")
			if warn != p.Warning || idx != itoa(p.Word) || !strings.Contains(p.Msg, msg) {
				t.Errorf("%s: problem %d is {%d %q warning=%v}, want %s", tc.line, i, p.Word, p.Msg, p.Warning, w)
			}
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestInspectNamespaces(t *testing.T) {
	for _, tc := range []struct {
		line          string
		created, used []string
	}{
		{"ip netns add red", []string{"red"}, nil},
		{"ip netns attach blue 1234", []string{"blue"}, nil},
		{"ip -n red link show", nil, []string{"red"}},
		{"ip -netns red -4 addr", nil, []string{"red"}},
		{"ip netns exec red ip -n blue link", nil, []string{"red", "blue"}},
		{"ip link set veth1 netns red", nil, []string{"red"}},
		{"ip link set veth1 netns 1234", nil, nil},
		{"ip link add va type veth peer name vb netns blue", nil, []string{"blue"}},
		{"ip netns delete red", nil, []string{"red"}},
		{"ip netns delete -all", nil, nil},
		{"bridge -n red fdb show", nil, []string{"red"}},
	} {
		info := Inspect(strings.Fields(tc.line), nil)
		if len(info.Problems) != 0 {
			t.Errorf("%s: problems %v", tc.line, info.Problems)
		}
		if !reflect.DeepEqual(info.NetnsCreated, tc.created) || !reflect.DeepEqual(info.NetnsUsed, tc.used) {
			t.Errorf("%s: created %q used %q, want %q %q", tc.line, info.NetnsCreated, info.NetnsUsed, tc.created, tc.used)
		}
	}
}

func TestInspectProbe(t *testing.T) {
	probe := func(kind string) bool { return kind != "dummy" }
	info := InspectWith(strings.Fields("ip link add d0 type dummy"), nil, probe)
	if len(info.Problems) != 1 || !info.Problems[0].Warning || info.Problems[0].Word != 5 ||
		!strings.Contains(info.Problems[0].Msg, "not available on this kernel") {
		t.Errorf("problems %+v, want one warning on word 5", info.Problems)
	}
	if info := InspectWith(strings.Fields("ip link add v0 type veth"), nil, probe); len(info.Problems) != 0 {
		t.Errorf("veth: %+v", info.Problems)
	}
}

func TestAbbreviations(t *testing.T) {
	// iproute2's table order is the abbreviation rule.
	for word, want := range map[string]string{"a": "address", "r": "route", "l": "link", "n": "neighbor", "t": "tunnel", "m": "maddress", "ne": "neighbor", "netn": "netns"} {
		if o := IP.Object(word); o == nil || o.Name != want {
			t.Errorf("ip %s: got %v, want %s", word, o, want)
		}
	}
	link := IP.Object("link")
	for word, want := range map[string]string{"s": "set", "d": "delete", "l": "lst", "a": "add", "sh": "show"} {
		if v := link.Verb(word); v == nil || v.Name != want {
			t.Errorf("ip link %s: got %v, want %s", word, v, want)
		}
	}
	if v := IP.Object("a").Verb("chg"); v == nil || v.Canonical() != "change" {
		t.Errorf("ip a chg: %v", v)
	}
	if Brctl.Verb("add") != nil {
		t.Error("brctl matches its commands exactly")
	}
}
