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

				c2, e2 := tracedChanges(t, "--ensure", file)
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

// comparePlan checks the plan of the empty host against what the run
// then did: the same creations and deletions, at the same lines; every
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
	if len(count(plan, "create")) == 0 {
		t.Errorf("the plan of the empty host creates nothing")
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
