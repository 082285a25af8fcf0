package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/lang"
)

// TestBOM: a script that starts with a UTF-8 byte-order mark runs as
// without it, read from a file or from standard input, checked with -n
// or run; positions on its first line count from the character after
// the mark. A shell script's "#!" line after a mark is still seen.
func TestBOM(t *testing.T) {
	sandbox.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		write := func(name, src string) string {
			t.Helper()
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(lang.BOM+src), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		if out, errs, code := runMain(t, write("hi.nsh", "echo hi\n")); code != 0 || out != "hi\n" {
			t.Errorf("file: exit %d, stdout %q, stderr %q", code, out, errs)
		}
		var out, errb bytes.Buffer
		if code := Main([]string{"nsh", "-"}, strings.NewReader(lang.BOM+"echo hi\n"), &out, &errb); code != 0 || out.String() != "hi\n" {
			t.Errorf("stdin: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
		}
		bad := write("bad.nsh", "echo 'unclosed\n")
		want := bad + ":1:6: unclosed single quote\n    echo 'unclosed\n         ^\n"
		if _, errs, code := runMain(t, "-n", bad); code != 2 || errs != want {
			t.Errorf("-n: exit %d, stderr %q, want %q", code, errs, want)
		}
		fails := write("fails.nsh", "ip link del nosuch\n")
		if _, errs, code := runMain(t, fails); code != 1 || !strings.HasPrefix(errs, fails+":1:1: ip link del nosuch ") {
			t.Errorf("runtime error: exit %d, stderr %q", code, errs)
		}
		// As sh runs it: the failing line is reported and the script
		// goes on.
		sh := write("lab", "#!/bin/sh\nfalse\necho after\n")
		if out, errs, code := runMain(t, sh); code != 0 || out != "after\n" {
			t.Errorf("shell script: exit %d, stdout %q, stderr %q", code, out, errs)
		}
	})
}
