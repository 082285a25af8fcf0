package shell_test

// Differential corpus: published lab scripts (kernel selftests, lab
// repositories, tutorials) listed in testdata/corpus/MANIFEST.tsv are run
// twice, each time in its own throwaway network+mount namespace: once as
// "bash FILE ARGS" and once as "NSH FILE ARGS", where NSH is the binary
// named by NSH_CORPUS_BIN (built from ./cmd/nsh when unset). The exit
// status, the standard output (with timings, MAC addresses, IPv6
// link-local addresses, random names and the work directory masked) and
// the kernel state left behind (kstate.Settled: links, addresses, routes,
// rules, permanent neighbours, bridge ports and fdb, of the start
// namespace and every named one) must be the same.
//
// The test runs only with NSH_CORPUS=1: the scripts are third-party text
// kept out of the repository (see testdata/corpus/README.md), and the run
// takes minutes. NSH_CORPUS_DIR points at another corpus directory;
// NSH_CORPUS_REPORT names a file that receives the per-script summary;
// NSH_CORPUS_RUN selects scripts by a regular expression on their names.
//
// Each run is a sandbox subtest whose child process writes its result to
// a directory the parent made (passed in corpusResultEnv); the parent
// compares the two results of a script. At most two sandboxes run at once.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/kstate"
	"github.com/nshlab/nsh/internal/sandbox"
)

const (
	corpusEnableEnv = "NSH_CORPUS"         // "1" runs the corpus
	corpusBinEnv    = "NSH_CORPUS_BIN"     // the shell compared with bash
	corpusDirEnv    = "NSH_CORPUS_DIR"     // default testdata/corpus
	corpusReportEnv = "NSH_CORPUS_REPORT"  // file for the summary
	corpusRunEnv    = "NSH_CORPUS_RUN"     // regexp selecting scripts
	corpusResultEnv = "NSH_CORPUS_RESULTS" // results directory (to the sandbox children)
	scriptTimeout   = 120 * time.Second
)

// corpusEntry is one line of MANIFEST.tsv.
type corpusEntry struct {
	Name        string   // file NAME.sh in the corpus directory
	Source      string   // where it was published
	Args        []string // arguments ("-" in the file: none)
	Support     [][2]string
	BashStatus  string   // recorded when the corpus was made
	Programs    []string // external programs beyond ip/brctl/bridge/ping/sysctl and coreutils
	Constructs  string
	BashSeconds string
}

// corpusResult is what a sandbox child reports for one run.
type corpusResult struct {
	Status   int
	Stdout   string
	Stderr   string
	State    string
	StateErr string
	Seconds  float64
}

// baseTools are needed by every script: bash itself and the programs the
// corpus is about (nsh runs the last five in-process, bash needs them).
var baseTools = []string{"bash", "ip", "brctl", "bridge", "ping", "sysctl"}

func corpusDir() string {
	if d := os.Getenv(corpusDirEnv); d != "" {
		return d
	}
	return filepath.Join("testdata", "corpus")
}

// readManifest parses MANIFEST.tsv: name, source, args, support
// (supportfile:asname,...), bash status, seconds, extra programs
// (comma-separated, "-" for none; "sudo" is provided by a shim),
// constructs.
func readManifest(dir string) ([]corpusEntry, error) {
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			first = false
			continue // header
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		col := strings.Split(line, "\t")
		if len(col) < 8 {
			return nil, fmt.Errorf("MANIFEST.tsv: %q has %d columns, want 8", line, len(col))
		}
		e := corpusEntry{Name: col[0], Source: col[1], BashStatus: col[4], BashSeconds: col[5], Constructs: col[7]}
		if col[2] != "-" {
			e.Args = strings.Fields(col[2])
		}
		if col[3] != "-" {
			for _, p := range strings.Split(col[3], ",") {
				from, as, ok := strings.Cut(p, ":")
				if !ok {
					return nil, fmt.Errorf("MANIFEST.tsv: %s: support %q is not FILE:NAME", e.Name, p)
				}
				e.Support = append(e.Support, [2]string{from, as})
			}
		}
		if col[6] != "-" {
			for _, p := range strings.Split(col[6], ",") {
				// "bash (inner, reads stdin)": the program is the first word.
				if w := strings.Fields(p); len(w) > 0 {
					e.Programs = append(e.Programs, w[0])
				}
			}
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

func TestCorpus(t *testing.T) {
	if os.Getenv(corpusEnableEnv) != "1" {
		t.Skipf("differential corpus: set %s=1 to run it (minutes; the scripts live in %s)", corpusEnableEnv, corpusDir())
	}
	dir, err := filepath.Abs(corpusDir())
	if err != nil {
		t.Fatal(err)
	}
	entries, err := readManifest(dir)
	if err != nil {
		t.Fatalf("corpus manifest: %v", err)
	}
	if re := os.Getenv(corpusRunEnv); re != "" {
		sel, err := regexp.Compile(re)
		if err != nil {
			t.Fatalf("%s: %v", corpusRunEnv, err)
		}
		var keep []corpusEntry
		for _, e := range entries {
			if sel.MatchString(e.Name) {
				keep = append(keep, e)
			}
		}
		entries = keep
	}
	results := os.Getenv(corpusResultEnv)
	if !sandbox.Inside() {
		for _, e := range entries {
			if _, err := os.Stat(filepath.Join(dir, e.Name+".sh")); err != nil {
				t.Fatalf("corpus script missing: %v (the scripts are not in the repository; see %s)", err, filepath.Join(dir, "README.md"))
			}
		}
		results = t.TempDir()
		setenv(t, corpusResultEnv, results)
		if os.Getenv(corpusBinEnv) == "" {
			setenv(t, corpusBinEnv, buildNsh(t))
		}
		// /etc/netns must exist for the children to put a tmpfs on it;
		// made here once, so no child removes it under another.
		if _, err := os.Stat("/etc/netns"); errors.Is(err, os.ErrNotExist) && os.Geteuid() == 0 {
			if err := os.Mkdir("/etc/netns", 0o755); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Remove("/etc/netns") })
		}
	}
	bin := os.Getenv(corpusBinEnv)

	var mu sync.Mutex
	summary := map[string]string{}
	slots := make(chan struct{}, 2) // two cores: at most two sandboxes at once
	start := time.Now()
	t.Run("scripts", func(t *testing.T) {
		for _, e := range entries {
			t.Run(e.Name, func(t *testing.T) {
				t.Parallel()
				for _, v := range []struct{ name, shell string }{{"bash", "bash"}, {"nsh", bin}} {
					t.Run(v.name, func(t *testing.T) {
						if !sandbox.Inside() {
							slots <- struct{}{}
							defer func() { <-slots }()
						}
						sandbox.Run(t, func(t *testing.T) {
							runCorpusScript(t, dir, results, e, v.name, v.shell)
						})
					})
				}
				if sandbox.Inside() {
					return
				}
				verdict := compareCorpus(t, results, e)
				mu.Lock()
				summary[e.Name] = verdict
				mu.Unlock()
			})
		}
	})
	if sandbox.Inside() {
		return
	}
	var names []string
	for n := range summary {
		names = append(names, n)
	}
	sort.Strings(names)
	var sb strings.Builder
	equal := 0
	for _, n := range names {
		if summary[n] == "equal" {
			equal++
		}
		fmt.Fprintf(&sb, "%-40s %s\n", n, summary[n])
	}
	fmt.Fprintf(&sb, "%d of %d equal (%s: %s) in %s\n", equal, len(names), corpusBinEnv, bin, time.Since(start).Round(time.Second))
	t.Logf("corpus summary:\n%s", sb.String())
	if p := os.Getenv(corpusReportEnv); p != "" {
		if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// setenv sets an environment variable for the rest of the test.
func setenv(t *testing.T, k, v string) {
	old, had := os.LookupEnv(k)
	os.Setenv(k, v)
	t.Cleanup(func() {
		if had {
			os.Setenv(k, old)
		} else {
			os.Unsetenv(k)
		}
	})
}

// buildNsh builds ./cmd/nsh into a temporary directory.
func buildNsh(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "nsh")
	cmd := exec.Command("go", "build", "-o", out, "github.com/nshlab/nsh/cmd/nsh")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build nsh: %v\n%s", err, b)
	}
	return out
}

func resultFile(results, name, variant string) string {
	return filepath.Join(results, name+"."+variant+".json")
}

// runCorpusScript runs in the sandbox child: it copies the script and its
// support files into a fresh work directory, runs it with shell, and
// writes the result and the settled kernel state.
func runCorpusScript(t *testing.T, dir, results string, e corpusEntry, variant, shell string) {
	tools := baseTools
	if variant == "nsh" {
		tools = nil // nsh runs ip/brctl/bridge/ping/sysctl itself
	}
	for _, p := range append(append([]string{}, tools...), e.Programs...) {
		if p == "sudo" {
			continue // the shim below
		}
		sandbox.RequireTool(t, p)
	}
	sandbox.PrivateDir(t, "/etc/netns")
	privateHosts(t)

	work := t.TempDir()
	shim := filepath.Join(work, ".bin")
	if err := os.Mkdir(shim, 0o755); err != nil {
		t.Fatal(err)
	}
	// Root needs no sudo; a stand-in keeps the lines unchanged where sudo
	// is not installed.
	if err := os.WriteFile(filepath.Join(shim, "sudo"), []byte("#!/bin/sh\nexec \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(dir, e.Name+".sh"), filepath.Join(work, e.Name+".sh"))
	for _, s := range e.Support {
		copyFile(t, filepath.Join(dir, "support", s[0]), filepath.Join(work, s[1]))
	}

	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, shell, append([]string{e.Name + ".sh"}, e.Args...)...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "PATH="+shim+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	err := cmd.Run()
	res := corpusResult{Seconds: time.Since(began).Seconds()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.Status = ee.ExitCode()
		if ctx.Err() != nil {
			res.Status = -1
			stderr.WriteString("\n[corpus: killed after " + scriptTimeout.String() + "]\n")
		}
	default:
		t.Fatalf("%s %s: %v", shell, e.Name, err)
	}
	res.Stdout = maskOutput(stdout.String(), work)
	res.Stderr = maskOutput(stderr.String(), work)
	state, serr := kstate.Settled(0, 30*time.Second)
	res.State = maskState(state, work)
	if serr != nil {
		res.StateErr = serr.Error()
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(resultFile(results, e.Name, variant), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// privateHosts gives the sandbox its own copy of /etc/hosts: some lab
// scripts append their names to it, which must not reach the host.
func privateHosts(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return
	}
	p := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount(p, "/etc/hosts", "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind a private /etc/hosts: %v", err)
	}
	t.Cleanup(func() { unix.Unmount("/etc/hosts", unix.MNT_DETACH) })
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// Masks for what differs between two runs of the same script: they apply
// to every script, not to one.
var outputMasks = []struct {
	re   *regexp.Regexp
	repl string
}{
	// ping: per-reply round trip, the summary's elapsed time and rtt line.
	{regexp.MustCompile(`time[=<][0-9.]+ ?ms`), "time=X ms"},
	{regexp.MustCompile(`\btime [0-9]+ ?ms\b`), "time Xms"},
	{regexp.MustCompile(`(rtt|round-trip) min/avg/max(/mdev)? = \S+ ms`), "$1 min/avg/max$2 = X ms"},
	{regexp.MustCompile(`, ipg/ewma \S+ ms`), ", ipg/ewma X ms"},
	// ", pipe N": a reply overlapped the next request (timing).
	{regexp.MustCompile(`, pipe [0-9]+`), ""},
	// MAC addresses (random unless set) and the IPv6 link-local
	// addresses derived from them.
	{regexp.MustCompile(`\b([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}\b`), "MAC"},
	{regexp.MustCompile(`\bfe80::[0-9a-fA-F:]*[0-9a-fA-F](/\d+)?`), "fe80::X$1"},
}

// mktempWord is a name with a mktemp-style suffix (ns-peer-aB3xYz,
// client-Qw12Er7T): six to eight letters and digits after a dash.
var mktempWord = regexp.MustCompile(`\b([a-zA-Z][a-zA-Z0-9_]*-)([A-Za-z0-9]{6,8})\b`)

// plainSuffix is what a person names things: lower-case letters and
// maybe a number (bridge1, router), which is not masked.
var plainSuffix = regexp.MustCompile(`^[a-z]+[0-9]*$|^[0-9]+$`)

// maskOutput replaces what is random or timing-dependent by fixed words.
func maskOutput(s, work string) string {
	if work != "" {
		s = strings.ReplaceAll(s, work, "$WORKDIR")
	}
	for _, m := range outputMasks {
		s = m.re.ReplaceAllString(s, m.repl)
	}
	return mktempWord.ReplaceAllStringFunc(s, func(w string) string {
		sub := mktempWord.FindStringSubmatch(w)
		if plainSuffix.MatchString(sub[2]) {
			return w
		}
		return sub[1] + "RAND"
	})
}

// maskState masks a kstate snapshot: only the work directory and random
// names (the snapshot leaves out random MAC and link-local addresses).
func maskState(s, work string) string {
	if work != "" {
		s = strings.ReplaceAll(s, work, "$WORKDIR")
	}
	return mktempWord.ReplaceAllStringFunc(s, func(w string) string {
		sub := mktempWord.FindStringSubmatch(w)
		if plainSuffix.MatchString(sub[2]) {
			return w
		}
		return sub[1] + "RAND"
	})
}

// compareCorpus compares the two results of a script (in the parent) and
// returns the verdict for the summary.
func compareCorpus(t *testing.T, results string, e corpusEntry) string {
	read := func(variant string) (corpusResult, bool) {
		var r corpusResult
		b, err := os.ReadFile(resultFile(results, e.Name, variant))
		if errors.Is(err, os.ErrNotExist) {
			return r, false
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		return r, true
	}
	ref, ok1 := read("bash")
	got, ok2 := read("nsh")
	if !ok1 || !ok2 {
		if t.Skipped() {
			return "skipped"
		}
		return "no result: skipped or failed (see the subtests)"
	}
	var what []string
	if ref.Status != got.Status {
		what = append(what, "status")
		t.Errorf("%s: exit status: bash %d, nsh %d", e.Name, ref.Status, got.Status)
	}
	if ref.Stdout != got.Stdout {
		what = append(what, "stdout")
		t.Errorf("%s: standard output differs (- bash, + nsh):\n%s", e.Name, lineDiff(ref.Stdout, got.Stdout, 20))
	}
	if d := kstate.Diff(ref.State, got.State); d != "" {
		what = append(what, "state")
		t.Errorf("%s: kernel state differs (- bash, + nsh):\n%s", e.Name, firstLines(d, 20))
	}
	if ref.StateErr != "" || got.StateErr != "" {
		t.Logf("%s: state not settled: bash %q, nsh %q", e.Name, ref.StateErr, got.StateErr)
	}
	if len(what) == 0 {
		return "equal"
	}
	if ref.Stderr != got.Stderr {
		t.Logf("%s: standard error (- bash, + nsh):\n%s", e.Name, lineDiff(ref.Stderr, got.Stderr, 10))
	}
	return "differs: " + strings.Join(what, ", ") + " (bash " + strconv.Itoa(ref.Status) + ", nsh " + strconv.Itoa(got.Status) + ")"
}

// lineDiff shows the lines of a and b from the first one that differs,
// at most n of each.
func lineDiff(a, b string, n int) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(x) && i < len(y) && x[i] == y[i] {
		i++
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "  (from line %d)\n", i+1)
	for j := i; j < len(x) && j < i+n; j++ {
		sb.WriteString("- " + x[j] + "\n")
	}
	for j := i; j < len(y) && j < i+n; j++ {
		sb.WriteString("+ " + y[j] + "\n")
	}
	return sb.String()
}

func firstLines(s string, n int) string {
	l := strings.SplitAfter(s, "\n")
	if len(l) <= n {
		return s
	}
	return strings.Join(l[:n], "") + fmt.Sprintf("... (%d more lines)\n", len(l)-n)
}
