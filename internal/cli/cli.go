// Package cli is the nsh command: flags, the sandbox mode, and running a
// script, text or standard input. cmd/nsh is a thin wrapper so that tests
// can run the whole command in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/all"
	"github.com/nshlab/nsh/internal/progress"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
)

// Version is nsh's version.
const Version = "0.1.0"

const usage = `usage: nsh [-x] [--sandbox] [--lab NAME] [--atomic] [--ensure] FILE [ARGS...]
       nsh [-x] [--sandbox] [--lab NAME] [--atomic] [--ensure] -c TEXT [ARGS...]
       nsh [-x] -              read the script from standard input
       nsh -n FILE...          check syntax only, run nothing
       nsh plan [-j] [--lab NAME] FILE [ARGS...]
                               what FILE would change in the kernel, per
                               namespace, with the line causing each
       nsh export [-o OUT] FILE [ARGS...]
                               print FILE as a plain bash script (ip -n NS ...)
       nsh down [LAB]          undo what a lab's runs changed (see --lab)
       nsh labs                the labs that are up: age, changes, size
       nsh replay [--list | --yes] [--json] [--sandbox] FILE
                               walk a published tutorial step by step
       nsh graph [-f text|dot|mermaid] [-o FILE.svg|png]
                               the topology in the kernel now
       nsh --version | --help

Runs nsh scripts: iproute2, brctl and bridge command lines executed
in-process over netlink, plus variables, loops, procedures and
"in NS < ... >" blocks. With no argument, reads statements from standard
input; on a terminal, starts an interactive shell (type "help").

  -c TEXT      run TEXT instead of a file
  --sh         FILE, TEXT or standard input is a shell script (as *.sh files
               and files with a sh/bash "#!" line are): run it with a real
               shell interpreter, nsh's commands in-process
  -n           parse and check FILEs, run nothing: report every syntax
               error and every mistake found before running (unset
               variables, wrong procedure calls, ...; every run checks
               the same first), and warnings (unknown namespaces, ...)
  -x           trace each statement, expanded, with its namespace, to stderr
  --lab NAME   record the run's kernel changes in the journal of lab NAME
               (default: the script's path; -c TEXT and standard input
               are recorded only with --lab), for "nsh down"
  --atomic     if the run fails, undo everything it changed before exiting
  --ensure     converge: a statement whose object already exists as it asks
               (a link of the same kind and peer, an address, a route, a
               value already set) or is already gone succeeds without a
               change; one that exists but differs fails, saying how
               (in a namespace the lab created, it is replaced if it can be)
  --steps FILE with --ensure, write what each statement changed or found
               already there to FILE, as JSON (the format of nsh plan -j)
  --no-journal record nothing (the lab cannot be taken down by nsh down)
  --sandbox    run inside a throwaway network+mount namespace with a private
               /run/netns: the host is left untouched; after FILE, any
               "-c TEXT" runs in the same sandbox afterwards (to inspect)

Exit status: 0 success, 1 runtime error, 2 usage or syntax error.
`

// options are the parsed command line.
type options struct {
	check   bool
	trace   bool
	sandbox bool
	text    *string  // -c TEXT
	file    string   // FILE or "-"
	args    []string // script arguments
	after   []string // --sandbox FILE -c TEXT...

	lab       string // --lab NAME: the lab's name (default: the script's path)
	atomic    bool   // --atomic: undo the run's changes if it fails
	ensure    bool   // --ensure: accept what is already there
	plan      bool   // nsh plan: change nothing, print what would change
	planJSON  bool   // nsh plan -j
	steps     string // --steps FILE: write --ensure's steps there
	noJournal bool   // --no-journal: record nothing

	sh        bool // --sh: FILE or TEXT is a shell script
	inSandbox bool // this is the nsh that --sandbox started (sandboxChild)
}

// modes are nsh's words for what it does besides running a script:
// "nsh MODE ..." (each is in usage).
var modes = map[string]func(args []string, stdin io.Reader, stdout, stderr io.Writer) int{
	"replay": replayMain,
	"export": func(args []string, _ io.Reader, stdout, stderr io.Writer) int {
		return exportMain(args, stdout, stderr)
	},
	"down": func(args []string, _ io.Reader, stdout, stderr io.Writer) int {
		return downMain(args[1:], stdout, stderr)
	},
	"labs": func(args []string, _ io.Reader, stdout, stderr io.Writer) int {
		return labsMain(args[1:], stdout, stderr)
	},
	"graph": func(args []string, _ io.Reader, stdout, stderr io.Writer) int { return graphMain(args, stdout, stderr) },
	"plan":  planMain,
}

// Main runs nsh with args (args[0] is the program name) and returns the
// exit status: 0 success, 1 runtime error, 2 usage or syntax error.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		if m := modes[args[1]]; m != nil {
			return m(args, stdin, stdout, stderr)
		}
	}
	if len(args) > 1 && IsTool(args[1]) {
		// "nsh ip ...": nsh as the tool (see Tool).
		return Tool(args[1:], stdin, stdout, stderr)
	}
	o, code, done := parseFlags(args[1:], stdout, stderr)
	if done {
		return code
	}
	return runOptions(o, args, stdin, stdout, stderr)
}

// runOptions runs nsh as the parsed options o say (args are the command
// line, for --sandbox to start nsh again with).
func runOptions(o options, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if o.check {
		return checkFiles(append([]string{o.file}, o.args...), stderr)
	}
	o.inSandbox = sandboxChild()
	if o.sandbox && !o.inSandbox {
		return runSandboxed(args, stdin, stdout, stderr)
	}
	if o.inSandbox {
		if err := enterSandbox(); err != nil {
			fmt.Fprintf(stderr, "nsh: --sandbox: %v\n", err)
			return 1
		}
	}

	if tty, ok := interactive(o, stdin); ok {
		return runREPL(o, tty, stdout, stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var units []unit
	switch {
	case o.text != nil:
		units = append(units, unit{name: "-c", src: []byte(*o.text)})
	case o.file == "-" || o.file == "":
		src, err := io.ReadAll(stdin)
		if err != nil {
			fmt.Fprintf(stderr, "nsh: reading standard input: %v\n", err)
			return 1
		}
		units = append(units, unit{name: "<stdin>", src: lang.StripBOM(src)})
		stdin = strings.NewReader("")
	default:
		src, err := os.ReadFile(o.file)
		if err != nil {
			fmt.Fprintf(stderr, "nsh: %v\n", err)
			return 2
		}
		units = append(units, unit{name: o.file, src: lang.StripBOM(src)})
	}
	if o.sh || o.text == nil && isShellScript(o.file, units[0].src) {
		code := runShellScript(ctx, o, units[0].name, units[0].src, stdin, stdout, stderr)
		if len(o.after) == 0 {
			return code
		}
		// --sandbox lab.sh -c TEXT: TEXT, nsh, runs afterwards.
		units = units[:0]
	}
	for i, t := range o.after {
		units = append(units, unit{name: fmt.Sprintf("-c#%d", i+1), src: []byte(t)})
	}
	// Every unit is parsed, and every syntax error reported, before
	// anything runs.
	files := make([]*lang.File, len(units))
	bad := false
	for i, u := range units {
		f, err := lang.Parse(u.name, u.src)
		if err != nil {
			reportSyntax(stderr, err, u.src)
			bad = true
			continue
		}
		files[i] = f
	}
	if bad {
		return 2
	}

	host, st, closeRun, err := openRun()
	if err != nil {
		fmt.Fprintf(stderr, "nsh: %v\n", err)
		return 1
	}
	defer closeRun()
	finish := startJournal(o, host, st, stderr)
	failed := true
	defer func() { finish(failed) }()
	stdout, report := startMode(o, st, stdout, stderr)
	defer func() { report(failed) }()
	var opts []interp.Option
	if m := progress.Start(stderr); m != nil {
		// On a terminal: a progress line after a second, erased at the
		// end (and before anything is written).
		defer m.Stop()
		stdout, stderr = m.Writer(stdout), m.Writer(stderr)
		opts = append(opts, interp.Observe(m))
	}
	opts = append(opts,
		interp.StdIO(stdin, stdout, stderr),
		interp.Params(o.args...),
		interp.Host(host),
		builtins.Install(st, all.Commands()),
		// Each file is checked before any of it runs.
		interp.StaticCheck(newCommandCheck()),
	)
	if o.trace {
		opts = append(opts, interp.Trace(stderr))
	}
	if o.plan {
		// The plan's commands are checked, not run: "in NS" of a
		// namespace the plan creates, "exists", "exec" and "sleep" are
		// answered by the builtins (builtins.Plan).
		opts = append(opts, interp.DryRun())
	}
	r, err := interp.New(opts...)
	if err != nil {
		fmt.Fprintf(stderr, "nsh: %v\n", err)
		return 1
	}
	defer r.Close()
	if o.inSandbox {
		// Nothing the script left running in the background outlives
		// the sandbox.
		defer r.StopJobs()
	}
	for _, f := range files {
		if err := r.Run(ctx, f); err != nil {
			var exit *interp.ExitError
			if errors.As(err, &exit) {
				failed = exit.Code != 0
				return exit.Code
			}
			fmt.Fprintln(stderr, err)
			var check *interp.CheckError
			if errors.As(err, &check) {
				return 2
			}
			return 1
		}
	}
	failed = false
	return 0
}

// isShellScript reports whether the file is a shell script rather than
// an nsh one: named *.sh or *.bash, or starting with a "#!" line that
// runs sh, bash, dash, ksh or zsh (directly or through env).
func isShellScript(name string, src []byte) bool {
	if strings.HasSuffix(name, ".sh") || strings.HasSuffix(name, ".bash") {
		return true
	}
	line, _, _ := strings.Cut(string(src), "\n")
	if !strings.HasPrefix(line, "#!") {
		return false
	}
	f := strings.Fields(line[2:])
	if len(f) > 1 && filepath.Base(f[0]) == "env" {
		f = f[1:]
	}
	if len(f) == 0 {
		return false
	}
	switch filepath.Base(f[0]) {
	case "sh", "bash", "dash", "ksh", "zsh":
		return true
	}
	return false
}

type unit struct {
	name string
	src  []byte
}

func parseFlags(args []string, stdout, stderr io.Writer) (o options, code int, done bool) {
	for len(args) > 0 {
		a := args[0]
		switch {
		case a == "--help" || a == "-h":
			fmt.Fprint(stdout, usage)
			return o, 0, true
		case a == "--version":
			fmt.Fprintf(stdout, "nsh %s\n", Version)
			return o, 0, true
		case a == "-n":
			o.check = true
		case a == "-x":
			o.trace = true
		case a == "--sandbox":
			o.sandbox = true
		case a == "--sh":
			o.sh = true
		case a == "--atomic":
			o.atomic = true
		case a == "--ensure":
			o.ensure = true
		case a == "--steps":
			if len(args) < 2 {
				fmt.Fprintf(stderr, "nsh: --steps needs a FILE\n%s", usage)
				return o, 2, true
			}
			o.steps, args = args[1], args[1:]
		case a == "--no-journal":
			o.noJournal = true
		case a == "--lab" || strings.HasPrefix(a, "--lab="):
			name, ok := strings.CutPrefix(a, "--lab=")
			if !ok {
				if len(args) < 2 {
					fmt.Fprintf(stderr, "nsh: --lab needs a NAME\n%s", usage)
					return o, 2, true
				}
				name, args = args[1], args[1:]
			}
			if name == "" {
				fmt.Fprintf(stderr, "nsh: --lab needs a NAME\n%s", usage)
				return o, 2, true
			}
			o.lab = name
		case a == "-c":
			if len(args) < 2 {
				fmt.Fprintf(stderr, "nsh: -c needs an argument\n%s", usage)
				return o, 2, true
			}
			t := args[1]
			o.text = &t
			o.args = args[2:]
			return o, 0, false
		case a == "-":
			o.file = "-"
			o.args = args[1:]
			return o, 0, false
		case a == "--":
			args = args[1:]
			if len(args) > 0 {
				o.file, o.args = args[0], args[1:]
			}
			return o, 0, false
		case strings.HasPrefix(a, "-") && len(a) > 1:
			fmt.Fprintf(stderr, "nsh: unknown option %q\n%s", a, usage)
			return o, 2, true
		default:
			o.file = a
			rest := args[1:]
			if o.sandbox {
				// --sandbox FILE [ARGS] [-c TEXT]...: the -c texts run after
				// FILE in the same sandbox.
				for len(rest) > 0 {
					if rest[0] == "-c" && len(rest) > 1 {
						o.after = append(o.after, rest[1])
						rest = rest[2:]
						continue
					}
					o.args = append(o.args, rest[0])
					rest = rest[1:]
				}
			} else {
				o.args = rest
			}
			return o, 0, false
		}
		args = args[1:]
	}
	if o.check {
		fmt.Fprintf(stderr, "nsh: -n needs a FILE\n")
		return o, 2, true
	}
	return o, 0, false
}

// checkFiles parses and checks files, and reports all their problems
// (nsh -n): syntax errors, and what the static check finds (see
// lang.Check) against the present environment and namespaces.
func checkFiles(names []string, stderr io.Writer) int {
	code := 0
	var checker *interp.Runner
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "nsh: %v\n", err)
			code = 2
			continue
		}
		src = lang.StripBOM(src)
		if isShellScript(name, src) {
			code = max(code, checkShell(name, src, stderr))
			continue
		}
		f, err := lang.Parse(name, src)
		if err != nil {
			reportSyntax(stderr, err, src)
			code = 2
			continue
		}
		if checker == nil {
			if checker, err = newChecker(); err != nil {
				fmt.Fprintf(stderr, "nsh: %v\n", err)
				return 2
			}
			defer checker.Close()
		}
		c := checker.Check(f)
		fmt.Fprint(stderr, c.Detail())
		if c.HasErrors() {
			code = 2
		}
	}
	return code
}

// newChecker returns an interpreter that only checks (nsh -n): with the
// command words and command checks of a run, and a fresh state.
func newChecker() (*interp.Runner, error) {
	cmds := all.Commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	return interp.New(interp.Reserved(names...), interp.StaticCheck(newCommandCheck()))
}

func reportSyntax(w io.Writer, err error, src []byte) {
	var list lang.ErrorList
	if errors.As(err, &list) {
		fmt.Fprint(w, list.Detail(src))
		return
	}
	fmt.Fprintln(w, err)
}
