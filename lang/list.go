package lang

import (
	"strconv"

	"github.com/alecthomas/participle/v2/lexer"
)

// Lists, pipelines and redirections. A command statement whose tokens hold
// "|", "||", "&&", or a redirection ("<", ">", ">>", "&>", ">&" with their
// word) is split here: at "&&" and "||" into an and-or list, at "|" into
// pipelines, and each command's redirections are taken out of its words.
// The words themselves go through the fast path or the grammar as usual.

// isOperator reports whether t is one of the tokens a list, a pipeline or
// a redirection is made of.
func isOperator(t lexer.Token) bool {
	switch t.Type {
	case tPipe, tAmp, tGt, tLt:
		return true
	}
	return false
}

// hasOperators reports whether a statement's tokens hold an operator.
func hasOperators(norm []lexer.Token) bool {
	for _, t := range norm {
		if isOperator(t) {
			return true
		}
	}
	return false
}

// andOr parses a command statement with operators; checkTokens has passed
// it. It returns nil after reporting an error.
func (p *parser) andOr(norm []lexer.Token, term lexer.Token) Stmt {
	var x Stmt          // the and-or list so far
	var op *lexer.Token // the "&&" or "||" before the current pipeline
	var pipe *Pipeline  // the current pipeline, when it has a "|"
	var cmd *Command    // the current pipeline's last command
	first := true
	start := 0
	for k := 0; k <= len(norm); k++ {
		var sep *lexer.Token
		if k < len(norm) {
			if t := &norm[k]; t.Type == tPipe || t.Type == tAmp && t.Value == "&&" {
				sep = t
			} else {
				continue
			}
		}
		piece := trimBlanks(norm[start:k])
		start = k + 1
		if len(piece) == 0 {
			switch {
			case sep != nil && first:
				p.errorf(sep.Pos, false, "unexpected %q: a command must come before it", sep.Value)
			case sep != nil:
				p.errorf(sep.Pos, false, "unexpected %q: a command must come between the operators", sep.Value)
			default:
				prev := norm[len(trimBlanks(norm))-1]
				p.errorf(prev.Pos, term.Type == tEOF, "unexpected %q before %s: a command must follow it", prev.Value, describe(lexer.Token{Type: tEOF}, term))
			}
			return nil
		}
		c := p.simpleCommand(piece, term)
		if c == nil {
			return nil
		}
		if commandNameNeedsQuotes(c) {
			// A keyword or an assignment: those are no simple commands.
			w := c.Args[0].Parts[0].(*Lit)
			p.errorAt(c.Args[0].Pos(), "unexpected "+strconv.Quote(w.Value)+": only simple commands go in lists and pipelines or take redirections; quote it to run a command of that name")
			return nil
		}
		first = false
		if pipe != nil {
			pipe.Cmds = append(pipe.Cmds, c)
		} else {
			cmd = c
		}
		if sep != nil && sep.Value == "|" {
			if pipe == nil {
				pipe = &Pipeline{Cmds: []*Command{cmd}}
			}
			pipe.Bars = append(pipe.Bars, pos(sep.Pos))
			continue
		}
		// The end of a pipeline.
		var y Stmt = cmd
		if pipe != nil {
			y = pipe
		}
		if x == nil {
			x = y
		} else {
			x = &AndOr{X: x, OpPos: pos(op.Pos), Op: op.Value, Y: y}
		}
		pipe, cmd, op = nil, nil, sep
	}
	return x
}

// trimBlanks drops the blanks at both ends of toks.
func trimBlanks(toks []lexer.Token) []lexer.Token {
	for len(toks) > 0 && toks[0].Type == tBlank {
		toks = toks[1:]
	}
	for len(toks) > 0 && toks[len(toks)-1].Type == tBlank {
		toks = toks[:len(toks)-1]
	}
	return toks
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// simpleCommand parses one command of a list or pipeline, with its
// redirections. It returns nil after reporting an error.
func (p *parser) simpleCommand(toks []lexer.Token, term lexer.Token) *Command {
	var words []lexer.Token // word tokens, a blank between words
	var redirs []*Redirect
	var targets [][]lexer.Token
	sep := false // a blank goes before the next word token
	for i := 0; i < len(toks); {
		t := toks[i]
		switch {
		case t.Type == tBlank:
			sep = true
			i++
			continue
		case t.Type == tGt || t.Type == tLt || t.Type == tAmp:
		default:
			if sep && len(words) > 0 {
				words = append(words, lexer.Token{Type: tBlank, Value: " ", Pos: t.Pos})
			}
			sep = false
			words = append(words, t)
			i++
			continue
		}
		// A redirection. A number right before the operator, alone in its
		// word, is the descriptor.
		r := &Redirect{OpPos: pos(t.Pos), N: -1}
		if t.Type != tAmp && !sep && len(words) > 0 {
			last := words[len(words)-1]
			if last.Type == tBare && isDigits(last.Value) && (len(words) == 1 || words[len(words)-2].Type == tBlank) {
				n, err := strconv.Atoi(last.Value)
				if err != nil || n > 9 {
					p.errorf(last.Pos, false, "bad file descriptor %s: want 0 to 9", last.Value)
					return nil
				}
				r.N, r.OpPos = n, pos(last.Pos)
				words = trimBlanks(words[:len(words)-1])
			}
		}
		opTok := t
		switch t.Type {
		case tAmp:
			r.Op = "&>"
			i += 2
			if i < len(toks) && toks[i].Type == tGt {
				r.Op = "&>>"
				i++
			}
		case tGt:
			r.Op = ">"
			i++
			if i < len(toks) && toks[i].Type == tGt {
				r.Op = ">>"
				i++
			} else if i < len(toks) && toks[i].Type == tAmp && toks[i].Value == "&" {
				r.Op = ">&"
				i++
			}
		default:
			r.Op = "<"
			i++
		}
		if r.N < 0 {
			r.N = DefaultFD(r.Op)
		}
		if i < len(toks) && toks[i].Type == tBlank {
			i++
		}
		j := i
		for j < len(toks) && !isOperator(toks[j]) && toks[j].Type != tBlank {
			j++
		}
		if j == i {
			what := describe(lexer.Token{Type: tEOF}, term)
			if i < len(toks) {
				what = strconv.Quote(toks[i].Value)
			}
			p.errorf(opTok.Pos, false, "unexpected %s after %q: a redirection needs a file name, as in %s FILE", what, r.Op, r.Op)
			return nil
		}
		target := toks[i:j]
		if r.Op == ">&" && (len(target) != 1 || target[0].Type != tBare || !isDigits(target[0].Value) || len(target[0].Value) > 1) {
			p.errorf(target[0].Pos, false, `">&" needs a file descriptor 0 to 9, as in 2>&1 or >&2`)
			return nil
		}
		redirs = append(redirs, r)
		targets = append(targets, target)
		i = j
		sep = true
	}
	if len(words) == 0 {
		p.errorAt(redirs[0].OpPos, "a redirection needs a command: CMD ARGS... > FILE")
		return nil
	}
	args := p.words(words, term)
	if args == nil {
		return nil
	}
	c := &Command{Args: args, Redirs: redirs}
	for k, r := range redirs {
		w := p.words(targets[k], term)
		if w == nil {
			return nil
		}
		r.Word = w[0]
	}
	return c
}

// words parses the words of a command, by the fast path when it can. It
// returns nil after reporting an error.
func (p *parser) words(toks []lexer.Token, term lexer.Token) []*Word {
	if p.fast {
		if ws, ok := fastWords(toks); ok {
			return ws
		}
	}
	g := p.grammar(toks, kCommand, term)
	if g == nil {
		return nil
	}
	return p.command(g.Command).Args
}
