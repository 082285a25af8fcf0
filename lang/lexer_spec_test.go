package lang

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// specRules is the lexer written as participle stateful lexer rules: the
// executable specification of the hand-written lexer in lexer.go, which
// must produce the same tokens (TestLexerSpec, FuzzParse).
//
// The stateful lexer cannot start in the Start state, where a "#" starts
// a comment, so specTokens lexes "\n" + src and drops that newline.
var specRules = lexer.Rules{
	"Root": {
		{Name: "Bare", Pattern: `[^ \t\r\n<>\[\];|&'"\\$]+`},
		{Name: "Blank", Pattern: `(?:[ \t\r]|\\\r\n?|\\\n)+`, Action: lexer.Push("Start")},
		{Name: "Newline", Pattern: `\n`, Action: lexer.Push("Start")},
		{Name: "Lt", Pattern: `<`, Action: lexer.Push("Start")},
		{Name: "Gt", Pattern: `>`, Action: lexer.Push("Start")},
		{Name: "LBrack", Pattern: `\[`, Action: lexer.Push("Start")},
		{Name: "RBrack", Pattern: `\]`, Action: lexer.Push("Start")},
		{Name: "Semi", Pattern: `;`, Action: lexer.Push("Start")},
		{Name: "Pipe", Pattern: `\|\|?`, Action: lexer.Push("Start")},
		{Name: "Amp", Pattern: `&&?`, Action: lexer.Push("Start")},
		{Name: "SQ", Pattern: `'[^']*'?`},
		{Name: "Esc", Pattern: `\\[^\r\n]`},
		{Name: "Backslash", Pattern: `\\`},
		{Name: "DQOpen", Pattern: `"`, Action: lexer.Push("DQ")},
		lexer.Include("Dollar"),
	},
	"Start": {
		{Name: "comment", Pattern: `#[^\n]*`},
		lexer.Return(),
	},
	"Dollar": {
		{Name: "Param", Pattern: `\$(?:[A-Za-z_][A-Za-z0-9_]*|[0-9#@?!])`},
		{Name: "ArithOpen", Pattern: `\$\(\(`, Action: lexer.Push("Arith")},
		{Name: "CmdSubst", Pattern: `\$\(`},
		{Name: "Braced", Pattern: `\$\{[^{}\s"'\\$<>;|&]*\}?`},
		{Name: "Dollar", Pattern: `\$`},
	},
	"DQ": {
		{Name: "DQLit", Pattern: `[^"\\$]+`},
		{Name: "DQClose", Pattern: `"`, Action: lexer.Pop()},
		{Name: "DQEsc", Pattern: `\\[\\"$]`},
		{Name: "dqCont", Pattern: `\\\r?\n`},
		{Name: "DQBackslash", Pattern: `\\`},
		lexer.Include("Dollar"),
	},
	"Arith": {
		{Name: "ArithClose", Pattern: `\)\)`, Action: lexer.Pop()},
		lexer.Include("ArithExpr"),
		{Name: "ArithRParen", Pattern: `\)`},
		{Name: "ArithBad", Pattern: `[^\r\n"]`},
		lexer.Return(),
	},
	"ArithParen": {
		{Name: "ArithRParen", Pattern: `\)`, Action: lexer.Pop()},
		lexer.Include("ArithExpr"),
		{Name: "ArithBad", Pattern: `[^\r\n"]`},
		lexer.Return(),
	},
	"ArithExpr": {
		{Name: "arithBlank", Pattern: `(?:[ \t]|\\\r?\n)+`},
		{Name: "ArithNum", Pattern: `[0-9]+`},
		{Name: "ArithVar", Pattern: `\$?[A-Za-z_][A-Za-z0-9_]*|\$[0-9#?@]`},
		{Name: "ArithOp", Pattern: `[-+*/%!]`},
		{Name: "ArithLParen", Pattern: `\(`, Action: lexer.Push("ArithParen")},
	},
}

var specLexer = lexer.MustStateful(specRules)

// specTokens lexes src with the specification, printing each token as
// "Type@offset:value".
func specTokens(src string) ([]string, error) {
	names := lexer.SymbolsByRune(specLexer)
	l, err := specLexer.LexString("", "\n"+src)
	if err != nil {
		return nil, err
	}
	toks, err := lexer.ConsumeAll(l)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range toks[1:] {
		out = append(out, fmt.Sprintf("%s@%d:%q", names[t.Type], t.Pos.Offset-1, t.Value))
	}
	return out, nil
}

// implTokens lexes src with the lexer, in the same format.
func implTokens(src string) []string {
	var out []string
	for _, t := range newScanner("", src).all() {
		out = append(out, fmt.Sprintf("%s@%d:%q", tokenName(t.Type), t.Pos.Offset, t.Value))
	}
	return out
}

// checkLexerSpec fails the test if the lexer and its specification
// disagree on src.
func checkLexerSpec(t *testing.T, src string) {
	t.Helper()
	want, err := specTokens(src)
	if err != nil {
		t.Fatalf("specification lexer on %q: %v", src, err)
	}
	got := implTokens(src)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		for i := range max(len(got), len(want)) {
			var g, w string
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Fatalf("lexer disagrees with its specification on %q at token %d:\n got: %s\nwant: %s", src, i, g, w)
			}
		}
	}
}

// TestLexerPositions checks the lines and byte columns of tokens.
func TestLexerPositions(t *testing.T) {
	src := "a  'x\ny' é\\\n  b\r\n\"c\nd\"$x"
	var got []string
	for _, tok := range newScanner("f", src).all() {
		got = append(got, fmt.Sprintf("%s %d:%d+%d", tokenName(tok.Type), tok.Pos.Line, tok.Pos.Column, tok.Pos.Offset))
	}
	want := []string{
		"Bare 1:1+0", "Blank 1:2+1", "SQ 1:4+3", "Blank 2:3+8", "Bare 2:4+9",
		"Blank 2:6+11", "Bare 3:3+15", "Blank 3:4+16", "Newline 3:5+17",
		"DQOpen 4:1+18", "DQLit 4:2+19", "DQClose 5:2+22", "Param 5:3+23", "EOF 5:5+25",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
