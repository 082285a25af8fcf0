package cli

import (
	"strings"
	"testing"
)

// TestUsageListsEveryMode checks that "nsh --help" names every mode Main
// dispatches to.
func TestUsageListsEveryMode(t *testing.T) {
	var out, errb strings.Builder
	if code := Main([]string{"nsh", "--help"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("nsh --help: exit %d: %s", code, errb.String())
	}
	for m := range modes {
		if !strings.Contains(out.String(), "\n       nsh "+m+" ") && !strings.Contains(out.String(), "\n       nsh "+m+"\n") {
			t.Errorf("nsh --help does not list \"nsh %s\":\n%s", m, out.String())
		}
	}
}
