package repl

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/sandbox"
)

// term drives a program in a real terminal: a tmux server of its own
// (started inside the sandbox, so the program runs in the sandbox's
// namespaces), keys sent with send-keys, the screen read with
// capture-pane.
type term struct {
	t      *testing.T
	tmux   string
	socket string
	env    []string
}

func (m *term) cmd(args ...string) string {
	m.t.Helper()
	c := exec.Command(m.tmux, append([]string{"-L", m.socket}, args...)...)
	c.Env = m.env
	out, err := c.CombinedOutput()
	if err != nil {
		m.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// typ types text literally.
func (m *term) typ(text string) { m.t.Helper(); m.cmd("send-keys", "-t", "nsh", "-l", text) }

// key sends named keys: Tab, Enter, C-c, C-d, Up.
func (m *term) key(keys ...string) {
	m.t.Helper()
	m.cmd(append([]string{"send-keys", "-t", "nsh"}, keys...)...)
}

func (m *term) screen() string {
	m.t.Helper()
	return m.cmd("capture-pane", "-p", "-t", "nsh", "-S", "-")
}

// lastLine returns the last non-empty line of the screen.
func (m *term) lastLine() string {
	lines := strings.Split(strings.TrimRight(m.screen(), "\n "), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// waitFor polls the screen until ok is true, failing after a timeout.
func (m *term) waitFor(what string, ok func(screen, last string) bool) {
	m.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := m.screen()
		lines := strings.Split(strings.TrimRight(s, "\n "), "\n")
		last := strings.TrimRight(lines[len(lines)-1], " ")
		if ok(s, last) {
			return
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitLine waits until the line being edited is exactly want.
func (m *term) waitLine(want string) {
	m.t.Helper()
	m.waitFor(fmt.Sprintf("input line %q", want), func(_, last string) bool { return last == strings.TrimRight(want, " ") })
}

// waitPrompt waits for a fresh, empty prompt p after a command ran.
func (m *term) waitPrompt(p string) {
	m.t.Helper()
	m.waitLine(p)
}

// complete types prefix, presses Tab, and checks that the line then
// reads want (the prompt included).
func (m *term) complete(prefix, want string) {
	m.t.Helper()
	m.typ(prefix)
	m.key("Tab")
	m.waitLine(want)
}

// enter presses Enter and waits for the prompt p.
func (m *term) enter(p string) {
	m.t.Helper()
	p = strings.TrimRight(p, " ") // capture-pane drops trailing blanks
	n := strings.Count(m.screen(), p)
	m.key("Enter")
	m.waitFor("prompt "+p, func(s, last string) bool {
		return last == p && strings.Count(s, p) > n
	})
}

// lastPromptLine returns the last line of the screen that starts with
// the prompt, trailing blanks removed.
func lastPromptLine(screen string) string {
	i := strings.LastIndex(screen, "nsh> ")
	if i < 0 {
		return ""
	}
	line, _, _ := strings.Cut(screen[i:], "\n")
	return strings.TrimRight(line, " ")
}

// TestTerminal runs the built nsh in tmux inside a sandbox and builds the
// docker-bridge lab (/work/shared/seeds/docker-bridge-lab.txt) at the
// prompt, completing every namespace and interface name with Tab after
// its first letters; then checks the result with the real ip and brctl,
// and exercises the namespace prompt, a multi-line block, Ctrl-C on an
// input and on a running statement, help, and the history file across a
// restart.
func TestTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds nsh and drives it in tmux")
	}
	sandbox.Run(t, func(t *testing.T) {
		tmuxPath := sandbox.RequireTool(t, "tmux")
		ipPath := sandbox.RequireTool(t, "ip")
		brctlPath := sandbox.RequireTool(t, "brctl")
		sandbox.RequireTool(t, "ping")
		dir := t.TempDir()
		bin := filepath.Join(dir, "nsh")
		if out, err := exec.Command("go", "build", "-o", bin, "github.com/nshlab/nsh/cmd/nsh").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		home := filepath.Join(dir, "home")
		state := filepath.Join(dir, "state")
		os.Mkdir(home, 0o700)
		var env []string
		for _, e := range os.Environ() {
			if !strings.HasPrefix(e, "TMUX") && !strings.HasPrefix(e, "HOME=") && !strings.HasPrefix(e, "XDG_STATE_HOME=") {
				env = append(env, e)
			}
		}
		env = append(env, "HOME="+home, "XDG_STATE_HOME="+state)
		m := &term{t: t, tmux: tmuxPath, socket: fmt.Sprintf("nsh-test-%d-%d", os.Getpid(), time.Now().UnixNano()), env: env}
		// A shell in the pane, so that nsh can be left and started again.
		m.cmd("-f", "/dev/null", "new-session", "-d", "-s", "nsh", "-x", "200", "-y", "50", "env PS1='sh$ ' /bin/sh")
		t.Cleanup(func() {
			c := exec.Command(tmuxPath, "-L", m.socket, "kill-server")
			c.Env = env
			c.Run()
		})
		m.waitLine("sh$")
		m.typ(bin)
		m.enter("nsh> ")

		// The lab, as the tutorial types it.
		m.typ("ip netns add ns1")
		m.enter("nsh> ")
		m.typ("# ip netns add ns2") // pasted with the tutorial's prompt
		m.enter("nsh> ")
		m.typ("brctl addbr mydocker0")
		m.enter("nsh> ")
		m.complete("ip a add 172.16.1.254/16 dev my", "nsh> ip a add 172.16.1.254/16 dev mydocker0 ")
		m.enter("nsh> ")
		m.complete("ip link set dev my", "nsh> ip link set dev mydocker0 ")
		m.typ("up")
		m.enter("nsh> ")
		m.typ("ip link add veth1 type veth peer name veth1p")
		m.enter("nsh> ")
		m.complete("brctl addif my", "nsh> brctl addif mydocker0 ")
		m.complete("v", "nsh> brctl addif mydocker0 veth1") // veth1 or veth1p
		m.enter("nsh> ")
		m.complete("ip link set v", "nsh> ip link set veth1") // veth1 or veth1p
		m.typ(" up")
		m.enter("nsh> ")
		m.complete("ip link set veth1p net", "nsh> ip link set veth1p netns ")
		m.complete("n", "nsh> ip link set veth1p netns ns") // ns1 or ns2
		m.complete("1", "nsh> ip link set veth1p netns ns1 ")
		m.enter("nsh> ")
		m.complete("ip netns exec n", "nsh> ip netns exec ns")
		m.complete("1", "nsh> ip netns exec ns1 ")
		m.complete("ip link set v", "nsh> ip netns exec ns1 ip link set veth1p ") // only veth1p in ns1
		m.typ("name eth0")
		m.enter("nsh> ")
		m.complete("ip netns exec ns1 ip link set e", "nsh> ip netns exec ns1 ip link set eth0 ")
		m.typ("up")
		m.enter("nsh> ")
		m.complete("ip netns exec ns1 ip a add 172.16.1.1/16 dev e", "nsh> ip netns exec ns1 ip a add 172.16.1.1/16 dev eth0 ")
		m.enter("nsh> ")
		m.typ("ip netns exec ns1 ip route add default via 172.16.1.254")
		m.enter("nsh> ")
		// ns2, the same way.
		m.typ("ip link add veth2 type veth peer name veth2p")
		m.enter("nsh> ")
		m.complete("brctl addif my", "nsh> brctl addif mydocker0 ")
		m.complete("v", "nsh> brctl addif mydocker0 veth2") // veth2 or veth2p: veth1 is a port already
		m.enter("nsh> ")
		m.complete("ip link set veth2 up; ip link set veth2p netns n", "nsh> ip link set veth2 up; ip link set veth2p netns ns")
		m.complete("2", "nsh> ip link set veth2 up; ip link set veth2p netns ns2 ")
		m.enter("nsh> ")
		m.complete("ip netns exec ns2 ip link set v", "nsh> ip netns exec ns2 ip link set veth2p ")
		m.typ("name eth0")
		m.enter("nsh> ")
		m.complete("ip netns exec ns2 ip link set e", "nsh> ip netns exec ns2 ip link set eth0 ")
		m.typ("up")
		m.enter("nsh> ")
		m.complete("ip netns exec ns2 ip addr add 172.16.1.2/16 dev e", "nsh> ip netns exec ns2 ip addr add 172.16.1.2/16 dev eth0 ")
		m.enter("nsh> ")
		m.typ("ip netns exec ns2 ip route add default via 172.16.1.254")
		m.enter("nsh> ")
		m.typ("ip netns exec ns1 ping -c 1 172.16.1.2")
		m.enter("nsh> ")
		m.typ("[root@host ~]# ip netns exec ns2 ping -c 1 172.16.1.1")
		m.enter("nsh> ")
		if s := m.screen(); strings.Count(s, "1 packets transmitted, 1 received") != 2 {
			t.Fatalf("the pings did not both get an answer:\n%s", s)
		}

		// The real tools see the lab.
		out, err := exec.Command(ipPath, "-n", "ns1", "a").CombinedOutput()
		if err != nil || !regexp.MustCompile(`eth0@if\d+: <BROADCAST,MULTICAST,UP,LOWER_UP>[^\n]*\n[^\n]*\n\s+inet 172\.16\.1\.1/16 `).Match(out) {
			t.Errorf("ip -n ns1 a: %v\n%s", err, out)
		}
		out, err = exec.Command(brctlPath, "show").CombinedOutput()
		if err != nil || !regexp.MustCompile(`(?m)^mydocker0\s+8000\.[0-9a-f]{12}\s+no\s+veth1\n\s+veth2$`).Match(out) {
			t.Errorf("brctl show: %v\n%s", err, out)
		}

		// Tab: the common part first, then the list, then each further
		// Tab puts the next candidate into the line, in place.
		m.typ("ip link show v")
		m.key("Tab")
		m.waitLine("nsh> ip link show veth")
		m.key("Tab")
		m.waitFor("the list", func(s, last string) bool { return regexp.MustCompile(`(?m)^veth1 +veth2 *$`).MatchString(s) })
		for _, want := range []string{"veth1", "veth2", "veth1"} {
			m.key("Tab")
			m.waitFor("Tab putting "+want+" in", func(s, last string) bool { return lastPromptLine(s) == "nsh> ip link show "+want })
		}
		m.typ(" up")
		m.waitFor("the line typed on", func(s, last string) bool { return lastPromptLine(s) == "nsh> ip link show veth1 up" })
		m.key("C-c")
		m.waitPrompt("nsh> ")

		// The session's namespace, shown in the prompt.
		m.complete("in n", "nsh> in ns")
		m.complete("2", "nsh> in ns2 ")
		m.enter("nsh[ns2]> ")
		m.complete("ip link set e", "nsh[ns2]> ip link set eth0 ")
		m.key("C-c") // cancels the line
		m.waitPrompt("nsh[ns2]> ")
		m.typ("in .")
		m.enter("nsh> ")

		// A multi-line block: continuation prompt, completion inside
		// the block's namespace.
		m.typ("in ns1 <")
		m.enter("...> ")
		m.complete("ip -br a show dev e", "...> ip -br a show dev eth0 ")
		m.enter("...> ")
		m.typ("echo block done")
		m.enter("...> ")
		m.typ(">")
		m.enter("nsh> ")
		if s := m.screen(); !regexp.MustCompile(`(?m)^eth0@if\d+\s+UP\s+172\.16\.1\.1/16 .*\n(.*\n)?block done$`).MatchString(s) {
			t.Errorf("block output missing:\n%s", s)
		}
		// History holds the block whole, on one line: Up recalls it,
		// and Enter runs it in ns1 again.
		m.key("Up")
		m.waitLine("nsh> in ns1 < ip -br a show dev eth0; echo block done >")
		n := strings.Count(m.screen(), "block done\n")
		m.enter("nsh> ")
		if s := m.screen(); strings.Count(s, "block done\n") != n+1 || strings.Count(s, "172.16.1.1/16") < 2 {
			t.Errorf("the recalled block did not run whole in ns1:\n%s", s)
		}

		// Ctrl-C drops an unfinished block, and stops a running
		// statement without leaving nsh. It is pressed once the
		// statement has printed something: before, nsh may still be
		// reading the line in raw mode, where Ctrl-C is a key for the
		// next line, not an interrupt.
		m.typ("for i in 1..3 <")
		m.enter("...> ")
		m.key("C-c")
		m.waitPrompt("nsh> ")
		start := time.Now()
		m.typ("echo running 1; sleep 30")
		m.key("Enter")
		m.waitLine("running 1")
		m.key("C-c")
		m.waitFor("interrupted", func(s, last string) bool { return strings.Contains(s, "^C\ninterrupted\nnsh>") && last == "nsh>" })
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("Ctrl-C took %v to stop sleep 30", d)
		}

		// iproute2's usage text (its last lines fit the screen).
		for _, line := range []string{"help ip link", "ip link ?"} {
			m.typ(line)
			m.enter("nsh> ")
			s := m.screen()
			if i := strings.LastIndex(s, "nsh> "+line); i < 0 || !strings.Contains(s[i:], "xfrm | virt_wifi }") {
				t.Errorf("%s:\n%s", line, s)
			}
		}

		// Lines pasted from a tutorial, prompts and all.
		m.cmd("set-buffer", "--", "$ sudo ip netns add pasted\nfor i in 1..2 <\n  echo pasted $i\n>\n# only a comment\n")
		m.cmd("paste-buffer", "-t", "nsh")
		m.waitFor("pasted lines", func(s, last string) bool {
			return strings.Contains(s, "pasted 1\npasted 2\nnsh> # only a comment\nnsh>") && last == "nsh>"
		})
		if _, err := os.Stat("/run/netns/pasted"); err != nil {
			t.Errorf("pasted \"$ sudo ip netns add pasted\" did not run: %v", err)
		}

		// Ctrl-D leaves; the history survives a restart.
		m.typ("echo remember me")
		m.enter("nsh> ")
		m.key("C-d")
		m.waitLine("sh$")
		hist := filepath.Join(state, "nsh", "history")
		fi, err := os.Lstat(hist)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("history file: %v %v", fi, err)
		}
		data, _ := os.ReadFile(hist)
		if !strings.Contains(string(data), "ip link set veth1p netns ns1\n") || !strings.HasSuffix(string(data), "echo remember me\n") {
			t.Errorf("history file:\n%s", data)
		}
		m.typ(bin)
		m.enter("nsh> ")
		m.key("Up")
		m.waitLine("nsh> echo remember me")
		m.key("Up")
		m.waitLine("nsh> # only a comment")
		m.key("C-c")
		m.waitPrompt("nsh> ")

		// Errors at the prompt name no line and column; Ctrl-D at the
		// continuation prompt drops the statement, not the session.
		m.typ("ip link del nosuchdev")
		m.enter("nsh> ")
		if s := m.screen(); !strings.Contains(s, "\nip link del nosuchdev (start netns): ") || strings.Contains(s, ":1: ip link del nosuchdev") {
			t.Errorf("runtime error at the prompt:\n%s", s)
		}
		m.typ("ip lnik show")
		m.enter("nsh> ")
		if s := m.screen(); !strings.Contains(s, "\nObject \"lnik\" is unknown") || strings.Contains(s, ":4: Object") {
			t.Errorf("check error at the prompt:\n%s", s)
		}
		m.typ("for i in 1..3 <")
		m.enter("...> ")
		m.key("C-d")
		m.waitFor("unfinished input", func(s, last string) bool {
			return strings.Contains(s, "the unfinished statement is discarded (Ctrl-D again exits)\nnsh>") && last == "nsh>"
		})

		m.key("C-d")
		m.waitLine("sh$")

		// nsh --sandbox: the REPL runs in the re-executed child, and
		// Ctrl-C stops a statement there without killing the parent.
		m.typ(bin + " --sandbox")
		m.enter("nsh> ")
		m.typ("ip netns add inner")
		m.enter("nsh> ")
		n = strings.Count(m.screen(), "^C\ninterrupted\nnsh>")
		m.typ("echo running 2; sleep 30")
		m.key("Enter")
		m.waitLine("running 2")
		m.key("C-c")
		m.waitFor("interrupted in --sandbox", func(s, last string) bool {
			return strings.Count(s, "^C\ninterrupted\nnsh>") > n && last == "nsh>"
		})
		m.complete("in i", "nsh> in inner ")
		m.enter("nsh[inner]> ")
		m.key("C-d")
		m.waitLine("sh$")
		if _, err := os.Lstat("/run/netns/inner"); !os.IsNotExist(err) {
			t.Errorf("the --sandbox REPL's namespace is visible outside it: %v", err)
		}

		// More candidates than a screenful: Tab asks first; n keeps the
		// line, y lists them, and the line comes back below either way.
		// Last, in a small window (nsh is left running there: the
		// sandbox ends it).
		m.typ(bin)
		m.enter("nsh> ")
		m.typ("ip netns add many; for i in 1..25 < ip -n many link add a$i type veth peer name b$i >")
		m.enter("nsh> ")
		m.cmd("resize-window", "-t", "nsh", "-x", "40", "-y", "8")
		askRE := regexp.MustCompile(`Display all \d+ possibilities\? \(y or n\)$`)
		m.typ("ip -n many link del ")
		m.key("Tab")
		m.waitFor("the question", func(s, last string) bool { return askRE.MatchString(last) })
		m.key("n")
		m.waitLine("nsh> ip -n many link del")
		m.key("Tab")
		m.waitFor("the question again", func(s, last string) bool { return askRE.MatchString(last) })
		m.key("y")
		m.waitFor("the list", func(s, last string) bool {
			return last == "nsh> ip -n many link del" && regexp.MustCompile(`\ba25 +`).MatchString(s) && regexp.MustCompile(`\bb9\b`).MatchString(s)
		})
		m.key("C-c")
		m.waitPrompt("nsh> ")

	})
}
