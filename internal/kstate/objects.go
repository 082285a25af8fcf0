package kstate

import (
	"encoding/binary"
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/rtnl"
)

// ruleActionNames are the FR_ACT_* words of a rule line.
var ruleActionNames = map[int]string{1: "lookup", 2: "goto", 3: "nop", 6: "blackhole", 7: "unreachable", 8: "prohibit"}

// dumpRules dumps the rules of family in s's namespace (RTM_GETRULE;
// package netlink drops the rule's action, so the dump is done here).
func dumpRules(s *space, family int) ([][]byte, error) {
	return rawDump(s, func() *nl.NetlinkRequest {
		req := nl.NewNetlinkRequest(unix.RTM_GETRULE, unix.NLM_F_DUMP)
		msg := nl.NewRtMsg()
		msg.Family = uint8(family)
		req.AddData(msg)
		return req
	}, unix.RTM_NEWRULE)
}

// ruleFacts adds one line per policy routing rule, IPv4 and IPv6,
// including the kernel's default rules.
func ruleFacts(s *space, add func(string, ...any)) error {
	for _, fam := range []int{unix.AF_INET, unix.AF_INET6} {
		msgs, err := dumpRules(s, fam)
		if err != nil {
			return fmt.Errorf("netns %s: list rules: %w", s.name, err)
		}
		for _, m := range msgs {
			if len(m) < unix.SizeofRtMsg {
				continue
			}
			dstLen, srcLen, tos, table, action := int(m[1]), int(m[2]), m[3], int(m[4]), int(m[7])
			flags := binary.LittleEndian.Uint32(m[8:12])
			a := attrs(m[unix.SizeofRtMsg:])
			if t, ok := a.U32(unix.FRA_TABLE); ok {
				table = int(t)
			}
			prio, _ := a.U32(unix.FRA_PRIORITY)
			fam := "inet"
			if fam6 := int(m[0]) == unix.AF_INET6; fam6 {
				fam = "inet6"
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%s rule %s pref %d", q(s.name), fam, prio)
			if flags&0x2 != 0 {
				b.WriteString(" not")
			}
			from, to := "all", "all"
			if v, ok := a[unix.FRA_SRC]; ok {
				from = fmt.Sprintf("%s/%d", net.IP(v), srcLen)
			}
			if v, ok := a[unix.FRA_DST]; ok {
				to = fmt.Sprintf("%s/%d", net.IP(v), dstLen)
			}
			fmt.Fprintf(&b, " from %s to %s", from, to)
			if tos != 0 {
				fmt.Fprintf(&b, " tos %#x", tos)
			}
			if mark, ok := a.U32(unix.FRA_FWMARK); ok {
				mask, _ := a.U32(unix.FRA_FWMASK)
				fmt.Fprintf(&b, " fwmark %#x/%#x", mark, mask)
			}
			if _, ok := a[unix.FRA_IIFNAME]; ok {
				fmt.Fprintf(&b, " iif %s", q(a.Str(unix.FRA_IIFNAME)))
			}
			if _, ok := a[unix.FRA_OIFNAME]; ok {
				fmt.Fprintf(&b, " oif %s", q(a.Str(unix.FRA_OIFNAME)))
			}
			act := ruleActionNames[action]
			if act == "" {
				act = fmt.Sprint(action)
			}
			fmt.Fprintf(&b, " %s", act)
			switch action {
			case 1:
				fmt.Fprintf(&b, " %s", name(tableNames, table))
			case 2:
				g, _ := a.U32(unix.FRA_GOTO)
				fmt.Fprintf(&b, " %d", g)
			}
			if v, ok := a.U32(unix.FRA_SUPPRESS_PREFIXLEN); ok && v != 0xffffffff {
				fmt.Fprintf(&b, " suppress_prefixlength %d", v)
			}
			if v, ok := a.U32(unix.FRA_SUPPRESS_IFGROUP); ok && v != 0xffffffff {
				fmt.Fprintf(&b, " suppress_ifgroup %d", v)
			}
			if v, ok := a[unix.FRA_PROTOCOL]; ok && len(v) == 1 {
				fmt.Fprintf(&b, " proto %s", name(protoNames, int(v[0])))
			}
			add("%s", b.String())
		}
	}
	return nil
}

// neighStateWords names the NUD_* bits of a neighbour line.
func neighStateWords(st int) string {
	var w []string
	for _, s := range []struct {
		bit  int
		name string
	}{{unix.NUD_PERMANENT, "permanent"}, {unix.NUD_NOARP, "noarp"}} {
		if st&s.bit != 0 {
			w = append(w, s.name)
		}
	}
	return strings.Join(w, ",")
}

// neighFacts adds the neighbours a lab configures: permanent ARP/NDP
// entries and proxy entries (the dynamic ones follow traffic), and the
// bridge forwarding entries that are static, or permanent for an address
// no link of the namespace has (a port's own address is the kernel's).
func neighFacts(s *space, add func(string, ...any)) error {
	macs := map[string]bool{}
	for _, l := range s.links {
		if a := l.Attrs().HardwareAddr; len(a) > 0 {
			macs[a.String()] = true
		}
	}
	for _, fam := range []int{unix.AF_INET, unix.AF_INET6} {
		fname := "inet"
		if fam == unix.AF_INET6 {
			fname = "inet6"
		}
		neighs, err := rtnl.Retry(func() ([]netlink.Neigh, error) { return s.h.NeighList(0, fam) })
		if err != nil {
			return fmt.Errorf("netns %s: list neighbours: %w", s.name, err)
		}
		for _, n := range neighs {
			if n.State&unix.NUD_PERMANENT == 0 {
				continue
			}
			line := fmt.Sprintf("%s neigh %s %s dev %s lladdr %s %s", q(s.name), fname, n.IP, q(nameIn(s, n.LinkIndex)), n.HardwareAddr, neighStateWords(n.State))
			if n.Flags&netlink.NTF_ROUTER != 0 {
				line += " router"
			}
			add("%s", line)
		}
		proxies, err := rtnl.Retry(func() ([]netlink.Neigh, error) { return s.h.NeighProxyList(0, fam) })
		if err != nil {
			return fmt.Errorf("netns %s: list proxy neighbours: %w", s.name, err)
		}
		for _, n := range proxies {
			add("%s neigh %s %s dev %s proxy", q(s.name), fname, n.IP, q(nameIn(s, n.LinkIndex)))
		}
	}
	fdb, err := rtnl.Retry(func() ([]netlink.Neigh, error) { return s.h.NeighList(0, unix.AF_BRIDGE) })
	if err != nil {
		return fmt.Errorf("netns %s: list fdb: %w", s.name, err)
	}
	var lines []string
	for _, n := range fdb {
		self := n.Flags&netlink.NTF_SELF != 0
		if self && n.IP == nil && (len(n.HardwareAddr) == 0 || n.HardwareAddr[0]&1 != 0) {
			// A device's own multicast entries: derived by the kernel
			// from addresses that come from random MACs.
			continue
		}
		static := n.State&unix.NUD_NOARP != 0
		perm := n.State&unix.NUD_PERMANENT != 0 && !macs[n.HardwareAddr.String()]
		if !static && !perm && !(self && n.IP != nil) {
			continue
		}
		line := fmt.Sprintf("%s fdb %s dev %s", q(s.name), n.HardwareAddr, q(nameIn(s, n.LinkIndex)))
		if self {
			line += " self"
		}
		if n.Vlan != 0 {
			line += fmt.Sprintf(" vlan %d", n.Vlan)
		}
		if n.IP != nil {
			line += fmt.Sprintf(" dst %s", n.IP)
		}
		if static {
			line += " static"
		} else {
			line += " permanent"
		}
		lines = append(lines, line)
	}
	sort.Strings(lines)
	for _, l := range lines {
		add("%s", l)
	}
	return nil
}

// rawDump runs a dump request on the raw socket of s's namespace and
// returns the answers.
func rawDump(s *space, req func() *nl.NetlinkRequest, resType uint16) ([][]byte, error) {
	return s.p.Conn.Execute(req(), resType)
}

// attrs splits netlink attributes, keeping what can be read of a
// malformed run.
func attrs(b []byte) rtnl.Attrs {
	a, _ := rtnl.ParseAttrs(b)
	return a
}

// infoSkip lists, per kind, the IFLA_INFO_DATA attributes a snapshot
// leaves out: running timers, identifiers made of MAC addresses, port
// numbers, and what STP or learning changes by itself.
var infoSkip = map[string]map[uint16]bool{
	"bridge": {
		unix.IFLA_BR_ROOT_ID: true, unix.IFLA_BR_BRIDGE_ID: true, unix.IFLA_BR_ROOT_PORT: true,
		unix.IFLA_BR_ROOT_PATH_COST: true, unix.IFLA_BR_TOPOLOGY_CHANGE: true,
		unix.IFLA_BR_TOPOLOGY_CHANGE_DETECTED: true, unix.IFLA_BR_HELLO_TIMER: true,
		unix.IFLA_BR_TCN_TIMER: true, unix.IFLA_BR_TOPOLOGY_CHANGE_TIMER: true,
		unix.IFLA_BR_GC_TIMER: true, unix.IFLA_BR_PAD: true, unix.IFLA_BR_MCAST_QUERIER_STATE: true,
		unix.IFLA_BR_FDB_N_LEARNED: true,
	},
	"bridge_slave": {
		unix.IFLA_BRPORT_ROOT_ID: true, unix.IFLA_BRPORT_BRIDGE_ID: true,
		unix.IFLA_BRPORT_DESIGNATED_PORT: true, unix.IFLA_BRPORT_DESIGNATED_COST: true,
		unix.IFLA_BRPORT_ID: true, unix.IFLA_BRPORT_NO: true, unix.IFLA_BRPORT_TOPOLOGY_CHANGE_ACK: true,
		unix.IFLA_BRPORT_CONFIG_PENDING: true, unix.IFLA_BRPORT_MESSAGE_AGE_TIMER: true,
		unix.IFLA_BRPORT_FORWARD_DELAY_TIMER: true, unix.IFLA_BRPORT_HOLD_TIMER: true,
		unix.IFLA_BRPORT_PAD: true, unix.IFLA_BRPORT_MCAST_N_GROUPS: true,
		unix.IFLA_BRPORT_MCAST_EHT_HOSTS_CNT: true,
	},
}

// infoIndex lists the attributes holding an ifindex, shown by name.
var infoIndex = map[string]map[uint16]bool{
	"vxlan": {unix.IFLA_VXLAN_LINK: true},
}

// Bridge port states (BR_STATE_*) that STP leaves after a forward delay.
const (
	brStateListening = 1
	brStateLearning  = 2
)

// linkInfoFacts adds, for every link, one line per attribute of its
// IFLA_INFO_DATA ("info KIND N HEX") and IFLA_INFO_SLAVE_DATA ("info
// KIND_slave N HEX"): the options of bridges, ports, macvlans, vxlans,
// tun/tap devices and any other kind, as the kernel reports them. It
// reports busy when a bridge port is listening or learning and the
// kernel will move it on: its bridge runs STP, or its forward-delay
// timer runs (a bridge without STP arms it too when a port comes up).
func linkInfoFacts(s *space, add func(string, ...any)) (busy bool, err error) {
	msgs, err := rawDump(s, func() *nl.NetlinkRequest {
		r := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP)
		r.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
		return r
	}, unix.RTM_NEWLINK)
	if err != nil {
		return false, fmt.Errorf("netns %s: dump links: %w", s.name, err)
	}
	stp := map[uint32]bool{} // bridge ifindex -> STP on
	// The masters of the ports that are listening or learning, and
	// whether their forward-delay timer runs.
	type port struct {
		master uint32
		timer  bool
	}
	var moving []port
	for _, m := range msgs {
		if len(m) < unix.SizeofIfInfomsg {
			continue
		}
		index := binary.LittleEndian.Uint32(m[4:8])
		a := attrs(m[unix.SizeofIfInfomsg:])
		li, ok := a[unix.IFLA_LINKINFO]
		if !ok {
			continue
		}
		p := q(s.name) + " link " + q(a.Str(unix.IFLA_IFNAME))
		info := attrs(li)
		if info.Str(unix.IFLA_INFO_KIND) == "bridge" {
			if v, ok := attrs(info[unix.IFLA_INFO_DATA]).U32(unix.IFLA_BR_STP_STATE); ok && v != 0 {
				stp[index] = true
			}
		}
		if info.Str(unix.IFLA_INFO_SLAVE_KIND) == "bridge" {
			d := attrs(info[unix.IFLA_INFO_SLAVE_DATA])
			if st := d[unix.IFLA_BRPORT_STATE]; len(st) == 1 && (st[0] == brStateListening || st[0] == brStateLearning) {
				master, _ := a.U32(unix.IFLA_MASTER)
				t := d[unix.IFLA_BRPORT_FORWARD_DELAY_TIMER]
				moving = append(moving, port{master, len(t) == 8 && binary.LittleEndian.Uint64(t) != 0})
			}
		}
		for _, part := range []struct{ kind, data uint16 }{
			{unix.IFLA_INFO_KIND, unix.IFLA_INFO_DATA},
			{unix.IFLA_INFO_SLAVE_KIND, unix.IFLA_INFO_SLAVE_DATA},
		} {
			kind := info.Str(part.kind)
			if kind == "" {
				continue
			}
			if part.kind == unix.IFLA_INFO_SLAVE_KIND {
				kind += "_slave"
			}
			d, ok := info[part.data]
			if !ok {
				continue
			}
			data := attrs(d)
			for t, v := range data {
				if infoSkip[kind][t] {
					continue
				}
				if kind == "bridge" && t == unix.IFLA_BR_AGEING_TIME {
					if tc := data[unix.IFLA_BR_TOPOLOGY_CHANGE]; len(tc) == 1 && tc[0] != 0 {
						// During a topology change the kernel ages
						// entries out after the forward delay: the
						// configured time is not to be seen.
						add("%s info %s %d (topology change)", p, kind, t)
						continue
					}
				}
				if infoIndex[kind][t] && len(v) == 4 {
					add("%s info %s %d dev %s", p, kind, t, q(nameIn(s, int(binary.LittleEndian.Uint32(v)))))
					continue
				}
				add("%s info %s %d %x", p, kind, t, v)
			}
		}
	}
	for _, p := range moving {
		busy = busy || p.timer || stp[p.master]
	}
	return busy, nil
}
