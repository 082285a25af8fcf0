package iproute

import (
	"encoding/binary"
	"fmt"
	"net"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/spec"
)

// vxlanUsage is vxlan's print_explain (ip/iplink_vxlan.c), from the
// model.
func vxlanUsage() string { return strings.TrimSuffix(spec.Usage("type-vxlan"), "\n") }

// vxlanFlags are vxlan_parse_opt's keywords that take no argument and
// send one u8 attribute (GBP and GPE are empty flags), in its order of
// comparison: the first keyword a word abbreviates wins, so "no" is
// nolearning and "u" udpcsum. vnifilter and novnifilter are compared
// exactly.
var vxlanFlags = []struct {
	word  string
	attr  uint16
	value byte
	exact bool
}{
	{"nolearning", unix.IFLA_VXLAN_LEARNING, 0, false},
	{"learning", unix.IFLA_VXLAN_LEARNING, 1, false},
	{"noproxy", unix.IFLA_VXLAN_PROXY, 0, false},
	{"proxy", unix.IFLA_VXLAN_PROXY, 1, false},
	{"norsc", unix.IFLA_VXLAN_RSC, 0, false},
	{"rsc", unix.IFLA_VXLAN_RSC, 1, false},
	{"nol2miss", unix.IFLA_VXLAN_L2MISS, 0, false},
	{"l2miss", unix.IFLA_VXLAN_L2MISS, 1, false},
	{"nol3miss", unix.IFLA_VXLAN_L3MISS, 0, false},
	{"l3miss", unix.IFLA_VXLAN_L3MISS, 1, false},
	{"udpcsum", unix.IFLA_VXLAN_UDP_CSUM, 1, false},
	{"noudpcsum", unix.IFLA_VXLAN_UDP_CSUM, 0, false},
	{"udp6zerocsumtx", unix.IFLA_VXLAN_UDP_ZERO_CSUM6_TX, 1, false},
	{"noudp6zerocsumtx", unix.IFLA_VXLAN_UDP_ZERO_CSUM6_TX, 0, false},
	{"udp6zerocsumrx", unix.IFLA_VXLAN_UDP_ZERO_CSUM6_RX, 1, false},
	{"noudp6zerocsumrx", unix.IFLA_VXLAN_UDP_ZERO_CSUM6_RX, 0, false},
	{"remcsumtx", unix.IFLA_VXLAN_REMCSUM_TX, 1, false},
	{"noremcsumtx", unix.IFLA_VXLAN_REMCSUM_TX, 0, false},
	{"remcsumrx", unix.IFLA_VXLAN_REMCSUM_RX, 1, false},
	{"noremcsumrx", unix.IFLA_VXLAN_REMCSUM_RX, 0, false},
	{"external", unix.IFLA_VXLAN_COLLECT_METADATA, 1, false},
	{"noexternal", unix.IFLA_VXLAN_COLLECT_METADATA, 0, false},
	{"gbp", unix.IFLA_VXLAN_GBP, 0, false},
	{"gpe", unix.IFLA_VXLAN_GPE, 0, false},
	{"vnifilter", unix.IFLA_VXLAN_VNIFILTER, 1, true},
	{"novnifilter", unix.IFLA_VXLAN_VNIFILTER, 0, true},
}

// vxlanKeywords are the keywords with an argument, in vxlan_parse_opt's
// order of comparison, ahead of the flags.
var vxlanKeywords = []string{"id", "vni", "group", "remote", "local", "dev", "ttl", "hoplimit",
	"tos", "dsfield", "df", "label", "flowlabel", "ageing", "maxaddress", "port", "srcport", "dstport"}

// vxlanKeyword returns what word stands for in vxlan_parse_opt: a keyword
// with an argument, a flag (the index in vxlanFlags), "help", or "".
func vxlanKeyword(word string) (kw string, flag int) {
	for _, k := range vxlanKeywords {
		if builtins.Is(word, k) {
			return k, -1
		}
	}
	for i, f := range vxlanFlags {
		if f.exact && word == f.word || !f.exact && builtins.Is(word, f.word) {
			return f.word, i
		}
	}
	if builtins.Is(word, "help") {
		return "help", -1
	}
	return "", -1
}

// inetPrefix is the part of iproute2's inet_prefix that get_addr fills
// for vxlan: the family (0 until an address is read), the address bytes
// (none for "any") and the ADDRTYPE_* bits.
type inetPrefix struct {
	family int
	data   []byte
	flags  int
}

// ADDRTYPE_* of iproute2's include/utils.h.
const (
	addrtypeInet       = 1 << 1
	addrtypeUnspec     = 1 << 2
	addrtypeMulti      = 1 << 3
	addrtypeInetUnspec = addrtypeInet | addrtypeUnspec
	addrtypeInetMulti  = addrtypeInet | addrtypeMulti
)

func (p *inetPrefix) isInet() bool         { return p.flags&addrtypeInet != 0 }
func (p *inetPrefix) isInetMulti() bool    { return p.flags&addrtypeInetMulti == addrtypeInetMulti }
func (p *inetPrefix) isInetNotMulti() bool { return p.flags&addrtypeInetMulti == addrtypeInet }

// getAddr is iproute2's get_addr (lib/utils.c) for family 0, AF_INET or
// AF_INET6: "default", "any"/"all", an IPv6 address (with a colon) or an
// IPv4 one as get_addr_ipv4 reads it; its complaint exits 1.
func getAddr(arg string, family int) (inetPrefix, error) {
	p := inetPrefix{family: family}
	ok := true
	switch {
	case arg == "default":
		switch family {
		case unix.AF_INET:
			p.data = make([]byte, 4)
		case unix.AF_INET6:
			p.data = make([]byte, 16)
		}
	case arg == "all" || arg == "any":
	case strings.Contains(arg, ":"):
		p.family = unix.AF_INET6
		ip := net.ParseIP(arg)
		ok = (family == 0 || family == unix.AF_INET6) && ip != nil
		p.data = ip.To16()
	default:
		p.family = unix.AF_INET
		var b []byte
		b, ok = getAddrIPv4(arg)
		ok = ok && (family == 0 || family == unix.AF_INET)
		p.data = b
	}
	if !ok {
		name := "any valid"
		switch family {
		case unix.AF_INET:
			name = "inet"
		case unix.AF_INET6:
			name = "inet6"
		}
		return p, builtins.Fail(1, "Error: %s address is expected rather than \"%s\".", name, arg)
	}
	// set_address_type
	zero := func() bool {
		for _, c := range p.data {
			if c != 0 {
				return false
			}
		}
		return true
	}
	switch p.family {
	case unix.AF_INET:
		switch {
		case len(p.data) < 4 || p.data[0] == 0:
			p.flags |= addrtypeInetUnspec
		case p.data[0]&0xf0 == 0xe0:
			p.flags |= addrtypeInetMulti
		default:
			p.flags |= addrtypeInet
		}
	case unix.AF_INET6:
		switch {
		case zero():
			p.flags |= addrtypeInetUnspec
		case len(p.data) == 16 && p.data[0] == 0xff:
			p.flags |= addrtypeInetMulti
		default:
			p.flags |= addrtypeInet
		}
	}
	return p, nil
}

// vxlanFail is one of vxlan_parse_opt's own complaints (exit status 1),
// followed by the usage when usage is set.
func vxlanFail(usage bool, format string, a ...any) error {
	text := fmt.Sprintf(format, a...)
	if usage {
		text += "\n" + vxlanUsage()
	}
	return &builtins.Failure{Text: text, Status: 1}
}

// parseVxlan is vxlan_parse_opt (ip/iplink_vxlan.c, iproute2 6.1): every
// keyword, its abbreviations, duplicate checks and messages; for "ip
// link set" (c.set) neither the VNI nor the destination port is
// required, and learning is sent only when given.
func parseVxlan(c *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
	var out []*nl.RtAttr
	var saddr, daddr inetPrefix
	var vni, dstport uint64
	learning := byte(1)
	metadata, vnifilter := false, false
	seen := map[uint16]bool{}
	dup := func(attr uint16, key, arg string) error {
		if seen[attr] {
			return duparg2(key, arg)
		}
		seen[attr] = true
		return nil
	}
	for a.More() {
		w, _ := a.Next()
		kw, flag := vxlanKeyword(w)
		if flag >= 0 {
			f := vxlanFlags[flag]
			if err := dup(f.attr, w, w); err != nil {
				return nil, err
			}
			switch f.attr {
			case unix.IFLA_VXLAN_LEARNING:
				learning = f.value // sent after the loop
			case unix.IFLA_VXLAN_GBP, unix.IFLA_VXLAN_GPE:
				out = append(out, nl.NewRtAttr(int(f.attr), nil))
			default:
				if f.attr == unix.IFLA_VXLAN_COLLECT_METADATA {
					metadata = f.value == 1
					if metadata {
						learning = 0
					}
				}
				if f.attr == unix.IFLA_VXLAN_VNIFILTER && f.value == 1 {
					vnifilter = true
				}
				out = append(out, u8Attr(int(f.attr), uint64(f.value)))
			}
			continue
		}
		switch kw {
		case "":
			return nil, vxlanFail(true, "vxlan: unknown command \"%s\"?", w)
		case "help":
			return nil, vxlanFail(false, "%s", vxlanUsage())
		case "group", "remote":
			if kw == "group" && daddr.isInetNotMulti() || kw == "remote" && daddr.isInetMulti() {
				return nil, vxlanFail(false, "vxlan: both group and remote cannot be specified")
			}
		}
		s, err := a.Need(w)
		if err != nil {
			return nil, err
		}
		switch kw {
		case "id", "vni":
			if err := dup(unix.IFLA_VXLAN_ID, "id", s); err != nil {
				return nil, err
			}
			var ok bool
			if vni, ok = builtins.GetUint(s, 0, 1<<32-1); !ok || vni >= 1<<24 {
				return nil, invarg("invalid id", s)
			}
		case "group", "remote":
			if err := dup(unix.IFLA_VXLAN_GROUP, kw, s); err != nil {
				return nil, err
			}
			if daddr, err = getAddr(s, saddr.family); err != nil {
				return nil, err
			}
			if kw == "group" && !daddr.isInetMulti() || kw == "remote" && !daddr.isInetNotMulti() {
				return nil, invarg(fmt.Sprintf("invalid %s address", kw), s)
			}
		case "local":
			if err := dup(unix.IFLA_VXLAN_LOCAL, "local", s); err != nil {
				return nil, err
			}
			if saddr, err = getAddr(s, daddr.family); err != nil {
				return nil, err
			}
			if !saddr.isInetNotMulti() {
				return nil, invarg("invalid local address", s)
			}
		case "dev":
			if err := dup(unix.IFLA_VXLAN_LINK, "dev", s); err != nil {
				return nil, err
			}
			l, err := c.h.LinkByName(s)
			if err != nil {
				// exit(nodev(...)): nodev returns -1.
				return nil, &builtins.Failure{Text: fmt.Sprintf("Cannot find device \"%s\"", s), Status: 255, Err: errNoDevice(s)}
			}
			out = append(out, u32Attr(unix.IFLA_VXLAN_LINK, uint64(l.Attrs().Index)))
		case "ttl", "hoplimit":
			if err := dup(unix.IFLA_VXLAN_TTL, "ttl", s); err != nil {
				return nil, err
			}
			switch s {
			case "inherit":
				out = append(out, nl.NewRtAttr(unix.IFLA_VXLAN_TTL_INHERIT, nil))
			case "auto":
				out = append(out, u8Attr(unix.IFLA_VXLAN_TTL, 0))
			default:
				n, ok := builtins.GetUint(s, 0, 1<<32-1)
				if !ok {
					return nil, invarg("invalid TTL", s)
				}
				if n > 255 {
					return nil, invarg("TTL must be <= 255", s)
				}
				out = append(out, u8Attr(unix.IFLA_VXLAN_TTL, n))
			}
		case "tos", "dsfield":
			if err := dup(unix.IFLA_VXLAN_TOS, "tos", s); err != nil {
				return nil, err
			}
			tos := uint64(1)
			if s != "inherit" {
				var ok bool
				if tos, ok = dsfieldA2N(s); !ok {
					return nil, invarg("bad TOS value", s)
				}
			}
			out = append(out, u8Attr(unix.IFLA_VXLAN_TOS, tos))
		case "df":
			if err := dup(unix.IFLA_VXLAN_DF, "df", s); err != nil {
				return nil, err
			}
			df, ok := map[string]uint64{"unset": 0, "set": 1, "inherit": 2}[s]
			if !ok {
				return nil, invarg("DF must be 'unset', 'set' or 'inherit'", s)
			}
			out = append(out, u8Attr(unix.IFLA_VXLAN_DF, df))
		case "label", "flowlabel":
			if err := dup(unix.IFLA_VXLAN_LABEL, "flowlabel", s); err != nil {
				return nil, err
			}
			n, ok := builtins.GetUint(s, 0, 1<<32-1)
			if !ok || n&^0xfffff != 0 {
				return nil, invarg("invalid flowlabel", s)
			}
			out = append(out, be32Attr(unix.IFLA_VXLAN_LABEL, n))
		case "ageing":
			if err := dup(unix.IFLA_VXLAN_AGEING, "ageing", s); err != nil {
				return nil, err
			}
			var n uint64
			if s != "none" {
				var ok bool
				if n, ok = builtins.GetUint(s, 0, 1<<32-1); !ok {
					return nil, invarg("ageing timer", s)
				}
			}
			out = append(out, u32Attr(unix.IFLA_VXLAN_AGEING, n))
		case "maxaddress":
			if err := dup(unix.IFLA_VXLAN_LIMIT, "maxaddress", s); err != nil {
				return nil, err
			}
			var n uint64
			if s != "unlimited" {
				var ok bool
				if n, ok = builtins.GetUint(s, 0, 1<<32-1); !ok {
					return nil, invarg("max addresses", s)
				}
			}
			out = append(out, u32Attr(unix.IFLA_VXLAN_LIMIT, n))
		case "port", "srcport":
			if err := dup(unix.IFLA_VXLAN_PORT_RANGE, "srcport", s); err != nil {
				return nil, err
			}
			lo, ok := builtins.GetUint(s, 0, 0xffff)
			if !ok {
				return nil, invarg("min port", s)
			}
			s, err := a.Need(w)
			if err != nil {
				return nil, err
			}
			hi, ok := builtins.GetUint(s, 0, 0xffff)
			if !ok {
				return nil, invarg("max port", s)
			}
			if lo != 0 || hi != 0 {
				b := binary.BigEndian.AppendUint16(nil, uint16(lo))
				out = append(out, nl.NewRtAttr(unix.IFLA_VXLAN_PORT_RANGE, binary.BigEndian.AppendUint16(b, uint16(hi))))
			}
		case "dstport":
			if err := dup(unix.IFLA_VXLAN_PORT, "dstport", s); err != nil {
				return nil, err
			}
			var ok bool
			if dstport, ok = builtins.GetUint(s, 0, 0xffff); !ok {
				return nil, invarg("dst port", s)
			}
		}
	}
	switch {
	case !metadata && vnifilter:
		return nil, vxlanFail(false, "vxlan: vnifilter is valid only when 'external' is set")
	case metadata && seen[unix.IFLA_VXLAN_ID]:
		return nil, vxlanFail(false, "vxlan: both 'external' and vni cannot be specified")
	case !metadata && !vnifilter && !seen[unix.IFLA_VXLAN_ID] && !c.set:
		return nil, vxlanFail(false, "vxlan: missing virtual network identifier")
	case daddr.isInetMulti() && !seen[unix.IFLA_VXLAN_LINK]:
		return nil, vxlanFail(false, "vxlan: 'group' requires 'dev' to be specified")
	}
	switch {
	case !seen[unix.IFLA_VXLAN_PORT] && seen[unix.IFLA_VXLAN_GPE]:
		dstport = 4790
	case !seen[unix.IFLA_VXLAN_PORT] && !c.set && c.stderr != nil:
		fmt.Fprint(c.stderr, "vxlan: destination port not specified\n"+
			"Will use Linux kernel default (non-standard value)\n"+
			"Use 'dstport 4789' to get the IANA assigned value\n"+
			"Use 'dstport 0' to get default and quiet this message\n")
	}
	if seen[unix.IFLA_VXLAN_ID] {
		out = append(out, u32Attr(unix.IFLA_VXLAN_ID, vni))
	}
	selected := false
	if saddr.isInet() {
		t := unix.IFLA_VXLAN_LOCAL
		if saddr.family == unix.AF_INET6 {
			t = unix.IFLA_VXLAN_LOCAL6
		}
		out = append(out, nl.NewRtAttr(t, saddr.data))
		selected = true
	}
	if daddr.isInet() {
		t := unix.IFLA_VXLAN_GROUP
		if daddr.family == unix.AF_INET6 {
			t = unix.IFLA_VXLAN_GROUP6
		}
		out = append(out, nl.NewRtAttr(t, daddr.data))
		selected = true
	}
	if !selected {
		switch c.family {
		case unix.AF_INET:
			out = append(out, nl.NewRtAttr(unix.IFLA_VXLAN_GROUP, make([]byte, 4)))
		case unix.AF_INET6:
			out = append(out, nl.NewRtAttr(unix.IFLA_VXLAN_GROUP6, make([]byte, 16)))
		}
	}
	if !c.set || seen[unix.IFLA_VXLAN_LEARNING] {
		out = append(out, u8Attr(unix.IFLA_VXLAN_LEARNING, uint64(learning)))
	}
	if dstport != 0 {
		out = append(out, be16Attr(unix.IFLA_VXLAN_PORT, dstport))
	}
	return out, nil
}
