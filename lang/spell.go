package lang

import "github.com/nshlab/nsh/internal/spell"

// Suggest returns the candidate closest to word by edit distance, when
// one is close enough to be a likely misspelling of it (at most one edit
// for names of three to five characters, two for longer ones; none for
// shorter ones, where one edit makes anything of anything), and ""
// otherwise. Ties go to the first candidate.
func Suggest(word string, candidates []string) string {
	if len(word) < 3 {
		return ""
	}
	limit := 1
	if len(word) >= 6 {
		limit = 2
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if c == word || c == "" {
			continue
		}
		if d := spell.Distance(word, c, bestD); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
