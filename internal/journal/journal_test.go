package journal

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// write returns the journal text of recs.
func write(t *testing.T, recs ...Record) []byte {
	t.Helper()
	var b bytes.Buffer
	for i := range recs {
		line, err := encode(&recs[i])
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
	}
	return b.Bytes()
}

func TestParseRoundTrip(t *testing.T) {
	recs := []Record{
		{Seq: 1, Op: OpLab, Lab: "/a/lab.nsh", Time: 5},
		{Seq: 2, Op: OpNetlink, NS: "x", Type: 24, Flags: 0x605, Data: []byte{0, 1, 2, 255}},
		{Seq: 3, Op: MarkDone, Of: 2},
		{Seq: 4, Op: OpLinkSet, Name: "eth0", Link: &LinkState{Up: true, MTU: 1400, Master: "br0", TxQLen: 1000}},
	}
	got, torn, err := Parse(write(t, recs...))
	if err != nil || torn {
		t.Fatalf("Parse: torn %v, err %v", torn, err)
	}
	if !reflect.DeepEqual(got, recs) {
		t.Fatalf("Parse = %+v, want %+v", got, recs)
	}
}

// TestParseTorn: a last record cut anywhere, or with a flipped byte, is
// ignored; the records before it are read.
func TestParseTorn(t *testing.T) {
	head := write(t, Record{Seq: 1, Op: OpLab, Lab: "l"}, Record{Seq: 2, Op: OpNetns, Name: "a"})
	last := write(t, Record{Seq: 3, Op: OpNetns, Name: "b"})
	for cut := 1; cut < len(last); cut++ {
		recs, torn, err := Parse(append(append([]byte(nil), head...), last[:cut]...))
		if err != nil || !torn || len(recs) != 2 {
			t.Fatalf("cut at %d: %d records, torn %v, err %v", cut, len(recs), torn, err)
		}
	}
	for i := 0; i < len(last)-1; i++ {
		bad := append([]byte(nil), last...)
		bad[i] ^= 0x01
		recs, torn, err := Parse(append(append([]byte(nil), head...), bad...))
		if err != nil || !torn || len(recs) != 2 {
			t.Fatalf("byte %d flipped: %d records, torn %v, err %v", i, len(recs), torn, err)
		}
	}
	// A bad record before the last is not a torn write: an error.
	bad := append([]byte(nil), head...)
	bad[3] ^= 0x01
	if _, _, err := Parse(append(bad, last...)); err == nil {
		t.Fatal("a corrupt record before the last was accepted")
	}
}

// TestOpenCutsTornRecord: a run appending to a journal whose last record
// was torn starts a fresh line, and its records are read back.
func TestOpenCutsTornRecord(t *testing.T) {
	dir := t.TempDir()
	path := FileName(dir, "/x/lab.nsh")
	if filepath.Dir(path) != dir {
		t.Fatalf("FileName(%q) = %q: not in the directory", "/x/lab.nsh", path)
	}
	head := write(t, Record{Seq: 1, Op: OpLab, Lab: "/x/lab.nsh"}, Record{Seq: 2, Op: OpRun}, Record{Seq: 3, Op: OpNetns, Name: "a"})
	torn := write(t, Record{Seq: 4, Op: MarkDone, Of: 3})
	if err := os.WriteFile(path, append(head, torn[:7]...), 0o600); err != nil {
		t.Fatal(err)
	}
	j := New(dir, "/x/lab.nsh")
	seq, err := j.Begin(Record{Op: OpNetns, Name: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Mark(seq, MarkDone, nil); err != nil {
		t.Fatal(err)
	}
	if !j.InLab("a") || !j.InLab("b") || j.InLab("c") {
		t.Fatalf("InLab: a %v, b %v, c %v; want true, true, false", j.InLab("a"), j.InLab("b"), j.InLab("c"))
	}
	j.Close()
	recs, wasTorn, err := Read(path)
	if err != nil || wasTorn {
		t.Fatalf("Read: torn %v, err %v", wasTorn, err)
	}
	var ops []string
	for _, r := range recs {
		ops = append(ops, r.Op)
	}
	want := []string{OpLab, OpRun, OpNetns, OpRun, OpNetns, MarkDone}
	if !reflect.DeepEqual(ops, want) {
		t.Fatalf("records %v, want %v", ops, want)
	}
	labs, err := List(dir)
	if err != nil || len(labs) != 1 || labs[0].Lab != "/x/lab.nsh" || labs[0].Changes != 2 {
		t.Fatalf("List = %+v, %v; want one lab /x/lab.nsh with 2 changes", labs, err)
	}
}

// TestLockedWhileRunning: a second run of a lab (or its down) while one
// runs is refused.
func TestLockedWhileRunning(t *testing.T) {
	dir := t.TempDir()
	a := New(dir, "lab")
	if _, err := a.Begin(Record{Op: OpNetns, Name: "a"}); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b := New(dir, "lab")
	if _, err := b.Begin(Record{Op: OpNetns, Name: "b"}); err == nil {
		t.Fatal("a second run of a running lab was allowed to record")
	}
}

// TestStateFollowsLinks: where the lab's links are after moves, renames
// and deletions, and which moves are not known to have happened.
func TestStateFollowsLinks(t *testing.T) {
	recs := []Record{
		{Seq: 1, Op: OpNetns, Name: "n1"},
		{Seq: 2, Op: MarkDone, Of: 1},
		{Seq: 3, Op: OpLink, Name: "v1", Peer: "v1p"},
		{Seq: 4, Op: MarkDone, Of: 3},
		{Seq: 5, Op: OpMove, Name: "v1p", To: "n1"},
		{Seq: 6, Op: MarkDone, Of: 5},
		{Seq: 7, Op: OpLink, Name: "br0"},
		{Seq: 8, Op: OpMove, Name: "br0", To: "n1"}, // not marked: unsure
		{Seq: 9, Op: OpLink, Name: "x"},
		{Seq: 10, Op: MarkFailed, Of: 9},
		{Seq: 11, Op: OpLink, Name: "d"},
		{Seq: 12, Op: OpLinkDel, Name: "d"},
		{Seq: 13, Op: MarkDone, Of: 12},
	}
	s := newState(recs)
	if p := s.links[-3]; p == nil || p.ns != "n1" || p.name != "v1p" || p.gone {
		t.Fatalf("v1p at %+v, want in n1", p)
	}
	if p := s.links[7]; p == nil || p.ns != "" || len(p.maybe) != 1 || p.maybe[0].ns != "n1" {
		t.Fatalf("br0 at %+v, want in the start namespace, maybe in n1", p)
	}
	if _, ok := s.links[9]; ok {
		t.Fatal("a failed creation is followed")
	}
	if p := s.links[11]; p == nil || !p.gone {
		t.Fatalf("d at %+v, want gone", p)
	}
	want := map[string]bool{linkKey("", "v1"): true, linkKey("n1", "v1p"): true, linkKey("", "br0"): true}
	if got := s.createdNow(); !reflect.DeepEqual(got, want) {
		t.Fatalf("createdNow = %v, want %v", got, want)
	}
}
