package iproute

import (
	"encoding/binary"
	"fmt"
	"net"
	"strconv"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

func u8Attr(t int, v uint64) *nl.RtAttr { return nl.NewRtAttr(t, []byte{uint8(v)}) }
func u16Attr(t int, v uint64) *nl.RtAttr {
	return nl.NewRtAttr(t, binary.LittleEndian.AppendUint16(nil, uint16(v)))
}
func u32Attr(t int, v uint64) *nl.RtAttr {
	return nl.NewRtAttr(t, binary.LittleEndian.AppendUint32(nil, uint32(v)))
}
func be16Attr(t int, v uint64) *nl.RtAttr {
	return nl.NewRtAttr(t, binary.BigEndian.AppendUint16(nil, uint16(v)))
}
func be32Attr(t int, v uint64) *nl.RtAttr {
	return nl.NewRtAttr(t, binary.BigEndian.AppendUint32(nil, uint32(v)))
}

// needIPv4 reads an IPv4 address argument of keyword.
func needIPv4(a *builtins.Args, keyword string) (net.IP, error) {
	s, err := a.Need(keyword)
	if err != nil {
		return nil, err
	}
	ip := builtins.ParseIP(s)
	if ip == nil || len(ip) != net.IPv4len {
		return nil, invarg(fmt.Sprintf("invalid %q address", keyword), s)
	}
	return ip, nil
}

// needIndex reads a device name argument and returns its index.
func needIndex(h *netlink.Handle, a *builtins.Args, keyword string) (uint64, error) {
	s, err := a.Need(keyword)
	if err != nil {
		return 0, err
	}
	if err := builtins.ValidIfName(s); err != nil {
		return 0, err
	}
	l, err := linkByName(h, s)
	if err != nil {
		return 0, err
	}
	return uint64(l.Attrs().Index), nil
}

// VLAN attributes (linux/if_link.h).
const (
	iflaVlanID       = 1
	iflaVlanFlags    = 2
	iflaVlanProtocol = 5
)

// parseVlan is vlan_parse_opt (ip/iplink_vlan.c): id, protocol and the
// on/off flags.
func parseVlan(_ *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
	var out []*nl.RtAttr
	var flags, mask uint32
	flagBits := map[string]uint32{"reorder_hdr": 0x1, "gvrp": 0x2, "loose_binding": 0x4, "mvrp": 0x8, "bridge_binding": 0x10}
	idSeen := false
	for a.More() {
		w, _ := a.Next()
		switch {
		case w == "id":
			n, err := needUint(a, "id", 12)
			if err != nil {
				return nil, err
			}
			out = append(out, u16Attr(iflaVlanID, n))
			idSeen = true
		case w == "protocol":
			p, err := a.Need(w)
			if err != nil {
				return nil, err
			}
			var v uint64
			switch p {
			case "802.1Q", "802.1q":
				v = 0x8100
			case "802.1ad", "802.1AD":
				v = 0x88a8
			default:
				return nil, invarg("protocol is invalid", p)
			}
			out = append(out, be16Attr(iflaVlanProtocol, v))
		case flagBits[w] != 0:
			on, err := onOff(a, w)
			if err != nil {
				return nil, err
			}
			mask |= flagBits[w]
			if *on {
				flags |= flagBits[w]
			} else {
				flags &^= flagBits[w]
			}
		default:
			return nil, fmt.Errorf("vlan: unknown command %q?", w)
		}
	}
	if mask != 0 {
		b := binary.LittleEndian.AppendUint32(nil, flags)
		out = append(out, nl.NewRtAttr(iflaVlanFlags, binary.LittleEndian.AppendUint32(b, mask)))
	}
	if !idSeen {
		return nil, fmt.Errorf("8021q: VLAN id must be specified")
	}
	return out, nil
}

// Bond attributes (linux/if_link.h IFLA_BOND_*).
const (
	iflaBondMode            = 1
	iflaBondMiimon          = 3
	iflaBondUpdelay         = 4
	iflaBondDowndelay       = 5
	iflaBondUseCarrier      = 6
	iflaBondArpInterval     = 7
	iflaBondPrimaryReselect = 12
	iflaBondFailOverMac     = 13
	iflaBondXmitHashPolicy  = 14
	iflaBondResendIgmp      = 15
	iflaBondAllSlavesActive = 17
	iflaBondMinLinks        = 18
	iflaBondPacketsPerSlave = 20
	iflaBondAdLacpRate      = 21
	iflaBondAdSelect        = 22
)

// bondNames are the named values of bond options (ip/iplink_bond.c).
var bondNames = map[string][]string{
	"mode":             {"balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"},
	"xmit_hash_policy": {"layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4", "vlan+srcmac"},
	"lacp_rate":        {"slow", "fast"},
	"ad_select":        {"stable", "bandwidth", "count"},
	"primary_reselect": {"always", "better", "failure"},
	"fail_over_mac":    {"none", "active", "follow"},
}

// parseBond is bond_parse_opt for the common options.
func parseBond(_ *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
	type opt struct {
		attr int
		size int
	}
	opts := map[string]opt{
		"mode": {iflaBondMode, 8}, "miimon": {iflaBondMiimon, 32}, "updelay": {iflaBondUpdelay, 32},
		"downdelay": {iflaBondDowndelay, 32}, "use_carrier": {iflaBondUseCarrier, 8},
		"arp_interval": {iflaBondArpInterval, 32}, "primary_reselect": {iflaBondPrimaryReselect, 8},
		"fail_over_mac": {iflaBondFailOverMac, 8}, "xmit_hash_policy": {iflaBondXmitHashPolicy, 8},
		"resend_igmp": {iflaBondResendIgmp, 32}, "all_slaves_active": {iflaBondAllSlavesActive, 8},
		"min_links": {iflaBondMinLinks, 32}, "packets_per_slave": {iflaBondPacketsPerSlave, 32},
		"lacp_rate": {iflaBondAdLacpRate, 8}, "ad_select": {iflaBondAdSelect, 8},
	}
	var out []*nl.RtAttr
	for a.More() {
		w, _ := a.Next()
		o, ok := opts[w]
		if !ok {
			return nil, fmt.Errorf("bond: unknown command %q?", w)
		}
		s, err := a.Need(w)
		if err != nil {
			return nil, err
		}
		n, perr := strconv.ParseUint(s, 0, o.size)
		if names, named := bondNames[w]; named {
			found := false
			for i, name := range names {
				if name == s {
					n, found = uint64(i), true
				}
			}
			if !found && perr != nil {
				return nil, invarg(fmt.Sprintf("invalid %s", w), s)
			}
		} else if perr != nil {
			return nil, invarg(fmt.Sprintf("invalid %s", w), s)
		}
		switch o.size {
		case 8:
			out = append(out, u8Attr(o.attr, n))
		default:
			out = append(out, u32Attr(o.attr, n))
		}
	}
	return out, nil
}

// parseVrf is vrf_parse_opt: "table ID" (required).
func parseVrf(_ *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
	var out []*nl.RtAttr
	for a.More() {
		w, _ := a.Next()
		if w != "table" {
			return nil, fmt.Errorf("vrf: unknown option %q?", w)
		}
		s, err := a.Need(w)
		if err != nil {
			return nil, err
		}
		t, err := tables.parse("table", s, 1<<32-1)
		if err != nil {
			return nil, err
		}
		out = append(out, u32Attr(1 /* IFLA_VRF_TABLE */, uint64(t)))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("vrf: table is required")
	}
	return out, nil
}

// GRE attributes (linux/if_tunnel.h IFLA_GRE_*).
const (
	iflaGreLink       = 1
	iflaGreIflags     = 2
	iflaGreOflags     = 3
	iflaGreIkey       = 4
	iflaGreOkey       = 5
	iflaGreLocal      = 6
	iflaGreRemote     = 7
	iflaGreTTL        = 8
	iflaGreTOS        = 9
	iflaGrePmtudisc   = 10
	iflaGreEncapType  = 14
	iflaGreEncapFlags = 15
	iflaGreEncapSport = 16
	iflaGreEncapDport = 17
	iflaGreFwmark     = 20
	greKeyFlag        = 0x2000 // GRE_KEY, big endian on the wire
)

// tunnelOpts are the options gre_parse_opt (ip/link_gre.c) and
// iptunnel_parse_opt (ip/link_iptnl.c) read alike: remote, local, ttl,
// tos, dev and [no]pmtudisc.
type tunnelOpts struct {
	local, remote  net.IP
	link, ttl, tos uint64
	pmtudisc       uint64
}

// parse reads option w if it is one of tunnelOpts' (ok true), with its
// argument from a.
func (o *tunnelOpts) parse(h *netlink.Handle, a *builtins.Args, w string) (ok bool, err error) {
	switch w {
	case "remote":
		o.remote, err = needIPv4(a, w)
	case "local":
		o.local, err = needIPv4(a, w)
	case "ttl", "hoplimit":
		o.ttl, err = needUint(a, w, 8)
	case "tos", "dsfield":
		o.tos, err = needUint(a, w, 8)
	case "dev":
		o.link, err = needIndex(h, a, w)
	case "pmtudisc":
		o.pmtudisc = 1
	case "nopmtudisc":
		o.pmtudisc = 0
	default:
		return false, nil
	}
	return true, err
}

// parseGre is gre_parse_opt (ip/link_gre.c) for remote, local, ttl, tos,
// key/ikey/okey, dev and [no]pmtudisc: it always sends keys, flags,
// pmtudisc, ttl, tos, fwmark and the encapsulation, as iproute2 does.
func parseGre(c *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
	var ikey, okey, iflags, oflags uint64
	o := tunnelOpts{pmtudisc: 1}
	for a.More() {
		w, _ := a.Next()
		var err error
		key := func() (uint64, error) {
			s, err := a.Need(w)
			if err != nil {
				return 0, err
			}
			if ip := builtins.ParseIP(s); len(ip) == net.IPv4len {
				return uint64(binary.BigEndian.Uint32(ip)), nil
			}
			n, perr := strconv.ParseUint(s, 0, 32)
			if perr != nil {
				return 0, invarg("invalid value for \"key\"", s)
			}
			return n, nil
		}
		switch w {
		case "key":
			if ikey, err = key(); err == nil {
				okey = ikey
				iflags |= greKeyFlag
				oflags |= greKeyFlag
			}
		case "ikey":
			ikey, err = key()
			iflags |= greKeyFlag
		case "okey":
			okey, err = key()
			oflags |= greKeyFlag
		default:
			var ok bool
			switch ok, err = o.parse(c.h, a, w); {
			case !ok:
				err = fmt.Errorf("gre: unknown command %q?", w)
			case err == nil && (w == "ttl" || w == "hoplimit") && o.ttl != 0:
				o.pmtudisc = 1
			}
		}
		if err != nil {
			return nil, err
		}
	}
	out := []*nl.RtAttr{
		be32Attr(iflaGreIkey, ikey), be32Attr(iflaGreOkey, okey),
		be16Attr(iflaGreIflags, iflags), be16Attr(iflaGreOflags, oflags),
	}
	if o.local != nil {
		out = append(out, nl.NewRtAttr(iflaGreLocal, o.local))
	}
	if o.remote != nil {
		out = append(out, nl.NewRtAttr(iflaGreRemote, o.remote))
	}
	out = append(out, u8Attr(iflaGrePmtudisc, o.pmtudisc), u8Attr(iflaGreTOS, o.tos))
	if o.link != 0 {
		out = append(out, u32Attr(iflaGreLink, o.link))
	}
	out = append(out, u8Attr(iflaGreTTL, o.ttl), u32Attr(iflaGreFwmark, 0),
		u16Attr(iflaGreEncapType, 0), u16Attr(iflaGreEncapFlags, 0),
		be16Attr(iflaGreEncapSport, 0), be16Attr(iflaGreEncapDport, 0))
	return out, nil
}

// IP tunnel attributes (linux/if_tunnel.h IFLA_IPTUN_*).
const (
	iflaIptunLink       = 1
	iflaIptunLocal      = 2
	iflaIptunRemote     = 3
	iflaIptunTTL        = 4
	iflaIptunTOS        = 5
	iflaIptunProto      = 9
	iflaIptunPmtudisc   = 10
	iflaIptunEncapType  = 15
	iflaIptunEncapFlags = 16
	iflaIptunEncapSport = 17
	iflaIptunEncapDport = 18
	iflaIptunFwmark     = 20
)

// parseIptun is iptunnel_parse_opt (ip/link_iptnl.c) for ipip: remote,
// local, ttl, tos, dev and [no]pmtudisc, with iproute2's defaults.
func parseIptun(c *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
	o := tunnelOpts{pmtudisc: 1}
	for a.More() {
		w, _ := a.Next()
		ok, err := o.parse(c.h, a, w)
		if !ok {
			err = fmt.Errorf("ipip: unknown command %q?", w)
		}
		if err != nil {
			return nil, err
		}
	}
	out := []*nl.RtAttr{u8Attr(iflaIptunProto, 0)}
	if o.local != nil {
		out = append(out, nl.NewRtAttr(iflaIptunLocal, o.local))
	}
	if o.remote != nil {
		out = append(out, nl.NewRtAttr(iflaIptunRemote, o.remote))
	}
	out = append(out, u8Attr(iflaIptunPmtudisc, o.pmtudisc), u8Attr(iflaIptunTOS, o.tos), u8Attr(iflaIptunTTL, o.ttl),
		u32Attr(iflaIptunLink, o.link), u32Attr(iflaIptunFwmark, 0),
		u16Attr(iflaIptunEncapType, 0), u16Attr(iflaIptunEncapFlags, 0),
		be16Attr(iflaIptunEncapSport, 0), be16Attr(iflaIptunEncapDport, 0))
	return out, nil
}

// parseIpvlan is ipvlan_parse_opt: "mode l2|l3|l3s [bridge|private|vepa]".
func parseIpvlan(_ *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
	var out []*nl.RtAttr
	var flags uint64
	flagSeen := false
	for a.More() {
		w, _ := a.Next()
		switch w {
		case "mode":
			m, err := a.Need(w)
			if err != nil {
				return nil, err
			}
			modes := map[string]uint64{"l2": 0, "l3": 1, "l3s": 2}
			n, ok := modes[m]
			if !ok {
				return nil, fmt.Errorf("Error: argument of \"mode\" must be \"l2\", \"l3\" or \"l3s\"")
			}
			out = append(out, u16Attr(1 /* IFLA_IPVLAN_MODE */, n))
		case "bridge":
			flags, flagSeen = 0, true
		case "private":
			flags, flagSeen = 1, true
		case "vepa":
			flags, flagSeen = 2, true
		default:
			return nil, fmt.Errorf("ipvlan: unknown command %q?", w)
		}
	}
	if len(out) > 0 || flagSeen {
		out = append(out, u16Attr(2 /* IFLA_IPVLAN_FLAGS */, flags))
	}
	return out, nil
}

// parseGeneve is geneve_parse_opt (ip/iplink_geneve.c) for id, remote,
// ttl, tos and dstport.
func parseGeneve(_ *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
	var remote net.IP
	var id, ttl, tos, port uint64
	idSeen, portSeen := false, false
	for a.More() {
		w, _ := a.Next()
		var err error
		switch w {
		case "id", "vni":
			id, err = needUint(a, "id", 24)
			idSeen = true
		case "remote":
			remote, err = needIPv4(a, w)
		case "ttl", "hoplimit":
			ttl, err = needUint(a, w, 8)
		case "tos":
			tos, err = needUint(a, w, 8)
		case "dstport":
			port, err = needUint(a, w, 16)
			portSeen = true
		default:
			err = fmt.Errorf("geneve: unknown command %q?", w)
		}
		if err != nil {
			return nil, err
		}
	}
	if !idSeen {
		return nil, fmt.Errorf("geneve: missing virtual network identifier")
	}
	out := []*nl.RtAttr{u32Attr(1 /* IFLA_GENEVE_ID */, id)}
	if remote != nil {
		out = append(out, nl.NewRtAttr(2 /* IFLA_GENEVE_REMOTE */, remote))
	}
	out = append(out, be32Attr(11 /* IFLA_GENEVE_LABEL */, 0), u8Attr(3 /* IFLA_GENEVE_TTL */, ttl), u8Attr(4 /* IFLA_GENEVE_TOS */, tos))
	if portSeen {
		out = append(out, be16Attr(5 /* IFLA_GENEVE_PORT */, port))
	}
	return out, nil
}

// baseAttrs are the IFLA_MTU, IFLA_ADDRESS, IFLA_BROADCAST and
// IFLA_TXQLEN attributes r asks for.
func (r *linkReq) baseAttrs() []*nl.RtAttr {
	var out []*nl.RtAttr
	if r.mtu >= 0 {
		out = append(out, u32Attr(unix.IFLA_MTU, uint64(r.mtu)))
	}
	if r.addr != nil {
		out = append(out, nl.NewRtAttr(unix.IFLA_ADDRESS, r.addr))
	}
	if r.brd != nil {
		out = append(out, nl.NewRtAttr(unix.IFLA_BROADCAST, r.brd))
	}
	if r.txqlen >= 0 {
		out = append(out, u32Attr(unix.IFLA_TXQLEN, uint64(r.txqlen)))
	}
	return out
}

// netnsAttr resolves the argument of "netns" (resolveNetns) and returns
// its IFLA_NET_NS_FD or IFLA_NET_NS_PID attribute; call done after the
// request.
func netnsAttr(env *builtins.Env, word string) (a *nl.RtAttr, done func(), err error) {
	t, err := resolveNetns(env, word)
	if err != nil {
		return nil, nil, err
	}
	attr, done, err := t.attr(env)
	if err != nil {
		return nil, nil, err
	}
	switch v := attr.(type) {
	case netlink.NsFd:
		return u32Attr(unix.IFLA_NET_NS_FD, uint64(v)), done, nil
	case netlink.NsPid:
		return u32Attr(unix.IFLA_NET_NS_PID, uint64(v)), done, nil
	}
	done()
	return nil, nil, fmt.Errorf("netns %q: no namespace", word)
}

// rawLinkAdd sends the RTM_NEWLINK of "ip link add" as iplink_modify
// builds it: ifinfomsg (IFF_UP for "up"), the generic attributes, then
// IFLA_LINKINFO li (see linkInfo), and IFLA_LINK last.
func rawLinkAdd(env *builtins.Env, g *Global, attrs netlink.LinkAttrs, r *linkReq, li *nl.RtAttr) error {
	req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK)
	msg := nl.NewIfInfomsg(ifiFamily(g))
	msg.Index = int32(r.index)
	msg.Flags, msg.Change = r.ifiFlags, r.ifiChange
	if r.up {
		msg.Flags |= unix.IFF_UP
		msg.Change |= unix.IFF_UP
	}
	req.AddData(msg)
	if attrs.Name != "" {
		req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(attrs.Name)))
	}
	for _, a := range r.baseAttrs() {
		req.AddData(a)
	}
	if r.numTx > 0 {
		req.AddData(u32Attr(unix.IFLA_NUM_TX_QUEUES, uint64(r.numTx)))
	}
	if r.numRx > 0 {
		req.AddData(u32Attr(unix.IFLA_NUM_RX_QUEUES, uint64(r.numRx)))
	}
	if r.group >= 0 {
		req.AddData(u32Attr(unix.IFLA_GROUP, uint64(r.group)))
	}
	if attrs.MasterIndex != 0 {
		req.AddData(u32Attr(unix.IFLA_MASTER, uint64(attrs.MasterIndex)))
	}
	if r.alias != nil {
		req.AddData(nl.NewRtAttr(unix.IFLA_IFALIAS, []byte(*r.alias)))
	}
	switch ns := attrs.Namespace.(type) {
	case netlink.NsFd:
		req.AddData(u32Attr(unix.IFLA_NET_NS_FD, uint64(ns)))
	case netlink.NsPid:
		req.AddData(u32Attr(unix.IFLA_NET_NS_PID, uint64(ns)))
	}
	for _, at := range r.extraAttrs(g) {
		req.AddData(at)
	}
	if r.addrGenMode >= 0 {
		req.AddData(addrGenModeAttr(r.addrGenMode))
	}
	req.AddData(li)
	if attrs.ParentIndex != 0 {
		req.AddData(u32Attr(unix.IFLA_LINK, uint64(attrs.ParentIndex)))
	}
	_, err := rawExecute(env, g.NS, req, 0)
	return err
}
