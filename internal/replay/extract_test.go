package replay

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedsDir holds the tutorials nsh started from, as published (copies of
// /work/shared/seeds).
const seedsDir = "testdata/seeds"

var seeds = []string{"blue-namespace", "containers-networking", "docker-bridge-lab", "netns-and-veth", "veth-faq"}

func readSeed(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(seedsDir, name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// TestExtractSeeds compares the commands extracted from each seed
// tutorial with testdata/NAME.list, written by reading the tutorial.
func TestExtractSeeds(t *testing.T) {
	for _, name := range seeds {
		t.Run(name, func(t *testing.T) {
			src := readSeed(t, name)
			want, err := os.ReadFile(filepath.Join("testdata", name+".list"))
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := List(&b, Extract(src)); err != nil {
				t.Fatal(err)
			}
			if i, g, w := firstDiff(b.String(), string(want)); i > 0 {
				t.Fatalf("line %d: got %q, want %q\nwhole list:\n%s", i, g, w, b.String())
			}
		})
	}
}

// TestExtractSeedOutputs checks the output Extract attaches to show
// commands in the run-together and the line-per-line styles.
func TestExtractSeedOutputs(t *testing.T) {
	find := func(steps []Step, text string, nth int) Step {
		t.Helper()
		for _, s := range steps {
			if s.Text == text {
				if nth == 0 {
					return s
				}
				nth--
			}
		}
		t.Fatalf("no step %q", text)
		return Step{}
	}
	docker := Extract(readSeed(t, "docker-bridge-lab"))
	if s := find(docker, "ip netns list", 0); s.Output != "ns2 ns1" || !s.Show || s.Line != 8 {
		t.Errorf("ip netns list: %+v", s)
	}
	if s := find(docker, "ip netns exec ns2 ip route", 0); s.Output != "" {
		t.Errorf("ip route followed by a prompt: output %q", s.Output)
	}
	if s := find(docker, "ip netns exec ns1 ip route", 0); s.Output != "default via 172.16.1.254 dev eth0 172.16.0.0/16 dev eth0 proto kernel scope link src 172.16.1.1" {
		t.Errorf("ip route output: %q", s.Output)
	}
	// "ip -d link show |grep veth1": the pipe stays, and the output shown
	// is grep's.
	if s := find(docker, "ip -d link show | grep veth1", 0); !s.Show || s.Note != "" ||
		s.Output != "6149: veth1p@veth1: [BROADCAST,MULTICAST,M-DOWN] mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000 6150: veth1@veth1p: [BROADCAST,MULTICAST,M-DOWN] mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000" {
		t.Errorf("piped command: %+v", s)
	}
	if s := find(docker, "ip netns exec ns1 ping -c 2 172.16.1.2", 0); !strings.HasPrefix(s.Output, "PING 172.16.1.2 (172.16.1.2) 56(84) bytes of data. 64 bytes from") ||
		!strings.HasSuffix(s.Output, "rtt min/avg/max/mdev = 0.049/0.253/0.457/0.204 ms") {
		t.Errorf("ping output: %q", s.Output)
	}
	blue := Extract(readSeed(t, "blue-namespace"))
	if s := find(blue, "ip link show type veth", 1); s.Output != "10: veth0@if9: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\nlink/ether 36:ad:98:c3:06:b7 brd ff:ff:ff:ff:ff:ff link-netns blue" {
		t.Errorf("line-style output: %q", s.Output)
	}
	if s := find(blue, "ping -c1 10.0.0.1", 1); !strings.HasSuffix(s.Output, "rtt min/avg/max/mdev = 0.021/0.021/0.021/0.000 ms") || strings.Contains(s.Output, "This is") {
		t.Errorf("ping output stops before the prose: %q", s.Output)
	}
	cn := Extract(readSeed(t, "containers-networking"))
	if s := find(cn, "ip link set veth0 master br0", 0); s.Note != "sudo dropped" {
		t.Errorf("sudo: %+v", s)
	}
	nv := Extract(readSeed(t, "netns-and-veth"))
	// "ip netns exec ns1 bash" opens a shell in ns1: the "ip a" typed in it
	// runs in ns1, until "exit".
	if s := find(nv, "ip netns exec ns1 ip a", 1); !strings.HasPrefix(s.Output, "1: lo: <LOOPBACK>") || strings.Contains(s.Output, "exit") {
		t.Errorf("command inside the ns1 shell: %+v", s)
	}
}

// TestExtractShapes covers the ways tutorials write commands.
func TestExtractShapes(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      []string
	}{
		{"markdown", "Create it:\n\n```sh\n$ sudo ip netns add red\n$ ip netns list\nred\n```\n\nThen `ip link` shows it.\n",
			[]string{"ip netns add red", "ip netns list"}},
		{"inline code", "Finally `ip -n red route add default via 10.0.0.2` and clean up with:\n\n`ip netns del red`\n\n    ip netns del blue\n",
			[]string{"ip netns del red", "ip netns del blue"}},
		{"root prompt", "[root@box ~]# ip -n red link set lo up\n[root@box ~]# ip -n red a\n1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n", []string{"ip -n red link set lo up", "ip -n red a"}},
		{"user prompt", "me@host:~$ sudo ip link add br0 type bridge\n", []string{"ip link add br0 type bridge"}},
		{"continuation", "ip link add veth0 \\\n  type veth peer name veth1\n", []string{"ip link add veth0 type veth peer name veth1"}},
		{"prose", "We use ip netns exec <namespace> <command>, and the ip netns command reads /run/netns.\nA bridge interface, the ip a command, a bridge (br0).\n", nil},
		{"run together", "# ip netns add a # ip netns add b # ip netns list b a # brctl addbr br0 # brctl show bridge name bridge id STP enabled interfaces br0 8000.000000000000 no\n",
			[]string{"ip netns add a", "ip netns add b", "ip netns list", "brctl addbr br0", "brctl show"}},
		{"comments between", "# Create ip link add v1 type veth peer name v2 # Configure ip ip addr add 1.1.1.1/32 dev v1\n", []string{"ip link add v1 type veth peer name v2", "ip addr add 1.1.1.1/32 dev v1"}},
		{"bridge type is an argument", "ip link add br0 type bridge\nbridge link show\n", []string{"ip link add br0 type bridge", "bridge link show"}},
		{"shell", "# ip netns exec red bash # ip a 1: lo: # exit exit # ip a\n", []string{"ip netns exec red ip a", "ip a"}},
		{"other programs", "# ip netns exec red tcpdump -i veth0 -n # ip netns exec red ping -c 1 10.0.0.2 -W 1\n", []string{"ip netns exec red ping -c 1 10.0.0.2 -W 1"}},
		{"route get", "$ ip netns exec h1 ip route get 10.0.2.10\n10.0.2.10 via 10.0.1.1 dev veth-h1 src 10.0.1.10 uid 0\n    cache\n$ ip r get to 10.0.2.1 from 10.0.1.10 iif veth-h1\n$ ip neigh get 10.0.1.1 dev veth-h1\n",
			[]string{"ip netns exec h1 ip route get 10.0.2.10", "ip r get to 10.0.2.1 from 10.0.1.10 iif veth-h1", "ip neigh get 10.0.1.1 dev veth-h1"}},
		{"code comments", "    // create namespace\n    sudo ip netns add red\n    //ping ip address\n    sudo ip netns exec red ping -c 1 127.0.0.1\n",
			[]string{"ip netns add red", "ip netns exec red ping -c 1 127.0.0.1"}},
		{"typed but invalid", "    sudo ip netns red ip address add 10.0.0.1/24 dev veth-red\nWe use ip netns red ip a here.\n",
			[]string{"ip netns red ip address add 10.0.0.1/24 dev veth-red"}},
		{"all namespaces", "$ sudo ip -all netns exec ip -br link\n$ sudo ip -all netns delete\n", []string{"ip -all netns exec ip -br link", "ip -all netns delete"}},
		{"sysctl", "> sysctl -w net.ipv4.ip_forward=1\n> sysctl net.ipv4.ip_forward\nnet.ipv4.ip_forward = 1\n", []string{"sysctl -w net.ipv4.ip_forward=1", "sysctl net.ipv4.ip_forward"}},
		{"echo into /proc/sys", "$ echo 1 > /proc/sys/net/ipv4/ip_forward\n$ sudo echo 0 >/proc/sys/net/ipv4/conf/eth0.10/rp_filter\necho hello world\n",
			[]string{"sysctl -w net.ipv4.ip_forward=1", "sysctl -w net/ipv4/conf/eth0.10/rp_filter=0"}},
		{"ping needs an address", "ping both ways, then ping -c 3 10.0.0.1\n", []string{"ping -c 3 10.0.0.1"}},
		{"pipes into filters", "# ip a | grep inet # ip -n ns1 route |head -n 2 | wc -l # ip link show |grep -e veth -i # ip netns exec ns1 ip a |grep -c lo\n",
			[]string{"ip a | grep inet", "ip -n ns1 route | head -n 2 | wc -l", "ip link show | grep -e veth -i", "ip netns exec ns1 ip a | grep -c lo"}},
		{"other pipes", "# ip link | awk '{print $2}' # ip a | less # ip r | grep # ip a || echo no\n", []string{"ip link", "ip a", "ip r", "ip a"}},
	} {
		var got []string
		for _, s := range Extract(c.src) {
			got = append(got, s.Text)
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	// Lone words after "ip netns list" are its output, unless prose
	// follows them: then they are a heading.
	if st := Extract("$ ip netns list\nns1\nns2\n$ ip netns add x\n"); len(st) != 2 || st[0].Output != "ns1\nns2" {
		t.Errorf("netns list output: %+v", st)
	}
	if st := Extract("ip netns list\nveth\nVirtual ethernet interface is a Virtual ethernet interface.\n"); len(st) != 1 || st[0].Output != "" {
		t.Errorf("heading taken as output: %+v", st)
	}
	// A kept pipe's output is the filter's, on the same line or the
	// next; a pipe left out is said so, and its output not compared.
	if st := Extract("$ ip -br a | grep veth0 veth0 UP 10.0.0.1/24\n$ ip a |tail -n 1\n    inet 10.0.0.1/24 scope global veth0\n$ ip a | less\n1: lo:\n"); len(st) != 3 ||
		st[0].Output != "veth0 UP 10.0.0.1/24" || st[1].Text != "ip a | tail -n 1" || st[1].Output != "inet 10.0.0.1/24 scope global veth0" || st[0].Note != "" ||
		st[2].Text != "ip a" || st[2].Output != "" || !strings.Contains(st[2].Note, "(| ...) into a program replay does not keep") {
		t.Errorf("piped outputs: %+v", st)
	}
	// Output inside a fenced block keeps going over blank lines.
	steps := Extract("```\n$ ping -c 1 10.0.0.1\nPING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.\n\n--- 10.0.0.1 ping statistics ---\n```\n")
	if len(steps) != 1 || !strings.Contains(steps[0].Output, "--- 10.0.0.1 ping statistics ---") {
		t.Errorf("fenced output: %+v", steps)
	}
}

func TestCompare(t *testing.T) {
	for _, c := range []struct {
		want, got string
		ok        bool
	}{
		{"9: veth1@veth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500\nlink/ether 4a:b7:5f:be:4d:bb brd ff:ff:ff:ff:ff:ff",
			"2: veth1@veth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500\n    link/ether 02:0f:3b:a9:45:74 brd ff:ff:ff:ff:ff:ff\n", true},
		{"1: lo: [LOOPBACK] mtu 65536", "1: lo: <LOOPBACK> mtu 65536\n", true},
		{"6149: eth0@if6150: <UP> link-netnsid 0", "4: eth0@if5: <UP> link-netns ns1", true},
		{"64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=0.021 ms --- x ping statistics --- 1 packets transmitted, 1 received, 0% packet loss, time 0ms rtt min/avg/max/mdev = 0.021/0.021/0.021/0.000 ms",
			"64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=0.301 ms\n\n--- x ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.301/0.301/0.301/0.000 ms\n", true},
		{"bridge name bridge id STP enabled interfaces ... mydocker0 8000.000000000000 no ...", "bridge name\tbridge id\t\tSTP enabled\tinterfaces\nmydocker0\t\t8000.aabbccddeeff\tno\t\t\n", true},
		{"1 packets transmitted, 0 received, 100% packet loss", "1 packets transmitted, 1 received, 0% packet loss", false},
		// A slow first reply (ARP) overlaps the next request: ", pipe 2".
		{"2 packets transmitted, 2 received, 0% packet loss, time 1001ms rtt min/avg/max/mdev = 0.07/0.08/0.09/0.01 ms",
			"2 packets transmitted, 2 received, 0% packet loss, time 1010ms\nrtt min/avg/max/mdev = 0.110/505.126/1010.143/505.016 ms, pipe 2\n", true},
		{"ns2 ns1", "ns1\n", false},
		// Printed by an older ip, without "allmulti" and the tso/gro sizes.
		{"4: vx: <UP> mtu 1450 link/ether 3e:1f:5c:aa:bb:cc brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 65535 vxlan id 100 addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535",
			"3: vx: <UP> mtu 1450\n    link/ether 7e:63:82:d4:bc:81 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \n    vxlan id 100 addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 \n", true},
		{"4: vx: <UP> mtu 1450 promiscuity 0 minmtu 68 vxlan id 100", "3: vx: <UP> mtu 1450 promiscuity 0 minmtu 68 vxlan id 101\n", false},
		// DAD had ended when the tutorial's author looked.
		{"inet6 fe80::98cf:2dff:fe5e:1106/64 scope link\n valid_lft forever", "    inet6 fe80::e4e1:e8ff:fe6e:667/64 scope link tentative \n       valid_lft forever\n", true},
		{"inet6 fe80::98cf:2dff:fe5e:1106/64 scope link\n valid_lft forever", "    inet6 fe80::e4e1:e8ff:fe6e:667/64 scope host\n       valid_lft forever\n", false},
		// HTML ate the flag list: "eth0@if6150:mtu 1500".
		{"6150: eth0@if6150:mtu 1500 qdisc noop state DOWN", "5: eth0@if6: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN\n", true},
		{"6150: eth0@if6150:mtu 1500 qdisc noop state DOWN", "5: eth0@if6: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state UP\n", false},
	} {
		ok, why := Compare(c.want, c.got)
		if ok != c.ok {
			t.Errorf("Compare(%q, %q) = %v (%s), want %v", c.want, c.got, ok, why, c.ok)
		}
		if !ok && why == "" {
			t.Errorf("Compare(%q, %q): no reason given", c.want, c.got)
		}
	}
}

// TestExtractPlainOutputs checks output outside fences: -brief lines, and
// ping's statistics after the blank line ping prints.
func TestExtractPlainOutputs(t *testing.T) {
	src := "$ sudo ip -n router -br addr\n" +
		"lo               UNKNOWN        127.0.0.1/8 ::1/128\n" +
		"veth-r1@if3      UP             10.0.1.1/24\n" +
		"\n" +
		"Then:\n\n" +
		"$ ping -c 1 10.0.2.10\n" +
		"PING 10.0.2.10 (10.0.2.10) 56(84) bytes of data.\n" +
		"64 bytes from 10.0.2.10: icmp_seq=1 ttl=63 time=0.071 ms\n" +
		"\n" +
		"--- 10.0.2.10 ping statistics ---\n" +
		"1 packets transmitted, 1 received, 0% packet loss, time 0ms\n" +
		"rtt min/avg/max/mdev = 0.071/0.071/0.071/0.000 ms\n" +
		"\n" +
		"Note the TTL.\n"
	steps := Extract(src)
	if len(steps) != 2 {
		t.Fatalf("got %d steps: %+v", len(steps), steps)
	}
	if want := "lo UNKNOWN 127.0.0.1/8 ::1/128\nveth-r1@if3 UP 10.0.1.1/24"; steps[0].Output != want {
		t.Errorf("brief output: %q, want %q", steps[0].Output, want)
	}
	if o := steps[1].Output; !strings.HasSuffix(o, "rtt min/avg/max/mdev = 0.071/0.071/0.071/0.000 ms") || strings.Contains(o, "Note") {
		t.Errorf("ping output: %q", o)
	}
}

// TestExtractWhereTheReaderIs checks the namespace each step runs in:
// nsenter, ip netns exec NS CMD, and shells entered in a namespace and
// left by exit, by a prompt that shows the first shell again, at the end
// of the code block or at the next heading.
func TestExtractWhereTheReaderIs(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      []string
	}{
		{"nsenter", "```\n$ nsenter --net=/var/run/netns/red ip a\n$ sudo nsenter --net=/run/netns/blue -- ip route\n$ nsenter -t 4242 -n ip a\n$ nsenter --net=/proc/1/ns/net ip a\n```\n",
			[]string{"ip netns exec red ip a", "ip netns exec blue ip route"}},
		{"nsenter shell", "```\n# nsenter --net=/run/netns/red bash\n# ip link set lo up\n# exit\n# ip a\n```\n",
			[]string{"ip netns exec red ip link set lo up", "ip a"}},
		{"end of the code block", "```\n$ ip netns exec red bash\n$ ip a\n```\n\nBack on the host:\n\n```\n$ ip link\n```\n",
			[]string{"ip netns exec red ip a", "ip link"}},
		{"next block's prompt names the namespace", "```\n$ ip netns exec red bash\n```\n\nInside:\n\n```\nroot@red:~# ip a\n```\n\n```\nroot@host:~# ip link\n```\n",
			[]string{"ip netns exec red ip a", "ip link"}},
		{"heading ends the section", "```\n$ ip netns exec red bash\n$ ip a\n```\n## Next\n```\n$ ip link\n```\n",
			[]string{"ip netns exec red ip a", "ip link"}},
		{"prompt back", "root@host:~# ip netns exec red bash\n[red] # ip a\nroot@host:~# ip link\n",
			[]string{"ip netns exec red ip a", "ip link"}},
		{"exit in plain text", "# ip netns exec red bash\n# ip a\n# exit\n# ip link\n",
			[]string{"ip netns exec red ip a", "ip link"}},
	} {
		var got []string
		for _, s := range Extract(c.src) {
			got = append(got, s.Text)
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// TestExtractMarkdown checks that a Markdown document is read by its
// structure: headings, prose and table cells are never commands, code
// blocks and whole-line code spans are.
func TestExtractMarkdown(t *testing.T) {
	src := "# ip rule\n\nRun brctl show again, then ip link show.\n\n### ip netns\n\n| command | what |\n|---|---|\n| ip link show | links |\n| `ip a` | addresses |\n\n" +
		"- `ip netns add red`\n- see `ip netns list` for more\n\n```sh\nip link add br0 type bridge\nbridge link show\n```\n\n    ip netns del red\n"
	var got []string
	for _, s := range Extract(src) {
		got = append(got, s.Text)
	}
	want := []string{"ip netns add red", "ip link add br0 type bridge", "bridge link show", "ip netns del red"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestExtractShellSemantics checks && and ||, the lines left out with
// their reasons, and echo into /etc/iproute2.
func TestExtractShellSemantics(t *testing.T) {
	src := "```\n$ ip link del nosuch && \\\n  ip link add x type bridge\n$ ip link show y || ip link add y type bridge\n" +
		"$ echo 200 John >> /etc/iproute2/rt_tables\n$ sudo tcpdump -i veth0 -n\n$ ip netns exec red tcpdump -ni any\n" +
		"$ docker exec -it c1 ip a\n$ nsenter -t 4242 -n ip a\n$ ip a; ip r\n```\n"
	ex := ExtractAll(src)
	type sc struct{ text, cond, writes string }
	var got []sc
	for _, s := range ex.Steps {
		got = append(got, sc{s.Text, s.Cond, s.Writes})
	}
	want := []sc{
		{"ip link del nosuch", "", ""},
		{"ip link add x type bridge", "&&", ""},
		{"ip link show y", "", ""},
		{"ip link add y type bridge", "||", ""},
		{"echo 200 John >> /etc/iproute2/rt_tables", "", "/etc/iproute2/rt_tables"},
		{"ip a", "", ""},
		{"ip r", "", ""},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("steps:\n got %v\nwant %v", got, want)
	}
	var left []string
	for _, l := range ex.LeftOut {
		left = append(left, fmt.Sprintf("%d: %s: %s", l.Line, l.Text, l.Reason))
	}
	wantLeft := []string{
		"6: sudo tcpdump -i veth0 -n: tcpdump is not a command replay runs",
		"7: ip netns exec red tcpdump -ni any: tcpdump (in netns red) is not a command replay runs",
		"8: docker exec -it c1 ip a: docker exec runs in a container, which replay cannot reproduce",
		"9: nsenter -t 4242 -n ip a: nsenter into the namespace of process 4242 on the tutorial's machine: replay cannot enter it",
	}
	if strings.Join(left, "\n") != strings.Join(wantLeft, "\n") {
		t.Errorf("left out:\n got %q\nwant %q", left, wantLeft)
	}
}
