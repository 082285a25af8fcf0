package export_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/cli"
	"github.com/nshlab/nsh/internal/sandbox"
)

// TestExportPrintsAsNsh runs scripts that print and touch no kernel
// under nsh, and their exports under the real bash: the output and the
// exit status must be the same. Hostile values (HAZARDS #14) must reach
// bash as one argument, never as code.
func TestExportPrintsAsNsh(t *testing.T) {
	t.Parallel()
	bash := sandbox.RequireTool(t, "bash")
	for _, c := range []struct{ name, src string }{
		{"vars", "x = a\ny=b\necho $x $y \"$x $y\" ${z:-dflt}\n"},
		{"hostile", "x = 'a;touch${IFS}p $(touch q) `touch r` \"\\\\ *'\necho $x\necho -n \"$x\"\necho\n"},
		{"empty-and-blanks", "x =\necho \"[$x]\" '  two  spaces  '\necho -e -n\necho -n -e\n"},
		{"loops", "for i in 1..3 3..1 < for j in x y < echo $i$j $((i * 2)) > >\nfor i in [a b] c < echo $i >\n"},
		{"lists", "l = [a 'b c' d]\nfor i in $l < echo \"<$i>\" >\necho $l\n"},
		{"procs", "def greet who n < echo hello $who $n; if $n -gt 1 < greet $who $((n - 1)) > >\ngreet you 3\n"},
		{"if", "n = 5\nif $n -ge 5 < echo big > else < echo small >\nif a == b < echo eq > else if a != c < echo ne >\n"},
		{"params", "echo $# $1 \"$@\"\n"},
		{"exit", "echo before\nexit 3\necho after\n"},
		{"newlines", "echo 'a\nb'\necho \"tab\there\"\n"},
		{"sleep", "sleep 0.1\necho slept\n"},
		{"exec-echo", "exec echo -n -e 'x\\n'\necho\n"},
		{"true-and", "true\necho ok\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			file := filepath.Join(dir, c.name+".nsh")
			if err := os.WriteFile(file, []byte(c.src), 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{"p 1", "two"}
			var want, werr bytes.Buffer
			wantCode := cli.Main(append([]string{"nsh", file}, args...), strings.NewReader(""), &want, &werr)
			script := filepath.Join(dir, c.name+".sh")
			var eout, eerr bytes.Buffer
			if code := cli.Main(append([]string{"nsh", "export", "-o", script, file}, args...), strings.NewReader(""), &eout, &eerr); code != 0 {
				t.Fatalf("nsh export: status %d: %s", code, eerr.String())
			}
			cmd := exec.Command(bash, script)
			cmd.Dir = dir
			var got, gerr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &got, &gerr
			err := cmd.Run()
			gotCode := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				gotCode = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			text, _ := os.ReadFile(script)
			if got.String() != want.String() || gotCode != wantCode {
				t.Errorf("bash running the export printed %q (status %d), nsh %q (status %d)\nexport:\n%s\nbash's stderr: %s", got.String(), gotCode, want.String(), wantCode, text, gerr.String())
			}
			for _, f := range []string{"p", "q", "r"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
					t.Errorf("a value ran as code: %s was created\nexport:\n%s", f, text)
				}
			}
		})
	}
}
