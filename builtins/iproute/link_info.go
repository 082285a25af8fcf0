package iproute

import (
	"fmt"
	"io"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/spec"
)

// kindCtx is what a kindParser reads besides the arguments: the handle
// to look devices up on, whether the request changes an existing link
// ("ip link set", iproute2's set_op: RTM_NEWLINK without NLM_F_CREATE),
// ip's -4/-6 and where usages and warnings go.
type kindCtx struct {
	h      *netlink.Handle
	kind   string
	set    bool
	family int
	stdout io.Writer
	stderr io.Writer
}

// kindParser reads the arguments after "type KIND" into the attributes
// of IFLA_INFO_DATA (or IFLA_INFO_SLAVE_DATA), as the parse_opt of
// ip/iplink_KIND.c does, in the same order and with the same defaults,
// so that nsh's RTM_NEWLINK carries the attribute tree iproute2's does
// (see TestLinkRequestsMatchIproute2).
type kindParser func(c *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error)

// kindParsers are the kinds whose arguments nsh reads, for "ip link add"
// and "ip link set" alike (veth's peer is read by vethAdd when adding).
var kindParsers = map[string]kindParser{
	"bridge": func(c *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
		return parseBrOpts("bridge", a.Rest(), false)
	},
	"bridge_slave": func(c *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
		return parseBrOpts("bridge_slave", a.Rest(), true)
	},
	"vlan":    parseVlan,
	"bond":    parseBond,
	"vrf":     parseVrf,
	"gre":     parseGre,
	"gretap":  parseGre,
	"ipip":    parseIptun,
	"ipvlan":  parseIpvlan,
	"ipvtap":  parseIpvlan,
	"geneve":  parseGeneve,
	"vxlan":   parseVxlan,
	"macvlan": parseMacvlan,
	"macvtap": parseMacvlan,
	"veth":    parseVethSet,
}

// linkInfo builds the IFLA_LINKINFO of "type KIND ARGS" as iplink_modify
// does for "ip link add" and "ip link set": IFLA_INFO_KIND, and when
// there are arguments the kind's data, IFLA_INFO_SLAVE_DATA for a kind
// named "*_slave", else IFLA_INFO_DATA. A kind iproute2 has no parser for
// takes no arguments ("Garbage instead of arguments").
func linkInfo(c *kindCtx, args []string) (*nl.RtAttr, error) {
	if len(args) == 0 {
		return kindLinkInfo(c.kind, 0, nil, false), nil
	}
	dataType := unix.IFLA_INFO_DATA
	if _, after, ok := strings.Cut(c.kind, "_"); ok && after == "slave" {
		dataType = unix.IFLA_INFO_SLAVE_DATA
	}
	parse, ok := kindParsers[c.kind]
	lk := spec.LinkKindOf(c.kind)
	switch {
	case ok:
	case lk != nil && !lk.NoUtil && len(lk.Keywords()) == 0:
		// iproute2 6.1 has a link_util without a parse_opt: the
		// arguments are ignored and an empty IFLA_INFO_DATA is sent.
		return kindLinkInfo(c.kind, dataType, nil, true), nil
	case lk != nil && lk.Missing:
		// iproute2 reads arguments for the kind; nsh does not yet.
		return nil, builtins.NotImplemented("type %s: arguments are not supported by nsh yet", c.kind)
	case builtins.Is(args[0], "help"):
		return nil, &builtins.Failure{Text: strings.TrimSuffix(spec.Usage("ip-link"), "\n"), Status: 255}
	default:
		return nil, builtins.Fail(1, "Garbage instead of arguments \"%s ...\". Try \"ip link help\".", args[0])
	}
	data, err := parse(c, builtins.NewArgs(args))
	if err != nil {
		return nil, err
	}
	return kindLinkInfo(c.kind, dataType, data, true), nil
}

// kindLinkInfo is IFLA_LINKINFO with IFLA_INFO_KIND kind and, when
// withData, a dataType nest (IFLA_INFO_DATA or IFLA_INFO_SLAVE_DATA) of
// data.
func kindLinkInfo(kind string, dataType int, data []*nl.RtAttr, withData bool) *nl.RtAttr {
	li := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	li.AddRtAttr(unix.IFLA_INFO_KIND, nl.NonZeroTerminated(kind))
	if withData {
		d := li.AddRtAttr(dataType, nil)
		for _, a := range data {
			d.AddChild(a)
		}
	}
	return li
}

// linkSetType is "ip link set DEV ... type KIND ARGS": the type's
// arguments are read as "ip link add" reads them, but for a change (no
// VNI or port required, say), and everything goes in one RTM_NEWLINK
// (no NLM_F_CREATE) as iplink_modify sends it, because the kind's
// changelink sees the generic attributes too (a vxlan refuses a new mtu
// there) and runs before them: when it fails, nothing changes.
func linkSetType(env *builtins.Env, g *Global, r *linkReq, h *netlink.Handle, l netlink.Link, masterIndex int) error {
	c := &kindCtx{h: h, kind: r.typ, set: true, family: g.Family, stdout: env.Stdout, stderr: env.Stderr}
	li, err := linkInfo(c, r.typeArgs)
	if err != nil {
		return err
	}
	req := nl.NewNetlinkRequest(unix.RTM_NEWLINK, unix.NLM_F_ACK)
	msg := nl.NewIfInfomsg(ifiFamily(g))
	msg.Index = int32(l.Attrs().Index)
	flag := func(want *bool, bit uint32, onSets bool) {
		if want == nil {
			return
		}
		msg.Change |= bit
		if *want == onSets {
			msg.Flags |= bit
		}
	}
	up, down := true, false
	switch {
	case r.up:
		flag(&up, unix.IFF_UP, true)
	case r.down:
		flag(&down, unix.IFF_UP, true)
	}
	flag(r.multicast, unix.IFF_MULTICAST, true)
	flag(r.allmulti, unix.IFF_ALLMULTI, true)
	flag(r.promisc, unix.IFF_PROMISC, true)
	flag(r.arp, unix.IFF_NOARP, false)
	req.AddData(msg)
	if r.name != "" && r.name != r.dev {
		req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(r.name)))
	}
	if r.addr != nil {
		req.AddData(nl.NewRtAttr(unix.IFLA_ADDRESS, r.addr))
	}
	if r.brd != nil {
		req.AddData(nl.NewRtAttr(unix.IFLA_BROADCAST, r.brd))
	}
	if r.mtu >= 0 {
		req.AddData(u32Attr(unix.IFLA_MTU, uint64(r.mtu)))
	}
	if r.txqlen >= 0 {
		req.AddData(u32Attr(unix.IFLA_TXQLEN, uint64(r.txqlen)))
	}
	if r.group >= 0 {
		req.AddData(u32Attr(unix.IFLA_GROUP, uint64(r.group)))
	}
	if r.nomaster {
		req.AddData(u32Attr(unix.IFLA_MASTER, 0))
	}
	if masterIndex != 0 {
		req.AddData(u32Attr(unix.IFLA_MASTER, uint64(masterIndex)))
	}
	if r.alias != nil {
		req.AddData(nl.NewRtAttr(unix.IFLA_IFALIAS, []byte(*r.alias)))
	}
	if r.addrGenMode >= 0 {
		req.AddData(addrGenModeAttr(r.addrGenMode))
	}
	if r.netns != "" {
		a, done, err := netnsAttr(env, r.netns)
		if err != nil {
			return err
		}
		defer done()
		req.AddData(a)
	}
	req.AddData(li)
	send := func() error {
		_, err := rawExecute(env, g.NS, req, 0)
		return err
	}
	if r.name != "" && r.name != r.dev && r.netns == "" {
		err = retryDying(env, send, linkName{g.NS, r.name})
	} else {
		err = send()
	}
	if err != nil {
		return kernelError("set", r.dev, err)
	}
	return nil
}

// ifiFamily is the ifi_family of iproute2's RTM_NEWLINK: ip's -4/-6
// (preferred_family), which the kernel ignores.
func ifiFamily(g *Global) int {
	if g.Family == unix.AF_INET || g.Family == unix.AF_INET6 {
		return g.Family
	}
	return unix.AF_UNSPEC
}

// vethUsage is veth's usage (ip/link_veth.c), from the model.
func vethUsage() string { return strings.TrimSuffix(spec.Usage("type-veth"), "\n") }

// parseVethSet is veth_parse_opt for "ip link set DEV type veth peer
// ...": the peer's arguments are read as iplink_parse reads a set's (its
// device must exist) into VETH_INFO_PEER, which the kernel then refuses.
func parseVethSet(c *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
	words := a.Rest()
	if words[0] != "peer" {
		// print_usage writes on stdout.
		if c.stdout != nil {
			fmt.Fprintln(c.stdout, vethUsage())
		}
		return nil, &builtins.Failure{Status: 1, Err: fmt.Errorf("veth: %q is not \"peer\"\n%s", words[0], vethUsage())}
	}
	p, err := parseLinkReq(words[1:])
	if err != nil {
		return nil, err
	}
	if p.typ != "" {
		return nil, builtins.Fail(255, "Error: duplicate \"type\": \"%s\" is the second value.", p.typ)
	}
	if p.dev == "" {
		p.dev = p.name // iplink_parse: "name" alone names the device too
	}
	if p.dev == "" {
		return nil, builtins.Fail(255, "Not enough information: \"dev\" argument is required.")
	}
	l, err := linkByName(c.h, p.dev)
	if err != nil {
		return nil, err
	}
	pa := nl.NewRtAttr(1 /* VETH_INFO_PEER */, nil)
	m := nl.NewIfInfomsgChild(pa, unix.AF_UNSPEC)
	m.Index = int32(l.Attrs().Index)
	if p.name != "" && p.name != p.dev {
		pa.AddRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(p.name))
	}
	if p.mtu >= 0 {
		pa.AddChild(u32Attr(unix.IFLA_MTU, uint64(p.mtu)))
	}
	if p.addr != nil {
		pa.AddRtAttr(unix.IFLA_ADDRESS, p.addr)
	}
	return []*nl.RtAttr{pa}, nil
}
