// Package bridge is nsh's "bridge" command: iproute2's bridge/bridge.c
// grammar (link, fdb, vlan) executed in-process over netlink, with
// iproute2's output byte for byte. It also provides Conn, the raw
// NETLINK_ROUTE requests for bridge and port attributes that package
// netlink lacks, which package brctl builds on.
package bridge

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/show"
	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/ns"
)

// Global holds bridge's global options (bridge/bridge.c main).
type Global struct {
	NS      ns.Ref // -n NS, else the statement's namespace
	Details bool   // -d
	Stats   bool   // -s
	JSON    bool   // -j
	Pretty  bool   // -p
	Oneline bool   // -o
}

// objectRun returns the function that runs bridge's object name (an
// entry of spec.Bridge), or nil when nsh does not implement it.
func objectRun(name string) func(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	switch name {
	case "link":
		return cmdLink
	case "fdb":
		return cmdFdb
	case "vlan":
		return cmdVlan
	case "vni":
		return cmdVni
	case "mdb":
		return cmdMdb
	case "monitor":
		return cmdMonitor
	}
	return nil
}

// verbAndArgs splits the words after "bridge OBJECT": the canonical name
// of the verb (the object's default verb when there are none, as bridge
// runs "show") and the verb's arguments.
func verbAndArgs(env *builtins.Env, object string, args []string) (string, []string, error) {
	if len(args) == 0 {
		return spec.Bridge.Object(object).Default, nil, nil
	}
	v, err := verbOf(env, object, args[0])
	return v, args[1:], err
}

// verbOf resolves the verb word of "bridge OBJECT VERB" through the
// model's verb table, returning its canonical name; "help" prints the
// object's usage, and an unknown word fails as bridge does.
func verbOf(env *builtins.Env, object, word string) (string, error) {
	o := spec.Bridge.Object(object)
	v := o.Verb(word)
	if v == nil {
		return "", builtins.Typo(255, fmt.Sprintf("Command %q is unknown, try \"bridge %s help\".", word, o.Name), word, o.VerbNames())
	}
	if v.Name == "help" {
		return "", builtins.Usage(env, o.Usage)
	}
	if v.Missing {
		return "", builtins.NotImplemented("bridge %s %s: not supported by nsh", o.Name, v.Name)
	}
	return v.Canonical(), nil
}

// Main is the "bridge" builtin (iproute2's bridge command).
func Main(ctx context.Context, env *builtins.Env, args []string) error {
	g := &Global{NS: env.NS}
	a := builtins.NewArgs(args[1:])
	for a.More() && strings.HasPrefix(a.Peek(), "-") {
		opt, _ := a.Next()
		o := strings.TrimLeft(opt, "-")
		switch {
		case o == "help" || o == "h":
			return builtins.Usage(env, "bridge")
		case o == "V" || builtins.Is(o, "Version"):
			fmt.Fprintln(env.Stdout, "bridge utility, nsh (iproute2-compatible builtin)")
			return nil
		case builtins.Is(o, "stats") || builtins.Is(o, "statistics"):
			g.Stats = true
		case builtins.Is(o, "details"):
			g.Details = true
		case builtins.Is(o, "json"):
			g.JSON = true
		case builtins.Is(o, "pretty"):
			g.Pretty = true
		case builtins.Is(o, "oneline"):
			g.Oneline = true
		case o == "n" || builtins.Is(o, "netns"):
			name, ok := a.Next()
			if !ok {
				return errors.New(`Cannot open network namespace "(null)": No such file or directory`)
			}
			r, err := env.Host.Resolve(name)
			if err != nil || !env.Host.Exists(r) {
				// lib/namespace.c netns_switch
				return fmt.Errorf("Cannot open network namespace %q: %w", name, ns.Strerror(unix.ENOENT))
			}
			g.NS = r
		case o == "c" || builtins.Is(o, "color") || strings.HasPrefix(o, "color=") ||
			builtins.Is(o, "timestamp") || builtins.Is(o, "compressvlans") || builtins.Is(o, "force") ||
			o == "4" || o == "6":
			// Accepted; no effect on nsh's output.
		default:
			return fmt.Errorf("Option %q is unknown, try \"bridge help\".", opt)
		}
	}
	rest := a.Rest()
	if len(rest) == 0 {
		return builtins.Usage(env, "bridge")
	}
	ob := spec.Bridge.Object(rest[0])
	if ob == nil {
		return builtins.Typo(255, fmt.Sprintf("Object %q is unknown, try \"bridge help\".", rest[0]), rest[0], spec.Bridge.ObjectNames())
	}
	if ob.Name == "help" {
		return builtins.Usage(env, "bridge")
	}
	run := objectRun(ob.Name)
	if run == nil {
		return builtins.NotImplemented("bridge %s: not supported by nsh", ob.Name)
	}
	words := append([]string{"bridge"}, rest...)
	if p, ok := spec.NotImplemented(words); ok {
		return builtins.NotImplemented("%s", p.Msg)
	}
	return builtins.WithSuggestion(run(ctx, env, g, rest[1:]), words)
}

// linkMap is iproute2's ll_map: index to name and flags of the links of
// one namespace.
type linkMap map[int]Link

func loadLinkMap(c *Conn) (linkMap, error) {
	links, err := c.Links(unix.AF_UNSPEC, 0)
	if err != nil {
		return nil, fmt.Errorf("Cannot send dump request: %w", ns.Strerror(err))
	}
	m := linkMap{}
	for _, l := range links {
		m[l.Index] = l
	}
	return m, nil
}

// dialMap leases the command namespace's raw socket and loads its link
// map (iproute2's ll_init_map).
func dialMap(env *builtins.Env, g *Global) (*Conn, linkMap, error) {
	c, err := env.Conn(g.NS)
	if err != nil {
		return nil, nil, err
	}
	ll, err := loadLinkMap(c)
	if err != nil {
		return nil, nil, err
	}
	return c, ll, nil
}

// openShow starts "bridge link|vlan show [dev DEV]": it reads the dev
// filter (link.c and vlan.c skip other words; a second dev is an error),
// leases the raw socket, loads the link map, and resolves the filter to
// its index (0 without one).
func openShow(env *builtins.Env, g *Global, args []string) (*Conn, linkMap, int, error) {
	filter := ""
	for a := builtins.NewArgs(args); a.More(); {
		if w, _ := a.Next(); w == "dev" {
			v, err := need(a)
			if err != nil {
				return nil, nil, 0, err
			}
			if filter != "" {
				return nil, nil, 0, fmt.Errorf("Error: duplicate \"dev\": %q is the second value.", v)
			}
			filter = v
		}
	}
	c, ll, err := dialMap(env, g)
	if err != nil {
		return nil, nil, 0, err
	}
	index := 0
	if filter != "" {
		if index = ll.index(filter); index == 0 {
			return nil, nil, 0, fmt.Errorf("Cannot find device %q", filter)
		}
	}
	return c, ll, index, nil
}

// name is ll_index_to_name: the name, or "if%d" for an unknown index.
func (m linkMap) name(i int) string {
	if l, ok := m[i]; ok {
		return l.Name
	}
	return "if" + strconv.Itoa(i)
}

func (m linkMap) index(name string) int {
	for i, l := range m {
		if l.Name == name {
			return i
		}
	}
	return 0
}

// cmdLink is "bridge link" (bridge/link.c do_link).
func cmdLink(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	v, args, err := verbAndArgs(env, "link", args)
	if err != nil {
		return err
	}
	if v == "set" {
		return linkSet(env, g, args)
	}
	return linkShow(env, g, args)
}

// portFlags are the on/off port attributes "bridge -d link" prints, in
// iproute2 6.1's order.
var portFlags = []struct {
	attr uint16
	name string
}{
	{PortMode, "hairpin"}, {PortGuard, "guard"}, {PortProtect, "root_block"},
	{PortFastLeave, "fastleave"}, {PortLearning, "learning"},
	{PortLearningSync, "learning_sync"}, {PortUnicastFlood, "flood"},
	{PortMcastFlood, "mcast_flood"}, {PortBcastFlood, "bcast_flood"},
	{PortMulticastRoute, "mcast_router"}, {PortMcastToUcast, "mcast_to_unicast"},
	{PortNeighSuppress, "neigh_suppress"}, {PortVlanTunnel, "vlan_tunnel"},
	{PortBackupPort, "backup_port"}, // the backup port's name, not on/off
	{PortIsolated, "isolated"}, {PortLocked, "locked"},
}

// linkShow is "bridge link show [dev DEV]" (bridge/link.c print_linkinfo).
func linkShow(env *builtins.Env, g *Global, args []string) error {
	c, ll, filterIndex, err := openShow(env, g, args)
	if err != nil {
		return err
	}
	var mask uint32
	if g.Details {
		mask = rtextFilterVLAN
	}
	links, err := c.Links(unix.AF_BRIDGE, mask)
	if err != nil {
		return fmt.Errorf("Dump terminated: %w", ns.Strerror(err))
	}
	var text strings.Builder
	jw := show.NewJSONWriter(g.Pretty)
	jw.StartArray()
	for _, l := range links {
		if l.Family != unix.AF_BRIDGE && l.Family != unix.AF_UNSPEC {
			continue
		}
		if filterIndex != 0 && l.Index != filterIndex {
			continue
		}
		if l.Master() == l.Index {
			// A bridge answering for itself (dumps with a VLAN filter
			// mask): iproute2 6.1 does not list it.
			continue
		}
		printBridgeLink(jw, &text, &l, ll, g, false)
	}
	return emit(env, g, jw, &text)
}

// printBridgeLink prints one link as bridge/link.c print_linkinfo does
// ("Deleted " first for a link a monitor saw go), text and JSON.
func printBridgeLink(jw *show.JSONWriter, text *strings.Builder, l *rtnl.Link, ll linkMap, g *Global, deleted bool) {
	sl := "\n"
	if g.Oneline {
		sl = "\\"
	}
	jw.StartObject()
	if deleted {
		jw.Field("deleted", true)
		text.WriteString("Deleted ")
	}
	jw.Field("ifindex", l.Index)
	fmt.Fprintf(text, "%d: ", l.Index)
	name := l.Name
	mdown := false
	if iflink, ok := l.Attrs.U32(unix.IFLA_LINK); ok {
		switch _, nsid := l.Attrs[unix.IFLA_LINK_NETNSID]; {
		case iflink == 0:
			jw.Field("link", nil)
			name += "@NONE"
		case nsid:
			jw.Field("link_index", int(iflink))
			name += "@if" + strconv.Itoa(int(iflink))
		default:
			link := ll.name(int(iflink))
			jw.Field("link", link)
			name += "@" + link
			// ll_index_to_flags answers -1 (all flags, so "up")
			// for an index it does not know: a veth whose peer
			// left for another namespace (the AF_BRIDGE dump has
			// no IFLA_LINK_NETNSID) is not M-DOWN.
			if m, ok := ll[int(iflink)]; ok {
				mdown = m.Flags&unix.IFF_UP == 0
			}
		}
	}
	jw.Field("ifname", l.Name)
	fmt.Fprintf(text, "%s: ", name)
	words := show.LinkFlags(l.Flags, mdown)
	jw.Name("flags")
	jw.StartArray()
	for _, w := range words {
		jw.Value(w)
	}
	jw.EndArray()
	fmt.Fprintf(text, "<%s> ", strings.Join(words, ","))
	if mtu, ok := l.Attrs.U32(unix.IFLA_MTU); ok {
		jw.Field("mtu", int(mtu))
		fmt.Fprintf(text, "mtu %d ", mtu)
	}
	if m := l.Master(); m != 0 {
		jw.Field("master", ll.name(m))
		fmt.Fprintf(text, "master %s ", ll.name(m))
	}
	if p := l.Protinfo; p != nil {
		if st, ok := p.U8(PortState); ok {
			if int(st) < len(spec.PortStates) {
				jw.Field("state", spec.PortStates[st])
				fmt.Fprintf(text, "state %s ", spec.PortStates[st])
			} else {
				jw.Field("state", int(st))
				fmt.Fprintf(text, "state (%d) ", st)
			}
		}
		if v, ok := p.U16(PortPriority); ok {
			jw.Field("priority", int(v))
			fmt.Fprintf(text, "priority %d ", v)
		}
		if v, ok := p.U32(PortCost); ok {
			jw.Field("cost", int(v))
			fmt.Fprintf(text, "cost %d ", v)
		}
		if g.Details {
			fmt.Fprintf(text, "%s    ", sl)
			for _, f := range portFlags {
				if f.attr == PortBackupPort {
					if b, ok := p.U32(f.attr); ok {
						jw.Field(f.name, ll.name(int(b)))
						fmt.Fprintf(text, "%s %s ", f.name, ll.name(int(b)))
					}
					continue
				}
				v, ok := p.U8(f.attr)
				if !ok {
					continue
				}
				if f.attr == PortMulticastRoute {
					jw.Field(f.name, int(v))
					fmt.Fprintf(text, "%s %d ", f.name, v)
					continue
				}
				jw.Field(f.name, v != 0)
				fmt.Fprintf(text, "%s %s ", f.name, map[bool]string{true: "on", false: "off"}[v != 0])
			}
		}
	} else if st, ok := l.Attrs.U8(unix.IFLA_PROTINFO); ok && int(st) < len(spec.PortStates) {
		jw.Field("state", spec.PortStates[st])
		fmt.Fprintf(text, "state %s ", spec.PortStates[st])
	}
	if spec, ok := l.Attrs[unix.IFLA_AF_SPEC]; ok {
		if as, err := rtnl.ParseAttrs(spec); err == nil {
			if mode, ok := as.U16(iflaBridgeMode); ok {
				m := fmt.Sprintf("%#x", mode)
				switch mode {
				case 0:
					m = "VEB"
				case 1:
					m = "VEPA"
				}
				jw.Field("hwmode", m)
				fmt.Fprintf(text, "hwmode %s ", m)
			}
		}
	}
	text.WriteString("\n")
	jw.EndObject()
}

// emit closes the JSON array of jw and writes it under -j, else text.
func emit(env *builtins.Env, g *Global, jw *show.JSONWriter, text *strings.Builder) error {
	jw.EndArray()
	if g.JSON {
		if err := jw.Err(); err != nil {
			return err
		}
		_, err := env.Stdout.Write(append(jw.Bytes(), '\n'))
		return err
	}
	_, err := env.Stdout.Write([]byte(text.String()))
	return err
}

// linkSet is "bridge link set dev DEV ..." (bridge/link.c brlink_modify).
func linkSet(env *builtins.Env, g *Global, args []string) error {
	var dev string
	var attrs []*nl.RtAttr
	var afFlags, mode int = 0, -1
	onOff := map[string]uint16{
		"guard": PortGuard, "hairpin": PortMode, "fastleave": PortFastLeave,
		"root_block": PortProtect, "learning": PortLearning, "learning_sync": PortLearningSync,
		"flood": PortUnicastFlood, "mcast_flood": PortMcastFlood, "bcast_flood": PortBcastFlood,
		"mcast_to_unicast": PortMcastToUcast, "neigh_suppress": PortNeighSuppress,
		"vlan_tunnel": PortVlanTunnel, "isolated": PortIsolated, "locked": PortLocked,
		"proxy_arp": PortProxyARP, "proxy_arp_wifi": PortProxyARPWiFi,
	}
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		if t, ok := onOff[w]; ok {
			v, err := need(a)
			if err != nil {
				return err
			}
			var b uint8
			switch v {
			case "on":
				b = 1
			case "off":
			default:
				return fmt.Errorf("Error: argument of %q must be one of \"off\", \"on\", not %q", w, v)
			}
			attrs = append(attrs, nl.NewRtAttr(int(t), nl.Uint8Attr(b)))
			continue
		}
		switch w {
		case "dev":
			v, err := need(a)
			if err != nil {
				return err
			}
			dev = v
		case "cost":
			v, err := need(a)
			if err != nil {
				return err
			}
			if n := atoi(v); n > 0 {
				attrs = append(attrs, nl.NewRtAttr(PortCost, nl.Uint32Attr(uint32(n))))
			}
		case "priority":
			v, err := need(a)
			if err != nil {
				return err
			}
			// link.c keeps the priority in a __s16: atoi's value wraps,
			// and a negative one is not sent.
			if n := int16(atoi(v)); n >= 0 {
				attrs = append(attrs, nl.NewRtAttr(PortPriority, nl.Uint16Attr(uint16(n))))
			}
		case "mcast_router":
			v, err := need(a)
			if err != nil {
				return err
			}
			attrs = append(attrs, nl.NewRtAttr(PortMulticastRoute, nl.Uint8Attr(uint8(atoi(v)))))
		case "state":
			v, err := need(a)
			if err != nil {
				return err
			}
			st := -1
			if n, err := strconv.Atoi(v); err == nil {
				st = n
			} else {
				for i, s := range spec.PortStates {
					if s == v {
						st = i
					}
				}
				if st < 0 {
					return errors.New("Error: invalid STP port state")
				}
			}
			attrs = append(attrs, nl.NewRtAttr(PortState, nl.Uint8Attr(uint8(st))))
		case "hwmode":
			v, err := need(a)
			if err != nil {
				return err
			}
			afFlags = 2 // BRIDGE_FLAGS_SELF
			switch v {
			case "vepa":
				mode = 1
			case "veb":
				mode = 0
			default:
				return errors.New("Mode argument must be \"vepa\" or \"veb\".")
			}
		case "backup_port":
			v, err := need(a)
			if err != nil {
				return err
			}
			bi := ifIndex(env, g, v)
			if bi == 0 {
				return builtins.Fail(255, "Error: device %s does not exist", v)
			}
			attrs = append(attrs, nl.NewRtAttr(PortBackupPort, nl.Uint32Attr(uint32(bi))))
		case "nobackup_port":
			attrs = append(attrs, nl.NewRtAttr(PortBackupPort, nl.Uint32Attr(0)))
		case "self":
			afFlags |= 2
		case "master":
			afFlags |= 1
		default:
			return builtins.Usage(env, "bridge-link")
		}
	}
	if dev == "" {
		return errors.New("Device is a required argument.")
	}
	idx := ifIndex(env, g, dev)
	if idx == 0 {
		return fmt.Errorf("Cannot find bridge device %q", dev)
	}
	var spec *nl.RtAttr
	if mode >= 0 || afFlags > 0 {
		spec = nl.NewRtAttr(unix.IFLA_AF_SPEC, nil)
		if afFlags > 0 {
			spec.AddRtAttr(iflaBridgeFlags, nl.Uint16Attr(uint16(afFlags)))
		}
		if mode >= 0 {
			spec.AddRtAttr(iflaBridgeMode, nl.Uint16Attr(uint16(mode)))
		}
	}
	if _, err := env.Execute(g.NS, rtnl.SetPortRequest(idx, spec, attrs...), 0); err != nil {
		return builtins.RtnlStatus(err, 255)
	}
	return nil
}

// atoi is C's atoi: leading digits, 0 when there are none.
func atoi(s string) int {
	s = strings.TrimSpace(s)
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, _ := strconv.Atoi(s[:end])
	return n
}

// cmdFdb is "bridge fdb [add|append|replace|del|show ...]" (bridge/fdb.c
// do_fdb).
func cmdFdb(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	v, args, err := verbAndArgs(env, "fdb", args)
	if err != nil {
		return err
	}
	switch v {
	case "add":
		return fdbModify(env, g, unix.RTM_NEWNEIGH, unix.NLM_F_CREATE|unix.NLM_F_EXCL, args)
	case "append":
		return fdbModify(env, g, unix.RTM_NEWNEIGH, unix.NLM_F_CREATE|unix.NLM_F_APPEND, args)
	case "replace":
		return fdbModify(env, g, unix.RTM_NEWNEIGH, unix.NLM_F_CREATE|unix.NLM_F_REPLACE, args)
	case "delete":
		return fdbModify(env, g, unix.RTM_DELNEIGH, 0, args)
	case "get":
		return fdbGet(env, g, args)
	case "flush":
		return fdbFlush(env, g, args)
	}
	return fdbShow(env, g, args)
}

// Neighbour states and flags (linux/neighbour.h).
const (
	nudReachable = 0x02
	nudStale     = 0x04
	nudNoARP     = 0x40
	nudPermanent = 0x80

	ntfSelf        = 0x02
	ntfMaster      = 0x04
	ntfExtLearned  = 0x10
	ntfOffloaded   = 0x20
	ntfSticky      = 0x40
	ntfRouter      = 0x80
	ndaLinkNetnsID = 10
	ndaSrcVNI      = 11
	ndaNhID        = 13 // NDA_NH_ID
	// NDA_NDM_STATE_MASK and NDA_NDM_FLAGS_MASK: which state and flag
	// bits of a bulk delete (fdb flush) must match.
	ndaNdmStateMask = 16
	ndaNdmFlagsMask = 17
)

func stateName(s uint16) string {
	switch {
	case s&nudPermanent != 0:
		return "permanent"
	case s&nudNoARP != 0:
		return "static"
	case s&nudStale != 0:
		return "stale"
	case s&nudReachable != 0:
		return ""
	}
	return fmt.Sprintf("state=%#x", s)
}

// fdbShow is "bridge fdb show [br BR] [brport|dev DEV] [vlan VID] [state
// S]" (bridge/fdb.c fdb_show and print_fdb).
func fdbShow(env *builtins.Env, g *Global, args []string) error {
	var br, dev string
	var vlan int
	var state uint16
	dynamic := false
	for a := builtins.NewArgs(args); a.More(); {
		w, _ := a.Next()
		switch w {
		case "dynamic":
			// filter_dynamic: no permanent entries.
			dynamic = true
		case "brport", "dev", "br", "vlan", "state":
			v, err := need(a)
			if err != nil {
				return err
			}
			switch w {
			case "br":
				br = v
			case "vlan":
				if vlan != 0 {
					return fmt.Errorf("Error: duplicate \"vlan\": %q is the second value.", v)
				}
				vlan = atoi(v)
			case "state":
				switch {
				case builtins.Is(v, "permanent"):
					state |= nudPermanent
				case builtins.Is(v, "static") || builtins.Is(v, "temp"):
					state |= nudNoARP
				case builtins.Is(v, "stale"):
					state |= nudStale
				case builtins.Is(v, "reachable") || builtins.Is(v, "dynamic"):
					state |= nudReachable
				case v == "all":
					state = 0xffff
				default:
					n, err := strconv.ParseUint(v, 0, 16)
					if err != nil {
						return fmt.Errorf("Error: argument %q is wrong: invalid state", v)
					}
					state |= uint16(n)
				}
			default:
				dev = v
			}
		default:
			if builtins.Is(w, "help") {
				return builtins.Usage(env, "bridge-fdb")
			}
		}
	}
	c, ll, err := dialMap(env, g)
	if err != nil {
		return err
	}
	brIndex, devIndex := 0, 0
	if br != "" {
		if brIndex = ll.index(br); brIndex == 0 {
			return fmt.Errorf("Cannot find bridge device %q", br)
		}
	}
	if dev != "" {
		if devIndex = ll.index(dev); devIndex == 0 {
			return fmt.Errorf("Cannot find device %q", dev)
		}
	}
	entries, err := c.FDB(brIndex, devIndex)
	if err != nil {
		return fmt.Errorf("Dump terminated: %w", ns.Strerror(err))
	}
	var text strings.Builder
	jw := show.NewJSONWriter(g.Pretty)
	jw.StartArray()
	for _, e := range entries {
		if state != 0 && e.State&state == 0 || dynamic && e.State&nudPermanent != 0 {
			continue
		}
		vid, _ := e.Attrs.U16(unix.NDA_VLAN)
		if vlan != 0 && int(vid) != vlan {
			continue
		}
		printFDB(jw, &text, &e, ll, devIndex, g)
	}
	return emit(env, g, jw, &text)
}

// printFDB prints one forwarding entry as bridge/fdb.c print_fdb does,
// as text and JSON; the "dev" field is left out when the listing is of
// that one device (devIndex).
func printFDB(jw *show.JSONWriter, text *strings.Builder, e *rtnl.FDBEntry, ll linkMap, devIndex int, g *Global) {
	vid, _ := e.Attrs.U16(unix.NDA_VLAN)
	jw.StartObject()
	if mac, ok := e.Attrs[unix.NDA_LLADDR]; ok {
		s := macString(mac)
		jw.Field("mac", s)
		fmt.Fprintf(text, "%s ", s)
	}
	if devIndex == 0 && e.Index != 0 {
		jw.Field("ifname", ll.name(e.Index))
		fmt.Fprintf(text, "dev %s ", ll.name(e.Index))
	}
	if d, ok := e.Attrs[unix.NDA_DST]; ok && (len(d) == 4 || len(d) == 16) {
		ip := builtins.FormatIP(net.IP(d))
		jw.Field("dst", ip)
		fmt.Fprintf(text, "dst %s ", ip)
	}
	if vid != 0 {
		jw.Field("vlan", int(vid))
		fmt.Fprintf(text, "vlan %d ", vid)
	}
	if p, ok := e.Attrs[unix.NDA_PORT]; ok && len(p) == 2 {
		port := int(binary.BigEndian.Uint16(p))
		jw.Field("port", port)
		fmt.Fprintf(text, "port %d ", port)
	}
	if v, ok := e.Attrs.U32(unix.NDA_VNI); ok {
		jw.Field("vni", int(v))
		fmt.Fprintf(text, "vni %d ", v)
	}
	if v, ok := e.Attrs.U32(ndaSrcVNI); ok {
		jw.Field("src_vni", int(v))
		fmt.Fprintf(text, "src_vni %d ", v)
	}
	if v, ok := e.Attrs.U32(unix.NDA_IFINDEX); ok {
		if _, nsid := e.Attrs[ndaLinkNetnsID]; nsid {
			jw.Field("viaIfIndex", int(v))
			fmt.Fprintf(text, "via ifindex %d ", v)
		} else {
			jw.Field("viaIf", ll.name(int(v)))
			fmt.Fprintf(text, "via %s ", ll.name(int(v)))
		}
	}
	if v, ok := e.Attrs.U32(ndaNhID); ok {
		jw.Field("nhid", int(v))
		fmt.Fprintf(text, "nhid %d ", v)
	}
	if v, ok := e.Attrs.U32(ndaLinkNetnsID); ok {
		jw.Field("linkNetNsId", int(v))
		fmt.Fprintf(text, "link-netnsid %d ", v)
	}
	if g.Stats {
		if ci, ok := e.Attrs[unix.NDA_CACHEINFO]; ok && len(ci) >= 12 {
			used := binary.NativeEndian.Uint32(ci[4:8]) / 100
			updated := binary.NativeEndian.Uint32(ci[8:12]) / 100
			jw.Field("used", int(used))
			jw.Field("updated", int(updated))
			fmt.Fprintf(text, "used %d/%d ", used, updated)
		}
	}
	// fdb_print_flags, then NDA_MASTER.
	var flags []string
	for _, f := range []struct {
		bit  uint8
		name string
	}{{ntfSelf, "self"}, {ntfRouter, "router"}, {ntfExtLearned, "extern_learn"}, {ntfOffloaded, "offload"}, {ntfMaster, "master"}, {ntfSticky, "sticky"}} {
		if e.Flags&f.bit != 0 {
			flags = append(flags, f.name)
			fmt.Fprintf(text, "%s ", f.name)
		}
	}
	master, hasMaster := e.Attrs.U32(unix.NDA_MASTER)
	if hasMaster {
		fmt.Fprintf(text, "master %s ", ll.name(int(master)))
	}
	// fdb_print_flags opens the array even when it stays empty.
	jw.Name("flags")
	jw.StartArray()
	for _, f := range flags {
		jw.Value(f)
	}
	jw.EndArray()
	if hasMaster {
		jw.Field("master", ll.name(int(master)))
	}
	// print_string(PRINT_ANY, "state", ...): "" for a dynamic entry.
	st := stateName(e.State)
	jw.Field("state", st)
	text.WriteString(st + "\n")
	jw.EndObject()
}

func macString(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(parts, ":")
}

// Bridge VLAN info flags (linux/if_bridge.h).
const (
	vlanInfoPVID       = 1 << 1
	vlanInfoUntagged   = 1 << 2
	vlanInfoRangeBegin = 1 << 3
	vlanInfoRangeEnd   = 1 << 4
	iflaBridgeVlanInfo = 2
	iflaBridgeFlags    = 0
	iflaBridgeMode     = 1
)

// cmdVlan is "bridge vlan [add|del|show ...]" (bridge/vlan.c do_vlan).
func cmdVlan(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	v, args, err := verbAndArgs(env, "vlan", args)
	if err != nil {
		return err
	}
	switch v {
	case "add":
		return vlanModify(env, g, unix.RTM_SETLINK, args)
	case "delete":
		return vlanModify(env, g, unix.RTM_DELLINK, args)
	case "tunnelshow":
		return vlanTunnelShow(env, g, args)
	case "set":
		return vlanOptionSet(env, g, args)
	case "global":
		return vlanGlobal(env, g, args)
	}
	if g.Details {
		// -d: the VLAN database's own dump (vlan_show's new format).
		var flags uint32
		if g.Stats {
			flags = 1 // BRIDGE_VLANDB_DUMPF_STATS
		}
		return vlanDBShow(env, g, args, flags)
	}
	return vlanShow(env, g, args)
}

// portInfos are the attributes of one type in a link's IFLA_AF_SPEC.
type portInfos struct {
	Name  string
	Index int
	infos [][]byte
}

// dumpError is the failure of vlanPorts' dump, which each show words as
// bridge does.
type dumpError struct{ err error }

func (e *dumpError) Error() string { return e.err.Error() }

// vlanPorts dumps the AF_BRIDGE links with their VLAN information
// (RTEXT_FILTER_BRVLAN), as vlan.c vlan_show does, limited to "dev DEV"
// of args, and returns each link's IFLA_AF_SPEC attributes of type attr
// (VLAN entries, tunnel mappings); links without any are left out.
func vlanPorts(env *builtins.Env, g *Global, args []string, attr uint16) ([]portInfos, linkMap, error) {
	c, ll, filterIndex, err := openShow(env, g, args)
	if err != nil {
		return nil, nil, err
	}
	links, err := c.Links(unix.AF_BRIDGE, rtextFilterVLAN)
	if err != nil {
		return nil, nil, &dumpError{err}
	}
	var out []portInfos
	for _, l := range links {
		if filterIndex != 0 && l.Index != filterIndex {
			continue
		}
		spec, ok := l.Attrs[unix.IFLA_AF_SPEC]
		if !ok {
			continue
		}
		if infos, err := rtnl.All(spec, attr); err == nil {
			out = append(out, portInfos{Name: l.Name, Index: l.Index, infos: infos})
		}
	}
	return out, ll, nil
}

// vidFilter reads "vid VID" of a show's args (atoi, as vlan.c and
// mdb.c read it); 0 when there is none.
func vidFilter(args []string) (int, error) {
	vid := 0
	for a := builtins.NewArgs(args); a.More(); {
		if w, _ := a.Next(); w == "vid" {
			v, err := need(a)
			if err != nil {
				return 0, err
			}
			if vid != 0 {
				return 0, builtins.Fail(255, "Error: duplicate \"vid\": %q is the second value.", v)
			}
			vid = atoi(v)
		}
	}
	return vid, nil
}

// vlanShow is "bridge vlan show [dev DEV]" (bridge/vlan.c vlan_show): the
// VLANs of each port and bridge that has any, under iproute2's header.
func vlanShow(env *builtins.Env, g *Global, args []string) error {
	ports, _, err := vlanPorts(env, g, args, iflaBridgeVlanInfo)
	var dump *dumpError
	if errors.As(err, &dump) {
		return fmt.Errorf("Dump terminated: %w", ns.Strerror(dump.err))
	}
	if err != nil {
		return err
	}
	var text strings.Builder
	fmt.Fprintf(&text, "%-16s  %-9s\n", "port", "vlan-id")
	jw := show.NewJSONWriter(g.Pretty)
	jw.StartArray()
	for _, l := range ports {
		infos := l.infos
		first := true
		rangeStart := -1
		for _, v := range infos {
			if len(v) < 4 {
				continue
			}
			fl := binary.NativeEndian.Uint16(v[0:2])
			vid := int(binary.NativeEndian.Uint16(v[2:4]))
			if fl&vlanInfoRangeBegin != 0 {
				rangeStart = vid
				continue
			}
			start := vid
			id := strconv.Itoa(vid)
			if fl&vlanInfoRangeEnd != 0 && rangeStart >= 0 {
				start = rangeStart
				id = fmt.Sprintf("%d-%d", rangeStart, vid)
				rangeStart = -1
			}
			if first {
				jw.StartObject()
				jw.Field("ifname", l.Name)
				jw.Name("vlans")
				jw.StartArray()
				fmt.Fprintf(&text, "%-16s  ", l.Name)
				first = false
			} else {
				fmt.Fprintf(&text, "%-16s  ", "")
			}
			jw.StartObject()
			jw.Field("vlan", start)
			if start != vid {
				jw.Field("vlanEnd", vid)
			}
			text.WriteString(id)
			var flags []string
			if fl&vlanInfoPVID != 0 {
				flags = append(flags, "PVID")
				text.WriteString(" PVID")
			}
			if fl&vlanInfoUntagged != 0 {
				flags = append(flags, "Egress Untagged")
				text.WriteString(" Egress Untagged")
			}
			if len(flags) > 0 {
				jw.Name("flags")
				jw.StartArray()
				for _, f := range flags {
					jw.Value(f)
				}
				jw.EndArray()
			}
			jw.EndObject()
			text.WriteString("\n")
		}
		if !first {
			jw.EndArray()
			jw.EndObject()
		}
	}
	return emit(env, g, jw, &text)
}
