package lang

import "github.com/alecthomas/participle/v2/lexer"

// fastStmt parses a simple command or assignment without participle and
// reports whether it could. Simple means that its words are made of bare
// text, single quotes, escapes, parameters and double-quoted strings
// without arithmetic: the bulk of a script. On those the grammar cannot
// fail once checkTokens has passed them, and it would cost about 2µs a
// word, a quarter of a second for a 10,000-line script. The tree is the
// one the grammar's path builds: TestFastPath and FuzzParse check that.
func (p *parser) fastStmt(norm []lexer.Token, kind stmtKind) (Stmt, bool) {
	switch kind {
	case kCommand:
		args, ok := fastWords(norm)
		if !ok {
			return nil, false
		}
		return &Command{Args: args}, true
	case kAssign:
		a := &Assign{NamePos: pos(norm[0].Pos), Name: norm[0].Value}
		eq := norm[1]
		rest := norm[2:]
		if eq.Type != tEqTight {
			eq = norm[2]
			rest = norm[3:]
			if len(rest) > 0 {
				rest = rest[1:] // the blank before the value
			}
		}
		k := 0
		for k < len(rest) && rest[k].Type != tBlank {
			k++
		}
		var value *Word
		if k > 0 {
			var ok bool
			if value, ok = fastWord(rest[:k]); !ok {
				return nil, false
			}
		}
		if rest = rest[k:]; len(rest) > 0 {
			if _, ok := fastWords(rest[1:]); !ok {
				return nil, false
			}
			p.errorf(rest[1].Pos, false, "%s", errAssignValues)
			return nil, true
		}
		if value == nil {
			value = emptyValue(eq)
		}
		a.Value = value
		a.EndPos = value.End()
		return a, true
	}
	return nil, false
}

// fastWords splits tokens into words at blanks.
func fastWords(toks []lexer.Token) ([]*Word, bool) {
	n := 1
	for _, t := range toks {
		if t.Type == tBlank {
			n++
		}
	}
	words := make([]*Word, 0, n)
	start := 0
	for i := 0; i <= len(toks); i++ {
		if i < len(toks) && toks[i].Type != tBlank {
			continue
		}
		w, ok := fastWord(toks[start:i])
		if !ok {
			return nil, false
		}
		words = append(words, w)
		start = i + 1
	}
	return words, true
}

// fastWord builds a word from its tokens.
func fastWord(toks []lexer.Token) (*Word, bool) {
	if len(toks) == 0 {
		return nil, false
	}
	w := &Word{Parts: make([]WordPart, 0, len(toks))}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.Type {
		case tBare, tSQ, tEsc, tParam, tBraced, tDollar:
			w.Parts = append(w.Parts, tokenPart(t, false))
		case tDQOpen:
			d := &DblQuoted{Left: pos(t.Pos), Parts: []WordPart{}}
			for i++; i < len(toks) && toks[i].Type != tDQClose; i++ {
				switch toks[i].Type {
				case tDQLit, tDQEsc, tDQBackslash, tParam, tBraced, tDollar:
					d.Parts = append(d.Parts, tokenPart(toks[i], true))
				default:
					return nil, false
				}
			}
			if i == len(toks) {
				return nil, false
			}
			d.Right = pos(toks[i].Pos)
			d.Parts = mergeLits(d.Parts)
			w.Parts = append(w.Parts, d)
		default:
			return nil, false
		}
	}
	w.Parts = mergeLits(w.Parts)
	return w, true
}
