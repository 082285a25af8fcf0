package iproute

// linkTypes are the "type" words nsh knows; any other is passed to the
// kernel as a kind without arguments, as iproute2 does for types it has
// no parser for.
var linkTypes = []string{"veth", "bridge", "dummy", "macvlan", "macvtap", "vxlan", "ifb", "vlan", "bond", "vrf", "gre", "gretap", "ipip", "ipvlan", "ipvtap", "wireguard", "geneve"}
