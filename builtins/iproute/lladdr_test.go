package iproute_test

import (
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// TestLLAddrMatchesIproute2 runs commands that take link-layer addresses
// (ip link address/broadcast, a veth peer's address, ip neigh lladdr, a
// bridge's group_address) with the real ip and the builtin from the same
// state: octets of one hex digit, "0x" prefixes, dotted IPv4 forms, bad
// octets and wrong lengths give the same status, output, messages and
// end state.
func TestLLAddrMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		p := newIPPair(t,
			"ip link add v1 address 02:00:00:00:00:01 type veth peer name v2 address 02:00:00:00:00:02",
			"ip link add br0 address 02:00:00:00:00:03 type bridge",
		)
		for _, line := range []string{
			"link set v1 address 82:73:8d:f3:62:1",
			"link set v1 address 2:0:0:0:0:a",
			"link set dev v1 addr 0x2:0X0:0:0:0:0x1b",
			"link set v1 address +2:0:0:0:0:5",
			"link set v1 address 2g:0:0:0:0:4",
			"link set v1 address 82:73:zz:f3:62:1",
			"link set v1 address 1:2:3",
			"link set v1 address 1:2:3:4:5:6:7",
			"link set v1 address 10.1.2.3",
			"link set v1 address 1.2.3.4.5",
			"link set v1 address -1:0:0:0:0:1",
			"link set v1 address 100:0:0:0:0:1",
			"link set v1 address 2::0:0:0:1",
			"link set v1 address 02:00:00:00:00:0a:",
			"link set nosuch address 2:0:0:0:0:1",
			"link set v1 broadcast ff:ff:ff:ff:ff:fe",
			"link set v1 brd 2:0:0:0:0:1",
			"link set v1 broadcast 1:2",
			"link set v1 broadcast x:1",
			"link add v3 address 2:0:0:0:0:33 type veth peer name v4 address 2:0:0:0:0:44",
			"link add v5 address 2:0:0:0:0:35 broadcast ff:ff:ff:ff:ff:1 type veth peer name v6 address 2:0:0:0:0:46 brd ff:ff:ff:ff:ff:2",
			"link add v7 address 2:0:0:0:0:q type veth",
			"link add v8 type veth peer name v9 address 2:0:0:zz:0:9",
		} {
			p.compare(t, line)
		}
		for _, line := range []string{
			"neigh add 10.0.0.9 lladdr 2:0:0:0:0:9 dev v1",
			"neigh add 10.0.0.8 lladdr 2:0:zz:0:0:9 dev v1",
			"neigh replace 10.0.0.9 lladdr 0x2:0:0:0:a:b dev v1",
			"neigh add 10.0.0.7 lladdr 2:0:0 dev v1",
		} {
			p.compare(t, line, "neigh show")
		}
		p.compare(t, "link set br0 type bridge group_address 1:80:c2:0:0:0")
		p.compare(t, "link set br0 type bridge group_address 1:80:c2:0:0:g")
	})
}
