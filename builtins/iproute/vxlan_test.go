package iproute_test

import (
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// vxlanAddLines are "ip link add ... type vxlan" lines with every keyword
// of iproute2 6.1's vxlan_parse_opt, abbreviations, and each of its
// complaints; the kernel refuses some combinations (GPE, a flow label
// on IPv4), which must come out alike too.
var vxlanAddLines = []string{
	// the line of the issue
	"link add vx0 type vxlan id 42 dstport 4789 local 127.0.0.1 l2miss l3miss nolearning",
	// no dstport: iproute2's warning on stderr, then success
	"link add vx1 type vxlan id 43",
	"link add vx2 type vxlan id 44 dstport 4789 noudpcsum udp6zerocsumtx udp6zerocsumrx remcsumtx remcsumrx gbp df set srcport 1000 2000 maxaddress 10 ageing 30 proxy rsc ttl inherit tos inherit",
	"link add vx3 type vxlan external vnifilter dstport 4789",
	"link add vx4 type vxlan id 48 ttl auto dstport 1 tos 0x10 maxaddress unlimited ageing none df inherit remote 2001:db8::1 flowlabel 7",
	"link add vx5 type vxlan id 49 gpe remote 10.0.0.1",
	"link add vx5 type vxlan id 49 gpe remote 10.0.0.1 nolearning",
	"link add vx6 type vxlan id 50 group 239.1.1.1 dev d0 dstport 4789 noproxy norsc nol2miss nol3miss hoplimit 5 dsfield AF11 label 0",
	"link add vx7 type vxlan vni 51 remote 10.0.0.2 local 10.0.0.1 dstport 0 noexternal novnifilter learning df unset",
	"link add vx8 type vxlan i 52 r 10.0.0.9 dst 4789 no l2 l3 a 20 m 5 nou noudp6zerocsumr noremcsumt e",
	"link add vx9 type vxlan id 53 local 10.0.0.1 remote 0.0.0.0 dstport 4789 port 0 0 ttl 0 tos default",
	"link add vx10 type vxlan id 54 group ff05::1 dev d0 dstport 4789 noudpcsum",
	"link add vx11 type vxlan id 55 local fd00::1 dstport 4789 udp6zerocsumtx udp6zerocsumrx",
	"-4 link add vx12 type vxlan id 56 dstport 4789",
	"-6 link add vx13 type vxlan id 57 dstport 4789",
	"link add vx14 type vxlan id 58 remote 10.0.0.2 local any dstport 4789",
	// refused by iproute2
	"link add vxe type vxlan id 52 bogus",
	"link add vxe type vxlan",
	"link add vxe type vxlan help",
	"link add vxe type vxlan id 16777216",
	"link add vxe type vxlan id 0x10 id 2",
	"link add vxe type vxlan id 1 group 10.0.0.1",
	"link add vxe type vxlan id 1 remote 239.1.1.1",
	"link add vxe type vxlan id 1 group 239.1.1.1",
	"link add vxe type vxlan id 1 remote 10.0.0.1 group 239.1.1.1 dev d0",
	"link add vxe type vxlan id 1 group 239.1.1.1 remote 10.0.0.1",
	"link add vxe type vxlan id 1 local 10.0.0.1 remote 2001:db8::1",
	"link add vxe type vxlan id 1 local any",
	"link add vxe type vxlan id 1 local 239.1.1.1",
	"link add vxe type vxlan id 1 ttl 256",
	"link add vxe type vxlan id 1 ttl x",
	"link add vxe type vxlan id 1 tos 0x100",
	"link add vxe type vxlan id 1 tos EF tos 1",
	"link add vxe type vxlan id 1 df maybe",
	"link add vxe type vxlan id 1 flowlabel 0x100000",
	"link add vxe type vxlan id 1 srcport 1",
	"link add vxe type vxlan id 1 srcport 1 x",
	"link add vxe type vxlan id 1 srcport -1 2",
	"link add vxe type vxlan id 1 dstport 65536",
	"link add vxe type vxlan id 1 ageing x",
	"link add vxe type vxlan id 1 maxaddress -",
	"link add vxe type vxlan id 1 dev nosuch",
	"link add vxe type vxlan id 1 dev d0 dev d1",
	"link add vxe type vxlan id 1 external",
	"link add vxe type vxlan vnifilter",
	"link add vxe type vxlan id 1 l2miss nol2miss",
	"link add vxe type vxlan id 1 learning learning",
	"link add vxe type vxlan id 1 ageing",
	"link add vxe type vxlan id 1 vnifilte",
	"link add vx0 type vxlan id 1 dstport 4789",
}

// TestVxlanAddMatchesIproute2 runs vxlanAddLines with the real ip and the
// builtin from the same state: exit status, stdout, stderr and "ip -d
// link show" afterwards.
func TestVxlanAddMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t, "ip link add d0 address 02:00:00:00:00:10 type veth peer name d1 address 02:00:00:00:00:11")
		p.maskMAC = true // vxlan links get random addresses
		for _, line := range vxlanAddLines {
			p.compare(t, line)
		}
		p.compare(t, "-d link show")
		p.compare(t, "-j -d link show")
	})
}

// TestLinkSetTypeMatchesIproute2 changes existing links with "ip link
// set DEV [generic options] type KIND ARGS" (vxlan, bridge,
// bridge_slave, macvlan, macvtap, veth, kinds without options and
// unknown ones), comparing with the real ip: what the kernel refuses to
// change (a vxlan's VNI, port or flags) fails with its message and
// changes nothing.
func TestLinkSetTypeMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t,
			"ip link add d0 address 02:00:00:00:00:10 type veth peer name d1 address 02:00:00:00:00:11",
			"ip link add vx0 address 02:00:00:00:00:20 type vxlan id 42 dstport 4789 local 127.0.0.1 nolearning",
			"ip link add vx1 address 02:00:00:00:00:21 type vxlan id 43 dstport 4789 remote fd00::2 local fd00::1",
			"ip link add br0 address 02:00:00:00:00:30 type bridge",
			"ip link add p0 address 02:00:00:00:00:40 type veth peer name p1 address 02:00:00:00:00:41",
			"ip link set p0 master br0",
			"ip link add link d1 name mv0 address 02:00:00:00:00:50 type macvlan mode bridge",
			"ip link add i0 address 02:00:00:00:00:60 type ifb",
		)
		for _, line := range []string{
			"link set vx0 type vxlan l2miss l3miss",
			"link set vx0 type vxlan learning",
			"link set vx0 type vxlan id 43",
			"link set vx0 type vxlan id 42",
			"link set vx0 type vxlan dstport 4790",
			"link set vx0 type vxlan ttl 10 tos 0x10",
			"link set vx0 type vxlan remote 10.0.0.2",
			"link set vx0 type vxlan group 239.1.1.1 dev d0",
			"link set vx0 type vxlan ageing 100 maxaddress 5",
			"link set vx0 type vxlan ageing 100",
			"link set vx0 type vxlan proxy rsc",
			"link set vx0 type vxlan noudpcsum",
			"link set vx0 type vxlan external",
			"link set vx0 type vxlan srcport 1000 2000",
			"link set vx0 type vxlan df set",
			"link set vx0 type vxlan local 127.0.0.2",
			"link set vx0 type vxlan gbp",
			"link set vx0 type vxlan nolearning ttl inherit",
			"link set vx0 type vxlan bogus",
			"link set vx0 type vxlan",
			"link set vx0 type vxlan flowlabel 3",
			"link set vx0 type vxlan remote 2001:db8::9",
			"link set vx1 type vxlan flowlabel 3",
			"link set vx1 type vxlan remote fd00::3 ttl auto",
			"-4 link set vx0 type vxlan ttl 20",
			"link set vx0 mtu 1400 up type vxlan ttl 30",
			"link set vx0 mtu 1300 type vxlan ttl 40 id 7",
			"link set nosuch type vxlan id 5",
			"link set vx0 type vxlan dev nosuch",
			"link set vx0 type vxlan id 5 id 6",
			"link set br0 type bridge stp_state 1 priority 100 ageing_time 1000",
			"link set br0 type bridge group_address 1:80:c2:0:0:3",
			"link set br0 type bridge vlan_filtering 1 vlan_default_pvid 7",
			"link set br0 type bridge bogus 1",
			"link set p0 type bridge_slave cost 10 learning off priority 3",
			"link set p0 type bridge_slave state 2 hairpin on",
			"link set br0 type bridge_slave cost 10",
			"link set d0 type bridge stp_state 1",
			"link set mv0 type macvlan mode private",
			"link set mv0 type macvlan mode passthru",
			"link set mv0 type macvlan mode bogus",
			"link set mv0 type macvlan m vepa bcqueuelen 100",
			"link set mv0 type macvlan nopromisc",
			"link set mv0 type macvlan bogus",
			"link set mv0 type macvtap mode vepa",
			"link set mv0 type vxlan id 1",
			"link set d0 type veth",
			"link set d0 type veth peer name d9",
			"link set d0 type veth peer name d1",
			"link set d0 type veth bogus",
			"link set i0 type ifb",
			"link set i0 type ifb foo",
			"link set i0 type nosuch",
			"link set i0 type nosuch foo",
		} {
			p.compare(t, line)
		}
		// The same line as iproute2 tutorials write it, and one whose
		// arguments end early.
		p.compare(t, "link set dev vx0 type vxlan nol2miss nol3miss")
		p.compare(t, "link set vx0 type vxlan ttl")
		p.compare(t, "link set vx0 mtu")
		p.compare(t, "link set vx0 promisc maybe")
	})
}
