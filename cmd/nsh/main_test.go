package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/cli"
	"github.com/nshlab/nsh/internal/sandbox"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"nsh": func() {
			unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
			os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs testdata/script/*.txtar end to end with the nsh
// command. Scripts that touch the kernel use "nsh --sandbox", so they run
// in throwaway namespaces and leave the host alone; they need root.
func TestScripts(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("these scripts need root (CI=true: a skip would be a failure)")
		}
		t.Skip("needs root")
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("NSH_UPDATE_SCRIPTS") != "",
	})
}

// TestReadmeTour runs the "short tour" of README.md, so the README never
// shows a script that does not work.
func TestReadmeTour(t *testing.T) {
	sandbox.Run(t, func(t *testing.T) {
		readme, err := os.ReadFile("../../README.md")
		if err != nil {
			t.Fatal(err)
		}
		_, rest, ok := strings.Cut(string(readme), "## A short tour\n\n```sh\n")
		tour, _, ok2 := strings.Cut(rest, "```\n")
		if !ok || !ok2 {
			t.Fatal("README.md has no tour block")
		}
		var out, errb bytes.Buffer
		code := cli.Main([]string{"nsh", "-c", tour}, strings.NewReader(""), &out, &errb)
		if code != 0 {
			t.Fatalf("tour: exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
		}
		for _, want := range []string{"status was 1\n", "10.0.0.9 does not answer\n"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("tour output lacks %q:\n%s", want, out.String())
			}
		}
	})
}
