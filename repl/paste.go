package repl

import (
	"io"
	"sync"
	"unicode/utf8"

	"github.com/chzyer/readline"
)

// chzyer/readline inserts each rune it reads by redrawing the whole line:
// it measures the line twice (rune widths, line wrapping) and writes it
// out again. A pasted line reaches it as a stream of runes, so pasting
// costs the square of the line's length (20 KB took 43 s; a megabyte
// would take hours). The paste path below inserts each run of text that
// arrives at once with one redraw.

// pasteMark is the rune that pasteInput leaves in readline's input where
// it took out a run of text: a noncharacter, which no text contains.
const pasteMark = '\uFDD0'

// minPaste is the shortest run of text taken out: a key typed alone
// arrives alone and goes the usual way.
const minPaste = 2

// pasteInput is the terminal input as readline reads it. Each run of
// printable text that arrives in one read (outside escape sequences) is
// taken out and replaced by one pasteMark; the editor's listener then
// puts the run in at the mark (see paste). A run that goes on in the
// next reads, before readline has reached its mark, grows the run
// instead of adding a mark: while readline redraws a long line, the rest
// of a paste piles up behind one mark.
type pasteInput struct {
	in    io.ReadCloser
	chunk []byte // for reading from in
	out   []byte // what readline gets next
	carry []byte // the start of a UTF-8 sequence that the last read cut
	esc   int    // where in an escape sequence the input is (esc* below)
	err   error  // from in, returned once out is empty

	mu   sync.Mutex
	runs [][]rune // the runs of the marks given out and not yet put in, in order
	open bool     // out ends with the last run's mark: the run may grow
}

// Where the input is in an escape sequence: after ESC, after "ESC [" (a
// CSI sequence, up to its final byte) or after "ESC O".
const (
	escNone = iota
	escStart
	escCSI
	escSS3
)

func newPasteInput(in io.ReadCloser) *pasteInput {
	return &pasteInput{in: in, chunk: make([]byte, 64<<10)}
}

// Read implements io.Reader.
func (p *pasteInput) Read(b []byte) (int, error) {
	for len(p.out) == 0 {
		if p.err != nil {
			return 0, p.err
		}
		n, err := p.in.Read(p.chunk)
		p.scan(p.chunk[:n], err != nil)
		p.err = err
	}
	n := copy(b, p.out)
	p.out = p.out[n:]
	return n, nil
}

// Close implements io.Closer: readline closes its input when it ends.
func (p *pasteInput) Close() error { return p.in.Close() }

// scan moves data to out, taking out runs of text. last is true at the
// end of the input: a cut UTF-8 sequence goes out as it is.
func (p *pasteInput) scan(data []byte, last bool) {
	if len(p.carry) > 0 {
		data = append(p.carry, data...)
		p.carry = nil
	}
	var run []rune
	start, i := 0, 0 // run is data[start:i]
	for i < len(data) {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 && !utf8.FullRune(data[i:]) && !last {
			p.carry = append([]byte(nil), data[i:]...)
			break
		}
		if p.esc == escNone && text(r, size) {
			if len(run) == 0 {
				start = i
			}
			run = append(run, r)
			i += size
			continue
		}
		p.flush(run, data[start:i])
		run = run[:0]
		p.pass(data[i : i+size])
		p.escape(data[i], size)
		i += size
	}
	p.flush(run, data[start:i])
}

// text reports whether r, of size bytes, is printable text for the line:
// not a control character, nor a byte that is not UTF-8.
func text(r rune, size int) bool {
	if r == utf8.RuneError && size <= 1 {
		return false
	}
	return r >= 0x20 && r != 0x7f && (r < 0x80 || r >= 0xa0)
}

// escape follows escape sequences, so that the bytes after ESC are never
// taken for text: readline reads them as a key.
func (p *pasteInput) escape(c byte, size int) {
	switch {
	case size == 1 && c == 0x1b:
		p.esc = escStart
	case p.esc == escStart && c == '[':
		p.esc = escCSI
	case p.esc == escStart && c == 'O':
		p.esc = escSS3
	case p.esc == escCSI && c >= 0x20 && c <= 0x3f:
		// parameters and intermediates: the sequence goes on
	default:
		p.esc = escNone
	}
}

// pass sends bytes on to readline unchanged.
func (p *pasteInput) pass(b []byte) {
	if len(b) == 0 {
		return
	}
	p.out = append(p.out, b...)
	p.mu.Lock()
	p.open = false
	p.mu.Unlock()
}

// flush sends a run of text, raw its bytes: it grows the open run, or
// goes out as a mark with its run, or as it is when short.
func (p *pasteInput) flush(run []rune, raw []byte) {
	if len(run) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open && len(p.runs) > 0 {
		last := &p.runs[len(p.runs)-1]
		*last = append(*last, run...)
		return
	}
	if len(run) < minPaste && !containsMark(run) {
		p.out = append(p.out, raw...)
		return
	}
	p.runs = append(p.runs, append([]rune(nil), run...))
	p.out = utf8.AppendRune(p.out, pasteMark)
	p.open = true
}

func containsMark(run []rune) bool {
	for _, r := range run {
		if r == pasteMark {
			return true
		}
	}
	return false
}

// take returns the run of the oldest mark not yet put in.
func (p *pasteInput) take() ([]rune, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.runs) == 0 {
		return nil, false
	}
	run := p.runs[0]
	p.runs = p.runs[1:]
	return run, true
}

// paste puts the runs of pasteInput into readline's line. Its methods
// run on readline's goroutine, between keys.
type paste struct {
	in *pasteInput
	rl *readline.Instance // set before the first Readline
}

// filter is readline's FuncFilterInputRune. A mark inserts like any key,
// in the line; in a history search its run is searched for, and a list
// of completions shown is left first, as another key would leave it.
func (p *paste) filter(r rune) (rune, bool) {
	if r != pasteMark || p.rl == nil {
		return r, true
	}
	op := p.rl.Operation
	if op.IsSearchMode() {
		run, ok := p.in.take()
		if !ok || len(run) == 0 {
			return r, false
		}
		for _, c := range run[:len(run)-1] {
			op.SearchChar(c)
		}
		return run[len(run)-1], true
	}
	if op.IsInCompleteMode() {
		op.ExitCompleteMode(false)
	}
	return r, true
}

// OnChange implements readline.Listener: after a mark went into the line,
// its run replaces it, with one redraw.
func (p *paste) OnChange(line []rune, pos int, key rune) ([]rune, int, bool) {
	if key != pasteMark || pos == 0 || pos > len(line) || line[pos-1] != pasteMark {
		return nil, 0, false
	}
	run, ok := p.in.take()
	if !ok {
		return nil, 0, false
	}
	out := make([]rune, 0, len(line)-1+len(run))
	out = append(out, line[:pos-1]...)
	out = append(out, run...)
	out = append(out, line[pos:]...)
	return out, pos - 1 + len(run), true
}

// newEditor starts readline with c, reading the terminal in through
// pasteInput.
func newEditor(c readline.Config, in io.ReadCloser) (*readline.Instance, error) {
	p := &paste{in: newPasteInput(in)}
	c.Stdin = p.in
	// A filter of the caller's (the answer to "Display all N
	// possibilities?") sees each key first.
	if first := c.FuncFilterInputRune; first != nil {
		c.FuncFilterInputRune = func(r rune) (rune, bool) {
			r, ok := first(r)
			if !ok {
				return r, false
			}
			return p.filter(r)
		}
	} else {
		c.FuncFilterInputRune = p.filter
	}
	if first := c.Listener; first != nil {
		// The caller's listener (Tab going through candidates) first.
		c.Listener = readline.FuncListener(func(line []rune, pos int, key rune) ([]rune, int, bool) {
			if l, n, ok := first.OnChange(line, pos, key); ok {
				return l, n, ok
			}
			return p.OnChange(line, pos, key)
		})
	} else {
		c.Listener = p
	}
	rl, err := readline.NewEx(&c)
	if err != nil {
		return nil, err
	}
	p.rl = rl
	return rl, nil
}
