package interp_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestLongRedirectionLine runs a one-megabyte line: a command with
// 200,000 redirections. Their text, for messages and -x, is built once
// (appending to a string copied it for every redirection).
func TestLongRedirectionLine(t *testing.T) {
	const redir = " 2>&1"
	k := (1 << 20) / len(redir)
	redirs := strings.Repeat(redir, k)
	if out, _, err := run(t, "echo a"+redirs+"\n"); err != nil || out != "a\n" {
		t.Fatalf("out %q, error %.200v", out, err)
	}
	// A failing one names every redirection.
	missing := filepath.Join(t.TempDir(), "missing")
	_, _, err := run(t, "echo a"+redirs+" <"+missing+"\n")
	if err == nil || strings.Count(err.Error(), redir) != k || !strings.Contains(err.Error(), "< "+missing) {
		t.Fatalf("error names %d redirections, want %d: %.200v", strings.Count(err.Error(), redir), k, err)
	}
}
