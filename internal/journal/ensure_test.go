package journal_test

// --ensure and nsh plan on the labs of scripts/: each lab runs with
// --ensure on an empty sandbox, then again, under strace, which records
// every request nsh sends. The second run must leave the state the first
// left (kstate), and be a fixed point: a third run sends the same change
// requests. A lab none of whose lines deletes or replaces anything must
// send no change at all the second time, and say so. nsh plan, of the
// empty sandbox, must list the creations and deletions the first run
// then makes at the same lines (and the namespaces its journal records),
// and of the standing lab, nothing to do.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/internal/kstate"
	"github.com/nshlab/nsh/internal/sandbox"
)

// step is a step of nsh plan -j and --steps.
type step struct {
	Action, NS, Object, Command string
	Line, Col                   int
}

func readSteps(t *testing.T, b []byte) []step {
	t.Helper()
	var s []step
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("steps: %v\n%s", err, b)
	}
	return s
}

// changeRE finds the netlink messages strace shows; msgType and flags
// are numbers or names.
var changeRE = regexp.MustCompile(`nlmsg_type=(RTM_[A-Z]+|0x[0-9a-f]+)[^,]*, nlmsg_flags=([A-Z_|0-9x]+)`)

// rtmTypes are the RTM_* names strace may print, by number.
var rtmTypes = map[string]int{}

func init() {
	for i, n := range []string{"NEWLINK", "DELLINK", "GETLINK", "SETLINK", "NEWADDR", "DELADDR", "GETADDR", "", "NEWROUTE", "DELROUTE", "GETROUTE", "",
		"NEWNEIGH", "DELNEIGH", "GETNEIGH", "", "NEWRULE", "DELRULE", "GETRULE"} {
		if n != "" {
			rtmTypes["RTM_"+n] = 16 + i
		}
	}
}

// tracedChanges runs nsh with args under strace and returns the changes
// it asked of the kernel, in order: netlink messages of the NEW, DEL and
// SET kinds (not GET), files under /proc/sys opened for writing, and
// TUNSETIFF ioctls.
func tracedChanges(t *testing.T, args ...string) (changes []string, stderr string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "trace")
	cmd := exec.Command("strace", append([]string{"-f", "-qq", "-e", "trace=sendmsg,sendto,openat,ioctl", "-o", out,
		os.Args[0]}, args...)...)
	cmd.Env = append(os.Environ(), "NSH_JOURNAL_TEST_MAIN=1")
	var e bytes.Buffer
	cmd.Stderr = &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("strace nsh %q: %v\n%s", args, err, e.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gets := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.Contains(line, "openat(") && strings.Contains(line, "/proc/sys/") && (strings.Contains(line, "O_WRONLY") || strings.Contains(line, "O_RDWR")):
			changes = append(changes, "write "+line[strings.Index(line, "\""):])
		case strings.Contains(line, "TUNSETIFF"):
			changes = append(changes, "TUNSETIFF")
		}
		for _, m := range changeRE.FindAllStringSubmatch(line, -1) {
			typ, ok := rtmTypes[m[1]]
			if !ok {
				n, err := strconv.ParseInt(strings.TrimPrefix(m[1], "0x"), 16, 32)
				if err != nil {
					continue
				}
				typ = int(n)
			}
			if typ < 16 || typ%4 == 2 || strings.Contains(m[2], "DUMP") {
				gets++
				continue // not a change, or a GET
			}
			changes = append(changes, fmt.Sprintf("type %d flags %s", typ, m[2]))
		}
	}
	if gets == 0 {
		t.Fatalf("strace showed no netlink request of nsh %q at all: the trace is not read right", args)
	}
	return changes, e.String()
}

// transient reports whether a lab has a line that deletes, flushes or
// replaces: a re-run of it makes changes that the same run then undoes.
func transient(t *testing.T, file string) bool {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return regexp.MustCompile(`(?m)^[^#]*\b(del|delete|flush|replace|delbr|delif)\b`).Match(src)
}

func TestEnsureConverges(t *testing.T) {
	files, _ := filepath.Glob("../../scripts/*.nsh")
	shs, _ := filepath.Glob("../../scripts/*.sh")
	files = append(files, shs...)
	if len(files) < 10 {
		t.Fatalf("only %d labs in scripts/", len(files))
	}
	for _, file := range files {
		file, _ := filepath.Abs(file)
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			sandbox.Run(t, func(t *testing.T) {
				sandbox.RequireTool(t, "strace")
				dir := t.TempDir()

				// The plan of the empty sandbox.
				code, planOut, errOut := nsh(t, "plan", "-j", file)
				if code != 0 {
					t.Fatalf("nsh plan: status %d\n%s", code, errOut)
				}
				plan := readSteps(t, []byte(planOut))

				stepsFile := filepath.Join(dir, "steps1")
				if code, _, errOut := nsh(t, "--ensure", "--steps", stepsFile, file); code != 0 {
					t.Fatalf("nsh --ensure (first): status %d\n%s", code, errOut)
				}
				b, err := os.ReadFile(stepsFile)
				if err != nil {
					t.Fatal(err)
				}
				comparePlan(t, plan, readSteps(t, b))
				if !strings.Contains(planOut, `"action": "create"`) {
					t.Errorf("the plan of the empty host creates nothing:\n%s", planOut)
				}
				compareJournal(t, file, plan)
				// A bridge in a topology change reports the forward delay
				// as its ageing time: --ensure, which cannot see the time
				// set, sets it again. The comparisons start after it.
				waitTopology(t)
				s1, err := kstate.Settled(0, 30*time.Second)
				if err != nil {
					t.Fatal(err)
				}

				// The plan of the standing lab.
				code, planOut, errOut = nsh(t, "plan", file)
				if code != 0 {
					t.Fatalf("nsh plan (standing): status %d\n%s", code, errOut)
				}
				tr := transient(t, file)
				if !tr && !strings.HasPrefix(planOut, "nothing to do: ") {
					t.Errorf("nsh plan of the standing lab:\n%s\nwant nothing to do", planOut)
				}
				_, planOut, _ = nsh(t, "plan", "-j", file)
				standing := readSteps(t, []byte(planOut))

				steps2 := filepath.Join(dir, "steps2")
				c2, e2 := tracedChanges(t, "--ensure", "--steps", steps2, file)
				if b, err := os.ReadFile(steps2); err != nil {
					t.Fatal(err)
				} else {
					comparePlan(t, standing, readSteps(t, b))
				}
				s2, err := kstate.Settled(0, 30*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				if d := kstate.Diff(s1, s2); d != "" {
					t.Errorf("the second --ensure run changed the state (- first, + second):\n%s", d)
				}
				c3, _ := tracedChanges(t, "--ensure", file)
				if strings.Join(c2, "\n") != strings.Join(c3, "\n") {
					t.Errorf("the second and third --ensure runs sent different changes:\nsecond:\n%s\nthird:\n%s",
						strings.Join(c2, "\n"), strings.Join(c3, "\n"))
				}
				if !tr {
					if len(c2) > 0 {
						t.Errorf("the second --ensure run of a lab that stands asked %d changes:\n%s", len(c2), strings.Join(c2, "\n"))
					}
					if !strings.Contains(e2, "nsh: --ensure: nothing to change, ") {
						t.Errorf("the second --ensure run said %q, want nothing to change", e2)
					}
				}
				t.Logf("second run: %d change requests (transient lines: %v); %s", len(c2), tr, strings.TrimSpace(e2))
			})
		})
	}
}

// comparePlan checks a plan against what the run then did: the same creations and deletions, at the same lines; every
// change the run made, the plan listed (the plan may list a change of a
// value a new namespace already has).
func comparePlan(t *testing.T, plan, run []step) {
	t.Helper()
	key := func(s step) string { return fmt.Sprintf("%d:%d %s", s.Line, s.Col, s.Action) }
	count := func(steps []step, action string) []string {
		var out []string
		for _, s := range steps {
			if s.Action == action {
				out = append(out, key(s))
			}
		}
		sort.Strings(out)
		return out
	}
	for _, a := range []string{"create", "delete"} {
		p, r := count(plan, a), count(run, a)
		if strings.Join(p, " ") != strings.Join(r, " ") {
			t.Errorf("plan and run differ in what they %s:\nplan: %v\nrun:  %v", a, p, r)
		}
	}
	planned := map[string]bool{}
	for _, k := range count(plan, "change") {
		planned[k] = true
	}
	for _, k := range count(run, "change") {
		if !planned[k] {
			t.Errorf("the run changed at %s, which the plan did not list", k)
		}
	}
}

// compareJournal checks that the namespaces the plan creates are those
// the run's journal records as created.
func compareJournal(t *testing.T, file string, plan []step) {
	t.Helper()
	var want []string
	for _, s := range plan {
		if n, ok := strings.CutPrefix(s.Object, "netns "); ok && s.Action == "create" {
			want = append(want, n)
		}
	}
	recs, _, err := journal.Read(journal.FileName(journal.Dir, file))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		if r.Op == journal.OpNetns {
			got = append(got, r.Name)
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(want, " ") != strings.Join(got, " ") {
		t.Errorf("the plan creates namespaces %v, the run's journal records %v", want, got)
	}
}

// waitTopology waits until no bridge of any namespace is in a topology
// change or has a port on its way to forwarding (at most a minute).
func waitTopology(t *testing.T) {
	t.Helper()
	for end := time.Now().Add(time.Minute); ; time.Sleep(250 * time.Millisecond) {
		out, _ := exec.Command("ip", "-all", "netns", "exec", "ip", "-d", "link", "show").CombinedOutput()
		// Ports still listening or learning start a topology change when
		// they forward.
		if !bytes.Contains(out, []byte("topology_change 1")) && !bytes.Contains(out, []byte("state listening")) &&
			!bytes.Contains(out, []byte("state learning")) {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("a bridge is still in a topology change after a minute:\n%s", out)
		}
	}
}

// TestEnsureDiffers checks what --ensure does with an object that exists
// but differs: outside the lab's namespaces it fails, naming the
// difference, and changes nothing; in a namespace the lab created it
// replaces it. nsh plan, meanwhile, changes nothing at all.
func TestEnsureDiffers(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		lab := func(name, via string) string {
			f := filepath.Join(dir, name)
			src := "ip netns add own\n" +
				"ip link add v0 type veth peer name v1\n" +
				"ip addr add 10.9.0.1/24 dev v0\n" +
				"ip link set v0 up\n" +
				"ip route add 10.8.0.0/16 via " + via + "\n" +
				"ip -n own link add w0 type veth peer name w1\n" +
				"ip -n own addr add 10.7.0.1/24 dev w0\n" +
				"ip -n own link set w0 up\n" +
				"ip -n own neigh add 10.7.0.9 lladdr 02:00:00:00:00:0" + via[len(via)-1:] + " dev w0\n"
			if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			return f
		}
		a, b := lab("a.nsh", "10.9.0.2"), lab("b.nsh", "10.9.0.3")
		if code, _, e := nsh(t, "--lab", "L", a); code != 0 {
			t.Fatalf("nsh a.nsh: %d %s", code, e)
		}
		before, err := kstate.Settled(0, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		code, out, e := nsh(t, "plan", "-j", "--lab", "L", b)
		if code != 0 {
			t.Fatalf("nsh plan: %d %s", code, e)
		}
		var differs []string
		for _, s := range readSteps(t, []byte(out)) {
			if s.Action == "differs" {
				differs = append(differs, s.Object)
			}
		}
		if len(differs) != 1 || differs[0] != "route 10.8.0.0/16" {
			t.Errorf("plan of b.nsh: differs %v, want the route (the neighbour is the lab's: a change)\n%s", differs, out)
		}
		code, _, e = nsh(t, "--ensure", "--lab", "L", b)
		want := "route 10.8.0.0/16 exists but differs: via 10.9.0.2, not 10.9.0.3"
		if code != 1 || !strings.Contains(e, want) {
			t.Errorf("nsh --ensure b.nsh: status %d, stderr %q; want 1 and %q", code, e, want)
		}
		after, err := kstate.Settled(0, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if d := kstate.Diff(before, after); d != "" {
			t.Errorf("nsh plan and a failed --ensure changed the state:\n%s", d)
		}
		// The lab's own namespace: the neighbour is replaced.
		if out, err := exec.Command("ip", "route", "del", "10.8.0.0/16").CombinedOutput(); err != nil {
			t.Fatalf("ip route del: %v %s", err, out)
		}
		if code, _, e := nsh(t, "--ensure", "--lab", "L", b); code != 0 || !strings.Contains(e, "nsh: --ensure: 2 changed") {
			t.Errorf("nsh --ensure b.nsh: status %d, stderr %q; want 0 and 2 changed (route, neighbour)", code, e)
		}
		out2, _ := exec.Command("ip", "-n", "own", "neigh", "show", "10.7.0.9").CombinedOutput()
		if !strings.Contains(string(out2), "lladdr 02:00:00:00:00:03") {
			t.Errorf("the lab's neighbour was not replaced: %s", out2)
		}
	})
}
