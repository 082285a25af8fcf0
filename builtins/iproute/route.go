package iproute

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/ns"
)

// cmdRoute is "ip route": add, change, replace, prepend, append, delete,
// show/list, get and flush.
func cmdRoute(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return routeShow(env, g, nil, false)
	}
	verb, err := verbOf(env, "route", args[0])
	if err != nil {
		return err
	}
	switch verb {
	case "add", "change", "replace", "prepend", "append", "test", "delete":
		return routeModify(env, g, verb, args[1:])
	case "list", "show", "lst":
		return routeShow(env, g, args[1:], false)
	case "flush":
		return routeShow(env, g, args[1:], true)
	case "get":
		return routeGet(env, g, args[1:])
	case "save":
		return routeSave(env, g, args[1:])
	case "restore":
		return routeRestore(env, g)
	case "showdump":
		return routeShowdump(env, g)
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
	// metrics are the RTAX_* attributes of RTA_METRICS, mxlock their
	// "lock" bits; attrs are the other attributes iproute_modify sends
	// that netlink.Route cannot carry (RTA_SRC, RTA_FLOW, RTA_PREF,
	// RTA_EXPIRES, RTA_NH_ID, RTA_TTL_PROPAGATE), in the order given.
	metrics []*nl.RtAttr
	mxlock  uint32
	attrs   []*nl.RtAttr
	srcLen  int
	nhid    bool
	vrf     string // "vrf NAME": the table of the VRF, looked up before sending
	encap   *encapReq
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
	// attrs are the path's RTA_FLOW ("realms") and RTA_NEWDST ("as"),
	// in the order given; encap its "encap".
	attrs []*nl.RtAttr
	encap *encapReq
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
			case "encap":
				nh.encap, err = parseEncap(a)
			case "as":
				var at *nl.RtAttr
				if at, err = newDst(a, family); err == nil {
					nh.attrs = append(nh.attrs, at)
				}
			default:
				if builtins.Is(w, "realms") {
					var s string
					if s, err = a.Need(w); err == nil {
						v, ok := parseRealms(s)
						if !ok {
							err = invarg("\"realm\" value is invalid\n", s)
							break
						}
						nh.attrs = append(nh.attrs, nl.NewRtAttr(unix.RTA_FLOW, u32(v)))
					}
					break
				}
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

// newDst reads "as [to] ADDR" (RTA_NEWDST) of a route or a path.
func newDst(a *builtins.Args, family int) (*nl.RtAttr, error) {
	s, err := a.Need("as")
	if err != nil {
		return nil, err
	}
	if s == "to" {
		if s, err = a.Need("to"); err != nil {
			return nil, err
		}
	}
	if family == unix.AF_MPLS {
		b, ok := mplsLabels(s)
		if !ok {
			return nil, builtins.Fail(1, "Error: %s address is expected rather than %q.", familyVerbose(family), s)
		}
		return nl.NewRtAttr(unix.RTA_NEWDST, b), nil
	}
	ip, f, err := addrOf(s, family)
	if err != nil {
		return nil, err
	}
	if f == afInet {
		ip = ip.To4()
	}
	return nl.NewRtAttr(unix.RTA_NEWDST, ip), nil
}

// addrOf parses one address of family (0: any) as get_addr does:
// "Error: FAMILY address is expected rather than ..." (exit status 1)
// when it is not one.
func addrOf(s string, family int) (net.IP, int, error) {
	ip := inetAddr(s, family)
	if ip == nil {
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
			if r.gwOK {
				return nil, invarg("use nexthop syntax to specify multiple via\n", w)
			}
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
		case w == "mtu" || w == "hoplimit" || w == "advmss" || builtins.Is(w, "reordering") || w == "rtt" ||
			builtins.Is(w, "window") || builtins.Is(w, "cwnd") || builtins.Is(w, "initcwnd") || builtins.Is(w, "initrwnd") ||
			builtins.Is(w, "congctl") || builtins.Is(w, "rttvar") || builtins.Is(w, "ssthresh") || w == "rto_min" ||
			builtins.Is(w, "features") || builtins.Is(w, "quickack") || builtins.Is(w, "fastopen_no_cookie"):
			err = r.parseMetric(a, w)
		case w == "tos" || builtins.Is(w, "dsfield"):
			var s string
			if s, err = a.Need(w); err == nil {
				v, ok := dsfieldA2N(s)
				if !ok {
					err = invarg("\"tos\" value is invalid\n", s)
				}
				rt.Tos = int(v)
			}
		case builtins.Is(w, "realms"):
			var s string
			if s, err = a.Need(w); err == nil {
				v, ok := parseRealms(s)
				if !ok {
					err = invarg("\"realm\" value is invalid\n", s)
				}
				r.attrs = append(r.attrs, nl.NewRtAttr(unix.RTA_FLOW, u32(v)))
			}
		case builtins.Is(w, "pref"):
			var s string
			if s, err = a.Need(w); err == nil {
				v, ok := map[string]uint64{"low": 3, "medium": 0, "high": 1}[s]
				if !ok {
					if v, ok = builtins.GetUint(s, 0, 255); !ok {
						err = invarg("\"pref\" value is invalid\n", s)
					}
				}
				r.attrs = append(r.attrs, nl.NewRtAttr(unix.RTA_PREF, []byte{uint8(v)}))
			}
		case w == "expires":
			var s string
			if s, err = a.Need(w); err == nil {
				v, ok := builtins.GetUint(s, 0, 1<<32-1)
				if !ok {
					err = invarg("\"expires\" value is invalid\n", s)
				}
				r.attrs = append(r.attrs, nl.NewRtAttr(unix.RTA_EXPIRES, u32(uint32(v))))
			}
		case w == "nhid":
			var s string
			if s, err = a.Need(w); err == nil {
				v, ok := builtins.GetUint(s, 0, 1<<32-1)
				if !ok {
					err = invarg("\"id\" value is invalid\n", s)
				}
				r.attrs = append(r.attrs, nl.NewRtAttr(rtaNhID, u32(uint32(v))))
				r.nhid = true
			}
		case w == "ttl-propagate":
			var s string
			if s, err = a.Need(w); err == nil {
				var v byte
				switch {
				case builtins.Is(s, "enabled"):
					v = 1
				case builtins.Is(s, "disabled"):
				default:
					err = invarg("\"ttl-propagate\" value is invalid\n", s)
				}
				r.attrs = append(r.attrs, nl.NewRtAttr(unix.RTA_TTL_PROPAGATE, []byte{v}))
			}
		case w == "from":
			var s string
			if s, err = a.Need(w); err == nil {
				var b []byte
				var l int
				if b, l, err = rulePrefix(s, r.family); err == nil {
					if b != nil {
						setFamily(builtins.IPFamily(net.IP(b)))
						r.attrs = append(r.attrs, nl.NewRtAttr(unix.RTA_SRC, b))
					}
					r.srcLen = l
				}
			}
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
		case builtins.Is(w, "vrf"):
			var s string
			if s, err = a.Need(w); err == nil {
				r.vrf = s
				r.tableOK = true
			}
		case w == "encap":
			r.encap, err = parseEncap(a)
		case w == "as":
			var at *nl.RtAttr
			if at, err = newDst(a, r.family); err == nil {
				r.attrs = append(r.attrs, at)
			}
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
			} else if !r.gwOK && !r.nhid {
				rt.Scope = unix.RT_SCOPE_LINK
			}
		}
	}
	return r, nil
}

// parseMetric reads one RTAX_* metric of iproute_modify: keyword w,
// an optional "lock", and its value.
func (r *routeReq) parseMetric(a *builtins.Args, w string) error {
	type metric struct {
		word  string
		t     int
		exact bool
		lock  bool // takes "lock"
		kind  byte // 'u' unsigned, 'h' hop limit, 't' time (rtt scale), 'b' 0 or 1, 's' string, 'f' features
		scale uint32
		name  string // of the invalid-value message
	}
	ms := []metric{
		{"mtu", unix.RTAX_MTU, true, true, 'u', 0, "mtu"},
		{"hoplimit", unix.RTAX_HOPLIMIT, true, true, 'h', 0, "hoplimit"},
		{"advmss", unix.RTAX_ADVMSS, true, true, 'u', 0, "mss"},
		{"reordering", unix.RTAX_REORDERING, false, true, 'u', 0, "reordering"},
		{"rtt", unix.RTAX_RTT, true, true, 't', 8, "rtt"},
		{"rto_min", unix.RTAX_RTO_MIN, true, false, 't', 1, "rto_min"},
		{"window", unix.RTAX_WINDOW, false, true, 'u', 0, "window"},
		{"cwnd", unix.RTAX_CWND, false, true, 'u', 0, "cwnd"},
		{"initcwnd", unix.RTAX_INITCWND, false, true, 'u', 0, "initcwnd"},
		{"initrwnd", unix.RTAX_INITRWND, false, true, 'u', 0, "initrwnd"},
		{"features", unix.RTAX_FEATURES, false, false, 'f', 0, "features"},
		{"quickack", unix.RTAX_QUICKACK, false, false, 'b', 0, "quickack"},
		{"congctl", unix.RTAX_CC_ALGO, false, true, 's', 0, "congctl"},
		{"rttvar", unix.RTAX_RTTVAR, false, true, 't', 4, "rttvar"},
		{"ssthresh", unix.RTAX_SSTHRESH, false, true, 'u', 0, "ssthresh"},
		{"fastopen_no_cookie", unix.RTAX_FASTOPEN_NO_COOKIE, false, false, 'b', 0, "fastopen_no_cookie"},
	}
	var m metric
	for _, c := range ms {
		if c.exact && w == c.word || !c.exact && builtins.Is(w, c.word) {
			m = c
			break
		}
	}
	s, err := a.Need(w)
	if err != nil {
		return err
	}
	if m.t == unix.RTAX_RTO_MIN {
		r.mxlock |= 1 << m.t
	}
	if m.lock && s == "lock" {
		r.mxlock |= 1 << m.t
		if s, err = a.Need(w); err != nil {
			return err
		}
	}
	bad := invarg("\""+m.name+"\" value is invalid\n", s)
	var v uint32
	switch m.kind {
	case 'u', 'h', 'b':
		n, ok := builtins.GetUint(s, 0, 1<<32-1)
		if !ok || m.kind == 'h' && n > 255 {
			return bad
		}
		if m.kind == 'b' && n > 1 {
			return invarg("\""+m.name+"\" value should be 0 or 1\n", s)
		}
		v = uint32(n)
	case 't':
		n, raw, ok := timeRTT(s)
		if !ok {
			return bad
		}
		v = n
		if !raw {
			v *= m.scale
		}
	case 'f':
		if s != "ecn" {
			return invarg("\"features\" value not valid\n", s)
		}
		v = unix.RTAX_FEATURE_ECN
	case 's':
		r.metrics = append(r.metrics, nl.NewRtAttr(m.t, []byte(s)))
		return nil
	}
	r.metrics = append(r.metrics, nl.NewRtAttr(m.t, u32(v)))
	if m.t == unix.RTAX_MTU {
		r.route.MTU = int(v)
	}
	return nil
}

// timeRTT is get_time_rtt: a number (with a fraction, or in any base)
// of milliseconds, or with a unit (s, sec, secs, ms, msec, msecs), then
// rounded up; raw is true without a unit.
func timeRTT(s string) (v uint32, raw, ok bool) {
	var t float64
	var rest string
	if strings.Contains(s, ".") {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || i == 0 && (s[i] == '+' || s[i] == '-')) {
			i++
		}
		f, err := strconv.ParseFloat(s[:i], 64)
		if err != nil || f < 0 {
			return 0, false, false
		}
		t, rest = f, s[i:]
	} else {
		n, r, ok := builtins.Strtoul(s, 0)
		if !ok || n == ^uint64(0) {
			return 0, false, false
		}
		t, rest = float64(n), r
	}
	raw = rest == ""
	switch strings.ToLower(rest) {
	case "":
	case "s", "sec", "secs":
		t *= 1000
	case "ms", "msec", "msecs":
	default:
		return 0, false, false
	}
	v = uint32(t)
	if float64(v) < t {
		v++
	}
	return v, raw, true
}

// routeTypeWord is rtnl_rtntype_a2n: a route type name.
func routeTypeWord(w string) (int, bool) {
	if w == "brd" {
		return unix.RTN_BROADCAST, true
	}
	for _, t := range routeTypes[1:] {
		if t.Name == w {
			return t.N, true
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
	if r.vrf != "" {
		if _, r.route.Table = vrfTable(h, r.vrf); r.route.Table == 0 {
			return invarg("Invalid VRF\n", r.vrf)
		}
	}
	if r.dev != "" {
		l, err := linkByName(h, r.dev)
		if err != nil {
			return err
		}
		r.route.LinkIndex = l.Attrs().Index
	}
	if r.encap != nil && r.encap.unparsed {
		return r.encap.checkUnparsed(env, g)
	}
	for _, nh := range r.nexthops {
		if nh.encap != nil && nh.encap.unparsed {
			return nh.encap.checkUnparsed(env, g)
		}
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
	err = routeTalk(env, g, verb, r)
	if err != nil {
		err = rtnl.FromHandle(err) // the kernel's message, if any, for Rtnl
		var ke *rtnl.KernelError
		switch {
		case errors.As(err, &ke) && ke.Msg != "":
			return rtnlAnswer(fmt.Sprintf("ip route %s %s", verb, r.dst), err)
		case errors.Is(err, unix.EEXIST):
			return builtins.Rtnl(fmt.Errorf("%w: a route to %s already exists", err, r.dst))
		case errors.Is(err, unix.ESRCH):
			return builtins.Rtnl(fmt.Errorf("%w: no such route to %s", err, r.dst))
		case errors.Is(err, unix.ENETUNREACH):
			return builtins.Rtnl(fmt.Errorf("%w: the gateway is not reachable on a connected network", err))
		case errors.Is(err, unix.EINVAL) && rt.Gw != nil && rt.Gw.IsLinkLocalUnicast() && rt.LinkIndex == 0 && verb != "delete":
			// The kernel's extended ack: "Egress device not specified".
			return builtins.Rtnl(fmt.Errorf("%w: the gateway %s is link-local: name its device with \"dev DEV\"", err, rt.Gw))
		}
		return builtins.Rtnl(fmt.Errorf("%w: ip route %s %s", err, verb, r.dst))
	}
	return nil
}

// routeTalk sends the request of "ip route VERB" for r as
// iproute_modify builds it.
func routeTalk(env *builtins.Env, g *Global, verb string, r *routeReq) error {
	rt := &r.route
	typ, flags := unix.RTM_NEWROUTE, 0
	switch verb {
	case "add":
		flags = unix.NLM_F_CREATE | unix.NLM_F_EXCL
	case "change":
		flags = unix.NLM_F_REPLACE
	case "replace":
		flags = unix.NLM_F_CREATE | unix.NLM_F_REPLACE
	case "prepend":
		flags = unix.NLM_F_CREATE
	case "append":
		flags = unix.NLM_F_CREATE | unix.NLM_F_APPEND
	case "test":
		flags = unix.NLM_F_EXCL
	case "delete":
		typ = unix.RTM_DELROUTE
	}
	req := nl.NewNetlinkRequest(typ, flags|unix.NLM_F_ACK)
	msg := &nl.RtMsg{}
	msg.Family = uint8(rt.Family)
	msg.Src_len = uint8(r.srcLen)
	msg.Tos = uint8(rt.Tos)
	msg.Protocol = uint8(rt.Protocol)
	if typ == unix.RTM_NEWROUTE && !r.protoSet {
		msg.Protocol = unix.RTPROT_BOOT
	}
	msg.Scope = uint8(rt.Scope)
	msg.Type = uint8(rt.Type)
	msg.Flags = uint32(rt.Flags)
	addr := func(ip net.IP) []byte {
		if builtins.IPFamily(ip) == afInet6 {
			return ip.To16()
		}
		return ip.To4()
	}
	var attrs []*nl.RtAttr
	if rt.Dst != nil && r.dst != "default" && r.dst != "all" && r.dst != "any" {
		l, _ := rt.Dst.Mask.Size()
		msg.Dst_len = uint8(l)
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_DST, addr(rt.Dst.IP)))
	}
	if rt.Src != nil {
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_PREFSRC, addr(rt.Src)))
	}
	if rt.Gw != nil {
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_GATEWAY, addr(rt.Gw)))
	}
	if v, ok := rt.Via.(*netlink.Via); ok && v != nil {
		b, err := v.Encode()
		if err != nil {
			return err
		}
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_VIA, b))
	}
	if rt.Priority > 0 {
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_PRIORITY, u32(uint32(rt.Priority))))
	}
	if rt.Table >= 256 {
		msg.Table = unix.RT_TABLE_UNSPEC
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_TABLE, u32(uint32(rt.Table))))
	} else {
		msg.Table = uint8(rt.Table)
	}
	attrs = append(attrs, r.attrs...)
	index := func(name string) (int, error) {
		h, err := env.Handle(g.NS)
		if err != nil {
			return 0, err
		}
		l, err := linkByName(h, name)
		if err != nil {
			return 0, err
		}
		return l.Attrs().Index, nil
	}
	if r.encap != nil {
		ea, err := r.encap.attributes(index)
		if err != nil {
			return err
		}
		attrs = append(attrs, ea...)
	}
	if rt.LinkIndex != 0 {
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_OIF, u32(uint32(rt.LinkIndex))))
	}
	if len(r.metrics) > 0 {
		mx := nl.NewRtAttr(unix.RTA_METRICS, nil)
		for _, m := range r.metrics {
			mx.AddChild(m)
		}
		if r.mxlock != 0 {
			mx.AddChild(nl.NewRtAttr(unix.RTAX_LOCK, u32(r.mxlock)))
		}
		attrs = append(attrs, mx)
	}
	if len(rt.MultiPath) > 0 {
		var b []byte
		for i, nh := range rt.MultiPath {
			rtnh := &nl.RtNexthop{RtNexthop: unix.RtNexthop{Hops: uint8(nh.Hops), Ifindex: int32(nh.LinkIndex), Flags: uint8(nh.Flags)}}
			if nh.Gw != nil {
				rtnh.Children = []nl.NetlinkRequestData{nl.NewRtAttr(unix.RTA_GATEWAY, addr(nh.Gw))}
			}
			if v, ok := nh.Via.(*netlink.Via); ok && v != nil {
				vb, err := v.Encode()
				if err != nil {
					return err
				}
				rtnh.Children = []nl.NetlinkRequestData{nl.NewRtAttr(unix.RTA_VIA, vb)}
			}
			if i < len(r.nexthops) {
				for _, at := range r.nexthops[i].attrs {
					rtnh.Children = append(rtnh.Children, at)
				}
				if e := r.nexthops[i].encap; e != nil {
					ea, err := e.attributes(index)
					if err != nil {
						return err
					}
					for _, at := range ea {
						rtnh.Children = append(rtnh.Children, at)
					}
				}
			}
			b = append(b, rtnh.Serialize()...)
		}
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_MULTIPATH, b))
	}
	req.AddData(msg)
	for _, a := range attrs {
		req.AddData(a)
	}
	_, err := rawExecute(env, g.NS, req, 0)
	return err
}

// routeFilter is the selector of "ip route show/flush" (iproute.c's
// filter): a field is compared when its ...OK is set.
type routeFilter struct {
	table             int // 0: all tables
	proto, protoOK    int // protoOK: a mask, 0 for "protocol all"
	protoSet          bool
	scope             int
	scopeOK           bool // scope given (even "all")
	scopeMask         int
	typ               int
	typeOK            bool
	tos               int
	tosOK             bool
	metric            uint64
	metricOK          bool
	mark              uint64
	markOK            bool
	realm, realmMask  uint32
	dev, iif          int
	devOK, iifOK      bool
	via               *net.IPNet // gateways inside
	src               *net.IPNet // preferred sources inside
	root, match       *net.IPNet // routes inside, routes covering
	fromRoot, fromMat *net.IPNet // the same for the source prefix
	cloned            bool       // "cache": the cached (cloned) routes
	noLocalBrd        bool       // "vrf": no local or broadcast routes
}

// parseRouteFilter reads the selector of iproute_list_flush_or_save.
func parseRouteFilter(h *netlink.Handle, family int, args []string) (*routeFilter, error) {
	f := &routeFilter{table: unix.RT_TABLE_MAIN}
	var od, id string
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		s := ""
		need := func() error {
			var err error
			s, err = a.Need(w)
			return err
		}
		var err error
		switch {
		case builtins.Is(w, "table"):
			if err = need(); err != nil {
				break
			}
			switch {
			case s == "all":
				f.table = 0
			case s == "cache":
				f.cloned = true
			default:
				if f.table, err = tables.parse("table", s, 1<<32-1); err != nil {
					err = invarg("table id value is invalid\n", s)
				}
			}
		case builtins.Is(w, "vrf"):
			if err = need(); err == nil {
				if _, f.table = vrfTable(h, s); f.table == 0 {
					err = invarg("Invalid VRF\n", s)
				}
				f.noLocalBrd = true
			}
		case builtins.Is(w, "cached") || builtins.Is(w, "cloned"):
			f.cloned = true
		case w == "tos" || builtins.Is(w, "dsfield"):
			if err = need(); err == nil {
				v, ok := dsfieldA2N(s)
				if !ok {
					err = invarg("TOS value is invalid\n", s)
				}
				f.tos, f.tosOK = int(v), true
			}
		case builtins.Is(w, "protocol"):
			if err = need(); err == nil {
				f.protoSet = true
				if f.proto, err = protocols.parse("protocol", s, 255); err == nil {
					f.protoOK = 0xff
				} else if s == "all" {
					f.proto, f.protoOK, err = 0, 0, nil
				} else {
					err = invarg("invalid \"protocol\"\n", s)
				}
			}
		case builtins.Is(w, "scope"):
			if err = need(); err == nil {
				f.scopeOK, f.scopeMask = true, 0xff
				if f.scope, err = scopes.parse("scope", s, 255); err != nil {
					if s != "all" {
						err = invarg("invalid \"scope\"\n", s)
					} else {
						f.scope, f.scopeMask, err = unix.RT_SCOPE_NOWHERE, 0, nil
					}
				}
			}
		case builtins.Is(w, "type"):
			if err = need(); err == nil {
				var ok bool
				if f.typ, ok = routeTypeWord(s); !ok {
					var v uint64
					if v, ok = builtins.GetUint(s, 0, 255); !ok {
						err = invarg("node type value is invalid\n", s)
					}
					f.typ = int(v)
				}
				f.typeOK = true
			}
		case w == "dev" || w == "oif":
			if err = need(); err == nil {
				od = s
			}
		case w == "iif":
			if err = need(); err == nil {
				id = s
			}
		case w == "mark":
			if err = need(); err == nil {
				var ok bool
				if f.mark, ok = builtins.GetUint(s, 0, 1<<32-1); !ok {
					err = invarg("invalid mark value", s)
				}
				f.markOK = true
			}
		case builtins.Is(w, "metric") || builtins.Is(w, "priority") || w == "preference":
			if err = need(); err == nil {
				var ok bool
				if f.metric, ok = builtins.GetUint(s, 0, 1<<32-1); !ok {
					err = invarg("\"metric\" value is invalid\n", s)
				}
				f.metricOK = true
			}
		case w == "via":
			if err = need(); err != nil {
				break
			}
			fam := family
			if s == "inet" || s == "inet6" {
				fam, _ = parseFamily(s)
				if err = need(); err != nil {
					break
				}
			}
			f.via, err = parsePrefix(s, fam)
		case w == "src":
			if err = need(); err == nil {
				f.src, err = parsePrefix(s, family)
			}
		case builtins.Is(w, "realms"):
			if err = need(); err == nil {
				v, ok := parseRealms(s)
				if !ok {
					err = invarg("invalid realms\n", s)
				}
				f.realm, f.realmMask = v, ^uint32(0)
				if v&0xffff == 0 && strings.HasSuffix(s, "/") {
					f.realmMask &^= 0xffff
				}
				if v&0xffff0000 == 0 && (!strings.Contains(s, "/") || s[0] == '/') {
					f.realmMask &^= 0xffff0000
				}
			}
		case builtins.Is(w, "from"):
			if err = need(); err != nil {
				break
			}
			var root, match *net.IPNet
			if root, match, err = prefixSelector(a, s, family); err == nil {
				f.fromRoot, f.fromMat = root, match
			}
		default:
			if builtins.Is(w, "to") {
				if err = need(); err != nil {
					break
				}
				w = s
			}
			var root, match *net.IPNet
			if root, match, err = prefixSelector(a, w, family); err == nil {
				if root != nil {
					f.root = root
				}
				if match != nil {
					f.match = match
				}
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if id != "" {
		l, err := linkByName(h, id)
		if err != nil {
			return nil, err
		}
		f.iif, f.iifOK = l.Attrs().Index, true
	}
	if od != "" {
		l, err := linkByName(h, od)
		if err != nil {
			return nil, err
		}
		f.dev, f.devOK = l.Attrs().Index, true
	}
	return f, nil
}

// prefixSelector reads "[root|match|exact] PREFIX" (w is the first
// word): root selects what lies inside, match what covers, exact both.
func prefixSelector(a *builtins.Args, w string, family int) (root, match *net.IPNet, err error) {
	mode := "exact"
	if m, ok := builtins.Match(w, "root", "match", "exact"); ok {
		mode = m
		if w, err = a.Need(mode); err != nil {
			return nil, nil, err
		}
	}
	p, err := parsePrefix(w, family)
	if err != nil {
		return nil, nil, err
	}
	switch mode {
	case "root":
		return p, nil, nil
	case "match":
		return nil, p, nil
	}
	return p, p, nil
}

// routeMsg is one RTM_NEWROUTE answer: its rtmsg, attributes and table.
type routeMsg struct {
	r     unix.RtMsg
	at    rattrs
	table int
	raw   []byte
}

// decodeRoute reads a route dump answer.
func decodeRoute(m []byte) routeMsg {
	rm := routeMsg{r: decodeRtMsg(m), at: parseRattrs(m[unix.SizeofRtMsg:]), raw: m}
	rm.table = int(rm.r.Table)
	if rm.at.has(unix.RTA_TABLE) {
		rm.table = int(rm.at.u32(unix.RTA_TABLE))
	}
	return rm
}

// prefixOf is the prefix of attribute t with length l (all zero without
// the attribute).
func (rm *routeMsg) prefixOf(t uint16, l uint8) *net.IPNet {
	bits := 32
	if rm.r.Family == afInet6 {
		bits = 128
	}
	ip := make(net.IP, bits/8)
	copy(ip, rm.at[t])
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(int(l), bits)}
}

// keep is filter_nlmsg for route rm.
func (f *routeFilter) keep(rm *routeMsg) bool {
	r, at := &rm.r, rm.at
	fam := int(r.Family)
	if f.cloned == (r.Flags&rtmCloned == 0) {
		return false
	}
	switch {
	case f.table != 0 && rm.table != f.table,
		(f.proto^int(r.Protocol))&f.protoOK != 0,
		f.scopeOK && (f.scope^int(r.Scope))&f.scopeMask != 0,
		f.typeOK && int(r.Type) != f.typ,
		f.tosOK && int(r.Tos) != f.tos,
		f.noLocalBrd && (r.Type == unix.RTN_LOCAL || r.Type == unix.RTN_BROADCAST):
		return false
	}
	inside := func(p *net.IPNet, t uint16, l uint8) bool { // root
		return builtins.IPFamily(p.IP) == fam && maskLen(p) <= int(l) && p.Contains(rm.prefixOf(t, l).IP)
	}
	covers := func(p *net.IPNet, t uint16, l uint8) bool { // match
		d := rm.prefixOf(t, l)
		return builtins.IPFamily(p.IP) == fam && maskLen(p) >= int(l) && d.Contains(p.IP)
	}
	if f.root != nil && !inside(f.root, unix.RTA_DST, r.Dst_len) || f.match != nil && !covers(f.match, unix.RTA_DST, r.Dst_len) ||
		f.fromRoot != nil && !inside(f.fromRoot, unix.RTA_SRC, r.Src_len) || f.fromMat != nil && !covers(f.fromMat, unix.RTA_SRC, r.Src_len) {
		return false
	}
	if f.via != nil {
		vfam, gw := fam, net.IP(at[unix.RTA_GATEWAY])
		if v := at[unix.RTA_VIA]; len(v) >= 2 {
			vfam, gw = int(binary.NativeEndian.Uint16(v)), net.IP(v[2:])
		}
		if !addrIn(vfam, gw, f.via) {
			return false
		}
	}
	if f.src != nil && !addrIn(fam, net.IP(at[unix.RTA_PREFSRC]), f.src) {
		return false
	}
	switch {
	case f.realmMask != 0 && (uint32(at.u32(unix.RTA_FLOW))^f.realm)&f.realmMask != 0,
		f.iifOK && int(at.u32(unix.RTA_IIF)) != f.iif,
		f.devOK && int(at.u32(unix.RTA_OIF)) != f.dev,
		f.markOK && at.u32(unix.RTA_MARK) != f.mark,
		f.metricOK && at.u32(unix.RTA_PRIORITY) != f.metric:
		return false
	}
	return true
}

// addrIn reports whether ip, an address of family (nil: all zero), lies
// in p of the same family.
func addrIn(family int, ip net.IP, p *net.IPNet) bool {
	if builtins.IPFamily(p.IP) != family {
		return false
	}
	if len(ip) == 0 {
		ip = net.IPv4zero.To4()
		if family == afInet6 {
			ip = net.IPv6zero
		}
	}
	return p.Contains(ip)
}

// routeSelector reads the selector of "ip route show|flush|save" and
// the family to dump: -4/-6, else IPv4 for one table (as
// iproute_list_flush_or_save does), else both.
func routeSelector(env *builtins.Env, g *Global, args []string) (*netlink.Handle, *routeFilter, int, error) {
	h, err := env.Handle(g.NS)
	if err != nil {
		return nil, nil, 0, err
	}
	family := g.Family
	if family != unix.AF_INET && family != unix.AF_INET6 {
		family = 0
	}
	f, err := parseRouteFilter(h, family, args)
	if err != nil {
		return nil, nil, 0, err
	}
	if family == 0 && f.table != 0 {
		family = unix.AF_INET
	}
	return h, f, family, nil
}

// routeDump dumps the routes of family (0: all) in g's namespace.
func routeDump(env *builtins.Env, g *Global, family int) ([][]byte, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETROUTE, unix.NLM_F_DUMP)
	req.AddData(&nl.RtMsg{RtMsg: unix.RtMsg{Family: uint8(family)}})
	msgs, err := rawExecute(env, g.NS, req, unix.RTM_NEWROUTE)
	if err != nil {
		return nil, fmt.Errorf("dumping routes: %w", err)
	}
	return msgs, nil
}

// routeShow is "ip route show SELECTOR" and, with flush, "ip route flush
// SELECTOR" (delete every route shown): one dump, filtered and printed
// as iproute_list_flush_or_save does.
func routeShow(env *builtins.Env, g *Global, args []string, flush bool) error {
	if flush && len(args) == 0 {
		return builtins.Fail(1, "\"ip route flush\" requires arguments.")
	}
	h, f, family, err := routeSelector(env, g, args)
	if err != nil {
		return err
	}
	if f.cloned {
		return routeCache(env, g, h, family, flush)
	}
	msgs, err := routeDump(env, g, family)
	if err != nil {
		return err
	}
	devName := devNamer(h)
	p := newPrinter(g)
	for _, m := range msgs {
		if len(m) < unix.SizeofRtMsg {
			continue
		}
		rm := decodeRoute(m)
		if !f.keep(&rm) {
			continue
		}
		if flush {
			del := nl.NewNetlinkRequest(unix.RTM_DELROUTE, unix.NLM_F_ACK)
			del.AddRawData(m)
			if _, err := rawExecute(env, g.NS, del, 0); err != nil && !errors.Is(err, unix.ESRCH) {
				return fmt.Errorf("%w: flushing route to %s", err, rm.prefixOf(unix.RTA_DST, rm.r.Dst_len))
			}
			continue
		}
		printRouteMsg(p, g, m, devName, f)
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
		printRouteMsg(p, g, m, names, nil)
	}
	if flush {
		return nil
	}
	return p.flush(env.Stdout)
}
