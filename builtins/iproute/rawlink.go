package iproute

import (
	"encoding/binary"
	"fmt"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/bridge"
	"github.com/nshlab/nsh/ns"
)

// rattrs is a set of netlink attributes by type (NLA_F_* flags masked
// off), read from a raw message.
type rattrs map[uint16][]byte

// parseRattrs splits b into attributes; malformed input yields what could
// be read.
func parseRattrs(b []byte) rattrs {
	m := rattrs{}
	for len(b) >= 4 {
		l := int(binary.LittleEndian.Uint16(b[0:2]))
		t := binary.LittleEndian.Uint16(b[2:4]) &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)
		if l < 4 || l > len(b) {
			break
		}
		m[t] = b[4:l]
		al := (l + unix.NLA_ALIGNTO - 1) &^ (unix.NLA_ALIGNTO - 1)
		if al > len(b) {
			break
		}
		b = b[al:]
	}
	return m
}

func (a rattrs) has(t uint16) bool { _, ok := a[t]; return ok }

func (a rattrs) u8(t uint16) uint64 {
	if v := a[t]; len(v) >= 1 {
		return uint64(v[0])
	}
	return 0
}

func (a rattrs) u16(t uint16) uint64 {
	if v := a[t]; len(v) >= 2 {
		return uint64(binary.LittleEndian.Uint16(v))
	}
	return 0
}

func (a rattrs) be16(t uint16) uint64 {
	if v := a[t]; len(v) >= 2 {
		return uint64(binary.BigEndian.Uint16(v))
	}
	return 0
}

func (a rattrs) u32(t uint16) uint64 {
	if v := a[t]; len(v) >= 4 {
		return uint64(binary.LittleEndian.Uint32(v))
	}
	return 0
}

func (a rattrs) u64(t uint16) uint64 {
	if v := a[t]; len(v) >= 8 {
		return binary.LittleEndian.Uint64(v)
	}
	return 0
}

// str reads a NUL-terminated string attribute.
func (a rattrs) str(t uint16) string {
	b := a[t]
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

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
	c, err := bridge.Dial(env, r)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	links, err := c.Links(unix.AF_UNSPEC, 1 /* RTEXT_FILTER_VF */)
	if err != nil {
		return nil, fmt.Errorf("dumping links: %w", err)
	}
	m := make(map[int]*rawLink, len(links))
	for _, l := range links {
		rl := &rawLink{attrs: rattrs(l.Attrs)}
		if li, ok := l.Attrs[unix.IFLA_LINKINFO]; ok {
			info := parseRattrs(li)
			rl.kind = info.str(unix.IFLA_INFO_KIND)
			if d, ok := info[unix.IFLA_INFO_DATA]; ok {
				rl.data = parseRattrs(d)
			}
			rl.slaveKind = info.str(unix.IFLA_INFO_SLAVE_KIND)
			if d, ok := info[unix.IFLA_INFO_SLAVE_DATA]; ok {
				rl.slaveData = parseRattrs(d)
			}
			if !info.has(unix.IFLA_INFO_KIND) {
				rl.kind = ""
			}
		}
		m[l.Index] = rl
	}
	return m, nil
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

// rawExecute sends req on a NETLINK_ROUTE socket opened in r's namespace
// (bridge.Dial) and returns the answers of type resType, retrying an
// interrupted dump. The socket is closed before returning: it would pin
// the namespace.
func rawExecute(env *builtins.Env, r ns.Ref, req *nl.NetlinkRequest, resType uint16) ([][]byte, error) {
	c, err := bridge.Dial(env, r)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.Execute(req, resType)
}
