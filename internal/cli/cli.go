// Package cli is the nsh command: flags, the sandbox mode, and running a
// script, text or standard input. cmd/nsh is a thin wrapper so that tests
// can run the whole command in-process.
package cli

import (
	"fmt"
	"io"
)

// Main runs nsh with args (args[0] is the program name) and returns the
// exit status: 0 success, 1 runtime error, 2 usage or syntax error.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "nsh: not written yet")
	return 1
}
