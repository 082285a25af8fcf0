package lang

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// The lexer is a hand-written participle lexer.Definition. Its rules are
// those of the participle stateful lexer written out in lexer_spec_test.go,
// which is the executable specification: a test and the fuzz target check
// that both produce the same tokens. The stateful lexer itself is about 30
// times slower (it tries regular expressions one after another), too slow
// for the 10,000-line budget, and counts columns in runes, not bytes.
//
// States, as in the specification:
//
//	Root        between and inside words: blanks, newlines, operators and
//	            the pieces of words (bare text, quotes, escapes, $...).
//	Start       entered after a blank, newline or operator (and at the
//	            start of the file), where a word may begin: only there
//	            does "#" start a comment.
//	DQ          inside "double quotes".
//	Arith       inside $(( ... )); ArithParen inside a parenthesis there.
//	            Both return to their parent at a newline or a double
//	            quote, so an unclosed "$((" cannot swallow the file.
//
// The lexer never fails: whatever the grammar cannot use (an unclosed
// quote, a "|", a stray character in arithmetic) comes out as a token that
// the parser reports with a precise message.
//
// Token values keep their source text: "'abc'" for a single-quoted string,
// "${x}" for a braced parameter.

// Token types. EOF is participle's.
const (
	tEOF = lexer.EOF - iota
	tBare
	tBlank
	tNewline
	tLt
	tGt
	tLBrack
	tRBrack
	tSemi
	tPipe
	tAmp
	tSQ
	tEsc
	tBackslash
	tDQOpen
	tDQClose
	tDQLit
	tDQEsc
	tDQBackslash
	tParam
	tArithOpen
	tCmdSubst
	tBraced
	tDollar
	tArithClose
	tArithRParen
	tArithBad
	tArithNum
	tArithVar
	tArithOp
	tArithLParen
	// The lexer never produces the following types: the parser retags
	// tokens with them before handing a statement to participle, so that
	// the grammar can tell a keyword from a word that merely looks like one.
	tKeyword    // for, if, else, def, in, try as the first word
	tAssignName // NAME in "NAME = value" or "NAME=value"
	tEq         // "=" in "NAME = value"
	tEqTight    // "=" in "NAME=value"
	tLast
)

// tokenNames are the symbol names of the token types, as the grammar
// spells them.
var tokenNames = [...]string{
	"EOF", "Bare", "Blank", "Newline", "Lt", "Gt", "LBrack", "RBrack", "Semi",
	"Pipe", "Amp", "SQ", "Esc", "Backslash", "DQOpen", "DQClose", "DQLit",
	"DQEsc", "DQBackslash", "Param", "ArithOpen", "CmdSubst", "Braced",
	"Dollar", "ArithClose", "ArithRParen", "ArithBad", "ArithNum", "ArithVar",
	"ArithOp", "ArithLParen", "Keyword", "AssignName", "Eq", "EqTight",
}

func tokenName(t lexer.TokenType) string {
	i := int(lexer.EOF - t)
	if i < 0 || i >= len(tokenNames) {
		return "?"
	}
	return tokenNames[i]
}

// lexDef is nsh's lexer.Definition.
type lexDef struct{}

// Symbols implements lexer.Definition.
func (lexDef) Symbols() map[string]lexer.TokenType {
	m := make(map[string]lexer.TokenType, len(tokenNames))
	for i, name := range tokenNames {
		m[name] = lexer.EOF - lexer.TokenType(i)
	}
	return m
}

// Lex implements lexer.Definition.
func (d lexDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	var b strings.Builder
	if _, err := io.Copy(&b, r); err != nil {
		return nil, fmt.Errorf("lang: reading %s: %w", filename, err)
	}
	return d.LexString(filename, b.String())
}

// LexString implements lexer.StringDefinition.
func (lexDef) LexString(filename, s string) (lexer.Lexer, error) {
	return newScanner(filename, s), nil
}

type lexState uint8

const (
	sRoot lexState = iota
	sDQ
	sArith
	sArithParen
)

// scanner is the lexer. Positions count columns in bytes.
type scanner struct {
	src   string
	off   int
	pos   lexer.Position // position of src[off]
	stack []lexState     // never empty; stack[0] is sRoot
	start bool           // in the Start state: a "#" starts a comment
}

func newScanner(filename, src string) *scanner {
	return &scanner{
		src:   src,
		pos:   lexer.Position{Filename: filename, Line: 1, Column: 1},
		stack: []lexState{sRoot},
		start: true,
	}
}

// all returns every token up to and including EOF.
func (s *scanner) all() []lexer.Token {
	toks := make([]lexer.Token, 0, len(s.src)/3+1)
	for {
		t := s.next()
		toks = append(toks, t)
		if t.Type == tEOF {
			return toks
		}
	}
}

// Next implements lexer.Lexer.
func (s *scanner) Next() (lexer.Token, error) { return s.next(), nil }

// emit returns a token of n bytes at the current offset and moves past it.
func (s *scanner) emit(t lexer.TokenType, n int) lexer.Token {
	tok := lexer.Token{Type: t, Value: s.src[s.off : s.off+n], Pos: s.pos}
	s.skip(n)
	return tok
}

// skip moves n bytes forward, keeping the position up to date.
func (s *scanner) skip(n int) {
	span := s.src[s.off : s.off+n]
	s.off += n
	s.pos.Offset += n
	if i := strings.LastIndexByte(span, '\n'); i >= 0 {
		s.pos.Line += strings.Count(span, "\n")
		s.pos.Column = n - i
	} else {
		s.pos.Column += n
	}
}

func (s *scanner) push(st lexState) { s.stack = append(s.stack, st) }
func (s *scanner) pop()             { s.stack = s.stack[:len(s.stack)-1] }

func (s *scanner) next() lexer.Token {
	for s.off < len(s.src) {
		var t lexer.Token
		var ok bool
		switch s.stack[len(s.stack)-1] {
		case sRoot:
			t, ok = s.root()
		case sDQ:
			t, ok = s.dq()
		default:
			t, ok = s.arith()
		}
		if ok {
			return t
		}
	}
	return lexer.Token{Type: tEOF, Pos: s.pos}
}

// isBare reports whether c may appear in a bare word.
func isBare(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '<', '>', '[', ']', ';', '|', '&', '\'', '"', '\\', '$':
		return false
	}
	return true
}

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isIdent(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' }

// blankLen is the length of the blanks at src[i:]: spaces, tabs, carriage
// returns and backslash-newline line continuations.
func blankLen(src string, i int) int {
	j := i
	for j < len(src) {
		switch c := src[j]; {
		case c == ' ' || c == '\t' || c == '\r':
			j++
		case c == '\\' && j+1 < len(src) && src[j+1] == '\n':
			j += 2
		case c == '\\' && j+1 < len(src) && src[j+1] == '\r':
			j += 2
			if j < len(src) && src[j] == '\n' {
				j++
			}
		default:
			return j - i
		}
	}
	return j - i
}

// root lexes one token in the Root state; ok is false when it only moved
// past a comment.
func (s *scanner) root() (lexer.Token, bool) {
	src, i := s.src, s.off
	c := src[i]
	if s.start {
		s.start = false
		if c == '#' {
			n := strings.IndexByte(src[i:], '\n')
			if n < 0 {
				n = len(src) - i
			}
			s.skip(n)
			return lexer.Token{}, false
		}
	}
	if isBare(c) {
		j := i + 1
		for j < len(src) && isBare(src[j]) {
			j++
		}
		return s.emit(tBare, j-i), true
	}
	if n := blankLen(src, i); n > 0 {
		s.start = true
		return s.emit(tBlank, n), true
	}
	switch c {
	case '\n', '<', '>', '[', ']', ';':
		s.start = true
		return s.emit(opType[c], 1), true
	case '|', '&':
		s.start = true
		n := 1
		if i+1 < len(src) && src[i+1] == c {
			n = 2
		}
		return s.emit(opType[c], n), true
	case '\'':
		n := strings.IndexByte(src[i+1:], '\'')
		if n < 0 {
			return s.emit(tSQ, len(src)-i), true
		}
		return s.emit(tSQ, n+2), true
	case '\\':
		if i+1 == len(src) {
			return s.emit(tBackslash, 1), true
		}
		_, n := utf8.DecodeRuneInString(src[i+1:])
		return s.emit(tEsc, 1+n), true
	case '"':
		s.push(sDQ)
		return s.emit(tDQOpen, 1), true
	}
	return s.dollar(), true
}

var opType = [256]lexer.TokenType{
	'\n': tNewline, '<': tLt, '>': tGt, '[': tLBrack, ']': tRBrack, ';': tSemi,
	'|': tPipe, '&': tAmp,
}

// dollar lexes the "$" at the current offset.
func (s *scanner) dollar() lexer.Token {
	src, i := s.src, s.off
	if i+1 < len(src) {
		switch c := src[i+1]; {
		case isIdentStart(c):
			j := i + 2
			for j < len(src) && isIdent(src[j]) {
				j++
			}
			return s.emit(tParam, j-i)
		case '0' <= c && c <= '9' || c == '#' || c == '@' || c == '?' || c == '!':
			return s.emit(tParam, 2)
		case c == '(':
			if i+2 < len(src) && src[i+2] == '(' {
				s.push(sArith)
				return s.emit(tArithOpen, 3)
			}
			return s.emit(tCmdSubst, 2)
		case c == '{':
			j := i + 2
			for j < len(src) && !isBraceStop(src[j]) {
				j++
			}
			if j < len(src) && src[j] == '}' {
				j++
			}
			return s.emit(tBraced, j-i)
		}
	}
	return s.emit(tDollar, 1)
}

// isBraceStop reports whether c ends the name in "${name}".
func isBraceStop(c byte) bool {
	switch c {
	case '{', '}', ' ', '\t', '\n', '\f', '\r', '"', '\'', '\\', '$', '<', '>', ';', '|', '&':
		return true
	}
	return false
}

// dq lexes one token inside double quotes.
func (s *scanner) dq() (lexer.Token, bool) {
	src, i := s.src, s.off
	switch src[i] {
	case '"':
		s.pop()
		return s.emit(tDQClose, 1), true
	case '\\':
		if i+1 < len(src) {
			switch src[i+1] {
			case '\\', '"', '$':
				return s.emit(tDQEsc, 2), true
			case '\n':
				s.skip(2)
				return lexer.Token{}, false
			case '\r':
				if i+2 < len(src) && src[i+2] == '\n' {
					s.skip(3)
					return lexer.Token{}, false
				}
			}
		}
		return s.emit(tDQBackslash, 1), true
	case '$':
		return s.dollar(), true
	}
	j := i + 1
	for j < len(src) && src[j] != '"' && src[j] != '\\' && src[j] != '$' {
		j++
	}
	return s.emit(tDQLit, j-i), true
}

// arith lexes one token inside $(( )) or a parenthesis there. ok is false
// when it only moved past blanks or returned to the parent state.
func (s *scanner) arith() (lexer.Token, bool) {
	src, i := s.src, s.off
	inParen := s.stack[len(s.stack)-1] == sArithParen
	c := src[i]
	switch {
	case c == ')':
		if inParen {
			s.pop()
			return s.emit(tArithRParen, 1), true
		}
		if i+1 < len(src) && src[i+1] == ')' {
			s.pop()
			return s.emit(tArithClose, 2), true
		}
	case c == ' ' || c == '\t':
		s.skip(1)
		return lexer.Token{}, false
	case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
		s.skip(2)
		return lexer.Token{}, false
	case c == '\\' && i+2 < len(src) && src[i+1] == '\r' && src[i+2] == '\n':
		s.skip(3)
		return lexer.Token{}, false
	case '0' <= c && c <= '9':
		j := i + 1
		for j < len(src) && '0' <= src[j] && src[j] <= '9' {
			j++
		}
		return s.emit(tArithNum, j-i), true
	case isIdentStart(c) || c == '$' && i+1 < len(src) && isIdentStart(src[i+1]):
		j := i + 1
		for j < len(src) && isIdent(src[j]) {
			j++
		}
		return s.emit(tArithVar, j-i), true
	case c == '$' && i+1 < len(src) && strings.IndexByte("0123456789#?@", src[i+1]) >= 0:
		return s.emit(tArithVar, 2), true
	case strings.IndexByte("-+*/%!", c) >= 0:
		return s.emit(tArithOp, 1), true
	case c == '(':
		s.push(sArithParen)
		return s.emit(tArithLParen, 1), true
	}
	switch c {
	case ')':
		return s.emit(tArithRParen, 1), true
	case '\r', '\n', '"':
		s.pop() // Return: the parent state lexes it
		return lexer.Token{}, false
	}
	_, n := utf8.DecodeRuneInString(src[i:])
	return s.emit(tArithBad, n), true
}

// sliceLexer feeds a slice of tokens to participle, then an end token.
type sliceLexer struct {
	toks []lexer.Token
	end  lexer.Token
}

// Next implements lexer.Lexer.
func (l *sliceLexer) Next() (lexer.Token, error) {
	if len(l.toks) == 0 {
		return l.end, nil
	}
	t := l.toks[0]
	l.toks = l.toks[1:]
	return t, nil
}
