package interp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/nshlab/nsh/lang"
)

// And-or lists, pipelines and redirections, as in the shell.
//
// A failing command stops the script (like sh -e), with the same
// exceptions as set -e: in "a && b || c", only a failure of the command
// after the last operator stops the script; in a pipeline, only a failure
// of the last command counts (unless "set -o pipefail"). $? is the status of the last
// command run.

// andOr runs "X && Y" or "X || Y". It returns the error of Y when Y ran
// and failed; a failure in X only sets $?.
func (r *Runner) andOr(ctx context.Context, a *lang.AndOr) error {
	saved := r.report
	r.report = true
	err := r.listPart(ctx, a.X)
	r.report = saved
	if err != nil {
		if isExit(err) || ctx.Err() != nil {
			return err
		}
		r.status = max(StatusOf(err), 1)
	}
	if (a.Op == "&&") != (r.status == 0) {
		return nil
	}
	return r.listPart(ctx, a.Y)
}

// listPart runs one side of an and-or list.
func (r *Runner) listPart(ctx context.Context, st lang.Stmt) error {
	switch st := st.(type) {
	case *lang.Command:
		return r.command(ctx, st, nil, nil)
	case *lang.Pipeline:
		return r.pipeline(ctx, st)
	case *lang.AndOr:
		return r.andOr(ctx, st)
	}
	return fmt.Errorf("interp: unknown list element %T", st)
}

// pipeline runs the commands of p at the same time in the current
// namespace, each one's standard output connected to the next one's
// standard input by a pipe. Each command runs on a copy of the runner, as
// in a subshell: assignments inside do not last. The status is that of
// the last command, or under "set -o pipefail" of the last one that
// failed.
func (r *Runner) pipeline(ctx context.Context, p *lang.Pipeline) error {
	n := len(p.Cmds)
	readers := make([]*os.File, n-1)
	writers := make([]*os.File, n-1)
	for i := range n - 1 {
		pr, pw, err := os.Pipe()
		if err != nil {
			for _, f := range append(readers[:i], writers[:i]...) {
				f.Close()
			}
			r.status = 1
			return &RuntimeError{Pos: p.Pos(), Stmt: lang.Format(p), NS: r.cur, Err: fmt.Errorf("pipe: %w", err)}
		}
		readers[i], writers[i] = pr, pw
	}
	errs := make([]error, n)
	subs := make([]*Runner, n)
	// The commands share standard error, and the last one's output may be
	// the same writer: writes to anything but a file are serialised.
	mu := new(sync.Mutex)
	stdout, stderr := lockWriter(r.stdout, mu), lockWriter(r.stderr, mu)
	var wg sync.WaitGroup
	for i, c := range p.Cmds {
		sub := r.fork()
		sub.stdout, sub.stderr, sub.trace = stdout, stderr, lockWriter(r.trace, mu)
		if i > 0 {
			sub.stdin = readers[i-1]
		}
		if i < n-1 {
			sub.stdout = writers[i]
			sub.report = true
		}
		subs[i] = sub
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = sub.command(ctx, c, nil, nil)
			// Close this command's ends: the next command sees the end
			// of its input, the one before gets EPIPE.
			if i < n-1 {
				writers[i].Close()
			}
			if i > 0 {
				readers[i-1].Close()
			}
		}()
	}
	wg.Wait()
	last := subs[n-1]
	r.status = last.status
	err := errs[n-1]
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if isExit(err) {
		// "exit" leaves only its own pipeline command, as in a subshell.
		r.status = StatusOf(err)
		if r.status == 0 {
			return nil
		}
		return &RuntimeError{Pos: p.Cmds[n-1].Pos(), Stmt: lang.Format(p.Cmds[n-1]), NS: r.cur, Err: ExitStatus(r.status)}
	}
	if err != nil && r.status == 0 {
		r.status = StatusOf(err)
	}
	if err == nil && r.pipefail {
		// set -o pipefail: the status of the last command that failed.
		// Its error was printed as it happened (report).
		for i := n - 2; i >= 0; i-- {
			if errs[i] == nil || isExit(errs[i]) && StatusOf(errs[i]) == 0 {
				continue
			}
			r.status = max(StatusOf(errs[i]), 1)
			return &RuntimeError{Pos: p.Cmds[i].Pos(), Stmt: lang.Format(p.Cmds[i]), NS: r.cur, Err: ExitStatus(r.status)}
		}
	}
	return err
}

// lockedWriter serialises the writes to w.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// lockWriter returns w, behind mu unless it is a file (whose writes the
// kernel serialises).
func lockWriter(w io.Writer, mu *sync.Mutex) io.Writer {
	if _, ok := w.(*os.File); ok || w == nil {
		return w
	}
	if _, ok := w.(interface{ File() *os.File }); ok {
		return w // a wrapper of a file (see Observe), which locks itself
	}
	return &lockedWriter{mu: mu, w: w}
}

// fork returns a copy of r for a command of a pipeline: it shares the
// host, the handlers and the streams, and has its own copies of the
// variables and procedures.
func (r *Runner) fork() *Runner {
	s := *r
	s.ownHost = false
	s.globals = maps.Clone(r.globals)
	s.frames = make([]map[string]value, len(r.frames))
	for i, f := range r.frames {
		s.frames[i] = maps.Clone(f)
	}
	s.procs = maps.Clone(r.procs)
	return &s
}

// redirection is the state a command's redirections changed: the streams
// to put back and the files to close afterwards.
type redirection struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	files          []*os.File
	text           string // the redirections, expanded, for messages
}

// restore puts back r's streams and closes the files.
func (rd *redirection) restore(r *Runner) {
	r.stdin, r.stdout, r.stderr = rd.stdin, rd.stdout, rd.stderr
	for _, f := range rd.files {
		f.Close()
	}
}

// redirect applies redirections to r's streams, in order. The files are
// opened in the current namespace: files under /proc/sys/net and
// /proc/thread-self/net belong to the network namespace of the thread that
// opens them, and /proc/net and /proc/self are read as /proc/thread-self
// (see openIn). On error
// the streams are already restored.
func (r *Runner) redirect(redirs []*lang.Redirect) (*redirection, error) {
	rd := &redirection{stdin: r.stdin, stdout: r.stdout, stderr: r.stderr}
	fail := func(err error) (*redirection, error) {
		rd.restore(r)
		return rd, err
	}
	// Expand every file name first, so that an error message shows all
	// the redirections.
	names := make([]string, len(redirs))
	var errs []error
	var text strings.Builder // appended to: rd.text += would be quadratic
	for k, x := range redirs {
		words, err := r.expandWord(x.Word)
		if err != nil {
			errs = append(errs, err)
		}
		if len(words) == 1 {
			names[k] = words[0]
		}
		op := x.Op
		if x.N != lang.DefaultFD(op) && op != "&>" && op != "&>>" {
			op = strconv.Itoa(x.N) + op
		}
		if x.Op == ">&" {
			text.WriteString(" " + op + names[k])
		} else {
			text.WriteString(" " + op + " " + lang.Quote(names[k]))
		}
		if err == nil && (len(words) != 1 || names[k] == "") {
			errs = append(errs, fmt.Errorf("%s: ambiguous redirect: the file name expands to %d words", op, len(words)))
		}
	}
	rd.text = text.String()
	if len(errs) > 0 {
		return fail(errs[0])
	}
	for k, x := range redirs {
		word := names[k]
		op := x.Op
		if x.N != lang.DefaultFD(op) && op != "&>" && op != "&>>" {
			op = strconv.Itoa(x.N) + op
		}
		if x.N > 2 {
			return fail(fmt.Errorf("%s: file descriptor %d: only 0, 1 and 2 can be redirected", op, x.N))
		}
		if x.Op == ">&" {
			switch {
			case x.N == 0:
				return fail(fmt.Errorf("%s: cannot redirect standard input to an output", op))
			case word == "1":
				r.setOut(x.N, r.stdout)
			case word == "2":
				r.setOut(x.N, r.stderr)
			default:
				return fail(fmt.Errorf("%s: file descriptor %s: only 1 and 2 can be duplicated", op, word))
			}
			continue
		}
		flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		switch x.Op {
		case ">>", "&>>":
			flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		case "<":
			flag = os.O_RDONLY
		}
		f, err := r.openIn(word, flag)
		if err != nil {
			return fail(err)
		}
		rd.files = append(rd.files, f)
		switch {
		case x.Op == "&>" || x.Op == "&>>":
			r.stdout, r.stderr = f, f
		case x.N == 0:
			r.stdin = f
		default:
			r.setOut(x.N, f)
		}
	}
	return rd, nil
}

// setOut sets standard output (n = 1) or error (n = 2).
func (r *Runner) setOut(n int, w io.Writer) {
	if n == 2 {
		r.stderr = w
	} else {
		r.stdout = w
	}
}

// openIn opens a redirection's file, relative to the runner's directory,
// from a thread in the current namespace.
func (r *Runner) openIn(name string, flag int) (*os.File, error) {
	if r.dir != "" && !filepath.IsAbs(name) {
		name = filepath.Join(r.dir, name)
	}
	if r.cur.IsStart() {
		return os.OpenFile(name, flag, 0o666)
	}
	// /proc/net and /proc/self are the main thread's (HAZARDS #3): open
	// the switched thread's own files instead.
	path := threadPath(name)
	var f *os.File
	err := r.host.Do(r.cur, func() error {
		var err error
		f, err = os.OpenFile(path, flag, 0o666)
		return err
	})
	var pe *os.PathError
	if errors.As(err, &pe) {
		pe.Path = name // show the name the script wrote
	}
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, errors.New("open: no file")
	}
	return f, nil
}

// threadPath rewrites a path under /proc/net or /proc/self, which
// describe the main thread, to the same path under /proc/thread-self,
// which describes the thread that opens it.
func threadPath(name string) string {
	clean := filepath.Clean(name)
	for _, p := range []string{"/proc/net", "/proc/self"} {
		if clean == p || strings.HasPrefix(clean, p+"/") {
			rest := strings.TrimPrefix(clean, p)
			if p == "/proc/net" {
				rest = "/net" + rest
			}
			return "/proc/thread-self" + rest
		}
	}
	return name
}
