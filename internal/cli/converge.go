package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/journal"
)

const planUsage = `usage: nsh plan [-j] [--lab NAME] FILE [ARGS...]

Runs FILE (nsh or shell script) against the kernel as it is, changing
nothing, and prints what the run would change, in order, per namespace,
with the line that causes each: create, change, delete, or already there
(what --ensure would leave alone). A statement that needs what the plan
creates (a namespace, a link) is listed by its verb. Programs and pings
are listed, not run; the script's own output is not shown.

  -j          print the plan as JSON: an array of steps
              {action, ns, object, note, file, line, col, command}
  --lab NAME  the lab FILE's runs belong to (default: FILE's path): in
              the namespaces it created, what differs is replaced, as
              --ensure does

Exit status: 0 the plan is complete, 1 the run would fail (the plan ends
there, with the error), 2 usage or syntax error.
`

// planMain is "nsh plan [-j] FILE [ARGS...]".
func planMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o := options{plan: true, noJournal: true}
	rest := args[2:]
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") && rest[0] != "-" {
		switch rest[0] {
		case "-j", "--json", "-json":
			o.planJSON = true
		case "-h", "--help":
			fmt.Fprint(stdout, planUsage)
			return 0
		case "--sh":
			o.sh = true
		case "--lab":
			if len(rest) < 2 {
				fmt.Fprintf(stderr, "nsh plan: --lab needs a NAME\n%s", planUsage)
				return 2
			}
			o.lab, rest = rest[1], rest[1:]
		case "--":
			rest = rest[1:]
			goto file
		default:
			fmt.Fprintf(stderr, "nsh plan: unknown option %q\n%s", rest[0], planUsage)
			return 2
		}
		rest = rest[1:]
	}
file:
	if len(rest) == 0 {
		fmt.Fprint(stderr, planUsage)
		return 2
	}
	o.file, o.args = rest[0], rest[1:]
	return runOptions(o, args, stdin, stdout, stderr)
}

// startMode sets the run's Mode from o (--ensure, nsh plan) and returns
// the stdout the script is to write to (nowhere, for a plan) and what
// reports at the end: --ensure's tally, or the plan, on stdout.
func startMode(o options, st *builtins.State, stdout, stderr io.Writer) (io.Writer, func(failed bool)) {
	switch {
	case o.plan:
		st.SetMode(builtins.Plan)
		if lab := labName(o); lab != "" {
			// Where --ensure would replace what differs: the lab's own
			// namespaces.
			if owned, err := journal.LabNamespaces(journalDir(), lab); err == nil {
				st.SetOwned(owned)
			}
		}
		return io.Discard, func(bool) {
			steps := st.Steps()
			for i := range steps {
				if steps[i].File == "" && steps[i].Line > 0 {
					steps[i].File = o.file
				}
			}
			printPlan(stdout, steps, o.planJSON)
		}
	case o.ensure:
		st.SetMode(builtins.Ensure)
		return stdout, func(failed bool) {
			if o.steps != "" {
				b, _ := json.MarshalIndent(st.Steps(), "", "  ")
				if err := os.WriteFile(o.steps, append(b, '\n'), 0o644); err != nil {
					fmt.Fprintf(stderr, "nsh: --steps: %v\n", err)
				}
			}
			made, there := 0, 0
			for _, s := range st.Steps() {
				switch s.Action {
				case builtins.ActAlready:
					there++
				case builtins.ActCreate, builtins.ActChange, builtins.ActDelete:
					made++
				}
			}
			switch {
			case made == 0 && !failed:
				fmt.Fprintf(stderr, "nsh: --ensure: nothing to change, %d already there\n", there)
			default:
				fmt.Fprintf(stderr, "nsh: --ensure: %d changed, %d already there\n", made, there)
			}
		}
	}
	return stdout, func(bool) {}
}

// printPlan prints the steps of a plan: per namespace (in the order each
// first appears), each step in order, with its line and statement.
func printPlan(w io.Writer, steps []builtins.Step, asJSON bool) {
	if asJSON {
		if steps == nil {
			steps = []builtins.Step{}
		}
		b, _ := json.MarshalIndent(steps, "", "  ")
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	counts := map[string]int{}
	var order []string
	per := map[string][]builtins.Step{}
	for _, s := range steps {
		counts[s.Action]++
		if _, ok := per[s.NS]; !ok {
			order = append(order, s.NS)
		}
		per[s.NS] = append(per[s.NS], s)
	}
	todo := counts[builtins.ActCreate] + counts[builtins.ActChange] + counts[builtins.ActDelete]
	if todo == 0 && counts[builtins.ActDiffers] == 0 && counts[builtins.ActFail] == 0 {
		fmt.Fprintf(w, "nothing to do: %d already there\n", counts[builtins.ActAlready])
	} else {
		fmt.Fprintf(w, "%d to create, %d to change, %d to delete, %d already there", counts[builtins.ActCreate],
			counts[builtins.ActChange], counts[builtins.ActDelete], counts[builtins.ActAlready])
		if n := counts[builtins.ActDiffers]; n > 0 {
			fmt.Fprintf(w, ", %d differing", n)
		}
		if n := counts[builtins.ActRun]; n > 0 {
			fmt.Fprintf(w, ", %d not run", n)
		}
		if counts[builtins.ActFail] > 0 {
			fmt.Fprint(w, "; the run would fail")
		}
		fmt.Fprintln(w)
	}
	for _, n := range order {
		fmt.Fprintln(w)
		if n == "" {
			fmt.Fprintln(w, "start namespace:")
		} else {
			fmt.Fprintf(w, "netns %s:\n", n)
		}
		for _, s := range per[n] {
			mark := map[string]string{builtins.ActCreate: "+", builtins.ActChange: "~", builtins.ActDelete: "-",
				builtins.ActAlready: "=", builtins.ActDiffers: "!", builtins.ActRun: ">", builtins.ActFail: "x"}[s.Action]
			where := ""
			if s.Line > 0 {
				where = fmt.Sprintf("%d:%d", s.Line, s.Col)
				if s.File != "" {
					where = s.File + ":" + where
				}
			}
			fmt.Fprintf(w, "  %s %-13s %s", mark, s.Action, s.Object)
			if s.Object != s.Command {
				fmt.Fprintf(w, "    %s", s.Command)
			}
			if where != "" {
				fmt.Fprintf(w, "  (%s)", where)
			}
			if s.Note != "" {
				fmt.Fprintf(w, "  [%s]", s.Note)
			}
			fmt.Fprintln(w)
		}
	}
}
