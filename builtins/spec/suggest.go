package spec

import "github.com/nshlab/nsh/internal/spell"

// Suggest returns the candidate closest to word by edit distance, or ""
// when none is close enough to be a likely typo (at most one edit per
// four letters, plus one).
func Suggest(word string, candidates []string) string {
	limit := 1 + len(word)/4
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := spell.Distance(word, c, bestD); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// Names returns the names of keys, for Suggest.
func Names(keys []Keyword) []string {
	out := make([]string, len(keys))
	for i := range keys {
		out[i] = keys[i].Name
	}
	return out
}
