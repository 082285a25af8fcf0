// Package builtins holds what the ip, brctl and bridge commands share: the
// per-run State with the netlink sockets of each namespace, the Env a command
// runs in, iproute2's keyword matching, and the argument cursor. The
// commands themselves live in the sub-packages iproute, brctl and bridge;
// package all puts them together.
package builtins

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/internal/rtnl"
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

	// command is the command line, as Ensure and Plan report it.
	command string

	mu       sync.Mutex
	releases []func() // leases of Handle and Conn, ended by Release
}

// Handle returns the netlink handle of namespace r, leased to this Env:
// the handle stays open, and keeps reaching r's namespace, until Release,
// even if the namespace is deleted meanwhile. Never keep it past Release.
func (e *Env) Handle(r ns.Ref) (*netlink.Handle, error) {
	p, err := e.lease(r)
	if err != nil {
		return nil, err
	}
	return p.Handle, nil
}

// Conn returns the raw NETLINK_ROUTE socket of namespace r (for the
// requests package netlink has no Handle method for), leased to this Env
// as Handle's handle is: open, and reaching r's namespace, until Release.
// Never keep it past Release.
func (e *Env) Conn(r ns.Ref) (*rtnl.Conn, error) {
	p, err := e.lease(r)
	if err != nil {
		return nil, err
	}
	return p.Conn, nil
}

// lease leases r's sockets until Release.
func (e *Env) lease(r ns.Ref) (*rtnl.Pair, error) {
	p, release, err := e.State.acquire(r)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.releases = append(e.releases, release)
	e.mu.Unlock()
	return p, nil
}

// Clone returns a copy of e with no leases of its own, for running a
// command with other stdio or in another namespace; Release it after.
func (e *Env) Clone() *Env {
	return &Env{
		Stdin: e.Stdin, Stdout: e.Stdout, Stderr: e.Stderr,
		NS: e.NS, Host: e.Host, State: e.State, Pos: e.Pos, Dir: e.Dir,
		Run: e.Run, Following: e.Following, Skip: e.Skip,
	}
}

// Release gives back every socket the Env leased (Handle, Conn). The
// middleware calls it when the command returns.
func (e *Env) Release() {
	e.mu.Lock()
	rs := e.releases
	e.releases = nil
	e.mu.Unlock()
	for _, r := range rs {
		r()
	}
}

// State is the per-run state of the builtins: per namespace, one
// NETLINK_ROUTE netlink.Handle and one raw rtnl.Conn (an rtnl.Pair),
// opened together on first use with the sockets created inside that
// namespace, so later requests need no thread switch at all.
//
// Sockets are never closed while a command uses them: commands lease
// them (Acquire, AcquireConn, Env.Handle, Env.Conn), and a pair dropped
// from the cache — because the script deleted its namespace (Forget), or
// because its name no longer leads to it (someone else deleted it; a
// sweep notices within sweepEvery) — is closed when its last lease ends.
// A closed netlink.Handle would silently open a fresh socket in whatever
// namespace the calling thread is in (a closed rtnl.Conn refuses
// requests); no command can ever hold one.
type State struct {
	host *ns.Host

	mu      sync.Mutex
	handles map[ns.Key]*entry
	closed  bool
	stop    chan struct{} // closes the sweeper; nil until it runs

	journal *journal.Journal // see SetJournal

	conv converge // see SetMode
}

// entry is a namespace's cached sockets and their leases.
type entry struct {
	p    *rtnl.Pair
	key  ns.Key
	ref  ns.Ref // how it was first reached, for the sweep
	refs int    // leases not yet released
	gone bool   // out of the cache: close at the last release
}

// sweepEvery is how often the cache checks that the namespaces of its
// handles can still be reached by the names they were opened through.
const sweepEvery = 250 * time.Millisecond

// NewState returns the builtins' state for one run over host.
func NewState(host *ns.Host) *State {
	return &State{host: host, handles: map[ns.Key]*entry{}}
}

// Host returns the namespace host of the run.
func (s *State) Host() *ns.Host { return s.host }

// errClosed is returned by Acquire after Close.
var errClosed = errors.New("the run's netlink handles are closed")

// Acquire returns the netlink handle for r's namespace, opening it inside
// that namespace on first use, and the function that ends the lease. The
// handle is open and reaches r's namespace until then; call release
// exactly once.
func (s *State) Acquire(r ns.Ref) (h *netlink.Handle, release func(), err error) {
	p, release, err := s.acquire(r)
	if err != nil {
		return nil, nil, err
	}
	return p.Handle, release, nil
}

// AcquireConn is Acquire for the raw socket of r's namespace.
func (s *State) AcquireConn(r ns.Ref) (c *rtnl.Conn, release func(), err error) {
	p, release, err := s.acquire(r)
	if err != nil {
		return nil, nil, err
	}
	return p.Conn, release, nil
}

// acquire leases the sockets of r's namespace, opening them inside it on
// first use.
func (s *State) acquire(r ns.Ref) (*rtnl.Pair, func(), error) {
	// A hit needs one stat: only checked namespaces are ever cached.
	if k, err := s.host.StatKey(r); err == nil {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, nil, errClosed
		}
		if e, ok := s.handles[k]; ok {
			e.refs++
			s.mu.Unlock()
			return e.p, s.releaser(e), nil
		}
		s.mu.Unlock()
	}
	p, err := rtnl.OpenPair(s.host, r)
	if err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		p.Close()
		return nil, nil, errClosed
	}
	// The sockets are cached under the namespace they were really opened
	// in, and only if r still leads to it: the name may have been
	// deleted, or given to another namespace, meanwhile (then they serve
	// this lease alone). While the sockets are open their namespace
	// lives, so no other namespace can have its key: a cache hit on the
	// key is the namespace the sockets reach.
	key := p.Key
	e, ok := s.handles[key]
	switch {
	case ok:
		p.Close()
	case !s.leadsTo(r, key):
		e = &entry{p: p, key: key, ref: r, gone: true}
	default:
		e = &entry{p: p, key: key, ref: r}
		s.handles[key] = e
		if !r.IsStart() && s.stop == nil {
			s.stop = make(chan struct{})
			go s.sweeper(s.stop)
		}
	}
	e.refs++
	return e.p, s.releaser(e), nil
}

// leadsTo reports whether r names the namespace with key k now.
func (s *State) leadsTo(r ns.Ref, k ns.Key) bool {
	got, err := s.host.StatKey(r)
	return err == nil && got == k
}

// releaser returns the function that ends one lease of e.
func (s *State) releaser(e *entry) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			e.refs--
			last := e.gone && e.refs == 0
			s.mu.Unlock()
			if last {
				e.p.Close()
			}
		})
	}
}

// drop takes e out of the cache and closes its handle unless a lease is
// still held (then the last release closes it). s.mu is held.
func (s *State) drop(e *entry) (closeNow bool) {
	if s.handles[e.key] == e {
		delete(s.handles, e.key)
	}
	e.gone = true
	return e.refs == 0
}

// Forget drops the cached handle of the namespace with key k, so that no
// socket of nsh keeps a deleted namespace alive; commands holding it keep
// using it until they end.
func (s *State) Forget(k ns.Key) {
	s.mu.Lock()
	e, ok := s.handles[k]
	closeNow := ok && s.drop(e)
	s.mu.Unlock()
	if closeNow {
		e.p.Close()
	}
}

// Sweep drops the cached handles whose namespace can no longer be reached
// the way it was reached when the handle was opened: its name was deleted
// or now names another namespace (another program ran "ip netns del"),
// or the process whose namespace it was has ended. Holding the socket
// would keep that namespace, and everything in it, alive.
func (s *State) Sweep() {
	s.mu.Lock()
	var check []*entry
	for _, e := range s.handles {
		if !e.ref.IsStart() {
			check = append(check, e)
		}
	}
	s.mu.Unlock()
	for _, e := range check {
		if s.leadsTo(e.ref, e.key) {
			continue
		}
		s.mu.Lock()
		closeNow := s.drop(e)
		s.mu.Unlock()
		if closeNow {
			e.p.Close()
		}
	}
}

// sweeper runs Sweep every sweepEvery until stop is closed.
func (s *State) sweeper(stop chan struct{}) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			s.Sweep()
		}
	}
}

// Close closes every cached handle that no command holds (the others
// close when their lease ends) and refuses new leases.
func (s *State) Close() {
	s.mu.Lock()
	s.closed = true
	if s.stop != nil {
		close(s.stop)
		s.stop = nil
	}
	var now []*entry
	for _, e := range s.handles {
		if s.drop(e) {
			now = append(now, e)
		}
	}
	s.mu.Unlock()
	for _, e := range now {
		e.p.Close()
	}
}

// Middleware returns an interp exec-handler middleware that runs the
// commands of cmds as builtins and passes any other word to next.
func Middleware(s *State, cmds map[string]Func) func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			f, ok := cmds[args[0]]
			if !ok && s.Mode() != Plan {
				return next(ctx, args)
			}
			hc := interp.HandlerCtx(ctx)
			env := &Env{
				Stdin: hc.Stdin, Stdout: hc.Stdout, Stderr: hc.Stderr,
				NS: hc.NS, Host: hc.Host, State: s, Pos: hc.Pos, Dir: hc.Dir,
				Run: hc.Run, Following: hc.Following, Skip: hc.Skip,
			}
			defer env.Release()
			if !ok {
				PlanProgram(env, args)
				return nil
			}
			return Call(ctx, env, f, args)
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
// listing is never silently partial (rtnl.Retry).
func Retry[T any](dump func() (T, error)) (T, error) { return rtnl.Retry(dump) }
