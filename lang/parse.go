package lang

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Parse parses a whole nsh script. filename is used in positions and error
// messages only.
//
// When the file has syntax errors, Parse returns a nil *File and an
// ErrorList holding every error of the file, sorted by position.
//
// The file is lexed once; the token stream is then split into statements
// and block headers at the structural tokens (newline, ";", "<", ">"),
// keeping track of the blocks, and each statement is parsed on its own by
// the participle grammar. So one bad statement yields one error and the
// parse goes on with the next.
func Parse(filename string, src []byte) (*File, error) {
	return parse(filename, src, true)
}

// parse is Parse; with fast false, every statement goes through the
// participle grammar (see fastStmt).
func parse(filename string, src []byte, fast bool) (*File, error) {
	p := &parser{sc: newScanner(filename, string(src)), fast: fast}
	stmts := p.stmts()
	p.trailingContinuation()
	if len(p.errs) > 0 {
		return nil, sortErrors(p.errs)
	}
	return &File{Name: filename, Stmts: stmts, EndPos: pos(p.at(p.i).Pos), Src: src}, nil
}

type stmtKind uint8

const (
	kCommand stmtKind = iota
	kAssign
	kFor
	kIf
	kElse
	kDef
	kIn
	kTry
)

var keywords = map[string]stmtKind{
	"for": kFor, "if": kIf, "else": kElse, "def": kDef, "in": kIn, "try": kTry,
}

// usage shows how a statement is written, for error messages.
var usage = [...]string{
	kFor:  "for VAR in ITEMS < ... >",
	kIf:   "if COND < ... >",
	kElse: "else < ... > or else if COND < ... >",
	kDef:  "def NAME PARAM... < ... >",
	kIn:   "in NS < ... > or in pid PID < ... >",
	kTry:  "try < ... >",
}

// parser holds the state of one Parse.
type parser struct {
	sc *scanner
	// toks is a window on the file's tokens: they are lexed as the parser
	// looks at them, and those of finished statements are dropped.
	toks      []lexer.Token
	i         int         // next token, in toks
	eof       bool        // toks ends with EOF
	beforeEOF lexer.Token // the token before EOF
	fast      bool        // use fastStmt
	depth     int         // open blocks
	errs      ErrorList
	// quoteEOF is set when an unclosed quote ran to the end of the file:
	// the blocks it left open are not reported.
	quoteEOF bool
	// missingOpen counts the block headers reported for lacking their
	// "<": as many unmatched ">" are theirs and not reported again.
	missingOpen int
	norm        []lexer.Token // see prepare
	// closers is the offset after the last run of ">" that redirection
	// found to close blocks: each ">" of the run asks again, and the
	// answer is the run's (">>>>..." closing many blocks would be
	// scanned once per ">").
	closers int
}

// at returns the token at index j of the window, lexing up to it; past
// the end of the file it returns the EOF token.
func (p *parser) at(j int) *lexer.Token {
	for j >= len(p.toks) && !p.eof {
		t := p.sc.next()
		if t.Type == tEOF {
			p.eof = true
			if n := len(p.toks); n > 0 {
				p.beforeEOF = p.toks[n-1]
			}
		}
		p.toks = append(p.toks, t)
	}
	return &p.toks[min(j, len(p.toks)-1)]
}

// compact drops the tokens before p.i. It is called between statements,
// when nothing refers to them any longer.
func (p *parser) compact() {
	if p.i >= 1024 {
		n := copy(p.toks, p.toks[p.i:])
		p.toks = p.toks[:n]
		p.i = 0
	}
}

func pos(p lexer.Position) Pos {
	return Pos{Filename: p.Filename, Offset: p.Offset, Line: p.Line, Col: p.Column}
}

// shift moves a position n bytes to the right on its line.
func shift(p lexer.Position, n int) lexer.Position {
	p.Offset += n
	p.Column += n
	return p
}

// tokEnd is the position just after t.
func tokEnd(t lexer.Token) Pos {
	p := t.Pos
	v := t.Value
	if i := strings.LastIndexByte(v, '\n'); i >= 0 {
		p.Line += strings.Count(v, "\n")
		p.Column = 1
		v = v[i+1:]
		p.Offset += i + 1
	}
	return pos(shift(p, len(v)))
}

func (p *parser) errorf(at lexer.Position, incomplete bool, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: pos(at), Msg: fmt.Sprintf(format, args...), Incomplete: incomplete})
}

func (p *parser) errorAt(at Pos, msg string) {
	p.errs = append(p.errs, &Error{Pos: at, Msg: msg})
}

// stmts parses statements up to the end of the file or, inside a block,
// up to its ">".
func (p *parser) stmts() []Stmt {
	var out []Stmt
	for {
		p.compact()
		t := *p.at(p.i)
		switch t.Type {
		case tNewline, tSemi, tBlank:
			p.i++
		case tEOF:
			return out
		case tGt:
			if p.redirection() {
				continue
			}
			if p.depth > 0 {
				return out
			}
			if p.missingOpen > 0 {
				// The ">" of a block whose "<" is missing, already
				// reported.
				p.missingOpen--
			} else {
				p.errorf(t.Pos, false, `unexpected ">": no block is open`)
			}
			p.i++
		default:
			if s := p.stmt(); s != nil {
				out = append(out, s)
			}
		}
	}
}

// redirection reports and skips the rest of the line when the ">" at p.i,
// where a statement would start, is followed by a word on its line: a
// redirection without a command (or after a block, which takes none). A
// block's ">" is followed by a newline, ";", another ">" or "else".
func (p *parser) redirection() bool {
	if p.at(p.i).Pos.Offset < p.closers {
		return false // in a run of ">" already found to close blocks
	}
	j := p.i
	for p.at(j).Type == tGt {
		j++
	}
	closers := p.at(j).Pos.Offset
	if p.at(j).Type == tBlank {
		j++
	}
	switch p.at(j).Type {
	case tNewline, tSemi, tEOF, tGt, tLt, tPipe, tAmp:
		p.closers = closers
		return false
	}
	if p.isElse(j) {
		p.closers = closers
		return false
	}
	p.errorf(p.at(p.i).Pos, false, `unexpected ">": a redirection goes after a command; quote ">" to use it literally`)
	p.skipLine()
	return true
}

// isElse reports whether the token at j is the keyword else.
func (p *parser) isElse(j int) bool {
	if t := p.at(j); t.Type != tBare || t.Value != "else" {
		return false
	}
	switch p.at(j + 1).Type {
	case tBlank, tLt, tGt, tNewline, tSemi, tEOF:
		return true
	}
	return false
}

// skipLine moves to the end of the line.
func (p *parser) skipLine() {
	for p.at(p.i).Type != tNewline && p.at(p.i).Type != tEOF {
		p.i++
	}
}

// segment returns the tokens of the statement at p.i, up to the token
// that ends it (not consumed): newline, ";", "<", ">" or EOF. In a
// statement that is not a block header, a "<" or ">" followed by a word on
// its line is a redirection and belongs to the statement (see isRedir).
func (p *parser) segment() (seg []lexer.Token, term lexer.Token) {
	start := p.i
	header := p.isHeader(p.i)
	for {
		switch p.at(p.i).Type {
		case tNewline:
			if !header && p.continues(start, p.i) {
				break // a list or pipeline goes on on the next line
			}
			return p.toks[start:p.i], *p.at(p.i)
		case tSemi, tEOF:
			return p.toks[start:p.i], *p.at(p.i)
		case tAmp:
			if p.isBackground(start, p.i) {
				return p.toks[start:p.i], *p.at(p.i)
			}
		case tLt, tGt:
			if header || !p.isRedir(start, p.i) {
				return p.toks[start:p.i], *p.at(p.i)
			}
		}
		p.i++
	}
}

// isBackground reports whether the "&" token at j, in a statement that
// starts at start, ends the statement to run it in the background: it is
// not "&&", nor part of the redirections "&>" and ">&".
func (p *parser) isBackground(start, j int) bool {
	if p.at(j).Value != "&" || p.at(j+1).Type == tGt {
		return false
	}
	return j == start || p.at(j-1).Type != tGt
}

// continues reports whether the last token before j, blanks and
// newlines aside, is "|", "||" or "&&", after which a command goes on on
// the next line.
func (p *parser) continues(start, j int) bool {
	for k := j - 1; k >= start; k-- {
		switch t := p.at(k); t.Type {
		case tBlank, tNewline:
		case tPipe:
			return true
		case tAmp:
			return t.Value == "&&"
		default:
			return false
		}
	}
	return false
}

// isHeader reports whether the statement at j starts with a keyword, and
// so is a block header (or the REPL's "in NS"), in which "<" and ">" are
// always block delimiters.
func (p *parser) isHeader(j int) bool {
	t := p.at(j)
	if t.Type != tBare {
		return false
	}
	if _, ok := keywords[t.Value]; !ok {
		return false
	}
	switch p.at(j + 1).Type {
	case tBlank, tLt, tGt, tNewline, tSemi, tEOF:
		return true
	}
	return false
}

// isRedir reports whether the "<" or ">" at j, in a command that starts at
// start, is a redirection: it is followed, after an optional second ">"
// or "&" and an optional blank, by a word on the same line. A ">" that is
// followed by a newline, ";", the end of the file, another ">" or "<", or
// "else" closes a block. A ">" right after "&" is always a redirection.
func (p *parser) isRedir(start, j int) bool {
	if p.at(j).Type == tGt && j > start {
		if t := p.at(j - 1); t.Type == tAmp && t.Value == "&" {
			return true
		}
	}
	k := j + 1
	if t := p.at(k); p.at(j).Type == tGt && (t.Type == tGt || t.Type == tAmp && t.Value == "&") {
		k++
	}
	if p.at(k).Type == tBlank {
		k++
	}
	switch p.at(k).Type {
	case tNewline, tSemi, tEOF, tGt, tLt, tPipe, tAmp, tBlank:
		return false
	}
	return !p.isElse(k)
}

// prepare copies a statement's tokens for the grammar: it drops the blanks
// that do not separate words (at both ends, inside brackets), tags a
// leading keyword, and tags and splits the NAME and "=" of an assignment.
// The copy goes in p.norm, which the next statement reuses: nothing may
// keep it once the statement's block is parsed.
func (p *parser) prepare(seg []lexer.Token) ([]lexer.Token, stmtKind) {
	norm := p.norm[:0]
	defer func() { p.norm = norm[:0] }()
	for k, t := range seg {
		if t.Type == tNewline {
			// After "|", "||" or "&&": the line goes on.
			t.Type = tBlank
			if len(norm) > 0 && norm[len(norm)-1].Type == tBlank {
				continue
			}
		}
		if t.Type == tBlank {
			if len(norm) > 0 && norm[len(norm)-1].Type == tBlank {
				continue
			}
			if len(norm) == 0 || norm[len(norm)-1].Type == tLBrack ||
				k+1 == len(seg) || seg[k+1].Type == tRBrack {
				continue
			}
		}
		norm = append(norm, t)
	}
	if len(norm) == 0 || norm[0].Type != tBare {
		return norm, kCommand
	}
	first := norm[0]
	oneToken := len(norm) == 1 || norm[1].Type == tBlank
	if oneToken {
		if k, ok := keywords[first.Value]; ok {
			norm[0].Type = tKeyword
			return norm, k
		}
		if isName(first.Value) && len(norm) >= 3 && norm[2].Type == tBare && norm[2].Value == "=" &&
			(len(norm) == 3 || norm[3].Type == tBlank) {
			norm[0].Type = tAssignName
			norm[2].Type = tEq
			return norm, kAssign
		}
	}
	if eq := strings.IndexByte(first.Value, '='); eq > 0 && isName(first.Value[:eq]) {
		split := []lexer.Token{
			{Type: tAssignName, Value: first.Value[:eq], Pos: first.Pos},
			{Type: tEqTight, Value: "=", Pos: shift(first.Pos, eq)},
		}
		if rest := first.Value[eq+1:]; rest != "" {
			split = append(split, lexer.Token{Type: tBare, Value: rest, Pos: shift(first.Pos, eq+1)})
		}
		norm = append(norm[:0], append(split, norm[1:]...)...)
		return norm, kAssign
	}
	return norm, kCommand
}

// isName reports whether s is an identifier: [A-Za-z_][A-Za-z0-9_]*.
func isName(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdent(s[i]) {
			return false
		}
	}
	return true
}

// stmt parses the statement at p.i, with its block if it has one. It
// returns nil after reporting an error.
func (p *parser) stmt() (st Stmt) {
	seg, term := p.segment()
	norm, kind := p.prepare(seg)
	if term.Type == tAmp {
		p.i++ // the "&" is the statement's, not the next one's
		switch {
		case len(norm) == 0:
			p.errorf(term.Pos, false, `unexpected "&": no command before it to run in the background`)
			return nil
		case kind != kCommand:
			p.errorf(term.Pos, false, `unexpected "&": only a command, a pipeline or a list runs in the background`)
			return nil
		}
		defer func() {
			if st != nil {
				st = &Background{X: st, Amp: pos(term.Pos)}
			}
		}()
	}
	if len(norm) == 0 { // a "<" with nothing before it
		p.errorf(term.Pos, false, `unexpected "<": a block goes at the end of a for, if, else, def, in or try line`)
		p.block()
		return nil
	}
	if term.Type == tLt && (kind == kCommand || kind == kAssign) {
		p.notAHeader(norm)
		return nil
	}
	if (kind == kCommand || kind == kAssign) && hasOperators(norm) {
		if !p.checkTokens(norm, true) {
			return nil
		}
		if kind == kAssign {
			for _, t := range norm {
				if isOperator(t) {
					p.errorf(t.Pos, false, "unexpected %q: an assignment cannot be part of a list or pipeline, or be redirected", t.Value)
					return nil
				}
			}
		}
		return p.andOr(norm, term)
	}
	var g *gStmt // nil after an error
	if p.checkTokens(norm, kind == kCommand || kind == kAssign) {
		if p.fast && (kind == kCommand || kind == kAssign) {
			if s, ok := p.fastStmt(norm, kind); ok {
				return s
			}
		}
		g = p.grammar(norm, kind, term)
	}
	switch kind {
	case kCommand:
		if g != nil {
			if c := p.command(g.Command); c != nil {
				return c
			}
		}
	case kAssign:
		if g != nil {
			if a := p.assign(g.Assign); a != nil {
				return a
			}
		}
	case kIn:
		var in *In
		if g != nil {
			in = p.in(g.In)
		}
		if term.Type == tLt {
			body := p.block()
			if in == nil || body == nil {
				return nil
			}
			in.Body = body
		}
		if in != nil {
			return in
		}
	case kElse:
		if g != nil {
			p.errorf(norm[0].Pos, false, `"else" without "if"`)
		}
		if term.Type == tLt {
			p.block()
		}
	default:
		if term.Type != tLt {
			if g != nil {
				p.missingBlock(norm[0].Value, kind, term)
			}
			return nil
		}
		return p.compound(g, kind)
	}
	return nil
}

// compound parses the block of a for, if, def or try whose header is g
// (nil if it had errors), and for an if its else parts.
func (p *parser) compound(g *gStmt, kind stmtKind) Stmt {
	switch kind {
	case kFor:
		var f *For
		if g != nil {
			f = p.forHeader(g.For)
		}
		body := p.block()
		if f != nil && body != nil {
			f.Body = body
			return f
		}
	case kIf:
		var s *If
		if g != nil {
			if cond := p.cond(g.If.Cond); cond != nil {
				s = &If{IfPos: pos(g.If.Kw.Pos), Cond: cond}
			}
		}
		then := p.block()
		if then == nil {
			return nil
		}
		if s != nil {
			s.Then = then
		}
		if p.elses(s) && s != nil {
			return s
		}
	case kDef:
		var d *Def
		if g != nil {
			d = p.def(g.Def)
		}
		body := p.block()
		if d != nil && body != nil {
			d.Body = body
			return d
		}
	case kTry:
		body := p.block()
		if g != nil && body != nil {
			return &Try{TryPos: pos(g.Try.Kw.Pos), Body: body}
		}
	}
	return nil
}

// elses parses the else parts that follow an if's block, on the same line
// as its ">" or on a later line, and attaches them to s. s is nil when the
// if had errors: the else parts are still parsed, for their errors. It
// reports whether all went well.
func (p *parser) elses(s *If) bool {
	ok := true
	for {
		j := p.i
		for p.at(j).Type == tBlank || p.at(j).Type == tNewline {
			j++
		}
		if !p.isElse(j) {
			return ok
		}
		p.i = j
		seg, term := p.segment()
		norm, kind := p.prepare(seg)
		var g *gStmt
		if p.checkTokens(norm, false) {
			g = p.grammar(norm, kind, term)
		}
		var elif *If
		if g != nil && g.Else.If != nil {
			if cond := p.cond(g.Else.If.Cond); cond != nil {
				elif = &If{IfPos: pos(g.Else.If.Kw.Pos), Cond: cond}
			}
		}
		if term.Type != tLt {
			if g != nil {
				p.missingBlock("else", kElse, term)
			}
			return false
		}
		body := p.block()
		if body == nil {
			return false
		}
		if g == nil || (g.Else.If != nil && elif == nil) {
			ok = false
			s = nil
			continue
		}
		if g.Else.If == nil {
			if s != nil {
				s.Else = body
			}
			return ok
		}
		elif.Then = body
		if s != nil {
			s.Else = elif
		}
		s = elif
	}
}

// missingBlock reports a block header that does not end with "<". When
// the "<" starts a later line, the block that follows is taken as the
// header's; otherwise the first unmatched ">" is taken as the end of the
// missing block, and not reported again.
func (p *parser) missingBlock(keyword string, kind stmtKind, term lexer.Token) {
	j := p.i
	for p.at(j).Type == tNewline || p.at(j).Type == tBlank {
		j++
	}
	if term.Type == tNewline && p.at(j).Type == tLt {
		p.i = j
		p.errorf(p.at(j).Pos, false, `"<" must end the %q line: %s`, keyword, usage[kind])
		p.block()
		return
	}
	p.errorf(term.Pos, false, "%q needs a block: %s", keyword, usage[kind])
	p.missingOpen++
}

// block parses "< STMTS >" at p.i. It returns nil after reporting an
// unclosed block.
func (p *parser) block() *Block {
	open := *p.at(p.i)
	p.i++
	p.depth++
	stmts := p.stmts()
	p.depth--
	closer := *p.at(p.i)
	if closer.Type != tGt {
		if !p.quoteEOF {
			p.errorf(closer.Pos, true, `unclosed block: "<" at %d:%d has no matching ">"`, open.Pos.Line, open.Pos.Column)
		}
		return nil
	}
	p.i++
	return &Block{Open: pos(open.Pos), Close: pos(closer.Pos), Stmts: stmts}
}

// notAHeader reports a "<" at p.i after a command or an assignment, not
// followed by a word (which would make it an input redirection). When the
// "<" ends its line it is taken as the start of a block (with a mistyped
// keyword, say) and the block is skipped; otherwise the rest of the line
// is skipped.
func (p *parser) notAHeader(norm []lexer.Token) {
	lt := *p.at(p.i)
	j := p.i + 1
	if p.at(j).Type == tBlank {
		j++
	}
	if t := p.at(j).Type; t == tNewline || t == tEOF {
		p.errorf(lt.Pos, false, `unexpected "<": %q does not take a block (blocks follow for, if, else, def, in and try)`, firstWord(norm))
		p.block()
		return
	}
	p.errorf(lt.Pos, false, `unexpected "<": %q does not take a block; an input redirection is < FILE`, firstWord(norm))
	p.skipLine()
}

// firstWord is the source text of a statement's first word.
func firstWord(norm []lexer.Token) string {
	var name strings.Builder
	for _, t := range norm {
		if t.Type == tBlank {
			break
		}
		name.WriteString(t.Value)
	}
	return name.String()
}

// grammar parses a statement's tokens, which checkTokens has passed, with
// the participle grammar. It returns nil after reporting an error.
func (p *parser) grammar(norm []lexer.Token, kind stmtKind, term lexer.Token) *gStmt {
	pl, err := lexer.Upgrade(&sliceLexer{toks: norm, end: lexer.Token{Type: tEOF, Pos: term.Pos}})
	if err == nil {
		var g *gStmt
		g, err = parseKind(kind, pl)
		if err == nil {
			return g
		}
	}
	p.syntaxError(norm, kind, term, err)
	return nil
}

// checkTokens reports the first token of a statement that no grammar rule
// accepts, with a message that says why: unclosed quotes and brackets,
// unsupported operators and substitutions. cmd tells whether the statement
// is a command, where "|", "||" and "&&" are allowed, or a block header.
func (p *parser) checkTokens(norm []lexer.Token, cmd bool) bool {
	var dq, arith, brack *lexer.Token
	arithDepth := 0
	var nest arithNest
	for k := range norm {
		t := &norm[k]
		switch t.Type {
		case tSQ:
			if len(t.Value) < 2 || t.Value[len(t.Value)-1] != '\'' {
				p.quoteEOF = true
				p.errorf(t.Pos, true, "unclosed single quote")
				return false
			}
		case tDQOpen:
			dq = t
		case tDQClose:
			dq = nil
		case tBackslash:
			p.errorf(t.Pos, true, `unexpected end of file after "\"`)
			return false
		case tPipe, tAmp:
			if t.Type == tAmp && t.Value == "&" {
				continue // &> or >&: a "&" of its own ended the statement
			}
			if !cmd {
				p.errorf(t.Pos, false, `unexpected %q: a %q line cannot be part of a list or pipeline`, t.Value, norm[0].Value)
				return false
			}
		case tCmdSubst:
			p.errorf(t.Pos, false, `command substitution "$(" is not supported; use $((...)) for arithmetic`)
			return false
		case tBraced:
			v := t.Value
			if !strings.HasSuffix(v, "}") {
				p.errorf(t.Pos, false, `unclosed "${": want ${NAME}`)
				return false
			}
			if _, _, _, ok := splitParamOp(v[2 : len(v)-1]); !ok {
				p.errorf(t.Pos, false, "bad substitution %q: want ${NAME} or ${NAME:-WORD} (also :=, :+, :?)", v)
				return false
			}
		case tArithOpen:
			if arithDepth == 0 {
				arith = t
			}
			arithDepth++
			nest = arithNest{operand: true}
		case tArithClose:
			arithDepth--
		case tArithOp, tArithLParen, tArithRParen, tArithNum, tArithVar:
			if nest.add(t) > maxArithNesting {
				p.errorf(t.Pos, false, "arithmetic nested too deeply: more than %d parentheses and unary operators", maxArithNesting)
				return false
			}
		case tArithBad:
			p.errorf(t.Pos, false, "unexpected %q in arithmetic", t.Value)
			return false
		case tLBrack:
			if brack == nil {
				brack = t
			}
		case tRBrack:
			brack = nil
		}
	}
	switch {
	case dq != nil:
		p.quoteEOF = true
		p.errorf(dq.Pos, true, "unclosed double quote")
	case arithDepth > 0:
		p.errorf(arith.Pos, false, `unclosed "$((": want $(( EXPR )) on one line`)
	case brack != nil:
		p.errorf(brack.Pos, false, `unclosed "[": a list ends with "]" on the same line`)
	default:
		return true
	}
	return false
}

// maxArithNesting bounds how deep parentheses and unary operators nest
// in $(( )), as bash bounds its expression recursion: the grammar and
// the evaluation recurse once per level.
const maxArithNesting = 1000

// arithNest follows how deep each token of an arithmetic expression
// nests: a "(" and each unary operator before an operand add a level,
// which the end of that operand gives back.
type arithNest struct {
	depth   int   // where the next token is
	bases   []int // for each open "(", the depth of the expression inside
	operand bool  // an operand comes next, not an operator
}

// base is the depth of the innermost expression: of its operands and
// binary operators.
func (n *arithNest) base() int {
	if len(n.bases) == 0 {
		return 0
	}
	return n.bases[len(n.bases)-1]
}

// add returns the depth of t, an arithmetic token.
func (n *arithNest) add(t *lexer.Token) int {
	d := n.depth
	switch {
	case t.Type == tArithOp && n.operand:
		n.depth++ // a unary operator: its operand is a level down
	case t.Type == tArithOp:
		n.operand = true // a binary operator
	case t.Type == tArithLParen:
		n.depth++
		n.bases = append(n.bases, n.depth)
		n.operand = true
	case t.Type == tArithRParen:
		if len(n.bases) > 0 {
			n.bases = n.bases[:len(n.bases)-1]
		}
		n.depth, n.operand = n.base(), false // the group was an operand
	default: // a number or a variable: an operand
		n.depth, n.operand = n.base(), false
	}
	return max(d, n.depth)
}

// isParamName reports whether s names a parameter: a variable, a
// positional parameter 1 to 9, #, @ or ?.
func isParamName(s string) bool {
	if len(s) == 1 && strings.Contains("123456789#@?!", s) {
		return true
	}
	return isName(s)
}

// trailingContinuation reports a "\" line continuation that ends the file:
// the statement goes on in input that has not come yet.
func (p *parser) trailingContinuation() {
	t := p.beforeEOF
	if t.Type != tBlank {
		return
	}
	v := strings.TrimRight(t.Value, " \t\r")
	if strings.HasSuffix(v, "\\\n") || strings.HasSuffix(v, "\\\r\n") || strings.HasSuffix(v, "\\\r") {
		i := strings.LastIndexByte(v, '\\')
		p.errorf(shiftIn(t, i), true, `unexpected end of file after "\"`)
	}
}

// shiftIn is the position of byte i of token t.
func shiftIn(t lexer.Token, i int) lexer.Position {
	pre := lexer.Token{Pos: t.Pos, Value: t.Value[:i]}
	e := tokEnd(pre)
	return lexer.Position{Filename: e.Filename, Offset: e.Offset, Line: e.Line, Column: e.Col}
}

// syntaxError reports the error participle found in a statement, with a
// message that fits where it is.
func (p *parser) syntaxError(norm []lexer.Token, kind stmtKind, term lexer.Token, err error) {
	bad := lexer.Token{Type: tEOF, Pos: term.Pos}
	var ute *participle.UnexpectedTokenError
	var perr participle.Error
	switch {
	case errors.As(err, &ute):
		bad = ute.Unexpected
	case errors.As(err, &perr):
		bad.Pos = perr.Position()
		for _, t := range norm {
			if t.Pos.Offset == bad.Pos.Offset {
				bad = t
				break
			}
		}
	}
	if bad.Type == tBlank {
		// Participle expected more of the word before the blank: the
		// trouble is the next word.
		next := lexer.Token{Type: tEOF, Pos: term.Pos}
		for i, t := range norm {
			if t.Pos.Offset == bad.Pos.Offset && i+1 < len(norm) {
				next = norm[i+1]
				break
			}
		}
		bad = next
	}
	what := describe(bad, term)
	// Which word of the statement the bad token is in.
	k := len(norm)
	if bad.Type != tEOF {
		for i, t := range norm {
			if t.Pos.Offset >= bad.Pos.Offset {
				k = i
				break
			}
		}
	}
	words := splitWords(norm)
	w := 0
	for _, t := range norm[:k] {
		if t.Type == tBlank {
			w++
		}
	}
	word := func(i int) string {
		if i < len(words) && len(words[i]) == 1 && words[i][0].Type == tBare {
			return words[i][0].Value
		}
		return ""
	}
	msg := "unexpected " + what
	switch {
	case isArithToken(bad.Type):
		msg += " in arithmetic"
	case kind == kFor && w <= 1:
		msg = `"for" needs a variable name: ` + usage[kFor]
	case kind == kFor && w == 2:
		msg = `"for" needs "in": ` + usage[kFor]
	case kind == kDef && w <= 1:
		msg = `"def" needs a procedure name: ` + usage[kDef]
	case kind == kDef:
		msg += ": parameters are plain names: " + usage[kDef]
	case kind == kIn && w <= 1 && bad.Type == tEOF:
		msg = `"in" needs a namespace: ` + usage[kIn]
	case kind == kIn:
		msg += ": " + usage[kIn]
	case kind == kTry:
		msg += `: "try" takes no arguments: ` + usage[kTry]
	case kind == kElse && word(1) != "if":
		msg += ` after "else": ` + usage[kElse]
	case kind == kIf || kind == kElse:
		c := 1 // the condition's first word
		if kind == kElse {
			c = 2
		}
		for word(c) == "!" {
			c++
		}
		switch {
		case w <= c && bad.Type == tEOF:
			msg = `"if" needs a condition: ` + usage[kIf]
		case word(c) == "exists" && w <= c+2:
			msg = `"exists" needs netns or link and a name: exists netns NAME, exists link NAME`
		case w == c+1 && what == `"="`:
			msg += `: compare strings with "=="`
		default:
			msg += " in condition: want WORD, WORD OP WORD, ! COND or exists netns|link NAME, with OP one of == != -eq -ne -lt -le -gt -ge"
		}
	case bad.Type == tLBrack || bad.Type == tRBrack:
		msg += `: lists [...] are for assignments and for items; quote it to use it literally`
	}
	p.errorf(bad.Pos, false, "%s", msg)
}

// describe names a token for an error message.
func describe(t, term lexer.Token) string {
	if t.Type == tEOF {
		t = term
	}
	switch t.Type {
	case tEOF:
		return "end of file"
	case tNewline:
		return "newline"
	}
	return strconv.Quote(t.Value)
}

func isArithToken(t lexer.TokenType) bool {
	switch t {
	case tArithClose, tArithRParen, tArithBad, tArithNum, tArithVar, tArithOp, tArithLParen:
		return true
	}
	return false
}

// splitWords splits a statement's tokens into words at blanks.
func splitWords(norm []lexer.Token) [][]lexer.Token {
	var words [][]lexer.Token
	start := 0
	for i, t := range norm {
		if t.Type == tBlank {
			words = append(words, norm[start:i])
			start = i + 1
		}
	}
	return append(words, norm[start:])
}
