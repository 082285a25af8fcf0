package iproute

import (
	"fmt"
	"net"
	"path"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// linkView is one link as "ip link show" and "ip address show" print it:
// the netlink record plus what the printer needs from other objects.
type linkView struct {
	link       netlink.Link
	qdisc      string // "" when not known
	parentName string // name of IFLA_LINK in the same namespace
	parentUp   bool
	masterName string
	netnsName  string // name of the link-netnsid namespace, if any
	addrs      []netlink.Addr
	// noNetnsid: the view ignores IFLA_LINK_NETNSID, as "ip -6 address"
	// does because the kernel's AF_INET6 link dump lacks it (the peer
	// index is then resolved in the wrong namespace, as iproute2 does).
	noNetnsid bool
	// raw is the link's own RTM_NEWLINK for -details and -statistics;
	// names maps the indexes of the namespace's links to their names.
	raw   *rawLink
	names map[int]string
	// nameOf resolves an interface index of the namespace (if_indextoname).
	nameOf func(int) (string, bool)
	// noHeader: "ip address show label L" prints the address lines only.
	noHeader bool
	// noLinkLine: the address view's filter has a family (-4, -6, or the
	// one of "to PREFIX"), so the link/ line is left out.
	noLinkLine bool
	// metrics are the addresses' IFA_RT_PRIORITY (see addrMetrics).
	metrics map[string]uint32
}

// linkKind is the IFLA_INFO_KIND of l as iproute2 names it.
func linkKind(l netlink.Link) string {
	if t := l.Type(); t != "tuntap" {
		return t
	}
	return "tun"
}

// labelMatch is fnmatch(3) of an address label against "label PATTERN".
func labelMatch(pattern, label string) bool {
	ok, err := path.Match(pattern, label)
	return err == nil && ok
}

// showFilter is the selection of "ip link show" / "ip address show".
type showFilter struct {
	dev    string
	typ    string
	master string
	up     bool
	scope  int // -1: any
	label  string
	to     *net.IPNet
	group  int // -1: any
	// flags and flagMask are get_filter's: an address is listed when
	// its IFA_F_* bits under flagMask are flags.
	flags, flagMask int
	// nomaster: links without a master only.
	nomaster bool
	// vrf: master is a "vrf NAME", which must be a VRF.
	vrf bool
}

// isAddrFilterFlag reports whether w is a flag word of get_filter.
func isAddrFilterFlag(w string) bool {
	_, _, ok := addrFilterFlag(w)
	return ok
}

// parseShowFilter reads the arguments of ipaddr_list_flush_or_save.
func parseShowFilter(args []string) (*showFilter, error) {
	f := &showFilter{scope: -1, group: -1}
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		var err error
		switch {
		case w == "to":
			var s string
			if s, err = a.Need(w); err == nil {
				f.to, err = parsePrefix(s, 0)
			}
		case w == "scope":
			var s string
			if s, err = a.Need(w); err == nil {
				f.scope, err = scopes.parse("scope", s, 255)
			}
		case w == "up":
			f.up = true
		case w == "label":
			f.label, err = a.Need(w)
		case w == "master":
			f.nomaster = false
			if f.master, err = a.Need(w); err == nil {
				err = builtins.ValidIfName(f.master)
			}
		case w == "type":
			f.typ, err = a.Need(w)
		case w == "group":
			var s string
			if s, err = a.Need(w); err == nil {
				var ok bool
				if f.group, ok = parseGroup(s); !ok {
					err = invarg("Invalid \"group\" value\n", s)
				}
			}
		case isAddrFilterFlag(w):
			mask, value, _ := addrFilterFlag(w)
			f.flags = f.flags&^mask | value
			f.flagMask |= mask
		case w == "nomaster":
			f.nomaster, f.master = true, ""
		case w == "vrf":
			f.nomaster = false
			f.master, err = a.Need(w)
			f.vrf = true
		default:
			if w == "dev" {
				if w, err = a.Need(w); err != nil {
					return nil, err
				}
			}
			if f.dev != "" {
				return nil, builtins.Fail(255, "Error: either \"dev\" is duplicate, or %q is a garbage.", w)
			}
			if err = builtins.ValidIfName(w); err == nil {
				f.dev = w
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

// linkShow is "ip link show" (withAddrs false) and "ip address show"
// (withAddrs true).
func linkShow(env *builtins.Env, g *Global, args []string, linkOnly bool) error {
	f, err := parseShowFilter(args)
	if err != nil {
		return err
	}
	views, err := gatherLinks(env, g, f, !linkOnly)
	if err != nil {
		return err
	}
	p := newPrinter(g)
	for i := range views {
		switch {
		case g.Brief && linkOnly:
			printLinkBrief(p, &views[i])
		case g.Brief:
			printAddrBrief(p, g, &views[i])
		default:
			printLink(p, g, &views[i], linkOnly)
			if !linkOnly {
				printAddrs(p, g, &views[i])
			}
		}
	}
	return p.flush(env.Stdout)
}

// gatherLinks reads the links (and addresses) f selects from g.NS with
// as few dumps as possible: one link lookup or dump, one qdisc dump, one
// address dump.
func gatherLinks(env *builtins.Env, g *Global, f *showFilter, withAddrs bool) ([]linkView, error) {
	// The netlink handle only for what the link request does not answer
	// (addresses, names of other links, namespace ids): a one-shot "ip
	// link show" opens one socket.
	var h *netlink.Handle
	handle := func() (err error) {
		if h == nil {
			h, err = env.Handle(g.NS)
		}
		return err
	}
	// One request gives both package netlink's view of the links and
	// the raw attributes it does not read (IFLA_QDISC, IFLA_LINKMODE,
	// what -details and -statistics print).
	links, raws, err := readLinks(env, g.NS, f.dev)
	if err != nil {
		if f.dev != "" {
			return nil, &builtins.Failure{Text: fmt.Sprintf("Device %q does not exist.", f.dev), Status: 1, Err: fmt.Errorf("%w: Device %q does not exist", unix.ENODEV, f.dev)}
		}
		return nil, fmt.Errorf("dumping links: %w", err)
	}
	byIndex := map[int]netlink.Link{}
	if f.dev == "" {
		for _, l := range links {
			byIndex[l.Attrs().Index] = l
		}
	}
	lookup := func(i int) netlink.Link {
		if l, ok := byIndex[i]; ok {
			return l
		}
		if f.dev == "" {
			return nil
		}
		if handle() != nil {
			return nil
		}
		l, err := h.LinkByIndex(i)
		if err != nil {
			return nil
		}
		byIndex[i] = l
		return l
	}
	var masterIndex int
	if f.vrf || f.master != "" || withAddrs && g.Family != afPacket {
		if err := handle(); err != nil {
			return nil, err
		}
	}
	if f.vrf {
		if masterIndex, err = vrfMaster(h, f.master); err != nil {
			return nil, err
		}
	} else if f.master != "" {
		m, err := h.LinkByName(f.master)
		if err != nil {
			return nil, &builtins.Failure{Text: fmt.Sprintf("Device %q does not exist.", f.master), Status: 1, Err: fmt.Errorf("%w: Device %q does not exist", unix.ENODEV, f.master)}
		}
		masterIndex = m.Attrs().Index
	}
	var addrs map[int][]netlink.Addr
	var hasAddrs map[int]bool
	var metrics map[string]uint32
	family := g.Family
	if family == afPacket || family == afBridge || family == afMPLS {
		family = 0
	}
	if withAddrs && g.Family != afPacket {
		var l netlink.Link
		if f.dev != "" {
			l = links[0]
		}
		al, err := builtins.Retry(func() ([]netlink.Addr, error) { return h.AddrList(l, family) })
		if err != nil {
			return nil, fmt.Errorf("dumping addresses: %w", err)
		}
		if metrics, err = addrMetrics(env, g.NS, family); err != nil {
			return nil, err
		}
		addrs = map[int][]netlink.Addr{}
		hasAddrs = map[int]bool{}
		for _, a := range al {
			hasAddrs[a.LinkIndex] = true
			if f.scope >= 0 && a.Scope != f.scope || f.label != "" && !labelMatch(f.label, a.Label) {
				continue
			}
			if f.to != nil && !prefixCovers(f.to, a.IPNet) {
				continue
			}
			if a.Flags&f.flagMask != f.flags {
				continue
			}
			addrs[a.LinkIndex] = append(addrs[a.LinkIndex], a)
		}
	}
	// "to PREFIX" sets the filter's family when -4/-6 did not.
	filterFamily := family
	if filterFamily == 0 && f.to != nil {
		filterFamily = afInet
		if builtins.IPFamily(f.to.IP) == afInet6 {
			filterFamily = afInet6
		}
	}
	if g.Family == afPacket {
		filterFamily = 0
	}
	names := map[int]string{}
	if g.Details > 0 || g.Stats > 0 {
		for _, l := range links {
			names[l.Attrs().Index] = l.Attrs().Name
		}
		for i, l := range byIndex {
			names[i] = l.Attrs().Name
		}
	}
	var nsNames map[int]string
	var views []linkView
	for _, l := range links {
		a := l.Attrs()
		if f.up && a.RawFlags&unix.IFF_UP == 0 {
			continue
		}
		if f.typ != "" {
			// match_link_kind: "X_slave" is a port of an X master.
			if kind, ok := strings.CutSuffix(f.typ, "_slave"); ok {
				m := lookup(a.MasterIndex)
				if a.MasterIndex == 0 || m == nil || linkKind(m) != kind {
					continue
				}
			} else if linkKind(l) != f.typ {
				continue
			}
		}
		if masterIndex != 0 && a.MasterIndex != masterIndex || f.nomaster && a.MasterIndex != 0 {
			continue
		}
		if f.group >= 0 && int(a.Group) != f.group {
			continue
		}
		v := linkView{link: l, addrs: addrs[a.Index], metrics: metrics, raw: raws[a.Index], names: names, nameOf: func(i int) (string, bool) {
			if l := lookup(i); l != nil {
				return l.Attrs().Name, true
			}
			return "", false
		}}
		// ipaddr_filter: a link stays when one of its addresses passes
		// the filter, or when it has none at all and no family is set.
		if withAddrs && len(v.addrs) == 0 && (filterFamily != 0 || hasAddrs[a.Index]) {
			continue
		}
		v.noHeader = withAddrs && f.label != ""
		v.noLinkLine = withAddrs && filterFamily != 0
		if rl := raws[a.Index]; rl != nil {
			v.qdisc = rl.attrs.str(unix.IFLA_QDISC)
		}
		// Only the AF_INET6 link dump is limited: "dev X" is one full
		// RTM_GETLINK.
		v.noNetnsid = withAddrs && family == unix.AF_INET6 && f.dev == ""
		if a.ParentIndex != 0 && (a.NetNsID < 0 || v.noNetnsid) {
			if p := lookup(a.ParentIndex); p != nil {
				v.parentName = p.Attrs().Name
				v.parentUp = p.Attrs().RawFlags&unix.IFF_UP != 0
			}
		}
		if a.MasterIndex != 0 {
			if m := lookup(a.MasterIndex); m != nil {
				v.masterName = m.Attrs().Name
			}
		}
		if a.NetNsID >= 0 && !g.JSON && !v.noNetnsid {
			if nsNames == nil {
				nsNames = map[int]string{}
				if handle() == nil {
					nsNames = netnsNames(env, h)
				}
			}
			v.netnsName = nsNames[a.NetNsID]
		}
		views = append(views, v)
	}
	return views, nil
}

// netnsNames maps the namespace ids h's namespace has assigned to the
// names under the run directory, as iproute2's netns_map does for
// "link-netns NAME".
func netnsNames(env *builtins.Env, h *netlink.Handle) map[int]string {
	m := map[int]string{}
	names, err := env.Host.List()
	if err != nil {
		return m
	}
	for _, n := range names {
		r, err := env.Host.Named(n)
		if err != nil {
			continue
		}
		f, err := env.Host.Open(r)
		if err != nil {
			continue
		}
		id, err := h.GetNetNsIdByFd(int(f.Fd()))
		f.Close()
		if err == nil && id >= 0 {
			if _, dup := m[id]; !dup {
				m[id] = n
			}
		}
	}
	return m
}

// prefixCovers reports whether address a lies in prefix p.
func prefixCovers(p *net.IPNet, a *net.IPNet) bool {
	if a == nil {
		return false
	}
	pl, _ := p.Mask.Size()
	al, _ := a.Mask.Size()
	return p.Contains(a.IP) && al >= pl
}
