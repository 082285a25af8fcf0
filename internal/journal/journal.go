// Package journal records the kernel changes a lab's run makes, so that
// "nsh down" can undo them, also after the run was killed, and "--atomic"
// can undo a failed run before nsh exits.
//
// A lab's journal is one file under Dir, appended to by each run of the
// lab. Each line is one record: an intent, written and made durable
// (fdatasync) before the change is sent to the kernel, or a mark (done,
// failed, undone) naming an earlier intent, written after the change
// without a sync of its own: an intent without its done mark is checked
// against the kernel when it is undone. Each line carries a CRC-32 of its
// text, so that a torn last line, from a crash mid-write, is recognised
// and ignored.
//
// Changes inside a namespace the lab created are not recorded: deleting
// the namespace undoes them all, which is what makes "nsh down" fast.
package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Dir is where labs' journals live.
const Dir = "/run/nsh"

// suffix ends a journal's file name.
const suffix = ".journal"

// Ops of records. An intent's Op says what it changes; a mark's Op is
// MarkDone, MarkFailed or MarkUndone and Of names the intent.
const (
	// OpLab is a journal's first record: Name is the lab, Time its start.
	OpLab = "lab"
	// OpRun starts a run: Time, Pid.
	OpRun = "run"
	// OpNetns is "ip netns add Name". Done: Key, the namespace's dev:ino.
	OpNetns = "netns"
	// OpNetnsDel is "ip netns del Name".
	OpNetnsDel = "netns-del"
	// OpLink creates link Name in NS (with its veth Peer in PeerNS).
	// Done: Index.
	OpLink = "link"
	// OpLinkDel deletes link Name in NS.
	OpLinkDel = "link-del"
	// OpMove moves link Name from NS to namespace To.
	OpMove = "move"
	// OpLinkSet changes link Name in NS (not one the lab created); Old
	// holds what is needed to restore it and NewName its new name, if
	// renamed.
	OpLinkSet = "link-set"
	// OpAddr adds (Verb add), replaces or deletes address Prefix on
	// link Name in NS.
	OpAddr = "addr"
	// OpNetlink is a raw NETLINK_ROUTE change sent in NS: message Type,
	// Flags and Data (the payload after the header).
	OpNetlink = "nl"
	// OpSysctl writes New to Path (under /proc/sys) in NS; Old is what
	// it held.
	OpSysctl = "sysctl"

	// MarkDone marks intent Of as done.
	MarkDone = "done"
	// MarkFailed marks intent Of as refused: nothing was changed.
	MarkFailed = "failed"
	// MarkUndone marks intent Of as undone (by --atomic).
	MarkUndone = "undone"
)

// LinkState is what OpLinkSet restores.
type LinkState struct {
	Up     bool   `json:"up"`
	MTU    int    `json:"mtu"`
	Master string `json:"master,omitempty"`
	Alias  string `json:"alias,omitempty"`
	TxQLen int    `json:"txqlen"`
	HW     string `json:"hw,omitempty"`
}

// Record is one line of a journal.
type Record struct {
	Seq  int    `json:"seq"`
	Op   string `json:"op"`
	Of   int    `json:"of,omitempty"`
	Lab  string `json:"lab,omitempty"`
	Time int64  `json:"time,omitempty"`
	Pid  int    `json:"pid,omitempty"`

	// NS is the namespace the change is made in: a name under
	// /run/netns, "" for the namespace the run started in, or a path
	// ("/proc/PID/ns/net").
	NS      string     `json:"ns,omitempty"`
	Name    string     `json:"name,omitempty"`
	Peer    string     `json:"peer,omitempty"`
	PeerNS  string     `json:"peerns,omitempty"`
	To      string     `json:"to,omitempty"`
	NewName string     `json:"newname,omitempty"`
	Index   int        `json:"index,omitempty"`
	Key     string     `json:"key,omitempty"`
	Verb    string     `json:"verb,omitempty"`
	Prefix  string     `json:"prefix,omitempty"`
	Type    uint16     `json:"type,omitempty"`
	Flags   uint16     `json:"flags,omitempty"`
	Data    []byte     `json:"data,omitempty"`
	Path    string     `json:"path,omitempty"`
	Old     string     `json:"old,omitempty"`
	New     string     `json:"new,omitempty"`
	Link    *LinkState `json:"link,omitempty"`
}

// FileName returns the journal file of lab under dir.
func FileName(dir, lab string) string {
	return filepath.Join(dir, url.QueryEscape(lab)+suffix)
}

// encode returns r as a journal line: CRC-32 (IEEE) of the JSON text in
// hex, a space, the JSON text, a newline.
func encode(r *Record) ([]byte, error) {
	js, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("journal record: %w", err)
	}
	line := make([]byte, 0, len(js)+10)
	line = fmt.Appendf(line, "%08x ", crc32.ChecksumIEEE(js))
	line = append(line, js...)
	return append(line, '\n'), nil
}

// decode parses one line (without its newline); ok is false for a line
// that is not a whole record.
func decode(line []byte) (r Record, ok bool) {
	sum, js, found := bytes.Cut(line, []byte(" "))
	if !found || len(sum) != 8 {
		return r, false
	}
	want, err := strconv.ParseUint(string(sum), 16, 32)
	if err != nil || uint32(want) != crc32.ChecksumIEEE(js) {
		return r, false
	}
	if json.Unmarshal(js, &r) != nil {
		return r, false
	}
	return r, true
}

// Parse reads a journal's records. A last line that is torn (no newline,
// or a bad checksum) is ignored and reported by torn; a bad line before
// the last is an error.
func Parse(data []byte) (recs []Record, torn bool, err error) {
	recs, _, torn, err = parse(data)
	return recs, torn, err
}

// parse is Parse, also returning the length of the whole records.
func parse(data []byte) (recs []Record, good int, torn bool, err error) {
	for len(data) > 0 {
		line, rest, found := bytes.Cut(data, []byte("\n"))
		r, ok := decode(line)
		switch {
		case !found || !ok && len(bytes.TrimSpace(rest)) == 0:
			return recs, good, true, nil
		case !ok:
			return recs, good, false, fmt.Errorf("journal: bad record after seq %d", len(recs))
		}
		recs = append(recs, r)
		good += len(line) + 1
		data = rest
	}
	return recs, good, false, nil
}

// Read reads the journal file at path (see Parse).
func Read(path string) ([]Record, bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, err
	}
	return Parse(data)
}

// Journal is a lab's journal, opened for appending on the first change
// (Begin). It is safe for concurrent use.
type Journal struct {
	dir, lab string

	mu       sync.Mutex
	f        *os.File
	err      error // of a failed open, returned by every Begin
	off      bool  // no journal: nsh may not write one (not root)
	seq      int   // the last record's Seq
	runStart int   // the Seq of this run's OpRun record
	labNS    map[string]bool
	created  map[string]bool // ns+"\x00"+name of links the lab created
	buf      []byte
	noSync   bool
}

// LabNamespaces returns the namespaces lab's journal under dir records
// as created by the lab (and not deleted since), reading it without
// opening it for a run (nsh plan). A lab without a journal has none.
func LabNamespaces(dir, lab string) (map[string]bool, error) {
	recs, _, err := Read(FileName(dir, lab))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, err
	}
	return newState(recs).labNS, nil
}

// New returns the journal of lab under dir; nothing is opened before the
// first Begin.
func New(dir, lab string) *Journal {
	return &Journal{dir: dir, lab: lab}
}

// Lab returns the lab's name.
func (j *Journal) Lab() string { return j.lab }

// Path returns the journal's file name.
func (j *Journal) Path() string { return FileName(j.dir, j.lab) }

// NoSync makes appends skip fdatasync (for measuring what it costs).
func (j *Journal) NoSync() { j.noSync = true }

// open opens (or creates) the journal file, locks it for this run and
// reads what earlier runs recorded. j.mu is held.
func (j *Journal) open() error {
	if err := os.MkdirAll(j.dir, 0o700); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	path := j.Path()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return fmt.Errorf("journal %s: lab %q is being run or taken down by another nsh: %w", path, j.lab, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		f.Close()
		return fmt.Errorf("journal: %w", err)
	}
	recs, good, torn, err := parse(data)
	if err != nil {
		f.Close()
		return fmt.Errorf("journal %s: %w", path, err)
	}
	if torn {
		// Cut the torn line off, so that the next record starts a line.
		if err := f.Truncate(int64(good)); err != nil {
			f.Close()
			return fmt.Errorf("journal: %w", err)
		}
	}
	j.f = f
	j.labNS, j.created = map[string]bool{}, map[string]bool{}
	st := newState(recs)
	for name := range st.labNS {
		j.labNS[name] = true
	}
	for k := range st.createdNow() {
		j.created[k] = true
	}
	if len(recs) > 0 {
		j.seq = recs[len(recs)-1].Seq
	}
	now := time.Now().Unix()
	if len(recs) == 0 {
		if err := j.append(&Record{Op: OpLab, Lab: j.lab, Time: now}, false); err != nil {
			return err
		}
	}
	if err := j.append(&Record{Op: OpRun, Time: now, Pid: os.Getpid()}, true); err != nil {
		return err
	}
	j.runStart = j.seq
	return nil
}

// append gives r the next Seq and writes it, synced if sync. j.mu is
// held and the file open.
func (j *Journal) append(r *Record, sync bool) error {
	j.seq++
	r.Seq = j.seq
	line, err := encode(r)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(line); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if sync && !j.noSync {
		if err := unix.Fdatasync(int(j.f.Fd())); err != nil {
			return fmt.Errorf("journal: fdatasync: %w", err)
		}
	}
	return nil
}

// ready opens the journal if needed. j.mu is held. A process that may
// not write the journal may not change the kernel either (its changes
// fail, with their own reasons): it records nothing.
func (j *Journal) ready() error {
	if j.f == nil && j.err == nil && !j.off {
		j.err = j.open()
		if errors.Is(j.err, os.ErrPermission) && unix.Geteuid() != 0 {
			j.err, j.off = nil, true
		}
	}
	return j.err
}

// Begin records the intent r, durably, before the change is made, and
// returns its Seq for Mark (0: nothing recorded, see ready).
func (j *Journal) Begin(r Record) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.ready(); err != nil || j.off {
		return 0, err
	}
	if err := j.append(&r, true); err != nil {
		return 0, err
	}
	j.note(&r)
	return r.Seq, nil
}

// note updates what the journal knows of the lab's namespaces and links
// with intent r. j.mu is held.
func (j *Journal) note(r *Record) {
	switch r.Op {
	case OpNetns:
		j.labNS[r.Name] = true
	case OpNetnsDel:
		delete(j.labNS, r.Name)
	case OpLink:
		j.created[linkKey(r.NS, r.Name)] = true
		if r.Peer != "" {
			j.created[linkKey(r.PeerNS, r.Peer)] = true
		}
	case OpLinkDel:
		delete(j.created, linkKey(r.NS, r.Name))
	case OpMove, OpLinkSet:
		to, name := r.NS, r.Name
		if r.Op == OpMove {
			to = r.To
		}
		if r.NewName != "" {
			name = r.NewName
		}
		if k := linkKey(r.NS, r.Name); j.created[k] {
			delete(j.created, k)
			j.created[linkKey(to, name)] = true
		}
	}
}

// linkKey is the key of link name in namespace ns.
func linkKey(ns, name string) string { return ns + "\x00" + name }

// Mark writes mark (MarkDone or MarkFailed) for intent seq, with the
// facts of fill (Index, Key) if not nil. It is not synced: an intent
// without its mark is checked against the kernel when undone.
func (j *Journal) Mark(seq int, mark string, fill func(*Record)) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	r := Record{Op: mark, Of: seq}
	if fill != nil {
		fill(&r)
	}
	return j.append(&r, false)
}

// InLab reports whether namespace ns (a record's NS) is one the lab
// created and has not deleted: changes inside it need no record.
func (j *Journal) InLab(ns string) bool {
	if ns == "" {
		return false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.ready(); err != nil || j.off {
		return false
	}
	return j.labNS[ns]
}

// Created reports whether link name in namespace ns was created by the
// lab (its changes need no record: deleting it undoes them).
func (j *Journal) Created(ns, name string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.ready(); err != nil || j.off {
		return false
	}
	return j.created[linkKey(ns, name)] || j.labNS[ns]
}

// Opened reports whether the run has recorded anything.
func (j *Journal) Opened() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f != nil
}

// RunStart returns the Seq of this run's first record (0 if it recorded
// nothing).
func (j *Journal) RunStart() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.runStart
}

// Close closes the file, which ends the run's lock on it.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	j.err = errors.New("journal closed")
	return err
}

// appendMarks writes marks of kind mark for seqs, synced once.
func (j *Journal) appendMarks(mark string, seqs []int) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	for _, s := range seqs {
		if err := j.append(&Record{Op: mark, Of: s}, false); err != nil {
			return err
		}
	}
	if j.noSync {
		return nil
	}
	return unix.Fdatasync(int(j.f.Fd()))
}

// Info describes a lab with a journal (nsh labs).
type Info struct {
	Lab     string
	Path    string
	Started time.Time
	Size    int64
	Changes int // intents recorded
}

// List returns the labs with a journal under dir, oldest first.
func List(dir string) ([]Info, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), suffix) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		fi, err := e.Info()
		if err != nil {
			continue
		}
		recs, _, err := Read(path)
		if err != nil {
			return nil, fmt.Errorf("journal %s: %w", path, err)
		}
		in := Info{Path: path, Size: fi.Size(), Started: fi.ModTime()}
		in.Lab, _ = url.QueryUnescape(strings.TrimSuffix(e.Name(), suffix))
		for _, r := range recs {
			switch r.Op {
			case OpLab:
				in.Lab, in.Started = r.Lab, time.Unix(r.Time, 0)
			case OpRun, MarkDone, MarkFailed, MarkUndone:
			default:
				in.Changes++
			}
		}
		out = append(out, in)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Started.Before(out[b].Started) })
	return out, nil
}
