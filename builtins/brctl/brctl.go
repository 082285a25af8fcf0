// Package brctl is nsh's "brctl" command: bridge-utils' brctl
// (brctl/brctl_cmd.c, brctl_disp.c) executed in-process over netlink
// instead of ioctls and sysfs, with brctl's output and messages byte for
// byte. Like brctl, it matches command names exactly (no abbreviations).
// It acts in the statement's namespace.
package brctl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/nshlab/nsh/builtins/spec"
	"math"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/ns"
)

// runOf returns the function that runs brctl's command name (an entry
// of spec.Brctl), or nil.
func runOf(name string) func(b *run, args []string) error {
	switch name {
	case "addbr":
		return (*run).addbr
	case "delbr":
		return (*run).delbr
	case "addif":
		return (*run).addif
	case "delif":
		return (*run).delif
	case "hairpin":
		return (*run).hairpin
	case "setageing":
		return (*run).setageing
	case "setbridgeprio":
		return (*run).setbridgeprio
	case "setfd":
		return (*run).setfd
	case "sethello":
		return (*run).sethello
	case "setmaxage":
		return (*run).setmaxage
	case "setpathcost":
		return (*run).setpathcost
	case "setportprio":
		return (*run).setportprio
	case "show":
		return (*run).show
	case "showmacs":
		return (*run).showmacs
	case "showstp":
		return (*run).showstp
	case "stp":
		return (*run).stp
	}
	return nil
}

// usage is brctl's usage text (spec.Usage).
func usage() string { return spec.Usage("brctl") }

// Main is the "brctl" builtin (bridge-utils' brctl).
func Main(ctx context.Context, env *builtins.Env, args []string) error {
	args, done, err := options(env, args)
	if done {
		return err
	}
	if len(args) < 2 {
		fmt.Fprint(env.Stdout, usage())
		return interp.ExitStatus(1)
	}
	cmd := spec.Brctl.Verb(args[1])
	if cmd == nil {
		fmt.Fprint(env.Stdout, usage())
		names := make([]string, len(spec.Brctl.Verbs))
		for i := range spec.Brctl.Verbs {
			names[i] = spec.Brctl.Verbs[i].Name
		}
		return builtins.Typo(1, fmt.Sprintf("never heard of command [%s]", args[1]), args[1], names)
	}
	if len(args)-2 < cmd.Required() {
		fmt.Fprintf(env.Stdout, "Incorrect number of arguments for command\nUsage: brctl %s %s\n", cmd.Name, spec.BrctlHelp(cmd.Name))
		return interp.ExitStatus(1)
	}
	runCmd := runOf(cmd.Name)
	if runCmd == nil {
		return builtins.NotImplemented("brctl %s: not supported by nsh", cmd.Name)
	}
	h, err := env.Handle(env.NS)
	if err != nil {
		return err
	}
	return runCmd(&run{env: env, h: h}, args[2:])
}

// options is brctl's getopt_long(argc, argv, "Vh", {help, version}): GNU
// getopt permutes, so an argument starting with "-" is an option wherever
// it stands ("brctl setageing br0 -1" is option "-1"), until "--". It
// returns the arguments left, or done with the status of -h, -V or a bad
// option.
func options(env *builtins.Env, args []string) (rest []string, done bool, err error) {
	rest = []string{args[0]}
	help := func() ([]string, bool, error) {
		fmt.Fprint(env.Stdout, usage())
		return nil, true, nil
	}
	version := func() ([]string, bool, error) {
		fmt.Fprintln(env.Stdout, "bridge-utils, 1.7")
		return nil, true, nil
	}
	bad := func(format string, a ...any) ([]string, bool, error) {
		fmt.Fprint(env.Stdout, usage())
		return nil, true, fmt.Errorf("brctl: "+format+"\nUnknown option '?'", a...)
	}
	for i := 1; i < len(args); i++ {
		w := args[i]
		switch {
		case w == "--":
			return append(rest, args[i+1:]...), false, nil
		case strings.HasPrefix(w, "--"):
			name, _, hasArg := strings.Cut(w[2:], "=")
			long := ""
			for _, l := range []string{"help", "version"} {
				if strings.HasPrefix(l, name) {
					long = l
				}
			}
			switch {
			case long == "":
				return bad("unrecognized option '%s'", w)
			case hasArg:
				return bad("option '--%s' doesn't allow an argument", long)
			case long == "help":
				return help()
			}
			return version()
		case len(w) > 1 && w[0] == '-':
			switch w[1] {
			case 'h':
				return help()
			case 'V':
				return version()
			}
			return bad("invalid option -- '%c'", w[1])
		default:
			rest = append(rest, w)
		}
	}
	return rest, false, nil
}

// run is one brctl invocation.
type run struct {
	env *builtins.Env
	h   *netlink.Handle
}

// link returns the named link, or nil when there is none.
func (b *run) link(name string) (netlink.Link, error) {
	if builtins.ValidIfName(name) != nil {
		return nil, nil
	}
	l, err := b.h.LinkByName(name)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) || errors.Is(err, unix.ENODEV) {
			return nil, nil
		}
		return nil, err
	}
	return l, nil
}

// pair looks up a bridge and an interface as brctl's addif, delif and
// hairpin do: the interface first, each missing one named in the error.
func (b *run) pair(brName, ifName string) (bl, il netlink.Link, err error) {
	if il, err = b.link(ifName); err != nil {
		return nil, nil, err
	}
	if il == nil {
		return nil, nil, fmt.Errorf("interface %s does not exist!", ifName)
	}
	if bl, err = b.link(brName); err != nil {
		return nil, nil, err
	}
	if bl == nil {
		return nil, nil, fmt.Errorf("bridge %s does not exist!", brName)
	}
	return bl, il, nil
}

func isBridge(l netlink.Link) bool { return l != nil && l.Type() == "bridge" }

// conn leases the raw netlink socket of the command's namespace, for
// bridge attributes.
func (b *run) conn() (*rtnl.Conn, error) { return b.env.Conn(b.env.NS) }

func (b *run) addbr(args []string) error {
	name := args[0]
	if builtins.ValidIfName(name) != nil {
		return fmt.Errorf("add bridge failed: %w", ns.Strerror(unix.EINVAL))
	}
	// NewLinkAttrs leaves TxQLen unset (-1), so the kernel picks the same
	// default queue length as for brctl's SIOCBRADDBR.
	attrs := netlink.NewLinkAttrs()
	attrs.Name = name
	ch, err := b.env.LinkAdded(b.env.NS, name, "bridge", ns.Ref{}, "")
	if err != nil {
		return err
	}
	br := &netlink.Bridge{LinkAttrs: attrs}
	err = b.h.LinkAdd(br)
	if ch != nil {
		ch.Index = br.Attrs().Index
	}
	ch.Done(err)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EEXIST):
		return fmt.Errorf("device %s already exists; can't create bridge with the same name", name)
	}
	return fmt.Errorf("add bridge failed: %w", ns.Strerror(err))
}

func (b *run) delbr(args []string) error {
	name := args[0]
	if err := b.env.Intend(b.env.LinkDelIntent(b.env.NS, name)); err != nil {
		return err
	}
	l, err := b.link(name)
	switch {
	case err != nil:
		return err
	case l == nil:
		return fmt.Errorf("bridge %s doesn't exist; can't delete it", name)
	case !isBridge(l):
		return fmt.Errorf("can't delete bridge %s: %w", name, ns.Strerror(unix.EPERM))
	case l.Attrs().Flags&1 != 0: // net.FlagUp
		return fmt.Errorf("bridge %s is still up; can't delete it", name)
	}
	ch, err := b.env.Change(journal.Record{Op: journal.OpLinkDel, NS: builtins.NSName(b.env.NS), Name: name})
	if err != nil {
		return err
	}
	err = b.h.LinkDel(l)
	ch.Done(err)
	if err != nil {
		return fmt.Errorf("can't delete bridge %s: %w", name, ns.Strerror(err))
	}
	return nil
}

func (b *run) addif(args []string) error {
	return b.eachPort(args, func(brName, ifName string, bl, il netlink.Link) error {
		if b.env.State.Mode() != builtins.Apply && isBridge(bl) {
			// Each port is its own change: a skipped one does not end
			// the command.
			it := builtins.Intent{Action: builtins.ActChange, NS: b.env.NS, Object: fmt.Sprintf("link %s (master %s)", ifName, brName),
				Have: func() (bool, string, error) { return il.Attrs().MasterIndex == bl.Attrs().Index, "", nil }}
			if err := b.env.Intend(it); err != nil {
				if builtins.Skipped(err) {
					return nil
				}
				return err
			}
		}
		switch {
		case !isBridge(bl):
			return fmt.Errorf("can't add %s to bridge %s: %w", ifName, brName, ns.Strerror(unix.EOPNOTSUPP))
		case isBridge(il):
			return fmt.Errorf("device %s is a bridge device itself; can't add a bridge device to a bridge device.", ifName)
		case il.Attrs().MasterIndex != 0:
			return fmt.Errorf("device %s is already a member of a bridge; can't add it to bridge %s.", ifName, brName)
		}
		ch, err := b.env.LinkChanged(b.env.NS, il, "")
		if err != nil {
			return err
		}
		err = b.h.LinkSetMasterByIndex(il, bl.Attrs().Index)
		ch.Done(err)
		if err != nil {
			return fmt.Errorf("can't add %s to bridge %s: %w", ifName, brName, ns.Strerror(err))
		}
		return nil
	})
}

func (b *run) delif(args []string) error {
	return b.eachPort(args, func(brName, ifName string, bl, il netlink.Link) error {
		switch {
		case !isBridge(bl):
			return fmt.Errorf("can't delete %s from %s: %w", ifName, brName, ns.Strerror(unix.EOPNOTSUPP))
		case il.Attrs().MasterIndex != bl.Attrs().Index:
			return fmt.Errorf("device %s is not a port of %s", ifName, brName)
		}
		ch, err := b.env.LinkChanged(b.env.NS, il, "")
		if err != nil {
			return err
		}
		err = b.h.LinkSetNoMaster(il)
		ch.Done(err)
		if err != nil {
			return fmt.Errorf("can't delete %s from %s: %w", ifName, brName, ns.Strerror(err))
		}
		return nil
	})
}

// eachPort runs fn for "BR IF..." (addif, delif): for each interface in
// order, looked up with the bridge afresh, stopping at the first error.
func (b *run) eachPort(args []string, fn func(brName, ifName string, bl, il netlink.Link) error) error {
	brName := args[0]
	for _, ifName := range args[1:] {
		bl, il, err := b.pair(brName, ifName)
		if err != nil {
			return err
		}
		if err := fn(brName, ifName, bl, il); err != nil {
			return err
		}
	}
	return nil
}

// onOff parses brctl's on/yes/1 and off/no/0.
func onOff(s string) (uint8, bool) {
	switch s {
	case "on", "yes", "1":
		return 1, true
	case "off", "no", "0":
		return 0, true
	}
	return 0, false
}

func (b *run) hairpin(args []string) error {
	brName, ifName := args[0], args[1]
	v, ok := onOff(args[2])
	if !ok {
		return errors.New("expect on/off for argument")
	}
	bl, il, err := b.pair(brName, ifName)
	if err != nil {
		return err
	}
	if err := b.setPort(bl, il, nl.NewRtAttr(rtnl.PortMode, nl.Uint8Attr(v))); err != nil {
		return fmt.Errorf("can't set %s to hairpin on bridge %s: %w", ifName, brName, ns.Strerror(err))
	}
	return nil
}

// setPort sets port attributes of il. Like brctl, which writes
// /sys/class/net/IF/brport/* and only falls back to the bridge's ioctl
// when that fails, it sets them on any bridge port il, and otherwise
// fails with the errno that fallback leaves.
func (b *run) setPort(bl, il netlink.Link, attrs ...*nl.RtAttr) error {
	if il == nil {
		return unix.ENODEV
	}
	if m := il.Attrs().MasterIndex; m != 0 {
		if ml, err := b.h.LinkByIndex(m); err == nil && isBridge(ml) {
			_, err := b.env.Execute(b.env.NS, rtnl.SetPortRequest(il.Attrs().Index, nil, attrs...), 0)
			return err
		}
	}
	switch {
	case bl == nil:
		return unix.ENODEV
	case !isBridge(bl):
		return unix.EOPNOTSUPP
	}
	return unix.ENOENT // the fopen of the missing brport file
}

// setBridge sets bridge attributes of the bridge named name.
func (b *run) setBridge(name string, attrs ...*nl.RtAttr) error {
	bl, err := b.link(name)
	if err != nil {
		return err
	}
	if !isBridge(bl) {
		return unix.ENODEV
	}
	_, err = b.env.Execute(b.env.NS, rtnl.SetBridgeRequest(bl.Attrs().Index, attrs...), 0)
	return err
}

// parseTime is brctl's strtotimeval followed by __tv_to_jiffies: seconds
// (a C double) to hundredths of a second, the unit of IFLA_BR_* times.
func parseTime(s string) (uint32, bool) {
	secs, ok := scanFloat(s)
	if !ok || secs < 0 || math.IsInf(secs, 0) || math.IsNaN(secs) {
		// A negative time (only reachable after "--") makes brctl
		// write a wrapped 64-bit jiffies count that the kernel turns
		// into an HZ-dependent value; nsh refuses it.
		return 0, false
	}
	sec := int64(secs)
	usec := int64(1000000 * (secs - float64(sec)))
	return uint32((1000000*sec + usec) / 10000), true
}

// scanFloat is sscanf("%lf"): the longest leading number, after spaces.
func scanFloat(s string) (float64, bool) {
	s = strings.TrimLeft(s, " \t\n")
	for end := len(s); end > 0; end-- {
		if v, err := strconv.ParseFloat(s[:end], 64); err == nil {
			return v, true
		}
	}
	return 0, false
}

// scanInt is sscanf("%i"): a leading integer in C's bases.
func scanInt(s string) (int64, bool) {
	s = strings.TrimLeft(s, " \t\n")
	for end := len(s); end > 0; end-- {
		if v, err := strconv.ParseInt(s[:end], 0, 64); err == nil {
			return v, true
		}
	}
	return 0, false
}

// bridgeCmd is "brctl CMD BR VALUE" for a bridge attribute: value parses
// args[1] into the attribute, or fails with bad; a failed request is
// reported as failed: strerror.
func (b *run) bridgeCmd(args []string, bad, failed string, value func(string) (*nl.RtAttr, bool)) error {
	attr, ok := value(args[1])
	if !ok {
		return errors.New(bad)
	}
	if err := b.setBridge(args[0], attr); err != nil {
		return fmt.Errorf("%s: %w", failed, ns.Strerror(err))
	}
	return nil
}

// timeCmd is one of setageing, setfd, sethello, setmaxage.
func (b *run) timeCmd(args []string, attr int, bad, failed string) error {
	return b.bridgeCmd(args, bad, failed, func(s string) (*nl.RtAttr, bool) {
		t, ok := parseTime(s)
		return nl.NewRtAttr(attr, nl.Uint32Attr(t)), ok
	})
}

func (b *run) setageing(args []string) error {
	return b.timeCmd(args, rtnl.BrAgeingTime, "bad ageing time value", "set ageing time failed")
}

func (b *run) setfd(args []string) error {
	return b.timeCmd(args, rtnl.BrForwardDelay, "bad forward delay value", "set forward delay failed")
}

func (b *run) sethello(args []string) error {
	return b.timeCmd(args, rtnl.BrHelloTime, "bad hello timer value", "set hello timer failed")
}

func (b *run) setmaxage(args []string) error {
	return b.timeCmd(args, rtnl.BrMaxAge, "bad max age value", "set max age failed")
}

func (b *run) setbridgeprio(args []string) error {
	return b.bridgeCmd(args, "bad priority", "set bridge priority failed", func(s string) (*nl.RtAttr, bool) {
		p, ok := scanInt(s)
		return nl.NewRtAttr(rtnl.BrPriority, nl.Uint16Attr(uint16(p))), ok
	})
}

func (b *run) stp(args []string) error {
	return b.bridgeCmd(args, "expect on/off for argument", "set stp status failed", func(s string) (*nl.RtAttr, bool) {
		v, ok := onOff(s)
		return nl.NewRtAttr(rtnl.BrStpState, nl.Uint32Attr(uint32(v))), ok
	})
}

// portCmd is setpathcost or setportprio.
func (b *run) portCmd(args []string, bad, failed string, attr func(int64) *nl.RtAttr) error {
	v, ok := scanInt(args[2])
	if !ok {
		return errors.New(bad)
	}
	bl, err := b.link(args[0])
	if err != nil {
		return err
	}
	il, err := b.link(args[1])
	if err != nil {
		return err
	}
	if err := b.setPort(bl, il, attr(v)); err != nil {
		return fmt.Errorf("%s: %w", failed, ns.Strerror(err))
	}
	return nil
}

func (b *run) setpathcost(args []string) error {
	return b.portCmd(args, "bad path cost value", "set path cost failed", func(v int64) *nl.RtAttr {
		return nl.NewRtAttr(rtnl.PortCost, nl.Uint32Attr(uint32(v)))
	})
}

func (b *run) setportprio(args []string) error {
	return b.portCmd(args, "bad path priority value", "set port priority failed", func(v int64) *nl.RtAttr {
		return nl.NewRtAttr(rtnl.PortPriority, nl.Uint16Attr(uint16(v)))
	})
}

// bridgeID formats IFLA_BR_BRIDGE_ID as brctl's br_dump_bridge_id.
func bridgeID(id []byte) string {
	if len(id) < 8 {
		id = append(id, make([]byte, 8-len(id))...)
	}
	return fmt.Sprintf("%02x%02x.%02x%02x%02x%02x%02x%02x", id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7])
}

// show is "brctl show [BR...]": every bridge in name order, or the ones
// asked for in that order (brctl_cmd.c br_cmd_show, show_bridge).
func (b *run) show(args []string) error {
	c, err := b.conn()
	if err != nil {
		return err
	}
	links, err := c.Links(unix.AF_UNSPEC, 0)
	if err != nil {
		return err
	}
	byName := map[string]*rtnl.Link{}
	var bridges []string
	for i := range links {
		l := &links[i]
		byName[l.Name] = l
		if l.Kind == "bridge" {
			bridges = append(bridges, l.Name)
		}
	}
	if len(args) == 0 {
		sort.Strings(bridges) // scandir's alphasort, C locale
		args = bridges
	}
	var out bytes.Buffer
	var errs []error
	header := true
	for _, name := range args {
		br, ok := byName[name]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("bridge %s does not exist!", name))
			continue
		case br.Kind != "bridge":
			errs = append(errs, fmt.Errorf("device %s is not a bridge!", name))
			continue
		}
		if header {
			out.WriteString("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n")
			header = false
		}
		stp := "no"
		if v, _ := br.Data.U32(rtnl.BrStpState); v != 0 {
			stp = "yes"
		}
		fmt.Fprintf(&out, "%s\t\t%s\t%s\t\t", name, bridgeID(br.Data[rtnl.BrBridgeID]), stp)
		var ports []string
		for _, l := range links {
			if l.Master() == br.Index {
				ports = append(ports, l.Name)
			}
		}
		sort.Strings(ports)
		out.WriteString(strings.Join(ports, "\n\t\t\t\t\t\t\t"))
		out.WriteString("\n")
	}
	if _, err := b.env.Stdout.Write(out.Bytes()); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// showmacs is "brctl showmacs BR": the bridge's forwarding database
// sorted by MAC address (brctl_cmd.c br_cmd_showmacs; the kernel's
// brforward file skips the entries of the bridge device itself).
func (b *run) showmacs(args []string) error {
	name := args[0]
	bl, err := b.link(name)
	if err != nil {
		return err
	}
	if bl == nil {
		return fmt.Errorf("read of forward table failed: %w", ns.Strerror(unix.ENODEV))
	}
	if !isBridge(bl) {
		// No brforward file: the ioctl fallback on a non-bridge.
		return fmt.Errorf("read of forward table failed: %w", ns.Strerror(unix.EOPNOTSUPP))
	}
	brIndex := bl.Attrs().Index
	c, err := b.conn()
	if err != nil {
		return err
	}
	ports, err := c.Links(unix.AF_BRIDGE, 0)
	if err != nil {
		return fmt.Errorf("read of forward table failed: %w", ns.Strerror(err))
	}
	portNo := map[int]int{}
	for _, p := range ports {
		if n, ok := p.Protinfo.U16(rtnl.PortNo); ok {
			portNo[p.Index] = int(n)
		}
	}
	entries, err := c.FDB(brIndex, 0)
	if err != nil {
		return fmt.Errorf("read of forward table failed: %w", ns.Strerror(err))
	}
	type row struct {
		port  int
		mac   net.HardwareAddr
		local bool
		ticks uint32
	}
	var rows []row
	for _, e := range entries {
		m, ok := e.Attrs.U32(unix.NDA_MASTER)
		if !ok || int(m) != brIndex || e.Index == brIndex {
			continue
		}
		r := row{port: portNo[e.Index], mac: e.MAC(), local: e.State&0x80 != 0} // NUD_PERMANENT
		if e.State&(0x80|0x40) == 0 {                                           // neither local nor static: ageing
			if ci, ok := e.Attrs[unix.NDA_CACHEINFO]; ok && len(ci) >= 12 {
				r.ticks = nl.NativeEndian().Uint32(ci[8:12]) // ndm_updated, in 1/100 s
			}
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool { return bytes.Compare(rows[i].mac, rows[j].mac) < 0 })
	var out bytes.Buffer
	out.WriteString("port no\tmac addr\t\tis local?\tageing timer\n")
	for _, r := range rows {
		local := "no"
		if r.local {
			local = "yes"
		}
		fmt.Fprintf(&out, "%3d\t%s\t%s\t\t%4d.%02d\n", r.port, r.mac.String(), local, r.ticks/100, r.ticks%100)
	}
	_, err = b.env.Stdout.Write(out.Bytes())
	return err
}

// timer formats hundredths of a second as brctl's br_show_timer.
func timer(cs uint64) string { return fmt.Sprintf("%4d.%02d", cs/100, cs%100) }

// showstp is "brctl showstp BR": the bridge's STP parameters and timers,
// then each port's in name order (brctl_disp.c br_dump_info and
// dump_port_info), read from netlink instead of sysfs; the timer values
// are the same hundredths of a second sysfs gives.
func (b *run) showstp(args []string) error {
	name := args[0]
	c, err := b.conn()
	if err != nil {
		return err
	}
	links, err := c.Links(unix.AF_UNSPEC, 0)
	if err != nil {
		return err
	}
	var br *rtnl.Link
	for i := range links {
		if links[i].Name == name {
			br = &links[i]
		}
	}
	switch {
	case br == nil:
		return fmt.Errorf("bridge %s does not exist!", name)
	case br.Kind != "bridge":
		return fmt.Errorf("device %s is not a bridge!", name)
	}
	ports, err := c.Links(unix.AF_BRIDGE, 0)
	if err != nil {
		return err
	}
	d := br.Data
	u8 := func(a rtnl.Attrs, t uint16) uint64 { v, _ := a.U8(t); return uint64(v) }
	u16 := func(a rtnl.Attrs, t uint16) uint64 { v, _ := a.U16(t); return uint64(v) }
	u32 := func(a rtnl.Attrs, t uint16) uint64 { v, _ := a.U32(t); return uint64(v) }
	u64 := func(a rtnl.Attrs, t uint16) uint64 { v, _ := a.U64(t); return v }
	var out bytes.Buffer
	fmt.Fprintf(&out, "%s\n", name)
	fmt.Fprintf(&out, " bridge id\t\t%s\n", bridgeID(d[unix.IFLA_BR_BRIDGE_ID]))
	fmt.Fprintf(&out, " designated root\t%s\n", bridgeID(d[unix.IFLA_BR_ROOT_ID]))
	fmt.Fprintf(&out, " root port\t\t%4d\t\t\tpath cost\t\t%4d\n", u16(d, unix.IFLA_BR_ROOT_PORT), u32(d, unix.IFLA_BR_ROOT_PATH_COST))
	maxAge, hello, fd := u32(d, unix.IFLA_BR_MAX_AGE), u32(d, unix.IFLA_BR_HELLO_TIME), u32(d, unix.IFLA_BR_FORWARD_DELAY)
	fmt.Fprintf(&out, " max age\t\t%s\t\t\tbridge max age\t\t%s\n", timer(maxAge), timer(maxAge))
	fmt.Fprintf(&out, " hello time\t\t%s\t\t\tbridge hello time\t%s\n", timer(hello), timer(hello))
	fmt.Fprintf(&out, " forward delay\t\t%s\t\t\tbridge forward delay\t%s\n", timer(fd), timer(fd))
	fmt.Fprintf(&out, " ageing time\t\t%s\n", timer(u32(d, unix.IFLA_BR_AGEING_TIME)))
	fmt.Fprintf(&out, " hello timer\t\t%s\t\t\ttcn timer\t\t%s\n", timer(u64(d, unix.IFLA_BR_HELLO_TIMER)), timer(u64(d, unix.IFLA_BR_TCN_TIMER)))
	fmt.Fprintf(&out, " topology change timer\t%s\t\t\tgc timer\t\t%s\n", timer(u64(d, unix.IFLA_BR_TOPOLOGY_CHANGE_TIMER)), timer(u64(d, unix.IFLA_BR_GC_TIMER)))
	out.WriteString(" flags\t\t\t")
	if u8(d, unix.IFLA_BR_TOPOLOGY_CHANGE) != 0 {
		out.WriteString("TOPOLOGY_CHANGE ")
	}
	if u8(d, unix.IFLA_BR_TOPOLOGY_CHANGE_DETECTED) != 0 {
		out.WriteString("TOPOLOGY_CHANGE_DETECTED ")
	}
	out.WriteString("\n\n\n")
	var mine []rtnl.Link
	for _, p := range ports {
		if p.Master() == br.Index && p.Index != br.Index && p.Protinfo != nil {
			mine = append(mine, p)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].Name < mine[j].Name }) // scandir's alphasort
	for _, p := range mine {
		pi := p.Protinfo
		fmt.Fprintf(&out, "%s (%d)\n", p.Name, u16(pi, rtnl.PortNo))
		state := "<INVALID STATE>"
		if st := u8(pi, rtnl.PortState); st < uint64(len(spec.PortStates)) {
			state = spec.PortStates[st]
		}
		fmt.Fprintf(&out, " port id\t\t%.4x\t\t\tstate\t\t%15s\n", u16(pi, unix.IFLA_BRPORT_ID), state)
		fmt.Fprintf(&out, " designated root\t%s\tpath cost\t\t%4d\n", bridgeID(pi[unix.IFLA_BRPORT_ROOT_ID]), u32(pi, rtnl.PortCost))
		fmt.Fprintf(&out, " designated bridge\t%s\tmessage age timer\t%s\n", bridgeID(pi[unix.IFLA_BRPORT_BRIDGE_ID]), timer(u64(pi, unix.IFLA_BRPORT_MESSAGE_AGE_TIMER)))
		fmt.Fprintf(&out, " designated port\t%.4x\t\t\tforward delay timer\t%s\n", u16(pi, unix.IFLA_BRPORT_DESIGNATED_PORT), timer(u64(pi, unix.IFLA_BRPORT_FORWARD_DELAY_TIMER)))
		fmt.Fprintf(&out, " designated cost\t%4d\t\t\thold timer\t\t%s\n", u32(pi, unix.IFLA_BRPORT_DESIGNATED_COST), timer(u64(pi, unix.IFLA_BRPORT_HOLD_TIMER)))
		out.WriteString(" flags\t\t\t")
		if u8(pi, unix.IFLA_BRPORT_CONFIG_PENDING) != 0 {
			out.WriteString("CONFIG_PENDING ")
		}
		if u8(pi, unix.IFLA_BRPORT_TOPOLOGY_CHANGE_ACK) != 0 {
			out.WriteString("TOPOLOGY_CHANGE_ACK ")
		}
		if h := u8(pi, rtnl.PortMode); h != 0 {
			fmt.Fprintf(&out, "\n hairpin mode\t\t%4d", h)
		}
		out.WriteString("\n\n")
	}
	_, err = b.env.Stdout.Write(out.Bytes())
	return err
}
