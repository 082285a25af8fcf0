// Package interp evaluates nsh syntax trees: variables and lists,
// arithmetic, loops, conditions, procedures, "in NS" blocks and "try". It
// runs commands through a chain of exec handlers (package builtins adds
// ip, brctl and bridge); the last handler runs external programs inside
// the current namespace with "ip netns exec" semantics.
//
// A Runner is built from options with New and runs a whole file or one
// statement at a time with Run, keeping its variables, procedures and
// current namespace between calls (which the REPL relies on). It holds no
// package-level state and imports no netlink code.
package interp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// Runner runs nsh programs.
type Runner struct {
	host    *ns.Host
	ownHost bool

	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	env    []string
	dir    string
	params []string
	trace  io.Writer

	exec ExecHandlerFunc
	// reserved are command words "def" may not take (see Reserved).
	reserved map[string]bool

	globals map[string]value
	frames  []map[string]value
	procs   map[string]*lang.Def

	cur    ns.Ref
	status int
	depth  int // source/procedure nesting, to stop runaway recursion
	// report makes a failing command print its error to its standard
	// error: it is in a list or pipeline where it does not stop the script.
	report bool

	// jobs are the run's background statements.
	jobs *jobs
	// pipefail is "set -o pipefail".
	pipefail bool

	// dryRun: see DryRun.
	dryRun bool
	// observer: see Observe.
	observer Observer

	// checking is StaticCheck: Run and source check before running,
	// with checkCmd for the commands' words.
	checking bool
	checkCmd CommandChecker
}

// Option configures a Runner.
type Option func(*Runner) error

// StdIO sets the standard streams (default: none for stdin, io.Discard
// for the outputs).
func StdIO(in io.Reader, out, errw io.Writer) Option {
	return func(r *Runner) error {
		r.stdin, r.stdout, r.stderr = in, out, errw
		return nil
	}
}

// Params sets the script arguments $1, $2, ...
func Params(args ...string) Option {
	return func(r *Runner) error {
		r.params = append([]string(nil), args...)
		return nil
	}
}

// Env sets the environment given to external programs and read as $NAME
// when no nsh variable has that name (default: os.Environ()).
func Env(env []string) Option {
	return func(r *Runner) error {
		r.env = append([]string(nil), env...)
		return nil
	}
}

// Dir sets the working directory of external programs and of "source".
func Dir(dir string) Option {
	return func(r *Runner) error {
		r.dir = dir
		return nil
	}
}

// Trace makes the runner print each statement, expanded and with its
// namespace, to w before running it (nsh -x).
func Trace(w io.Writer) Option {
	return func(r *Runner) error {
		r.trace = w
		return nil
	}
}

// Host sets the namespace host (default: a new one opened by New and
// closed by Close).
func Host(h *ns.Host) Option {
	return func(r *Runner) error {
		r.host = h
		return nil
	}
}

// ExecHandlers sets the middleware chain for commands, first outermost.
// The innermost handler runs external programs.
func ExecHandlers(middlewares ...func(next ExecHandlerFunc) ExecHandlerFunc) Option {
	return func(r *Runner) error {
		for i := len(middlewares) - 1; i >= 0; i-- {
			r.exec = middlewares[i](r.exec)
		}
		return nil
	}
}

// DryRun makes the runner touch no namespace itself, for "nsh export",
// whose exec handler records commands instead of running them: "in NS"
// checks NS's name but not that the namespace exists; "exists", "exec"
// "exec", "sleep" and "sudo" (as if nsh were root) go to the handler
// chain as commands, args[0] being "exists", "exec", "sleep" or the
// command after sudo's options; a redirection is an error.
func DryRun() Option {
	return func(r *Runner) error {
		r.dryRun = true
		return nil
	}
}

// Observer follows a run as it goes (nsh's progress line). Its methods
// may be called from several goroutines at once.
type Observer interface {
	// Statement is called before each statement runs, with its position.
	Statement(pos lang.Pos)
	// External is called with true before an external program starts
	// and with false when it has ended (or failed to start).
	External(running bool)
}

// Observe makes the runner report its statements and external programs
// to o. An external program is given the file behind a standard stream
// that has a File() *os.File method (a wrapper of a terminal), so that it
// writes there directly, as it would without o.
func Observe(o Observer) Option {
	return func(r *Runner) error {
		r.observer = o
		return nil
	}
}

// Reserved makes "def NAME" an error for each of names: the commands the
// exec handlers answer (ip, brctl, bridge, ...), which a procedure of the
// same name would silently shadow.
func Reserved(names ...string) Option {
	return func(r *Runner) error {
		if r.reserved == nil {
			r.reserved = map[string]bool{}
		}
		for _, n := range names {
			r.reserved[n] = true
		}
		return nil
	}
}

// New returns a Runner configured by opts.
func New(opts ...Option) (*Runner, error) {
	r := &Runner{
		stdout:  io.Discard,
		stderr:  io.Discard,
		env:     os.Environ(),
		globals: map[string]value{},
		jobs:    &jobs{},
		procs:   map[string]*lang.Def{},
	}
	r.exec = r.defaultExec
	for _, o := range opts {
		if err := o(r); err != nil {
			return nil, err
		}
	}
	if r.host == nil {
		h, err := ns.NewHost()
		if err != nil {
			return nil, err
		}
		r.host, r.ownHost = h, true
	}
	return r, nil
}

// Close releases what New opened.
func (r *Runner) Close() error {
	if r.ownHost {
		return r.host.Close()
	}
	return nil
}

// NS returns the runner's current namespace (changed by a REPL "in NS").
func (r *Runner) NS() ns.Ref { return r.cur }

// Status returns the exit status of the last statement ($?).
func (r *Runner) Status() int { return r.status }

// Vars returns the names of the defined variables (for completion).
func (r *Runner) Vars() []string {
	var names []string
	for n := range r.globals {
		names = append(names, n)
	}
	return names
}

// Procs returns the names of the defined procedures (for completion).
func (r *Runner) Procs() []string {
	var names []string
	for n := range r.procs {
		names = append(names, n)
	}
	return names
}

// Run runs a *lang.File or a single lang.Stmt. It returns nil on success,
// an *ExitError when the script ran "exit", and a *RuntimeError when a
// statement failed.
func (r *Runner) Run(ctx context.Context, node lang.Node) error {
	switch n := node.(type) {
	case *lang.File:
		if err := r.checkFirst(n, true); err != nil {
			return err
		}
		return r.stmts(ctx, n.Stmts)
	case lang.Stmt:
		if err := r.checkFirst(&lang.File{Stmts: []lang.Stmt{n}}, true); err != nil {
			return err
		}
		return r.stmts(ctx, []lang.Stmt{n})
	}
	return fmt.Errorf("interp: cannot run %T", node)
}

// RuntimeError is a statement that failed: its position, the statement
// with its variables expanded, the namespace it ran in, and the cause.
type RuntimeError struct {
	Pos  lang.Pos
	Stmt string
	NS   ns.Ref
	Err  error
}

// Error returns "FILE:LINE:COL: STATEMENT (NAMESPACE): CAUSE".
func (e *RuntimeError) Error() string {
	return fmt.Sprintf("%s: %s (%s): %v", e.Pos, e.Stmt, e.NS.Describe(), e.Err)
}

// Typed returns the error without its position, for a statement just
// typed at a prompt: "STATEMENT (NAMESPACE): CAUSE".
func (e *RuntimeError) Typed() string {
	return fmt.Sprintf("%s (%s): %v", e.Stmt, e.NS.Describe(), e.Err)
}

// Unwrap returns the cause.
func (e *RuntimeError) Unwrap() error { return e.Err }

// NamespaceError is the error of a command that acted in another
// namespace than its statement's, as "ip -n NS" does: the runtime error
// names NS rather than the statement's namespace.
type NamespaceError struct {
	NS  ns.Ref
	Err error
}

func (e *NamespaceError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *NamespaceError) Unwrap() error { return e.Err }

// errNamespace returns the namespace a command's error names: the one of
// a NamespaceError in err, else cur.
func errNamespace(err error, cur ns.Ref) ns.Ref {
	var ne *NamespaceError
	if errors.As(err, &ne) {
		return ne.NS
	}
	return cur
}

// quoteArgs prints args as they would be written in a script.
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = lang.Quote(a)
	}
	return strings.Join(q, " ")
}

// errorf builds a RuntimeError for a statement that is not a command.
func (r *Runner) errorf(pos lang.Pos, stmt string, format string, a ...any) error {
	return &RuntimeError{Pos: pos, Stmt: stmt, NS: r.cur, Err: fmt.Errorf(format, a...)}
}

// isExit reports whether err is an exit request rather than a failure.
func isExit(err error) bool {
	var e *ExitError
	return errors.As(err, &e)
}
