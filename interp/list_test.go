package interp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
)

// runList runs src in dir with a handler standing for builtins: "fail"
// fails with status 1, "status N" exits N, "upper" copies its standard
// input to its output in upper case, "peek" prints the commands that
// HandlerContext.Following offers, "warn" writes its arguments to
// standard error; anything else prints "CMD args". It returns stdout,
// stderr, $? and the error.
func runList(t *testing.T, dir, src string) (string, string, int, error) {
	t.Helper()
	f, err := lang.Parse("t.nsh", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var out, errb bytes.Buffer
	h := func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			hc := interp.HandlerCtx(ctx)
			switch args[0] {
			case "fail":
				return errors.New("it failed")
			case "status":
				return interp.ExitStatus(args[1][0] - '0')
			case "upper":
				if hc.Stdin == nil {
					return errors.New("no input")
				}
				b, err := io.ReadAll(hc.Stdin)
				if err != nil {
					return err
				}
				_, err = hc.Stdout.Write(bytes.ToUpper(b))
				return err
			case "peek":
				for i := 0; ; i++ {
					f, ok := hc.Following(i)
					if !ok {
						break
					}
					hc.Stdout.Write([]byte("next: " + strings.Join(f.Args, " ") + "\n"))
				}
				return nil
			case "warn":
				hc.Stderr.Write([]byte(strings.Join(args[1:], " ") + "\n"))
				return nil
			case "CMD", "ip":
				hc.Stdout.Write([]byte("CMD " + strings.Join(args, " ") + "\n"))
				return nil
			}
			return next(ctx, args)
		}
	}
	r, err := interp.New(interp.StdIO(nil, &out, &errb), interp.Dir(dir), interp.ExecHandlers(h))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	err = r.Run(context.Background(), f)
	return out.String(), errb.String(), r.Status(), err
}

func TestAndOr(t *testing.T) {
	for _, tc := range []struct {
		src, out string
		status   int
		fails    string // the failing statement, "" if the script goes on
	}{
		{"true && echo a", "a\n", 0, ""},
		{"false && echo a\necho $?", "1\n", 0, ""},
		{"false || echo b", "b\n", 0, ""},
		{"true || echo b\necho $?", "0\n", 0, ""},
		{"fail && echo a || echo c", "c\n", 0, ""},
		{"true && fail || echo c", "c\n", 0, ""},
		{"true && echo a || echo c", "a\n", 0, ""},
		{"false || false && echo x\necho after $?", "after 1\n", 0, ""},
		{"status 3 || status 4\necho not reached", "", 4, "t.nsh:1:13: status 4"},
		{"true && fail\necho not reached", "", 1, "t.nsh:1:9: fail (start netns): it failed"},
		{"false || echo $nosuch\necho not reached", "", 1, "t.nsh:1:10: echo $nosuch"},
		{"status 5 && echo x; echo $?", "5\n", 0, ""},
		{"true && exit 3 && echo x", "", 3, "exit 3"},
	} {
		out, _, status, err := runList(t, t.TempDir(), tc.src)
		var ee *interp.ExitError
		switch {
		case tc.fails == "" && err != nil:
			t.Errorf("%q: %v", tc.src, err)
		case tc.fails != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.fails)):
			t.Errorf("%q: error %v, want %s...", tc.src, err, tc.fails)
		case tc.fails == "exit 3" && !errors.As(err, &ee):
			t.Errorf("%q: error %v, want an ExitError", tc.src, err)
		}
		if out != tc.out || status != tc.status {
			t.Errorf("%q: stdout %q, status %d; want %q, %d", tc.src, out, status, tc.out, tc.status)
		}
	}
}

func TestPipeline(t *testing.T) {
	if _, err := exec.LookPath("tr"); err != nil {
		t.Fatal("tr not found")
	}
	for _, tc := range []struct {
		src, out string
		status   int
		fails    string
	}{
		{"echo hello | upper", "HELLO\n", 0, ""},
		{"echo hello | tr a-z A-Z", "HELLO\n", 0, ""},
		{"echo abc | tr a-z A-Z | upper | tr A-Z a-z", "abc\n", 0, ""},
		{"ip link show | grep -c CMD", "1\n", 0, ""},
		{"echo a | grep -q b || echo nomatch", "nomatch\n", 0, ""},
		{"fail | upper\necho $?", "0\n", 0, ""},
		{"echo a | fail\necho not reached", "", 1, "t.nsh:1:10: fail (start netns): it failed"},
		{"echo a | grep b\necho not reached", "", 1, "t.nsh:1:10: grep b"},
		{"def p < echo in proc; echo more >\np | grep more", "more\n", 0, ""},
		{"seq 100000 | head -n 1", "1\n", 0, ""},
		{"echo a | exit 4\necho not reached", "", 4, "t.nsh:1:10"},
		{"echo a | exit 0 && echo b", "b\n", 0, ""},
	} {
		out, stderr, status, err := runList(t, t.TempDir(), tc.src)
		switch {
		case tc.fails == "" && err != nil:
			t.Errorf("%q: %v (stderr %q)", tc.src, err, stderr)
		case tc.fails != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.fails)):
			t.Errorf("%q: error %v, want %s...", tc.src, err, tc.fails)
		}
		if out != tc.out || status != tc.status {
			t.Errorf("%q: stdout %q, status %d; want %q, %d", tc.src, out, status, tc.out, tc.status)
		}
	}
}

func TestRedirections(t *testing.T) {
	dir := t.TempDir()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if err := os.WriteFile(filepath.Join(dir, "in"), []byte("from a file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `echo one > out
echo two >> out
f = out2
echo three > $f; echo four >>$f
warn oops 2> err
warn both > all 2>&1
echo both >> all 2>&1
sh -c 'echo x; echo y >&2' &> amp
warn to-stdout 2>&1 > /dev/null
echo to-stderr >&2
upper < in > up
tr a-z A-Z < in | upper >> up
ip link > l1 2>/dev/null && echo ok > l2
`
	out, stderr, _, err := runList(t, dir, src)
	if err != nil {
		t.Fatalf("%v (stderr %q)", err, stderr)
	}
	if out != "to-stdout\n" {
		t.Errorf("stdout %q", out)
	}
	if stderr != "to-stderr\n" {
		t.Errorf("stderr %q", stderr)
	}
	for name, want := range map[string]string{
		"out": "one\ntwo\n", "out2": "three\nfour\n", "err": "oops\n", "all": "both\nboth\n",
		"amp": "x\ny\n", "up": "FROM A FILE\nFROM A FILE\n", "l1": "CMD ip link\n", "l2": "ok\n",
	} {
		if got := read(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

func TestRedirectionErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"echo a > nodir/x", `t.nsh:1:1: echo a > nodir/x (start netns): open `},
		{"l = [a b]\necho a > $l", `t.nsh:2:1: echo a > '' (start netns): >: ambiguous redirect`},
		{"echo a 3> x", `t.nsh:1:1: echo a 3> x (start netns): 3>: file descriptor 3`},
		{"upper < nosuch", `t.nsh:1:1: upper < nosuch (start netns): open `},
		{"status 2 > x", `t.nsh:1:1: status 2 > x (start netns): exit status 2`},
	} {
		_, _, _, err := runList(t, t.TempDir(), tc.src)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %s...", tc.src, err, tc.want)
		}
	}
}

// TestFollowingStops checks that the look-ahead offered to handlers stops
// at a list, a pipeline or a redirected command, and that a redirected
// command sees no look-ahead.
func TestFollowingStops(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ src, out string }{
		{"peek\nip a\nip b && ip c\nip d", "next: ip a\nCMD ip a\nCMD ip b\nCMD ip c\nCMD ip d\n"},
		{"peek\nip a | ip b\nip d", "CMD ip b\nCMD ip d\n"},
		{"peek\nip a > /dev/null\nip d", "CMD ip d\n"},
		{"peek > " + filepath.Join(dir, "x") + "\nip d", "CMD ip d\n"},
	} {
		out, _, _, err := runList(t, dir, tc.src)
		if err != nil || out != tc.out {
			t.Errorf("%q: %q, %v; want %q", tc.src, out, err, tc.out)
		}
	}
}

// TestReportedFailures checks that the error of a command whose failure
// does not stop the script goes to its standard error, redirections
// included, and that a plain exit status prints nothing.
func TestReportedFailures(t *testing.T) {
	for _, tc := range []struct{ src, stderr string }{
		{"fail || true", "t.nsh:1:1: fail (start netns): it failed\n"},
		{"fail 2>/dev/null || true", ""},
		{"fail | upper", "t.nsh:1:1: fail (start netns): it failed\n"},
		{"false || status 0 && true", ""},
		{"true && fail 2>&1 || true", ""},
	} {
		out, stderr, _, err := runList(t, t.TempDir(), tc.src)
		if err != nil || stderr != tc.stderr {
			t.Errorf("%q: stderr %q, %v; want %q", tc.src, stderr, err, tc.stderr)
		}
		if strings.HasSuffix(tc.src, "2>&1 || true") && out != "t.nsh:1:9: fail 2>&1 (start netns): it failed\n" {
			t.Errorf("%q: stdout %q", tc.src, out)
		}
	}
}

// TestBrokenPipe checks that a builtin writing into a pipeline whose
// reader has gone fails silently and does not stop the script.
func TestBrokenPipe(t *testing.T) {
	src := "def many < for i in 1..20000 < echo line $i > >\nmany | head -n 2\necho after $?"
	out, stderr, _, err := runList(t, t.TempDir(), src)
	if err != nil || out != "line 1\nline 2\nafter 0\n" || stderr != "" {
		t.Errorf("stdout %q, stderr %q, %v", out, stderr, err)
	}
}

// TestBackground runs background statements next to the script, with
// their output in the same (non-file) writer: go test -race checks it.
func TestBackground(t *testing.T) {
	out, _, err := run(t, "echo x &\necho a & echo b &\nfail &\nwait || echo waited $?\necho \"[$!]\"\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"x\n", "a\n", "b\n", "waited 1\n", "[]\n"} {
		if !strings.Contains(out, w) {
			t.Errorf("output %q lacks %q", out, w)
		}
	}
}
