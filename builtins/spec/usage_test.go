package spec

import (
	"bytes"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// usageCommand is the real command line that prints usage text name.
func usageCommand(name string) []string {
	switch {
	case name == "ip" || name == "bridge":
		return []string{name, "help"}
	case name == "brctl":
		return []string{"brctl"}
	case strings.HasPrefix(name, "type-"):
		return []string{"ip", "link", "add", "x", "type", strings.TrimPrefix(name, "type-"), "help"}
	}
	cmd, obj, _ := strings.Cut(name, "-")
	return []string{cmd, obj, "help"}
}

// TestUsageAsTheRealTools compares every stored usage text, its stream
// and exit status with what the real ip, bridge and brctl print.
func TestUsageAsTheRealTools(t *testing.T) {
	for _, tool := range []string{"ip", "bridge", "brctl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s here: %v", tool, err)
		}
	}
	names := UsageNames()
	if len(names) < 20 {
		t.Fatalf("only %d usage texts", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := usageCommand(name)
			cmd := exec.Command(args[0], args[1:]...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			status := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			toStdout, wantStatus := UsageStatus(name)
			got := stderr.String()
			if toStdout {
				got = stdout.String()
			}
			if got != Usage(name) {
				t.Errorf("%q prints\n%s\nthe model holds\n%s", args, got, Usage(name))
			}
			if status != wantStatus {
				t.Errorf("%q exits %d, the model says %d", args, status, wantStatus)
			}
		})
	}
}

// TestLinkKindsOfIPLinkHelp checks that every link type "ip link help"
// lists is in the model.
func TestLinkKindsOfIPLinkHelp(t *testing.T) {
	m := regexp.MustCompile(`(?s)TYPE := \{(.*?)\}`).FindStringSubmatch(Usage("ip-link"))
	if m == nil {
		t.Fatal("no TYPE list in ip link help")
	}
	n := 0
	for _, k := range strings.FieldsFunc(m[1], func(r rune) bool { return r == '|' || r == ' ' || r == '\n' || r == '\t' }) {
		n++
		if LinkKindOf(k) == nil && !knownAbsentKinds[k] {
			t.Errorf("link type %q of ip link help is not in the model", k)
		}
	}
	if n < 30 {
		t.Errorf("only %d types in ip link help", n)
	}
}

// knownAbsentKinds are types "ip link help" lists that have no link_util
// in iproute2 6.1 and so take no options: the model knows them by name
// through LinkKinds' plain entries, or they are listed here with the
// reason.
var knownAbsentKinds = map[string]bool{}
