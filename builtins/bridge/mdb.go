package bridge

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/show"
	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/internal/rtnl"
)

// The multicast database's requests and attributes (linux/rtnetlink.h,
// linux/if_bridge.h).
const (
	rtmNewMDB = 84
	rtmDelMDB = 85
	rtmGetMDB = 86

	mdbaMDB              = 1 // MDBA_MDB: MDBA_MDB_ENTRY nests
	mdbaRouter           = 2 // MDBA_ROUTER: MDBA_ROUTER_PORT entries
	mdbaMDBEntryInfo     = 1 // a struct br_mdb_entry, then MDBA_MDB_EATTR_*
	mdbaEattrTimer       = 1
	mdbaEattrSrcList     = 2
	mdbaEattrGroupMode   = 3
	mdbaEattrSource      = 4
	mdbaEattrRtprot      = 5
	mdbaSrcattrAddress   = 1
	mdbaSrcattrTimer     = 2
	mdbaRouterPattrTimer = 1
	mdbaRouterPattrType  = 2
	mdbaSetEntry         = 1
	mdbaSetEntryAttrs    = 2
	mdbeAttrSource       = 1

	mdbPermanent   = 1
	sizeofMDBEntry = 28 // struct br_mdb_entry, padded
	sizeofPortMsg  = 8  // struct br_port_msg
	mcastInclude   = 1
)

// portMsg is struct br_port_msg: family and ifindex.
type portMsg struct{ ifindex uint32 }

func (m *portMsg) Len() int { return sizeofPortMsg }

func (m *portMsg) Serialize() []byte {
	b := make([]byte, sizeofPortMsg)
	b[0] = unix.AF_BRIDGE
	binary.NativeEndian.PutUint32(b[4:8], m.ifindex)
	return b
}

// cmdMdb is "bridge mdb { add | delete | show }" (bridge/mdb.c do_mdb).
func cmdMdb(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	v, args, err := verbAndArgs(env, "mdb", args)
	if err != nil {
		return err
	}
	switch v {
	case "add":
		return mdbModify(env, g, rtmNewMDB, unix.NLM_F_CREATE|unix.NLM_F_EXCL, args)
	case "delete":
		return mdbModify(env, g, rtmDelMDB, 0, args)
	}
	return mdbShow(env, g, args)
}

// mdbModify is mdb.c mdb_modify: "dev DEV port PORT grp GROUP [src
// SOURCE] [permanent | temp] [vid VID]".
func mdbModify(env *builtins.Env, g *Global, cmd uint16, flags int, args []string) error {
	var dev, port, grp, src string
	var state uint8
	vid := 0
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		switch w {
		case "dev", "grp", "port", "vid", "src":
			v, err := need(a)
			if err != nil {
				return err
			}
			switch w {
			case "dev":
				dev = v
			case "grp":
				grp = v
			case "port":
				port = v
			case "vid":
				vid = atoi(v)
			case "src":
				src = v
			}
		case "permanent":
			if cmd == rtmNewMDB {
				state |= mdbPermanent
			}
		case "temp":
		default:
			if builtins.Is(w, "help") {
				return builtins.Usage(env, "bridge-mdb")
			}
		}
	}
	if dev == "" || grp == "" || port == "" {
		return builtins.Fail(255, "Device, group address and port name are required arguments.")
	}
	m := &portMsg{ifindex: uint32(ifIndex(env, g, dev))}
	if m.ifindex == 0 {
		return builtins.Fail(255, "Cannot find device %q", dev)
	}
	portIndex := ifIndex(env, g, port)
	if portIndex == 0 {
		return builtins.Fail(255, "Cannot find device %q", port)
	}
	e := make([]byte, sizeofMDBEntry)
	binary.NativeEndian.PutUint32(e[0:4], uint32(portIndex))
	e[4] = state
	binary.NativeEndian.PutUint16(e[6:8], uint16(int16(vid)))
	// mdb_parse_grp: IPv4, IPv6, then a MAC address.
	switch ip := net.ParseIP(grp); {
	case ip != nil && ip.To4() != nil && !strings.Contains(grp, ":"):
		copy(e[8:12], ip.To4())
		binary.BigEndian.PutUint16(e[24:26], unix.ETH_P_IP)
	case ip != nil:
		copy(e[8:24], ip.To16())
		binary.BigEndian.PutUint16(e[24:26], unix.ETH_P_IPV6)
	default:
		// ll_addr_a2n complains before mdb_modify does.
		mac, err := net.ParseMAC(grp)
		if err != nil || len(mac) != 6 {
			if err != nil {
				fmt.Fprintf(env.Stderr, "%q is invalid lladdr.\n", grp)
			}
			return builtins.Fail(255, "Invalid address %q", grp)
		}
		copy(e[8:14], mac)
	}
	req := nl.NewNetlinkRequest(int(cmd), flags|unix.NLM_F_ACK)
	req.AddData(m)
	req.AddData(nl.NewRtAttr(mdbaSetEntry, e))
	if src != "" {
		ip := net.ParseIP(src)
		if ip == nil {
			return builtins.Fail(255, "Invalid source address %q", src)
		}
		nest := nl.NewRtAttr(mdbaSetEntryAttrs|unix.NLA_F_NESTED, nil)
		if ip4 := ip.To4(); ip4 != nil && !strings.Contains(src, ":") {
			nest.AddRtAttr(mdbeAttrSource, []byte(ip4))
		} else {
			nest.AddRtAttr(mdbeAttrSource, []byte(ip.To16()))
		}
		req.AddData(nest)
	}
	if _, err := env.Execute(g.NS, req, 0); err != nil {
		return builtins.RtnlStatus(err, 255)
	}
	return nil
}

// mdbShow is mdb.c mdb_show: "show [dev DEV] [vid VID]", the entries,
// then (with -d) the router ports of each bridge.
func mdbShow(env *builtins.Env, g *Global, args []string) error {
	filterVID, err := vidFilter(args)
	if err != nil {
		return err
	}
	c, ll, filterIndex, err := openShow(env, g, args)
	if err != nil {
		return err
	}
	req := nl.NewNetlinkRequest(rtmGetMDB, unix.NLM_F_DUMP)
	req.AddData(&portMsg{})
	msgs, err := c.Execute(req, rtmGetMDB)
	if err != nil {
		return builtins.Fail(255, "Dump terminated")
	}
	var text strings.Builder
	jw := show.NewJSONWriter(g.Pretty)
	jw.StartArray()
	jw.StartObject()
	jw.Name("mdb")
	jw.StartArray()
	type port struct {
		ifindex int
		tb      rtnl.Attrs
	}
	var routers []port
	for _, m := range msgs {
		// The kernel leaves br_port_msg's family 0 in its answers;
		// mdb.c does not look at it.
		if len(m) < sizeofPortMsg {
			continue
		}
		ifindex := int(binary.NativeEndian.Uint32(m[4:8]))
		if filterIndex != 0 && ifindex != filterIndex {
			continue
		}
		tb, err := rtnl.ParseAttrs(m[sizeofPortMsg:])
		if err != nil {
			continue
		}
		routers = append(routers, port{ifindex, tb})
		for _, ent := range allNested(tb[mdbaMDB]) {
			for _, info := range allOf(ent, mdbaMDBEntryInfo) {
				printMDBEntry(jw, &text, g, ll, ifindex, info, filterVID)
			}
		}
	}
	jw.EndArray()
	jw.Name("router")
	jw.StartObject()
	for _, r := range routers {
		if b, ok := r.tb[mdbaRouter]; ok && g.Details {
			printRouterPorts(jw, &text, g, ll, ll.name(r.ifindex), b)
		}
	}
	jw.EndObject()
	jw.EndObject()
	return emit(env, g, jw, &text)
}

// allNested returns the payloads of the attributes nested in b.
func allNested(b []byte) [][]byte {
	var out [][]byte
	for i := 0; i+4 <= len(b); {
		l := int(binary.NativeEndian.Uint16(b[i : i+2]))
		if l < 4 || i+l > len(b) {
			break
		}
		out = append(out, b[i+4:i+l])
		i += (l + 3) &^ 3
	}
	return out
}

// allOf returns the payloads of the attributes of type t in b.
func allOf(b []byte, t uint16) [][]byte {
	vs, _ := rtnl.All(b, t)
	return vs
}

// mdbTimer is mdb.c format_timer: hundredths of a second as seconds.
func mdbTimer(ticks uint32, align bool) string {
	if align {
		return fmt.Sprintf("%4d.%.2d", ticks/100, ticks%100)
	}
	return fmt.Sprintf("%d.%.2d", ticks/100, ticks%100)
}

// printMDBEntry prints one struct br_mdb_entry and its attributes as
// mdb.c print_mdb_entry does.
func printMDBEntry(jw *show.JSONWriter, text *strings.Builder, g *Global, ll linkMap, ifindex int, b []byte, filterVID int) {
	if len(b) < sizeofMDBEntry {
		return
	}
	portIndex := int(binary.NativeEndian.Uint32(b[0:4]))
	state, flags := b[4], b[5]
	vid := int(binary.NativeEndian.Uint16(b[6:8]))
	proto := binary.BigEndian.Uint16(b[24:26])
	if filterVID != 0 && vid != filterVID {
		return
	}
	var tb rtnl.Attrs
	if len(b) > sizeofMDBEntry {
		tb, _ = rtnl.ParseAttrs(b[sizeofMDBEntry:])
	}
	addr := func(v []byte) string {
		switch proto {
		case 0:
			return macString(v[:6])
		case unix.ETH_P_IP:
			return net.IP(v[:4]).String()
		}
		return net.IP(v[:16]).String()
	}
	jw.StartObject()
	jw.Field("index", ifindex)
	jw.Field("dev", ll.name(ifindex))
	jw.Field("port", ll.name(portIndex))
	grp := addr(b[8:24])
	jw.Field("grp", grp)
	fmt.Fprintf(text, "dev %s port %s grp %s", ll.name(ifindex), ll.name(portIndex), grp)
	if s, ok := tb[mdbaEattrSource]; ok && len(s) >= 4 {
		v := make([]byte, 16)
		copy(v, s)
		jw.Field("src", addr(v))
		fmt.Fprintf(text, " src %s", addr(v))
	}
	st := "temp"
	if state&mdbPermanent != 0 {
		st = "permanent"
	}
	jw.Field("state", st)
	text.WriteString(" " + st)
	if g.Details {
		if m, ok := tb.U8(mdbaEattrGroupMode); ok {
			mode := "exclude"
			if m == mcastInclude {
				mode = "include"
			}
			jw.Field("filter_mode", mode)
			text.WriteString(" filter_mode " + mode)
		}
		if list, ok := tb[mdbaEattrSrcList]; ok {
			jw.Name("source_list")
			jw.StartArray()
			text.WriteString(" source_list")
			sep := " "
			for _, sa := range allNested(list) {
				sb, _ := rtnl.ParseAttrs(sa)
				a, okA := sb[mdbaSrcattrAddress]
				t, okT := sb.U32(mdbaSrcattrTimer)
				if !okA || !okT || len(a) < 4 {
					continue
				}
				v := make([]byte, 16)
				copy(v, a)
				jw.StartObject()
				jw.Field("address", addr(v))
				jw.Field("timer", mdbTimer(t, false))
				jw.EndObject()
				fmt.Fprintf(text, "%s%s/%s", sep, addr(v), mdbTimer(t, false))
				sep = ","
			}
			jw.EndArray()
		}
		if p, ok := tb.U8(mdbaEattrRtprot); ok {
			jw.Field("protocol", spec.ProtocolName(int(p)))
			fmt.Fprintf(text, " proto %s ", spec.ProtocolName(int(p)))
		}
	}
	jw.Name("flags")
	jw.StartArray()
	for _, f := range []struct {
		bit  uint8
		name string
	}{{1, "offload"}, {2, "fast_leave"}, {4, "added_by_star_ex"}, {8, "blocked"}} {
		if flags&f.bit != 0 {
			jw.Value(f.name)
			text.WriteString(" " + f.name)
		}
	}
	jw.EndArray()
	if vid != 0 {
		jw.Field("vid", vid)
		fmt.Fprintf(text, " vid %d", vid)
	}
	if g.Stats {
		if t, ok := tb.U32(mdbaEattrTimer); ok {
			jw.Field("timer", mdbTimer(t, true))
			text.WriteString(" " + mdbTimer(t, true))
		}
	}
	text.WriteString("\n")
	jw.EndObject()
}

// printRouterPorts prints a bridge's router ports as mdb.c
// br_print_router_ports does for a dump (with -d).
func printRouterPorts(jw *show.JSONWriter, text *strings.Builder, g *Global, ll linkMap, bridgeName string, b []byte) {
	jw.Name(bridgeName)
	jw.StartArray()
	if !g.Stats {
		fmt.Fprintf(text, "router ports on %s: ", bridgeName)
	}
	for _, p := range allNested(b) {
		if len(p) < 4 {
			continue
		}
		name := ll.name(int(binary.NativeEndian.Uint32(p[0:4])))
		jw.StartObject()
		jw.Field("port", name)
		if g.Stats {
			fmt.Fprintf(text, "router ports on %s: %s", bridgeName, name)
			var pt rtnl.Attrs
			if len(p) > 4 {
				pt, _ = rtnl.ParseAttrs(p[4:])
			}
			if t, ok := pt.U32(mdbaRouterPattrTimer); ok {
				jw.Field("timer", mdbTimer(t, true))
				text.WriteString(" " + mdbTimer(t, true))
			}
			if ty, ok := pt.U8(mdbaRouterPattrType); ok {
				kind := "permanent"
				if ty == 1 || ty == 3 { // MDB_RTR_TYPE_TEMP_QUERY, MDB_RTR_TYPE_TEMP
					kind = "temp"
				}
				jw.Field("type", kind)
				text.WriteString(" " + kind)
			}
			text.WriteString("\n")
		} else {
			text.WriteString(name + " ")
		}
		jw.EndObject()
	}
	if !g.Stats {
		text.WriteString("\n")
	}
	jw.EndArray()
}
