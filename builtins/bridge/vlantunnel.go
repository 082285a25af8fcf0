package bridge

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/show"
	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/ns"
)

// IFLA_BRIDGE_VLAN_TUNNEL_INFO (in IFLA_AF_SPEC) and its attributes
// (linux/if_bridge.h).
const (
	iflaBridgeVlanTunnelInfo  = 3
	iflaBridgeVlanTunnelID    = 1
	iflaBridgeVlanTunnelVID   = 2
	iflaBridgeVlanTunnelFlags = 3
	vlanIDLen                 = 9 // VLAN_ID_LEN, the width of the vlan-id column
)

// vlanTunnelShow is "bridge vlan tunnelshow [dev DEV] [vid VID]"
// (bridge/vlan.c vlan_show with VLAN_SHOW_TUNNELINFO): the VLAN to tunnel
// id mappings of each port (vxlan ports with vlan_tunnel on), under
// iproute2's header.
func vlanTunnelShow(env *builtins.Env, g *Global, args []string) error {
	filterVLAN, err := vidFilter(args)
	if err != nil {
		return err
	}
	ports, ll, err := vlanPorts(env, g, args, iflaBridgeVlanTunnelInfo)
	var dump *dumpError
	if errors.As(err, &dump) {
		return builtins.Fail(1, "Dump terminated: %v", ns.Strerror(dump.err))
	}
	if err != nil {
		return err
	}
	var text strings.Builder
	fmt.Fprintf(&text, "%-16s  %-9s  tunnel-id\n", "port", "vlan-id")
	jw := show.NewJSONWriter(g.Pretty)
	jw.StartArray()
	for _, p := range ports {
		printTunnels(jw, &text, ll.name(p.Index), p.infos, filterVLAN)
	}
	return emit(env, g, jw, &text)
}

// printTunnels prints one port's tunnel mappings as
// print_vlan_tunnel_info does: ranges joined, filtered on vid.
func printTunnels(jw *show.JSONWriter, text *strings.Builder, port string, infos [][]byte, filterVLAN int) {
	opened := false
	var vidStart, tunStart uint32
	for _, b := range infos {
		t, err := rtnl.ParseAttrs(b)
		if err != nil {
			continue
		}
		vid16, ok := t.U16(iflaBridgeVlanTunnelVID)
		if !ok {
			continue
		}
		vid := uint32(vid16)
		tunID, _ := t.U32(iflaBridgeVlanTunnelID)
		flags, _ := t.U16(iflaBridgeVlanTunnelFlags)
		if flags&vlanInfoRangeEnd == 0 {
			vidStart, tunStart = vid, tunID
		}
		// filter_vlan_check
		if filterVLAN != 0 && int(vid) > filterVLAN && flags&vlanInfoRangeEnd == 0 {
			break
		}
		if flags&vlanInfoRangeBegin != 0 || int(vid) < filterVLAN {
			continue
		}
		if !opened {
			jw.StartObject()
			jw.Field("ifname", port)
			jw.Name("tunnels")
			jw.StartArray()
			fmt.Fprintf(text, "%-16s  ", port)
			opened = true
		} else {
			fmt.Fprintf(text, "%-16s  ", "")
		}
		jw.StartObject()
		w := printRange(jw, text, "vlan", vidStart, vid)
		fmt.Fprintf(text, "%-*s  ", max(vlanIDLen-w, 0), "")
		printRange(jw, text, "tunid", tunStart, tunID)
		jw.EndObject()
		text.WriteString("\n")
	}
	if opened {
		jw.EndArray()
		jw.EndObject()
	}
}

// printRange is vlan.c print_range: "START" or "START-END", and the JSON
// fields NAME and NAMEEnd; it returns the width printed.
func printRange(jw *show.JSONWriter, text *strings.Builder, name string, start, id uint32) int {
	s := strconv.FormatUint(uint64(start), 10)
	jw.Field(name, int(start))
	if start != id {
		s += "-" + strconv.FormatUint(uint64(id), 10)
		jw.Field(name+"End", int(id))
	}
	text.WriteString(s)
	return len(s)
}
