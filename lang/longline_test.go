package lang

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// megabyte is the length of the lines below. Parsing costs a line's
// length: a megabyte takes a second or so, where work quadratic in the
// line (merging a word's literal parts one by one, rescanning a run of
// ">" for each of its ">") takes minutes to hours, and recursion as deep
// as the line overflows the stack.
const megabyte = 1 << 20

// line returns unit repeated to about n bytes, and the count.
func line(unit string, n int) (string, int) {
	k := n / len(unit)
	return strings.Repeat(unit, k), k
}

// TestParseLongLines parses one-megabyte lines.
func TestParseLongLines(t *testing.T) {
	t.Run("escapes", func(t *testing.T) {
		esc, k := line(`\a`, megabyte)
		f, err := Parse("long.nsh", []byte("echo "+esc+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		w := f.Stmts[0].(*Command).Args[1]
		if lit, ok := w.Lit(); !ok || lit != strings.Repeat("a", k) || len(w.Parts) != 1 {
			t.Fatalf("word of %d parts, literal %v", len(w.Parts), ok)
		}
	})
	t.Run("nested blocks", func(t *testing.T) {
		open, k := line("if 1 <", megabyte/2)
		f, err := Parse("long.nsh", []byte(open+" echo deep "+strings.Repeat(">", k)+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		depth := 0
		for s := f.Stmts[0]; ; depth++ {
			i, ok := s.(*If)
			if !ok {
				break
			}
			s = i.Then.Stmts[0]
		}
		if depth != k {
			t.Fatalf("%d nested blocks, want %d", depth, k)
		}
	})
	t.Run("closers", func(t *testing.T) {
		// A ">" where a statement starts, no block open: an error each.
		_, err := Parse("long.nsh", []byte(strings.Repeat(">", megabyte)+"\n"))
		var list ErrorList
		if !errors.As(err, &list) || len(list) != megabyte {
			t.Fatalf("%d errors, want %d", len(list), megabyte)
		}
	})
	for _, c := range []struct{ name, open, close string }{
		{"arithmetic parentheses", "(", ")"},
		{"arithmetic unary operators", "-", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			open, k := line(c.open, megabyte/2)
			_, err := Parse("long.nsh", []byte("echo $(("+open+"1"+strings.Repeat(c.close, k)+"))\n"))
			if err == nil || !strings.Contains(err.Error(), "arithmetic nested too deeply") {
				t.Fatalf("error %v", err)
			}
		})
	}
}

// TestArithNesting: parentheses and unary operators nest up to
// maxArithNesting levels.
func TestArithNesting(t *testing.T) {
	n := maxArithNesting
	for _, c := range []struct {
		src string
		ok  bool
	}{
		{strings.Repeat("(", n) + "1" + strings.Repeat(")", n), true},
		{strings.Repeat("(", n+1) + "1" + strings.Repeat(")", n+1), false},
		{strings.Repeat("-", n) + "1", true},
		{strings.Repeat("-", n+1) + "1", false},
		{strings.Repeat("-(", n/2) + "1" + strings.Repeat(")", n/2), true},
		{strings.Repeat("-(", n/2+1) + "1" + strings.Repeat(")", n/2+1), false},
		// Long but flat: each operand goes back to the top.
		{strings.Repeat("(1)+-", 3*n) + "1", true},
	} {
		_, err := Parse("a.nsh", []byte("echo $(("+c.src+"))\n"))
		if (err == nil) != c.ok {
			t.Errorf("%.40q...: error %v, want ok %v", c.src, err, c.ok)
		}
	}
}

// BenchmarkParseLongLine shows how parsing a line scales with its
// length: 100 KB against 1 MB, of words and of escapes.
func BenchmarkParseLongLine(b *testing.B) {
	for _, unit := range []string{" a", `\a`} {
		for _, size := range []int{100 << 10, megabyte} {
			words, _ := line(unit, size)
			src := []byte("echo " + words + "\n")
			b.Run(fmt.Sprintf("%q/%dKB", unit, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					if _, err := Parse("long.nsh", src); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
