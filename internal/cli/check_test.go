package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// marked is a problem a testdata file marks: ### COL "REGEXP" [warning]
// at the end of its line.
type marked struct {
	line, col int
	re        *regexp.Regexp
	warning   bool
}

var markRE = regexp.MustCompile(`###\s*(\d+)\s+"((?:[^"\\]|\\.)*)"(\s+warning)?`)

// readMarks reads the markers of a testdata file.
func readMarks(t *testing.T, path string) []marked {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []marked
	for i, line := range strings.Split(string(data), "\n") {
		k := strings.Index(line, "###")
		if k < 0 {
			continue
		}
		for _, m := range markRE.FindAllStringSubmatch(line[k:], -1) {
			col, _ := strconv.Atoi(m[1])
			re, err := regexp.Compile(strings.ReplaceAll(m[2], `\"`, `"`))
			if err != nil {
				t.Fatalf("%s:%d: %v", path, i+1, err)
			}
			out = append(out, marked{line: i + 1, col: col, re: re, warning: m[3] != ""})
		}
	}
	return out
}

// reported is one problem nsh printed: "FILE:LINE:COL: [warning: ]MSG".
type reported struct {
	line, col int
	msg       string
	warning   bool
}

func parseReports(t *testing.T, file, stderr string) []reported {
	t.Helper()
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(file) + `:(\d+):(\d+): (warning: )?(.*)$`)
	var out []reported
	for _, l := range strings.Split(stderr, "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			line, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2])
			out = append(out, reported{line, col, m[4], m[3] != ""})
		}
	}
	return out
}

// kernelState is what a run may change: the named namespaces and the
// links of the current one.
func kernelState(t *testing.T) string {
	t.Helper()
	ents, err := os.ReadDir("/run/netns")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	out, err := exec.Command("ip", "-br", "link").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(names, " ") + "\n" + string(out)
}

// TestCheckMistakes: nsh -n on a file of language-level mistakes reports
// each at its marked position, and nothing else, with the line and a
// caret, and exits 2; running the file prints the same and changes
// nothing (its first lines would add a namespace and links).
func TestCheckMistakes(t *testing.T) {
	t.Parallel()
	const file = "testdata/mistakes.nsh"
	marks := readMarks(t, file)
	errs := 0
	for _, m := range marks {
		if !m.warning {
			errs++
		}
	}
	if errs < 15 {
		t.Fatalf("%s marks %d errors, want at least 15", file, errs)
	}
	sandbox.Run(t, func(t *testing.T) {
		before := kernelState(t)
		_, stderr, code := runMain(t, "-n", file)
		if code != 2 {
			t.Errorf("nsh -n: exit status %d, want 2", code)
		}
		got := parseReports(t, file, stderr)
		for _, m := range marks {
			i := slices.IndexFunc(got, func(r reported) bool {
				return r.line == m.line && r.col == m.col && r.warning == m.warning && m.re.MatchString(r.msg)
			})
			if i < 0 {
				t.Errorf("%s:%d:%d: not reported: /%s/ (warning %v)", file, m.line, m.col, m.re, m.warning)
				continue
			}
			got = slices.Delete(got, i, i+1)
		}
		for _, r := range got {
			t.Errorf("%s:%d:%d: reported but not marked: %s", file, r.line, r.col, r.msg)
		}
		if n := strings.Count(stderr, "^\n"); n != len(marks) {
			t.Errorf("%d caret lines for %d problems:\n%s", n, len(marks), stderr)
		}
		_, runErr, code := runMain(t, file)
		if code != 2 || runErr != stderr {
			t.Errorf("run: exit status %d (want 2), stderr differs from nsh -n:\n%s", code, runErr)
		}
		if after := kernelState(t); after != before {
			t.Errorf("the run changed the kernel:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

// TestCheckValidScripts: nsh -n on every valid nsh script of the
// repository (scripts/, the parser's test scripts, the examples of
// README.md and docs/LANGUAGE.md that are whole programs) prints nothing
// and exits 0: the check reports no mistake where there is none.
func TestCheckValidScripts(t *testing.T) {
	t.Parallel()
	var files []string
	for _, g := range []string{"../../scripts/*.nsh", "../../lang/testdata/scripts/*.nsh"} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 10 {
		t.Fatalf("only %d scripts: %v", len(files), files)
	}
	dir := t.TempDir()
	for _, ex := range []struct{ doc, first string }{
		{"../../README.md", "# plain iproute2 lines are nsh"},
		{"../../docs/LANGUAGE.md", "# Two namespaces joined by a veth pair."},
	} {
		block := docBlock(t, ex.doc, ex.first)
		name := filepath.Join(dir, filepath.Base(ex.doc)+".nsh")
		if err := os.WriteFile(name, []byte(block), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	for _, f := range files {
		stdout, stderr, code := runMain(t, "-n", f)
		if code != 0 || stdout != "" || stderr != "" {
			t.Errorf("nsh -n %s: exit status %d, output:\n%s%s", f, code, stdout, stderr)
		}
	}
}

// docBlock returns the fenced code block of a Markdown file whose first
// line is first.
func docBlock(t *testing.T, doc, first string) string {
	t.Helper()
	data, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)```[a-z]*\n(.*?)```")
	for _, m := range re.FindAllStringSubmatch(string(data), -1) {
		if strings.HasPrefix(m[1], first+"\n") {
			return m[1]
		}
	}
	t.Fatalf("%s: no code block starts with %q", doc, first)
	return ""
}
