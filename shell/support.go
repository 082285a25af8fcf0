package shell

import (
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Unsupported reports the first construct of file that mvdan.cc/sh parses
// but does not run as bash does, with its position, so that the caller
// can run the file under bash instead (ok is false when there is none).
// What it looks for, as of mvdan.cc/sh v3.14: bash's variables that mvdan
// leaves empty (BASH_SOURCE, FUNCNAME, BASHPID, SECONDS, PIPESTATUS,
// BASH_LINENO), "echo" with grouped options ("-ne"), "printf -v",
// coproc, redirections of descriptors above 2 (exec 3>&1), and traps on
// signals other than EXIT and ERR.
func Unsupported(file *syntax.File) (pos syntax.Pos, what string, ok bool) {
	found := func(p syntax.Pos, format string, args ...any) bool {
		if ok {
			return false
		}
		pos, what, ok = p, fmt.Sprintf(format, args...), true
		return false
	}
	syntax.Walk(file, func(n syntax.Node) bool {
		if ok {
			return false
		}
		switch n := n.(type) {
		case *syntax.ParamExp:
			if n.Param != nil && bashOnlyVars[n.Param.Value] {
				return found(n.Pos(), "$%s", n.Param.Value)
			}
		case *syntax.CoprocClause:
			return found(n.Pos(), "coproc")
		case *syntax.Redirect:
			if n.N != nil && fdAbove2(n.N.Value) {
				return found(n.Pos(), "a redirection of descriptor %s", n.N.Value)
			}
			if n.Op == syntax.DplOut || n.Op == syntax.DplIn {
				if w := n.Word.Lit(); fdAbove2(w) {
					return found(n.Pos(), "a redirection to descriptor %s", w)
				}
			}
		case *syntax.CallExpr:
			if len(n.Args) < 2 {
				return true
			}
			name, arg := n.Args[0].Lit(), n.Args[1].Lit()
			switch {
			case name == "echo" && groupedEcho(arg):
				return found(n.Pos(), "echo %s", arg)
			case name == "printf" && arg == "-v":
				return found(n.Pos(), "printf -v")
			case name == "trap":
				for _, w := range n.Args[2:] {
					sig := strings.TrimPrefix(strings.ToUpper(w.Lit()), "SIG")
					if sig != "" && sig != "EXIT" && sig != "ERR" && sig != "0" {
						return found(w.Pos(), "trap on %s", w.Lit())
					}
				}
			}
		}
		return true
	})
	return pos, what, ok
}

// bashOnlyVars are bash's variables that mvdan.cc/sh leaves empty.
var bashOnlyVars = map[string]bool{
	"BASH_SOURCE": true, "FUNCNAME": true, "BASHPID": true, "SECONDS": true,
	"PIPESTATUS": true, "BASH_LINENO": true,
}

// groupedEcho reports whether arg is echo options given together, which
// mvdan's echo prints as text.
func groupedEcho(arg string) bool {
	return len(arg) >= 3 && arg[0] == '-' && strings.Trim(arg[1:], "neE") == ""
}

// fdAbove2 reports whether s is a descriptor number above 2.
func fdAbove2(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != "0" && s != "1" && s != "2"
}
