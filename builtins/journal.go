package builtins

import (
	"errors"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/ns"
)

// SetJournal makes the run record its kernel changes in j (nsh's labs:
// see package journal). Without it nothing is recorded.
func (s *State) SetJournal(j *journal.Journal) { s.journal = j }

// Journal returns the run's journal, or nil.
func (s *State) Journal() *journal.Journal { return s.journal }

// Change is a kernel change recorded in the run's journal: call Done
// with the change's error once it is made. A nil *Change (nothing
// recorded) does nothing.
type Change struct {
	j   *journal.Journal
	seq int
	// Index and Key, set before Done, are written with the done mark:
	// the ifindex of a created link, the dev:ino of a created namespace.
	Index int
	Key   string
	// after reads, once the change is made, the state a link change
	// left (written with the done mark, so that nsh down can tell
	// whether someone else changed the link since).
	after func() *journal.LinkState
}

// Done marks the change done, or failed if err is not nil.
func (c *Change) Done(err error) {
	if c == nil {
		return
	}
	if err != nil {
		c.j.Mark(c.seq, journal.MarkFailed, nil)
		return
	}
	var after *journal.LinkState
	if c.after != nil {
		after = c.after()
	}
	c.j.Mark(c.seq, journal.MarkDone, func(r *journal.Record) { r.Index, r.Key, r.Link = c.Index, c.Key, after })
}

// NSName is how a journal record names namespace r.
func NSName(r ns.Ref) string { return journal.NSName(r) }

// Change records intent r in the run's journal, durably, before the
// change is made. Changes inside a namespace the lab created, or to a
// link it created, are not recorded (nil Change): deleting the namespace
// or the link undoes them.
func (e *Env) Change(r journal.Record) (*Change, error) {
	j := e.State.journal
	if j == nil {
		return nil, nil
	}
	switch r.Op {
	case journal.OpNetns, journal.OpNetnsDel:
	case journal.OpLinkSet, journal.OpAddr:
		// A rename of the lab's link is recorded all the same: nsh down
		// looks for it by its name.
		if j.Created(r.NS, r.Name) && (r.NewName == "" || j.InLab(r.NS)) {
			return nil, nil
		}
	case journal.OpMove:
		if j.InLab(r.NS) && j.InLab(r.To) {
			return nil, nil
		}
	default:
		if j.InLab(r.NS) {
			return nil, nil
		}
	}
	seq, err := j.Begin(r)
	if err != nil || seq == 0 {
		return nil, err
	}
	return &Change{j: j, seq: seq}, nil
}

// Execute sends req on namespace r's raw socket (Conn) and returns the
// answers of type resType, recording the change first if req adds or
// deletes a route, rule, neighbour (fdb entry), address or mdb entry.
func (e *Env) Execute(r ns.Ref, req *nl.NetlinkRequest, resType uint16) ([][]byte, error) {
	c, err := e.Conn(r)
	if err != nil {
		return nil, err
	}
	mode := e.State.Mode()
	checked := false
	if mode != Apply {
		if it, ok := e.netlinkIntent(r, req); ok {
			if it.Action == ActCreate && (req.Type == unix.RTM_NEWROUTE || req.Type == unix.RTM_NEWNEIGH) {
				it.Replace = func() { req.Flags = req.Flags&^unix.NLM_F_EXCL | unix.NLM_F_REPLACE }
			}
			if err := e.Intend(it); err != nil {
				return nil, err
			}
			checked = true
		}
	}
	ch, err := e.netlinkChange(r, req)
	if err != nil {
		return nil, err
	}
	msgs, err := c.Execute(req, resType)
	ch.Done(err)
	if err != nil && mode == Ensure && !checked && alreadyAnswer(req, err) {
		e.record(Step{Action: ActAlready, NS: NSName(r), Object: e.command})
		return nil, errSkip
	}
	return msgs, err
}

// alreadyAnswer reports whether err, the kernel's answer to req, says
// the change was made before: "exists" to an exclusive create, "not
// found" to a delete.
func alreadyAnswer(req *nl.NetlinkRequest, err error) bool {
	switch req.Type {
	case unix.RTM_DELROUTE, unix.RTM_DELRULE, unix.RTM_DELNEIGH, unix.RTM_DELADDR, unix.RTM_DELMDB:
		return errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH) || errors.Is(err, unix.EADDRNOTAVAIL)
	}
	return req.Flags&unix.NLM_F_EXCL != 0 && errors.Is(err, unix.EEXIST)
}

// netlinkChange records req if it is a change Execute journals.
func (e *Env) netlinkChange(r ns.Ref, req *nl.NetlinkRequest) (*Change, error) {
	if e.State.journal == nil {
		return nil, nil
	}
	switch req.Type {
	case unix.RTM_NEWROUTE, unix.RTM_DELROUTE, unix.RTM_NEWRULE, unix.RTM_DELRULE,
		unix.RTM_NEWNEIGH, unix.RTM_DELNEIGH, unix.RTM_NEWADDR, unix.RTM_DELADDR,
		unix.RTM_NEWMDB, unix.RTM_DELMDB:
	default:
		return nil, nil
	}
	b := req.Serialize()
	if len(b) < unix.NLMSG_HDRLEN {
		return nil, nil
	}
	return e.Change(journal.Record{Op: journal.OpNetlink, NS: NSName(r), Type: req.Type, Flags: req.Flags,
		Data: append([]byte(nil), b[unix.NLMSG_HDRLEN:]...)})
}

// LinkAdded is called before link name, of type kind, is created in
// namespace at, with its veth peer (if peer is not "") in peerAt: it
// records the change in the run's journal, and under Ensure and Plan
// decides whether it is to be made (see Intend).
func (env *Env) LinkAdded(at ns.Ref, name, kind string, peerAt ns.Ref, peer string) (*Change, error) {
	if name == "" {
		return nil, nil // the kernel names it: not recorded
	}
	if err := env.Intend(env.LinkAddIntent(at, name, kind, peerAt, peer)); err != nil {
		return nil, err
	}
	r := journal.Record{Op: journal.OpLink, NS: NSName(at), Name: name}
	if peer != "" {
		r.Peer, r.PeerNS = peer, NSName(peerAt)
	}
	return env.Change(r)
}

// LinkChanged records in the run's journal what a command (ip link set,
// brctl addif) is about to change on link l in namespace at: its state before (to restore it),
// and its new name if newName is not "".
func (env *Env) LinkChanged(at ns.Ref, l netlink.Link, newName string) (*Change, error) {
	a := l.Attrs()
	r := journal.Record{Op: journal.OpLinkSet, NS: NSName(at), Name: a.Name}
	if newName != a.Name {
		r.NewName = newName
	}
	j := env.State.Journal()
	if j == nil {
		return nil, nil
	}
	if j.Created(r.NS, r.Name) {
		if r.NewName == "" {
			return nil, nil
		}
		return env.Change(r) // the new name, for nsh down to find it by
	}
	h, err := env.Handle(at)
	if err != nil {
		return nil, err
	}
	r.Link = journal.StateOf(h, l)
	ch, err := env.Change(r)
	if ch != nil {
		index := a.Index
		ch.after = func() *journal.LinkState {
			// The link may have moved to another namespace: then there
			// is nothing to compare here.
			if l, err := h.LinkByIndex(index); err == nil {
				return journal.StateOf(h, l)
			}
			return nil
		}
	}
	return ch, err
}
