package iproute

import (
	"bytes"
	"errors"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// linkSetIntent is the Intent of "ip link set" (without "type") on link
// l: under Ensure, the link already has every value the statement sets.
func linkSetIntent(r *linkReq, l netlink.Link, masterIndex int) builtins.Intent {
	a := l.Attrs()
	return builtins.Intent{Action: builtins.ActChange, Object: "link " + a.Name,
		Have: func() (bool, string, error) { return linkHas(r, a, masterIndex), "", nil }}
}

// linkHas reports whether a link with attributes a already is as r (an
// "ip link set" without "type" or "netns") would leave it.
func linkHas(r *linkReq, a *netlink.LinkAttrs, masterIndex int) bool {
	flag := func(want *bool, bit uint32, onSets bool) bool {
		return want == nil || (a.RawFlags&bit != 0) == (*want == onSets)
	}
	switch {
	case r.netns != "" || r.brd != nil || r.addrGenMode >= 0 || r.hasExtras():
		return false
	case r.up && a.Flags&net.FlagUp == 0, r.down && a.Flags&net.FlagUp != 0:
		return false
	case r.mtu >= 0 && a.MTU != r.mtu, r.txqlen >= 0 && a.TxQLen != r.txqlen:
		return false
	case r.addr != nil && !bytes.Equal(a.HardwareAddr, r.addr):
		return false
	case r.name != "" && r.name != a.Name:
		return false
	case r.alias != nil && *r.alias != a.Alias:
		return false
	case r.group >= 0 && a.Group != uint32(r.group):
		return false
	case r.nomaster && a.MasterIndex != 0, masterIndex != 0 && a.MasterIndex != masterIndex:
		return false
	}
	return flag(r.promisc, unix.IFF_PROMISC, true) && flag(r.arp, unix.IFF_NOARP, false) &&
		flag(r.multicast, unix.IFF_MULTICAST, true) && flag(r.allmulti, unix.IFF_ALLMULTI, true)
}

// linkGoneIntent answers "ip link set DEV netns NS" and "ip link set DEV
// name NEW" when DEV is not there (Ensure, Plan): the link is already
// where (or what) the statement makes it if NS (or this namespace) has a
// link of the name it would have. It returns false when that is not so.
func linkGoneIntent(env *builtins.Env, g *Global, r *linkReq) (builtins.Intent, bool) {
	name := r.dev
	if r.name != "" {
		name = r.name
	}
	where := g.NS
	if r.netns != "" {
		t, err := resolveNetns(env, r.netns)
		if err != nil || t.pid != 0 {
			return builtins.Intent{}, false
		}
		where = t.ref
	} else if r.name == "" {
		return builtins.Intent{}, false
	}
	if env.State.PlanKnowsLink(builtins.NSName(where), name) || env.State.PlannedNetns(builtins.NSName(where)) {
		return builtins.Intent{}, false // the plan's, not the kernel's
	}
	h, err := env.Handle(where)
	if err != nil {
		return builtins.Intent{}, false
	}
	l, err := h.LinkByName(name)
	if err != nil && r.netns != "" {
		// A veth end this run found moved away (and perhaps renamed
		// there since): its peer here is its link.
		peerIndex, moved := env.State.MovedVeth(builtins.NSName(g.NS), r.dev)
		if !moved {
			return builtins.Intent{}, false
		}
		ls, lerr := h.LinkList()
		if lerr != nil {
			return builtins.Intent{}, false
		}
		for _, c := range ls {
			if c.Type() == "veth" && c.Attrs().ParentIndex == peerIndex && c.Attrs().NetNsID >= 0 {
				l, err = c, nil
				name = c.Attrs().Name
				break
			}
		}
	}
	if err != nil {
		return builtins.Intent{}, false
	}
	if r.typ == "" && r.netns == "" && !linkHas(&linkReq{mtu: -1, txqlen: -1, group: -1, addrGenMode: -1, up: r.up, down: r.down,
		addr: r.addr, alias: r.alias}, l.Attrs(), 0) {
		return builtins.Intent{}, false
	}
	return builtins.Intent{Action: builtins.ActChange, NS: where, Object: "link " + name,
		Have: func() (bool, string, error) { return true, "", nil }}, true
}

// isNoDevice reports whether err is "Cannot find device".
func isNoDevice(err error) bool { return errors.Is(err, unix.ENODEV) }
