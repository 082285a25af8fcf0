package bridge

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/ns"
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
	PortLocked         = 39
)

const (
	nlaTypeMask     = ^uint16(unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)
	rtextFilterVLAN = 1 << 1 // RTEXT_FILTER_BRVLAN
)

// Attrs is a set of netlink attributes by type (flags masked off).
type Attrs map[uint16][]byte

// U8 returns attribute t as a byte and whether it is there.
func (a Attrs) U8(t uint16) (uint8, bool) {
	v, ok := a[t]
	if !ok || len(v) < 1 {
		return 0, false
	}
	return v[0], true
}

// U16 returns attribute t as a native-endian uint16.
func (a Attrs) U16(t uint16) (uint16, bool) {
	v, ok := a[t]
	if !ok || len(v) < 2 {
		return 0, false
	}
	return binary.NativeEndian.Uint16(v), true
}

// U32 returns attribute t as a native-endian uint32.
func (a Attrs) U32(t uint16) (uint32, bool) {
	v, ok := a[t]
	if !ok || len(v) < 4 {
		return 0, false
	}
	return binary.NativeEndian.Uint32(v), true
}

// U64 returns attribute t as a native-endian uint64.
func (a Attrs) U64(t uint16) (uint64, bool) {
	v, ok := a[t]
	if !ok || len(v) < 8 {
		return 0, false
	}
	return binary.NativeEndian.Uint64(v), true
}

// parseAttrs parses a run of rtattrs.
func parseAttrs(b []byte) (Attrs, error) {
	as, err := nl.ParseRouteAttr(b)
	if err != nil {
		return nil, err
	}
	m := Attrs{}
	for _, a := range as {
		m[a.Attr.Type&nlaTypeMask] = a.Value
	}
	return m, nil
}

// Link is one RTM_NEWLINK answer of a dump, as iproute2's bridge and
// brctl read it.
type Link struct {
	Family int
	Index  int
	Flags  uint32
	Name   string
	Attrs  Attrs
	// Kind is IFLA_INFO_KIND ("bridge", "veth", ...), Data its
	// IFLA_INFO_DATA.
	Kind string
	Data Attrs
	// Protinfo is IFLA_PROTINFO, nested (AF_BRIDGE dumps of ports).
	Protinfo Attrs
}

// Master returns IFLA_MASTER (0 without one).
func (l *Link) Master() int {
	v, _ := l.Attrs.U32(unix.IFLA_MASTER)
	return int(v)
}

// Conn is a NETLINK_ROUTE socket opened inside one namespace, for the
// bridge requests package netlink has no Handle method for (bridge and
// port attributes, AF_BRIDGE dumps). Close it when the command ends: an
// open socket keeps its namespace alive (HAZARDS #4), so it is never
// cached.
type Conn struct {
	s *nl.NetlinkSocket
}

// Dial opens a Conn in r's namespace: on a thread switched by Host.Do,
// or directly for the start namespace.
func Dial(env *builtins.Env, r ns.Ref) (*Conn, error) {
	var s *nl.NetlinkSocket
	open := func() error {
		var err error
		if s, err = nl.Subscribe(unix.NETLINK_ROUTE); err != nil {
			return err
		}
		// Ask for the kernel's extended ack messages ("Vlan id is
		// invalid"), which iproute2 prints in place of strerror.
		if err = s.SetExtAck(true); err != nil {
			s.Close()
		}
		return err
	}
	if err := env.Host.Do(r, open); err != nil {
		return nil, fmt.Errorf("opening netlink in %s: %w", r.Describe(), err)
	}
	return &Conn{s: s}, nil
}

// Close closes the socket.
func (c *Conn) Close() {
	if c.s != nil {
		c.s.Close()
		c.s = nil
	}
}

// Execute sends req on the socket and returns the answers of type resType
// (0 for a request answered only by an ack), retrying a dump interrupted
// by concurrent changes. It is the raw form of any iproute2 request
// package netlink has no Handle method for.
//
// A kernel error comes back as a *KernelError, with the kernel's extended
// ack message if it gave one.
func (c *Conn) Execute(req *nl.NetlinkRequest, resType uint16) ([][]byte, error) {
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: {Socket: c.s}}
	msgs, err := builtins.Retry(func() ([][]byte, error) {
		return req.Execute(unix.NETLINK_ROUTE, resType)
	})
	var errno unix.Errno
	if err != nil && errors.As(err, &errno) {
		// package netlink appends NLMSGERR_ATTR_MSG as ": MSG".
		msg, _ := strings.CutPrefix(err.Error(), errno.Error()+": ")
		if msg == err.Error() {
			msg = ""
		}
		return nil, &KernelError{Errno: errno, Msg: msg}
	}
	return msgs, err
}

// KernelError is the kernel's error answer to a request: the errno and
// the extended ack message (NLMSGERR_ATTR_MSG) it came with, if any.
// errors.Is sees the errno.
type KernelError struct {
	Errno unix.Errno
	Msg   string
}

func (e *KernelError) Error() string {
	if e.Msg == "" {
		return e.Errno.Error()
	}
	return e.Errno.Error() + ": " + e.Msg
}

func (e *KernelError) Unwrap() error { return e.Errno }

// AnswerError words a kernel error as iproute2's rtnl_talk does (ip,
// bridge): the extended ack message as "Error: MSG." when the kernel gave
// one, else "RTNETLINK answers: " and strerror(3). errors.Is still sees
// the errno.
func AnswerError(err error) error {
	var ke *KernelError
	if errors.As(err, &ke) && ke.Msg != "" {
		msg := ke.Msg
		if !strings.HasSuffix(msg, ".") {
			msg += "."
		}
		return fmt.Errorf("Error: %s%w", msg, silentErr{ke.Errno})
	}
	return fmt.Errorf("RTNETLINK answers: %w", ns.Strerror(err))
}

// silentErr carries an errno for errors.Is and prints nothing.
type silentErr struct{ errno unix.Errno }

func (silentErr) Error() string   { return "" }
func (e silentErr) Unwrap() error { return e.errno }

// KindKnown reports whether the kernel in c's namespace has the link type
// kind registered, without creating anything: an RTM_GETLINK dump
// filtered on IFLA_INFO_KIND is filtered, every answer marked
// NLM_F_DUMP_FILTERED, only when the kernel knows the kind
// (rtnl_dump_ifinfo); for an unknown kind it lists every link, lo first.
func (c *Conn) KindKnown(kind string) (bool, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP)
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	li := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	li.AddRtAttr(nl.IFLA_INFO_KIND, nl.NonZeroTerminated(kind))
	req.AddData(li)
	if err := c.s.Send(req); err != nil {
		return false, err
	}
	known := true
	for {
		msgs, _, err := c.s.Receive()
		if err != nil {
			return false, err
		}
		for _, m := range msgs {
			if m.Header.Seq != req.Seq {
				continue
			}
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				return known, nil
			case unix.NLMSG_ERROR:
				return false, fmt.Errorf("RTM_GETLINK kind %s: error answer", kind)
			case unix.RTM_NEWLINK:
				if m.Header.Flags&unix.NLM_F_DUMP_FILTERED == 0 {
					known = false
				}
			}
		}
	}
}

// Links dumps the links of the namespace with the given family
// (AF_UNSPEC for all links with their link info, AF_BRIDGE for bridge
// ports with their port attributes) and IFLA_EXT_MASK filter.
func (c *Conn) Links(family int, extMask uint32) ([]Link, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP)
	req.AddData(nl.NewIfInfomsg(family))
	if extMask != 0 {
		req.AddData(nl.NewRtAttr(unix.IFLA_EXT_MASK, nl.Uint32Attr(extMask)))
	}
	msgs, err := c.Execute(req, unix.RTM_NEWLINK)
	if err != nil {
		return nil, err
	}
	links := make([]Link, 0, len(msgs))
	for _, m := range msgs {
		l, err := parseLink(m)
		if err != nil {
			return nil, err
		}
		links = append(links, l)
	}
	return links, nil
}

func parseLink(m []byte) (Link, error) {
	if len(m) < unix.SizeofIfInfomsg {
		return Link{}, errors.New("short RTM_NEWLINK message")
	}
	ifi := nl.DeserializeIfInfomsg(m)
	attrs, err := parseAttrs(m[unix.SizeofIfInfomsg:])
	if err != nil {
		return Link{}, fmt.Errorf("parsing RTM_NEWLINK: %w", err)
	}
	l := Link{Family: int(ifi.Family), Index: int(ifi.Index), Flags: ifi.Flags, Attrs: attrs}
	if v, ok := attrs[unix.IFLA_IFNAME]; ok {
		l.Name = nl.BytesToString(v)
	}
	if v, ok := attrs[unix.IFLA_LINKINFO]; ok {
		if li, err := parseAttrs(v); err == nil {
			l.Kind = nl.BytesToString(li[unix.IFLA_INFO_KIND])
			if d, ok := li[unix.IFLA_INFO_DATA]; ok {
				l.Data, _ = parseAttrs(d)
			}
		}
	}
	if v, ok := attrs[unix.IFLA_PROTINFO]; ok && len(v) >= 4 {
		l.Protinfo, _ = parseAttrs(v)
	}
	return l, nil
}

// SetBridge changes attributes of the bridge with index ifindex, as
// "ip link set BR type bridge ..." does (RTM_NEWLINK with IFLA_LINKINFO).
func (c *Conn) SetBridge(ifindex int, attrs ...*nl.RtAttr) error {
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
	_, err := c.Execute(req, 0)
	return err
}

// SetPort changes bridge-port attributes of the port with index ifindex,
// as "bridge link set dev PORT ..." does (RTM_SETLINK, AF_BRIDGE, nested
// IFLA_PROTINFO).
func (c *Conn) SetPort(ifindex int, attrs ...*nl.RtAttr) error {
	return c.setPort(ifindex, attrs, nil)
}

// setPort is SetPort with an optional IFLA_AF_SPEC (self/master, hwmode).
func (c *Conn) setPort(ifindex int, attrs []*nl.RtAttr, spec *nl.RtAttr) error {
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
	_, err := c.Execute(req, 0)
	return err
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
		if len(m) < unix.SizeofNdMsg {
			continue
		}
		family := m[0]
		if family != unix.AF_BRIDGE {
			continue
		}
		idx := int(int32(binary.NativeEndian.Uint32(m[4:8])))
		state := binary.NativeEndian.Uint16(m[8:10])
		flags := m[10]
		attrs, err := parseAttrs(m[unix.SizeofNdMsg:])
		if err != nil {
			return nil, fmt.Errorf("parsing RTM_NEWNEIGH: %w", err)
		}
		if devIndex != 0 && idx != devIndex {
			continue
		}
		out = append(out, FDBEntry{Index: idx, State: state, Flags: flags, Attrs: attrs})
	}
	return out, nil
}
