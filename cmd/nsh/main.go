// Command nsh runs network lab scripts: iproute2, brctl and bridge command
// lines executed in-process over netlink, with variables, loops,
// procedures and "in NS < ... >" blocks. See README.md and
// docs/LANGUAGE.md.
package main

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/cli"
)

func main() {
	// Descriptors inherited from whoever started nsh must not leak into
	// the programs it runs (HAZARDS #8): only 0-2 are passed on.
	unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if cli.IsTool(filepath.Base(os.Args[0])) {
		// A multi-call binary: called as ip, brctl, bridge, ping or
		// sysctl, nsh is that command.
		os.Exit(cli.Tool(os.Args, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
