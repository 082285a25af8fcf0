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
	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/internal/rtnl"
)

// cmdAddress is "ip address": add, change, replace, delete, show and
// flush.
func cmdAddress(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return linkShow(env, g, nil, false)
	}
	verb, err := verbOf(env, "address", args[0])
	if err != nil {
		return err
	}
	if verb == "chg" {
		verb = "change"
	}
	switch verb {
	case "add", "change", "replace", "delete":
		return addrModify(env, g, verb, args[1:])
	case "list", "show", "lst":
		return linkShow(env, g, args[1:], false)
	case "flush":
		return addrFlush(env, g, args[1:])
	case "save":
		return addrSave(env, g, args[1:])
	case "showdump":
		return addrShowdump(env, g)
	case "restore":
		return addrRestore(env, g)
	}
	return builtins.NotImplemented("ip address %s: not supported by nsh yet", verb)
}

// parsePrefix reads ADDR[/LEN] as get_prefix does ("default"/"any"/"all"
// as the zero prefix of family; LEN a number or a dotted IPv4 mask). A
// bare address has the full length.
func parsePrefix(s string, family int) (*net.IPNet, error) {
	if s == "default" || s == "any" || s == "all" {
		if family == unix.AF_INET6 {
			return &net.IPNet{IP: net.IPv6zero, Mask: net.CIDRMask(0, 128)}, nil
		}
		return &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}, nil
	}
	bad := builtins.Fail(1, "Error: %s prefix is expected rather than %q.", familyVerbose(family), s)
	addr, plen, hasLen := strings.Cut(s, "/")
	ip := inetAddr(addr, family)
	if ip == nil {
		return nil, bad
	}
	bits := 8 * len(ip)
	l := bits
	if hasLen {
		n, ok := builtins.GetUint(plen, 0, 1<<32-1)
		if !ok {
			m := inetAddr(plen, unix.AF_INET)
			if m == nil {
				return nil, bad
			}
			ones, mbits := net.IPMask(m).Size()
			if mbits == 0 {
				return nil, bad
			}
			n = uint64(ones)
		}
		if n > uint64(bits) {
			return nil, bad
		}
		l = int(n)
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(l, bits)}, nil
}

// inetAddr is get_addr_1 for an IPv4 or IPv6 address of family (0:
// either): with a colon, an IPv6 address (inet_pton); else up to four
// dot-separated numbers of any base (strtoul), at most 255 each, the
// missing ones zero ("10" is 10.0.0.0). nil when it is not one.
func inetAddr(s string, family int) net.IP {
	if strings.Contains(s, ":") {
		if family != 0 && family != unix.AF_INET6 {
			return nil
		}
		ip := net.ParseIP(s)
		if ip == nil || strings.Contains(s, "%") {
			return nil
		}
		return ip.To16()
	}
	if family != 0 && family != unix.AF_INET {
		return nil
	}
	ip := make(net.IP, 4)
	cp := s
	for i := 0; i < 4; i++ {
		n, rest, ok := builtins.Strtoul(cp, 0)
		if !ok || n > 255 {
			return nil
		}
		ip[i] = byte(n)
		if rest == "" {
			return ip
		}
		if i == 3 || rest[0] != '.' {
			return nil
		}
		cp = rest[1:]
	}
	return ip
}

// addrReq is what ipaddr_modify reads.
type addrReq struct {
	local  *net.IPNet
	hasLen bool
	peer   *net.IPNet
	brd    string // "", "+", "-" or an address
	dev    string
	label  string
	scope  int // -1: default
	valid  int
	pref   int
	flags  int
	metric int
	// metricSet: "metric N" was given (IFA_RT_PRIORITY).
	metricSet bool
	anycast   net.IP
	hasLifes  bool
	// warnings are ipaddr_modify's about flags it does not set
	// (read-only ones, IPv6-only ones on other addresses).
	warnings []string
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
		case w == "anycast":
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			if r.anycast != nil {
				return nil, duparg("anycast", s)
			}
			var f int
			if r.anycast, f, err = addrOf(s, family); err == nil && family == 0 {
				family = f
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
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			var ok bool
			if n, ok = builtins.GetUint(s, 0, 1<<32-1); !ok {
				err = invarg("\"metric\" value is invalid\n", s)
			}
			r.metric, r.metricSet = int(n), true
		case builtins.Is(w, "valid_lft"):
			r.valid, err = lifetime(w)
			r.hasLifes = true
		case builtins.Is(w, "preferred_lft"):
			r.pref, err = lifetime(w)
			r.hasLifes = true
		case addrFlagIndex(w) >= 0:
			f := addrFlagNames[addrFlagIndex(w)]
			switch {
			case f.readonly:
				r.warnings = append(r.warnings, fmt.Sprintf("Warning: %s option is not mutable from userspace", f.name))
			case f.v6only && family != unix.AF_INET6:
				r.warnings = append(r.warnings, fmt.Sprintf("Warning: %s option can be set only for IPv6 addresses", f.name))
			default:
				r.flags |= f.bit
			}
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
	for _, w := range r.warnings {
		fmt.Fprintln(env.Stderr, w)
	}
	h, l, err := handleLink(env, g.NS, r.dev)
	if err != nil {
		return err
	}
	if r.flags&unix.IFA_F_MCAUTOJOIN != 0 && !r.local.IP.IsMulticast() {
		return builtins.Fail(1, "autojoin needs multicast address")
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
		b, _, err := addrOf(r.brd, unix.AF_INET)
		if err != nil {
			return err
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
	if env.State.Mode() != builtins.Apply {
		if err := env.Intend(addrIntent(g, h, l, ad, verb)); err != nil {
			return err
		}
	}
	raw := builtins.IsMapped(ad.IP) || r.metricSet || r.anycast != nil
	var ch *builtins.Change
	if !raw { // a raw request is recorded as it is sent (Env.Execute)
		ch, err = env.Change(journal.Record{Op: journal.OpAddr, NS: builtins.NSName(g.NS), Name: l.Attrs().Name, Verb: verb, Prefix: ad.IPNet.String()})
		if err != nil {
			return err
		}
	}
	switch {
	case raw:
		err = addrRequest(env, g, verb, l, ad, r)
	case verb == "add":
		err = h.AddrAdd(l, ad)
	case verb == "change" || verb == "replace":
		err = h.AddrReplace(l, ad)
	case verb == "delete":
		err = h.AddrDel(l, ad)
	}
	ch.Done(err)
	if err != nil {
		err = rtnl.FromHandle(err) // the kernel's message, if any, for Rtnl
		local := prefixString(r.local)
		switch {
		case errors.Is(err, unix.EEXIST):
			return builtins.Rtnl(fmt.Errorf("%w: address %s is already assigned to %s", err, local, r.dev))
		case errors.Is(err, unix.EADDRNOTAVAIL) && verb == "delete":
			return builtins.Rtnl(fmt.Errorf("%w: address %s is not assigned to %s", err, local, r.dev))
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
// as ipaddr_modify builds it, for what package netlink cannot send: an
// IPv4-mapped IPv6 address (::ffff:a.b.c.d, which netlink would send as
// IPv4), a route metric (IFA_RT_PRIORITY) or an anycast address.
func addrRequest(env *builtins.Env, g *Global, verb string, l netlink.Link, ad *netlink.Addr, r *addrReq) error {
	typ, flags := uint16(unix.RTM_NEWADDR), unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK
	switch verb {
	case "change", "replace":
		flags = unix.NLM_F_CREATE | unix.NLM_F_REPLACE | unix.NLM_F_ACK
	case "delete":
		typ, flags = unix.RTM_DELADDR, unix.NLM_F_ACK
	}
	fam := builtins.IPFamily(ad.IP)
	ip := func(a net.IP) []byte {
		if fam == unix.AF_INET6 {
			return a.To16()
		}
		return a.To4()
	}
	req := nl.NewNetlinkRequest(int(typ), flags)
	msg := nl.NewIfAddrmsg(fam)
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
	local := ip(ad.IP)
	req.AddData(nl.NewRtAttr(unix.IFA_LOCAL, local))
	peer := local
	if ad.Peer != nil {
		peer = ip(ad.Peer.IP)
	}
	req.AddData(nl.NewRtAttr(unix.IFA_ADDRESS, peer))
	if ad.Flags > 0xff {
		b := make([]byte, 4)
		binary.NativeEndian.PutUint32(b, uint32(ad.Flags))
		req.AddData(nl.NewRtAttr(unix.IFA_FLAGS, b))
	}
	if fam == unix.AF_INET && ad.Broadcast != nil && !ad.Broadcast.IsUnspecified() {
		req.AddData(nl.NewRtAttr(unix.IFA_BROADCAST, ad.Broadcast.To4()))
	}
	if r.anycast != nil {
		req.AddData(nl.NewRtAttr(unix.IFA_ANYCAST, ip(r.anycast)))
	}
	if ad.Label != "" {
		req.AddData(nl.NewRtAttr(unix.IFA_LABEL, nl.ZeroTerminated(ad.Label)))
	}
	if r.metricSet {
		req.AddData(nl.NewRtAttr(unix.IFA_RT_PRIORITY, u32(uint32(r.metric))))
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

// addrFlush is "ip address flush SELECTOR" (ipaddr_flush): rounds of
// one dump and the deletion of every address the selector matches, until
// a dump matches none (at most 10 rounds); "up" selects nothing when
// flushing, as in iproute2 6.1.
func addrFlush(env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return builtins.Fail(1, "Flush requires arguments.")
	}
	f, err := parseShowFilter(args)
	if err != nil {
		return err
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	if f.vrf {
		// get_filter's "vrf NAME" must name a VRF device, flushing too.
		if _, err := vrfMaster(h, f.master); err != nil {
			return err
		}
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
	const maxRounds = 10
	for round := 0; ; round++ {
		al, err := builtins.Retry(func() ([]netlink.Addr, error) { return h.AddrList(l, family) })
		if err != nil {
			return fmt.Errorf("dumping addresses: %w", err)
		}
		n := 0
		for i := range al {
			a := &al[i]
			if f.scope >= 0 && a.Scope != f.scope || f.label != "" && !labelMatch(f.label, a.Label) ||
				f.to != nil && !prefixCovers(f.to, a.IPNet) ||
				a.Flags&f.flagMask != f.flags {
				continue
			}
			link := l
			if link == nil {
				attrs := netlink.NewLinkAttrs()
				attrs.Index = a.LinkIndex
				link = &netlink.Device{LinkAttrs: attrs}
			}
			n++
			if err := h.AddrDel(link, a); err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) {
				return fmt.Errorf("%w: flushing %s", err, a.IPNet)
			}
		}
		if n == 0 {
			if g.Stats > 0 {
				if round == 0 {
					fmt.Fprintln(env.Stdout, "Nothing to flush.")
				} else {
					fmt.Fprintf(env.Stdout, "*** Flush is complete after %d round%s ***\n", round, map[bool]string{true: "s"}[round > 1])
				}
			}
			return nil
		}
		if g.Stats > 0 {
			fmt.Fprintf(env.Stdout, "\n*** Round %d, deleting %d addresses ***\n", round+1, n)
		}
		if round+1 == maxRounds {
			return builtins.Fail(1, "*** Flush remains incomplete after %d rounds. ***", maxRounds)
		}
	}
}

// addrIntent is the Intent of "ip address VERB" of ad on link l: under
// Ensure, an address of the same prefix on l is the one asked for (a
// delete: none is).
func addrIntent(g *Global, h *netlink.Handle, l netlink.Link, ad *netlink.Addr, verb string) builtins.Intent {
	it := builtins.Intent{Action: builtins.ActCreate, NS: g.NS,
		Object: fmt.Sprintf("address %s on %s", ad.IPNet, l.Attrs().Name)}
	switch verb {
	case "delete":
		it.Action = builtins.ActDelete
	case "change", "replace":
		it.Action = builtins.ActChange
	}
	it.Have = func() (bool, string, error) {
		fam := netlink.FAMILY_V4
		if ad.IP.To4() == nil {
			fam = netlink.FAMILY_V6
		}
		as, err := h.AddrList(l, fam)
		if err != nil {
			return false, "", err
		}
		for _, a := range as {
			if a.IPNet == nil || !a.IP.Equal(ad.IP) {
				continue
			}
			mo, _ := a.Mask.Size()
			mn, _ := ad.Mask.Size()
			switch {
			case verb == "delete":
				return false, "", nil
			case mo != mn && verb == "add":
				return false, fmt.Sprintf("its prefix length is %d, not %d", mo, mn), nil
			case mo != mn:
				return false, "", nil
			case ad.Peer != nil && (a.Peer == nil || !a.Peer.IP.Equal(ad.Peer.IP)):
				return false, "", nil
			case ad.Scope != 0 && a.Scope != ad.Scope:
				return false, "", nil
			}
			return true, "", nil
		}
		return verb == "delete", "", nil
	}
	return it
}
