package iproute

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/rtnl"
)

// neighStates are the NUD_* names in iproute2's order (nud_state_a2n and
// print_neigh_state).
var neighStates = []struct {
	bit  int
	name string
}{
	{unix.NUD_INCOMPLETE, "INCOMPLETE"}, {unix.NUD_REACHABLE, "REACHABLE"},
	{unix.NUD_STALE, "STALE"}, {unix.NUD_DELAY, "DELAY"}, {unix.NUD_PROBE, "PROBE"},
	{unix.NUD_FAILED, "FAILED"}, {unix.NUD_NOARP, "NOARP"}, {unix.NUD_PERMANENT, "PERMANENT"},
}

// parseNud reads a "nud" argument: a state name (any case), "all", or a
// number.
func parseNud(s string) (int, error) {
	if strings.EqualFold(s, "all") {
		return 0xff, nil
	}
	if strings.EqualFold(s, "none") {
		return unix.NUD_NONE, nil
	}
	for _, st := range neighStates {
		if strings.EqualFold(s, st.name) {
			return st.bit, nil
		}
	}
	var n int
	if _, err := fmt.Sscanf(s, "%v", &n); err == nil && n >= 0 && n <= 0xff {
		return n, nil
	}
	return 0, invarg("nud state is bad", s)
}

// cmdNeigh is "ip neigh" (ip/ipneigh.c): add, change, replace, delete,
// show and flush.
func cmdNeigh(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return neighShow(env, g, nil, false)
	}
	verb, err := verbOf(env, "neighbour", args[0])
	if err != nil {
		return err
	}
	switch verb {
	case "add", "change", "chg", "replace", "delete":
		return neighModify(env, g, verb, args[1:])
	case "flush":
		return neighShow(env, g, args[1:], true)
	case "get":
		return neighGet(env, g, args[1:])
	}
	return neighShow(env, g, args[1:], false)
}

// neighGet is "ip neigh get [proxy] ADDR dev DEV": one RTM_GETNEIGH, as
// ipneigh_get sends it, and the answer printed as "ip neigh show" prints
// an entry (with its device).
func neighGet(env *builtins.Env, g *Global, args []string) error {
	var dev string
	var dst *net.IPNet
	proxy := false
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		var err error
		switch {
		case w == "dev":
			dev, err = a.Need(w)
		case builtins.Is(w, "proxy"):
			proxy = true
		default:
			if w == "to" {
				if w, err = a.Need(w); err != nil {
					break
				}
			}
			if dst != nil {
				err = builtins.Fail(255, "Error: either \"to\" is duplicate, or %q is a garbage.", w)
				break
			}
			dst, err = parsePrefix(w, g.Family)
		}
		if err != nil {
			return err
		}
	}
	if dev == "" || dst == nil {
		return fmt.Errorf("Device and address are required arguments")
	}
	h, l, err := handleLink(env, g.NS, dev)
	if err != nil {
		return err
	}
	family := afInet
	if builtins.IPFamily(dst.IP) == afInet6 {
		family = afInet6
	}
	req := nl.NewNetlinkRequest(unix.RTM_GETNEIGH, 0)
	msg := &netlink.Ndmsg{Family: uint8(family), Index: uint32(l.Attrs().Index)}
	if proxy {
		msg.Flags = unix.NTF_PROXY
	}
	req.AddData(msg)
	req.AddData(nl.NewRtAttr(unix.NDA_DST, dst.IP))
	msgs, err := rawExecute(env, g.NS, req, unix.RTM_NEWNEIGH)
	if err != nil {
		return builtins.Answer(err)
	}
	// ipneigh_get of iproute2 6.1 prints text even under -json.
	gt := *g
	gt.JSON, gt.Pretty = false, false
	p := newPrinter(&gt)
	for _, m := range msgs {
		n, err := netlink.NeighDeserialize(m)
		if err != nil {
			return fmt.Errorf("reading the kernel's answer: %w", err)
		}
		printNeigh(p, n, true, devNamer(h), nil)
	}
	return p.flush(env.Stdout)
}

// neighModify is ipneigh_modify.
func neighModify(env *builtins.Env, g *Global, verb string, args []string) error {
	n := &netlink.Neigh{State: unix.NUD_PERMANENT}
	var dst, dev, lla string
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		var err error
		switch {
		case builtins.Is(w, "lladdr"):
			var s string
			if s, err = a.Need(w); err == nil && lla != "" {
				return builtins.Fail(255, "Error: duplicate \"lladdr\": \"%s\" is the second value.", s)
			}
			lla = s
		case w == "nud":
			var s string
			if s, err = a.Need(w); err == nil {
				n.State, err = parseNud(s)
			}
		case w == "proxy":
			if dst, err = a.Need(w); err == nil {
				n.Flags |= netlink.NTF_PROXY
			}
		case w == "router":
			n.Flags |= netlink.NTF_ROUTER
		case w == "extern_learn":
			n.Flags |= netlink.NTF_EXT_LEARNED
		case w == "dev":
			if dev, err = a.Need(w); err == nil {
				err = builtins.ValidIfName(dev)
			}
		default:
			if w == "to" {
				if w, err = a.Need(w); err != nil {
					break
				}
			}
			if dst != "" {
				err = builtins.Fail(255, "Error: either \"to\" is duplicate, or %q is a garbage.", w)
				break
			}
			dst = w
		}
		if err != nil {
			return err
		}
	}
	if dst == "" || dev == "" {
		return fmt.Errorf("Device and destination are required arguments.")
	}
	fam := 0
	if g.Family == afInet || g.Family == afInet6 {
		fam = g.Family
	}
	var err error
	if n.IP, _, err = addrOf(dst, fam); err != nil {
		return err
	}
	// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) stays IPv6, as in
	// iproute2.
	n.Family = builtins.IPFamily(n.IP)
	if lla != "" && lla != "null" {
		// iproute2 reads the address after the other arguments; "null"
		// sends none.
		var err error
		if n.HardwareAddr, err = llAddr(lla, llNeighBuf); err != nil {
			return err
		}
	}
	_, l, err := handleLink(env, g.NS, dev)
	if err != nil {
		return err
	}
	n.LinkIndex = l.Attrs().Index
	cmd, flags := unix.RTM_NEWNEIGH, 0
	switch verb {
	case "add":
		flags = unix.NLM_F_CREATE | unix.NLM_F_EXCL
	case "delete":
		cmd = unix.RTM_DELNEIGH
	case "replace":
		flags = unix.NLM_F_CREATE | unix.NLM_F_REPLACE
	default:
		// "change" is NLM_F_REPLACE without NLM_F_CREATE: it fails for a
		// missing entry.
		flags = unix.NLM_F_REPLACE
	}
	if err := neighRequest(env, g, n, cmd, flags); err != nil {
		if err = rtnl.FromHandle(err); rtnl.Message(err) != "" {
			ae := builtins.Answer(err)
			return &builtins.Failure{Text: ae.Error(), Status: 2, Err: fmt.Errorf("ip neigh %s %s: %w", verb, dst, ae)}
		}
		return builtins.Rtnl(fmt.Errorf("%w: ip neigh %s %s", err, verb, dst))
	}
	return nil
}

// neighShow is "ip neigh show|flush [proxy] [to PREFIX] [dev DEV] [nud
// STATE]". Without "nud", show hides NOARP and NONE entries and flush
// also spares PERMANENT ones, as iproute2 does.
func neighShow(env *builtins.Env, g *Global, args []string, flush bool) error {
	state := -1
	var dev string
	var to *net.IPNet
	proxy, unused := false, false
	var master string
	nomaster, vrf := false, false
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		var err error
		switch {
		case w == "dev":
			if dev, err = a.Need(w); err == nil {
				err = builtins.ValidIfName(dev)
			}
		case w == "nud":
			var s string
			if s, err = a.Need(w); err == nil {
				var st int
				if st, err = parseNud(s); err == nil {
					if state < 0 {
						state = 0
					}
					state |= st
					if st == unix.NUD_NONE {
						state |= 0x100
					}
				}
			}
		case w == "proxy":
			proxy = true
		case w == "all":
		case w == "unused":
			unused = true
		case w == "master":
			master, err = a.Need(w)
			nomaster = false
		case w == "nomaster":
			master, nomaster = "", true
		case w == "vrf":
			master, err = a.Need(w)
			nomaster, vrf = false, true
		default:
			if w == "to" {
				if w, err = a.Need(w); err != nil {
					break
				}
			}
			to, err = parsePrefix(w, g.Family)
		}
		if err != nil {
			return err
		}
	}
	if state < 0 {
		state = 0xff &^ unix.NUD_NOARP
		if flush {
			state &^= unix.NUD_PERMANENT
		}
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	index := 0
	if dev != "" {
		l, err := linkByName(h, dev)
		if err != nil {
			return err
		}
		index = l.Attrs().Index
	}
	family := 0
	if g.Family == afInet || g.Family == afInet6 {
		family = g.Family
	}
	// The kernel's NDA_MASTER filter: by the master of the entry's
	// device (-1, "nomaster": none).
	var masterOf map[int]int
	masterIndex := 0
	if master != "" || nomaster {
		switch {
		case vrf:
			if masterIndex, err = vrfMaster(h, master); err != nil {
				return err
			}
		case master != "":
			m, err := h.LinkByName(master)
			if err != nil {
				return invarg("Device does not exist\n", master)
			}
			masterIndex = m.Attrs().Index
		}
		links, err := builtins.Retry(h.LinkList)
		if err != nil {
			return fmt.Errorf("dumping links: %w", err)
		}
		masterOf = map[int]int{}
		for _, l := range links {
			masterOf[l.Attrs().Index] = l.Attrs().MasterIndex
		}
	}
	var unusedStats map[string]neighStats
	if unused {
		var err error
		if unusedStats, err = neighCacheInfo(env, g, family, proxy); err != nil {
			return err
		}
	}
	list := func() ([]netlink.Neigh, error) {
		if proxy {
			return h.NeighProxyList(index, family)
		}
		return h.NeighList(index, family)
	}
	// matching dumps the entries the selector picks.
	matching := func() ([]netlink.Neigh, error) {
		neighs, err := builtins.Retry(list)
		if err != nil {
			return nil, fmt.Errorf("dumping neighbours: %w", err)
		}
		var out []netlink.Neigh
		for _, n := range neighs {
			if n.Family != afInet && n.Family != afInet6 {
				continue
			}
			isProxy := n.Flags&netlink.NTF_PROXY != 0
			if proxy != isProxy {
				continue
			}
			if !isProxy {
				if n.State == unix.NUD_NONE && state&0x100 == 0 || n.State != unix.NUD_NONE && n.State&state == 0 {
					continue
				}
			}
			if to != nil && !to.Contains(n.IP) {
				continue
			}
			if masterOf != nil && (nomaster && masterOf[n.LinkIndex] != 0 || !nomaster && masterOf[n.LinkIndex] != masterIndex) {
				continue
			}
			if st, ok := unusedStats[neighKey(n.LinkIndex, n.IP)]; unused && ok && st.hasCache && st.refcnt != 0 {
				continue
			}
			out = append(out, n)
		}
		return out, nil
	}
	devName := devNamer(h)
	p := newPrinter(g)
	if flush {
		var stats map[string]neighStats
		return neighFlush(env, g, h, p, &state, matching, func(n *netlink.Neigh) {
			if stats == nil {
				stats, _ = neighCacheInfo(env, g, family, proxy)
			}
			var st *neighStats
			if v, ok := stats[neighKey(n.LinkIndex, n.IP)]; ok {
				st = &v
			}
			printNeigh(p, n, index == 0, devName, st)
		})
	}
	neighs, err := matching()
	if err != nil {
		return err
	}
	var stats map[string]neighStats
	if g.Stats > 0 {
		if stats, err = neighCacheInfo(env, g, family, proxy); err != nil {
			return err
		}
	}
	for i := range neighs {
		n := &neighs[i]
		var st *neighStats
		if stats != nil {
			if v, ok := stats[neighKey(n.LinkIndex, n.IP)]; ok {
				st = &v
			}
		}
		printNeigh(p, n, index == 0, devName, st)
	}
	return p.flush(env.Stdout)
}

// neighFlush deletes what matching returns in rounds, as ipneigh.c does:
// up to 10 rounds, until a dump finds nothing (a FAILED entry is left
// alone after the first round). Under -s it reports the rounds; under
// -s -s it also prints each entry it deletes.
func neighFlush(env *builtins.Env, g *Global, h *netlink.Handle, p *printer, state *int, matching func() ([]netlink.Neigh, error), show func(*netlink.Neigh)) error {
	for round := 0; round < 10; round++ {
		neighs, err := matching()
		if err != nil {
			return err
		}
		if len(neighs) == 0 {
			if g.Stats > 0 {
				if round == 0 {
					p.fp("Nothing to flush.\n")
				} else {
					p.fp("*** Flush is complete after %d round%s ***\n", round, map[bool]string{true: "s"}[round > 1])
				}
			}
			return p.flush(env.Stdout)
		}
		for i := range neighs {
			if g.Stats > 1 {
				show(&neighs[i])
			}
			if err := h.NeighDel(&neighs[i]); err != nil && !errors.Is(err, unix.ENOENT) {
				p.flush(env.Stdout)
				return fmt.Errorf("%w: flushing neighbour %s", err, neighs[i].IP)
			}
		}
		if g.Stats > 0 {
			p.fp("\n*** Round %d, deleting %d entries ***\n", round+1, len(neighs))
		}
		*state &^= unix.NUD_FAILED
	}
	return p.flush(env.Stdout)
}

// printNeigh is print_neigh (ip/ipneigh.c).
func printNeigh(p *printer, n *netlink.Neigh, withDev bool, devName func(int) string, st *neighStats) {
	p.openObject("")
	p.colorAny(familyColor(n.Family), "dst", "%s ", builtins.FormatIP(n.IP))
	if withDev {
		p.fp("dev ")
		p.colorAny(colorIfname, "dev", "%s ", devName(n.LinkIndex))
	}
	if len(n.HardwareAddr) > 0 {
		p.fp("lladdr ")
		p.colorAny(colorMac, "lladdr", "%s ", n.HardwareAddr.String())
	}
	if n.Flags&netlink.NTF_ROUTER != 0 {
		p.fp("router ")
		p.js("router", nil)
	}
	if n.Flags&netlink.NTF_PROXY != 0 {
		p.fp("proxy ")
		p.js("proxy", nil)
	}
	if n.Flags&netlink.NTF_EXT_LEARNED != 0 {
		p.fp("extern_learn ")
		p.js("extern_learn", nil)
	}
	if st != nil {
		if st.hasCache {
			// print_cacheinfo: clock_t values in seconds (USER_HZ 100).
			if st.refcnt != 0 {
				p.any("refcnt", " ref %d", st.refcnt)
			}
			p.any("used", " used %d", st.used/100)
			p.any("confirmed", "/%d", st.confirmed/100)
			p.any("updated", "/%d", st.updated/100)
		}
		if st.hasProbes {
			p.any("probes", "probes %d ", st.probes)
		}
	}
	if n.State != 0 {
		p.openArray("state", "")
		for _, st := range neighStates {
			if n.State&st.bit != 0 {
				p.any("", "%s ", st.name)
			}
		}
		p.close("")
	}
	p.fp("\n")
	p.close("")
}

// neighStats is what "ip -s neigh" adds: NDA_CACHEINFO and NDA_PROBES,
// which package netlink does not parse.
type neighStats struct {
	hasCache                         bool
	confirmed, used, updated, refcnt uint32
	hasProbes                        bool
	probes                           uint32
}

func neighKey(index int, ip net.IP) string { return fmt.Sprintf("%d %s", index, ip) }

// neighCacheInfo dumps the neighbours of g's namespace (RTM_GETNEIGH) and
// returns their cache information by neighKey.
func neighCacheInfo(env *builtins.Env, g *Global, family int, proxy bool) (map[string]neighStats, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETNEIGH, unix.NLM_F_DUMP)
	msg := &netlink.Ndmsg{Family: uint8(family)}
	if proxy {
		msg.Flags = netlink.NTF_PROXY
	}
	req.AddData(msg)
	msgs, err := rawExecute(env, g.NS, req, unix.RTM_NEWNEIGH)
	if err != nil {
		return nil, fmt.Errorf("dumping neighbours: %w", err)
	}
	out := map[string]neighStats{}
	for _, m := range msgs {
		if len(m) < 12 {
			continue
		}
		index := int(int32(binary.LittleEndian.Uint32(m[4:8])))
		a := parseRattrs(m[12:])
		dst, ok := a[unix.NDA_DST]
		if !ok {
			continue
		}
		var st neighStats
		if ci := a[unix.NDA_CACHEINFO]; len(ci) >= 16 {
			st.hasCache = true
			st.confirmed = binary.LittleEndian.Uint32(ci[0:4])
			st.used = binary.LittleEndian.Uint32(ci[4:8])
			st.updated = binary.LittleEndian.Uint32(ci[8:12])
			st.refcnt = binary.LittleEndian.Uint32(ci[12:16])
		}
		if a.has(unix.NDA_PROBES) {
			st.hasProbes, st.probes = true, uint32(a.u32(unix.NDA_PROBES))
		}
		out[neighKey(index, net.IP(dst))] = st
	}
	return out, nil
}

// neighRequest sends the request of "ip neigh add|replace|change|delete"
// as ipneigh_modify builds it (message type cmd with flags) on a socket
// that gets the kernel's extended ack messages.
func neighRequest(env *builtins.Env, g *Global, n *netlink.Neigh, cmd, flags int) error {
	req := nl.NewNetlinkRequest(cmd, flags|unix.NLM_F_ACK)
	req.AddData(&netlink.Ndmsg{Family: uint8(n.Family), Index: uint32(n.LinkIndex), State: uint16(n.State), Flags: uint8(n.Flags)})
	req.AddData(nl.NewRtAttr(unix.NDA_DST, n.IP))
	if len(n.HardwareAddr) > 0 {
		req.AddData(nl.NewRtAttr(unix.NDA_LLADDR, n.HardwareAddr))
	}
	_, err := rawExecute(env, g.NS, req, 0)
	return err
}
