package builtins

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/ns"
)

// lookupLink finds link name in namespace r: nil if there is none.
func (e *Env) lookupLink(r ns.Ref, name string) (netlink.Link, *netlink.Handle, error) {
	h, err := e.Handle(r)
	if err != nil {
		return nil, nil, err
	}
	l, err := h.LinkByName(name)
	var nf netlink.LinkNotFoundError
	if errors.As(err, &nf) {
		return nil, h, nil
	}
	return l, h, err
}

// LinkAddIntent is the Intent of creating link name of type kind in
// namespace at (a veth with peer in peerAt): under Ensure a link of that
// name, kind and peer is the one asked for.
func (e *Env) LinkAddIntent(at ns.Ref, name, kind string, peerAt ns.Ref, peer string) Intent {
	obj := fmt.Sprintf("link %s (%s)", name, kind)
	if peer != "" {
		obj = fmt.Sprintf("link %s (veth, peer %s", name, peer)
		if NSName(peerAt) != NSName(at) {
			obj += " in " + Describe(peerAt)
		}
		obj += ")"
	}
	return Intent{Action: ActCreate, NS: at, Object: obj,
		Have: func() (bool, string, error) {
			l, h, err := e.lookupLink(at, name)
			if err != nil {
				return false, "", err
			}
			if l == nil {
				return e.movedEnd(at, name, kind, peerAt, peer)
			}
			if t := l.Type(); kind != "" && t != kind && !(kind == "tap" || kind == "tun") {
				return false, fmt.Sprintf("it is a %s, not a %s", t, kind), nil
			}
			if tt, ok := l.(*netlink.Tuntap); ok && (kind == "tap" || kind == "tun") {
				if (tt.Mode == netlink.TUNTAP_MODE_TAP) != (kind == "tap") {
					return false, fmt.Sprintf("it is not a %s", kind), nil
				}
			} else if kind == "tap" || kind == "tun" {
				return false, fmt.Sprintf("it is a %s, not a %s", l.Type(), kind), nil
			}
			if peer == "" || kind != "veth" {
				return true, "", nil
			}
			return true, e.vethPeerDiffers(h, l, at, peerAt, peer), nil
		},
		Planned: func(o Overlay) (bool, bool) { return o.Link(NSName(at), name) },
		Effect: func(o Overlay) {
			o.AddLink(NSName(at), name, true)
			if peer != "" {
				o.AddLink(NSName(peerAt), peer, true)
				o.AddPair(NSName(at), name, NSName(peerAt), peer)
			}
		}}
}

// vethPeerDiffers says how the peer of veth l (in namespace at, reached
// through h) is not peer in peerAt, or "". A peer moved to another
// namespace since it was created here is taken as the one asked for.
func (e *Env) vethPeerDiffers(h *netlink.Handle, l netlink.Link, at, peerAt ns.Ref, peer string) string {
	a := l.Attrs()
	peerIndex := a.ParentIndex
	if peerIndex == 0 {
		return "" // not known
	}
	if a.NetNsID < 0 {
		p, err := h.LinkByIndex(peerIndex)
		if err != nil {
			return ""
		}
		if NSName(peerAt) != NSName(at) {
			return fmt.Sprintf("its peer %s is in %s, not in %s", p.Attrs().Name, Describe(at), Describe(peerAt))
		}
		if p.Attrs().Name != peer {
			return fmt.Sprintf("its peer is %s, not %s", p.Attrs().Name, peer)
		}
		return ""
	}
	if NSName(peerAt) == NSName(at) {
		// Moved away since: a later "ip link set PEER netns" is done.
		e.State.movedVeth(NSName(at), peer, a.Index)
		return ""
	}
	p, _, err := e.lookupLink(peerAt, peer)
	if err != nil {
		return ""
	}
	if p == nil || p.Attrs().ParentIndex != a.Index || p.Type() != "veth" {
		return fmt.Sprintf("its peer is not %s in %s", peer, Describe(peerAt))
	}
	return ""
}

// Describe names namespace r in messages: "namespace NAME", or "the
// start namespace".
func Describe(r ns.Ref) string {
	if n := NSName(r); n != "" {
		return "namespace " + n
	}
	return "the start namespace"
}

// LinkDelIntent is the Intent of deleting link name in namespace at:
// under Ensure a link that is gone is deleted.
func (e *Env) LinkDelIntent(at ns.Ref, name string) Intent {
	return Intent{Action: ActDelete, NS: at, Object: "link " + name,
		Have: func() (bool, string, error) {
			l, _, err := e.lookupLink(at, name)
			return l == nil && err == nil, "", err
		},
		Planned: func(o Overlay) (bool, bool) {
			p, known := o.Link(NSName(at), name)
			return !p, known
		},
		Effect: func(o Overlay) { o.RemoveLink(NSName(at), name, e.livePeer(at, name)) }}
}

// livePeer names the veth peer, in the kernel, of link name in namespace
// at ("NS\x00NAME"), or "".
func (e *Env) livePeer(at ns.Ref, name string) string {
	l, _, err := e.lookupLink(at, name)
	if err != nil || l == nil || l.Type() != "veth" || l.Attrs().ParentIndex == 0 {
		return ""
	}
	return e.peerOf(at, l)
}

// peerOf names the veth peer of l, a link of namespace at, as
// "NS\x00NAME": in at, or in a named namespace whose veth has l for
// peer. "" if it is not found.
func (e *Env) peerOf(at ns.Ref, l netlink.Link) string {
	a := l.Attrs()
	if a.NetNsID < 0 {
		h, err := e.Handle(at)
		if err != nil {
			return ""
		}
		if p, err := h.LinkByIndex(a.ParentIndex); err == nil {
			return NSName(at) + "\x00" + p.Attrs().Name
		}
		return ""
	}
	names, err := e.Host.List()
	if err != nil {
		return ""
	}
	for _, n := range append([]string{""}, names...) {
		if n == NSName(at) {
			continue
		}
		h, err := e.Handle(ns.Ref{Name: n})
		if err != nil {
			continue
		}
		p, err := h.LinkByIndex(a.ParentIndex)
		if err == nil && p.Type() == "veth" && p.Attrs().ParentIndex == a.Index && p.Attrs().NetNsID >= 0 {
			return n + "\x00" + p.Attrs().Name
		}
	}
	return ""
}

// NetnsPeers names the veth peers, in other namespaces, of the links of
// namespace name (for a plan deleting it: they go with it).
func (e *Env) NetnsPeers(name string) []string {
	r := ns.Ref{Name: name}
	h, err := e.Handle(r)
	if err != nil {
		return nil
	}
	ls, err := h.LinkList()
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range ls {
		if l.Type() == "veth" && l.Attrs().NetNsID >= 0 {
			if p := e.peerOf(r, l); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// movedEnd answers Have for a veth pair whose first end, name, is not in
// namespace at: the pair is there if its peer is, with its other end in
// another namespace (moved there by an earlier run, which a later "ip
// link set NAME netns" of this run will find done).
func (e *Env) movedEnd(at ns.Ref, name, kind string, peerAt ns.Ref, peer string) (bool, string, error) {
	if kind != "veth" || peer == "" || NSName(peerAt) != NSName(at) {
		return false, "", nil
	}
	p, _, err := e.lookupLink(peerAt, peer)
	if err != nil || p == nil {
		return false, "", err
	}
	if p.Type() != "veth" || p.Attrs().NetNsID < 0 {
		return false, fmt.Sprintf("%s exists and is not the peer of a %s moved away", peer, name), nil
	}
	e.State.movedVeth(NSName(at), name, p.Attrs().Index)
	return true, "", nil
}
