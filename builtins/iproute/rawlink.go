package iproute

import (
	"encoding/binary"
	"fmt"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/ns"
)

// rattrs is a set of netlink attributes read from a raw message
// (rtnl.Attrs), with accessors that read a missing or short attribute as
// zero, as iproute2's printers do.
type rattrs rtnl.Attrs

// parseRattrs splits b into attributes; malformed input yields what could
// be read.
func parseRattrs(b []byte) rattrs {
	m, _ := rtnl.ParseAttrs(b)
	return rattrs(m)
}

func (a rattrs) has(t uint16) bool   { return rtnl.Attrs(a).Has(t) }
func (a rattrs) u8(t uint16) uint64  { v, _ := rtnl.Attrs(a).U8(t); return uint64(v) }
func (a rattrs) u16(t uint16) uint64 { v, _ := rtnl.Attrs(a).U16(t); return uint64(v) }
func (a rattrs) be16(t uint16) uint64 {
	v, _ := rtnl.Attrs(a).BE16(t)
	return uint64(v)
}
func (a rattrs) u32(t uint16) uint64 { v, _ := rtnl.Attrs(a).U32(t); return uint64(v) }
func (a rattrs) u64(t uint16) uint64 { v, _ := rtnl.Attrs(a).U64(t); return v }

// str reads a NUL-terminated string attribute.
func (a rattrs) str(t uint16) string { return rtnl.Attrs(a).Str(t) }

// rawLink is one RTM_NEWLINK answer with the parts of IFLA_LINKINFO that
// "ip -details" prints and package netlink does not expose.
type rawLink struct {
	attrs     rattrs
	kind      string
	data      rattrs // IFLA_INFO_DATA; nil without one
	slaveKind string
	slaveData rattrs
}

// rawLinks dumps the links of r's namespace as iproute2 does for "ip link
// show" (RTM_GETLINK, IFLA_EXT_MASK RTEXT_FILTER_VF) and returns them by
// index.
func rawLinks(env *builtins.Env, r ns.Ref) (map[int]*rawLink, error) {
	_, raws, err := readLinks(env, r, "")
	return raws, err
}

// readLinks asks r's namespace for its links as iproute2 does for "ip
// link show" (RTM_GETLINK with IFLA_EXT_MASK RTEXT_FILTER_VF: a dump, or
// the one link named dev) and reads each answer both as package netlink's
// Link and as a rawLink, by index: one request for both views.
func readLinks(env *builtins.Env, r ns.Ref, dev string) ([]netlink.Link, map[int]*rawLink, error) {
	c, err := env.Conn(r)
	if err != nil {
		return nil, nil, err
	}
	msgs, err := c.LinkMessages(unix.AF_UNSPEC, rtnl.FilterVF, dev)
	if err != nil {
		return nil, nil, err
	}
	links := make([]netlink.Link, 0, len(msgs))
	raws := make(map[int]*rawLink, len(msgs))
	for _, m := range msgs {
		l, err := rtnl.ParseLink(m)
		if err != nil {
			return nil, nil, err
		}
		nl, err := netlink.LinkDeserialize(nil, m)
		if err != nil {
			return nil, nil, fmt.Errorf("reading link %s: %w", l.Name, err)
		}
		links = append(links, nl)
		raws[l.Index] = &rawLink{attrs: rattrs(l.Attrs), kind: l.Kind, data: rattrs(l.Data),
			slaveKind: l.SlaveKind, slaveData: rattrs(l.SlaveData)}
	}
	return links, raws, nil
}

// linkStats64 is struct rtnl_link_stats64 (IFLA_STATS64) in field order.
type linkStats64 struct {
	RxPackets, TxPackets, RxBytes, TxBytes, RxErrors, TxErrors, RxDropped, TxDropped,
	Multicast, Collisions, RxLengthErrors, RxOverErrors, RxCrcErrors, RxFrameErrors,
	RxFifoErrors, RxMissedErrors, TxAbortedErrors, TxCarrierErrors, TxFifoErrors,
	TxHeartbeatErrors, TxWindowErrors, RxCompressed, TxCompressed, RxNohandler,
	RxOtherhostDropped uint64
}

// stats64 decodes IFLA_STATS64 (false when absent).
func (rl *rawLink) stats64() (linkStats64, bool) {
	var s linkStats64
	b, ok := rl.attrs[unix.IFLA_STATS64]
	if !ok {
		return s, false
	}
	f := []*uint64{&s.RxPackets, &s.TxPackets, &s.RxBytes, &s.TxBytes, &s.RxErrors, &s.TxErrors,
		&s.RxDropped, &s.TxDropped, &s.Multicast, &s.Collisions, &s.RxLengthErrors, &s.RxOverErrors,
		&s.RxCrcErrors, &s.RxFrameErrors, &s.RxFifoErrors, &s.RxMissedErrors, &s.TxAbortedErrors,
		&s.TxCarrierErrors, &s.TxFifoErrors, &s.TxHeartbeatErrors, &s.TxWindowErrors,
		&s.RxCompressed, &s.TxCompressed, &s.RxNohandler, &s.RxOtherhostDropped}
	for i, p := range f {
		if len(b) < 8*(i+1) {
			break
		}
		*p = binary.LittleEndian.Uint64(b[8*i:])
	}
	return s, true
}

// rawExecute sends req on the raw socket of r's namespace, leased to env
// (Env.Conn), and returns the answers of type resType, retrying an
// interrupted dump. A kernel error is a *rtnl.KernelError.
func rawExecute(env *builtins.Env, r ns.Ref, req *nl.NetlinkRequest, resType uint16) ([][]byte, error) {
	return env.Execute(r, req, resType)
}
