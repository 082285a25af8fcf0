package shell

import (
	"context"
	"slices"

	"mvdan.cc/sh/v3/expand"
	shinterp "mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// The look-ahead of nsh's commands (builtins.Env.Following and Skip) for
// shell scripts. mvdan hands an exec handler only the expanded words and
// the position of the command's first word, so each parsed file is
// indexed once: for every simple command (a call with no redirection,
// not in the background, not negated), the statements that follow it in
// its list. A skipped statement is recorded by its position and consumed
// when the interpreter reaches it; if the script ends first, its undo
// runs.

// index is the look-ahead index of one parsed file.
type index struct {
	next map[uint]follow // by the offset of the command's first word
}

// follow is a simple command and the statements after it in its list.
type follow struct {
	call *syntax.CallExpr
	rest []*syntax.Stmt
}

// pendingKey names a skipped statement: its file's index and the offset
// of its first word.
type pendingKey struct {
	ix  *index
	off uint
}

// indexFile returns the index of file, building it on first use.
func (s *Shell) indexFile(file *syntax.File) *index {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ix, ok := s.index[file]; ok {
		return ix
	}
	ix := &index{next: map[uint]follow{}}
	add := func(list []*syntax.Stmt) {
		for i, st := range list {
			if call, ok := simpleCall(st); ok {
				ix.next[call.Args[0].Pos().Offset()] = follow{call: call, rest: list[i+1:]}
			}
		}
	}
	add(file.Stmts)
	syntax.Walk(file, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Block:
			add(n.Stmts)
		case *syntax.Subshell:
			add(n.Stmts)
		case *syntax.IfClause:
			add(n.Cond)
			add(n.Then)
		case *syntax.WhileClause:
			add(n.Cond)
			add(n.Do)
		case *syntax.ForClause:
			add(n.Do)
		case *syntax.CaseItem:
			add(n.Stmts)
		case *syntax.CmdSubst:
			add(n.Stmts)
		}
		return true
	})
	s.index[file] = ix
	return ix
}

// simpleCall returns the command of st if st is a simple command that
// look-ahead may see.
func simpleCall(st *syntax.Stmt) (*syntax.CallExpr, bool) {
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) == 0 || len(st.Redirs) > 0 || st.Background || st.Negated || st.Coprocess || st.Disown {
		return nil, false
	}
	return call, true
}

// fields expands words as the interpreter would, but refuses anything
// with a side effect (a command substitution, an assignment in
// arithmetic): look-ahead must not run anything.
func fields(env expand.Environ, words []*syntax.Word) ([]string, bool) {
	cfg := &expand.Config{Env: readOnly{env}}
	f, err := expand.Fields(cfg, words...)
	return f, err == nil
}

// readOnly hides the write methods of an environment, so an expansion
// cannot assign.
type readOnly struct{ expand.Environ }

// lookup returns the entry of the command at pos whose words expand to
// args, if the index has it.
func (ix *index) lookup(env expand.Environ, pos syntax.Pos, args []string) (follow, bool) {
	if ix == nil || !pos.IsValid() {
		return follow{}, false
	}
	f, ok := ix.next[pos.Offset()]
	if !ok {
		return follow{}, false
	}
	// A sourced file's command may sit at the same offset: the words
	// must be this command's.
	if got, ok := fields(env, f.call.Args); !ok || !slices.Equal(got, args) {
		return follow{}, false
	}
	return f, true
}

// following returns the Following of a command run with hc in r.
func (s *Shell) following(ix *index, hc shinterp.HandlerContext, r ns.Ref, args []string) func(int) (interp.Following, bool) {
	var f follow
	var found, looked bool
	return func(i int) (interp.Following, bool) {
		if !looked {
			looked = true
			f, found = ix.lookup(hc.Env, hc.Pos, args)
		}
		if !found || i < 0 || i >= len(f.rest) {
			return interp.Following{}, false
		}
		// Only an unbroken run of simple commands can be looked at.
		for _, st := range f.rest[:i+1] {
			if _, ok := simpleCall(st); !ok {
				return interp.Following{}, false
			}
		}
		call, _ := simpleCall(f.rest[i])
		args, ok := fields(hc.Env, call.Args)
		if !ok || len(args) == 0 {
			return interp.Following{}, false
		}
		p := call.Args[0].Pos()
		return interp.Following{Args: args, NS: r, Pos: lang.Pos{Line: int(p.Line()), Col: int(p.Col())}}, true
	}
}

// skipper returns the Skip of the command at pos; following is its
// Following, whose expansion of the skipped statement is what the
// interpreter must reach for the skip to apply (two jobs may run the
// same lines with other values).
func (s *Shell) skipper(ix *index, pos syntax.Pos, following func(int) (interp.Following, bool)) func(int, func(context.Context) error) {
	return func(i int, undo func(context.Context) error) {
		f, ok := ix.lookupPos(pos)
		if !ok || i < 0 || i >= len(f.rest) {
			return
		}
		call, ok := simpleCall(f.rest[i])
		if !ok {
			return
		}
		fw, ok := following(i)
		if !ok {
			return
		}
		if undo == nil {
			undo = func(context.Context) error { return nil }
		}
		k := pendingKey{ix, call.Args[0].Pos().Offset()}
		s.mu.Lock()
		s.pending[k] = append(s.pending[k], skipped{args: fw.Args, undo: undo})
		s.mu.Unlock()
	}
}

// skipped is a statement done ahead by a look-ahead.
type skipped struct {
	args []string
	undo func(context.Context) error
}

// lookupPos returns the entry at pos without checking its words (Skip
// is only called after Following found it).
func (ix *index) lookupPos(pos syntax.Pos) (follow, bool) {
	if ix == nil || !pos.IsValid() {
		return follow{}, false
	}
	f, ok := ix.next[pos.Offset()]
	return f, ok
}

// consumeSkip reports whether the command at pos was already done by a
// look-ahead, and forgets it.
func (s *Shell) consumeSkip(ix *index, pos syntax.Pos, args []string) bool {
	if ix == nil || !pos.IsValid() {
		return false
	}
	k := pendingKey{ix, pos.Offset()}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, sk := range s.pending[k] {
		if slices.Equal(sk.args, args) {
			s.pending[k] = slices.Delete(s.pending[k], i, i+1)
			if len(s.pending[k]) == 0 {
				delete(s.pending, k)
			}
			return true
		}
	}
	return false
}

// undoPending runs the undo of every statement of ix that was skipped
// but never reached, restoring the literal sequence's state.
func (s *Shell) undoPending(ctx context.Context, ix *index) {
	s.mu.Lock()
	var undos []func(context.Context) error
	for k, list := range s.pending {
		if k.ix == ix {
			for _, sk := range list {
				undos = append(undos, sk.undo)
			}
			delete(s.pending, k)
		}
	}
	s.mu.Unlock()
	for _, u := range undos {
		u(context.WithoutCancel(ctx))
	}
}
