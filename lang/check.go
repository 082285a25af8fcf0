package lang

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The static check: what can be known to be wrong with a script before
// any of it runs (nsh -n, and the check every run does first).
//
// Check walks the syntax tree in program order, following what may have
// happened on some path to each point: which variables may be set (and,
// when a single constant string reaches a variable, its value), which
// procedures may be defined (and are certainly defined), which namespaces
// may have been created. It reports
//
//   - a variable used where no assignment to it can have run (an error);
//   - a procedure or language builtin called with a number of arguments
//     it can never take, and other call errors that are certain;
//   - "in NS", "ip -n NS" and "ip netns exec NS" naming a namespace that
//     does not exist now and that no statement before creates (a warning);
//   - the problems CheckConfig.CheckCommand finds in a command's words.
//
// It is sound rather than complete: a problem is reported only when no
// run of the script can avoid it. Loops are followed to a fixed point,
// both branches of an if and every prefix of a try block are merged, and
// a procedure's body is checked against every global variable that may
// be set at any of its calls (and against all of them when it may be
// called from a place the check cannot see, such as a command word that
// is a variable). A "source FILE" with a literal FILE is read and checked
// in place; any other source makes everything possible afterwards.

// CommandProblem is a problem CheckConfig.CheckCommand found in a
// command's words.
type CommandProblem struct {
	// Word indexes the command's words: 0 is the command name.
	Word int
	// Msg says what is wrong.
	Msg string
	// Warning is set for a problem that does not stop a run.
	Warning bool
}

// CommandInfo is what CheckConfig.CheckCommand learns from one command.
type CommandInfo struct {
	// Problems are reported at their words' positions.
	Problems []CommandProblem
	// NetnsCreated are the namespaces the command creates ("ip netns add
	// NAME"). A name that is one of the command's words not known
	// without running (known[i] false: words[i] is its source text, such
	// as "ns$i") stands for every name that word may expand to; ""
	// stands for any name.
	NetnsCreated []string
	// NetnsUsed are the namespaces the command acts in ("ip -n NAME",
	// "ip netns exec NAME"), by name.
	NetnsUsed []string
}

// CheckConfig is what Check knows of the world the script will run in.
// Every field may be left nil.
type CheckConfig struct {
	// Defined reports whether a variable has a value before the script
	// runs: an environment variable, or a variable of the REPL session.
	Defined func(name string) bool
	// Proc returns a procedure defined before the script runs (in the
	// REPL session).
	Proc func(name string) (*Def, bool)
	// Commands are the command words the interpreter's exec handlers
	// answer (ip, brctl, bridge, ...): "def" cannot take them.
	Commands []string
	// NetnsExists reports whether a named network namespace exists now.
	// When nil, no namespace is reported.
	NetnsExists func(name string) bool
	// ReadFile reads a file named by a literal "source FILE", as the
	// script would find it. When nil, sourced files are not read.
	ReadFile func(name string) ([]byte, error)
	// LookPath reports whether an external program of that name is found
	// now. When nil, command words are not looked up.
	LookPath func(name string) bool
	// CheckCommand checks a simple command whose command word is known
	// (ip, brctl, bridge, an external program; not a procedure or a
	// language builtin, and with "sudo" removed). known[i] is false when
	// words[i] cannot be known without running (it holds a variable with
	// no single constant value, or arithmetic on one); words[i] is then
	// the word's source text. Commands with a word that may expand to
	// several arguments (a list variable, $@) are not passed.
	CheckCommand func(words []string, known []bool) CommandInfo
}

// Checked is the outcome of Check.
type Checked struct {
	// Problems are the errors and warnings, sorted: by file (the checked
	// file first, then sourced files in the order they are sourced), then
	// by position. Syntax errors of sourced files are among them.
	Problems ErrorList
	// Sources holds each file's source by name, for Detail.
	Sources map[string][]byte
}

// HasErrors reports whether a problem is an error, which stops a run.
func (c *Checked) HasErrors() bool { return c.Problems.HasErrors() }

// Detail prints every problem with its source line and a caret.
func (c *Checked) Detail() string {
	return c.Problems.DetailFiles(func(name string) []byte { return c.Sources[name] })
}

// DetailTyped is Detail for what was just typed at a prompt: see
// ErrorList.DetailTyped.
func (c *Checked) DetailTyped() string {
	return c.Problems.DetailTyped(func(name string) []byte { return c.Sources[name] })
}

// langBuiltins are the commands of the language itself, which neither a
// procedure nor an exec handler can take over.
var langBuiltins = [...]string{"echo", "sleep", "exit", "source", ".", "exec", "sudo", "true", ":", "false", "cd", "set", "exists", "wait", "export"}

// IsBuiltin reports whether name is a command of the language itself
// (echo, sleep, exit, source, exec, sudo, cd, set, exists, wait, export,
// true, false).
func IsBuiltin(name string) bool { return slices.Contains(langBuiltins[:], name) }

// Check checks f (parsed by Parse, with its Src) as described at the top
// of this file.
func Check(f *File, cfg CheckConfig) *Checked {
	c := &checker{
		cfg:     cfg,
		sources: map[string][]byte{f.Name: f.Src},
		order:   map[string]int{f.Name: 0},
		parsed:  map[string]*File{},
		infos:   map[*Def]*procInfo{},
		byName:  map[string][]*procInfo{},
		allNS:   map[string]bool{},
	}
	c.stack = []string{f.Name}
	c.scan(f.Stmts)
	// Phase A: what each procedure does wherever it is called.
	for _, p := range c.procs {
		c.collect(p)
	}
	c.closeEffects()
	// Phase B: the file itself, in program order.
	c.stmts(f.Stmts, c.topState())
	// Phase C: the procedures' bodies, against the globals that may be
	// set when they run.
	c.closeGlobals()
	for _, p := range c.procs {
		if !p.external {
			c.body(p, false)
		}
	}
	sort.SliceStable(c.probs, func(i, j int) bool {
		a, b := c.probs[i].Pos, c.probs[j].Pos
		if a.Filename != b.Filename {
			return c.order[a.Filename] < c.order[b.Filename]
		}
		return a.Offset < b.Offset
	})
	// A statement is checked once, but a file sourced twice is read twice.
	return &Checked{Problems: dropDuplicates(c.probs), Sources: c.sources}
}

// varInfo is what may be known of a variable at a point.
type varInfo struct {
	known bool   // a single constant string value reaches the point: s
	s     string // the value, when known
	list  bool   // it may be a list
}

// state is what may have happened on the paths to a point.
type state struct {
	vars map[string]varInfo // variables that may be set, in the current scope
	env  map[string]bool    // names that may have been exported
	any  bool               // any variable may be set (an unknown source)

	must     map[string]bool         // procedures certainly defined
	may      map[string]map[int]bool // procedures that may be defined: their parameter counts
	procsAny bool                    // any procedure may be defined

	ns    map[string]bool // namespaces that may have been created
	nsAny bool            // any namespace may have been created
}

func (s *state) clone() *state {
	n := *s
	n.vars = maps1(s.vars)
	n.env = maps1(s.env)
	n.must = maps1(s.must)
	n.ns = maps1(s.ns)
	n.may = make(map[string]map[int]bool, len(s.may))
	for k, v := range s.may {
		n.may[k] = maps1(v)
	}
	return &n
}

func maps1[K comparable, V any](m map[K]V) map[K]V {
	n := make(map[K]V, len(m))
	for k, v := range m {
		n[k] = v
	}
	return n
}

// merge is the state after either a or b.
func merge(a, b *state) *state {
	n := a.clone()
	for k, v := range b.vars {
		if w, ok := n.vars[k]; ok {
			v = varInfo{known: v.known && w.known && v.s == w.s, s: v.s, list: v.list || w.list}
		}
		n.vars[k] = v
	}
	for k := range b.env {
		n.env[k] = true
	}
	n.any = a.any || b.any
	for k := range n.must {
		if !b.must[k] {
			delete(n.must, k)
		}
	}
	for k, v := range b.may {
		if n.may[k] == nil {
			n.may[k] = map[int]bool{}
		}
		for c := range v {
			n.may[k][c] = true
		}
	}
	n.procsAny = a.procsAny || b.procsAny
	for k := range b.ns {
		n.ns[k] = true
	}
	n.nsAny = a.nsAny || b.nsAny
	return n
}

func (s *state) equal(o *state) bool {
	if s.any != o.any || s.procsAny != o.procsAny || s.nsAny != o.nsAny ||
		len(s.vars) != len(o.vars) || len(s.env) != len(o.env) || len(s.must) != len(o.must) ||
		len(s.may) != len(o.may) || len(s.ns) != len(o.ns) {
		return false
	}
	for k, v := range s.vars {
		if w, ok := o.vars[k]; !ok || w != v {
			return false
		}
	}
	for k, v := range s.may {
		if len(o.may[k]) != len(v) {
			return false
		}
		for c := range v {
			if !o.may[k][c] {
				return false
			}
		}
	}
	for k := range s.must {
		if !o.must[k] {
			return false
		}
	}
	for k := range s.env {
		if !o.env[k] {
			return false
		}
	}
	for k := range s.ns {
		if !o.ns[k] {
			return false
		}
	}
	return true
}

// procInfo is what the check knows of one definition of a procedure.
type procInfo struct {
	def      *Def
	external bool // defined before the script (CheckConfig.Proc): not checked again

	// What a call does, beyond its own body (phase A), closed over the
	// procedures it calls: the namespaces it may create, the names it
	// may export, the procedures it may define.
	calls   map[string]bool
	wild    bool // it may call any procedure
	ns      map[string]bool
	nsAny   bool
	exports map[string]bool
	envAny  bool
	defines []*Def
	unknown bool // it sources a file the check cannot read

	// globals may be set when it runs (phase C).
	globals    map[string]bool
	globalsAny bool
	// mustAt are the procedures certainly defined wherever it is called
	// (nil until a call is seen).
	mustAt    map[string]bool
	topCalled bool               // called from the top level
	callers   map[*procInfo]bool // procedures whose bodies call it
}

// checker is one run of Check.
type checker struct {
	cfg     CheckConfig
	probs   ErrorList
	quiet   int // > 0: walking again to reach a fixed point, nothing is reported
	sources map[string][]byte
	order   map[string]int
	parsed  map[string]*File // sourced files, by name as written
	stack   []string         // files being sourced, innermost last

	procs  []*procInfo
	infos  map[*Def]*procInfo
	byName map[string][]*procInfo
	cur    *procInfo // the procedure whose body is walked; nil at top level

	// What the whole program may do.
	allNS     map[string]bool // namespaces created anywhere
	allNSAny  bool
	sawCd     bool // a "cd" anywhere: relative sourced files are not read
	everyProc bool // a procedure may be called from anywhere with anything set
	topGlob   map[string]bool
}

func (c *checker) report(p Pos, warning bool, format string, args ...any) {
	if c.quiet > 0 {
		return
	}
	c.probs = append(c.probs, &Error{Pos: p, Msg: fmt.Sprintf(format, args...), Warning: warning})
}

// topState is the state where the checked file starts.
func (c *checker) topState() *state {
	return &state{
		vars: map[string]varInfo{}, env: map[string]bool{},
		must: map[string]bool{}, may: map[string]map[int]bool{}, ns: map[string]bool{},
	}
}

// scan finds, without following the flow, every procedure definition of
// the program (in the file and the files it sources literally) and
// whether it runs "cd".
func (c *checker) scan(list []Stmt) {
	for _, s := range list {
		switch s := s.(type) {
		case *Def:
			if c.infos[s] == nil && !IsBuiltin(s.Name) && !slices.Contains(c.cfg.Commands, s.Name) {
				p := &procInfo{def: s}
				c.infos[s] = p
				c.procs = append(c.procs, p)
				c.byName[s.Name] = append(c.byName[s.Name], p)
			}
			c.scan(s.Body.Stmts)
		case *For:
			c.scan(s.Body.Stmts)
		case *If:
			c.scan(s.Then.Stmts)
			for e := s.Else; e != nil; {
				switch x := e.(type) {
				case *Block:
					c.scan(x.Stmts)
					e = nil
				case *If:
					c.scan(x.Then.Stmts)
					e = x.Else
				}
			}
		case *In:
			if s.Body != nil {
				c.scan(s.Body.Stmts)
			}
		case *Try:
			c.scan(s.Body.Stmts)
		default:
			for _, cmd := range commandsOf(s) {
				name, _ := cmd.Args[0].Lit()
				if name == "cd" {
					c.sawCd = true
				}
				if (name == "source" || name == ".") && len(cmd.Args) == 2 {
					if path, ok := cmd.Args[1].Lit(); ok && !slices.Contains(c.stack, path) {
						if f := c.sourced(path, cmd.Args[1].Pos()); f != nil {
							c.stack = append(c.stack, path)
							c.scan(f.Stmts)
							c.stack = c.stack[:len(c.stack)-1]
						}
					}
				}
			}
		}
	}
}

// commandsOf returns the simple commands of a command, list, pipeline or
// background statement.
func commandsOf(s Stmt) []*Command {
	switch s := s.(type) {
	case *Command:
		return []*Command{s}
	case *Pipeline:
		return s.Cmds
	case *AndOr:
		return append(commandsOf(s.X), commandsOf(s.Y)...)
	case *Background:
		return commandsOf(s.X)
	}
	return nil
}

// sourced reads and parses a file named by a literal "source FILE", once;
// nil when it cannot be read now, or when it has syntax errors (reported
// here).
func (c *checker) sourced(path string, at Pos) *File {
	if f, ok := c.parsed[path]; ok {
		return f
	}
	c.parsed[path] = nil
	if c.cfg.ReadFile == nil || c.sawCd && !strings.HasPrefix(path, "/") {
		return nil
	}
	src, err := c.cfg.ReadFile(path)
	if err != nil {
		c.report(at, true, "source %s: %v (the file is not checked)", path, err)
		return nil
	}
	src = StripBOM(src)
	if _, ok := c.order[path]; !ok {
		c.order[path] = len(c.order)
	}
	c.sources[path] = src
	f, err := Parse(path, src)
	if err != nil {
		if list, ok := err.(ErrorList); ok {
			c.probs = append(c.probs, list...)
		} else {
			c.report(at, false, "source %s: %v", path, err)
		}
		return nil
	}
	c.parsed[path] = f
	return f
}

// collect walks a procedure's body once, quietly, to learn what a call
// of it does (phase A).
func (c *checker) collect(p *procInfo) {
	p.calls, p.ns, p.exports = map[string]bool{}, map[string]bool{}, map[string]bool{}
	c.body(p, true)
}

// body walks a procedure's body: quietly to learn what it does (collect),
// or reporting, against the globals that may be set when it runs.
func (c *checker) body(p *procInfo, quiet bool) {
	saved := c.cur
	c.cur = p
	defer func() { c.cur = saved }()
	if quiet {
		c.quiet++
		defer func() { c.quiet-- }()
	}
	st := c.topState()
	for _, name := range p.def.Params {
		st.vars[name] = varInfo{}
	}
	// Any definition of the program may have been made, or replaced
	// another, when it runs.
	for _, q := range c.procs {
		addMay(st, q.def)
	}
	if quiet {
		st.any, st.procsAny, st.nsAny = true, true, true
	} else {
		// Procedures certainly defined when it runs: those certainly
		// defined wherever it can be called.
		for n := range p.mustAt {
			st.must[n] = true
		}
		st.must[p.def.Name] = true
		st.procsAny = c.everyProc
		for n := range c.allNS {
			st.ns[n] = true
		}
		st.nsAny = c.allNSAny
	}
	c.stmts(p.def.Body.Stmts, st)
}

// closeEffects makes each procedure's effects include those of the
// procedures it may call.
func (c *checker) closeEffects() {
	for changed := true; changed; {
		changed = false
		for _, p := range c.procs {
			for _, q := range c.callees(p) {
				if q == p {
					continue
				}
				changed = absorb(p, q) || changed
			}
		}
	}
	for _, p := range c.procs {
		for n := range p.ns {
			c.allNS[n] = true
		}
		c.allNSAny = c.allNSAny || p.nsAny
		if p.unknown {
			c.everyProc = true
		}
	}
}

// callees are the procedures p's body may call.
func (c *checker) callees(p *procInfo) []*procInfo {
	if p.wild || p.unknown {
		return c.procs
	}
	var out []*procInfo
	for name := range p.calls {
		out = append(out, c.byName[name]...)
	}
	return out
}

// absorb adds q's effects to p's; it reports whether p changed.
func absorb(p, q *procInfo) bool {
	changed := false
	for n := range q.ns {
		if !p.ns[n] {
			p.ns[n], changed = true, true
		}
	}
	for n := range q.exports {
		if !p.exports[n] {
			p.exports[n], changed = true, true
		}
	}
	for _, d := range q.defines {
		if !slices.Contains(p.defines, d) {
			p.defines, changed = append(p.defines, d), true
		}
	}
	if q.nsAny && !p.nsAny || q.envAny && !p.envAny || q.unknown && !p.unknown {
		p.nsAny, p.envAny, p.unknown, changed = p.nsAny || q.nsAny, p.envAny || q.envAny, p.unknown || q.unknown, true
	}
	return changed
}

// closeGlobals passes the globals that may be set where a procedure is
// called on to the procedures its body calls. A procedure that is never
// called in the program (it may be, later, in the REPL) may see any.
func (c *checker) closeGlobals() {
	// Which procedures run at all: called from the top level, or from
	// one that runs.
	reach := map[*procInfo]bool{}
	for _, p := range c.procs {
		reach[p] = p.topCalled
	}
	for changed := true; changed; {
		changed = false
		for _, p := range c.procs {
			for q := range p.callers {
				if reach[q] && !reach[p] {
					reach[p], changed = true, true
				}
			}
		}
	}
	for _, p := range c.procs {
		if !reach[p] || c.everyProc {
			p.globalsAny = true
			p.mustAt = map[string]bool{}
		}
	}
	// Procedures certainly defined at every call: the intersection over
	// the top-level calls (made by called) and the callers' own.
	for changed := true; changed; {
		changed = false
		for _, p := range c.procs {
			for q := range p.callers {
				if !reach[q] || q.mustAt == nil {
					continue
				}
				if p.mustAt == nil {
					p.mustAt, changed = maps1(q.mustAt), true
					continue
				}
				for n := range p.mustAt {
					if !q.mustAt[n] {
						delete(p.mustAt, n)
						changed = true
					}
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, p := range c.procs {
			for q := range p.callers {
				if !reach[q] {
					continue
				}
				if q.globalsAny && !p.globalsAny {
					p.globalsAny, changed = true, true
				}
				for n := range q.globals {
					if !p.globals[n] {
						if p.globals == nil {
							p.globals = map[string]bool{}
						}
						p.globals[n], changed = true, true
					}
				}
			}
		}
	}
}

// called records a call of the procedures named name (or of every one,
// when name is "") at a point with state st.
func (c *checker) called(name string, st *state) {
	targets := c.byName[name]
	if name == "" {
		targets = c.procs
	}
	if c.cur != nil {
		if name == "" {
			c.cur.wild = true
		} else {
			c.cur.calls[name] = true
		}
	}
	for _, q := range targets {
		if c.cur == nil {
			q.topCalled = true
			if q.mustAt == nil {
				q.mustAt = maps1(st.must)
			} else {
				for n := range q.mustAt {
					if !st.must[n] {
						delete(q.mustAt, n)
					}
				}
			}
		}
		if c.cur != nil {
			if q.callers == nil {
				q.callers = map[*procInfo]bool{}
			}
			q.callers[c.cur] = true
		}
		if q.globals == nil {
			q.globals = map[string]bool{}
		}
		if c.cur == nil {
			for n := range st.vars {
				q.globals[n] = true
			}
			q.globalsAny = q.globalsAny || st.any
		}
		for n := range st.env {
			q.globals[n] = true
		}
	}
	// What the call does.
	for _, q := range targets {
		for n := range q.ns {
			st.ns[n] = true
		}
		st.nsAny = st.nsAny || q.nsAny
		for n := range q.exports {
			st.env[n] = true
			if _, ok := st.vars[n]; !ok {
				st.vars[n] = varInfo{}
			} else {
				st.vars[n] = varInfo{list: st.vars[n].list}
			}
		}
		st.any = st.any || q.envAny || q.unknown
		st.procsAny = st.procsAny || q.unknown
		for _, d := range q.defines {
			addMay(st, d)
		}
	}
}

func addMay(st *state, d *Def) {
	if st.may[d.Name] == nil {
		st.may[d.Name] = map[int]bool{}
	}
	st.may[d.Name][len(d.Params)] = true
}

// stmts walks a list of statements from st, which it updates.
func (c *checker) stmts(list []Stmt, st *state) *state {
	for _, s := range list {
		st = c.stmt(s, st)
	}
	return st
}

func (c *checker) stmt(s Stmt, st *state) *state {
	switch s := s.(type) {
	case *Command:
		c.command(s, st)
	case *Pipeline:
		// Each command runs on a copy of the interpreter.
		out := st
		for _, cmd := range s.Cmds {
			sub := st.clone()
			c.command(cmd, sub)
			out = merge(out, sub)
		}
		return out
	case *AndOr:
		st = c.stmt(s.X, st)
		return merge(st, c.stmt(s.Y, st.clone()))
	case *Background:
		return merge(st, c.stmt(s.X, st.clone()))
	case *Assign:
		c.assign(s, st)
	case *For:
		return c.forLoop(s, st)
	case *If:
		return c.ifStmt(s, st)
	case *Def:
		c.def(s, st)
	case *In:
		v := c.word(s.NS, st)
		if !s.Pid {
			if v.known {
				c.netnsUsed(v.s, s.NS.Pos(), st)
			}
		} else if v.known {
			if _, err := strconv.Atoi(v.s); err != nil {
				c.report(s.NS.Pos(), false, "in pid %s: %q is not a process id", Quote(v.s), v.s)
			}
		}
		if s.Body != nil {
			return c.stmts(s.Body.Stmts, st)
		}
	case *Try:
		// The block may stop after any of its statements.
		acc := st.clone()
		cur := st
		for _, x := range s.Body.Stmts {
			cur = c.stmt(x, cur)
			acc = merge(acc, cur)
		}
		return acc
	}
	return st
}

func (c *checker) assign(a *Assign, st *state) {
	if a.List != nil {
		for _, w := range a.List.Items {
			c.word(w, st)
		}
		st.vars[a.Name] = varInfo{list: true}
		return
	}
	if a.Value == nil {
		st.vars[a.Name] = varInfo{known: true}
		return
	}
	v := c.word(a.Value, st)
	st.vars[a.Name] = varInfo{known: v.known && !v.multi, s: v.s, list: v.multi}
}

func (c *checker) forLoop(f *For, st *state) *state {
	for _, it := range f.Items {
		switch it := it.(type) {
		case *Word:
			c.word(it, st)
		case *List:
			for _, w := range it.Items {
				c.word(w, st)
			}
		case *Range:
			from, to := c.word(it.From, st), c.word(it.To, st)
			for _, v := range []struct {
				w  *Word
				wv wordValue
			}{{it.From, from}, {it.To, to}} {
				if v.wv.known {
					if _, err := strconv.ParseInt(strings.TrimSpace(v.wv.s), 10, 64); err != nil {
						c.report(v.w.Pos(), false, "range: %q is not an integer", v.wv.s)
					}
				}
			}
		}
	}
	// The body runs any number of times: walk it until what may reach
	// its start no longer changes, then once more, reporting.
	entry := st.clone()
	entry.vars[f.Var] = varInfo{}
	for i := 0; ; i++ {
		c.quiet++
		out := c.stmts(f.Body.Stmts, entry.clone())
		c.quiet--
		next := merge(st, out)
		next.vars[f.Var] = varInfo{}
		if next.equal(entry) {
			break
		}
		entry = next
		if i == 8 {
			for k := range entry.vars {
				entry.vars[k] = varInfo{list: true}
			}
			break
		}
	}
	out := c.stmts(f.Body.Stmts, entry.clone())
	return merge(st, out)
}

func (c *checker) ifStmt(s *If, st *state) *state {
	c.cond(s.Cond, st)
	then := c.stmts(s.Then.Stmts, st.clone())
	var els *state
	switch e := s.Else.(type) {
	case *Block:
		els = c.stmts(e.Stmts, st.clone())
	case *If:
		els = c.ifStmt(e, st.clone())
	default:
		els = st
	}
	return merge(then, els)
}

func (c *checker) cond(x Cond, st *state) {
	switch x := x.(type) {
	case *Not:
		c.cond(x.X, st)
	case *Truth:
		c.word(x.X, st)
	case *Exists:
		c.word(x.Name, st)
	case *Compare:
		a, b := c.word(x.X, st), c.word(x.Y, st)
		if x.Op == "==" || x.Op == "!=" {
			return
		}
		for _, v := range []struct {
			w  *Word
			wv wordValue
		}{{x.X, a}, {x.Y, b}} {
			if v.wv.known {
				if _, err := strconv.ParseInt(strings.TrimSpace(v.wv.s), 10, 64); err != nil {
					c.report(v.w.Pos(), false, "%s compares integers: %q is not an integer", x.Op, v.wv.s)
				}
			}
		}
	}
}

func (c *checker) def(d *Def, st *state) {
	// A definition that fails defines nothing.
	switch {
	case IsBuiltin(d.Name):
		c.report(d.NamePos, false, "%q is a builtin command and cannot be redefined", d.Name)
		return
	case slices.Contains(c.cfg.Commands, d.Name):
		c.report(d.NamePos, false, "%q is a builtin command of nsh and cannot be redefined; give the procedure another name (or run the program with \"exec %s\")", d.Name, d.Name)
		return
	}
	for i, p := range d.Params {
		if slices.Contains(d.Params[:i], p) {
			c.report(d.NamePos, true, "%s: parameter %q is named twice; the second one wins", d.Name, p)
		}
	}
	st.may[d.Name] = map[int]bool{len(d.Params): true}
	st.must[d.Name] = true
	if c.cur != nil && c.quiet > 0 && c.infos[d] != nil && !slices.Contains(c.cur.defines, d) {
		c.cur.defines = append(c.cur.defines, d)
	}
}

// wordValue is what may be known of a word's expansion.
type wordValue struct {
	known bool   // it is s, whatever happens before
	s     string // the value when known, else the source text
	multi bool   // it may expand to a number of arguments other than one
	// pattern matches every value it may have: its known text, with
	// patStar for each part that is not known.
	pattern string
}

// patStar stands for any text in a wordValue's pattern.
const patStar = "\x00"

// matchPattern reports whether s is one of the values of pattern.
func matchPattern(pattern, s string) bool {
	parts := strings.Split(pattern, patStar)
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}

// word checks the expansions of w in order, as they run, and returns
// what is known of its value.
func (c *checker) word(w *Word, st *state) wordValue {
	var b strings.Builder
	known := c.parts(w.Parts, st, &b)
	v := wordValue{known: known, s: b.String(), pattern: b.String()}
	if !known {
		v.s = Format(&Command{Args: []*Word{w}})
	}
	if len(w.Parts) == 1 {
		if p, ok := w.Parts[0].(*ParamExp); ok {
			switch {
			case p.Name == "@":
				v.multi = true
			case isName(p.Name):
				vi, ok := st.vars[p.Name]
				// A global seen from a procedure, or anything after an
				// unknown source, may be a list.
				v.multi = vi.list || !ok && (st.any || c.cur != nil && (c.cur.globalsAny || c.cur.globals[p.Name]))
			}
		}
	}
	return v
}

func (c *checker) parts(parts []WordPart, st *state, b *strings.Builder) bool {
	known := true
	for _, p := range parts {
		switch p := p.(type) {
		case *Lit:
			b.WriteString(p.Value)
		case *DblQuoted:
			known = c.parts(p.Parts, st, b) && known
		case *ParamExp:
			ok := c.param(p, st, b)
			if !ok {
				b.WriteString(patStar)
			}
			known = ok && known
		case *ArithExp:
			n, ok := c.arith(p.X, st)
			if ok {
				b.WriteString(strconv.FormatInt(n, 10))
			} else {
				b.WriteString(patStar)
			}
			known = ok && known
		}
	}
	return known
}

// param checks a parameter expansion; it writes the value to b and
// returns true when the value is known.
func (c *checker) param(p *ParamExp, st *state, b *strings.Builder) bool {
	switch p.Op {
	case "":
		if !c.use(p.Name, p.Dollar, st) {
			return false
		}
		if vi, ok := st.vars[p.Name]; ok && vi.known && isName(p.Name) {
			b.WriteString(vi.s)
			return true
		}
		return false
	case "=", ":=":
		// Assigns WORD when unset (or empty).
		if isName(p.Name) {
			st.vars[p.Name] = varInfo{list: st.vars[p.Name].list}
		}
	}
	return false
}

// use checks that a parameter may be set where it is used; it returns
// false when it reported it.
func (c *checker) use(name string, at Pos, st *state) bool {
	if !isName(name) || c.defined(name, st) {
		return true // $1..$9 are empty when not given; $#, $@, $?, $! are always set
	}
	msg := fmt.Sprintf("$%s is not set: no assignment to it comes before this point", name)
	if s := Suggest(name, c.candidates(st)); s != "" {
		msg += fmt.Sprintf("; did you mean $%s?", s)
	}
	c.report(at, false, "%s", msg)
	return false
}

func (c *checker) defined(name string, st *state) bool {
	if _, ok := st.vars[name]; ok || st.any || st.env[name] {
		return true
	}
	if c.cur != nil && (c.cur.globalsAny || c.cur.globals[name]) {
		return true
	}
	return c.cfg.Defined != nil && c.cfg.Defined(name)
}

// candidates are the variable names a misspelt one may stand for.
func (c *checker) candidates(st *state) []string {
	var names []string
	for n := range st.vars {
		names = append(names, n)
	}
	for n := range st.env {
		names = append(names, n)
	}
	if c.cur != nil {
		for n := range c.cur.globals {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// arith checks an arithmetic expression and computes it when its value
// is known.
func (c *checker) arith(x ArithExpr, st *state) (int64, bool) {
	switch x := x.(type) {
	case *ArithNum:
		return x.Value, true
	case *ArithVar:
		if !c.use(x.Name, x.NamePos, st) {
			return 0, false
		}
		vi, ok := st.vars[x.Name]
		if !ok || !vi.known || !isName(x.Name) {
			return 0, false
		}
		s := strings.TrimSpace(vi.s)
		if s == "" {
			return 0, true
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			c.report(x.NamePos, false, "$%s is %q, not an integer", x.Name, s)
			return 0, false
		}
		return n, true
	case *ArithUnary:
		n, ok := c.arith(x.X, st)
		switch x.Op {
		case "-":
			n = -n
		case "!":
			if n == 0 {
				n = 1
			} else {
				n = 0
			}
		}
		return n, ok
	case *ArithBinary:
		a, okA := c.arith(x.X, st)
		b, okB := c.arith(x.Y, st)
		if !okB {
			return 0, false
		}
		if (x.Op == "/" || x.Op == "%") && b == 0 {
			c.report(x.OpPos, false, "division by zero")
			return 0, false
		}
		if !okA {
			return 0, false
		}
		switch x.Op {
		case "+":
			return a + b, true
		case "-":
			return a - b, true
		case "*":
			return a * b, true
		case "/":
			return a / b, true
		case "%":
			return a % b, true
		}
	}
	return 0, false
}

// netnsUsed warns about a namespace named where it must exist, that does
// not exist now and that nothing before may have created.
func (c *checker) netnsUsed(name string, at Pos, st *state) {
	if c.cfg.NetnsExists == nil || name == "" || name == "." || strings.Contains(name, "/") ||
		st.ns[name] || st.nsAny || c.cfg.NetnsExists(name) {
		return
	}
	for p := range st.ns {
		if matchPattern(p, name) {
			return
		}
	}
	msg := fmt.Sprintf("namespace %q does not exist and no statement before this one creates it", name)
	var names []string
	for n := range st.ns {
		if !strings.Contains(n, patStar) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if s := Suggest(name, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	c.report(at, true, "%s", msg)
}

func (c *checker) netnsCreated(name string, st *state) {
	if name == "" {
		st.nsAny = true
		c.allNSAny = true
		if c.cur != nil {
			c.cur.nsAny = true
		}
		return
	}
	st.ns[name] = true
	c.allNS[name] = true
	if c.cur != nil {
		c.cur.ns[name] = true
	}
}

// command checks a simple command.
func (c *checker) command(cmd *Command, st *state) {
	vals := make([]wordValue, len(cmd.Args))
	for i, w := range cmd.Args {
		vals[i] = c.word(w, st)
	}
	for _, r := range cmd.Redirs {
		c.word(r.Word, st)
	}
	if !vals[0].known || vals[0].multi {
		c.called("", st) // any procedure, with anything
		return
	}
	words, known := make([]string, len(vals)), make([]bool, len(vals))
	multi := false
	for i, v := range vals {
		words[i], known[i] = v.s, v.known
		multi = multi || v.multi
	}
	pos := func(i int) Pos {
		if i >= 0 && i < len(cmd.Args) {
			return cmd.Args[i].Pos()
		}
		return cmd.Pos()
	}
	// sudo COMMAND runs COMMAND (nsh is root when it changes anything).
	off := 0
	if words[0] == "sudo" {
		off = 1
		for off < len(words) && known[off] && strings.HasPrefix(words[off], "-") {
			if words[off] == "--" {
				off++
				break
			}
			if !slices.Contains([]string{"-E", "-H", "-n", "-S"}, words[off]) {
				return // an error only when nsh is root
			}
			off++
		}
		if off >= len(words) || !known[off] || vals[off].multi {
			c.called("", st)
			return
		}
	}
	name := words[off]
	if IsBuiltin(name) {
		c.builtin(cmd, vals[off:], st, func(i int) Pos { return pos(off + i) })
		return
	}
	if c.isProc(name, st) {
		c.call(name, vals[off+1:], pos(off), st)
		return
	}
	// ip netns exec NS PROC ARGS: a procedure, in a copy of the
	// interpreter.
	ws, kn := words[off:], known[off:]
	if len(ws) >= 5 && ws[0] == "ip" && ws[1] == "netns" && ws[2] == "exec" && kn[1] && kn[2] && kn[3] && kn[4] && c.isProc(ws[4], st) {
		sub := st.clone()
		c.call(ws[4], vals[off+5:], pos(off+4), sub)
		if c.cfg.NetnsExists != nil {
			c.netnsUsed(ws[3], pos(off+3), st)
		}
		return
	}
	for i, w := range ws {
		if kn[i] && c.isProc(w, st) {
			c.called(w, st) // perhaps a call: "ip netns exec $ns proc"
		}
	}
	if mayCallProcs(ws, kn) {
		c.called("", st)
	}
	if !strings.Contains(name, "/") && c.cfg.LookPath != nil && !slices.Contains(c.cfg.Commands, name) && !st.procsAny && !c.cfg.LookPath(name) {
		// Not found now, and close to a name that is: a likely typo (a
		// program may be installed by the time it runs, so a warning).
		cands := append(append([]string(nil), langBuiltins[:]...), c.cfg.Commands...)
		for _, p := range c.procs {
			cands = append(cands, p.def.Name)
		}
		if s := Suggest(name, cands); s != "" {
			c.report(pos(off), true, "command not found: %s; did you mean %q?", name, s)
		}
	}
	if !slices.Contains(c.cfg.Commands, name) {
		// An external program may create namespaces ("sh -c 'ip netns
		// add x'").
		c.netnsCreated("", st)
	}
	if c.cfg.CheckCommand == nil {
		return
	}
	if multi {
		if name == "ip" {
			c.netnsCreated("", st) // it may create any namespace
		}
		return
	}
	info := c.cfg.CheckCommand(ws, kn)
	for _, p := range info.Problems {
		c.report(pos(off+p.Word), p.Warning, "%s", p.Msg)
	}
	for _, n := range info.NetnsCreated {
		for i := 1; i < len(ws); i++ {
			if !kn[i] && ws[i] == n {
				n = vals[off+i].pattern
				break
			}
		}
		if n == patStar {
			n = ""
		}
		c.netnsCreated(n, st)
	}
	for _, n := range info.NetnsUsed {
		at := pos(off)
		for i := 1; i < len(ws); i++ {
			if kn[i] && ws[i] == n {
				at = pos(off + i)
				break
			}
		}
		c.netnsUsed(n, at, st)
	}
}

// mayCallProcs reports whether a command with unknown words may run a
// procedure through "ip [OPTIONS] netns exec NS CMD".
func mayCallProcs(ws []string, kn []bool) bool {
	if ws[0] != "ip" || !slices.Contains(kn, false) {
		return false
	}
	i := 1
	for i < len(ws) && kn[i] && strings.HasPrefix(ws[i], "-") {
		switch strings.TrimLeft(ws[i], "-") {
		case "n", "netns", "f", "family", "b", "batch", "rc", "rcvbuf", "l", "loops":
			i++
		}
		i++
	}
	return i >= len(ws) || !kn[i] || strings.HasPrefix("netns", ws[i])
}

// isProc reports whether name may be a procedure at a point with st.
func (c *checker) isProc(name string, st *state) bool {
	if st.may[name] != nil {
		return true
	}
	if c.cfg.Proc != nil {
		if d, ok := c.cfg.Proc(name); ok {
			c.external(d, st)
			return true
		}
	}
	return false
}

// external makes a procedure of the REPL session known to the check.
func (c *checker) external(d *Def, st *state) {
	if c.infos[d] == nil {
		p := &procInfo{def: d, external: true}
		c.infos[d] = p
		c.procs = append(c.procs, p)
		c.byName[d.Name] = append(c.byName[d.Name], p)
		c.collect(p)
		c.closeEffects()
	}
	if st.may[d.Name] == nil && !st.procsAny {
		st.may[d.Name] = map[int]bool{len(d.Params): true}
		st.must[d.Name] = true
	}
}

// call checks a call of the procedure name with args.
func (c *checker) call(name string, args []wordValue, at Pos, st *state) {
	n := len(args)
	for _, a := range args {
		if a.multi {
			n = -1
		}
	}
	counts := st.may[name]
	if n >= 0 && st.must[name] && !st.procsAny && len(counts) > 0 && !counts[n] {
		var d *Def
		for _, p := range c.byName[name] {
			if counts[len(p.def.Params)] {
				d = p.def
			}
		}
		if d != nil && len(counts) == 1 {
			c.report(at, false, "%s takes %d argument(s) (%s), got %d (defined at %s)", name, len(d.Params), strings.Join(d.Params, " "), n, d.DefPos)
		} else {
			want := make([]string, 0, len(counts))
			for k := range counts {
				want = append(want, strconv.Itoa(k))
			}
			sort.Strings(want)
			c.report(at, false, "%s takes %s argument(s), got %d", name, strings.Join(want, " or "), n)
		}
	}
	c.called(name, st)
}

// builtin checks a command of the language itself; args[0] is its name
// and at(i) the position of args[i].
func (c *checker) builtin(cmd *Command, args []wordValue, st *state, at func(int) Pos) {
	name := args[0].s
	n := len(args) - 1
	for _, a := range args[1:] {
		if a.multi {
			n = -1
		}
	}
	lit := func(i int) (string, bool) {
		if i < len(args) && args[i].known && !args[i].multi {
			return args[i].s, true
		}
		return "", false
	}
	usage := func(u string) { c.report(at(0), false, "usage: %s", u) }
	switch name {
	case "sleep":
		if n >= 0 && n != 1 {
			usage("sleep SECONDS")
		} else if s, ok := lit(1); ok {
			if f, err := strconv.ParseFloat(strings.TrimSuffix(s, "s"), 64); err != nil || f < 0 {
				c.report(at(1), false, "invalid time interval %q", s)
			}
		}
	case "exit":
		if n > 1 {
			usage("exit [N]")
		} else if s, ok := lit(1); ok && n == 1 {
			if v, err := strconv.Atoi(s); err != nil || v < 0 || v > 255 {
				c.report(at(1), false, "exit: %q is not a status between 0 and 255", s)
			}
		}
	case "source", ".":
		if n >= 0 && n != 1 {
			usage("source FILE")
			return
		}
		c.source(cmd, args, st, at)
	case "exists":
		if n >= 0 && n != 2 {
			usage("exists netns|link NAME")
		} else if k, ok := lit(1); ok && k != "netns" && k != "link" {
			c.report(at(1), false, "exists: unknown kind %q (netns or link)", k)
		}
	case "cd":
		if n > 1 {
			usage("cd [DIR]")
		}
	case "exec":
		if n == 0 {
			c.report(at(0), false, "exec: no program given")
		}
		c.netnsCreated("", st) // an external program may create namespaces
	case "set":
		c.set(args, at)
	case "export":
		c.export(args, st, at)
	}
}

// set checks "set" options as the interpreter reads them.
func (c *checker) set(args []wordValue, at func(int) Pos) {
	for i := 1; i < len(args); i++ {
		if !args[i].known || args[i].multi {
			return
		}
		a := args[i].s
		if len(a) < 2 || a[0] != '-' && a[0] != '+' {
			c.report(at(i), false, "set %s: not supported", a)
			return
		}
		on := a[0] == '-'
		for _, ch := range a[1:] {
			opt := string(ch)
			if ch == 'o' {
				if i+1 >= len(args) {
					c.report(at(i), false, "set -o: an option name must follow (errexit, nounset, xtrace, pipefail)")
					return
				}
				i++
				if !args[i].known {
					return
				}
				opt = args[i].s
			}
			switch {
			case (opt == "e" || opt == "errexit") && !on:
				c.report(at(i), false, "set +e: nsh always stops at a failing statement; to go on after one, write \"try < ... >\" around it or \"CMD || true\" (a shell script, *.sh, runs as sh runs it)")
				return
			case opt == "e" || opt == "errexit" || opt == "u" || opt == "nounset" || opt == "pipefail" || opt == "x" || opt == "xtrace":
			case ch == 'o':
				c.report(at(i), false, "set %co %s: not supported", a[0], opt)
				return
			default:
				c.report(at(i), false, "set %c%s: not supported", a[0], opt)
				return
			}
		}
	}
}

// export checks "export NAME=VALUE" and "export NAME", and sets NAME.
func (c *checker) export(args []wordValue, st *state, at func(int) Pos) {
	for i := 1; i < len(args); i++ {
		a := args[i]
		var name, val string
		hasVal := false
		if a.known && !a.multi {
			name, val, hasVal = strings.Cut(a.s, "=")
			if !isName(name) {
				c.report(at(i), false, "export: %q is not a valid name", a.s)
				continue
			}
		} else if p, ok := exportName(args[i]); ok {
			name, hasVal = p, true
		} else {
			// Any name may be exported.
			st.any = true
			if c.cur != nil {
				c.cur.envAny = true
			}
			continue
		}
		if _, ok := st.vars[name]; !ok && !hasVal {
			continue // marked, nothing exported yet
		}
		st.env[name] = true
		if c.cur != nil {
			c.cur.exports[name] = true
		}
		if hasVal {
			st.vars[name] = varInfo{known: a.known, s: val}
		} else if _, ok := st.vars[name]; !ok {
			st.vars[name] = varInfo{}
		}
	}
}

// exportName returns the name of an "export NAME=..." word whose value
// is not known, from its source text.
func exportName(v wordValue) (string, bool) {
	name, _, ok := strings.Cut(v.s, "=")
	if !ok || !isName(name) {
		return "", false
	}
	return name, true
}

// source follows a "source FILE": a literal FILE is checked in place;
// after any other, anything may have happened.
func (c *checker) source(cmd *Command, args []wordValue, st *state, at func(int) Pos) {
	path, ok := cmd.Args[len(cmd.Args)-1].Lit()
	var f *File
	if ok && len(args) == 2 && !slices.Contains(c.stack, path) {
		f = c.sourced(path, at(1))
	}
	if f == nil {
		st.any, st.procsAny, st.nsAny = true, true, true
		c.everyProc = true
		if c.cur != nil {
			c.cur.unknown = true
		}
		return
	}
	c.stack = append(c.stack, path)
	defer func() { c.stack = c.stack[:len(c.stack)-1] }()
	*st = *c.stmts(f.Stmts, st)
}
