package lang

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks, on any input, that Parse does not panic, that error
// positions are exact, that node positions point at what they should, that
// a parsed file prints back to the same tree, that the fast path and the
// grammar agree, and that the lexer agrees with its specification.
//
// The seed corpus is testdata/fuzz/FuzzParse (go test -run
// TestFuzzSeeds -update rewrites it) plus the inputs of the other tests.
func FuzzParse(f *testing.F) {
	for _, c := range validCases {
		f.Add(c.src)
	}
	for _, line := range tutorialCommands {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, src string) {
		file, err := Parse("fuzz.nsh", []byte(src))
		if err != nil {
			if file != nil {
				t.Fatalf("Parse returned a file and errors")
			}
			checkErrors(t, src, err)
		} else {
			checkPositions(t, src, file)
			checkRoundTrip(t, src)
		}
		checkFastPath(t, src)
		checkLexerSpec(t, src)
	})
}

// TestFuzzSeeds keeps the seed corpus in step with the test inputs: with
// -update it writes one seed file per input.
func TestFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	if !*update {
		files, err := os.ReadDir(dir)
		if err != nil || len(files) < 20 {
			t.Fatalf("seed corpus %s: %d files, %v (run go test -run TestFuzzSeeds -update)", dir, len(files), err)
		}
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, src := range allInputs(t) {
		data := fmt.Sprintf("go test fuzz v1\nstring(%q)\n", src)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%03d", i)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// lineCol computes the line and byte column of an offset in src.
func lineCol(src string, off int) (int, int) {
	line := 1 + strings.Count(src[:off], "\n")
	return line, off - strings.LastIndexByte(src[:off], '\n')
}

// checkErrors checks that err is a sorted, non-empty ErrorList whose
// positions are consistent with src.
func checkErrors(t *testing.T, src string, err error) {
	t.Helper()
	var l ErrorList
	if !errors.As(err, &l) || len(l) == 0 {
		t.Fatalf("Parse(%q) = %v, want a non-empty ErrorList", src, err)
	}
	for i, e := range l {
		if e.Pos.Filename != "fuzz.nsh" || e.Pos.Offset < 0 || e.Pos.Offset > len(src) {
			t.Fatalf("Parse(%q): error %v at bad offset %d", src, e, e.Pos.Offset)
		}
		if line, col := lineCol(src, e.Pos.Offset); line != e.Pos.Line || col != e.Pos.Col {
			t.Fatalf("Parse(%q): error %v at offset %d, which is %d:%d", src, e, e.Pos.Offset, line, col)
		}
		if e.Msg == "" {
			t.Fatalf("Parse(%q): empty message", src)
		}
		if i > 0 && e.Pos.Offset < l[i-1].Pos.Offset {
			t.Fatalf("Parse(%q): errors not sorted: %v", src, l)
		}
	}
}

// checkPositions checks that every node's position is consistent with its
// offset, ends after it starts, and points at the text it stands for.
func checkPositions(t *testing.T, src string, f *File) {
	t.Helper()
	at := func(p Pos, want string, n Node) {
		t.Helper()
		if p.Offset < 0 || p.Offset+len(want) > len(src) || src[p.Offset:p.Offset+len(want)] != want {
			t.Fatalf("in %q: %s of %s is not at %q", src, p, dump(n, true), want)
		}
		if line, col := lineCol(src, p.Offset); line != p.Line || col != p.Col {
			t.Fatalf("in %q: %s of %s has offset %d, which is %d:%d", src, p, dump(n, true), p.Offset, line, col)
		}
	}
	span := func(n Node, want string) {
		t.Helper()
		s, e := n.Pos(), n.End()
		at(s, "", n)
		at(e, "", n)
		if e.Offset < s.Offset || want != "" && src[s.Offset:e.Offset] != want {
			t.Fatalf("in %q: %s spans %q, want %q", src, dump(n, true), src[s.Offset:max(s.Offset, e.Offset)], want)
		}
	}
	inDQ := 0
	var visit func(n Node)
	visit = func(n Node) {
		span(n, "")
		switch n := n.(type) {
		case *Block:
			at(n.Open, "<", n)
			at(n.Close, ">", n)
		case *List:
			at(n.Lbrack, "[", n)
			at(n.Rbrack, "]", n)
		case *For:
			at(n.ForPos, "for", n)
		case *If:
			at(n.IfPos, "if", n)
		case *Def:
			at(n.DefPos, "def", n)
			at(n.NamePos, n.Name, n)
		case *In:
			at(n.InPos, "in", n)
		case *Try:
			at(n.TryPos, "try", n)
		case *Assign:
			at(n.NamePos, n.Name, n)
		case *Not:
			at(n.Bang, "!", n)
		case *Exists:
			at(n.ExistsPos, "exists", n)
		case *Compare:
			at(n.OpPos, n.Op, n)
		case *AndOr:
			at(n.OpPos, n.Op, n)
		case *Background:
			at(n.Amp, "&", n)
		case *Pipeline:
			for _, b := range n.Bars {
				at(b, "|", n)
			}
		case *Lit:
			if !n.Quoted && inDQ == 0 {
				span(n, n.Value)
			}
		case *ParamExp:
			if n.Braced {
				span(n, "${"+n.Name+n.Op+n.Word+"}")
			} else {
				span(n, "$"+n.Name)
			}
		case *DblQuoted:
			at(n.Left, `"`, n)
			at(n.Right, `"`, n)
		case *ArithExp:
			at(n.Left, "$((", n)
			at(n.Right, "))", n)
		case *ArithNum:
			span(n, n.Text)
		case *ArithVar:
			if n.Dollar {
				span(n, "$"+n.Name)
			} else {
				span(n, n.Name)
			}
		case *ArithUnary:
			at(n.OpPos, n.Op, n)
		case *ArithBinary:
			at(n.OpPos, n.Op, n)
		}
		if d, ok := n.(*DblQuoted); ok {
			inDQ++
			for _, p := range d.Parts {
				visit(p)
			}
			inDQ--
			return
		}
		for _, c := range children(n) {
			visit(c)
		}
	}
	for _, s := range f.Stmts {
		visit(s)
	}
	at(f.EndPos, "", f)
	if f.EndPos.Offset != len(src) {
		t.Fatalf("in %q: EndPos %v, want offset %d", src, f.EndPos, len(src))
	}
}

// children lists the nodes directly under n.
func children(n Node) []Node {
	var out []Node
	add := func(ns ...Node) {
		for _, c := range ns {
			if c != nil {
				out = append(out, c)
			}
		}
	}
	switch n := n.(type) {
	case *Block:
		for _, s := range n.Stmts {
			add(s)
		}
	case *Command:
		for _, w := range n.Args {
			add(w)
		}
		for _, r := range n.Redirs {
			add(r)
		}
	case *Redirect:
		add(n.Word)
	case *Pipeline:
		for _, c := range n.Cmds {
			add(c)
		}
	case *AndOr:
		add(n.X, n.Y)
	case *Background:
		add(n.X)
	case *Assign:
		if n.List != nil {
			add(n.List)
		} else {
			add(n.Value)
		}
	case *List:
		for _, w := range n.Items {
			add(w)
		}
	case *For:
		add(n.Items...)
		add(n.Body)
	case *Range:
		add(n.From, n.To)
	case *If:
		add(n.Cond, n.Then)
		if n.Else != nil {
			add(n.Else)
		}
	case *Def:
		add(n.Body)
	case *In:
		add(n.NS)
		if n.Body != nil {
			add(n.Body)
		}
	case *Try:
		add(n.Body)
	case *Not:
		add(n.X)
	case *Exists:
		add(n.Name)
	case *Compare:
		add(n.X, n.Y)
	case *Truth:
		add(n.X)
	case *Word:
		for _, p := range n.Parts {
			add(p)
		}
	case *DblQuoted:
		for _, p := range n.Parts {
			add(p)
		}
	case *ArithExp:
		add(n.X)
	case *ArithUnary:
		add(n.X)
	case *ArithBinary:
		add(n.X, n.Y)
	}
	return out
}
