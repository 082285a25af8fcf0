package iproute

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/ns"
)

// cmdLink is "ip link": add, set/change, delete and show/list/lst.
func cmdLink(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return linkShow(env, g, nil, true)
	}
	verb, err := verbOf(env, "link", args[0])
	if err != nil {
		return err
	}
	rest := args[1:]
	switch verb {
	case "add":
		return linkAdd(env, g, rest)
	case "set", "change":
		return linkSet(env, g, rest)
	case "delete":
		return linkDel(env, g, rest)
	case "show", "lst", "list":
		return linkShow(env, g, rest, true)
	case "property":
		return linkProperty(env, g, rest)
	case "xstats":
		return linkXstats(env, g, rest)
	case "afstats":
		return linkAfstats(env, g, rest)
	}
	return builtins.NotImplemented("ip link %s: not supported by nsh yet", verb)
}

// linkReq is what iproute2's iplink_parse reads: the generic link
// attributes of "ip link add/set" (and of a veth peer).
type linkReq struct {
	dev       string           // the device word ("dev X" or a bare word)
	name      string           // "name N"
	parent    string           // "link DEV"
	addr      net.HardwareAddr // "address", as ll_addr_a2n reads it (any length)
	brd       net.HardwareAddr // "broadcast"
	mtu       int              // -1: not given
	txqlen    int              // -1: not given
	netns     string
	up, down  bool
	promisc   *bool
	arp       *bool
	multicast *bool
	allmulti  *bool
	master    string
	nomaster  bool
	alias     *string
	group     int // -1: not given
	// addrGenMode is IN6_ADDR_GEN_MODE_* (-1: not given).
	addrGenMode int
	numTx       int
	numRx       int
	typ         string
	typeArgs    []string
	// ifiFlags and ifiChange are the IFF_NOTRAILERS and IFF_DYNAMIC
	// bits of "trailers" and "dynamic"; extras are IFLA_CARRIER,
	// IFLA_LINKMODE, IFLA_OPERSTATE, IFLA_LINK_NETNSID and
	// IFLA_PROTO_DOWN ("carrier", "mode", "state", "link-netnsid",
	// "protodown"), which only a request of nsh's own can send.
	ifiFlags, ifiChange uint32
	extras              []*nl.RtAttr
	// vfs are the "vf NUM ..." groups, settled into extras once the
	// device is known (settleVFs).
	vfs []*vfReq
	// index is "index N" (0: not given): the new link's ifindex, or
	// IFLA_NEW_IFINDEX when a link moves to another namespace.
	index int
	// xdp is "xdp|xdpgeneric|xdpdrv|xdpoffload off": detach the XDP
	// program, xdpMode the XDP_FLAGS_*_MODE bit of the spelling.
	xdp     bool
	xdpMode uint32
	xdpWord string
	// xdpProg is the first word of an XDP program to load ("obj FILE",
	// "pinned PATH"), which checkXDP answers.
	xdpProg string
	// vrf: master came as "vrf NAME", which must be a VRF.
	vrf bool
	// linkNetns is the namespace name of "link-netns", sent as its
	// IFLA_LINK_NETNSID (see resolveLinkNetns).
	linkNetns string
}

// linkKeyword returns the keyword word stands for in iplink_parse (the
// canonical name of the first entry of the model's "ip link add"
// keywords that word selects, in iproute2's order and matching), or ""
// for the device word. The order matters: "ip link add a type veth"
// reads "a" as "address", as iproute2 does.
func linkKeyword(word string) string {
	k := spec.IP.Object("link").Verb("add").Key(word)
	if k == nil || k.Name == "dev" || k.Name == "help" {
		return ""
	}
	return k.Canonical()
}

// checkXDP answers an XDP program to load as xdp_parse and
// bpf_do_parse would before loading it: "xdpoffload" needs an existing
// device, and the program's first word must be one of the eBPF modes.
// nsh has no BPF loader, so a well-formed program is not supported.
func (r *linkReq) checkXDP(env *builtins.Env, g *Global) error {
	if r.xdpProg == "" {
		return nil
	}
	if r.xdpWord == "xdpoffload" {
		h, err := env.Handle(g.NS)
		if err != nil {
			return err
		}
		if _, err := h.LinkByName(r.dev); err != nil {
			return builtins.Fail(255, "Command line is not complete. Try option \"help\"")
		}
	}
	w := r.xdpProg
	object := builtins.Is(w, "object-file") || w == "obj"
	pinned := builtins.Is(w, "object-pinned") || builtins.Is(w, "pinned") || builtins.Is(w, "fd")
	if !object && !pinned {
		return builtins.Fail(255, "What mode is %q?", w)
	}
	return builtins.NotImplemented("ip link %s %s: loading an XDP program needs a BPF loader, which nsh does not have; only \"%s off\" is supported", r.xdpWord, w, r.xdpWord)
}

// moveWithIndex moves link ifindex to the namespace of nsAttr
// (IFLA_NET_NS_FD or IFLA_NET_NS_PID) with the new ifindex index there
// (IFLA_NEW_IFINDEX), in one request as iplink_modify sends it.
func moveWithIndex(env *builtins.Env, g *Global, ifindex int, nsAttr int, nsVal uint32, index int) error {
	req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_ACK)
	msg := nl.NewIfInfomsg(ifiFamily(g))
	msg.Index = int32(ifindex)
	req.AddData(msg)
	req.AddData(nl.NewRtAttr(nsAttr, u32(nsVal)))
	req.AddData(nl.NewRtAttr(unix.IFLA_NEW_IFINDEX, u32(uint32(index))))
	_, err := rawExecute(env, g.NS, req, 0)
	return err
}

// protodownReason reads the reason of "protodown_reason" as
// protodown_reason_a2n does: a name from /etc/iproute2/protodown_reasons.d/*.conf
// ("BIT NAME" lines), else a number below 32.
func protodownReason(s string) (uint32, bool) {
	files, _ := filepath.Glob("/etc/iproute2/protodown_reasons.d/*.conf")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 2 || strings.HasPrefix(fields[0], "#") || fields[1] != s {
				continue
			}
			if n, err := strconv.ParseUint(fields[0], 0, 32); err == nil && n < 32 {
				return uint32(n), true
			}
		}
	}
	n, rest, ok := builtins.Strtoul(s, 0)
	if !ok || rest != "" || n >= 32 {
		return 0, false
	}
	return uint32(n), true
}

// invarg is iproute2's invarg(): `Error: argument "X" is wrong: MSG`
// on stderr and exit status 255.
func invarg(msg, arg string) error {
	return &builtins.Failure{
		Text:   "Error: argument \"" + arg + "\" is wrong: " + msg,
		Status: 255,
		Err:    fmt.Errorf("argument %q is wrong: %s", arg, msg),
	}
}

// duparg2 is iproute2's duparg2(): `Error: either "KEY" is duplicate, or
// "ARG" is a garbage.` and exit status 255.
func duparg2(key, arg string) error {
	return builtins.Fail(255, "Error: either \"%s\" is duplicate, or \"%s\" is a garbage.", key, arg)
}

// duparg is iproute2's duparg(): `Error: duplicate "KEY": "ARG" is the
// second value.`, exit status 255.
func duparg(key, arg string) error {
	return builtins.Fail(255, "Error: duplicate %q: %q is the second value.", key, arg)
}

// onOff reads iproute2's on|off argument of keyword.
func onOff(a *builtins.Args, keyword string) (*bool, error) {
	w, err := a.Need(keyword)
	if err != nil {
		return nil, err
	}
	switch w {
	case "on":
		v := true
		return &v, nil
	case "off":
		v := false
		return &v, nil
	}
	// on_off of ip/iplink.c (and ip/iplink_vlan.c): exit status 1.
	return nil, builtins.Fail(1, "Error: argument of \"%s\" must be \"on\" or \"off\", not \"%s\"", keyword, w)
}

// needUint reads a decimal (or 0x hex) number argument of keyword.
func needUint(a *builtins.Args, keyword string, bits int) (uint64, error) {
	w, err := a.Need(keyword)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(w, 0, bits)
	if err != nil {
		return 0, invarg(fmt.Sprintf("Invalid %q value", keyword), w)
	}
	return n, nil
}

// parseLinkReq reads the arguments of "ip link add/set" up to and
// excluding "type"'s arguments, as iplink_parse does.
func parseLinkReq(words []string) (*linkReq, error) {
	r := &linkReq{mtu: -1, txqlen: -1, group: -1, addrGenMode: -1}
	a := builtins.NewArgs(words)
	for a.More() {
		w, _ := a.Next()
		var err error
		switch linkKeyword(w) {
		case "up":
			r.up, r.down = true, false
		case "down":
			r.up, r.down = false, true
		case "name":
			if r.name, err = a.Need(w); err == nil {
				err = builtins.ValidIfName(r.name)
			}
		case "index":
			var v string
			if v, err = a.Need(w); err != nil {
				break
			}
			if r.index != 0 {
				return nil, duparg("index", v)
			}
			// atoi: leading digits, anything after them ignored.
			n, _, _ := builtins.Strtoul(v, 10)
			if r.index = int(int32(n)); r.index <= 0 {
				err = invarg("Invalid \"index\" value", v)
			}
		case "xdp", "xdpgeneric", "xdpdrv", "xdpoffload":
			var v string
			if v, err = a.Need(w); err != nil {
				break
			}
			// xdp_parse: "off" or "none" detaches, and only as the
			// last word; anything else is a BPF program to load.
			if (v == "off" || v == "none") && !a.More() {
				r.xdp, r.xdpWord = true, w
				r.xdpMode = map[string]uint32{"xdpgeneric": 1 << 1, "xdpdrv": 1 << 2, "xdpoffload": 1 << 3}[w]
				break
			}
			r.xdpWord, r.xdpProg = w, v
		case "protodown_reason":
			var v, onoff string
			if v, err = a.Need(w); err != nil {
				break
			}
			reason, ok := protodownReason(v)
			if !ok {
				return nil, invarg("invalid protodown reason\n", v)
			}
			if onoff, err = a.Need(w); err != nil {
				break
			}
			mask := uint32(1) << reason
			var value uint32
			switch {
			case builtins.Is(onoff, "on"):
				value = mask
			case builtins.Is(onoff, "off"):
			default:
				return nil, builtins.Fail(1, "Error: argument of \"protodown_reason\" must be \"on\" or \"off\", not \"%s\"", onoff)
			}
			pr := nl.NewRtAttr(unix.IFLA_PROTO_DOWN_REASON|unix.NLA_F_NESTED, nil)
			pr.AddRtAttr(unix.IFLA_PROTO_DOWN_REASON_MASK, u32(mask))
			pr.AddRtAttr(unix.IFLA_PROTO_DOWN_REASON_VALUE, u32(value))
			r.extras = append(r.extras, pr)
		case "gso_max_size", "gso_max_segs", "gro_max_size":
			var v string
			if v, err = a.Need(w); err != nil {
				break
			}
			n, rest, ok := builtins.Strtoul(v, 0)
			if !ok || rest != "" || n > 1<<32-1 || w == "gso_max_segs" && n > 65535 {
				return nil, invarg(fmt.Sprintf("Invalid %q value\n", w), v)
			}
			t := map[string]int{"gso_max_size": unix.IFLA_GSO_MAX_SIZE, "gso_max_segs": unix.IFLA_GSO_MAX_SEGS, "gro_max_size": unix.IFLA_GRO_MAX_SIZE}[w]
			r.extras = append(r.extras, nl.NewRtAttr(t, u32(uint32(n))))
		case "parentdev":
			var v string
			if v, err = a.Need(w); err == nil {
				r.extras = append(r.extras, nl.NewRtAttr(unix.IFLA_PARENT_DEV_NAME, nl.ZeroTerminated(v)))
			}
		case "link":
			if r.parent, err = a.Need(w); err == nil {
				err = builtins.ValidIfName(r.parent)
			}
		case "address":
			var s string
			if s, err = a.Need(w); err == nil {
				r.addr, err = llAddr(s, llLinkBuf)
			}
		case "broadcast", "brd":
			var s string
			if s, err = a.Need(w); err == nil {
				r.brd, err = llAddr(s, llLinkBuf)
			}
		case "txqueuelen", "qlen", "txqlen":
			var n uint64
			n, err = needUint(a, "txqueuelen", 32)
			r.txqlen = int(n)
		case "mtu":
			var n uint64
			n, err = needUint(a, "mtu", 32)
			r.mtu = int(n)
		case "netns":
			r.netns, err = a.Need(w)
		case "multicast":
			r.multicast, err = onOff(a, w)
		case "allmulticast":
			r.allmulti, err = onOff(a, w)
		case "promisc":
			r.promisc, err = onOff(a, w)
		case "arp":
			r.arp, err = onOff(a, w)
		case "trailers", "dynamic":
			var on *bool
			if on, err = onOff(a, w); err == nil {
				bit := uint32(unix.IFF_DYNAMIC)
				set := *on
				if w == "trailers" {
					bit, set = unix.IFF_NOTRAILERS, !set
				}
				r.ifiChange |= bit
				if set {
					r.ifiFlags |= bit
				} else {
					r.ifiFlags &^= bit
				}
			}
		case "carrier", "protodown":
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			v := map[string]byte{"on": 1, "off": 0}
			b, ok := v[s]
			if !ok {
				// parse_on_off: exit status 22 (-EINVAL).
				return nil, builtins.Fail(22, "Error: argument of \"%s\" must be one of \"off\", \"on\", not \"%s\"", w, s)
			}
			t := unix.IFLA_CARRIER
			if w == "protodown" {
				t = unix.IFLA_PROTO_DOWN
			}
			r.extras = append(r.extras, nl.NewRtAttr(t, []byte{b}))
		case "mode":
			var s string
			if s, err = a.Need(w); err == nil {
				switch strings.ToLower(s) {
				case "default":
					r.extras = append(r.extras, nl.NewRtAttr(unix.IFLA_LINKMODE, []byte{0}))
				case "dormant":
					r.extras = append(r.extras, nl.NewRtAttr(unix.IFLA_LINKMODE, []byte{1}))
				default:
					err = invarg("Invalid link mode\n", s)
				}
			}
		case "state":
			var s string
			if s, err = a.Need(w); err == nil {
				err = invarg("Invalid operstate\n", s)
				for i, st := range operStates {
					if strings.EqualFold(s, st) {
						r.extras = append(r.extras, nl.NewRtAttr(unix.IFLA_OPERSTATE, []byte{byte(i)}))
						err = nil
					}
				}
			}
		case "link-netnsid":
			var s string
			if s, err = a.Need(w); err == nil {
				v, rest, ok := builtins.Strtoul(s, 0)
				if !ok || rest != "" || int64(v) > 1<<31-1 || int64(v) < -1<<31 {
					err = invarg("Invalid \"link-netnsid\" value\n", s)
				}
				r.extras = append(r.extras, nl.NewRtAttr(unix.IFLA_LINK_NETNSID, u32(uint32(v))))
			}
		case "master", "vrf":
			if r.master, err = a.Need(w); err == nil {
				err = builtins.ValidIfName(r.master)
			}
			r.vrf = w == "vrf"
		case "nomaster":
			r.nomaster = true
		case "type":
			if r.typ, err = a.Need(w); err == nil {
				r.typeArgs = a.Rest()
			}
		case "alias":
			var s string
			s, err = a.Need(w)
			r.alias = &s
		case "group":
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			if r.group != -1 {
				return nil, duparg("group", s)
			}
			var ok bool
			if r.group, ok = parseGroup(s); !ok {
				err = invarg("Invalid \"group\" value\n", s)
			}
		case "numtxqueues":
			var n uint64
			n, err = needUint(a, "numtxqueues", 31)
			r.numTx = int(n)
		case "numrxqueues":
			var n uint64
			n, err = needUint(a, "numrxqueues", 31)
			r.numRx = int(n)
		case "addrgenmode":
			var s string
			if s, err = a.Need(w); err == nil {
				modes := map[string]int{"eui64": 0, "none": 1, "stable_secret": 2, "random": 3}
				m, ok := modes[s]
				if !ok {
					err = invarg("Invalid address generation mode", s)
				}
				r.addrGenMode = m
			}
		case "link-netns":
			r.linkNetns, err = a.Need(w)
		case "vf":
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			neg := strings.HasPrefix(s, "-")
			n, rest, ok := builtins.Strtoul(strings.TrimPrefix(s, "-"), 0)
			if neg {
				n = -n
			}
			if !ok || rest != "" || int64(n) < math.MinInt32 || int64(n) > math.MaxInt32 {
				return nil, invarg("Invalid \"vf\" value\n", s)
			}
			if r.dev == "" {
				return nil, builtins.Fail(255, "Error: argument \"dev\" is required")
			}
			var v *vfReq
			if v, err = parseVF(a, uint32(n)); err == nil {
				r.vfs = append(r.vfs, v)
			}
		default:
			if w == "dev" {
				if w, err = a.Need("dev"); err != nil {
					return nil, err
				}
			} else if builtins.Is(w, "help") {
				return nil, &builtins.Failure{Text: strings.TrimSuffix(spec.Usage("ip-link"), "\n"), Status: 255}
			}
			if r.dev != "" {
				return nil, builtins.Fail(255, "Error: either \"dev\" is duplicate, or %q is a garbage.", w)
			}
			if err := builtins.ValidIfName(w); err != nil {
				return nil, fmt.Errorf("\"dev\" not a valid ifname: %w", err)
			}
			r.dev = w
		}
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// errNoDevice is iproute2's `Cannot find device "X"`.
func errNoDevice(name string) error {
	return &builtins.Failure{Text: fmt.Sprintf("Cannot find device %q", name), Status: 1, Err: fmt.Errorf("%w: Cannot find device %q", unix.ENODEV, name)}
}

// linkByName finds the link called name through h with one RTM_GETLINK.
func linkByName(h *netlink.Handle, name string) (netlink.Link, error) {
	l, err := h.LinkByName(name)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) || errors.Is(err, unix.ENODEV) {
			return nil, errNoDevice(name)
		}
		return nil, fmt.Errorf("looking up device %q: %w", name, err)
	}
	return l, nil
}

// handleLink returns the cached handle of namespace r and the link named
// dev in it (errNoDevice, "Cannot find device", when there is none).
func handleLink(env *builtins.Env, r ns.Ref, dev string) (*netlink.Handle, netlink.Link, error) {
	h, err := env.Handle(r)
	if err != nil {
		return nil, nil, err
	}
	if env.State.PlanKnowsLink(builtins.NSName(r), dev) {
		// A plan's own link, or one it removed: the kernel's link of
		// that name, if any, is not it.
		return nil, nil, errNoDevice(dev)
	}
	l, err := linkByName(h, dev)
	if err != nil {
		return nil, nil, err
	}
	return h, l, nil
}

// nsTarget is where "netns NS" sends a link: a namespace file or a pid.
type nsTarget struct {
	ref ns.Ref
	pid int
}

// resolveNetns reads the argument of "netns" as iproute2 does: a name
// (or path) of a namespace first, else a process id.
func resolveNetns(env *builtins.Env, word string) (nsTarget, error) {
	r, err := env.Host.Resolve(word)
	if err == nil {
		if _, kerr := env.Host.Key(r); kerr == nil {
			return nsTarget{ref: r}, nil
		} else {
			err = kerr
		}
	}
	if pid, perr := strconv.Atoi(word); perr == nil && pid > 0 {
		return nsTarget{pid: pid}, nil
	}
	return nsTarget{}, fmt.Errorf("invalid \"netns\" value %q: %w", word, err)
}

// nsAttr opens the namespace of t for a netlink attribute; close the
// returned function after the request.
func (t nsTarget) attr(env *builtins.Env) (any, func(), error) {
	if t.pid > 0 {
		return netlink.NsPid(t.pid), func() {}, nil
	}
	f, err := env.Host.Open(t.ref)
	if err != nil {
		return nil, nil, err
	}
	return netlink.NsFd(int(f.Fd())), func() { f.Close() }, nil
}

// kernelError wraps a kernel error of "ip link OP NAME" (as the request
// returned it) in iproute2's words, keeping the errno for errors.Is. A
// kernel error that came with an extended ack message is that message, as
// iproute2 prints it.
func kernelError(op, name string, err error) error {
	err = rtnl.FromHandle(err)
	switch {
	case rtnl.Message(err) != "":
		ae := builtins.Answer(err)
		return &builtins.Failure{Text: ae.Error(), Status: 2, Err: fmt.Errorf("ip link %s %s: %w", op, name, ae)}
	case errors.Is(err, unix.EEXIST):
		return builtins.Rtnl(fmt.Errorf("%w: a link named %q already exists", unix.EEXIST, name))
	case errors.Is(err, unix.EOPNOTSUPP) && op == "add":
		return &builtins.Failure{Text: "RTNETLINK answers: Operation not supported", Status: 2, Err: fmt.Errorf("%w: ip link add %s: RTNETLINK answers: Operation not supported", err, name)}
	case errors.Is(err, unix.EOPNOTSUPP):
		return builtins.Rtnl(fmt.Errorf("%w: ip link %s %s: the kernel does not support this", err, op, name))
	}
	return builtins.Rtnl(fmt.Errorf("%w: ip link %s %s", err, op, name))
}

// linkDel is "ip link delete [dev] X".
func linkDel(env *builtins.Env, g *Global, args []string) error {
	r, err := parseLinkReq(args)
	if err != nil {
		return err
	}
	if r.dev == "" && r.group >= 0 {
		return linkGroupModify(env, g, r, true)
	}
	if r.dev == "" {
		return fmt.Errorf("not enough information: \"dev\" argument is required")
	}
	if env.State.Mode() != builtins.Apply {
		if err := env.Intend(env.LinkDelIntent(g.NS, r.dev)); err != nil {
			return err
		}
	}
	h, l, err := handleLink(env, g.NS, r.dev)
	if err != nil {
		return err
	}
	ch, err := env.Change(journal.Record{Op: journal.OpLinkDel, NS: builtins.NSName(g.NS), Name: l.Attrs().Name})
	if err != nil {
		return err
	}
	err = h.LinkDel(l)
	ch.Done(err)
	if err != nil {
		return kernelError("delete", r.dev, err)
	}
	return nil
}

// linkSet is "ip link set [dev] X ...". iproute2 sends one RTM_NEWLINK;
// nsh applies the same changes in the order the kernel does: the type's
// (changelink), then do_setlink's: namespace, address, mtu, group, name,
// alias, broadcast, flags, master, txqueuelen.
func linkSet(env *builtins.Env, g *Global, args []string) (err error) {
	r, err := parseLinkReq(args)
	if err != nil {
		return err
	}
	if err := r.checkXDP(env, g); err != nil {
		return err
	}
	if r.index != 0 && r.netns == "" {
		return builtins.Fail(255, "index can be used only when creating devices or when moving device to another netns.")
	}
	if r.dev == "" {
		r.dev = r.name // iplink_parse: "name N" names the device when "dev" does not
	}
	if err := r.resolveLinkNetns(env, g); err != nil {
		return err
	}
	if err := r.checkVrf(env, g); err != nil {
		return err
	}
	if r.dev == "" && r.group >= 0 {
		return linkGroupModify(env, g, r, false)
	}
	if r.dev == "" {
		return fmt.Errorf("not enough information: \"dev\" argument is required")
	}
	if r.parent != "" {
		return builtins.NotImplemented("ip link set ... link: not supported by nsh yet")
	}
	h, l, err := handleLink(env, g.NS, r.dev)
	if err != nil {
		if env.State.Mode() != builtins.Apply && isNoDevice(err) {
			if here := builtins.NSName(g.NS); env.State.PlannedLink(here, r.dev) && (r.netns != "" || r.name != "") {
				// A plan's link that moves or is renamed.
				it := builtins.Intent{Action: builtins.ActChange, NS: g.NS, Object: "link " + r.dev}
				if r.netns != "" {
					it.Object += " (to netns " + r.netns + ")"
				}
				it.Effect = func(o builtins.Overlay) {
					if r.netns != "" {
						o.MoveLink(here, r.dev, r.netns, r.dev)
					} else {
						o.MoveLink(here, r.dev, here, r.name)
					}
				}
				return env.Intend(it)
			}
			if it, ok := linkGoneIntent(env, g, r); ok {
				return env.Intend(it)
			}
		}
		return err
	}
	if len(r.vfs) > 0 {
		raws, err := rawLinks(env, g.NS)
		if err != nil {
			return err
		}
		var vfinfo []byte
		if rl, ok := raws[l.Attrs().Index]; ok {
			vfinfo = rl.attrs[unix.IFLA_VFINFO_LIST]
		}
		if err := r.settleVFs(len(l.Attrs().HardwareAddr), vfinfo); err != nil {
			return err
		}
	}
	if hw := l.Attrs().HardwareAddr; r.addr != nil && hw != nil && len(hw) != len(r.addr) {
		// iplink_parse compares with the device's address length
		// (nl_get_ll_addr_len) before sending anything.
		return builtins.Fail(1, "Invalid address length %d - must be %d bytes", len(r.addr), len(hw))
	}
	var masterIndex int
	if r.master != "" {
		m, err := linkByName(h, r.master)
		if err != nil {
			return err
		}
		masterIndex = m.Attrs().Index
	}
	if r.typ == "" && env.State.Mode() != builtins.Apply {
		it := linkSetIntent(r, l, masterIndex)
		it.NS = g.NS
		if r.netns != "" {
			it.Object += " (to netns " + r.netns + ")"
			it.Effect = func(o builtins.Overlay) {
				o.MoveLink(builtins.NSName(g.NS), l.Attrs().Name, r.netns, l.Attrs().Name)
			}
		} else if r.name != "" && r.name != l.Attrs().Name {
			it.Effect = func(o builtins.Overlay) {
				o.MoveLink(builtins.NSName(g.NS), l.Attrs().Name, builtins.NSName(g.NS), r.name)
			}
		}
		if err := env.Intend(it); err != nil {
			return err
		}
	}
	if r.netns == "" || r.otherChanges() || r.typ != "" {
		ch, err := env.LinkChanged(g.NS, l, r.name)
		if err != nil {
			return err
		}
		defer func() { ch.Done(err) }()
	}
	fail := func(err error) error { return kernelError("set", r.dev, err) }
	if r.typ != "" {
		return linkSetType(env, g, r, h, l, masterIndex)
	}
	where := g.NS
	if r.netns != "" {
		t, err := resolveNetns(env, r.netns)
		if err != nil {
			return err
		}
		attr, done, err := t.attr(env)
		if err != nil {
			return err
		}
		to := builtins.NSName(t.ref)
		if t.pid > 0 {
			to = fmt.Sprintf("/proc/%d/ns/net", t.pid)
		}
		mv, err := env.Change(journal.Record{Op: journal.OpMove, NS: builtins.NSName(g.NS), Name: l.Attrs().Name, To: to})
		if err != nil {
			done()
			return err
		}
		switch v := attr.(type) {
		case netlink.NsFd:
			if r.index != 0 {
				err = moveWithIndex(env, g, l.Attrs().Index, unix.IFLA_NET_NS_FD, uint32(v), r.index)
			} else {
				err = h.LinkSetNsFd(l, int(v))
			}
		case netlink.NsPid:
			if r.index != 0 {
				err = moveWithIndex(env, g, l.Attrs().Index, unix.IFLA_NET_NS_PID, uint32(v), r.index)
			} else {
				err = h.LinkSetNsPid(l, int(v))
			}
		}
		mv.Done(err)
		done()
		if err != nil {
			return fail(err)
		}
		if !r.otherChanges() {
			return nil
		}
		if t.pid > 0 {
			return builtins.NotImplemented("ip link set ... netns PID with other changes: not supported by nsh yet")
		}
		// The rest applies in the target namespace.
		if h, err = env.Handle(t.ref); err != nil {
			return err
		}
		where = t.ref
		if l, err = linkByName(h, r.dev); err != nil {
			return err
		}
	}
	if r.addr != nil {
		if err := h.LinkSetHardwareAddr(l, r.addr); err != nil {
			return fail(err)
		}
	}
	if r.mtu >= 0 {
		if err := h.LinkSetMTU(l, r.mtu); err != nil {
			return fail(err)
		}
	}
	if r.group >= 0 {
		if err := h.LinkSetGroup(l, r.group); err != nil {
			return fail(err)
		}
	}
	if r.name != "" && r.name != r.dev {
		if err := retryDying(env, func() error { return h.LinkSetName(l, r.name) }, linkName{g.NS, r.name}); err != nil {
			return fail(err)
		}
		l.Attrs().Name = r.name
	}
	if r.alias != nil {
		if err := h.LinkSetAlias(l, *r.alias); err != nil {
			return fail(err)
		}
	}
	if r.brd != nil {
		if err := setBroadcast(env, where, l.Attrs().Index, r.brd); err != nil {
			return fail(err)
		}
	}
	if r.addrGenMode >= 0 {
		if err := setAddrGenMode(env, where, l.Attrs().Index, r.addrGenMode); err != nil {
			return fail(err)
		}
	}
	if err := setFlags(h, l, r); err != nil {
		return fail(err)
	}
	if r.hasExtras() {
		req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_ACK)
		msg := nl.NewIfInfomsg(ifiFamily(g))
		msg.Index = int32(l.Attrs().Index)
		msg.Flags, msg.Change = r.ifiFlags, r.ifiChange
		req.AddData(msg)
		for _, at := range r.extraAttrs(g) {
			req.AddData(at)
		}
		if _, err := rawExecute(env, where, req, 0); err != nil {
			return rtnlAnswer("ip link set "+r.dev, err)
		}
	}
	if r.nomaster {
		if err := h.LinkSetNoMaster(l); err != nil {
			return fail(err)
		}
	}
	if masterIndex != 0 {
		if err := h.LinkSetMasterByIndex(l, masterIndex); err != nil {
			return fail(err)
		}
	}
	if r.txqlen >= 0 {
		if err := h.LinkSetTxQLen(l, r.txqlen); err != nil {
			return fail(err)
		}
	}
	return nil
}

// checkVrf is iplink_parse's check of "vrf NAME": a VRF device.
func (r *linkReq) checkVrf(env *builtins.Env, g *Global) error {
	if !r.vrf {
		return nil
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	if _, table := vrfTable(h, r.master); table == 0 {
		return invarg("Not a valid VRF name\n", r.master)
	}
	return nil
}

// resolveLinkNetns turns "link-netns NAME" into IFLA_LINK_NETNSID as
// iplink_parse does: the id g's namespace has for NAME, assigned first
// when it has none.
func (r *linkReq) resolveLinkNetns(env *builtins.Env, g *Global) error {
	if r.linkNetns == "" {
		return nil
	}
	bad := invarg("Invalid \"link-netns\" value\n", r.linkNetns)
	ref, err := env.Host.Resolve(r.linkNetns)
	if err != nil {
		return bad
	}
	f, err := env.Host.Open(ref)
	if err != nil {
		return bad
	}
	defer f.Close()
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	id, err := h.GetNetNsIdByFd(int(f.Fd()))
	if err != nil || id < 0 {
		_ = h.SetNetNsIdByFd(int(f.Fd()), -1)
		if id, err = h.GetNetNsIdByFd(int(f.Fd())); err != nil || id < 0 {
			return bad
		}
	}
	r.extras = append(r.extras, nl.NewRtAttr(unix.IFLA_LINK_NETNSID, u32(uint32(id))))
	r.linkNetns = ""
	return nil
}

// hasExtras reports whether r has changes only a raw request sends
// (see linkReq.extras).
func (r *linkReq) hasExtras() bool {
	return r.ifiChange != 0 || len(r.extras) > 0 || r.xdp || r.index != 0 || len(r.vfs) > 0
}

// settleVFs turns the "vf" groups into IFLA_VFINFO_LIST attributes of
// extras, for a device with addresses of halen bytes (0: unknown) whose
// IFLA_VFINFO_LIST is vfinfo (nil: none).
func (r *linkReq) settleVFs(halen int, vfinfo []byte) error {
	for _, v := range r.vfs {
		at, err := v.attribute(halen, func(num uint32) (uint32, uint32) { return vfRates(vfinfo, num) })
		if err != nil {
			return err
		}
		r.extras = append(r.extras, at)
	}
	r.vfs = nil
	return nil
}

// extraAttrs returns the attributes only a request of nsh's own can send
// (see linkReq.extras), with "xdp off"'s IFLA_XDP, whose flags depend on
// -force as xdp_parse's do.
func (r *linkReq) extraAttrs(g *Global) []*nl.RtAttr {
	if !r.xdp {
		return r.extras
	}
	flags := r.xdpMode
	if !g.Force {
		flags |= 1 << 0 // XDP_FLAGS_UPDATE_IF_NOEXIST
	}
	x := nl.NewRtAttr(unix.IFLA_XDP|unix.NLA_F_NESTED, nil)
	x.AddRtAttr(unix.IFLA_XDP_FD, u32(^uint32(0))) // -1: detach
	if flags != 0 {
		x.AddRtAttr(unix.IFLA_XDP_FLAGS, u32(flags))
	}
	return append(append([]*nl.RtAttr{}, r.extras...), x)
}

// otherChanges reports whether r asks for anything besides "netns".
func (r *linkReq) otherChanges() bool {
	return r.name != "" || r.addr != nil || r.brd != nil || r.mtu >= 0 || r.txqlen >= 0 || r.up || r.down ||
		r.promisc != nil || r.arp != nil || r.multicast != nil || r.allmulti != nil ||
		r.master != "" || r.nomaster || r.alias != nil || r.group >= 0 || r.addrGenMode >= 0 || r.hasExtras()
}

// setAddrGenMode sets the IPv6 address generation mode of link ifindex
// as iproute2 does: an RTM_NEWLINK with IFLA_AF_SPEC { AF_INET6 {
// IFLA_INET6_ADDR_GEN_MODE } }.
func setAddrGenMode(env *builtins.Env, where ns.Ref, ifindex, mode int) error {
	req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_ACK)
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	msg.Index = int32(ifindex)
	req.AddData(msg)
	req.AddData(addrGenModeAttr(mode))
	_, err := rawExecute(env, where, req, 0)
	return err
}

// addrGenModeAttr is IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE
// mode } }.
func addrGenModeAttr(mode int) *nl.RtAttr {
	spec := nl.NewRtAttr(unix.IFLA_AF_SPEC, nil)
	spec.AddRtAttr(unix.AF_INET6, nil).AddRtAttr(unix.IFLA_INET6_ADDR_GEN_MODE, []byte{byte(mode)})
	return spec
}

// setBroadcast sets the link-layer broadcast address of link ifindex
// (IFLA_BROADCAST, which package netlink cannot send).
func setBroadcast(env *builtins.Env, where ns.Ref, ifindex int, brd []byte) error {
	req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_ACK)
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	msg.Index = int32(ifindex)
	req.AddData(msg)
	req.AddData(nl.NewRtAttr(unix.IFLA_BROADCAST, brd))
	_, err := rawExecute(env, where, req, 0)
	return err
}

// setFlags applies the interface flags of r (up/down, promisc, arp,
// multicast, allmulticast).
func setFlags(h *netlink.Handle, l netlink.Link, r *linkReq) error {
	type step struct {
		want *bool
		on   func(netlink.Link) error
		off  func(netlink.Link) error
	}
	steps := []step{
		{r.arp, h.LinkSetARPOn, h.LinkSetARPOff},
		{r.multicast, h.LinkSetMulticastOn, h.LinkSetMulticastOff},
		{r.allmulti, h.LinkSetAllmulticastOn, h.LinkSetAllmulticastOff},
		{r.promisc, h.SetPromiscOn, h.SetPromiscOff},
	}
	for _, s := range steps {
		if s.want == nil {
			continue
		}
		f := s.off
		if *s.want {
			f = s.on
		}
		if err := f(l); err != nil {
			return err
		}
	}
	switch {
	case r.up:
		return h.LinkSetUp(l)
	case r.down:
		return h.LinkSetDown(l)
	}
	return nil
}

// linkAdd is "ip link add [link DEV] [name] NAME ... type TYPE ARGS".
func linkAdd(env *builtins.Env, g *Global, args []string) error {
	r, err := parseLinkReq(args)
	if err != nil {
		return err
	}
	if err := r.checkXDP(env, g); err != nil {
		return err
	}
	if err := r.resolveLinkNetns(env, g); err != nil {
		return err
	}
	if err := r.checkVrf(env, g); err != nil {
		return err
	}
	name := r.name
	if name == "" {
		name = r.dev
	}
	if err := r.settleVFs(0, nil); err != nil { // a device not made yet
		return err
	}
	if r.typ == "" {
		return fmt.Errorf("not enough information: \"type\" argument is required")
	}
	if name == "" && r.typ != "veth" {
		return fmt.Errorf("not enough information: a link name is required")
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	attrs := netlink.NewLinkAttrs()
	attrs.Name = name
	if r.mtu >= 0 {
		attrs.MTU = r.mtu
	}
	attrs.TxQLen = r.txqlen
	attrs.HardwareAddr = r.addr
	attrs.NumTxQueues = r.numTx
	attrs.NumRxQueues = r.numRx
	if r.group >= 0 {
		attrs.Group = uint32(r.group)
	}
	if r.alias != nil {
		attrs.Alias = *r.alias
	}
	if r.up {
		attrs.Flags |= net.FlagUp
	}
	if r.parent != "" {
		p, err := linkByName(h, r.parent)
		if err != nil {
			return err
		}
		attrs.ParentIndex = p.Attrs().Index
	}
	if r.master != "" {
		m, err := linkByName(h, r.master)
		if err != nil {
			return err
		}
		attrs.MasterIndex = m.Attrs().Index
	}
	var nsDone func()
	// where is the namespace the new link's name must be free in.
	where := linkName{g.NS, name}
	if r.netns != "" {
		t, err := resolveNetns(env, r.netns)
		if err != nil {
			return err
		}
		if t.pid == 0 {
			where.ref = t.ref
		}
		if attrs.Namespace, nsDone, err = t.attr(env); err != nil {
			return err
		}
		defer nsDone()
	}
	if r.typ == "veth" {
		return vethAdd(env, g, h, attrs, r, where)
	}
	c := &kindCtx{h: h, kind: r.typ, family: g.Family, stderr: env.Stderr}
	li, err := linkInfo(c, r.typeArgs)
	if err != nil {
		return err
	}
	ch, err := env.LinkAdded(where.ref, name, r.typ, ns.Ref{}, "")
	if err != nil {
		return err
	}
	err = retryDying(env, func() error { return rawLinkAdd(env, g, attrs, r, li) }, where)
	ch.Done(err)
	if err != nil {
		kerr := kernelError("add", name, err)
		var f *builtins.Failure
		if (r.typ == "macvlan" || r.typ == "macvtap") && attrs.ParentIndex == 0 && errors.Is(err, unix.EINVAL) && errors.As(kerr, &f) {
			f.Err = fmt.Errorf("%w (a %s needs \"link\": ip link add link DEV name NAME type %s)", f.Err, r.typ, r.typ)
		}
		return kerr
	}
	if r.promisc == nil && r.arp == nil && r.multicast == nil && r.allmulti == nil || r.netns != "" {
		return nil
	}
	l, err := linkByName(h, name)
	if err != nil {
		return err
	}
	return r.applyAfterAdd(h, l)
}

// applyAfterAdd sets what RTM_NEWLINK carries in iproute2 but netlink's
// LinkAdd does not (promisc, arp, multicast flags).
func (r *linkReq) applyAfterAdd(h *netlink.Handle, l netlink.Link) error {
	if r.promisc == nil && r.arp == nil && r.multicast == nil && r.allmulti == nil || r.netns != "" {
		return nil
	}
	rr := *r
	rr.up, rr.down = false, false
	if err := setFlags(h, l, &rr); err != nil {
		return kernelError("add", l.Attrs().Name, err)
	}
	return nil
}

// vethAdd creates a veth pair, creating the peer directly in the
// namespace a later "ip link set PEER netns NS" would move it to when
// that statement can be fused with this one (see fuse.go).
// where is the namespace and name of the first end; a name held by a
// veth dying with its peer's namespace is waited for (see dying.go).
func vethAdd(env *builtins.Env, g *Global, h *netlink.Handle, attrs netlink.LinkAttrs, r *linkReq, where linkName) error {
	peer, err := parseVethPeer(r.typeArgs, env.Stdout)
	if err != nil {
		return err
	}
	v := netlink.NewVeth(attrs)
	if peer != nil && peer.parent != "" {
		// "peer link DEV": iproute2 looks DEV up (and sends IFLA_LINK,
		// which a veth ignores).
		if _, err := linkByName(h, peer.parent); err != nil {
			return err
		}
	}
	if peer != nil {
		v.PeerName = peer.name
		if v.PeerName == "" {
			v.PeerName = peer.dev
		}
		v.PeerHardwareAddr = peer.addr
		if peer.mtu >= 0 {
			v.PeerMTU = uint32(peer.mtu)
		}
		if peer.txqlen >= 0 {
			v.PeerTxQLen = peer.txqlen
		}
	}
	// netlink copies the first end's mtu and qlen to a peer that has none;
	// iproute2 leaves the peer at the kernel's defaults.
	if v.PeerMTU == 0 && attrs.MTU > 0 {
		v.PeerMTU = 1500
	}
	if v.PeerTxQLen < 0 && attrs.TxQLen >= 0 {
		v.PeerTxQLen = 1000
	}
	peerWhere := linkName{g.NS, v.PeerName}
	if peer != nil && peer.netns != "" {
		t, err := resolveNetns(env, peer.netns)
		if err != nil {
			return err
		}
		if t.pid == 0 {
			peerWhere.ref = t.ref
		}
		attr, done, err := t.attr(env)
		if err != nil {
			return err
		}
		defer done()
		v.PeerNamespace = attr
	}
	if v.Name == "" || v.PeerName == "" || r.brd != nil || peer != nil && peer.brd != nil || r.addrGenMode >= 0 || r.hasExtras() {
		// The kernel names an end without a name "vethN"; netlink's
		// request always names both, and cannot carry a broadcast
		// address, so this one is built here.
		li := kindLinkInfo("veth", unix.IFLA_INFO_DATA, vethPeerData(v, peer), peer != nil)
		ch, err := env.LinkAdded(where.ref, v.Name, "veth", peerWhere.ref, v.PeerName)
		if err != nil {
			return err
		}
		err = rawLinkAdd(env, g, attrs, r, li)
		ch.Done(err)
		if err != nil {
			return kernelError("add", v.Name, err)
		}
		return nil
	}
	if (peer == nil || peer.netns == "") && attrs.Namespace == nil && env.State.Mode() == builtins.Apply {
		if fused, err := tryFusedVeth(env, g, h, v); err != nil {
			return err
		} else if fused {
			return r.applyAfterAdd(h, v)
		}
	}
	ch, err := env.LinkAdded(where.ref, v.Name, "veth", peerWhere.ref, v.PeerName)
	if err != nil {
		return err
	}
	err = retryDying(env, func() error { return h.LinkAdd(v) }, where, peerWhere)
	if ch != nil && attrs.Namespace == nil {
		ch.Index = v.Attrs().Index
	}
	ch.Done(err)
	if err != nil {
		return kernelError("add", takenName(env, err, where, peerWhere), err)
	}
	return r.applyAfterAdd(h, v)
}

// takenName is the name to blame for a failed creation of links names:
// with EEXIST, the first that is taken in its namespace (the kernel does
// not say which), else the first.
func takenName(env *builtins.Env, err error, names ...linkName) string {
	if errors.Is(err, unix.EEXIST) {
		for _, n := range names {
			if h, herr := env.Handle(n.ref); herr == nil {
				if _, lerr := h.LinkByName(n.name); lerr == nil {
					return n.name
				}
			}
		}
	}
	return names[0].name
}

// vethPeerData is the IFLA_INFO_DATA of a veth whose peer part v and
// peer describe: VETH_INFO_PEER, an ifinfomsg and the peer's attributes
// (none without a "peer" part).
func vethPeerData(v *netlink.Veth, peer *linkReq) []*nl.RtAttr {
	if peer == nil {
		return nil
	}
	pa := nl.NewRtAttr(1 /* VETH_INFO_PEER */, nil)
	nl.NewIfInfomsgChild(pa, unix.AF_UNSPEC)
	if peer.mtu >= 0 {
		pa.AddChild(u32Attr(unix.IFLA_MTU, uint64(peer.mtu)))
	}
	if peer.addr != nil {
		pa.AddRtAttr(unix.IFLA_ADDRESS, peer.addr)
	}
	if peer.brd != nil {
		pa.AddRtAttr(unix.IFLA_BROADCAST, peer.brd)
	}
	if peer.txqlen >= 0 {
		pa.AddChild(u32Attr(unix.IFLA_TXQLEN, uint64(peer.txqlen)))
	}
	switch ns := v.PeerNamespace.(type) {
	case netlink.NsFd:
		pa.AddChild(u32Attr(unix.IFLA_NET_NS_FD, uint64(ns)))
	case netlink.NsPid:
		pa.AddChild(u32Attr(unix.IFLA_NET_NS_PID, uint64(ns)))
	}
	if v.PeerName != "" {
		// iplink_parse adds the name last.
		pa.AddRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(v.PeerName))
	}
	return []*nl.RtAttr{pa}
}

// parseVethPeer reads "[peer [name] P [address MAC] [mtu N] [netns NS]
// ...]" (ip/link_veth.c); nil when there is no peer part.
func parseVethPeer(args []string, stdout io.Writer) (*linkReq, error) {
	if len(args) == 0 {
		return nil, nil
	}
	if args[0] != "peer" {
		// veth_parse_opt's usage, which it prints on stdout.
		fmt.Fprintln(stdout, vethUsage())
		return nil, &builtins.Failure{Status: 1, Err: fmt.Errorf("veth: unknown argument %q: expected \"peer\"", args[0])}
	}
	p, err := parseLinkReq(args[1:])
	if err != nil {
		return nil, err
	}
	if p.typ != "" {
		return nil, fmt.Errorf("veth peer: \"type\" is not allowed")
	}
	if p.master != "" || p.up || p.alias != nil || p.promisc != nil || p.arp != nil || p.multicast != nil || p.allmulti != nil {
		return nil, fmt.Errorf("veth peer: only name, address, mtu, txqueuelen, link and netns are supported by nsh yet")
	}
	return p, nil
}
