package iproute

import (
	"fmt"
	"strconv"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins/spec"
)

// nameTable maps numbers to iproute2's names (lib/rt_names.c) and back.
type nameTable []spec.NumName

// name returns the name of n, or n in decimal as iproute2 prints unknown
// values.
func (t nameTable) name(n int) string {
	for _, e := range t {
		if e.N == n {
			return e.Name
		}
	}
	return strconv.Itoa(n)
}

// parse reads a name (exactly, as rtnl_*_a2n does) or a number no larger
// than max.
func (t nameTable) parse(what, s string, max int) (int, error) {
	for _, e := range t {
		if e.Name == s {
			return e.N, nil
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
	{N: unix.RT_SCOPE_UNIVERSE, Name: "global"},
	{N: unix.RT_SCOPE_NOWHERE, Name: "nowhere"},
	{N: unix.RT_SCOPE_HOST, Name: "host"},
	{N: unix.RT_SCOPE_LINK, Name: "link"},
	{N: unix.RT_SCOPE_SITE, Name: "site"},
}

// protocols is rtnl_rtprot_tab (spec.Protocols).
var protocols = nameTable(spec.Protocols)

// routeTypes is rtnl_rtntype's table; the order is the one
// iproute2 prints and parses.
var routeTypes = nameTable{
	{N: unix.RTN_UNSPEC, Name: "none"},
	{N: unix.RTN_UNICAST, Name: "unicast"},
	{N: unix.RTN_LOCAL, Name: "local"},
	{N: unix.RTN_BROADCAST, Name: "broadcast"},
	{N: unix.RTN_ANYCAST, Name: "anycast"},
	{N: unix.RTN_MULTICAST, Name: "multicast"},
	{N: unix.RTN_BLACKHOLE, Name: "blackhole"},
	{N: unix.RTN_UNREACHABLE, Name: "unreachable"},
	{N: unix.RTN_PROHIBIT, Name: "prohibit"},
	{N: unix.RTN_THROW, Name: "throw"},
	{N: unix.RTN_NAT, Name: "nat"},
	{N: unix.RTN_XRESOLVE, Name: "xresolve"},
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
