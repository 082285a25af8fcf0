package replay_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/cli"
	rp "github.com/nshlab/nsh/internal/replay"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
)

const seedsDir = "testdata/seeds" // copies of /work/shared/seeds

// replay runs "nsh replay ARGS" in-process and returns its exit status
// and output.
func replay(stdin string, args ...string) (int, string, string) {
	var out, errb strings.Builder
	code := cli.Main(append([]string{"nsh", "replay"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// realIP runs the real ip (for checking the state replay left).
func realIP(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestReplaySeeds walks every seed tutorial with --yes inside a sandbox,
// with PATH empty so that every step runs in nsh itself (no iputils, no
// iproute2; only a pipe's filter, such as grep, comes from a PATH the
// case gives), and checks what each leaves behind and how the broken steps
// are reported.
func TestReplaySeeds(t *testing.T) {
	t.Parallel()
	// differs lists, per tutorial, the steps whose shown output may differ
	// from nsh's, and why; every other shown output (the lab's
	// namespaces, links, addresses, routes, bridges, pings) must match.
	differs := map[string][]string{
		// 12, 13: the tutorial shows two pings failing before any route
		// was added; with /24 addresses the kernel routes them anyway.
		"blue-namespace": {"12", "13"},
		// 15: the author's brctl show also lists docker0 and br0, bridges
		// of the author's host that the lab does not create.
		"docker-bridge-lab": {"15"},
	}
	differRE := regexp.MustCompile(`(?m)^--> step (\d+) ok; output differs`)
	cases := []struct {
		name   string
		status int
		// path names the only program on the walk's PATH ("" for an
		// empty PATH): the external filter the tutorial pipes into.
		path  string
		check func(t *testing.T, out string)
	}{
		{"blue-namespace", 0, "", func(t *testing.T, out string) {
			// The tutorial shows the first two pings failing (before the
			// host routes); on this kernel the /24 addresses already route,
			// and the report says the output differs from the tutorial's.
			if !strings.Contains(out, "--> step 12 ok; output differs from the tutorial's") {
				t.Error("first ping: want a reported difference with the tutorial")
			}
			if !strings.Contains(out, "veth1@if") || !strings.Contains(realIP(t, "-n", "blue", "route"), "10.0.0.10 dev veth1") {
				t.Error("blue's host route is missing")
			}
		}},
		{"containers-networking", 1, "", func(t *testing.T, out string) {
			// veth0 was moved into s1 before being attached to a br0
			// that the tutorial never creates: the step fails, replay
			// says so and goes on to the next steps.
			if !regexp.MustCompile(`--> step 4 failed \(exit status 1\): .*ip link set veth0 master br0.*Cannot find device "veth0"\n    replay goes on`).MatchString(out) {
				t.Error("step 4 should be reported as failed, and the walk go on")
			}
			if !strings.Contains(out, "[5/6]") || !strings.Contains(out, "[6/6]") {
				t.Error("the steps after the failure did not run")
			}
			if !strings.Contains(realIP(t, "-n", "s1", "link", "show", "veth0"), "veth0@") {
				t.Error("veth0 should be in s1")
			}
		}},
		// Step 12 is "ip -d link show |grep veth1": grep runs from
		// /usr/bin, the ip before it in nsh, and grep's output is
		// compared with the tutorial's.
		{"docker-bridge-lab", 0, "grep", func(t *testing.T, out string) {
			if !strings.Contains(out, "ip -d link show | grep veth1\n") || !strings.Contains(out, "--> step 12 ok; output matches") {
				t.Error("step 12 should run with its pipe into grep and match the tutorial")
			}
			if !strings.Contains(realIP(t, "-n", "ns2", "route"), "default via 172.16.1.254 dev eth0") {
				t.Error("ns2 has no default route")
			}
		}},
		{"netns-and-veth", 1, "", func(t *testing.T, out string) {
			// ns1 is added a second time: that step fails, the rest runs.
			if !regexp.MustCompile(`--> step 17 failed \(exit status 1\): .*ip netns add ns1.*File exists`).MatchString(out) {
				t.Error("the second ip netns add ns1 should be reported as failed")
			}
			if !strings.Contains(realIP(t, "-n", "ns2", "addr", "show", "veth2"), "10.0.12.2/24") {
				t.Error("veth2 in ns2 has no address")
			}
		}},
		{"veth-faq", 0, "", func(t *testing.T, out string) {
			if !strings.Contains(out, "replay: 0 steps") {
				t.Error("veth-faq has no commands")
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sandbox.Run(t, func(t *testing.T) {
				// The real ip checks the result afterwards. The sandbox
				// child runs only this test: changing its PATH for the
				// walk affects nothing else.
				sandbox.RequireTool(t, "ip")
				path := ""
				if c.path != "" {
					// Only the filter itself is on PATH: a directory holding
					// a link to it, and no ip, brctl or ping.
					prog := sandbox.RequireTool(t, c.path)
					path = t.TempDir()
					if err := os.Symlink(prog, filepath.Join(path, c.path)); err != nil {
						t.Fatal(err)
					}
				}
				old := os.Getenv("PATH")
				os.Setenv("PATH", path)
				code, out, errOut := replay("", "--yes", filepath.Join(seedsDir, c.name+".txt"))
				os.Setenv("PATH", old)
				if code != c.status {
					t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.status, out, errOut)
				}
				// Every ping that ends a seed (after the lab is built) got
				// replies: the last ping statistics show no loss.
				if i := strings.LastIndex(out, "ping statistics ---\n"); i >= 0 {
					rest := out[i:]
					if !strings.Contains(rest, " received, 0% packet loss") {
						t.Errorf("last ping lost packets:\n%s", rest)
					}
				}
				c.check(t, out)
				var got []string
				for _, m := range differRE.FindAllStringSubmatch(out, -1) {
					got = append(got, m[1])
				}
				if strings.Join(got, ",") != strings.Join(differs[c.name], ",") {
					t.Errorf("steps whose output differs from the tutorial's: %v, want %v", got, differs[c.name])
				}
				if t.Failed() {
					t.Logf("replay output:\n%s", out)
				}
			})
		})
	}
}

// TestReplayAsks checks the step-by-step mode: Enter runs, "s" skips, "q"
// quits, and end of input stops.
func TestReplayAsks(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		file := filepath.Join(seedsDir, "docker-bridge-lab.txt")
		code, out, _ := replay("\ns\nmaybe\n\nq\n", file)
		if code != 0 {
			t.Errorf("exit %d", code)
		}
		for _, want := range []string{"--> step 1 ok", "    skipped", `"maybe" is not an answer: Enter runs the step, s skips it, q quits`, "--> step 3 ok", "replay: 33 steps: 2 ran, 0 failed, 0 bounded, 1 skipped, 30 not run"} {
			if !strings.Contains(out, want) {
				t.Errorf("missing %q in:\n%s", want, out)
			}
		}
		if strings.Contains(out, "[5/33]") {
			t.Error("q did not stop the walk")
		}
		got := realIP(t, "netns", "list")
		if !strings.Contains(got, "ns1") || strings.Contains(got, "ns2") {
			t.Errorf("ns1 only should exist (ns2 was skipped): %q", got)
		}
		_, out, _ = replay("", file)
		if !strings.Contains(out, "end of input: replay stops here") {
			t.Errorf("no answer: %s", out)
		}
	})
}

// TestReplayList checks --list end to end (no privileges needed) and the
// usage errors.
func TestReplayList(t *testing.T) {
	code, out, _ := replay("", "--list", filepath.Join(seedsDir, "containers-networking.txt"))
	want, err := os.ReadFile(filepath.Join("testdata", "containers-networking.list"))
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || out != string(want) {
		t.Errorf("--list: exit %d\n%s", code, out)
	}
	code, out, _ = replay("ip netns add x # ip netns list x\n", "--list", "-")
	if code != 0 || out != "ip netns add x\nip netns list\n" {
		t.Errorf("--list -: exit %d %q", code, out)
	}
	for _, args := range [][]string{{}, {"--bogus", "f"}, {"a", "b"}, {"--list", "/nonexistent/tutorial.txt"}} {
		if code, _, _ := replay("", args...); code != 2 {
			t.Errorf("replay %q: exit %d, want 2", args, code)
		}
	}
}

// TestReplayBounded checks that --yes never waits for a command that runs
// until stopped: a ping without a count runs with one, a monitor is
// stopped after its time, and the walk goes on after both.
func TestReplayBounded(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		src := "```\n$ ip netns add a\n$ ip netns exec a ip link set lo up\n$ sudo ip netns exec a ping -i 0.2 127.0.0.1\n" +
			"$ ip netns exec a bridge monitor\n$ ip netns monitor\n$ ip -n a -br link show lo\n```\n"
		var out bytes.Buffer
		res, err := rp.Run(context.Background(), rp.Extract(src), rp.Options{Name: "t.md", Yes: true, Out: &out, EndlessTime: 300 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		o := out.String()
		for _, want := range []string{
			"(netns a): ip netns exec a ping -c 3 -i 0.2 127.0.0.1\n    note: ping without a count: run as ping -c 3 so that the walk goes on",
			"3 packets transmitted, 3 received",
			"--> step 4 bounded: stopped after 300ms",
			"--> step 5 bounded: stopped after 300ms",
			"[6/6] t.md:7 (netns a): ip -n a -br link show lo",
			"replay: 6 steps: 6 ran, 0 failed, 2 bounded, 0 skipped, 0 not run",
		} {
			if !strings.Contains(o, want) {
				t.Errorf("missing %q in:\n%s", want, o)
			}
		}
		if res.Bounded != 2 || res.Report[2].Status != "ok" || res.Report[3].Status != "bounded" || res.Report[3].NS != "a" {
			t.Errorf("report: %+v", res)
		}
	})
}

// TestReplayInterrupt checks Ctrl-C: the first stops the running step and
// the walk goes on; a second one soon after ends the walk, and the
// summary counts the steps that never ran.
func TestReplayInterrupt(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		long := "# ping -c 100 -i 0.2 127.0.0.1\n"
		src := "# ip link set lo up\n" + long + long + long + "# ip netns add x\n# ip netns add y\n"
		sig := make(chan os.Signal, 3) // sends never wait, even if Run has returned
		var out testenv.SyncBuffer
		done := make(chan rp.Result)
		go func() {
			res, err := rp.Run(context.Background(), rp.Extract(src), rp.Options{Name: "t", Yes: true, Out: &out, Interrupt: sig})
			if err != nil {
				t.Error(err)
			}
			done <- res
		}()
		// waitFor waits until the walk has printed s.
		waitFor := func(s string) {
			for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), s); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("no %q in:\n%s", s, out.String())
				}
			}
		}
		waitFor("[2/6]")
		waitFor("icmp_seq=2 ")
		sig <- os.Interrupt // stops step 2
		waitFor("[3/6]")
		time.Sleep(rp.InterruptWindow + 500*time.Millisecond)
		sig <- os.Interrupt // stops step 3; step 4 starts
		waitFor("[4/6]")
		sig <- os.Interrupt // a second one soon after: stops step 4 and ends the walk
		var res rp.Result
		select {
		case res = <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("the walk did not end:\n%s", out.String())
		}
		o := out.String()
		for _, want := range []string{
			"--> step 2 bounded: stopped by Ctrl-C\n",
			"--> step 3 bounded: stopped by Ctrl-C\n",
			"--> step 4 bounded: stopped by Ctrl-C, which ends the walk\n",
			"replay: 6 steps: 4 ran, 0 failed, 3 bounded, 0 skipped, 2 not run",
		} {
			if !strings.Contains(o, want) {
				t.Errorf("missing %q in:\n%s", want, o)
			}
		}
		if !res.Quit || res.NotRun != 2 || strings.Contains(o, "[5/6]") || len(res.Report) != 6 || res.Report[5].Status != "not run" {
			t.Errorf("the walk should have ended at step 4: %+v\n%s", res, o)
		}
		if got := realIP(t, "netns", "list"); got != "" {
			t.Errorf("steps after the walk ended ran: %q", got)
		}
	})
}

// TestReplayShellSemantics checks that a walk runs a block as the shell
// would: a command after && does not run when the one before failed, one
// after || runs only then, and a table named in rt_tables (a file the
// sandbox keeps private) can be used by the next step.
func TestReplayShellSemantics(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.PrivateDir(t, "/etc/iproute2")
		src := "```\n$ ip link del nosuch && \\\n  ip link add x type bridge\n$ ip link show y || ip link add y type bridge\n" +
			"$ ip link show y || ip link add z type bridge\n$ echo 200 John >> /etc/iproute2/rt_tables\n$ ip link set lo up\n$ ip route add 10.9.0.0/24 dev lo table John\n```\n"
		ex := rp.ExtractAll(src)
		var out bytes.Buffer
		res, err := rp.Run(context.Background(), ex.Steps, rp.Options{Name: "t.md", Yes: true, Out: &out, Sandboxed: true})
		if err != nil {
			t.Fatal(err)
		}
		o := out.String()
		for _, want := range []string{
			"--> step 2 not run: the step before failed and the tutorial joins them with &&",
			"--> step 4 ok\n",
			"--> step 6 not run: the step before succeeded and the tutorial joins them with ||",
			"--> step 9 ok",
		} {
			if !strings.Contains(o, want) {
				t.Errorf("missing %q in:\n%s", want, o)
			}
		}
		links := realIP(t, "-br", "link")
		if strings.Contains(links, "x ") || !strings.Contains(links, "y ") || strings.Contains(links, "z ") {
			t.Errorf("links: %s", links)
		}
		if got := realIP(t, "route", "show", "table", "John"); !strings.Contains(got, "10.9.0.0/24 dev lo") {
			t.Errorf("table John: %q", got)
		}
		// Outside a sandbox, --yes leaves the file alone.
		out.Reset()
		res, _ = rp.Run(context.Background(), ex.Steps[6:7], rp.Options{Name: "t.md", Yes: true, Out: &out})
		if res.NotRun != 1 || !strings.Contains(out.String(), "it writes /etc/iproute2/rt_tables, which replay lets a step do only with --sandbox") {
			t.Errorf("unsandboxed write: %+v\n%s", res, out.String())
		}
	})
}

// TestReplayCorpus walks every tutorial of testdata/corpus with --yes in
// a sandbox (its own /etc/iproute2) and checks that the steps that fail
// or do not run are exactly those NAME.failures lists, each with its
// cause on the page's machine, in the kernel or in the tutorial itself
// (none in replay); that no walk hangs (ping without a count is bounded);
// and that every output compared with the page matches.
func TestReplayCorpus(t *testing.T) {
	t.Parallel()
	pages, err := filepath.Glob("testdata/corpus/*.md")
	if err != nil || len(pages) < 15 {
		t.Fatalf("%d tutorials: %v", len(pages), err)
	}
	for _, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p), ".md")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sandbox.Run(t, func(t *testing.T) {
				for _, tool := range []string{"ifconfig", "iptables", "route", "arp", "netstat"} {
					sandbox.RequireTool(t, tool)
				}
				sandbox.PrivateDir(t, "/etc/iproute2")
				src, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				want := map[int]string{}
				if data, err := os.ReadFile(strings.TrimSuffix(p, ".md") + ".failures"); err == nil {
					for _, l := range strings.Split(string(data), "\n") {
						var line int
						if _, err := fmt.Sscanf(l, "%d", &line); err == nil {
							want[line] = l
						}
					}
				}
				ex := rp.ExtractNamed(filepath.Base(p), string(src))
				var out bytes.Buffer
				res, err := rp.Run(context.Background(), ex.Steps, rp.Options{Name: filepath.Base(p), Yes: true, Out: &out, Sandboxed: true, LeftOut: ex.LeftOut})
				if err != nil {
					t.Fatal(err)
				}
				got := map[int]bool{}
				for _, r := range res.Report {
					switch r.Status {
					case "failed", "not run":
						got[r.Line] = true
						if want[r.Line] == "" {
							t.Errorf("line %d (%s) %s, which the page does not explain: %s", r.Line, r.Text, r.Status, r.Error)
						}
					case "bounded":
						t.Errorf("line %d (%s) had to be stopped", r.Line, r.Text)
					}
					if r.Compared && !r.Matches {
						t.Errorf("line %d (%s): output differs from the page's:\n%s", r.Line, r.Text, r.Diff)
					}
				}
				for line, why := range want {
					if !got[line] {
						t.Errorf("line %d should fail (%s), but did not", line, why)
					}
				}
				if t.Failed() {
					t.Logf("walk:\n%s", out.String())
				}
			})
		})
	}
}
