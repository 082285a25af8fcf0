package repl

import "strings"

// A stmtCtx is what the completer knows about the statement the cursor is
// in: its words before the cursor (unquoted where that is simple), the
// word being typed, and the namespace words of the enclosing "in NS <"
// blocks, innermost last.
type stmtCtx struct {
	words []string
	cur   string // the partial word before the cursor, as typed
	plain bool   // cur has no quotes or backslashes
	// blocks holds, for each open block, the namespace word of its
	// "in NS <" header, or "" for a block that keeps the namespace.
	blocks  []string
	comment bool // the cursor is inside a comment
}

// scan splits text (everything typed so far, earlier continuation lines
// included) into the statement the cursor ends, following nsh's lexical
// rules closely enough for completion: blanks separate words; newline,
// ";", "|", "||", "&&", "<" and ">" end statements (or commands); "<" opens a block and ">" closes one;
// "#" at the start of a word starts a comment; quotes and "\" escapes
// group characters into a word.
func scan(text string) stmtCtx {
	var (
		c      stmtCtx
		word   strings.Builder // unquoted text of the current word
		raw    strings.Builder // the current word as typed
		inWord bool
		plain  = true
		quote  byte // 0, '\'' or '"'
	)
	endWord := func() {
		if inWord {
			c.words = append(c.words, word.String())
		}
		word.Reset()
		raw.Reset()
		inWord, plain = false, true
	}
	endStmt := func() {
		endWord()
		c.words = c.words[:0]
	}
	for i := 0; i < len(text); i++ {
		ch := text[i]
		if quote != 0 {
			raw.WriteByte(ch)
			switch {
			case ch == quote:
				quote = 0
			case quote == '"' && ch == '\\' && i+1 < len(text):
				i++
				raw.WriteByte(text[i])
				word.WriteByte(text[i])
			default:
				word.WriteByte(ch)
			}
			continue
		}
		switch ch {
		case ' ', '\t', '\r':
			endWord()
		case '\\':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
				endWord()
				continue
			}
			inWord, plain = true, false
			raw.WriteByte(ch)
			if i+1 < len(text) {
				i++
				raw.WriteByte(text[i])
				word.WriteByte(text[i])
			}
		case '\'', '"':
			inWord, plain = true, false
			quote = ch
			raw.WriteByte(ch)
		case '#':
			if inWord {
				word.WriteByte(ch)
				raw.WriteByte(ch)
				continue
			}
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				c.comment = true
				i = len(text)
				continue
			}
			i += j - 1
		case '\n', ';', '|':
			// "|" and "||" end a command as ";" does; so does "&&".
			endStmt()
		case '&':
			if i+1 < len(text) && text[i+1] == '&' {
				i++
				endStmt()
				continue
			}
			inWord = true
			word.WriteByte(ch)
			raw.WriteByte(ch)
		case '<':
			endWord()
			nsWord := ""
			if len(c.words) >= 2 && c.words[0] == "in" && c.words[1] != "pid" {
				nsWord = c.words[1]
			}
			c.blocks = append(c.blocks, nsWord)
			endStmt()
		case '>':
			endStmt()
			if len(c.blocks) > 0 {
				c.blocks = c.blocks[:len(c.blocks)-1]
			}
		case '[', ']':
			endWord()
		default:
			inWord = true
			word.WriteByte(ch)
			raw.WriteByte(ch)
		}
	}
	c.cur = raw.String()
	c.plain = plain && quote == 0
	if !inWord {
		c.cur, c.plain = "", true
	}
	return c
}
