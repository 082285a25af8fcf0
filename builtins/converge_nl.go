package builtins

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/ns"
)

// attrMap is a message's attributes by type (flags cleared).
type attrMap = rtnl.Attrs

// parseAttrs reads the attributes of b (those before a malformed one).
func parseAttrs(b []byte) attrMap {
	m, _ := rtnl.ParseAttrs(b)
	return m
}

// u32 reads a 32-bit attribute (0 when short).
func u32(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return binary.NativeEndian.Uint32(b)
}

// netlinkIntent is the Intent of a raw change request sent in namespace
// r, or false when Ensure and Plan have no check for it (the request is
// sent; under Ensure, the kernel's "exists" or "not found" answer is
// taken as the change being already made).
func (e *Env) netlinkIntent(r ns.Ref, req *nl.NetlinkRequest) (Intent, bool) {
	b := req.Serialize()
	if len(b) < unix.NLMSG_HDRLEN {
		return Intent{}, false
	}
	body := b[unix.NLMSG_HDRLEN:]
	it := Intent{NS: r}
	switch req.Type {
	case unix.RTM_NEWROUTE, unix.RTM_DELROUTE:
		if len(body) < unix.SizeofRtMsg {
			return it, false
		}
		it.Object = "route " + describeRoute(body)
		it.Have = func() (bool, string, error) { return e.haveRoute(r, req.Type, req.Flags, body) }
		it.Effect = func(o Overlay) { o.addRaw(NSName(r), "route", req.Type, req.Flags, body) }
	case unix.RTM_NEWRULE, unix.RTM_DELRULE:
		if len(body) < unix.SizeofRtMsg {
			return it, false
		}
		it.Object = "rule " + describeRule(body)
		it.Have = func() (bool, string, error) { return e.haveRule(r, req.Type, body) }
		it.Effect = func(o Overlay) { o.addRaw(NSName(r), "rule", req.Type, req.Flags, body) }
	case unix.RTM_NEWNEIGH, unix.RTM_DELNEIGH:
		if len(body) < unix.SizeofNdMsg {
			return it, false
		}
		it.Object = describeNeigh(body, func(i int32) string { return e.devName(r, i) })
		it.Have = func() (bool, string, error) { return e.haveNeigh(r, req.Type, req.Flags, body) }
		it.Effect = func(o Overlay) { o.addRaw(NSName(r), "neigh", req.Type, req.Flags, body) }
	case unix.RTM_NEWLINK, unix.RTM_SETLINK:
		if req.Flags&unix.NLM_F_CREATE != 0 || len(body) < unix.SizeofIfInfomsg {
			return it, false
		}
		idx := int32(binary.NativeEndian.Uint32(body[4:]))
		it.Action, it.Object = ActChange, fmt.Sprintf("link #%d", idx)
		if l, err := e.linkNameByIndex(r, idx); err == nil {
			it.Object = "link " + l
		}
		it.Have = func() (bool, string, error) { return e.haveLinkSettings(r, req.Type, body) }
		return it, true
	default:
		return it, false
	}
	switch {
	case req.Type == unix.RTM_DELROUTE || req.Type == unix.RTM_DELRULE || req.Type == unix.RTM_DELNEIGH:
		it.Action = ActDelete
	case req.Flags&unix.NLM_F_REPLACE != 0 && req.Flags&unix.NLM_F_EXCL == 0:
		it.Action = ActChange
	default:
		it.Action = ActCreate
	}
	return it, true
}

// devName is the name of link idx in namespace r, or "#idx".
func (e *Env) devName(r ns.Ref, idx int32) string {
	if n, err := e.linkNameByIndex(r, idx); err == nil {
		return n
	}
	return fmt.Sprintf("#%d", idx)
}

// linkNameByIndex is the name of link idx in namespace r.
func (e *Env) linkNameByIndex(r ns.Ref, idx int32) (string, error) {
	h, err := e.Handle(r)
	if err != nil {
		return "", err
	}
	l, err := h.LinkByIndex(int(idx))
	if err != nil {
		return "", err
	}
	return l.Attrs().Name, nil
}

// dump sends a dump request of type typ (with header hdr) in namespace r
// and returns the answers' bodies.
func (e *Env) dump(r ns.Ref, typ uint16, hdr []byte, resType uint16) ([][]byte, error) {
	c, err := e.Conn(r)
	if err != nil {
		return nil, err
	}
	req := nl.NewNetlinkRequest(int(typ), unix.NLM_F_DUMP)
	req.AddRawData(hdr)
	return rtnl.Retry(func() ([][]byte, error) { return c.Execute(req, resType) })
}

// ipString formats an address attribute.
func ipString(b []byte) string {
	if len(b) == 4 || len(b) == 16 {
		return net.IP(b).String()
	}
	return fmt.Sprintf("%x", b)
}

// describeRoute names a route request for a plan: destination and table.
func describeRoute(body []byte) string {
	a := parseAttrs(body[unix.SizeofRtMsg:])
	dst := "default"
	if d, ok := a[unix.RTA_DST]; ok {
		dst = fmt.Sprintf("%s/%d", ipString(d), body[1])
	}
	s := dst
	if t := routeTable(body, a); t != unix.RT_TABLE_MAIN {
		s += fmt.Sprintf(" table %d", t)
	}
	if p, ok := a[unix.RTA_PRIORITY]; ok {
		s += fmt.Sprintf(" metric %d", u32(p))
	}
	return s
}

// routeTable is the table of a route message.
func routeTable(body []byte, a attrMap) uint32 {
	if t, ok := a[unix.RTA_TABLE]; ok {
		return u32(t)
	}
	return uint32(body[4])
}

// routePriority is a route's metric, the kernel's default when absent.
func routePriority(body []byte, a attrMap) uint32 {
	if p, ok := a[unix.RTA_PRIORITY]; ok {
		return u32(p)
	}
	if body[0] == unix.AF_INET6 {
		return 1024
	}
	return 0
}

// nexthops reads RTA_MULTIPATH as "ifindex/hops/gateway" words.
func nexthops(b []byte) []string {
	var out []string
	for len(b) >= unix.SizeofRtNexthop {
		l := int(binary.NativeEndian.Uint16(b))
		if l < unix.SizeofRtNexthop || l > len(b) {
			break
		}
		a := parseAttrs(b[unix.SizeofRtNexthop:l])
		out = append(out, fmt.Sprintf("%d/%d/%x/%x", int32(binary.NativeEndian.Uint32(b[4:])), b[3], a[unix.RTA_GATEWAY], a[unix.RTA_VIA]))
		al := (l + unix.RTA_ALIGNTO - 1) &^ (unix.RTA_ALIGNTO - 1)
		if al > len(b) {
			break
		}
		b = b[al:]
	}
	return out
}

// haveRoute answers Intent.Have for a route request: whether a route of
// the same key (table, destination, tos, metric, and for IPv6 source)
// exists, and whether it is the route asked for.
func (e *Env) haveRoute(r ns.Ref, typ, flags uint16, body []byte) (bool, string, error) {
	msgs, err := e.dump(r, unix.RTM_GETROUTE, body[:1], unix.RTM_NEWROUTE)
	if err != nil {
		return false, "", err
	}
	_, have, differs := matchRoute(e.planView(r, "route", msgs), typ, flags, body, func(i int32) string { return e.devName(r, i) })
	return have, differs, nil
}

// matchRoute finds in msgs the route a route request is about: its
// index (-1: none), whether it is as asked (a delete: whether there is
// none), and how it differs.
func matchRoute(msgs [][]byte, typ, flags uint16, body []byte, dev func(int32) string) (int, bool, string) {
	ra := parseAttrs(body[unix.SizeofRtMsg:])
	for i, m := range msgs {
		if len(m) < unix.SizeofRtMsg {
			continue
		}
		ma := parseAttrs(m[unix.SizeofRtMsg:])
		if m[0] != body[0] || m[1] != body[1] || m[3] != body[3] || routeTable(m, ma) != routeTable(body, ra) ||
			!bytes.Equal(ma[unix.RTA_DST], ra[unix.RTA_DST]) {
			continue
		}
		if body[0] == unix.AF_INET6 && (m[2] != body[2] || !bytes.Equal(ma[unix.RTA_SRC], ra[unix.RTA_SRC])) {
			continue
		}
		if typ == unix.RTM_DELROUTE {
			// The kernel deletes the first route matching what the
			// request names.
			if _, ok := ra[unix.RTA_PRIORITY]; ok && routePriority(m, ma) != routePriority(body, ra) {
				continue
			}
			if d := routeDiffers(m, ma, body, ra, true); d != "" {
				continue
			}
			return i, false, "" // there: to be deleted
		}
		if routePriority(m, ma) != routePriority(body, ra) {
			continue
		}
		if d := routeDiffers(m, ma, body, ra, false); d != "" {
			if strings.HasPrefix(d, "dev #") {
				d = fmt.Sprintf("dev %s, not %s", dev(int32(u32(ma[unix.RTA_OIF]))), dev(int32(u32(ra[unix.RTA_OIF]))))
			}
			if flags&unix.NLM_F_REPLACE != 0 || flags&unix.NLM_F_APPEND != 0 {
				return i, false, "" // replaced (or appended to): a change
			}
			return i, false, d
		}
		return i, true, ""
	}
	return -1, typ == unix.RTM_DELROUTE, ""
}

// routeDiffers says how route m differs from request req ("" if it does
// not); with subset, only in what the request names.
func routeDiffers(m []byte, ma attrMap, req []byte, ra attrMap, subset bool) string {
	if req[7] != m[7] && (!subset || req[7] != unix.RTN_UNSPEC) {
		return fmt.Sprintf("type %d, not %d", m[7], req[7])
	}
	if !subset && req[5] != m[5] {
		return fmt.Sprintf("proto %d, not %d", m[5], req[5])
	}
	for _, t := range []uint16{unix.RTA_GATEWAY, unix.RTA_OIF, unix.RTA_PREFSRC, unix.RTA_VIA, unix.RTA_ENCAP, rtaNHID} {
		want, ok := ra[t]
		if !ok && (subset || t != unix.RTA_GATEWAY && t != unix.RTA_VIA) {
			continue // the kernel fills in the device and source
		}
		if !bytes.Equal(ma[t], want) {
			switch t {
			case unix.RTA_GATEWAY:
				return fmt.Sprintf("via %s, not %s", ipString(ma[t]), ipString(want))
			case unix.RTA_OIF:
				return fmt.Sprintf("dev #%d, not #%d", u32(ma[t]), u32(want))
			}
			return fmt.Sprintf("attribute %d differs", t)
		}
	}
	if mp, ok := ra[unix.RTA_MULTIPATH]; ok || !subset {
		if strings.Join(nexthops(ma[unix.RTA_MULTIPATH]), " ") != strings.Join(nexthops(mp), " ") {
			return "its nexthops differ"
		}
	}
	if req[11]&unix.RTNH_F_ONLINK != 0 && m[11]&unix.RTNH_F_ONLINK == 0 {
		return "not onlink"
	}
	return ""
}

// describeRule names a rule request for a plan.
func describeRule(body []byte) string {
	a := parseAttrs(body[unix.SizeofRtMsg:])
	var s []string
	if p, ok := a[unix.FRA_PRIORITY]; ok {
		s = append(s, fmt.Sprintf("pref %d", u32(p)))
	}
	if v, ok := a[unix.FRA_SRC]; ok {
		s = append(s, fmt.Sprintf("from %s/%d", ipString(v), body[2]))
	}
	if v, ok := a[unix.FRA_DST]; ok {
		s = append(s, fmt.Sprintf("to %s/%d", ipString(v), body[1]))
	}
	if t := ruleTable(body, a); t != 0 {
		s = append(s, fmt.Sprintf("table %d", t))
	}
	if len(s) == 0 {
		return "(all)"
	}
	return strings.Join(s, " ")
}

// ruleTable is a rule's table.
func ruleTable(body []byte, a attrMap) uint32 {
	if t, ok := a[unix.FRA_TABLE]; ok {
		return u32(t)
	}
	return uint32(body[4])
}

// ruleDefaults are the values the kernel reports for a rule attribute
// the request left out.
var ruleDefaults = map[uint16][]byte{
	unix.FRA_SUPPRESS_PREFIXLEN: {0xff, 0xff, 0xff, 0xff},
	unix.FRA_SUPPRESS_IFGROUP:   {0xff, 0xff, 0xff, 0xff},
}

// ruleSame reports whether rule m is what request req asks for; with
// subset, in what the request names.
func ruleSame(m []byte, ma attrMap, req []byte, ra attrMap, subset bool) bool {
	for i := range 4 { // family, dst_len, src_len, tos
		if m[i] != req[i] && (!subset || req[i] != 0 || i == 0) {
			return false
		}
	}
	if m[7] != req[7] && (!subset || req[7] != 0) { // action
		return false
	}
	if m[8]&2 != req[8]&2 { // FIB_RULE_INVERT
		return false
	}
	if rt, mt := ruleTable(req, ra), ruleTable(m, ma); rt != mt && (!subset || rt != 0) {
		return false
	}
	seen := map[uint16]bool{unix.FRA_TABLE: true, unix.FRA_PROTOCOL: true, unix.FRA_PRIORITY: true}
	if p, ok := ra[unix.FRA_PRIORITY]; ok && !bytes.Equal(p, ma[unix.FRA_PRIORITY]) {
		return false
	}
	if p, ok := ra[unix.FRA_PROTOCOL]; ok && !bytes.Equal(p, ma[unix.FRA_PROTOCOL]) {
		return false
	}
	value := func(a attrMap, t uint16) []byte {
		v, ok := a[t]
		if !ok {
			v = ruleDefaults[t]
		}
		if t == unix.FRA_IIFNAME || t == unix.FRA_OIFNAME {
			v = bytes.TrimRight(v, "\x00")
		}
		if t == unix.FRA_FWMASK && !ok && a[unix.FRA_FWMARK] != nil {
			v = []byte{0xff, 0xff, 0xff, 0xff}
		}
		return v
	}
	for t := range ra {
		if !seen[t] && !bytes.Equal(value(ra, t), value(ma, t)) {
			return false
		}
		seen[t] = true
	}
	if subset {
		return true
	}
	for t := range ma {
		if !seen[t] && !bytes.Equal(value(ra, t), value(ma, t)) {
			return false
		}
	}
	return true
}

// haveRule answers Intent.Have for a rule request: an identical rule (for
// a delete, a rule matching what it names) exists.
func (e *Env) haveRule(r ns.Ref, typ uint16, body []byte) (bool, string, error) {
	msgs, err := e.dump(r, unix.RTM_GETRULE, body[:1], unix.RTM_NEWRULE)
	if err != nil {
		return false, "", err
	}
	_, have, _ := matchRule(e.planView(r, "rule", msgs), typ, 0, body, nil)
	return have, "", nil
}

// matchRule finds in msgs the rule a rule request is about (matchRoute).
func matchRule(msgs [][]byte, typ, _ uint16, body []byte, _ func(int32) string) (int, bool, string) {
	ra := parseAttrs(body[unix.SizeofRtMsg:])
	for i, m := range msgs {
		if len(m) < unix.SizeofRtMsg {
			continue
		}
		if ruleSame(m, parseAttrs(m[unix.SizeofRtMsg:]), body, ra, typ == unix.RTM_DELRULE) {
			return i, typ == unix.RTM_NEWRULE, ""
		}
	}
	return -1, typ == unix.RTM_DELRULE, ""
}

// describeNeigh names a neighbour or fdb request for a plan.
func describeNeigh(body []byte, dev func(int32) string) string {
	a := parseAttrs(body[unix.SizeofNdMsg:])
	idx := int32(binary.NativeEndian.Uint32(body[4:]))
	if body[0] == unix.AF_BRIDGE {
		s := fmt.Sprintf("fdb %s dev %s", net.HardwareAddr(a[unix.NDA_LLADDR]), dev(idx))
		if d, ok := a[unix.NDA_DST]; ok {
			s += " dst " + ipString(d)
		}
		return s
	}
	s := fmt.Sprintf("neigh %s dev %s", ipString(a[unix.NDA_DST]), dev(idx))
	if body[10]&unix.NTF_PROXY != 0 {
		s = "proxy " + s
	}
	return s
}

// haveNeigh answers Intent.Have for a neighbour or fdb request.
func (e *Env) haveNeigh(r ns.Ref, typ, flags uint16, body []byte) (bool, string, error) {
	hdr := make([]byte, unix.SizeofNdMsg)
	hdr[0] = body[0]
	if body[10]&unix.NTF_PROXY != 0 {
		hdr[10] = unix.NTF_PROXY
	}
	msgs, err := e.dump(r, unix.RTM_GETNEIGH, hdr, unix.RTM_NEWNEIGH)
	if err != nil {
		return false, "", err
	}
	_, have, differs := matchNeigh(e.planView(r, "neigh", msgs), typ, flags, body, func(i int32) string { return e.devName(r, i) })
	return have, differs, nil
}

// matchNeigh finds in msgs the neighbour or fdb entry a request is about
// (matchRoute).
func matchNeigh(msgs [][]byte, typ, flags uint16, body []byte, dev func(int32) string) (int, bool, string) {
	ra := parseAttrs(body[unix.SizeofNdMsg:])
	fam, idx, state, nflags := body[0], binary.NativeEndian.Uint32(body[4:]), binary.NativeEndian.Uint16(body[8:]), body[10]
	del := typ == unix.RTM_DELNEIGH
	for i, m := range msgs {
		if len(m) < unix.SizeofNdMsg || m[0] != fam {
			continue
		}
		ma := parseAttrs(m[unix.SizeofNdMsg:])
		midx := binary.NativeEndian.Uint32(m[4:])
		if midx != idx {
			// A bridge keeps one entry per MAC and VLAN, on whichever
			// port: the same MAC on another port is the entry asked for,
			// on the wrong port.
			if _, ok := ma[unix.NDA_MASTER]; !ok || fam != unix.AF_BRIDGE || nflags&unix.NTF_MASTER == 0 ||
				!bytes.Equal(ma[unix.NDA_LLADDR], ra[unix.NDA_LLADDR]) || !bytes.Equal(ma[unix.NDA_VLAN], ra[unix.NDA_VLAN]) {
				continue
			}
			if del {
				continue
			}
			if flags&unix.NLM_F_REPLACE != 0 {
				return i, false, "" // moved: a change
			}
			return i, false, fmt.Sprintf("it is on port %s, not %s", dev(int32(midx)), dev(int32(idx)))
		}
		mflags := m[10]
		if _, ok := ma[unix.NDA_MASTER]; ok && fam == unix.AF_BRIDGE {
			mflags |= unix.NTF_MASTER // a bridge's own entry
		}
		if nflags&unix.NTF_PROXY != mflags&unix.NTF_PROXY {
			continue
		}
		if fam == unix.AF_BRIDGE {
			// An fdb entry: its MAC, VLAN, master or self, and (a
			// vxlan's) remote.
			want := nflags & (unix.NTF_MASTER | unix.NTF_SELF)
			if want == 0 {
				want = unix.NTF_SELF
			}
			if m, ok := ma[unix.NDA_MASTER]; ok && u32(m) == idx {
				mflags |= unix.NTF_SELF // "self" on the bridge itself: its own entry
			}
			if !bytes.Equal(ma[unix.NDA_LLADDR], ra[unix.NDA_LLADDR]) || !bytes.Equal(ma[unix.NDA_VLAN], ra[unix.NDA_VLAN]) ||
				mflags&want == 0 {
				continue
			}
			if d, ok := ra[unix.NDA_DST]; ok && !bytes.Equal(d, ma[unix.NDA_DST]) {
				if flags&unix.NLM_F_APPEND != 0 || del {
					continue // another remote of the same MAC
				}
			}
		} else if !bytes.Equal(ma[unix.NDA_DST], ra[unix.NDA_DST]) {
			continue
		}
		if del {
			return i, false, "" // there: to be deleted
		}
		mstate := binary.NativeEndian.Uint16(m[8:])
		var d string
		switch {
		case ra[unix.NDA_LLADDR] != nil && !bytes.Equal(ma[unix.NDA_LLADDR], ra[unix.NDA_LLADDR]):
			d = fmt.Sprintf("lladdr %s, not %s", net.HardwareAddr(ma[unix.NDA_LLADDR]), net.HardwareAddr(ra[unix.NDA_LLADDR]))
		case fam == unix.AF_BRIDGE && ra[unix.NDA_DST] != nil && !bytes.Equal(ma[unix.NDA_DST], ra[unix.NDA_DST]):
			d = fmt.Sprintf("dst %s, not %s", ipString(ma[unix.NDA_DST]), ipString(ra[unix.NDA_DST]))
		case fam == unix.AF_BRIDGE && fdbState(state) != fdbState(mstate):
			d = fmt.Sprintf("it is %s, not %s", fdbState(mstate), fdbState(state))
		case fam != unix.AF_BRIDGE && nflags&unix.NTF_PROXY == 0 && state != 0 && mstate != state:
			d = fmt.Sprintf("state %#x, not %#x", mstate, state)
		}
		if d == "" {
			return i, true, ""
		}
		if flags&unix.NLM_F_REPLACE != 0 {
			return i, false, "" // replaced: a change
		}
		return i, false, d
	}
	return -1, del, ""
}

// fdbState is what an fdb entry's state means: permanent, static or
// dynamic.
func fdbState(s uint16) string {
	switch {
	case s&unix.NUD_PERMANENT != 0:
		return "permanent"
	case s&unix.NUD_NOARP != 0:
		return "static"
	}
	return "dynamic"
}

// haveLinkSettings answers Intent.Have for an RTM_NEWLINK (without
// NLM_F_CREATE) or RTM_SETLINK that changes a link: every flag and
// attribute it sets (nested ones of IFLA_LINKINFO and IFLA_PROTINFO
// included) already has that value. An attribute it cannot compare makes
// the answer "no".
func (e *Env) haveLinkSettings(r ns.Ref, typ uint16, body []byte) (bool, string, error) {
	idx := binary.NativeEndian.Uint32(body[4:])
	hdr := make([]byte, unix.SizeofIfInfomsg)
	hdr[0] = body[0]
	msgs, err := e.dump(r, unix.RTM_GETLINK, hdr, unix.RTM_NEWLINK)
	if err != nil {
		return false, "", err
	}
	for _, m := range msgs {
		if len(m) < unix.SizeofIfInfomsg || binary.NativeEndian.Uint32(m[4:]) != idx {
			continue
		}
		change, flags := binary.NativeEndian.Uint32(body[12:]), binary.NativeEndian.Uint32(body[8:])
		if change == 0 && flags != 0 {
			return false, "", nil // all flags set: not compared
		}
		if binary.NativeEndian.Uint32(m[8:])&change != flags&change {
			return false, "", nil
		}
		return attrsHeld(parseAttrs(body[unix.SizeofIfInfomsg:]), parseAttrs(m[unix.SizeofIfInfomsg:]), 0), "", nil
	}
	return false, "", nil
}

// attrsHeld reports whether every attribute of want has the same value in
// have, looking into IFLA_LINKINFO's and IFLA_PROTINFO's nests (depth
// says how deep the comparison is).
func attrsHeld(want, have attrMap, depth int) bool {
	for t, v := range want {
		h, ok := have[t]
		switch {
		case depth == 0 && t == unix.IFLA_IFNAME:
			if !ok || !bytes.Equal(bytes.TrimRight(v, "\x00"), bytes.TrimRight(h, "\x00")) {
				return false
			}
		case depth == 0 && (t == unix.IFLA_LINKINFO || t == unix.IFLA_PROTINFO):
			if !ok || !attrsHeld(parseAttrs(v), parseAttrs(h), 1) {
				return false
			}
		case depth == 1 && (t == unix.IFLA_INFO_DATA || t == unix.IFLA_INFO_SLAVE_DATA):
			if !ok || !attrsHeld(parseAttrs(v), parseAttrs(h), 2) {
				return false
			}
		case depth == 1 && (t == unix.IFLA_INFO_KIND || t == unix.IFLA_INFO_SLAVE_KIND):
			v = bytes.TrimRight(v, "\x00")
			if k, slave := bytes.CutSuffix(v, []byte("_slave")); slave && t == unix.IFLA_INFO_KIND {
				// "type bridge_slave": the port's master's kind.
				v, h, ok = k, have[unix.IFLA_INFO_SLAVE_KIND], have[unix.IFLA_INFO_SLAVE_KIND] != nil
			}
			if !ok || !bytes.Equal(v, bytes.TrimRight(h, "\x00")) {
				return false
			}
		case depth == 0 && t == unix.IFLA_AF_SPEC:
			return false // not compared
		default:
			if !ok || !bytes.Equal(v, h) {
				return false
			}
		}
	}
	return true
}

// rtaNHID is RTA_NH_ID (a route's nexthop object), which package unix
// lacks.
const rtaNHID = 30

// rawEntry is a route, rule or neighbour request a plan recorded as made.
type rawEntry struct {
	kind       string
	typ, flags uint16
	body       []byte
}

// matchers are the matchX functions by kind.
var matchers = map[string]func(msgs [][]byte, typ, flags uint16, body []byte, dev func(int32) string) (int, bool, string){
	"route": matchRoute, "rule": matchRule, "neigh": matchNeigh,
}

// addRaw records that the plan makes request (typ, flags, body) of kind
// in namespace at.
func (o Overlay) addRaw(at, kind string, typ, flags uint16, body []byte) {
	if o.c.raw == nil {
		o.c.raw = map[string][]rawEntry{}
	}
	o.c.raw[at] = append(o.c.raw[at], rawEntry{kind, typ, flags, body})
}

// planView is msgs, a dump of kind's objects in namespace r, as the
// plan's requests so far would leave them: what it deleted or replaced
// taken out, what it added put in. Outside a plan it is msgs.
func (e *Env) planView(r ns.Ref, kind string, msgs [][]byte) [][]byte {
	c := &e.State.conv
	c.mu.Lock()
	entries := append([]rawEntry(nil), c.raw[NSName(r)]...)
	c.mu.Unlock()
	match := matchers[kind]
	dev := func(int32) string { return "" }
	for _, en := range entries {
		if en.kind != kind {
			continue
		}
		i, have, _ := match(msgs, en.typ, en.flags, en.body, dev)
		switch {
		case en.typ == unix.RTM_DELROUTE || en.typ == unix.RTM_DELRULE || en.typ == unix.RTM_DELNEIGH:
			if i >= 0 {
				msgs = append(msgs[:i:i], msgs[i+1:]...)
			}
		case have:
		default:
			if i >= 0 && kind != "rule" {
				msgs = append(msgs[:i:i], msgs[i+1:]...) // replaced
			}
			msgs = append(msgs[:len(msgs):len(msgs)], en.body)
		}
	}
	return msgs
}
