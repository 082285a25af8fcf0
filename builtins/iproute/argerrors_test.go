package iproute_test

import (
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// TestArgumentErrorsMatchIproute2 compares, byte for byte, the messages
// of refused commands with the real ip's stderr, and checks that nothing
// changed.
func TestArgumentErrorsMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		l := newLab(t)
		sys(t, "link set lo up")
		for _, line := range []string{
			"rule del",
			"rule add",
			"-6 rule del",
			"rule delete",
			"route add 10.9.0.0/16 nexthop",
			"route add 10.9.0.0/16 nexthop via 127.0.0.2 nexthop",
			// The kernel refuses these; the messages depend on
			// its extended ack (or on knowing the kind).
			"link add x type nosuchkind",
			"link add x type bridge vlan_filtering 1",
			"link add x type dummy",
		} {
			args := strings.Fields(line)
			if strings.HasPrefix(line, "link add x") {
				// Kernels that have the kind or option create x.
				if _, _, err := realIPOut(t, args); err == nil {
					sys(t, "link del x")
					continue
				}
			}
			before4, before6 := sys(t, "rule show"), sys(t, "-6 rule show")
			routes := sys(t, "route show table all")
			_, stderr, rerr := realIPOut(t, args)
			if rerr == nil {
				t.Fatalf("ip %s: the real ip succeeded", line)
			}
			_, err := l.ip(args...)
			// nsh's "link add" errors name the request before
			// ip's message.
			if err == nil {
				t.Errorf("ip %s: nsh succeeded; ip said %q", line, stderr)
			} else if got := err.Error() + "\n"; got != stderr && !(strings.HasPrefix(line, "link add x") && strings.HasSuffix(got, ": "+stderr)) {
				t.Errorf("ip %s:\n nsh: %q\n  ip: %q", line, got, stderr)
			}
			if sys(t, "rule show") != before4 || sys(t, "-6 rule show") != before6 || sys(t, "route show table all") != routes {
				t.Errorf("ip %s changed the rules or routes", line)
			}
		}
	})
}

// TestAddrLabelNeedNotNameDev checks that "ip addr add ... label L" takes
// any label, as iproute2 6.1 does.
func TestAddrLabelNeedNotNameDev(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		l := newLab(t)
		sys(t, "addr add 10.1.1.1/24 dev lo label foo") // iproute2 accepts it
		l.must("addr add 10.1.2.1/24 dev lo label bar")
		l.must("addr add 10.1.3.1/24 dev lo label lo:baz")
		for label, want := range map[string]string{"foo": "10.1.1.1/24", "bar": "10.1.2.1/24", "lo:baz": "10.1.3.1/24"} {
			real := sys(t, "-4 -o addr show dev lo label "+label)
			if !strings.Contains(real, want) {
				t.Errorf("label %s: ip shows %q, want %s", label, real, want)
			}
			if got := l.must("-4 -o addr show dev lo label " + label); got != real {
				t.Errorf("label %s:\n nsh: %q\n  ip: %q", label, got, real)
			}
		}
	})
}
