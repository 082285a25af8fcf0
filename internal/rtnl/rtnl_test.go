package rtnl_test

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/ns"
)

// TestParseAttrs: attributes by type with flags masked off, padding
// skipped, nested runs, and what precedes a malformed attribute.
func TestParseAttrs(t *testing.T) {
	b := []byte{
		5, 0, 3, 0, 'a', 0, 0, 0, // type 3, "a", padded
		8, 0, 4, 0xc0, 1, 2, 3, 4, // type 4 with NLA_F_NESTED and NLA_F_NET_BYTEORDER
		12, 0, 5, 0, 6, 0, 1, 0, 7, 0, 0, 0, // type 5 nesting type 1 = u16 7
	}
	a, err := rtnl.ParseAttrs(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Str(3); got != "a" {
		t.Errorf("Str(3) = %q", got)
	}
	if v, ok := a.BE16(4); !ok || v != 0x0102 {
		t.Errorf("BE16(4) = %#x %v", v, ok)
	}
	if v, ok := a.Nested(5).U16(1); !ok || v != 7 {
		t.Errorf("Nested(5).U16(1) = %d %v", v, ok)
	}
	if _, ok := a.U64(4); ok {
		t.Error("U64 of a 4-byte attribute")
	}
	if a.Has(9) || a.Nested(9) != nil {
		t.Error("attribute 9 is there")
	}
	rep := append(append([]byte(nil), b[:8]...), 6, 0, 3, 0x80, 'b', 'c', 0, 0)
	if vs, err := rtnl.All(rep, 3); err != nil || len(vs) != 2 || string(vs[0][:1]) != "a" || string(vs[1]) != "bc" {
		t.Errorf("All(3) = %q %v", vs, err)
	}
	bad := append(append([]byte(nil), b[:8]...), 200, 0, 1, 0)
	a, err = rtnl.ParseAttrs(bad)
	if err == nil || a.Str(3) != "a" || a.Has(1) {
		t.Errorf("malformed run: %v %v", a, err)
	}
}

// TestFromHandle: package netlink's kernel errors become KernelErrors,
// with the extended ack message it appended; anything else stays as it
// is.
func TestFromHandle(t *testing.T) {
	other := errors.New("Wrong Seq nr 1, expected 2")
	for _, c := range []struct {
		in   error
		want string // "" for unchanged
		msg  string
	}{
		{unix.EEXIST, "file exists", ""},
		{fmt.Errorf("%w: %s", unix.EINVAL, "Invalid prefix for given prefix length"), "invalid argument: Invalid prefix for given prefix length", "Invalid prefix for given prefix length"},
		{other, "", ""},
		{nil, "", ""},
	} {
		got := rtnl.FromHandle(c.in)
		if c.want == "" {
			if got != c.in {
				t.Errorf("FromHandle(%v) = %v, want it unchanged", c.in, got)
			}
			continue
		}
		var ke *rtnl.KernelError
		if !errors.As(got, &ke) || got.Error() != c.want || rtnl.Message(got) != c.msg || !errors.Is(got, errors.Unwrap(c.in)) && !errors.Is(got, c.in) {
			t.Errorf("FromHandle(%v) = %#v", c.in, got)
		}
	}
	// Wrapped once more, the message is still found.
	w := fmt.Errorf("ip route add: %w", rtnl.FromHandle(fmt.Errorf("%w: %s", unix.EINVAL, "m")))
	if rtnl.Message(w) != "m" || !errors.Is(w, unix.EINVAL) {
		t.Errorf("Message(%v) = %q", w, rtnl.Message(w))
	}
}

// TestPairExtAck: both sockets of a Pair get the kernel's message for a
// refused request (a route with host bits set), and a closed Conn
// refuses requests rather than opening a socket where the thread is.
func TestPairExtAck(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		host, err := ns.NewHost()
		if err != nil {
			t.Fatal(err)
		}
		defer host.Close()
		a, err := host.Add("a")
		if err != nil {
			t.Fatal(err)
		}
		p, err := rtnl.OpenPair(host, a)
		if err != nil {
			t.Fatal(err)
		}
		lo, err := p.Handle.LinkByName("lo")
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Handle.LinkSetUp(lo); err != nil {
			t.Fatal(err)
		}
		_, dst, _ := net.ParseCIDR("192.168.42.0/24")
		dst.IP = net.ParseIP("192.168.42.101").To4()
		err = p.Handle.RouteAdd(&netlink.Route{LinkIndex: lo.Attrs().Index, Dst: dst})
		const want = "Invalid prefix for given prefix length"
		if got := rtnl.Message(rtnl.FromHandle(err)); got != want {
			t.Errorf("Handle: message %q (%v), want %q", got, err, want)
		}
		// The same request on the Conn.
		req := nl.NewNetlinkRequest(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK)
		req.AddData(&nl.RtMsg{RtMsg: unix.RtMsg{Family: unix.AF_INET, Dst_len: 24, Table: unix.RT_TABLE_MAIN,
			Protocol: unix.RTPROT_BOOT, Scope: unix.RT_SCOPE_LINK, Type: unix.RTN_UNICAST}})
		req.AddData(nl.NewRtAttr(unix.RTA_DST, dst.IP))
		req.AddData(nl.NewRtAttr(unix.RTA_OIF, nl.Uint32Attr(uint32(lo.Attrs().Index))))
		_, err = p.Conn.Execute(req, 0)
		var ke *rtnl.KernelError
		if !errors.As(err, &ke) || ke.Msg != want || ke.Errno != unix.EINVAL {
			t.Errorf("Conn: %#v, want EINVAL with %q", err, want)
		}
		links, err := p.Conn.Links(unix.AF_UNSPEC, 0)
		if err != nil || len(links) != 1 || links[0].Name != "lo" {
			t.Fatalf("links of a: %v %v", links, err)
		}
		p.Close()
		if _, err := p.Conn.Links(unix.AF_UNSPEC, 0); !errors.Is(err, rtnl.ErrClosed) {
			t.Errorf("a closed Conn answered: %v", err)
		}
	})
}
