package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/cli"
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
