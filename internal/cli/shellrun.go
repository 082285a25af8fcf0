package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/all"
	"github.com/nshlab/nsh/internal/multicall"
	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
	"github.com/nshlab/nsh/shell"
)

// runShellScript runs a shell script (a *.sh file, a sh/bash "#!" file,
// or --sh TEXT) through the shell interpreter of package shell, with
// nsh's commands in-process. A script that interpreter cannot parse runs
// under the system's bash with nsh standing in for ip, brctl, bridge,
// ping and sysctl (fallbackBash). It returns the script's exit status.
func runShellScript(ctx context.Context, o options, name string, src []byte, stdin io.Reader, stdout, stderr io.Writer) int {
	dialect := shell.Dialect(src)
	file, err := shell.Parse(name, src, dialect)
	if err != nil {
		return fallbackBash(ctx, o, name, src, err, stdin, stdout, stderr)
	}
	if err := checkRunnable(name, file, dialect); err != nil {
		return fallbackBash(ctx, o, name, src, err, stdin, stdout, stderr)
	}
	host, st, closeRun, err := openRun()
	if err != nil {
		fmt.Fprintf(stderr, "nsh: %v\n", err)
		return 1
	}
	defer closeRun()
	finish := startJournal(o, host, st, stderr)
	stdout, report := startMode(o, st, stdout, stderr)
	sh := shell.New(shell.Config{Host: host, State: st, Cmds: all.Commands(), Trace: o.trace})
	status, err := sh.Run(ctx, ns.Start(), file, stdin, stdout, stderr, o.args)
	defer func() { finish(status != 0) }()
	defer func() { report(status != 0) }()
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			fmt.Fprintf(stderr, "nsh: %v\n", err)
		}
		if status == 0 {
			status = 1
		}
	}
	return status
}

// checkRunnable says why file, or a file it sources, cannot run in nsh's
// shell interpreter as bash runs it (nil: it can).
func checkRunnable(name string, file *syntax.File, dialect syntax.LangVariant) error {
	if pos, what, ok := shell.Unsupported(file); ok {
		return fmt.Errorf("%s:%s: %s is not run as bash runs it by nsh's shell interpreter", name, pos, what)
	}
	dir := "."
	if name != "" && name != "-c" && name != "<stdin>" {
		dir = filepath.Dir(name)
	}
	for _, lib := range shell.Sourced(file, dir) {
		src, err := os.ReadFile(lib)
		if err != nil {
			continue
		}
		f, err := shell.Parse(lib, lang.StripBOM(src), dialect)
		if err != nil {
			return fmt.Errorf("%w (sourced by %s)", err, name)
		}
		if pos, what, ok := shell.Unsupported(f); ok {
			return fmt.Errorf("%s:%s: %s is not run as bash runs it by nsh's shell interpreter (sourced by %s)", lib, pos, what, name)
		}
	}
	return nil
}

// checkShell is "nsh -n" for a shell script: the shell parser's syntax
// errors, with positions, as "bash -n" reports them.
func checkShell(name string, src []byte, stderr io.Writer) int {
	if _, err := shell.Parse(name, src, shell.Dialect(src)); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	return 0
}

// fallbackBash runs a script the shell parser refused under the system's
// bash (or the interpreter its "#!" line names), with a directory of
// links to nsh named ip, brctl, bridge, ping and sysctl first on its PATH:
// nsh is a multi-call binary that acts as those commands when called by
// those names (Tool). One line on stderr says so. Without bash, the
// parse error stands.
func fallbackBash(ctx context.Context, o options, name string, src []byte, perr error, stdin io.Reader, stdout, stderr io.Writer) int {
	if o.plan || o.ensure {
		fmt.Fprintf(stderr, "%v\nnsh: this script runs under bash, whose commands nsh plan and --ensure do not follow\n", perr)
		return 2
	}
	interp := "bash"
	if shell.Dialect(src) == syntax.LangPOSIX {
		interp = "sh"
	}
	path, err := exec.LookPath(interp)
	self, serr := os.Executable()
	if err != nil || serr != nil {
		fmt.Fprintf(stderr, "%v\n", perr)
		return 2
	}
	dir, err := os.MkdirTemp("", "nsh-tools-")
	if err != nil {
		fmt.Fprintf(stderr, "%v\nnsh: %v\n", perr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	for _, t := range multicall.Names {
		if err := os.Symlink(self, filepath.Join(dir, t)); err != nil {
			fmt.Fprintf(stderr, "%v\nnsh: %v\n", perr, err)
			return 2
		}
	}
	fmt.Fprintf(stderr, "nsh: %v: running it under %s, with nsh as %s\n", perr, path, strings.Join(multicall.Names[:], ", "))
	var args []string
	if name == "-c" {
		args = append([]string{"-c", string(src), "nsh"}, o.args...)
	} else {
		args = append([]string{name}, o.args...)
		if name == "<stdin>" || name == "-" {
			args = append([]string{"-s"}, o.args...)
			stdin = io.MultiReader(strings.NewReader(string(src)), stdin)
		}
	}
	cmd := exec.CommandContext(ctx, path, args...)
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		fmt.Fprintf(stderr, "nsh: %v\n", err)
		return 1
	}
	return 0
}

// IsTool reports whether name is one of the commands nsh stands in for
// when called by that name (a multi-call binary: a link named ip to nsh
// is ip).
func IsTool(name string) bool {
	return multicall.Is(name)
}

// Tool runs args (args[0] one of multicall.Names, as IsTool accepts) as the real
// program would run: in-process in the namespace the process is in,
// writing what the tool writes and exiting with its status.
func Tool(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	host, st, closeRun, err := openRun()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", args[0], err)
		return 1
	}
	defer closeRun()
	sh := shell.New(shell.Config{Host: host, State: st, Cmds: all.Commands()})
	args[0] = filepath.Base(args[0])
	ctx := context.Background()
	if untilInterrupted(args) {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
	}
	return sh.Command(ctx, ns.Start(), args, stdin, stdout, stderr)
}

// untilInterrupted reports whether the command in args may run until
// Ctrl-C and has something to do when it comes: ping prints its
// statistics, "ip monitor" and "bridge monitor" stop cleanly, and
// "ip netns exec" may run either. Any other command keeps the default
// SIGINT action, as the real tools do, and so skips setting up signal
// delivery, a measurable part of a one-shot tool's start-up.
func untilInterrupted(args []string) bool {
	if args[0] == "ping" {
		return true
	}
	for _, a := range args[1:] {
		switch a {
		case "monitor", "exec", "ping":
			return true
		}
	}
	return false
}

// openRun opens what every run needs: the namespace host (the start
// namespace is the calling thread's) and the builtins' state over it.
// closeRun closes both.
func openRun() (host *ns.Host, st *builtins.State, closeRun func(), err error) {
	host, err = ns.NewHost()
	if err != nil {
		return nil, nil, nil, err
	}
	st = builtins.NewState(host)
	return host, st, func() {
		st.Close()
		host.Close()
	}, nil
}
