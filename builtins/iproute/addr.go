package iproute

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// addrVerbs is the verb table of "ip address" in iproute2's order
// (ip/ipaddress.c do_ipaddr): "ip a a" is add, "ip a s" show.
var addrVerbs = []string{"add", "change", "replace", "delete", "list", "show", "lst", "flush", "save", "showdump", "restore", "help"}

// cmdAddress is "ip address": add, change, replace, delete, show and
// flush.
func cmdAddress(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return linkShow(env, g, nil, false)
	}
	verb, ok := builtins.Match(args[0], addrVerbs...)
	if !ok && args[0] == "chg" {
		verb, ok = "change", true
	}
	if !ok {
		return builtins.Fail(255, "Command %q is unknown, try \"ip address help\".", args[0])
	}
	switch verb {
	case "add", "change", "replace", "delete":
		return addrModify(env, g, verb, args[1:])
	case "list", "show", "lst":
		return linkShow(env, g, args[1:], false)
	case "flush":
		return addrFlush(env, g, args[1:])
	case "help":
		fmt.Fprintln(env.Stdout, "Usage: ip address {add|change|replace|delete} IFADDR dev IFNAME [LIFETIME] [CONFFLAG-LIST]\n       ip address {show|flush} [ dev IFNAME ] [ scope SCOPE-ID ] [ up ]")
		return nil
	}
	return builtins.NotImplemented("ip address %s: not supported by nsh yet", verb)
}

// parsePrefix reads ADDR[/LEN] ("default"/"any"/"all" as the zero
// prefix of family). A bare address has the full length.
func parsePrefix(s string, family int) (*net.IPNet, error) {
	if s == "default" || s == "any" || s == "all" {
		if family == unix.AF_INET6 {
			return &net.IPNet{IP: net.IPv6zero, Mask: net.CIDRMask(0, 128)}, nil
		}
		return &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}, nil
	}
	addr, plen, hasLen := strings.Cut(s, "/")
	ip := builtins.ParseIP(addr)
	if ip == nil {
		return nil, builtins.Fail(1, "Error: %s prefix is expected rather than %q.", familyVerbose(family), s)
	}
	bits := 8 * len(ip)
	if family == unix.AF_INET && bits != 32 || family == unix.AF_INET6 && bits != 128 {
		return nil, builtins.Fail(1, "Error: %s prefix is expected rather than %q.", familyName(family), s)
	}
	l := bits
	if hasLen {
		var n int
		if _, err := fmt.Sscanf(plen, "%d", &n); err != nil || n < 0 || n > bits || fmt.Sprint(n) != plen {
			return nil, builtins.Fail(1, "Error: %s prefix is expected rather than %q.", familyVerbose(family), s)
		}
		l = n
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(l, bits)}, nil
}

// addrReq is what ipaddr_modify reads.
type addrReq struct {
	local    *net.IPNet
	hasLen   bool
	peer     *net.IPNet
	brd      string // "", "+", "-" or an address
	dev      string
	label    string
	scope    int // -1: default
	valid    int
	pref     int
	flags    int
	metric   int
	hasLifes bool
}

// parseAddrReq reads the arguments of "ip address add/del/change/replace".
func parseAddrReq(g *Global, args []string) (*addrReq, error) {
	r := &addrReq{scope: -1}
	a := builtins.NewArgs(args)
	family := g.Family
	lifetime := func(w string) (int, error) {
		s, err := a.Need(w)
		if err != nil {
			return 0, err
		}
		if s == "forever" {
			return 0xffffffff, nil
		}
		var n uint32
		if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
			return 0, invarg(fmt.Sprintf("%s value", w), s)
		}
		return int(n), nil
	}
	for a.More() {
		w, _ := a.Next()
		var err error
		switch {
		case w == "peer" || w == "remote":
			var s string
			if s, err = a.Need(w); err == nil {
				r.peer, err = parsePrefix(s, family)
			}
		case builtins.Is(w, "broadcast") || w == "brd":
			r.brd, err = a.Need(w)
		case builtins.Is(w, "anycast"):
			_, err = a.Need(w)
			if err == nil {
				err = builtins.NotImplemented("ip address ... anycast: not supported by nsh yet")
			}
		case w == "scope":
			var s string
			if s, err = a.Need(w); err == nil {
				r.scope, err = scopes.parse("scope", s, 255)
			}
		case w == "dev":
			if r.dev, err = a.Need(w); err == nil {
				err = builtins.ValidIfName(r.dev)
			}
		case w == "label":
			r.label, err = a.Need(w)
		case builtins.Is(w, "metric") || builtins.Is(w, "priority") || builtins.Is(w, "preference"):
			var n uint64
			n, err = needUint(a, w, 32)
			r.metric = int(n)
		case builtins.Is(w, "valid_lft"):
			r.valid, err = lifetime(w)
			r.hasLifes = true
		case builtins.Is(w, "preferred_lft"):
			r.pref, err = lifetime(w)
			r.hasLifes = true
		case w == "mngtmpaddr":
			r.flags |= unix.IFA_F_MANAGETEMPADDR
		case w == "nodad":
			r.flags |= unix.IFA_F_NODAD
		case w == "optimistic":
			r.flags |= unix.IFA_F_OPTIMISTIC
		case w == "noprefixroute":
			r.flags |= unix.IFA_F_NOPREFIXROUTE
		case w == "autojoin":
			r.flags |= unix.IFA_F_MCAUTOJOIN
		case w == "home":
			r.flags |= unix.IFA_F_HOMEADDRESS
		default:
			if builtins.Is(w, "local") {
				if w, err = a.Need(w); err != nil {
					return nil, err
				}
			}
			if r.local != nil {
				// nsh extension: "ip address add A/L IFNAME".
				if r.dev == "" && builtins.ParseIP(strings.Split(w, "/")[0]) == nil {
					if err = builtins.ValidIfName(w); err == nil {
						r.dev = w
					}
					break
				}
				return nil, builtins.Fail(255, "Error: either \"local\" is duplicate, or %q is a garbage.", w)
			}
			r.local, err = parsePrefix(w, family)
			r.hasLen = strings.Contains(w, "/")
			if err == nil && family == 0 {
				family = builtins.IPFamily(r.local.IP)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if r.dev == "" {
		return nil, fmt.Errorf("not enough information: \"dev\" argument is required")
	}
	if r.local == nil {
		return nil, fmt.Errorf("not enough information: an address is required")
	}
	return r, nil
}

// addrModify is "ip address add|change|replace|delete".
func addrModify(env *builtins.Env, g *Global, verb string, args []string) error {
	r, err := parseAddrReq(g, args)
	if err != nil {
		return err
	}
	h, l, err := handleLink(env, g.NS, r.dev)
	if err != nil {
		return err
	}
	ad := &netlink.Addr{IPNet: r.local, Label: r.label, Flags: r.flags}
	v4 := builtins.IPFamily(r.local.IP) == unix.AF_INET
	if r.peer != nil {
		ad.Peer = r.peer
		if !r.hasLen {
			// The peer's prefix length is the address's, as in iproute2.
			ad.IPNet = &net.IPNet{IP: r.local.IP, Mask: r.peer.Mask}
		}
	}
	if verb == "delete" && !r.hasLen && r.peer == nil {
		// iproute2's wildcard deletion: any prefix length of the address.
		if cur, err := builtins.Retry(func() ([]netlink.Addr, error) { return h.AddrList(l, 0) }); err == nil {
			for _, c := range cur {
				if builtins.IPFamily(c.IP) == builtins.IPFamily(r.local.IP) && c.IP.Equal(r.local.IP) {
					ad.IPNet = &net.IPNet{IP: r.local.IP, Mask: c.Mask}
					break
				}
			}
		}
	}
	switch {
	case !v4 && r.brd != "":
		return fmt.Errorf("broadcast can be set only for IPv4 addresses")
	case r.brd == "+" || r.brd == "-":
		plen := maskLen(ad.IPNet)
		if r.peer != nil {
			plen = maskLen(r.peer)
		}
		if plen <= 30 && verb != "delete" {
			b := make(net.IP, 4)
			m := net.CIDRMask(plen, 32)
			for i := range b {
				if r.brd == "+" {
					b[i] = ad.IP.To4()[i] | ^m[i]
				} else {
					b[i] = ad.IP.To4()[i] & m[i]
				}
			}
			ad.Broadcast = b
		}
	case r.brd != "":
		b := builtins.ParseIP(r.brd)
		if b == nil || builtins.IPFamily(b) != unix.AF_INET {
			return invarg("invalid broadcast address", r.brd)
		}
		ad.Broadcast = b
	}
	if v4 && ad.Broadcast == nil {
		// netlink would compute a broadcast address; iproute2 sets one
		// only for "brd +".
		ad.Broadcast = net.IPv4zero
	}
	if r.scope >= 0 {
		ad.Scope = r.scope
	} else if v4 && verb != "delete" && r.local.IP[0] == 127 {
		ad.Scope = unix.RT_SCOPE_HOST
	}
	if r.hasLifes {
		if r.valid == 0 && r.pref != 0 || r.pref > r.valid && r.valid != 0 {
			return fmt.Errorf("preferred_lft is greater than valid_lft")
		}
		ad.ValidLft, ad.PreferedLft = r.valid, r.pref
		if ad.ValidLft == 0 {
			ad.ValidLft = 0xffffffff
		}
		if ad.PreferedLft == 0 && !r.hasPref(args) {
			ad.PreferedLft = ad.ValidLft
		}
	}
	if r.metric != 0 {
		return builtins.NotImplemented("ip address ... metric: not supported by nsh yet")
	}
	switch {
	case builtins.IsMapped(ad.IP):
		err = addrRequest(env, g, verb, l, ad)
	case verb == "add":
		err = h.AddrAdd(l, ad)
	case verb == "change" || verb == "replace":
		err = h.AddrReplace(l, ad)
	case verb == "delete":
		err = h.AddrDel(l, ad)
	}
	if err != nil {
		local := prefixString(r.local)
		switch {
		case errors.Is(err, unix.EEXIST):
			return builtins.Rtnl(fmt.Errorf("%w: address %s is already assigned to %s", unix.EEXIST, local, r.dev))
		case errors.Is(err, unix.EADDRNOTAVAIL) && verb == "delete":
			return builtins.Rtnl(fmt.Errorf("%w: address %s is not assigned to %s", unix.EADDRNOTAVAIL, local, r.dev))
		}
		return builtins.Rtnl(fmt.Errorf("%w: ip address %s %s dev %s", err, verb, local, r.dev))
	}
	return nil
}

// prefixString writes ADDR/LEN with the address as iproute2 writes it.
func prefixString(p *net.IPNet) string {
	return fmt.Sprintf("%s/%d", builtins.FormatIP(p.IP), maskLen(p))
}

// addrRequest sends the RTM_NEWADDR or RTM_DELADDR of "ip address VERB"
// for an IPv6 address that is IPv4-mapped (::ffff:a.b.c.d), which
// package netlink would send as an IPv4 one (nl.GetIPFamily); the
// request is otherwise the one package netlink sends for IPv6 (addrHandle).
func addrRequest(env *builtins.Env, g *Global, verb string, l netlink.Link, ad *netlink.Addr) error {
	typ, flags := uint16(unix.RTM_NEWADDR), unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK
	switch verb {
	case "change", "replace":
		flags = unix.NLM_F_CREATE | unix.NLM_F_REPLACE | unix.NLM_F_ACK
	case "delete":
		typ, flags = unix.RTM_DELADDR, unix.NLM_F_ACK
	}
	req := nl.NewNetlinkRequest(int(typ), flags)
	msg := nl.NewIfAddrmsg(unix.AF_INET6)
	msg.Index = uint32(l.Attrs().Index)
	msg.Scope = uint8(ad.Scope)
	mask := ad.Mask
	if ad.Peer != nil {
		mask = ad.Peer.Mask
	}
	plen, _ := mask.Size()
	msg.Prefixlen = uint8(plen)
	if ad.Flags <= 0xff {
		msg.Flags = uint8(ad.Flags)
	}
	req.AddData(msg)
	local := ad.IP.To16()
	req.AddData(nl.NewRtAttr(unix.IFA_LOCAL, local))
	peer := local
	if ad.Peer != nil {
		peer = ad.Peer.IP.To16()
	}
	req.AddData(nl.NewRtAttr(unix.IFA_ADDRESS, peer))
	if ad.Flags > 0xff {
		b := make([]byte, 4)
		binary.NativeEndian.PutUint32(b, uint32(ad.Flags))
		req.AddData(nl.NewRtAttr(unix.IFA_FLAGS, b))
	}
	if ad.ValidLft > 0 || ad.PreferedLft > 0 {
		ci := nl.IfaCacheInfo{IfaCacheinfo: unix.IfaCacheinfo{Valid: uint32(ad.ValidLft), Prefered: uint32(ad.PreferedLft)}}
		req.AddData(nl.NewRtAttr(unix.IFA_CACHEINFO, ci.Serialize()))
	}
	_, err := rawExecute(env, g.NS, req, 0)
	return err
}

// hasPref reports whether preferred_lft was given.
func (r *addrReq) hasPref(args []string) bool {
	for _, a := range args {
		if builtins.Is(a, "preferred_lft") {
			return true
		}
	}
	return false
}

// addrFlush is "ip address flush [dev] X [scope S] [label L] [to P]".
func addrFlush(env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("flush requires arguments")
	}
	f, err := parseShowFilter(args)
	if err != nil {
		return err
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	var l netlink.Link
	if f.dev != "" {
		if l, err = h.LinkByName(f.dev); err != nil {
			return &builtins.Failure{Text: fmt.Sprintf("Device %q does not exist.", f.dev), Status: 1, Err: fmt.Errorf("%w: Device %q does not exist", unix.ENODEV, f.dev)}
		}
	}
	family := g.Family
	if family != unix.AF_INET && family != unix.AF_INET6 {
		family = 0
	}
	al, err := builtins.Retry(func() ([]netlink.Addr, error) { return h.AddrList(l, family) })
	if err != nil {
		return fmt.Errorf("dumping addresses: %w", err)
	}
	var up map[int]bool
	if f.up {
		links, err := builtins.Retry(h.LinkList)
		if err != nil {
			return err
		}
		up = map[int]bool{}
		for _, k := range links {
			up[k.Attrs().Index] = k.Attrs().RawFlags&unix.IFF_UP != 0
		}
	}
	for i := range al {
		a := &al[i]
		if f.scope >= 0 && a.Scope != f.scope || f.label != "" && a.Label != f.label ||
			f.to != nil && !prefixCovers(f.to, a.IPNet) || f.up && !up[a.LinkIndex] {
			continue
		}
		link := l
		if link == nil {
			attrs := netlink.NewLinkAttrs()
			attrs.Index = a.LinkIndex
			link = &netlink.Device{LinkAttrs: attrs}
		}
		if err := h.AddrDel(link, a); err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) {
			return fmt.Errorf("%w: flushing %s", err, a.IPNet)
		}
	}
	return nil
}
