package builtins

import (
	"net"
	"strings"

	"golang.org/x/sys/unix"
)

// ParseIP reads an address as iproute2's get_addr_1 (lib/utils.c) does:
// a word with a ":" is an IPv6 address (inet_pton(AF_INET6)), so that
// "::ffff:1.2.3.4", an IPv4-mapped IPv6 address, is IPv6; any other word
// is IPv4. An IPv4 address is 4 bytes long and an IPv6 one 16 (see
// IPFamily); nil if s is no address.
//
// net.ParseIP alone does not tell them apart: it returns 16 bytes for
// both "1.2.3.4" and "::ffff:1.2.3.4", and To4 turns both into IPv4.
func ParseIP(s string) net.IP {
	ip := net.ParseIP(s)
	if ip == nil {
		return nil
	}
	if strings.Contains(s, ":") {
		return ip.To16()
	}
	return ip.To4()
}

// IPFamily returns AF_INET for a 4-byte address and AF_INET6 for any
// other, as ParseIP and the kernel's dumps give them.
func IPFamily(ip net.IP) int {
	if len(ip) == net.IPv4len {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// FormatIP writes an address as inet_ntop(3) does for its family (by
// length, see IPFamily): an IPv4-mapped IPv6 address as
// "::ffff:1.2.3.4" and an IPv4-compatible one as "::1.2.3.4", where
// net.IP.String writes "1.2.3.4" and "::102:304".
func FormatIP(ip net.IP) string {
	if len(ip) != net.IPv6len {
		return ip.String()
	}
	for _, b := range ip[:10] {
		if b != 0 {
			return ip.String()
		}
	}
	switch v4 := net.IP(ip[12:]).String(); {
	case ip[10] == 0xff && ip[11] == 0xff:
		return "::ffff:" + v4
	case ip[10] == 0 && ip[11] == 0 && (ip[12] != 0 || ip[13] != 0):
		return "::" + v4
	}
	return ip.String()
}

// IsMapped reports whether ip is an IPv4-mapped IPv6 address
// (::ffff:a.b.c.d), which package netlink takes for IPv4.
func IsMapped(ip net.IP) bool {
	return len(ip) == net.IPv6len && ip.To4() != nil
}
