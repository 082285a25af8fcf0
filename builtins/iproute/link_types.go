package iproute

import (
	"fmt"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/builtins"
)

// linkTypes are the "type" words nsh knows; any other is passed to the
// kernel as a kind without arguments, as iproute2 does for types it has
// no parser for.
var linkTypes = []string{"veth", "bridge", "dummy", "macvlan", "macvtap", "vxlan", "ifb", "vlan", "bond", "vrf", "gre", "gretap", "ipip", "ipvlan", "ipvtap", "wireguard", "geneve"}

// buildLink returns the netlink.Link of "ip link add ... type T ARGS" for
// every type but veth.
func buildLink(h *netlink.Handle, attrs netlink.LinkAttrs, r *linkReq) (netlink.Link, error) {
	a := builtins.NewArgs(r.typeArgs)
	unexpected := func(w string) error {
		return fmt.Errorf("%s: unknown argument %q", r.typ, w)
	}
	switch r.typ {
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
	}
	if a.More() {
		return nil, builtins.NotImplemented("type %s: arguments are not supported by nsh yet", r.typ)
	}
	return &netlink.GenericLink{LinkAttrs: attrs, LinkType: r.typ}, nil
}
