// Package lang is nsh's front end: the lexer, the grammar, the syntax tree
// with positions, and the parse errors. It imports nothing of the project.
//
// Parse turns a whole file into a *File, or reports every syntax error it
// finds as an ErrorList, each entry printing as "file:line:col: message".
package lang

import (
	"fmt"
	"strings"
)

// Pos is a position in a source file. Line and Col count from 1; Offset is
// the byte offset from the start of the file. The zero Pos is "no position".
type Pos struct {
	Filename string
	Offset   int
	Line     int
	Col      int
}

// IsValid reports whether p names a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String prints p as "file:line:col", or "line:col" without a file name.
func (p Pos) String() string {
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Col)
}

// Node is implemented by every syntax tree node.
type Node interface {
	// Pos is the position of the node's first character.
	Pos() Pos
	// End is the position just after the node's last character.
	End() Pos
}

// File is a parsed script.
type File struct {
	Name  string
	Stmts []Stmt
	// EndPos is the position of the end of the file.
	EndPos Pos
	// Src is the source Parse read the file from (for error lines).
	Src []byte
}

// Pos implements Node.
func (f *File) Pos() Pos {
	if len(f.Stmts) > 0 {
		return f.Stmts[0].Pos()
	}
	return Pos{Filename: f.Name, Line: 1, Col: 1}
}

// End implements Node.
func (f *File) End() Pos { return f.EndPos }

// Stmt is a statement: *Command, *AndOr, *Pipeline, *Background, *Assign, *For, *If,
// *Def, *In, *Try.
type Stmt interface {
	Node
	stmtNode()
}

// Block is a list of statements between "<" and ">".
type Block struct {
	Open  Pos // position of "<"
	Close Pos // position of ">"
	Stmts []Stmt
}

// Pos implements Node.
func (b *Block) Pos() Pos { return b.Open }

// End implements Node.
func (b *Block) End() Pos { return advance(b.Close, 1) }

// Command is a simple command: a builtin (ip, brctl, bridge, echo, ...), a
// procedure call, or an external program. Args[0] is the command word.
// Redirs are its redirections, in source order; they may stand anywhere
// after the command word.
type Command struct {
	Args   []*Word
	Redirs []*Redirect
}

// Pos implements Node.
func (c *Command) Pos() Pos {
	p := c.Args[0].Pos()
	if len(c.Redirs) > 0 && c.Redirs[0].Pos().Offset < p.Offset {
		p = c.Redirs[0].Pos()
	}
	return p
}

// End implements Node.
func (c *Command) End() Pos {
	e := c.Args[len(c.Args)-1].End()
	if len(c.Redirs) > 0 {
		if r := c.Redirs[len(c.Redirs)-1].End(); r.Offset > e.Offset {
			e = r
		}
	}
	return e
}

// Redirect is a redirection of a command, as in the shell:
//
//	> FILE    N=1 Op=">"     write FILE (created or truncated)
//	>> FILE   N=1 Op=">>"    append to FILE
//	2> FILE   N=2 Op=">"     an explicit descriptor, written before the operator
//	&> FILE   N=1 Op="&>"    standard output and error to FILE (&>> appends)
//	2>&1      N=2 Op=">&"    Word is the descriptor to duplicate
//	< FILE    N=0 Op="<"     read standard input from FILE
//
// N is the redirected descriptor: the one written before the operator, or
// the operator's default (1 for output, 0 for input).
type Redirect struct {
	OpPos Pos // position of the first character: the descriptor number, or the operator
	Op    string
	N     int
	Word  *Word
}

// Pos implements Node.
func (r *Redirect) Pos() Pos { return r.OpPos }

// End implements Node.
func (r *Redirect) End() Pos { return r.Word.End() }

// DefaultFD returns the descriptor an operator redirects when none is
// written before it: 0 for "<", 1 otherwise.
func DefaultFD(op string) int {
	if op == "<" {
		return 0
	}
	return 1
}

// Pipeline is "CMD | CMD | ...": the commands run at the same time, each
// one's standard output connected to the next one's standard input.
type Pipeline struct {
	Cmds []*Command // at least two
	Bars []Pos      // positions of the "|", len(Cmds)-1 of them
}

// Pos implements Node.
func (p *Pipeline) Pos() Pos { return p.Cmds[0].Pos() }

// End implements Node.
func (p *Pipeline) End() Pos { return p.Cmds[len(p.Cmds)-1].End() }

// AndOr is "X && Y" or "X || Y": Y runs when X succeeded (&&) or failed
// (||). Lists associate to the left: "a && b || c" is (a && b) || c.
type AndOr struct {
	X     Stmt // *Command, *Pipeline or *AndOr
	OpPos Pos
	Op    string // "&&" or "||"
	Y     Stmt   // *Command or *Pipeline
}

// Pos implements Node.
func (a *AndOr) Pos() Pos { return a.X.Pos() }

// End implements Node.
func (a *AndOr) End() Pos { return a.Y.End() }

// Background is "STMT &": the statement runs while the script goes on;
// "wait" waits for it and "$!" is the process it started.
type Background struct {
	X   Stmt // *Command, *Pipeline or *AndOr
	Amp Pos  // the "&"
}

// Pos implements Node.
func (b *Background) Pos() Pos { return b.X.Pos() }

// End implements Node.
func (b *Background) End() Pos { return advance(b.Amp, 1) }

// Assign sets a variable: "x = value", "x=value" or "x = [a b c]".
// Exactly one of Value and List is set.
type Assign struct {
	NamePos Pos
	Name    string
	Value   *Word
	List    *List
	EndPos  Pos
}

// Pos implements Node.
func (a *Assign) Pos() Pos { return a.NamePos }

// End implements Node.
func (a *Assign) End() Pos { return a.EndPos }

// List is a bracketed list of words: "[blue red green]".
type List struct {
	Lbrack Pos
	Rbrack Pos
	Items  []*Word
}

// Pos implements Node.
func (l *List) Pos() Pos { return l.Lbrack }

// End implements Node.
func (l *List) End() Pos { return advance(l.Rbrack, 1) }

// For is "for VAR in ITEMS < ... >". Each item is a *Word (a list variable
// expands to its elements), a *Range or a *List.
type For struct {
	ForPos Pos
	Var    string
	Items  []Node
	Body   *Block
}

// Pos implements Node.
func (f *For) Pos() Pos { return f.ForPos }

// End implements Node.
func (f *For) End() Pos { return f.Body.End() }

// Range is "FROM..TO", inclusive at both ends; both expand to integers.
type Range struct {
	From *Word
	To   *Word
}

// Pos implements Node.
func (r *Range) Pos() Pos { return r.From.Pos() }

// End implements Node.
func (r *Range) End() Pos { return r.To.End() }

// If is "if COND < ... >" with an optional "else < ... >" or "else if ...".
// Else is nil, a *Block, or an *If.
type If struct {
	IfPos Pos
	Cond  Cond
	Then  *Block
	Else  Node
}

// Pos implements Node.
func (i *If) Pos() Pos { return i.IfPos }

// End implements Node.
func (i *If) End() Pos {
	if i.Else != nil {
		return i.Else.End()
	}
	return i.Then.End()
}

// Cond is a condition of an if: *Compare, *Exists, *Not, *Truth.
type Cond interface {
	Node
	condNode()
}

// Compare compares two words. Op is one of "==", "!=" (string comparison)
// or "-eq", "-ne", "-lt", "-le", "-gt", "-ge" (integer comparison).
type Compare struct {
	X     *Word
	OpPos Pos
	Op    string
	Y     *Word
}

// Pos implements Node.
func (c *Compare) Pos() Pos { return c.X.Pos() }

// End implements Node.
func (c *Compare) End() Pos { return c.Y.End() }

// Exists is "exists netns NAME" or "exists link NAME" (in the current
// namespace). Kind is "netns" or "link".
type Exists struct {
	ExistsPos Pos
	Kind      string
	Name      *Word
}

// Pos implements Node.
func (e *Exists) Pos() Pos { return e.ExistsPos }

// End implements Node.
func (e *Exists) End() Pos { return e.Name.End() }

// Not is "! COND".
type Not struct {
	Bang Pos
	X    Cond
}

// Pos implements Node.
func (n *Not) Pos() Pos { return n.Bang }

// End implements Node.
func (n *Not) End() Pos { return n.X.End() }

// Truth is a single word used as a condition: true when it expands to a
// non-empty string other than "0" and "false".
type Truth struct {
	X *Word
}

// Pos implements Node.
func (t *Truth) Pos() Pos { return t.X.Pos() }

// End implements Node.
func (t *Truth) End() Pos { return t.X.End() }

// Def defines a procedure: "def NAME PARAM... < ... >".
type Def struct {
	DefPos  Pos
	Name    string
	NamePos Pos
	Params  []string
	Body    *Block
}

// Pos implements Node.
func (d *Def) Pos() Pos { return d.DefPos }

// End implements Node.
func (d *Def) End() Pos { return d.Body.End() }

// In runs its body in another network namespace: "in NS < ... >",
// "in pid PID < ... >". NS is a name under /run/netns, a path to a
// namespace file, or "." for the namespace nsh started in. Body is nil for
// the REPL's "in NS" that switches the session's namespace.
type In struct {
	InPos Pos
	Pid   bool // "in pid N"
	NS    *Word
	Body  *Block
}

// Pos implements Node.
func (i *In) Pos() Pos { return i.InPos }

// End implements Node.
func (i *In) End() Pos {
	if i.Body != nil {
		return i.Body.End()
	}
	return i.NS.End()
}

// Try runs its body; an error inside is printed as a warning and the
// script goes on after the block.
type Try struct {
	TryPos Pos
	Body   *Block
}

// Pos implements Node.
func (t *Try) Pos() Pos { return t.TryPos }

// End implements Node.
func (t *Try) End() Pos { return t.Body.End() }

func (*Command) stmtNode()    {}
func (*Pipeline) stmtNode()   {}
func (*AndOr) stmtNode()      {}
func (*Background) stmtNode() {}
func (*Assign) stmtNode()     {}
func (*For) stmtNode()        {}
func (*If) stmtNode()         {}
func (*Def) stmtNode()        {}
func (*In) stmtNode()         {}
func (*Try) stmtNode()        {}

func (*Compare) condNode() {}
func (*Exists) condNode()  {}
func (*Not) condNode()     {}
func (*Truth) condNode()   {}

// Word is one argument: adjacent parts with no blank between them, such as
// veth${i}p or "10.0.$i.1/24".
type Word struct {
	Parts []WordPart
}

// Pos implements Node.
func (w *Word) Pos() Pos { return w.Parts[0].Pos() }

// End implements Node.
func (w *Word) End() Pos { return w.Parts[len(w.Parts)-1].End() }

// Lit returns the word's value and true when the word is a plain literal
// (bare or single-quoted parts only, no expansions).
func (w *Word) Lit() (string, bool) {
	var b strings.Builder
	for _, p := range w.Parts {
		l, ok := p.(*Lit)
		if !ok {
			return "", false
		}
		b.WriteString(l.Value)
	}
	return b.String(), true
}

// WordPart is a piece of a word: *Lit, *DblQuoted, *ParamExp, *ArithExp.
type WordPart interface {
	Node
	wordPartNode()
}

// Lit is literal text: a bare run of characters, an escaped character, or
// a single-quoted string. Value is the text with quotes and escapes removed.
type Lit struct {
	ValuePos Pos
	ValueEnd Pos
	Value    string
	Quoted   bool // came from '...' or an escape
}

// Pos implements Node.
func (l *Lit) Pos() Pos { return l.ValuePos }

// End implements Node.
func (l *Lit) End() Pos { return l.ValueEnd }

// DblQuoted is a "double quoted" string; its parts are *Lit, *ParamExp and
// *ArithExp.
type DblQuoted struct {
	Left  Pos
	Right Pos
	Parts []WordPart
}

// Pos implements Node.
func (d *DblQuoted) Pos() Pos { return d.Left }

// End implements Node.
func (d *DblQuoted) End() Pos { return advance(d.Right, 1) }

// ParamExp is "$name", "${name}", "$1".."$9", "$#", "$@", "$?" or "$!",
// or with a default as in sh: "${name:-word}", "${name-word}",
// "${name:=word}", "${name=word}", "${name:+word}", "${name+word}",
// "${name:?word}", "${name?word}" (word is literal text).
type ParamExp struct {
	Dollar Pos
	Rbrace Pos // zero unless Braced
	Name   string
	Braced bool
	Op     string // "" or one of ParamOps (then Braced)
	Word   string // the word after Op
}

// ParamOps are the operators of ${name OP word}, longest first.
var ParamOps = []string{":-", ":=", ":+", ":?", "-", "=", "+", "?"}

// splitParamOp splits the inside of "${...}" into a parameter name, an
// operator of ParamOps and its word; ok is false when it is none of
// those forms.
func splitParamOp(s string) (name, op, word string, ok bool) {
	if isParamName(s) {
		return s, "", "", true
	}
	n := 0
	switch {
	case s != "" && strings.IndexByte("123456789#@?!", s[0]) >= 0:
		n = 1
	default:
		for n < len(s) && (isIdent(s[n]) && (n > 0 || isIdentStart(s[n]))) {
			n++
		}
	}
	if n == 0 {
		return "", "", "", false
	}
	for _, o := range ParamOps {
		if strings.HasPrefix(s[n:], o) {
			return s[:n], o, s[n+len(o):], true
		}
	}
	return "", "", "", false
}

// Pos implements Node.
func (p *ParamExp) Pos() Pos { return p.Dollar }

// End implements Node.
func (p *ParamExp) End() Pos {
	if p.Braced {
		return advance(p.Rbrace, 1)
	}
	return advance(p.Dollar, 1+len(p.Name))
}

// ArithExp is "$(( expr ))": integer arithmetic.
type ArithExp struct {
	Left  Pos // position of "$(("
	Right Pos // position of "))"
	X     ArithExpr
}

// Pos implements Node.
func (a *ArithExp) Pos() Pos { return a.Left }

// End implements Node.
func (a *ArithExp) End() Pos { return advance(a.Right, 2) }

func (*Lit) wordPartNode()       {}
func (*DblQuoted) wordPartNode() {}
func (*ParamExp) wordPartNode()  {}
func (*ArithExp) wordPartNode()  {}

// ArithExpr is an arithmetic expression: *ArithNum, *ArithVar,
// *ArithUnary, *ArithBinary.
type ArithExpr interface {
	Node
	arithNode()
}

// ArithNum is an integer literal.
type ArithNum struct {
	ValuePos Pos
	Text     string
	Value    int64
}

// Pos implements Node.
func (a *ArithNum) Pos() Pos { return a.ValuePos }

// End implements Node.
func (a *ArithNum) End() Pos { return advance(a.ValuePos, len(a.Text)) }

// ArithVar is a variable inside arithmetic, written "i" or "$i".
type ArithVar struct {
	NamePos Pos
	Name    string
	Dollar  bool
}

// Pos implements Node.
func (a *ArithVar) Pos() Pos { return a.NamePos }

// End implements Node.
func (a *ArithVar) End() Pos {
	n := len(a.Name)
	if a.Dollar {
		n++
	}
	return advance(a.NamePos, n)
}

// ArithUnary is "-X", "+X" or "!X".
type ArithUnary struct {
	OpPos Pos
	Op    string
	X     ArithExpr
}

// Pos implements Node.
func (a *ArithUnary) Pos() Pos { return a.OpPos }

// End implements Node.
func (a *ArithUnary) End() Pos { return a.X.End() }

// ArithBinary is "X op Y" with op one of + - * / % (and parentheses for
// grouping, which leave no node).
type ArithBinary struct {
	X     ArithExpr
	OpPos Pos
	Op    string
	Y     ArithExpr
}

// Pos implements Node.
func (a *ArithBinary) Pos() Pos { return a.X.Pos() }

// End implements Node.
func (a *ArithBinary) End() Pos { return a.Y.End() }

func (*ArithNum) arithNode()    {}
func (*ArithVar) arithNode()    {}
func (*ArithUnary) arithNode()  {}
func (*ArithBinary) arithNode() {}

// advance returns p moved n bytes to the right on the same line.
func advance(p Pos, n int) Pos {
	p.Offset += n
	p.Col += n
	return p
}
