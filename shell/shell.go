// Package shell runs shell scripts (*.sh, sh/bash "#!" files, nsh --sh)
// with a real shell interpreter, mvdan.cc/sh/v3, so that control flow,
// functions, expansions and "$(…)" behave as in bash, while nsh's commands
// (ip, brctl, bridge, ping, sysctl, and the same behind sudo when nsh is
// root) run in-process as exec handlers.
//
// Namespaces never switch a thread of the interpreter: mvdan runs
// pipelines, subshells and background jobs on goroutines, and each
// command finds the namespace it acts in in its context. "ip netns exec
// NS CMD" runs nsh's commands in NS on NS's cached netlink handle,
// "sh|bash -c TEXT" (or a script file) through a new interpreter whose
// context names NS, and any other program started in NS with "ip netns
// exec" semantics (ns.Host.Start).
package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/expand"
	shinterp "mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// Config is what a shell run needs.
type Config struct {
	Host   *ns.Host
	State  *builtins.State
	Cmds   map[string]builtins.Func
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Params are $1, $2, …; Name is $0.
	Name   string
	Params []string
	// Trace, if set, makes "set -x" the default.
	Trace bool
}

// Dialect returns the parser dialect for a script: POSIX sh for a "#!"
// line naming sh or dash, bash otherwise.
func Dialect(src []byte) syntax.LangVariant {
	line, _, _ := bytes.Cut(src, []byte("\n"))
	if bytes.HasPrefix(line, []byte("#!")) {
		f := strings.Fields(string(line[2:]))
		if len(f) > 0 {
			prog := filepath.Base(f[0])
			if prog == "env" && len(f) > 1 {
				prog = filepath.Base(f[1])
			}
			if prog == "sh" || prog == "dash" {
				return syntax.LangPOSIX
			}
		}
	}
	return syntax.LangBash
}

// Parse parses a shell script in the given dialect.
func Parse(name string, src []byte, dialect syntax.LangVariant) (*syntax.File, error) {
	p := syntax.NewParser(syntax.Variant(dialect), syntax.KeepComments(false))
	return p.Parse(bytes.NewReader(src), name)
}

// nsKey carries the namespace a command runs in through the context.
type nsKey struct{}

// nsOf returns the namespace of ctx (the start namespace if none).
func nsOf(ctx context.Context) ns.Ref {
	r, _ := ctx.Value(nsKey{}).(ns.Ref)
	return r
}

// Shell runs shell scripts over one Config. It is safe for the
// concurrent use mvdan makes of it (pipelines, subshells, jobs).
type Shell struct {
	cfg Config

	mu sync.Mutex
	// index maps a file's call positions to their look-ahead (see
	// following.go); pending holds the statements skipped by a
	// look-ahead and not yet reached, with their undo.
	index   map[*syntax.File]*index
	pending map[pendingKey][]skipped
	// writers are the locked wrappers of the non-file writers handed to
	// Run (see locked).
	writers map[io.Writer]*lockedWriter
}

// New returns a Shell for cfg.
func New(cfg Config) *Shell {
	return &Shell{cfg: cfg, index: map[*syntax.File]*index{}, pending: map[pendingKey][]skipped{}, writers: map[io.Writer]*lockedWriter{}}
}

// Run runs file in namespace r and returns its exit status. Statements a
// look-ahead skipped but that the script never reached (it exited first)
// are undone before Run returns.
func (s *Shell) Run(ctx context.Context, r ns.Ref, file *syntax.File, stdin io.Reader, stdout, stderr io.Writer, params []string) (int, error) {
	return s.run(ctx, r, file, stdin, stdout, stderr, params, nil, "")
}

// run is Run with the environment (nil: the process's) and directory
// ("": the process's) of the new interpreter.
func (s *Shell) run(ctx context.Context, r ns.Ref, file *syntax.File, stdin io.Reader, stdout, stderr io.Writer, params, env []string, dir string) (int, error) {
	ix := s.indexFile(file)
	stdout, stderr = s.locked(stdout), s.locked(stderr)
	runner, err := s.newRunner(ix, stdin, stdout, stderr, params, env, dir)
	if err != nil {
		return 1, err
	}
	ctx = context.WithValue(ctx, nsKey{}, r)
	err = runner.Run(ctx, file)
	s.undoPending(ctx, ix)
	if st, ok := shinterp.IsExitStatus(err); ok {
		return int(st), nil
	}
	if err != nil {
		return 1, err
	}
	return 0, nil
}

// newRunner builds an interpreter for file whose commands go through s.
func (s *Shell) newRunner(ix *index, stdin io.Reader, stdout, stderr io.Writer, params, env []string, dir string) (*shinterp.Runner, error) {
	opts := []shinterp.RunnerOption{
		shinterp.StdIO(stdin, stdout, stderr),
		shinterp.ExecHandlers(s.middleware(ix)),
	}
	if env != nil {
		opts = append(opts, shinterp.Env(expand.ListEnviron(env...)))
	}
	if dir != "" {
		opts = append(opts, shinterp.Dir(dir))
	}
	var flags []string
	if s.cfg.Trace {
		flags = append(flags, "-x")
	}
	if params != nil {
		flags = append(append(flags, "--"), params...)
	}
	if len(flags) > 0 {
		opts = append(opts, shinterp.Params(flags...))
	}
	return shinterp.New(opts...)
}

// middleware is the exec handler of every command of the script.
func (s *Shell) middleware(ix *index) func(next shinterp.ExecHandlerFunc) shinterp.ExecHandlerFunc {
	return func(next shinterp.ExecHandlerFunc) shinterp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			hc := shinterp.HandlerCtx(ctx)
			if s.consumeSkip(ix, hc.Pos, args) {
				return nil
			}
			return s.exec(ctx, hc, nsOf(ctx), args, ix)
		}
	}
}

// exec runs one expanded command in namespace r.
func (s *Shell) exec(ctx context.Context, hc shinterp.HandlerContext, r ns.Ref, args []string, ix *index) error {
	name := args[0]
	if name == "sudo" && os.Geteuid() == 0 {
		rest, err := interp.SudoArgs(args)
		if err != nil {
			fmt.Fprintln(hc.Stderr, err)
			return shinterp.ExitStatus(1)
		}
		return s.exec(ctx, hc, r, rest, ix)
	}
	if f, ok := s.cfg.Cmds[name]; ok {
		return s.builtin(ctx, hc, r, f, args, ix)
	}
	if f, ok := s.cfg.Cmds[filepath.Base(name)]; ok && slices.Contains(systemDirs, filepath.Dir(name)) {
		// "/sbin/ip" and the like: the system's tool, so nsh's.
		args = append([]string{filepath.Base(name)}, args[1:]...)
		return s.builtin(ctx, hc, r, f, args, ix)
	}
	return s.external(ctx, hc, r, args)
}

// systemDirs are where Debian and others install ip, brctl, bridge, ping
// and sysctl; a script naming one of them by such a path gets nsh's.
var systemDirs = []string{"/sbin", "/bin", "/usr/sbin", "/usr/bin"}

// builtin runs one of nsh's commands in-process. Its failure is printed
// as the real tool prints it, and its exit status is the tool's.
func (s *Shell) builtin(ctx context.Context, hc shinterp.HandlerContext, r ns.Ref, f builtins.Func, args []string, ix *index) error {
	env := &builtins.Env{
		Stdin: hc.Stdin, Stdout: hc.Stdout, Stderr: hc.Stderr,
		NS: r, Host: s.cfg.Host, State: s.cfg.State,
		Pos: lang.Pos{Line: int(hc.Pos.Line()), Col: int(hc.Pos.Col())},
		Dir: hc.Dir,
		Run: func(ctx context.Context, to ns.Ref, args []string) error {
			return s.runIn(ctx, hc, to, args)
		},
	}
	env.Following = s.following(ix, hc, r, args)
	env.Skip = s.skipper(ix, hc.Pos, env.Following)
	defer env.Release()
	err := builtins.Call(ctx, env, f, args)
	if errors.Is(err, builtins.ErrNotImplemented) {
		// Part of the real tool's grammar that nsh lacks: the real tool
		// runs it, as it would under bash.
		if path, ok := realProgram(hc, args[0]); ok {
			return s.run1(ctx, hc, r, path, args)
		}
	}
	return ToolError(hc.Stderr, args[0], err)
}

// realProgram finds the program name on the script's PATH, skipping nsh
// itself (the links to nsh that the bash fallback puts first).
func realProgram(hc shinterp.HandlerContext, name string) (string, bool) {
	self, _ := os.Executable()
	self, _ = filepath.EvalSymlinks(self)
	for _, dir := range filepath.SplitList(hc.Env.Get("PATH").String()) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, name)
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			continue
		}
		if real, err := filepath.EvalSymlinks(p); err == nil && real == self {
			continue
		}
		return p, true
	}
	return "", false
}

// ToolError turns a builtin's error into what the real tool does: nil
// stays nil; an exit status (a program that ran under "ip netns exec",
// ping's own) is passed on; anything else is printed on stderr and gives
// the tool's failure status.
func ToolError(stderr io.Writer, tool string, err error) error {
	if err == nil {
		return nil
	}
	var es interp.ExitStatus
	if errors.As(err, &es) {
		return shinterp.ExitStatus(uint8(es))
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	text, status := builtins.Report(err, FailureStatus(tool))
	// A Failure without text is a tool that exits without a word.
	if !errors.Is(err, syscall.EPIPE) && text != "" {
		fmt.Fprintln(stderr, text)
	}
	return shinterp.ExitStatus(uint8(status))
}

// FailureStatus is the exit status with which the real tool reports a
// failed request that nsh gave no status of its own: ip exits 2, bridge
// 255, brctl, sysctl and ping 1.
func FailureStatus(tool string) int {
	switch tool {
	case "ip":
		return 2
	case "bridge":
		// bridge's commands return -1 for a refused argument and for
		// the kernel's refusal alike, and main returns it: 255.
		return 255
	}
	return 1
}

// runIn runs args in namespace to, as "ip netns exec to args…" does.
func (s *Shell) runIn(ctx context.Context, hc shinterp.HandlerContext, to ns.Ref, args []string) error {
	if len(args) == 0 || args[0] == "" {
		return errors.New("no command given")
	}
	ctx = context.WithValue(ctx, nsKey{}, to)
	if file, params, ok, err := s.shellCommand(hc, args); ok {
		if err != nil {
			fmt.Fprintln(hc.Stderr, err)
			return interp.ExitStatus(2)
		}
		// A child shell: the caller's exported variables and directory.
		st, err := s.run(ctx, to, file, hc.Stdin, hc.Stdout, hc.Stderr, params, execEnv(hc.Env), hc.Dir)
		if err != nil {
			return err
		}
		if st != 0 {
			return interp.ExitStatus(uint8(st))
		}
		return nil
	}
	err := s.exec(ctx, hc, to, args, nil)
	if st, ok := shinterp.IsExitStatus(err); ok {
		if st == 0 {
			return nil
		}
		return interp.ExitStatus(st)
	}
	return err
}

// shellCommand recognises "sh|bash|dash -c TEXT [NAME ARGS…]" and "sh|bash
// FILE [ARGS…]", which run in-process; ok is false for anything else (an
// interactive shell, options it does not know), which runs as a program.
func (s *Shell) shellCommand(hc shinterp.HandlerContext, args []string) (file *syntax.File, params []string, ok bool, err error) {
	prog := filepath.Base(args[0])
	if prog != "sh" && prog != "bash" && prog != "dash" || len(args) < 2 {
		return nil, nil, false, nil
	}
	dialect := syntax.LangBash
	if prog != "bash" {
		dialect = syntax.LangPOSIX
	}
	switch {
	case args[1] == "-c" && len(args) >= 3:
		params = args[3:]
		if len(params) > 0 {
			params = params[1:] // $0
		}
		file, err = Parse("", []byte(args[2]), dialect)
		return file, params, true, err
	case !strings.HasPrefix(args[1], "-"):
		path := args[1]
		if !filepath.IsAbs(path) && hc.Dir != "" {
			path = filepath.Join(hc.Dir, path)
		}
		src, rerr := os.ReadFile(path)
		if rerr != nil {
			return nil, nil, false, nil
		}
		file, err = Parse(args[1], src, dialect)
		return file, args[2:], true, err
	}
	return nil, nil, false, nil
}

// external runs a program in namespace r, with "ip netns exec" semantics
// outside the start namespace.
func (s *Shell) external(ctx context.Context, hc shinterp.HandlerContext, r ns.Ref, args []string) error {
	if s.cfg.State != nil && s.cfg.State.Mode() == builtins.Plan {
		pos := lang.Pos{Line: int(hc.Pos.Line()), Col: int(hc.Pos.Col())}
		builtins.PlanProgram(&builtins.Env{NS: r, State: s.cfg.State, Pos: pos}, args)
		return nil
	}
	path, err := shinterp.LookPathDir(hc.Dir, hc.Env, args[0])
	if err != nil {
		fmt.Fprintln(hc.Stderr, err)
		return shinterp.ExitStatus(127)
	}
	return s.run1(ctx, hc, r, path, args)
}

// run1 runs the program at path with args (args[0] its name) in
// namespace r.
func (s *Shell) run1(ctx context.Context, hc shinterp.HandlerContext, r ns.Ref, path string, args []string) error {
	cmd := exec.Command(path)
	cmd.Args = args
	cmd.Env = execEnv(hc.Env)
	cmd.Dir = hc.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = hc.Stdin, hc.Stdout, hc.Stderr
	if err := s.cfg.Host.Start(r, cmd); err != nil {
		fmt.Fprintf(hc.Stderr, "%s: %v\n", args[0], err)
		return shinterp.ExitStatus(126)
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			cmd.Process.Signal(os.Interrupt)
		case <-done:
			return
		}
		select {
		case <-time.After(2 * time.Second):
			cmd.Process.Kill()
		case <-done:
		}
	}()
	err := cmd.Wait()
	close(done)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if st, ok := ee.Sys().(syscall.WaitStatus); ok && st.Signaled() {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return shinterp.ExitStatus(128 + int(st.Signal()))
		}
		return shinterp.ExitStatus(ee.ExitCode())
	}
	if err != nil {
		fmt.Fprintf(hc.Stderr, "%s: %v\n", args[0], err)
		return shinterp.ExitStatus(1)
	}
	return nil
}

// execEnv lists the exported variables of env as "NAME=value".
func execEnv(env expand.Environ) []string {
	var list []string
	for name, vr := range env.Each {
		if vr.Exported && vr.IsSet() {
			list = append(list, name+"="+vr.String())
		}
	}
	return list
}

// Command runs one command line in namespace r as a script's command
// runs (nsh's commands in-process, "sh -c" through the interpreter,
// programs with "ip netns exec" semantics), with the process's
// environment and directory, and returns its exit status. It is what nsh
// does when called as ip, brctl, bridge, ping or sysctl.
func (s *Shell) Command(ctx context.Context, r ns.Ref, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// Dir stays empty: the process's own directory, which programs
	// started and relative paths then use without a Getwd at every start.
	hc := shinterp.HandlerContext{
		Env:   expand.ListEnviron(os.Environ()...),
		Stdin: stdin, Stdout: stdout, Stderr: stderr,
	}
	err := s.exec(context.WithValue(ctx, nsKey{}, r), hc, r, args, nil)
	if st, ok := shinterp.IsExitStatus(err); ok {
		return int(st)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// locked returns w, or for a writer that is not a file (a buffer, in
// tests and in the REPL), one wrapper per writer that serialises writes:
// background jobs, pipelines and the programs they start write to it
// concurrently, which a file takes and a buffer does not.
func (s *Shell) locked(w io.Writer) io.Writer {
	switch w.(type) {
	case nil, *os.File, *lockedWriter:
		return w
	}
	if !reflect.TypeOf(w).Comparable() {
		return &lockedWriter{w: w}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lw, ok := s.writers[w]
	if !ok {
		lw = &lockedWriter{w: w}
		s.writers[w] = lw
	}
	return lw
}

// lockedWriter is a writer safe for concurrent use.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p to the underlying writer under the lock.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
