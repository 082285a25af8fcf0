// Package export turns an nsh script into a plain bash script ("nsh
// export FILE"): every variable, loop, procedure and "in" block expanded,
// one ip, brctl, bridge (or other) command per line, which bash with
// iproute2 runs to the same end state as nsh.
//
// The expansion is exact because the interpreter does it: the script runs
// under interp.DryRun with an exec handler that records each command, as
// it would run and with its namespace, instead of running it. Nothing
// touches the kernel. The recorded commands are printed as bash: in a
// namespace NS, "ip -n NS ..." and "bridge -n NS ..." for ip and bridge,
// "ip netns exec NS CMD" for any other command, "nsenter --net=PATH CMD"
// for a namespace given by path.
//
// What depends on the kernel at run time cannot be expanded ahead of it:
// "try" blocks, "||" lists, "$?" and "$!", background commands,
// redirections, pipelines, "exists link", and "&&" lists with a language
// command or a procedure in them. Check reports every such construct with
// its position before anything runs (nsh exits 2). The one kernel
// question that is answered is "exists netns NAME": the export keeps
// track of the named namespaces (those present when it runs, and those
// the script's "ip netns add/attach/delete" lines make and remove), takes
// the branch nsh would take, and writes a line that checks, when bash
// runs, that the namespace is (or is not) there, and stops otherwise.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"

	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// Problem is a construct of the script that cannot be expanded ahead of
// the kernel.
type Problem struct {
	Pos  lang.Pos
	What string
}

// Error prints "FILE:LINE:COL: WHAT".
func (p *Problem) Error() string { return fmt.Sprintf("%s: %s", p.Pos, p.What) }

// Problems is every construct of a script that export cannot expand.
type Problems []*Problem

// Error prints one problem a line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// langCommands are the commands the language itself runs (interp's
// builtins): they never reach an exec handler, so they cannot be part of
// an exported "&&" list.
var langCommands = [...]string{"echo", "sleep", "exit", "source", ".", "exec", "sudo", "true", ":", "false", "cd", "set", "exists", "wait", "export"}

// Check returns the constructs of f that export cannot expand, in source
// order (nil if none). Files that f sources by a literal name (taken from
// the working directory, as nsh takes it) are checked too, after f.
func Check(f *lang.File) Problems {
	c := &checker{procs: map[string]bool{}, seen: map[string]bool{f.Name: true}}
	c.file(f)
	return c.probs
}

type checker struct {
	procs map[string]bool
	probs Problems
	seen  map[string]bool // files checked
}

// file checks f, then the files it sources.
func (c *checker) file(f *lang.File) {
	start := len(c.probs)
	walkStmts(f.Stmts, func(st lang.Stmt) {
		if d, ok := st.(*lang.Def); ok {
			c.procs[d.Name] = true
		}
	})
	var sourced []string
	walkStmts(f.Stmts, func(st lang.Stmt) {
		c.stmt(st)
		cmd, ok := st.(*lang.Command)
		if !ok || len(cmd.Args) != 2 {
			return
		}
		name, ok1 := cmd.Args[0].Lit()
		file, ok2 := cmd.Args[1].Lit()
		if ok1 && ok2 && (name == "source" || name == ".") && !c.seen[file] {
			c.seen[file] = true
			sourced = append(sourced, file)
		}
	})
	mine := c.probs[start:]
	slices.SortStableFunc(mine, func(a, b *Problem) int { return a.Pos.Offset - b.Pos.Offset })
	for _, name := range sourced {
		src, err := os.ReadFile(name)
		if err != nil {
			continue // the dry run reports it where nsh would
		}
		if sf, err := lang.Parse(name, lang.StripBOM(src)); err == nil {
			c.file(sf)
		}
	}
}

func (c *checker) add(pos lang.Pos, format string, a ...any) {
	c.probs = append(c.probs, &Problem{Pos: pos, What: fmt.Sprintf(format, a...)})
}

// walkStmts calls fn for every statement in list and in the blocks and
// lists nested in them, parents first.
func walkStmts(list []lang.Stmt, fn func(lang.Stmt)) {
	for _, st := range list {
		walkStmt(st, fn)
	}
}

func walkStmt(st lang.Stmt, fn func(lang.Stmt)) {
	fn(st)
	switch st := st.(type) {
	case *lang.AndOr:
		walkStmt(st.X, fn)
		walkStmt(st.Y, fn)
	case *lang.Pipeline:
		for _, c := range st.Cmds {
			walkStmt(c, fn)
		}
	case *lang.Background:
		walkStmt(st.X, fn)
	case *lang.For:
		walkStmts(st.Body.Stmts, fn)
	case *lang.If:
		for s := st; s != nil; {
			if s != st {
				fn(s)
			}
			walkStmts(s.Then.Stmts, fn)
			switch e := s.Else.(type) {
			case *lang.Block:
				walkStmts(e.Stmts, fn)
				s = nil
			case *lang.If:
				s = e
			default:
				s = nil
			}
		}
	case *lang.Def:
		walkStmts(st.Body.Stmts, fn)
	case *lang.In:
		if st.Body != nil {
			walkStmts(st.Body.Stmts, fn)
		}
	case *lang.Try:
		walkStmts(st.Body.Stmts, fn)
	}
}

// stmt checks one statement (its nested statements come on their own).
func (c *checker) stmt(st lang.Stmt) {
	switch st := st.(type) {
	case *lang.Command:
		for _, w := range st.Args {
			c.word(w)
		}
		for _, rd := range st.Redirs {
			c.add(rd.Pos(), "a redirection (%s) is not exported: the file is opened when the command runs", rd.Op)
		}
	case *lang.Pipeline:
		c.add(st.Pos(), "a pipeline is not exported: its commands' input comes from the kernel's answers")
	case *lang.Background:
		c.add(st.Amp, "a background command (&) is not exported: what runs at the same time depends on the kernel")
	case *lang.AndOr:
		if st.Op == "||" {
			c.add(st.OpPos, "a \"||\" list is not exported: whether its right side runs depends on the kernel's answer to the left one")
			return
		}
		for _, part := range []lang.Stmt{st.X, st.Y} {
			cmd, ok := part.(*lang.Command)
			if !ok {
				continue // a nested list or a pipeline: checked on its own
			}
			name, lit := cmd.Args[0].Lit()
			switch {
			case !lit:
				c.add(cmd.Pos(), "a \"&&\" list is exported only with literal command words (ip, brctl, bridge, programs)")
			case slices.Contains(langCommands[:], name):
				c.add(cmd.Pos(), "%q in a \"&&\" list is not exported: only ip, brctl, bridge and programs are", name)
			case c.procs[name]:
				c.add(cmd.Pos(), "procedure %q in a \"&&\" list is not exported: only ip, brctl, bridge and programs are", name)
			}
		}
	case *lang.Assign:
		if st.Value != nil {
			c.word(st.Value)
		}
		if st.List != nil {
			for _, w := range st.List.Items {
				c.word(w)
			}
		}
	case *lang.For:
		for _, it := range st.Items {
			switch it := it.(type) {
			case *lang.Word:
				c.word(it)
			case *lang.List:
				for _, w := range it.Items {
					c.word(w)
				}
			case *lang.Range:
				c.word(it.From)
				c.word(it.To)
			}
		}
	case *lang.If:
		c.cond(st.Cond)
	case *lang.In:
		c.word(st.NS)
	case *lang.Try:
		c.add(st.Pos(), "a \"try\" block is not exported: whether its commands fail depends on the kernel")
	}
}

func (c *checker) cond(cd lang.Cond) {
	switch cd := cd.(type) {
	case *lang.Not:
		c.cond(cd.X)
	case *lang.Truth:
		c.word(cd.X)
	case *lang.Compare:
		c.word(cd.X)
		c.word(cd.Y)
	case *lang.Exists:
		if cd.Kind != "netns" {
			c.add(cd.Pos(), "\"exists %s\" is not exported: its answer comes from the kernel", cd.Kind)
		}
		c.word(cd.Name)
	}
}

// word reports $? and $! in w.
func (c *checker) word(w *lang.Word) {
	if w == nil {
		return
	}
	var parts func([]lang.WordPart)
	parts = func(ps []lang.WordPart) {
		for _, p := range ps {
			switch p := p.(type) {
			case *lang.DblQuoted:
				parts(p.Parts)
			case *lang.ParamExp:
				c.param(p.Pos(), p.Name)
			case *lang.ArithExp:
				c.arith(p.X)
			}
		}
	}
	parts(w.Parts)
}

func (c *checker) arith(x lang.ArithExpr) {
	switch x := x.(type) {
	case *lang.ArithVar:
		c.param(x.Pos(), x.Name)
	case *lang.ArithUnary:
		c.arith(x.X)
	case *lang.ArithBinary:
		c.arith(x.X)
		c.arith(x.Y)
	}
}

func (c *checker) param(pos lang.Pos, name string) {
	switch name {
	case "?":
		c.add(pos, "$? is not exported: it is the status of a command the kernel answers")
	case "!":
		c.add(pos, "$! is not exported: it is a process that runs only when the script runs")
	}
}

// Options are what a script is exported with.
type Options struct {
	// Params are the script's arguments ($1, ...).
	Params []string
	// Host names the namespaces; the named ones present at the start are
	// the ones "exists netns" sees before the script adds any.
	Host *ns.Host
	// Env is the environment ($NAME); nil means os.Environ().
	Env []string
	// Dir is the working directory of "source" and relative paths.
	Dir string
	// Check, when set, checks the script statically as nsh does before
	// running it (interp.StaticCheck); an error is an *interp.CheckError.
	Check interp.CommandChecker
	// Stderr receives the static check's warnings (nil: discarded).
	Stderr io.Writer
}

// Script writes f as a bash script to w. It returns Problems (before
// anything is written) when f has constructs that cannot be expanded,
// and a positioned error when the script fails as nsh would run it
// (a failing arithmetic, a "false", a procedure called with the wrong
// arguments, ...).
func Script(ctx context.Context, f *lang.File, w io.Writer, o Options) error {
	if probs := Check(f); len(probs) > 0 {
		return probs
	}
	rec := &recorder{groups: andGroups(f)}
	names, err := o.Host.List()
	if err != nil {
		return fmt.Errorf("listing named namespaces: %w", err)
	}
	rec.netns = map[string]bool{}
	for _, n := range names {
		rec.netns[n] = true
	}
	env := o.Env
	if env == nil {
		env = os.Environ()
	}
	rec.env = slices.Clone(env)
	rec.dir = o.Dir
	out := &echoWriter{rec: rec}
	stderr := o.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	opts := []interp.Option{
		interp.DryRun(),
		interp.Host(o.Host),
		interp.StdIO(strings.NewReader(""), out, stderr),
		interp.Params(o.Params...),
		interp.Env(env),
		interp.Dir(o.Dir),
		interp.ExecHandlers(func(interp.ExecHandlerFunc) interp.ExecHandlerFunc { return rec.handle }),
	}
	if o.Check != nil {
		opts = append(opts, interp.StaticCheck(o.Check))
	}
	r, err := interp.New(opts...)
	if err != nil {
		return err
	}
	defer r.Close()
	code := -1
	if err := r.Run(ctx, f); err != nil {
		var exit *interp.ExitError
		if !errors.As(err, &exit) {
			return err
		}
		code = exit.Code
	}
	return rec.write(w, f.Name, code)
}

// andGroups maps the offset of each command of a "&&" list to the
// list's first command's offset and the list's length.
func andGroups(f *lang.File) map[int]group {
	g := map[int]group{}
	walkStmts(f.Stmts, func(st lang.Stmt) {
		a, ok := st.(*lang.AndOr)
		if !ok {
			return
		}
		if _, inner := g[a.Pos().Offset]; inner {
			return // part of a longer list, already mapped
		}
		var cmds []*lang.Command
		var flat func(lang.Stmt)
		flat = func(s lang.Stmt) {
			switch s := s.(type) {
			case *lang.AndOr:
				flat(s.X)
				flat(s.Y)
			case *lang.Command:
				cmds = append(cmds, s)
			}
		}
		flat(a)
		for i, c := range cmds {
			g[c.Pos().Offset] = group{first: cmds[0].Pos().Offset, n: len(cmds), i: i}
		}
	})
	return g
}

// group places a command in its "&&" list: the list's first command, its
// length, and the command's index in it.
type group struct{ first, n, i int }

// line is one line of the exported script; and joins it to the next one
// with " && ".
type line struct {
	text string
	and  bool
}

// recorder is the exec handler of the dry run: it records commands as
// bash lines.
type recorder struct {
	mu     sync.Mutex
	lines  []line
	groups map[int]group
	netns  map[string]bool // named namespaces as the script goes
	env    []string        // the environment the last line saw
	dir    string          // the directory the last line saw
	cdUsed bool
}

// echoWriter records what the script's "echo" lines print.
type echoWriter struct{ rec *recorder }

func (e *echoWriter) Write(p []byte) (int, error) {
	s := string(p)
	text := ""
	if body, ok := strings.CutSuffix(s, "\n"); ok && !strings.Contains(body, "\n") {
		text = "printf '%s\\n' " + quote(body)
	} else {
		text = "printf '%s' " + quote(s)
	}
	e.rec.mu.Lock()
	e.rec.lines = append(e.rec.lines, line{text: text})
	e.rec.mu.Unlock()
	return len(p), nil
}

// quote quotes s as one bash word.
func quote(s string) string {
	q, err := syntax.Quote(s, syntax.LangBash)
	if err != nil {
		// Only a NUL byte cannot be quoted; no argument holds one.
		return "''"
	}
	return q
}

func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = quote(a)
	}
	return strings.Join(q, " ")
}

// bashBuiltins are bash builtins that are also programs: "exec NAME" in
// nsh runs the program, so the export runs it through env.
var bashBuiltins = [...]string{"echo", "printf", "kill", "test", "[", "true", "false", "pwd"}

// handle records one command.
func (rec *recorder) handle(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.context(hc)
	switch args[0] {
	case "exists":
		if args[1] != "netns" {
			return fmt.Errorf("\"exists %s\" is not exported: its answer comes from the kernel", args[1])
		}
		return rec.exists(hc, args[2])
	case "exec":
		args = args[1:]
		if slices.Contains(bashBuiltins[:], args[0]) {
			args = append([]string{"env", "--"}, args...)
		}
	case "sleep":
		rec.lines = append(rec.lines, line{text: quoteAll(args)})
		return nil
	}
	if args[0] == "ip" {
		rec.track(args[1:])
	}
	text := inNamespace(hc.NS, args)
	g, ok := rec.groups[hc.Pos.Offset]
	rec.lines = append(rec.lines, line{text: text, and: ok && g.i < g.n-1})
	return nil
}

// context records a change of directory or environment since the last
// line.
func (rec *recorder) context(hc interp.HandlerContext) {
	if hc.Dir != rec.dir {
		rec.dir = hc.Dir
		text := "cd -- " + quote(hc.Dir)
		if !filepath.IsAbs(hc.Dir) {
			// nsh takes a relative directory from where it started.
			rec.cdUsed = true
			text = "cd -- \"$nsh_start_dir\"/" + quote(hc.Dir)
		}
		rec.lines = append(rec.lines, line{text: text})
	}
	if slices.Equal(hc.Env, rec.env) {
		return
	}
	old := map[string]string{}
	for _, kv := range rec.env {
		k, v, _ := strings.Cut(kv, "=")
		old[k] = v
	}
	for _, kv := range hc.Env {
		k, v, _ := strings.Cut(kv, "=")
		if ov, ok := old[k]; !ok || ov != v {
			rec.lines = append(rec.lines, line{text: "export " + k + "=" + quote(v)})
		}
	}
	rec.env = slices.Clone(hc.Env)
}

// exists answers "exists netns NAME" from what the script did so far and
// writes the check of that answer.
func (rec *recorder) exists(hc interp.HandlerContext, word string) error {
	ref, err := hc.Host.Resolve(word)
	if err != nil {
		return err
	}
	var yes bool
	var path string
	switch {
	case ref.IsStart():
		yes, path = true, ""
	case ref.Name != "":
		yes, path = rec.netns[ref.Name], "/var/run/netns/"+ref.Name
	default:
		yes, path = hc.Host.Exists(ref), ref.Path
	}
	if path != "" {
		test, msg := "! [ -e "+quote(path)+" ]", "is not there"
		if !yes {
			test, msg = "[ -e "+quote(path)+" ]", "is there"
		}
		text := fmt.Sprintf("if %s; then echo %s >&2; exit 1; fi", test,
			quote(fmt.Sprintf("%s: netns %s %s: this export took the other branch of \"exists netns\"", hc.Pos, word, msg)))
		rec.lines = append(rec.lines, line{text: text})
	}
	if yes {
		return nil
	}
	return interp.ExitStatus(1)
}

// track follows "ip netns add|attach|delete" and "ip -all netns delete"
// (args after "ip") in the namespace model.
func (rec *recorder) track(args []string) {
	all := false
	i := 0
	for ; i < len(args) && strings.HasPrefix(args[i], "-") && len(args[i]) > 1; i++ {
		opt := args[i]
		if opt == "--" {
			i++
			break
		}
		if strings.HasPrefix(opt, "--") {
			opt = opt[1:] // ip takes --opt as -opt
		}
		switch {
		case matches(opt, "-loops"), matches(opt, "-family"), matches(opt, "-batch"), matches(opt, "-rcvbuf"), matches(opt, "-netns"):
			i++
		case matches(opt, "-all"):
			all = true
		}
	}
	if i >= len(args) || !matchesObject(args[i], "netns") || i+1 >= len(args) {
		return
	}
	verb, rest := args[i+1], args[i+2:]
	switch {
	case matches(verb, "delete") && all:
		clear(rec.netns)
	case len(rest) == 0:
	case matches(verb, "add"), !matches(verb, "add") && matches(verb, "attach"):
		rec.netns[rest[0]] = true
	case matches(verb, "delete"):
		delete(rec.netns, rest[0])
	}
}

// matches is iproute2's matches(): word is a non-empty prefix of full.
func matches(word, full string) bool {
	return word != "" && strings.HasPrefix(full, word)
}

// ipObjects are ip's objects in ip.c's order: the first one a word
// abbreviates is the one ip runs.
var ipObjects = [...]string{"address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour", "ntable", "ntbl", "link", "l2tp", "fou", "ila", "macsec", "tunnel", "tunl", "tuntap", "tap", "token", "tcpmetrics", "tcp_metrics", "monitor", "xfrm", "mroute", "mrule", "netns", "netconf", "vrf", "sr", "nexthop", "mptcp", "ioam", "help", "stats"}

// matchesObject reports whether ip takes word for object.
func matchesObject(word, object string) bool {
	for _, o := range ipObjects {
		if matches(word, o) {
			return o == object
		}
	}
	return false
}

// hasNetnsOption reports whether ip or bridge args (after the command
// word) already name a namespace with -n/-netns.
func hasNetnsOption(args []string) bool {
	for i := 0; i < len(args) && strings.HasPrefix(args[i], "-") && len(args[i]) > 1; i++ {
		opt := args[i]
		if opt == "--" {
			return false
		}
		if strings.HasPrefix(opt, "--") {
			opt = opt[1:] // ip and bridge take --opt as -opt
		}
		switch {
		case matches(opt, "-netns"):
			return true
		case matches(opt, "-loops"), matches(opt, "-family"), matches(opt, "-batch"), matches(opt, "-rcvbuf"):
			i++
		}
	}
	return false
}

// inNamespace prints args as a bash line that runs them in ref.
func inNamespace(ref ns.Ref, args []string) string {
	switch {
	case ref.IsStart():
		return quoteAll(args)
	case ref.Name == "":
		return "nsenter --net=" + quote(ref.Path) + " " + quoteAll(args)
	case (args[0] == "ip" || args[0] == "bridge") && !hasNetnsOption(args[1:]):
		return args[0] + " -n " + quote(ref.Name) + " " + quoteAll(args[1:])
	}
	return "ip netns exec " + quote(ref.Name) + " " + quoteAll(args)
}

// write prints the script: a header, the lines ("&&" lists joined), and
// "exit CODE" when the script ran "exit" (code >= 0).
func (rec *recorder) write(w io.Writer, name string, code int) error {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "# %s, exported by nsh: every variable, loop, procedure and \"in\" block\n", name)
	b.WriteString("# expanded. Runs with bash and iproute2 (ip, bridge; brctl from bridge-utils).\n")
	b.WriteString("set -e\n")
	if rec.cdUsed {
		b.WriteString("nsh_start_dir=$PWD\n")
	}
	for i, l := range rec.lines {
		b.WriteString(l.text)
		if l.and && i+1 < len(rec.lines) {
			b.WriteString(" && ")
			continue
		}
		b.WriteString("\n")
	}
	if code >= 0 {
		fmt.Fprintf(&b, "exit %d\n", code)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
