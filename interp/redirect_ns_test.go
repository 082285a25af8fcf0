package interp_test

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// TestRedirectionNamespace checks that a redirection inside "in NS" opens
// its file in NS: /proc/sys/net belongs to the network namespace of the
// thread that opens it. The real sysctl and ip netns exec tell.
func TestRedirectionNamespace(t *testing.T) {
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		sandbox.RequireTool(t, "sysctl")
		h, err := ns.NewHost()
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		if _, err := h.Add("ns1"); err != nil {
			t.Fatal(err)
		}
		sysctl := func(args ...string) string {
			t.Helper()
			out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %v\n%s", args, err, out)
			}
			return strings.TrimSpace(string(out))
		}
		start := func() string { return sysctl("sysctl", "-n", "net.ipv4.ip_forward") }
		ns1 := func() string { return sysctl("ip", "netns", "exec", "ns1", "sysctl", "-n", "net.ipv4.ip_forward") }
		if start() != "0" || ns1() != "0" {
			t.Fatalf("ip_forward before: start %s, ns1 %s; want 0, 0", start(), ns1())
		}
		src := `in ns1 < echo 1 > /proc/sys/net/ipv4/ip_forward >
in ns1 < exec cat < /proc/sys/net/ipv4/ip_forward >
exec cat < /proc/sys/net/ipv4/ip_forward
in ns1 < echo -n x >> /proc/net/nosuch >
`
		f, err := lang.Parse("t.nsh", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		r, err := interp.New(interp.Host(h), interp.StdIO(nil, &out, &errb))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		err = r.Run(context.Background(), f)
		if err == nil || !strings.HasPrefix(err.Error(), "t.nsh:4:10: echo -n x >> /proc/net/nosuch (netns ns1): open /proc/net/nosuch: ") {
			t.Errorf("error %v, want one at 4:10 naming ns1", err)
		}
		if got := out.String(); got != "1\n0\n" {
			t.Errorf("cat printed %q, want ns1's 1 then the start namespace's 0", got)
		}
		if start() != "0" || ns1() != "1" {
			t.Errorf("ip_forward after: start %s, ns1 %s; want 0, 1", start(), ns1())
		}
	})
}

// TestRedirectionProcNet checks that /proc/net and /proc/self inside
// "in NS" are the switched thread's, not the main thread's (HAZARDS #3).
func TestRedirectionProcNet(t *testing.T) {
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		h, err := ns.NewHost()
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		if _, err := h.Add("a"); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("ip", "-n", "a", "link", "add", "va", "type", "veth", "peer", "name", "vb").CombinedOutput(); err != nil {
			t.Fatalf("ip link add: %v\n%s", err, out)
		}
		src := `in a < exec cat < /proc/net/dev >
echo ---
in a < exec cat < /proc/self/net/dev >
echo ---
exec cat < /proc/net/dev
`
		f, err := lang.Parse("t.nsh", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		r, err := interp.New(interp.Host(h), interp.StdIO(nil, &out, &errb))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if err := r.Run(context.Background(), f); err != nil {
			t.Fatalf("%v\n%s", err, errb.String())
		}
		parts := strings.Split(out.String(), "---\n")
		if len(parts) != 3 {
			t.Fatalf("output %q", out.String())
		}
		for i, want := range []bool{true, true, false} {
			if got := strings.Contains(parts[i], "va:") && strings.Contains(parts[i], "vb:"); got != want {
				t.Errorf("part %d lists a's links: %v, want %v\n%s", i, got, want, parts[i])
			}
		}
	})
}
