package lang

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// checkFiles are the files "source" finds in TestCheck.
var checkFiles = map[string]string{
	"lib.nsh":     "libvar = 1\ndef libproc a < echo $a $libvar >\nip netns add libns\n",
	"syntax.nsh":  "echo ok\nx = a b\n",
	"uses.nsh":    "echo $fromcaller\n",
	"self.nsh":    "source self.nsh\n",
	"defines.nsh": "late = 1\n",
}

// fakeCommand stands for a command model: it keeps the books of "ip
// netns add NAME", "ip -n NAME", "ip netns exec NAME" and reports, for
// "probe WORDS...", each word's value and whether it is known.
func fakeCommand(words []string, known []bool) CommandInfo {
	var info CommandInfo
	switch words[0] {
	case "probe":
		for i := 1; i < len(words); i++ {
			msg := "unknown " + words[i]
			if known[i] {
				msg = fmt.Sprintf("known %q", words[i])
			}
			info.Problems = append(info.Problems, CommandProblem{Word: i, Msg: msg, Warning: true})
		}
	case "fail":
		info.Problems = append(info.Problems, CommandProblem{Word: len(words) - 1, Msg: "bad last word"})
	case "ip":
		switch {
		case len(words) > 3 && words[1] == "netns" && words[2] == "add":
			info.NetnsCreated = append(info.NetnsCreated, words[3])
		case len(words) > 3 && words[1] == "netns" && words[2] == "exec" && known[3]:
			info.NetnsUsed = append(info.NetnsUsed, words[3])
		case len(words) > 2 && words[1] == "-n" && known[2]:
			info.NetnsUsed = append(info.NetnsUsed, words[2])
		case len(words) > 1 && !known[1]:
			info.NetnsCreated = append(info.NetnsCreated, "")
		}
	}
	return info
}

// testCheckConfig is the world of TestCheck: HOME and PATH in the
// environment, the namespace "live", the files of checkFiles, the
// programs sh and grep, the exec handlers' commands ip, brctl, bridge,
// ping, sysctl, probe and fail.
func testCheckConfig() CheckConfig {
	return CheckConfig{
		Defined:     func(n string) bool { return n == "HOME" || n == "PATH" },
		Commands:    []string{"ip", "brctl", "bridge", "ping", "sysctl", "probe", "fail"},
		NetnsExists: func(n string) bool { return n == "live" },
		ReadFile: func(n string) ([]byte, error) {
			if s, ok := checkFiles[n]; ok {
				return []byte(s), nil
			}
			return nil, fs.ErrNotExist
		},
		LookPath:     func(n string) bool { return n == "sh" || n == "grep" },
		CheckCommand: fakeCommand,
	}
}

// TestCheck runs Check on each case of testdata/check.txt (in the format
// of errors.txt, a marker ending in "warning" for a warning): every
// problem it reports must be marked, at its position, and every marked
// problem reported. A case without markers must check clean: those are
// the programs where an assignment, definition or namespace may reach
// the use, and no report is allowed.
func TestCheck(t *testing.T) {
	cases := readCases(t, "check.txt")
	if len(cases) < 60 {
		t.Fatalf("only %d cases in check.txt", len(cases))
	}
	clean := 0
	for _, c := range cases {
		if len(c.want) == 0 {
			clean++
		}
		f, err := Parse("", []byte(c.src))
		if err != nil {
			t.Errorf("check.txt:%d: %v", c.line, err)
			continue
		}
		got := Check(f, testCheckConfig()).Problems
		unmatched := slices.Clone(got)
		for _, w := range c.want {
			found := false
			for i, e := range unmatched {
				if e != nil && e.Pos.Line == w.line && e.Pos.Col == w.col && w.re.MatchString(e.Msg) && e.Warning == w.warning {
					unmatched[i] = nil
					found = true
					break
				}
			}
			if !found {
				t.Errorf("check.txt:%d: missing %v; got:\n%s", c.line, w, got.Detail([]byte(c.src)))
			}
		}
		for _, e := range unmatched {
			if e != nil {
				t.Errorf("check.txt:%d: unexpected %v (warning=%v)", c.line+e.Pos.Line-1, e, e.Warning)
			}
		}
	}
	if clean < 25 {
		t.Errorf("only %d clean cases in check.txt", clean)
	}
}

// TestCheckSourcedFiles: the problems of a sourced file are reported
// with its name and lines, after the checked file's, and Detail shows
// each with its own source line.
func TestCheckSourcedFiles(t *testing.T) {
	src := "echo $nope\nsource syntax.nsh\n"
	f, err := Parse("main.nsh", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := Check(f, testCheckConfig())
	want := `main.nsh:1:6: $nope is not set: no assignment to it comes before this point
    echo $nope
         ^
syntax.nsh:2:7: assignment takes one value; quote it or use [ ]
    x = a b
          ^
`
	if got := c.Detail(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if !c.HasErrors() {
		t.Error("HasErrors = false")
	}
}

// TestCheckWarningsOnly: warnings do not make errors.
func TestCheckWarningsOnly(t *testing.T) {
	f, err := Parse("w.nsh", []byte("in nosuch < echo >\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := Check(f, testCheckConfig())
	if len(c.Problems) != 1 || c.HasErrors() || !strings.Contains(c.Detail(), "w.nsh:1:4: warning: namespace \"nosuch\"") {
		t.Errorf("got %v (errors: %v)", c.Problems, c.HasErrors())
	}
	var list ErrorList
	if !errors.As(error(c.Problems), &list) {
		t.Error("not an ErrorList")
	}
}

// TestCheckREPLState: variables and procedures of an earlier statement
// (CheckConfig.Defined and Proc) count as set and defined.
func TestCheckREPLState(t *testing.T) {
	prev, err := Parse("", []byte("def pair a b < echo $a $b >\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := testCheckConfig()
	cfg.Defined = func(n string) bool { return n == "br" }
	cfg.Proc = func(n string) (*Def, bool) {
		if n == "pair" {
			return prev.Stmts[0].(*Def), true
		}
		return nil, false
	}
	f, err := Parse("", []byte("echo $br\npair x\npair x y\necho $nope\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := Check(f, cfg).Problems
	var msgs []string
	for _, e := range got {
		msgs = append(msgs, e.Error())
	}
	want := []string{
		"2:1: pair takes 2 argument(s) (a b), got 1 (defined at 1:1)",
		"4:6: $nope is not set: no assignment to it comes before this point",
	}
	if !slices.Equal(msgs, want) {
		t.Errorf("got %q\nwant %q", msgs, want)
	}
}

func TestSuggest(t *testing.T) {
	for _, c := range []struct {
		word  string
		cands []string
		want  string
	}{
		{"nme", []string{"name", "n"}, "name"},
		{"hsot", []string{"host"}, "host"},
		{"x", []string{"y"}, ""},
		{"ab", []string{"xy"}, ""},
		{"bridge0", []string{"vxlan0"}, ""},
		{"namespace", []string{"namespcae"}, "namespcae"},
		{"i", []string{"i"}, ""},
	} {
		if got := Suggest(c.word, c.cands); got != c.want {
			t.Errorf("Suggest(%q, %q) = %q, want %q", c.word, c.cands, got, c.want)
		}
	}
}
