package cli

import (
	"bytes"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// extackSetup is the lab every extended-ack case starts from: a veth
// pair X/Y up with 10.9.0.1/24 on X, and a bridge br0.
var extackSetup = []string{
	"link set lo up",
	"link add X type veth peer name Y",
	"link set X up",
	"link set Y up",
	"addr add 10.9.0.1/24 dev X",
	"link add br0 type bridge",
}

// extackCases are commands the kernel refuses with an extended ack
// message (NLMSGERR_ATTR_MSG), which iproute2 prints as "Error: MSG."
// in place of "RTNETLINK answers: strerror". Each is a tool and its
// arguments, after optional setup lines of its own.
var extackCases = []struct {
	name  string
	setup []string
	cmd   string
}{
	{name: "route-host-bits", cmd: "ip route add 192.168.42.101/24 dev X"},
	{name: "route-gw-unreachable", cmd: "ip route add 10.1.0.0/16 via 10.55.0.1"},
	{name: "route-gw-wrong-dev", cmd: "ip route add 10.1.0.0/16 via 10.9.0.2 dev lo"},
	{name: "route-multipath-bad-hop", cmd: "ip route add 10.3.0.0/16 nexthop via 10.9.0.2 dev X nexthop via 10.55.0.1"},
	{name: "route-onlink-loopback-gw", cmd: "ip route add 10.18.0.0/16 via 127.0.0.1 dev X onlink"},
	{name: "route6-linklocal-gw-no-dev", cmd: "ip -6 route add 2001:db9::/64 via fe80::1"},
	{name: "route-linklocal-no-dev", cmd: "ip route add fe80::/64 via fe80::1"},
	{name: "route-bad-prefsrc", cmd: "ip route add 10.11.0.0/16 via 10.9.0.2 dev X src 1.1.1.1"},
	{name: "route6-bad-src", cmd: "ip -6 route add 2001:db8:1::/64 dev X src 2001:db8::77"},
	{name: "route-host-scope-gw", cmd: "ip route add 10.12.0.0/16 dev X scope host via 10.9.0.2"},
	{name: "route-unreachable-gw", cmd: "ip route add unreachable 10.16.0.0/16 via 10.9.0.2"},
	{name: "route-blackhole-dev", cmd: "ip route add blackhole 10.6.0.0/16 dev X"},
	{name: "link-mtu-too-big", cmd: "ip link set X mtu 100000"},
	{name: "link-mtu-too-small", cmd: "ip link set X mtu 10"},
	{name: "link-bridge-in-bridge", cmd: "ip link set br0 master br0"},
	{name: "vxlan-vni-taken", setup: []string{"link add vx1 type vxlan id 5 dstport 4789"}, cmd: "ip link add vx2 type vxlan id 5 dstport 4789"},
	{name: "addr-taken", cmd: "ip addr add 10.9.0.1/24 dev X"},
	{name: "addr-missing", cmd: "ip addr del 10.99.0.1/24 dev X"},
	{name: "neigh-no-lladdr", cmd: "ip neigh add 10.9.0.5 dev X"},
	{name: "neigh-short-lladdr", cmd: "ip neigh add 10.9.0.5 lladdr 00:11 dev X"},
	{name: "neigh-get-missing", cmd: "ip neigh get 10.9.0.77 dev X"},
	{name: "rule-backward-goto", cmd: "ip rule add goto 5"},
	{name: "rule-backward-goto-pref", cmd: "ip rule add pref 10 goto 5"},
	{name: "fdb-non-ethernet", cmd: "bridge fdb add 00:11:22:33:44:55 dev lo"},
	// Refusals without a message keep iproute2's strerror line.
	{name: "route-exists", setup: []string{"route add 10.1.0.0/16 dev X"}, cmd: "ip route add 10.1.0.0/16 dev X"},
	{name: "veth-peer-own-name", cmd: "ip link add Z type veth peer name Z"},
	{name: "port-priority-range", setup: []string{"link set Y master br0"}, cmd: "bridge link set dev Y priority 100"},
	{name: "route-get-unreachable", cmd: "ip route get 10.0.0.1"},
	{name: "route-get-martian-iif", cmd: "ip route get 127.0.0.1 from 10.9.0.1 iif lo"},
}

// labMACRE matches MAC addresses (and bridge ids made of them), random
// per namespace.
var labMACRE = regexp.MustCompile(`\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b|\b[0-9a-f]{4}\.[0-9a-f:]+`)

// labAsyncRE matches what the kernel's asynchronous work (linkwatch's
// carrier and operstate, duplicate address detection) may have done in
// one namespace and not yet in the other, and the IPv6 link-local
// addresses, random as the MACs they are made of.
var labAsyncRE = regexp.MustCompile(`fe80::[0-9a-f:]+(/64)?|tentative |,LOWER_UP|NO-CARRIER,|state [A-Z]+ |linkdown `)

// labState is what the real ip shows of namespace lab, masked (labMACRE,
// labAsyncRE) and sorted by line: links come up, and their IPv6 routes appear, in
// either order.
func labState(t *testing.T, lab string) string {
	t.Helper()
	var b strings.Builder
	for _, c := range []string{"-d link show", "addr show", "route show table all", "-6 route show table all", "rule show", "neigh show"} {
		out, err := exec.Command("ip", append([]string{"-n", lab}, strings.Fields(c)...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("ip -n %s %s: %v\n%s", lab, c, err, out)
		}
		var lines []string
		for _, l := range strings.Split(string(out), "\n") {
			// The kernel's IPv6 routes of a link come when IPv6 starts on
			// it (fe80::/64, ff00::/8) and when a link-local address ends
			// duplicate address detection (local fe80::…): either may
			// not have happened yet in one of the two namespaces.
			if !strings.HasPrefix(l, "local fe80:") && !strings.HasPrefix(l, "fe80::/64 ") && !strings.Contains(l, "ff00::/8 ") {
				lines = append(lines, labAsyncRE.ReplaceAllString(labMACRE.ReplaceAllString(l, "M"), ""))
			}
		}
		sort.Strings(lines)
		b.WriteString("$ ip " + c + "\n" + strings.Join(lines, "\n") + "\n")
	}
	return b.String()
}

// TestExtAckAsIproute2: each command the kernel refuses with a message
// runs under the real tool in one fresh namespace and under nsh (as the
// tool, "nsh ip ...") in another set up alike; stdout, stderr and the
// exit status must be the same bytes, and so must the state afterwards.
func TestExtAckAsIproute2(t *testing.T) {
	t.Parallel()
	for _, c := range extackCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sandbox.Run(t, func(t *testing.T) {
				sandbox.RequireTool(t, "ip")
				sandbox.RequireTool(t, "bridge")
				for _, lab := range []string{"r", "n"} {
					if out, err := exec.Command("ip", "netns", "add", lab).CombinedOutput(); err != nil {
						t.Fatalf("ip netns add %s: %v\n%s", lab, err, out)
					}
					for _, line := range append(append([]string(nil), extackSetup...), c.setup...) {
						args := append([]string{"-n", lab}, strings.Fields(line)...)
						if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
							t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
						}
					}
				}
				f := strings.Fields(c.cmd)
				tool, args := f[0], f[1:]
				real := exec.Command(tool, append([]string{"-n", "r"}, args...)...)
				var ro, re bytes.Buffer
				real.Stdout, real.Stderr = &ro, &re
				rs := 0
				if err := real.Run(); err != nil {
					ee, ok := err.(*exec.ExitError)
					if !ok {
						t.Fatal(err)
					}
					rs = ee.ExitCode()
				}
				if !strings.HasPrefix(re.String(), "Error: ") && !strings.HasPrefix(re.String(), "RTNETLINK answers: ") {
					t.Fatalf("%s: the real tool no longer answers with the kernel's refusal: exit %d, stderr %q", c.cmd, rs, re.String())
				}
				no, ne, ns := runMain(t, append([]string{tool, "-n", "n"}, args...)...)
				if no != ro.String() || ne != re.String() || ns != rs {
					t.Errorf("%s:\n nsh: exit %d stdout %q stderr %q\nreal: exit %d stdout %q stderr %q", c.cmd, ns, no, ne, rs, ro.String(), re.String())
				}
				if rst, nst := labState(t, "r"), labState(t, "n"); rst != nst {
					t.Errorf("%s: state differs (- real, + nsh):\n%s", c.cmd, lineDiff(rst, nst))
				}
			})
		})
	}
}

// lineDiff lists the lines of a missing from b ("- ") and those of b
// missing from a ("+ ").
func lineDiff(a, b string) string {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[l]++
		}
		return m
	}
	ca, cb := count(a), count(b)
	var out strings.Builder
	for _, l := range strings.Split(a, "\n") {
		if cb[l] > 0 {
			cb[l]--
			continue
		}
		out.WriteString("- " + l + "\n")
	}
	for _, l := range strings.Split(b, "\n") {
		if ca[l] > 0 {
			ca[l]--
			continue
		}
		out.WriteString("+ " + l + "\n")
	}
	return out.String()
}
