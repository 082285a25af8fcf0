package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nshlab/nsh/internal/export"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

const exportUsage = `usage: nsh export [-o OUT] FILE [ARGS...]

Prints the nsh script FILE (run with ARGS) as a plain bash script: every
variable, loop, procedure and "in" block expanded, one ip, brctl, bridge
or other command a line ("ip -n NS ..." for namespace work), which bash
with iproute2 runs to the same end state. Nothing is run; no privileges
are needed.

Constructs whose outcome comes from the kernel at run time ("try", "||",
"$?", "$!", "&", pipelines, redirections, "exists link") are reported
with their positions, and nothing is printed. "exists netns NAME" takes
the branch nsh would take (from the namespaces present now and the
script's own "ip netns add/delete" lines) and the script checks it when
bash runs it.

  -o OUT       write the script to OUT (made executable) instead of stdout

Exit status: 0 printed, 1 the script fails as nsh would run it, 2 usage,
syntax error, a shell script, or a construct that cannot be exported.
`

// exportMain is "nsh export ...": args[0] is the program, args[1] "export".
func exportMain(args []string, stdout, stderr io.Writer) int {
	rest := args[2:]
	out := ""
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") && rest[0] != "-" {
		switch rest[0] {
		case "-h", "--help":
			fmt.Fprint(stdout, exportUsage)
			return 0
		case "-o":
			if len(rest) < 2 {
				fmt.Fprintf(stderr, "nsh export: -o needs a file\n%s", exportUsage)
				return 2
			}
			out, rest = rest[1], rest[2:]
			continue
		case "--":
			rest = rest[1:]
		default:
			fmt.Fprintf(stderr, "nsh export: unknown option %q\n%s", rest[0], exportUsage)
			return 2
		}
		break
	}
	if len(rest) == 0 {
		fmt.Fprint(stderr, exportUsage)
		return 2
	}
	file := rest[0]
	src, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "nsh export: %v\n", err)
		return 2
	}
	src = lang.StripBOM(src)
	if isShellScript(file, src) {
		fmt.Fprintf(stderr, "nsh export: %s is a shell script already: bash runs it as it is (with nsh, \"nsh %s\" runs it with nsh's commands in-process)\n", file, file)
		return 2
	}
	f, err := lang.Parse(file, src)
	if err != nil {
		reportSyntax(stderr, err, src)
		return 2
	}
	host, err := ns.NewHost()
	if err != nil {
		fmt.Fprintf(stderr, "nsh export: %v\n", err)
		return 1
	}
	defer host.Close()
	var b strings.Builder
	err = export.Script(context.Background(), f, &b, export.Options{Params: rest[1:], Host: host, Check: newCommandCheck(), Stderr: stderr})
	var probs export.Problems
	var checkErr *interp.CheckError
	switch {
	case errors.As(err, &checkErr):
		fmt.Fprintln(stderr, err)
		return 2
	case errors.As(err, &probs):
		for _, p := range probs {
			fmt.Fprintf(stderr, "%v\n", p)
		}
		fmt.Fprintf(stderr, "nsh export: %s: %d construct(s) depend on the kernel's answers and cannot be expanded ahead of it\n", file, len(probs))
		return 2
	case err != nil:
		var re *interp.RuntimeError
		if errors.As(err, &re) {
			fmt.Fprintln(stderr, err)
		} else {
			fmt.Fprintf(stderr, "nsh export: %v\n", err)
		}
		return 1
	}
	if out == "" {
		if _, err := io.WriteString(stdout, b.String()); err != nil {
			fmt.Fprintf(stderr, "nsh export: %v\n", err)
			return 1
		}
		return 0
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o755); err != nil {
		fmt.Fprintf(stderr, "nsh export: %v\n", err)
		return 1
	}
	return 0
}
