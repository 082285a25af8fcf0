package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// Label returns the lines of n's label in pictures: name, kind and
// state, details, addresses.
func Label(n *Node) []string { return n.label() }

// label is a node's lines: name, kind and state, details, addresses.
func (n *Node) label() []string {
	switch n.Kind {
	case "remote", "group":
		return []string{n.Kind + " " + n.Name}
	case "unnamed":
		return []string{n.Name}
	}
	state := "up"
	if !n.Up {
		state = "down"
	}
	lines := append([]string{n.Name, n.Kind + ", " + state}, n.Info...)
	return append(lines, n.Addrs...)
}

// nsTitle names a namespace in pictures.
func nsTitle(name string) string {
	if name == "." {
		return "netns . (where nsh runs)"
	}
	return "netns " + name
}

// Text writes the topology as a readable tree: each namespace, its links
// with kind, state, details and addresses, and under a link what it is
// joined to, by node ID (NS/LINK):
//
//	netns .
//	  br0 bridge up 10.0.0.1/24
//	    port ./p1
//	  p1 veth up
//	    peer ns1/eth0
func (g *Graph) Text(w io.Writer) error {
	var b strings.Builder
	out := map[string][]string{} // node ID -> lines under it
	for _, e := range g.Edges {
		switch e.Kind {
		case Veth:
			out[e.From] = append(out[e.From], "peer "+e.To)
			out[e.To] = append(out[e.To], "peer "+e.From)
		case Port:
			out[e.From] = append(out[e.From], "port "+e.To)
		case Lower:
			out[e.From] = append(out[e.From], "on "+e.To)
		case Vxlan:
			out[e.From] = append(out[e.From], "tunnel to "+e.To)
		}
	}
	for _, s := range g.Namespaces {
		fmt.Fprintf(&b, "netns %s\n", s.Name)
		for _, n := range s.Nodes {
			words := []string{n.Name, n.Kind, "up"}
			if !n.Up {
				words[2] = "down"
			}
			words = append(append(words, n.Info...), n.Addrs...)
			fmt.Fprintf(&b, "  %s\n", strings.Join(words, " "))
			for _, l := range out[n.ID] {
				fmt.Fprintf(&b, "    %s\n", l)
			}
		}
	}
	if len(g.Remotes) > 0 {
		b.WriteString("outside\n")
		for _, n := range g.Remotes {
			fmt.Fprintf(&b, "  %s\n", n.ID)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// dotQuote quotes s as a dot ID or string.
func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// dotStyle is how each kind of edge is drawn in dot.
func dotStyle(kind string) string {
	switch kind {
	case Veth:
		return `dir=none, penwidth=2, label="veth"`
	case Port:
		return `label="port", color="gray30"`
	case Lower:
		return `style=dashed, label="on"`
	case Vxlan:
		return `style=dotted, penwidth=2, color="blue", label="vxlan"`
	}
	return ""
}

// nodeStyle is how a node is drawn in dot: shape and fill by kind, a
// dashed outline when the link is down.
func nodeStyle(n *Node) string {
	shape, fill := "box", "white"
	switch n.Kind {
	case "bridge":
		shape, fill = "box3d", "lightyellow"
	case "vxlan":
		fill = "lightblue"
	case "veth":
	case "remote", "group", "unnamed":
		shape, fill = "ellipse", "lightgray"
	default:
		fill = "honeydew"
	}
	style := "filled,rounded"
	if shape != "box" {
		style = "filled"
	}
	if !n.Up {
		style += ",dashed"
	}
	return fmt.Sprintf("shape=%s, style=%q, fillcolor=%q", shape, style, fill)
}

// Dot writes the topology as a Graphviz graph: a cluster per namespace.
func (g *Graph) Dot(w io.Writer) error {
	var b strings.Builder
	b.WriteString("digraph nsh {\n\trankdir=LR;\n\tnode [fontname=\"monospace\", fontsize=10];\n\tedge [fontname=\"monospace\", fontsize=9];\n")
	for i, s := range g.Namespaces {
		fmt.Fprintf(&b, "\tsubgraph cluster_%d {\n\t\tlabel=%s;\n\t\tstyle=rounded;\n", i, dotQuote(nsTitle(s.Name)))
		for _, n := range s.Nodes {
			fmt.Fprintf(&b, "\t\t%s [label=%s, %s];\n", dotQuote(n.ID), dotQuote(strings.Join(n.label(), "\n")), nodeStyle(n))
		}
		b.WriteString("\t}\n")
	}
	for _, n := range g.Remotes {
		fmt.Fprintf(&b, "\t%s [label=%s, %s];\n", dotQuote(n.ID), dotQuote(strings.Join(n.label(), "\n")), nodeStyle(n))
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "\t%s -> %s [%s];\n", dotQuote(e.From), dotQuote(e.To), dotStyle(e.Kind))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidText escapes s for a quoted Mermaid label.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;").Replace(s)
}

// Mermaid writes the topology as a Mermaid flowchart: a subgraph per
// namespace; node IDs are n0, n1, ... (Mermaid's IDs cannot hold "/").
func (g *Graph) Mermaid(w io.Writer) error {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	ids := map[string]string{}
	node := func(indent string, n *Node) {
		id := fmt.Sprintf("n%d", len(ids))
		ids[n.ID] = id
		lines := n.label()
		for i := range lines {
			lines[i] = mermaidText(lines[i])
		}
		open, close := "[", "]"
		if n.Kind == "remote" || n.Kind == "group" || n.Kind == "unnamed" {
			open, close = "((", "))"
		}
		fmt.Fprintf(&b, "%s%s%s\"%s\"%s\n", indent, id, open, strings.Join(lines, "<br/>"), close)
	}
	for i, s := range g.Namespaces {
		fmt.Fprintf(&b, "  subgraph ns%d[\"%s\"]\n", i, mermaidText(nsTitle(s.Name)))
		for _, n := range s.Nodes {
			node("    ", n)
		}
		b.WriteString("  end\n")
	}
	for _, n := range g.Remotes {
		node("  ", n)
	}
	for _, e := range g.Edges {
		arrow := "-->|" + e.Kind + "|"
		switch e.Kind {
		case Veth:
			arrow = "---|veth|"
		case Lower:
			arrow = "-.->|on|"
		case Vxlan:
			arrow = "-.->|vxlan|"
		}
		fmt.Fprintf(&b, "  %s %s %s\n", ids[e.From], arrow, ids[e.To])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Render writes the picture of g to file in format ("svg" or "png")
// through Graphviz's dot; it returns ErrNoDot when dot is not installed.
func (g *Graph) Render(ctx context.Context, format, file string) error {
	path, err := exec.LookPath("dot")
	if err != nil {
		return ErrNoDot
	}
	var src, stderr bytes.Buffer
	if err := g.Dot(&src); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, path, "-T"+format, "-o", file)
	cmd.Stdin, cmd.Stderr = &src, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("dot -T%s: %w: %s", format, err, strings.TrimSpace(stderr.String()))
		}
		return fmt.Errorf("dot: %w", err)
	}
	return nil
}
