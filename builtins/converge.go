package builtins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/ns"
)

// Mode says what a run's commands do with a change they are about to make
// (SetMode).
type Mode int

const (
	// Apply makes every change: "File exists" when it is already made.
	Apply Mode = iota
	// Ensure (nsh --ensure) skips a change the kernel already has: a
	// creating statement accepts an object that exists with the
	// attributes it asks for, a deleting one an object already gone, a
	// setting one a value already set. An object that exists but differs
	// is an error that says how.
	Ensure
	// Plan (nsh plan) changes nothing: each change is checked as under
	// Ensure and recorded as a Step instead of being made.
	Plan
)

// Actions of Steps.
const (
	ActCreate  = "create"
	ActChange  = "change"
	ActDelete  = "delete"
	ActAlready = "already there"
	ActDiffers = "differs"
	ActRun     = "run"
	ActFail    = "fails"
)

// Step is one change a run made, skipped or would make (Plan), with the
// statement that causes it.
type Step struct {
	Action string `json:"action"`
	// NS is the namespace the change is in: a name under /run/netns,
	// or "" for the namespace nsh started in.
	NS      string `json:"ns"`
	Object  string `json:"object"`
	Note    string `json:"note,omitempty"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Command string `json:"command"`
}

// converge is a State's record of what Ensure and Plan decided, and
// Plan's overlay: the namespaces and links the plan creates or deletes,
// which the kernel does not have.
type converge struct {
	mu    sync.Mutex
	mode  Mode
	steps []Step
	// netns: true, the plan creates the namespace; false, deletes it.
	netns map[string]bool
	// links: per namespace, the links the plan creates (true) or
	// deletes or moves away (false).
	links map[string]map[string]bool
	// moved: veth ends that --ensure found in another namespace than
	// the one they were created in ("NS\x00NAME"), with the ifindex of
	// their peer, which stayed: see MovedVeth.
	moved map[string]int
	// owned: the lab's namespaces, for a Plan (SetOwned).
	owned map[string]bool
	// peers: the veth pairs the plan creates, each end ("NS\x00NAME")
	// to the other.
	peers map[string]string
	// raw: per namespace, the route, rule and neighbour requests the
	// plan made, in order (planView).
	raw map[string][]rawEntry
}

// SetOwned tells a Plan which namespaces the lab created before (its
// journal's), where --ensure would replace what differs.
func (s *State) SetOwned(names map[string]bool) {
	s.conv.mu.Lock()
	defer s.conv.mu.Unlock()
	s.conv.owned = names
}

// SetMode sets how the run's commands treat their changes (Apply unless
// set).
func (s *State) SetMode(m Mode) {
	s.conv.mu.Lock()
	defer s.conv.mu.Unlock()
	s.conv.mode = m
	s.conv.netns = map[string]bool{}
	s.conv.links = map[string]map[string]bool{}
	s.conv.moved = map[string]int{}
}

// movedVeth notes that veth end name, created in namespace at by an
// earlier run, is in another namespace now, its peer being link peerIndex
// of at.
func (s *State) movedVeth(at, name string, peerIndex int) {
	s.conv.mu.Lock()
	defer s.conv.mu.Unlock()
	if s.conv.moved != nil {
		s.conv.moved[at+"\x00"+name] = peerIndex
	}
}

// MovedVeth returns the ifindex, in namespace at, of the peer of veth
// end name that this run found moved away from at (see LinkAddIntent).
func (s *State) MovedVeth(at, name string) (int, bool) {
	s.conv.mu.Lock()
	defer s.conv.mu.Unlock()
	i, ok := s.conv.moved[at+"\x00"+name]
	return i, ok
}

// Mode returns how the run's commands treat their changes.
func (s *State) Mode() Mode {
	s.conv.mu.Lock()
	defer s.conv.mu.Unlock()
	return s.conv.mode
}

// Steps returns what the run's changes were under Ensure and Plan, in
// order.
func (s *State) Steps() []Step {
	s.conv.mu.Lock()
	defer s.conv.mu.Unlock()
	return append([]Step(nil), s.conv.steps...)
}

// Overlay is what a Plan has decided so far that the kernel does not
// show: namespaces and links it creates or deletes.
type Overlay struct{ c *converge }

// AddNetns records that the plan creates namespace name (or deletes it,
// if !present: its links go, and the veth peers of those elsewhere).
func (o Overlay) AddNetns(name string, present bool) {
	o.c.netns[name] = present
	if present {
		return
	}
	delete(o.c.links, name)
	for k, p := range o.c.peers {
		if ns, _, _ := strings.Cut(k, "\x00"); ns == name {
			if pns, pn, ok := strings.Cut(p, "\x00"); ok && pns != name {
				o.AddLink(pns, pn, false)
			}
			delete(o.c.peers, k)
			delete(o.c.peers, p)
		}
	}
}

// AddLink records that the plan creates link name in namespace at (or
// removes it from there, if !present).
func (o Overlay) AddLink(at, name string, present bool) {
	m := o.c.links[at]
	if m == nil {
		m = map[string]bool{}
		o.c.links[at] = m
	}
	m[name] = present
}

// AddPair records that the plan creates a veth pair: name in at, peer in
// peerAt.
func (o Overlay) AddPair(at, name, peerAt, peer string) {
	if o.c.peers == nil {
		o.c.peers = map[string]string{}
	}
	a, b := at+"\x00"+name, peerAt+"\x00"+peer
	o.c.peers[a], o.c.peers[b] = b, a
}

// MoveLink records that the plan moves (or renames) link name from
// namespace at to name to in namespace toNS, which keeps its veth peer.
func (o Overlay) MoveLink(at, name, toNS, to string) {
	o.AddLink(at, name, false)
	o.AddLink(toNS, to, true)
	a, b := at+"\x00"+name, toNS+"\x00"+to
	if p, ok := o.c.peers[a]; ok {
		delete(o.c.peers, a)
		o.c.peers[b], o.c.peers[p] = p, b
	}
}

// RemoveLink records that the plan deletes link name in namespace at,
// and with it its veth peer if the plan made the pair (else peer, as
// "NS\x00NAME", if not "").
func (o Overlay) RemoveLink(at, name, peer string) {
	o.AddLink(at, name, false)
	k := at + "\x00" + name
	if p, ok := o.c.peers[k]; ok {
		peer = p
		delete(o.c.peers, k)
		delete(o.c.peers, p)
	}
	if ns, n, ok := strings.Cut(peer, "\x00"); ok {
		o.AddLink(ns, n, false)
	}
}

// Netns says whether the plan has created (present) or deleted
// namespace name (known: it did either).
func (o Overlay) Netns(name string) (present, known bool) {
	present, known = o.c.netns[name]
	return present, known
}

// Link says whether the plan has created (present) or removed link name
// in namespace at (known: it did either, or created the namespace).
func (o Overlay) Link(at, name string) (present, known bool) {
	present, known = o.c.links[at][name]
	if !known && o.c.netns[at] {
		return false, true
	}
	return present, known
}

// Intent is a change a command is about to make.
type Intent struct {
	// Action is ActCreate, ActChange or ActDelete.
	Action string
	NS     ns.Ref
	// Object names what changes, as a plan lists it: "link veth0 (veth,
	// peer veth1)", "route 10.0.0.0/24 table main".
	Object string
	// Have reports whether the kernel already is as the change would
	// leave it (for a delete: whether the object is gone). differs, when
	// not "", says how an object that exists differs from the one asked
	// for. A nil Have, or an error, means "not known": the change is
	// made (Ensure) or listed (Plan).
	Have func() (have bool, differs string, err error)
	// Effect records in a plan's overlay what the change creates or
	// removes.
	Effect func(o Overlay)
	// Planned answers Have from a plan's overlay, when the plan has
	// created or removed the object (known).
	Planned func(o Overlay) (have, known bool)
	// Replace, if not nil, turns the change into one that replaces an
	// object that differs. Ensure uses it for an object in a namespace
	// the lab created (its own, as its journal says): a re-run puts back
	// what the script asks for. An object of anyone else that differs
	// is an error.
	Replace func()
}

// differsError is Intend's error for an object that exists but differs:
// the command's own wording of its failure is dropped (Call).
type differsError struct{ f *Failure }

func (d *differsError) Error() string { return d.f.Error() }

// errSkip is what Intend returns for a change not to be made: the
// command returns it, and Middleware makes it a success.
var errSkip = errors.New("change not made")

// Skipped reports whether err is the end of a command whose change was
// skipped (Ensure: already made; Plan: recorded).
func Skipped(err error) bool { return errors.Is(err, errSkip) }

// Intend decides whether the change it describes is to be made: nil,
// make it; an error for which Skipped is true, the command is to end
// there with success (return it); any other error, the command fails.
// Under Apply it returns nil at once.
func (e *Env) Intend(it Intent) error {
	if e == nil || e.State == nil {
		return nil
	}
	c := &e.State.conv
	c.mu.Lock()
	mode := c.mode
	planned := mode == Plan && c.planned(NSName(it.NS))
	c.mu.Unlock()
	if mode == Apply {
		return nil
	}
	have, differs := false, ""
	if mode == Plan && it.Planned != nil {
		c.mu.Lock()
		h, known := it.Planned(Overlay{c})
		c.mu.Unlock()
		if known {
			have, planned = h, true
		}
	}
	if it.Have != nil && !planned {
		h, d, err := it.Have()
		if err == nil {
			have, differs = h, d
		}
	}
	st := e.step(it.Action, it.NS, it.Object)
	replace := differs != "" && it.Replace != nil && e.owns(it.NS)
	switch {
	case replace:
		st.Action, st.Note = ActChange, "replaced: "+differs
		it.Replace()
	case differs != "":
		st.Action, st.Note = ActDiffers, differs
	case have:
		st.Action = ActAlready
	}
	c.mu.Lock()
	c.steps = append(c.steps, st)
	if mode == Plan && (replace || !have && differs == "") && it.Effect != nil {
		it.Effect(Overlay{c})
	}
	c.mu.Unlock()
	switch {
	case mode == Plan:
		return errSkip
	case replace:
		return nil
	case differs != "":
		return &differsError{&Failure{Text: fmt.Sprintf("%s exists but differs: %s", it.Object, differs), Status: 2}}
	case have:
		return errSkip
	}
	return nil
}

// owns reports whether namespace r is one the run's lab created (its
// journal says so).
func (e *Env) owns(r ns.Ref) bool {
	name := NSName(r)
	if name == "" {
		return false
	}
	c := &e.State.conv
	c.mu.Lock()
	owned := c.owned[name]
	c.mu.Unlock()
	j := e.State.journal
	return owned || j != nil && j.InLab(name)
}

// step is a Step of this command for an object in namespace r.
func (e *Env) step(action string, r ns.Ref, object string) Step {
	return Step{Action: action, NS: NSName(r), Object: object, File: e.Pos.Filename, Line: e.Pos.Line,
		Col: e.Pos.Col, Command: e.command}
}

// planned reports whether the plan has changed namespace name (created or
// deleted it): the kernel's view of it is not the plan's. Call with c.mu
// held.
func (c *converge) planned(name string) bool {
	_, ok := c.netns[name]
	return ok && name != ""
}

// PlannedNetns reports whether a plan creates namespace name (which the
// kernel does not have).
func (s *State) PlannedNetns(name string) bool {
	s.conv.mu.Lock()
	defer s.conv.mu.Unlock()
	return s.conv.netns[name]
}

// PlanKnowsLink reports whether a plan has created, moved or removed a
// link called name in namespace at, or created namespace at: what the
// kernel has under that name is not what the plan's run would have.
func (s *State) PlanKnowsLink(at, name string) bool {
	s.conv.mu.Lock()
	defer s.conv.mu.Unlock()
	if s.conv.mode != Plan {
		return false
	}
	_, known := Overlay{&s.conv}.Link(at, name)
	return known
}

// PlannedLink reports whether a plan creates link name in namespace at.
func (s *State) PlannedLink(at, name string) bool {
	s.conv.mu.Lock()
	defer s.conv.mu.Unlock()
	return s.conv.links[at][name]
}

// planCommand runs builtin f under Plan: the command checks its changes
// against the kernel and records them (Intend) without making any. Its
// output is dropped. A command that fails because it needs what the plan
// creates (a namespace, a link) is recorded as a change of the kind its
// verb says; another failure is recorded as one, and ends the plan as it
// would end the run.
func (e *Env) planCommand(ctx context.Context, f Func, args []string) error {
	e.Stdout = io.Discard
	if args[0] == "exists" && len(args) == 3 {
		return e.planExists(ctx, f, args)
	}
	action := verbAction(args)
	if action == ActRun {
		if target, rest, ok := netnsExec(args); ok && e.Run != nil && e.Host != nil {
			// "ip netns exec NS CMD": CMD is planned in NS (a program
			// is listed, not run).
			r, err := e.Host.Resolve(target)
			if err == nil {
				return e.Run(ctx, r, rest)
			}
		}
		e.record(Step{Action: ActRun, NS: e.targetNS(args), Object: e.command, Note: "not run by nsh plan"})
		return nil
	}
	err := f(ctx, e, args)
	if err == nil || Skipped(err) {
		return nil
	}
	var st interp.ExitStatus
	if errors.As(err, &st) && action == "" {
		return err // exists, test: the script's own logic
	}
	if why, at := e.needsPlanned(args); why != "" {
		if action != "" {
			e.record(Step{Action: action, NS: at, Object: e.command, Note: why})
		}
		return nil
	}
	if action == "" {
		return err
	}
	e.record(Step{Action: ActFail, NS: e.targetNS(args), Object: e.command, Note: err.Error()})
	return err
}

// Call runs builtin f for the command line args in env, as the run's
// Mode says: under Plan it checks and records the command's changes
// without making them, and under Ensure a change already made ends the
// command with success.
func Call(ctx context.Context, env *Env, f Func, args []string) error {
	env.command = strings.Join(args, " ")
	if env.State != nil && env.State.Mode() == Plan {
		return env.planCommand(ctx, f, args)
	}
	err := f(ctx, env, args)
	var d *differsError
	switch {
	case err == nil || Skipped(err):
		return nil
	case errors.As(err, &d):
		return d.f
	}
	return err
}

// planExists answers "exists netns|link NAME" under Plan: what the plan
// creates exists, what it deletes does not.
func (e *Env) planExists(ctx context.Context, f Func, args []string) error {
	c := &e.State.conv
	c.mu.Lock()
	var present, known bool
	switch args[1] {
	case "netns":
		present, known = c.netns[args[2]]
	case "link":
		if c.netns[NSName(e.NS)] {
			present, known = c.links[NSName(e.NS)][args[2]], true
		} else {
			present, known = c.links[NSName(e.NS)][args[2]]
		}
	}
	c.mu.Unlock()
	switch {
	case known && present:
		return nil
	case known:
		return interp.ExitStatus(1)
	case args[1] == "netns":
		ok, err := netnsPresent(e.Host, args[2])
		if err != nil {
			return err
		}
		if !ok {
			return interp.ExitStatus(1)
		}
		return nil
	}
	return f(ctx, e, args)
}

// PlanProgram records, under Plan, that the program args is not run, and
// reports whether it did (false: the run is not a plan; run it).
func PlanProgram(env *Env, args []string) bool {
	if env.State == nil || env.State.Mode() != Plan {
		return false
	}
	if args[0] == "sleep" {
		return true // nothing to list
	}
	env.command = strings.Join(args, " ")
	env.record(Step{Action: ActRun, NS: NSName(env.NS), Object: env.command, Note: "not run by nsh plan"})
	return true
}

// record appends st, with the command's position, to the run's steps.
func (e *Env) record(st Step) {
	st.File, st.Line, st.Col, st.Command = e.Pos.Filename, e.Pos.Line, e.Pos.Col, e.command
	c := &e.State.conv
	c.mu.Lock()
	c.steps = append(c.steps, st)
	c.mu.Unlock()
}

// needsPlanned says which object that the plan creates, and the kernel
// does not have yet, the command args (in the command's namespace) names,
// or "", and the namespace the command's change is in.
func (e *Env) needsPlanned(args []string) (why, at string) {
	c := &e.State.conv
	c.mu.Lock()
	defer c.mu.Unlock()
	here := e.targetNS(args)
	if c.netns[here] {
		return fmt.Sprintf("in namespace %s, which the plan creates", here), here
	}
	for i, a := range args {
		if c.netns[a] && i > 0 {
			return fmt.Sprintf("namespace %s, which the plan creates", a), a
		}
	}
	for i, a := range args {
		if i > 0 && c.links[here][a] {
			return fmt.Sprintf("link %s, which the plan creates", a), here
		}
	}
	return "", ""
}

// targetNS is the namespace command args acts in: its "-n NS" (ip,
// bridge), else the command's.
func (e *Env) targetNS(args []string) string {
	if len(args) > 0 && (args[0] == "ip" || args[0] == "bridge") {
		for i := 1; i+1 < len(args) && strings.HasPrefix(args[i], "-"); i++ {
			switch args[i] {
			case "-n", "-netns", "--netns":
				return args[i+1]
			}
		}
	}
	return NSName(e.NS)
}

// netnsExec splits "ip [OPTIONS] netns exec NS CMD..." into NS and CMD.
func netnsExec(args []string) (target string, rest []string, ok bool) {
	if len(args) < 5 || args[0] != "ip" {
		return "", nil, false
	}
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		i++
	}
	if i+3 < len(args) && args[i] == "netns" && args[i+1] == "exec" {
		return args[i+2], args[i+3:], true
	}
	return "", nil, false
}

// verbAction is what a command line does, by its verb: ActCreate,
// ActChange, ActDelete, ActRun (traffic, a program), or "" (it only
// reads).
func verbAction(args []string) string {
	if len(args) == 0 {
		return ""
	}
	switch args[0] {
	case "ping", "ping6":
		return ActRun
	case "sysctl":
		for _, a := range args[1:] {
			if a == "-w" || strings.Contains(a, "=") {
				return ActChange
			}
		}
		return ""
	case "brctl":
		if len(args) < 2 {
			return ""
		}
		switch v := args[1]; {
		case v == "addbr":
			return ActCreate
		case v == "delbr":
			return ActDelete
		case strings.HasPrefix(v, "show"):
			return ""
		default:
			return ActChange
		}
	case "ip", "bridge":
	default:
		return ""
	}
	// The object is the first word after the options; the verb follows.
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		switch args[i] {
		case "-n", "-netns", "--netns", "-b", "-batch", "-rc", "-rcvbuf", "-l", "-loops", "-f", "-family":
			i++
		}
		i++
	}
	if i+1 >= len(args) {
		return ""
	}
	obj, verb := args[i], args[i+1]
	if obj == "netns" && verb == "exec" || obj == "monitor" || verb == "monitor" {
		return ActRun
	}
	switch verb {
	case "add", "a", "create", "append", "prepend", "attach":
		return ActCreate
	case "del", "delete", "d", "flush", "detach":
		return ActDelete
	case "set", "change", "replace", "chg", "s", "up", "down":
		return ActChange
	}
	return ""
}

// netnsPresent reports whether /run/netns/name is a namespace that is
// mounted there (Ensure's check for "ip netns add").
func netnsPresent(host *ns.Host, name string) (bool, error) {
	r, err := host.Named(name)
	if err != nil {
		return false, err
	}
	if _, err := host.Key(r); err != nil {
		if errors.Is(err, unix.ENOENT) || os.IsNotExist(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// NetnsIntent is the Intent of "ip netns add NAME" (or delete, if del).
func NetnsIntent(host *ns.Host, name string, del bool) Intent {
	if del {
		return Intent{Action: ActDelete, Object: "netns " + name,
			Have: func() (bool, string, error) {
				ok, err := netnsPresent(host, name)
				return !ok, "", err
			},
			Planned: func(o Overlay) (bool, bool) {
				p, known := o.Netns(name)
				return !p, known
			},
			Effect: func(o Overlay) { o.AddNetns(name, false) }}
	}
	return Intent{Action: ActCreate, Object: "netns " + name,
		Have: func() (bool, string, error) {
			ok, err := netnsPresent(host, name)
			return ok, "", err
		},
		Planned: func(o Overlay) (bool, bool) { return o.Netns(name) },
		Effect:  func(o Overlay) { o.AddNetns(name, true) }}
}
