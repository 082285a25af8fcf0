package repl

import (
	"fmt"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/ns"
)

// completionBudget is the most a completion may take at the scale of
// TestCompletionSpeed.
const completionBudget = 20 * time.Millisecond

// TestCompletionSpeed benchmarks completion (testing.Benchmark, in a
// sandbox) with 1,000 namespaces and 2,000 interfaces (1,000 veth pairs
// in the start namespace): completing "in ns5" lists /run/netns,
// completing "ip link set dev veth1" reads the namespace's interface
// names, completing "sysctl net.ipv4.conf.veth1" reads the
// namespace's /proc/sys/net/ipv4/conf. Each must stay under
// completionBudget per Tab. "brctl addif"
// needs link attributes, hence a full netlink dump; its figure is
// logged, not held to the budget.
func TestCompletionSpeed(t *testing.T) {
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
			line   string
			want   int
			budget bool
		}{
			// ns5, ns50..ns59, ns500..ns599
			{"in ns5", 111, true},
			// veth1, veth10..veth19, veth100..veth199
			{"ip link set dev veth1", 111, true},
			// lo, inside another namespace
			{"ip -n ns5 link set dev l", 1, true},
			// /proc/sys/net/ipv4/conf/veth1, veth10..., read on a
			// thread in the namespace
			{"sysctl net.ipv4.conf.veth1", 111, true},
			{"brctl addif br0 veth1", 111, false},
		}
		for _, c := range cases {
			if got, _ := s.comp.Complete(nil, c.line); len(got) != c.want {
				t.Fatalf("%q: %d candidates, want %d", c.line, len(got), c.want)
			}
			res := testing.Benchmark(func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					s.comp.Complete(nil, c.line)
				}
			})
			per := time.Duration(res.NsPerOp())
			t.Logf("complete %q: %v per Tab (%d runs, %d allocs/op)", c.line, per, res.N, res.AllocsPerOp())
			if c.budget && per > completionBudget {
				t.Errorf("complete %q: %v per Tab, budget %v", c.line, per, completionBudget)
			}
		}
	})
}
