package iproute

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/ns"
)

// routeVerbs is the verb table of "ip route" in iproute2's order
// (ip/iproute.c do_iproute): "ip r a" is add, "ip r s" show, "ip r g" get.
var routeVerbs = []string{"add", "change", "replace", "prepend", "append", "test", "delete", "list", "show", "lst", "get", "flush", "save", "restore", "showdump", "help"}

// cmdRoute is "ip route": add, change, replace, prepend, append, delete,
// show/list, get and flush.
func cmdRoute(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return routeShow(env, g, nil, false)
	}
	verb, ok := builtins.Match(args[0], routeVerbs...)
	if !ok && args[0] == "chg" {
		verb, ok = "change", true
	}
	if !ok {
		return builtins.Fail(255, "Command %q is unknown, try \"ip route help\".", args[0])
	}
	switch verb {
	case "add", "change", "replace", "prepend", "append", "delete":
		return routeModify(env, g, verb, args[1:])
	case "list", "show", "lst":
		return routeShow(env, g, args[1:], false)
	case "flush":
		return routeShow(env, g, args[1:], true)
	case "get":
		return routeGet(env, g, args[1:])
	case "help":
		fmt.Fprintln(env.Stdout, "Usage: ip route { list | flush } SELECTOR\n       ip route get ADDRESS\n       ip route { add | del | change | append | replace } ROUTE")
		return nil
	}
	return builtins.NotImplemented("ip route %s: not supported by nsh yet", verb)
}

// routeReq is what iproute_modify reads.
type routeReq struct {
	route    netlink.Route
	family   int
	dst      string // as written, resolved once the family is known
	dev      string
	typeOK   bool
	tableOK  bool
	scopeOK  bool
	gwOK     bool
	protoSet bool
	// nexthops are the "nexthop via A dev D weight N [onlink]" groups
	// of a multipath route (ip/iproute.c parse_nexthops).
	nexthops []nexthopReq
}

// nexthopReq is one "nexthop" group of "ip route add".
type nexthopReq struct {
	gw net.IP
	// gwFamily is the family of gw: one other than the route's is
	// sent as RTA_VIA.
	gwFamily int
	dev      string
	weight   int
	flags    int
}

// errNexthopEOL is parse_nexthops' complaint about a "nexthop" that ends
// the line.
var errNexthopEOL = errors.New("Error: unexpected end of line after \"nexthop\"")

// parseNexthops reads the "nexthop ..." groups that end a route; the
// first "nexthop" has been read.
func parseNexthops(a *builtins.Args, family int) ([]nexthopReq, error) {
	var out []nexthopReq
	if !a.More() {
		return nil, errNexthopEOL
	}
	for a.More() {
		nh := nexthopReq{weight: 1}
		for a.More() {
			w := a.Peek()
			if w == "nexthop" {
				break
			}
			a.Next()
			var err error
			switch w {
			case "via":
				var s string
				if s, err = a.Need(w); err != nil {
					break
				}
				fam := family
				if s == "inet" || s == "inet6" {
					fam, _ = parseFamily(s)
					if s, err = a.Need(w); err != nil {
						break
					}
				}
				if nh.gw, nh.gwFamily, err = addrOf(s, fam); err == nil && family == 0 {
					family = nh.gwFamily
				}
			case "dev":
				if nh.dev, err = a.Need(w); err == nil {
					err = builtins.ValidIfName(nh.dev)
				}
			case "weight":
				var n uint64
				if n, err = needUint(a, w, 8); err == nil && (n < 1 || n > 256) {
					err = invarg("\"weight\" is invalid", fmt.Sprint(n))
				}
				nh.weight = int(n)
			case "onlink":
				nh.flags |= unix.RTNH_F_ONLINK
			default:
				err = fmt.Errorf("Error: argument %q is wrong: unknown nexthop argument", w)
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, nh)
		if a.More() {
			a.Next() // "nexthop"
			if !a.More() {
				return nil, errNexthopEOL
			}
		}
	}
	return out, nil
}

// addrOf parses one address of family (0: any) as get_addr does:
// "Error: FAMILY address is expected rather than ..." (exit status 1)
// when it is not one.
func addrOf(s string, family int) (net.IP, int, error) {
	ip := builtins.ParseIP(s)
	if ip == nil || family != 0 && family != builtins.IPFamily(ip) {
		return nil, 0, builtins.Fail(1, "Error: %s address is expected rather than %q.", familyVerbose(family), s)
	}
	return ip, builtins.IPFamily(ip), nil
}

// familyVerbose is family_name_verbose: "any valid" for no family.
func familyVerbose(family int) string {
	if family == 0 {
		return "any valid"
	}
	return familyName(family)
}

// parseRouteReq reads "ip route add/del/... ROUTE".
func parseRouteReq(g *Global, verb string, args []string) (*routeReq, error) {
	r := &routeReq{family: g.Family}
	if r.family != unix.AF_INET && r.family != unix.AF_INET6 {
		r.family = 0
	}
	rt := &r.route
	a := builtins.NewArgs(args)
	setFamily := func(f int) {
		if r.family == 0 {
			r.family = f
		}
	}
	for a.More() {
		w, _ := a.Next()
		var err error
		switch {
		case w == "src":
			var s string
			if s, err = a.Need(w); err == nil {
				var f int
				if rt.Src, f, err = addrOf(s, r.family); err == nil {
					setFamily(f)
				}
			}
		case w == "via":
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			fam := r.family
			if s == "inet" || s == "inet6" {
				fam = unix.AF_INET
				if s == "inet6" {
					fam = unix.AF_INET6
				}
				if s, err = a.Need(w); err != nil {
					break
				}
			}
			var ip net.IP
			var f int
			if ip, f, err = addrOf(s, fam); err != nil {
				break
			}
			setFamily(f)
			r.gwOK = true
			if f == r.family {
				rt.Gw = ip
			} else {
				rt.Via = &netlink.Via{AddrFamily: f, Addr: ip}
			}
		case builtins.Is(w, "metric") || builtins.Is(w, "priority") || w == "preference":
			var n uint64
			n, err = needUint(a, "metric", 32)
			rt.Priority = int(n)
		case w == "scope":
			var s string
			if s, err = a.Need(w); err == nil {
				var n int
				n, err = scopes.parse("scope", s, 255)
				rt.Scope = netlink.Scope(n)
				r.scopeOK = true
			}
		case w == "mtu":
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			if s == "lock" {
				rt.MTULock = true
				if s, err = a.Need(w); err != nil {
					break
				}
			}
			var n uint32
			if _, err = fmt.Sscanf(s, "%d", &n); err != nil {
				err = invarg("\"mtu\" value is invalid", s)
			}
			rt.MTU = int(n)
		case w == "onlink":
			rt.Flags |= unix.RTNH_F_ONLINK
		case builtins.Is(w, "protocol"):
			var s string
			if s, err = a.Need(w); err == nil {
				var n int
				n, err = protocols.parse("protocol", s, 255)
				rt.Protocol = netlink.RouteProtocol(n)
				r.protoSet = true
			}
		case builtins.Is(w, "table"):
			var s string
			if s, err = a.Need(w); err == nil {
				rt.Table, err = tables.parse("table", s, 1<<32-1)
				r.tableOK = true
			}
		case w == "dev" || w == "oif":
			if r.dev, err = a.Need(w); err == nil {
				err = builtins.ValidIfName(r.dev)
			}
		case w == "nexthop":
			r.nexthops, err = parseNexthops(a, r.family)
			if err == nil && len(r.nexthops) > 0 {
				r.gwOK = true
				if r.nexthops[0].gw != nil {
					setFamily(builtins.IPFamily(r.nexthops[0].gw))
				}
			}
		case w == "nhid" || w == "encap" || w == "from" || w == "tos" || w == "realms" || builtins.Is(w, "pref") ||
			w == "hoplimit" || w == "advmss" || w == "as" || builtins.Is(w, "window") || builtins.Is(w, "cwnd") || builtins.Is(w, "initcwnd"):
			err = builtins.NotImplemented("ip route ... %s: not supported by nsh yet", w)
		default:
			if w == "to" {
				if w, err = a.Need(w); err != nil {
					return nil, err
				}
			}
			if len(w) > 0 && (w[0] < '0' || w[0] > '9') {
				if t, ok := routeTypeWord(w); ok {
					rt.Type = t
					r.typeOK = true
					if w, err = a.Need("type"); err != nil {
						return nil, err
					}
				}
			}
			if r.dst != "" {
				return nil, builtins.Fail(255, "Error: either \"to\" is duplicate, or %q is a garbage.", w)
			}
			r.dst = w
			if w != "default" && w != "all" && w != "any" {
				var p *net.IPNet
				if p, err = parsePrefix(w, r.family); err == nil {
					setFamily(builtins.IPFamily(p.IP))
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if r.dst == "" {
		return nil, fmt.Errorf("not enough information: a destination is required")
	}
	if r.family == 0 {
		r.family = unix.AF_INET
	}
	dst, err := parsePrefix(r.dst, r.family)
	if err != nil {
		return nil, err
	}
	rt.Dst = dst
	rt.Family = r.family
	del := verb == "delete"
	if !del {
		if rt.Type == 0 {
			rt.Type = unix.RTN_UNICAST
		}
	}
	if !r.tableOK {
		switch rt.Type {
		case unix.RTN_LOCAL, unix.RTN_BROADCAST, unix.RTN_NAT, unix.RTN_ANYCAST:
			rt.Table = unix.RT_TABLE_LOCAL
		default:
			rt.Table = unix.RT_TABLE_MAIN
		}
	}
	if !r.scopeOK {
		switch {
		case r.family == unix.AF_INET6:
			rt.Scope = unix.RT_SCOPE_UNIVERSE
		case rt.Type == unix.RTN_LOCAL || rt.Type == unix.RTN_NAT:
			rt.Scope = unix.RT_SCOPE_HOST
		case rt.Type == unix.RTN_BROADCAST || rt.Type == unix.RTN_MULTICAST || rt.Type == unix.RTN_ANYCAST:
			rt.Scope = unix.RT_SCOPE_LINK
		case rt.Type == unix.RTN_UNICAST || rt.Type == unix.RTN_UNSPEC:
			if del {
				rt.Scope = unix.RT_SCOPE_NOWHERE
			} else if !r.gwOK {
				rt.Scope = unix.RT_SCOPE_LINK
			}
		}
	}
	return r, nil
}

// routeTypeWord is rtnl_rtntype_a2n: a route type name.
func routeTypeWord(w string) (int, bool) {
	if w == "brd" {
		return unix.RTN_BROADCAST, true
	}
	for _, t := range routeTypes[1:] {
		if t.name == w {
			return t.n, true
		}
	}
	return 0, false
}

// routeModify is "ip route add|change|replace|prepend|append|delete".
func routeModify(env *builtins.Env, g *Global, verb string, args []string) error {
	r, err := parseRouteReq(g, verb, args)
	if err != nil {
		return err
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	if r.dev != "" {
		l, err := linkByName(h, r.dev)
		if err != nil {
			return err
		}
		r.route.LinkIndex = l.Attrs().Index
	}
	rt := &r.route
	for _, nh := range r.nexthops {
		info := &netlink.NexthopInfo{Gw: nh.gw, Hops: nh.weight - 1, Flags: nh.flags}
		if nh.gw != nil && nh.gwFamily != rt.Family {
			info.Gw, info.Via = nil, &netlink.Via{AddrFamily: nh.gwFamily, Addr: nh.gw}
		}
		if nh.dev != "" {
			l, err := linkByName(h, nh.dev)
			if err != nil {
				return err
			}
			info.LinkIndex = l.Attrs().Index
		}
		rt.MultiPath = append(rt.MultiPath, info)
	}
	switch {
	case routeMapped(rt):
		err = routeRequest(env, g, verb, rt)
	case verb == "add":
		err = h.RouteAdd(rt)
	case verb == "change":
		err = h.RouteChange(rt)
	case verb == "replace":
		err = h.RouteReplace(rt)
	case verb == "prepend":
		err = h.RouteAddEcmp(rt)
	case verb == "append":
		err = h.RouteAppend(rt)
	case verb == "delete":
		err = h.RouteDel(rt)
	}
	if err != nil {
		switch {
		case errors.Is(err, unix.EEXIST):
			return builtins.Rtnl(fmt.Errorf("%w: a route to %s already exists", unix.EEXIST, r.dst))
		case errors.Is(err, unix.ESRCH):
			return builtins.Rtnl(fmt.Errorf("%w: no such route to %s", unix.ESRCH, r.dst))
		case errors.Is(err, unix.ENETUNREACH):
			return builtins.Rtnl(fmt.Errorf("%w: the gateway is not reachable on a connected network", unix.ENETUNREACH))
		case errors.Is(err, unix.EINVAL) && rt.Gw != nil && rt.Gw.IsLinkLocalUnicast() && rt.LinkIndex == 0 && verb != "delete":
			// The kernel's extended ack: "Egress device not specified".
			return builtins.Rtnl(fmt.Errorf("%w: the gateway %s is link-local: name its device with \"dev DEV\"", unix.EINVAL, rt.Gw))
		}
		return builtins.Rtnl(fmt.Errorf("%w: ip route %s %s", err, verb, r.dst))
	}
	return nil
}

// routeFilter is the selector of "ip route show/flush".
type routeFilter struct {
	table   int // 0: all tables
	tableOK bool
	dev     int
	devName string
	proto   int
	protoOK bool
	scope   int
	scopeOK bool
	typ     int
	typeOK  bool
	via     *net.IPNet // gateways inside
	src     *net.IPNet // preferred sources inside
	root    *net.IPNet // routes inside
	match   *net.IPNet // routes covering
	cloned  bool       // "cache": the cached (cloned) routes
}

// parseRouteFilter reads the selector of iproute_list_flush_or_save.
func parseRouteFilter(h *netlink.Handle, family int, args []string) (*routeFilter, error) {
	f := &routeFilter{table: unix.RT_TABLE_MAIN}
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		var err error
		switch {
		case builtins.Is(w, "table"):
			var s string
			if s, err = a.Need(w); err == nil {
				if s == "all" {
					f.table = 0
				} else if s == "cache" {
					f.cloned = true
				} else {
					f.table, err = tables.parse("table", s, 1<<32-1)
				}
				f.tableOK = true
			}
		case builtins.Is(w, "protocol"):
			var s string
			if s, err = a.Need(w); err == nil {
				f.proto, err = protocols.parse("protocol", s, 255)
				f.protoOK = true
			}
		case w == "scope":
			var s string
			if s, err = a.Need(w); err == nil {
				f.scope, err = scopes.parse("scope", s, 255)
				f.scopeOK = true
			}
		case w == "type":
			var s string
			if s, err = a.Need(w); err == nil {
				var ok bool
				if f.typ, ok = routeTypeWord(s); !ok {
					err = invarg("node type value is invalid", s)
				}
				f.typeOK = true
			}
		case w == "dev" || w == "oif":
			var s string
			if s, err = a.Need(w); err == nil {
				var l netlink.Link
				if l, err = linkByName(h, s); err == nil {
					f.dev, f.devName = l.Attrs().Index, s
				}
			}
		case w == "via":
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			fam := family
			if s == "inet" || s == "inet6" {
				fam, _ = parseFamily(s)
				if s, err = a.Need(w); err != nil {
					break
				}
			}
			f.via, err = parsePrefix(s, fam)
		case w == "src":
			var s string
			if s, err = a.Need(w); err == nil {
				f.src, err = parsePrefix(s, family)
			}
		case builtins.Is(w, "cached") || builtins.Is(w, "cloned"):
			f.cloned = true
		case w == "iif" || w == "from" || w == "tos" || w == "realm" || w == "realms" || w == "vrf" || w == "mark":
			err = builtins.NotImplemented("ip route show %s: not supported by nsh yet", w)
		default:
			if w == "to" {
				if w, err = a.Need(w); err != nil {
					return nil, err
				}
			}
			mode := "exact"
			if builtins.Is(w, "root") || builtins.Is(w, "match") || builtins.Is(w, "exact") {
				mode, _ = builtins.Match(w, "root", "match", "exact")
				if w, err = a.Need(mode); err != nil {
					return nil, err
				}
			}
			var p *net.IPNet
			if p, err = parsePrefix(w, family); err == nil {
				switch mode {
				case "root":
					f.root = p
				case "match":
					f.match = p
				default:
					f.root, f.match = p, p
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

// keep reports whether route rt passes f.
func (f *routeFilter) keep(rt *netlink.Route) bool {
	dst := routeDst(rt)
	dl := maskLen(dst)
	switch {
	case f.table != 0 && rt.Table != f.table,
		f.dev != 0 && rt.LinkIndex != f.dev,
		f.protoOK && int(rt.Protocol) != f.proto,
		f.scopeOK && int(rt.Scope) != f.scope,
		f.typeOK && rt.Type != f.typ,
		f.via != nil && !viaIn(rt, f.via),
		f.src != nil && !addrIn(rt.Family, rt.Src, f.src):
		return false
	}
	if f.root != nil && (dl < maskLen(f.root) || !f.root.Contains(dst.IP)) {
		return false
	}
	if f.match != nil && (dl > maskLen(f.match) || !dst.Contains(f.match.IP)) {
		return false
	}
	return true
}

// viaIn reports whether the gateway of rt (RTA_GATEWAY, or RTA_VIA of
// its own family) lies in p, as filter_nlmsg compares them; a route
// without one has the all-zero gateway.
func viaIn(rt *netlink.Route, p *net.IPNet) bool {
	if v, ok := rt.Via.(*netlink.Via); ok && v != nil {
		return addrIn(v.AddrFamily, v.Addr, p)
	}
	return addrIn(rt.Family, rt.Gw, p)
}

// addrIn reports whether ip, an address of family (nil: all zero), lies
// in p of the same family.
func addrIn(family int, ip net.IP, p *net.IPNet) bool {
	if builtins.IPFamily(p.IP) != family {
		return false
	}
	if ip == nil {
		ip = net.IPv4zero.To4()
		if family == afInet6 {
			ip = net.IPv6zero
		}
	}
	return p.Contains(ip)
}

// routeDst returns the destination prefix of rt, the zero prefix of its
// family for a default route.
func routeDst(rt *netlink.Route) *net.IPNet {
	if rt.Dst != nil {
		return rt.Dst
	}
	if rt.Family == unix.AF_INET6 {
		return &net.IPNet{IP: net.IPv6zero, Mask: net.CIDRMask(0, 128)}
	}
	return &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}
}

// routeShow is "ip route show SELECTOR" and, with flush, "ip route flush
// SELECTOR" (delete every route shown).
func routeShow(env *builtins.Env, g *Global, args []string, flush bool) error {
	if flush && len(args) == 0 {
		return fmt.Errorf("\"ip route flush\" requires arguments")
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	family := g.Family
	if family != unix.AF_INET && family != unix.AF_INET6 {
		family = 0
	}
	f, err := parseRouteFilter(h, family, args)
	if err != nil {
		return err
	}
	if family == 0 && f.table != 0 {
		family = unix.AF_INET
	}
	if f.cloned {
		return routeCache(env, g, h, family, flush)
	}
	routes, err := builtins.Retry(func() ([]netlink.Route, error) {
		return h.RouteListFiltered(family, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
	})
	if err != nil {
		return fmt.Errorf("dumping routes: %w", err)
	}
	devName := devNamer(h)
	p := newPrinter(g)
	for i := range routes {
		rt := &routes[i]
		if !f.keep(rt) {
			continue
		}
		if flush {
			if err := h.RouteDel(rt); err != nil && !errors.Is(err, unix.ESRCH) {
				return fmt.Errorf("%w: flushing route to %s", err, routeDst(rt))
			}
			continue
		}
		printRoute(p, g, rt, devName, f)
	}
	if flush {
		return nil
	}
	return p.flush(env.Stdout)
}

// routeCache is "ip route show|flush cache": the cached routes (IPv4
// next-hop exceptions, IPv6 cloned routes) of family, dumped with
// RTM_F_CLONED as iproute2 asks for them. Flushing the IPv4 cache writes
// /proc/sys/net/ipv4/route/flush in the namespace; the IPv6 entries are
// deleted one by one.
func routeCache(env *builtins.Env, g *Global, h *netlink.Handle, family int, flush bool) error {
	if flush && family != afInet6 {
		const path = "/proc/sys/net/ipv4/route/flush"
		err := env.Host.Do(g.NS, func() error { return os.WriteFile(path, []byte("-1"), 0) })
		if err != nil {
			return fmt.Errorf("Cannot open %q: %w", path, ns.Strerror(err))
		}
		if g.Stats > 0 {
			fmt.Fprintln(env.Stdout, "*** IPv4 routing cache is flushed.")
		}
		if family == afInet {
			return nil
		}
	}
	req := nl.NewNetlinkRequest(unix.RTM_GETROUTE, unix.NLM_F_DUMP)
	req.AddData(&nl.RtMsg{RtMsg: unix.RtMsg{Family: uint8(family), Flags: rtmCloned}})
	msgs, err := rawExecute(env, g.NS, req, unix.RTM_NEWROUTE)
	if err != nil {
		return fmt.Errorf("dumping the route cache: %w", err)
	}
	p := newPrinter(g)
	names := devNamer(h)
	for _, m := range msgs {
		if len(m) < unix.SizeofRtMsg || decodeRtMsg(m).Flags&rtmCloned == 0 {
			continue
		}
		if flush {
			del := nl.NewNetlinkRequest(unix.RTM_DELROUTE, unix.NLM_F_ACK)
			del.AddRawData(m)
			if _, err := rawExecute(env, g.NS, del, 0); err != nil && !errors.Is(err, unix.ESRCH) {
				return fmt.Errorf("flushing the route cache: %w", err)
			}
			continue
		}
		printRouteMsg(p, g, m, names)
	}
	if flush {
		return nil
	}
	return p.flush(env.Stdout)
}
