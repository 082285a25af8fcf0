package iproute

import "encoding/binary"

// Routes and rules are sent as iproute2 builds their requests (routeTalk,
// ruleModify), so an IPv4-mapped IPv6 address (::ffff:a.b.c.d), which
// package netlink would take for an IPv4 one, stays 16 bytes in an
// AF_INET6 request.

// u32 is a 4-byte attribute value in host order, as netlink wants it.
func u32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }
