package repl

import (
	"bytes"
	"github.com/nshlab/nsh/builtins/spec"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStripPrompt(t *testing.T) {
	procs := []string{"host"}
	for _, c := range []struct{ in, want string }{
		{"# ip netns add ns1", "ip netns add ns1"},
		{"# ip netns add ns1 # ip netns add ns2", "ip netns add ns1 # ip netns add ns2"},
		{"#  brctl addbr mydocker0", "brctl addbr mydocker0"},
		{"# ping -c 1 10.0.0.1", "ping -c 1 10.0.0.1"},
		{"# host red 10.1.0.1/32", "host red 10.1.0.1/32"},
		{"# a comment", "# a comment"},
		{"# set up the bridge", "# set up the bridge"},
		{"# echo is a comment here", "# echo is a comment here"},
		{"#ip link", "#ip link"},
		{"$ ip a", "ip a"},
		{"$ echo hi", "echo hi"},
		{"$ not-a-command-xyz", "$ not-a-command-xyz"},
		{"> ip a", "ip a"},
		{"> in ns1 < ip a >", "in ns1 < ip a >"},
		{">", ">"},
		{"> else < echo x >", "> else < echo x >"},
		{"> > ", "> > "},
		{"[root@host ~]# ip netns list", "ip netns list"},
		{"[root@lab-1 /tmp]# sudo ip link", "ip link"},
		{"root@host:~# ip -n ns1 a", "ip -n ns1 a"},
		{"user@host:~/lab$ sudo ip netns exec ns1 ping -c 1 10.0.0.2", "ip netns exec ns1 ping -c 1 10.0.0.2"},
		{"sudo ip link", "ip link"},
		{"sudo", "sudo"},
		{"sudo -E ip link", "sudo -E ip link"},
		{"ip link # comment", "ip link # comment"},
		{"echo $ ip", "echo $ ip"},
	} {
		if got := StripPrompt(c.in, procs); got != c.want {
			t.Errorf("StripPrompt(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHistoryFile(t *testing.T) {
	dir := t.TempDir()
	get := func(env map[string]string) func(string) string { return func(k string) string { return env[k] } }
	if p := HistoryPath(get(map[string]string{"XDG_STATE_HOME": dir, "HOME": "/h"})); p != filepath.Join(dir, "nsh", "history") {
		t.Errorf("with XDG_STATE_HOME: %s", p)
	}
	if p := HistoryPath(get(map[string]string{"HOME": "/h"})); p != "/h/.nsh_history" {
		t.Errorf("without XDG_STATE_HOME: %s", p)
	}

	// Created 0600 (whatever the umask), lines kept across opens.
	path := filepath.Join(dir, "nsh", "history")
	h, lines, err := openHistory(path)
	if err != nil || len(lines) != 0 {
		t.Fatalf("open: %v %q", err, lines)
	}
	h.add("ip netns add ns1")
	h.add("   ")
	h.add("in ns1")
	h.close()
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode().Perm() != 0o600 || !fi.Mode().IsRegular() {
		t.Fatalf("history file: %v %v", fi.Mode(), err)
	}
	h, lines, err = openHistory(path)
	if err != nil || strings.Join(lines, "|") != "ip netns add ns1|in ns1" {
		t.Fatalf("reopen: %v %q", err, lines)
	}
	h.close()

	// An existing file open to others is tightened to 0600.
	loose := filepath.Join(dir, "loose")
	os.WriteFile(loose, []byte("echo hi\n"), 0o644)
	os.Chmod(loose, 0o666)
	h, lines, err = openHistory(loose)
	if err != nil || len(lines) != 1 {
		t.Fatalf("loose: %v %q", err, lines)
	}
	h.close()
	if fi, _ := os.Stat(loose); fi.Mode().Perm() != 0o600 {
		t.Errorf("loose file left %v", fi.Mode().Perm())
	}

	// A symbolic link is refused, and its target is neither created
	// nor written.
	target := filepath.Join(dir, "target")
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if h, _, err := openHistory(link); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		h.close()
		t.Errorf("symlink accepted: %v", err)
	}
	if _, err := os.Lstat(target); !os.IsNotExist(err) {
		t.Errorf("symlink target created: %v", err)
	}
	// So is a directory.
	if _, _, err := openHistory(dir); err == nil {
		t.Errorf("directory accepted")
	}

	// A long file is cut to the last historyLimit lines.
	long := filepath.Join(dir, "long")
	var b bytes.Buffer
	for i := 0; i < 2*historyLimit+5; i++ {
		b.WriteString("echo line\n")
	}
	b.WriteString("echo last\n")
	os.WriteFile(long, b.Bytes(), 0o600)
	h, lines, err = openHistory(long)
	if err != nil || len(lines) != historyLimit || lines[len(lines)-1] != "echo last" {
		t.Fatalf("long: %v %d", err, len(lines))
	}
	h.close()
	data, _ := os.ReadFile(long)
	if n := strings.Count(string(data), "\n"); n != historyLimit {
		t.Errorf("long file rewritten with %d lines, want %d", n, historyLimit)
	}
}

func TestHelp(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "for VAR in ITEMS"},
		{[]string{"in"}, "in pid PID"},
		{[]string{"ping"}, "-I DEV|ADDR"},
		{[]string{"sysctl"}, "KEY=VALUE"},
	} {
		var b bytes.Buffer
		if err := Help(&b, c.args); err != nil || !strings.Contains(b.String(), c.want) {
			t.Errorf("help %v: %v\n%s", c.args, err, b.String())
		}
	}
	// ip, bridge and brctl: the real tool's usage text, from the model
	// (builtins/spec compares it with the tools' own output), objects
	// abbreviated as the tool accepts them.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ip"}, "ip"},
		{[]string{"ip", "link"}, "ip-link"},
		{[]string{"ip", "l"}, "ip-link"},
		{[]string{"ip", "a"}, "ip-address"},
		{[]string{"ip", "ru"}, "ip-rule"},
		{[]string{"ip", "neigh"}, "ip-neigh"},
		{[]string{"ip", "neighbor"}, "ip-neigh"},
		{[]string{"ip", "tap"}, "ip-tuntap"},
		{[]string{"ip", "r"}, "ip-route"},
		{[]string{"ip", "netns"}, "ip-netns"},
		{[]string{"brctl"}, "brctl"},
		{[]string{"bridge"}, "bridge"},
		{[]string{"bridge", "f"}, "bridge-fdb"},
	} {
		var b bytes.Buffer
		if err := Help(&b, c.args); err != nil || b.String() != spec.Usage(c.want) || b.Len() == 0 {
			t.Errorf("help %v: %v\n%s", c.args, err, b.String())
		}
	}
	var b bytes.Buffer
	if err := Help(&b, []string{"nosuch"}); err == nil || !strings.Contains(err.Error(), "ip [OBJECT]") {
		t.Errorf("help nosuch: %v", err)
	}
}
