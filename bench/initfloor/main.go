// Command initfloor links every package nsh links (through internal/cli)
// and only prints a line: the start-up cost of the Go runtime plus the
// package initialisers of nsh's dependencies, with none of nsh's own
// work. BenchmarkStartupAsIP times it next to ip and nsh as ip.
package main

import (
	"os"

	_ "github.com/nshlab/nsh/internal/cli"
)

func main() { os.Stdout.WriteString("lo\n") }
