package lang

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// errorCase is one input of testdata/errors.txt with the errors it must
// produce, all of them and nothing else.
type errorCase struct {
	line int // line of the case in errors.txt
	src  string
	want []wantError
}

type wantError struct {
	line, col  int
	re         *regexp.Regexp
	incomplete bool
	warning    bool // check.txt: a warning of Check
}

func (w wantError) String() string {
	s := fmt.Sprintf("%d:%d: /%s/", w.line, w.col, w.re)
	if w.incomplete {
		s += " (incomplete)"
	}
	if w.warning {
		s += " (warning)"
	}
	return s
}

// markerRE matches an expectation: ### [LINE:]COL "REGEXP" [incomplete]
var markerRE = regexp.MustCompile(`###\s*(?:(\d+):)?(\d+)\s+("(?:[^"\\]|\\.)*")(?:\s+(incomplete|warning))?`)

// readErrorCases reads testdata/errors.txt. Cases are separated by lines
// "---"; what comes before the first is a preamble. In a case, each
// expected error is a marker
//
//	### [LINE:]COL "REGEXP" [incomplete]
//
// (in REGEXP, \" stands for a double quote) at the end of the line it is on, or alone on the following line (for
// errors whose line cannot end with a comment: inside a quote, say). LINE
// overrides the line, for errors at the end of the input. Markers are
// removed before parsing, a marker line leaving an empty line. The regexp
// must match the message; "incomplete" says that Error.Incomplete is set.
func readErrorCases(t *testing.T) []errorCase {
	t.Helper()
	return readCases(t, "errors.txt")
}

// readCases reads a file of testdata in the format of errors.txt; a
// marker may end in "warning" instead of "incomplete".
func readCases(t *testing.T, name string) []errorCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var cases []errorCase
	var cur *errorCase
	var lines []string
	n := 0 // line within the case
	flush := func() {
		if cur != nil {
			cur.src = strings.Join(lines, "\n")
			cases = append(cases, *cur)
		}
	}
	for i, line := range strings.Split(string(data), "\n") {
		if line == "---" {
			flush()
			cur = &errorCase{line: i + 2}
			lines = nil
			n = 0
			continue
		}
		if cur == nil {
			continue
		}
		n++
		idx := strings.Index(line, "###")
		if idx < 0 {
			lines = append(lines, line)
			continue
		}
		target := n
		code := strings.TrimRight(line[:idx], " \t")
		if strings.TrimSpace(code) == "" {
			target = n - 1 // a marker line is about the line before
			code = ""
		}
		lines = append(lines, code)
		ms := markerRE.FindAllStringSubmatch(line[idx:], -1)
		if len(ms) == 0 {
			t.Fatalf("%s:%d: bad marker %q", name, i+1, line[idx:])
		}
		for _, m := range ms {
			w := wantError{line: target, incomplete: m[4] == "incomplete", warning: m[4] == "warning"}
			if m[1] != "" {
				w.line, _ = strconv.Atoi(m[1])
			}
			w.col, _ = strconv.Atoi(m[2])
			var err error
			if w.re, err = regexp.Compile(unquoteMarker(m[3])); err != nil {
				t.Fatalf("%s:%d: %v", name, i+1, err)
			}
			cur.want = append(cur.want, w)
		}
	}
	// The last case ends at the end of the file, whose final newline is
	// not part of it.
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	flush()
	return cases
}

// unquoteMarker removes the quotes around a marker's regexp and turns \"
// into "; other backslashes are the regexp's.
func unquoteMarker(q string) string {
	q = q[1 : len(q)-1]
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if q[i] == '\\' && i+1 < len(q) {
			if q[i+1] != '"' {
				b.WriteByte('\\')
			}
			i++
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func TestErrors(t *testing.T) {
	cases := readErrorCases(t)
	if len(cases) < 40 {
		t.Fatalf("only %d cases in errors.txt", len(cases))
	}
	for _, c := range cases {
		if len(c.want) == 0 {
			t.Errorf("errors.txt:%d: case expects no error", c.line)
			continue
		}
		_, err := Parse("", []byte(c.src))
		var got ErrorList
		if !errors.As(err, &got) {
			t.Errorf("errors.txt:%d: Parse = %v, want errors %v", c.line, err, c.want)
			continue
		}
		unmatched := append([]*Error(nil), got...)
		for _, w := range c.want {
			found := false
			for i, e := range unmatched {
				if e != nil && e.Pos.Line == w.line && e.Pos.Col == w.col && w.re.MatchString(e.Msg) && e.Incomplete == w.incomplete {
					unmatched[i] = nil
					found = true
					break
				}
			}
			if !found {
				t.Errorf("errors.txt:%d: missing error %v; got:\n%s", c.line, w, got.Detail([]byte(c.src)))
			}
		}
		for _, e := range unmatched {
			if e != nil {
				t.Errorf("errors.txt:%d: unexpected error %v (incomplete=%v)", c.line, e, e.Incomplete)
			}
		}
		for i := 1; i < len(got); i++ {
			if got[i].Pos.Offset < got[i-1].Pos.Offset {
				t.Errorf("errors.txt:%d: errors not sorted: %v", c.line, got)
			}
		}
	}
}
