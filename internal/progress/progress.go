// Package progress shows how far a script run has got, on one line of
// the terminal, rewritten in place: statements done, the current line and
// the time so far. The line appears once the run has lasted a second,
// only on a terminal, and is erased when the run ends; anything the run
// writes to the terminal through the Meter's writers erases it first, and
// it is not drawn while an external program runs (the program writes to
// the terminal directly) or while a line of output is unfinished.
package progress

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/nshlab/nsh/lang"
)

// Delay is how long a run goes before its progress shows.
const Delay = time.Second

// every is how often the line is redrawn.
const every = 100 * time.Millisecond

// erase returns the cursor to the start of the line and clears it.
const erase = "\r\x1b[K"

// Meter draws a run's progress on a terminal. It implements
// interp.Observer. All its methods are safe for concurrent use.
type Meter struct {
	tty   *os.File
	start time.Time

	mu       sync.Mutex
	stmts    int
	pos      lang.Pos
	external int  // external programs running
	shown    bool // the line is on the screen
	midLine  bool // output left the cursor after text on its line
	stopped  bool

	stop chan struct{}
	done chan struct{}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Start returns a Meter drawing on tty, or nil when tty is not a
// terminal (a pipe, a file, a log). Stop it when the run ends.
func Start(tty io.Writer) *Meter {
	if !IsTerminal(tty) {
		return nil
	}
	m := &Meter{tty: tty.(*os.File), start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go m.run()
	return m
}

func (m *Meter) run() {
	defer close(m.done)
	wait := time.NewTimer(Delay)
	defer wait.Stop()
	select {
	case <-wait.C:
	case <-m.stop:
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		m.draw()
		select {
		case <-tick.C:
		case <-m.stop:
			return
		}
	}
}

// draw writes the progress line, unless output or a program has the
// terminal.
func (m *Meter) draw() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped || m.external > 0 || m.midLine {
		return
	}
	text := m.text(time.Since(m.start))
	if w, _, err := term.GetSize(int(m.tty.Fd())); err == nil && w > 1 && len(text) > w-1 {
		text = text[:w-1] // one line, never wrapped
	}
	if _, err := io.WriteString(m.tty, erase+text); err == nil {
		m.shown = true
	}
}

// text is the progress line after d.
func (m *Meter) text(d time.Duration) string {
	where := ""
	if m.pos.IsValid() {
		where = fmt.Sprintf(", line %d", m.pos.Line)
		if m.pos.Filename != "" {
			where = fmt.Sprintf(", %s:%d", filepath.Base(m.pos.Filename), m.pos.Line)
		}
	}
	// The current statement is under way; nested ones (a loop's body)
	// count as statements of their own.
	done := max(m.stmts-1, 0)
	s := "s"
	if done == 1 {
		s = ""
	}
	return fmt.Sprintf("nsh: %d statement%s done%s, %.1fs", done, s, where, d.Seconds())
}

// clear erases the line if it is shown; m.mu is held.
func (m *Meter) clear() {
	if m.shown {
		io.WriteString(m.tty, erase)
		m.shown = false
	}
}

// Statement counts a statement and makes pos the current line.
func (m *Meter) Statement(pos lang.Pos) {
	m.mu.Lock()
	m.stmts++
	m.pos = pos
	m.mu.Unlock()
}

// External erases the line while an external program runs (running is
// true when one starts, false when it ends).
func (m *Meter) External(running bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if running {
		m.external++
		m.clear()
	} else if m.external > 0 {
		m.external--
	}
}

// Stop erases the line and stops drawing. It may be called more than
// once.
func (m *Meter) Stop() {
	m.mu.Lock()
	if m.stopped {
		m.mu.Unlock()
		return
	}
	m.stopped = true
	m.clear()
	m.mu.Unlock()
	close(m.stop)
	<-m.done
}

// Writer returns w wrapped so that writes erase the progress line first
// (w is the terminal, or another terminal, or anything else: then w
// itself). The wrapper's File method returns w, for external programs.
func (m *Meter) Writer(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if m == nil || !ok || !IsTerminal(f) {
		return w
	}
	return &writer{m: m, f: f}
}

// writer is a terminal whose writes erase the progress line first.
type writer struct {
	m *Meter
	f *os.File
}

// Write erases the progress line and writes p.
func (w *writer) Write(p []byte) (int, error) {
	w.m.mu.Lock()
	defer w.m.mu.Unlock()
	w.m.clear()
	n, err := w.f.Write(p)
	if n > 0 {
		w.m.midLine = p[n-1] != '\n'
	}
	return n, err
}

// File returns the terminal, for external programs (see interp.Observe).
func (w *writer) File() *os.File { return w.f }
