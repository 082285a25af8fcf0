package lang

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"sync"
)

// The participle grammar of one statement or block header. The parser
// (parse.go) splits a file into statements at newlines, ";", "<" and ">",
// trims the blanks that do not separate words, retags keywords and
// assignment names, and hands each statement to this grammar on its own,
// so that one bad statement cannot hide the errors of the next.
//
// Blank tokens separate words: adjacent word pieces with no Blank between
// them form one word. None of these types leave the package.

// gStmt is a statement, or a block header without its "<".
type gStmt struct {
	For     *gFor     `parser:"  @@"`
	If      *gIf      `parser:"| @@"`
	Else    *gElse    `parser:"| @@"`
	Def     *gDef     `parser:"| @@"`
	In      *gIn      `parser:"| @@"`
	Try     *gTry     `parser:"| @@"`
	Assign  *gAssign  `parser:"| @@"`
	Command *gCommand `parser:"| @@"`
}

// gFor is "for VAR in ITEM...".
type gFor struct {
	Kw    lexer.Token `parser:"@\"for\":Keyword Blank"`
	Var   lexer.Token `parser:"@Bare Blank \"in\":Bare"`
	Items []*gItem    `parser:"(Blank @@)*"`
}

// gItem is an item of a for: a list or a word (maybe a range).
type gItem struct {
	List *gList `parser:"  @@"`
	Word *gWord `parser:"| @@"`
}

// gIf is "if COND".
type gIf struct {
	Kw   lexer.Token `parser:"@\"if\":Keyword Blank"`
	Cond *gCond      `parser:"@@"`
}

// gElse is "else" or "else if COND".
type gElse struct {
	Kw lexer.Token `parser:"@\"else\":Keyword"`
	If *gElseIf    `parser:"(Blank @@)?"`
}

// gElseIf is the "if COND" after "else".
type gElseIf struct {
	Kw   lexer.Token `parser:"@\"if\":Bare Blank"`
	Cond *gCond      `parser:"@@"`
}

// gCond is a condition.
type gCond struct {
	Not    *gNot    `parser:"  @@"`
	Exists *gExists `parser:"| @@"`
	Cmp    *gCmp    `parser:"| @@"`
}

// gNot is "! COND".
type gNot struct {
	Bang lexer.Token `parser:"@\"!\":Bare Blank"`
	X    *gCond      `parser:"@@"`
}

// gExists is "exists netns NAME" or "exists link NAME".
type gExists struct {
	Kw   lexer.Token `parser:"@\"exists\":Bare Blank"`
	Kind lexer.Token `parser:"@(\"netns\":Bare | \"link\":Bare) Blank"`
	Name *gWord      `parser:"@@"`
}

// gCmp is "WORD OP WORD", or a single word.
type gCmp struct {
	X  *gWord      `parser:"@@"`
	Op lexer.Token `parser:"(Blank @(\"==\":Bare | \"!=\":Bare | \"-eq\":Bare | \"-ne\":Bare | \"-lt\":Bare | \"-le\":Bare | \"-gt\":Bare | \"-ge\":Bare) Blank"`
	Y  *gWord      `parser:"@@)?"`
}

// gDef is "def NAME PARAM...".
type gDef struct {
	Kw     lexer.Token `parser:"@\"def\":Keyword Blank"`
	Name   lexer.Token `parser:"@Bare"`
	Params []*gParam   `parser:"(Blank @@)*"`
}

// gParam is a parameter of a def.
type gParam struct {
	Name lexer.Token `parser:"@Bare"`
}

// gIn is "in NS" or "in pid PID".
type gIn struct {
	Kw  lexer.Token `parser:"@\"in\":Keyword Blank"`
	Pid lexer.Token `parser:"(@\"pid\":Bare Blank)?"`
	NS  *gWord      `parser:"@@"`
}

// gTry is "try".
type gTry struct {
	Kw lexer.Token `parser:"@\"try\":Keyword"`
}

// gAssign is "NAME = VALUE" or "NAME=VALUE". Extra holds the words that
// follow the value, which are an error.
type gAssign struct {
	Name   lexer.Token `parser:"@AssignName"`
	Tight  *gTight     `parser:"( @@"`
	Spaced *gSpaced    `parser:"| @@ )"`
	Extra  []*gValue   `parser:"(Blank @@)*"`
}

// gTight is the "=VALUE" of "NAME=VALUE".
type gTight struct {
	Eq    lexer.Token `parser:"@EqTight"`
	Value *gValue     `parser:"@@?"`
}

// gSpaced is the " = VALUE" of "NAME = VALUE".
type gSpaced struct {
	Eq    lexer.Token `parser:"Blank @Eq"`
	Value *gValue     `parser:"(Blank @@)?"`
}

// gValue is the value of an assignment.
type gValue struct {
	List *gList `parser:"  @@"`
	Word *gWord `parser:"| @@"`
}

// gCommand is a simple command.
type gCommand struct {
	Words []*gWord `parser:"@@ (Blank @@)*"`
}

// gList is "[WORD...]".
type gList struct {
	Open  lexer.Token `parser:"@LBrack"`
	Items []*gWord    `parser:"(@@ (Blank @@)*)?"`
	Close lexer.Token `parser:"@RBrack"`
}

// gWord is one word: adjacent pieces.
type gWord struct {
	Parts []*gPart `parser:"@@+"`
}

// gPart is a piece of a word.
type gPart struct {
	Tok   lexer.Token `parser:"  @(Bare | Param | SQ | Braced | Esc | Dollar)"`
	DQ    *gDQ        `parser:"| @@"`
	Arith *gArith     `parser:"| @@"`
}

// gDQ is a "double quoted" string.
type gDQ struct {
	Open  lexer.Token `parser:"@DQOpen"`
	Parts []*gDQPart  `parser:"@@*"`
	Close lexer.Token `parser:"@DQClose"`
}

// gDQPart is a piece of a double-quoted string.
type gDQPart struct {
	Tok   lexer.Token `parser:"  @(DQLit | Param | Braced | DQEsc | DQBackslash | Dollar)"`
	Arith *gArith     `parser:"| @@"`
}

// gArith is "$(( EXPR ))".
type gArith struct {
	Open  lexer.Token `parser:"@ArithOpen"`
	X     *gExpr      `parser:"@@"`
	Close lexer.Token `parser:"@ArithClose"`
}

// gExpr is "OPERAND (OP OPERAND)...". The grammar is flat, which makes it
// several times faster than one rule per precedence level; the parser
// applies the precedences (* / % above + -, left-associative).
type gExpr struct {
	X    *gOperand    `parser:"@@"`
	Rest []*gBinaryOp `parser:"@@*"`
}

// gBinaryOp is a binary operator and its right operand.
type gBinaryOp struct {
	Op lexer.Token `parser:"@(\"+\":ArithOp | \"-\":ArithOp | \"*\":ArithOp | \"/\":ArithOp | \"%\":ArithOp)"`
	Y  *gOperand   `parser:"@@"`
}

// gOperand is "-OPERAND", "+OPERAND", "!OPERAND", a number, a variable
// or "( EXPR )".
type gOperand struct {
	Op    lexer.Token `parser:"(  @(\"-\":ArithOp | \"+\":ArithOp | \"!\":ArithOp)"`
	X     *gOperand   `parser:"   @@ )"`
	Num   lexer.Token `parser:"| @ArithNum"`
	Var   lexer.Token `parser:"| @ArithVar"`
	Paren *gExpr      `parser:"| ArithLParen @@ ArithRParen"`
}

// stmtParser is the participle parser for one statement. The parser
// knows what kind of statement it has from its first token, and uses the
// parser of that production, which saves trying the others in turn.
// Building the grammar takes milliseconds: it is done on first use, not
// at start-up (nsh called as ip never parses nsh).
var stmtParser = sync.OnceValue(func() *participle.Parser[gStmt] {
	return participle.MustBuild[gStmt](
		participle.Lexer(lexDef{}),
		participle.UseLookahead(2),
	)
})

// parsers are the parsers of each production, built with stmtParser.
type parsers struct {
	forP     *participle.Parser[gFor]
	ifP      *participle.Parser[gIf]
	elseP    *participle.Parser[gElse]
	defP     *participle.Parser[gDef]
	inP      *participle.Parser[gIn]
	tryP     *participle.Parser[gTry]
	assignP  *participle.Parser[gAssign]
	commandP *participle.Parser[gCommand]
}

var productions = sync.OnceValue(func() *parsers {
	return &parsers{
		forP:     production[gFor](),
		ifP:      production[gIf](),
		elseP:    production[gElse](),
		defP:     production[gDef](),
		inP:      production[gIn](),
		tryP:     production[gTry](),
		assignP:  production[gAssign](),
		commandP: production[gCommand](),
	}
})

func production[P any]() *participle.Parser[P] {
	p, err := participle.ParserForProduction[P](stmtParser())
	if err != nil {
		panic(err)
	}
	return p
}

// parseKind parses a statement of a known kind.
func parseKind(kind stmtKind, pl *lexer.PeekingLexer) (*gStmt, error) {
	var g gStmt
	var err error
	ps := productions()
	switch kind {
	case kFor:
		g.For, err = ps.forP.ParseFromLexer(pl)
	case kIf:
		g.If, err = ps.ifP.ParseFromLexer(pl)
	case kElse:
		g.Else, err = ps.elseP.ParseFromLexer(pl)
	case kDef:
		g.Def, err = ps.defP.ParseFromLexer(pl)
	case kIn:
		g.In, err = ps.inP.ParseFromLexer(pl)
	case kTry:
		g.Try, err = ps.tryP.ParseFromLexer(pl)
	case kAssign:
		g.Assign, err = ps.assignP.ParseFromLexer(pl)
	default:
		g.Command, err = ps.commandP.ParseFromLexer(pl)
	}
	return &g, err
}
