package cli

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/all"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/repl"
)

// interactive reports whether nsh should start the REPL: no script, no
// -c TEXT, and standard input a terminal.
func interactive(o options, stdin io.Reader) (*os.File, bool) {
	f, ok := stdin.(*os.File)
	if !ok || o.text != nil || o.file != "" {
		return nil, false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return f, err == nil
}

// runREPL runs the interactive shell (package repl) over one interpreter
// wired as Main wires it for scripts.
func runREPL(o options, stdin *os.File, stdout, stderr io.Writer) int {
	host, st, closeRun, err := openRun()
	if err != nil {
		fmt.Fprintf(stderr, "nsh: %v\n", err)
		return 1
	}
	defer closeRun()
	defer startJournal(o, host, st, stderr)(false) // with --lab NAME
	cmds := all.Commands()
	opts := []interp.Option{
		interp.StdIO(stdin, stdout, stderr),
		interp.Params(o.args...),
		interp.Host(host),
		builtins.Install(st, cmds),
		// Each input is checked before any of it runs.
		interp.StaticCheck(newCommandCheck()),
	}
	if o.trace {
		opts = append(opts, interp.Trace(stderr))
	}
	r, err := interp.New(opts...)
	if err != nil {
		fmt.Fprintf(stderr, "nsh: %v\n", err)
		return 1
	}
	defer r.Close()
	if o.inSandbox {
		defer r.StopJobs()
	}
	return repl.Run(repl.Config{
		Runner: r, Host: host, State: st,
		Stdin: stdin, Stdout: stdout, Stderr: stderr,
		HistoryPath: repl.HistoryPath(os.Getenv),
		Commands:    slices.Sorted(maps.Keys(cmds)),
	})
}
