package interp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// builtinFunc is a command of the language itself.
type builtinFunc func(ctx context.Context, pos lang.Pos, ref ns.Ref, args []string) error

// builtin returns the language command called name.
func (r *Runner) builtin(name string) (builtinFunc, bool) {
	switch name {
	case "echo":
		return r.echo, true
	case "sleep":
		return r.sleep, true
	case "exit":
		return r.exit, true
	case "source", ".":
		return r.source, true
	case "exec":
		return r.execExternal, true
	case "sudo":
		return r.sudo, true
	case "true", ":":
		return func(context.Context, lang.Pos, ns.Ref, []string) error { return nil }, true
	case "false":
		return func(context.Context, lang.Pos, ns.Ref, []string) error { return ExitStatus(1) }, true
	case "cd":
		return r.cd, true
	case "set":
		return r.set, true
	case "exists":
		return r.exists, true
	case "wait":
		return r.wait, true
	case "export":
		return r.export, true
	}
	return nil, false
}

// echo prints its arguments separated by spaces; -n omits the newline.
func (r *Runner) echo(_ context.Context, _ lang.Pos, _ ns.Ref, args []string) error {
	args = args[1:]
	nl := true
	if len(args) > 0 && args[0] == "-n" {
		nl, args = false, args[1:]
	}
	s := strings.Join(args, " ")
	if nl {
		s += "\n"
	}
	_, err := r.stdout.Write([]byte(s))
	return err
}

// sleep waits for a number of seconds (fractions allowed).
func (r *Runner) sleep(ctx context.Context, pos lang.Pos, ref ns.Ref, args []string) error {
	if len(args) != 2 {
		return errors.New("usage: sleep SECONDS")
	}
	if r.dryRun {
		hc := r.handlerCtx(pos, ref, noFollowing, noSkip)
		return r.exec(WithHandlerCtx(ctx, hc), args)
	}
	s := strings.TrimSuffix(args[1], "s")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return fmt.Errorf("invalid time interval %q", args[1])
	}
	t := time.NewTimer(time.Duration(f * float64(time.Second)))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// exit ends the script with a status (default: that of the last
// statement).
func (r *Runner) exit(_ context.Context, _ lang.Pos, _ ns.Ref, args []string) error {
	code := r.status
	if len(args) > 2 {
		return errors.New("usage: exit [N]")
	}
	if len(args) == 2 {
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 0 || n > 255 {
			return fmt.Errorf("exit: %q is not a status between 0 and 255", args[1])
		}
		code = n
	}
	return &ExitError{Code: code}
}

// source parses a whole file (reporting every syntax error before running
// any of it) and runs it with the current variables.
func (r *Runner) source(ctx context.Context, _ lang.Pos, ref ns.Ref, args []string) error {
	if len(args) != 2 {
		return errors.New("usage: source FILE")
	}
	path := args[1]
	if r.dir != "" && !filepath.IsAbs(path) {
		path = filepath.Join(r.dir, path)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	src = lang.StripBOM(src)
	f, err := lang.Parse(args[1], src)
	if err != nil {
		var list lang.ErrorList
		if errors.As(err, &list) {
			return fmt.Errorf("syntax errors in %s:\n%s", args[1], strings.TrimRight(list.Detail(src), "\n"))
		}
		return err
	}
	if r.depth >= maxDepth {
		return fmt.Errorf("source nested deeper than %d", maxDepth)
	}
	// Checked now, with what has run so far; its warnings were printed
	// when the script was checked, if FILE was literal.
	if err := r.checkFirst(f, false); err != nil {
		return err
	}
	saved := r.cur
	r.cur = ref
	r.depth++
	defer func() { r.depth--; r.cur = saved }()
	return r.stmts(ctx, f.Stmts)
}

// sudo runs the rest of the line as a command when nsh is already root,
// so tutorial lines with "sudo ip ..." run unchanged; otherwise it runs
// the real sudo.
func (r *Runner) sudo(ctx context.Context, pos lang.Pos, ref ns.Ref, args []string) error {
	if os.Geteuid() != 0 && !r.dryRun {
		return r.external(ctx, ref, args, r.stdin, r.stdout, r.stderr)
	}
	rest, err := SudoArgs(args)
	if err != nil {
		return err
	}
	return r.call(ctx, pos, ref, rest)
}

// SudoArgs returns the command of a "sudo [OPTIONS] COMMAND ARGS..." line
// run by a caller who is root already: COMMAND ARGS, once the options
// that mean nothing then (-E, -H, -n, -S) are dropped; any other option
// is an error.
func SudoArgs(args []string) ([]string, error) {
	rest := args[1:]
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
		if rest[0] == "--" {
			rest = rest[1:]
			break
		}
		if rest[0] != "-E" && rest[0] != "-H" && rest[0] != "-n" && rest[0] != "-S" {
			return nil, fmt.Errorf("sudo %s: only -E, -H, -n and -S are accepted when nsh is already root", rest[0])
		}
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return nil, errors.New("usage: sudo COMMAND [ARGS...]")
	}
	return rest, nil
}

// cd changes the directory external programs and "source" use.
func (r *Runner) cd(_ context.Context, _ lang.Pos, _ ns.Ref, args []string) error {
	if len(args) > 2 {
		return errors.New("usage: cd [DIR]")
	}
	dir, _ := r.getEnv("HOME")
	if len(args) == 2 {
		dir = args[1]
	}
	if r.dir != "" && !filepath.IsAbs(dir) {
		dir = filepath.Join(r.dir, dir)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: not a directory", dir)
	}
	r.dir = dir
	return nil
}

// set accepts the shell options scripts commonly start with, as letters
// or -o names: -e (errexit) and -u (nounset) are how nsh always behaves,
// -o pipefail makes a pipeline fail when any of its commands does, -x
// (xtrace) turns tracing on, +x off. +e is refused: nsh
// always stops at a failing statement.
func (r *Runner) set(_ context.Context, _ lang.Pos, _ ns.Ref, args []string) error {
	args = args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' && a[0] != '+' {
			return fmt.Errorf("set %s: not supported", a)
		}
		on := a[0] == '-'
		for _, c := range a[1:] {
			opt := string(c)
			if c == 'o' {
				if i+1 >= len(args) {
					return errors.New("set -o: an option name must follow (errexit, nounset, xtrace, pipefail)")
				}
				i++
				opt = args[i]
			}
			switch {
			case (opt == "e" || opt == "errexit") && !on:
				return errors.New("set +e: nsh always stops at a failing statement; to go on after one, write \"try < ... >\" around it or \"CMD || true\" (a shell script, *.sh, runs as sh runs it)")
			case opt == "e" || opt == "errexit" || opt == "u" || opt == "nounset":
				// How nsh always behaves (an unset variable is an
				// error).
			case opt == "pipefail":
				r.pipefail = on
			case opt == "x" || opt == "xtrace":
				if !on {
					r.trace = nil
				} else if r.trace == nil {
					r.trace = r.stderr
				}
			case c == 'o':
				return fmt.Errorf("set %co %s: not supported", a[0], opt)
			default:
				return fmt.Errorf("set %c%s: not supported", a[0], opt)
			}
		}
	}
	return nil
}

// export is "export NAME=VALUE..." and "export NAME...": it puts
// variables in the environment of the external programs the script runs
// (and of $NAME, as for any environment variable).
func (r *Runner) export(_ context.Context, _ lang.Pos, _ ns.Ref, args []string) error {
	for _, a := range args[1:] {
		name, val, hasVal := strings.Cut(a, "=")
		if !isVarName(name) {
			return fmt.Errorf("export: %q is not a valid name", a)
		}
		if !hasVal {
			v, ok := r.lookup(name)
			if !ok {
				continue // as in the shell: marked, but nothing to export yet
			}
			if v.isList {
				return fmt.Errorf("export: $%s is a list; only strings go in the environment", name)
			}
			val = v.str
		}
		env := make([]string, 0, len(r.env)+1)
		for _, kv := range r.env {
			if !strings.HasPrefix(kv, name+"=") {
				env = append(env, kv)
			}
		}
		r.env = append(env, name+"="+val)
	}
	return nil
}

// isVarName reports whether s is a variable name: [A-Za-z_][A-Za-z0-9_]*.
func isVarName(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// exists answers "exists netns NAME" here and passes "exists link NAME"
// on to the handlers, which reach the kernel. Status 0 means yes, 1 no.
func (r *Runner) exists(ctx context.Context, pos lang.Pos, ref ns.Ref, args []string) error {
	if len(args) != 3 {
		return errors.New("usage: exists netns|link NAME")
	}
	if r.dryRun && (args[1] == "netns" || args[1] == "link") {
		hc := r.handlerCtx(pos, ref, noFollowing, noSkip)
		return r.exec(WithHandlerCtx(ctx, hc), args)
	}
	switch args[1] {
	case "netns":
		target, err := r.host.Resolve(args[2])
		if err != nil {
			return err
		}
		if r.host.Exists(target) {
			return nil
		}
		return ExitStatus(1)
	case "link":
		hc := r.handlerCtx(pos, ref, noFollowing, noSkip)
		return r.exec(WithHandlerCtx(ctx, hc), args)
	}
	return fmt.Errorf("exists: unknown kind %q (netns or link)", args[1])
}

// execExternal is "exec CMD ARGS...": run an external program even when a
// builtin has the same name.
func (r *Runner) execExternal(ctx context.Context, pos lang.Pos, ref ns.Ref, args []string) error {
	if len(args) < 2 || args[1] == "" {
		return errors.New("exec: no program given")
	}
	if r.dryRun {
		hc := r.handlerCtx(pos, ref, noFollowing, noSkip)
		return r.exec(WithHandlerCtx(ctx, hc), args)
	}
	return r.external(ctx, ref, args[1:], r.stdin, r.stdout, r.stderr)
}

// defaultExec is the innermost handler: an external program.
func (r *Runner) defaultExec(ctx context.Context, args []string) error {
	hc := HandlerCtx(ctx)
	return r.external(ctx, hc.NS, args, hc.Stdin, hc.Stdout, hc.Stderr)
}

// external runs a program from PATH inside namespace ref, with
// "ip netns exec" semantics outside the start namespace, on the given
// standard streams.
func (r *Runner) external(ctx context.Context, ref ns.Ref, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	path, err := r.lookPath(args[0])
	if err != nil {
		return err
	}
	cmd := exec.Command(path, args[1:]...)
	cmd.Args[0] = args[0]
	cmd.Env = r.env
	cmd.Dir = r.dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, fileOf(stdout), fileOf(stderr)
	if r.observer != nil {
		r.observer.External(true)
		defer r.observer.External(false)
	}
	if err := r.host.Start(ref, cmd); err != nil {
		return err
	}
	j := jobOf(ctx)
	if j != nil {
		j.setPid(cmd.Process.Pid)
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			cmd.Process.Signal(syscall.SIGINT)
		case <-done:
			return
		}
		if j == nil {
			return
		}
		// A background program stopped at the end of a sandboxed run
		// may not ignore SIGINT for long.
		select {
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
		case <-done:
		}
	}()
	err = cmd.Wait()
	close(done)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if st, ok := ee.Sys().(syscall.WaitStatus); ok && st.Signaled() {
			return ExitStatus(128 + int(st.Signal()))
		}
		return ExitStatus(ee.ExitCode())
	}
	return err
}

// fileOf returns the file behind w when w is a wrapper of one (see
// Observe), else w.
func fileOf(w io.Writer) io.Writer {
	if f, ok := w.(interface{ File() *os.File }); ok {
		return f.File()
	}
	return w
}

// lookPath finds a program in the runner's PATH. Relative PATH entries
// are ignored, and so is an empty PATH: nothing is run from the current
// directory by accident.
func (r *Runner) lookPath(name string) (string, error) {
	if name == "" {
		return "", errors.New("empty command name")
	}
	if strings.Contains(name, "/") {
		p := name
		if r.dir != "" && !filepath.IsAbs(p) {
			p = filepath.Join(r.dir, p)
		}
		if isExecutable(p) {
			return p, nil
		}
		return "", fmt.Errorf("%s: no such executable file", name)
	}
	pathEnv, _ := r.getEnv("PATH")
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, name)
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("command not found: %s", name)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}
