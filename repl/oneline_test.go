package repl

import "testing"

// TestOneLine checks how history joins a statement typed as lines.
func TestOneLine(t *testing.T) {
	for _, c := range []struct {
		lines []string
		want  string
		ok    bool
	}{
		{[]string{"ip -br a"}, "ip -br a", true},
		{[]string{"in blue <", "ip -br a", ">"}, "in blue < ip -br a >", true},
		{[]string{"in ns1 <", "  for i in 1..2 <", "    echo $i", "  >", "  echo after", ">"}, "in ns1 < for i in 1..2 < echo $i >; echo after >", true},
		{[]string{"if exists netns x <", "echo yes", "> else <", "echo no", ">"}, "if exists netns x < echo yes > else < echo no >", true},
		{[]string{"for i in 1..2 <", "echo $i # the number", ">"}, "", false},
	} {
		got, ok := OneLine(c.lines)
		if got != c.want || ok != c.ok {
			t.Errorf("OneLine(%q) = %q, %v; want %q, %v", c.lines, got, ok, c.want, c.ok)
		}
	}
}
