package iproute

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/internal/rtnl"
)

// RTM_GETSTATS attributes and bridge/bond extended statistics
// (linux/if_link.h, linux/if_bridge.h).
const (
	iflaStatsLinkXstats      = 2
	iflaStatsLinkXstatsSlave = 3
	iflaStatsAfSpec          = 5

	linkXstatsTypeBridge = 1
	linkXstatsTypeBond   = 2

	bridgeXstatsMcast = 2
	bridgeXstatsStp   = 4
	bondXstats3ad     = 1

	sizeofIfStatsMsg = 12
)

// ifStatsMsg is struct if_stats_msg: family, ifindex and filter_mask.
type ifStatsMsg struct{ filterMask uint32 }

func (m *ifStatsMsg) Len() int { return sizeofIfStatsMsg }

func (m *ifStatsMsg) Serialize() []byte {
	b := make([]byte, sizeofIfStatsMsg)
	binary.NativeEndian.PutUint32(b[8:12], m.filterMask)
	return b
}

// statsDump is rtnl_statsdump_req_filter: every link's RTM_NEWSTATS
// answer for the statistics in filterMask, as (ifindex, attributes).
func statsDump(env *builtins.Env, g *Global, filterMask uint32) ([]statsMsg, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETSTATS, unix.NLM_F_DUMP)
	req.AddData(&ifStatsMsg{filterMask: filterMask})
	msgs, err := rawExecute(env, g.NS, req, unix.RTM_NEWSTATS)
	if err != nil {
		return nil, builtins.Rtnl(err)
	}
	out := make([]statsMsg, 0, len(msgs))
	for _, m := range msgs {
		if len(m) < sizeofIfStatsMsg {
			continue
		}
		a, err := rtnl.ParseAttrs(m[sizeofIfStatsMsg:])
		if err != nil {
			return nil, err
		}
		out = append(out, statsMsg{index: int(binary.NativeEndian.Uint32(m[4:8])), attrs: a})
	}
	return out, nil
}

// statsMsg is one link's answer to a statistics dump.
type statsMsg struct {
	index int
	attrs rtnl.Attrs
}

// linkXstats is "ip link xstats type TYPE [ ARGS ]"
// (ip/iplink_xstats.c): the bridge's and bond's extended statistics, of
// the devices themselves or (TYPE bridge_slave, bond_slave) of their
// ports.
func linkXstats(env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return builtins.Fail(1, "xstats: missing argument")
	}
	var kind string
	switch {
	case builtins.Is(args[0], "type"):
		if len(args) < 2 {
			return builtins.Fail(255, "Command line is not complete. Try option \"help\"")
		}
		kind = args[1]
		// iproute2 knows the types it has a link_util for: those of
		// "ip link add" and tun (which it only prints).
		if spec.LinkKindOf(kind) == nil && kind != "tun" {
			return invarg("invalid type", kind)
		}
	case builtins.Is(args[0], "help"):
		fmt.Fprintln(env.Stdout, "Usage: ... xstats type TYPE [ ARGS ]")
		return nil
	default:
		return invarg("unknown argument", args[0])
	}
	var family int // LINK_XSTATS_TYPE_* the type's printer reads
	selectors := map[string]uint16{}
	switch kind {
	case "bridge", "bridge_slave":
		family = linkXstatsTypeBridge
		selectors = map[string]uint16{"igmp": bridgeXstatsMcast, "mcast": bridgeXstatsMcast, "stp": bridgeXstatsStp}
	case "bond", "bond_slave":
		family = linkXstatsTypeBond
		selectors = map[string]uint16{"lacp": bondXstats3ad, "802.3ad": bondXstats3ad}
	default:
		return builtins.Fail(1, "xstats: link type %s doesn't support xstats", kind)
	}

	// The type's parse_ifla_xstats: selectors and dev compared whole.
	links, err := rawLinks(env, g.NS)
	if err != nil {
		return err
	}
	var only uint16
	filter := 0
	a := builtins.NewArgs(args[2:])
	for a.More() {
		w, _ := a.Next()
		if t, ok := selectors[w]; ok {
			only = t
			continue
		}
		switch w {
		case "dev":
			dev, err := a.Need(w)
			if err != nil {
				return err
			}
			if filter = indexOfName(links, dev); filter == 0 {
				return builtins.Fail(1, "Cannot find device %q", dev)
			}
		case "help":
			if family == linkXstatsTypeBridge {
				fmt.Fprintf(env.Stdout, "Usage: ... %s [ igmp ] [ dev DEVICE ]\n", kind)
			} else {
				fmt.Fprintf(env.Stdout, "Usage: ... %s [ 802.3ad ] [ dev DEVICE ]\n", kind)
			}
			return nil
		default:
			return invarg("unknown attribute", w)
		}
	}

	at := uint16(iflaStatsLinkXstats)
	if kind == "bridge_slave" || kind == "bond_slave" {
		at = iflaStatsLinkXstatsSlave
	}
	msgs, err := statsDump(env, g, 1<<(at-1))
	if err != nil {
		return err
	}
	p := newPrinter(g)
	for _, m := range msgs {
		if filter != 0 && m.index != filter {
			continue
		}
		// iproute2 prints both attributes whichever it asked for.
		for _, t := range []uint16{iflaStatsLinkXstats, iflaStatsLinkXstatsSlave} {
			if !m.attrs.Has(t) {
				continue
			}
			list := m.attrs.Nested(t)
			if !list.Has(uint16(family)) {
				continue
			}
			p.openObject("")
			p.any("ifname", "%-16s\n", nameOfIndex(links, m.index))
			if family == linkXstatsTypeBridge {
				printBridgeXstats(p, list[uint16(family)], only)
			} else {
				printBondXstats(p, list[uint16(family)], only)
			}
			p.close("")
		}
	}
	return p.flush(env.Stdout)
}

// indexOfName is ll_name_to_index over a dump of the links: 0 for none.
func indexOfName(links map[int]*rawLink, name string) int {
	for i, l := range links {
		if l.attrs.str(unix.IFLA_IFNAME) == name {
			return i
		}
	}
	return 0
}

// nameOfIndex is ll_index_to_name over a dump of the links.
func nameOfIndex(links map[int]*rawLink, index int) string {
	if l, ok := links[index]; ok {
		return l.attrs.str(unix.IFLA_IFNAME)
	}
	return fmt.Sprintf("if%d", index)
}

// u64s reads a struct of n native-endian __u64 (zeros past its end).
func u64s(b []byte, n int) []uint64 {
	v := make([]uint64, n)
	for i := range v {
		if 8*i+8 <= len(b) {
			v[i] = binary.NativeEndian.Uint64(b[8*i:])
		}
	}
	return v
}

// printBridgeXstats is bridge_print_stats_attr's loop: each
// BRIDGE_XSTATS_MCAST (struct br_mcast_stats) and BRIDGE_XSTATS_STP
// (struct bridge_stp_xstats) of list, or only the one selected.
func printBridgeXstats(p *printer, list []byte, only uint16) {
	_ = eachAttr(list, func(t uint16, v []byte) {
		if only != 0 && t != only {
			return
		}
		pad := fmt.Sprintf("%-16s", "")
		switch t {
		case bridgeXstatsMcast:
			s := u64s(v, 30)
			// The struct's fields, each [RX, TX]: igmp v1/v2/v3 queries,
			// igmp leaves, igmp v1/v2/v3 reports, igmp parse errors, mld
			// v1/v2 queries, mld leaves, mld v1/v2 reports, mld parse
			// errors.
			dir := func(field, d int) uint64 { return s[2*field+d] }
			p.openObject("multicast")
			versions := func(name, title string, fields []int) {
				p.openObject(name)
				p.fp("%s    %s:\n", pad, title)
				for d, label := range []string{"RX", "TX"} {
					p.fp("%s      %s: ", pad, label)
					for i, f := range fields {
						end := " "
						if i == len(fields)-1 {
							end = "\n"
						}
						p.any(fmt.Sprintf("%s_v%d", strings.ToLower(label), i+1), fmt.Sprintf("v%d %%d%s", i+1, end), dir(f, d))
					}
				}
				p.close("")
			}
			leaves := func(name, title string, field int) {
				p.openObject(name)
				p.fp("%s    %s: ", pad, title)
				p.any("rx", "RX: %d ", dir(field, 0))
				p.any("tx", "TX: %d\n", dir(field, 1))
				p.close("")
			}
			versions("igmp_queries", "IGMP queries", []int{0, 1, 2})
			versions("igmp_reports", "IGMP reports", []int{4, 5, 6})
			leaves("igmp_leaves", "IGMP leaves", 3)
			p.fp("%s    IGMP parse errors: ", pad)
			p.any("igmp_parse_errors", "%d\n", s[14])
			// The MLD fields follow the IGMP parse errors (index 14).
			mld := func(field, d int) uint64 { return s[15+2*field+d] }
			dir = mld
			versions("mld_queries", "MLD queries", []int{0, 1})
			versions("mld_reports", "MLD reports", []int{3, 4})
			leaves("mld_leaves", "MLD leaves", 2)
			p.fp("%s    MLD parse errors: ", pad)
			p.any("mld_parse_errors", "%d\n", s[25])
			p.close("")
		case bridgeXstatsStp:
			s := u64s(v, 6) // transition_blk, transition_fwd, rx_bpdu, tx_bpdu, rx_tcn, tx_tcn
			p.openObject("stp")
			p.fp("%s    STP BPDU:  ", pad)
			p.any("rx_bpdu", "RX: %d ", s[2])
			p.any("tx_bpdu", "TX: %d\n", s[3])
			p.fp("%s    STP TCN:   ", pad)
			p.any("rx_tcn", "RX: %d ", s[4])
			p.any("tx_tcn", "TX: %d\n", s[5])
			p.fp("%s    STP Transitions: ", pad)
			p.any("transition_blk", "Blocked: %d ", s[0])
			p.any("transition_fwd", "Forwarding: %d\n", s[1])
			p.close("")
		}
	})
}

// printBondXstats is bond_print_stats_attr: the first attribute of list,
// when it is BOND_XSTATS_3AD (and selected), as bond_print_3ad_stats.
func printBondXstats(p *printer, list []byte, only uint16) {
	first := true
	_ = eachAttr(list, func(t uint16, v []byte) {
		if !first || (only != 0 && t != only) {
			return
		}
		first = false
		if t != bondXstats3ad {
			return
		}
		a, err := rtnl.ParseAttrs(v)
		if err != nil {
			return
		}
		p.openObject("802.3ad")
		// BOND_3AD_STAT_* from 1, in the kernel's order.
		for i, f := range []struct{ key, text string }{
			{"lacpdu_rx", "LACPDU Rx"}, {"lacpdu_tx", "LACPDU Tx"},
			{"lacpdu_unknown_rx", "LACPDU Unknown type Rx"}, {"lacpdu_illegal_rx", "LACPDU Illegal Rx"},
			{"marker_rx", "Marker Rx"}, {"marker_tx", "Marker Tx"},
			{"marker_response_rx", "Marker response Rx"}, {"marker_response_tx", "Marker response Tx"},
			{"marker_unknown_rx", "Marker unknown type Rx"},
		} {
			if n, ok := a.U64(uint16(i + 1)); ok {
				p.fp("%-16s    ", "")
				p.any(f.key, f.text+" %d\n", n)
			}
		}
		p.close("")
	})
}

// eachAttr calls fn for each attribute of b, in order (repeats included).
func eachAttr(b []byte, fn func(t uint16, v []byte)) error {
	for len(b) >= 4 {
		l := int(binary.NativeEndian.Uint16(b[0:2]))
		t := binary.NativeEndian.Uint16(b[2:4]) &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)
		if l < 4 || l > len(b) {
			return fmt.Errorf("attribute of length %d in %d bytes", l, len(b))
		}
		fn(t, b[4:l])
		l = (l + 3) &^ 3
		if l > len(b) {
			break
		}
		b = b[l:]
	}
	return nil
}

// linkAfstats is "ip link afstats [ dev DEVICE ]" (iplink_afstats): the
// per-family statistics of IFLA_STATS_AF_SPEC (MPLS's, the only family
// iproute2 6.1 prints).
func linkAfstats(env *builtins.Env, g *Global, args []string) error {
	dev := ""
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		switch {
		case w == "dev":
			v, err := a.Need(w)
			if err != nil {
				return err
			}
			if dev != "" {
				return duparg2("dev", v)
			}
			dev = v
		case builtins.Is(w, "help"):
			return builtins.Usage(env, spec.IP.Object("link").Usage)
		default:
			return builtins.Fail(255, "Command %q is unknown, try \"ip link help\".", w)
		}
	}
	links, err := rawLinks(env, g.NS)
	if err != nil {
		return err
	}
	filter := 0
	if dev != "" {
		if filter = indexOfName(links, dev); filter == 0 {
			// iproute2 says so and still exits 0.
			fmt.Fprintf(env.Stderr, "Device %q does not exist.\n", dev)
			return nil
		}
	}
	msgs, err := statsDump(env, g, 1<<(iflaStatsAfSpec-1))
	if err != nil {
		return err
	}
	p := newPrinter(g)
	for _, m := range msgs {
		if (filter != 0 && m.index != filter) || !m.attrs.Has(iflaStatsAfSpec) {
			continue
		}
		printed := false
		_ = eachAttr(m.attrs[iflaStatsAfSpec], func(t uint16, v []byte) {
			if g.Family != unix.AF_UNSPEC && int(t) != g.Family {
				return
			}
			if !printed {
				p.any("ifindex", "%d:", m.index)
				p.colorAny(colorIfname, "ifname", "%s", nameOfIndex(links, m.index))
				p.nl()
				printed = true
			}
			if t != unix.AF_MPLS {
				fmt.Fprintf(env.Stderr, "    unknown af(%d)\n", t)
				return
			}
			printMplsStats(p, v)
		})
	}
	return p.flush(env.Stdout)
}

// printMplsStats is print_mpls_stats: MPLS_STATS_LINK's struct
// mpls_link_stats, as print_mpls_link_stats lays it out.
func printMplsStats(p *printer, b []byte) {
	a, err := rtnl.ParseAttrs(b)
	if err != nil || !a.Has(1) { // MPLS_STATS_LINK
		return
	}
	// rx_packets tx_packets rx_bytes tx_bytes rx_errors tx_errors
	// rx_dropped tx_dropped rx_noroute
	s := u64s(a[1], 9)
	p.fp("    mpls:")
	p.nl()
	if p.json {
		p.openObject("rx")
		jsStats(p, []statField{{"bytes", s[2]}, {"packets", s[0]}, {"errors", s[4]}, {"dropped", s[6]}, {"noroute", s[8]}})
		p.close("")
		p.openObject("tx")
		jsStats(p, []statField{{"bytes", s[3]}, {"packets", s[1]}, {"errors", s[5]}, {"dropped", s[7]}})
		p.close("")
		return
	}
	const indent = "        "
	c := statsCols{len("*X: bytes"), len("packets"), len("errors"), len("dropped"), len("noroute")}
	c.size(s[2], s[0], s[4], s[6], s[8])
	c.size(s[3], s[1], s[5], s[7], 0)
	p.fp("%sRX: %*s %*s %*s %*s %*s%s", indent, c[0]-4, "bytes", c[1], "packets", c[2], "errors", c[3], "dropped", c[4], "noroute", p.sl)
	p.fp("%s", indent)
	for i, v := range []uint64{s[2], s[0], s[4], s[6], s[8]} {
		printNum(p, c[i], v)
	}
	p.nl()
	p.fp("%sTX: %*s %*s %*s %*s%s", indent, c[0]-4, "bytes", c[1], "packets", c[2], "errors", c[3], "dropped", p.sl)
	p.fp("%s", indent)
	for i, v := range []uint64{s[3], s[1], s[5], s[7]} {
		printNum(p, c[i], v)
	}
	p.fp("\n")
}
