package iproute_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins/iproute"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
)

// The IPv6 multicast routes (ff00::/8, table local) of eth1 and eth2 are
// added when linkwatch sees their carriers, in no fixed order: the
// route states below leave the IPv6 local table out.
var gapRoutes = []string{"-4 route show table all", "-6 route show table all type unicast", "-6 route show table all type blackhole"}

// gapSetup is a lab of two veth ends with IPv4 and IPv6 addresses, a
// bridge and a group of links, the same MAC addresses on both sides.
var gapSetup = []string{
	"ip link set lo up",
	"ip link add eth1 address 02:00:00:00:01:01 type veth peer name eth2 address 02:00:00:00:01:02",
	"ip link add br0 address 02:00:00:00:01:03 type bridge",
	"ip link add v2 address 02:00:00:00:01:04 group 42 type veth peer name v3 address 02:00:00:00:01:05 group 42",
	"ip link set eth1 addrgenmode none up",
	"ip link set eth2 addrgenmode none up",
	"ip addr add 10.0.0.1/24 dev eth1",
	"ip addr add 2001:db8:1::1/64 dev eth1 nodad",
}

// TestFamilyInferenceMatchesIproute2 runs IPv6 command lines without -6
// (ip takes the family from the first address, or not at all for ip
// rule, where the kernel then refuses the IPv6 prefix in an IPv4 rule)
// with the real ip and the builtin from the same state.
func TestFamilyInferenceMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t, gapSetup...)
		routes := gapRoutes
		for _, line := range []string{
			"route add 2001:db8::/48 dev eth1 table 100",
			"route add 2001:db8:2::/64 via 2001:db8:1::2",
			"route add via 2001:db8:1::2 2001:db8:3::/64",
			"route add 2001:db8:4::/64 nexthop via 2001:db8:1::2",
			"route add 10.1.0.0/16 via inet6 2001:db8:1::2",
			"route add 2001:db8:9::/64 dev eth1 src 2001:db8:1::1",
			"route add default via 2001:db8:1::3",
			"route add 2001:db8:5::/64 via 10.0.0.2",
			"route add 2001:db8:5::/64 src 10.0.0.1",
			"route add 10.5.0.0/16 via 10.0.0.300",
			"route add 10.6.0.0/16 nexthop via 2001:db8:1::2 nexthop via 2001:db8:1::3",
			"route show 2001:db8:2::/64",
			"route show via 2001:db8:1::2",
			"route show via inet6 2001:db8:1::/64",
			"-6 route show via 2001:db8:1::/64",
			"-6 route show via 2001:db8:1::2",
			"-6 route show src 2001:db8:1::/64",
			"route show via 10.0.0.0/8",
			"route show root 2001:db8::/32",
			"route show match 2001:db8:2::5",
			"route get 2001:db8:2::5",
			"route get to 2001:db8:1::5 from 2001:db8:1::1",
			"route del 2001:db8:3::/64",
			"route flush 2001:db8:4::/64",
		} {
			p.compare(t, line, routes...)
		}
		rules := []string{"rule show", "-6 rule show"}
		for _, line := range []string{
			"rule add from 2001:db8::/32 lookup 5",
			"rule add to 2001:db8::/32 lookup 5",
			"-6 rule add to 2001:db8::/32 lookup 5",
			"rule show from 2001:db8::/32",
			"-6 rule show to 2001:db8::/32",
			"rule del to 2001:db8::/32",
			"-6 rule del to 2001:db8::/32",
		} {
			p.compare(t, line, rules...)
		}
		for _, line := range []string{
			"neigh add 2001:db8:1::9 lladdr 02:00:00:00:00:09 dev eth1",
			"neigh show 2001:db8:1::9",
			"neigh del 2001:db8:1::9 dev eth1",
		} {
			p.compare(t, line, "-6 neigh show")
		}
		// get_addr's IPv4 forms: parts in any base, missing parts zero,
		// dotted masks.
		for _, line := range []string{
			"route add 10/8 dev eth1",
			"route add 11.9/255.255.0.0 via 10.0.0.2",
			"route add 12.9.0.0/255.0.255.0 via 10.0.0.2",
			"route add 0x0d.1.0.0/16 via 10.0.0.010",
			"route add 14.9.0.0/16 via 10.0.0.256",
			"route add 14.9.0.0/33 dev eth1",
			"route add 14.9.0.0/-1 dev eth1",
			"route add 1.2.3.4.5 dev eth1",
			"route add 14. dev eth1",
			"route add fe80::1%eth1 dev eth1",
			"route get 10.0.0.05",
			"rule add from 10/8 lookup 5",
			"rule add nat 1.2.3 pref 5",
		} {
			p.compare(t, line, append(gapRoutes, "rule show")...)
		}
		for _, line := range []string{
			"neigh add 10.0.0.0x9 lladdr 02:00:00:00:00:01 dev eth1",
			"neigh add 10.0.0.x lladdr 02:00:00:00:00:01 dev eth1",
			"-6 neigh add 10.0.0.9 lladdr 02:00:00:00:00:01 dev eth1",
		} {
			p.compare(t, line, "neigh show dev eth1")
		}
		for _, line := range []string{
			"addr add 10.1/16 dev eth2",
			"addr add 10.0.5.1/0x18 brd 10.0.5.0xff dev eth2",
			"addr add 10.0.6.1/24 brd x dev eth2",
			"addr add 2001:db8:5::1/64 dev eth2 nodad",
			"addr show to 2001:db8:5::/64",
			"addr del 2001:db8:5::1/64 dev eth2",
		} {
			p.compare(t, line, "addr show")
		}
	})
}

// TestLinkAltnamesAndGroupsMatchIproute2 compares "ip link property",
// altnames in the link views, group names and "ip link set|delete group
// N" with the real ip.
func TestLinkAltnamesAndGroupsMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t, gapSetup...)
		for _, line := range []string{
			"link property add dev eth1 altname eno1",
			"link property add dev eth1 altname eno1",
			"link property add eth1 altname eno2 altname enp0s1",
			"link property add dev eth1 altname eth2",
			"link property add dev eth1 altname a/b",
			"link property add dev nosuch altname x",
			"link property add altname x",
			"link property add dev eth1 dev eth2",
			"link property foo",
			"link show eno1",
			"-j link show eno2",
			"address show dev enp0s1",
			"link set eno1 mtu 1400",
			"link property del dev eth1 altname eno2",
			"link property del dev eth1 altname nosuch",
			"link set dev eth2 group default",
			"link set dev eth2 group 7",
			"link set dev eth2 group foo",
			"link set dev eth2 group -1",
			"link set dev eth2 group 0x10",
			"link show group 16",
			"link show group default",
			"link show group nosuch",
			"link set group 42 up",
			"link set group 42 mtu 1400 down",
			"link set group 42 promisc on",
			"link set group 99 up",
			"link set group 42 group 43",
			"link set group 42 type veth foo",
			"link set group 42 name x",
			"link set name eth2 mtu 1450",
			"-br link show group 42",
			"link show type bridge",
			"link show type veth",
			"link show master br0",
			"link set eth2 master br0",
			"link show master br0",
			"link show nomaster",
			"address show nomaster",
			"link delete group 42",
		} {
			p.compare(t, line)
		}
	})
}

// TestRuleSelectorsMatchIproute2 compares ip rule's selectors and
// actions (add, show, flush, del) with the real ip, from the same
// state, the rules of both families compared after each line.
func TestRuleSelectorsMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t, append(gapSetup,
			"ip rule add pref 100 from 10.1.0.0/16 lookup 10 proto static",
			"ip rule add pref 101 uidrange 1000-1100 lookup 11",
			"ip -6 rule add pref 102 from 2001:db8::/32 ipproto tcp dport 80-90 lookup 12",
		)...)
		rules := []string{"rule show", "-6 rule show", "-d rule show"}
		for _, line := range []string{
			"rule add uidrange 1000-1100 lookup 10",
			"rule add uidrange 1000 lookup 10",
			"rule add uidrange x-2 lookup 10",
			"rule add ipproto tcp sport 1000-2000 dport 22 lookup 10",
			"rule add ipproto 17 lookup 10",
			"rule add ipproto foo lookup 10",
			"rule add sport x lookup 10",
			"rule add dport 1-x lookup 10",
			"rule add l3mdev pref 1000",
			"rule add l3mdev lookup 10",
			"rule add suppress_prefixlength 0 lookup main",
			"rule add suppress_prefixlength -1 lookup 3",
			"rule add suppress_ifgroup default lookup 5",
			"rule add suppress_ifgroup nosuch lookup 5",
			"rule add goto 32766 pref 10",
			"rule add goto x pref 10",
			"rule add nat 1.2.3.4 pref 5",
			"rule add realms 3/4 lookup 7",
			"rule add realms cosmos lookup 8",
			"rule add realms x/y lookup 8",
			"rule add tos AF11 lookup 7",
			"rule add dsfield 0x10 lookup 9",
			"rule add tos 0x100 lookup 9",
			"rule add fwmark 0x10/0xff lookup 7",
			"rule add fwmark 5 lookup 6",
			"rule add fwmark x lookup 6",
			"rule add protocol 99 lookup 7",
			"rule add lookup 8 proto kernel",
			"rule add lookup 8 proto nosuch",
			"rule add tun_id 5 lookup 9",
			"rule add type blackhole pref 7",
			"rule add unreachable pref 8",
			"rule add prohibit pref 9",
			"rule add nop pref 11",
			"rule add type 99 pref 4",
			"rule add type nosuch pref 4",
			"rule add pref x lookup 1",
			"rule add lookup foo",
			"rule add from 10.0.0.0/8 iif eth1 oif eth2 lookup 5 not",
			"rule add to default lookup 3",
			"rule add iif a/b lookup 3",
			"rule show uidrange 1000-1100",
			"rule show lookup 10",
			"rule show from 10.1.0.0/16",
			"rule show from 10.0.0.0/8",
			"rule show to 10.0.0.0/8",
			"rule show pref 101",
			"rule show not",
			"rule show fwmark 0x10/0xff",
			"rule show tos AF11",
			"rule show iif eth1",
			"rule show oif eth2",
			"rule show l3mdev",
			"rule show ipproto tcp",
			"rule show sport 1000-2000",
			"rule show tun_id 5",
			"rule show protocol static",
			"-6 rule show ipproto tcp",
			"-6 rule show dport 80-90",
			"-6 rule show dport 80",
			"-6 rule show from 2001:db8::/16",
			"-j rule show",
			"rule del pref 100",
			"rule del uidrange 1000-1100",
			"rule flush protocol kernel",
			"rule flush lookup 7",
			"rule flush",
			"-6 rule flush",
		} {
			p.compare(t, line, rules...)
		}
	})
}

// TestRouteOptionsMatchIproute2 compares route options (tos, realms,
// every metric with and without "lock", IPv6 pref, from, expires, nhid)
// and the selectors of "ip route show|flush" with the real ip.
func TestRouteOptionsMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t, gapSetup...)
		routes := append(gapRoutes, "-d route show", "-j -4 route show table all", "-j -6 route show table all type unicast")
		for _, line := range []string{
			"route add 10.9.0.0/16 via 10.0.0.2 tos 0x10 realms 3/4 advmss 1400 window 65535 initcwnd 10 initrwnd 20",
			"route add 10.10.0.0/16 via 10.0.0.2 rtt 100ms rttvar 50 ssthresh 5 cwnd lock 7 hoplimit 64 reordering 3 features ecn quickack 1 congctl reno fastopen_no_cookie 1",
			"route add 10.11.0.0/16 via 10.0.0.2 mtu lock 1300 rto_min 1.5s rtt 0.3 advmss lock 1000",
			"route add 10.12.0.0/16 dev eth1 realm 5 tos AF11 metric 7 window 0",
			"route add 10.13.0.0/16 via 10.0.0.2 expires 30",
			"route add 10.14.0.0/16 via 10.0.0.2 hoplimit 300",
			"route add 10.14.0.0/16 via 10.0.0.2 quickack 2",
			"route add 10.14.0.0/16 via 10.0.0.2 features foo",
			"route add 10.14.0.0/16 via 10.0.0.2 rtt 1x",
			"route add 10.14.0.0/16 via 10.0.0.2 tos 0x999",
			"route add 10.14.0.0/16 via 10.0.0.2 realms a/b",
			"route add 10.14.0.0/16 nhid 5",
			"route add 10.14.0.0/16 via 10.0.0.2 via 10.0.0.3",
			"route add 10.14.0.0/16 via 10.0.0.2 ttl-propagate enabled",
			"route test 10.9.0.0/16 via 10.0.0.2",
			"route append 10.9.0.0/16 via 10.0.0.3 tos 0x10",
			"-6 route add 2001:db8:9::/64 via 2001:db8:1::2 pref high",
			"route add 2001:db8:10::/64 dev eth1 pref low hoplimit 9",
			"route add 2001:db8:11::/64 from 2001:db8:1::/64 via 2001:db8:1::2",
			"route add ::ffff:1.2.3.0/120 dev eth1",
			"route show tos 0x10",
			"route show realms 3/4",
			"route show realms 0/",
			"route show realms 5",
			"route show metric 7",
			"route show proto boot",
			"route show proto all",
			"route show scope all",
			"route show scope link",
			"route show type unicast",
			"route show table all type local",
			"route show dev eth1",
			"route show dev nosuch",
			"route show iif lo",
			"route show mark 0",
			"-6 route show from 2001:db8:1::/64",
			"-6 route show from root 2001:db8::/32",
			"-6 route show pref",
			"route change 10.9.0.0/16 via 10.0.0.2 tos 0x10 advmss 1300",
			"route replace 10.12.0.0/16 dev eth1 realm 6 tos AF11 metric 7",
			"route del 10.9.0.0/16 tos 0x10",
			"route flush tos AF11",
			"route flush",
			"route flush dev eth1",
			"-6 route flush table all",
		} {
			p.compare(t, line, routes...)
		}
	})
}

// TestRouteEncapMatchIproute2 compares "encap" of routes and of the
// paths of a multipath route (ip and ip6 with their options and tunnel
// options, mpls, xfrm, and the types this kernel lacks), "as [to]",
// and a path's "realms", with the real ip: status, output and the
// routes as both print them, -d and -j included.
func TestRouteEncapMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t, gapSetup...)
		routes := append(gapRoutes, "-d route show", "-j -4 route show", "-j -d -6 route show", "-o route show")
		for _, line := range []string{
			"route add 10.1.0.0/24 encap ip id 5 dst 1.2.3.4 dev eth1",
			"route add 10.1.0.0/24 encap ip id 5 dst 1.2.3.4 src 10.0.0.1 ttl 9 tos 0x10 key seq dev eth1",
			"route add 10.1.0.0/24 encap ip id 5 dst 1.2.3.4 csum dev eth1",
			"route add 10.1.0.0/24 encap ip id 1 dst 1.1.1.1 vxlan_opts 5 dev eth1",
			"route add 10.1.0.0/24 encap ip id 1 dst 1.1.1.1 erspan_opts 1:5:0:0 dev eth1",
			"route add 10.1.0.0/24 encap ip id 1 dst 1.1.1.1 erspan_opts 2::1:3 dev eth1",
			"route add 10.1.0.0/24 encap ip id 1 dst 1.1.1.1 geneve_opts 1:2:abcd dev eth1",
			"route add 10.1.0.0/24 encap ip id 1 dst 1.1.1.1 geneve_opts 1:2:abcd,3:4:12345678 dev eth1",
			"route add 10.1.0.0/24 encap ip6 id 1 dst 2001:db8::5 tc 3 hoplimit 7 seq dev eth1",
			"route add 2001:db8:5::/64 encap ip6 id 1 dst 2001:db8::5 src 2001:db8::6 dev eth1",
			"route add 2001:db8:5::/64 encap ip id 1 dst 10.9.9.9 dev eth1",
			"route add 10.1.0.0/24 encap ip id 5 id 6 dev eth1",
			"route add 10.1.0.0/24 encap ip id x dev eth1",
			"route add 10.1.0.0/24 encap ip dst 2001:db8::1 dev eth1",
			"route add 10.1.0.0/24 encap ip ttl 300 dev eth1",
			"route add 10.1.0.0/24 encap ip vxlan_opts 5 geneve_opts 1:2:ab dev eth1",
			"route add 10.1.0.0/24 dev eth1 encap ip key",
			"route add 10.1.0.0/24 dev eth1 encap ip",
			"route add 10.1.0.0/24 dev eth1 encap",
			"route add 10.1.0.0/24 encap foo dev eth1",
			"route add 10.1.0.0/24 encap help",
			"route add 10.1.0.0/24 encap mpls 100 dev eth1",
			"route add 10.1.0.0/24 encap mpls 100/200 ttl 5 dev eth1",
			"route add 10.1.0.0/24 encap mpls x dev eth1",
			"route add 10.1.0.0/24 encap mpls 100 ttl 5 ttl 6 dev eth1",
			"route add 10.1.0.0/24 encap seg6 mode encap segs 2001:db8::1 dev eth1",
			"route add 2001:db8:7::/64 encap seg6local action End dev eth1",
			"route add 10.1.0.0/24 encap ioam6 trace prealloc type 0x800000 ns 1 size 12 dev eth1",
			"route add 10.1.0.0/24 encap rpl segs 2001:db8::1 dev eth1",
			"route add 10.1.0.0/24 encap ila 2001:0:0:1 dev eth1",
			"route add 10.1.0.0/24 encap xfrm if_id 5 dev eth1",
			"route add 10.1.0.0/24 encap xfrm if_id 5 link_dev eth2 dev eth1",
			"route add 10.1.0.0/24 encap xfrm if_id 0 dev eth1",
			"route add 10.1.0.0/24 encap xfrm link_dev eth2 dev eth1",
			"route add 10.1.0.0/24 encap xfrm help",
			"route add 10.1.0.0/24 as 10.2.0.1 dev eth1",
			"route add 10.1.0.0/24 as to 10.2.0.1 dev eth1",
			"route add 10.1.0.0/24 as to 2001:db8::1 dev eth1",
			"route add 10.1.0.0/24 nexthop via 10.0.0.2 realms 5 nexthop via 10.0.0.3 realms 3/4",
			"route add 10.1.0.0/24 nexthop via 10.0.0.2 encap ip id 5 dst 1.2.3.4 dev eth1 nexthop via 10.0.0.3",
			"route add 10.1.0.0/24 nexthop via 10.0.0.2 as 10.3.0.1 nexthop via 10.0.0.3 dev eth1",
			"route add 10.1.0.0/24 nexthop via 10.0.0.2 realms x",
			"route add 10.1.0.0/24 nexthop encap seg6 mode encap segs 2001:db8::1 via 10.0.0.2",
			"-j route add 10.1.0.0/24 encap ip id 5 dst 1.2.3.4 dev eth1",
			"route add 10.1.0.0/24 encap ip id 5 dst 1.2.3.4 dev eth1",
			"route del 10.1.0.0/24",
		} {
			p.compare(t, line, routes...)
		}
		// This kernel has bpf encapsulation, whose programs nsh cannot
		// load: it says so, naming it, and changes nothing.
		_, stderr, status := nshIP(p.nsh, "route", "add", "10.1.0.0/24", "encap", "bpf", "headroom", "10", "dev", "eth1")
		if status == 0 || !strings.Contains(stderr, "encap bpf: not supported by nsh") {
			t.Errorf("encap bpf: status %d, stderr %q", status, stderr)
		}
	})
}

// TestMiscKeywordsMatchIproute2 compares ip addr's metric and anycast,
// ip addr flush's selectors (label patterns, permanent, dynamic, up,
// -s rounds), ip neigh show's proxy, master, nomaster and unused, and
// ip link's trailers, dynamic, carrier, protodown, mode, state,
// link-netnsid and addrgenmode on add with the real ip.
func TestMiscKeywordsMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t, append(gapSetup,
			"ip addr add 10.0.1.1/24 dev eth1 label eth1:foo",
			"ip addr add 10.0.2.1/24 dev eth1 label eth1:bar valid_lft 1000 preferred_lft 1000",
			"ip addr add 10.0.3.1/24 dev eth2",
			"ip link set eth2 master br0",
			"ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth1",
			"ip neigh add 10.0.3.8 lladdr 02:00:00:00:00:08 dev eth2",
			"ip neigh add proxy 10.0.0.10 dev eth1",
		)...)
		// Brief views: the dynamic address's lifetimes tick (it is
		// flushed before the full views are compared).
		addrs := []string{"-br addr show", gapRoutes[0], gapRoutes[1]}
		for _, line := range []string{
			"addr add 10.0.4.1/24 dev eth1 metric 50",
			"addr add 10.0.5.1/24 brd + dev eth1 label eth1:m metric 5",
			"addr add 10.0.6.1/24 dev eth1 metric x",
			"addr add 2001:db8:3::1/64 dev eth1 metric 9 nodad",
			"addr add 2001:db8:2::1/64 dev eth1 anycast 2001:db8:2:: nodad",
			"addr add 10.0.6.1/24 dev eth1 anycast 2001:db8::1",
			"addr change 10.0.4.1/24 dev eth1 metric 60",
			"-br addr show",
			"addr flush",
			"-s addr flush dev eth1 label eth1:nosuch",
			"addr flush dev eth1 dynamic",
			"-o addr show dev eth1",
			"-j addr show dev eth1",
			"addr flush dev eth1 label eth1:*",
			"-s addr flush dev eth1 permanent",
			"addr flush up",
		} {
			p.compare(t, line, addrs...)
		}
		neighs := []string{"neigh show dev eth1", "neigh show dev eth2", "neigh show proxy"}
		for _, line := range []string{
			"neigh show proxy",
			"neigh show nomaster",
			"neigh show master br0",
			"neigh show master nosuch",
			"neigh show unused dev eth1",
			"neigh show nomaster proxy",
			"neigh flush nomaster nud all",
		} {
			p.compare(t, line, neighs...)
		}
		// A third namespace for link-netns: each lab gives it its
		// first id.
		if _, err := p.nsh.Env.Host.Add("gaps-other"); err != nil {
			t.Fatal(err)
		}
		// This kernel has no VRF devices: every "vrf NAME" is refused.
		for _, line := range []string{
			"route show vrf eth1",
			"route show vrf nosuch",
			"route add 10.0.0.0/8 dev eth1 vrf eth1",
			"route get 10.0.0.1 vrf eth1",
			"neigh show vrf eth1",
			"neigh show vrf nosuch",
			"addr show vrf eth1",
			"link show vrf eth1",
			"link set eth2 vrf eth1",
			"link set eth2 vrf nosuch",
		} {
			p.compare(t, line, gapRoutes...)
		}
		for _, line := range []string{
			"link set eth1 link-netns gaps-other",
			"link set eth1 link-netns nosuch",
			// (Not "link add ... link-netns": the new link's peer or
			// socket would live in the namespace both labs share.)
			"link set eth1 carrier off",
			"link set eth1 protodown on",
			"link set eth1 trailers off",
			"link set eth1 dynamic on",
			"link set eth1 mode dormant",
			"link set eth1 state dormant mode DEFAULT",
			"link set eth1 link-netnsid 0",
			"link set lo carrier x",
			"link set lo trailers x",
			"link set lo protodown x",
			"link set lo mode x",
			"link set lo state x",
			"link set lo link-netnsid x",
			"link set br0 carrier off mtu 1400",
			"link add v9 address 02:00:00:00:09:09 addrgenmode none type veth peer name v10 address 02:00:00:00:09:10",
			"link add br9 address 02:00:00:00:09:11 addrgenmode none mode dormant dynamic on trailers off type bridge",
			"link show br9",
			"-j link show br9",
			// macvlan's source mode MAC list and broadcast queue,
			// vxlan's ageing on set.
			"link add link eth1 name mv0 address 02:00:00:00:09:12 type macvlan mode source macaddr add 02:00:00:00:00:05",
			"link set mv0 type macvlan macaddr add 02:00:00:00:00:06",
			"link set mv0 type macvlan macaddr del 02:00:00:00:00:05",
			"link set mv0 type macvlan macaddr flush",
			"link add link eth1 name mv1 address 02:00:00:00:09:13 type macvlan bcqueuelen 100",
			"link add vx9 address 02:00:00:00:09:14 type vxlan id 9 dstport 4789",
			"link set vx9 type vxlan ageing 100",
			"link set vx9 protodown on",
			"link show vx9",
			"-j link show vx9",
			"addr show dev vx9",
		} {
			p.compare(t, line)
		}
	})
}

// maskDump hides the flags, sequence numbers and port ids of a binary
// dump's netlink headers: the kernel stamps them on its answers (ip's
// strict-checking dumps come back NLM_F_DUMP_FILTERED), and restoring
// ignores them.
func maskDump(t *testing.T, b []byte) []byte {
	t.Helper()
	out := append([]byte(nil), b...)
	for i := 4; i+16 <= len(out); {
		l := int(binary.NativeEndian.Uint32(out[i:]))
		if l < 16 {
			t.Fatalf("malformed dump at %d", i)
		}
		copy(out[i+6:i+16], make([]byte, 10))
		i += (l + 3) &^ 3
	}
	return out
}

// realIPIn runs the real "ip ARGS" in lab l with stdin.
func realIPIn(t *testing.T, l *testenv.Lab, stdin []byte, args ...string) ([]byte, string, int) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := exec.Command("ip", append([]string{"netns", "exec", l.Name, "ip"}, args...)...)
	cmd.Stdout, cmd.Stderr = &o, &e
	// A file: "ip route restore" seeks in its standard input.
	f, err := os.CreateTemp(t.TempDir(), "dump")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(stdin); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = f
	err = cmd.Run()
	return o.Bytes(), e.String(), testenv.ExitStatus(err)
}

// TestRouteRuleSaveRestoreMatchIproute2 compares "ip route save", "ip
// rule save" (byte for byte but the headers' sequence numbers and port
// ids), "ip route showdump" and the state "ip route restore" and "ip
// rule restore" leave, each dump restored by the other tool too.
func TestRouteRuleSaveRestoreMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t, append(gapSetup,
			"ip route add 10.9.0.0/16 via 10.0.0.2 advmss 1400 realms 3",
			"ip route add 10.8.0.0/16 dev eth1 table 100",
			"ip rule add pref 100 uidrange 1-2 lookup 100",
		)...)
		for _, c := range []struct {
			save, restore, flush, state []string
		}{
			{[]string{"-4", "route", "save", "table", "all"}, []string{"route", "restore"},
				[]string{"-4", "route", "flush", "table", "all"}, []string{"-4 route show table all"}},
			{[]string{"route", "save", "table", "100"}, []string{"route", "restore"},
				[]string{"route", "flush", "table", "100"}, gapRoutes},
			{[]string{"rule", "save"}, []string{"rule", "restore"},
				[]string{"rule", "flush"}, []string{"rule show"}},
		} {
			real, stderr, status := realIPIn(t, p.real, nil, c.save...)
			if status != 0 {
				t.Fatalf("ip %v: %s", c.save, stderr)
			}
			p.nsh.Env.Stdin = nil
			got, err := p.nsh.Run(iproute.Main, "ip", c.save...)
			if err != nil {
				t.Fatalf("nsh ip %v: %v", c.save, err)
			}
			if !bytes.Equal(maskDump(t, []byte(got)), maskDump(t, real)) {
				t.Errorf("ip %v:\n nsh: %x\n  ip: %x", c.save, got, real)
			}
			if c.save[0] != "rule" {
				p.nsh.Env.Stdin = bytes.NewReader(real)
				shown, err := p.nsh.Run(iproute.Main, "ip", "route", "showdump")
				want, _, _ := realIPIn(t, p.real, real, "route", "showdump")
				if err != nil || shown != string(want) {
					t.Errorf("ip route showdump: %v\n nsh: %q\n  ip: %q", err, shown, want)
				}
			}
			// Each tool restores its own dump, then the other's.
			for _, dumps := range [][2][]byte{{real, []byte(got)}, {[]byte(got), real}} {
				if _, e, s := realIPIn(t, p.real, nil, c.flush...); s != 0 {
					t.Fatalf("ip %v: %s", c.flush, e)
				}
				if _, e, s := realIPIn(t, p.nsh, nil, c.flush...); s != 0 {
					t.Fatalf("ip %v: %s", c.flush, e)
				}
				_, e, s := realIPIn(t, p.real, dumps[0], c.restore...)
				p.nsh.Env.Stdin = bytes.NewReader(dumps[1])
				_, err := p.nsh.Run(iproute.Main, "ip", c.restore...)
				if (err == nil) != (s == 0) {
					t.Errorf("ip %v: nsh %v, ip exit %d %s", c.restore, err, s, e)
				}
				if rst, nst := p.state(t, p.real, c.state), p.state(t, p.nsh, c.state); rst != nst {
					t.Errorf("ip %v: state differs\n--- nsh\n%s--- ip\n%s", c.restore, nst, rst)
				}
			}
			p.nsh.Env.Stdin = nil
		}
	})
}

// TestAddrSaveRestoreMatchIproute2 crosses "ip address save", "showdump"
// and "restore" between the real ip and nsh: each side's dump is shown by
// both (plain, -j, -o, -4) with the same output, restored by the other
// into its flushed lab with the same addresses as the result, and
// restored again (every address exists) with the same messages and
// status; the dumps' selectors (dev, -4, -6, a missing device) agree.
func TestAddrSaveRestoreMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		setup := append(gapSetup,
			"ip addr add 10.0.0.2/24 dev eth1 label eth1:7",
			"ip addr add 10.0.5.1/24 dev eth2 metric 7",
			"ip addr add 10.8.0.1 peer 10.8.0.2/32 dev eth2",
			"ip addr add 2001:db8:5::1/64 dev eth2 nodad noprefixroute")
		p := newIPPair(t, setup...)
		real := func(stdin []byte, args ...string) (string, string, int) {
			cmd := exec.Command("ip", append([]string{"netns", "exec", p.real.Name, "ip"}, args...)...)
			var o, e bytes.Buffer
			cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(stdin), &o, &e
			status := testenv.ExitStatus(cmd.Run())
			return o.String(), e.String(), status
		}
		nsh := func(stdin []byte, args ...string) (string, string, int) {
			p.nsh.Env.Stdin = bytes.NewReader(stdin)
			defer func() { p.nsh.Env.Stdin = nil }()
			return nshIP(p.nsh, args...)
		}
		save := func(args ...string) (r, n []byte) {
			ro, re, rs := real(nil, append([]string{"addr", "save"}, args...)...)
			no, ne, ns := nsh(nil, append([]string{"addr", "save"}, args...)...)
			if rs != ns || re != ne {
				t.Errorf("addr save %q: nsh: exit %d stderr %q; ip: exit %d stderr %q", args, ns, ne, rs, re)
			}
			return []byte(ro), []byte(no)
		}
		same := func(what string, stdin []byte, args ...string) {
			t.Helper()
			ro, re, rs := real(stdin, args...)
			no, ne, ns := nsh(stdin, args...)
			if rs != ns || ro != no || re != ne {
				t.Errorf("%s: ip %q:\n nsh: exit %d stdout %q stderr %q\n  ip: exit %d stdout %q stderr %q", what, args, ns, no, ne, rs, ro, re)
			}
		}
		for _, sel := range [][]string{nil, {"dev", "eth2"}, {"-4"}, {"-6"}, {"dev", "nosuch"}, {"scope", "host"}} {
			args := sel
			if len(sel) == 1 { // a family option goes before the object
				r, n := func() ([]byte, []byte) {
					ro, _, _ := real(nil, sel[0], "addr", "save")
					no, _, _ := nsh(nil, sel[0], "addr", "save")
					return []byte(ro), []byte(no)
				}()
				same("showdump of ip's "+sel[0]+" dump", r, "addr", "showdump")
				same("showdump of nsh's "+sel[0]+" dump", n, "addr", "showdump")
				continue
			}
			r, n := save(args...)
			for _, opts := range [][]string{nil, {"-j"}, {"-o"}, {"-4"}} {
				show := append(append([]string{}, opts...), "addr", "showdump")
				same(fmt.Sprintf("showdump of ip's dump %q", args), r, show...)
				same(fmt.Sprintf("showdump of nsh's dump %q", args), n, show...)
			}
		}
		r, n := save()
		for _, l := range []*testenv.Lab{p.real, p.nsh} {
			l.Sh(t, "ip addr flush dev eth1", "ip addr flush dev eth2")
		}
		same("restore into empty links (ip restores nsh's dump, nsh ip's)", nil, "addr", "show") // both flushed alike
		if _, e, s := real(n, "addr", "restore"); s != 0 {
			t.Fatalf("ip addr restore of nsh's dump: exit %d: %s", s, e)
		}
		if _, e, s := nsh(r, "addr", "restore"); s != 0 {
			t.Fatalf("nsh addr restore of ip's dump: exit %d: %s", s, e)
		}
		same("addresses after the crossed restores", nil, "addr", "show")
		same("restore again: every address exists", r, "addr", "restore")
		for _, junk := range [][]byte{nil, []byte("abcd"), append(binary.NativeEndian.AppendUint32(nil, 0x47361222), 1, 2)} {
			same(fmt.Sprintf("restore of %q", junk), junk, "addr", "restore")
			same(fmt.Sprintf("showdump of %q", junk), junk, "addr", "showdump")
		}
	})
}

// TestMaddrModifyMatchesIproute2 compares "ip maddress add|delete" (the
// link-layer multicast addresses of a link) with the real ip: status,
// messages and the multicast lists afterwards.
func TestMaddrModifyMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t, gapSetup...)
		state := []string{"maddr show dev eth1", "-0 maddr show dev eth2"}
		for _, line := range []string{
			"maddr add 01:00:5e:00:00:05 dev eth1",
			"maddr add address 01:00:5e:00:00:06 dev eth1",
			"maddress add 01:00:5e:00:00:07 dev eth2",
			"maddr add 01:00:5e:00:00:05 dev eth1",
			"maddr del 01:00:5e:00:00:05 dev eth1",
			"maddr delete 01:00:5e:00:00:05 dev eth1",
			"-6 maddr add 33:33:00:00:00:07 dev eth1",
			"maddr add 01:00:5e:00:00:05 dev lo",
			"maddr add 01:00:5e:00:00:05",
			"maddr add 01:00:5e:00:00:05 dev nosuch",
			"maddr add 01:00:5e:00:05 dev eth1",
			"maddr add zz dev eth1",
			"maddr add 01:00:5e:00:00:08 dev eth1 dev eth1",
			"maddr add 01:00:5e:00:00:08 01:00:5e:00:00:09 dev eth1",
			"maddr add 01:00:5e:00:00:08 dev averyveryverylongname",
			"maddr add help",
			"maddr help",
		} {
			p.compare(t, line, state...)
		}
	})
}

// TestLinkVFMatchesIproute2 compares "ip link set DEV vf N ..." with the
// real ip. A veth has no virtual functions, so the kernel refuses every
// well-formed request: what is compared is the parsing (every keyword of
// iplink_parse_vf, its checks and messages) and the refusal.
func TestLinkVFMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t, gapSetup...)
		for _, line := range []string{
			"link set eth1 vf 0 mac 02:00:00:00:00:01",
			"link set eth1 vf 0",
			"link set eth1 vf x mac 1",
			"link set eth1 vf 0 mac 02:00:00:00:01",
			"link set eth1 vf 0 vlan 5 qos 2",
			"link set eth1 vf 0 vlan 5 proto 802.1ad",
			"link set eth1 vf 0 vlan 5 proto 802.1ad vlan 6 qos 1",
			"link set eth1 vf 0 vlan 5000",
			"link set eth1 vf 0 vlan 5 proto 0x800",
			"link set eth1 vf 0 vlan 5 proto foo",
			"link set eth1 vf 0 rate 100",
			"link set eth1 vf 0 rate 100 max_tx_rate 50",
			"link set eth1 vf 0 max_tx_rate 100",
			"link set eth1 vf 0 min_tx_rate 10 max_tx_rate 5",
			"link set eth1 vf 0 min_tx_rate 10",
			"link set eth1 vf 0 spoofchk on",
			"link set eth1 vf 0 spoofchk yes",
			"link set eth1 vf 0 state auto",
			"link set eth1 vf 0 state foo",
			"link set eth1 vf 0 trust off",
			"link set eth1 vf 0 node_guid 00:11:22:33:44:55:66:77",
			"link set eth1 vf 0 port_guid 00:11",
			"link set eth1 vf 0 query_rss on",
			"link set eth1 vf 0 foo",
			"link set eth1 vf 0 mac 02:00:00:00:00:01 mtu 1400",
			"link set eth1 vf -1 trust on",
			"link set eth1 vf 99999999999 trust on",
			"link set vf 0 mac 02:00:00:00:00:01",
			"link set nosuch vf 0 trust on",
		} {
			p.compare(t, line, "link show eth1")
		}
	})
}
