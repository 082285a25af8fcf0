package interp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nshlab/nsh/lang"
)

// value is a variable's value: a string, or a list when isList.
type value struct {
	str    string
	list   []string
	isList bool
}

func (v value) String() string {
	if v.isList {
		return strings.Join(v.list, " ")
	}
	return v.str
}

// lookup finds a variable: the innermost procedure frame, then globals.
func (r *Runner) lookup(name string) (value, bool) {
	if n := len(r.frames); n > 0 {
		if v, ok := r.frames[n-1][name]; ok {
			return v, true
		}
	}
	v, ok := r.globals[name]
	return v, ok
}

// setVar assigns in the innermost procedure frame, or globally outside
// procedures: a procedure's variables are local.
func (r *Runner) setVar(name string, v value) {
	if n := len(r.frames); n > 0 {
		r.frames[n-1][name] = v
		return
	}
	r.globals[name] = v
}

// getEnv reads the environment given to programs.
func (r *Runner) getEnv(name string) (string, bool) {
	for i := len(r.env) - 1; i >= 0; i-- {
		kv := r.env[i]
		if strings.HasPrefix(kv, name+"=") {
			return kv[len(name)+1:], true
		}
	}
	return "", false
}

// param expands $name (see paramValue) and ${name OP word} (paramOp). An
// unknown name is an error (a typo in a lab script should not silently
// become an empty argument).
func (r *Runner) param(p *lang.ParamExp) (value, error) {
	v, set := r.paramValue(p.Name)
	if p.Op != "" {
		return r.paramOp(p, v, set)
	}
	if set {
		return v, nil
	}
	if _, err := strconv.Atoi(p.Name); err == nil {
		// A missing script argument is empty.
		return value{}, nil
	}
	return value{}, &unsetError{p.Name}
}

// unsetError is the expansion of a variable that has no value. It ends a
// shell script even without "set -e" (as an unbound variable under "set
// -u" ends sh).
type unsetError struct{ name string }

func (e *unsetError) Error() string { return "$" + e.name + " is not set" }

// paramValue looks a parameter up: positional parameters, $#, $@, $?, $!,
// then nsh variables, then the environment. set is false when it has no
// value at all.
func (r *Runner) paramValue(name string) (v value, set bool) {
	switch name {
	case "#":
		return value{str: strconv.Itoa(len(r.params))}, true
	case "@":
		return value{list: r.params, isList: true}, true
	case "?":
		return value{str: strconv.Itoa(r.status)}, true
	case "!":
		return value{str: r.jobs.lastPid()}, true
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n >= 1 && n <= len(r.params) {
			return value{str: r.params[n-1]}, true
		}
		return value{}, false
	}
	if v, ok := r.lookup(name); ok {
		return v, true
	}
	if s, ok := r.getEnv(name); ok {
		return value{str: s}, true
	}
	return value{}, false
}

// paramOp is ${NAME OP WORD} as sh expands it: with ":" an empty value
// counts as unset; "-" gives WORD for an unset NAME, "=" also assigns it,
// "+" gives WORD for a set one, "?" fails for an unset one.
func (r *Runner) paramOp(p *lang.ParamExp, v value, set bool) (value, error) {
	colon := strings.HasPrefix(p.Op, ":")
	if set && colon && (v.isList && len(v.list) == 0 || !v.isList && v.str == "") {
		set = false
	}
	word := value{str: p.Word}
	switch strings.TrimPrefix(p.Op, ":") {
	case "-":
		if !set {
			return word, nil
		}
	case "=":
		if !set {
			if !isVarName(p.Name) {
				return value{}, fmt.Errorf("${%s%s%s}: cannot assign to $%s", p.Name, p.Op, p.Word, p.Name)
			}
			r.setVar(p.Name, word)
			return word, nil
		}
	case "+":
		if set {
			return word, nil
		}
		return value{}, nil
	case "?":
		if !set {
			msg := p.Word
			if msg == "" {
				msg = "parameter null or not set"
			}
			return value{}, fmt.Errorf("%s: %s", p.Name, msg)
		}
	}
	return v, nil
}

// expandWord expands one word into arguments. A word that is exactly one
// unquoted list variable (or $@) gives one argument per element; any other
// word gives exactly one argument, except in a shell script, where a word
// that is exactly one unquoted variable is split into fields as sh does.
// Values are never re-parsed.
func (r *Runner) expandWord(w *lang.Word) ([]string, error) {
	if len(w.Parts) == 1 {
		if p, ok := w.Parts[0].(*lang.ParamExp); ok {
			v, err := r.param(p)
			if err != nil {
				return nil, err
			}
			if v.isList {
				return append([]string(nil), v.list...), nil
			}
			return []string{v.str}, nil
		}
	}
	s, err := r.expandString(w)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// expandString expands a word into a single string.
func (r *Runner) expandString(w *lang.Word) (string, error) {
	var sb strings.Builder
	if err := r.expandParts(&sb, w.Parts); err != nil {
		return "", err
	}
	return sb.String(), nil
}

func (r *Runner) expandParts(sb *strings.Builder, parts []lang.WordPart) error {
	for _, p := range parts {
		switch p := p.(type) {
		case *lang.Lit:
			sb.WriteString(p.Value)
		case *lang.DblQuoted:
			if err := r.expandParts(sb, p.Parts); err != nil {
				return err
			}
		case *lang.ParamExp:
			v, err := r.param(p)
			if err != nil {
				return err
			}
			sb.WriteString(v.String())
		case *lang.ArithExp:
			n, err := r.arith(p.X)
			if err != nil {
				return err
			}
			sb.WriteString(strconv.FormatInt(n, 10))
		default:
			return fmt.Errorf("cannot expand %T", p)
		}
	}
	return nil
}

// expandWords expands a command's words.
func (r *Runner) expandWords(words []*lang.Word) ([]string, error) {
	var out []string
	for _, w := range words {
		a, err := r.expandWord(w)
		if err != nil {
			return nil, err
		}
		out = append(out, a...)
	}
	return out, nil
}

// arith evaluates integer arithmetic.
func (r *Runner) arith(x lang.ArithExpr) (int64, error) {
	switch x := x.(type) {
	case *lang.ArithNum:
		return x.Value, nil
	case *lang.ArithVar:
		var v value
		var err error
		v, err = r.param(&lang.ParamExp{Name: x.Name})
		if err != nil {
			return 0, err
		}
		s := strings.TrimSpace(v.String())
		if s == "" {
			return 0, nil
		}
		n, perr := strconv.ParseInt(s, 10, 64)
		if perr != nil {
			return 0, fmt.Errorf("$%s is %q, not an integer", x.Name, s)
		}
		return n, nil
	case *lang.ArithUnary:
		n, err := r.arith(x.X)
		if err != nil {
			return 0, err
		}
		switch x.Op {
		case "-":
			return -n, nil
		case "+":
			return n, nil
		case "!":
			if n == 0 {
				return 1, nil
			}
			return 0, nil
		}
		return 0, fmt.Errorf("unknown operator %q", x.Op)
	case *lang.ArithBinary:
		a, err := r.arith(x.X)
		if err != nil {
			return 0, err
		}
		b, err := r.arith(x.Y)
		if err != nil {
			return 0, err
		}
		switch x.Op {
		case "+":
			return a + b, nil
		case "-":
			return a - b, nil
		case "*":
			return a * b, nil
		case "/", "%":
			if b == 0 {
				return 0, fmt.Errorf("division by zero")
			}
			if x.Op == "/" {
				return a / b, nil
			}
			return a % b, nil
		}
		return 0, fmt.Errorf("unknown operator %q", x.Op)
	}
	return 0, fmt.Errorf("cannot evaluate %T", x)
}

// toInt parses an integer argument of a comparison or range.
func toInt(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	return n, nil
}
