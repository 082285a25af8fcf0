package interp_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
)

// TestStaticCheckEachRun: with StaticCheck, each Run (a REPL's input, a
// file) is checked against what ran before it: a statement with an
// error runs not at all, not even its good first half; what an earlier
// Run set or defined counts; warnings are printed and the statement
// runs.
func TestStaticCheckEachRun(t *testing.T) {
	var out, errb bytes.Buffer
	echoer := func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			interp.HandlerCtx(ctx).Stdout.Write([]byte(strings.Join(args, " ") + "\n"))
			return nil
		}
	}
	cmd := func(words []string, known []bool) lang.CommandInfo {
		if words[0] == "warn" {
			return lang.CommandInfo{Problems: []lang.CommandProblem{{Word: 1, Msg: "careful", Warning: true}}}
		}
		return lang.CommandInfo{}
	}
	r, err := interp.New(interp.StdIO(nil, &out, &errb), interp.ExecHandlers(echoer),
		interp.Reserved("warn"), interp.StaticCheck(cmd))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	step := func(src string) error {
		t.Helper()
		f, err := lang.Parse("", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		out.Reset()
		errb.Reset()
		return r.Run(context.Background(), f)
	}
	var ce *interp.CheckError
	if err := step("echo first\necho $br\n"); !errors.As(err, &ce) || out.Len() != 0 {
		t.Fatalf("unset $br: err %v, output %q", err, out.String())
	}
	if !strings.Contains(ce.Error(), "2:6: $br is not set") || !strings.Contains(ce.Error(), "    echo $br\n         ^") {
		t.Errorf("error text:\n%s", ce.Error())
	}
	if err := step("br = br0\ndef pair a b < echo $a-$b >\n"); err != nil {
		t.Fatal(err)
	}
	if err := step("echo $br; pair x y\n"); err != nil || out.String() != "br0\nx-y\n" {
		t.Fatalf("err %v, output %q", err, out.String())
	}
	if err := step("echo go; pair x\n"); !errors.As(err, &ce) || out.Len() != 0 || !strings.Contains(err.Error(), "pair takes 2 argument(s) (a b), got 1") {
		t.Fatalf("pair x: err %v, output %q", err, out.String())
	}
	if err := step("warn x\n"); err != nil || out.String() != "warn x\n" || !strings.Contains(errb.String(), "1:6: warning: careful") {
		t.Fatalf("warning: err %v, output %q, stderr %q", err, out.String(), errb.String())
	}
	// A file "source" runs is checked when it runs, against the present
	// variables.
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib.nsh")
	if err := os.WriteFile(lib, []byte("echo in lib\necho $nope\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := step("p = " + lib + "\n"); err != nil {
		t.Fatal(err)
	}
	err = step("source $p\n")
	if !errors.As(err, &ce) || strings.Contains(out.String(), "in lib") {
		t.Fatalf("source: err %v, output %q", err, out.String())
	}
}
