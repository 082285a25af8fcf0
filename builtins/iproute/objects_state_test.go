package iproute_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// objectLines are run twice, by the real ip in namespace A and by nsh in
// namespace B: rules, neighbours, routes, tun/tap devices and bridge
// options, including their delete, replace and flush forms.
var objectLines = []string{
	"link add br0 type bridge stp_state 1 forward_delay 400 priority 4096 hello_time 150",
	"link add p0 type veth peer name p1",
	"link set p0 master br0",
	"link set p0 type bridge_slave cost 9 priority 3 hairpin on",
	"link set br0 type bridge max_age 1200 mcast_snooping 0",
	"addr add 10.0.0.1/24 dev br0",
	"link set br0 up",
	"rule add from 10.1.0.0/16 table 100 pref 100",
	"rule add not fwmark 0x4/0xf lookup 101 pref 101",
	"rule add iif br0 unreachable pref 102",
	"rule add to 10.3.0.0/16 prohibit",
	"rule add from 10.4.0.0/16 goto 32766 pref 104",
	"-6 rule add from 2001:db8::/32 table 9 pref 9",
	"rule del pref 101",
	"rule del from 10.1.0.0/16 table 100",
	"neigh add 10.0.0.50 lladdr 00:11:22:33:44:55 dev br0 nud permanent",
	"neigh add 10.0.0.51 lladdr 00:11:22:33:44:56 dev br0 nud reachable",
	"neigh add 10.0.0.52 lladdr 00:11:22:33:44:57 dev br0 nud stale",
	"neigh add proxy 10.0.0.60 dev br0",
	"neigh replace 10.0.0.50 lladdr 00:11:22:33:44:99 dev br0",
	"neigh flush dev br0",
	"route add 10.93.0.0/16 nexthop via 10.0.0.2 dev br0 weight 3 nexthop via 10.0.0.3",
	"route add 10.92.0.0/16 via 10.0.0.9 dev br0 onlink",
	"route add throw 10.91.0.0/16 table 100",
	"tuntap add tap0 mode tap",
	"tuntap add tun0 mode tun user 1000 multi_queue",
	"tuntap add tun1 mode tun",
	"tuntap del tun1 mode tun",
	"link add vy type veth",
	"link add vz type veth peer mtu 1400 txqueuelen 50",
	"link add type veth",
	"link add vx type veth peer link br0",
	"link set p1 addrgenmode none",
	"link set p0 addrgenmode random alias uplink group 7",
}

// objectViews are shown by the real ip in both namespaces.
var objectViews = []string{"ru", "-6 ru", "n show nud all", "n show proxy", "r", "r show table 100", "-d link"}

// macs matches link-layer addresses and bridge ids (random per link) and
// the bridge timers (running).
var macs = regexp.MustCompile(`([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}|timer +[0-9.]+`)

// TestObjectsStateMatchesIproute2 checks that nsh leaves the state the
// real ip leaves for objectLines, as the real ip shows it (neighbours
// sorted: their dump order follows the kernel's hash).
func TestObjectsStateMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		sys(t, "netns add A")
		sys(t, "netns add B")
		l := newLab(t)
		for _, line := range objectLines {
			sys(t, "-n A "+line)
			l.must("-n B " + line)
		}
		for _, view := range objectViews {
			a := macs.ReplaceAllString(sys(t, "-n A "+view), "M")
			b := macs.ReplaceAllString(sys(t, "-n B "+view), "M")
			if strings.HasPrefix(view, "n ") {
				a, b = sortLines(a), sortLines(b)
			}
			if a != b {
				t.Errorf("ip %s: state differs\n--- nsh (B)\n%s--- ip (A)\n%s", view, b, a)
			}
		}
	})
}

func sortLines(s string) string {
	l := strings.Split(s, "\n")
	sort.Strings(l)
	return strings.Join(l, "\n")
}

// flushCases are flushes whose output depends on -s: each runs with the
// real ip in namespace A and with nsh in B, after the same set-up, and
// both must print the same.
var flushCases = []struct {
	setup []string
	flush string
}{
	{nil, "-s neigh flush dev p0 to 10.0.0.6"},
	{nil, "-s -s neigh flush all"},
	{nil, "-s neigh flush all nud permanent"},
	{[]string{"neigh flush all"}, "-s -s neigh flush all"},
	{nil, "-s route flush cache"},
	{nil, "route flush cache"},
	{nil, "-6 route flush cache"},
	{nil, "route show cache"},
	{nil, "-6 route show cache"},
}

// TestFlushOutputMatchesIproute2 compares what "-s ... flush" prints
// (rounds, "Nothing to flush.", the entries under -s -s).
func TestFlushOutputMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		l := newLab(t)
		for i, c := range flushCases {
			lines := append([]string{
				"link add p0 type veth peer name p1",
				"link set p0 up",
				"neigh add 10.0.0.5 lladdr 02:00:00:00:00:05 dev p0 nud stale",
				"neigh add 10.0.0.6 lladdr 02:00:00:00:00:06 dev p0 nud reachable",
				"neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev p0 nud permanent",
			}, c.setup...)
			a, b := fmt.Sprintf("fa%d", i), fmt.Sprintf("fb%d", i)
			sys(t, "netns add "+a)
			sys(t, "netns add "+b)
			for _, line := range lines {
				sys(t, "-n "+a+" "+line)
				l.must("-n " + b + " " + line)
			}
			// The ages under -s -s ("used 0/60/0") tick in seconds.
			ages := regexp.MustCompile(`used [0-9]+/[0-9]+/[0-9]+`)
			want := ages.ReplaceAllString(sys(t, "-n "+a+" "+c.flush), "used AGES")
			got := ages.ReplaceAllString(l.must("-n "+b+" "+c.flush), "used AGES")
			// Entries come in the kernel's hash order, seeded per namespace.
			if sortLines(got) != sortLines(want) {
				t.Errorf("ip %s:\n--- nsh\n%s--- ip\n%s", c.flush, got, want)
			}
			if sa, sb := sys(t, "-n "+a+" neigh show nud all"), sys(t, "-n "+b+" neigh show nud all"); sortLines(sa) != sortLines(sb) {
				t.Errorf("after ip %s: state differs\n--- nsh\n%s--- ip\n%s", c.flush, sb, sa)
			}
		}
	})
}
