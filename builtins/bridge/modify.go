package bridge

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// errIncomplete is iproute2's NEXT_ARG failure (lib/utils.c incomplete_command).
var errIncomplete = errors.New(`Command line is not complete. Try option "help"`)

// need consumes the value after a keyword, failing as iproute2's NEXT_ARG.
func need(a *builtins.Args) (string, error) {
	v, ok := a.Next()
	if !ok {
		return "", errIncomplete
	}
	return v, nil
}

// duparg2 is iproute2's duparg2 message.
func duparg2(key, arg string) error {
	return fmt.Errorf("Error: either %q is duplicate, or %q is a garbage.", key, arg)
}

// invarg is iproute2's invarg message.
func invarg(msg, arg string) error {
	return fmt.Errorf("Error: argument %q is wrong: %s", arg, msg)
}

// ndmsg is struct ndmsg (linux/neighbour.h).
type ndmsg struct {
	family  uint8
	ifindex int32
	state   uint16
	flags   uint8
}

func (m *ndmsg) Len() int { return unix.SizeofNdMsg }

func (m *ndmsg) Serialize() []byte {
	b := make([]byte, unix.SizeofNdMsg)
	b[0] = m.family
	binary.NativeEndian.PutUint32(b[4:8], uint32(m.ifindex))
	binary.NativeEndian.PutUint16(b[8:10], m.state)
	b[10] = m.flags
	return b
}

// fdbEntry is what "bridge fdb add|append|replace|del" asks for.
type fdbEntry struct {
	mac     net.HardwareAddr
	ifindex int
	state   uint16
	flags   uint8
	dst     net.IP // nil: none
	vlan    int    // -1: none
	port    int    // 0: none
	vni     int64  // -1: none
	srcVNI  int64  // -1: none
	via     int    // 0: none
	nhid    uint32 // 0: none
}

// fdbRequest builds the RTM_NEWNEIGH/RTM_DELNEIGH request that
// bridge/fdb.c fdb_modify sends for e, attribute for attribute.
func fdbRequest(cmd uint16, flags int, e *fdbEntry) *nl.NetlinkRequest {
	req := nl.NewNetlinkRequest(int(cmd), flags|unix.NLM_F_ACK)
	req.AddData(&ndmsg{family: unix.AF_BRIDGE, ifindex: int32(e.ifindex), state: e.state, flags: e.flags})
	req.AddData(nl.NewRtAttr(unix.NDA_LLADDR, []byte(e.mac)))
	if e.dst != nil {
		req.AddData(nl.NewRtAttr(unix.NDA_DST, []byte(e.dst)))
	}
	if e.vlan >= 0 {
		req.AddData(nl.NewRtAttr(unix.NDA_VLAN, nl.Uint16Attr(uint16(e.vlan))))
	}
	if e.port != 0 {
		p := make([]byte, 2)
		binary.BigEndian.PutUint16(p, uint16(e.port))
		req.AddData(nl.NewRtAttr(unix.NDA_PORT, p))
	}
	if e.vni >= 0 {
		req.AddData(nl.NewRtAttr(unix.NDA_VNI, nl.Uint32Attr(uint32(e.vni))))
	}
	if e.srcVNI >= 0 {
		req.AddData(nl.NewRtAttr(ndaSrcVNI, nl.Uint32Attr(uint32(e.srcVNI))))
	}
	if e.via != 0 {
		req.AddData(nl.NewRtAttr(unix.NDA_IFINDEX, nl.Uint32Attr(uint32(e.via))))
	}
	if e.nhid > 0 {
		req.AddData(nl.NewRtAttr(ndaNhID, nl.Uint32Attr(e.nhid)))
	}
	return req
}

// parseVNI is fdb.c's strtoul check of a VNI (24 bits).
func parseVNI(v string) (int64, error) {
	n, err := strconv.ParseUint(v, 0, 64)
	if err != nil || n>>24 != 0 {
		return 0, invarg("invalid VNI\n", v)
	}
	return int64(n), nil
}

// fdbModify is "bridge fdb add|append|replace|del ADDR dev DEV ..."
// (bridge/fdb.c fdb_modify).
// ifIndex is ll_name_to_index for a modify command: one RTM_GETLINK by
// name on the namespace's cached handle rather than a dump of every link;
// 0 when there is no such link.
func ifIndex(env *builtins.Env, g *Global, name string) int {
	h, err := env.Handle(g.NS)
	if err != nil {
		return 0
	}
	l, err := h.LinkByName(name)
	if err != nil {
		return 0
	}
	return l.Attrs().Index
}

func fdbModify(env *builtins.Env, g *Global, cmd uint16, flags int, args []string) error {
	e := &fdbEntry{state: nudNoARP, vlan: -1, vni: -1, srcVNI: -1}
	var addr, dev, via string
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		switch {
		case w == "dev":
			v, err := need(a)
			if err != nil {
				return err
			}
			dev = v
		case w == "dst":
			v, err := need(a)
			if err != nil {
				return err
			}
			if e.dst != nil {
				return duparg2("dst", v)
			}
			ip := builtins.ParseIP(v)
			if ip == nil {
				return fmt.Errorf("Error: any valid address is expected rather than %q.", v)
			}
			e.dst = ip
		case w == "nhid":
			v, err := need(a)
			if err != nil {
				return err
			}
			n, err := strconv.ParseUint(v, 0, 32)
			if err != nil {
				return invarg("\"id\" value is invalid\n", v)
			}
			e.nhid = uint32(n)
		case w == "port":
			v, err := need(a)
			if err != nil {
				return err
			}
			n, err := strconv.ParseUint(v, 0, 64)
			if err != nil || n > 0xffff {
				return invarg("invalid port\n", v)
			}
			e.port = int(n)
		case w == "vni" || w == "src_vni":
			v, err := need(a)
			if err != nil {
				return err
			}
			n, err := parseVNI(v)
			if err != nil {
				return err
			}
			if w == "vni" {
				e.vni = n
			} else {
				e.srcVNI = n
			}
		case w == "via":
			v, err := need(a)
			if err != nil {
				return err
			}
			via = v
		case w == "self":
			e.flags |= ntfSelf
		case builtins.Is(w, "master"):
			e.flags |= ntfMaster
		case builtins.Is(w, "router"):
			e.flags |= ntfRouter
		case builtins.Is(w, "local") || builtins.Is(w, "permanent"):
			e.state |= nudPermanent
		case builtins.Is(w, "temp") || builtins.Is(w, "static"):
			e.state |= nudReachable
		case builtins.Is(w, "dynamic"):
			e.state |= nudReachable
			e.state &^= nudNoARP
		case builtins.Is(w, "vlan"):
			if e.vlan >= 0 {
				return duparg2("vlan", w)
			}
			v, err := need(a)
			if err != nil {
				return err
			}
			e.vlan = atoi(v)
		case builtins.Is(w, "use"):
			e.flags |= unix.NTF_USE
		case builtins.Is(w, "extern_learn"):
			e.flags |= ntfExtLearned
		case builtins.Is(w, "sticky"):
			e.flags |= ntfSticky
		default:
			if err := fdbAddress(env, a, w, &addr); err != nil {
				return err
			}
		}
	}
	if dev == "" || addr == "" {
		return errors.New("Device and address are required arguments.")
	}
	if e.nhid != 0 && (e.dst != nil || e.port != 0 || e.vni >= 0) {
		return errors.New("dst, port, vni are mutually exclusive with nhid")
	}
	if e.flags&(ntfSelf|ntfMaster) == 0 {
		e.flags |= ntfSelf
	}
	if e.state&(nudPermanent|nudReachable) == 0 {
		e.state |= nudPermanent
	}
	mac, ok := scanMAC(addr)
	if !ok {
		return fmt.Errorf("Invalid mac address %s", addr)
	}
	e.mac = mac
	if via != "" {
		if e.via = ifIndex(env, g, via); e.via == 0 {
			return fmt.Errorf("Cannot find device %q", via)
		}
	}
	if e.ifindex = ifIndex(env, g, dev); e.ifindex == 0 {
		return fmt.Errorf("Cannot find device %q", dev)
	}
	if _, err := env.Execute(g.NS, fdbRequest(cmd, flags, e), 0); err != nil {
		return builtins.RtnlStatus(err, 255)
	}
	return nil
}

// fdbAddress reads the word w of an fdb command that is no keyword, as
// fdb_modify and fdb_get do: the address ("to ADDR" too), once; "help"
// prints the usage.
func fdbAddress(env *builtins.Env, a *builtins.Args, w string, addr *string) error {
	if w == "to" {
		v, err := need(a)
		if err != nil {
			return err
		}
		w = v
	}
	if builtins.Is(w, "help") {
		return builtins.Usage(env, "bridge-fdb")
	}
	if *addr != "" {
		return duparg2("to", w)
	}
	*addr = w
	return nil
}

// scanMAC is sscanf("%hhx:%hhx:%hhx:%hhx:%hhx:%hhx"): six hex bytes
// separated by colons; trailing text is ignored, as in C.
func scanMAC(s string) (net.HardwareAddr, bool) {
	mac := make(net.HardwareAddr, 6)
	for i := 0; i < 6; i++ {
		if i > 0 {
			if !strings.HasPrefix(s, ":") {
				return nil, false
			}
			s = s[1:]
		}
		s = strings.TrimLeft(s, " \t\n")
		s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
		end := 0
		for end < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[end]) >= 0 {
			end++
		}
		if end == 0 {
			return nil, false
		}
		n, _ := strconv.ParseUint(s[:end], 16, 64)
		mac[i] = byte(n) // %hhx keeps the low byte
		s = s[end:]
	}
	return mac, true
}

// vlanEntry is what "bridge vlan add|del" asks for.
type vlanEntry struct {
	ifindex    int
	brFlags    uint16 // IFLA_BRIDGE_FLAGS: BRIDGE_FLAGS_MASTER 1, SELF 2
	infoFlags  uint16 // BRIDGE_VLAN_INFO_*
	vid, vidTo int    // vidTo -1: no range
	// tunnel: "tunnel_info id START[-END]", the tunnel ids mapped to
	// the VLANs instead of a VLAN entry.
	tunnel           bool
	tunStart, tunEnd uint32
}

// vlanRequest builds the RTM_SETLINK (add) or RTM_DELLINK (del) request
// of bridge/vlan.c vlan_modify: an AF_BRIDGE ifinfomsg with IFLA_AF_SPEC
// (not flagged nested, as addattr_nest leaves it) holding IFLA_BRIDGE_FLAGS
// when self/master were given and one IFLA_BRIDGE_VLAN_INFO, or a
// RANGE_BEGIN/RANGE_END pair for a range.
func vlanRequest(cmd uint16, v *vlanEntry) *nl.NetlinkRequest {
	req := nl.NewNetlinkRequest(int(cmd), unix.NLM_F_ACK)
	msg := nl.NewIfInfomsg(unix.AF_BRIDGE)
	msg.Index = int32(v.ifindex)
	req.AddData(msg)
	spec := nl.NewRtAttr(unix.IFLA_AF_SPEC, nil)
	if v.brFlags != 0 {
		spec.AddRtAttr(iflaBridgeFlags, nl.Uint16Attr(v.brFlags))
	}
	info := func(flags uint16, vid int) []byte {
		b := make([]byte, 4)
		binary.NativeEndian.PutUint16(b[0:2], flags)
		binary.NativeEndian.PutUint16(b[2:4], uint16(vid))
		return b
	}
	tunnel := func(vid int, id uint32, flags uint16) {
		t := spec.AddRtAttr(iflaBridgeVlanTunnelInfo, nil)
		t.AddRtAttr(iflaBridgeVlanTunnelID, nl.Uint32Attr(id))
		t.AddRtAttr(iflaBridgeVlanTunnelVID, nl.Uint16Attr(uint16(vid)))
		t.AddRtAttr(iflaBridgeVlanTunnelFlags, nl.Uint16Attr(flags))
	}
	switch {
	case v.tunnel && v.vidTo != -1 && v.vidTo-v.vid > 0:
		tunnel(v.vid, v.tunStart, vlanInfoRangeBegin)
		tunnel(v.vidTo, v.tunEnd, vlanInfoRangeEnd)
	case v.tunnel:
		tunnel(v.vid, v.tunStart, 0)
	case v.vidTo >= 0:
		spec.AddRtAttr(iflaBridgeVlanInfo, info(v.infoFlags|vlanInfoRangeBegin, v.vid))
		spec.AddRtAttr(iflaBridgeVlanInfo, info(v.infoFlags&^vlanInfoRangeBegin|vlanInfoRangeEnd, v.vidTo))
	default:
		spec.AddRtAttr(iflaBridgeVlanInfo, info(v.infoFlags, v.vid))
	}
	req.AddData(spec)
	return req
}

// vlanModify is "bridge vlan add|del vid VID dev DEV [pvid] [untagged]
// [self] [master]" (bridge/vlan.c vlan_modify).
func vlanModify(env *builtins.Env, g *Global, cmd uint16, args []string) error {
	v := &vlanEntry{vid: -1, vidTo: -1}
	var dev string
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		switch w {
		case "dev":
			d, err := need(a)
			if err != nil {
				return err
			}
			dev = d
		case "vid":
			s, err := need(a)
			if err != nil {
				return err
			}
			if from, to, ok := strings.Cut(s, "-"); ok {
				v.vid, v.vidTo = atoi(from), atoi(to)
			} else {
				v.vid = atoi(s)
			}
		case "self":
			v.brFlags |= 2
		case "master":
			v.brFlags |= 1
		case "pvid":
			v.infoFlags |= vlanInfoPVID
		case "untagged":
			v.infoFlags |= vlanInfoUntagged
		case "tunnel_info":
			// parse_tunnel_info: "id START[-END]", each below 2^24.
			w, err := need(a)
			if err != nil {
				return err
			}
			if !builtins.Is(w, "id") {
				return builtins.Fail(255, "Error: argument %q is wrong: tunnel id expected", w)
			}
			ids, err := need(a)
			if err != nil {
				return err
			}
			from, to, isRange := strings.Cut(ids, "-")
			tunID := func(s string) (uint32, error) {
				n, err := strconv.ParseUint(s, 0, 32)
				if err != nil || n >= 1<<24 {
					return 0, builtins.Fail(255, "Error: argument %q is wrong: invalid tun id", from)
				}
				return uint32(n), nil
			}
			if v.tunStart, err = tunID(from); err != nil {
				return err
			}
			if isRange {
				if v.tunEnd, err = tunID(to); err != nil {
					return err
				}
			}
			v.tunnel = true
		default:
			if builtins.Is(w, "help") {
				return builtins.Usage(env, "bridge-vlan")
			}
		}
	}
	// vlan.c keeps the ids in C shorts.
	v.vid, v.vidTo = int(int16(v.vid)), int(int16(v.vidTo))
	if dev == "" || v.vid == -1 {
		return errors.New("Device and VLAN ID are required arguments.")
	}
	if v.ifindex = ifIndex(env, g, dev); v.ifindex == 0 {
		return fmt.Errorf("Cannot find bridge device %q", dev)
	}
	c, err := env.Conn(g.NS)
	if err != nil {
		return err
	}
	if uint16(v.vid) >= 4096 {
		return fmt.Errorf("Invalid VLAN ID \"%d\"", uint16(v.vid))
	}
	if v.vidTo != -1 {
		if uint16(v.vidTo) >= 4096 || v.vid >= v.vidTo {
			return fmt.Errorf("Invalid VLAN range \"%d-%d\"", uint16(v.vid), uint16(v.vidTo))
		}
		if v.infoFlags&vlanInfoPVID != 0 {
			return errors.New("pvid cannot be configured for a vlan range")
		}
	}
	if _, err := c.Execute(vlanRequest(cmd, v), 0); err != nil {
		return builtins.RtnlStatus(err, 255)
	}
	return nil
}
