package iproute_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/interp"
)

// script runs lines through the builtin as an interpreter would: each
// statement sees the following ones and may skip them. It returns which
// statements were skipped.
func (l *lab) script(lines []string) map[int]bool {
	l.t.Helper()
	skipped := map[int]bool{}
	for i := 0; i < len(lines); i++ {
		if skipped[i] {
			continue
		}
		cur := i
		l.env.Following = func(j int) (interp.Following, bool) {
			k := cur + 1 + j
			if k >= len(lines) {
				return interp.Following{}, false
			}
			return interp.Following{Args: strings.Fields(lines[k])}, true
		}
		l.env.Skip = func(j int, _ func(context.Context) error) { skipped[cur+1+j] = true }
		args := strings.Fields(lines[i])
		if _, err := l.ip(args[1:]...); err != nil {
			l.t.Fatalf("%s: %v", lines[i], err)
		}
	}
	return skipped
}

// normalize drops what may differ between a fused and a literal run:
// interface indexes and MAC addresses.
func normalize(s string) string {
	s = regexp.MustCompile(`(?m)^\d+: `).ReplaceAllString(s, "N: ")
	s = regexp.MustCompile(`@if\d+`).ReplaceAllString(s, "@ifN")
	s = regexp.MustCompile(`([0-9a-f]{2}:){5}[0-9a-f]{2}`).ReplaceAllString(s, "MAC")
	s = regexp.MustCompile(`fe80::\S+`).ReplaceAllString(s, "fe80::X")
	return s
}

func TestVethFusionSameAsLiteral(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		noDAD(t)
		sys(t, "netns add fused")
		sys(t, "netns add literal")
		run := func(nsName string, fuse bool) (string, map[int]bool) {
			l := newLab(t)
			lines := []string{
				"ip link add a-" + nsName + " type veth peer name b-" + nsName + " mtu 1400",
				"ip link set a-" + nsName + " alias first",
				"ip addr add 10.0.0.1/24 dev a-" + nsName,
				"ip link set b-" + nsName + " netns " + nsName,
			}
			var skipped map[int]bool
			if fuse {
				skipped = l.script(lines)
			} else {
				for _, line := range lines {
					l.must(strings.TrimPrefix(line, "ip "))
				}
			}
			return sys(t, "-n "+nsName+" -d link show b-"+nsName), skipped
		}
		fusedOut, skipped := run("fused", true)
		literalOut, _ := run("literal", false)
		if !skipped[3] {
			t.Errorf("the move was not fused (skipped %v)", skipped)
		}
		got := strings.ReplaceAll(normalize(fusedOut), "fused", "X")
		want := strings.ReplaceAll(normalize(literalOut), "literal", "X")
		if got != want {
			t.Errorf("fused end state differs from the literal one:\n--- fused\n%s--- literal\n%s", got, want)
		}
		if out := sys(t, "link show"); strings.Contains(out, "b-fused") {
			t.Errorf("b-fused is still in the start namespace:\n%s", out)
		}
	})
}

func TestVethFusionFallsBack(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sys(t, "netns add ns1")
		// ns1 already has a device named b0: the fused creation fails, so
		// the literal sequence runs and its move reports the error.
		sys(t, "-n ns1 link add b0 type veth peer name c0")
		l := newLab(t)
		lines := []string{"ip link add a0 type veth peer name b0", "ip link set b0 netns ns1"}
		cur := 0
		l.env.Following = func(j int) (interp.Following, bool) {
			if cur+1+j >= len(lines) {
				return interp.Following{}, false
			}
			return interp.Following{Args: strings.Fields(lines[cur+1+j])}, true
		}
		skipped := false
		l.env.Skip = func(int, func(context.Context) error) { skipped = true }
		l.must("link add a0 type veth peer name b0")
		if skipped {
			t.Fatal("statement skipped although the fused creation must fail")
		}
		if out := sys(t, "link show dev b0"); !strings.Contains(out, "b0@a0") {
			t.Errorf("b0 not created literally:\n%s", out)
		}
		cur = 1
		if _, err := l.ip("link", "set", "b0", "netns", "ns1"); err == nil {
			t.Error("moving b0 into ns1, which has a b0, should fail as in the literal sequence")
		}
		// A missing namespace: no fusion, the move fails later.
		cur = 0
		lines = []string{"ip link add a1 type veth peer name b1", "ip link set b1 netns nosuch"}
		l.must("link add a1 type veth peer name b1")
		if skipped {
			t.Error("fused into a namespace that does not exist")
		}
	})
}
