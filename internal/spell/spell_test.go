package spell

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"link", "link", 5, 0},
		{"lnik", "link", 5, 1},  // an exchange of neighbours is one edit
		{"lnk", "link", 5, 1},   // a letter left out
		{"veht", "veth", 5, 1},  // exchange at the end
		{"typo", "type", 5, 1},  // one substitution
		{"addr", "route", 9, 5}, // nothing alike
		{"addr", "route", 2, 2}, // capped at the limit
		{"", "abc", 9, 3},
	} {
		if got := Distance(c.a, c.b, c.limit); got != c.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", c.a, c.b, c.limit, got, c.want)
		}
	}
}
