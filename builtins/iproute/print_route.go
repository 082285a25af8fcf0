package iproute

import (
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
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
		return d.IP.String()
	}
	return fmt.Sprintf("%s/%d", d.IP, l)
}

// printRoute prints one route as print_route does; fields the filter f
// pins (dev, table, proto, scope, type) are left out, as in iproute2.
func printRoute(p *printer, rt *netlink.Route, dev string, f *routeFilter) {
	p.openObject("")
	if rt.Type != unix.RTN_UNICAST && (f == nil || !f.typeOK) {
		p.any("type", "%s ", routeTypes.name(rt.Type))
	}
	p.any("dst", "%s ", dstString(rt))
	if rt.Gw != nil && (f == nil || f.via == nil) {
		p.any("gateway", "via %s ", rt.Gw.String())
	}
	if rt.Via != nil {
		if v, ok := rt.Via.(*netlink.Via); ok {
			p.fp("via %s %s ", familyName(v.AddrFamily), v.Addr)
			p.openObject("via")
			p.js("family", familyName(v.AddrFamily))
			p.js("host", v.Addr.String())
			p.close("")
		}
	}
	if rt.LinkIndex != 0 && (f == nil || f.dev == 0) {
		p.any("dev", "dev %s ", dev)
	}
	if rt.Table != unix.RT_TABLE_MAIN && (f == nil || f.table == 0) {
		p.any("table", "table %s ", tables.name(rt.Table))
	}
	if int(rt.Protocol) != unix.RTPROT_BOOT && (f == nil || !f.protoOK) {
		p.any("protocol", "proto %s ", protocols.name(int(rt.Protocol)))
	}
	if rt.Scope != unix.RT_SCOPE_UNIVERSE && (f == nil || !f.scopeOK) {
		p.any("scope", "scope %s ", scopes.name(int(rt.Scope)))
	}
	if rt.Src != nil && (f == nil || f.src == nil) {
		p.any("prefsrc", "src %s ", rt.Src.String())
	}
	if rt.Priority != 0 || rt.Family == unix.AF_INET6 {
		p.any("metric", "metric %d ", rt.Priority)
	}
	p.openArray("flags", "")
	for _, fl := range routeFlagNames {
		if rt.Flags&fl.bit != 0 {
			p.any("", "%s ", fl.name)
		}
	}
	p.close("")
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
	p.fp("\n")
	p.close("")
}

// printRouteGet prints an answer of "ip route get".
func printRouteGet(p *printer, rt *netlink.Route, dev string, uid int) {
	p.openObject("")
	if rt.Type != unix.RTN_UNICAST {
		p.any("type", "%s ", routeTypes.name(rt.Type))
	}
	d := rt.Dst
	if d == nil {
		d = &net.IPNet{}
	}
	p.any("dst", "%s ", d.IP.String())
	if rt.Gw != nil {
		p.any("gateway", "via %s ", rt.Gw.String())
	}
	if rt.LinkIndex != 0 {
		p.any("dev", "dev %s ", dev)
	}
	if rt.Table != unix.RT_TABLE_MAIN && rt.Table != 0 {
		p.any("table", "table %s ", tables.name(rt.Table))
	}
	if rt.Src != nil {
		p.any("prefsrc", "src %s ", rt.Src.String())
	}
	p.openArray("flags", "")
	p.close("")
	p.any("uid", "uid %d ", uid)
	p.fp("\n    cache ")
	p.openArray("cache", "")
	p.close("")
	p.fp("\n")
	p.close("")
}
