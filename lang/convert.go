package lang

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// Conversion from the grammar's structs to the syntax tree. The functions
// return nil after reporting an error.

func (p *parser) command(g *gCommand) *Command {
	c := &Command{Args: make([]*Word, len(g.Words))}
	for i, w := range g.Words {
		c.Args[i] = p.word(w)
	}
	return c
}

func (p *parser) assign(g *gAssign) *Assign {
	if len(g.Extra) > 0 {
		p.errorf(g.Extra[0].pos(), false, "%s", errAssignValues)
		return nil
	}
	a := &Assign{NamePos: pos(g.Name.Pos), Name: g.Name.Value}
	var eq lexer.Token
	var v *gValue
	if g.Tight != nil {
		eq, v = g.Tight.Eq, g.Tight.Value
	} else {
		eq, v = g.Spaced.Eq, g.Spaced.Value
	}
	switch {
	case v == nil:
		a.Value = emptyValue(eq)
		a.EndPos = a.Value.End()
	case v.List != nil:
		a.List = p.list(v.List)
		a.EndPos = a.List.End()
	default:
		a.Value = p.word(v.Word)
		a.EndPos = a.Value.End()
	}
	return a
}

const errAssignValues = "assignment takes one value; quote it or use [ ]"

// emptyValue is the value of "x =": the empty string, as if an empty
// quoted string were written right after the "=".
func emptyValue(eq lexer.Token) *Word {
	end := pos(shift(eq.Pos, 1))
	return &Word{Parts: []WordPart{&Lit{ValuePos: end, ValueEnd: end, Quoted: true}}}
}

func (p *parser) in(g *gIn) *In {
	return &In{InPos: pos(g.Kw.Pos), Pid: g.Pid.Type != 0, NS: p.word(g.NS)}
}

func (p *parser) forHeader(g *gFor) *For {
	if !isName(g.Var.Value) {
		p.errorf(g.Var.Pos, false, "bad variable name %q: for VAR in ITEMS < ... >", g.Var.Value)
		return nil
	}
	f := &For{ForPos: pos(g.Kw.Pos), Var: g.Var.Value, Items: make([]Node, len(g.Items))}
	for i, it := range g.Items {
		if it.List != nil {
			f.Items[i] = p.list(it.List)
			continue
		}
		w := p.word(it.Word)
		if r := splitRange(w); r != nil {
			if hasDots(r.To) {
				p.errorAt(w.Pos(), `a range has one "..": FROM..TO; quote ".." if this is not a range`)
				return nil
			}
			f.Items[i] = r
		} else {
			f.Items[i] = w
		}
	}
	return f
}

// hasDots reports whether w has an unquoted "..".
func hasDots(w *Word) bool {
	for _, part := range w.Parts {
		if l, ok := part.(*Lit); ok && !l.Quoted && strings.Contains(l.Value, "..") {
			return true
		}
	}
	return false
}

// splitRange splits a word at its first unquoted ".." into a Range, when
// there is something on both sides.
func splitRange(w *Word) *Range {
	for i, part := range w.Parts {
		l, ok := part.(*Lit)
		if !ok || l.Quoted {
			continue
		}
		k := strings.Index(l.Value, "..")
		if k < 0 {
			continue
		}
		from := append([]WordPart(nil), w.Parts[:i]...)
		to := []WordPart{}
		if k > 0 {
			from = append(from, &Lit{ValuePos: l.ValuePos, ValueEnd: advance(l.ValuePos, k), Value: l.Value[:k]})
		}
		if k+2 < len(l.Value) {
			start := advance(l.ValuePos, k+2)
			to = append(to, &Lit{ValuePos: start, ValueEnd: l.ValueEnd, Value: l.Value[k+2:]})
		}
		to = append(to, w.Parts[i+1:]...)
		if len(from) == 0 || len(to) == 0 {
			return nil
		}
		return &Range{From: &Word{Parts: from}, To: &Word{Parts: to}}
	}
	return nil
}

func (p *parser) def(g *gDef) *Def {
	if !isName(g.Name.Value) {
		p.errorf(g.Name.Pos, false, "bad procedure name %q: %s", g.Name.Value, usage[kDef])
		return nil
	}
	if _, kw := keywords[g.Name.Value]; kw {
		p.errorf(g.Name.Pos, false, "procedure name %q is a keyword", g.Name.Value)
		return nil
	}
	d := &Def{DefPos: pos(g.Kw.Pos), Name: g.Name.Value, NamePos: pos(g.Name.Pos)}
	seen := map[string]bool{}
	for _, gp := range g.Params {
		t := gp.Name
		if !isName(t.Value) {
			p.errorf(t.Pos, false, "bad parameter name %q: %s", t.Value, usage[kDef])
			return nil
		}
		if seen[t.Value] {
			p.errorf(t.Pos, false, "duplicate parameter %q", t.Value)
			return nil
		}
		seen[t.Value] = true
		d.Params = append(d.Params, t.Value)
	}
	return d
}

func (p *parser) cond(g *gCond) Cond {
	switch {
	case g.Not != nil:
		x := p.cond(g.Not.X)
		if x == nil {
			return nil
		}
		return &Not{Bang: pos(g.Not.Bang.Pos), X: x}
	case g.Exists != nil:
		return &Exists{ExistsPos: pos(g.Exists.Kw.Pos), Kind: g.Exists.Kind.Value, Name: p.word(g.Exists.Name)}
	}
	x := p.word(g.Cmp.X)
	if s, ok := x.Lit(); ok && s == "!" && !x.Parts[0].(*Lit).Quoted {
		p.errorAt(x.Pos(), `"!" needs a condition: ! COND`)
		return nil
	}
	if l, ok := x.Parts[0].(*Lit); ok && !l.Quoted && strings.HasPrefix(l.Value, "!") {
		p.errorAt(x.Pos(), `"!" needs a blank after it: ! COND; quote it to use it literally`)
		return nil
	}
	if g.Cmp.Y == nil {
		if s, ok := x.Lit(); ok && s == "exists" && !x.Parts[0].(*Lit).Quoted {
			p.errorAt(x.Pos(), `"exists" needs netns or link and a name: exists netns NAME, exists link NAME`)
			return nil
		}
		return &Truth{X: x}
	}
	return &Compare{X: x, OpPos: pos(g.Cmp.Op.Pos), Op: g.Cmp.Op.Value, Y: p.word(g.Cmp.Y)}
}

func (p *parser) list(g *gList) *List {
	l := &List{Lbrack: pos(g.Open.Pos), Rbrack: pos(g.Close.Pos), Items: make([]*Word, len(g.Items))}
	for i, w := range g.Items {
		l.Items[i] = p.word(w)
	}
	return l
}

// pos is the position of a value.
func (g *gValue) pos() lexer.Position {
	if g.List != nil {
		return g.List.Open.Pos
	}
	return g.Word.Parts[0].pos()
}

// pos is the position of a word piece.
func (g *gPart) pos() lexer.Position {
	switch {
	case g.DQ != nil:
		return g.DQ.Open.Pos
	case g.Arith != nil:
		return g.Arith.Open.Pos
	}
	return g.Tok.Pos
}

// word converts a word. Adjacent literal parts that are both quoted or
// both unquoted are merged into one Lit.
func (p *parser) word(g *gWord) *Word {
	w := &Word{Parts: make([]WordPart, 0, len(g.Parts))}
	for _, gp := range g.Parts {
		switch {
		case gp.DQ != nil:
			w.Parts = append(w.Parts, p.dquoted(gp.DQ))
		case gp.Arith != nil:
			if a := p.arith(gp.Arith); a != nil {
				w.Parts = append(w.Parts, a)
			} else {
				w.Parts = append(w.Parts, &Lit{}) // error reported
			}
		default:
			w.Parts = append(w.Parts, tokenPart(gp.Tok, false))
		}
	}
	w.Parts = mergeLits(w.Parts)
	return w
}

// tokenPart converts a one-token word piece; inDQ tells whether it is
// inside double quotes.
func tokenPart(t lexer.Token, inDQ bool) WordPart {
	v := t.Value
	lit := func(s string, quoted bool) *Lit {
		return &Lit{ValuePos: pos(t.Pos), ValueEnd: tokEnd(t), Value: s, Quoted: quoted}
	}
	switch t.Type {
	case tParam:
		return &ParamExp{Dollar: pos(t.Pos), Name: v[1:]}
	case tBraced:
		name, op, word, _ := splitParamOp(v[2 : len(v)-1])
		return &ParamExp{Dollar: pos(t.Pos), Rbrace: pos(shift(t.Pos, len(v)-1)), Name: name, Braced: true, Op: op, Word: word}
	case tSQ:
		return lit(v[1:len(v)-1], true)
	case tEsc, tDQEsc:
		return lit(v[1:], true)
	case tDollar:
		return lit(v, inDQ)
	}
	return lit(v, inDQ) // Bare, DQLit, DQBackslash
}

// mergeLits merges each run of adjacent literal parts quoted alike into
// one Lit, in place. Each run is joined once, so that a word of many
// escapes ("\a\a\a...") costs its length, not its length squared.
func mergeLits(parts []WordPart) []WordPart {
	out := parts[:0]
	for i := 0; i < len(parts); {
		first, ok := parts[i].(*Lit)
		j := i + 1
		for ok && j < len(parts) {
			if l, lit := parts[j].(*Lit); !lit || l.Quoted != first.Quoted {
				break
			}
			j++
		}
		if j == i+1 {
			out = append(out, parts[i])
			i = j
			continue
		}
		var b strings.Builder
		for _, p := range parts[i:j] {
			b.WriteString(p.(*Lit).Value)
		}
		out = append(out, &Lit{ValuePos: first.ValuePos, ValueEnd: parts[j-1].(*Lit).ValueEnd, Value: b.String(), Quoted: first.Quoted})
		i = j
	}
	return out
}

func (p *parser) dquoted(g *gDQ) *DblQuoted {
	d := &DblQuoted{Left: pos(g.Open.Pos), Right: pos(g.Close.Pos), Parts: []WordPart{}}
	for _, gp := range g.Parts {
		if gp.Arith != nil {
			if a := p.arith(gp.Arith); a != nil {
				d.Parts = append(d.Parts, a)
			}
			continue
		}
		d.Parts = append(d.Parts, tokenPart(gp.Tok, true))
	}
	d.Parts = mergeLits(d.Parts)
	return d
}

func (p *parser) arith(g *gArith) *ArithExp {
	x := p.expr(g.X)
	if x == nil {
		return nil
	}
	return &ArithExp{Left: pos(g.Open.Pos), Right: pos(g.Close.Pos), X: x}
}

// expr converts a flat "OPERAND (OP OPERAND)..." into a tree: * / % bind
// tighter than + -, and operators of a level associate to the left.
func (p *parser) expr(g *gExpr) ArithExpr {
	x := p.operand(g.X)
	if x == nil {
		return nil
	}
	var sum ArithExpr // the sum so far, without the pending product x
	var sumOp lexer.Token
	for _, op := range g.Rest {
		y := p.operand(op.Y)
		if y == nil {
			return nil
		}
		switch op.Op.Value {
		case "*", "/", "%":
			x = &ArithBinary{X: x, OpPos: pos(op.Op.Pos), Op: op.Op.Value, Y: y}
		default:
			if sum != nil {
				x = &ArithBinary{X: sum, OpPos: pos(sumOp.Pos), Op: sumOp.Value, Y: x}
			}
			sum, sumOp, x = x, op.Op, y
		}
	}
	if sum != nil {
		x = &ArithBinary{X: sum, OpPos: pos(sumOp.Pos), Op: sumOp.Value, Y: x}
	}
	return x
}

func (p *parser) operand(g *gOperand) ArithExpr {
	switch {
	case g.X != nil:
		x := p.operand(g.X)
		if x == nil {
			return nil
		}
		return &ArithUnary{OpPos: pos(g.Op.Pos), Op: g.Op.Value, X: x}
	case g.Paren != nil:
		return p.expr(g.Paren)
	case g.Var.Type != 0:
		v := g.Var.Value
		return &ArithVar{NamePos: pos(g.Var.Pos), Name: strings.TrimPrefix(v, "$"), Dollar: v[0] == '$'}
	}
	n, err := strconv.ParseInt(g.Num.Value, 10, 64)
	if err != nil {
		p.errorf(g.Num.Pos, false, "integer %s out of range", g.Num.Value)
		return nil
	}
	return &ArithNum{ValuePos: pos(g.Num.Pos), Text: g.Num.Value, Value: n}
}
