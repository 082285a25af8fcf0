// Package kstate takes a snapshot of the kernel's network state for
// differential tests: a script run under bash with the real iproute2 and
// the same lab run under nsh must leave snapshots that are equal.
//
// A snapshot covers the namespace the process runs in, written ".", and
// every namespace under /run/netns, by name. It is canonical text, one fact
// per line, sorted, so that two snapshots compare as strings and Diff shows
// what differs. It records what a lab script decides and leaves out what
// the kernel chooses at random or numbers in creation order:
//
//   - links: kind, mtu, txqlen, queues, flags (not operstate), alias,
//     promiscuity, master, the veth peer by name and namespace name (found
//     through the netnsid the kernel reports, not by ifindex), the parent
//     of other stacked links, and the bridge options the kernel reports;
//   - addresses with prefix, peer, broadcast, scope, label and the flags a
//     command sets;
//   - routes of every table, with devices by name;
//   - the kind-specific options of every link (IFLA_INFO_DATA and the
//     port options of IFLA_INFO_SLAVE_DATA), by attribute number, but
//     for running timers, MAC-derived identifiers and STP's own state;
//   - policy routing rules of both families, the kernel's defaults too;
//   - permanent and proxy neighbours, and bridge forwarding entries that
//     are static, or permanent for an address that is no link's own.
//
// Left out: ifindexes, netnsids, MAC addresses (random unless set, and a
// snapshot cannot tell which), statistics, dynamic neighbour entries
// (pings create them), the bridge's entries for its ports' own addresses,
// and the IPv6 state the kernel derives from random MACs when a
// link comes up: fe80::/64 addresses, and kernel routes in fe80::/10 and
// ff00::/8.
//
// Snapshot reads the state as it is; links come up asynchronously
// (linkwatch runs up to a second late) and STP takes bridge ports to
// forwarding in steps a forward delay apart, so a test should use
// Settled, which waits until the state stops changing.
package kstate

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/ns"
)

// RunDir is where named namespaces live (iproute2's NETNS_RUN_DIR).
const RunDir = "/run/netns"

// Here is how a snapshot names the namespace the process runs in: "." is a
// name "ip netns add" refuses, so it cannot clash with a named namespace.
const Here = "."

// nsfsMagic is NSFS_MAGIC from linux/magic.h.
const nsfsMagic = 0x6e736673

// space is one namespace being read.
type space struct {
	name   string
	f      *os.File
	p      *rtnl.Pair // its sockets, opened inside it
	h      *netlink.Handle
	links  map[int]netlink.Link // by ifindex
	byName map[string]netlink.Link
	nsids  map[int]string // netnsid as seen from here -> namespace name
}

// Snapshot returns the canonical text of the network state of the process's
// namespace (/proc/self/ns/net, written ".") and of every namespace under
// /run/netns. See the package comment for what it contains.
func Snapshot() (string, error) {
	text, _, err := snapshot()
	return text, err
}

// snapshot returns the snapshot and whether the kernel is still busy with
// it: an IPv6 address it shows is tentative on a link that has carrier, so
// duplicate address detection will soon add its local route; or a bridge
// port is listening or learning, on its way to forwarding (see
// linkInfoFacts).
func snapshot() (string, bool, error) {
	var lines []string
	busy := false
	add := func(format string, a ...any) { lines = append(lines, fmt.Sprintf(format, a...)) }

	spaces, err := openSpaces(add)
	defer func() {
		for _, s := range spaces {
			if s.p != nil {
				s.p.Close()
			}
			s.f.Close()
		}
	}()
	if err != nil {
		return "", false, err
	}
	host, err := ns.NewHost()
	if err != nil {
		return "", false, err
	}
	defer host.Close()
	for _, s := range spaces {
		// The sockets are opened inside the namespace of s.f, through the
		// descriptor: its name may change meanwhile.
		r := ns.Ref{Path: "/proc/self/fd/" + strconv.Itoa(int(s.f.Fd()))}
		if s.p, err = rtnl.OpenPair(host, r); err != nil {
			return "", false, fmt.Errorf("netns %s: %w", s.name, err)
		}
		s.h = s.p.Handle
		links, err := rtnl.Retry(s.h.LinkList)
		if err != nil {
			return "", false, fmt.Errorf("netns %s: list links: %w", s.name, err)
		}
		s.links = map[int]netlink.Link{}
		s.byName = map[string]netlink.Link{}
		for _, l := range links {
			s.links[l.Attrs().Index] = l
			s.byName[l.Attrs().Name] = l
		}
	}
	// netnsids are per namespace: ask each namespace which id it gave to
	// each other one. The query does not assign ids.
	for _, a := range spaces {
		a.nsids = map[int]string{}
		for _, b := range spaces {
			if a == b {
				continue
			}
			id, err := a.h.GetNetNsIdByFd(int(b.f.Fd()))
			if err != nil {
				return "", false, fmt.Errorf("netns %s: netnsid of %s: %w", a.name, b.name, err)
			}
			if id >= 0 {
				a.nsids[id] = b.name
			}
		}
	}
	byName := map[string]*space{}
	for _, s := range spaces {
		byName[s.name] = s
	}
	for _, s := range spaces {
		add("%s netns", q(s.name))
		for _, l := range s.links {
			linkFacts(s, byName, l, add)
		}
		b, err := addrFacts(s, add)
		if err != nil {
			return "", false, err
		}
		busy = busy || b
		if err := routeFacts(s, add); err != nil {
			return "", false, err
		}
		b, err = linkInfoFacts(s, add)
		if err != nil {
			return "", false, err
		}
		busy = busy || b
		if err := ruleFacts(s, add); err != nil {
			return "", false, err
		}
		if err := neighFacts(s, add); err != nil {
			return "", false, err
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n", busy, nil
}

// Settled takes snapshots every 200ms until one has stayed the same for
// quiet (at least 1.2s if shorter, to outlast linkwatch's one-second
// batching), no IPv6 address it shows is still in duplicate address
// detection and no bridge port is still listening or learning on its way
// to forwarding (STP moves a port on every forward delay, seconds apart),
// and returns it. After timeout it returns the latest snapshot
// and an error saying the state kept changing.
func Settled(quiet, timeout time.Duration) (string, error) {
	if quiet < 1200*time.Millisecond {
		quiet = 1200 * time.Millisecond
	}
	start := time.Now()
	prev, _, err := snapshot()
	if err != nil {
		return "", err
	}
	since := time.Now()
	for {
		time.Sleep(200 * time.Millisecond)
		cur, busy, err := snapshot()
		if err != nil {
			return "", err
		}
		if cur != prev {
			prev, since = cur, time.Now()
		} else if !busy && time.Since(since) >= quiet {
			return cur, nil
		}
		if time.Since(start) > timeout {
			return cur, fmt.Errorf("network state still changing after %v", timeout)
		}
	}
}

// Diff compares two snapshots line by line and returns the lines only in
// a prefixed "- " and those only in b prefixed "+ ", in sorted order, or
// "" when they hold the same facts.
func Diff(a, b string) string {
	split := func(s string) []string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
		sort.Strings(out)
		return out
	}
	x, y := split(a), split(b)
	var sb strings.Builder
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case j == len(y) || (i < len(x) && x[i] < y[j]):
			sb.WriteString("- " + x[i] + "\n")
			i++
		case i == len(x) || y[j] < x[i]:
			sb.WriteString("+ " + y[j] + "\n")
			j++
		default:
			i++
			j++
		}
	}
	return sb.String()
}

// openSpaces opens "." and every namespace file under RunDir, one space per
// distinct namespace; further names of the same namespace become facts.
func openSpaces(add func(string, ...any)) ([]*space, error) {
	var spaces []*space
	type key struct{ dev, ino uint64 }
	seen := map[key]string{}
	open := func(name, path string) error {
		f, err := os.OpenFile(path, os.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		var sfs unix.Statfs_t
		var st unix.Stat_t
		if err := unix.Fstatfs(int(f.Fd()), &sfs); err != nil {
			f.Close()
			return err
		}
		if uint64(sfs.Type) != nsfsMagic {
			f.Close()
			add("%s netns not-a-namespace-file", q(name))
			return nil
		}
		if err := unix.Fstat(int(f.Fd()), &st); err != nil {
			f.Close()
			return err
		}
		k := key{st.Dev, st.Ino}
		if other, ok := seen[k]; ok {
			f.Close()
			add("%s netns same-as %s", q(name), q(other))
			return nil
		}
		seen[k] = name
		spaces = append(spaces, &space{name: name, f: f})
		return nil
	}
	// The calling thread's namespace: /proc/self is the main thread's
	// (HAZARDS #3), so read /proc/thread-self with the thread locked.
	runtime.LockOSThread()
	err := open(Here, "/proc/thread-self/ns/net")
	runtime.UnlockOSThread()
	if err != nil {
		return spaces, err
	}
	ents, err := os.ReadDir(RunDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return spaces, err
	}
	for _, e := range ents {
		if e.Type()&os.ModeSymlink != 0 {
			add("%s netns symlink", q(e.Name()))
		}
		if err := open(e.Name(), filepath.Join(RunDir, e.Name())); err != nil {
			// An unmounted placeholder (a failed "ip netns add") or a
			// dangling link: record it rather than fail.
			add("%s netns unusable", q(e.Name()))
		}
	}
	return spaces, nil
}

// q quotes a name read from the kernel when it holds anything but plain
// printable characters, so a hostile name cannot forge lines or fields.
func q(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if r <= ' ' || r == '"' || r == '\\' || r >= 0x7f {
			return strconv.Quote(s)
		}
	}
	return s
}

// linkFlagNames are the interface flags in the order "ip link" prints them
// (RUNNING is left out, as ip does).
var linkFlagNames = []struct {
	bit  uint32
	name string
}{
	{unix.IFF_LOOPBACK, "LOOPBACK"},
	{unix.IFF_BROADCAST, "BROADCAST"},
	{unix.IFF_POINTOPOINT, "POINTOPOINT"},
	{unix.IFF_MULTICAST, "MULTICAST"},
	{unix.IFF_NOARP, "NOARP"},
	{unix.IFF_ALLMULTI, "ALLMULTI"},
	{unix.IFF_PROMISC, "PROMISC"},
	{unix.IFF_NOTRAILERS, "NOTRAILERS"},
	{unix.IFF_UP, "UP"},
	{unix.IFF_LOWER_UP, "LOWER_UP"},
	{unix.IFF_DORMANT, "DORMANT"},
	{unix.IFF_ECHO, "ECHO"},
	{unix.IFF_MASTER, "MASTER"},
	{unix.IFF_SLAVE, "SLAVE"},
	{unix.IFF_DYNAMIC, "DYNAMIC"},
}

// linkFacts adds the facts of one link.
func linkFacts(s *space, spaces map[string]*space, l netlink.Link, add func(string, ...any)) {
	a := l.Attrs()
	p := q(s.name) + " link " + q(a.Name)
	add("%s kind %s", p, l.Type())
	add("%s mtu %d", p, a.MTU)
	add("%s txqlen %d", p, a.TxQLen)
	add("%s queues tx %d rx %d", p, a.NumTxQueues, a.NumRxQueues)
	var flags []string
	for _, f := range linkFlagNames {
		if a.RawFlags&f.bit != 0 {
			flags = append(flags, f.name)
		}
	}
	add("%s flags <%s>", p, strings.Join(flags, ","))
	// No operstate: the kernel's linkwatch sometimes leaves a veth end
	// whose peer came up a moment later at DOWN although it has carrier
	// (LOWER_UP), under bash+ip as under nsh, so it is not a fact of the
	// lab. The UP and LOWER_UP flags above are.
	add("%s promiscuity %d", p, a.Promisc)
	if a.Group != 0 {
		add("%s group %d", p, a.Group)
	}
	if a.Alias != "" {
		add("%s alias %s", p, q(a.Alias))
	}
	for _, alt := range a.AltNames {
		add("%s altname %s", p, q(alt))
	}
	if a.MasterIndex != 0 {
		add("%s master %s", p, q(nameIn(s, a.MasterIndex)))
	}
	if a.ParentIndex != 0 && (a.ParentIndex != a.Index || a.NetNsID >= 0) {
		other := s
		where := s.name
		if a.NetNsID >= 0 {
			name, ok := s.nsids[a.NetNsID]
			if !ok {
				other, where = nil, "(unnamed)"
			} else {
				other, where = spaces[name], name
			}
		}
		peer := "?"
		if other != nil {
			peer = nameIn(other, a.ParentIndex)
		}
		word := "link"
		if l.Type() == "veth" {
			word = "peer"
		}
		add("%s %s %s netns %s", p, word, q(peer), q(where))
	}
	if br, ok := l.(*netlink.Bridge); ok {
		if br.MulticastSnooping != nil {
			add("%s bridge mcast_snooping %t", p, *br.MulticastSnooping)
		}
		// ageing_time: the raw "info bridge 4" fact, which says when a
		// topology change makes it the forward delay for a while.
		if br.HelloTime != nil {
			add("%s bridge hello_time %d", p, *br.HelloTime)
		}
		if br.VlanFiltering != nil {
			add("%s bridge vlan_filtering %t", p, *br.VlanFiltering)
		}
		if br.VlanDefaultPVID != nil {
			add("%s bridge vlan_default_pvid %d", p, *br.VlanDefaultPVID)
		}
		if br.GroupFwdMask != nil {
			add("%s bridge group_fwd_mask %#x", p, *br.GroupFwdMask)
		}
	}
}

// nameIn returns the name of link index in s, or "?INDEX".
func nameIn(s *space, index int) string {
	if l, ok := s.links[index]; ok {
		return l.Attrs().Name
	}
	return "?" + strconv.Itoa(index)
}

var (
	_, linkLocal6, _ = net.ParseCIDR("fe80::/10")
	_, multicast6, _ = net.ParseCIDR("ff00::/8")
)

// scopeName names an address or route scope as iproute2 does.
func scopeName(sc int) string {
	switch sc {
	case unix.RT_SCOPE_UNIVERSE:
		return "global"
	case unix.RT_SCOPE_SITE:
		return "site"
	case unix.RT_SCOPE_LINK:
		return "link"
	case unix.RT_SCOPE_HOST:
		return "host"
	case unix.RT_SCOPE_NOWHERE:
		return "nowhere"
	}
	return strconv.Itoa(sc)
}

// addrFlagNames are the address flags a command chooses; the DAD states
// (tentative, optimistic, dadfailed, deprecated) change on their own.
var addrFlagNames = []struct {
	bit  int
	name string
}{
	{unix.IFA_F_SECONDARY, "secondary"},
	{unix.IFA_F_NODAD, "nodad"},
	{unix.IFA_F_HOMEADDRESS, "home"},
	{unix.IFA_F_MANAGETEMPADDR, "mngtmpaddr"},
	{unix.IFA_F_NOPREFIXROUTE, "noprefixroute"},
	{unix.IFA_F_MCAUTOJOIN, "autojoin"},
}

// addrFacts adds one line per address, and reports whether one of them is
// tentative on a link with carrier (DAD still running).
func addrFacts(s *space, add func(string, ...any)) (busy bool, err error) {
	addrs, err := rtnl.Retry(func() ([]netlink.Addr, error) { return s.h.AddrList(nil, netlink.FAMILY_ALL) })
	if err != nil {
		return false, fmt.Errorf("netns %s: list addresses: %w", s.name, err)
	}
	for _, a := range addrs {
		ones, _ := a.Mask.Size()
		if a.IP.To4() == nil && linkLocal6.Contains(a.IP) && ones == 64 {
			continue // derived from a random MAC when the link came up
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s addr %s %s/%d", q(s.name), q(nameIn(s, a.LinkIndex)), a.IP, ones)
		if a.Peer != nil && !a.Peer.IP.Equal(a.IP) {
			fmt.Fprintf(&b, " peer %s", a.Peer)
		}
		if a.Broadcast != nil {
			fmt.Fprintf(&b, " brd %s", a.Broadcast)
		}
		fmt.Fprintf(&b, " scope %s", scopeName(a.Scope))
		if a.Label != "" {
			fmt.Fprintf(&b, " label %s", q(a.Label))
		}
		for _, f := range addrFlagNames {
			if a.Flags&f.bit != 0 {
				b.WriteString(" " + f.name)
			}
		}
		if a.Flags&unix.IFA_F_PERMANENT == 0 {
			b.WriteString(" dynamic")
		}
		add("%s", b.String())
		if l, ok := s.links[a.LinkIndex]; ok && a.Flags&unix.IFA_F_TENTATIVE != 0 && a.Flags&unix.IFA_F_DADFAILED == 0 {
			const carrier = unix.IFF_UP | unix.IFF_LOWER_UP
			busy = busy || l.Attrs().RawFlags&carrier == carrier
		}
	}
	return busy, nil
}

var tableNames = map[int]string{
	unix.RT_TABLE_MAIN:    "main",
	unix.RT_TABLE_LOCAL:   "local",
	unix.RT_TABLE_DEFAULT: "default",
}

var typeNames = map[int]string{
	unix.RTN_UNICAST:     "unicast",
	unix.RTN_LOCAL:       "local",
	unix.RTN_BROADCAST:   "broadcast",
	unix.RTN_ANYCAST:     "anycast",
	unix.RTN_MULTICAST:   "multicast",
	unix.RTN_BLACKHOLE:   "blackhole",
	unix.RTN_UNREACHABLE: "unreachable",
	unix.RTN_PROHIBIT:    "prohibit",
	unix.RTN_THROW:       "throw",
	unix.RTN_NAT:         "nat",
	unix.RTN_XRESOLVE:    "xresolve",
}

var protoNames = map[int]string{
	unix.RTPROT_UNSPEC:   "unspec",
	unix.RTPROT_REDIRECT: "redirect",
	unix.RTPROT_KERNEL:   "kernel",
	unix.RTPROT_BOOT:     "boot",
	unix.RTPROT_STATIC:   "static",
	unix.RTPROT_RA:       "ra",
	unix.RTPROT_DHCP:     "dhcp",
}

// name returns m[v], or v as a number.
func name(m map[int]string, v int) string {
	if s, ok := m[v]; ok {
		return s
	}
	return strconv.Itoa(v)
}

// nhFlags prints the next-hop flags of a route.
func nhFlags(f int) string {
	var out []string
	for _, x := range []struct {
		bit  int
		name string
	}{
		{unix.RTNH_F_DEAD, "dead"},
		{unix.RTNH_F_PERVASIVE, "pervasive"},
		{unix.RTNH_F_ONLINK, "onlink"},
		{unix.RTNH_F_LINKDOWN, "linkdown"},
	} {
		if f&x.bit != 0 {
			out = append(out, x.name)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " " + strings.Join(out, " ")
}

// routeFacts adds one line per route of every table.
func routeFacts(s *space, add func(string, ...any)) error {
	routes, err := rtnl.Retry(func() ([]netlink.Route, error) {
		return s.h.RouteListFiltered(netlink.FAMILY_ALL, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
	})
	if err != nil {
		return fmt.Errorf("netns %s: list routes: %w", s.name, err)
	}
	for _, r := range routes {
		dst := "default"
		if r.Dst != nil {
			if ones, _ := r.Dst.Mask.Size(); ones != 0 || !r.Dst.IP.IsUnspecified() {
				dst = r.Dst.String()
				if r.Family == unix.AF_INET6 && r.Protocol == unix.RTPROT_KERNEL &&
					(linkLocal6.Contains(r.Dst.IP) || multicast6.Contains(r.Dst.IP)) {
					continue // follows the links' random MACs and timing
				}
			}
		}
		fam := "inet"
		if r.Family == unix.AF_INET6 {
			fam = "inet6"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s route %s table %s %s %s", q(s.name), fam, name(tableNames, r.Table), name(typeNames, r.Type), dst)
		if r.Gw != nil {
			fmt.Fprintf(&b, " via %s", r.Gw)
		}
		if r.Via != nil {
			fmt.Fprintf(&b, " via %s", r.Via)
		}
		if r.LinkIndex != 0 {
			fmt.Fprintf(&b, " dev %s", q(nameIn(s, r.LinkIndex)))
		}
		if r.Src != nil {
			fmt.Fprintf(&b, " src %s", r.Src)
		}
		fmt.Fprintf(&b, " proto %s scope %s metric %d", name(protoNames, int(r.Protocol)), scopeName(int(r.Scope)), r.Priority)
		if r.Tos != 0 {
			fmt.Fprintf(&b, " tos %#x", r.Tos)
		}
		if r.MTU != 0 {
			fmt.Fprintf(&b, " mtu %d", r.MTU)
		}
		if r.Encap != nil {
			fmt.Fprintf(&b, " encap %s", r.Encap)
		}
		b.WriteString(nhFlags(r.Flags))
		var hops []string
		for _, nh := range r.MultiPath {
			h := "nexthop"
			if nh.Gw != nil {
				h += " via " + nh.Gw.String()
			}
			if nh.LinkIndex != 0 {
				h += " dev " + q(nameIn(s, nh.LinkIndex))
			}
			h += fmt.Sprintf(" weight %d", nh.Hops+1) + nhFlags(nh.Flags)
			hops = append(hops, h)
		}
		sort.Strings(hops)
		for _, h := range hops {
			b.WriteString(" " + h)
		}
		add("%s", b.String())
	}
	return nil
}
