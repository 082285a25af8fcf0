package iproute

import (
	"encoding/binary"
	"net"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// Package netlink takes an IPv4-mapped IPv6 address (::ffff:a.b.c.d) for
// an IPv4 one (nl.GetIPFamily: To4 is not nil) and sends it as 4 bytes in
// an AF_INET request. For routes and rules with such an address, the
// requests below are the ones package netlink sends for IPv6
// (prepareRouteReq, ruleHandle), for the attributes ip route and ip rule
// set, with the addresses in 16 bytes.

// ip16 is an address as the 16 bytes of an IPv6 request.
func ip16(ip net.IP) []byte { return ip.To16() }

// u32 is a 4-byte attribute value in host order, as netlink wants it.
func u32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

// routeMapped reports whether r has an IPv4-mapped IPv6 destination,
// source or gateway.
func routeMapped(rt *netlink.Route) bool {
	if rt.Dst != nil && builtins.IsMapped(rt.Dst.IP) || builtins.IsMapped(rt.Src) || builtins.IsMapped(rt.Gw) {
		return true
	}
	for _, nh := range rt.MultiPath {
		if builtins.IsMapped(nh.Gw) {
			return true
		}
	}
	return false
}

// routeRequest sends the request of "ip route VERB" for an IPv6 route
// (see routeMapped).
func routeRequest(env *builtins.Env, g *Global, verb string, rt *netlink.Route) error {
	typ, flags := unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL
	msg := nl.NewRtMsg()
	switch verb {
	case "change":
		flags = unix.NLM_F_REPLACE
	case "replace":
		flags = unix.NLM_F_CREATE | unix.NLM_F_REPLACE
	case "prepend":
		flags = unix.NLM_F_CREATE
	case "append":
		flags = unix.NLM_F_CREATE | unix.NLM_F_APPEND
	case "delete":
		typ, flags, msg = unix.RTM_DELROUTE, 0, nl.NewRtDelMsg()
	}
	req := nl.NewNetlinkRequest(typ, flags|unix.NLM_F_ACK)
	msg.Family = unix.AF_INET6
	var attrs []*nl.RtAttr
	if rt.Dst != nil && rt.Dst.IP != nil {
		l, _ := rt.Dst.Mask.Size()
		msg.Dst_len = uint8(l)
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_DST, ip16(rt.Dst.IP)))
	}
	if rt.Src != nil {
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_PREFSRC, ip16(rt.Src)))
	}
	if rt.Gw != nil {
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_GATEWAY, ip16(rt.Gw)))
	}
	if rt.Via != nil {
		b, err := rt.Via.Encode()
		if err != nil {
			return err
		}
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_VIA, b))
	}
	if len(rt.MultiPath) > 0 {
		var b []byte
		for _, nh := range rt.MultiPath {
			rtnh := &nl.RtNexthop{RtNexthop: unix.RtNexthop{Hops: uint8(nh.Hops), Ifindex: int32(nh.LinkIndex), Flags: uint8(nh.Flags)}}
			if nh.Gw != nil {
				rtnh.Children = []nl.NetlinkRequestData{nl.NewRtAttr(unix.RTA_GATEWAY, ip16(nh.Gw))}
			}
			b = append(b, rtnh.Serialize()...)
		}
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_MULTIPATH, b))
	}
	if rt.Table > 0 {
		if rt.Table >= 256 {
			msg.Table = unix.RT_TABLE_UNSPEC
			attrs = append(attrs, nl.NewRtAttr(unix.RTA_TABLE, u32(uint32(rt.Table))))
		} else {
			msg.Table = uint8(rt.Table)
		}
	}
	if rt.Priority > 0 {
		attrs = append(attrs, nl.NewRtAttr(unix.RTA_PRIORITY, u32(uint32(rt.Priority))))
	}
	if rt.Protocol > 0 {
		msg.Protocol = uint8(rt.Protocol)
	}
	if rt.Type > 0 {
		msg.Type = uint8(rt.Type)
	}
	if rt.MTU > 0 {
		m := nl.NewRtAttr(unix.RTA_METRICS, nil)
		m.AddChild(nl.NewRtAttr(unix.RTAX_MTU, nl.Uint32Attr(uint32(rt.MTU))))
		if rt.MTULock {
			m.AddChild(nl.NewRtAttr(unix.RTAX_LOCK, nl.Uint32Attr(1<<unix.RTAX_MTU)))
		}
		attrs = append(attrs, m)
	}
	msg.Flags = uint32(rt.Flags)
	msg.Scope = uint8(rt.Scope)
	req.AddData(msg)
	for _, a := range attrs {
		req.AddData(a)
	}
	req.AddData(nl.NewRtAttr(unix.RTA_OIF, u32(uint32(rt.LinkIndex))))
	_, err := rawExecute(env, g.NS, req, 0)
	return err
}
