package repl

import (
	"bufio"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/builtins/spec"
)

// model completes the words of ip or bridge (c) after the command name,
// from the model: options, the objects and verbs nsh implements in the
// command's order, keywords, and values by kind.
func (q *query) model(c *spec.Cmd, args []string) {
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		k := c.Option(args[i])
		if strings.TrimLeft(args[i], "-") == "n" {
			k = c.Option("netns")
		}
		if k == nil || k.Kind == spec.Flag {
			i++
			continue
		}
		if i+1 == len(args) {
			q.value(k, nil)
			return
		}
		if k.Kind == spec.Netns {
			if r, ok := q.c.resolve(args[i+1]); ok {
				q.target = r
			}
		}
		i += 2
	}
	if i == len(args) {
		if strings.HasPrefix(q.cur, "-") {
			for _, o := range c.Options {
				if !o.Missing && o.Canon == "" && o.Name != "help" {
					q.offer("-" + o.Name)
				}
			}
			if c == &spec.IP || c == &spec.Bridge {
				q.offer("-n")
			}
			return
		}
		q.ordered = true
		for _, o := range c.Objects {
			if !o.Missing && o.Canon == "" && o.Name != "help" {
				q.offer(o.Name)
			}
		}
		return
	}
	o := c.Object(args[i])
	if o == nil || o.Missing {
		return
	}
	rest := args[i+1:]
	if len(rest) == 0 {
		q.ordered = true
		q.offer(OfferedVerbs(o)...)
		return
	}
	v := o.Verb(rest[0])
	if v == nil || v.Missing {
		return
	}
	q.verbArgs(v, rest[1:])
}

// OfferedVerbs returns the verbs of o that completion offers, in the
// command's order: those nsh implements, without the short spellings
// ("lst", "chg") of another.
func OfferedVerbs(o *spec.Object) []string {
	var out []string
	for _, v := range o.Verbs {
		if !v.Missing && !v.Short {
			out = append(out, v.Name)
		}
	}
	return out
}

// verbArgs completes the arguments of verb v: positional ones, then
// keywords and their values.
func (q *query) verbArgs(v *spec.Verb, args []string) {
	for p := range v.Pos {
		k := &v.Pos[p]
		if len(args) == 0 {
			q.value(k, nil)
			return
		}
		if k.Then == spec.Rest {
			q.command(args)
			return
		}
		if k.Kind == spec.Netns {
			if r, ok := q.c.resolve(args[0]); ok {
				q.target = r
			}
		}
		args = args[1:]
	}
	if len(v.Pos) > 0 && len(v.Keys) == 0 {
		return
	}
	q.creates = v.Creates
	q.keys(v.Keys, v.Bare, v.Lead, args)
}

// keys completes words after args against the keyword table keys: the
// value of the keyword before the cursor, or the keywords (and, until
// it is given, the word that bare stands for). lead are words that may
// come before the bare word (route types).
func (q *query) keys(keys []spec.Keyword, bare string, lead []string, args []string) {
	bareUsed, keyed := false, false
	var bareKey *spec.Keyword
	if bare != "" {
		bareKey = matchExact(keys, bare)
	}
	for i := 0; i < len(args); i++ {
		w := args[i]
		k := matchExact(keys, w)
		if k == nil {
			k = spec.MatchKey(keys, w)
		}
		if k == nil {
			if !bareUsed && i == 0 && contains(lead, w) {
				continue
			}
			bareUsed = true
			continue
		}
		keyed = true
		if k.Name == bare {
			bareUsed = true
		}
		if k.Kind == spec.Flag {
			if k.Then == spec.NexthopArgs {
				q.keys(spec.NexthopKeys(), "", nil, args[i+1:])
				return
			}
			continue
		}
		n := 1 + int(k.Extra)
		if i+n >= len(args) {
			// The cursor is on (one of) the keyword's values.
			if i+1 == len(args) {
				q.value(k, args[:i])
			}
			return
		}
		i += n
		switch k.Then {
		case spec.TypeArgs:
			if lk := spec.LinkKindOf(args[i]); lk != nil {
				q.keys(lk.Keywords(), "", nil, args[i+1:])
			}
			return
		}
		if k.Greedy {
			for i+1 < len(args) && spec.MatchKey(keys, args[i+1]) == nil {
				i++
			}
		}
	}
	for j := range keys {
		k := &keys[j]
		if k.Then == spec.PeerArgs && contains(args, k.Name) {
			// veth's peer: its link options follow the last "peer".
			for p := len(args) - 1; p >= 0; p-- {
				if args[p] == k.Name {
					q.keys(spec.IP.Object("link").Verb("add").Keys, "name", nil, args[p+1:])
					return
				}
			}
		}
	}
	if !bareUsed && !keyed && bareKey != nil && (isDeviceKind(bareKey.Kind) || len(lead) > 0) {
		// Nothing but leading words yet: the word the bare keyword
		// stands for comes first ("ip link set DEV", "ip route add
		// [TYPE] PREFIX").
		if isDeviceKind(bareKey.Kind) {
			q.offer(bare)
		}
		if len(args) == 0 {
			q.offer(lead...)
		}
		q.value(bareKey, nil)
		return
	}
	for j := range keys {
		k := &keys[j]
		if !k.Missing && k.Name != "help" && k.Name != bare {
			q.offer(k.Name)
		}
	}
	if !bareUsed && bareKey != nil {
		if bare != "to" && bare != "local" && bare != "addr" && bare != "address" {
			q.offer(bare)
		}
		if len(args) == 0 {
			q.offer(lead...)
		}
		q.value(bareKey, nil)
	}
}

func isDeviceKind(k spec.Kind) bool {
	return k == spec.IfName || k == spec.NewIfName || k == spec.BridgeDev || k == spec.PortDev
}

// matchExact returns the keyword of keys named exactly w.
func matchExact(keys []spec.Keyword, w string) *spec.Keyword {
	for i := range keys {
		if keys[i].Name == w {
			return &keys[i]
		}
	}
	return nil
}

// value offers the values of keyword k by its kind; before are the
// words before k (for a port of the bridge named there).
func (q *query) value(k *spec.Keyword, before []string) {
	if q.creates && (k.Canonical() == "dev" || k.Name == "name") {
		return // a new device's name
	}
	switch {
	case k.Kind == spec.IfName && (k.Name == "master" || k.Name == "vrf"):
		// A master: a device that can take ports (a vrf for "vrf"),
		// not the one being set.
		q.ifnames(func(l netlink.Link) bool {
			if contains(before, l.Attrs().Name) {
				return false
			}
			if k.Name == "vrf" {
				return l.Type() == "vrf"
			}
			return masterKinds[l.Type()]
		})
		return
	}
	switch k.Kind {
	case spec.IfName:
		q.ifnames(nil)
	case spec.BridgeDev:
		q.bridges()
	case spec.PortDev:
		q.ifnames(func(l netlink.Link) bool { return l.Attrs().MasterIndex != 0 })
	case spec.Netns, spec.NetnsOrPID:
		q.namespaces()
	case spec.Command:
		// A program ("ip netns exec NS CMD"): nsh's commands and those
		// of PATH, not the words of the language.
		q.offer(q.c.commands...)
		q.programs()
	case spec.Enum:
		q.offer(k.Values...)
	case spec.OnOff:
		q.offer("on", "off")
	case spec.LinkType:
		q.offer(spec.LinkKindNames()...)
	case spec.Prefix:
		q.offer("default")
	case spec.Table:
		q.offer(rtNames("rt_tables", "default", "main", "local")...)
	case spec.Proto:
		q.offer(rtNames("rt_protos", "kernel", "boot", "static", "dhcp")...)
	case spec.Scope:
		q.offer(rtNames("rt_scopes", "global", "nowhere", "host", "link", "site")...)
	case spec.Realm:
		q.offer(rtNames("rt_realms", "cosmos")...)
	case spec.Group:
		q.offer(rtNames("group", "default")...)
	}
	if k.Kind != spec.Enum {
		q.offer(k.Values...) // literal words the kind allows ("brd +", "0"/"1")
	}
}

// masterKinds are the link types that take ports ("master DEV").
var masterKinds = map[string]bool{"bridge": true, "bond": true, "team": true, "vrf": true, "openvswitch": true}

// enslavable reports whether a link can be made a port: not a loopback
// device, and not a port already.
func enslavable(l netlink.Link) bool {
	return l.Attrs().Flags&net.FlagLoopback == 0 && l.Attrs().MasterIndex == 0
}

// rtNames returns the names of /etc/iproute2/FILE ("NUMBER NAME" lines),
// after iproute2's built-in names.
func rtNames(file string, builtin ...string) []string {
	f, err := os.Open("/etc/iproute2/" + file)
	if err != nil {
		return builtin
	}
	defer f.Close()
	out := builtin
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if _, err := strconv.ParseUint(fields[0], 0, 32); err == nil && !contains(out, fields[1]) {
			out = append(out, fields[1])
		}
	}
	return out
}

// brctl completes bridge-utils' command lines from the model: the
// commands, then each positional argument by kind (a port of the bridge
// named before it).
func (q *query) brctl(args []string) {
	if len(args) == 0 {
		q.ordered = true
		for _, v := range spec.Brctl.Verbs {
			q.offer(v.Name)
		}
		return
	}
	v := spec.Brctl.Verb(args[0])
	if v == nil {
		return
	}
	rest := args[1:]
	if len(rest) >= len(v.Pos) {
		return
	}
	k := &v.Pos[len(rest)]
	switch {
	case k.Kind == spec.PortDev && len(rest) > 0:
		q.portsOf(rest[0])
	case k.Kind == spec.IfName && v.Name == "addif":
		q.ifnames(func(l netlink.Link) bool { return enslavable(l) && l.Attrs().Name != rest[0] && l.Type() != "bridge" })
	case k.Name == "on|off":
		q.offer("on", "off")
	default:
		q.value(k, nil)
	}
}
