// Package repl is nsh's interactive shell: a line editor (chzyer/readline)
// in front of one interp.Runner, so that variables, procedures and the
// current namespace persist from line to line.
//
// It adds what a terminal needs: a prompt that shows the session's
// namespace ("nsh[ns1]> "), continuation lines while a "<" block is open
// ("...> "), Ctrl-C to cancel the input or the running statement, Ctrl-D
// to leave, a persistent history file kept with mode 0600, "help", tab
// completion computed live from the kernel (see Completer), pasted
// tutorial lines with their shell prompt and "sudo " stripped (see
// StripPrompt), and pasted text inserted a run at a time rather than a
// key at a time, so that a long line pastes in time linear in its
// length (see pasteInput).
package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"

	"github.com/chzyer/readline"
	xterm "golang.org/x/term"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// Config is what Run needs: the session's interpreter and the host and
// builtins state it was built with, the terminal, and the history file
// ("" for none).
type Config struct {
	Runner      *interp.Runner
	Host        *ns.Host
	State       *builtins.State
	Stdin       io.ReadCloser
	Stdout      io.Writer
	Stderr      io.Writer
	HistoryPath string
	// Commands are the command words of the interpreter's exec handlers
	// (ip, brctl, bridge, ...), offered at the start of a command; nil
	// for ip, brctl, bridge, ping and sysctl.
	Commands []string
}

// shell is one interactive session.
type shell struct {
	cfg  Config
	comp *Completer

	pmu     sync.Mutex
	pending []string // lines of an unfinished statement

	cmu    sync.Mutex
	cancel context.CancelFunc // of the running statement

	// ask holds the candidates of a Tab that would list more than a
	// screenful, while "Display all N possibilities? (y or n)" waits
	// for its answer (read by answerKey, on the line editor's
	// goroutine, as Do is).
	ask []string
	// cycle is the list the last Tab showed: each further Tab puts the
	// next of its candidates into the line, in place (see answerKey and
	// OnChange); any other key ends it.
	cycle *cycle
}

// cycle is a list of candidates Tab goes through in the line.
type cycle struct {
	start int      // where the completed word starts in the line
	cands []string // the candidates, without their closing blank
	next  int      // the candidate the next Tab puts in
	end   int      // where the word put in last ends
}

// commonStart reports whether the candidates' rests all start with the
// same rune: the line editor then puts their common part in first,
// rather than listing them.
func commonStart(rests [][]rune) bool {
	for _, r := range rests {
		if len(r) == 0 || r[0] != rests[0][0] {
			return false
		}
	}
	return true
}

// cycleMark stands in the line editor's input for a Tab that puts the
// next candidate in; OnChange replaces it.
const cycleMark = '\uFDD1'

// OnChange is the line editor's listener for cycleMark: the word being
// completed (the typed one, or the candidate the last Tab put in) is
// replaced by the next candidate, the rest of the line kept.
func (s *shell) OnChange(line []rune, pos int, key rune) ([]rune, int, bool) {
	c := s.cycle
	if key != cycleMark || c == nil || pos == 0 || pos > len(line) || line[pos-1] != cycleMark || c.start > pos-1 {
		return nil, 0, false
	}
	cand := []rune(c.cands[c.next%len(c.cands)])
	c.next++
	out := append(append(append([]rune{}, line[:c.start]...), cand...), line[pos:]...)
	c.end = c.start + len(cand)
	return out, c.end, true
}

// Prompt returns the primary prompt for the session's namespace r:
// "nsh> " in the start namespace, "nsh[NS]> " elsewhere.
func Prompt(r ns.Ref) string {
	if r.IsStart() {
		return "nsh> "
	}
	return "nsh[" + r.String() + "]> "
}

// ContinuationPrompt is shown while a "<" block is still open.
const ContinuationPrompt = "...> "

// Run runs the interactive session until Ctrl-D or "exit", and returns
// the exit status: exit's argument, or the status of the last statement.
func Run(cfg Config) int {
	s := &shell{cfg: cfg, comp: NewCompleter(cfg.Host, cfg.State, cfg.Runner)}
	if cfg.Commands != nil {
		s.comp.commands = cfg.Commands
	}

	var hist *history
	var past []string
	if cfg.HistoryPath != "" {
		h, lines, err := openHistory(cfg.HistoryPath)
		if err != nil {
			fmt.Fprintf(cfg.Stderr, "nsh: %v (history is not saved)\n", err)
		} else {
			hist, past = h, lines
		}
	}
	defer hist.close()

	rl, err := newEditor(readline.Config{
		Prompt:            Prompt(cfg.Runner.NS()),
		AutoComplete:      completer{s},
		HistoryLimit:      historyLimit,
		HistorySearchFold: true,
		// The answer to "Display all N possibilities?".
		FuncFilterInputRune: s.answerKey,
		// Tab going through the candidates, in the line.
		Listener: s,
		// A statement is remembered whole, once complete (a block as
		// one line): see remember.
		DisableAutoSaveHistory: true,
		InterruptPrompt:        "^C",
		Stdout:                 cfg.Stdout,
		Stderr:                 cfg.Stderr,
	}, cfg.Stdin)
	if err != nil {
		fmt.Fprintf(cfg.Stderr, "nsh: %v\n", err)
		return 1
	}
	defer rl.Close()
	for _, l := range past {
		rl.SaveHistory(l)
	}

	// Ctrl-C while a statement runs (the terminal is not in raw mode
	// then) cancels that statement only.
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt)
	done := make(chan struct{})
	defer func() {
		signal.Stop(sigc)
		close(done)
	}()
	go func() {
		for {
			select {
			case <-sigc:
				s.cmu.Lock()
				if s.cancel != nil {
					s.cancel()
				}
				s.cmu.Unlock()
			case <-done:
				return
			}
		}
	}()

	for {
		s.pmu.Lock()
		cont := len(s.pending) > 0
		s.pmu.Unlock()
		if cont {
			rl.SetPrompt(ContinuationPrompt)
		} else {
			rl.SetPrompt(Prompt(cfg.Runner.NS()))
		}
		line, err := rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			s.setPending(nil)
			continue
		case errors.Is(err, io.EOF) && cont:
			// Ctrl-D in the middle of a statement: as bash at its
			// continuation prompt, say so and go back to the prompt.
			s.setPending(nil)
			fmt.Fprintln(cfg.Stderr, "nsh: unexpected end of input: the unfinished statement is discarded (Ctrl-D again exits)")
			continue
		case errors.Is(err, io.EOF):
			return cfg.Runner.Status()
		case err != nil:
			fmt.Fprintf(cfg.Stderr, "nsh: %v\n", err)
			return 1
		}
		code, exit, entries := s.line(line)
		for _, e := range entries {
			rl.SaveHistory(e)
			hist.add(e)
		}
		if exit {
			return code
		}
	}
}

func (s *shell) setPending(p []string) {
	s.pmu.Lock()
	s.pending = p
	s.pmu.Unlock()
}

// line handles one line of input; exit is true when the session ends.
// entries are what history keeps once a statement is complete: the
// statement, a block on one line (none while it is unfinished).
func (s *shell) line(line string) (code int, exit bool, entries []string) {
	cfg := s.cfg
	line = StripPrompt(line, cfg.Runner.Procs())
	s.pmu.Lock()
	pending := append(s.pending, line)
	s.pmu.Unlock()
	if len(pending) == 1 {
		f := strings.Fields(line)
		var topic []string
		isHelp := false
		switch {
		case len(f) > 0 && f[0] == "help" && !contains(cfg.Runner.Procs(), "help"):
			topic, isHelp = f[1:], true
		case len(f) > 0 && f[len(f)-1] == "?":
			// "?" alone is "help"; "ip link ?" the usage of ip link.
			topic, isHelp = f[:len(f)-1], true
		}
		if isHelp {
			if err := Help(cfg.Stdout, topic); err != nil {
				fmt.Fprintln(cfg.Stderr, err)
			}
			s.setPending(nil)
			return 0, false, []string{line}
		}
	}
	src := strings.Join(pending, "\n") + "\n"
	f, err := lang.Parse("", []byte(src))
	if err != nil {
		var list lang.ErrorList
		if errors.As(err, &list) && list.Incomplete() {
			s.setPending(pending)
			return 0, false, nil
		}
		s.setPending(nil)
		if errors.As(err, &list) {
			fmt.Fprint(cfg.Stderr, list.DetailTyped(func(string) []byte { return []byte(src) }))
		} else {
			fmt.Fprintln(cfg.Stderr, err)
		}
		return 0, false, historyEntries(pending)
	}
	s.setPending(nil)
	code, exit = s.run(f)
	return code, exit, historyEntries(pending)
}

// historyEntries returns what history keeps of a statement typed as
// lines: one line (OneLine), or the lines as typed if they cannot be
// joined.
func historyEntries(lines []string) []string {
	if l, ok := OneLine(lines); ok {
		return []string{l}
	}
	return lines
}

// OneLine joins the lines of one statement into one line that means the
// same, as history keeps it: a block's body follows its "<" on the same
// line, its statements separated by ";" ("in ns1 < ip -br a; ip r >").
// ok is false for lines that cannot be joined so (a comment inside, a
// line continued with a backslash).
func OneLine(lines []string) (string, bool) {
	var kept []string
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			kept = append(kept, t)
		}
	}
	if len(kept) <= 1 {
		return strings.Join(kept, ""), len(kept) == 1
	}
	var b strings.Builder
	for i, l := range kept {
		if strings.Contains(l, "#") || strings.HasSuffix(l, "\\") {
			return "", false
		}
		if i > 0 {
			prev := kept[i-1]
			switch {
			case strings.HasSuffix(prev, "<"), strings.HasPrefix(l, ">"):
				b.WriteByte(' ')
			default:
				b.WriteString("; ")
			}
		}
		b.WriteString(l)
	}
	joined := b.String()
	// The joined line must read as the lines did.
	a, err1 := lang.Parse("", []byte(strings.Join(lines, "\n")+"\n"))
	c, err2 := lang.Parse("", []byte(joined+"\n"))
	if err1 != nil || err2 != nil || len(a.Stmts) != len(c.Stmts) {
		return "", false
	}
	return joined, true
}

// run runs one input's statements, holding the completer's lock so that
// a Tab typed meanwhile does not read the interpreter concurrently.
func (s *shell) run(f *lang.File) (code int, exit bool) {
	s.comp.mu.Lock()
	defer s.comp.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	s.cmu.Lock()
	s.cancel = cancel
	s.cmu.Unlock()
	err := s.cfg.Runner.Run(ctx, f)
	s.cmu.Lock()
	s.cancel = nil
	s.cmu.Unlock()
	interrupted := ctx.Err() != nil
	cancel()
	var ee *interp.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		return ee.Code, true
	case interrupted:
		// The terminal echoed "^C" without a newline.
		fmt.Fprintln(s.cfg.Stderr, "\ninterrupted")
	default:
		// What was just typed needs no line and column.
		var ce *interp.CheckError
		var rt *interp.RuntimeError
		switch {
		case errors.As(err, &ce):
			fmt.Fprint(s.cfg.Stderr, ce.Checked.DetailTyped())
		case errors.As(err, &rt) && rt.Pos.Filename == "":
			fmt.Fprintln(s.cfg.Stderr, rt.Typed())
		default:
			fmt.Fprintln(s.cfg.Stderr, err)
		}
	}
	return 0, false
}

// tooMany reports whether listing the candidates that start with word
// would take more than a screenful, on a terminal.
func (s *shell) tooMany(cands []string, word string) bool {
	f, ok := s.cfg.Stdout.(*os.File)
	if !ok || len(cands) < 2 {
		return false
	}
	w, h, err := xterm.GetSize(int(f.Fd()))
	if err != nil || h < 3 {
		return false
	}
	n, width := 0, 1
	for _, c := range cands {
		if strings.HasPrefix(c, word) {
			n++
			width = max(width, len(c)+1)
		}
	}
	cols := max(w/width, 1)
	return (n+cols-1)/cols > h-2
}

// answerKey reads the answer to "Display all N possibilities?": y (or
// Tab, or space) lists them, any other key does not; then the prompt and
// the line are drawn again below. Any other time a key goes through.
func (s *shell) answerKey(r rune) (rune, bool) {
	if s.ask == nil {
		if r == '\t' && s.cycle != nil {
			return cycleMark, true // OnChange puts the next candidate in
		}
		s.cycle = nil
		return r, true
	}
	cands := s.ask
	s.ask = nil
	out := s.cfg.Stdout
	fmt.Fprint(out, "\r\n")
	switch r {
	case 'y', 'Y', ' ', '\t':
		width := 1
		for _, c := range cands {
			width = max(width, len(c)+1)
		}
		cols := max(readline.GetScreenWidth()/width, 1)
		rows := (len(cands) + cols - 1) / cols
		var b strings.Builder
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				// Down the columns, as readline and bash list them.
				if k := j*rows + i; k < len(cands) {
					fmt.Fprintf(&b, "%-*s", width, strings.TrimSpace(cands[k]))
				}
			}
			b.WriteString("\r\n")
		}
		fmt.Fprint(out, b.String())
	}
	// Not processed: the line editor draws the prompt and the line again
	// on the line below.
	return 0, false
}

// completer adapts Completer to readline.AutoCompleter.
type completer struct{ s *shell }

// Do returns the completions of line[:pos] as readline wants them: the
// rest of each candidate after the typed part, and the typed part's
// length.
func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	c.s.pmu.Lock()
	pending := append([]string(nil), c.s.pending...)
	c.s.pmu.Unlock()
	for _, r := range line {
		if r == cycleMark {
			return nil, 0 // a Tab going through the list: see OnChange
		}
	}
	c.s.cycle = nil
	cands, word := c.s.comp.Complete(pending, string(line[:pos]))
	if c.s.tooMany(cands, word) {
		// Past a screenful: ask first, as bash and zsh do.
		c.s.ask = cands
		fmt.Fprintf(c.s.cfg.Stdout, "\r\nDisplay all %d possibilities? (y or n)", len(cands))
		return nil, 0
	}
	// In mid-line, before a blank, a candidate's closing blank would
	// double it.
	blankAfter := pos < len(line) && (line[pos] == ' ' || line[pos] == '\t')
	out := make([][]rune, 0, len(cands))
	for _, cand := range cands {
		if strings.TrimSpace(cand) == "" || !strings.HasPrefix(cand, word) {
			continue
		}
		rest := cand[len(word):]
		if blankAfter {
			rest = strings.TrimSuffix(rest, " ")
		}
		out = append(out, []rune(rest))
	}
	if len(out) > 1 && !commonStart(out) {
		// The list is shown (no common part to put in first); the next
		// Tab puts its first candidate in.
		cy := &cycle{start: pos - len([]rune(word))}
		for _, cand := range cands {
			if strings.TrimSpace(cand) != "" && strings.HasPrefix(cand, word) {
				cy.cands = append(cy.cands, strings.TrimSuffix(cand, " "))
			}
		}
		c.s.cycle = cy
	}
	return out, len([]rune(word))
}
