package rtnl

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// Bridge attributes (IFLA_BR_*, linux/if_link.h) that brctl and bridge
// read or set.
const (
	BrForwardDelay = 1
	BrHelloTime    = 2
	BrMaxAge       = 3
	BrAgeingTime   = 4
	BrStpState     = 5
	BrPriority     = 6
	BrBridgeID     = 11
)

// Bridge port attributes (IFLA_BRPORT_*, linux/if_link.h).
const (
	PortState          = 1
	PortPriority       = 2
	PortCost           = 3
	PortMode           = 4 // hairpin
	PortGuard          = 5
	PortProtect        = 6 // root_block
	PortFastLeave      = 7
	PortLearning       = 8
	PortUnicastFlood   = 9
	PortProxyARP       = 10
	PortLearningSync   = 11
	PortProxyARPWiFi   = 12
	PortNo             = 18
	PortMulticastRoute = 25
	PortMcastFlood     = 27
	PortMcastToUcast   = 28
	PortVlanTunnel     = 29
	PortBcastFlood     = 30
	PortNeighSuppress  = 32
	PortIsolated       = 33
	PortBackupPort     = 34
	PortLocked         = 39
)

// IFLA_EXT_MASK filters of link dumps (RTEXT_FILTER_*, linux/rtnetlink.h).
const (
	FilterVF     = 1 << 0 // RTEXT_FILTER_VF
	FilterBrVLAN = 1 << 1 // RTEXT_FILTER_BRVLAN
)

// Link is one RTM_NEWLINK answer of a dump.
type Link struct {
	Family int
	Index  int
	Flags  uint32
	Name   string
	Attrs  Attrs
	// Kind is IFLA_INFO_KIND ("bridge", "veth", ...), Data its
	// IFLA_INFO_DATA (nil without one); SlaveKind and SlaveData are
	// IFLA_INFO_SLAVE_KIND and IFLA_INFO_SLAVE_DATA ("bridge" for a
	// bridge port).
	Kind      string
	Data      Attrs
	SlaveKind string
	SlaveData Attrs
	// Protinfo is IFLA_PROTINFO, nested (AF_BRIDGE dumps of ports).
	Protinfo Attrs
}

// Master returns IFLA_MASTER (0 without one).
func (l *Link) Master() int {
	v, _ := l.Attrs.U32(unix.IFLA_MASTER)
	return int(v)
}

// Links dumps the links of the namespace with the given family
// (AF_UNSPEC for all links with their link info, AF_BRIDGE for bridge
// ports with their port attributes) and IFLA_EXT_MASK filter.
func (c *Conn) Links(family int, extMask uint32) ([]Link, error) {
	msgs, err := c.LinkMessages(family, extMask, "")
	if err != nil {
		return nil, err
	}
	links := make([]Link, 0, len(msgs))
	for _, m := range msgs {
		l, err := ParseLink(m)
		if err != nil {
			return nil, err
		}
		links = append(links, l)
	}
	return links, nil
}

// LinkMessages returns the RTM_NEWLINK answers (each after its netlink
// header) of a link dump with the given family and IFLA_EXT_MASK filter,
// or, when name is not empty, of a request for that one link (by
// IFLA_IFNAME, or IFLA_ALT_IFNAME for a name longer than IFNAMSIZ-1, as
// iproute2 asks; the kernel matches alternative names either way). The
// answers can be read with ParseLink and with package netlink's
// LinkDeserialize alike.
func (c *Conn) LinkMessages(family int, extMask uint32, name string) ([][]byte, error) {
	flags := unix.NLM_F_DUMP
	if name != "" {
		flags = unix.NLM_F_ACK
	}
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, flags)
	req.AddData(nl.NewIfInfomsg(family))
	if extMask != 0 {
		req.AddData(nl.NewRtAttr(unix.IFLA_EXT_MASK, nl.Uint32Attr(extMask)))
	}
	if name != "" {
		attr := uint16(unix.IFLA_IFNAME)
		if len(name) >= unix.IFNAMSIZ {
			attr = unix.IFLA_ALT_IFNAME
		}
		req.AddData(nl.NewRtAttr(int(attr), nl.ZeroTerminated(name)))
	}
	return c.Execute(req, unix.RTM_NEWLINK)
}

// ParseLink parses an RTM_NEWLINK message (after its netlink header).
func ParseLink(m []byte) (Link, error) {
	if len(m) < unix.SizeofIfInfomsg {
		return Link{}, errors.New("short RTM_NEWLINK message")
	}
	ifi := nl.DeserializeIfInfomsg(m)
	attrs, err := ParseAttrs(m[unix.SizeofIfInfomsg:])
	if err != nil {
		return Link{}, fmt.Errorf("parsing RTM_NEWLINK: %w", err)
	}
	l := Link{Family: int(ifi.Family), Index: int(ifi.Index), Flags: ifi.Flags, Attrs: attrs}
	l.Name = attrs.Str(unix.IFLA_IFNAME)
	if info := attrs.Nested(unix.IFLA_LINKINFO); info != nil {
		l.Kind = info.Str(unix.IFLA_INFO_KIND)
		l.Data = info.Nested(unix.IFLA_INFO_DATA)
		l.SlaveKind = info.Str(unix.IFLA_INFO_SLAVE_KIND)
		l.SlaveData = info.Nested(unix.IFLA_INFO_SLAVE_DATA)
	}
	if v, ok := attrs[unix.IFLA_PROTINFO]; ok && len(v) >= 4 {
		l.Protinfo, _ = ParseAttrs(v)
	}
	return l, nil
}

// SetBridge changes attributes of the bridge with index ifindex, as
// "ip link set BR type bridge ..." does (RTM_NEWLINK with IFLA_LINKINFO).
func (c *Conn) SetBridge(ifindex int, attrs ...*nl.RtAttr) error {
	_, err := c.Execute(SetBridgeRequest(ifindex, attrs...), 0)
	return err
}

// SetBridgeRequest is the request of SetBridge.
func SetBridgeRequest(ifindex int, attrs ...*nl.RtAttr) *nl.NetlinkRequest {
	req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_ACK)
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	msg.Index = int32(ifindex)
	req.AddData(msg)
	li := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	li.AddRtAttr(unix.IFLA_INFO_KIND, nl.NonZeroTerminated("bridge"))
	data := li.AddRtAttr(unix.IFLA_INFO_DATA, nil)
	for _, a := range attrs {
		data.AddChild(a)
	}
	req.AddData(li)
	return req
}

// SetPort changes bridge-port attributes of the port with index ifindex,
// as "bridge link set dev PORT ..." does (RTM_SETLINK, AF_BRIDGE, nested
// IFLA_PROTINFO), with IFLA_AF_SPEC (self/master, hwmode) when spec is
// not nil.
func (c *Conn) SetPort(ifindex int, spec *nl.RtAttr, attrs ...*nl.RtAttr) error {
	_, err := c.Execute(SetPortRequest(ifindex, spec, attrs...), 0)
	return err
}

// SetPortRequest is the request of SetPort.
func SetPortRequest(ifindex int, spec *nl.RtAttr, attrs ...*nl.RtAttr) *nl.NetlinkRequest {
	req := nl.NewNetlinkRequest(unix.RTM_SETLINK, unix.NLM_F_ACK)
	msg := nl.NewIfInfomsg(unix.AF_BRIDGE)
	msg.Index = int32(ifindex)
	req.AddData(msg)
	pi := nl.NewRtAttr(unix.IFLA_PROTINFO|unix.NLA_F_NESTED, nil)
	for _, a := range attrs {
		pi.AddChild(a)
	}
	req.AddData(pi)
	if spec != nil {
		req.AddData(spec)
	}
	return req
}

// FDBEntry is one AF_BRIDGE RTM_NEWNEIGH answer.
type FDBEntry struct {
	Index int
	State uint16
	Flags uint8
	Attrs Attrs
}

// MAC returns NDA_LLADDR.
func (e *FDBEntry) MAC() net.HardwareAddr { return net.HardwareAddr(e.Attrs[unix.NDA_LLADDR]) }

// FDB dumps the forwarding database as "bridge fdb show" asks for it:
// an AF_BRIDGE RTM_GETNEIGH dump, limited to bridge brIndex (its own
// entries and its ports') and to port devIndex when they are not 0.
func (c *Conn) FDB(brIndex, devIndex int) ([]FDBEntry, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETNEIGH, unix.NLM_F_DUMP)
	msg := nl.NewIfInfomsg(unix.AF_BRIDGE)
	msg.Index = int32(devIndex)
	req.AddData(msg)
	if brIndex != 0 {
		req.AddData(nl.NewRtAttr(unix.IFLA_MASTER, nl.Uint32Attr(uint32(brIndex))))
	}
	msgs, err := c.Execute(req, unix.RTM_NEWNEIGH)
	if err != nil {
		return nil, err
	}
	var out []FDBEntry
	for _, m := range msgs {
		e, ok, err := ParseFDB(m)
		if err != nil {
			return nil, err
		}
		if !ok || devIndex != 0 && e.Index != devIndex {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// ParseFDB parses an RTM_NEWNEIGH message (after its netlink header) of
// the AF_BRIDGE family; ok is false for a message of another family or
// too short to hold an ndmsg.
func ParseFDB(m []byte) (e FDBEntry, ok bool, err error) {
	if len(m) < unix.SizeofNdMsg || m[0] != unix.AF_BRIDGE {
		return FDBEntry{}, false, nil
	}
	attrs, err := ParseAttrs(m[unix.SizeofNdMsg:])
	if err != nil {
		return FDBEntry{}, false, fmt.Errorf("parsing RTM_NEWNEIGH: %w", err)
	}
	return FDBEntry{
		Index: int(int32(binary.NativeEndian.Uint32(m[4:8]))),
		State: binary.NativeEndian.Uint16(m[8:10]),
		Flags: m[10],
		Attrs: attrs,
	}, true, nil
}
