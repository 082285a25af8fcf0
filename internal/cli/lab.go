package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/ns"
)

// journalDir is where labs' journals are kept; tests point it elsewhere
// through NSH_JOURNAL_DIR.
func journalDir() string {
	if d := os.Getenv("NSH_JOURNAL_DIR"); d != "" {
		return d
	}
	return journal.Dir
}

// labName returns the lab a run records its changes for: --lab NAME, or
// the script's absolute path; "" (nothing recorded) for -c TEXT and
// standard input without --lab.
func labName(o options) string {
	if o.lab != "" {
		return o.lab
	}
	if o.text != nil || o.file == "" || o.file == "-" {
		return ""
	}
	if abs, err := filepath.Abs(o.file); err == nil {
		return abs
	}
	return o.file
}

// startJournal (unless --no-journal) makes the run's commands record their kernel changes in
// the lab's journal (opened at the first change), and returns what ends
// the run: with --atomic and a failed run, it undoes what the run
// changed first, reporting to stderr.
func startJournal(o options, host *ns.Host, st *builtins.State, stderr io.Writer) (finish func(failed bool)) {
	lab := labName(o)
	if o.atomic && lab == "" {
		lab = fmt.Sprintf("nsh-%d", os.Getpid()) // --atomic needs a journal
	}
	if lab == "" || o.noJournal && !o.atomic {
		return func(bool) {}
	}
	j := journal.New(journalDir(), lab)
	st.SetJournal(j)
	return func(failed bool) {
		defer j.Close()
		if !failed || !o.atomic {
			return
		}
		err := j.UndoRun(host, func(msg string) { fmt.Fprintf(stderr, "nsh: --atomic: %s\n", msg) })
		if err != nil {
			fmt.Fprintf(stderr, "nsh: --atomic: %v\n", err)
		}
	}
}

const downUsage = `usage: nsh down [LAB]

Undoes what the runs of LAB changed in the kernel, newest first, from its
journal: deletes the namespaces the lab created (and so everything in
them), and undoes one by one what it changed elsewhere. LAB is a script
(its path) or a --lab NAME; without it, the only lab with a journal.
Objects gone or changed by someone else since are reported, not touched.
`

// downMain is "nsh down [LAB]".
func downMain(args []string, stdout, stderr io.Writer) int {
	if len(args) > 1 && (args[1] == "-h" || args[1] == "--help") {
		fmt.Fprint(stdout, downUsage)
		return 0
	}
	if len(args) > 2 || len(args) == 2 && strings.HasPrefix(args[1], "-") {
		fmt.Fprint(stderr, downUsage)
		return 2
	}
	dir := journalDir()
	var lab string
	if len(args) == 2 {
		lab = args[1]
		if st, err := os.Stat(lab); err == nil && st.Mode().IsRegular() {
			lab = labName(options{file: lab})
		}
	} else {
		labs, err := journal.List(dir)
		if err != nil {
			fmt.Fprintf(stderr, "nsh down: %v\n", err)
			return 1
		}
		switch len(labs) {
		case 0:
			fmt.Fprintln(stdout, "nsh down: no lab is up")
			return 0
		case 1:
			lab = labs[0].Lab
		default:
			fmt.Fprintln(stderr, "nsh down: more than one lab is up; name one:")
			for _, l := range labs {
				fmt.Fprintf(stderr, "  %s\n", l.Lab)
			}
			return 2
		}
	}
	host, err := ns.NewHost()
	if err != nil {
		fmt.Fprintf(stderr, "nsh down: %v\n", err)
		return 1
	}
	defer host.Close()
	found, err := journal.Down(dir, lab, host, func(msg string) { fmt.Fprintf(stderr, "nsh down: %s\n", msg) })
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "nsh down: %s: %v\n", lab, err)
		return 1
	case !found:
		fmt.Fprintf(stdout, "nsh down: lab %s is down already\n", lab)
	}
	return 0
}

// labsMain is "nsh labs": the labs with a journal, their age and size.
func labsMain(args []string, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		fmt.Fprintln(stderr, "usage: nsh labs")
		return 2
	}
	labs, err := journal.List(journalDir())
	if err != nil {
		fmt.Fprintf(stderr, "nsh labs: %v\n", err)
		return 1
	}
	if len(labs) == 0 {
		return 0
	}
	fmt.Fprintf(stdout, "%-10s %8s %8s  %s\n", "AGE", "CHANGES", "BYTES", "LAB")
	for _, l := range labs {
		age := time.Since(l.Started).Round(time.Second)
		fmt.Fprintf(stdout, "%-10s %8d %8d  %s\n", age, l.Changes, l.Size, l.Lab)
	}
	return 0
}
