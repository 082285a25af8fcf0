// Package testenv builds what the builtins' kernel tests share: a
// namespace Host with its builtins State, and Labs — named namespaces with
// an Env acting in them, where a test runs a builtin in-process (Lab.Run)
// and the real tool under "ip netns exec" (Lab.Real, Lab.Sh) in the same
// kernel state. Use it inside sandbox.Run only.
package testenv

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/ns"
)

// New returns a Host and a builtins State over it, both closed when the
// test ends.
func New(t *testing.T) (*ns.Host, *builtins.State) {
	t.Helper()
	host, err := ns.NewHost()
	if err != nil {
		t.Fatal(err)
	}
	st := builtins.NewState(host)
	t.Cleanup(func() {
		st.Close()
		host.Close()
	})
	return host, st
}

// Lab is a named namespace with an Env acting in it. Out and Err are the
// Env's Stdout and Stderr.
type Lab struct {
	Name     string
	Env      *builtins.Env
	Out, Err bytes.Buffer
}

// NewLab adds the namespace name (as "ip netns add" does) and returns a
// Lab for it.
func NewLab(t *testing.T, host *ns.Host, st *builtins.State, name string) *Lab {
	t.Helper()
	r, err := host.Add(name)
	if err != nil {
		t.Fatal(err)
	}
	l := &Lab{Name: name}
	l.Env = &builtins.Env{Stdout: &l.Out, Stderr: &l.Err, NS: r, Host: host, State: st}
	return l
}

// Sh runs setup command lines (split on blanks) with the real tools
// inside the lab, failing the test on the first error.
func (l *Lab) Sh(t *testing.T, lines ...string) {
	t.Helper()
	for _, line := range lines {
		args := append([]string{"netns", "exec", l.Name}, strings.Fields(line)...)
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
	}
}

// Real runs the program args[0] with args[1:] inside the lab under "ip
// netns exec" (so that it also sees the lab's /sys) and returns its
// stdout, stderr and error.
func (l *Lab) Real(args ...string) (stdout, stderr string, err error) {
	var o, e bytes.Buffer
	cmd := exec.Command("ip", append([]string{"netns", "exec", l.Name}, args...)...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// Run runs builtin f in-process in the lab with the command word word and
// args, and returns what it wrote to stdout and its error. Err holds its
// stderr afterwards.
func (l *Lab) Run(f builtins.Func, word string, args ...string) (string, error) {
	l.Out.Reset()
	l.Err.Reset()
	defer l.Env.Release()
	err := f(context.Background(), l.Env, append([]string{word}, args...))
	return l.Out.String(), err
}

// ToolLab is a Lab bound to one command: a builtin and the real program
// it matches ("brctl", "bridge").
type ToolLab struct {
	*Lab
	word string
	f    builtins.Func
}

// NewToolLab adds the namespace name and binds it to the builtin f and
// the real program word.
func NewToolLab(t *testing.T, host *ns.Host, st *builtins.State, name, word string, f builtins.Func) *ToolLab {
	t.Helper()
	return &ToolLab{Lab: NewLab(t, host, st, name), word: word, f: f}
}

// Tool runs the real program with args in the lab (see Lab.Real).
func (l *ToolLab) Tool(args ...string) (stdout, stderr string, err error) {
	return l.Real(append([]string{l.word}, args...)...)
}

// Nsh runs the builtin with args in the lab (see Lab.Run).
func (l *ToolLab) Nsh(args ...string) (string, error) { return l.Run(l.f, l.word, args...) }

// timerRE matches a brctl timer value ("%4i.%.2i") after its tab.
var timerRE = regexp.MustCompile(`\t( *\d+)\.\d\d`)

// MaskTimers replaces every brctl timer value that follows a tab (brctl
// showstp, showmacs) by "T", for comparing outputs of a running bridge,
// whose timers tick between two runs.
func MaskTimers(s string) string { return timerRE.ReplaceAllString(s, "\tT") }

// ExitStatus is the exit status of a run: 0 without error, a real
// program's exit code (Lab.Real), or the status nsh gives a builtin's
// error (Lab.Run, interp.StatusOf).
func ExitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return interp.StatusOf(err)
}

// SyncBuffer is a bytes.Buffer that a writer (a command running in a
// goroutine, a process's output) and a reader (the test) may use at
// once.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Case is one generated differential case: its command line (the tool's
// name first), the reason
// it is a known difference from the real tool ("" when it is none), and
// Compare, which runs it under both and returns what differs ("" when
// nothing does).
type Case struct {
	Line    string
	Known   string
	Compare func() (diff string, err error)
}

// CompareCases runs cases at most parallel at a time and fails t for each
// case that differs without being known, and for each known difference
// that no longer differs (it should leave its list). It returns how many
// cases were compared as expected to match and how many as known
// differences.
func CompareCases(t *testing.T, parallel int, cases []Case) (equal, known int) {
	t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallel)
	for _, c := range cases {
		if c.Known != "" {
			known++
		} else {
			equal++
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			diff, err := c.Compare()
			switch {
			case err != nil:
				t.Errorf("%s: %v", c.Line, err)
			case c.Known != "" && diff == "":
				t.Errorf("%s: listed as a known difference (%s) but matches: take it off the list", c.Line, c.Known)
			case c.Known != "" && os.Getenv("NSH_MODEL_LOG") != "":
				t.Logf("KNOWN-DIFF %s", c.Line)
			case c.Known == "" && diff != "":
				t.Errorf("%s:%s", c.Line, diff)
			}
		}()
	}
	wg.Wait()
	return equal, known
}
