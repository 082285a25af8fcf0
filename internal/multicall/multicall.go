// Package multicall names the commands nsh stands in for when it is
// invoked by their name (a link named ip to nsh is ip). It imports nothing,
// so that even package initialisers (ns's) can ask whether this process is
// such a one-shot tool.
package multicall

import (
	"os"
	"path/filepath"
)

// Names are the commands nsh acts as when called by that name, in the
// order the bash fallback puts their links on PATH.
var Names = [...]string{"ip", "brctl", "bridge", "ping", "sysctl"}

// Is reports whether name (a command word or a path to one) is one of
// Names.
func Is(name string) bool {
	base := filepath.Base(name)
	for _, t := range Names {
		if base == t {
			return true
		}
	}
	return false
}

// Self reports whether this process was started under one of Names.
func Self() bool {
	return len(os.Args) > 0 && Is(os.Args[0])
}
