// Command nsh runs network lab scripts: iproute2, brctl and bridge command
// lines executed in-process over netlink, with variables, loops,
// procedures and "in NS < ... >" blocks. See README.md and
// docs/LANGUAGE.md.
package main

import (
	"os"

	"github.com/nshlab/nsh/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
