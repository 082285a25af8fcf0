package lang

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
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
	Kw     lexer.Token   `parser:"@\"def\":Keyword Blank"`
	Name   lexer.Token   `parser:"@Bare"`
	Params []lexer.Token `parser:"(Blank @Bare)*"`
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
	Extra  []*gWord    `parser:"(Blank @@)*"`
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
	Tok   lexer.Token `parser:"  @(Bare | SQ | Esc | Param | Braced | Dollar)"`
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
	Tok   lexer.Token `parser:"  @(DQLit | DQEsc | DQBackslash | Param | Braced | Dollar)"`
	Arith *gArith     `parser:"| @@"`
}

// gArith is "$(( EXPR ))".
type gArith struct {
	Open  lexer.Token `parser:"@ArithOpen"`
	X     *gSum       `parser:"@@"`
	Close lexer.Token `parser:"@ArithClose"`
}

// gSum is "PRODUCT (+|- PRODUCT)...".
type gSum struct {
	X    *gProduct `parser:"@@"`
	Rest []*gSumOp `parser:"@@*"`
}

// gSumOp is "+ PRODUCT" or "- PRODUCT".
type gSumOp struct {
	Op lexer.Token `parser:"@(\"+\":ArithOp | \"-\":ArithOp)"`
	Y  *gProduct   `parser:"@@"`
}

// gProduct is "UNARY (*|/|% UNARY)...".
type gProduct struct {
	X    *gUnary       `parser:"@@"`
	Rest []*gProductOp `parser:"@@*"`
}

// gProductOp is "* UNARY", "/ UNARY" or "% UNARY".
type gProductOp struct {
	Op lexer.Token `parser:"@(\"*\":ArithOp | \"/\":ArithOp | \"%\":ArithOp)"`
	Y  *gUnary     `parser:"@@"`
}

// gUnary is "-UNARY", "+UNARY", "!UNARY" or a primary.
type gUnary struct {
	Op      lexer.Token `parser:"(  @(\"-\":ArithOp | \"+\":ArithOp | \"!\":ArithOp)"`
	X       *gUnary     `parser:"   @@ )"`
	Primary *gPrimary   `parser:"| @@"`
}

// gPrimary is a number, a variable or "( SUM )".
type gPrimary struct {
	Num   lexer.Token `parser:"  @ArithNum"`
	Var   lexer.Token `parser:"| @ArithVar"`
	Paren *gSum       `parser:"| ArithLParen @@ ArithRParen"`
}

// stmtParser is the participle parser for one statement.
var stmtParser = participle.MustBuild[gStmt](
	participle.Lexer(lexDef{}),
	participle.UseLookahead(2),
)
