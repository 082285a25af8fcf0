package cli

import (
	"io"
	"os"
	"strings"
	"testing"
)

// TestInteractive: the REPL starts only without a script or -c, and only
// when standard input is a terminal.
func TestInteractive(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal: %v", err)
	}
	defer pty.Close()
	text := "echo"
	for _, c := range []struct {
		name  string
		o     options
		stdin io.Reader
		want  bool
	}{
		{"terminal", options{}, pty, true},
		{"terminal, -x", options{trace: true}, pty, true},
		{"pipe", options{}, pr, false},
		{"reader", options{}, strings.NewReader(""), false},
		{"terminal, FILE", options{file: "lab.nsh"}, pty, false},
		{"terminal, -", options{file: "-"}, pty, false},
		{"terminal, -c", options{text: &text}, pty, false},
	} {
		if _, got := interactive(c.o, c.stdin); got != c.want {
			t.Errorf("%s: interactive = %v, want %v", c.name, got, c.want)
		}
	}
}
