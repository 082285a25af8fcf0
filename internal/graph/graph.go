// Package graph reads a lab's topology from the live kernel ("nsh
// graph") and prints it as text, Graphviz dot or Mermaid.
//
// The namespaces are the one nsh runs in (written ".") and every named
// one; the nodes are their links (lo only when it carries an address of
// its own), labelled with kind, state and addresses (IPv6 link-local ones
// left out: the kernel derives them from random MACs); the edges are veth
// pairs, found across namespaces through the netnsid the kernel reports
// for the peer, bridge (or other master) to port, a stacked link to the
// link it sits on (macvlan, vxlan's dev), and a vxlan to its remote: the
// link that holds the remote address when it is in the graph, else a node
// of its own for the remote or the multicast group. A veth whose peer is
// in a namespace without a name is joined to a node for that namespace.
package graph

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/ns"
)

// Graph is a topology.
type Graph struct {
	Namespaces []*Namespace
	// Remotes are vxlan remotes and groups that are no link's address in
	// the graph, and namespaces without a name that hold a veth's peer.
	Remotes []*Node
	Edges   []Edge
}

// Namespace is one network namespace and its links.
type Namespace struct {
	// Name is the namespace's name, "." for the one nsh runs in.
	Name  string
	Nodes []*Node
}

// Node is a link, or a vxlan remote outside the graph.
type Node struct {
	// ID is "NS/LINK", "remote:ADDR" / "group:ADDR", or
	// "unnamed:NS/NSID" for a namespace without a name, as NS numbers it.
	ID    string
	NS    string
	Name  string
	Kind  string // link kind: veth, bridge, vxlan, ...; "remote", "group" or "unnamed"
	Up    bool
	Addrs []string // ADDR/PREFIX
	// Info is the kind's details worth a label (vxlan id, remote, ...).
	Info []string
}

// Edge kinds.
const (
	Veth  = "veth"  // a veth pair, both ends
	Port  = "port"  // From is the master (bridge), To the port
	Lower = "lower" // From is a stacked link, To the link it sits on
	Vxlan = "vxlan" // From is a vxlan, To its remote or group
)

// Edge joins two nodes by ID.
type Edge struct {
	From, To string
	Kind     string
}

// space is a namespace being read.
type space struct {
	ns    *Namespace
	ref   ns.Ref
	h     *netlink.Handle
	links map[int]netlink.Link
	nsids map[int]*space // netnsid as this namespace numbers the others
	node  map[int]*Node  // by ifindex
	order []int          // the ifindexes of the nodes, in order
}

// Read reads the topology of every namespace host knows.
func Read(host *ns.Host) (*Graph, error) {
	st := builtins.NewState(host)
	defer st.Close()
	names, err := host.List()
	if err != nil {
		return nil, fmt.Errorf("listing namespaces: %w", err)
	}
	slices.Sort(names)
	refs := []ns.Ref{ns.Start()}
	for _, n := range names {
		r, err := host.Named(n)
		if err != nil {
			continue
		}
		refs = append(refs, r)
	}
	var spaces []*space
	seen := map[ns.Key]bool{}
	for _, r := range refs {
		k, err := host.Key(r)
		if err != nil || seen[k] {
			continue // a placeholder, or a second name of one namespace
		}
		seen[k] = true
		h, release, err := st.Acquire(r)
		if err != nil {
			return nil, err
		}
		defer release()
		spaces = append(spaces, &space{ns: &Namespace{Name: r.String()}, ref: r, h: h})
	}
	g := &Graph{}
	for _, s := range spaces {
		links, err := builtins.Retry(s.h.LinkList)
		if err != nil {
			return nil, fmt.Errorf("%s: listing links: %w", s.ref.Describe(), err)
		}
		s.links = map[int]netlink.Link{}
		s.node = map[int]*Node{}
		for _, l := range links {
			s.links[l.Attrs().Index] = l
		}
		if err := s.readNodes(); err != nil {
			return nil, err
		}
		g.Namespaces = append(g.Namespaces, s.ns)
	}
	for _, a := range spaces {
		a.nsids = map[int]*space{}
		for _, b := range spaces {
			if a == b {
				continue
			}
			f, err := host.Open(b.ref)
			if err != nil {
				return nil, err
			}
			id, err := a.h.GetNetNsIdByFd(int(f.Fd()))
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: netnsid of %s: %w", a.ref.Describe(), b.ref.Describe(), err)
			}
			if id >= 0 {
				a.nsids[id] = b
			}
		}
	}
	g.edges(spaces)
	g.Edges = slices.Compact(g.Edges)
	return g, nil
}

// readNodes makes the nodes of s's links, with their addresses.
func (s *space) readNodes() error {
	addrs, err := builtins.Retry(func() ([]netlink.Addr, error) { return s.h.AddrList(nil, unix.AF_UNSPEC) })
	if err != nil {
		return fmt.Errorf("%s: listing addresses: %w", s.ref.Describe(), err)
	}
	byLink := map[int][]string{}
	for _, a := range addrs {
		if a.IP.IsLinkLocalUnicast() && a.IP.To4() == nil {
			continue
		}
		byLink[a.LinkIndex] = append(byLink[a.LinkIndex], a.IPNet.String())
	}
	idx := make([]int, 0, len(s.links))
	for i := range s.links {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	for _, i := range idx {
		l := s.links[i]
		a := l.Attrs()
		own := byLink[i]
		if a.Flags&net.FlagLoopback != 0 {
			own = slices.DeleteFunc(own, func(s string) bool { return s == "127.0.0.1/8" || s == "::1/128" })
			if len(own) == 0 {
				continue
			}
		}
		n := &Node{ID: s.ns.Name + "/" + a.Name, NS: s.ns.Name, Name: a.Name, Kind: l.Type(), Up: a.Flags&net.FlagUp != 0, Addrs: own}
		if a.Flags&net.FlagLoopback != 0 {
			n.Kind = "loopback" // netlink says "device"
		}
		if v, ok := l.(*netlink.Vxlan); ok {
			n.Info = vxlanInfo(v, s.links)
		}
		s.node[i] = n
		s.order = append(s.order, i)
		s.ns.Nodes = append(s.ns.Nodes, n)
	}
	return nil
}

// vxlanInfo describes a vxlan as "ip -d link" words.
func vxlanInfo(v *netlink.Vxlan, links map[int]netlink.Link) []string {
	var w []string
	if v.FlowBased {
		w = append(w, "external")
	} else {
		w = append(w, fmt.Sprintf("id %d", v.VxlanId))
	}
	if v.Group != nil && !v.Group.IsUnspecified() {
		if v.Group.IsMulticast() {
			w = append(w, "group "+v.Group.String())
		} else {
			w = append(w, "remote "+v.Group.String())
		}
	}
	if v.SrcAddr != nil && !v.SrcAddr.IsUnspecified() {
		w = append(w, "local "+v.SrcAddr.String())
	}
	if l, ok := links[v.VtepDevIndex]; ok && v.VtepDevIndex != 0 {
		w = append(w, "dev "+l.Attrs().Name)
	}
	if v.Port != 0 {
		w = append(w, fmt.Sprintf("dstport %d", v.Port))
	}
	return w
}

// edges finds the edges among the nodes of spaces.
func (g *Graph) edges(spaces []*space) {
	byAddr := map[string]string{} // address -> node ID
	for _, s := range spaces {
		for _, n := range s.ns.Nodes {
			for _, a := range n.Addrs {
				ip, _, _ := strings.Cut(a, "/")
				if _, dup := byAddr[ip]; !dup {
					byAddr[ip] = n.ID
				}
			}
		}
	}
	vethSeen := map[[2]string]bool{}
	remotes := map[string]*Node{}
	for _, s := range spaces {
		for _, i := range s.order {
			n, l := s.node[i], s.links[i]
			a := l.Attrs()
			if m, ok := s.node[a.MasterIndex]; ok && a.MasterIndex != 0 {
				g.Edges = append(g.Edges, Edge{From: m.ID, To: n.ID, Kind: Port})
			}
			if a.ParentIndex != 0 && a.ParentIndex != a.Index || a.NetNsID >= 0 {
				other := s
				if a.NetNsID >= 0 {
					other = s.nsids[a.NetNsID]
				}
				if other == nil && l.Type() == "veth" {
					// The peer is in a namespace with no name (a
					// container's, say): a node of its own, outside.
					id := fmt.Sprintf("unnamed:%s/%d", s.ns.Name, a.NetNsID)
					if remotes[id] == nil {
						remotes[id] = &Node{ID: id, Name: fmt.Sprintf("netnsid %d of %s", a.NetNsID, s.ns.Name), Kind: "unnamed", Up: true}
						g.Remotes = append(g.Remotes, remotes[id])
					}
					g.Edges = append(g.Edges, Edge{From: n.ID, To: id, Kind: Veth})
				}
				if other != nil {
					if p, ok := other.node[a.ParentIndex]; ok {
						if l.Type() == "veth" {
							k := [2]string{min(n.ID, p.ID), max(n.ID, p.ID)}
							if !vethSeen[k] {
								vethSeen[k] = true
								g.Edges = append(g.Edges, Edge{From: k[0], To: k[1], Kind: Veth})
							}
						} else {
							g.Edges = append(g.Edges, Edge{From: n.ID, To: p.ID, Kind: Lower})
						}
					}
				}
			}
			v, ok := l.(*netlink.Vxlan)
			if !ok {
				continue
			}
			if d, ok := s.node[v.VtepDevIndex]; ok && v.VtepDevIndex != 0 {
				g.Edges = append(g.Edges, Edge{From: n.ID, To: d.ID, Kind: Lower})
			}
			if v.Group == nil || v.Group.IsUnspecified() {
				continue
			}
			to, ok := byAddr[v.Group.String()]
			if !ok || v.Group.IsMulticast() {
				kind := "remote"
				if v.Group.IsMulticast() {
					kind = "group"
				}
				to = kind + ":" + v.Group.String()
				if remotes[to] == nil {
					remotes[to] = &Node{ID: to, Name: v.Group.String(), Kind: kind, Up: true}
					g.Remotes = append(g.Remotes, remotes[to])
				}
			}
			g.Edges = append(g.Edges, Edge{From: n.ID, To: to, Kind: Vxlan})
		}
	}
}

// ErrNoDot is returned by Render when Graphviz's dot is not installed.
var ErrNoDot = errors.New("rendering needs Graphviz's dot: apt-get install graphviz")
