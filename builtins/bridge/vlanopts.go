package bridge

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/spec"
)

// The per-VLAN options of the bridge's VLAN database (linux/if_bridge.h):
// RTM_NEWVLAN and RTM_GETVLAN with a struct br_vlan_msg.
const (
	rtmNewVlan = 112
	rtmGetVlan = 114

	brVlanDBDumpFlags  = 1
	brVlanDBDumpGlobal = 1 << 1

	brVlanDBEntry         = 1
	brVlanDBGlobalOptions = 2

	brVlanDBEntryInfo        = 1
	brVlanDBEntryRange       = 2
	brVlanDBEntryState       = 3
	brVlanDBEntryMcastRouter = 6

	brVlanDBGoptsID    = 1
	brVlanDBGoptsRange = 2

	vlanInfoOnlyOpts = 1 << 6
)

// brVlanMsg is struct br_vlan_msg: the family and the device's index.
type brVlanMsg struct{ ifindex uint32 }

func (m *brVlanMsg) Len() int { return 8 }

func (m *brVlanMsg) Serialize() []byte {
	b := make([]byte, 8)
	b[0] = unix.AF_BRIDGE
	binary.NativeEndian.PutUint32(b[4:8], m.ifindex)
	return b
}

// vlanGlobalOptions are vlan_global_option_set's options, in its order:
// the attribute and the value's size in bytes.
var vlanGlobalOptions = []struct {
	name string
	attr int
	size int
}{
	{"mcast_snooping", 3, 1}, {"mcast_querier", 15, 1}, {"mcast_igmp_version", 4, 1},
	{"mcast_mld_version", 5, 1}, {"mcast_last_member_count", 6, 4}, {"mcast_startup_query_count", 7, 4},
	{"mcast_last_member_interval", 8, 8}, {"mcast_membership_interval", 10, 8},
	{"mcast_querier_interval", 11, 8}, {"mcast_query_interval", 12, 8},
	{"mcast_query_response_interval", 13, 8}, {"mcast_startup_query_interval", 14, 8},
}

// vlanRange reads "vid VID[-END]" as vlan.c's option setters do (atoi
// each side, as a short), with their checks.
func vlanRange(s string) (vid, end int, err error) {
	end = -1
	if from, to, ok := strings.Cut(s, "-"); ok {
		vid, end = int(int16(atoi(from))), int(int16(atoi(to)))
		if vid >= end || end >= 4096 {
			return 0, 0, builtins.Fail(255, "Invalid VLAN range \"%d-%d\"", uint16(vid), uint16(end))
		}
	} else {
		vid = int(int16(atoi(s)))
	}
	if vid >= 4096 {
		return 0, 0, builtins.Fail(255, "Invalid VLAN ID \"%d\"", uint16(vid))
	}
	return vid, end, nil
}

// vlanTarget reads a "dev" or "vid" word w of vlan.c's option setters:
// the device into m and *dev, a VLAN range (end -1 for a single VLAN)
// through onVid. handled is false for any other word.
func vlanTarget(env *builtins.Env, g *Global, a *builtins.Args, w string, m *brVlanMsg, dev *string, onVid func(vid, end int)) (handled bool, err error) {
	switch w {
	case "dev":
		v, err := need(a)
		if err != nil {
			return true, err
		}
		*dev = v
		if m.ifindex = uint32(ifIndex(env, g, v)); m.ifindex == 0 {
			return true, builtins.Fail(255, "Cannot find network device %q", v)
		}
		return true, nil
	case "vid":
		v, err := need(a)
		if err != nil {
			return true, err
		}
		vid, end, err := vlanRange(v)
		if err != nil {
			return true, err
		}
		onVid(vid, end)
		return true, nil
	}
	return false, nil
}

// vlanOptionSet is "bridge vlan set dev DEV vid VID[-END] [state STATE]
// [mcast_router N]" (vlan.c vlan_option_set): the options of a port's
// VLANs in the VLAN database. Other words are skipped, as vlan.c skips
// them.
func vlanOptionSet(env *builtins.Env, g *Global, args []string) error {
	m := &brVlanMsg{}
	entry := nl.NewRtAttr(brVlanDBEntry|unix.NLA_F_NESTED, nil)
	dev, vid := "", -1
	a := builtins.NewArgs(args)
	onVid := func(v, end int) {
		vid = v
		info := make([]byte, 4) // struct bridge_vlan_info: flags, vid
		binary.NativeEndian.PutUint16(info[0:], vlanInfoOnlyOpts)
		binary.NativeEndian.PutUint16(info[2:], uint16(vid))
		entry.AddRtAttr(brVlanDBEntryInfo, info)
		if end != -1 {
			entry.AddRtAttr(brVlanDBEntryRange, nl.Uint16Attr(uint16(end)))
		}
	}
	for a.More() {
		w, _ := a.Next()
		if handled, err := vlanTarget(env, g, a, w, m, &dev, onVid); handled {
			if err != nil {
				return err
			}
			continue
		}
		switch w {
		case "state":
			v, err := need(a)
			if err != nil {
				return err
			}
			state, convErr := strconv.ParseInt(v, 10, 64)
			if convErr != nil {
				state = -1
				for i, s := range spec.PortStates {
					if s == v {
						state = int64(i)
					}
				}
			}
			if state == -1 {
				return builtins.Fail(255, "Error: invalid STP state")
			}
			entry.AddRtAttr(brVlanDBEntryState, []byte{uint8(state)})
		case "mcast_router":
			v, err := need(a)
			if err != nil {
				return err
			}
			n, ok := builtins.GetUint(v, 0, 255)
			if !ok {
				return builtins.Fail(255, "Error: argument %q is wrong: invalid mcast_router", v)
			}
			entry.AddRtAttr(brVlanDBEntryMcastRouter, []byte{uint8(n)})
		default:
			if builtins.Is(w, "help") && a.More() {
				a.Next()
			}
		}
	}
	if dev == "" || vid == -1 {
		return builtins.Fail(255, "Device and VLAN ID are required arguments.")
	}
	return vlanDBTalk(env, g, m, entry)
}

// vlanDBTalk sends an RTM_NEWVLAN with m and attr; a refusal is
// rtnl_talk's message, exit status 255.
func vlanDBTalk(env *builtins.Env, g *Global, m *brVlanMsg, attr *nl.RtAttr) error {
	req := nl.NewNetlinkRequest(rtmNewVlan, unix.NLM_F_ACK)
	req.AddData(m)
	req.AddData(attr)
	return talk(env, g, req)
}

// talk sends req, answered by an ack, on the command namespace's
// socket; a refusal is rtnl_talk's message with bridge's status 255.
func talk(env *builtins.Env, g *Global, req *nl.NetlinkRequest) error {
	c, err := env.Conn(g.NS)
	if err != nil {
		return err
	}
	if _, err := c.Execute(req, 0); err != nil {
		return builtins.RtnlStatus(err, 255)
	}
	return nil
}

// vlanGlobal is "bridge vlan global [ show | set ] ..." (vlan.c
// vlan_global): the sub-verbs are compared whole.
func vlanGlobal(env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return vlanGlobalShow(env, g, nil)
	}
	switch args[0] {
	case "show", "lst", "list":
		return vlanGlobalShow(env, g, args[1:])
	case "set":
		return vlanGlobalSet(env, g, args[1:])
	}
	return builtins.Usage(env, "bridge-vlan")
}

// vlanGlobalSet is vlan_global_option_set: "set dev BRIDGE vid
// VID[-END]" and the bridge's per-VLAN multicast options.
func vlanGlobalSet(env *builtins.Env, g *Global, args []string) error {
	m := &brVlanMsg{}
	opts := nl.NewRtAttr(brVlanDBGlobalOptions|unix.NLA_F_NESTED, nil)
	dev, vid := "", -1
	a := builtins.NewArgs(args)
	onVid := func(v, end int) {
		vid = v
		opts.AddRtAttr(brVlanDBGoptsID, nl.Uint16Attr(uint16(vid)))
		if end != -1 {
			opts.AddRtAttr(brVlanDBGoptsRange, nl.Uint16Attr(uint16(end)))
		}
	}
	for a.More() {
		w, _ := a.Next()
		if handled, err := vlanTarget(env, g, a, w, m, &dev, onVid); handled {
			if err != nil {
				return err
			}
			continue
		}
		found := false
		for _, o := range vlanGlobalOptions {
			if w != o.name {
				continue
			}
			found = true
			v, err := need(a)
			if err != nil {
				return err
			}
			n, ok := builtins.GetUint(v, 0, 1<<(8*o.size)-1)
			if o.size == 8 {
				n, ok = builtins.GetUint(v, 0, ^uint64(0)-1)
			}
			if !ok {
				return builtins.Fail(255, "Error: argument %q is wrong: invalid %s", v, o.name)
			}
			b := make([]byte, o.size)
			switch o.size {
			case 1:
				b[0] = uint8(n)
			case 4:
				binary.NativeEndian.PutUint32(b, uint32(n))
			case 8:
				binary.NativeEndian.PutUint64(b, n)
			}
			opts.AddRtAttr(o.attr, b)
		}
		if !found && w == "help" && a.More() {
			a.Next()
		}
	}
	if dev == "" || vid == -1 {
		return builtins.Fail(255, "Device and VLAN ID are required arguments.")
	}
	return vlanDBTalk(env, g, m, opts)
}

// vlanGlobalShow is vlan_global_show, and vlanDBShow the VLAN database
// dump "bridge -d vlan show" makes: the header, then each entry. A
// kernel without the database (no VLAN filtering) refuses the dump,
// which ends the command as bridge ends it; the entries of a kernel that
// has one nsh does not print yet.
func vlanGlobalShow(env *builtins.Env, g *Global, args []string) error {
	return vlanDBShow(env, g, args, brVlanDBDumpGlobal)
}

func vlanDBShow(env *builtins.Env, g *Global, args []string, flags uint32) error {
	if _, err := vidFilter(args); err != nil {
		return err
	}
	c, _, filterIndex, err := openShow(env, g, args)
	if err != nil {
		return err
	}
	req := nl.NewNetlinkRequest(rtmGetVlan, unix.NLM_F_DUMP)
	req.AddData(&brVlanMsg{})
	req.AddData(nl.NewRtAttr(brVlanDBDumpFlags, nl.Uint32Attr(flags)))
	msgs, err := c.Execute(req, rtmNewVlan)
	if g.JSON {
		fmt.Fprint(env.Stdout, "[") // new_json_obj, before the dump
	} else {
		fmt.Fprintf(env.Stdout, "%-16s  %-9s\n", "port", "vlan-id")
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, builtins.Answer(err))
		return builtins.Fail(1, "Dump terminated")
	}
	for _, m := range msgs {
		if len(m) >= 8 && (filterIndex == 0 || int(binary.NativeEndian.Uint32(m[4:8])) == filterIndex) {
			return builtins.NotImplemented("bridge vlan: printing the kernel's VLAN database entries is not supported by nsh yet")
		}
	}
	if g.JSON {
		fmt.Fprintln(env.Stdout, "]")
	}
	return nil
}
