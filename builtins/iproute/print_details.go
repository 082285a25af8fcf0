package iproute

import (
	"encoding/json"
	"fmt"
	"github.com/nshlab/nsh/builtins/spec"
	"net"
	"os/user"
	"strconv"

	"golang.org/x/sys/unix"
)

// IFLA_INET6_* inside IFLA_AF_SPEC and attributes x/sys/unix lacks.
const (
	iflaVxlanGroup6     = 16
	iflaVxlanLocal6     = 17
	iflaVxlanL2miss     = 13
	iflaVxlanL3miss     = 14
	iflaVxlanZeroTx     = 19
	iflaVxlanZeroRx     = 20
	in6AddrGenEUI64     = 0
	in6AddrGenNone      = 1
	in6AddrGenStable    = 2
	in6AddrGenRandom    = 3
	iflaBrMultiBoolopt  = unix.IFLA_BR_MULTI_BOOLOPT
	brBooloptNoLLLearn  = 0
	brBooloptMcastVlans = 1
)

// cHex is C's "%#x": 0 prints as "0", other values as 0x....
func cHex(v uint64) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%#x", v)
}

// onOffWord is iproute2's print_on_off text.
func onOffWord(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// printOnOff is print_on_off: "KEY on|off " in text, a bool in JSON.
func printOnOff(p *printer, key, label string, v bool) {
	if p.json {
		p.member(key, v)
		return
	}
	fmt.Fprintf(&p.text, "%s %s ", label, onOffWord(v))
}

// printTimer is _bridge_print_timer: centiseconds as "%4i.%.2i", a raw
// number in JSON.
func printTimer(p *printer, key string, cs uint64) {
	s := fmt.Sprintf("%d.%02d", cs/100, cs%100)
	if p.json {
		p.member(key, json.RawMessage(s))
		return
	}
	fmt.Fprintf(&p.text, "%s %4d.%02d ", key, cs/100, cs%100)
}

// bridgeID is br_dump_bridge_id: "PPPP.M:A:C" with the address bytes
// in "%x" (not zero-padded), as iproute2 prints them.
func bridgeID(b []byte) string {
	if len(b) < 8 {
		return ""
	}
	return fmt.Sprintf("%02x%02x.%x:%x:%x:%x:%x:%x", b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7])
}

// printDetails is the "-details" part of print_linkinfo: promiscuity,
// mtu bounds, link kind and its data, slave data, addrgenmode (link
// view only) and the queue and offload limits.
func printDetails(p *printer, v *linkView, linkMode bool) {
	rl := v.raw
	if rl == nil {
		return
	}
	a := rl.attrs
	p.any("promiscuity", " promiscuity %d ", a.u32(unix.IFLA_PROMISCUITY))
	if a.has(unix.IFLA_ALLMULTI) {
		p.any("allmulti", " allmulti %d ", a.u32(unix.IFLA_ALLMULTI))
	}
	if a.has(unix.IFLA_MIN_MTU) {
		p.any("min_mtu", "minmtu %d ", a.u32(unix.IFLA_MIN_MTU))
	}
	if a.has(unix.IFLA_MAX_MTU) {
		p.any("max_mtu", "maxmtu %d ", a.u32(unix.IFLA_MAX_MTU))
	}
	if a.has(unix.IFLA_LINKINFO) {
		p.openObject("linkinfo")
		if rl.kind != "" {
			p.nl()
			p.any("info_kind", "    %s ", rl.kind)
			if pr, ok := kindPrinters[rl.kind]; ok && rl.data != nil {
				p.openObject("info_data")
				pr(p, v, rl.data)
				p.close("")
			}
		}
		if rl.slaveKind != "" {
			p.nl()
			p.fp("    %s_slave ", rl.slaveKind)
			p.js("info_slave_kind", rl.slaveKind)
			if rl.slaveKind == "bridge" && rl.slaveData != nil {
				p.openObject("info_slave_data")
				printBridgeSlave(p, rl.slaveData)
				p.close("")
			}
		}
		p.close("")
	}
	if linkMode {
		if spec, ok := a[unix.IFLA_AF_SPEC]; ok {
			if in6, ok := parseRattrs(spec)[unix.AF_INET6]; ok {
				t := parseRattrs(in6)
				if t.has(unix.IFLA_INET6_ADDR_GEN_MODE) {
					m := t.u8(unix.IFLA_INET6_ADDR_GEN_MODE)
					name := map[uint64]string{in6AddrGenEUI64: "eui64", in6AddrGenNone: "none", in6AddrGenStable: "stable_secret", in6AddrGenRandom: "random"}[m]
					if name == "" {
						name = fmt.Sprintf("%#.2x", m)
					}
					p.any("inet6_addr_gen_mode", "addrgenmode %s ", name)
				}
			}
		}
	}
	for _, f := range []struct {
		t        uint16
		key, txt string
	}{
		{unix.IFLA_NUM_TX_QUEUES, "num_tx_queues", "numtxqueues"},
		{unix.IFLA_NUM_RX_QUEUES, "num_rx_queues", "numrxqueues"},
		{unix.IFLA_GSO_MAX_SIZE, "gso_max_size", "gso_max_size"},
		{unix.IFLA_GSO_MAX_SEGS, "gso_max_segs", "gso_max_segs"},
		{unix.IFLA_TSO_MAX_SIZE, "tso_max_size", "tso_max_size"},
		{unix.IFLA_TSO_MAX_SEGS, "tso_max_segs", "tso_max_segs"},
		{unix.IFLA_GRO_MAX_SIZE, "gro_max_size", "gro_max_size"},
	} {
		if a.has(f.t) {
			p.any(f.key, f.txt+" %d ", a.u32(f.t))
		}
	}
}

// kindPrinters are the print_opt functions of the link kinds nsh knows
// (ip/iplink_*.c).
var kindPrinters = map[string]func(p *printer, v *linkView, d rattrs){
	"bridge":  printBridgeOpt,
	"macvlan": printMacvlanOpt,
	"macvtap": printMacvlanOpt,
	"vxlan":   printVxlanOpt,
	"tun":     printTunOpt,
}

// printBridgeOpt is bridge_print_opt (ip/iplink_bridge.c).
func printBridgeOpt(p *printer, _ *linkView, d rattrs) {
	u := func(t uint16, key, txt string, get func(uint16) uint64) {
		if d.has(t) {
			p.any(key, txt+" %d ", get(t))
		}
	}
	u(unix.IFLA_BR_FORWARD_DELAY, "forward_delay", "forward_delay", d.u32)
	u(unix.IFLA_BR_HELLO_TIME, "hello_time", "hello_time", d.u32)
	u(unix.IFLA_BR_MAX_AGE, "max_age", "max_age", d.u32)
	u(unix.IFLA_BR_AGEING_TIME, "ageing_time", "ageing_time", d.u32)
	u(unix.IFLA_BR_STP_STATE, "stp_state", "stp_state", d.u32)
	u(unix.IFLA_BR_PRIORITY, "priority", "priority", d.u16)
	u(unix.IFLA_BR_VLAN_FILTERING, "vlan_filtering", "vlan_filtering", d.u8)
	if d.has(unix.IFLA_BR_VLAN_PROTOCOL) {
		proto := "802.1Q"
		if d.be16(unix.IFLA_BR_VLAN_PROTOCOL) == 0x88a8 {
			proto = "802.1ad"
		}
		p.any("vlan_protocol", "vlan_protocol %s ", proto)
	}
	if d.has(unix.IFLA_BR_BRIDGE_ID) {
		p.any("bridge_id", "bridge_id %s ", bridgeID(d[unix.IFLA_BR_BRIDGE_ID]))
	}
	if d.has(unix.IFLA_BR_ROOT_ID) {
		p.any("root_id", "designated_root %s ", bridgeID(d[unix.IFLA_BR_ROOT_ID]))
	}
	u(unix.IFLA_BR_ROOT_PORT, "root_port", "root_port", d.u16)
	u(unix.IFLA_BR_ROOT_PATH_COST, "root_path_cost", "root_path_cost", d.u32)
	u(unix.IFLA_BR_TOPOLOGY_CHANGE, "topology_change", "topology_change", d.u8)
	u(unix.IFLA_BR_TOPOLOGY_CHANGE_DETECTED, "topology_change_detected", "topology_change_detected", d.u8)
	for _, t := range []struct {
		t   uint16
		key string
	}{
		{unix.IFLA_BR_HELLO_TIMER, "hello_timer"}, {unix.IFLA_BR_TCN_TIMER, "tcn_timer"},
		{unix.IFLA_BR_TOPOLOGY_CHANGE_TIMER, "topology_change_timer"}, {unix.IFLA_BR_GC_TIMER, "gc_timer"},
	} {
		if d.has(t.t) {
			printTimer(p, t.key, d.u64(t.t))
		}
	}
	u(unix.IFLA_BR_VLAN_DEFAULT_PVID, "vlan_default_pvid", "vlan_default_pvid", d.u16)
	u(unix.IFLA_BR_VLAN_STATS_ENABLED, "vlan_stats_enabled", "vlan_stats_enabled", d.u8)
	u(unix.IFLA_BR_VLAN_STATS_PER_PORT, "vlan_stats_per_port", "vlan_stats_per_port", d.u8)
	if d.has(unix.IFLA_BR_GROUP_FWD_MASK) {
		p.any("group_fwd_mask", "group_fwd_mask %s ", cHex(d.u16(unix.IFLA_BR_GROUP_FWD_MASK)))
	}
	if d.has(unix.IFLA_BR_GROUP_ADDR) {
		p.any("group_addr", "group_address %s ", net.HardwareAddr(d[unix.IFLA_BR_GROUP_ADDR]).String())
	}
	u(unix.IFLA_BR_MCAST_SNOOPING, "mcast_snooping", "mcast_snooping", d.u8)
	if b := d[iflaBrMultiBoolopt]; len(b) >= 8 {
		val := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
		mask := uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24
		for _, o := range []struct {
			bit uint
			key string
		}{{brBooloptNoLLLearn, "no_linklocal_learn"}, {brBooloptMcastVlans, "mcast_vlan_snooping"}} {
			if mask&(1<<o.bit) != 0 {
				n := 0
				if val&(1<<o.bit) != 0 {
					n = 1
				}
				p.any(o.key, o.key+" %d ", n)
			}
		}
	}
	u(unix.IFLA_BR_MCAST_ROUTER, "mcast_router", "mcast_router", d.u8)
	u(unix.IFLA_BR_MCAST_QUERY_USE_IFADDR, "mcast_query_use_ifaddr", "mcast_query_use_ifaddr", d.u8)
	u(unix.IFLA_BR_MCAST_QUERIER, "mcast_querier", "mcast_querier", d.u8)
	u(unix.IFLA_BR_MCAST_HASH_ELASTICITY, "mcast_hash_elasticity", "mcast_hash_elasticity", d.u32)
	u(unix.IFLA_BR_MCAST_HASH_MAX, "mcast_hash_max", "mcast_hash_max", d.u32)
	u(unix.IFLA_BR_MCAST_LAST_MEMBER_CNT, "mcast_last_member_cnt", "mcast_last_member_count", d.u32)
	u(unix.IFLA_BR_MCAST_STARTUP_QUERY_CNT, "mcast_startup_query_cnt", "mcast_startup_query_count", d.u32)
	u(unix.IFLA_BR_MCAST_LAST_MEMBER_INTVL, "mcast_last_member_intvl", "mcast_last_member_interval", d.u64)
	u(unix.IFLA_BR_MCAST_MEMBERSHIP_INTVL, "mcast_membership_intvl", "mcast_membership_interval", d.u64)
	u(unix.IFLA_BR_MCAST_QUERIER_INTVL, "mcast_querier_intvl", "mcast_querier_interval", d.u64)
	u(unix.IFLA_BR_MCAST_QUERY_INTVL, "mcast_query_intvl", "mcast_query_interval", d.u64)
	u(unix.IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, "mcast_query_response_intvl", "mcast_query_response_interval", d.u64)
	u(unix.IFLA_BR_MCAST_STARTUP_QUERY_INTVL, "mcast_startup_query_intvl", "mcast_startup_query_interval", d.u64)
	u(unix.IFLA_BR_MCAST_STATS_ENABLED, "mcast_stats_enabled", "mcast_stats_enabled", d.u8)
	u(unix.IFLA_BR_MCAST_IGMP_VERSION, "mcast_igmp_version", "mcast_igmp_version", d.u8)
	u(unix.IFLA_BR_MCAST_MLD_VERSION, "mcast_mld_version", "mcast_mld_version", d.u8)
	u(unix.IFLA_BR_NF_CALL_IPTABLES, "nf_call_iptables", "nf_call_iptables", d.u8)
	u(unix.IFLA_BR_NF_CALL_IP6TABLES, "nf_call_ip6tables", "nf_call_ip6tables", d.u8)
	u(unix.IFLA_BR_NF_CALL_ARPTABLES, "nf_call_arptables", "nf_call_arptables", d.u8)
}

// printBridgeSlave is bridge_slave_print_opt (ip/iplink_bridge_slave.c).
func printBridgeSlave(p *printer, d rattrs) {
	flag := func(t uint16, key, txt string) {
		if d.has(t) {
			printOnOff(p, key, txt, d.u8(t) != 0)
		}
	}
	u := func(t uint16, key, txt string, get func(uint16) uint64) {
		if d.has(t) {
			p.any(key, txt+" %d ", get(t))
		}
	}
	if d.has(unix.IFLA_BRPORT_STATE) {
		s := int(d.u8(unix.IFLA_BRPORT_STATE))
		name := strconv.Itoa(s)
		if s < len(spec.PortStates) {
			name = spec.PortStates[s]
		}
		p.any("state", "state %s ", name)
	}
	u(unix.IFLA_BRPORT_PRIORITY, "priority", "priority", d.u16)
	u(unix.IFLA_BRPORT_COST, "cost", "cost", d.u32)
	flag(unix.IFLA_BRPORT_MODE, "hairpin", "hairpin")
	flag(unix.IFLA_BRPORT_GUARD, "guard", "guard")
	flag(unix.IFLA_BRPORT_PROTECT, "root_block", "root_block")
	flag(unix.IFLA_BRPORT_FAST_LEAVE, "fastleave", "fastleave")
	flag(unix.IFLA_BRPORT_LEARNING, "learning", "learning")
	flag(unix.IFLA_BRPORT_UNICAST_FLOOD, "flood", "flood")
	if d.has(unix.IFLA_BRPORT_ID) {
		p.any("id", "port_id %s ", cHex(d.u16(unix.IFLA_BRPORT_ID)))
	}
	if d.has(unix.IFLA_BRPORT_NO) {
		p.any("no", "port_no %s ", cHex(d.u16(unix.IFLA_BRPORT_NO)))
	}
	u(unix.IFLA_BRPORT_DESIGNATED_PORT, "designated_port", "designated_port", d.u16)
	u(unix.IFLA_BRPORT_DESIGNATED_COST, "designated_cost", "designated_cost", d.u16)
	if d.has(unix.IFLA_BRPORT_BRIDGE_ID) {
		p.any("bridge_id", "designated_bridge %s ", bridgeID(d[unix.IFLA_BRPORT_BRIDGE_ID]))
	}
	if d.has(unix.IFLA_BRPORT_ROOT_ID) {
		p.any("root_id", "designated_root %s ", bridgeID(d[unix.IFLA_BRPORT_ROOT_ID]))
	}
	for _, t := range []struct {
		t   uint16
		key string
	}{
		{unix.IFLA_BRPORT_HOLD_TIMER, "hold_timer"}, {unix.IFLA_BRPORT_MESSAGE_AGE_TIMER, "message_age_timer"},
		{unix.IFLA_BRPORT_FORWARD_DELAY_TIMER, "forward_delay_timer"},
	} {
		if d.has(t.t) {
			printTimer(p, t.key, d.u64(t.t))
		}
	}
	u(unix.IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, "topology_change_ack", "topology_change_ack", d.u8)
	u(unix.IFLA_BRPORT_CONFIG_PENDING, "config_pending", "config_pending", d.u8)
	flag(unix.IFLA_BRPORT_PROXYARP, "proxy_arp", "proxy_arp")
	flag(unix.IFLA_BRPORT_PROXYARP_WIFI, "proxy_arp_wifi", "proxy_arp_wifi")
	u(unix.IFLA_BRPORT_MULTICAST_ROUTER, "multicast_router", "mcast_router", d.u8)
	if d.has(unix.IFLA_BRPORT_FAST_LEAVE) {
		p.fp("mcast_fast_leave %s ", onOffWord(d.u8(unix.IFLA_BRPORT_FAST_LEAVE) != 0))
	}
	flag(unix.IFLA_BRPORT_MCAST_FLOOD, "mcast_flood", "mcast_flood")
	flag(unix.IFLA_BRPORT_BCAST_FLOOD, "bcast_flood", "bcast_flood")
	flag(unix.IFLA_BRPORT_MCAST_TO_UCAST, "mcast_to_unicast", "mcast_to_unicast")
	flag(unix.IFLA_BRPORT_NEIGH_SUPPRESS, "neigh_suppress", "neigh_suppress")
	if d.has(unix.IFLA_BRPORT_GROUP_FWD_MASK) {
		m := d.u16(unix.IFLA_BRPORT_GROUP_FWD_MASK)
		p.any("group_fwd_mask", "group_fwd_mask %s ", cHex(m))
		p.any("group_fwd_mask_str", "group_fwd_mask_str %s ", fmt.Sprintf("0x%x", m))
	}
	flag(unix.IFLA_BRPORT_VLAN_TUNNEL, "vlan_tunnel", "vlan_tunnel")
	flag(unix.IFLA_BRPORT_ISOLATED, "isolated", "isolated")
	flag(unix.IFLA_BRPORT_LOCKED, "locked", "locked")
}

// macvlanModes are the IFLA_MACVLAN_MODE names of macvlan_print_opt.
var macvlanModes = map[uint64]string{1: "private", 2: "vepa", 4: "bridge", 8: "passthru", 16: "source"}

// printMacvlanOpt is macvlan_print_opt (ip/iplink_macvlan.c).
func printMacvlanOpt(p *printer, _ *linkView, d rattrs) {
	if !d.has(unix.IFLA_MACVLAN_MODE) {
		return
	}
	m := d.u32(unix.IFLA_MACVLAN_MODE)
	name, ok := macvlanModes[m]
	if !ok {
		name = "unknown"
	}
	p.any("mode", "mode %s ", name)
	if d.has(unix.IFLA_MACVLAN_FLAGS) && d.u16(unix.IFLA_MACVLAN_FLAGS)&1 != 0 {
		p.js("nopromisc", true)
		p.fp("nopromisc ")
	}
	if d.has(unix.IFLA_MACVLAN_BC_QUEUE_LEN) {
		p.any("bcqueuelen", "bcqueuelen %d ", d.u32(unix.IFLA_MACVLAN_BC_QUEUE_LEN))
	}
	if d.has(unix.IFLA_MACVLAN_BC_QUEUE_LEN_USED) {
		p.any("usedbcqueuelen", "usedbcqueuelen %d ", d.u32(unix.IFLA_MACVLAN_BC_QUEUE_LEN_USED))
	}
}

// printVxlanOpt is vxlan_print_opt (ip/iplink_vxlan.c).
func printVxlanOpt(p *printer, v *linkView, d rattrs) {
	if d.u8(unix.IFLA_VXLAN_COLLECT_METADATA) != 0 {
		p.js("external", true)
		p.fp("external ")
	}
	if d.u8(unix.IFLA_VXLAN_VNIFILTER) != 0 {
		// iproute2 6.1 prints no blank after it ("vnifilterid 0").
		p.js("vnifilter", true)
		p.fp("vnifilter")
	}
	if len(d[unix.IFLA_VXLAN_ID]) >= 4 {
		p.any("id", "id %d ", d.u32(unix.IFLA_VXLAN_ID))
	}
	if g := d[unix.IFLA_VXLAN_GROUP]; len(g) == 4 {
		ip := net.IP(g)
		if !ip.IsUnspecified() {
			if ip.IsMulticast() {
				p.any("group", "group %s ", ip.String())
			} else {
				p.any("remote", "remote %s ", ip.String())
			}
		}
	} else if g := d[iflaVxlanGroup6]; len(g) == 16 {
		ip := net.IP(g)
		if !ip.IsUnspecified() {
			if ip.IsMulticast() {
				p.any("group6", "group %s ", ip.String())
			} else {
				p.any("remote6", "remote %s ", ip.String())
			}
		}
	}
	if l := d[unix.IFLA_VXLAN_LOCAL]; len(l) == 4 {
		if ip := net.IP(l); !ip.IsUnspecified() {
			p.any("local", "local %s ", ip.String())
		}
	} else if l := d[iflaVxlanLocal6]; len(l) == 16 {
		if ip := net.IP(l); !ip.IsUnspecified() {
			p.any("local6", "local %s ", ip.String())
		}
	}
	if link := d.u32(unix.IFLA_VXLAN_LINK); link != 0 {
		if n, ok := v.nameOf(int(link)); ok {
			p.any("link", "dev %s ", n)
		} else {
			p.any("link_index", "dev %d ", link)
		}
	}
	if r := d[unix.IFLA_VXLAN_PORT_RANGE]; len(r) >= 4 {
		lo := uint16(r[0])<<8 | uint16(r[1])
		hi := uint16(r[2])<<8 | uint16(r[3])
		p.fp("srcport %d %d ", lo, hi)
		p.openObject("port_range")
		p.js("low", lo)
		p.js("high", hi)
		p.close("")
	}
	if d.has(unix.IFLA_VXLAN_PORT) {
		p.any("port", "dstport %d ", d.be16(unix.IFLA_VXLAN_PORT))
	}
	if d.has(unix.IFLA_VXLAN_LEARNING) {
		l := d.u8(unix.IFLA_VXLAN_LEARNING) != 0
		p.js("learning", l)
		if !l {
			p.fp("nolearning ")
		}
	}
	for _, f := range []struct {
		t   uint16
		key string
	}{{unix.IFLA_VXLAN_PROXY, "proxy"}, {unix.IFLA_VXLAN_RSC, "rsc"}, {iflaVxlanL2miss, "l2miss"}, {iflaVxlanL3miss, "l3miss"}} {
		if d.u8(f.t) != 0 {
			p.js(f.key, true)
			p.fp("%s ", f.key)
		}
	}
	if tos := d.u8(unix.IFLA_VXLAN_TOS); tos != 0 {
		p.js("tos", cHex(tos))
		if tos == 1 {
			p.fp("tos inherit ")
		} else {
			p.fp("tos %s ", cHex(tos))
		}
	}
	if d.u8(unix.IFLA_VXLAN_TTL_INHERIT) != 0 {
		p.fp("ttl %s ", "inherit") // text only, as in iproute2 6.1
	} else if d.has(unix.IFLA_VXLAN_TTL) {
		ttl := d.u8(unix.IFLA_VXLAN_TTL)
		p.js("ttl", ttl)
		if ttl != 0 {
			p.fp("ttl %d ", ttl)
		} else {
			p.fp("ttl auto ")
		}
	}
	if d.has(unix.IFLA_VXLAN_DF) {
		switch d.u8(unix.IFLA_VXLAN_DF) {
		case 0:
			p.js("df", "unset")
		case 1:
			p.any("df", "df %s ", "set")
		case 2:
			p.any("df", "df %s ", "inherit")
		}
	}
	if label := d[unix.IFLA_VXLAN_LABEL]; len(label) == 4 {
		if l := uint64(label[0])<<24 | uint64(label[1])<<16 | uint64(label[2])<<8 | uint64(label[3]); l != 0 {
			p.any("label", "flowlabel %s ", cHex(l))
		}
	}
	if d.has(unix.IFLA_VXLAN_AGEING) {
		if age := d.u32(unix.IFLA_VXLAN_AGEING); age == 0 {
			p.any("ageing", "ageing none ", 0)
		} else {
			p.any("ageing", "ageing %d ", age)
		}
	}
	if m := d.u32(unix.IFLA_VXLAN_LIMIT); m != 0 {
		p.any("limit", "maxaddr %d ", m)
	}
	for _, f := range []struct {
		t        uint16
		key, txt string
	}{
		{unix.IFLA_VXLAN_UDP_CSUM, "udp_csum", "udpcsum"},
		{iflaVxlanZeroTx, "udp_zero_csum6_tx", "udp6zerocsumtx"},
		{iflaVxlanZeroRx, "udp_zero_csum6_rx", "udp6zerocsumrx"},
	} {
		if d.has(f.t) {
			on := d.u8(f.t) != 0
			p.js(f.key, on)
			if !on {
				p.fp("no")
			}
			p.fp("%s ", f.txt)
		}
	}
	for _, f := range []struct {
		t        uint16
		key, txt string
	}{
		{unix.IFLA_VXLAN_REMCSUM_TX, "remcsum_tx", "remcsumtx"},
		{unix.IFLA_VXLAN_REMCSUM_RX, "remcsum_rx", "remcsumrx"},
	} {
		if d.u8(f.t) != 0 {
			p.js(f.key, true)
			p.fp("%s ", f.txt)
		}
	}
	if d.has(unix.IFLA_VXLAN_GBP) {
		p.js("gbp", true)
		p.fp("gbp ")
	}
	if d.has(unix.IFLA_VXLAN_GPE) {
		p.js("gpe", true)
		p.fp("gpe ")
	}
}

// printTunOpt is tun_print_opt (ip/iptuntap.c).
func printTunOpt(p *printer, _ *linkView, d rattrs) {
	if d.has(unix.IFLA_TUN_TYPE) {
		t := "tun"
		if d.u8(unix.IFLA_TUN_TYPE) == 2 {
			t = "tap"
		}
		p.any("type", "type %s ", t)
	}
	flag := func(t uint16, key string) {
		if d.has(t) {
			printOnOff(p, key, key, d.u8(t) != 0)
		}
	}
	flag(unix.IFLA_TUN_PI, "pi")
	flag(unix.IFLA_TUN_VNET_HDR, "vnet_hdr")
	if d.has(unix.IFLA_TUN_MULTI_QUEUE) {
		mq := d.u8(unix.IFLA_TUN_MULTI_QUEUE) != 0
		p.js("multi_queue", mq)
		if mq {
			p.fp("multi_queue ")
			if d.has(unix.IFLA_TUN_NUM_QUEUES) {
				p.any("numqueues", "numqueues %d ", d.u32(unix.IFLA_TUN_NUM_QUEUES))
			}
			if d.has(unix.IFLA_TUN_NUM_DISABLED_QUEUES) {
				p.any("numdisabled", "numdisabled %d ", d.u32(unix.IFLA_TUN_NUM_DISABLED_QUEUES))
			}
		}
	}
	if d.has(unix.IFLA_TUN_PERSIST) {
		printOnOff(p, "persist", "persist", d.u8(unix.IFLA_TUN_PERSIST) != 0)
	}
	if d.has(unix.IFLA_TUN_OWNER) {
		uid := d.u32(unix.IFLA_TUN_OWNER)
		if uint32(uid) != 0xffffffff {
			name := strconv.FormatUint(uid, 10)
			if u, err := user.LookupId(name); err == nil {
				name = u.Username
			}
			p.any("user", "user %s ", name)
		}
	}
	if d.has(unix.IFLA_TUN_GROUP) {
		gid := d.u32(unix.IFLA_TUN_GROUP)
		if uint32(gid) != 0xffffffff {
			name := strconv.FormatUint(gid, 10)
			if g, err := user.LookupGroupId(name); err == nil {
				name = g.Name
			}
			p.any("group", "group %s ", name)
		}
	}
}

// statsCols is the column widths of print_stats64 (size_columns).
type statsCols [8]int

func numWidth(v uint64) int { return len(strconv.FormatUint(v, 10)) }

func (c *statsCols) size(vals ...uint64) {
	for i, v := range vals {
		if w := numWidth(v); w > c[i] {
			c[i] = w
		}
	}
}

// statField is one counter of a JSON stats block.
type statField struct {
	k string
	v uint64
}

// jsStats prints the counters fs, in order, as JSON members only.
func jsStats(p *printer, fs []statField) {
	for _, f := range fs {
		p.js(f.k, f.v)
	}
}

func printNum(p *printer, w int, v uint64) { p.fp("%*d ", w, v) }

// printStats is print_link_stats (print_stats64 of ip/ipaddress.c): the
// RX/TX blocks of "ip -s link", with the error blocks under -s -s.
func printStats(p *printer, g *Global, v *linkView, lead bool) {
	if v.raw == nil {
		return
	}
	s, ok := v.raw.stats64()
	if !ok {
		return
	}
	cc, hasCC := uint64(0), v.raw.attrs.has(unix.IFLA_CARRIER_CHANGES)
	if hasCC {
		cc = v.raw.attrs.u32(unix.IFLA_CARRIER_CHANGES)
	}
	if p.json {
		p.openObject("stats64")
		p.openObject("rx")
		jsStats(p, []statField{{"bytes", s.RxBytes}, {"packets", s.RxPackets}, {"errors", s.RxErrors}, {"dropped", s.RxDropped}, {"over_errors", s.RxOverErrors}, {"multicast", s.Multicast}})
		if s.RxCompressed != 0 {
			p.js("compressed", s.RxCompressed)
		}
		if g.Stats > 1 {
			jsStats(p, []statField{{"length_errors", s.RxLengthErrors}, {"crc_errors", s.RxCrcErrors}, {"frame_errors", s.RxFrameErrors}, {"fifo_errors", s.RxFifoErrors}, {"missed_errors", s.RxMissedErrors}})
			if s.RxNohandler != 0 {
				p.js("nohandler", s.RxNohandler)
			}
			if s.RxOtherhostDropped != 0 {
				p.js("otherhost", s.RxOtherhostDropped)
			}
		}
		p.close("")
		p.openObject("tx")
		jsStats(p, []statField{{"bytes", s.TxBytes}, {"packets", s.TxPackets}, {"errors", s.TxErrors}, {"dropped", s.TxDropped}, {"carrier_errors", s.TxCarrierErrors}, {"collisions", s.Collisions}})
		if s.TxCompressed != 0 {
			p.js("compressed", s.TxCompressed)
		}
		if g.Stats > 1 {
			jsStats(p, []statField{{"aborted_errors", s.TxAbortedErrors}, {"fifo_errors", s.TxFifoErrors}, {"window_errors", s.TxWindowErrors}, {"heartbeat_errors", s.TxHeartbeatErrors}})
			if hasCC {
				p.js("carrier_changes", cc)
			}
		}
		p.close("")
		p.close("")
		return
	}
	c := statsCols{10, 7, 6, 7, 7, 7, 10, 9}
	defer func() {
		if !lead {
			p.fp("\n")
		}
	}()
	c.size(s.RxBytes, s.RxPackets, s.RxErrors, s.RxDropped, s.RxMissedErrors, s.Multicast, s.RxCompressed, 0)
	if g.Stats > 1 {
		c.size(0, s.RxLengthErrors, s.RxCrcErrors, s.RxFrameErrors, s.RxFifoErrors, s.RxOverErrors, s.RxNohandler, s.RxOtherhostDropped)
	}
	c.size(s.TxBytes, s.TxPackets, s.TxErrors, s.TxDropped, s.TxCarrierErrors, s.Collisions, s.TxCompressed, 0)
	if g.Stats > 1 {
		c.size(0, 0, s.TxAbortedErrors, s.TxFifoErrors, s.TxWindowErrors, s.TxHeartbeatErrors, cc, 0)
	}
	word := func(on bool, w string) string {
		if on {
			return w
		}
		return ""
	}
	if lead {
		p.fp("%s", p.sl)
	}
	p.fp("    RX: %*s %*s %*s %*s %*s %*s %*s%s", c[0]-4, "bytes", c[1], "packets", c[2], "errors",
		c[3], "dropped", c[4], "missed", c[5], "mcast", c[6], word(s.RxCompressed != 0, "compressed"), p.sl)
	p.fp("    ")
	for i, n := range []uint64{s.RxBytes, s.RxPackets, s.RxErrors, s.RxDropped, s.RxMissedErrors, s.Multicast} {
		printNum(p, c[i], n)
	}
	if s.RxCompressed != 0 {
		printNum(p, c[6], s.RxCompressed)
	}
	if g.Stats > 1 {
		p.fp("%s", p.sl)
		nh, oh := 0, 0
		if s.RxNohandler != 0 {
			nh = c[6] + 1
		}
		if s.RxOtherhostDropped != 0 {
			oh = c[7] + 1
		}
		p.fp("    RX errors:%*s %*s %*s %*s %*s %*s%*s%*s%s", c[0]-10, "", c[1], "length", c[2], "crc",
			c[3], "frame", c[4], "fifo", c[5], "overrun", nh, word(nh > 0, "nohandler"), oh, word(oh > 0, "otherhost"), p.sl)
		p.fp("%*s", c[0]+5, "")
		for i, n := range []uint64{s.RxLengthErrors, s.RxCrcErrors, s.RxFrameErrors, s.RxFifoErrors, s.RxOverErrors} {
			printNum(p, c[i+1], n)
		}
		if s.RxNohandler != 0 {
			printNum(p, c[6], s.RxNohandler)
		}
		if s.RxOtherhostDropped != 0 {
			printNum(p, c[7], s.RxOtherhostDropped)
		}
	}
	p.fp("%s", p.sl)
	p.fp("    TX: %*s %*s %*s %*s %*s %*s %*s%s", c[0]-4, "bytes", c[1], "packets", c[2], "errors",
		c[3], "dropped", c[4], "carrier", c[5], "collsns", c[6], word(s.TxCompressed != 0, "compressed"), p.sl)
	p.fp("    ")
	for i, n := range []uint64{s.TxBytes, s.TxPackets, s.TxErrors, s.TxDropped, s.TxCarrierErrors, s.Collisions} {
		printNum(p, c[i], n)
	}
	if s.TxCompressed != 0 {
		printNum(p, c[6], s.TxCompressed)
	}
	if g.Stats > 1 {
		p.fp("%s", p.sl)
		p.fp("    TX errors:%*s %*s %*s %*s %*s %*s%s", c[0]-10, "", c[1], "aborted", c[2], "fifo",
			c[3], "window", c[4], "heartbt", c[5], word(hasCC, "transns"), p.sl)
		p.fp("%*s", c[0]+5, "")
		for i, n := range []uint64{s.TxAbortedErrors, s.TxFifoErrors, s.TxWindowErrors, s.TxHeartbeatErrors} {
			printNum(p, c[i+1], n)
		}
		if hasCC {
			printNum(p, c[5], cc)
		}
	}
}
