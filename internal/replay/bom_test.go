package replay

import (
	"testing"

	"github.com/nshlab/nsh/lang"
)

// TestExtractBOM: a tutorial saved with a byte-order mark has its first
// command on its first line.
func TestExtractBOM(t *testing.T) {
	steps := Extract(lang.BOM + "ip netns add red\nip netns list\n")
	if len(steps) != 2 || steps[0].Text != "ip netns add red" || steps[0].Line != 1 || steps[1].Line != 2 {
		t.Fatalf("steps %+v", steps)
	}
}
