package repl

import (
	"fmt"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/ns"
)

// TestCompletionAtScale checks completion with 1,000 namespaces and
// 2,000 interfaces (1,000 veth pairs in the start namespace): completing
// "in ns5" lists /run/netns, "ip link set dev veth1" reads the
// namespace's interface names, "sysctl net.ipv4.conf.veth1" reads the
// namespace's /proc/sys/net/ipv4/conf, "brctl addif" needs link
// attributes (a full netlink dump). How long a Tab takes is not held to
// a budget here: a timed assertion fails on a loaded machine (it did, at
// 30 ms against 20, under -race); speed belongs in benchmarks.
func TestCompletionAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: creates 1,000 namespaces and 2,000 links")
	}
	sandbox.Run(t, func(t *testing.T) {
		s, _ := newSession(t)
		for i := 0; i < 1000; i++ {
			if _, err := s.cfg.Host.Add(fmt.Sprintf("ns%d", i)); err != nil {
				t.Fatal(err)
			}
		}
		h, release, err := s.cfg.State.Acquire(ns.Start())
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		for i := 0; i < 1000; i++ {
			v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: fmt.Sprintf("veth%d", i)}, PeerName: fmt.Sprintf("peer%d", i)}
			if err := h.LinkAdd(v); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.LinkAdd(&netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "br0"}}); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			line string
			want int
		}{
			// ns5, ns50..ns59, ns500..ns599
			{"in ns5", 111},
			// veth1, veth10..veth19, veth100..veth199
			{"ip link set dev veth1", 111},
			// lo, inside another namespace
			{"ip -n ns5 link set dev l", 1},
			// /proc/sys/net/ipv4/conf/veth1, veth10..., read on a
			// thread in the namespace
			{"sysctl net.ipv4.conf.veth1", 111},
			{"brctl addif br0 veth1", 111},
		}
		for _, c := range cases {
			if got, _ := s.comp.Complete(nil, c.line); len(got) != c.want {
				t.Fatalf("%q: %d candidates, want %d", c.line, len(got), c.want)
			}
		}
	})
}
