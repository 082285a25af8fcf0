package iproute

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// FIB rule actions and flags (linux/fib_rules.h).
const (
	frActToTbl       = 1
	frActGoto        = 2
	frActNop         = 3
	frActBlackhole   = 6
	frActUnreachable = 7
	frActProhibit    = 8
	fibRuleInvert    = 0x2
	fibRuleIifDetach = 0x8
	fibRuleOifDetach = 0x10
	fibRuleUnresolv  = 0x4
)

// ruleActions names the actions printed in place of "lookup".
var ruleActions = map[int]string{frActBlackhole: "blackhole", frActUnreachable: "unreachable", frActProhibit: "prohibit", frActNop: "nop"}

// cmdRule is "ip rule": add, delete, flush and list/show (ip/iprule.c).
func cmdRule(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return ruleShow(env, g, nil, false)
	}
	verb, err := verbOf(env, "rule", args[0])
	if err != nil {
		return err
	}
	switch verb {
	case "add", "delete":
		return ruleModify(env, g, verb, args[1:])
	case "flush":
		return ruleShow(env, g, args[1:], true)
	case "save":
		return ruleSave(env, g, args[1:])
	case "restore":
		return ruleRestore(env, g)
	}
	return ruleShow(env, g, args[1:], false)
}

// ruleFamily is the family "ip rule" works on: IPv4 unless -6.
func ruleFamily(g *Global) int {
	if g.Family == afInet6 {
		return afInet6
	}
	return afInet
}

// FIB rule attributes of linux/fib_rules.h that x/sys/unix lacks.
const (
	fraL3mdev     = 19
	fraUIDRange   = 20
	fraProtocol   = 21
	fraIPProto    = 22
	fraSportRange = 23
	fraDportRange = 24
	fraTunID      = 12
	fraGateway    = 5 // RTA_GATEWAY, the address of a "nat" rule
	rtnNat        = 10
)

// rulePrefix reads the PREFIX of "from"/"to" as get_prefix does for
// family (0: any): the address bytes (none for default/any/all) and the
// prefix length.
func rulePrefix(s string, family int) ([]byte, int, error) {
	if s == "default" || s == "any" || s == "all" {
		return nil, 0, nil
	}
	p, err := parsePrefix(s, family)
	if err != nil {
		return nil, 0, err
	}
	l, _ := p.Mask.Size()
	if builtins.IPFamily(p.IP) == afInet6 {
		return p.IP.To16(), l, nil
	}
	return p.IP.To4(), l, nil
}

// uidRange is sscanf(s, "%u-%u"): two numbers (a second one is required).
func uidRange(s string) ([]byte, bool) {
	a, rest, ok := builtins.Strtoul(s, 10)
	if !ok || !strings.HasPrefix(rest, "-") {
		return nil, false
	}
	b, _, ok := builtins.Strtoul(rest[1:], 10)
	if !ok {
		return nil, false
	}
	return append(u32(uint32(a)), u32(uint32(b))...), true
}

// portRange is sscanf(s, "%hu-%hu") with a lone port as START-START.
func portRange(s string) ([]byte, bool) {
	a, rest, ok := builtins.Strtoul(s, 10)
	if !ok {
		return nil, false
	}
	b := a
	if strings.HasPrefix(rest, "-") {
		if v, _, ok := builtins.Strtoul(rest[1:], 10); ok {
			b = v
		}
	}
	return binary.NativeEndian.AppendUint16(binary.NativeEndian.AppendUint16(nil, uint16(a)), uint16(b)), true
}

// ruleModify is "ip rule add|del SELECTOR ACTION" (iprule_modify): one
// RTM_NEWRULE or RTM_DELRULE built as iproute2 builds it.
func ruleModify(env *builtins.Env, g *Global, verb string, args []string) error {
	if len(args) == 0 {
		// iprule_modify refuses an empty selector: "ip rule del" would
		// otherwise match the first rule, the pref-0 local one.
		name := "add"
		if verb == "delete" {
			name = "del"
		}
		return builtins.Fail(1, "\"ip rule %s\" requires arguments.", name)
	}
	typ, flags := unix.RTM_DELRULE, 0
	hdr := nl.NewRtMsg()
	*hdr = nl.RtMsg{}
	hdr.Family = uint8(g.Family)
	if verb == "add" {
		typ, flags = unix.RTM_NEWRULE, unix.NLM_F_CREATE|unix.NLM_F_EXCL
		hdr.Type = frActToTbl
	}
	var attrs []*nl.RtAttr
	add := func(t int, b []byte) { attrs = append(attrs, nl.NewRtAttr(t, b)) }
	tableOK, l3mdev, tid := false, false, 0
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		var arg string
		need := func() bool {
			var err error
			arg, err = a.Need(w)
			return err == nil
		}
		switch {
		case w == "not":
			hdr.Flags |= fibRuleInvert
		case w == "from" || w == "to":
			if !need() {
				return incomplete(a, w)
			}
			b, l, err := rulePrefix(arg, int(hdr.Family))
			if err != nil {
				return err
			}
			if w == "from" {
				hdr.Src_len = uint8(l)
				add(unix.FRA_SRC, b)
			} else {
				hdr.Dst_len = uint8(l)
				add(unix.FRA_DST, b)
			}
		case builtins.Is(w, "preference") || builtins.Is(w, "order") || builtins.Is(w, "priority"):
			if !need() {
				return incomplete(a, w)
			}
			v, ok := builtins.GetUint(arg, 0, 1<<32-1)
			if !ok {
				return invarg("preference value is invalid\n", arg)
			}
			add(unix.FRA_PRIORITY, u32(uint32(v)))
		case w == "tos" || builtins.Is(w, "dsfield"):
			if !need() {
				return incomplete(a, w)
			}
			v, ok := dsfieldA2N(arg)
			if !ok {
				return invarg("TOS value is invalid\n", arg)
			}
			hdr.Tos = uint8(v)
		case w == "fwmark":
			if !need() {
				return incomplete(a, w)
			}
			m, mask, hasMask := strings.Cut(arg, "/")
			v, ok := builtins.GetUint(m, 0, 1<<32-1)
			if !ok {
				return invarg("fwmark value is invalid\n", m)
			}
			add(unix.FRA_FWMARK, u32(uint32(v)))
			if hasMask {
				if v, ok = builtins.GetUint(mask, 0, 1<<32-1); !ok {
					return invarg("fwmask value is invalid\n", mask)
				}
				add(unix.FRA_FWMASK, u32(uint32(v)))
			}
		case builtins.Is(w, "realms"):
			if !need() {
				return incomplete(a, w)
			}
			v, ok := parseRealms(arg)
			if !ok {
				return invarg("invalid realms\n", arg)
			}
			add(unix.FRA_FLOW, u32(v))
		case builtins.Is(w, "protocol"):
			if !need() {
				return incomplete(a, w)
			}
			v, err := protocols.parse("protocol", arg, 255)
			if err != nil {
				return invarg("\"protocol\" value is invalid\n", arg)
			}
			add(fraProtocol, []byte{uint8(v)})
		case builtins.Is(w, "tun_id"):
			if !need() {
				return incomplete(a, w)
			}
			v, ok := builtins.GetUint(arg, 0, 1<<64-2)
			if !ok {
				return invarg("\"tun_id\" value is invalid\n", arg)
			}
			add(fraTunID, binary.BigEndian.AppendUint64(nil, v))
		case builtins.Is(w, "table") || w == "lookup":
			if !need() {
				return incomplete(a, w)
			}
			v, err := tables.parse("table", arg, 1<<32-1)
			if err != nil {
				return invarg("invalid table ID\n", arg)
			}
			tid = v
			if v < 256 {
				hdr.Table = uint8(v)
			} else {
				hdr.Table = unix.RT_TABLE_UNSPEC
				add(unix.FRA_TABLE, u32(uint32(v)))
			}
			tableOK = true
		case builtins.Is(w, "suppress_prefixlength") || w == "sup_pl":
			if !need() {
				return incomplete(a, w)
			}
			v, ok := builtins.GetUint(arg, 0, 1<<31-1)
			if !ok {
				return invarg("suppress_prefixlength value is invalid\n", arg)
			}
			add(unix.FRA_SUPPRESS_PREFIXLEN, u32(uint32(v)))
		case builtins.Is(w, "suppress_ifgroup") || w == "sup_group":
			if !need() {
				return incomplete(a, w)
			}
			v, ok := parseGroup(arg)
			if !ok {
				return invarg("Invalid \"suppress_ifgroup\" value\n", arg)
			}
			add(unix.FRA_SUPPRESS_IFGROUP, u32(uint32(v)))
		case w == "dev" || w == "iif" || w == "oif":
			if !need() {
				return incomplete(a, w)
			}
			if builtins.ValidIfName(arg) != nil {
				if w == "oif" {
					return invarg("\"oif\" not a valid ifname", arg)
				}
				return invarg("\"iif\"/\"dev\" not a valid ifname", arg)
			}
			t := unix.FRA_IIFNAME
			if w == "oif" {
				t = unix.FRA_OIFNAME
			}
			add(t, nl.ZeroTerminated(arg))
		case w == "l3mdev":
			add(fraL3mdev, []byte{1})
			tableOK, l3mdev = true, true
		case w == "uidrange":
			if !need() {
				return incomplete(a, w)
			}
			b, ok := uidRange(arg)
			if !ok {
				return invarg("invalid UID range\n", arg)
			}
			add(fraUIDRange, b)
		case w == "nat" || builtins.Is(w, "map-to"):
			if !need() {
				return incomplete(a, w)
			}
			fmt.Fprintln(env.Stderr, "Warning: route NAT is deprecated")
			ip := inetAddr(arg, afInet)
			if ip == nil {
				return builtins.Fail(1, "Error: an IP address is expected rather than %q", arg)
			}
			add(fraGateway, []byte(ip))
			hdr.Type = rtnNat
		case w == "ipproto":
			if !need() {
				return incomplete(a, w)
			}
			v, ok := parseIPProto(arg)
			if !ok {
				return invarg("Invalid \"ipproto\" value\n", arg)
			}
			add(fraIPProto, []byte{uint8(v)})
		case w == "sport" || w == "dport":
			if !need() {
				return incomplete(a, w)
			}
			b, ok := portRange(arg)
			if !ok {
				if w == "sport" {
					return invarg("invalid port range\n", arg)
				}
				return invarg("invalid dport range\n", arg)
			}
			t := fraSportRange
			if w == "dport" {
				t = fraDportRange
			}
			add(t, b)
		default:
			if w == "type" {
				if !need() {
					return incomplete(a, w)
				}
				w = arg
			}
			switch {
			case builtins.Is(w, "help"):
				fmt.Fprintln(env.Stderr, ruleUsage)
				return builtins.Fail(255, "")
			case builtins.Is(w, "goto"):
				if !need() {
					return incomplete(a, w)
				}
				v, ok := builtins.GetUint(arg, 0, 1<<32-1)
				if !ok {
					return invarg("invalid target\n", arg)
				}
				add(unix.FRA_GOTO, u32(uint32(v)))
				hdr.Type = frActGoto
			case builtins.Is(w, "nop"):
				hdr.Type = frActNop
			default:
				t, ok := routeTypeWord(w)
				if !ok {
					var v uint64
					if v, ok = builtins.GetUint(w, 0, 255); !ok {
						return invarg("Failed to parse rule type", w)
					}
					t = int(v)
				}
				hdr.Type = uint8(t)
			}
			tableOK = true
		}
	}
	if l3mdev && tid != 0 {
		return builtins.Fail(22, "table can not be specified for l3mdev rules")
	}
	if hdr.Family == unix.AF_UNSPEC {
		hdr.Family = afInet
	}
	if !tableOK && verb == "add" {
		hdr.Table = unix.RT_TABLE_MAIN
	}
	req := nl.NewNetlinkRequest(typ, flags|unix.NLM_F_ACK)
	req.AddData(hdr)
	for _, at := range attrs {
		req.AddData(at)
	}
	if _, err := rawExecute(env, g.NS, req, 0); err != nil {
		return rtnlAnswer("ip rule "+verb, err)
	}
	return nil
}

// incomplete is NEXT_ARG's failure after keyword w.
func incomplete(a *builtins.Args, w string) error {
	_, err := a.Need(w)
	return err
}

// ruleUsage is iprule.c's usage().
const ruleUsage = `Usage: ip rule { add | del } SELECTOR ACTION
       ip rule { flush | save | restore }
       ip rule [ list [ SELECTOR ]]
SELECTOR := [ not ] [ from PREFIX ] [ to PREFIX ] [ tos TOS ]
            [ fwmark FWMARK[/MASK] ]
            [ iif STRING ] [ oif STRING ] [ pref NUMBER ] [ l3mdev ]
            [ uidrange NUMBER-NUMBER ]
            [ ipproto PROTOCOL ]
            [ sport [ NUMBER | NUMBER-NUMBER ]
            [ dport [ NUMBER | NUMBER-NUMBER ] ]
ACTION := [ table TABLE_ID ]
          [ protocol PROTO ]
          [ nat ADDRESS ]
          [ realms [SRCREALM/]DSTREALM ]
          [ goto NUMBER ]
          SUPPRESSOR
SUPPRESSOR := [ suppress_prefixlength NUMBER ]
              [ suppress_ifgroup DEVGROUP ]
TABLE_ID := [ local | main | default | NUMBER ]`

// ruleView is one RTM_NEWRULE answer as print_rule reads it.
type ruleView struct {
	family, srcLen, dstLen, tos, table, action int
	flags                                      uint32
	attrs                                      rattrs
	msg                                        []byte // the fib_rule_hdr and attributes
}

// ruleList dumps the rules of g's namespace and family.
func ruleList(env *builtins.Env, g *Global) ([]ruleView, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETRULE, unix.NLM_F_DUMP)
	req.AddData(nl.NewRtMsg())
	req.Data[0].(*nl.RtMsg).Family = uint8(ruleFamily(g))
	msgs, err := rawExecute(env, g.NS, req, unix.RTM_NEWRULE)
	if err != nil {
		return nil, fmt.Errorf("dumping rules: %w", err)
	}
	var out []ruleView
	for _, m := range msgs {
		if len(m) < unix.SizeofRtMsg {
			continue
		}
		r := ruleView{family: int(m[0]), dstLen: int(m[1]), srcLen: int(m[2]), tos: int(m[3]), table: int(m[4]), action: int(m[7]),
			flags: binary.LittleEndian.Uint32(m[8:12]), attrs: parseRattrs(m[unix.SizeofRtMsg:]), msg: m}
		if r.attrs.has(unix.FRA_TABLE) {
			r.table = int(r.attrs.u32(unix.FRA_TABLE))
		}
		out = append(out, r)
	}
	return out, nil
}

// ruleFilter is the selector of "ip rule list|flush" (iprule.c's filter).
type ruleFilter struct {
	not, l3mdev          bool
	pref, tos            int // -1: any
	fwmark, fwmask       uint64
	iif, oif             string
	iifSet, oifSet       bool
	uid                  []byte
	ipproto              int
	sport, dport         []byte
	tunID                uint64
	table                int
	src, dst             []byte
	srcLen, dstLen       int
	srcFamily, dstFamily int
	protocol             int
	protocolSet          bool
}

// parseRuleFilter reads the selector of iprule_list_flush_or_save.
func parseRuleFilter(g *Global, args []string) (*ruleFilter, error) {
	af := g.Family
	if af == 0 {
		af = afInet
	}
	f := &ruleFilter{pref: -1, tos: -1}
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		var arg string
		need := func() error {
			var err error
			arg, err = a.Need(w)
			return err
		}
		switch {
		case builtins.Is(w, "preference") || builtins.Is(w, "order") || builtins.Is(w, "priority"):
			if err := need(); err != nil {
				return nil, err
			}
			v, ok := builtins.GetUint(arg, 0, 1<<32-1)
			if !ok {
				return nil, invarg("preference value is invalid\n", arg)
			}
			f.pref = int(v)
		case w == "not":
			f.not = true
		case w == "tos" || w == "dsfield":
			if err := need(); err != nil {
				return nil, err
			}
			v, ok := dsfieldA2N(arg)
			if !ok {
				return nil, invarg("TOS value is invalid\n", arg)
			}
			f.tos = int(v)
		case w == "fwmark":
			if err := need(); err != nil {
				return nil, err
			}
			m, mask, hasMask := strings.Cut(arg, "/")
			v, ok := builtins.GetUint(m, 0, 1<<32-1)
			if !ok {
				return nil, invarg("fwmark value is invalid\n", m)
			}
			f.fwmark = v
			if hasMask {
				if v, ok = builtins.GetUint(mask, 0, 1<<32-1); !ok {
					return nil, invarg("fwmask value is invalid\n", mask)
				}
				f.fwmask = v
			}
		case w == "dev" || w == "iif" || w == "oif":
			if err := need(); err != nil {
				return nil, err
			}
			if builtins.ValidIfName(arg) != nil {
				if w == "oif" {
					return nil, invarg("\"oif\" not a valid ifname", arg)
				}
				return nil, invarg("\"iif\"/\"dev\" not a valid ifname", arg)
			}
			if w == "oif" {
				f.oif, f.oifSet = arg, true
			} else {
				f.iif, f.iifSet = arg, true
			}
		case w == "l3mdev":
			f.l3mdev = true
		case w == "uidrange":
			if err := need(); err != nil {
				return nil, err
			}
			b, ok := uidRange(arg)
			if !ok {
				return nil, invarg("invalid UID range\n", arg)
			}
			f.uid = b
		case builtins.Is(w, "tun_id"):
			if err := need(); err != nil {
				return nil, err
			}
			v, ok := builtins.GetUint(arg, 0, 1<<64-2)
			if !ok {
				return nil, invarg("\"tun_id\" value is invalid\n", arg)
			}
			f.tunID = v
		case builtins.Is(w, "lookup") || builtins.Is(w, "table"):
			if err := need(); err != nil {
				return nil, err
			}
			v, err := tables.parse("table", arg, 1<<32-1)
			if err != nil {
				return nil, invarg("table id value is invalid\n", arg)
			}
			f.table = v
		case builtins.Is(w, "from") || builtins.Is(w, "src"):
			if err := need(); err != nil {
				return nil, err
			}
			b, l, err := rulePrefix(arg, af)
			if err != nil {
				return nil, err
			}
			f.src, f.srcLen, f.srcFamily = b, l, af
		case builtins.Is(w, "protocol"):
			if err := need(); err != nil {
				return nil, err
			}
			v, err := protocols.parse("protocol", arg, 255)
			switch {
			case err == nil:
				f.protocol, f.protocolSet = v, true
			case arg == "all":
				f.protocol, f.protocolSet = 0, false
			default:
				return nil, invarg("invalid \"protocol\"\n", arg)
			}
		case w == "ipproto":
			if err := need(); err != nil {
				return nil, err
			}
			v, ok := parseIPProto(arg)
			if !ok {
				return nil, invarg("Invalid \"ipproto\" value\n", arg)
			}
			f.ipproto = v
		case w == "sport" || w == "dport":
			if err := need(); err != nil {
				return nil, err
			}
			b, ok := portRange(arg)
			if !ok {
				if w == "sport" {
					return nil, invarg("invalid port range\n", arg)
				}
				return nil, invarg("invalid dport range\n", arg)
			}
			if w == "sport" {
				f.sport = b
			} else {
				f.dport = b
			}
		default:
			if builtins.Is(w, "dst") || builtins.Is(w, "to") {
				if err := need(); err != nil {
					return nil, err
				}
				w = arg
			}
			b, l, err := rulePrefix(w, af)
			if err != nil {
				return nil, err
			}
			f.dst, f.dstLen, f.dstFamily = b, l, af
		}
	}
	return f, nil
}

// keep is iprule.c's filter_nlmsg.
func (f *ruleFilter) keep(g *Global, r *ruleView) bool {
	a := r.attrs
	if g.Family != 0 && r.family != g.Family {
		return false
	}
	if f.pref >= 0 && uint64(f.pref) != a.u32(unix.FRA_PRIORITY) {
		return false
	}
	if f.not && r.flags&fibRuleInvert == 0 {
		return false
	}
	// addrMatch is inet_addr_match_rta: the first bits of the rule's
	// address equal the filter's (no address matches).
	addrMatch := func(want []byte, bits int, t uint16) bool {
		have, ok := a[t]
		if !ok || bits <= 0 || want == nil {
			return true
		}
		if len(have) < len(want) {
			return false
		}
		m := net.CIDRMask(bits, 8*len(want))
		return net.IP(want).Mask(m).Equal(net.IP(have[:len(want)]).Mask(m))
	}
	if f.srcFamily != 0 && (f.srcFamily != r.family || f.srcLen > r.srcLen || !addrMatch(f.src, f.srcLen, unix.FRA_SRC)) {
		return false
	}
	if f.dstFamily != 0 && (f.dstFamily != r.family || f.dstLen > r.dstLen || !addrMatch(f.dst, f.dstLen, unix.FRA_DST)) {
		return false
	}
	if f.tos >= 0 && f.tos != r.tos {
		return false
	}
	if f.fwmark != 0 && f.fwmark != a.u32(unix.FRA_FWMARK) || f.fwmask != 0 && f.fwmask != a.u32(unix.FRA_FWMASK) {
		return false
	}
	if f.iifSet && (!a.has(unix.FRA_IIFNAME) || a.str(unix.FRA_IIFNAME) != f.iif) ||
		f.oifSet && (!a.has(unix.FRA_OIFNAME) || a.str(unix.FRA_OIFNAME) != f.oif) {
		return false
	}
	if f.l3mdev && a.u8(fraL3mdev) == 0 {
		return false
	}
	if f.uid != nil && string(a[fraUIDRange]) != string(f.uid) {
		return false
	}
	if f.ipproto != 0 && uint64(f.ipproto) != a.u8(fraIPProto) {
		return false
	}
	if f.sport != nil && (f.sport[0] != 0 || f.sport[1] != 0) && string(a[fraSportRange]) != string(f.sport) {
		return false
	}
	if f.dport != nil && (f.dport[0] != 0 || f.dport[1] != 0) && string(a[fraDportRange]) != string(f.dport) {
		return false
	}
	if f.tunID != 0 && (!a.has(fraTunID) || len(a[fraTunID]) < 8 || binary.BigEndian.Uint64(a[fraTunID]) != f.tunID) {
		return false
	}
	return f.table <= 0 || f.table == r.table
}

// ruleShow is "ip rule list|show [SELECTOR]" and "ip rule flush
// [SELECTOR]", which deletes every rule shown that has a preference
// (all but the local rule of preference 0) and, with "protocol P", that
// protocol.
func ruleShow(env *builtins.Env, g *Global, args []string, flush bool) error {
	f, err := parseRuleFilter(g, args)
	if err != nil {
		return err
	}
	rules, err := ruleList(env, g)
	if err != nil {
		return err
	}
	p := newPrinter(g)
	for i := range rules {
		r := &rules[i]
		if !f.keep(g, r) {
			continue
		}
		if flush {
			if r.attrs.has(fraProtocol) && f.protocolSet && int(r.attrs.u8(fraProtocol)) != f.protocol {
				continue
			}
			if !r.attrs.has(unix.FRA_PRIORITY) {
				continue
			}
			del := nl.NewNetlinkRequest(unix.RTM_DELRULE, unix.NLM_F_ACK)
			del.AddRawData(r.msg)
			if _, err := rawExecute(env, g.NS, del, 0); err != nil {
				return rtnlAnswer(fmt.Sprintf("flushing rule %d", r.attrs.u32(unix.FRA_PRIORITY)), err)
			}
			continue
		}
		printRule(p, g, r)
	}
	if flush {
		return nil
	}
	return p.flush(env.Stdout)
}

// printRule is print_rule (ip/iprule.c).
func printRule(p *printer, g *Global, r *ruleView) {
	a := r.attrs
	host := 32
	if r.family == afInet6 {
		host = 128
	}
	p.openObject("")
	p.any("priority", "%d:\t", a.u32(unix.FRA_PRIORITY))
	if r.flags&fibRuleInvert != 0 {
		p.fp("not ")
		p.js("not", nil)
	}
	if src, ok := a[unix.FRA_SRC]; ok {
		p.fp("from ")
		p.colorAny(familyColor(r.family), "src", "%s", builtins.FormatIP(net.IP(src)))
		if r.srcLen != host {
			p.any("srclen", "/%d", r.srcLen)
		}
	} else if r.srcLen != 0 {
		p.any("src", "from %s", "0")
		p.any("srclen", "/%d", r.srcLen)
	} else {
		p.any("src", "from %s", "all")
	}
	if dst, ok := a[unix.FRA_DST]; ok {
		p.fp(" to ")
		p.colorAny(familyColor(r.family), "dst", "%s", builtins.FormatIP(net.IP(dst)))
		if r.dstLen != host {
			p.any("dstlen", "/%d", r.dstLen)
		}
	} else if r.dstLen != 0 {
		p.any("dst", " to %s", "0")
		p.any("dstlen", "/%d", r.dstLen)
	}
	if r.tos != 0 {
		p.any("tos", " tos %s", dsfieldName(r.tos))
	}
	if a.has(unix.FRA_FWMARK) || a.has(unix.FRA_FWMASK) {
		mark, mask := a.u32(unix.FRA_FWMARK), a.u32(unix.FRA_FWMASK)
		p.any("fwmark", " fwmark %s", cHex(mark))
		if a.has(unix.FRA_FWMASK) && mask != 0xffffffff {
			p.any("fwmask", "/%s", cHex(mask))
		}
	}
	if a.has(unix.FRA_IIFNAME) {
		p.fp(" iif ")
		p.colorAny(colorIfname, "iif", "%s", a.str(unix.FRA_IIFNAME))
		if r.flags&fibRuleIifDetach != 0 {
			p.fp(" [detached]")
			p.js("iif_detached", nil)
		}
	}
	if a.has(unix.FRA_OIFNAME) {
		p.fp(" oif ")
		p.colorAny(colorIfname, "oif", "%s", a.str(unix.FRA_OIFNAME))
		if r.flags&fibRuleOifDetach != 0 {
			p.fp(" [detached]")
			p.js("oif_detached", nil)
		}
	}
	if a.u8(fraL3mdev) != 0 {
		p.fp(" lookup [l3mdev-table]")
		p.js("l3mdev", nil)
	}
	if u := a[fraUIDRange]; len(u) >= 8 {
		p.any("uid_start", " uidrange %d", binary.NativeEndian.Uint32(u))
		p.any("uid_end", "-%d", binary.NativeEndian.Uint32(u[4:]))
	}
	if a.has(fraIPProto) {
		p.any("ipproto", " ipproto %s", ipProtoName(int(a.u8(fraIPProto))))
	}
	for _, pr := range []struct {
		t    uint16
		name string
	}{{fraSportRange, "sport"}, {fraDportRange, "dport"}} {
		b := a[pr.t]
		if len(b) < 4 {
			continue
		}
		start, end := binary.NativeEndian.Uint16(b), binary.NativeEndian.Uint16(b[2:])
		if start == end {
			p.any(pr.name, " "+pr.name+" %d", start)
		} else {
			p.any(pr.name+"_start", " "+pr.name+" %d", start)
			p.any(pr.name+"_end", "-%d", end)
		}
	}
	if t := a[fraTunID]; len(t) >= 8 {
		p.any("tun_id", " tun_id %d", binary.BigEndian.Uint64(t))
	}
	if r.table != 0 {
		p.any("table", " lookup %s", tables.nameOf(r.table))
		if a.has(unix.FRA_SUPPRESS_PREFIXLEN) {
			if pl := int32(a.u32(unix.FRA_SUPPRESS_PREFIXLEN)); pl != -1 {
				p.any("suppress_prefixlen", " suppress_prefixlength %d", pl)
			}
		}
		if a.has(unix.FRA_SUPPRESS_IFGROUP) {
			if ig := int32(a.u32(unix.FRA_SUPPRESS_IFGROUP)); ig != -1 {
				p.any("suppress_ifgroup", " suppress_ifgroup %s", groupName(uint32(ig)))
			}
		}
	}
	if a.has(unix.FRA_FLOW) {
		to := uint32(a.u32(unix.FRA_FLOW))
		if from := to >> 16; from != 0 {
			p.any("flow_from", " realms %s/", realmName(int(from)))
		} else {
			p.fp(" realms ")
		}
		p.any("flow_to", "%s", realmName(int(to&0xffff)))
	}
	switch r.action {
	case rtnNat:
		if gw, ok := a[fraGateway]; ok {
			p.any("nat_gateway", " map-to %s", builtins.FormatIP(net.IP(gw)))
		} else {
			p.fp(" masquerade")
			p.js("masquerade", nil)
		}
	case frActGoto:
		if a.has(unix.FRA_GOTO) {
			p.any("goto", " goto %d", a.u32(unix.FRA_GOTO))
		} else {
			p.any("goto", " goto %s", "none")
		}
		if r.flags&fibRuleUnresolv != 0 {
			p.fp(" [unresolved]")
			p.js("unresolved", nil)
		}
	case frActNop:
		p.fp(" nop")
		p.js("nop", nil)
	case frActToTbl:
	default:
		p.any("action", " %s", routeTypes.name(r.action))
	}
	if a.has(fraProtocol) {
		if pr := int(a.u8(fraProtocol)); pr != 0 && pr != unix.RTPROT_KERNEL || g.Details > 0 {
			p.any("protocol", " proto %s", protocols.name(pr))
		}
	}
	p.fp("\n")
	p.close("")
}
