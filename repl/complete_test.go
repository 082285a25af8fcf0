package repl

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/brctl"
	"github.com/nshlab/nsh/builtins/bridge"
	"github.com/nshlab/nsh/builtins/iproute"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// newSession builds an interpreter wired as nsh wires it (the network
// builtins over one State) and a shell around it.
func newSession(t *testing.T) (*shell, *interp.Runner) {
	t.Helper()
	host, err := ns.NewHost()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.Close() })
	st := builtins.NewState(host)
	t.Cleanup(st.Close)
	cmds := map[string]builtins.Func{
		"ip": iproute.Main, "brctl": brctl.Main, "bridge": bridge.Main, "exists": builtins.Exists,
	}
	var out bytes.Buffer
	r, err := interp.New(
		interp.StdIO(strings.NewReader(""), &out, &out),
		interp.Host(host),
		interp.ExecHandlers(builtins.Middleware(st, cmds)),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	s := &shell{cfg: Config{Runner: r, Host: host, State: st, Stdout: &out, Stderr: &out}}
	s.comp = NewCompleter(host, st, r)
	return s, r
}

// run runs nsh source in r and fails the test on any error.
func run(t *testing.T, r *interp.Runner, src string) {
	t.Helper()
	f, err := lang.Parse("setup", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if err := r.Run(context.Background(), f); err != nil {
		t.Fatalf("setup: %v", err)
	}
}

// TestCompleter runs a table of (earlier lines, line with the cursor at
// "|") → candidates against namespaces and links made in a sandbox.
func TestCompleter(t *testing.T) {
	sandbox.Run(t, func(t *testing.T) {
		s, r := newSession(t)
		dir := t.TempDir()
		for _, n := range []string{"lab.nsh", "lib.nsh"} {
			if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Mkdir(filepath.Join(dir, "labs"), 0o755); err != nil {
			t.Fatal(err)
		}
		run(t, r, `
ip netns add ns1
ip netns add ns2
ip netns add blue
ip link add veth1 type veth peer name veth1p
ip link add veth2 type veth peer name veth2p
brctl addbr mydocker0
brctl addif mydocker0 veth1
ip -n ns1 link add eth0 type veth peer name link-b
ip -n ns2 link add lan0 type veth peer name lan1
br = mydocker0
bridges = [mydocker0]
def pair a b < echo $a $b >
`)
		ipTypes := []string{"bond ", "bridge ", "dummy ", "ifb ", "macvlan ", "macvtap ", "veth ", "vlan ", "vrf ", "vxlan "}
		cases := []struct {
			pending []string
			line    string // "|" marks the cursor; at the end when absent
			want    []string
		}{
			{nil, "in n", []string{"ns1 ", "ns2 "}},
			{nil, "in ", []string{". ", "blue ", "ns1 ", "ns2 ", "pid "}},
			{nil, "in n| < ip a >", []string{"ns1 ", "ns2 "}},
			{nil, "ip l", []string{"link "}},
			{nil, "ip -n n", []string{"ns1 ", "ns2 "}},
			{nil, "ip -netns b", []string{"blue "}},
			{nil, "ip link add x type ", ipTypes},
			{nil, "ip link add x type veth ", []string{"peer "}},
			{nil, "ip link add x type veth peer ", []string{"name "}},
			{nil, "ip link add x type veth peer name ", nil},
			{nil, "ip link add x type macvlan mode p", []string{"passthru ", "private "}},
			{nil, "ip link set dev veth1 m", []string{"master ", "mtu ", "multicast "}},
			{nil, "ip link set dev veth1 n", []string{"name ", "netns ", "nomaster "}},
			{nil, "ip link set dev veth1", []string{"veth1 ", "veth1p "}},
			{nil, "ip link set ve", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "ip link set veth1 master my", []string{"mydocker0 "}},
			{nil, "ip link set veth1p netns n", []string{"ns1 ", "ns2 "}},
			{nil, "ip link set veth1 mtu ", nil},
			{nil, "ip link del v", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "ip -n ns1 link set ", []string{"dev ", "eth0 ", "link-b ", "lo "}},
			{nil, "ip -n ns1 link set l", []string{"link-b ", "lo "}},
			{nil, "ip a add 10.0.0.1/24 dev ve", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "ip a add 10.0.0.1/24 dev veth1 s", []string{"scope "}},
			{nil, "ip addr show dev m", []string{"mydocker0 "}},
			{nil, "ip route add default via 10.0.0.1 dev l", []string{"lo "}},
			{nil, "ip netns exec n", []string{"ns1 ", "ns2 "}},
			{nil, "ip netns exec ns1 ip link set e", []string{"eth0 "}},
			{nil, "ip netns exec ns2 brctl sh", []string{"show ", "showmacs ", "showstp "}},
			{nil, "ip netns del b", []string{"blue "}},
			{nil, "ip netns pids n", []string{"ns1 ", "ns2 "}},
			{nil, "ip netns identify b", []string{"blue "}},
			{nil, "ip netns a", []string{"add ", "attach "}},
			{nil, "in ns1 < ip link set dev l", []string{"link-b ", "lo "}},
			{nil, "in ns2 < ip a; in ns1 < echo > ; ip link set l", []string{"lan0 ", "lan1 ", "lo "}},
			{[]string{"in ns1 <"}, "ip link set l", []string{"link-b ", "lo "}},
			{[]string{"in ns1 <", "  for i in 1..2 <"}, "  ip a add 10.0.0.$i/32 dev e", []string{"eth0 "}},
			{[]string{"in ns1 <", "  try < ip a >"}, "ip -n ns2 link set l", []string{"lan0 ", "lan1 ", "lo "}},
			{nil, "brctl addif m", []string{"mydocker0 "}},
			{nil, "brctl addif mydocker0 v", []string{"veth1p ", "veth2 ", "veth2p "}},
			{nil, "brctl delif mydocker0 ", []string{"veth1 "}},
			{nil, "brctl stp mydocker0 o", []string{"off ", "on "}},
			{nil, "brctl a", []string{"addbr ", "addif "}},
			{nil, "bridge link set dev v", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "echo $b", []string{"$br", "$bridges"}},
			{nil, "echo x${b", []string{"x${br}", "x${bridges}"}},
			{nil, "pa", []string{"pair "}},
			{nil, "e", []string{"echo ", "exec ", "exists ", "exit "}},
			{nil, "i", []string{"if ", "in ", "ip "}},
			{nil, "exists netns b", []string{"blue "}},
			{nil, "if exists link my", []string{"mydocker0 "}},
			{nil, "if ! exists netns n", []string{"ns1 ", "ns2 "}},
			{nil, "sudo ip netns exec ns1 ip a show dev e", []string{"eth0 "}},
			{nil, "# ip link set dev veth1p netns n", []string{"ns1 ", "ns2 "}},
			{nil, "[root@host ~]# ip netns exec n", []string{"ns1 ", "ns2 "}},
			{nil, "# a comment about n", nil},
			{nil, "echo 'in n", nil},
			{nil, "source " + dir + "/l", []string{dir + "/lab.nsh ", dir + "/labs/", dir + "/lib.nsh "}},
			{nil, "help ip l", []string{"link "}},
		}
		for _, c := range cases {
			line, pos := c.line, len(c.line)
			if i := strings.IndexByte(line, '|'); i >= 0 {
				line, pos = line[:i]+line[i+1:], i
			}
			s.setPending(c.pending)
			got, word := s.comp.Complete(c.pending, line[:pos])
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%q %q: got %q, want %q", c.pending, c.line, got, c.want)
				continue
			}
			// readline's view: the rest of each candidate after the
			// typed part.
			sfx, n := completer{s}.Do([]rune(line), pos)
			if n != len(word) || len(sfx) != len(c.want) {
				t.Errorf("%q: Do gave %d suffixes of length %d", c.line, len(sfx), n)
			}
			for i, x := range sfx {
				if word+string(x) != c.want[i] {
					t.Errorf("%q: Do suffix %q + %q != %q", c.line, word, string(x), c.want[i])
				}
			}
		}
		s.setPending(nil)

		// The session's namespace, switched by "in NS" alone.
		run(t, r, "in ns2")
		if got, _ := s.comp.Complete(nil, "ip link set l"); !reflect.DeepEqual(got, []string{"lan0 ", "lan1 ", "lo "}) {
			t.Errorf("after in ns2: %q", got)
		}
		if got, _ := s.comp.Complete(nil, "in . < ip link set veth1p"); !reflect.DeepEqual(got, []string{"veth1p "}) {
			t.Errorf("in . inside ns2: %q", got)
		}
		if p := Prompt(r.NS()); p != "nsh[ns2]> " {
			t.Errorf("prompt %q", p)
		}
		run(t, r, "in .")
		if p := Prompt(r.NS()); p != "nsh> " {
			t.Errorf("prompt %q", p)
		}

		// A running statement holds the lock: completion offers nothing
		// instead of reading the interpreter concurrently.
		s.comp.mu.Lock()
		got, _ := s.comp.Complete(nil, "in n")
		s.comp.mu.Unlock()
		if got != nil {
			t.Errorf("completion while a statement runs: %q", got)
		}
	})
}
