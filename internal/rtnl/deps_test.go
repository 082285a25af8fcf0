package rtnl_test

import (
	"os/exec"
	"strings"
	"testing"
)

// goList runs "go list" with args and returns its lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", strings.Join(args, " "), err)
	}
	return strings.Fields(string(out))
}

// TestImportGraph: the raw netlink code lives in this package only, which
// imports nothing of the project but ns; ip and brctl reach it without
// going through the bridge command.
func TestImportGraph(t *testing.T) {
	const mod = "github.com/nshlab/nsh/"
	for _, imp := range goList(t, "-f", `{{join .Imports "\n"}}`, mod+"internal/rtnl") {
		if strings.HasPrefix(imp, mod) && imp != mod+"ns" {
			t.Errorf("internal/rtnl imports %s", imp)
		}
	}
	for _, pkg := range []string{"builtins/iproute", "builtins/brctl"} {
		deps := goList(t, "-deps", mod+pkg)
		has := map[string]bool{}
		for _, d := range deps {
			has[d] = true
		}
		if has[mod+"builtins/bridge"] {
			t.Errorf("%s depends on builtins/bridge", pkg)
		}
		if !has[mod+"internal/rtnl"] {
			t.Errorf("%s does not use internal/rtnl", pkg)
		}
	}
}
