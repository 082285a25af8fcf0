package journal

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/ns"
)

// Down undoes every change the journal of lab under dir records, newest
// first, and removes the journal. found is false when lab has no journal
// (it is down already). Objects gone or changed by someone else since are
// given to report and left alone. When an undo fails, the journal is
// kept, with what was undone marked, for another try.
func Down(dir, lab string, host *ns.Host, report func(string)) (found bool, err error) {
	path := FileName(dir, lab)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("journal: %w", err)
	}
	j := &Journal{dir: dir, lab: lab, f: f}
	defer j.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return true, fmt.Errorf("journal %s: lab %q is being run or taken down by another nsh: %w", path, lab, err)
	}
	recs, _, err := Read(path)
	if err != nil {
		return true, fmt.Errorf("journal %s: %w", path, err)
	}
	if len(recs) > 0 {
		j.seq = recs[len(recs)-1].Seq
	}
	u := &Undoer{Host: host, Report: report}
	defer u.Close()
	undone, uerr := u.Undo(recs, 0)
	if uerr != nil {
		if err := j.appendMarks(MarkUndone, undone); err != nil {
			return true, errors.Join(uerr, err)
		}
		return true, uerr
	}
	if err := os.Remove(path); err != nil {
		return true, fmt.Errorf("journal: %w", err)
	}
	return true, nil
}

// UndoRun undoes what this run of the lab changed (nsh --atomic), newest
// first, and marks it undone; a journal left with nothing in force is
// removed. Objects gone or changed by someone else since are given to
// report and left alone.
func (j *Journal) UndoRun(host *ns.Host, report func(string)) error {
	j.mu.Lock()
	from, open := j.runStart, j.f != nil
	j.mu.Unlock()
	if !open {
		return nil
	}
	recs, _, err := Read(j.Path())
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.Path(), err)
	}
	u := &Undoer{Host: host, Report: report}
	defer u.Close()
	undone, uerr := u.Undo(recs, from)
	if err := j.appendMarks(MarkUndone, undone); err != nil {
		return errors.Join(uerr, err)
	}
	if uerr != nil {
		return uerr
	}
	recs, _, err = Read(j.Path())
	if err != nil {
		return fmt.Errorf("journal %s: %w", j.Path(), err)
	}
	if len(newState(recs).intents) == 0 {
		if err := os.Remove(j.Path()); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
	}
	return nil
}
