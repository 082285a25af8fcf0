package repl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chzyer/readline"

	"github.com/nshlab/nsh/internal/sandbox"
)

// chunks is a terminal that delivers its input in the given reads.
type chunks struct{ reads []string }

func (c *chunks) Read(b []byte) (int, error) {
	if len(c.reads) == 0 {
		return 0, io.EOF
	}
	n := copy(b, c.reads[0])
	c.reads[0] = c.reads[0][n:]
	if c.reads[0] == "" {
		c.reads = c.reads[1:]
	}
	return n, nil
}

func (c *chunks) Close() error { return nil }

// TestPasteInput checks what pasteInput gives readline: runs of text in
// one read become a mark, except a lone key; control keys and escape
// sequences go through as they are, even cut between reads; a run that
// goes on in the next read grows while its mark has not been put in.
func TestPasteInput(t *testing.T) {
	mark := string(pasteMark)
	for _, c := range []struct {
		name  string
		reads []string
		want  string   // what readline reads
		runs  []string // the runs of the marks
	}{
		{"a key", []string{"a", "b", "\r"}, "ab\r", nil},
		{"a paste", []string{"ip link\r"}, mark + "\r", []string{"ip link"}},
		{"a paste in two reads", []string{"ip li", "nk\r"}, mark + "\r", []string{"ip link"}},
		{"lines", []string{"ip a\rip r\r"}, mark + "\r" + mark + "\r", []string{"ip a", "ip r"}},
		{"tab", []string{"ip l\tx"}, mark + "\tx", []string{"ip l"}},
		{"arrow keys", []string{"\x1b[D\x1b[1;5Cab\x1bOA\x1bbcd"}, "\x1b[D\x1b[1;5C" + mark + "\x1bOA\x1bb" + mark, []string{"ab", "cd"}},
		{"escape cut", []string{"\x1b", "[Aab"}, "\x1b[A" + mark, []string{"ab"}},
		{"utf-8 cut", []string{"xy\xc3", "\xa9t\xe2\x82", "\xac"}, mark, []string{"xyét€"}},
		{"not utf-8", []string{"ab\xffcd"}, mark + "\xff" + mark, []string{"ab", "cd"}},
		{"a mark in the text", []string{mark}, mark, []string{mark}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPasteInput(&chunks{reads: append([]string(nil), c.reads...)})
			got, err := io.ReadAll(p)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("readline reads %q, want %q", got, c.want)
			}
			var runs []string
			for {
				r, ok := p.take()
				if !ok {
					break
				}
				runs = append(runs, string(r))
			}
			if strings.Join(runs, "|") != strings.Join(c.runs, "|") {
				t.Errorf("runs %q, want %q", runs, c.runs)
			}
		})
	}
}

// TestPasteInputTaken: once readline has put a run in, the text after it
// starts a new run with its own mark.
func TestPasteInputTaken(t *testing.T) {
	p := newPasteInput(&chunks{reads: []string{"ab", "cd"}})
	b := make([]byte, 16)
	n, _ := p.Read(b)
	if string(b[:n]) != string(pasteMark) {
		t.Fatalf("read %q", b[:n])
	}
	if r, _ := p.take(); string(r) != "ab" {
		t.Fatalf("run %q", r)
	}
	n, _ = p.Read(b)
	if r, _ := p.take(); string(b[:n]) != string(pasteMark) || string(r) != "cd" {
		t.Fatalf("read %q, run %q", b[:n], r)
	}
}

// terminalConfig is readline on a pretend terminal 80 columns wide: it
// redraws the line for every key, as on a real one, and writes nowhere.
func terminalConfig() readline.Config {
	return readline.Config{
		Prompt:             "nsh> ",
		Stdout:             io.Discard,
		Stderr:             io.Discard,
		FuncIsTerminal:     func() bool { return true },
		FuncGetWidth:       func() int { return 80 },
		FuncMakeRaw:        func() error { return nil },
		FuncExitRaw:        func() error { return nil },
		FuncOnWidthChanged: func(func()) {},
	}
}

// TestPasteLongLine pastes a one-megabyte line into the line editor the
// REPL uses: it reads the line back whole. Key by key, readline would
// redraw the line a million times (hours); pasted, a few times.
func TestPasteLongLine(t *testing.T) {
	line := strings.Repeat("ip link show lo ", (1<<20)/16) + "é"
	r, w := io.Pipe()
	rl, err := newEditor(terminalConfig(), r)
	if err != nil {
		t.Fatal(err)
	}
	defer rl.Close()
	go func() {
		// As a terminal delivers a paste: in pieces.
		for s := line + "\r"; s != ""; {
			n := min(len(s), 4096)
			if _, err := w.Write([]byte(s[:n])); err != nil {
				return
			}
			s = s[n:]
		}
	}()
	got, err := rl.Readline()
	if err != nil {
		t.Fatal(err)
	}
	if got != line {
		t.Fatalf("read %d bytes, want %d; valid UTF-8 %v", len(got), len(line), utf8.ValidString(got))
	}
	w.CloseWithError(errors.New("done"))
}

// TestPasteKeys: keys typed one by one and a pasted run, inserted where
// the cursor is (after moving left), make the line they would make typed.
func TestPasteKeys(t *testing.T) {
	r, w := io.Pipe()
	rl, err := newEditor(terminalConfig(), r)
	if err != nil {
		t.Fatal(err)
	}
	defer rl.Close()
	go func() {
		for _, s := range []string{"i", "p", " ", "a", "\x1b[D", "link show ", "\x1b[C", "x", "\r"} {
			w.Write([]byte(s))
		}
	}()
	got, err := rl.Readline()
	if err != nil {
		t.Fatal(err)
	}
	if got != "ip link show ax" {
		t.Fatalf("line %q", got)
	}
	w.Close()
}

// TestLongLineAtPrompt: a one-megabyte line entered at the prompt runs
// (prompt stripping, parsing), and Tab at its end completes.
func TestLongLineAtPrompt(t *testing.T) {
	sandbox.Run(t, func(t *testing.T) {
		s, _ := newSession(t)
		out := s.cfg.Stdout.(*bytes.Buffer)
		value := strings.Repeat("a", 1<<20)
		if _, exit, _ := s.line("[root@lab ~]# x = " + value); exit {
			t.Fatal("exit")
		}
		if _, exit, _ := s.line("echo $x"); exit || out.String() != value+"\n" {
			t.Fatalf("echo $x printed %d bytes, want %d: %.100q", out.Len(), len(value)+1, out.String())
		}
		long := "echo " + strings.Repeat("a ", 1<<19) + "; ip link set l"
		if cands, _ := s.comp.Complete(nil, long); len(cands) != 1 || cands[0] != "lo " {
			t.Fatalf("candidates %q", cands)
		}
	})
}

// BenchmarkPasteLongLine shows how pasting a line into the editor scales
// with its length: 100 KB against 1 MB.
func BenchmarkPasteLongLine(b *testing.B) {
	for _, size := range []int{100 << 10, 1 << 20} {
		line := strings.Repeat("ip link show lo ", size/16)
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				r, w := io.Pipe()
				rl, err := newEditor(terminalConfig(), r)
				if err != nil {
					b.Fatal(err)
				}
				go w.Write([]byte(line + "\r"))
				if got, err := rl.Readline(); err != nil || len(got) != len(line) {
					b.Fatalf("read %d bytes, %v", len(got), err)
				}
				w.Close()
				rl.Close()
			}
		})
	}
}
