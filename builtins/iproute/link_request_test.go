package iproute_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/sandbox"
)

// helperEnv makes TestIPHelper run "ip $NSH_IP_HELPER" as the nsh builtin
// and exit, so a test can trace what nsh sends to the kernel.
const helperEnv = "NSH_IP_HELPER"

// TestIPHelper is not a test: under helperEnv it is the process
// TestLinkRequestsMatchIproute2 traces. Otherwise it does nothing.
func TestIPHelper(t *testing.T) {
	line := os.Getenv(helperEnv)
	if line == "" {
		return
	}
	l := newLab(t)
	_, err := l.ip(strings.Fields(line)...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// tracedNewlinks runs cmd under strace and returns the RTM_NEWLINK
// messages it sent, as bytes: those with NLM_F_CREATE (create true) or
// those without.
func tracedNewlinks(t *testing.T, create bool, env []string, name string, args ...string) [][]byte {
	t.Helper()
	out := t.TempDir() + "/trace"
	sargs := append([]string{"-f", "-e", "trace=sendmsg,sendto", "-e", "write=all", "-xx", "-s", "0", "-o", out, name}, args...)
	cmd := exec.Command("strace", sargs...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	_ = cmd.Run() // the kernel refuses most of these kinds: what was sent matters
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("strace %s: %v\n%s", name, err, stderr.String())
	}
	var msgs [][]byte
	var cur []byte
	flush := func() {
		if len(cur) >= 16 && binary.LittleEndian.Uint16(cur[4:6]) == unix.RTM_NEWLINK && (binary.LittleEndian.Uint16(cur[6:8])&unix.NLM_F_CREATE != 0) == create {
			msgs = append(msgs, cur)
		}
		cur = nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		// " | 00000  50 00 00 00 10 00 05 06  23 a9 ...  P......."
		i := strings.Index(line, " | ")
		if i < 0 {
			flush()
			continue
		}
		f := strings.Fields(line[i+3:])
		if len(f) < 2 {
			continue
		}
		for _, h := range f[1:] {
			if len(h) != 2 {
				break
			}
			b, err := hex.DecodeString(h)
			if err != nil {
				break
			}
			cur = append(cur, b...)
		}
	}
	flush()
	return msgs
}

// nested names the attributes whose payload is itself attributes, by
// path of types from the message's top level.
var nested = map[string]bool{
	fmt.Sprint([]uint16{unix.IFLA_LINKINFO}):                            true,
	fmt.Sprint([]uint16{unix.IFLA_LINKINFO, unix.IFLA_INFO_DATA}):       true,
	fmt.Sprint([]uint16{unix.IFLA_LINKINFO, unix.IFLA_INFO_SLAVE_DATA}): true,
}

// attrTree renders attributes as sorted "path=hex" lines, descending
// into nested ones: the attribute tree, independent of order.
func attrTree(b []byte, path []uint16, out *[]string) {
	for len(b) >= 4 {
		l := int(binary.LittleEndian.Uint16(b[0:2]))
		typ := binary.LittleEndian.Uint16(b[2:4]) &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)
		if l < 4 || l > len(b) {
			*out = append(*out, fmt.Sprintf("%v: malformed %x", path, b))
			return
		}
		p := append(append([]uint16{}, path...), typ)
		if nested[fmt.Sprint(p)] {
			*out = append(*out, fmt.Sprintf("%v", p))
			attrTree(b[4:l], p, out)
		} else {
			*out = append(*out, fmt.Sprintf("%v=%x", p, b[4:l]))
		}
		al := (l + 3) &^ 3
		if al > len(b) {
			break
		}
		b = b[al:]
	}
}

// describe renders one RTM_NEWLINK: flags, ifinfomsg and attribute tree.
func describe(m []byte) string {
	if len(m) < 32 {
		return fmt.Sprintf("short message %x", m)
	}
	var lines []string
	attrTree(m[32:], nil, &lines)
	sort.Strings(lines)
	return fmt.Sprintf("flags=%#x ifinfomsg=%x\n%s\n", binary.LittleEndian.Uint16(m[6:8]), m[16:32], strings.Join(lines, "\n"))
}

// linkRequests are "ip link add" lines of the kinds this kernel lacks
// (and a few it has), with options; the RTM_NEWLINK nsh sends for each
// must carry the attribute tree iproute2 sends.
var linkRequests = []string{
	"link add link lnk0 name v10 type vlan id 10",
	"link add link lnk0 name v11 type vlan id 11 protocol 802.1ad",
	"link add bond0 type bond",
	"link add bond1 type bond mode 802.3ad miimon 100",
	"link add bond2 type bond mode active-backup",
	"link add vrf0 type vrf table 10",
	"link add gre1 type gre remote 10.0.0.2 local 10.0.0.1 ttl 64",
	"link add gre2 type gre remote 10.0.0.2 local 10.0.0.1 key 7 dev lnk0",
	"link add ipip1 type ipip remote 10.0.0.2 local 10.0.0.1 ttl 64",
	"link add ipip2 type ipip remote 10.0.0.2 dev lnk0",
	"link add link lnk0 name ipvl0 type ipvlan mode l2",
	"link add link lnk0 name ipvl1 type ipvlan mode l3 private",
	"link add wg0 type wireguard",
	"link add gnv0 type geneve id 5 remote 10.0.0.2",
	"link add gnv1 type geneve id 6 remote 10.0.0.3 ttl 10 dstport 6082",
	"link add dm0 type dummy",
	"link add mtu 1400 dm1 type dummy",
	"link add br7 type bridge stp_state 1 priority 100",
	"link add vx7 type vxlan id 7 dstport 4789 remote 10.0.0.2",
	"link add vx8 type vxlan id 43 group 239.1.1.1 dev lnk0 ttl 5 nolearning",
	"link add vx9 type vxlan id 44 local 10.0.0.1 remote 10.0.0.2 dstport 4789 proxy ageing 100 tos 0x10",
	"link add vx10 type vxlan external dstport 4789",
	"link add vx11 type vxlan vni 46 remote 2001:db8::1 dstport 4789 learning",
	"link add link lnk0 name v12 type vlan id 12 reorder_hdr off gvrp on",
	"link add bond3 type bond mode 802.3ad miimon 100 lacp_rate fast xmit_hash_policy layer3+4 min_links 2",
	"link add up mtu 1400 txqueuelen 100 address 02:00:00:00:00:01 alias hello name dm2 type dummy",
	"link add link lnk0 name mvl7 type macvlan mode private",
	"link add vx12 type vxlan id 42 dstport 4789 local 127.0.0.1 l2miss l3miss nolearning",
	"link add vx13 type vxlan id 44 dstport 4789 noudpcsum udp6zerocsumtx udp6zerocsumrx remcsumtx remcsumrx gbp df set srcport 1000 2000 maxaddress 10 ageing 30 proxy rsc ttl inherit tos inherit",
	"link add vx14 type vxlan external vnifilter dstport 4789",
	"link add vx15 type vxlan id 49 gpe remote 2001:db8::2 flowlabel 5 noproxy norsc nol2miss nol3miss",
	"link add vx16 type vxlan id 50 group 239.1.1.1 dev lnk0 ttl auto tos AF11 df inherit ageing none maxaddress unlimited",
	"-4 link add vx17 type vxlan id 51",
	"-6 link add vx18 type vxlan id 52 dstport 0",
	"link add link lnk0 name mvl8 type macvtap mode vepa bcqueuelen 10 nodst",
	"link add link lnk0 name mvl9 type macvlan mode source macaddr add 02:00:00:00:00:09",
	"link add link lnk0 name mvl10 type macvlan mode passthru flag nopromisc",
	"link add vs0 broadcast ff:ff:ff:ff:ff:1 address 2:0:0:0:0:1 type veth peer name vs1 address 2:0:0:0:0:2",
}

// setRequests are "ip link set" lines on the links of
// TestSetRequestsMatchIproute2; the RTM_NEWLINK nsh sends for each
// (without NLM_F_CREATE) must carry the attribute tree iproute2 sends.
var setRequests = []string{
	"link set vx0 type vxlan l2miss l3miss",
	"link set vx0 type vxlan ttl 10 tos 0x10 learning",
	"link set vx0 mtu 1400 up type vxlan ttl 30",
	"link set dev vx0 name vx0 alias hi address 2:0:0:0:0:9 brd ff:ff:ff:ff:ff:fe txqlen 5 group 3 type vxlan df set",
	"-6 link set vx0 type vxlan remote 2001:db8::1",
	"link set br0 type bridge stp_state 1 priority 100",
	"link set p0 type bridge_slave cost 10 learning off",
	"link set mv0 type macvlan mode private",
	"link set p0 type veth",
	"link set p0 type dummy foo",
	"link set p0 master br0 down promisc on arp off type bridge_slave priority 3",
}

// TestLinkRequestsMatchIproute2 traces the real ip and nsh (this test
// binary re-run as TestIPHelper) with strace for each of linkRequests and
// compares the RTM_NEWLINK messages: flags, ifinfomsg and attribute tree.
// The kernel may refuse the kind; the request is what is compared.
func TestLinkRequestsMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		sandbox.RequireTool(t, "strace")
		sys(t, "link add lnk0 type veth peer name lnk1")
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		same := 0
		for _, line := range linkRequests {
			want := tracedNewlinks(t, true, nil, "ip", strings.Fields(line)...)
			got := tracedNewlinks(t, true, []string{helperEnv + "=" + line}, self, "-test.run=^TestIPHelper$")
			if len(want) == 0 {
				t.Errorf("ip %s: no RTM_NEWLINK traced from the real ip", line)
				continue
			}
			if len(got) == 0 {
				t.Errorf("ip %s: no RTM_NEWLINK traced from nsh", line)
				continue
			}
			w, g := describe(want[0]), describe(got[0])
			if w != g {
				t.Errorf("ip %s: RTM_NEWLINK differs\n--- nsh\n%s--- ip\n%s", line, g, w)
				continue
			}
			same++
		}
		t.Logf("link requests: %d of %d identical attribute trees", same, len(linkRequests))
	})
}

// changes drops from msgs the RTM_NEWLINK messages for no link (index
// 0): iplink_have_newlink's probe.
func changes(msgs [][]byte) [][]byte {
	var out [][]byte
	for _, m := range msgs {
		if len(m) >= 24 && binary.LittleEndian.Uint32(m[20:24]) != 0 {
			out = append(out, m)
		}
	}
	return out
}

// TestSetRequestsMatchIproute2 traces the real ip and nsh for each of
// setRequests, as TestLinkRequestsMatchIproute2 does for creations: "ip
// link set ... type KIND ARGS" goes out as one RTM_NEWLINK, generic
// attributes and IFLA_LINKINFO together, as iproute2 sends it.
func TestSetRequestsMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		sandbox.RequireTool(t, "strace")
		for _, line := range []string{
			"link add vx0 type vxlan id 42 dstport 4789 local 127.0.0.1",
			"link add br0 type bridge",
			"link add p0 type veth peer name p1",
			"link set p0 master br0",
			"link add link p1 name mv0 type macvlan mode bridge",
		} {
			sys(t, line)
		}
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range setRequests {
			// iplink_have_newlink's probe is not the request.
			want := changes(tracedNewlinks(t, false, nil, "ip", strings.Fields(line)...))
			got := changes(tracedNewlinks(t, false, []string{helperEnv + "=" + line}, self, "-test.run=^TestIPHelper$"))
			if len(want) != 1 || len(got) != 1 {
				t.Errorf("ip %s: %d RTM_NEWLINK from ip, %d from nsh; want one each", line, len(want), len(got))
				continue
			}
			if w, g := describe(want[0]), describe(got[0]); w != g {
				t.Errorf("ip %s: RTM_NEWLINK differs\n--- nsh\n%s--- ip\n%s", line, g, w)
			}
		}
	})
}

// TestLinkKindsOnKernel creates each kind for real where this kernel has
// it, and skips through SkipNoDevice for the kinds it lacks.
func TestLinkKindsOnKernel(t *testing.T) {
	for _, c := range []struct{ kind, line string }{
		{"vlan", "link add link lnk0 name v10 type vlan id 10"},
		{"bond", "link add bond1 type bond mode 802.3ad miimon 100"},
		{"vrf", "link add vrf0 type vrf table 10"},
		{"gre", "link add gre1 type gre remote 10.0.0.2 local 10.0.0.1 ttl 64"},
		{"ipip", "link add ipip1 type ipip remote 10.0.0.2 local 10.0.0.1 ttl 64"},
		{"ipvlan", "link add link lnk0 name ipvl0 type ipvlan mode l2"},
		{"wireguard", "link add wg0 type wireguard"},
		{"geneve", "link add gnv0 type geneve id 5 remote 10.0.0.2"},
	} {
		t.Run(c.kind, func(t *testing.T) {
			t.Parallel()
			sandbox.Run(t, func(t *testing.T) {
				l := newLab(t)
				l.must("link add lnk0 type veth peer name lnk1")
				_, err := l.ip(strings.Fields(c.line)...)
				if err != nil && strings.Contains(err.Error(), "Unknown device type") {
					sandbox.SkipNoDevice(t, c.kind, err.Error())
				}
				if err != nil {
					t.Fatalf("ip %s: %v", c.line, err)
				}
				name := strings.Fields(c.line)[2]
				if f := strings.Fields(c.line); f[2] == "link" {
					name = f[5]
				}
				out := l.must("-d link show dev " + name)
				if !strings.Contains(out, "\n    "+c.kind+" ") {
					t.Errorf("ip -d link show %s: no %q details:\n%s", name, c.kind, out)
				}
				l.must("link del " + name)
			})
		})
	}
}
