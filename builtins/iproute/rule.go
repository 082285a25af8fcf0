package iproute

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/rtnl"
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

// ruleModify is "ip rule add|del SELECTOR ACTION" (iprule_modify).
func ruleModify(env *builtins.Env, g *Global, verb string, args []string) error {
	if len(args) == 0 {
		// iprule_modify refuses an empty selector: "ip rule del" would
		// otherwise match the first rule, the pref-0 local one.
		name := "add"
		if verb == "delete" {
			name = "del"
		}
		return fmt.Errorf("\"ip rule %s\" requires arguments.", name)
	}
	r := netlink.NewRule()
	r.Family = ruleFamily(g)
	tableOK := false
	a := builtins.NewArgs(args)
	prefix := func(w string) (*net.IPNet, error) {
		s, err := a.Need(w)
		if err != nil {
			return nil, err
		}
		p, err := parsePrefix(s, g.Family)
		if err != nil {
			return nil, err
		}
		if builtins.IPFamily(p.IP) == afInet6 {
			r.Family = afInet6
		}
		return p, nil
	}
	for a.More() {
		w, _ := a.Next()
		var err error
		switch {
		case w == "not":
			r.Invert = true
		case w == "from":
			r.Src, err = prefix(w)
		case w == "to":
			r.Dst, err = prefix(w)
		case builtins.Is(w, "preference") || builtins.Is(w, "order") || builtins.Is(w, "priority"):
			var n uint64
			n, err = needUint(a, "preference", 32)
			r.Priority = int(n)
		case w == "tos" || builtins.Is(w, "dsfield"):
			var n uint64
			n, err = needUint(a, "TOS", 8)
			r.Tos = uint(n)
		case builtins.Is(w, "fwmark"):
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			m, mask, hasMask := strings.Cut(s, "/")
			var n uint64
			if n, err = strconv.ParseUint(m, 0, 32); err != nil {
				err = invarg("fwmark value is invalid", s)
				break
			}
			r.Mark = uint32(n)
			if hasMask {
				if n, err = strconv.ParseUint(mask, 0, 32); err != nil {
					err = invarg("fwmask value is invalid", s)
					break
				}
				v := uint32(n)
				r.Mask = &v
			}
		case builtins.Is(w, "realms"):
			err = builtins.NotImplemented("ip rule ... realms: not supported by nsh yet")
		case builtins.Is(w, "table") || builtins.Is(w, "lookup"):
			var s string
			if s, err = a.Need(w); err == nil {
				r.Table, err = tables.parse("table", s, 1<<32-1)
				tableOK = true
			}
		case builtins.Is(w, "suppress_prefixlength"):
			var n uint64
			n, err = needUint(a, "suppress_prefixlength", 32)
			r.SuppressPrefixlen = int(n)
		case builtins.Is(w, "suppress_ifgroup"):
			var n uint64
			n, err = needUint(a, "suppress_ifgroup", 31)
			r.SuppressIfgroup = int(n)
		case w == "dev" || builtins.Is(w, "iif"):
			if r.IifName, err = a.Need(w); err == nil {
				err = builtins.ValidIfName(r.IifName)
			}
		case builtins.Is(w, "oif"):
			if r.OifName, err = a.Need(w); err == nil {
				err = builtins.ValidIfName(r.OifName)
			}
		case builtins.Is(w, "goto"):
			var n uint64
			n, err = needUint(a, "goto", 32)
			r.Goto = int(n)
			r.Type = frActGoto
		case builtins.Is(w, "protocol"):
			var s string
			if s, err = a.Need(w); err == nil {
				var n int
				n, err = protocols.parse("protocol", s, 255)
				r.Protocol = uint8(n)
			}
		case w == "blackhole":
			r.Type = frActBlackhole
		case w == "unreachable":
			r.Type = frActUnreachable
		case w == "prohibit":
			r.Type = frActProhibit
		case w == "nop":
			r.Type = frActNop
		case builtins.Is(w, "ipproto") || builtins.Is(w, "sport") || builtins.Is(w, "dport") || builtins.Is(w, "uidrange") || w == "l3mdev" || builtins.Is(w, "nat") || builtins.Is(w, "map-to"):
			err = builtins.NotImplemented("ip rule ... %s: not supported by nsh yet", w)
		default:
			if w == "type" {
				if w, err = a.Need(w); err != nil {
					break
				}
				if t, ok := map[string]uint8{"blackhole": frActBlackhole, "unreachable": frActUnreachable, "prohibit": frActProhibit, "nop": frActNop}[w]; ok {
					r.Type = t
					break
				}
			}
			err = fmt.Errorf("Error: argument %q is wrong: Failed to parse rule type", w)
		}
		if err != nil {
			return err
		}
	}
	if verb == "add" && !tableOK && r.Type == 0 {
		r.Table = unix.RT_TABLE_MAIN
	}
	if r.Type == 0 && verb == "add" {
		r.Type = frActToTbl
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	if verb != "add" && !tableOK {
		r.Table = -1
	}
	switch {
	case ruleMapped(r):
		err = ruleRequest(env, g, verb, r)
	case verb == "add":
		err = h.RuleAdd(r)
	default:
		err = h.RuleDel(r)
	}
	if err != nil {
		err = rtnl.FromHandle(err) // the kernel's message, if any, for Rtnl
		if errors.Is(err, unix.ENOENT) && verb == "delete" {
			return builtins.Rtnl(fmt.Errorf("%w: no such rule", err))
		}
		return builtins.Rtnl(fmt.Errorf("%w: ip rule %s", err, verb))
	}
	return nil
}

// ruleView is one RTM_NEWRULE answer as print_rule reads it.
type ruleView struct {
	family, srcLen, dstLen, tos, table, action int
	flags                                      uint32
	attrs                                      rattrs
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
			flags: binary.LittleEndian.Uint32(m[8:12]), attrs: parseRattrs(m[unix.SizeofRtMsg:])}
		if r.attrs.has(unix.FRA_TABLE) {
			r.table = int(r.attrs.u32(unix.FRA_TABLE))
		}
		out = append(out, r)
	}
	return out, nil
}

// ruleShow is "ip rule list|show [SELECTOR]" and "ip rule flush" (which
// deletes every rule but the one of preference 0).
func ruleShow(env *builtins.Env, g *Global, args []string, flush bool) error {
	table, pref := -1, -1
	var from, to *net.IPNet
	var iif, oif string
	var mark, mask int64 = -1, -1
	not := false
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		var err error
		switch {
		case w == "from" || w == "to":
			var s string
			if s, err = a.Need(w); err == nil {
				var p *net.IPNet
				if p, err = parsePrefix(s, g.Family); err == nil {
					if w == "from" {
						from = p
					} else {
						to = p
					}
				}
			}
		case w == "dev" || builtins.Is(w, "iif"):
			iif, err = a.Need(w)
		case builtins.Is(w, "oif"):
			oif, err = a.Need(w)
		case w == "not":
			not = true
		case builtins.Is(w, "fwmark"):
			var s string
			if s, err = a.Need(w); err == nil {
				m, mk, hasMask := strings.Cut(s, "/")
				var n uint64
				if n, err = strconv.ParseUint(m, 0, 32); err == nil {
					mark = int64(n)
					if hasMask {
						if n, err = strconv.ParseUint(mk, 0, 32); err == nil {
							mask = int64(n)
						}
					}
				}
				if err != nil {
					err = invarg("fwmark value is invalid", s)
				}
			}
		case builtins.Is(w, "table") || builtins.Is(w, "lookup"):
			var s string
			if s, err = a.Need(w); err == nil {
				table, err = tables.parse("table", s, 1<<32-1)
			}
		case builtins.Is(w, "preference") || builtins.Is(w, "order") || builtins.Is(w, "priority"):
			var n uint64
			n, err = needUint(a, "preference", 32)
			pref = int(n)
		default:
			err = builtins.NotImplemented("ip rule show %s: not supported by nsh yet", w)
		}
		if err != nil {
			return err
		}
	}
	rules, err := ruleList(env, g)
	if err != nil {
		return err
	}
	var h *netlink.Handle
	if flush {
		if h, err = env.Handle(g.NS); err != nil {
			return err
		}
	}
	p := newPrinter(g)
	for i := range rules {
		r := &rules[i]
		prio := int(r.attrs.u32(unix.FRA_PRIORITY))
		if table >= 0 && r.table != table || pref >= 0 && prio != pref {
			continue
		}
		if !r.matches(from, to, iif, oif, mark, mask, not) {
			continue
		}
		if flush {
			if prio == 0 {
				continue
			}
			del := netlink.NewRule()
			del.Family, del.Priority, del.Table = r.family, prio, -1
			if err := h.RuleDel(del); err != nil {
				return fmt.Errorf("%w: flushing rule %d", err, prio)
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
		p.any("tos", " tos %s", fmt.Sprintf("%#x", r.tos))
	}
	if a.has(unix.FRA_FWMARK) || a.has(unix.FRA_FWMASK) {
		mark, mask := a.u32(unix.FRA_FWMARK), uint64(0xffffffff)
		if a.has(unix.FRA_FWMASK) {
			mask = a.u32(unix.FRA_FWMASK)
		}
		p.any("fwmark", " fwmark %s", cHex(mark))
		if mask != 0xffffffff {
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
	if r.table != 0 && r.action == frActToTbl {
		p.any("table", " lookup %s", tables.name(r.table))
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
	switch r.action {
	case frActToTbl:
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
	default:
		if name, ok := ruleActions[r.action]; ok {
			p.any("action", " %s", name)
		} else {
			p.any("action", " %s", strconv.Itoa(r.action))
		}
	}
	if g.Details > 0 && a.has(unix.FRA_PROTOCOL) {
		p.any("protocol", " proto %s", protocols.name(int(a.u8(unix.FRA_PROTOCOL))))
	}
	p.fp("\n")
	p.close("")
}

// matches is the selector part of iprule's filter_nlmsg: a prefix must
// cover the rule's, names and marks must be equal.
func (r *ruleView) matches(from, to *net.IPNet, iif, oif string, mark, mask int64, not bool) bool {
	same := func(p *net.IPNet, t uint16, plen int) bool {
		if p == nil {
			return true
		}
		l, _ := p.Mask.Size()
		if l == 0 {
			return true
		}
		v, ok := r.attrs[t]
		return ok && plen >= l && p.Contains(net.IP(v))
	}
	if !same(from, unix.FRA_SRC, r.srcLen) || !same(to, unix.FRA_DST, r.dstLen) {
		return false
	}
	if iif != "" && r.attrs.str(unix.FRA_IIFNAME) != iif || oif != "" && r.attrs.str(unix.FRA_OIFNAME) != oif {
		return false
	}
	if mark >= 0 && (!r.attrs.has(unix.FRA_FWMARK) || int64(r.attrs.u32(unix.FRA_FWMARK)) != mark) {
		return false
	}
	if mask >= 0 && (!r.attrs.has(unix.FRA_FWMASK) || int64(r.attrs.u32(unix.FRA_FWMASK)) != mask) {
		return false
	}
	return !not || r.flags&fibRuleInvert != 0
}
