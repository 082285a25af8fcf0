package iproute

import (
	"encoding/binary"
	"fmt"
	"net"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/ns"
)

// addrFlagNames is ifa_flag_data in iproute2's order: each flag's name,
// bit, whether userspace may not set it (readonly) and whether only IPv6
// addresses take it (v6only); v6 marks names printed only for IPv6
// ("temporary" shares its bit with "secondary").
var addrFlagNames = []struct {
	bit              int
	name             string
	v6               bool
	readonly, v6only bool
}{
	{unix.IFA_F_SECONDARY, "secondary", false, true, false},
	{unix.IFA_F_SECONDARY, "temporary", true, true, false},
	{unix.IFA_F_NODAD, "nodad", true, false, true},
	{unix.IFA_F_OPTIMISTIC, "optimistic", true, false, true},
	{unix.IFA_F_DADFAILED, "dadfailed", true, true, true},
	{unix.IFA_F_HOMEADDRESS, "home", true, false, true},
	{unix.IFA_F_DEPRECATED, "deprecated", true, true, true},
	{unix.IFA_F_TENTATIVE, "tentative", true, true, true},
	{unix.IFA_F_PERMANENT, "permanent", true, true, true},
	{unix.IFA_F_MANAGETEMPADDR, "mngtmpaddr", true, false, true},
	{unix.IFA_F_NOPREFIXROUTE, "noprefixroute", false, false, false},
	{unix.IFA_F_MCAUTOJOIN, "autojoin", false, false, false},
	{unix.IFA_F_STABLE_PRIVACY, "stable-privacy", true, true, true},
}

// addrFlagIndex is lookup_flag_data_by_name: the index of name in
// addrFlagNames, or -1.
func addrFlagIndex(name string) int {
	for i, f := range addrFlagNames {
		if f.name == name {
			return i
		}
	}
	return -1
}

// addrFilterFlag is get_filter: a flag word of "ip address show|flush"
// ("-FLAG" for its absence; "dynamic" and "primary" are "-permanent" and
// "-secondary"), as the bits it pins (mask) and their values.
func addrFilterFlag(w string) (mask, value int, ok bool) {
	inv := strings.HasPrefix(w, "-")
	w = strings.TrimPrefix(w, "-")
	switch w {
	case "dynamic":
		inv, w = !inv, "permanent"
	case "primary":
		inv, w = !inv, "secondary"
	}
	i := addrFlagIndex(w)
	if i < 0 {
		return 0, 0, false
	}
	mask = addrFlagNames[i].bit
	if !inv {
		value = mask
	}
	return mask, value, true
}

// addrFamily returns AF_INET or AF_INET6 for a.
func addrFamily(a *netlink.Addr) int { return builtins.IPFamily(a.IP) }

// printAddrFlags is print_ifa_flags.
func printAddrFlags(p *printer, a *netlink.Addr, family int) {
	flags := a.Flags
	for _, f := range addrFlagNames {
		if f.bit == unix.IFA_F_PERMANENT {
			if flags&f.bit == 0 {
				p.fp("dynamic ")
				p.js("dynamic", true)
			}
			flags &^= f.bit
			continue
		}
		if flags&f.bit == 0 {
			continue
		}
		if f.bit == unix.IFA_F_SECONDARY && f.v6 != (family == unix.AF_INET6) {
			continue
		}
		flags &^= f.bit
		p.fp("%s ", f.name)
		p.js(f.name, true)
	}
	if flags != 0 {
		p.any("flags", "flags %02x ", flags)
	}
}

// lifetime prints a valid/preferred lifetime as iproute2 does.
func printLifetime(p *printer, key, label string, v int) {
	p.js(key, uint32(v))
	if uint32(v) == 0xffffffff {
		p.fp("%s forever", label)
	} else {
		p.fp("%s %dsec", label, uint32(v))
	}
}

// printAddrs prints the address lines of one link (print_addrinfo) and
// closes the link's JSON object.
func printAddrs(p *printer, g *Global, v *linkView) {
	a := v.link.Attrs()
	p.openArray("addr_info", "")
	for i := range v.addrs {
		ad := &v.addrs[i]
		p.openObject("")
		var metric *uint32
		if m, ok := v.metrics[addrKey(a.Index, ad.IP, maskLen(ad.IPNet))]; ok {
			metric = &m
		}
		printAddrInfo(p, g, a.Index, a.Name, ad, metric)
		p.close("")
	}
	p.close("")
	if g.Stats > 0 && !(g.Oneline && !p.json) {
		printStats(p, g, v, false)
	}
	p.close("")
}

// printAddrInfo is print_addrinfo's text and members for one address
// of link index (named name), with its IFA_RT_PRIORITY if it has one.
func printAddrInfo(p *printer, g *Global, index int, name string, ad *netlink.Addr, metric *uint32) {
	fam := addrFamily(ad)
	if g.Oneline {
		p.fp("%d: %s", index, name)
	}
	p.any("family", "    %s ", familyName(fam))
	p.colorAny(familyColor(fam), "local", "%s", builtins.FormatIP(ad.IP))
	plen, _ := ad.Mask.Size()
	if ad.Peer != nil && !ad.Peer.IP.Equal(ad.IP) {
		p.fp(" peer ")
		p.colorAny(familyColor(fam), "address", "%s", builtins.FormatIP(ad.Peer.IP))
		plen, _ = ad.Peer.Mask.Size()
	}
	p.any("prefixlen", "/%d ", plen)
	if metric != nil {
		p.any("metric", "metric %d ", *metric)
	}
	if ad.Broadcast != nil && fam == unix.AF_INET {
		p.fp("brd ")
		p.colorAny(familyColor(fam), "broadcast", "%s ", ad.Broadcast.String())
	}
	p.any("scope", "scope %s ", scopes.name(ad.Scope))
	printAddrFlags(p, ad, fam)
	if ad.Label != "" && fam == unix.AF_INET {
		p.any("label", "%s", ad.Label)
	}
	p.fp("%s       ", p.sl)
	printLifetime(p, "valid_life_time", "valid_lft", ad.ValidLft)
	printLifetime(p, "preferred_life_time", " preferred_lft", ad.PreferedLft)
	p.fp("\n")
}

// addrOfMsg reads an RTM_NEWADDR message (struct ifaddrmsg and its
// attributes) as package netlink reads it, with its link index and
// IFA_RT_PRIORITY, if any.
func addrOfMsg(b []byte) (ad netlink.Addr, index int, metric *uint32) {
	if len(b) < unix.SizeofIfAddrmsg {
		return ad, 0, nil
	}
	fam, plen := int(b[0]), int(b[1])
	index = int(binary.NativeEndian.Uint32(b[4:8]))
	at := parseRattrs(b[unix.SizeofIfAddrmsg:])
	bits := 32
	if fam == unix.AF_INET6 {
		bits = 128
	}
	mask := net.CIDRMask(plen, bits)
	local, addr := at[unix.IFA_LOCAL], at[unix.IFA_ADDRESS]
	switch {
	case local != nil:
		ad.IPNet = &net.IPNet{IP: net.IP(local), Mask: mask}
		if addr != nil && !net.IP(addr).Equal(net.IP(local)) {
			ad.Peer = &net.IPNet{IP: net.IP(addr), Mask: mask}
		}
	case addr != nil:
		ad.IPNet = &net.IPNet{IP: net.IP(addr), Mask: mask}
	default:
		ad.IPNet = &net.IPNet{IP: make(net.IP, bits/8), Mask: mask}
	}
	if brd := at[unix.IFA_BROADCAST]; brd != nil {
		ad.Broadcast = net.IP(brd)
	}
	ad.Label = at.str(unix.IFA_LABEL)
	ad.Scope = int(b[3])
	ad.Flags = int(b[2])
	if at.has(unix.IFA_FLAGS) {
		ad.Flags = int(at.u32(unix.IFA_FLAGS))
	}
	ad.ValidLft, ad.PreferedLft = -1, -1
	if ci := at[unix.IFA_CACHEINFO]; len(ci) >= 8 {
		ad.PreferedLft = int(binary.NativeEndian.Uint32(ci[0:4]))
		ad.ValidLft = int(binary.NativeEndian.Uint32(ci[4:8]))
	}
	if at.has(unix.IFA_RT_PRIORITY) {
		m := uint32(at.u32(unix.IFA_RT_PRIORITY))
		metric = &m
	}
	return ad, index, metric
}

// printAddrBrief prints one line of "ip -br address".
func printAddrBrief(p *printer, g *Global, v *linkView) {
	printBriefHead(p, v)
	p.openArray("addr_info", "")
	for i := range v.addrs {
		ad := &v.addrs[i]
		plen, _ := ad.Mask.Size()
		p.openObject("")
		p.colorAny(familyColor(addrFamily(ad)), "local", "%s", builtins.FormatIP(ad.IP))
		if ad.Peer != nil && !ad.Peer.IP.Equal(ad.IP) {
			p.fp(" peer ")
			p.colorAny(familyColor(addrFamily(ad)), "address", "%s", builtins.FormatIP(ad.Peer.IP))
			plen = maskLen(ad.Peer)
		}
		p.any("prefixlen", "/%d ", plen)
		printAddrMetric(p, v, ad)
		p.close("")
	}
	p.close("")
	p.fp("\n")
	p.close("")
}

// printAddrMetric prints IFA_RT_PRIORITY of ad ("metric N"), which
// package netlink does not read (see addrMetrics).
func printAddrMetric(p *printer, v *linkView, ad *netlink.Addr) {
	if m, ok := v.metrics[addrKey(v.link.Attrs().Index, ad.IP, maskLen(ad.IPNet))]; ok {
		p.any("metric", "metric %d ", m)
	}
}

// addrKey names an address of a link for addrMetrics.
func addrKey(ifindex int, ip net.IP, plen int) string {
	return fmt.Sprintf("%d %s/%d", ifindex, builtins.FormatIP(ip), plen)
}

// addrMetrics dumps the addresses of family in r's namespace raw and
// returns the IFA_RT_PRIORITY of those that have one, by addrKey.
func addrMetrics(env *builtins.Env, r ns.Ref, family int) (map[string]uint32, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETADDR, unix.NLM_F_DUMP)
	req.AddData(nl.NewIfAddrmsg(family))
	msgs, err := rawExecute(env, r, req, unix.RTM_NEWADDR)
	if err != nil {
		return nil, fmt.Errorf("dumping addresses: %w", err)
	}
	m := map[string]uint32{}
	for _, b := range msgs {
		if len(b) < unix.SizeofIfAddrmsg {
			continue
		}
		at := parseRattrs(b[unix.SizeofIfAddrmsg:])
		if !at.has(unix.IFA_RT_PRIORITY) {
			continue
		}
		local := at[unix.IFA_LOCAL]
		if local == nil {
			local = at[unix.IFA_ADDRESS]
		}
		ifindex := int(binary.NativeEndian.Uint32(b[4:8]))
		m[addrKey(ifindex, net.IP(local), int(b[1]))] = uint32(at.u32(unix.IFA_RT_PRIORITY))
	}
	return m, nil
}

// maskLen is the prefix length of n.
func maskLen(n *net.IPNet) int {
	l, _ := n.Mask.Size()
	return l
}
