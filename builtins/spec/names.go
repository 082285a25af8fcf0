package spec

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// NumName is a number and the name iproute2 gives it (lib/rt_names.c).
type NumName struct {
	N    int
	Name string
}

// ProtocolName is rtnl_rtprot_n2a: the name of protocol n, or n in
// decimal.
func ProtocolName(n int) string {
	for _, e := range Protocols {
		if e.N == n {
			return e.Name
		}
	}
	return strconv.Itoa(n)
}

// Protocols is iproute2's rtnl_rtprot_tab with Debian's
// /etc/iproute2/rt_protos: the names of route (and mdb entry) protocols,
// as ip and bridge print and read them.
var Protocols = []NumName{
	{unix.RTPROT_UNSPEC, "unspec"},
	{unix.RTPROT_REDIRECT, "redirect"},
	{unix.RTPROT_KERNEL, "kernel"},
	{unix.RTPROT_BOOT, "boot"},
	{unix.RTPROT_STATIC, "static"},
	{unix.RTPROT_GATED, "gated"},
	{unix.RTPROT_RA, "ra"},
	{unix.RTPROT_MRT, "mrt"},
	{unix.RTPROT_ZEBRA, "zebra"},
	{unix.RTPROT_BIRD, "bird"},
	{unix.RTPROT_DNROUTED, "dnrouted"},
	{unix.RTPROT_XORP, "xorp"},
	{unix.RTPROT_NTK, "ntk"},
	{unix.RTPROT_DHCP, "dhcp"},
	{unix.RTPROT_MROUTED, "mrouted"},
	{unix.RTPROT_KEEPALIVED, "keepalived"},
	{unix.RTPROT_BABEL, "babel"},
	{99, "openr"},
	{unix.RTPROT_BGP, "bgp"},
	{unix.RTPROT_ISIS, "isis"},
	{unix.RTPROT_OSPF, "ospf"},
	{unix.RTPROT_RIP, "rip"},
	{unix.RTPROT_EIGRP, "eigrp"},
}
