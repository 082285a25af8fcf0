package builtins

import (
	"fmt"
	"github.com/nshlab/nsh/builtins/spec"
	"strings"
)

// Match returns the first keyword of table that word is a prefix of, as
// iproute2's matches() over an ordered table: the table's order is the
// abbreviation rule ("a" is "address" because address comes first). An
// empty word matches nothing.
func Match(word string, table ...string) (string, bool) { return spec.Match(word, table...) }

// Is reports whether word is an abbreviation of keyword (iproute2's
// matches(word, keyword) == 0).
func Is(word, keyword string) bool {
	return word != "" && strings.HasPrefix(keyword, word)
}

// Unknown returns an error for a word that is none of candidates, with a
// "did you mean" suggestion when one is close.
func Unknown(what, word string, candidates []string) error {
	if s := Suggest(word, candidates); s != "" {
		return fmt.Errorf("unknown %s %q; did you mean %q?", what, word, s)
	}
	return fmt.Errorf("unknown %s %q", what, word)
}

// Suggest returns the candidate closest to word by edit distance, or ""
// when none is close enough to be a likely typo (spec.Suggest).
func Suggest(word string, candidates []string) string { return spec.Suggest(word, candidates) }

// Args is a cursor over a command's arguments. It never panics: running
// out of words is an error naming what was expected.
type Args struct {
	words []string
	i     int
}

// NewArgs returns a cursor over words.
func NewArgs(words []string) *Args { return &Args{words: words} }

// More reports whether words remain.
func (a *Args) More() bool { return a.i < len(a.words) }

// Peek returns the next word without consuming it ("" at the end).
func (a *Args) Peek() string {
	if a.i < len(a.words) {
		return a.words[a.i]
	}
	return ""
}

// Next consumes and returns the next word ("" and false at the end).
func (a *Args) Next() (string, bool) {
	if a.i < len(a.words) {
		w := a.words[a.i]
		a.i++
		return w, true
	}
	return "", false
}

// Need consumes the value that must follow keyword, or fails as
// iproute2's NEXT_ARG does (incomplete_command: its message, exit status
// 255), naming keyword for .nsh scripts: `"dev" needs an argument`.
func (a *Args) Need(keyword string) (string, error) {
	w, ok := a.Next()
	if !ok {
		return "", &Failure{
			Text:   `Command line is not complete. Try option "help"`,
			Status: 255,
			Err:    fmt.Errorf("command line is not complete: %q needs an argument", keyword),
		}
	}
	return w, nil
}

// Rest returns the words not consumed yet and consumes them.
func (a *Args) Rest() []string {
	r := a.words[a.i:]
	a.i = len(a.words)
	return r
}

// Remaining returns the words not consumed yet, without consuming them.
func (a *Args) Remaining() []string { return a.words[a.i:] }

// Back un-consumes the last word.
func (a *Args) Back() {
	if a.i > 0 {
		a.i--
	}
}

// ValidIfName checks an interface name by iproute2's rules (lib/utils.c
// check_ifname; spec.CheckIfName): not empty, shorter than 16 bytes, no
// "/" or white space, not "." or "..".
func ValidIfName(name string) error { return spec.CheckIfName(name) }
