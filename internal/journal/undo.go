package journal

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/ns"
)

// Undoer undoes a journal's records against the kernel.
type Undoer struct {
	// Host reaches the namespaces; records' "" namespace is its start.
	Host *ns.Host
	// Report is told of each object that is no longer there, or was
	// changed by someone else since, and is therefore left alone.
	Report func(msg string)

	pairs map[string]*rtnl.Pair
	// deleted are the namespaces this undo deleted (a name the lab
	// deleted and made again has two creations to undo, and one
	// namespace).
	deleted map[string]bool
}

// ref returns the namespace a record's NS names.
func (u *Undoer) ref(name string) (ns.Ref, error) {
	switch {
	case name == "":
		return ns.Start(), nil
	case strings.HasPrefix(name, "/"):
		return ns.Ref{Path: name}, nil
	}
	return u.Host.Named(name)
}

// NSName returns how a record names namespace r.
func NSName(r ns.Ref) string {
	if r.Name != "" {
		return r.Name
	}
	return r.Path
}

// pair returns the netlink sockets of namespace name, opened on first use.
func (u *Undoer) pair(name string) (*rtnl.Pair, error) {
	if p, ok := u.pairs[name]; ok {
		return p, nil
	}
	r, err := u.ref(name)
	if err != nil {
		return nil, err
	}
	if !u.Host.Exists(r) {
		return nil, errGone
	}
	p, err := rtnl.OpenPair(u.Host, r)
	if err != nil {
		return nil, err
	}
	if u.pairs == nil {
		u.pairs = map[string]*rtnl.Pair{}
	}
	u.pairs[name] = p
	return p, nil
}

// forget closes the sockets of namespace name (before deleting it: an
// open socket would keep it alive).
func (u *Undoer) forget(name string) {
	if p, ok := u.pairs[name]; ok {
		p.Close()
		delete(u.pairs, name)
	}
}

// Close closes the sockets the Undoer opened.
func (u *Undoer) Close() {
	for n := range u.pairs {
		u.forget(n)
	}
}

// errGone is an object (or its namespace) that is no longer there.
var errGone = errors.New("no longer exists")

// where describes namespace name for reports.
func where(name string) string {
	if name == "" {
		return "start netns"
	}
	return "netns " + name
}

// Undo undoes, newest first, the intents of recs with Seq >= from (all of
// them with from 0), and returns the Seqs it undid or found nothing to
// undo for. Objects gone or changed by someone else are reported and
// count as undone; the first other failure stops Undo.
func (u *Undoer) Undo(recs []Record, from int) ([]int, error) {
	s := newState(recs)
	// Namespaces the lab created that still exist are deleted, and with
	// them everything in them; only what the lab made outside them is
	// undone object by object.
	//
	// Three passes, each newest first: first every change but the
	// creation of namespaces and links (moving back a link that was
	// not the lab's, out of a namespace about to go); then the
	// namespaces (the kernel tears them down together, and with them
	// the veths whose peers were inside); then the links the lab made
	// elsewhere. Deleting veths one by one would take a network
	// synchronisation each.
	var done []int
	for pass := range 3 {
		for i := len(s.intents) - 1; i >= 0; i-- {
			r := s.intents[i]
			if r.Seq < from {
				break
			}
			switch {
			case pass == 0 && (r.Op == OpNetns || r.Op == OpLink),
				pass == 1 && r.Op != OpNetns,
				pass == 2 && r.Op != OpLink:
				continue
			}
			_, isDone := s.marks[r.Seq]
			if err := u.undoOne(s, r, isDone); err != nil {
				return done, fmt.Errorf("undoing %s: %w", describe(r), err)
			}
			done = append(done, r.Seq)
		}
	}
	return done, nil
}

// report reports r's object as gone or changed, if its change was done
// (an intent without a done mark may never have reached the kernel).
func (u *Undoer) report(r Record, isDone bool, what string) {
	if isDone && u.Report != nil {
		u.Report(describe(r) + ": " + what + ", left alone")
	}
}

// describe names r's object for messages.
func describe(r Record) string {
	switch r.Op {
	case OpNetns, OpNetnsDel:
		return "netns " + r.Name
	case OpLink, OpLinkDel, OpLinkSet:
		return fmt.Sprintf("link %s (%s)", r.Name, where(r.NS))
	case OpMove:
		return fmt.Sprintf("link %s (moved from %s to %s)", r.Name, where(r.NS), where(r.To))
	case OpAddr:
		return fmt.Sprintf("address %s on %s (%s)", r.Prefix, r.Name, where(r.NS))
	case OpNetlink:
		return fmt.Sprintf("%s (%s)", msgName(r.Type), where(r.NS))
	case OpSysctl:
		return fmt.Sprintf("sysctl %s (%s)", strings.ReplaceAll(strings.TrimPrefix(r.Path, "/proc/sys/"), "/", "."), where(r.NS))
	}
	return r.Op
}

// msgName names a netlink change.
func msgName(t uint16) string {
	switch t {
	case unix.RTM_NEWROUTE, unix.RTM_DELROUTE:
		return "route"
	case unix.RTM_NEWRULE, unix.RTM_DELRULE:
		return "rule"
	case unix.RTM_NEWNEIGH, unix.RTM_DELNEIGH:
		return "neighbour"
	case unix.RTM_NEWADDR, unix.RTM_DELADDR:
		return "address"
	}
	return fmt.Sprintf("netlink message %d", t)
}

// undoOne undoes intent r.
func (u *Undoer) undoOne(s *state, r Record, isDone bool) error {
	switch {
	case r.Op == OpNetns:
	case r.Op == OpMove:
		if s.labNS[r.NS] && s.labNS[r.To] {
			return nil
		}
	case s.labNS[r.NS]:
		return nil // inside a namespace that is deleted below
	}
	switch r.Op {
	case OpNetns:
		return u.undoNetns(s, r, isDone)
	case OpNetnsDel:
		if !s.wasLabNS(r.Name, r.Seq) {
			u.report(r, isDone, "deleted by the run, cannot be restored")
		}
	case OpLink:
		return u.undoLink(s, r, isDone)
	case OpLinkDel:
		if !s.wasCreated(r) {
			u.report(r, isDone, "deleted by the run, cannot be restored")
		}
	case OpMove:
		if s.wasCreated(r) {
			return nil
		}
		return u.undoMove(r, isDone)
	case OpLinkSet:
		return u.undoLinkSet(s, r, isDone)
	case OpAddr:
		return u.undoAddr(r, isDone)
	case OpNetlink:
		return u.undoNetlink(r, isDone)
	case OpSysctl:
		return u.undoSysctl(r, isDone)
	}
	return nil
}

// wasLabNS reports whether namespace name was created by the lab before
// intent seq.
func (s *state) wasLabNS(name string, seq int) bool {
	for _, r := range s.intents {
		if r.Seq >= seq {
			break
		}
		if r.Op == OpNetns && r.Name == name {
			return true
		}
	}
	return false
}

// wasCreated reports whether the link of intent r (a move or delete) is
// one the lab created before it.
func (s *state) wasCreated(r Record) bool {
	// Replay up to r to see whether the link was the lab's then.
	t := &state{marks: s.marks, labNS: map[string]bool{}, links: map[int]*place{}}
	for _, q := range s.intents {
		if q.Seq >= r.Seq {
			break
		}
		t.apply(q)
	}
	return t.find(r.NS, r.Name) != nil
}

func (u *Undoer) undoNetns(s *state, r Record, isDone bool) error {
	if !s.labNS[r.Name] || u.deleted[r.Name] {
		return nil // the run deleted it itself, or this undo did
	}
	if u.deleted == nil {
		u.deleted = map[string]bool{}
	}
	u.deleted[r.Name] = true
	ref, err := u.Host.Named(r.Name)
	if err != nil {
		return err
	}
	u.forget(r.Name)
	if _, err := os.Lstat(ref.Path); errors.Is(err, os.ErrNotExist) {
		u.report(r, isDone, "no longer exists")
		return nil
	}
	if m := s.marks[r.Seq]; isDone && m.Key != "" {
		if k, err := u.Host.StatKey(ref); err == nil && k.String() != m.Key {
			u.report(r, isDone, "is another namespace now")
			return nil
		}
	}
	return u.Host.Delete(r.Name)
}

func (u *Undoer) undoLink(s *state, r Record, isDone bool) error {
	a := s.links[r.Seq]
	if a == nil || a.gone {
		return nil
	}
	// Where the link (or its veth peer, which takes it along) may be,
	// outside the namespaces already deleted.
	var where []place
	inLab := false
	for _, p := range []*place{a, a.peer} {
		if p == nil {
			continue
		}
		for _, q := range append([]place{*p}, p.maybe...) {
			if s.labNS[q.ns] {
				inLab = true
			} else {
				where = append(where, q)
			}
		}
	}
	if inLab && isDone && !s.unsure(a) {
		return nil // gone with its namespace (or its peer's)
	}
	for _, q := range where {
		p, err := u.pair(q.ns)
		if errors.Is(err, errGone) {
			continue
		}
		if err != nil {
			return err
		}
		l, err := p.Handle.LinkByName(q.name)
		if errors.As(err, new(netlink.LinkNotFoundError)) {
			continue
		}
		if err != nil {
			return err
		}
		if m := s.marks[r.Seq]; isDone && q.ns == r.NS && q.name == r.Name && m.Index != 0 && l.Attrs().Index != m.Index {
			u.report(r, isDone, "is another link now")
			return nil
		}
		if err := p.Handle.LinkDel(l); err != nil && !errors.Is(err, unix.ENODEV) {
			return err
		}
		return nil
	}
	if !inLab {
		u.report(r, isDone, "no longer exists")
	}
	return nil
}

// unsure reports whether a link's place is not known for sure.
func (s *state) unsure(a *place) bool {
	return len(a.maybe) > 0 || a.peer != nil && len(a.peer.maybe) > 0
}

// findLink returns the first of names found in namespace nsName, and
// that namespace's sockets; a nil link (and error) when it or its
// namespace is gone, which is reported.
func (u *Undoer) findLink(r Record, isDone bool, nsName string, names ...string) (*rtnl.Pair, netlink.Link, error) {
	p, err := u.pair(nsName)
	if errors.Is(err, errGone) {
		u.report(r, isDone, "its namespace no longer exists")
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	for _, name := range names {
		l, err := p.Handle.LinkByName(name)
		if errors.As(err, new(netlink.LinkNotFoundError)) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		return p, l, nil
	}
	u.report(r, isDone, "no longer exists")
	return nil, nil, nil
}

// newName is the name the run gave a link (r.NewName), or its name.
func newName(r Record) string {
	if r.NewName != "" {
		return r.NewName
	}
	return r.Name
}

func (u *Undoer) undoMove(r Record, isDone bool) error {
	p, l, err := u.findLink(r, isDone, r.To, newName(r))
	if l == nil {
		return err
	}
	back, err := u.ref(r.NS)
	if err != nil {
		return err
	}
	f, err := u.Host.Open(back)
	if err != nil {
		return err
	}
	defer f.Close()
	return p.Handle.LinkSetNsFd(l, int(f.Fd()))
}

// StateOf returns what a link change records of link l, read through h
// (its master's name).
func StateOf(h *netlink.Handle, l netlink.Link) *LinkState {
	a := l.Attrs()
	st := &LinkState{Up: a.Flags&net.FlagUp != 0, MTU: a.MTU, Alias: a.Alias, TxQLen: a.TxQLen}
	if a.HardwareAddr != nil {
		st.HW = a.HardwareAddr.String()
	}
	if a.MasterIndex != 0 {
		if m, err := h.LinkByIndex(a.MasterIndex); err == nil {
			st.Master = m.Attrs().Name
		}
	}
	return st
}

func (u *Undoer) undoLinkSet(s *state, r Record, isDone bool) error {
	if r.Link == nil {
		return nil
	}
	p, l, err := u.findLink(r, isDone, r.NS, newName(r), r.Name)
	if l == nil {
		return err
	}
	h, old, a := p.Handle, r.Link, l.Attrs()
	name := a.Name
	if m := s.marks[r.Seq]; isDone && m.Link != nil && (name != newName(r) || *StateOf(h, l) != *m.Link) {
		u.report(r, isDone, "changed by someone else since")
		return nil
	}
	if name != r.Name {
		if err := h.LinkSetDown(l); err != nil {
			return err
		}
		if err := h.LinkSetName(l, r.Name); err != nil {
			return err
		}
	}
	if old.MTU != 0 && a.MTU != old.MTU {
		if err := h.LinkSetMTU(l, old.MTU); err != nil {
			return err
		}
	}
	if a.TxQLen != old.TxQLen && old.TxQLen >= 0 {
		if err := h.LinkSetTxQLen(l, old.TxQLen); err != nil {
			return err
		}
	}
	if a.Alias != old.Alias {
		if err := h.LinkSetAlias(l, old.Alias); err != nil {
			return err
		}
	}
	if old.HW != "" && a.HardwareAddr.String() != old.HW {
		if hw, err := net.ParseMAC(old.HW); err == nil {
			if err := h.LinkSetHardwareAddr(l, hw); err != nil {
				return err
			}
		}
	}
	master := ""
	if a.MasterIndex != 0 {
		if m, err := h.LinkByIndex(a.MasterIndex); err == nil {
			master = m.Attrs().Name
		}
	}
	if master != old.Master {
		if old.Master == "" {
			err = h.LinkSetNoMaster(l)
		} else if m, merr := h.LinkByName(old.Master); merr == nil {
			err = h.LinkSetMasterByIndex(l, m.Attrs().Index)
		} else {
			u.report(r, isDone, "its master "+old.Master+" no longer exists")
		}
		if err != nil {
			return err
		}
	}
	up := a.Flags&net.FlagUp != 0
	switch {
	case old.Up && (!up || name != r.Name):
		return h.LinkSetUp(l)
	case !old.Up && up:
		return h.LinkSetDown(l)
	}
	return nil
}

func (u *Undoer) undoAddr(r Record, isDone bool) error {
	p, l, err := u.findLink(r, isDone, r.NS, r.Name)
	if l == nil {
		return err
	}
	a, err := netlink.ParseAddr(r.Prefix)
	if err != nil {
		return err
	}
	if r.Verb == "delete" {
		err = p.Handle.AddrAdd(l, a)
		if errors.Is(err, unix.EEXIST) {
			return nil
		}
		return err
	}
	err = p.Handle.AddrDel(l, a)
	if errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ENOENT) {
		u.report(r, isDone, "no longer exists")
		return nil
	}
	return err
}

func (u *Undoer) undoNetlink(r Record, isDone bool) error {
	p, err := u.pair(r.NS)
	if errors.Is(err, errGone) {
		u.report(r, isDone, "its namespace no longer exists")
		return nil
	}
	if err != nil {
		return err
	}
	// The kernel numbers each object's messages NEW, DEL, GET, SET from
	// RTM_BASE in steps of four.
	typ, flags := r.Type, 0
	adding := (r.Type-unix.RTM_BASE)%4 == 0
	if adding {
		typ = r.Type + 1
	} else {
		typ = r.Type - 1
		flags = unix.NLM_F_CREATE | unix.NLM_F_EXCL
	}
	req := nl.NewNetlinkRequest(int(typ), unix.NLM_F_ACK|flags)
	req.AddRawData(r.Data)
	_, err = p.Conn.Execute(req, 0)
	switch {
	case err == nil:
		return nil
	case adding && (errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ESRCH) || errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ENODEV)):
		u.report(r, isDone, "no longer exists")
		return nil
	case !adding && errors.Is(err, unix.EEXIST):
		return nil
	case !adding:
		u.report(r, isDone, fmt.Sprintf("deleted by the run, cannot be restored: %v", err))
		return nil
	}
	return err
}

func (u *Undoer) undoSysctl(r Record, isDone bool) error {
	ref, err := u.ref(r.NS)
	if err != nil {
		return err
	}
	if !u.Host.Exists(ref) {
		u.report(r, isDone, "its namespace no longer exists")
		return nil
	}
	return u.Host.Do(ref, func() error {
		cur, err := os.ReadFile(r.Path)
		if err != nil {
			u.report(r, isDone, err.Error())
			return nil
		}
		now := strings.TrimSpace(string(cur))
		switch now {
		case strings.TrimSpace(r.Old):
			return nil
		case strings.TrimSpace(r.New):
			return os.WriteFile(r.Path, []byte(r.Old+"\n"), 0)
		}
		u.report(r, isDone, fmt.Sprintf("changed by someone else since (now %q)", now))
		return nil
	})
}
