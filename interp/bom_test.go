package interp_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nshlab/nsh/lang"
)

// TestSourceBOM: a sourced file's byte-order mark is no part of its
// first word.
func TestSourceBOM(t *testing.T) {
	f := filepath.Join(t.TempDir(), "lib.nsh")
	if err := os.WriteFile(f, []byte(lang.BOM+"echo sourced\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, err := run(t, "source "+f+"\n"); err != nil || out != "sourced\n" {
		t.Fatalf("stdout %q, error %v", out, err)
	}
}
