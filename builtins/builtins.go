// Package builtins holds what the ip, brctl and bridge commands share: the
// per-run State with one netlink handle per namespace, the Env a command
// runs in, iproute2's keyword matching, and the argument cursor. The
// commands themselves live in the sub-packages iproute, brctl and bridge;
// package all puts them together.
package builtins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// Func is a builtin command. args[0] is the command word.
type Func func(ctx context.Context, env *Env, args []string) error

// Env is what a builtin command sees: stdio, the namespace it acts in, the
// run's State, and the interpreter's callbacks.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	// NS is the namespace the command acts in (before any "-n").
	NS    ns.Ref
	Host  *ns.Host
	State *State
	Pos   lang.Pos
	// Dir is the script's working directory ("cd"), against which
	// relative file names are taken; "" means the process's.
	Dir string

	// Run runs a command line (builtin or external) in namespace r.
	Run func(ctx context.Context, r ns.Ref, args []string) error
	// Following and Skip: see interp.HandlerContext.
	Following func(i int) (interp.Following, bool)
	Skip      func(i int, undo func(ctx context.Context) error)
}

// Handle returns the netlink handle of namespace r (cached per run).
func (e *Env) Handle(r ns.Ref) (*netlink.Handle, error) { return e.State.Handle(r) }

// State is the per-run state of the builtins: one NETLINK_ROUTE handle
// per namespace, opened on first use with the socket created inside that
// namespace, so later calls need no thread switch at all.
type State struct {
	host *ns.Host

	mu      sync.Mutex
	handles map[ns.Key]*netlink.Handle
}

// NewState returns the builtins' state for one run over host.
func NewState(host *ns.Host) *State {
	return &State{host: host, handles: map[ns.Key]*netlink.Handle{}}
}

// Host returns the namespace host of the run.
func (s *State) Host() *ns.Host { return s.host }

// Handle returns the netlink handle for r's namespace, opening it inside
// that namespace on first use.
func (s *State) Handle(r ns.Ref) (*netlink.Handle, error) {
	// A hit needs one stat: only checked namespaces are ever cached.
	if k, err := s.host.StatKey(r); err == nil {
		s.mu.Lock()
		h, ok := s.handles[k]
		s.mu.Unlock()
		if ok {
			return h, nil
		}
	}
	key, err := s.host.Key(r)
	if err != nil {
		return nil, err
	}
	var h *netlink.Handle
	err = s.host.Do(r, func() error {
		var err error
		h, err = netlink.NewHandle(unix.NETLINK_ROUTE)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("opening netlink in %s: %w", r.Describe(), err)
	}
	s.mu.Lock()
	if old, ok := s.handles[key]; ok {
		h.Close()
		h = old
	} else {
		s.handles[key] = h
	}
	s.mu.Unlock()
	return h, nil
}

// Forget closes the cached handle of the namespace with key k, so that no
// socket of nsh keeps a deleted namespace alive.
func (s *State) Forget(k ns.Key) {
	s.mu.Lock()
	h, ok := s.handles[k]
	delete(s.handles, k)
	s.mu.Unlock()
	if ok {
		h.Close()
	}
}

// Close closes every cached handle.
func (s *State) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, h := range s.handles {
		h.Close()
		delete(s.handles, k)
	}
}

// Middleware returns an interp exec-handler middleware that runs the
// commands of cmds as builtins and passes any other word to next.
func Middleware(s *State, cmds map[string]Func) func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			f, ok := cmds[args[0]]
			if !ok {
				return next(ctx, args)
			}
			hc := interp.HandlerCtx(ctx)
			env := &Env{
				Stdin: hc.Stdin, Stdout: hc.Stdout, Stderr: hc.Stderr,
				NS: hc.NS, Host: hc.Host, State: s, Pos: hc.Pos, Dir: hc.Dir,
				Run: hc.Run, Following: hc.Following, Skip: hc.Skip,
			}
			return f(ctx, env, args)
		}
	}
}

// Install returns the interp option that runs the commands of cmds as
// builtins (Middleware) and reserves their names, so that a "def" cannot
// silently shadow them (interp.Reserved). Every nsh runner is built with
// it.
func Install(s *State, cmds map[string]Func) interp.Option {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	handlers := interp.ExecHandlers(Middleware(s, cmds))
	reserved := interp.Reserved(names...)
	return func(r *interp.Runner) error {
		if err := handlers(r); err != nil {
			return err
		}
		return reserved(r)
	}
}

// Retry runs a netlink dump until it is not interrupted by a concurrent
// change (netlink.ErrDumpInterrupted), at most a few times, so that a
// listing is never silently partial.
func Retry[T any](dump func() (T, error)) (T, error) {
	var (
		v   T
		err error
	)
	for i := 0; i < 10; i++ {
		v, err = dump()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return v, err
		}
	}
	return v, fmt.Errorf("dump kept being interrupted by concurrent changes: %w", err)
}
