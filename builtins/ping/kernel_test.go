package ping_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins/ping"
	"github.com/nshlab/nsh/builtins/sysctl"
	"github.com/nshlab/nsh/internal/cli"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
)

// timings are the only bytes allowed to differ between two pings.
var timings = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`time=[0-9.]+ ms`), "time=T ms"},
	{regexp.MustCompile(`time [0-9]+ms`), "time Tms"},
	{regexp.MustCompile(`rtt min/avg/max/mdev = [0-9./]+ ms`), "rtt min/avg/max/mdev = R ms"},
	{regexp.MustCompile(`ipg/ewma [0-9./]+ ms`), "ipg/ewma R ms"},
	// How many probes were out at once: timing (a flood under load).
	{regexp.MustCompile(`, pipe [0-9]+`), ""},
}

// floodRE matches the marks of a flood ping (-f) between the header and
// the statistics.
var floodRE = regexp.MustCompile("(?s)^(PING [^\n]*\n)([.\b EC!]+)(\n--- )")

// floodCounts describes flood marks by what they count: probes sent
// ("."), replies ("\b \b"), errors ("\bE", "E") and corrupted replies
// ("\bC"). Their interleaving depends on timing (a reply that takes
// longer than 10 ms lets a second probe out first), their numbers do not.
func floodCounts(marks string) string {
	replies := strings.Count(marks, "\b \b")
	marks = strings.ReplaceAll(marks, "\b \b", "")
	icmpErrors := strings.Count(marks, "\bE")
	marks = strings.ReplaceAll(marks, "\bE", "")
	corrupted := strings.Count(marks, "\bC")
	marks = strings.ReplaceAll(marks, "\bC", "")
	return fmt.Sprintf("[flood: %d sent, %d replies, %d ICMP errors, %d corrupted, %d local errors, rest %q]",
		strings.Count(marks, "."), replies, icmpErrors, corrupted, strings.Count(marks, "E"), strings.Trim(marks, ".E"))
}

func normalize(s string) string {
	for _, t := range timings {
		s = t.re.ReplaceAllString(s, t.repl)
	}
	if m := floodRE.FindStringSubmatchIndex(s); m != nil {
		s = s[:m[4]] + floodCounts(s[m[4]:m[5]]) + s[m[5]:]
	}
	return s
}

// compare runs the real iputils ping and the builtin with the same
// arguments in lab l and requires the same stdout and stderr (timings
// aside), line by line, and the same exit status.
func compare(t *testing.T, l *testenv.Lab, args ...string) {
	t.Helper()
	// A neighbour that never answered stays FAILED for a while and makes
	// the next ping fail at once: each tool starts from an empty cache.
	l.Sh(t, "ip -4 neigh flush all")
	rout, rerr, rrun := l.Real(append([]string{"ping"}, args...)...)
	l.Sh(t, "ip -4 neigh flush all")
	nout, nrun := l.Run(ping.Main, "ping", args...)
	nerr := l.Err.String()
	if rs, ns := testenv.ExitStatus(rrun), testenv.ExitStatus(nrun); rs != ns {
		t.Errorf("ping %s: exit %d, iputils %d (%v)", strings.Join(args, " "), ns, rs, nrun)
	}
	for _, s := range []struct{ name, real, nsh string }{{"stdout", rout, nout}, {"stderr", rerr, nerr}} {
		rl := strings.Split(normalize(s.real), "\n")
		nl := strings.Split(normalize(s.nsh), "\n")
		if s.name == "stderr" && strings.Contains(s.real, "\nUsage\n") {
			// The usage texts differ on purpose (nsh lists what it
			// implements); the error line before them must not.
			rl, nl = rl[:1], nl[:1]
		}
		for i := 0; i < max(len(rl), len(nl)); i++ {
			var r, n string
			if i < len(rl) {
				r = rl[i]
			}
			if i < len(nl) {
				n = nl[i]
			}
			if r != n {
				t.Errorf("ping %s: %s line %d:\n nsh:     %q\n iputils: %q\nwhole nsh output:\n%s", strings.Join(args, " "), s.name, i+1, n, r, s.nsh)
				break
			}
		}
	}
}

// vethPair builds the lab both comparisons with iputils use: namespaces
// ns1 and ns2 joined by veth1–veth2, with 10.0.12.1-2/24 and
// fd00:12::1-2/64 (no DAD), lo up in ns1.
func vethPair(t *testing.T) (ns1, ns2 *testenv.Lab) {
	t.Helper()
	host, st := testenv.New(t)
	ns1 = testenv.NewLab(t, host, st, "ns1")
	ns2 = testenv.NewLab(t, host, st, "ns2")
	ns1.Sh(t,
		"ip link set lo up",
		"ip link add veth1 type veth peer name veth2 netns ns2",
		"ip addr add 10.0.12.1/24 dev veth1",
		"ip -6 addr add fd00:12::1/64 dev veth1 nodad",
		"ip link set veth1 up",
	)
	ns2.Sh(t,
		"ip addr add 10.0.12.2/24 dev veth2",
		"ip -6 addr add fd00:12::2/64 dev veth2 nodad",
		"ip link set veth2 up",
	)
	return ns1, ns2
}

// TestPingMatchesIputils compares the builtin with iputils' ping in the
// same lab: two namespaces joined by a veth pair (IPv4 and IPv6), and a
// bridge with two namespaces on it.
func TestPingMatchesIputils(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ping")
		ns1, _ := vethPair(t)
		cases := [][]string{
			{"-c", "2", "10.0.12.2"},
			{"10.0.12.2", "-c", "2", "-i", "0.2"}, // options after HOST, as iputils' getopt accepts
			{"-q", "-c", "2", "-i", "0.2", "10.0.12.2"},
			{"-c", "1", "-s", "100", "10.0.12.2"},
			{"-c", "1", "-s", "8", "10.0.12.2"}, // too small to carry a timestamp: no times
			{"-c", "1", "-s", "0", "10.0.12.2"},
			{"-c", "1", "-I", "veth1", "10.0.12.2"},
			{"-c", "1", "-I", "10.0.12.1", "10.0.12.2"},
			{"-c", "1", "-t", "7", "10.0.12.2"},
			{"-c", "1", "10.0.12.1"},
			{"-c", "1", "127.0.0.1"},
			{"-c", "1", "127.1"},
			{"-c", "2", "-i", "0.2", "fd00:12::2"},
			{"-c", "1", "::1"},
			{"-c", "1", "-W", "1", "10.0.12.77"}, // no answer: 100% loss, exit 1
			{"-c", "2", "-i", "0.3", "-W", "1", "10.0.12.77"},
			{"-w", "1", "10.0.12.77"},
			{"-c", "1", "10.55.0.1"}, // no route: connect fails, exit 2
			{"-c", "1", "-I", "nosuch", "10.0.12.2"},
			{"-c", "0", "10.0.12.2"},
			{"-4", "-c", "1", "::1"},
			{"-x", "10.0.12.2"},
			{},
		}
		for _, args := range cases {
			compare(t, ns1, args...)
		}
		// Host names come from the hosts file "ip netns exec" gives the
		// namespace (/etc/netns/ns1/hosts, on a private tmpfs here):
		// the official name in the header, "NAME (ADDRESS)" in replies.
		// Every reply address is in the file, so no tool asks DNS.
		sandbox.PrivateDir(t, "/etc/netns")
		if err := os.MkdirAll("/etc/netns/ns1", 0o755); err != nil {
			t.Fatal(err)
		}
		hosts := "127.0.0.1 localhost\n10.0.12.2 peer two # a comment\nfd00:12::2 peer6\n"
		if err := os.WriteFile("/etc/netns/ns1/hosts", []byte(hosts), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"-c", "1", "peer"}, {"-c", "1", "two"}, {"-n", "-c", "1", "peer"}, {"-c", "1", "peer6"},
			{"-c", "1", "localhost"}, {"-q", "-c", "1", "peer"}, {"-6", "-c", "1", "peer6"}} {
			compare(t, ns1, args...)
		}
		// With ping sockets allowed (ping_group_range), both tools use an
		// unprivileged SOCK_DGRAM socket instead of a raw one.
		if _, err := ns1.Run(sysctl.Main, "sysctl", "-q", "-w", "net.ipv4.ping_group_range=0 2147483647"); err != nil {
			t.Fatalf("allowing ping sockets: %v %s", err, ns1.Err.String())
		}
		for _, args := range [][]string{{"-c", "2", "-i", "0.2", "10.0.12.2"}, {"-c", "1", "-t", "9", "127.0.0.1"}, {"-c", "1", "::1"}, {"-c", "1", "-W", "1", "10.0.12.77"}} {
			compare(t, ns1, args...)
		}
		// The error variant: the neighbour never answers ARP, so the
		// kernel reports "Destination Host Unreachable" after ~3 s.
		compare(t, ns1, "-c", "1", "-W", "5", "10.0.12.99")
	})
}

// TestPingFloodMatchesIputils compares "ping -f" (flood) with iputils':
// the dots and backspaces on stdout (by what they count: their order
// depends on timing), the statistics with the ipg/ewma part, quiet
// floods, a given interval, no answer, an ICMP error, IPv6 and loopback,
// with raw and with ping sockets. Only addresses in the test's own
// namespaces are pinged.
func TestPingFloodMatchesIputils(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ping")
		ns1, _ := vethPair(t)
		cases := [][]string{
			{"-f", "-c", "5", "10.0.12.2"},
			{"-f", "-c", "200", "10.0.12.2"},
			{"-fc", "3", "10.0.12.2"},
			{"10.0.12.2", "-f", "-c", "4"},
			{"-f", "-c", "3", "-i", "0.2", "10.0.12.2"},
			{"-f", "-q", "-c", "5", "10.0.12.2"},
			{"-f", "-c", "5", "-s", "8", "10.0.12.2"}, // no timestamps: no rtt line
			{"-f", "-c", "5", "fd00:12::2"},
			{"-f", "-c", "10", "127.0.0.1"},
			{"-f", "-c", "3", "::1"},
			{"-f", "-c", "2", "-W", "1", "10.0.12.77"}, // no answer
			{"-f", "-c", "1", "-W", "5", "10.0.12.99"}, // Destination Host Unreachable after ~3 s
		}
		for _, args := range cases {
			compare(t, ns1, args...)
		}
		if _, err := ns1.Run(sysctl.Main, "sysctl", "-q", "-w", "net.ipv4.ping_group_range=0 2147483647"); err != nil {
			t.Fatalf("allowing ping sockets: %v %s", err, ns1.Err.String())
		}
		for _, args := range [][]string{{"-f", "-c", "20", "10.0.12.2"}, {"-f", "-c", "3", "127.0.0.1"}, {"-f", "-q", "-c", "3", "10.0.12.2"}} {
			compare(t, ns1, args...)
		}
	})
}

// TestPingThroughBridge pings between two namespaces attached to a bridge
// in a third, comparing with iputils.
func TestPingThroughBridge(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ping")
		host, st := testenv.New(t)
		sw := testenv.NewLab(t, host, st, "sw")
		a := testenv.NewLab(t, host, st, "a")
		b := testenv.NewLab(t, host, st, "b")
		sw.Sh(t,
			"ip link add br0 type bridge",
			"ip link set br0 up",
			"ip link add va type veth peer name eth0 netns a",
			"ip link add vb type veth peer name eth0 netns b",
			"ip link set va master br0 up",
			"ip link set vb master br0 up",
		)
		for i, l := range []*testenv.Lab{a, b} {
			l.Sh(t, fmt.Sprintf("ip addr add 172.16.1.%d/16 dev eth0", i+1), "ip link set eth0 up")
		}
		compare(t, a, "-c", "2", "-i", "0.2", "172.16.1.2")
		compare(t, b, "-c", "1", "172.16.1.1")
		out, err := a.Run(ping.Main, "ping", "-c", "3", "-i", "0.2", "172.16.1.2")
		if err != nil || !strings.Contains(out, "3 packets transmitted, 3 received, 0% packet loss") {
			t.Errorf("ping through br0: %v\n%s", err, out)
		}

		// Ctrl-C: a cancelled context stops an endless ping, which still
		// prints its statistics and exits 0 since replies came. The
		// context is cancelled once the third reply is printed, so that
		// replies have come whatever the machine's load; more probes may
		// have been sent meanwhile, answered or not.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var buf bytes.Buffer
		env := a.Env.Clone()
		defer env.Release()
		env.Stdout = &cancelAfter{w: &buf, what: []byte(" bytes from "), n: 3, cancel: cancel}
		err = ping.Main(ctx, env, []string{"ping", "-i", "0.2", "172.16.1.2"})
		got := buf.String()
		m := regexp.MustCompile(`\n--- 172\.16\.1\.2 ping statistics ---\n([0-9]+) packets transmitted, ([0-9]+) received, [0-9.]+% packet loss, time [0-9]+ms\nrtt `).FindStringSubmatch(got)
		if err != nil || m == nil {
			t.Errorf("cancelled ping: %v\n%s", err, got)
		} else if sent, recv := atoi(m[1]), atoi(m[2]); recv < 3 || sent < recv {
			t.Errorf("cancelled ping: %d sent, %d received, want 3 or more received\n%s", sent, recv, got)
		}
	})
}

// cancelAfter writes to w and calls cancel once what has been written n
// times (counted per Write: ping writes a reply line at a time).
type cancelAfter struct {
	w      io.Writer
	what   []byte
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	if c.n > 0 {
		c.n -= bytes.Count(p, c.what)
		if c.n <= 0 {
			c.cancel()
		}
	}
	return c.w.Write(p)
}

// atoi is strconv.Atoi for digits a regexp matched.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// TestSeedLabsPingWithoutIputils runs the seed tutorials that ping, and
// their nsh rewrites, with PATH empty: no ping program can be found, so
// the replies can only come from the builtin.
func TestSeedLabsPingWithoutIputils(t *testing.T) {
	t.Parallel()
	files := []string{
		"seeds/netns-and-veth.sh", "seeds/blue-namespace.sh", // seeds/docker-bridge-lab.sh runs ls
		"docker-bridge-lab.nsh", "netns-and-veth.nsh", "blue-namespace.nsh",
	}
	for _, f := range files {
		t.Run(strings.ReplaceAll(f, "/", "_"), func(t *testing.T) {
			t.Parallel()
			sandbox.Run(t, func(t *testing.T) {
				// The sandbox child runs only this test: changing its
				// environment affects nothing else.
				old := os.Getenv("PATH")
				os.Setenv("PATH", "")
				defer os.Setenv("PATH", old)
				var out, errb strings.Builder
				code := cli.Main([]string{"nsh", filepath.Join("..", "..", "scripts", f)}, strings.NewReader(""), &out, &errb)
				if code != 0 {
					t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
				}
				pings := strings.Count(out.String(), "ping statistics ---")
				if pings == 0 || strings.Count(out.String(), " 0% packet loss") != pings {
					t.Errorf("want every ping answered:\n%s", out.String())
				}
			})
		})
	}
}
