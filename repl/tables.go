package repl

// Keyword tables for completion, per command and position. The orders of
// ipObjects and the verb tables are iproute2's (ip/ip.c cmds[], the verb
// tables of ip/iplink.c, ipaddress.c, iproute.c, iprule.c, ipneigh.c,
// iptuntap.c, ipnetns.c), so that an abbreviation typed earlier on the
// line resolves as ip resolves it; completion offers only what nsh
// implements.

// langCommands are the language's own commands and the keywords that
// start a statement.
var langCommands = []string{
	"echo", "sleep", "exit", "source", "exec", "sudo", "exists", "cd", "set", "true", "false", "wait", "export",
	"for", "if", "def", "in", "try", "help",
}

// netCommands are the network builtins, unless Config.Commands names
// them.
var netCommands = []string{"ip", "brctl", "bridge", "ping", "sysctl"}

// ipObjects is ip's object table in iproute2's order, for resolving
// abbreviations.
var ipObjects = []string{
	"address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour",
	"ntable", "ntbl", "link", "l2tp", "fou", "ila", "macsec", "tunnel", "tunl",
	"tuntap", "tap", "token", "tcpmetrics", "tcp_metrics", "monitor", "xfrm",
	"mroute", "mrule", "netns", "netconf", "vrf", "sr", "nexthop", "mptcp",
	"ioam", "help", "stats",
}

// ipObjectsOffered are the objects nsh implements.
var ipObjectsOffered = []string{"address", "link", "neighbour", "netns", "route", "rule", "tuntap"}

// ipOptions are ip's global options offered after "ip -".
var ipOptions = []string{
	"-4", "-6", "-brief", "-details", "-statistics", "-json", "-pretty",
	"-oneline", "-netns", "-n", "-color", "-force", "-batch", "-all",
}

var (
	linkVerbs        = []string{"add", "set", "change", "replace", "delete", "show", "lst", "list", "xstats", "afstats", "property", "help"}
	linkVerbsOffered = []string{"add", "set", "change", "replace", "delete", "show", "list", "help"}
	addrVerbs        = []string{"add", "change", "replace", "delete", "list", "show", "lst", "flush", "save", "showdump", "restore", "help"}
	addrVerbsOffered = []string{"add", "change", "replace", "delete", "show", "list", "flush", "help"}
	routeVerbs       = []string{"add", "change", "replace", "prepend", "append", "test", "delete", "list", "show", "lst", "get", "flush", "save", "restore", "showdump", "help"}
	routeVerbsOffer  = []string{"add", "change", "replace", "prepend", "append", "delete", "show", "list", "get", "flush", "help"}
	netnsVerbs       = []string{"list", "show", "lst", "list-id", "help", "add", "set", "delete", "identify", "pids", "exec", "monitor", "attach"}
	netnsVerbsOffer  = []string{"list", "list-id", "add", "set", "delete", "identify", "pids", "exec", "attach", "help"}
)

// routeTypes are the route types (rtnl_rtntype's names), which may
// precede the prefix of "ip route add" or follow "type".
var routeTypes = []string{"unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit", "throw"}

// nexthopKeywords are a "nexthop" group's keywords (iproute.c
// parse_one_nh).
var nexthopKeywords = []string{"via", "dev", "weight", "onlink", "nexthop"}

// linkTypes are the "type" values of "ip link add".
var linkTypes = []string{"veth", "bridge", "dummy", "vlan", "macvlan", "macvtap", "vxlan", "ifb", "bond", "vrf"}

// linkTypeKeywords are the keywords after "ip link add NAME type TYPE".
var linkTypeKeywords = map[string][]string{
	"veth":    {"peer"},
	"vlan":    {"id", "protocol"},
	"macvlan": {"mode"},
	"macvtap": {"mode"},
	"vxlan":   {"id", "dstport", "local", "remote", "group", "dev", "ttl", "tos", "nolearning"},
	"vrf":     {"table"},
	"bond":    {"mode", "miimon"},
}

// linkAddKeywords and linkSetKeywords are iplink_parse's keywords as
// "ip link add" and "ip link set" take them.
var (
	linkAddKeywords  = []string{"name", "type", "link", "address", "broadcast", "mtu", "txqueuelen", "netns", "up", "down", "master", "alias", "group", "numtxqueues", "numrxqueues"}
	linkSetKeywords  = []string{"up", "down", "master", "nomaster", "netns", "mtu", "name", "address", "broadcast", "arp", "multicast", "allmulticast", "promisc", "txqueuelen", "alias", "state", "group", "carrier", "protodown", "addrgenmode", "type"}
	linkShowKeywords = []string{"dev", "up", "master", "type", "group", "vrf"}
	addrAddKeywords  = []string{"dev", "label", "broadcast", "brd", "anycast", "scope", "peer", "local", "valid_lft", "preferred_lft", "noprefixroute", "nodad", "home", "metric"}
	addrShowKeywords = []string{"dev", "scope", "to", "label", "up", "master", "type", "permanent", "dynamic", "primary", "secondary"}
	routeAddKeywords = []string{"via", "dev", "src", "table", "proto", "scope", "metric", "mtu", "onlink", "type", "nexthop"}
	routeShowKeyword = []string{"dev", "table", "proto", "scope", "type", "via", "src", "root", "match", "exact"}
	routeGetKeywords = []string{"from", "iif", "oif", "dev", "mark", "vrf"}
)

// Value completions after a keyword; keywords that take a free value map
// to nil (nothing to offer), so that the keyword list is not offered
// where a value is expected.
var keywordValues = map[string][]string{
	"scope":     {"global", "link", "host", "site"},
	"table":     {"main", "local", "default", "all"},
	"proto":     {"kernel", "boot", "static", "dhcp"},
	"state":     {"UP", "DOWN", "UNKNOWN"},
	"arp":       {"on", "off"},
	"multicast": {"on", "off"}, "allmulticast": {"on", "off"}, "promisc": {"on", "off"},
	"carrier": {"on", "off"}, "protodown": {"on", "off"},
	"addrgenmode": {"eui64", "none", "stable_secret", "random"},
	"name":        nil, "address": nil, "broadcast": nil, "brd": nil, "mtu": nil,
	"txqueuelen": nil, "qlen": nil, "txqlen": nil, "alias": nil, "group": nil,
	"numtxqueues": nil, "numrxqueues": nil, "index": nil, "id": nil,
	"dstport": nil, "local": nil, "remote": nil, "ttl": nil, "tos": nil,
	"label": nil, "anycast": nil, "peer": nil, "valid_lft": nil,
	"preferred_lft": nil, "metric": nil, "via": nil, "src": nil,
	"from": nil, "to": nil, "mark": nil, "root": nil, "match": nil,
	"exact": nil, "miimon": nil, "vrf": nil,
}

// macvlanModes are the "mode" values of macvlan and macvtap links.
var macvlanModes = []string{"private", "vepa", "bridge", "passthru", "source"}

// brctlCommands is brctl's command table, with the number of bridge and
// port arguments each takes before its value.
var brctlCommands = []string{
	"addbr", "delbr", "addif", "delif", "hairpin", "setageing", "setbridgeprio",
	"setfd", "sethello", "setmaxage", "setpathcost", "setportprio", "show",
	"showmacs", "showstp", "stp",
}

// bridgeObjects is bridge's object table (bridge/bridge.c cmds[]), and the
// objects nsh implements.
var (
	bridgeObjects      = []string{"link", "fdb", "mdb", "vlan", "vni", "monitor", "help"}
	bridgeObjectsOffer = []string{"link", "fdb", "vlan"}
)

// A valueFunc offers the values of a keyword.
type valueFunc func(q *query)

// words offers fixed values.
func words(w ...string) valueFunc { return func(q *query) { q.offer(w...) } }

// free marks a keyword whose value is free text: nothing is offered.
func free(*query) {}

// devices offers the target namespace's interface names.
func devices(q *query) { q.ifnames(nil) }

var (
	onOff       = words("on", "off")
	zeroOne     = words("0", "1")
	tableNames  = words("main", "local", "default")
	protoNames  = words("kernel", "boot", "static", "dhcp")
	portStates  = words("disabled", "listening", "learning", "forwarding", "blocking")
	neighStates = []string{"permanent", "noarp", "reachable", "stale", "none", "incomplete", "delay", "probe", "failed"}
)

// ip rule (iprule.c iprule_modify and iprule_list_flush_or_save).
var (
	ruleVerbs       = []string{"add", "delete", "flush", "list", "lst", "show", "help"}
	ruleVerbsOffer  = []string{"add", "delete", "flush", "list", "show", "help"}
	ruleAddKeywords = []string{"not", "from", "to", "iif", "oif", "fwmark", "table", "lookup", "pref", "priority", "order",
		"tos", "goto", "protocol", "suppress_prefixlength", "suppress_ifgroup", "realms", "blackhole", "unreachable", "prohibit", "nop"}
	ruleShowKeywords = []string{"not", "from", "to", "iif", "oif", "fwmark", "table", "lookup", "pref", "priority", "order"}
	ruleValues       = map[string]valueFunc{
		"from": free, "to": free, "iif": devices, "dev": devices, "oif": devices, "fwmark": free,
		"table": tableNames, "lookup": tableNames, "pref": free, "preference": free, "priority": free, "order": free,
		"tos": free, "dsfield": free, "goto": free, "protocol": protoNames, "realms": free,
		"suppress_prefixlength": free, "suppress_ifgroup": free,
	}
)

// ip neigh (ipneigh.c ipneigh_modify and ipneigh_list_or_flush).
var (
	neighVerbs         = []string{"add", "change", "chg", "replace", "delete", "show", "list", "lst", "flush", "get", "help"}
	neighVerbsOffer    = []string{"add", "change", "replace", "delete", "show", "list", "flush", "help"}
	neighAddKeywords   = []string{"lladdr", "nud", "proxy", "dev", "router", "extern_learn", "to"}
	neighShowKeywords  = []string{"proxy", "to", "dev", "nud"}
	neighModifyValues  = map[string]valueFunc{"lladdr": free, "nud": words(neighStates...), "proxy": free, "dev": devices, "to": free}
	neighShowingValues = map[string]valueFunc{"nud": words(append([]string{"all"}, neighStates...)...), "dev": devices, "to": free}
)

// ip tuntap (iptuntap.c parse_args).
var (
	tuntapVerbs      = []string{"add", "delete", "show", "list", "lst", "help"}
	tuntapVerbsOffer = []string{"add", "delete", "show", "list", "help"}
	tuntapKeywords   = []string{"mode", "user", "group", "multi_queue", "pi", "vnet_hdr", "one_queue", "name", "dev"}
	tuntapAddValues  = map[string]valueFunc{"mode": words("tun", "tap"), "user": free, "group": free, "name": free, "dev": free}
)

// bridgeTypeKeywords are the options of "ip link add NAME type bridge"
// (iplink_bridge.c), with their values.
var (
	bridgeTypeKeywords = []string{
		"forward_delay", "hello_time", "max_age", "ageing_time", "stp_state", "priority",
		"vlan_filtering", "vlan_protocol", "group_fwd_mask", "group_address", "fdb_flush",
		"vlan_default_pvid", "vlan_stats_enabled", "vlan_stats_per_port", "mcast_router",
		"mcast_snooping", "mcast_vlan_snooping", "no_linklocal_learn", "mcast_query_use_ifaddr",
		"mcast_querier", "mcast_hash_elasticity", "mcast_hash_max", "mcast_last_member_count",
		"mcast_startup_query_count", "mcast_last_member_interval", "mcast_membership_interval",
		"mcast_querier_interval", "mcast_query_interval", "mcast_query_response_interval",
		"mcast_startup_query_interval", "mcast_stats_enabled", "mcast_igmp_version",
		"mcast_mld_version", "nf_call_iptables", "nf_call_ip6tables", "nf_call_arptables",
	}
	bridgeTypeValues = map[string]valueFunc{
		"forward_delay": free, "hello_time": free, "max_age": free, "ageing_time": free,
		"stp_state": zeroOne, "priority": free, "vlan_filtering": zeroOne,
		"vlan_protocol": words("802.1Q", "802.1ad"), "group_fwd_mask": free, "group_address": free,
		"vlan_default_pvid": free, "vlan_stats_enabled": zeroOne, "vlan_stats_per_port": zeroOne,
		"mcast_router": words("0", "1", "2"), "mcast_snooping": zeroOne, "mcast_vlan_snooping": zeroOne,
		"no_linklocal_learn": zeroOne, "mcast_query_use_ifaddr": zeroOne, "mcast_querier": zeroOne,
		"mcast_hash_elasticity": free, "mcast_hash_max": free, "mcast_last_member_count": free,
		"mcast_startup_query_count": free, "mcast_last_member_interval": free,
		"mcast_membership_interval": free, "mcast_querier_interval": free, "mcast_query_interval": free,
		"mcast_query_response_interval": free, "mcast_startup_query_interval": free,
		"mcast_stats_enabled": zeroOne, "mcast_igmp_version": words("2", "3"), "mcast_mld_version": words("1", "2"),
		"nf_call_iptables": zeroOne, "nf_call_ip6tables": zeroOne, "nf_call_arptables": zeroOne,
	}
)

// bridgeSlaveKeywords are the options of "ip link set DEV type
// bridge_slave" (iplink_bridge_slave.c), with their values.
var (
	bridgeSlaveKeywords = []string{
		"fdb_flush", "state", "priority", "cost", "guard", "hairpin", "fastleave", "root_block",
		"learning", "flood", "mcast_flood", "bcast_flood", "mcast_to_unicast", "proxy_arp",
		"proxy_arp_wifi", "mcast_router", "group_fwd_mask", "neigh_suppress", "vlan_tunnel",
		"isolated", "locked",
	}
	bridgeSlaveValues = map[string]valueFunc{
		"state": portStates, "priority": free, "cost": free, "guard": onOff, "hairpin": onOff,
		"fastleave": onOff, "root_block": onOff, "learning": onOff, "flood": onOff,
		"mcast_flood": onOff, "bcast_flood": onOff, "mcast_to_unicast": onOff, "proxy_arp": onOff,
		"proxy_arp_wifi": onOff, "mcast_router": words("0", "1", "2"), "group_fwd_mask": free,
		"neigh_suppress": onOff, "vlan_tunnel": onOff, "isolated": onOff, "locked": onOff,
	}
)

// linkTypeValues are the value tables of the types whose options are
// listed per keyword.
var linkTypeValues = map[string]map[string]valueFunc{
	"bridge":       bridgeTypeValues,
	"bridge_slave": bridgeSlaveValues,
}

// bridge link, fdb and vlan (bridge/link.c, fdb.c, vlan.c): verbs,
// keywords and values.
var (
	bridgeLinkVerbs    = []string{"set", "show", "help"}
	bridgeFdbVerbs     = []string{"add", "append", "del", "replace", "show", "help"}
	bridgeVlanVerbs    = []string{"add", "del", "show", "help"}
	bridgeLinkKeywords = []string{"dev", "cost", "priority", "state", "guard", "hairpin", "fastleave", "root_block",
		"learning", "learning_sync", "flood", "mcast_flood", "bcast_flood", "mcast_to_unicast", "neigh_suppress",
		"vlan_tunnel", "isolated", "locked", "proxy_arp", "proxy_arp_wifi", "mcast_router", "hwmode", "self", "master"}
	bridgeLinkValues = map[string]valueFunc{
		"dev": devices, "cost": free, "priority": free, "state": portStates, "guard": onOff, "hairpin": onOff,
		"fastleave": onOff, "root_block": onOff, "learning": onOff, "learning_sync": onOff, "flood": onOff,
		"mcast_flood": onOff, "bcast_flood": onOff, "mcast_to_unicast": onOff, "neigh_suppress": onOff,
		"vlan_tunnel": onOff, "isolated": onOff, "locked": onOff, "proxy_arp": onOff, "proxy_arp_wifi": onOff,
		"mcast_router": free, "hwmode": words("vepa", "veb"),
	}
	bridgeFdbKeywords = []string{"dev", "dst", "port", "vni", "src_vni", "via", "self", "master", "router",
		"local", "permanent", "temp", "static", "dynamic", "vlan", "use", "extern_learn", "sticky"}
	bridgeFdbValues      = map[string]valueFunc{"dev": devices, "dst": free, "port": free, "vni": free, "src_vni": free, "via": devices, "vlan": free}
	bridgeFdbShowKeyword = []string{"br", "brport", "dev", "vlan", "state"}
	bridgeFdbShowValues  = map[string]valueFunc{"br": (*query).bridges, "brport": devices, "dev": devices, "vlan": free, "state": words("permanent", "static", "dynamic")}
	bridgeVlanKeywords   = []string{"vid", "dev", "pvid", "untagged", "self", "master"}
	bridgeVlanValues     = map[string]valueFunc{"vid": free, "dev": devices}
	bridgeDevValues      = map[string]valueFunc{"dev": devices}
)

// pingOptions are the options of nsh's ping (iputils' letters), and the
// ones that take a value.
var (
	pingOptions = []string{"-4", "-6", "-c", "-D", "-I", "-i", "-n", "-q", "-s", "-t", "-v", "-W", "-w"}
	pingValues  = map[string]valueFunc{"-c": free, "-I": devices, "-i": free, "-s": free, "-t": free, "-W": free, "-w": free}
)

// sysctlOptions are procps sysctl's options as nsh implements them.
var sysctlOptions = []string{
	"-a", "-A", "-X", "-b", "-e", "-N", "-n", "-p", "-f", "-q", "-w", "-o", "-x", "-h",
	"--all", "--deprecated", "--dry-run", "--binary", "--ignore", "--names", "--values",
	"--load", "--quiet", "--write", "--help",
}
