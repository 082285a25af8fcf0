package iproute

import (
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// routeFlagNames are print_rt_flags' words in its order.
var routeFlagNames = []struct {
	bit  int
	name string
}{
	{unix.RTNH_F_DEAD, "dead"}, {unix.RTNH_F_ONLINK, "onlink"},
	{unix.RTNH_F_PERVASIVE, "pervasive"}, {unix.RTNH_F_OFFLOAD, "offload"},
	{unix.RTM_F_NOTIFY, "notify"}, {unix.RTNH_F_LINKDOWN, "linkdown"},
	{unix.RTNH_F_UNRESOLVED, "unresolved"}, {unix.RTM_F_OFFLOAD, "rt_offload"},
	{unix.RTM_F_TRAP, "rt_trap"}, {unix.RTM_F_OFFLOAD_FAILED, "rt_offload_failed"},
}

// dstString prints a route destination as iproute2 does: "default", a
// bare address for a host route, else ADDR/LEN.
func dstString(rt *netlink.Route) string {
	d := routeDst(rt)
	l, bits := d.Mask.Size()
	switch {
	case l == 0 && d.IP.IsUnspecified():
		return "default"
	case l == bits:
		return builtins.FormatIP(d.IP)
	}
	return fmt.Sprintf("%s/%d", builtins.FormatIP(d.IP), l)
}

// printRoute prints one route as print_route does; fields the filter f
// pins (dev, table, proto, scope, type) are left out, as in iproute2.
// Under -details the type, protocol and scope are always printed.
func printRoute(p *printer, g *Global, rt *netlink.Route, devName func(int) string, f *routeFilter) {
	details := g.Details > 0
	p.openObject("")
	if rt.Type != unix.RTN_UNICAST || details {
		p.any("type", "%s ", routeTypes.name(rt.Type))
	}
	if d := dstString(rt); d == "default" {
		p.any("dst", "%s ", d)
	} else {
		p.colorAny(familyColor(rt.Family), "dst", "%s ", d)
	}
	if rt.Gw != nil && (f == nil || f.via == nil || maskLen(f.via) != 8*len(f.via.IP)) {
		p.fp("via ")
		p.colorAny(familyColor(rt.Family), "gateway", "%s ", builtins.FormatIP(rt.Gw))
	}
	if rt.Via != nil {
		if v, ok := rt.Via.(*netlink.Via); ok {
			p.fp("via %s %s ", familyName(v.AddrFamily), builtins.FormatIP(v.Addr))
			p.openObject("via")
			p.js("family", familyName(v.AddrFamily))
			p.js("host", builtins.FormatIP(v.Addr))
			p.close("")
		}
	}
	if rt.LinkIndex != 0 && (f == nil || f.dev == 0) {
		p.fp("dev ")
		p.colorAny(colorIfname, "dev", "%s ", devName(rt.LinkIndex))
	}
	if (rt.Table != unix.RT_TABLE_MAIN || details) && (f == nil || f.table == 0) {
		p.any("table", "table %s ", tables.name(rt.Table))
	}
	if (int(rt.Protocol) != unix.RTPROT_BOOT || details) && (f == nil || !f.protoOK) {
		p.any("protocol", "proto %s ", protocols.name(int(rt.Protocol)))
	}
	if (rt.Scope != unix.RT_SCOPE_UNIVERSE || details) && (f == nil || !f.scopeOK) {
		p.any("scope", "scope %s ", scopes.name(int(rt.Scope)))
	}
	if rt.Src != nil && (f == nil || f.src == nil || maskLen(f.src) != 8*len(f.src.IP)) {
		p.fp("src ")
		p.colorAny(familyColor(rt.Family), "prefsrc", "%s ", builtins.FormatIP(rt.Src))
	}
	if rt.Priority != 0 || rt.Family == unix.AF_INET6 {
		p.any("metric", "metric %d ", rt.Priority)
	}
	printRouteFlags(p, rt.Flags)
	if rt.MTU != 0 {
		p.openArray("metrics", "")
		p.openObject("")
		p.fp("mtu ")
		if rt.MTULock {
			p.fp("lock ")
		}
		p.any("mtu", "%d ", rt.MTU)
		p.close("")
		p.close("")
	}
	if rt.Family == unix.AF_INET6 {
		p.any("pref", "pref %s", "medium")
	}
	if len(rt.MultiPath) > 0 {
		p.openArray("nexthops", "")
		for _, nh := range rt.MultiPath {
			p.openObject("")
			p.fp("%s\tnexthop ", p.sl)
			if nh.Gw != nil {
				p.fp("via ")
				fam := builtins.IPFamily(nh.Gw)
				p.colorAny(familyColor(fam), "gateway", "%s ", builtins.FormatIP(nh.Gw))
			}
			if nh.LinkIndex != 0 {
				p.any("dev", "dev %s ", devName(nh.LinkIndex))
			}
			p.any("weight", "weight %d ", nh.Hops+1)
			printRouteFlags(p, nh.Flags)
			p.close("")
		}
		p.close("")
	}
	p.fp("\n")
	p.close("")
}

// printRouteFlags is print_rt_flags: the words of flags, or the JSON
// array "flags".
func printRouteFlags(p *printer, flags int) {
	p.openArray("flags", "")
	for _, fl := range routeFlagNames {
		if flags&fl.bit != 0 {
			p.any("", "%s ", fl.name)
		}
	}
	p.close("")
}
