package builtins

import (
	"errors"
	"strings"
	"syscall"
	"testing"
)

func TestWithSuggestion(t *testing.T) {
	words := strings.Fields("ip link set lo mtuu 1400")
	f := &Failure{Text: `Error: either "dev" is duplicate, or "mtuu" is a garbage.`, Status: 255}
	err := WithSuggestion(f, words)
	text, status := Report(err, 2)
	if text != f.Text || status != 255 {
		t.Errorf("the tool's view changed: %q %d", text, status)
	}
	if want := f.Text + "\nnsh: unknown keyword \"mtuu\" for \"ip link set\"; did you mean \"mtu\"?"; err.Error() != want {
		t.Errorf("nsh's view: %q, want %q", err.Error(), want)
	}
	// An explanation already there is kept (and its errno).
	k := &Failure{Text: "Error: Unknown device type.", Status: 2, Err: syscall.EOPNOTSUPP}
	err = WithSuggestion(k, strings.Fields("ip link add x type veht"))
	if !errors.Is(err, syscall.EOPNOTSUPP) || !strings.HasSuffix(err.Error(), `did you mean "veth"?`) {
		t.Errorf("kernel failure: %v", err)
	}
	// No typo, no change.
	if err := WithSuggestion(f, strings.Fields("ip link set lo mtu 1400")); err != error(f) {
		t.Errorf("changed without a typo: %v", err)
	}
}
