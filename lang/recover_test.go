package lang

import (
	"errors"
	"strings"
	"testing"
)

// TestRecovery: after every syntax error of testdata/errors.txt the
// parser goes on, at top level and inside blocks: a second, known error
// placed after the case (on its own line, inside the same block) is
// still reported, and so is one placed before it. Cases whose error is
// incomplete (an unclosed quote or block runs to the end of the input)
// have nothing after them to recover to and are left out.
func TestRecovery(t *testing.T) {
	const marker = "zz = a b" // "assignment takes one value"
	wraps := []struct{ name, pre, post string }{
		{"top", marker + "\n", "\n" + marker + "\n"},
		{"for", "for i in 1..2 <\n" + marker + "\n", "\n" + marker + "\n>\n" + marker + "\n"},
		{"def", "def p a <\n" + marker + "\n", "\n" + marker + "\n>\n" + marker + "\n"},
		{"in", "in ns1 <\n\t" + marker + "\n", "\n\t" + marker + "\n>\n" + marker + "\n"},
		{"if", "if a == b <\n" + marker + "\n> else <\n", "\n" + marker + "\n>\n" + marker + "\n"},
	}
	n := 0
	for _, c := range readErrorCases(t) {
		incomplete := false
		for _, w := range c.want {
			incomplete = incomplete || w.incomplete
		}
		if incomplete || strings.Contains(c.src, ">") && strings.Contains(c.src, "<") && false {
			continue
		}
		for _, wr := range wraps {
			if wr.name != "top" && closesBlock(c.src) {
				continue // its stray ">" closes the block around it
			}
			src := wr.pre + c.src + wr.post
			_, err := Parse("", []byte(src))
			var got ErrorList
			if !errors.As(err, &got) {
				t.Errorf("errors.txt:%d in %s: no errors", c.line, wr.name)
				continue
			}
			markers := 0
			lines := strings.Split(src, "\n")
			for _, e := range got {
				if strings.Contains(e.Msg, "assignment takes one value") && strings.TrimSpace(lines[e.Pos.Line-1]) == marker {
					markers++
				}
			}
			want := strings.Count(src, marker)
			if markers != want {
				t.Errorf("errors.txt:%d in %s: %d of the %d marker errors reported; got:\n%s", c.line, wr.name, markers, want, got.Detail([]byte(src)))
			}
			n++
		}
	}
	t.Logf("%d wrapped cases", n)
	if n < 100 {
		t.Fatalf("only %d wrapped cases", n)
	}
}

// closesBlock reports whether a case's error is a stray ">" that, inside
// a block, would close it.
func closesBlock(src string) bool {
	_, err := Parse("", []byte(src))
	var got ErrorList
	errors.As(err, &got)
	for _, e := range got {
		if strings.Contains(e.Msg, "no block is open") || strings.Contains(e.Msg, "unclosed block") || strings.Contains(e.Msg, "needs a block") {
			return true
		}
	}
	return false
}
