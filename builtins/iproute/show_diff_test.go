package iproute_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// TestShowMatchesIproute2 builds a lab with the real ip binary and
// compares nsh's show output with ip's, byte for byte for text and as
// parsed values for JSON. The core views must match; the others are
// counted and logged.
func TestShowMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		noDAD(t)
		for _, line := range []string{
			"netns add ns1",
			"link set lo up",
			"link add veth0 type veth peer name veth1",
			"link add veth2 type veth peer name veth3 netns ns1",
			"link add br0 type bridge",
			"link set veth0 master br0",
			"link set veth0 up",
			"link set br0 up",
			"link set veth2 up",
			"link set veth1 mtu 1400 alias peer-one",
			"addr add 10.0.0.1/24 dev br0",
			"addr add 10.0.1.1/24 brd + dev veth2 label veth2:x",
			"addr add 2001:db8::1/64 dev veth2",
			"addr add 10.9.0.1 peer 10.9.0.2 dev veth1",
			"link add mv0 link veth1 type macvlan mode bridge",
			"link add vx0 type vxlan id 42 dstport 4789 remote 10.0.0.2",
			"route add default via 10.0.0.254",
			"route add 192.168.0.0/16 dev br0 metric 10 proto static",
			"route add blackhole 10.99.0.0/16",
			"route add 172.16.0.0/12 via 10.0.0.253 table 100",
			"route add 2001:db8:1::/48 via 2001:db8::2 dev veth2",
			"-n ns1 link set veth3 up",
			"-n ns1 addr add 10.0.1.2/24 dev veth3",
		} {
			sys(t, line)
		}
		l := newLab(t)
		core := []string{"link", "a", "r", "-br a"}
		others := []string{
			"-br link", "-o link", "-o a", "-4 a", "-6 a", "-6 r",
			"r show table local", "r show table all", "r show table 100", "r show dev br0",
			"link show dev veth0", "a show dev veth2", "link show master br0", "link show type veth", "a show up",
			"-n ns1 link", "-n ns1 a", "-n ns1 r",
		}
		jsons := []string{"-j link", "-j a", "-j r", "-j -6 r", "-j -br a"}
		same, total := 0, 0
		check := func(line string, must bool) {
			total++
			want := sys(t, line)
			got, err := l.ip(strings.Fields(line)...)
			if err == nil && got != want {
				// Taken again right after: a carrier may just have come up.
				want = sys(t, line)
			}
			switch {
			case err != nil:
				if must {
					t.Errorf("ip %s: %v", line, err)
				} else {
					t.Logf("ip %s: %v", line, err)
				}
			case got == want:
				same++
			case must:
				t.Errorf("ip %s differs:\n--- nsh\n%s--- ip\n%s", line, got, want)
			default:
				t.Logf("ip %s differs:\n--- nsh\n%s--- ip\n%s", line, got, want)
			}
		}
		for _, c := range core {
			check(c, true)
		}
		for _, c := range others {
			check(c, false)
		}
		jsame := 0
		for _, line := range jsons {
			want := sys(t, line)
			got, err := l.ip(strings.Fields(line)...)
			if err != nil {
				t.Errorf("ip %s: %v", line, err)
				continue
			}
			var gv, wv any
			if err := json.Unmarshal([]byte(got), &gv); err != nil {
				t.Errorf("ip %s: nsh printed invalid JSON: %v\n%s", line, err, got)
				continue
			}
			if err := json.Unmarshal([]byte(want), &wv); err != nil {
				t.Fatalf("ip %s: %v", line, err)
			}
			if reflect.DeepEqual(gv, wv) {
				jsame++
			} else {
				t.Logf("ip %s differs (JSON):\n--- nsh\n%s--- ip\n%s", line, got, want)
			}
			if got == want {
				same++
			}
			total++
		}
		t.Logf("byte-identical: %d of %d views; JSON equal as values: %d of %d", same, total, jsame, len(jsons))
		if jsame < 3 {
			t.Errorf("only %d of %d JSON views equal (link, address and route must be)", jsame, len(jsons))
		}
	})
}
