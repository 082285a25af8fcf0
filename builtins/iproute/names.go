package iproute

import (
	"fmt"
	"strconv"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// nameTable maps numbers to iproute2's names (lib/rt_names.c) and back.
type nameTable []struct {
	n    int
	name string
}

// name returns the name of n, or n in decimal as iproute2 prints unknown
// values.
func (t nameTable) name(n int) string {
	for _, e := range t {
		if e.n == n {
			return e.name
		}
	}
	return strconv.Itoa(n)
}

// parse reads a name (exactly, as rtnl_*_a2n does) or a number no larger
// than max.
func (t nameTable) parse(what, s string, max int) (int, error) {
	for _, e := range t {
		if e.name == s {
			return e.n, nil
		}
	}
	n, err := strconv.ParseUint(s, 0, 32)
	if err != nil || int(n) > max {
		if what == "table" {
			return 0, fmt.Errorf("argument %q is wrong: \"table\" value is invalid", s)
		}
		return 0, fmt.Errorf("argument %q is wrong: invalid %q value", s, what)
	}
	return int(n), nil
}

// scopes is rtnl_rtscope_tab.
var scopes = nameTable{
	{unix.RT_SCOPE_UNIVERSE, "global"},
	{unix.RT_SCOPE_NOWHERE, "nowhere"},
	{unix.RT_SCOPE_HOST, "host"},
	{unix.RT_SCOPE_LINK, "link"},
	{unix.RT_SCOPE_SITE, "site"},
}

// protocols is rtnl_rtprot_tab with Debian's /etc/iproute2/rt_protos.
var protocols = nameTable{
	{unix.RTPROT_UNSPEC, "unspec"},
	{unix.RTPROT_REDIRECT, "redirect"},
	{unix.RTPROT_KERNEL, "kernel"},
	{unix.RTPROT_BOOT, "boot"},
	{unix.RTPROT_STATIC, "static"},
	{unix.RTPROT_GATED, "gated"},
	{unix.RTPROT_RA, "ra"},
	{unix.RTPROT_MRT, "mrt"},
	{unix.RTPROT_ZEBRA, "zebra"},
	{unix.RTPROT_BIRD, "bird"},
	{unix.RTPROT_DNROUTED, "dnrouted"},
	{unix.RTPROT_XORP, "xorp"},
	{unix.RTPROT_NTK, "ntk"},
	{unix.RTPROT_DHCP, "dhcp"},
	{unix.RTPROT_MROUTED, "mrouted"},
	{unix.RTPROT_KEEPALIVED, "keepalived"},
	{unix.RTPROT_BABEL, "babel"},
	{99, "openr"},
	{unix.RTPROT_BGP, "bgp"},
	{unix.RTPROT_ISIS, "isis"},
	{unix.RTPROT_OSPF, "ospf"},
	{unix.RTPROT_RIP, "rip"},
	{unix.RTPROT_EIGRP, "eigrp"},
}

// tables is rtnl_rttable_tab.
var tables = nameTable{
	{unix.RT_TABLE_DEFAULT, "default"},
	{unix.RT_TABLE_MAIN, "main"},
	{unix.RT_TABLE_LOCAL, "local"},
}

// routeTypes is rtnl_rtntype's table; the order is the one
// iproute2 prints and parses.
var routeTypes = nameTable{
	{unix.RTN_UNSPEC, "none"},
	{unix.RTN_UNICAST, "unicast"},
	{unix.RTN_LOCAL, "local"},
	{unix.RTN_BROADCAST, "broadcast"},
	{unix.RTN_ANYCAST, "anycast"},
	{unix.RTN_MULTICAST, "multicast"},
	{unix.RTN_BLACKHOLE, "blackhole"},
	{unix.RTN_UNREACHABLE, "unreachable"},
	{unix.RTN_PROHIBIT, "prohibit"},
	{unix.RTN_THROW, "throw"},
	{unix.RTN_NAT, "nat"},
	{unix.RTN_XRESOLVE, "xresolve"},
}

// operStates are the names of IF_OPER_* as "ip link" prints them.
var operStates = []string{"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"}

func operStateName(s int) string {
	if s >= 0 && s < len(operStates) {
		return operStates[s]
	}
	return strconv.Itoa(s)
}

// familyName is the "inet"/"inet6" word of an address family.
func familyName(f int) string {
	switch f {
	case unix.AF_INET:
		return "inet"
	case unix.AF_INET6:
		return "inet6"
	case unix.AF_PACKET:
		return "link"
	case unix.AF_BRIDGE:
		return "bridge"
	case unix.AF_MPLS:
		return "mpls"
	}
	return strconv.Itoa(f)
}

// devNamer returns ll_index_to_name for h's namespace: the name of link
// index i, or "if<i>" for an index without a link, each looked up once.
func devNamer(h *netlink.Handle) func(i int) string {
	names := map[int]string{}
	return func(i int) string {
		if n, ok := names[i]; ok {
			return n
		}
		n := fmt.Sprintf("if%d", i)
		if l, err := h.LinkByIndex(i); err == nil {
			n = l.Attrs().Name
		}
		names[i] = n
		return n
	}
}
