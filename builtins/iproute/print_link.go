package iproute

import (
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins/show"
)

// linkFlags returns the words between < and > of a link line.
func linkFlags(v *linkView) []string {
	return show.LinkFlags(v.link.Attrs().RawFlags, v.mDown())
}

// mDown is iproute2's m_flag: the link's lower device (in the same
// namespace) is down.
func (v *linkView) mDown() bool {
	return v.parentName != "" && !v.parentUp
}

// printFlags prints "<A,B,C> " or the JSON array "flags".
func printFlags(p *printer, flags []string) {
	p.openArray("flags", "<")
	for i, f := range flags {
		if i > 0 {
			p.fp(",")
		}
		p.any("", "%s", f)
	}
	p.close("> ")
}

// linkName prints "name@peer" (text) with JSON members link/link_index
// and ifname in iproute2's order.
func printLinkName(p *printer, v *linkView, textFormat string) {
	a := v.link.Attrs()
	full := a.Name
	switch {
	case a.ParentIndex != 0 && a.NetNsID >= 0 && !v.noNetnsid:
		p.js("link_index", a.ParentIndex)
		full += fmt.Sprintf("@if%d", a.ParentIndex)
	case a.ParentIndex != 0 && v.parentName != "":
		p.js("link", v.parentName)
		full += "@" + v.parentName
	case a.ParentIndex != 0:
		full += fmt.Sprintf("@if%d", a.ParentIndex)
	}
	p.js("ifname", a.Name)
	if textFormat != "" {
		p.colorFp(colorIfname, textFormat, full)
	}
}

// broadcastOf returns the link-layer broadcast address iproute2 would
// print (netlink does not parse IFLA_BROADCAST).
func broadcastOf(l netlink.Link) string {
	a := l.Attrs()
	if macOf(l) == "" {
		return ""
	}
	if a.EncapType == "loopback" {
		return "00:00:00:00:00:00"
	}
	if a.EncapType == "ether" {
		return "ff:ff:ff:ff:ff:ff"
	}
	return ""
}

// macOf returns the link-layer address to print. netlink drops an
// all-zero IFLA_ADDRESS, which iproute2 prints for loopback and ether.
func macOf(l netlink.Link) string {
	a := l.Attrs()
	if len(a.HardwareAddr) > 0 {
		return a.HardwareAddr.String()
	}
	if a.EncapType == "loopback" || a.EncapType == "ether" {
		return "00:00:00:00:00:00"
	}
	return ""
}

// printLink prints the link part of "ip link show" (withMode) and "ip
// address show" in print_linkinfo's layout.
func printLink(p *printer, g *Global, v *linkView, linkMode bool) {
	a := v.link.Attrs()
	p.openObject("")
	if !linkMode && (g.Oneline || v.noHeader) && !p.json {
		// "ip -o address" prints only the address lines.
	} else {
		p.any("ifindex", "%d: ", a.Index)
		printLinkName(p, v, "%s: ")
		printFlags(p, linkFlags(v))
		p.any("mtu", "mtu %d ", a.MTU)
		limited := !linkMode && v.noNetnsid
		if v.qdisc != "" && !limited {
			p.any("qdisc", "qdisc %s ", v.qdisc)
		}
		if v.masterName != "" {
			p.any("master", "master %s ", v.masterName)
		}
		p.fp("state ")
		st := operStateName(int(a.OperState))
		p.colorAny(operColor(st), "operstate", "%s ", st)
		if linkMode {
			switch mode := linkModeOf(v); mode {
			case 0, 1:
				p.any("linkmode", "mode %s ", []string{"DEFAULT", "DORMANT"}[mode])
			default:
				p.any("linkmode_index", "mode %d ", mode)
			}
		}
		if !limited {
			p.any("group", "group %s ", groupName(a.Group))
		}
		if a.TxQLen >= 0 {
			p.any("txqlen", "qlen %d", a.TxQLen)
		}
		if linkMode || !v.noLinkLine || g.Details > 0 {
			p.nl()
			p.any("link_type", "    link/%s ", a.EncapType)
			if mac := macOf(v.link); mac != "" {
				p.colorAny(colorMac, "address", "%s", mac)
				if b := broadcastOf(v.link); b != "" && !limited {
					if a.RawFlags&unix.IFF_POINTOPOINT != 0 {
						p.fp(" peer ")
						p.colorAny(colorMac, "link_pointtopoint", "%s", b)
					} else {
						p.fp(" brd ")
						p.colorAny(colorMac, "broadcast", "%s", b)
					}
				}
			}
		}
		if a.NetNsID >= 0 && !v.noNetnsid {
			p.js("link_netnsid", a.NetNsID)
			if v.netnsName != "" {
				p.fp(" link-netns %s", v.netnsName)
			} else {
				p.fp(" link-netnsid %d", a.NetNsID)
			}
		}
		if v.raw != nil && v.raw.attrs.u8(unix.IFLA_PROTO_DOWN) != 0 && !limited {
			p.fp(" protodown on ")
			p.js("proto_down", true)
		}
		if g.Details > 0 && !limited {
			// The AF_INET6 link dump of "ip -6 address" has no details.
			printDetails(p, v, linkMode)
		}
		if a.Alias != "" && (linkMode || g.Details > 0) {
			p.fp("%s    alias %s", p.sl, a.Alias)
			p.js("ifalias", a.Alias)
		}
		if linkMode && g.Stats > 0 {
			printStats(p, g, v, true)
		}
		if len(a.AltNames) > 0 {
			p.openArray("altnames", "")
			for _, n := range a.AltNames {
				p.fp("%s    altname ", p.sl)
				p.any("", "%s", n)
			}
			p.close("")
		}
		p.fp("\n")
	}
	if linkMode {
		p.close("")
	}
}

// linkModeOf is IFLA_LINKMODE of v's link (0, DEFAULT, without the raw
// message).
func linkModeOf(v *linkView) int {
	if v.raw == nil {
		return 0
	}
	return int(v.raw.attrs.u8(unix.IFLA_LINKMODE))
}

// printBriefHead opens the record of one "ip -br link|address" line and
// prints its first two columns: the name and the operational state.
func printBriefHead(p *printer, v *linkView) {
	p.openObject("")
	if p.json {
		printLinkName(p, v, "")
	} else {
		p.colorFp(colorIfname, "%-16s ", briefName(v))
	}
	st := operStateName(int(v.link.Attrs().OperState))
	p.colorAny(operColor(st), "operstate", "%-14s ", st)
}

// printLinkBrief prints one line of "ip -br link".
func printLinkBrief(p *printer, v *linkView) {
	printBriefHead(p, v)
	if mac := macOf(v.link); mac != "" {
		p.colorAny(colorMac, "address", "%s ", mac)
	}
	printFlags(p, linkFlags(v))
	p.fp("\n")
	p.close("")
}

// briefName is "name@peer" as the brief views print it.
func briefName(v *linkView) string {
	a := v.link.Attrs()
	switch {
	case a.ParentIndex != 0 && (a.NetNsID >= 0 && !v.noNetnsid || v.parentName == ""):
		return fmt.Sprintf("%s@if%d", a.Name, a.ParentIndex)
	case a.ParentIndex != 0:
		return a.Name + "@" + v.parentName
	}
	return a.Name
}
