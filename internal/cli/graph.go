package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nshlab/nsh/internal/graph"
	"github.com/nshlab/nsh/ns"
)

const graphUsage = `usage: nsh graph [-f text|dot|mermaid] [-o FILE] [LAB]

Prints the topology the kernel holds now: the namespace nsh runs in and
every named one, their links (kind, state, addresses), veth pairs across
namespaces, bridges and their ports, stacked links and vxlan tunnels with
their remotes. LAB is for later: labs are not recorded yet, so the graph
is always the whole host (or sandbox).

  -f FORMAT    text (default), dot (Graphviz) or mermaid
  -o FILE      write to FILE: FILE.svg or FILE.png renders the picture
               with Graphviz's dot; .dot/.gv, .mmd and .txt write that
               format

Exit status: 0 success, 1 the kernel could not be read or dot failed,
2 usage.
`

// graphMain is "nsh graph ...": args[0] is the program, args[1] "graph".
func graphMain(args []string, stdout, stderr io.Writer) int {
	format, out := "", ""
	var rest []string
	for i := 2; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-h" || a == "--help":
			fmt.Fprint(stdout, graphUsage)
			return 0
		case a == "-f" || a == "-o":
			if i+1 >= len(args) {
				fmt.Fprintf(stderr, "nsh graph: %s needs an argument\n%s", a, graphUsage)
				return 2
			}
			i++
			if a == "-f" {
				format = args[i]
			} else {
				out = args[i]
			}
		case strings.HasPrefix(a, "-") && a != "-":
			fmt.Fprintf(stderr, "nsh graph: unknown option %q\n%s", a, graphUsage)
			return 2
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "nsh graph: %s: labs are not recorded yet; \"nsh graph\" with no LAB shows the whole host\n", rest[0])
		return 2
	}
	render := ""
	if out != "" {
		switch ext := strings.ToLower(filepath.Ext(out)); ext {
		case ".svg", ".png":
			render = ext[1:]
		case ".dot", ".gv":
			format = pick(format, "dot")
		case ".mmd":
			format = pick(format, "mermaid")
		case ".txt":
			format = pick(format, "text")
		default:
			fmt.Fprintf(stderr, "nsh graph: -o %s: name a .svg, .png, .dot, .gv, .mmd or .txt file\n", out)
			return 2
		}
	}
	format = pick(format, "text")
	if format != "text" && format != "dot" && format != "mermaid" {
		fmt.Fprintf(stderr, "nsh graph: -f %s: the formats are text, dot and mermaid\n", format)
		return 2
	}
	host, err := ns.NewHost()
	if err != nil {
		fmt.Fprintf(stderr, "nsh graph: %v\n", err)
		return 1
	}
	defer host.Close()
	g, err := graph.Read(host)
	if err != nil {
		fmt.Fprintf(stderr, "nsh graph: %v\n", err)
		return 1
	}
	if render != "" {
		if err := g.Render(context.Background(), render, out); err != nil {
			if errors.Is(err, graph.ErrNoDot) {
				fmt.Fprintf(stderr, "nsh: %v\n", err)
			} else {
				fmt.Fprintf(stderr, "nsh graph: %v\n", err)
			}
			return 1
		}
		return 0
	}
	var b strings.Builder
	switch format {
	case "dot":
		err = g.Dot(&b)
	case "mermaid":
		err = g.Mermaid(&b)
	default:
		err = g.Text(&b)
	}
	if err == nil {
		if out == "" {
			_, err = io.WriteString(stdout, b.String())
		} else {
			err = os.WriteFile(out, []byte(b.String()), 0o644)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "nsh graph: %v\n", err)
		return 1
	}
	return 0
}

// pick returns s, or def when s is empty.
func pick(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
