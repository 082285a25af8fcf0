package repl

// Keyword tables for completion, per command and position. The orders of
// ipObjects and the verb tables are iproute2's (ip/ip.c cmds[], the verb
// tables of ip/iplink.c, ipaddress.c, iproute.c, ipnetns.c), so that an
// abbreviation typed earlier on the line resolves as ip resolves it;
// completion offers only what nsh implements.

// langCommands are the language's own commands and the keywords that
// start a statement.
var langCommands = []string{
	"echo", "sleep", "exit", "source", "exec", "sudo", "exists", "cd", "set", "true", "false",
	"for", "if", "def", "in", "try", "help",
}

// netCommands are the network builtins, unless Config.Commands names
// them.
var netCommands = []string{"ip", "brctl", "bridge"}

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
	routeAddKeywords = []string{"via", "dev", "src", "table", "proto", "scope", "metric", "mtu", "onlink", "type"}
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
	bridgeVerbs        = []string{"add", "del", "replace", "set", "show", "help"}
	bridgeKeywords     = []string{"dev", "master", "self", "vlan", "state", "cost", "priority", "hairpin", "learning", "flood", "pvid", "untagged", "br", "brport"}
)
