package lang

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// dump prints a syntax tree compactly, one statement per line, blocks
// indented. With withPos, every node is followed by its range
// @line:col-line:col (Pos to End).
//
//	(Command "ip" "link" "add" cat("veth" $i))
//	(For i (Range "1" "3")
//	  (Command "echo" $i))
//
// Words: "text" is an unquoted literal, q"text" a quoted one, $x and ${x}
// parameters, dq(...) a double-quoted string, $((...)) arithmetic in
// prefix form, cat(...) a word of several parts.
func dump(n Node, withPos bool) string {
	d := &dumper{pos: withPos}
	switch n := n.(type) {
	case *File:
		for _, s := range n.Stmts {
			d.stmt(s, 0)
		}
	case Stmt:
		d.stmt(n, 0)
	default:
		d.node(n)
	}
	return d.b.String()
}

type dumper struct {
	b   bytes.Buffer
	pos bool
}

func (d *dumper) p(format string, args ...any) { fmt.Fprintf(&d.b, format, args...) }

func (d *dumper) at(n Node) {
	if d.pos {
		s, e := n.Pos(), n.End()
		d.p("@%d:%d-%d:%d", s.Line, s.Col, e.Line, e.Col)
	}
}

// command dumps a simple command without its parentheses.
func (d *dumper) command(s *Command) {
	d.p("Command")
	d.at(s)
	for _, w := range s.Args {
		d.p(" ")
		d.node(w)
	}
	for _, r := range s.Redirs {
		d.p(" (Redirect")
		d.at(r)
		d.p(" %d%s ", r.N, r.Op)
		d.node(r.Word)
		d.p(")")
	}
}

// stmt dumps a statement on its own lines; with indent -1, inline (the
// parts of an and-or list).
func (d *dumper) stmt(s Stmt, indent int) {
	d.p("%s(", strings.Repeat("  ", max(indent, 0)))
	switch s := s.(type) {
	case *Command:
		d.command(s)
	case *Pipeline:
		d.p("Pipeline")
		d.at(s)
		for i, c := range s.Cmds {
			if i > 0 && d.pos {
				d.p(" |@%d:%d", s.Bars[i-1].Line, s.Bars[i-1].Col)
			}
			d.p(" (")
			d.command(c)
			d.p(")")
		}
	case *Background:
		d.p("Background")
		d.at(s)
		if d.pos {
			d.p(" &@%d:%d", s.Amp.Line, s.Amp.Col)
		}
		d.p(" ")
		d.stmt(s.X, -1)
	case *AndOr:
		d.p("AndOr")
		d.at(s)
		d.p(" %q", s.Op)
		if d.pos {
			d.p("@%d:%d", s.OpPos.Line, s.OpPos.Col)
		}
		d.p(" ")
		d.stmt(s.X, -1)
		d.p(" ")
		d.stmt(s.Y, -1)
	case *Assign:
		d.p("Assign")
		d.at(s)
		d.p(" %s", s.Name)
		if d.pos {
			d.p("@%d:%d", s.NamePos.Line, s.NamePos.Col)
		}
		d.p(" ")
		if s.List != nil {
			d.node(s.List)
		} else {
			d.node(s.Value)
		}
	case *For:
		d.p("For")
		d.at(s)
		d.p(" %s", s.Var)
		for _, it := range s.Items {
			d.p(" ")
			d.node(it)
		}
		d.block(s.Body, indent)
	case *If:
		d.ifStmt(s, indent)
	case *Def:
		d.p("Def")
		d.at(s)
		d.p(" %s", s.Name)
		if d.pos {
			d.p("@%d:%d", s.NamePos.Line, s.NamePos.Col)
		}
		for _, p := range s.Params {
			d.p(" %s", p)
		}
		d.block(s.Body, indent)
	case *In:
		d.p("In")
		d.at(s)
		if s.Pid {
			d.p(" pid")
		}
		d.p(" ")
		d.node(s.NS)
		if s.Body != nil {
			d.block(s.Body, indent)
		} else {
			d.p(" nobody")
		}
	case *Try:
		d.p("Try")
		d.at(s)
		d.block(s.Body, indent)
	default:
		d.p("?%T", s)
	}
	if indent < 0 {
		d.p(")")
		return
	}
	d.p(")\n")
}

func (d *dumper) ifStmt(s *If, indent int) {
	d.p("If")
	d.at(s)
	d.p(" ")
	d.node(s.Cond)
	d.block(s.Then, indent)
	switch e := s.Else.(type) {
	case *Block:
		d.p("\n%s else", strings.Repeat("  ", indent))
		d.block(e, indent)
	case *If:
		d.p("\n%s else (", strings.Repeat("  ", indent))
		d.ifStmt(e, indent)
		d.p(")")
	}
}

func (d *dumper) block(b *Block, indent int) {
	d.p(" {")
	d.at(b)
	for _, s := range b.Stmts {
		d.p("\n")
		d.stmt(s, indent+1)
		d.b.Truncate(d.b.Len() - 1) // the newline
	}
	d.p("}")
}

func (d *dumper) node(n Node) {
	switch n := n.(type) {
	case *Word:
		if len(n.Parts) == 1 {
			d.node(n.Parts[0])
			return
		}
		d.p("cat")
		d.at(n)
		d.p("(")
		for i, p := range n.Parts {
			if i > 0 {
				d.p(" ")
			}
			d.node(p)
		}
		d.p(")")
	case *Lit:
		if n.Quoted {
			d.p("q")
		}
		d.p("%s", strconv.Quote(n.Value))
		d.at(n)
	case *ParamExp:
		if n.Braced {
			d.p("${%s%s%s}", n.Name, n.Op, n.Word)
		} else {
			d.p("$%s", n.Name)
		}
		d.at(n)
	case *DblQuoted:
		d.p("dq")
		d.at(n)
		d.p("(")
		for i, p := range n.Parts {
			if i > 0 {
				d.p(" ")
			}
			d.node(p)
		}
		d.p(")")
	case *ArithExp:
		d.p("$((")
		d.node(n.X)
		d.p("))")
		d.at(n)
	case *ArithNum:
		d.p("%d", n.Value)
		if n.Text != strconv.FormatInt(n.Value, 10) {
			d.p("%q", n.Text)
		}
		d.at(n)
	case *ArithVar:
		if n.Dollar {
			d.p("$")
		}
		d.p("%s", n.Name)
		d.at(n)
	case *ArithUnary:
		d.p("(%su", n.Op)
		d.at(n)
		d.p(" ")
		d.node(n.X)
		d.p(")")
	case *ArithBinary:
		d.p("(%s", n.Op)
		d.at(n)
		d.p(" ")
		d.node(n.X)
		d.p(" ")
		d.node(n.Y)
		d.p(")")
	case *List:
		d.p("(List")
		d.at(n)
		for _, w := range n.Items {
			d.p(" ")
			d.node(w)
		}
		d.p(")")
	case *Range:
		d.p("(Range")
		d.at(n)
		d.p(" ")
		d.node(n.From)
		d.p(" ")
		d.node(n.To)
		d.p(")")
	case *Compare:
		d.p("(Compare")
		d.at(n)
		d.p(" ")
		d.node(n.X)
		d.p(" %s", n.Op)
		if d.pos {
			d.p("@%d:%d", n.OpPos.Line, n.OpPos.Col)
		}
		d.p(" ")
		d.node(n.Y)
		d.p(")")
	case *Exists:
		d.p("(Exists")
		d.at(n)
		d.p(" %s ", n.Kind)
		d.node(n.Name)
		d.p(")")
	case *Not:
		d.p("(Not")
		d.at(n)
		d.p(" ")
		d.node(n.X)
		d.p(")")
	case *Truth:
		d.p("(Truth")
		d.at(n)
		d.p(" ")
		d.node(n.X)
		d.p(")")
	default:
		d.p("?%T", n)
	}
}
