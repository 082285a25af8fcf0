package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/nshlab/nsh/internal/replay"
)

const replayUsage = `usage: nsh replay [--list | --yes] [--json] [--sandbox] FILE

Walks a network tutorial as published (plain text, Markdown, lines with
shell prompts, several commands and their output on one line) and runs
its ip, brctl, bridge, ping and sysctl commands in nsh, one step at a
time: Enter runs a step, "s" skips it, "q" quits. A failing step is
reported and the walk goes on. After a show command whose output the
tutorial shows, the step says whether nsh's output matches it (indexes,
MAC addresses and timings ignored).

Ctrl-C stops the running step and the walk goes on; a second Ctrl-C
within 2 seconds ends the walk. Under --yes no step runs forever: a ping
without -c runs as "ping -c 3", a monitor is stopped after 3 seconds and
any other step after 30.

  --list       print the extracted commands as an nsh script, run nothing
  --yes        run every step without asking
  --json       print the report as JSON on stdout (the steps' output and
               the human report go to stderr)
  --sandbox    run inside a throwaway network+mount namespace

Exit status: 0 every step that ran succeeded, 1 a step failed, 2 usage.
`

// replayMain is "nsh replay ...": args[0] is the program, args[1] "replay".
func replayMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var list, yes, sandboxed, jsonOut bool
	file := ""
	for _, a := range args[2:] {
		switch {
		case a == "--list" || a == "-l":
			list = true
		case a == "--yes" || a == "-y":
			yes = true
		case a == "--sandbox":
			sandboxed = true
		case a == "--json":
			jsonOut = true
		case a == "--help" || a == "-h":
			fmt.Fprint(stdout, replayUsage)
			return 0
		case strings.HasPrefix(a, "-") && a != "-":
			fmt.Fprintf(stderr, "nsh replay: unknown option %q\n%s", a, replayUsage)
			return 2
		case file != "":
			fmt.Fprintf(stderr, "nsh replay: one FILE only\n%s", replayUsage)
			return 2
		default:
			file = a
		}
	}
	if file == "" {
		fmt.Fprint(stderr, replayUsage)
		return 2
	}
	var src []byte
	var err error
	if file == "-" {
		src, err = io.ReadAll(stdin)
		stdin = strings.NewReader("")
	} else {
		src, err = os.ReadFile(file)
	}
	if err != nil {
		fmt.Fprintf(stderr, "nsh replay: %v\n", err)
		return 2
	}
	ex := replay.ExtractNamed(file, string(src))
	steps := ex.Steps
	if list {
		if err := replay.List(stdout, steps); err != nil {
			fmt.Fprintf(stderr, "nsh replay: %v\n", err)
			return 1
		}
		for _, lo := range ex.LeftOut {
			fmt.Fprintf(stderr, "left out: %s:%d: %s: %s\n", file, lo.Line, lo.Text, lo.Reason)
		}
		return 0
	}
	inSandbox := sandboxChild()
	if sandboxed && !inSandbox {
		return runSandboxed(args, stdin, stdout, stderr)
	}
	if inSandbox {
		if err := enterSandbox(); err != nil {
			fmt.Fprintf(stderr, "nsh: --sandbox: %v\n", err)
			return 1
		}
	}
	sigc := make(chan os.Signal, 2)
	signal.Notify(sigc, os.Interrupt)
	defer signal.Stop(sigc)
	out := stdout
	if jsonOut {
		out = stderr
	}
	res, err := replay.Run(context.Background(), steps, replay.Options{Name: file, Yes: yes, In: stdin, Out: out, Err: stderr, Interrupt: sigc, Sandboxed: inSandbox, LeftOut: ex.LeftOut})
	if err != nil {
		fmt.Fprintf(stderr, "nsh replay: %v\n", err)
		return 1
	}
	if jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "nsh replay: %v\n", err)
			return 1
		}
	}
	if res.Failed > 0 {
		return 1
	}
	return 0
}
