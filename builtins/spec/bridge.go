package spec

import (
	"math"
	"strings"
)

// Bridge is iproute2's bridge (bridge/bridge.c): its options and objects.
var Bridge = Cmd{
	Name:  "bridge",
	Usage: "bridge",
	Options: []Keyword{
		{Name: "help"}, {Name: "Version"}, {Name: "stats"}, {Name: "statistics", Canon: "stats"},
		{Name: "details"}, {Name: "oneline"}, {Name: "timestamp"},
		{Name: "family", Kind: Enum, Values: []string{"inet", "inet6", "help"}},
		{Name: "4", Exact: true}, {Name: "6", Exact: true},
		{Name: "netns", Kind: Netns},
		{Name: "color"}, {Name: "colour", Canon: "color"},
		{Name: "compressvlans"}, {Name: "force"}, {Name: "json"}, {Name: "pretty"},
		{Name: "batch", Kind: Text},
	},
	Objects: []Object{
		{Name: "link", Verbs: brLinkVerbs, Default: "show", Usage: "bridge-link"},
		{Name: "fdb", Verbs: brFdbVerbs, Default: "show", Usage: "bridge-fdb"},
		{Name: "mdb", Verbs: brMdbVerbs, Default: "show", Usage: "bridge-mdb"},
		{Name: "vlan", Verbs: brVlanVerbs, Default: "show", Usage: "bridge-vlan"},
		{Name: "vni", Verbs: brVniVerbs, Default: "show", Usage: "bridge-vni"},
		{Name: "monitor", Verbs: brMonitorVerbs, Usage: "bridge-monitor"},
		{Name: "help", Usage: "bridge"},
	},
}

// PortStates are the STP port states by number (BR_STATE_*), as bridge,
// brctl and "ip -d link" name them.
var PortStates = []string{"disabled", "listening", "learning", "forwarding", "blocking"}

// bridge link (bridge/link.c).
var brLinkVerbs = []Verb{
	{Name: "set", Keys: brLinkSetKeys},
	{Name: "change", Canon: "set", Keys: brLinkSetKeys},
	{Name: "show", Keys: brLinkShowKeys},
	{Name: "lst", Short: true, Canon: "show", Keys: brLinkShowKeys},
	{Name: "list", Canon: "show", Keys: brLinkShowKeys},
	{Name: "help"},
}

var brLinkSetKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "guard", Exact: true, Kind: OnOff},
	{Name: "hairpin", Exact: true, Kind: OnOff},
	{Name: "fastleave", Exact: true, Kind: OnOff},
	{Name: "root_block", Exact: true, Kind: OnOff},
	{Name: "learning", Exact: true, Kind: OnOff},
	{Name: "learning_sync", Exact: true, Kind: OnOff},
	{Name: "flood", Exact: true, Kind: OnOff},
	{Name: "mcast_router", Exact: true, Kind: Number, Max: math.MaxUint8},
	{Name: "mcast_flood", Exact: true, Kind: OnOff},
	{Name: "bcast_flood", Exact: true, Kind: OnOff},
	{Name: "mcast_to_unicast", Exact: true, Kind: OnOff},
	{Name: "cost", Exact: true, Kind: Number, Max: math.MaxUint32},
	{Name: "priority", Exact: true, Kind: Number, Max: math.MaxUint16},
	{Name: "state", Exact: true, Kind: Enum, Values: PortStates},
	{Name: "hwmode", Exact: true, Kind: Enum, Values: []string{"vepa", "veb"}},
	{Name: "self", Exact: true},
	{Name: "master", Exact: true},
	{Name: "neigh_suppress", Exact: true, Kind: OnOff},
	{Name: "vlan_tunnel", Exact: true, Kind: OnOff},
	{Name: "isolated", Exact: true, Kind: OnOff},
	{Name: "locked", Exact: true, Kind: OnOff},
	{Name: "backup_port", Exact: true, Kind: IfName},
	{Name: "nobackup_port", Exact: true},
	{Name: "help"},
}

var brLinkShowKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "help"},
}

// bridge fdb (bridge/fdb.c).
var brFdbVerbs = []Verb{
	{Name: "add", Bare: "addr", Keys: brFdbModKeys},
	{Name: "append", Bare: "addr", Keys: brFdbModKeys},
	{Name: "replace", Bare: "addr", Keys: brFdbModKeys},
	{Name: "delete", Bare: "addr", Keys: brFdbModKeys},
	{Name: "get", Bare: "addr", Keys: brFdbGetKeys},
	{Name: "show", Keys: brFdbShowKeys},
	{Name: "lst", Short: true, Canon: "show", Keys: brFdbShowKeys},
	{Name: "list", Canon: "show", Keys: brFdbShowKeys},
	{Name: "flush", Keys: brFdbFlushKeys},
	{Name: "help"},
}

var brFdbModKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "dst", Exact: true, Kind: Addr},
	{Name: "nhid", Exact: true, Kind: Number, Max: math.MaxUint32},
	{Name: "port", Exact: true, Kind: Number, Max: math.MaxUint16},
	{Name: "vni", Exact: true, Kind: Number, Max: 1<<24 - 1},
	{Name: "src_vni", Exact: true, Kind: Number, Max: 1<<24 - 1},
	{Name: "via", Exact: true, Kind: IfName},
	{Name: "self", Exact: true},
	{Name: "master"},
	{Name: "router"},
	{Name: "local"},
	{Name: "permanent", Canon: "local"},
	{Name: "temp"},
	{Name: "static", Canon: "temp"},
	{Name: "dynamic"},
	{Name: "vlan", Kind: Number, Max: 4094},
	{Name: "use"},
	{Name: "extern_learn"},
	{Name: "sticky"},
	{Name: "addr", Exact: true, Kind: LLAddr},
	{Name: "help"},
}

// brFdbGetKeys are fdb_get's keywords; a word that is none is the
// address ("to ADDR" too).
var brFdbGetKeys = []Keyword{
	{Name: "brport", Exact: true, Kind: PortDev},
	{Name: "br", Exact: true, Kind: BridgeDev},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "vni", Exact: true, Kind: Number, Max: 1<<24 - 1},
	{Name: "self", Exact: true},
	{Name: "master"},
	{Name: "vlan", Kind: Number, Max: 4094},
	{Name: "dynamic"},
	{Name: "to", Exact: true, Kind: LLAddr},
	{Name: "help"},
}

// brFdbFlushKeys are fdb_flush's keywords (all compared with strcmp).
var brFdbFlushKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: BridgeDev},
	{Name: "master", Exact: true},
	{Name: "self", Exact: true},
	{Name: "permanent", Exact: true}, {Name: "nopermanent", Exact: true},
	{Name: "static", Exact: true}, {Name: "nostatic", Exact: true},
	{Name: "dynamic", Exact: true}, {Name: "nodynamic", Exact: true},
	{Name: "added_by_user", Exact: true}, {Name: "noadded_by_user", Exact: true},
	{Name: "extern_learn", Exact: true}, {Name: "noextern_learn", Exact: true},
	{Name: "sticky", Exact: true}, {Name: "nosticky", Exact: true},
	{Name: "offloaded", Exact: true}, {Name: "nooffloaded", Exact: true},
	{Name: "brport", Exact: true, Kind: PortDev},
	{Name: "vlan", Exact: true, Kind: Number, Max: 4095},
	{Name: "help", Exact: true},
}

var brFdbShowKeys = []Keyword{
	{Name: "brport", Exact: true, Kind: PortDev},
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "br", Exact: true, Kind: BridgeDev},
	{Name: "vlan", Exact: true, Kind: Number, Max: 4094},
	{Name: "state", Exact: true, Kind: Enum, Values: []string{"permanent", "static", "dynamic"}},
	{Name: "dynamic", Exact: true},
	{Name: "help"},
}

// bridge mdb (bridge/mdb.c): verbs matched as prefixes, keywords
// compared with strcmp.
var brMdbVerbs = []Verb{
	{Name: "add", Keys: brMdbModKeys},
	{Name: "delete", Keys: brMdbModKeys},
	{Name: "show", Keys: brMdbShowKeys},
	{Name: "lst", Short: true, Canon: "show", Keys: brMdbShowKeys},
	{Name: "list", Canon: "show", Keys: brMdbShowKeys},
	{Name: "help"},
}

var brMdbModKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: BridgeDev},
	{Name: "grp", Exact: true, Kind: Text},
	{Name: "port", Exact: true, Kind: PortDev},
	{Name: "permanent", Exact: true},
	{Name: "temp", Exact: true},
	{Name: "vid", Exact: true, Kind: Number, Max: 4094},
	{Name: "src", Exact: true, Kind: Addr},
	{Name: "help"},
}

var brMdbShowKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: BridgeDev},
	{Name: "vid", Exact: true, Kind: Number, Max: 4094},
}

// bridge vni (bridge/vni.c): verbs and keywords compared with strcmp.
var brVniVerbs = []Verb{
	{Name: "add", Exact: true, Keys: brVniModKeys},
	{Name: "delete", Exact: true, Keys: brVniModKeys},
	{Name: "show", Exact: true, Keys: brVniShowKeys},
	{Name: "lst", Exact: true, Short: true, Canon: "show", Keys: brVniShowKeys},
	{Name: "list", Exact: true, Canon: "show", Keys: brVniShowKeys},
	{Name: "help", Exact: true},
}

var brVniModKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "vni", Exact: true, Kind: Text},
	{Name: "group", Exact: true, Kind: Addr},
	{Name: "remote", Exact: true, Kind: Addr},
	{Name: "help", Exact: true},
}

var brVniShowKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
}

// bridge monitor (bridge/monitor.c do_monitor): its words are
// selectors, any number of them, so each is a "verb" whose keywords are
// the others.
var brMonitorVerbs = []Verb{
	{Name: "file", Pos: []Keyword{{Name: "FILE", Kind: Text}}},
	{Name: "link", Keys: brMonitorKeys},
	{Name: "fdb", Keys: brMonitorKeys},
	{Name: "mdb", Keys: brMonitorKeys},
	{Name: "vlan", Keys: brMonitorKeys},
	{Name: "vni", Exact: true, Keys: brMonitorKeys},
	{Name: "all", Exact: true, Keys: brMonitorKeys},
	{Name: "help"},
}

var brMonitorKeys = []Keyword{
	{Name: "link"}, {Name: "fdb"}, {Name: "mdb"}, {Name: "vlan"},
	{Name: "vni", Exact: true}, {Name: "all", Exact: true}, {Name: "help"},
}

// bridge vlan (bridge/vlan.c).
var brVlanVerbs = []Verb{
	{Name: "add", Keys: brVlanModKeys},
	{Name: "delete", Keys: brVlanModKeys},
	{Name: "show", Keys: brVlanShowKeys},
	{Name: "lst", Short: true, Canon: "show", Keys: brVlanShowKeys},
	{Name: "list", Canon: "show", Keys: brVlanShowKeys},
	{Name: "tunnelshow", Keys: brVlanShowKeys},
	{Name: "set", Keys: brVlanSetKeys},
	{Name: "global", Exact: true, Keys: brVlanGlobalKeys},
	{Name: "help"},
}

// brVlanSetKeys are vlan_option_set's keywords (compared whole; other
// words are skipped).
var brVlanSetKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "vid", Exact: true, Kind: Text},
	{Name: "state", Exact: true, Kind: Text},
	{Name: "mcast_router", Exact: true, Kind: Number, Max: 255},
	{Name: "help"},
}

// brVlanGlobalKeys are vlan_global's sub-verbs and the keywords of
// vlan_global_show and vlan_global_option_set, compared whole.
var brVlanGlobalKeys = []Keyword{
	{Name: "show", Exact: true}, {Name: "lst", Exact: true}, {Name: "list", Exact: true}, {Name: "set", Exact: true},
	{Name: "dev", Exact: true, Kind: BridgeDev},
	{Name: "vid", Exact: true, Kind: Text},
	{Name: "mcast_snooping", Exact: true, Kind: Number, Max: 255},
	{Name: "mcast_querier", Exact: true, Kind: Number, Max: 255},
	{Name: "mcast_igmp_version", Exact: true, Kind: Number, Max: 255},
	{Name: "mcast_mld_version", Exact: true, Kind: Number, Max: 255},
	{Name: "mcast_last_member_count", Exact: true, Kind: Number, Max: u32},
	{Name: "mcast_startup_query_count", Exact: true, Kind: Number, Max: u32},
	{Name: "mcast_last_member_interval", Exact: true, Kind: Number},
	{Name: "mcast_membership_interval", Exact: true, Kind: Number},
	{Name: "mcast_querier_interval", Exact: true, Kind: Number},
	{Name: "mcast_query_interval", Exact: true, Kind: Number},
	{Name: "mcast_query_response_interval", Exact: true, Kind: Number},
	{Name: "mcast_startup_query_interval", Exact: true, Kind: Number},
	{Name: "help", Exact: true},
}

var brVlanModKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "vid", Exact: true, Kind: Text},
	{Name: "self", Exact: true},
	{Name: "master", Exact: true},
	{Name: "pvid", Exact: true},
	{Name: "untagged", Exact: true},
	{Name: "tunnel_info", Exact: true, Kind: Text, Extra: 1},
	{Name: "help"},
}

var brVlanShowKeys = []Keyword{
	{Name: "dev", Exact: true, Kind: IfName},
	{Name: "vid", Exact: true, Kind: Number, Max: 4094},
	{Name: "help"},
}

// BrctlHelp returns brctl's usage line for its command name: what
// follows the name on the command's line of brctl's usage text.
func BrctlHelp(name string) string {
	for _, line := range strings.Split(Usage("brctl"), "\n") {
		if rest, ok := strings.CutPrefix(line, "\t"+name); ok && strings.HasPrefix(strings.TrimLeft(rest, " "), "\t") {
			return strings.TrimPrefix(strings.TrimLeft(rest, " "), "\t")
		}
	}
	return ""
}

// Required returns the number of v's positional arguments that must be
// given.
func (v *Verb) Required() int {
	n := 0
	for i := range v.Pos {
		if !v.Pos[i].Optional {
			n++
		}
	}
	return n
}

// Brctl is bridge-utils' brctl (brctl/brctl_cmd.c): commands compared
// exactly, each with positional arguments.
var Brctl = Cmd{
	Name:  "brctl",
	Exact: true,
	Usage: "brctl",
	Verbs: []Verb{
		{Name: "addbr", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: NewIfName}}},
		{Name: "delbr", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}}},
		{Name: "addif", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}, {Name: "device", Kind: IfName}}},
		{Name: "delif", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}, {Name: "device", Kind: PortDev}}},
		{Name: "hairpin", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}, {Name: "port", Kind: PortDev}, {Name: "on|off", Kind: OnOff}}},
		{Name: "setageing", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}, {Name: "time", Kind: Text}}},
		{Name: "setbridgeprio", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}, {Name: "prio", Kind: Text}}},
		{Name: "setfd", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}, {Name: "time", Kind: Text}}},
		{Name: "sethello", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}, {Name: "time", Kind: Text}}},
		{Name: "setmaxage", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}, {Name: "time", Kind: Text}}},
		{Name: "setpathcost", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}, {Name: "port", Kind: PortDev}, {Name: "cost", Kind: Text}}},
		{Name: "setportprio", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}, {Name: "port", Kind: PortDev}, {Name: "prio", Kind: Text}}},
		{Name: "show", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev, Optional: true}}},
		{Name: "showmacs", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}}},
		{Name: "showstp", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}}},
		{Name: "stp", Exact: true, Pos: []Keyword{{Name: "bridge", Kind: BridgeDev}, {Name: "on|off", Kind: Text}}},
	},
}
