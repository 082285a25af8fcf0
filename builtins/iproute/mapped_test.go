package iproute_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/sandbox"
)

// TestMappedAddressesAsIproute2 runs the same commands with IPv4-mapped
// IPv6 addresses (::ffff:a.b.c.d), which iproute2 reads as IPv6 (get_addr_1:
// a ":" makes an IPv6 address), in two namespaces: under nsh in one,
// under the real ip in the other. After each, the exit status must agree
// and so must the state, as the real ip shows it in both namespaces; and
// nsh's show must print what ip prints.
func TestMappedAddressesAsIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		noDAD(t)
		ipPath := sandbox.RequireTool(t, "ip")
		sandbox.RequireTool(t, "sysctl")
		// real runs the real ip: its standard output, and its error with
		// what it printed on standard error.
		real := func(args ...string) (string, error) {
			var o, e bytes.Buffer
			cmd := exec.Command(ipPath, args...)
			cmd.Stdout, cmd.Stderr = &o, &e
			if err := cmd.Run(); err != nil {
				return o.String(), fmt.Errorf("%w: %s", err, e.String())
			}
			return o.String(), nil
		}
		for _, n := range []string{"nsh", "ip"} {
			// No duplicate address detection in the new namespace (noDAD
			// covers the test's own): an address shown "tentative" on one
			// side only would make the comparison depend on timing.
			for _, line := range []string{"netns add " + n,
				"netns exec " + n + " sysctl -q -w net.ipv6.conf.all.accept_dad=0",
				"netns exec " + n + " sysctl -q -w net.ipv6.conf.default.accept_dad=0",
				"netns exec " + n + " sysctl -q -w net.ipv6.conf.lo.accept_dad=0",
				"-n " + n + " link set lo up",
				"-n " + n + " link add d0 type veth peer name d1", "-n " + n + " link set d0 up", "-n " + n + " link set d1 up",
				"-n " + n + " addr add 2001:db8::1/64 dev d0 nodad"} {
				sys(t, line)
			}
		}
		l := newLab(t)
		views := []string{"addr show dev lo", "-6 addr show dev lo", "-j -6 addr show dev lo", "-br addr show dev lo",
			"-6 neigh show dev d0", "-6 route show dev d0", "-6 route show table 200", "-6 rule show"}
		for _, c := range []struct {
			line string
			ok   bool
		}{
			{"addr add ::ffff:1.2.3.4/128 dev lo", true},
			{"addr add ::ffff:1.2.3.5 dev lo", true},
			{"addr add ::ffff:10.0.0.0/104 dev lo", true},
			{"-4 addr add ::ffff:1.2.3.6/128 dev lo", false},
			{"-6 addr add ::ffff:1.2.3.6/128 dev lo", true},
			{"addr add ::1.2.3.7/128 dev lo", true},
			{"addr add 10.1.1.1/24 peer ::ffff:1.2.3.4 dev lo", false},
			{"addr add ::ffff:1.2.3.8/128 brd + dev lo", false},
			{"addr add ::ffff:1.2.3.4/128 dev lo", false},
			{"addr add 1.2.3.4/32 dev lo", true},
			// The IPv6 address goes, the IPv4 1.2.3.4 stays.
			{"addr del ::ffff:1.2.3.4 dev lo", true},
			{"addr del ::ffff:1.2.3.5/128 dev lo", true},
			{"neigh add ::ffff:1.2.3.9 lladdr 02:00:00:00:00:01 dev d0", true},
			{"neigh replace ::ffff:1.2.3.9 lladdr 02:00:00:00:00:02 dev d0", true},
			{"neigh del ::ffff:1.2.3.9 dev d0", true},
			// An IPv6 destination makes the route IPv6 without -6.
			{"route add 2001:db8:5::/64 dev d0", true},
			{"route add ::ffff:5.6.7.8/128 dev d0", true},
			{"route add ::ffff:9.9.9.0/120 via 2001:db8::2 dev d0 metric 7 table 200 mtu lock 1300", true},
			{"route add 10.9.0.0/16 via ::ffff:1.2.3.4 dev d0", false},
			{"route del ::ffff:5.6.7.8/128 dev d0", true},
			{"-6 rule add from ::ffff:1.2.3.4 table 100 pref 77", true},
			{"-6 rule add to ::ffff:10.0.0.0/104 lookup 200", true},
			{"-6 rule del from ::ffff:1.2.3.4 table 100 pref 77", true},
		} {
			_, nerr := l.ip(append([]string{"-n", "nsh"}, strings.Fields(c.line)...)...)
			_, rerr := real(append([]string{"-n", "ip"}, strings.Fields(c.line)...)...)
			if (rerr == nil) != c.ok {
				t.Fatalf("ip %s: error %v, want ok %v", c.line, rerr, c.ok)
			}
			if (nerr == nil) != c.ok {
				t.Errorf("nsh ip %s: error %v, want ok %v (ip: %v)", c.line, nerr, c.ok, rerr)
			}
			// With DAD off, an address is still "tentative" until the
			// kernel's DAD work runs (a workqueue, late under load): wait
			// until no address in either namespace is.
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				a, _ := real("-n", "nsh", "-6", "addr")
				b, _ := real("-n", "ip", "-6", "addr")
				if !strings.Contains(a+b, "tentative") {
					break
				}
			}
			for _, v := range views {
				want, _ := real(append([]string{"-n", "ip"}, strings.Fields(v)...)...)
				state, _ := real(append([]string{"-n", "nsh"}, strings.Fields(v)...)...)
				if state != want {
					t.Errorf("after %q, ip %s:\n--- nsh's namespace\n%s--- ip's\n%s", c.line, v, state, want)
				}
				got, err := l.ip(append([]string{"-n", "nsh"}, strings.Fields(v)...)...)
				if err != nil || got != state {
					t.Errorf("after %q, nsh ip %s (%v):\n--- nsh\n%s--- ip\n%s", c.line, v, err, got, state)
				}
			}
		}
	})
}
