package repl

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/brctl"
	"github.com/nshlab/nsh/builtins/bridge"
	"github.com/nshlab/nsh/builtins/iproute"
	"github.com/nshlab/nsh/builtins/spec"
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
ip -n ns2 tuntap add tap0 mode tap
ip -n ns2 link add d.1 type veth peer name d2
br = mydocker0
bridges = [mydocker0]
def pair a b < echo $a $b >
`)
		var ipTypes []string
		for _, k := range spec.LinkKindNames() {
			ipTypes = append(ipTypes, k+" ")
		}
		sort.Strings(ipTypes)
		cases := []struct {
			pending []string
			line    string // the last "|" marks the cursor; at the end when absent
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
			{nil, "ip link set dev veth1 m", []string{"master ", "mode ", "mtu ", "multicast "}},
			{nil, "ip link set dev veth1 n", []string{"name ", "netns ", "nomaster ", "numrxqueues ", "numtxqueues "}},
			{nil, "ip link set dev veth1", []string{"veth1 ", "veth1p "}},
			{nil, "ip link set ve", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "ip link set veth1 master my", []string{"mydocker0 "}},
			// Only masters, and not the device being set.
			{nil, "ip link set veth1 master ", []string{"mydocker0 "}},
			{nil, "ip link set mydocker0 master ", nil},
			{nil, "ip link set veth1p netns n", []string{"ns1 ", "ns2 "}},
			{nil, "ip link set veth1 mtu ", nil},
			{nil, "ip link del v", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "ip -n ns1 link set ", []string{"dev ", "eth0 ", "link-b ", "lo "}},
			{nil, "ip -n ns1 link set l", []string{"link-b ", "lo "}},
			{nil, "ip a add 10.0.0.1/24 dev ve", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "ip a add 10.0.0.1/24 dev veth1 s", []string{"scope ", "secondary ", "stable-privacy "}},
			{nil, "ip addr show dev m", []string{"mydocker0 "}},
			{nil, "ip route add default via 10.0.0.1 dev l", []string{"lo "}},
			{nil, "ip netns exec n", []string{"ns1 ", "ns2 "}},
			{nil, "ip netns exec ns1 ip link set e", []string{"eth0 "}},
			{nil, "ip netns exec ns2 brctl sh", []string{"show ", "showmacs ", "showstp "}},
			{nil, "ip netns del b", []string{"blue "}},
			{nil, "ip netns pids n", []string{"ns1 ", "ns2 "}},
			{nil, "ip netns a", []string{"add ", "attach "}},
			{nil, "in ns1 < ip link set dev l", []string{"link-b ", "lo "}},
			{nil, "in ns2 < ip a; in ns1 < echo > ; ip link set l", []string{"lan0 ", "lan1 ", "lo "}},
			{[]string{"in ns1 <"}, "ip link set l", []string{"link-b ", "lo "}},
			{[]string{"in ns1 <", "  for i in 1..2 <"}, "  ip a add 10.0.0.$i/32 dev e", []string{"eth0 "}},
			{[]string{"in ns1 <", "  try < ip a >"}, "ip -n ns2 link set l", []string{"lan0 ", "lan1 ", "lo "}},
			{nil, "brctl addif m", []string{"mydocker0 "}},
			{nil, "brctl addif mydocker0 v", []string{"veth1p ", "veth2 ", "veth2p "}},
			// Never lo, the bridge itself or a port already.
			{nil, "brctl addif mydocker0 ", []string{"veth1p ", "veth2 ", "veth2p "}},
			{nil, "brctl delif mydocker0 ", []string{"veth1 "}},
			{nil, "brctl stp mydocker0 o", []string{"off ", "on "}},
			{nil, "brctl a", []string{"addbr ", "addif "}},
			{nil, "bridge link set dev v", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "echo $b", []string{"$br", "$bridges"}},
			{nil, "echo x${b", []string{"x${br}", "x${bridges}"}},
			{nil, "pa", []string{"pair "}},
			{nil, "e", []string{"echo ", "exec ", "exists ", "exit ", "export "}},
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
			{nil, "help ", []string{"brctl ", "bridge ", "cd ", "def ", "echo ", "exec ", "exists ", "exit ", "export ", "for ", "help ", "if ", "in ", "ip ", "ping ", "set ", "sleep ", "source ", "sudo ", "sysctl ", "try ", "wait "}},
			{nil, "help ip l", []string{"link "}},
			{nil, "help ip r", []string{"route ", "rule "}},
			{nil, "help ip n", []string{"neighbour ", "netns "}},
			{nil, "help p", []string{"ping "}},
			{nil, "s", []string{"set ", "sleep ", "source ", "sudo ", "sysctl "}},
			{nil, "p", []string{"pair ", "ping "}},

			// commands in lists and pipelines
			{nil, "ip netns add x && ip -n n", []string{"ns1 ", "ns2 "}},
			{nil, "ip a | ip l|", []string{"link "}},
			{nil, "ip a || ip link set veth2|", []string{"veth2 ", "veth2p "}},
			{nil, "ip a|ip link set veth2|", []string{"veth2 ", "veth2p "}},
			{nil, "echo a&b", nil},

			// ip rule
			{nil, "ip r", []string{"route ", "rule "}},
			{nil, "ip rule ", []string{"list ", "show ", "save ", "restore ", "add ", "delete ", "flush ", "help "}},
			{nil, "ip rule add from 10.0.0.0/8 t", []string{"table ", "throw ", "to ", "tos ", "tun_id ", "type "}},
			{nil, "ip rule add from 10.0.0.0/8 table ", []string{"default ", "local ", "main ", "unspec "}},
			{nil, "ip rule add not from 1.2.3.4 lookup m", []string{"main "}},
			{nil, "ip rule add fwmark 1 p", []string{"preference ", "priority ", "prohibit ", "protocol "}},
			{nil, "ip rule add fwmark ", nil},
			{nil, "ip rule add iif v", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "ip -n ns1 rule add oif ", []string{"eth0 ", "link-b ", "lo "}},
			{nil, "ip ru show l", []string{"l3mdev ", "lookup "}},
			{nil, "ip rule del pref 100 o", []string{"oif ", "order "}},

			// ip neigh
			{nil, "ip neigh ", []string{"add ", "change ", "replace ", "delete ", "get ", "show ", "list ", "flush ", "help "}},
			{nil, "ip n add 10.0.0.2 ", []string{"dev ", "extern_learn ", "lladdr ", "managed ", "nud ", "protocol ", "proxy ", "router ", "use "}},
			{nil, "ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:01 nud ", []string{"delay ", "failed ", "incomplete ", "noarp ", "none ", "permanent ", "probe ", "reachable ", "stale "}},
			{nil, "ip neigh replace 10.0.0.2 lladdr 02:00:00:00:00:01 nud permanent dev v", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "ip neigh add proxy 10.0.0.5 d", []string{"dev "}},
			{nil, "ip neigh add 10.0.0.2 lladdr ", nil},
			{nil, "ip neigh show nud a", []string{"all "}},
			{nil, "ip neigh show p", []string{"protocol ", "proxy "}},
			{nil, "ip neighbour flush dev l", []string{"lo "}},
			{nil, "in ns2 < ip neigh show dev l", []string{"lan0 ", "lan1 ", "lo "}},

			// ip tuntap
			{nil, "ip tuntap ", []string{"add ", "delete ", "show ", "list ", "help "}},
			{nil, "ip tuntap add tap1 mode ", []string{"tap ", "tun "}},
			{nil, "ip tuntap add tap1 mode tap u", []string{"user "}},
			{nil, "ip tuntap add mode tap m", []string{"mode ", "multi_queue "}},
			{nil, "ip tuntap add dev ", nil},
			{nil, "ip -n ns2 tuntap del ", []string{"d.1 ", "d2 ", "dev ", "lan0 ", "lan1 ", "lo ", "tap0 "}},
			{nil, "ip -n ns2 tuntap del dev ", []string{"d.1 ", "d2 ", "lan0 ", "lan1 ", "lo ", "tap0 "}},
			{nil, "ip -n ns2 tap del mode tap name t", []string{"tap0 "}},

			// ip route: types and nexthops
			{nil, "ip route add ", []string{"anycast ", "blackhole ", "broadcast ", "default ", "local ", "multicast ", "nat ", "prohibit ", "throw ", "unicast ", "unreachable ", "xresolve "}},
			{nil, "ip route add blackhole ", []string{"default "}},
			{nil, "ip route add 10.1.0.0/16 n", []string{"nexthop ", "nhid "}},
			{nil, "ip route add 10.1.0.0/16 nexthop ", []string{"as ", "dev ", "encap ", "nexthop ", "onlink ", "realms ", "via ", "weight "}},
			{nil, "ip route add 10.1.0.0/16 nexthop via 10.0.0.1 dev v", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "ip route add 10.1.0.0/16 nexthop via 10.0.0.1 dev veth1 weight ", nil},
			{nil, "ip route add 10.1.0.0/16 nexthop via 10.0.0.1 dev veth1 weight 2 n", []string{"nexthop "}},
			{nil, "ip route add 10.1.0.0/16 dev veth1 type b", []string{"blackhole ", "broadcast "}},
			{nil, "ip route show type u", []string{"unicast ", "unreachable "}},

			// ip link: bridge and bridge_slave options
			{nil, "ip link add br1 type bridge st", []string{"stp_state "}},
			{nil, "ip link add br1 type bridge stp_state ", []string{"0 ", "1 "}},
			{nil, "ip link add br1 type bridge vlan_filtering 1 mcast_s", []string{"mcast_snooping ", "mcast_startup_query_count ", "mcast_startup_query_interval ", "mcast_stats_enabled "}},
			{nil, "ip link add br1 type bridge forward_delay ", nil},
			{nil, "ip link add br1 type bridge ageing_time 300 h", []string{"hello_time "}},
			{nil, "ip link set dev veth1 type b", []string{"bareudp ", "batadv ", "bond ", "bond_slave ", "bridge ", "bridge_slave "}},
			{nil, "ip link set dev mydocker0 type bridge pr", []string{"priority "}},
			{nil, "ip link set dev veth1 type bridge_slave h", []string{"hairpin "}},
			{nil, "ip link set dev veth1 type bridge_slave state ", []string{"blocking ", "disabled ", "forwarding ", "learning ", "listening "}},
			{nil, "ip link set dev veth1 type bridge_slave state learning l", []string{"learning ", "locked "}},
			{nil, "ip link set dev veth1 type bridge_slave learning ", []string{"off ", "on "}},
			{nil, "ip link set dev veth1 type bridge_slave cost ", nil},

			// ping and sysctl
			{nil, "ping -", []string{"-4 ", "-6 ", "-D ", "-I ", "-W ", "-c ", "-i ", "-n ", "-q ", "-s ", "-t ", "-v ", "-w "}},
			{nil, "ping -c 1 -I v", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "ping -c ", nil},
			{nil, "in ns1 < ping -I ", []string{"eth0 ", "link-b ", "lo "}},
			{nil, "sysctl n", []string{"net."}},
			{nil, "sysctl k", nil},
			{nil, "sysctl net.ipv4.conf.v", []string{"net.ipv4.conf.veth1.", "net.ipv4.conf.veth1p.", "net.ipv4.conf.veth2.", "net.ipv4.conf.veth2p."}},
			{nil, "in ns1 < sysctl net.ipv4.conf.e", []string{"net.ipv4.conf.eth0."}},
			{nil, "ip netns exec ns1 sysctl -w net.ipv4.conf.eth0.forw", []string{"net.ipv4.conf.eth0.forwarding="}},
			{nil, "sysctl -n net.ipv4.conf.lo.forw", []string{"net.ipv4.conf.lo.forwarding "}},
			{nil, "sysctl net/ipv4/conf/l", []string{"net/ipv4/conf/lo/"}},
			{nil, "in ns2 < sysctl net.ipv4.conf.d", []string{"net.ipv4.conf.d/1.", "net.ipv4.conf.d2.", "net.ipv4.conf.default."}},
			{nil, "ip -n ns2 link set d; in ns2 < sysctl net.ipv4.conf.d/1.forw", []string{"net.ipv4.conf.d/1.forwarding "}},
			{nil, "sysctl net..ipv4.c", nil},
			{nil, "sysctl net.ipv4.conf.lo.forwarding=", nil},
			{nil, "sysctl --w", []string{"--write "}},

			// bridge and brctl
			{nil, "bridge ", []string{"link ", "fdb ", "mdb ", "vlan ", "vni ", "monitor "}},
			{nil, "bridge fdb ", []string{"add ", "append ", "replace ", "delete ", "get ", "show ", "list ", "flush ", "help "}},
			{nil, "bridge fdb add ", []string{"dev ", "dst ", "dynamic ", "extern_learn ", "local ", "master ", "nhid ", "permanent ", "port ", "router ", "self ", "src_vni ", "static ", "sticky ", "temp ", "use ", "via ", "vlan ", "vni "}},
			{nil, "bridge fdb add 02:00:00:00:00:01 dev v", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "bridge fdb add 02:00:00:00:00:01 dev veth1 m", []string{"master "}},
			{nil, "bridge fdb del 02:00:00:00:00:01 dev veth1 master s", []string{"self ", "src_vni ", "static ", "sticky "}},
			{nil, "bridge fdb show br ", []string{"mydocker0 "}},
			{nil, "bridge fdb show state ", []string{"dynamic ", "permanent ", "static "}},
			{nil, "bridge vlan ", []string{"add ", "delete ", "show ", "list ", "tunnelshow ", "set ", "global ", "help "}},
			{nil, "bridge vlan add vid 10 dev v", []string{"veth1 ", "veth1p ", "veth2 ", "veth2p "}},
			{nil, "bridge vlan add vid 10 dev veth1 p", []string{"pvid "}},
			{nil, "bridge vlan show ", []string{"dev ", "vid "}},
			{nil, "bridge link set dev veth1 state ", []string{"blocking ", "disabled ", "forwarding ", "learning ", "listening "}},
			{nil, "bridge link set dev veth1 hairpin ", []string{"off ", "on "}},
			{nil, "bridge -n ns1 link set dev ", []string{"eth0 ", "link-b ", "lo "}},
			{nil, "brctl set", []string{"setageing ", "setbridgeprio ", "setfd ", "sethello ", "setmaxage ", "setpathcost ", "setportprio "}},
			{nil, "brctl hairpin mydocker0 veth1 ", []string{"off ", "on "}},
			{nil, "brctl setpathcost mydocker0 ", []string{"veth1 "}},
			{nil, "brctl showmacs ", []string{"mydocker0 "}},
		}
		// Each ip and bridge object offers its verbs in the command's
		// order, from the model.
		for _, cmd := range []*spec.Cmd{&spec.IP, &spec.Bridge} {
			for i := range cmd.Objects {
				o := &cmd.Objects[i]
				if o.Missing || o.Canon != "" || len(o.Verbs) == 0 {
					continue
				}
				var want []string
				for _, v := range OfferedVerbs(o) {
					want = append(want, v+" ")
				}
				cases = append(cases, struct {
					pending []string
					line    string
					want    []string
				}{nil, cmd.Name + " " + o.Name + " ", want})
			}
		}
		for _, c := range cases {
			line, pos := c.line, len(c.line)
			if i := strings.LastIndexByte(line, '|'); i >= 0 {
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
				want := c.want[i]
				if pos < len(line) && line[pos] == ' ' {
					// Mid-line before a blank: no second blank.
					want = strings.TrimSuffix(want, " ")
				}
				if word+string(x) != want {
					t.Errorf("%q: Do suffix %q + %q != %q", c.line, word, string(x), want)
				}
			}
		}
		// After "ip netns exec NS": nsh's commands and PATH's
		// programs (executables only), not the language's words.
		bin := t.TempDir()
		os.WriteFile(filepath.Join(bin, "tcpdump"), []byte("#!/bin/sh\n"), 0o755)
		os.WriteFile(filepath.Join(bin, "tcpnotes.txt"), nil, 0o644)
		os.Symlink("tcpdump", filepath.Join(bin, "tcplink"))
		oldPath := os.Getenv("PATH")
		os.Setenv("PATH", bin)
		got, _ := s.comp.Complete(nil, "ip netns exec ns1 tc")
		all, _ := s.comp.Complete(nil, "ip netns exec ns1 ")
		os.Setenv("PATH", oldPath)
		if want := []string{"tcpdump ", "tcplink "}; !reflect.DeepEqual(got, want) {
			t.Errorf("ip netns exec ns1 tc: got %q, want %q", got, want)
		}
		if !slices.Contains(all, "ip ") || !slices.Contains(all, "tcpdump ") || slices.Contains(all, "for ") {
			t.Errorf("ip netns exec ns1: got %q", all)
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
		got, _ = s.comp.Complete(nil, "in n")
		s.comp.mu.Unlock()
		if got != nil {
			t.Errorf("completion while a statement runs: %q", got)
		}
	})
}
