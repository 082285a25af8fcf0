package iproute

import (
	"encoding/binary"
	"fmt"
	"github.com/nshlab/nsh/builtins/spec"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// brOpt is one "type bridge" or "type bridge_slave" option: its netlink
// attribute and how its argument is encoded (ip/iplink_bridge.c,
// ip/iplink_bridge_slave.c).
type brOpt struct {
	attr uint16
	kind string // "u8", "u16", "u32", "u64", "be16", "mac", "onoff", "flag", "vlanproto", "state", "boolopt"
	bit  uint   // for "boolopt": the BR_BOOLOPT_* bit
}

// bridgeOpts are the options of "ip link add|set DEV type bridge".
var bridgeOpts = map[string]brOpt{
	"forward_delay":                 {unix.IFLA_BR_FORWARD_DELAY, "u32", 0},
	"hello_time":                    {unix.IFLA_BR_HELLO_TIME, "u32", 0},
	"max_age":                       {unix.IFLA_BR_MAX_AGE, "u32", 0},
	"ageing_time":                   {unix.IFLA_BR_AGEING_TIME, "u32", 0},
	"stp_state":                     {unix.IFLA_BR_STP_STATE, "u32", 0},
	"priority":                      {unix.IFLA_BR_PRIORITY, "u16", 0},
	"vlan_filtering":                {unix.IFLA_BR_VLAN_FILTERING, "u8", 0},
	"vlan_protocol":                 {unix.IFLA_BR_VLAN_PROTOCOL, "vlanproto", 0},
	"group_fwd_mask":                {unix.IFLA_BR_GROUP_FWD_MASK, "u16", 0},
	"group_address":                 {unix.IFLA_BR_GROUP_ADDR, "mac", 0},
	"fdb_flush":                     {unix.IFLA_BR_FDB_FLUSH, "flag", 0},
	"vlan_default_pvid":             {unix.IFLA_BR_VLAN_DEFAULT_PVID, "u16", 0},
	"vlan_stats_enabled":            {unix.IFLA_BR_VLAN_STATS_ENABLED, "u8", 0},
	"vlan_stats_per_port":           {unix.IFLA_BR_VLAN_STATS_PER_PORT, "u8", 0},
	"mcast_router":                  {unix.IFLA_BR_MCAST_ROUTER, "u8", 0},
	"mcast_snooping":                {unix.IFLA_BR_MCAST_SNOOPING, "u8", 0},
	"mcast_vlan_snooping":           {iflaBrMultiBoolopt, "boolopt", brBooloptMcastVlans},
	"no_linklocal_learn":            {iflaBrMultiBoolopt, "boolopt", brBooloptNoLLLearn},
	"mcast_query_use_ifaddr":        {unix.IFLA_BR_MCAST_QUERY_USE_IFADDR, "u8", 0},
	"mcast_querier":                 {unix.IFLA_BR_MCAST_QUERIER, "u8", 0},
	"mcast_hash_elasticity":         {unix.IFLA_BR_MCAST_HASH_ELASTICITY, "u32", 0},
	"mcast_hash_max":                {unix.IFLA_BR_MCAST_HASH_MAX, "u32", 0},
	"mcast_last_member_count":       {unix.IFLA_BR_MCAST_LAST_MEMBER_CNT, "u32", 0},
	"mcast_startup_query_count":     {unix.IFLA_BR_MCAST_STARTUP_QUERY_CNT, "u32", 0},
	"mcast_last_member_interval":    {unix.IFLA_BR_MCAST_LAST_MEMBER_INTVL, "u64", 0},
	"mcast_membership_interval":     {unix.IFLA_BR_MCAST_MEMBERSHIP_INTVL, "u64", 0},
	"mcast_querier_interval":        {unix.IFLA_BR_MCAST_QUERIER_INTVL, "u64", 0},
	"mcast_query_interval":          {unix.IFLA_BR_MCAST_QUERY_INTVL, "u64", 0},
	"mcast_query_response_interval": {unix.IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, "u64", 0},
	"mcast_startup_query_interval":  {unix.IFLA_BR_MCAST_STARTUP_QUERY_INTVL, "u64", 0},
	"mcast_stats_enabled":           {unix.IFLA_BR_MCAST_STATS_ENABLED, "u8", 0},
	"mcast_igmp_version":            {unix.IFLA_BR_MCAST_IGMP_VERSION, "u8", 0},
	"mcast_mld_version":             {unix.IFLA_BR_MCAST_MLD_VERSION, "u8", 0},
	"nf_call_iptables":              {unix.IFLA_BR_NF_CALL_IPTABLES, "u8", 0},
	"nf_call_ip6tables":             {unix.IFLA_BR_NF_CALL_IP6TABLES, "u8", 0},
	"nf_call_arptables":             {unix.IFLA_BR_NF_CALL_ARPTABLES, "u8", 0},
}

// bridgeSlaveOpts are the options of "ip link set DEV type bridge_slave".
var bridgeSlaveOpts = map[string]brOpt{
	"fdb_flush":        {unix.IFLA_BRPORT_FLUSH, "flag", 0},
	"state":            {unix.IFLA_BRPORT_STATE, "state", 0},
	"priority":         {unix.IFLA_BRPORT_PRIORITY, "u16", 0},
	"cost":             {unix.IFLA_BRPORT_COST, "u32", 0},
	"guard":            {unix.IFLA_BRPORT_GUARD, "onoff", 0},
	"hairpin":          {unix.IFLA_BRPORT_MODE, "onoff", 0},
	"fastleave":        {unix.IFLA_BRPORT_FAST_LEAVE, "onoff", 0},
	"mcast_fast_leave": {unix.IFLA_BRPORT_FAST_LEAVE, "onoff", 0},
	"root_block":       {unix.IFLA_BRPORT_PROTECT, "onoff", 0},
	"learning":         {unix.IFLA_BRPORT_LEARNING, "onoff", 0},
	"flood":            {unix.IFLA_BRPORT_UNICAST_FLOOD, "onoff", 0},
	"mcast_flood":      {unix.IFLA_BRPORT_MCAST_FLOOD, "onoff", 0},
	"bcast_flood":      {unix.IFLA_BRPORT_BCAST_FLOOD, "onoff", 0},
	"mcast_to_unicast": {unix.IFLA_BRPORT_MCAST_TO_UCAST, "onoff", 0},
	"proxy_arp":        {unix.IFLA_BRPORT_PROXYARP, "onoff", 0},
	"proxy_arp_wifi":   {unix.IFLA_BRPORT_PROXYARP_WIFI, "onoff", 0},
	"mcast_router":     {unix.IFLA_BRPORT_MULTICAST_ROUTER, "u8", 0},
	"group_fwd_mask":   {unix.IFLA_BRPORT_GROUP_FWD_MASK, "u16", 0},
	"neigh_suppress":   {unix.IFLA_BRPORT_NEIGH_SUPPRESS, "onoff", 0},
	"vlan_tunnel":      {unix.IFLA_BRPORT_VLAN_TUNNEL, "onoff", 0},
	"isolated":         {unix.IFLA_BRPORT_ISOLATED, "onoff", 0},
	"locked":           {unix.IFLA_BRPORT_LOCKED, "onoff", 0},
}

// parseBrOpts encodes the arguments of "type bridge" (slave false) or
// "type bridge_slave" into IFLA_BR_* / IFLA_BRPORT_* attributes, in the
// order given, as bridge_parse_opt and bridge_slave_parse_opt do.
func parseBrOpts(kind string, args []string, slave bool) ([]*nl.RtAttr, error) {
	table := bridgeOpts
	if slave {
		table = bridgeSlaveOpts
	}
	var out []*nl.RtAttr
	var boolVal, boolMask uint32
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		o, ok := table[w]
		if !ok {
			usage := strings.TrimSuffix(spec.Usage("type-bridge"), "\n")
			if slave {
				usage = strings.TrimSuffix(spec.Usage("type-bridge_slave"), "\n")
			}
			switch {
			case builtins.Is(w, "help"):
				return nil, &builtins.Failure{Text: usage, Status: 1}
			case slave:
				return nil, &builtins.Failure{Text: "bridge_slave: unknown option \"" + w + "\"?\n" + usage, Status: 1}
			}
			return nil, &builtins.Failure{Text: "bridge: unknown command \"" + w + "\"?\n" + usage, Status: 1}
		}
		if o.kind == "flag" {
			out = append(out, nl.NewRtAttr(int(o.attr), nil))
			continue
		}
		s, err := a.Need(w)
		if err != nil {
			return nil, err
		}
		bad := func() error { return invarg(fmt.Sprintf("invalid %s", w), s) }
		num := func(bits int) (uint64, error) {
			n, err := strconv.ParseUint(s, 0, bits)
			if err != nil {
				return 0, bad()
			}
			return n, nil
		}
		var data []byte
		switch o.kind {
		case "u8", "state":
			if o.kind == "state" {
				for i, st := range spec.PortStates {
					if s == st {
						s = strconv.Itoa(i)
					}
				}
			}
			n, err := num(8)
			if err != nil {
				return nil, err
			}
			data = []byte{uint8(n)}
		case "u16":
			n, err := num(16)
			if err != nil {
				return nil, err
			}
			data = binary.LittleEndian.AppendUint16(nil, uint16(n))
		case "u32":
			n, err := num(32)
			if err != nil {
				return nil, err
			}
			data = binary.LittleEndian.AppendUint32(nil, uint32(n))
		case "u64":
			n, err := num(64)
			if err != nil {
				return nil, err
			}
			data = binary.LittleEndian.AppendUint64(nil, n)
		case "vlanproto":
			var p uint16
			switch s {
			case "802.1Q", "802.1q":
				p = 0x8100
			case "802.1ad", "802.1AD":
				p = 0x88a8
			default:
				return nil, bad()
			}
			data = binary.BigEndian.AppendUint16(nil, p)
		case "mac":
			m, err := llAddr(s, llBrBuf)
			if err != nil {
				return nil, err
			}
			data = m
		case "onoff":
			switch s {
			case "on":
				data = []byte{1}
			case "off":
				data = []byte{0}
			default:
				return nil, invarg(fmt.Sprintf("%q must be \"on\" or \"off\"", w), s)
			}
		case "boolopt":
			n, err := num(1)
			if err != nil {
				return nil, err
			}
			boolMask |= 1 << o.bit
			if n == 1 {
				boolVal |= 1 << o.bit
			} else {
				boolVal &^= 1 << o.bit
			}
			continue
		}
		out = append(out, nl.NewRtAttr(int(o.attr), data))
	}
	if boolMask != 0 {
		b := binary.LittleEndian.AppendUint32(nil, boolVal)
		b = binary.LittleEndian.AppendUint32(b, boolMask)
		out = append(out, nl.NewRtAttr(iflaBrMultiBoolopt, b))
	}
	return out, nil
}
