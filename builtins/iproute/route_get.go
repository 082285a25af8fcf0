package iproute

import (
	"encoding/binary"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// rtmLookupTable and rtmFibMatch are RTM_F_LOOKUP_TABLE and
// RTM_F_FIB_MATCH of linux/rtnetlink.h.
const (
	rtmLookupTable = 0x1000
	rtmFibMatch    = 0x2000
	rtmCloned      = 0x200
	rtaNhID        = 30
)

// ipProtos are the names inet_proto_a2n knows besides numbers (from
// /etc/protocols).
var ipProtos = map[string]int{
	"icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "ipv6-icmp": 58, "icmpv6": 58, "sctp": 132,
	"dccp": 33, "gre": 47, "esp": 50, "ah": 51, "udplite": 136,
}

// routeGet is "ip route get [fibmatch] ADDRESS [from ADDRESS] [iif DEV]
// [oif|dev DEV] [mark N] [tos T] [vrf NAME] [uid N] [ipproto P] [sport N]
// [dport N] [as [to] ADDRESS] [notify] [connected]": the RTM_GETROUTE
// request iproute_get sends, and its answer printed as print_route prints
// it.
func routeGet(env *builtins.Env, g *Global, args []string) error {
	rtm := unix.RtMsg{}
	if g.Family == afInet || g.Family == afInet6 {
		rtm.Family = uint8(g.Family)
	}
	var attrs []*nl.RtAttr
	var idev, odev string
	var mark uint64
	connected, fromOK, found := false, false, false
	// prefix reads an address for "from" or the destination as
	// get_prefix does; its family becomes the request's if none is set.
	prefix := func(w string) (ip net.IP, bits int, err error) {
		if w == "default" || w == "any" || w == "all" {
			return nil, 0, nil
		}
		p, err := parsePrefix(w, int(rtm.Family))
		if err != nil {
			return nil, 0, err
		}
		if rtm.Family == 0 {
			rtm.Family = afInet
			if builtins.IPFamily(p.IP) == afInet6 {
				rtm.Family = afInet6
			}
		}
		l, _ := p.Mask.Size()
		return p.IP, l, nil
	}
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		var err error
		switch {
		case w == "tos" || builtins.Is(w, "dsfield"):
			var n uint64
			n, err = needUint(a, "TOS", 8)
			rtm.Tos = uint8(n)
		case builtins.Is(w, "from"):
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			fromOK = true
			var ip net.IP
			var l int
			if ip, l, err = prefix(s); err == nil {
				if ip != nil {
					attrs = append(attrs, nl.NewRtAttr(unix.RTA_SRC, ip))
				}
				rtm.Src_len = uint8(l)
			}
		case builtins.Is(w, "iif"):
			idev, err = a.Need(w)
		case builtins.Is(w, "mark"):
			var s string
			if s, err = a.Need(w); err == nil {
				if mark, err = strconv.ParseUint(s, 0, 32); err != nil {
					err = invarg("invalid mark value", s)
				}
			}
		case builtins.Is(w, "oif") || w == "dev":
			odev, err = a.Need(w)
		case builtins.Is(w, "notify"):
			rtm.Flags |= unix.RTM_F_NOTIFY
		case builtins.Is(w, "connected"):
			connected = true
		case builtins.Is(w, "vrf"):
			if odev, err = a.Need(w); err == nil {
				if h, herr := env.Handle(g.NS); herr != nil {
					err = herr
				} else if _, table := vrfTable(h, odev); table == 0 {
					err = invarg("Invalid VRF\n", odev)
				}
			}
		case builtins.Is(w, "uid"):
			var n uint64
			n, err = needUint(a, "UID", 32)
			attrs = append(attrs, u32Attr(unix.RTA_UID, n))
		case builtins.Is(w, "fibmatch"):
			rtm.Flags |= rtmFibMatch
		case w == "as":
			var s string
			if s, err = a.Need(w); err == nil && s == "to" {
				s, err = a.Need(s)
			}
			if err == nil {
				var ip net.IP
				if ip, _, err = prefix(s); err == nil && ip != nil {
					attrs = append(attrs, nl.NewRtAttr(unix.RTA_NEWDST, ip))
				}
			}
		case builtins.Is(w, "sport") || builtins.Is(w, "dport"):
			var n uint64
			n, err = needUint(a, w, 16)
			t := unix.RTA_SPORT
			if builtins.Is(w, "dport") {
				t = unix.RTA_DPORT
			}
			attrs = append(attrs, nl.NewRtAttr(t, binary.BigEndian.AppendUint16(nil, uint16(n))))
		case builtins.Is(w, "ipproto"):
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			n, ok := ipProtos[s]
			if !ok {
				v, perr := strconv.ParseUint(s, 0, 8)
				if perr != nil {
					err = invarg(`Invalid "ipproto" value`, s)
					break
				}
				n = int(v)
			}
			attrs = append(attrs, u8Attr(unix.RTA_IP_PROTO, uint64(n)))
		default:
			if w == "to" {
				if w, err = a.Need(w); err != nil {
					break
				}
			}
			var ip net.IP
			var l int
			if ip, l, err = prefix(w); err != nil {
				break
			}
			if ip != nil {
				attrs = append(attrs, nl.NewRtAttr(unix.RTA_DST, ip))
			}
			switch {
			case rtm.Family == afInet && l != 32:
				fmt.Fprintf(env.Stderr, "Warning: /%d as prefix is invalid, only /32 (or none) is supported.\n", l)
				l = 32
			case rtm.Family == afInet6 && l != 128:
				fmt.Fprintf(env.Stderr, "Warning: /%d as prefix is invalid, only /128 (or none) is supported.\n", l)
				l = 128
			}
			rtm.Dst_len = uint8(l)
			found = true
		}
		if err != nil {
			return err
		}
	}
	if !found {
		return fmt.Errorf("need at least a destination address")
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	for _, d := range []struct {
		name string
		t    int
	}{{idev, unix.RTA_IIF}, {odev, unix.RTA_OIF}} {
		if d.name == "" {
			continue
		}
		l, err := linkByName(h, d.name)
		if err != nil {
			return err
		}
		attrs = append(attrs, u32Attr(d.t, uint64(l.Attrs().Index)))
	}
	if mark != 0 {
		attrs = append(attrs, u32Attr(unix.RTA_MARK, mark))
	}
	if rtm.Family == 0 {
		rtm.Family = afInet
	}
	if rtm.Family == afInet {
		rtm.Flags |= rtmLookupTable
	}
	ask := func(rtm unix.RtMsg, attrs []*nl.RtAttr) ([]byte, error) {
		req := nl.NewNetlinkRequest(unix.RTM_GETROUTE, 0)
		req.AddData(&nl.RtMsg{RtMsg: rtm})
		for _, at := range attrs {
			req.AddData(at)
		}
		msgs, err := rawExecute(env, g.NS, req, unix.RTM_NEWROUTE)
		if err != nil {
			return nil, err
		}
		if len(msgs) == 0 || len(msgs[0]) < unix.SizeofRtMsg {
			return nil, fmt.Errorf("no answer from the kernel")
		}
		return msgs[0], nil
	}
	ans, err := ask(rtm, attrs)
	if err != nil {
		return builtins.Rtnl(fmt.Errorf("%w: ip route get %s", err, strings.Join(args, " ")))
	}
	p := newPrinter(g)
	names := devNamer(h)
	if connected && !fromOK {
		printRouteMsg(p, g, ans, names, nil)
		// iproute2 6.1 checks that the answer has a source, then
		// sends its first request again (the rewritten answer it
		// prepares is not what it sends).
		at := parseRattrs(ans[unix.SizeofRtMsg:])
		if !at.has(unix.RTA_PREFSRC) && !at.has(unix.RTA_SRC) {
			return fmt.Errorf("Failed to connect the route")
		}
		if ans, err = ask(rtm, attrs); err != nil {
			return builtins.Rtnl(fmt.Errorf("%w: ip route get %s", err, strings.Join(args, " ")))
		}
	}
	printRouteMsg(p, g, ans, names, nil)
	return p.flush(env.Stdout)
}

// decodeRtMsg reads the struct rtmsg at the start of b.
func decodeRtMsg(b []byte) unix.RtMsg {
	return unix.RtMsg{
		Family: b[0], Dst_len: b[1], Src_len: b[2], Tos: b[3], Table: b[4],
		Protocol: b[5], Scope: b[6], Type: b[7], Flags: binary.LittleEndian.Uint32(b[8:12]),
	}
}

// mxNames are iproute2's names of the RTAX_* route metrics.
var mxNames = map[int]string{
	unix.RTAX_MTU: "mtu", unix.RTAX_WINDOW: "window", unix.RTAX_RTT: "rtt",
	unix.RTAX_RTTVAR: "rttvar", unix.RTAX_SSTHRESH: "ssthresh", unix.RTAX_CWND: "cwnd",
	unix.RTAX_ADVMSS: "advmss", unix.RTAX_REORDERING: "reordering", unix.RTAX_HOPLIMIT: "hoplimit",
	unix.RTAX_INITCWND: "initcwnd", unix.RTAX_FEATURES: "features", unix.RTAX_RTO_MIN: "rto_min",
	unix.RTAX_INITRWND: "initrwnd", unix.RTAX_QUICKACK: "quickack", unix.RTAX_CC_ALGO: "congctl",
	unix.RTAX_FASTOPEN_NO_COOKIE: "fastopen_no_cookie",
}

// cacheFlagNames are print_cache_flags' words for the RTCF_* bits.
var cacheFlagNames = []struct {
	bit  uint32
	name string
}{
	// linux/in_route.h: RTCF_LOCAL, REJECT, MULTICAST, BROADCAST, DNAT,
	// SNAT, MASQ, DIRECTDST, DIRECTSRC, REDIRECTED, DOREDIRECT, FAST,
	// NOTIFY, TPROXY.
	{0x80000000, "local"}, {0x40000000, "reject"}, {0x20000000, "mc"}, {0x10000000, "brd"},
	{0x08000000, "dst-nat"}, {0x00800000, "src-nat"}, {0x00400000, "masq"}, {0x00020000, "dst-direct"},
	{0x04000000, "src-direct"}, {0x00040000, "redirected"}, {0x01000000, "redirect"},
	{0x00200000, "fastroute"}, {0x00010000, "notify"}, {0x00080000, "proxy"},
}

// printRouteMsg prints one RTM_NEWROUTE message (rtmsg and attributes)
// as print_route does: a field the filter f pins (dev, table, protocol,
// scope, tos, metric, realms, an exact gateway or source) is left out;
// nil is the empty filter, as for the answer of "ip route get".
func printRouteMsg(p *printer, g *Global, msg []byte, devName func(int) string, f *routeFilter) {
	if f == nil {
		f = &routeFilter{}
	}
	r := decodeRtMsg(msg)
	at := parseRattrs(msg[unix.SizeofRtMsg:])
	fam := int(r.Family)
	hostLen := 32
	if fam == afInet6 {
		hostLen = 128
	}
	addr := func(t uint16) string { return builtins.FormatIP(net.IP(at[t])) }
	// prefix is ADDR, or ADDR/LEN when LEN is not the host length.
	prefix := func(t uint16, l uint8) string {
		if int(l) == hostLen {
			return addr(t)
		}
		return fmt.Sprintf("%s/%d", addr(t), l)
	}
	details := g.Details > 0
	p.openObject("")
	if r.Type != unix.RTN_UNICAST || details {
		p.any("type", "%s ", routeTypes.name(int(r.Type)))
	}
	switch {
	case at.has(unix.RTA_DST):
		p.colorAny(familyColor(fam), "dst", "%s ", prefix(unix.RTA_DST, r.Dst_len))
	case r.Dst_len != 0:
		p.any("dst", "%s ", fmt.Sprintf("0/%d ", r.Dst_len))
	default:
		p.any("dst", "%s ", "default")
	}
	switch {
	case at.has(unix.RTA_SRC):
		p.colorAny(familyColor(fam), "from", "from %s ", prefix(unix.RTA_SRC, r.Src_len))
	case r.Src_len != 0:
		p.any("src", "from %s ", fmt.Sprintf("0/%d", r.Src_len))
	}
	if at.has(rtaNhID) {
		p.any("nhid", "nhid %d ", at.u32(rtaNhID))
	}
	if at.has(unix.RTA_NEWDST) {
		p.fp("as to ")
		p.colorAny(familyColor(fam), "to", "%s ", newDstString(fam, at[unix.RTA_NEWDST]))
	}
	if at.has(unix.RTA_ENCAP) {
		printEncap(p, at[unix.RTA_ENCAP_TYPE], at[unix.RTA_ENCAP], devName)
	}
	if r.Tos != 0 && !f.tosOK {
		p.any("tos", "tos %s ", dsfieldName(int(r.Tos)))
	}
	if at.has(unix.RTA_GATEWAY) && (f.via == nil || maskLen(f.via) != hostLen) {
		p.fp("via ")
		p.colorAny(familyColor(fam), "gateway", "%s ", addr(unix.RTA_GATEWAY))
	}
	if v := at[unix.RTA_VIA]; len(v) >= 2 {
		printVia(p, v)
	}
	if at.has(unix.RTA_OIF) && !f.devOK {
		p.fp("dev ")
		p.colorAny(colorIfname, "dev", "%s ", devName(int(at.u32(unix.RTA_OIF))))
	}
	table := int(r.Table)
	if at.has(unix.RTA_TABLE) {
		table = int(at.u32(unix.RTA_TABLE))
	}
	if table != 0 && (table != unix.RT_TABLE_MAIN || details) && f.table == 0 {
		p.any("table", "table %s ", tables.nameOf(table))
	}
	if r.Flags&rtmCloned == 0 {
		if (int(r.Protocol) != unix.RTPROT_BOOT || details) && f.protoOK == 0 {
			p.any("protocol", "proto %s ", protocols.name(int(r.Protocol)))
		}
		if (r.Scope != unix.RT_SCOPE_UNIVERSE || details) && f.scopeMask == 0 {
			p.any("scope", "scope %s ", scopes.name(int(r.Scope)))
		}
	}
	if at.has(unix.RTA_PREFSRC) && (f.src == nil || maskLen(f.src) != hostLen) {
		p.fp("src ")
		p.colorAny(familyColor(fam), "prefsrc", "%s ", addr(unix.RTA_PREFSRC))
	}
	if at.has(unix.RTA_PRIORITY) && !f.metricOK {
		p.any("metric", "metric %d ", at.u32(unix.RTA_PRIORITY))
	}
	printRouteFlags(p, int(r.Flags))
	if m := at.u32(unix.RTA_MARK); m != 0 {
		if p.json {
			p.js("mark", m)
		} else if m >= 16 {
			p.fp("mark 0x%x ", m)
		} else {
			p.fp("mark %d ", m)
		}
	}
	if at.has(unix.RTA_FLOW) && f.realmMask != ^uint32(0) {
		printFlow(p, uint32(at.u32(unix.RTA_FLOW)))
	}
	if at.has(unix.RTA_UID) {
		p.any("uid", "uid %d ", at.u32(unix.RTA_UID))
	}
	if fam == afInet && r.Flags&rtmCloned != 0 {
		printCacheFlags(p, r.Flags)
	}
	if ci, ok := at[unix.RTA_CACHEINFO]; ok && (fam == afInet || fam == afInet6) {
		printCacheInfo(p, g, ci)
	}
	if mx, ok := at[unix.RTA_METRICS]; ok {
		printMetrics(p, parseRattrs(mx))
	}
	if at.has(unix.RTA_IIF) && !f.iifOK {
		p.fp("iif ")
		p.colorAny(colorIfname, "iif", "%s ", devName(int(at.u32(unix.RTA_IIF))))
	}
	if at.has(unix.RTA_PREF) {
		switch v := at.u8(unix.RTA_PREF); v {
		case 3: // ICMPV6_ROUTER_PREF_LOW
			p.any("pref", "pref %s", "low")
		case 0:
			p.any("pref", "pref %s", "medium")
		case 1:
			p.any("pref", "pref %s", "high")
		default:
			p.any("pref", "%d", v)
		}
	}
	if at.has(unix.RTA_TTL_PROPAGATE) {
		on := at.u8(unix.RTA_TTL_PROPAGATE) != 0
		if p.json {
			p.js("ttl-propogate", on)
		} else if on {
			p.fp("ttl-propogate enabled")
		} else {
			p.fp("ttl-propogate disabled")
		}
	}
	if mp, ok := at[unix.RTA_MULTIPATH]; ok {
		printMultipath(p, r, mp, devName)
	}
	p.fp("\n")
	p.close("")
}

// printVia is print_rta_via: a gateway of another family (struct rtvia).
func printVia(p *printer, v []byte) {
	vf := int(binary.NativeEndian.Uint16(v))
	p.fp("via %s ", familyName(vf))
	p.colorFp(familyColor(vf), "%s ", builtins.FormatIP(net.IP(v[2:])))
	p.openObject("via")
	p.js("family", familyName(vf))
	p.js("host", builtins.FormatIP(net.IP(v[2:])))
	p.close("")
}

// printFlow is print_rta_flow: the realms of RTA_FLOW.
func printFlow(p *printer, to uint32) {
	from := to >> 16
	to &= 0xffff
	if p.json {
		p.openObject("flow")
		if from != 0 {
			p.js("from", realmName(int(from)))
		}
		p.js("to", realmName(int(to)))
		p.close("")
	} else if from != 0 {
		p.fp("realms %s/%s ", realmName(int(from)), realmName(int(to)))
	} else {
		p.fp("realm %s ", realmName(int(to)))
	}
}

// newDstString is print_rta_newdst's address: MPLS labels or an IP
// address.
func newDstString(family int, b []byte) string {
	if family == unix.AF_MPLS {
		return formatMPLS(b)
	}
	return builtins.FormatIP(net.IP(b))
}

// printMultipath is print_rta_multipath: the struct rtnexthop entries of
// RTA_MULTIPATH, each with its attributes.
func printMultipath(p *printer, r unix.RtMsg, b []byte, devName func(int) string) {
	mcast := r.Flags&rtmCloned != 0 && r.Type == unix.RTN_MULTICAST
	p.openArray("nexthops", "")
	first := true
	for len(b) >= unix.SizeofRtNexthop {
		l := int(binary.LittleEndian.Uint16(b[0:2]))
		if l < unix.SizeofRtNexthop || l > len(b) {
			break
		}
		flags, hops := b[2], b[3]
		ifindex := int(int32(binary.LittleEndian.Uint32(b[4:8])))
		p.openObject("")
		if mcast {
			if first {
				p.fp("Oifs: ")
				first = false
			} else {
				p.fp(" ")
			}
		} else {
			p.fp("%s\tnexthop ", p.sl)
		}
		at := parseRattrs(b[unix.SizeofRtNexthop:l])
		fam := int(r.Family)
		if at.has(unix.RTA_ENCAP) {
			printEncap(p, at[unix.RTA_ENCAP_TYPE], at[unix.RTA_ENCAP], devName)
		}
		if at.has(unix.RTA_NEWDST) {
			p.fp("as to ")
			p.colorAny(familyColor(fam), "to", "%s ", newDstString(fam, at[unix.RTA_NEWDST]))
		}
		if gw, ok := at[unix.RTA_GATEWAY]; ok {
			p.fp("via ")
			p.colorAny(familyColor(fam), "gateway", "%s ", builtins.FormatIP(net.IP(gw)))
		}
		if v := at[unix.RTA_VIA]; len(v) >= 2 {
			printVia(p, v)
		}
		if at.has(unix.RTA_FLOW) {
			printFlow(p, uint32(at.u32(unix.RTA_FLOW)))
		}
		if mcast {
			p.any("dev", "%s", devName(ifindex))
			if hops != 1 {
				p.any("ttl", "(ttl>%d)", hops)
			}
			p.fp(" ")
		} else {
			p.any("dev", "dev %s ", devName(ifindex))
			p.any("weight", "weight %d ", int(hops)+1)
		}
		printRouteFlags(p, int(flags))
		p.close("")
		if n := (l + unix.RTA_ALIGNTO - 1) &^ (unix.RTA_ALIGNTO - 1); n < len(b) {
			b = b[n:]
		} else {
			break
		}
	}
	p.close("")
}

// printCacheFlags is print_cache_flags: the RTCF_* bits of an IPv4
// answer's rtm_flags.
func printCacheFlags(p *printer, flags uint32) {
	flags &^= 0xFFFF
	p.fp("%s    cache ", p.sl)
	p.openArray("cache", "")
	if flags != 0 {
		p.fp("<")
		for _, f := range cacheFlagNames {
			if flags&f.bit == 0 {
				continue
			}
			flags &^= f.bit
			if p.json {
				p.member("", f.name)
			} else if flags != 0 {
				p.fp("%s,", f.name)
			} else {
				p.fp("%s> ", f.name)
			}
		}
		if flags != 0 {
			p.any("flags", "%x>", fmt.Sprintf("%x", flags))
		}
	}
	p.close("")
}

// printCacheInfo is print_rta_cacheinfo over struct rta_cacheinfo, with
// times in USER_HZ (100 a second).
func printCacheInfo(p *printer, g *Global, b []byte) {
	if len(b) < 32 {
		return
	}
	u := func(i int) uint32 { return binary.LittleEndian.Uint32(b[4*i:]) }
	const hz = 100
	clntref, lastuse, expires, errno, used, id, ts, tsage := u(0), u(1), int32(u(2)), u(3), u(4), u(5), u(6), u(7)
	if expires != 0 {
		p.any("expires", "expires %dsec ", expires/hz)
	}
	if errno != 0 {
		p.any("error", "error %d ", errno)
	}
	if g.Stats > 0 {
		if clntref != 0 {
			p.any("users", "users %d ", clntref)
		}
		if used != 0 {
			p.any("used", "used %d ", used)
		}
		if lastuse != 0 {
			p.any("age", "age %dsec ", lastuse/hz)
		}
	}
	if id != 0 {
		if p.json {
			p.js("ipid", fmt.Sprintf("%#x", id))
		} else {
			p.fp("ipid 0x%04x ", id)
		}
	}
	if ts != 0 || tsage != 0 {
		if p.json {
			p.js("ts", fmt.Sprintf("%#x", ts))
		} else {
			p.fp("ts 0x%x", ts)
		}
		p.any("tsage", "tsage %dsec ", tsage)
	}
}

// printMetrics is print_rta_metrics over the RTAX_* attributes.
func printMetrics(p *printer, mx rattrs) {
	p.openArray("metrics", "")
	p.openObject("")
	lock := mx.u32(unix.RTAX_LOCK)
	for i := 2; i <= unix.RTAX_FASTOPEN_NO_COOKIE; i++ {
		if !mx.has(uint16(i)) && lock&(1<<i) == 0 {
			continue
		}
		var v uint32
		if mx.has(uint16(i)) && i != unix.RTAX_CC_ALGO {
			v = uint32(mx.u32(uint16(i)))
		}
		if i == unix.RTAX_HOPLIMIT && int32(v) == -1 {
			continue
		}
		name := mxNames[i]
		if name == "" {
			p.fp("metric %d ", i)
		} else {
			p.fp("%s ", name)
		}
		if lock&(1<<i) != 0 {
			p.fp("lock ")
		}
		switch i {
		case unix.RTAX_FEATURES:
			if v&unix.RTAX_FEATURE_ECN != 0 {
				p.any("", "%s ", "ecn")
				v &^= unix.RTAX_FEATURE_ECN
			}
			if v != 0 {
				p.any("features", "0x%x ", v)
			}
		case unix.RTAX_RTT, unix.RTAX_RTTVAR, unix.RTAX_RTO_MIN:
			if i == unix.RTAX_RTT {
				v /= 8
			} else if i == unix.RTAX_RTTVAR {
				v /= 4
			}
			if p.json {
				p.js(name, v)
			} else if v >= 1000 {
				p.fp("%gs ", float64(v)/1e3)
			} else {
				p.fp("%dms ", v)
			}
		case unix.RTAX_CC_ALGO:
			p.any("congestion", "%s ", mx.str(uint16(i)))
		default:
			p.any(name, "%d ", v)
		}
	}
	p.close("")
	p.close("")
}
