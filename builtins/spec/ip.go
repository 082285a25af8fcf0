package spec

import "math"

const (
	u8  = math.MaxUint8
	u16 = math.MaxUint16
	u32 = math.MaxUint32
)

// IP is iproute2's ip (ip/ip.c): its options and its object table.
var IP = Cmd{
	Name:  "ip",
	Usage: "ip",
	Options: []Keyword{
		// ip.c main, in its order; the leading "-" is stripped.
		{Name: "loops", Kind: Number, Max: u32},
		{Name: "family", Kind: Enum, Values: []string{"inet", "inet6", "mpls", "bridge", "link"}},
		{Name: "4", Exact: true}, {Name: "6", Exact: true}, {Name: "0", Exact: true},
		{Name: "M", Exact: true}, {Name: "B", Exact: true},
		{Name: "human"}, {Name: "human-readable", Canon: "human"}, {Name: "iec"},
		{Name: "stats"}, {Name: "statistics", Canon: "stats"}, {Name: "details"},
		{Name: "resolve"}, {Name: "oneline"}, {Name: "timestamp"}, {Name: "tshort"},
		{Name: "Version"}, {Name: "force"}, {Name: "batch", Kind: Text}, {Name: "brief"},
		{Name: "json"}, {Name: "pretty"}, {Name: "rcvbuf", Kind: Number, Max: u32},
		{Name: "help"}, {Name: "netns", Kind: Netns}, {Name: "Numeric"}, {Name: "all"},
		{Name: "echo", Exact: true},
		{Name: "color"}, {Name: "colour", Canon: "color"},
	},
	Objects: []Object{
		{Name: "address", Verbs: addrVerbs, Default: "show", Usage: "ip-address"},
		{Name: "addrlabel", Missing: true},
		{Name: "maddress", Verbs: maddrVerbs, Default: "show", Usage: "ip-maddress"},
		{Name: "route", Verbs: routeVerbs, Default: "show", Usage: "ip-route"},
		{Name: "rule", Verbs: ruleVerbs, Default: "show", Usage: "ip-rule"},
		{Name: "neighbor", Canon: "neighbour", Verbs: neighVerbs, Default: "show", Usage: "ip-neigh"},
		{Name: "neighbour", Verbs: neighVerbs, Default: "show", Usage: "ip-neigh"},
		{Name: "ntable", Missing: true},
		{Name: "ntbl", Canon: "ntable", Missing: true},
		{Name: "link", Verbs: linkVerbs, Default: "show", Usage: "ip-link"},
		{Name: "l2tp", Missing: true},
		{Name: "fou", Missing: true},
		{Name: "ila", Missing: true},
		{Name: "macsec", Missing: true},
		{Name: "tunnel", Missing: true},
		{Name: "tunl", Canon: "tunnel", Missing: true},
		{Name: "tuntap", Verbs: tuntapVerbs, Default: "show", Usage: "ip-tuntap"},
		{Name: "tap", Canon: "tuntap", Verbs: tuntapVerbs, Default: "show", Usage: "ip-tuntap"},
		{Name: "token", Missing: true},
		{Name: "tcpmetrics", Missing: true},
		{Name: "tcp_metrics", Canon: "tcpmetrics", Missing: true},
		{Name: "monitor", Missing: true},
		{Name: "xfrm", Missing: true},
		{Name: "mroute", Missing: true},
		{Name: "mrule", Missing: true},
		{Name: "netns", Verbs: netnsVerbs, Default: "list", Usage: "ip-netns"},
		{Name: "netconf", Missing: true},
		{Name: "vrf", Missing: true},
		{Name: "sr", Missing: true},
		{Name: "nexthop", Missing: true},
		{Name: "mptcp", Missing: true},
		{Name: "ioam", Missing: true},
		{Name: "help", Usage: "ip"},
		{Name: "stats", Missing: true},
	},
}

// ip link (ip/iplink.c do_iplink): "set" and "change" share a parser.
var linkVerbs = []Verb{
	{Name: "add", Bare: "name", Creates: true, Keys: linkKeys},
	{Name: "set", Bare: "dev", Keys: linkKeys},
	{Name: "change", Canon: "set", Bare: "dev", Keys: linkKeys},
	{Name: "replace", Bare: "name", Creates: true, Keys: linkKeys},
	{Name: "delete", Bare: "dev", Keys: linkDelKeys},
	{Name: "show", Bare: "dev", Keys: linkShowKeys},
	{Name: "lst", Short: true, Canon: "show", Bare: "dev", Keys: linkShowKeys},
	{Name: "list", Canon: "show", Bare: "dev", Keys: linkShowKeys},
	{Name: "xstats", Keys: linkXstatsKeys},
	{Name: "afstats", Keys: linkAfstatsKeys},
	{Name: "property"},
	{Name: "help"},
}

// linkKeys are iplink_parse's keywords (ip/iplink.c), in its order, as
// "ip link add" and "ip link set" read them. The last ones, "dev" and
// "help", are read by its final branch, where any other word is the
// device (the new link's name for add).
var linkKeys = []Keyword{
	{Name: "up", Exact: true},
	{Name: "down", Exact: true},
	{Name: "name", Exact: true, Kind: NewIfName},
	{Name: "index", Exact: true, Kind: Number, Min: 1, Max: math.MaxInt32},
	{Name: "link", Kind: IfName},
	{Name: "address", Kind: LLAddr},
	{Name: "broadcast", Kind: LLAddr},
	{Name: "brd", Exact: true, Canon: "broadcast", Kind: LLAddr},
	{Name: "txqueuelen", Kind: Number, Max: u32},
	{Name: "qlen", Exact: true, Canon: "txqueuelen", Kind: Number, Max: u32},
	{Name: "txqlen", Canon: "txqueuelen", Kind: Number, Max: u32},
	{Name: "mtu", Exact: true, Kind: Number, Max: u32},
	{Name: "xdpgeneric", Exact: true, Kind: Text},
	{Name: "xdpdrv", Exact: true, Kind: Text},
	{Name: "xdpoffload", Exact: true, Kind: Text},
	{Name: "xdp", Exact: true, Kind: Text},
	{Name: "netns", Exact: true, Kind: NetnsOrPID},
	{Name: "multicast", Exact: true, Kind: OnOff},
	{Name: "allmulticast", Exact: true, Kind: OnOff},
	{Name: "promisc", Exact: true, Kind: OnOff},
	{Name: "trailers", Exact: true, Kind: OnOff},
	{Name: "arp", Exact: true, Kind: OnOff},
	{Name: "carrier", Exact: true, Kind: OnOff},
	{Name: "vf", Exact: true, Kind: Number, Max: math.MaxInt32, Then: VFArgs},
	{Name: "master", Kind: IfName},
	{Name: "vrf", Exact: true, Kind: IfName},
	{Name: "nomaster"},
	{Name: "dynamic", Kind: OnOff},
	{Name: "type", Kind: LinkType, Then: TypeArgs},
	{Name: "alias", Kind: Text},
	{Name: "group", Exact: true, Kind: Group},
	{Name: "mode", Exact: true, Kind: Enum, Values: []string{"default", "dormant"}},
	{Name: "state", Exact: true, Kind: Enum, Values: []string{"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"}},
	{Name: "numtxqueues", Kind: Number, Max: u32},
	{Name: "numrxqueues", Kind: Number, Max: u32},
	{Name: "addrgenmode", Kind: Enum, Values: []string{"eui64", "none", "stable_secret", "random"}},
	{Name: "link-netns", Kind: NetnsOrPID},
	{Name: "link-netnsid", Kind: Number, Max: math.MaxInt32},
	{Name: "protodown", Exact: true, Kind: OnOff},
	{Name: "protodown_reason", Exact: true, Kind: Text, Extra: 1},
	{Name: "gso_max_size", Exact: true, Kind: Number, Max: u32},
	{Name: "gso_max_segs", Exact: true, Kind: Number, Max: u32},
	{Name: "gro_max_size", Exact: true, Kind: Number, Max: u32},
	{Name: "parentdev", Exact: true, Kind: Text},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "help"},
}

// linkDelKeys are what "ip link delete" reads (iplink_parse, of which
// only the device, group and type matter).
// linkXstatsKeys are iplink_ifla_xstats's "type" and the statistics
// selectors and "dev" of the bridge's and bond's parse_ifla_xstats
// (ip/iplink_bridge.c, ip/iplink_bond.c), compared whole.
var linkXstatsKeys = []Keyword{
	{Name: "type", Kind: LinkType},
	{Name: "igmp", Exact: true}, {Name: "mcast", Exact: true}, {Name: "stp", Exact: true},
	{Name: "lacp", Exact: true}, {Name: "802.3ad", Exact: true},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "help", Exact: true},
}

// linkAfstatsKeys are iplink_afstats's.
var linkAfstatsKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "help"},
}

var linkDelKeys = []Keyword{
	{Name: "type", Kind: LinkType, Then: TypeArgs},
	{Name: "group", Exact: true, Kind: Group},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "help"},
}

// linkShowKeys are ipaddr_list_flush_or_save's keywords as "ip link show"
// reads them (ip/ipaddress.c), in its order; flags of addresses
// (get_filter) come between "up" and "label".
var linkShowKeys = []Keyword{
	{Name: "to", Exact: true, Kind: Prefix},
	{Name: "scope", Exact: true, Kind: Scope},
	{Name: "up", Exact: true},
	{Name: "secondary", Exact: true}, {Name: "temporary", Exact: true}, {Name: "nodad", Exact: true},
	{Name: "optimistic", Exact: true}, {Name: "dadfailed", Exact: true}, {Name: "home", Exact: true},
	{Name: "deprecated", Exact: true}, {Name: "tentative", Exact: true}, {Name: "permanent", Exact: true},
	{Name: "mngtmpaddr", Exact: true}, {Name: "noprefixroute", Exact: true}, {Name: "autojoin", Exact: true},
	{Name: "stable-privacy", Exact: true}, {Name: "dynamic", Exact: true}, {Name: "primary", Exact: true},
	{Name: "label", Exact: true, Kind: Text},
	{Name: "group", Exact: true, Kind: Group},
	{Name: "master", Exact: true, Kind: IfName},
	{Name: "vrf", Exact: true, Kind: IfName},
	{Name: "nomaster", Exact: true},
	{Name: "type", Exact: true, Kind: LinkType},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "help"},
}

// ip address (ip/ipaddress.c do_ipaddr).
var addrVerbs = []Verb{
	{Name: "add", Bare: "local", Keys: addrModKeys},
	{Name: "change", Bare: "local", Keys: addrModKeys},
	{Name: "chg", Short: true, Exact: true, Canon: "change", Bare: "local", Keys: addrModKeys},
	{Name: "replace", Bare: "local", Keys: addrModKeys},
	{Name: "delete", Bare: "local", Keys: addrModKeys},
	{Name: "list", Canon: "show", Bare: "dev", Keys: linkShowKeys},
	{Name: "show", Bare: "dev", Keys: linkShowKeys},
	{Name: "lst", Short: true, Canon: "show", Bare: "dev", Keys: linkShowKeys},
	{Name: "flush", Bare: "dev", Keys: linkShowKeys},
	{Name: "save", Bare: "dev", Keys: linkShowKeys},
	{Name: "showdump"},
	{Name: "restore"},
	{Name: "help"},
}

// addrModKeys are ipaddr_modify's keywords; the address flags
// (ifa_flag_data) come after preferred_lft, and any other word is the
// local address.
var addrModKeys = []Keyword{
	{Name: "peer", Exact: true, Kind: Prefix},
	{Name: "remote", Exact: true, Canon: "peer", Kind: Prefix},
	{Name: "broadcast", Kind: Addr, Values: []string{"+", "-"}},
	{Name: "brd", Exact: true, Canon: "broadcast", Kind: Addr, Values: []string{"+", "-"}},
	{Name: "anycast", Exact: true, Kind: Addr},
	{Name: "scope", Exact: true, Kind: Scope},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "label", Exact: true, Kind: Text},
	{Name: "metric", Kind: Number, Max: u32},
	{Name: "priority", Canon: "metric", Kind: Number, Max: u32},
	{Name: "preference", Canon: "metric", Kind: Number, Max: u32},
	{Name: "valid_lft", Kind: Text},
	{Name: "preferred_lft", Kind: Text},
	{Name: "secondary", Exact: true}, {Name: "temporary", Exact: true}, {Name: "nodad", Exact: true},
	{Name: "optimistic", Exact: true}, {Name: "dadfailed", Exact: true}, {Name: "home", Exact: true},
	{Name: "deprecated", Exact: true}, {Name: "tentative", Exact: true}, {Name: "permanent", Exact: true},
	{Name: "mngtmpaddr", Exact: true}, {Name: "noprefixroute", Exact: true}, {Name: "autojoin", Exact: true},
	{Name: "stable-privacy", Exact: true},
	{Name: "local", Exact: true, Kind: Prefix},
	{Name: "help"},
}

// ip maddress (ip/ipmaddr.c).
var maddrVerbs = []Verb{
	{Name: "add", Keys: maddrModKeys, Bare: "address"},
	{Name: "delete", Keys: maddrModKeys, Bare: "address"},
	{Name: "list", Canon: "show", Bare: "dev", Keys: maddrShowKeys},
	{Name: "show", Bare: "dev", Keys: maddrShowKeys},
	{Name: "lst", Short: true, Canon: "show", Bare: "dev", Keys: maddrShowKeys},
	{Name: "help"},
}

var maddrModKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "address", Kind: Text},
	{Name: "help"},
}

var maddrShowKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "help"},
}

// ip route (ip/iproute.c do_iproute).
var routeVerbs = []Verb{
	{Name: "add", Bare: "to", Lead: routeTypeNames, Keys: routeModKeys},
	{Name: "change", Bare: "to", Lead: routeTypeNames, Keys: routeModKeys},
	{Name: "chg", Short: true, Exact: true, Canon: "change", Bare: "to", Lead: routeTypeNames, Keys: routeModKeys},
	{Name: "replace", Bare: "to", Lead: routeTypeNames, Keys: routeModKeys},
	{Name: "prepend", Bare: "to", Lead: routeTypeNames, Keys: routeModKeys},
	{Name: "append", Bare: "to", Lead: routeTypeNames, Keys: routeModKeys},
	{Name: "test", Bare: "to", Lead: routeTypeNames, Keys: routeModKeys},
	{Name: "delete", Bare: "to", Lead: routeTypeNames, Keys: routeModKeys},
	{Name: "list", Canon: "show", Bare: "to", Keys: routeShowKeys},
	{Name: "show", Bare: "to", Keys: routeShowKeys},
	{Name: "lst", Short: true, Canon: "show", Bare: "to", Keys: routeShowKeys},
	{Name: "get", Bare: "to", Keys: routeGetKeys},
	{Name: "flush", Bare: "to", Keys: routeShowKeys},
	{Name: "save", Bare: "to", Keys: routeShowKeys},
	{Name: "restore"},
	{Name: "showdump"},
	{Name: "help"},
}

// routeTypeNames are the route types (rtnl_rtntype_a2n) that may come
// before a route's prefix or after "type".
var routeTypeNames = []string{"unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"}

// RouteTypes returns the route types iproute2 reads by name.
func RouteTypes() []string { return routeTypeNames }

// routeModKeys are iproute_modify's keywords in its order; a route type
// may come before the prefix, and any other word is the prefix ("to").
var routeModKeys = []Keyword{
	{Name: "src", Exact: true, Kind: Addr},
	{Name: "as", Exact: true, Kind: Addr},
	{Name: "via", Exact: true, Kind: Addr},
	{Name: "from", Exact: true, Kind: Prefix},
	{Name: "tos", Exact: true, Kind: Text},
	{Name: "dsfield", Canon: "tos", Kind: Text},
	{Name: "expires", Exact: true, Kind: Number, Max: u32},
	{Name: "metric", Kind: Number, Max: u32},
	{Name: "priority", Canon: "metric", Kind: Number, Max: u32},
	{Name: "preference", Exact: true, Canon: "metric", Kind: Number, Max: u32},
	{Name: "scope", Exact: true, Kind: Scope},
	{Name: "mtu", Exact: true, Kind: Text},
	{Name: "hoplimit", Exact: true, Kind: Text},
	{Name: "advmss", Exact: true, Kind: Text},
	{Name: "reordering", Kind: Text},
	{Name: "rtt", Exact: true, Kind: Text},
	{Name: "rto_min", Exact: true, Kind: Text},
	{Name: "window", Kind: Text},
	{Name: "cwnd", Kind: Text},
	{Name: "initcwnd", Kind: Text},
	{Name: "initrwnd", Kind: Text},
	{Name: "features", Kind: Enum, Values: []string{"ecn"}},
	{Name: "quickack", Kind: Enum, Values: []string{"0", "1"}},
	{Name: "congctl", Kind: Text},
	{Name: "rttvar", Kind: Text},
	{Name: "ssthresh", Kind: Text},
	{Name: "realms", Kind: Realm},
	{Name: "onlink", Exact: true},
	{Name: "nexthop", Exact: true, Then: NexthopArgs},
	{Name: "nhid", Exact: true, Kind: Number, Max: u32},
	{Name: "protocol", Kind: Proto},
	{Name: "table", Kind: Table},
	{Name: "vrf", Kind: IfName},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "oif", Exact: true, Canon: "dev", Kind: IfName},
	{Name: "pref", Kind: Enum, Values: []string{"low", "medium", "high"}},
	{Name: "encap", Exact: true, Kind: Enum, Values: encapTypeNames, Then: EncapArgs},
	{Name: "ttl-propagate", Exact: true, Kind: Enum, Values: []string{"enabled", "disabled"}},
	{Name: "fastopen_no_cookie", Kind: Enum, Values: []string{"0", "1"}},
	{Name: "type", Exact: true, Kind: Enum, Values: routeTypeNames},
	{Name: "to", Exact: true, Kind: Prefix},
	{Name: "help"},
}

// nexthopKeys are parse_one_nh's keywords (one path of a multipath
// route); "nexthop" starts the next path.
var nexthopKeys = []Keyword{
	{Name: "via", Exact: true, Kind: Addr},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "weight", Exact: true, Kind: Number, Min: 1, Max: 256},
	{Name: "onlink", Exact: true},
	{Name: "realms", Kind: Realm},
	{Name: "encap", Exact: true, Kind: Enum, Values: encapTypeNames, Then: EncapArgs},
	{Name: "as", Exact: true, Kind: Addr},
	{Name: "nexthop", Exact: true, Then: NexthopArgs},
}

// vfKeys are iplink_parse_vf's keywords (with "qos" and "proto" of a
// "vlan"), in its order.
var vfKeys = []Keyword{
	{Name: "mac", Kind: LLAddr},
	{Name: "vlan", Kind: Number, Max: 4095},
	{Name: "qos", Kind: Number, Max: u32},
	{Name: "proto", Kind: Enum, Values: []string{"802.1Q", "802.1ad"}},
	{Name: "rate", Kind: Number, Max: u32},
	{Name: "max_tx_rate", Kind: Number, Max: u32},
	{Name: "min_tx_rate", Kind: Number, Max: u32},
	{Name: "spoofchk", Kind: OnOff},
	{Name: "query_rss", Kind: OnOff},
	{Name: "trust", Kind: OnOff},
	{Name: "state", Kind: Enum, Values: []string{"auto", "enable", "disable"}},
	{Name: "node_guid", Kind: Text},
	{Name: "port_guid", Kind: Text},
}

// VFKeys returns the keywords of "vf NUM" of ip link set.
func VFKeys() []Keyword { return vfKeys }

// encapTypeNames are lwt_parse_encap's types (read_encap_type), in
// LWTUNNEL_ENCAP_* order.
var encapTypeNames = []string{"mpls", "ip", "ila", "ip6", "seg6", "bpf", "seg6local", "rpl", "ioam6", "xfrm"}

// EncapKind is one encapsulation type of "ip route ... encap TYPE" with
// the options its parser in ip/iproute_lwtunnel.c reads (all compared
// whole); Bare is the positional argument that comes first, if any.
type EncapKind struct {
	Name string
	Bare string
	Keys []Keyword
}

// encapKinds are the options of each encapsulation type. nsh reads
// those of mpls, ip, ip6 and xfrm; for the others it asks the kernel
// whether it has the type at all.
var encapKinds = []EncapKind{
	{Name: "mpls", Bare: "label", Keys: []Keyword{{Name: "ttl", Exact: true, Kind: Number, Max: 255}}},
	{Name: "ip", Keys: encapIPKeys("ttl", "tos")},
	{Name: "ila", Bare: "locator", Keys: []Keyword{
		{Name: "csum-mode", Exact: true, Kind: Enum, Values: []string{"adj-transport", "neutral-map", "neutral-map-auto", "no-action"}},
		{Name: "ident-type", Exact: true, Kind: Enum, Values: []string{"luid", "use-format"}},
		{Name: "hook-type", Exact: true, Kind: Enum, Values: []string{"output", "input"}},
	}},
	{Name: "ip6", Keys: encapIPKeys("hoplimit", "tc")},
	{Name: "seg6", Keys: []Keyword{
		{Name: "mode", Exact: true, Kind: Enum, Values: []string{"inline", "encap", "l2encap", "encap.red", "l2encap.red"}},
		{Name: "segs", Exact: true, Kind: Text},
		{Name: "hmac", Exact: true, Kind: Number, Max: u32},
	}},
	{Name: "bpf", Keys: []Keyword{
		{Name: "in", Exact: true, Kind: Text}, {Name: "out", Exact: true, Kind: Text},
		{Name: "xmit", Exact: true, Kind: Text}, {Name: "headroom", Exact: true, Kind: Number, Max: u32},
	}},
	{Name: "seg6local", Keys: []Keyword{
		{Name: "action", Exact: true, Kind: Text},
		{Name: "table", Exact: true, Kind: Table}, {Name: "vrftable", Exact: true, Kind: Table},
		{Name: "nh4", Exact: true, Kind: Addr}, {Name: "nh6", Exact: true, Kind: Addr},
		{Name: "iif", Exact: true, Kind: IfName}, {Name: "oif", Exact: true, Kind: IfName},
		{Name: "srh", Exact: true}, {Name: "segs", Exact: true, Kind: Text}, {Name: "hmac", Exact: true, Kind: Number, Max: u32},
		{Name: "endpoint", Exact: true, Kind: Text}, {Name: "count", Exact: true},
		{Name: "flavors", Exact: true, Kind: Text}, {Name: "lblen", Exact: true, Kind: Number, Max: 255},
		{Name: "nflen", Exact: true, Kind: Number, Max: 255},
	}},
	{Name: "rpl", Keys: []Keyword{{Name: "segs", Exact: true, Kind: Text}}},
	{Name: "ioam6", Keys: []Keyword{
		{Name: "freq", Exact: true, Kind: Text},
		{Name: "mode", Exact: true, Kind: Enum, Values: []string{"inline", "encap", "auto"}},
		{Name: "tundst", Exact: true, Kind: Addr}, {Name: "trace", Exact: true},
		{Name: "prealloc", Exact: true}, {Name: "type", Exact: true, Kind: Number, Max: u32},
		{Name: "ns", Exact: true, Kind: Number, Max: u16}, {Name: "size", Exact: true, Kind: Number, Max: 244},
	}},
	{Name: "xfrm", Keys: []Keyword{
		{Name: "if_id", Exact: true, Kind: Number, Min: 1, Max: u32},
		{Name: "link_dev", Exact: true, Kind: IfName},
	}},
}

// encapIPKeys are parse_encap_ip's options (parse_encap_ip6's with ttl
// and tos named hoplimit and tc).
func encapIPKeys(ttl, tos string) []Keyword {
	return []Keyword{
		{Name: "id", Exact: true, Kind: Number}, {Name: "dst", Exact: true, Kind: Addr},
		{Name: "src", Exact: true, Kind: Addr}, {Name: tos, Exact: true, Kind: Text},
		{Name: ttl, Exact: true, Kind: Number, Max: 255},
		{Name: "geneve_opts", Exact: true, Kind: Text}, {Name: "vxlan_opts", Exact: true, Kind: Number, Max: u32},
		{Name: "erspan_opts", Exact: true, Kind: Text},
		{Name: "key", Exact: true}, {Name: "csum", Exact: true}, {Name: "seq", Exact: true},
	}
}

// EncapKindOf returns the encapsulation type name, or nil.
func EncapKindOf(name string) *EncapKind {
	for i := range encapKinds {
		if encapKinds[i].Name == name {
			return &encapKinds[i]
		}
	}
	return nil
}

// NexthopKeys returns the keywords of one path of a multipath route.
func NexthopKeys() []Keyword { return nexthopKeys }

// routeShowKeys are iproute_list_flush_or_save's keywords.
var routeShowKeys = []Keyword{
	{Name: "table", Kind: Table},
	{Name: "vrf", Kind: IfName},
	{Name: "cached"},
	{Name: "cloned", Canon: "cached"},
	{Name: "tos", Exact: true, Kind: Text},
	{Name: "dsfield", Canon: "tos", Kind: Text},
	{Name: "protocol", Kind: Proto},
	{Name: "scope", Kind: Scope},
	{Name: "type", Kind: Enum, Values: routeTypeNames},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "oif", Exact: true, Canon: "dev", Kind: IfName},
	{Name: "iif", Exact: true, Kind: IfName},
	{Name: "mark", Exact: true, Kind: Number, Max: u32},
	{Name: "metric", Kind: Number, Max: u32},
	{Name: "priority", Canon: "metric", Kind: Number, Max: u32},
	{Name: "preference", Exact: true, Canon: "metric", Kind: Number, Max: u32},
	{Name: "via", Exact: true, Kind: Prefix},
	{Name: "src", Exact: true, Kind: Prefix},
	{Name: "realms", Kind: Realm},
	{Name: "from", Kind: Prefix},
	{Name: "to", Exact: true, Kind: Prefix},
	{Name: "root", Kind: Prefix},
	{Name: "match", Kind: Prefix},
	{Name: "exact", Kind: Prefix},
	{Name: "help"},
}

// routeGetKeys are iproute_get's keywords.
var routeGetKeys = []Keyword{
	{Name: "tos", Exact: true, Kind: Text},
	{Name: "dsfield", Canon: "tos", Kind: Text},
	{Name: "from", Kind: Prefix},
	{Name: "iif", Kind: IfName},
	{Name: "mark", Kind: Number, Max: u32},
	{Name: "oif", Kind: IfName},
	{Name: "dev", Exact: true, Canon: "oif", Kind: IfName},
	{Name: "notify"},
	{Name: "connected"},
	{Name: "vrf", Kind: IfName},
	{Name: "uid", Kind: Number, Max: u32},
	{Name: "fibmatch"},
	{Name: "as", Exact: true, Kind: Addr},
	{Name: "sport", Kind: Number, Max: u16},
	{Name: "dport", Kind: Number, Max: u16},
	{Name: "ipproto", Kind: Text},
	{Name: "to", Exact: true, Kind: Prefix},
	{Name: "help"},
}

// ip rule (ip/iprule.c do_iprule).
var ruleVerbs = []Verb{
	{Name: "list", Canon: "show", Keys: ruleShowKeys},
	{Name: "lst", Short: true, Canon: "show", Keys: ruleShowKeys},
	{Name: "show", Keys: ruleShowKeys},
	{Name: "save", Keys: ruleShowKeys},
	{Name: "restore"},
	{Name: "add", Keys: ruleModKeys},
	{Name: "delete", Keys: ruleModKeys},
	{Name: "flush", Keys: ruleShowKeys},
	{Name: "help"},
}

// ruleModKeys are iprule_modify's keywords; rule types (blackhole,
// unreachable, ...) and "goto"/"nop" come last.
var ruleModKeys = []Keyword{
	{Name: "not", Exact: true},
	{Name: "from", Exact: true, Kind: Prefix},
	{Name: "to", Exact: true, Kind: Prefix},
	{Name: "preference", Kind: Number, Max: u32},
	{Name: "order", Canon: "preference", Kind: Number, Max: u32},
	{Name: "priority", Canon: "preference", Kind: Number, Max: u32},
	{Name: "tos", Exact: true, Kind: Text},
	{Name: "dsfield", Canon: "tos", Kind: Text},
	{Name: "fwmark", Exact: true, Kind: Text},
	{Name: "realms", Kind: Realm},
	{Name: "protocol", Kind: Proto},
	{Name: "tun_id", Kind: Number},
	{Name: "table", Kind: Table},
	{Name: "lookup", Exact: true, Canon: "table", Kind: Table},
	{Name: "suppress_prefixlength", Kind: Number, Max: math.MaxInt32},
	{Name: "sup_pl", Exact: true, Canon: "suppress_prefixlength", Kind: Number, Max: math.MaxInt32},
	{Name: "suppress_ifgroup", Kind: Group},
	{Name: "sup_group", Exact: true, Canon: "suppress_ifgroup", Kind: Group},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "iif", Exact: true, Canon: "dev", Kind: IfName},
	{Name: "oif", Exact: true, Kind: IfName},
	{Name: "l3mdev", Exact: true},
	{Name: "uidrange", Exact: true, Kind: Text},
	{Name: "nat", Exact: true, Kind: Addr},
	{Name: "map-to", Canon: "nat", Kind: Addr},
	{Name: "ipproto", Exact: true, Kind: Text},
	{Name: "sport", Exact: true, Kind: Text},
	{Name: "dport", Exact: true, Kind: Text},
	{Name: "type", Kind: Enum, Values: routeTypeNames},
	{Name: "goto", Kind: Number, Max: u32},
	{Name: "nop"},
	{Name: "unicast", Exact: true}, {Name: "local", Exact: true}, {Name: "broadcast", Exact: true},
	{Name: "anycast", Exact: true}, {Name: "multicast", Exact: true}, {Name: "blackhole", Exact: true},
	{Name: "unreachable", Exact: true}, {Name: "prohibit", Exact: true}, {Name: "throw", Exact: true},
	{Name: "help"},
}

// ruleShowKeys are iprule_list_flush_or_save's keywords.
var ruleShowKeys = []Keyword{
	{Name: "preference", Kind: Number, Max: u32},
	{Name: "order", Canon: "preference", Kind: Number, Max: u32},
	{Name: "priority", Canon: "preference", Kind: Number, Max: u32},
	{Name: "not", Exact: true},
	{Name: "tos", Exact: true, Kind: Text},
	{Name: "dsfield", Exact: true, Canon: "tos", Kind: Text},
	{Name: "fwmark", Exact: true, Kind: Text},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "iif", Exact: true, Canon: "dev", Kind: IfName},
	{Name: "oif", Exact: true, Kind: IfName},
	{Name: "l3mdev", Exact: true},
	{Name: "uidrange", Exact: true, Kind: Text},
	{Name: "tun_id", Kind: Number},
	{Name: "lookup", Kind: Table},
	{Name: "table", Canon: "lookup", Kind: Table},
	{Name: "from", Kind: Prefix},
	{Name: "src", Canon: "from", Kind: Prefix},
	{Name: "protocol", Kind: Proto},
	{Name: "ipproto", Exact: true, Kind: Text},
	{Name: "sport", Exact: true, Kind: Text},
	{Name: "dport", Exact: true, Kind: Text},
	{Name: "to", Kind: Prefix},
	{Name: "dst", Canon: "to", Kind: Prefix},
	{Name: "help"},
}

// ip neighbour (ip/ipneigh.c do_ipneigh).
var neighVerbs = []Verb{
	{Name: "add", Bare: "to", Keys: neighModKeys},
	{Name: "change", Bare: "to", Keys: neighModKeys},
	{Name: "chg", Short: true, Exact: true, Canon: "change", Bare: "to", Keys: neighModKeys},
	{Name: "replace", Bare: "to", Keys: neighModKeys},
	{Name: "delete", Bare: "to", Keys: neighModKeys},
	{Name: "get", Bare: "to", Keys: neighGetKeys},
	{Name: "show", Bare: "to", Keys: neighShowKeys},
	{Name: "lst", Short: true, Canon: "show", Bare: "to", Keys: neighShowKeys},
	{Name: "list", Canon: "show", Bare: "to", Keys: neighShowKeys},
	{Name: "flush", Bare: "to", Keys: neighShowKeys},
	{Name: "help"},
}

// neighStates are the NUD states by name (nud_state_a2n).
var neighStates = []string{"permanent", "reachable", "noarp", "none", "stale", "incomplete", "delay", "probe", "failed"}

var neighModKeys = []Keyword{
	{Name: "lladdr", Kind: LLAddr},
	{Name: "nud", Exact: true, Kind: Enum, Values: neighStates},
	{Name: "proxy", Kind: Addr},
	{Name: "router", Exact: true},
	{Name: "use", Exact: true},
	{Name: "managed", Exact: true},
	{Name: "extern_learn"},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "protocol", Kind: Proto},
	{Name: "to", Exact: true, Kind: Addr},
	{Name: "help"},
}

var neighShowKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "master", Exact: true, Kind: IfName},
	{Name: "vrf", Exact: true, Kind: IfName},
	{Name: "nomaster", Exact: true},
	{Name: "unused", Exact: true},
	{Name: "nud", Exact: true, Kind: Enum, Values: []string{"permanent", "reachable", "noarp", "none", "stale", "incomplete", "delay", "probe", "failed", "all"}},
	{Name: "proxy", Exact: true},
	{Name: "protocol", Kind: Proto},
	{Name: "to", Exact: true, Kind: Prefix},
	{Name: "help"},
}

var neighGetKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "proxy", Kind: Flag},
	{Name: "to", Exact: true, Kind: Addr},
	{Name: "help"},
}

// NeighStates returns the NUD state names iproute2 reads.
func NeighStates() []string { return neighStates }

// ip netns (ip/ipnetns.c do_netns): positional arguments only.
var netnsVerbs = []Verb{
	{Name: "list", Canon: "show"},
	{Name: "show"},
	{Name: "lst", Short: true, Canon: "show"},
	{Name: "list-id", Keys: []Keyword{
		{Name: "target-nsid", Exact: true, Kind: Number, Max: math.MaxInt32},
		{Name: "nsid", Exact: true, Kind: Number, Max: math.MaxInt32},
	}},
	{Name: "help"},
	{Name: "add", Pos: []Keyword{{Name: "NAME", Kind: Netns}}},
	{Name: "set", Pos: []Keyword{{Name: "NAME", Kind: Netns}, {Name: "NETNSID", Kind: Text}}},
	{Name: "delete", Pos: []Keyword{{Name: "NAME", Kind: Netns}}},
	{Name: "identify", Pos: []Keyword{{Name: "PID", Kind: Number, Max: math.MaxInt32}}},
	{Name: "pids", Pos: []Keyword{{Name: "NAME", Kind: Netns}}},
	{Name: "exec", Pos: []Keyword{{Name: "NAME", Kind: Netns}, {Name: "CMD", Kind: Command, Then: Rest}}},
	{Name: "monitor"},
	{Name: "attach", Pos: []Keyword{{Name: "NAME", Kind: Netns}, {Name: "PID", Kind: Number, Max: math.MaxInt32}}},
}

// ip tuntap (ip/iptuntap.c).
var tuntapVerbs = []Verb{
	{Name: "add", Bare: "dev", Creates: true, Keys: tuntapKeys},
	{Name: "delete", Bare: "dev", Keys: tuntapKeys},
	{Name: "show", Keys: tuntapKeys},
	{Name: "lst", Short: true, Canon: "show", Keys: tuntapKeys},
	{Name: "list", Canon: "show", Keys: tuntapKeys},
	{Name: "help"},
}

// tuntapKeys are parse_args' keywords (ip/iptuntap.c); "dev" names the
// new device for add and an existing one otherwise.
var tuntapKeys = []Keyword{
	{Name: "mode", Kind: Enum, Values: []string{"tun", "tap"}},
	{Name: "user", Kind: Text},
	{Name: "group", Kind: Text},
	{Name: "pi"},
	{Name: "one_queue"},
	{Name: "vnet_hdr"},
	{Name: "multi_queue"},
	{Name: "dev", Kind: IfName},
	{Name: "name", Exact: true, Canon: "dev", Kind: IfName},
	{Name: "help"},
}
