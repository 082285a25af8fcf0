package lang

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Format returns n printed as nsh source, as Print writes it.
func Format(n Node) string {
	var b strings.Builder
	pr := printer{b: &b}
	pr.node(n)
	return b.String()
}

// Print writes n as nsh source. n is a *File, a Stmt, a *Block, a Cond, a
// *Word, a *List, a *Range, a WordPart or an ArithExpr. Each statement of
// a file ends with a newline; a lone statement does not (so that it can
// go in a message); blocks are indented with tabs.
//
// Parsing the printed text of a parsed file gives the same tree, positions
// aside. Words are printed as they were written, except that quoted text
// is single-quoted and arithmetic is spaced; parts that would not read
// back as they are (a keyword as a command name, say) are quoted.
func Print(w io.Writer, n Node) error {
	if _, err := io.WriteString(w, Format(n)); err != nil {
		return fmt.Errorf("lang: print: %w", err)
	}
	return nil
}

// Quote quotes s so that it reads back as one literal word: bare when that
// is safe, in single quotes otherwise.
func Quote(s string) string {
	if bareSafe(s, true) {
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] == 0x7f || s[i] == '$' {
				return quoteSingle(s)
			}
		}
		return s
	}
	return quoteSingle(s)
}

// quoteSingle single-quotes s; a "'" in s is written \'.
func quoteSingle(s string) string {
	if s == "" {
		return "''"
	}
	var b strings.Builder
	for i, part := range strings.Split(s, "'") {
		if i > 0 {
			b.WriteString(`\'`)
		}
		if part != "" {
			b.WriteString("'" + part + "'")
		}
	}
	return b.String()
}

// bareSafe reports whether s, printed bare, lexes back as the same
// unquoted text. start tells whether s begins a word.
func bareSafe(s string, start bool) bool {
	if s == "" || start && s[0] == '#' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isBare(c) && c != '$' {
			return false
		}
		if c == '$' && i+1 < len(s) && startsExpansion(s[i+1]) {
			return false
		}
	}
	return true
}

// startsExpansion reports whether c after a "$" makes an expansion.
func startsExpansion(c byte) bool {
	return isIdent(c) || strings.IndexByte("#@?!({", c) >= 0
}

type printer struct {
	b      *strings.Builder
	indent int
}

func (pr *printer) str(s string) { pr.b.WriteString(s) }

func (pr *printer) node(n Node) {
	switch n := n.(type) {
	case *File:
		for _, s := range n.Stmts {
			pr.stmt(s)
			pr.str("\n")
		}
	case Stmt:
		pr.stmt(n)
	case *Block:
		pr.block(n)
	case Cond:
		pr.cond(n)
	case *Word:
		pr.word(n, false)
	case *List:
		pr.list(n)
	case *Range:
		pr.word(n.From, false)
		pr.str("..")
		pr.wordAt(n.To, false, false)
	case WordPart:
		pr.word(&Word{Parts: []WordPart{n}}, false)
	case ArithExpr:
		pr.arith(n, 0)
	}
}

// stmt prints a statement, without a newline at the end.
func (pr *printer) stmt(s Stmt) {
	pr.str(strings.Repeat("\t", pr.indent))
	switch s := s.(type) {
	case *Command:
		pr.command(s)
	case *Pipeline:
		for i, c := range s.Cmds {
			if i > 0 {
				pr.str(pr.opAfter(s.Cmds[i-1], "|"))
			}
			pr.command(c)
		}
	case *AndOr:
		ind := pr.indent
		pr.stmt(s.X)
		pr.indent = 0
		pr.str(pr.opAfter(s.X, s.Op))
		pr.stmt(s.Y)
		pr.indent = ind
	case *Background:
		pr.stmt(s.X)
		if endsInBareElse(s.X) {
			pr.str("&")
		} else {
			pr.str(" &")
		}
	case *Assign:
		// "for = x" would be a for, and "x = #y" would end with a
		// comment: those are written "for=x" and "x=#y".
		_, tight := keywords[s.Name]
		if s.List == nil {
			if l, ok := s.Value.Parts[0].(*Lit); ok && !l.Quoted && strings.HasPrefix(l.Value, "#") {
				tight = true
			}
		}
		if tight {
			pr.str(s.Name + "=")
		} else {
			pr.str(s.Name + " = ")
		}
		if s.List != nil {
			pr.list(s.List)
		} else {
			pr.wordAt(s.Value, false, !tight)
		}
	case *For:
		pr.str("for " + s.Var + " in")
		for _, it := range s.Items {
			pr.str(" ")
			switch it := it.(type) {
			case *Word:
				pr.word(it, splitRange(it) != nil)
			default:
				pr.node(it)
			}
		}
		pr.str(" ")
		pr.block(s.Body)
	case *If:
		pr.str("if ")
		pr.ifChain(s)
	case *Def:
		pr.str("def " + s.Name)
		for _, p := range s.Params {
			pr.str(" " + p)
		}
		pr.str(" ")
		pr.block(s.Body)
	case *In:
		pr.str("in ")
		if s.Pid {
			pr.str("pid ")
		}
		pr.word(s.NS, false)
		if s.Body != nil {
			pr.str(" ")
			pr.block(s.Body)
		}
	case *Try:
		pr.str("try ")
		pr.block(s.Body)
	}
}

// command prints a simple command and its redirections.
func (pr *printer) command(c *Command) {
	for i, w := range c.Args {
		if i > 0 {
			pr.str(" ")
		}
		pr.word(w, i == 0 && commandNameNeedsQuotes(c))
	}
	tight := false // after a redirection to a bare "else" (see endsInBareElse)
	for _, r := range c.Redirs {
		if !tight {
			pr.str(" ")
		}
		tight = r.Op != "&>" && isBareWord(r.Word, "else")
		if r.N != DefaultFD(r.Op) && r.Op != "&>" && r.Op != "&>>" {
			pr.str(strconv.Itoa(r.N))
		}
		pr.str(r.Op)
		if r.Op != ">&" {
			pr.str(" ")
		}
		// A bare "else" is a file name only right before an operator
		// (see endsInBareElse).
		pr.word(r.Word, false)
	}
}

// opAfter returns operator op, with its blanks, to print after statement
// x.
func (pr *printer) opAfter(x Stmt, op string) string {
	if endsInBareElse(x) {
		return op + " "
	}
	return " " + op + " "
}

// endsInBareElse reports whether s ends with a redirection to a bare
// "else". Followed by a blank, a newline or ";", "> else" closes a block:
// the parser takes it as a file name only when "|" or "&" follows at
// once ("a >else| b", "a >else&>f"), and so the printer writes the
// operator, or the "&>" redirection, right after it.
func endsInBareElse(s Stmt) bool {
	switch s := s.(type) {
	case *Command:
		if n := len(s.Redirs); n > 0 {
			r := s.Redirs[n-1]
			return r.Op != "&>" && isBareWord(r.Word, "else")
		}
	case *Pipeline:
		return endsInBareElse(s.Cmds[len(s.Cmds)-1])
	case *AndOr:
		return endsInBareElse(s.Y)
	case *Background:
		return endsInBareElse(s.X)
	}
	return false
}

// isBareWord reports whether w is exactly the unquoted text s.
func isBareWord(w *Word, s string) bool {
	if len(w.Parts) != 1 {
		return false
	}
	l, ok := w.Parts[0].(*Lit)
	return ok && !l.Quoted && l.Value == s
}

// commandNameNeedsQuotes reports whether the command name of c, printed
// bare, would read back as a keyword or an assignment.
func commandNameNeedsQuotes(c *Command) bool {
	l, ok := c.Args[0].Parts[0].(*Lit)
	if !ok || l.Quoted {
		return false
	}
	if len(c.Args[0].Parts) == 1 {
		if _, kw := keywords[l.Value]; kw {
			return true
		}
		if len(c.Args) > 1 && isName(l.Value) {
			if isBareWord(c.Args[1], "=") {
				return true
			}
		}
	}
	eq := strings.IndexByte(l.Value, '=')
	return eq > 0 && isName(l.Value[:eq])
}

func (pr *printer) ifChain(s *If) {
	pr.cond(s.Cond)
	pr.str(" ")
	pr.block(s.Then)
	switch e := s.Else.(type) {
	case *Block:
		pr.str(" else ")
		pr.block(e)
	case *If:
		pr.str(" else if ")
		pr.ifChain(e)
	}
}

// block prints "<", the statements, and ">".
func (pr *printer) block(b *Block) {
	pr.str("<\n")
	pr.indent++
	for _, s := range b.Stmts {
		pr.stmt(s)
		pr.str("\n")
	}
	pr.indent--
	pr.str(strings.Repeat("\t", pr.indent) + ">")
}

func (pr *printer) cond(c Cond) {
	switch c := c.(type) {
	case *Not:
		pr.str("! ")
		pr.cond(c.X)
	case *Exists:
		pr.str("exists " + c.Kind + " ")
		pr.word(c.Name, false)
	case *Compare:
		pr.word(c.X, startsWithBang(c.X))
		pr.str(" " + c.Op + " ")
		pr.word(c.Y, false)
	case *Truth:
		s, lit := c.X.Lit()
		pr.word(c.X, startsWithBang(c.X) || lit && s == "exists")
	}
}

// startsWithBang reports whether w starts with an unquoted "!", which
// cannot start a condition's word.
func startsWithBang(w *Word) bool {
	l, ok := w.Parts[0].(*Lit)
	return ok && !l.Quoted && strings.HasPrefix(l.Value, "!")
}

func (pr *printer) list(l *List) {
	pr.str("[")
	for i, w := range l.Items {
		if i > 0 {
			pr.str(" ")
		}
		pr.word(w, false)
	}
	pr.str("]")
}

// word prints a word. With quoteLits, its unquoted literal parts are
// printed quoted.
func (pr *printer) word(w *Word, quoteLits bool) { pr.wordAt(w, quoteLits, true) }

// wordAt prints a word; start tells whether it starts a word of the
// output (the "to" of a range does not).
func (pr *printer) wordAt(w *Word, quoteLits, start bool) {
	if len(w.Parts) == 0 {
		pr.str("''")
		return
	}
	for i, part := range w.Parts {
		var next WordPart
		if i+1 < len(w.Parts) {
			next = w.Parts[i+1]
		}
		switch part := part.(type) {
		case *Lit:
			if !part.Quoted && !quoteLits && bareSafe(part.Value, start && i == 0) {
				pr.str(part.Value)
			} else {
				pr.str(quoteSingle(part.Value))
			}
		case *DblQuoted:
			pr.str(`"`)
			for j, dp := range part.Parts {
				var dnext WordPart
				if j+1 < len(part.Parts) {
					dnext = part.Parts[j+1]
				}
				if l, ok := dp.(*Lit); ok {
					pr.str(dqEscaper.Replace(l.Value))
				} else {
					pr.expansion(dp, dnext, true)
				}
			}
			pr.str(`"`)
		default:
			pr.expansion(part, next, false)
		}
	}
}

var dqEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`)

// expansion prints a parameter or arithmetic expansion; next is the part
// that follows it, if any.
func (pr *printer) expansion(part, next WordPart, inDQ bool) {
	switch part := part.(type) {
	case *ParamExp:
		if part.Braced || isName(part.Name) && continuesName(next, inDQ) {
			pr.str("${" + part.Name + part.Op + part.Word + "}")
		} else {
			pr.str("$" + part.Name)
		}
	case *ArithExp:
		pr.str("$((")
		pr.arith(part.X, 0)
		pr.str("))")
	}
}

// continuesName reports whether next, printed right after "$name", would
// continue the name.
func continuesName(next WordPart, inDQ bool) bool {
	l, ok := next.(*Lit)
	if !ok || l.Value == "" || !isIdent(l.Value[0]) {
		return false
	}
	return inDQ || !l.Quoted
}

// Precedences of arithmetic operators.
const (
	precSum = iota + 1
	precProduct
	precUnary
)

// arith prints an arithmetic expression, in parentheses if its precedence
// is below prec.
func (pr *printer) arith(x ArithExpr, prec int) {
	switch x := x.(type) {
	case *ArithNum:
		if x.Text != "" {
			pr.str(x.Text)
		} else {
			pr.str(strconv.FormatInt(x.Value, 10))
		}
	case *ArithVar:
		if x.Dollar {
			pr.str("$")
		}
		pr.str(x.Name)
	case *ArithUnary:
		pr.str(x.Op)
		pr.arith(x.X, precUnary)
	case *ArithBinary:
		p := precSum
		if x.Op == "*" || x.Op == "/" || x.Op == "%" {
			p = precProduct
		}
		if p < prec {
			pr.str("(")
		}
		pr.arith(x.X, p)
		pr.str(" " + x.Op + " ")
		pr.arith(x.Y, p+1)
		if p < prec {
			pr.str(")")
		}
	}
}
