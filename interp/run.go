package interp

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// maxDepth bounds procedure and source nesting.
const maxDepth = 200

// skipped is a statement a handler marked done through
// HandlerContext.Skip: by is the line of the statement that did it, undo
// (may be nil) restores the literal state if the block stops first.
type skipped struct {
	by   int
	undo func(ctx context.Context) error
}

// stmts runs a statement list. Statements a handler marked done through
// HandlerContext.Skip are not run; if the list stops (error, exit,
// cancellation) before reaching one, its undo runs.
func (r *Runner) stmts(ctx context.Context, list []lang.Stmt) (err error) {
	var skip map[int]skipped
	defer func() {
		if len(skip) > 0 {
			r.undoSkipped(ctx, skip)
		}
	}()
	// end is the index of the first statement after the current one that
	// is not a simple command: look-ahead stops there. It is found once
	// per run of simple commands, so looking ahead costs O(1) per call.
	end := 0
	for i, st := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.observer != nil {
			r.observer.Statement(st.Pos())
		}
		if sk, ok := skip[i]; ok {
			delete(skip, i)
			if r.trace != nil {
				r.traceSkipped(st, sk.by)
			}
			continue
		}
		if c, ok := st.(*lang.Command); ok && len(c.Redirs) == 0 {
			if end <= i {
				end = i + 1
				for end < len(list) && isSimple(list[end]) {
					end++
				}
			}
			by := c.Pos().Line
			err = r.command(ctx, c, list[i+1:end], func(k int, undo func(context.Context) error) {
				if skip == nil {
					skip = map[int]skipped{}
				}
				skip[i+1+k] = skipped{by: by, undo: undo}
			})
		} else {
			err = r.stmt(ctx, st)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// reportedError is an error a command already printed (see report).
type reportedError struct{ error }

func (e *reportedError) Unwrap() error { return e.error }

// isSimple reports whether st is a simple command without redirections,
// one that look-ahead may see.
func isSimple(st lang.Stmt) bool {
	c, ok := st.(*lang.Command)
	return ok && len(c.Redirs) == 0
}

// undoSkipped runs, last first, the undos of statements marked done that
// the block never reached, even when ctx is cancelled; a failure is
// reported as a warning.
func (r *Runner) undoSkipped(ctx context.Context, skip map[int]skipped) {
	idx := make([]int, 0, len(skip))
	for i := range skip {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	ctx = context.WithoutCancel(ctx)
	for k := len(idx) - 1; k >= 0; k-- {
		sk := skip[idx[k]]
		if sk.undo == nil {
			continue
		}
		if err := sk.undo(ctx); err != nil {
			fmt.Fprintf(r.stderr, "warning: undoing what line %d did ahead of time: %v\n", sk.by, err)
		}
	}
}

// traceSkipped traces (nsh -x) a statement that a handler already did.
func (r *Runner) traceSkipped(st lang.Stmt, by int) {
	text := lang.Format(st)
	if c, ok := st.(*lang.Command); ok {
		if args, err := r.expandWords(c.Args); err == nil {
			text = quoteArgs(args)
		}
	}
	fmt.Fprintf(r.trace, "+ [%s] %s   # done by line %d\n", r.cur, text, by)
}

// stmt runs a statement other than a simple command.
func (r *Runner) stmt(ctx context.Context, st lang.Stmt) error {
	switch st := st.(type) {
	case *lang.Command:
		return r.command(ctx, st, nil, nil)
	case *lang.AndOr:
		return r.andOr(ctx, st)
	case *lang.Pipeline:
		return r.pipeline(ctx, st)
	case *lang.Background:
		return r.background(ctx, st)
	case *lang.Assign:
		return r.assign(st)
	case *lang.For:
		return r.forLoop(ctx, st)
	case *lang.If:
		return r.ifStmt(ctx, st)
	case *lang.Def:
		if _, ok := r.builtin(st.Name); ok {
			return r.errorf(st.Pos(), "def "+st.Name, "%q is a builtin command and cannot be redefined", st.Name)
		}
		if r.reserved[st.Name] {
			return r.errorf(st.Pos(), "def "+st.Name, "%q is a builtin command of nsh and cannot be redefined; give the procedure another name (or run the program with \"exec %s\")", st.Name, st.Name)
		}
		r.procs[st.Name] = st
		r.status = 0
		return nil
	case *lang.In:
		return r.inStmt(ctx, st)
	case *lang.Try:
		err := r.stmts(ctx, st.Body.Stmts)
		if err != nil && !isExit(err) && ctx.Err() == nil {
			fmt.Fprintf(r.stderr, "warning: %v\n", err)
			r.status = StatusOf(err)
			return nil
		}
		return err
	}
	return fmt.Errorf("interp: unknown statement %T", st)
}

func (r *Runner) assign(a *lang.Assign) error {
	if a.List != nil {
		items, err := r.expandWords(a.List.Items)
		if err != nil {
			return r.errorf(a.Pos(), a.Name+" = [...]", "%w", err)
		}
		r.setVar(a.Name, value{list: items, isList: true})
		r.status = 0
		return nil
	}
	s := ""
	if a.Value != nil {
		vals, err := r.expandWord(a.Value)
		if err != nil {
			return r.errorf(a.Pos(), a.Name+" = ...", "%w", err)
		}
		if len(vals) != 1 {
			// $list or $@: keep it a list.
			r.setVar(a.Name, value{list: vals, isList: true})
			r.status = 0
			return nil
		}
		s = vals[0]
	}
	r.setVar(a.Name, value{str: s})
	r.status = 0
	return nil
}

func (r *Runner) forLoop(ctx context.Context, f *lang.For) error {
	// Every item is expanded before the first pass; a range is counted
	// through as the loop goes, never built as a list.
	type segment struct {
		items    []string
		isRange  bool
		from, to int64
	}
	var segs []segment
	for _, it := range f.Items {
		switch it := it.(type) {
		case *lang.Word:
			vals, err := r.expandWord(it)
			if err != nil {
				return r.errorf(it.Pos(), "for "+f.Var+" in ...", "%w", err)
			}
			segs = append(segs, segment{items: vals})
		case *lang.List:
			vals, err := r.expandWords(it.Items)
			if err != nil {
				return r.errorf(it.Pos(), "for "+f.Var+" in ...", "%w", err)
			}
			segs = append(segs, segment{items: vals})
		case *lang.Range:
			from, err1 := r.expandString(it.From)
			to, err2 := r.expandString(it.To)
			if err := errors.Join(err1, err2); err != nil {
				return r.errorf(it.Pos(), "for "+f.Var+" in ...", "%w", err)
			}
			a, err1 := toInt(from)
			b, err2 := toInt(to)
			if err := errors.Join(err1, err2); err != nil {
				return r.errorf(it.Pos(), "for "+f.Var+" in "+from+".."+to, "range: %w", err)
			}
			segs = append(segs, segment{isRange: true, from: a, to: b})
		}
	}
	pass := func(v string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.setVar(f.Var, value{str: v})
		return r.stmts(ctx, f.Body.Stmts)
	}
	for _, sg := range segs {
		if !sg.isRange {
			for _, it := range sg.items {
				if err := pass(it); err != nil {
					return err
				}
			}
			continue
		}
		step := int64(1)
		if sg.to < sg.from {
			step = -1
		}
		for n := sg.from; ; n += step {
			if err := pass(strconv.FormatInt(n, 10)); err != nil {
				return err
			}
			if n == sg.to {
				break
			}
		}
	}
	return nil
}

func (r *Runner) ifStmt(ctx context.Context, s *lang.If) error {
	ok, err := r.cond(ctx, s.Cond)
	if err != nil {
		return err
	}
	if ok {
		return r.stmts(ctx, s.Then.Stmts)
	}
	switch e := s.Else.(type) {
	case *lang.Block:
		return r.stmts(ctx, e.Stmts)
	case *lang.If:
		return r.ifStmt(ctx, e)
	}
	return nil
}

func (r *Runner) cond(ctx context.Context, c lang.Cond) (bool, error) {
	switch c := c.(type) {
	case *lang.Not:
		ok, err := r.cond(ctx, c.X)
		return !ok, err
	case *lang.Truth:
		s, err := r.expandString(c.X)
		if err != nil {
			return false, r.errorf(c.Pos(), "if ...", "%w", err)
		}
		return s != "" && s != "0" && s != "false", nil
	case *lang.Compare:
		x, err1 := r.expandString(c.X)
		y, err2 := r.expandString(c.Y)
		text := "if " + lang.Quote(x) + " " + c.Op + " " + lang.Quote(y)
		if err := errors.Join(err1, err2); err != nil {
			return false, r.errorf(c.Pos(), "if ...", "%w", err)
		}
		switch c.Op {
		case "==":
			return x == y, nil
		case "!=":
			return x != y, nil
		}
		a, err1 := toInt(x)
		b, err2 := toInt(y)
		if err := errors.Join(err1, err2); err != nil {
			return false, r.errorf(c.Pos(), text, "%s compares integers: %w", c.Op, err)
		}
		switch c.Op {
		case "-eq":
			return a == b, nil
		case "-ne":
			return a != b, nil
		case "-lt":
			return a < b, nil
		case "-le":
			return a <= b, nil
		case "-gt":
			return a > b, nil
		case "-ge":
			return a >= b, nil
		}
		return false, r.errorf(c.Pos(), text, "unknown comparison %q", c.Op)
	case *lang.Exists:
		name, err := r.expandString(c.Name)
		if err != nil {
			return false, r.errorf(c.Pos(), "if exists "+c.Kind+" ...", "%w", err)
		}
		args := []string{"exists", c.Kind, name}
		err = r.call(ctx, c.Pos(), r.cur, args)
		if err == nil {
			return true, nil
		}
		var es ExitStatus
		if errors.As(err, &es) && es == 1 {
			return false, nil
		}
		return false, &RuntimeError{Pos: c.Pos(), Stmt: "if " + quoteArgs(args), NS: r.cur, Err: err}
	}
	return false, fmt.Errorf("interp: unknown condition %T", c)
}

func (r *Runner) inStmt(ctx context.Context, s *lang.In) error {
	word, err := r.expandString(s.NS)
	if err != nil {
		return r.errorf(s.Pos(), "in ...", "%w", err)
	}
	text := "in " + lang.Quote(word)
	var ref ns.Ref
	if s.Pid {
		text = "in pid " + lang.Quote(word)
		pid, perr := toInt(word)
		if perr != nil {
			return r.errorf(s.Pos(), text, "%w", perr)
		}
		ref, err = ns.Pid(int(pid))
	} else {
		path := word
		if r.dir != "" && strings.Contains(path, "/") && !filepath.IsAbs(path) {
			// A relative namespace file is taken from the script's
			// directory, as "cd" set it.
			path = filepath.Join(r.dir, path)
		}
		ref, err = r.host.Resolve(path)
	}
	if err == nil && !r.dryRun {
		_, err = r.host.Key(ref)
	}
	if err != nil {
		if !s.Pid && word == "pid" {
			// "in pid < ... >": the grammar took "pid" for the name.
			return r.errorf(s.Pos(), text, "\"in pid\" needs a process id, as in \"in pid 1234 < ... >\" (no namespace is named \"pid\"): %w", err)
		}
		return r.errorf(s.Pos(), text, "%w", err)
	}
	if s.Body == nil {
		r.cur = ref
		r.status = 0
		return nil
	}
	saved := r.cur
	r.cur = ref
	defer func() { r.cur = saved }()
	return r.stmts(ctx, s.Body.Stmts)
}

// command runs a simple command; rest are the simple commands that follow
// it in its block (for HandlerContext.Following) and skip marks one of
// them done.
func (r *Runner) command(ctx context.Context, c *lang.Command, rest []lang.Stmt, skip func(int, func(context.Context) error)) error {
	args, err := r.expandWords(c.Args)
	if err != nil {
		r.status = StatusOf(err)
		return &RuntimeError{Pos: c.Pos(), Stmt: lang.Format(c), NS: r.cur, Err: err}
	}
	if len(args) == 0 || args[0] == "" {
		r.status = 1
		return &RuntimeError{Pos: c.Pos(), Stmt: lang.Format(c), NS: r.cur, Err: errors.New("the command word expanded to nothing")}
	}
	text := quoteArgs(args)
	if len(c.Redirs) > 0 && r.dryRun {
		r.status = 1
		return &RuntimeError{Pos: c.Pos(), Stmt: text, NS: r.cur, Err: errors.New("a redirection opens its file when the command runs: not in a dry run")}
	}
	if len(c.Redirs) > 0 {
		rd, err := r.redirect(c.Redirs)
		text += rd.text
		if err != nil {
			r.status = 1
			return &RuntimeError{Pos: c.Pos(), Stmt: text, NS: r.cur, Err: err}
		}
		defer rd.restore(r)
		rest = nil // a redirected command is no simple command: no look-ahead
	}
	if r.trace != nil {
		fmt.Fprintf(r.trace, "+ [%s] %s\n", r.cur, text)
	}
	following := func(i int) (Following, bool) {
		if i < 0 || i >= len(rest) {
			return Following{}, false
		}
		fc := rest[i].(*lang.Command)
		fa, err := r.expandWords(fc.Args)
		if err != nil || len(fa) == 0 {
			return Following{}, false
		}
		return Following{Args: fa, NS: r.cur, Pos: fc.Pos()}, true
	}
	if skip == nil {
		skip = noSkip
	}
	err = r.dispatch(ctx, c.Pos(), r.cur, args, following, skip)
	r.status = StatusOf(err)
	if err == nil || isExit(err) {
		return err
	}
	var re *RuntimeError
	if !errors.As(err, &re) {
		// Not yet positioned (as an error inside a procedure or source is).
		err = &RuntimeError{Pos: c.Pos(), Stmt: text, NS: errNamespace(err, r.cur), Err: err}
	}
	var es ExitStatus
	if r.report && !errors.As(err, &es) && !errors.Is(err, syscall.EPIPE) {
		// The command printed nothing itself: print its error where its
		// output goes, redirections included. A broken pipe is silent,
		// as SIGPIPE makes it for a program.
		fmt.Fprintf(r.stderr, "%v\n", err)
		return &reportedError{err}
	}
	return err
}

// call runs args as a command in namespace ref with no look-ahead.
func (r *Runner) call(ctx context.Context, pos lang.Pos, ref ns.Ref, args []string) error {
	return r.dispatch(ctx, pos, ref, args, noFollowing, noSkip)
}

// dispatch runs a command: a language builtin, a procedure, or the
// handler chain (builtins such as ip, then external programs).
func (r *Runner) dispatch(ctx context.Context, pos lang.Pos, ref ns.Ref, args []string, following func(int) (Following, bool), skip func(int, func(context.Context) error)) error {
	if b, ok := r.builtin(args[0]); ok {
		return b(ctx, pos, ref, args)
	}
	if d, ok := r.procs[args[0]]; ok {
		return r.callProc(ctx, ref, d, args[1:])
	}
	hc := r.handlerCtx(pos, ref, following, skip)
	return r.exec(WithHandlerCtx(ctx, hc), args)
}

// handlerCtx is what the handler chain sees of a command at pos in ref.
func (r *Runner) handlerCtx(pos lang.Pos, ref ns.Ref, following func(int) (Following, bool), skip func(int, func(context.Context) error)) HandlerContext {
	return HandlerContext{
		Stdin: r.stdin, Stdout: r.stdout, Stderr: r.stderr,
		NS: ref, Host: r.host, Pos: pos, Env: r.env, Dir: r.dir,
		Run: func(ctx context.Context, to ns.Ref, args []string) error {
			if len(args) == 0 || args[0] == "" {
				return errors.New("no command given")
			}
			// As a child process would: on a copy of the runner, so that
			// "exit", "cd" or assignments do not reach the caller.
			err := r.fork().call(ctx, pos, to, args)
			var ee *ExitError
			if errors.As(err, &ee) {
				if ee.Code == 0 {
					return nil
				}
				return ExitStatus(ee.Code)
			}
			return err
		},
		Following: following,
		Skip:      skip,
	}
}

// noFollowing is the look-ahead of a command run outside a block.
func noFollowing(int) (Following, bool) { return Following{}, false }

// noSkip is the Skip of a command that has no look-ahead.
func noSkip(int, func(context.Context) error) {}

func (r *Runner) callProc(ctx context.Context, ref ns.Ref, d *lang.Def, args []string) error {
	if len(args) != len(d.Params) {
		return fmt.Errorf("%s takes %d argument(s) (%s), got %d", d.Name, len(d.Params), strings.Join(d.Params, " "), len(args))
	}
	if r.depth >= maxDepth {
		return fmt.Errorf("%s: procedures nested deeper than %d", d.Name, maxDepth)
	}
	frame := map[string]value{}
	for i, p := range d.Params {
		frame[p] = value{str: args[i]}
	}
	savedNS := r.cur
	r.cur = ref
	r.frames = append(r.frames, frame)
	r.depth++
	defer func() {
		r.frames = r.frames[:len(r.frames)-1]
		r.depth--
		r.cur = savedNS
	}()
	return r.stmts(ctx, d.Body.Stmts)
}
