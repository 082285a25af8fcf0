package lang

import (
	"bytes"
	"sort"
	"strings"
)

// Error is a syntax error.
type Error struct {
	Pos Pos
	Msg string
	// Incomplete is true when the input simply ended too early: an
	// unclosed "<" block, an unclosed quote or a trailing "\". A REPL
	// reads another line and tries again.
	Incomplete bool
	// Warning is true for a problem of the static check (Check) that
	// does not stop a run: it is printed and the script goes on.
	Warning bool
}

// Error prints the error as "file:line:col: msg", or "line:col: msg"
// without a file name; a warning as "file:line:col: warning: msg".
func (e *Error) Error() string {
	if e.Warning {
		return e.Pos.String() + ": warning: " + e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// ErrorList is every syntax error of a file, sorted by position. Parse
// returns one as its error.
type ErrorList []*Error

// Error joins the errors' messages with newlines.
func (l ErrorList) Error() string {
	if len(l) == 0 {
		return "no errors"
	}
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the errors, for errors.As and errors.Is.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Incomplete reports whether the list is not empty and every error in it
// is Incomplete: the input would parse if more of it followed.
func (l ErrorList) Incomplete() bool {
	for _, e := range l {
		if !e.Incomplete {
			return false
		}
	}
	return len(l) > 0
}

// Detail prints each error followed by its source line from src and a
// caret under the error's column:
//
//	lab.nsh:3:9: unexpected ">"
//	    ip link > x
//	            ^
func (l ErrorList) Detail(src []byte) string {
	return l.DetailFiles(func(string) []byte { return src })
}

// DetailFiles is Detail for errors in several files: src returns the
// source of the file an error names (nil when unknown: the error is
// printed without its line).
func (l ErrorList) DetailFiles(src func(filename string) []byte) string {
	return l.detail(src, true)
}

// DetailTyped is Detail for what was just typed at a prompt (parsed
// with no file name): its errors without a line and column (the caret
// shows where they are); errors of named files keep theirs.
func (l ErrorList) DetailTyped(src func(filename string) []byte) string {
	return l.detail(src, false)
}

// Message returns the error without its position: "warning: MSG" or
// MSG.
func (e *Error) Message() string {
	if e.Warning {
		return "warning: " + e.Msg
	}
	return e.Msg
}

func (l ErrorList) detail(src func(filename string) []byte, pos bool) string {
	var b strings.Builder
	for _, e := range l {
		if pos || e.Pos.Filename != "" {
			b.WriteString(e.Error())
		} else {
			b.WriteString(e.Message())
		}
		b.WriteByte('\n')
		line, ok := sourceLine(src(e.Pos.Filename), e.Pos)
		if !ok {
			continue
		}
		b.WriteString("    ")
		b.WriteString(line)
		b.WriteString("\n    ")
		// One space per character before the column; tabs stay tabs so
		// that the caret lines up however tabs are shown.
		col := min(e.Pos.Col-1, len(line))
		for _, r := range line[:col] {
			if r == '\t' {
				b.WriteByte('\t')
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString("^\n")
	}
	return b.String()
}

// HasErrors reports whether the list holds an error that is not a
// warning.
func (l ErrorList) HasErrors() bool {
	for _, e := range l {
		if !e.Warning {
			return true
		}
	}
	return false
}

// sourceLine returns the line of src that p is on, without its line end.
func sourceLine(src []byte, p Pos) (string, bool) {
	if !p.IsValid() || p.Offset < 0 || p.Offset > len(src) {
		return "", false
	}
	start := bytes.LastIndexByte(src[:p.Offset], '\n') + 1
	end := bytes.IndexByte(src[p.Offset:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += p.Offset
	}
	return strings.TrimSuffix(string(src[start:end]), "\r"), true
}

// sortErrors sorts the errors by position and drops exact duplicates.
func sortErrors(l ErrorList) ErrorList {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.Offset < l[j].Pos.Offset })
	return dropDuplicates(l)
}

// dropDuplicates drops the exact duplicates of a sorted list.
func dropDuplicates(l ErrorList) ErrorList {
	out := l[:0]
	for _, e := range l {
		if n := len(out); n > 0 && e.Pos == out[n-1].Pos && e.Msg == out[n-1].Msg {
			continue
		}
		out = append(out, e)
	}
	return out
}
