package shell

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Unsupported reports the first construct of file that mvdan.cc/sh parses
// but does not run as bash does, with its position, so that the caller
// can run the file under bash instead (ok is false when there is none).
// What it looks for, as of mvdan.cc/sh v3.14: bash's variables that mvdan
// leaves empty (BASH_SOURCE, FUNCNAME, BASHPID, SECONDS, PIPESTATUS,
// BASH_LINENO), "echo" with grouped options ("-ne"), "printf -v",
// coproc, redirections of descriptors above 2 (exec 3>&1), traps on
// signals other than EXIT and ERR, options of read other than -r, -s,
// -a and -p, options of wait, and the order of an associative array.
func Unsupported(file *syntax.File) (pos syntax.Pos, what string, ok bool) {
	found := func(p syntax.Pos, format string, args ...any) bool {
		if ok {
			return false
		}
		pos, what, ok = p, fmt.Sprintf(format, args...), true
		return false
	}
	// Associative arrays: mvdan keeps them in Go maps, so "${!m[@]}" and
	// "${m[@]}" come out in a random order, not bash's.
	assoc := map[string]bool{}
	syntax.Walk(file, func(n syntax.Node) bool {
		if d, isDecl := n.(*syntax.DeclClause); isDecl {
			isA := false
			for _, a := range d.Args {
				if a.Naked && a.Name == nil && a.Value != nil && strings.HasPrefix(a.Value.Lit(), "-") && strings.Contains(a.Value.Lit(), "A") {
					isA = true
				}
			}
			for _, a := range d.Args {
				if isA && a.Name != nil {
					assoc[a.Name.Value] = true
				}
			}
		}
		return true
	})
	syntax.Walk(file, func(n syntax.Node) bool {
		if ok {
			return false
		}
		switch n := n.(type) {
		case *syntax.ParamExp:
			if n.Param != nil && slices.Contains(bashOnlyVars, n.Param.Value) {
				return found(n.Pos(), "$%s", n.Param.Value)
			}
			if n.Param != nil && assoc[n.Param.Value] && n.Index != nil {
				if w, isWord := n.Index.(*syntax.Word); isWord && (w.Lit() == "@" || w.Lit() == "*") {
					return found(n.Pos(), "the order of the associative array %s", n.Param.Value)
				}
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
			case name == "read" || name == "wait":
				for _, w := range n.Args[1:] {
					o := w.Lit()
					if o == "--" || !strings.HasPrefix(o, "-") || o == "-" {
						break
					}
					if name == "wait" || strings.Trim(o[1:], "rsap") != "" {
						return found(w.Pos(), "%s %s", name, o)
					}
				}
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
var bashOnlyVars = []string{
	"BASH_SOURCE", "FUNCNAME", "BASHPID", "SECONDS", "PIPESTATUS", "BASH_LINENO",
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

// Sourced lists the files file sources ("source F", ". F") that can be
// found before running: F's last path element, looked up in dir (the
// script's directory) when F is not a plain literal path that exists.
// The interpreter parses a sourced file only when it gets there, so the
// caller checks these too before choosing it (a library that mvdan
// cannot parse would otherwise fail halfway).
func Sourced(file *syntax.File, dir string) []string {
	var out []string
	seen := map[string]bool{}
	syntax.Walk(file, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) < 2 {
			return true
		}
		if name := call.Args[0].Lit(); name != "source" && name != "." {
			return true
		}
		w := call.Args[1]
		var p string
		if lit := w.Lit(); lit != "" {
			p = lit
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
		} else if last := lastLit(w); last != "" {
			p = filepath.Join(dir, filepath.Base(last))
		}
		if p != "" && !seen[p] {
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				seen[p] = true
				out = append(out, p)
			}
		}
		return true
	})
	return out
}

// lastLit returns the literal text at the end of w ("/lib.sh" in
// "$(dirname "$0")/lib.sh"), if its last part is a literal.
func lastLit(w *syntax.Word) string {
	if len(w.Parts) == 0 {
		return ""
	}
	switch p := w.Parts[len(w.Parts)-1].(type) {
	case *syntax.Lit:
		return p.Value
	case *syntax.DblQuoted:
		if len(p.Parts) > 0 {
			if l, ok := p.Parts[len(p.Parts)-1].(*syntax.Lit); ok {
				return l.Value
			}
		}
	case *syntax.SglQuoted:
		return p.Value
	}
	return ""
}
