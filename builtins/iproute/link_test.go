package iproute_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/iproute"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
	"github.com/nshlab/nsh/interp"
)

// lab is a builtins.Env for the link/address/route tests.
type lab struct {
	t        *testing.T
	env      *builtins.Env
	out, err bytes.Buffer
}

func newLab(t *testing.T) *lab {
	t.Helper()
	host, st := testenv.New(t)
	l := &lab{t: t}
	l.env = &builtins.Env{Stdin: strings.NewReader(""), Stdout: &l.out, Stderr: &l.err, Host: host, State: st}
	// No interpreter: no statement follows.
	l.env.Following = func(int) (interp.Following, bool) { return interp.Following{}, false }
	l.env.Skip = func(int, func(context.Context) error) { t.Fatal("Skip called with no following statement") }
	return l
}

// ip runs "ip ARGS" as the nsh builtin.
func (l *lab) ip(args ...string) (string, error) {
	l.out.Reset()
	l.err.Reset()
	defer l.env.Release() // as the interpreter does after each command
	err := iproute.Main(context.Background(), l.env, append([]string{"ip"}, args...))
	return l.out.String(), err
}

// must runs "ip LINE" (split on blanks) and fails on error.
func (l *lab) must(line string) string {
	l.t.Helper()
	out, err := l.ip(strings.Fields(line)...)
	if err != nil {
		l.t.Fatalf("nsh ip %s: %v", line, err)
	}
	return out
}

// sys runs the real ip binary with LINE and fails on error.
func sys(t *testing.T, line string) string {
	t.Helper()
	sandbox.RequireTool(t, "ip")
	var o, e bytes.Buffer
	cmd := exec.Command("ip", strings.Fields(line)...)
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("ip %s: %v\n%s", line, err, e.String())
	}
	return o.String()
}

// noDAD turns off duplicate address detection so IPv6 addresses are not
// "tentative" for a timing-dependent while.
func noDAD(t *testing.T) {
	t.Helper()
	for _, p := range []string{"/proc/sys/net/ipv6/conf/default/accept_dad", "/proc/sys/net/ipv6/conf/all/accept_dad"} {
		if err := os.WriteFile(p, []byte("0"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLinkAddSetDel(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		l := newLab(t)
		l.must("link add veth0 type veth peer name veth1")
		l.must("l s dev veth0 up mtu 1400 address 02:00:00:00:00:01 alias hello")
		l.must("link add br0 type bridge")
		l.must("link set veth0 master br0")
		out := sys(t, "link show dev veth0")
		for _, want := range []string{"veth0@veth1:", "mtu 1400", "master br0", "link/ether 02:00:00:00:00:01", "alias hello", ",UP"} {
			if !strings.Contains(out, want) {
				t.Errorf("ip link show veth0 lacks %q:\n%s", want, out)
			}
		}
		l.must("link set veth0 nomaster name v0 down")
		out = sys(t, "link show dev v0")
		if strings.Contains(out, "master") || strings.Contains(out, ",UP") {
			t.Errorf("after nomaster/down:\n%s", out)
		}
		l.must("link del dev v0")
		if _, err := l.ip("link", "show", "veth1"); !errors.Is(err, unix.ENODEV) {
			t.Errorf("veth1 should be gone with its peer, got %v", err)
		}
	})
}

func TestLinkErrors(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		l := newLab(t)
		l.must("link add a0 type veth peer name b0")
		cases := []struct {
			line string
			is   error
			text string
		}{
			{"link add a0 type veth peer name c0", unix.EEXIST, `a link named "a0" already exists`},
			{"link set nope up", unix.ENODEV, `Cannot find device "nope"`},
			{"link del nope", unix.ENODEV, `Cannot find device "nope"`},
			{"link set a0 master nope", unix.ENODEV, `Cannot find device "nope"`},
			{"link add a type veth", nil, `"type" is invalid lladdr`},
			{"link add this-name-is-too-long type veth", nil, "invalid interface name"},
			{"link add x/y type veth", nil, "invalid interface name"},
			{"link set a0 promisc maybe", nil, `must be "on" or "off"`},
			{"link frob a0", nil, `"frob" is unknown`},
			{"link add v1 type vxlan", unix.EINVAL, "Required attributes not provided"},
		}
		for _, c := range cases {
			_, err := l.ip(strings.Fields(c.line)...)
			if err == nil {
				t.Errorf("ip %s: no error", c.line)
				continue
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("ip %s: %v is not %v", c.line, err, c.is)
			}
			if !strings.Contains(err.Error(), c.text) {
				t.Errorf("ip %s: %q lacks %q", c.line, err, c.text)
			}
		}
	})
}

func TestLinkTypes(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		l := newLab(t)
		l.must("link add veth0 type veth peer veth1")
		l.must("link add link veth0 name mv0 type macvlan mode bridge")
		l.must("link add link veth0 name mt0 type macvtap mode vepa")
		l.must("link add vx0 type vxlan id 42 dstport 4789 remote 10.0.0.2 dev veth0 nolearning")
		l.must("link add ifb0 type ifb")
		l.must("link add br1 type bridge ageing_time 1000 mcast_snooping 0")
		d := sys(t, "-d link show dev vx0")
		for _, want := range []string{"vxlan id 42", "remote 10.0.0.2", "dev veth0", "dstport 4789", "nolearning"} {
			if !strings.Contains(d, want) {
				t.Errorf("vx0 details lack %q:\n%s", want, d)
			}
		}
		if d := sys(t, "-d link show dev mv0"); !strings.Contains(d, "macvlan mode bridge") {
			t.Errorf("mv0: %s", d)
		}
		if d := sys(t, "-d link show dev br1"); !strings.Contains(d, "ageing_time 1000") || !strings.Contains(d, "mcast_snooping 0") {
			t.Errorf("br1: %s", d)
		}
		// Types this kernel may lack fail with the kernel's reason.
		for _, typ := range []string{"dummy", "vrf table 10", "bond mode active-backup"} {
			_, err := l.ip(append([]string{"link", "add", "x0", "type"}, strings.Fields(typ)...)...)
			if err == nil {
				l.must("link del x0")
				continue
			}
			var errno unix.Errno
			if !errors.As(err, &errno) {
				t.Errorf("type %s: %v carries no kernel reason", typ, err)
			}
		}
		out := l.must("link show type macvlan")
		if !strings.Contains(out, "mv0@veth0") || strings.Contains(out, "vx0") {
			t.Errorf("show type macvlan:\n%s", out)
		}
	})
}

func TestLinkNetns(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		l := newLab(t)
		sys(t, "netns add ns1")
		l.must("link add a0 type veth peer name b0 netns ns1")
		l.must("link add a1 type veth peer name b1")
		l.must("link set b1 netns ns1")
		l.must("-n ns1 link set b1 up")
		out := sys(t, "-n ns1 link")
		if !strings.Contains(out, "b0@if") || !strings.Contains(out, "b1@if") || !strings.Contains(out, ",UP") {
			t.Errorf("ns1:\n%s", out)
		}
		if _, err := l.ip("link", "set", "a0", "netns", "nosuchns"); err == nil {
			t.Error("netns nosuchns: no error")
		}
	})
}

func TestAddrAddDelFlush(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		l := newLab(t)
		noDAD(t)
		l.must("link add veth0 type veth peer name veth1")
		l.must("a a 10.0.0.1/24 dev veth0")
		l.must("address add 10.0.1.1/24 brd + dev veth0 label veth0:x")
		l.must("addr add 2001:db8::1/64 dev veth0")
		l.must("addr add 10.9.0.1 peer 10.9.0.2 dev veth0")
		out := sys(t, "addr show dev veth0")
		for _, want := range []string{"inet 10.0.0.1/24 scope global veth0\n", "inet 10.0.1.1/24 brd 10.0.1.255 scope global veth0:x", "inet6 2001:db8::1/64 scope global", "inet 10.9.0.1 peer 10.9.0.2/32"} {
			if !strings.Contains(out, want) {
				t.Errorf("addresses lack %q:\n%s", want, out)
			}
		}
		if _, err := l.ip("a", "a", "10.0.0.1/24", "dev", "veth0"); !errors.Is(err, unix.EEXIST) {
			t.Errorf("duplicate address: %v", err)
		}
		if _, err := l.ip("a", "a", "10.0.0.1/24", "dev", "veth0", "label", "other"); err == nil {
			t.Error("label not prefixed by dev: no error")
		}
		l.must("a d 10.0.0.1/24 dev veth0")
		l.must("a flush dev veth0 scope global")
		out = sys(t, "addr show dev veth0")
		if strings.Contains(out, "inet ") || strings.Contains(out, "2001:db8") {
			t.Errorf("after flush:\n%s", out)
		}
	})
}

func TestRouteAddDelShow(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		l := newLab(t)
		l.must("link add veth0 type veth peer name veth1")
		l.must("link set veth0 up")
		l.must("link set veth1 up")
		l.must("addr add 10.0.0.1/24 dev veth0")
		l.must("r a default via 10.0.0.254")
		l.must("route add 192.168.0.0/16 dev veth0 metric 10 proto static")
		l.must("route add blackhole 10.99.0.0/16")
		l.must("route add 172.16.0.0/12 via 10.0.0.253 table 100")
		l.must("route add 172.17.0.0/16 via 10.0.0.252 dev veth0 onlink mtu 1400")
		want := sys(t, "route")
		if got := l.must("route"); got != want {
			t.Errorf("ip route:\n%s\nwant\n%s", got, want)
		}
		if got, want := l.must("route show table 100"), sys(t, "route show table 100"); got != want {
			t.Errorf("table 100:\n%s\nwant\n%s", got, want)
		}
		if _, err := l.ip("route", "add", "default", "via", "10.0.0.254"); !errors.Is(err, unix.EEXIST) {
			t.Errorf("duplicate route: %v", err)
		}
		l.must("route replace default via 10.0.0.250")
		l.must("r d 192.168.0.0/16")
		l.must("route flush table 100")
		if out := sys(t, "route show table 100"); out != "" {
			t.Errorf("table 100 after flush:\n%s", out)
		}
		out := sys(t, "route")
		if !strings.Contains(out, "default via 10.0.0.250") || strings.Contains(out, "192.168.") {
			t.Errorf("after replace/delete:\n%s", out)
		}
		if _, err := l.ip("route", "del", "10.55.0.0/16"); !errors.Is(err, unix.ESRCH) {
			t.Errorf("deleting a missing route: %v", err)
		}
	})
}
