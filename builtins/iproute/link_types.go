package iproute

import (
	"fmt"
	"net"
	"strconv"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/builtins"
)

// linkTypes are the "type" words nsh knows; any other is passed to the
// kernel as a kind without arguments, as iproute2 does for types it has
// no parser for.
var linkTypes = []string{"veth", "bridge", "dummy", "macvlan", "macvtap", "vxlan", "ifb", "vlan", "bond", "vrf"}

// buildLink returns the netlink.Link of "ip link add ... type T ARGS" for
// every type but veth.
func buildLink(h *netlink.Handle, attrs netlink.LinkAttrs, r *linkReq) (netlink.Link, error) {
	a := builtins.NewArgs(r.typeArgs)
	unexpected := func(w string) error {
		return fmt.Errorf("%s: unknown argument %q", r.typ, w)
	}
	switch r.typ {
	case "dummy", "ifb":
		if a.More() {
			return nil, unexpected(a.Peek())
		}
		if r.typ == "dummy" {
			return &netlink.Dummy{LinkAttrs: attrs}, nil
		}
		return &netlink.Ifb{LinkAttrs: attrs}, nil
	case "bridge":
		return buildBridge(attrs, a)
	case "macvlan", "macvtap":
		mode := netlink.MACVLAN_MODE_DEFAULT
		for a.More() {
			w, _ := a.Next()
			if w != "mode" {
				return nil, unexpected(w)
			}
			m, err := a.Need("mode")
			if err != nil {
				return nil, err
			}
			modes := map[string]netlink.MacvlanMode{
				"private": netlink.MACVLAN_MODE_PRIVATE, "vepa": netlink.MACVLAN_MODE_VEPA,
				"bridge": netlink.MACVLAN_MODE_BRIDGE, "passthru": netlink.MACVLAN_MODE_PASSTHRU,
				"source": netlink.MACVLAN_MODE_SOURCE,
			}
			var ok bool
			if mode, ok = modes[m]; !ok {
				return nil, builtins.Unknown(r.typ+" mode", m, []string{"private", "vepa", "bridge", "passthru", "source"})
			}
		}
		if attrs.ParentIndex == 0 {
			return nil, fmt.Errorf("%s: \"link\" is required (ip link add link DEV name NAME type %s)", r.typ, r.typ)
		}
		mv := netlink.Macvlan{LinkAttrs: attrs, Mode: mode}
		if r.typ == "macvtap" {
			return &netlink.Macvtap{Macvlan: mv}, nil
		}
		return &mv, nil
	case "vxlan":
		return buildVxlan(h, attrs, a)
	case "vlan":
		v := &netlink.Vlan{LinkAttrs: attrs, VlanId: -1}
		for a.More() {
			w, _ := a.Next()
			switch w {
			case "id":
				n, err := needUint(a, "id", 12)
				if err != nil {
					return nil, err
				}
				v.VlanId = int(n)
			case "protocol":
				p, err := a.Need(w)
				if err != nil {
					return nil, err
				}
				switch p {
				case "802.1Q", "802.1q":
					v.VlanProtocol = netlink.VLAN_PROTOCOL_8021Q
				case "802.1ad", "802.1AD":
					v.VlanProtocol = netlink.VLAN_PROTOCOL_8021AD
				default:
					return nil, invarg("protocol is invalid", p)
				}
			default:
				return nil, unexpected(w)
			}
		}
		if v.VlanId < 0 {
			return nil, fmt.Errorf("vlan: \"id\" is required")
		}
		if attrs.ParentIndex == 0 {
			return nil, fmt.Errorf("vlan: \"link\" is required")
		}
		return v, nil
	case "bond":
		b := netlink.NewLinkBond(attrs)
		for a.More() {
			w, _ := a.Next()
			switch w {
			case "mode":
				m, err := a.Need(w)
				if err != nil {
					return nil, err
				}
				mode := netlink.StringToBondMode(m)
				if mode == netlink.BOND_MODE_UNKNOWN {
					if n, err := strconv.Atoi(m); err == nil && n >= 0 && n <= 6 {
						mode = netlink.BondMode(n)
					} else {
						return nil, invarg("invalid mode", m)
					}
				}
				b.Mode = mode
			case "miimon":
				n, err := needUint(a, w, 31)
				if err != nil {
					return nil, err
				}
				b.Miimon = int(n)
			default:
				return nil, unexpected(w)
			}
		}
		return b, nil
	case "vrf":
		v := &netlink.Vrf{LinkAttrs: attrs}
		seen := false
		for a.More() {
			w, _ := a.Next()
			if w != "table" {
				return nil, unexpected(w)
			}
			t, err := a.Need(w)
			if err != nil {
				return nil, err
			}
			n, err := tables.parse("table", t, 1<<32-1)
			if err != nil {
				return nil, err
			}
			v.Table, seen = uint32(n), true
		}
		if !seen {
			return nil, fmt.Errorf("vrf: \"table\" is required")
		}
		return v, nil
	}
	if a.More() {
		return nil, fmt.Errorf("type %s: arguments are not supported by nsh yet", r.typ)
	}
	return &netlink.GenericLink{LinkAttrs: attrs, LinkType: r.typ}, nil
}

// buildBridge reads the bridge options netlink can send.
func buildBridge(attrs netlink.LinkAttrs, a *builtins.Args) (netlink.Link, error) {
	b := &netlink.Bridge{LinkAttrs: attrs}
	for a.More() {
		w, _ := a.Next()
		switch w {
		case "ageing_time", "hello_time":
			n, err := needUint(a, w, 32)
			if err != nil {
				return nil, err
			}
			v := uint32(n)
			if w == "ageing_time" {
				b.AgeingTime = &v
			} else {
				b.HelloTime = &v
			}
		case "mcast_snooping", "vlan_filtering":
			n, err := needUint(a, w, 1)
			if err != nil {
				return nil, err
			}
			v := n == 1
			if w == "mcast_snooping" {
				b.MulticastSnooping = &v
			} else {
				b.VlanFiltering = &v
			}
		case "vlan_default_pvid", "group_fwd_mask":
			n, err := needUint(a, w, 16)
			if err != nil {
				return nil, err
			}
			v := uint16(n)
			if w == "group_fwd_mask" {
				b.GroupFwdMask = &v
			} else {
				b.VlanDefaultPVID = &v
			}
		case "stp_state", "forward_delay", "max_age", "priority":
			return nil, fmt.Errorf("bridge %s: not supported by nsh yet (netlink.Bridge has no such attribute)", w)
		default:
			return nil, fmt.Errorf("bridge: unknown argument %q", w)
		}
	}
	return b, nil
}

// buildVxlan reads "id N [dstport P] [local A] [remote A|group A] [dev D]
// [ttl N] [nolearning|learning]" (ip/iplink_vxlan.c).
func buildVxlan(h *netlink.Handle, attrs netlink.LinkAttrs, a *builtins.Args) (netlink.Link, error) {
	v := &netlink.Vxlan{LinkAttrs: attrs, VxlanId: -1, Learning: true}
	ip := func(w string) (net.IP, error) {
		s, err := a.Need(w)
		if err != nil {
			return nil, err
		}
		addr := net.ParseIP(s)
		if addr == nil {
			return nil, invarg(fmt.Sprintf("invalid address for %q", w), s)
		}
		return addr, nil
	}
	for a.More() {
		w, _ := a.Next()
		var err error
		switch w {
		case "id", "vni":
			var n uint64
			n, err = needUint(a, "id", 24)
			v.VxlanId = int(n)
		case "dstport":
			var n uint64
			n, err = needUint(a, w, 16)
			v.Port = int(n)
		case "local":
			v.SrcAddr, err = ip(w)
		case "remote", "group":
			v.Group, err = ip(w)
		case "dev":
			var d string
			if d, err = a.Need(w); err == nil {
				if err = builtins.ValidIfName(d); err == nil {
					var l netlink.Link
					if l, err = linkByName(h, d); err == nil {
						v.VtepDevIndex = l.Attrs().Index
					}
				}
			}
		case "ttl", "hoplimit":
			var n uint64
			n, err = needUint(a, w, 8)
			v.TTL = int(n)
		case "nolearning":
			v.Learning = false
		case "learning":
			v.Learning = true
		case "proxy":
			v.Proxy = true
		case "external":
			v.FlowBased = true
		default:
			err = fmt.Errorf("vxlan: unknown argument %q", w)
		}
		if err != nil {
			return nil, err
		}
	}
	if v.VxlanId < 0 && !v.FlowBased {
		return nil, fmt.Errorf("vxlan: \"id\" is required")
	}
	if v.VxlanId < 0 {
		v.VxlanId = 0
	}
	return v, nil
}
