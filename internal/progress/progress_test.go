package progress_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/cli"
)

// openPty returns a new pseudo-terminal: the master, from which the test
// reads what was written to the terminal, and the slave, the terminal.
func openPty(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("ptsname: %v", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("opening the pty: %v", err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// slow is a script that lasts well over progress.Delay, with output before
// and after its long statement (line 2); quiet ends with its long one.
const (
	slow  = "echo one\nsleep 2.5\necho two\n"
	quiet = "echo one\nsleep 2\n"
)

// drawRE is one drawing of the progress line: erase, then the text.
var drawRE = regexp.MustCompile(`\r\x1b\[Knsh: (\d+) statements? done, (\S+):(\d+), \d+\.\ds`)

// runSlow runs the slow script with standard output and error as given
// and returns the script's file name.
func runSlow(t *testing.T, stdout, stderr io.Writer) string {
	t.Helper()
	return run(t, slow, stdout, stderr)
}

// run runs script as a file with standard output and error as given and
// returns the file's base name.
func run(t *testing.T, script string, stdout, stderr io.Writer) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "slow.nsh")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := cli.Main([]string{"nsh", file}, strings.NewReader(""), stdout, stderr); code != 0 {
		t.Fatalf("nsh %s: status %d", file, code)
	}
	return filepath.Base(file)
}

// TestProgressOnTerminal runs a slow script with its output and errors on
// a terminal: the progress line shows the long statement's line, is
// erased before output and at the end, and leaves the output intact.
func TestProgressOnTerminal(t *testing.T) {
	t.Parallel()
	out, file := onTerminal(t, slow)

	draws := drawRE.FindAllStringSubmatch(out, -1)
	if len(draws) == 0 {
		t.Fatalf("no progress line in %q", out)
	}
	sawSleep := false
	for _, d := range draws {
		// During the sleep (line 2), or just as line 3 starts.
		ok := d[2] == file && (d[3] == "2" && d[1] == "1" || d[3] == "3" && d[1] == "2")
		if !ok {
			t.Errorf("progress %q: want 1 statement done, at %s:2 (the sleep), or 2 at line 3", d[0], file)
		}
		sawSleep = sawSleep || d[3] == "2"
	}
	if !sawSleep {
		t.Errorf("no progress line during the sleep (line 2): %q", out)
	}
	last := drawRE.FindAllStringIndex(out, -1)
	if !strings.Contains(out[last[len(last)-1][1]:], "\r\x1b[K") {
		t.Errorf("the progress line is not erased after it is last drawn: %q", out)
	}
	// Without the drawings and erasures, the output is the script's.
	rest := strings.ReplaceAll(drawRE.ReplaceAllString(out, ""), "\r\x1b[K", "")
	if rest != "one\r\ntwo\r\n" {
		t.Errorf("output around the progress line: %q, want %q", rest, "one\r\ntwo\r\n")
	}
	// "two" comes after an erasure of the line drawn during the sleep.
	if i := strings.Index(out, "two"); i < 3 || out[i-3:i] != "\x1b[K" {
		t.Errorf("\"two\" is not written on an erased line: %q", out)
	}
}

// onTerminal runs script with its output and errors on a new terminal
// and returns what was written there, and the script's base name.
func onTerminal(t *testing.T, script string) (string, string) {
	t.Helper()
	master, slave := openPty(t)
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(master) // until EIO, when the slave is closed
		got <- b
	}()
	file := run(t, script, slave, slave)
	slave.Close()
	return string(<-got), file
}

// TestProgressErasedAtEnd runs a script that ends during its long
// statement: the line shown then is erased as nsh ends.
func TestProgressErasedAtEnd(t *testing.T) {
	t.Parallel()
	out, _ := onTerminal(t, quiet)
	if !drawRE.MatchString(out) {
		t.Fatalf("no progress line in %q", out)
	}
	if !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("the progress line is not erased at the end: %q", out)
	}
	if rest := strings.ReplaceAll(drawRE.ReplaceAllString(out, ""), "\r\x1b[K", ""); rest != "one\r\n" {
		t.Errorf("output around the progress line: %q, want %q", rest, "one\r\n")
	}
}

// TestNoProgressInPipesAndFiles runs the slow script with standard error
// a pipe, then a file: nothing but the script's output, no escape.
func TestNoProgressInPipesAndFiles(t *testing.T) {
	t.Parallel()
	t.Run("pipe", func(t *testing.T) {
		t.Parallel()
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		got := make(chan []byte)
		go func() {
			b, _ := io.ReadAll(r)
			got <- b
		}()
		runSlow(t, w, w)
		w.Close()
		if out := string(<-got); out != "one\ntwo\n" {
			t.Errorf("stderr a pipe: got %q, want the script's output only", out)
		}
	})
	t.Run("file", func(t *testing.T) {
		t.Parallel()
		f, err := os.Create(filepath.Join(t.TempDir(), "log"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var out bytes.Buffer
		runSlow(t, &out, f)
		log, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 0 || out.String() != "one\ntwo\n" {
			t.Errorf("stderr a file: log %q, output %q", log, out.String())
		}
	})
}

// TestNoProgressOverPrograms runs an external program that writes to the
// terminal after the progress line would have appeared: the line is not
// drawn while it runs, so its output is not mixed with the line.
func TestNoProgressOverPrograms(t *testing.T) {
	t.Parallel()
	out, _ := onTerminal(t, "echo one\nexec sh -c 'sleep 1.5; echo ext'\n")
	if !strings.HasPrefix(out, "one\r\next\r\n") {
		t.Errorf("the program's output is not written as it would be without nsh's progress: %q", out)
	}
}
