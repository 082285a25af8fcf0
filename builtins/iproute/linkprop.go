package iproute

import (
	"fmt"
	"unicode"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// rtnlAnswer is rtnl_talk's failure: the kernel's extended ack message
// ("Error: MSG.") when it gave one, else "RTNETLINK answers: ERROR";
// exit status 2. what names the request in the wrapped error.
func rtnlAnswer(what string, err error) error {
	return builtins.Rtnl(fmt.Errorf("%w: %s", err, what))
}

// validAltName is check_altifname (lib/utils.c): like check_ifname,
// but up to 127 bytes.
func validAltName(name string) bool {
	if name == "" || len(name) >= 128 || name == "." || name == ".." {
		return false
	}
	for _, r := range name {
		if r == '/' || unicode.IsSpace(r) || r == 0 {
			return false
		}
	}
	return true
}

// linkProperty is "ip link property add|del [dev] DEV altname NAME..."
// (iplink_prop): one RTM_NEWLINKPROP or RTM_DELLINKPROP with the names
// in IFLA_PROP_LIST.
func linkProperty(env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return builtins.Fail(255, "Usage: ip link property add dev DEVICE [ altname NAME .. ]\n       ip link property del dev DEVICE [ altname NAME .. ]")
	}
	typ, flags := 0, 0
	switch {
	case builtins.Is(args[0], "add"):
		typ, flags = unix.RTM_NEWLINKPROP, unix.NLM_F_EXCL|unix.NLM_F_CREATE|unix.NLM_F_APPEND
	case builtins.Is(args[0], "del"):
		typ = unix.RTM_DELLINKPROP
	case builtins.Is(args[0], "help"):
		return linkProperty(env, g, nil)
	default:
		return builtins.Fail(255, "Operator required")
	}
	list := nl.NewRtAttr(unix.IFLA_PROP_LIST|unix.NLA_F_NESTED, nil)
	dev := ""
	a := builtins.NewArgs(args[1:])
	for a.More() {
		w, _ := a.Next()
		switch {
		case builtins.Is(w, "altname"):
			name, err := a.Need(w)
			if err != nil {
				return err
			}
			if !validAltName(name) {
				return invarg("not a valid altname", name)
			}
			list.AddRtAttr(unix.IFLA_ALT_IFNAME, nl.ZeroTerminated(name))
		case builtins.Is(w, "help"):
			return linkProperty(env, g, nil)
		default:
			if w == "dev" {
				var err error
				if w, err = a.Need(w); err != nil {
					return err
				}
			}
			if dev != "" {
				return duparg2("dev", w)
			}
			if !validAltName(w) {
				return invarg("\"dev\" not a valid ifname", w)
			}
			dev = w
		}
	}
	if dev == "" {
		return builtins.Fail(255, "Not enough of information: \"dev\" argument is required.")
	}
	_, l, err := handleLink(env, g.NS, dev)
	if err != nil {
		return err
	}
	req := nl.NewNetlinkRequest(typ, flags|unix.NLM_F_ACK)
	msg := nl.NewIfInfomsg(ifiFamily(g))
	msg.Index = int32(l.Attrs().Index)
	req.AddData(msg)
	req.AddData(list)
	if _, err := rawExecute(env, g.NS, req, 0); err != nil {
		return rtnlAnswer("ip link property "+args[0]+" dev "+dev, err)
	}
	return nil
}

// linkGroupModify is "ip link set group GROUP ..." and "ip link delete
// group GROUP": iplink_modify's request without a device (ifindex 0,
// IFLA_GROUP), which the kernel applies to every link of the group
// (rtnl_group_changelink, rtnl_group_dellink).
func linkGroupModify(env *builtins.Env, g *Global, r *linkReq, del bool) error {
	typ := unix.RTM_NEWLINK
	if del {
		typ = unix.RTM_DELLINK
	}
	req := nl.NewNetlinkRequest(typ, unix.NLM_F_ACK)
	msg := nl.NewIfInfomsg(ifiFamily(g))
	flag := func(want *bool, f uint32) {
		if want != nil {
			msg.Change |= f
			if *want {
				msg.Flags |= f
			}
		}
	}
	up, down := true, false
	switch {
	case r.up:
		flag(&up, unix.IFF_UP)
	case r.down:
		flag(&down, unix.IFF_UP)
	}
	msg.Flags |= r.ifiFlags
	msg.Change |= r.ifiChange
	flag(r.promisc, unix.IFF_PROMISC)
	flag(r.allmulti, unix.IFF_ALLMULTI)
	flag(r.multicast, unix.IFF_MULTICAST)
	if r.arp != nil {
		noarp := !*r.arp
		flag(&noarp, unix.IFF_NOARP)
	}
	if len(r.typeArgs) > 0 {
		return builtins.Fail(255, "Garbage instead of arguments \"%s ...\". Try \"ip link help\".", r.typeArgs[0])
	}
	if r.parent != "" {
		return builtins.NotImplemented("ip link set group ... link: not supported by nsh yet")
	}
	req.AddData(msg)
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	for _, a := range r.baseAttrs() {
		req.AddData(a)
	}
	if r.netns != "" {
		a, done, err := netnsAttr(env, r.netns)
		if err != nil {
			return err
		}
		defer done()
		req.AddData(a)
	}
	if r.master != "" {
		m, err := linkByName(h, r.master)
		if err != nil {
			return invarg("Device does not exist\n", r.master)
		}
		req.AddData(u32Attr(unix.IFLA_MASTER, uint64(m.Attrs().Index)))
	}
	if r.nomaster {
		req.AddData(u32Attr(unix.IFLA_MASTER, 0))
	}
	if r.alias != nil {
		req.AddData(nl.NewRtAttr(unix.IFLA_IFALIAS, []byte(*r.alias)))
	}
	req.AddData(u32Attr(unix.IFLA_GROUP, uint64(uint32(r.group))))
	for _, at := range r.extraAttrs(g) {
		req.AddData(at)
	}
	if r.addrGenMode >= 0 {
		req.AddData(addrGenModeAttr(r.addrGenMode))
	}
	if r.name != "" {
		req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(r.name)))
	}
	verb := "set"
	if del {
		verb = "delete"
	}
	if _, err := rawExecute(env, g.NS, req, 0); err != nil {
		return rtnlAnswer(fmt.Sprintf("ip link %s group %d", verb, r.group), err)
	}
	return nil
}

// vrfTable is name_is_vrf and ipvrf_get_table: the index and routing
// table of the VRF device name; index 0 when there is no such device,
// table 0 when it is not a VRF (this kernel has no VRF devices, so the
// keyword is refused as iproute2 refuses it).
func vrfTable(h *netlink.Handle, name string) (index, table int) {
	l, err := h.LinkByName(name)
	if err != nil {
		return 0, 0
	}
	if v, ok := l.(*netlink.Vrf); ok {
		return l.Attrs().Index, int(v.Table)
	}
	return l.Attrs().Index, 0
}

// vrfMaster is the "vrf NAME" selector of ip link|address|neigh show:
// the VRF's index, or "Not a valid VRF name".
func vrfMaster(h *netlink.Handle, name string) (int, error) {
	index, table := vrfTable(h, name)
	if index == 0 || table == 0 {
		return 0, invarg("Not a valid VRF name\n", name)
	}
	return index, nil
}
