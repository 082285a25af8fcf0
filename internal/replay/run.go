package replay

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/all"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// List writes the steps as an nsh script, one command per line.
func List(w io.Writer, steps []Step) error {
	var b strings.Builder
	for _, s := range steps {
		b.WriteString(s.Text)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Options says how Run walks a tutorial.
type Options struct {
	Name string // the tutorial's file name, for positions in messages
	// Yes runs every step without asking; otherwise Run asks before each
	// step on Out and reads the answer from In: Enter runs the step, "s"
	// skips it, "q" quits.
	Yes bool
	In  io.Reader
	// Out receives the steps, their reports and the commands' output;
	// Err the commands' error output (Out if nil).
	Out, Err io.Writer
	// Interrupt delivers the user's Ctrl-C. The first stops the step that
	// is running and the walk goes on; a second one within
	// InterruptWindow, or one while no step runs, ends the walk.
	Interrupt <-chan os.Signal
	// StepTime bounds each step under Yes (DefaultStepTime if zero): a
	// step still running then is stopped and reported as bounded.
	// Commands that run until stopped (monitors) get EndlessTime.
	StepTime, EndlessTime time.Duration
	// Sandboxed says the walk runs in a throwaway sandbox, where a step
	// may write files of /etc/iproute2 (private there).
	Sandboxed bool
	// LeftOut lists the tutorial's command lines that are not steps,
	// said before the walk and kept in the result.
	LeftOut []LeftOut
}

// Bounds on a step's time under --yes, and the window in which a second
// Ctrl-C ends the walk.
const (
	DefaultStepTime    = 30 * time.Second
	DefaultEndlessTime = 3 * time.Second
	InterruptWindow    = 2 * time.Second
	// PingCount is the count a ping without -c or -w runs with under --yes.
	PingCount = "3"
)

// Result counts what a walk did.
type Result struct {
	Steps   int `json:"steps"`
	Ran     int `json:"ran"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	// NotRun counts the steps after the walk ended (q, end of input,
	// Ctrl-C) and those that a failure before "&&" (or a success before
	// "||") kept from running, as the shell would have.
	NotRun   int  `json:"not_run"`
	Bounded  int  `json:"bounded"` // steps stopped after their time or by Ctrl-C
	Compared int  `json:"compared"`
	Matched  int  `json:"matched"`
	Quit     bool `json:"quit"` // stopped by "q", end of input or Ctrl-C
	// Report has one entry per step, in order.
	Report []StepReport `json:"report"`
	// Causes groups the failures that share a cause.
	Causes []Cause `json:"causes,omitempty"`
	// LeftOut are the tutorial's command lines that replay does not run.
	LeftOut []LeftOut `json:"left_out,omitempty"`
}

// StepReport is what happened to one step.
type StepReport struct {
	Step   int    `json:"step"`
	Line   int    `json:"line"`
	Text   string `json:"text"`   // the command as it ran
	NS     string `json:"netns"`  // the namespace it ran in ("" for the start one)
	Status string `json:"status"` // ok, failed, skipped, not run, bounded
	Exit   int    `json:"exit"`
	Error  string `json:"error,omitempty"`
	Note   string `json:"note,omitempty"`
	// Compared is true when the step's output was compared with the
	// tutorial's; Diff says where they part if they do.
	Compared bool   `json:"compared"`
	Matches  bool   `json:"matches"`
	Diff     string `json:"diff,omitempty"`
}

// Cause is a reason several steps failed for.
type Cause struct {
	What  string `json:"what"`
	Steps []int  `json:"steps"`
}

// stepWriter is the runner's stdout: it writes through to the terminal
// and keeps a copy of the current step's output for the comparison.
type stepWriter struct {
	w   io.Writer
	buf bytes.Buffer
}

func (s *stepWriter) Write(p []byte) (int, error) {
	s.buf.Write(p)
	return s.w.Write(p)
}

// walk holds a walk's interruption state: the cancel of the running step
// and when the last Ctrl-C came.
type walk struct {
	mu         sync.Mutex
	stepCancel context.CancelFunc // nil while no step runs
	last       time.Time
	stopped    bool // the running step was stopped by Ctrl-C
	endWalk    context.CancelFunc
}

// interrupt handles one Ctrl-C.
func (w *walk) interrupt(now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	second := !w.last.IsZero() && now.Sub(w.last) < InterruptWindow
	w.last = now
	if w.stepCancel == nil || second {
		w.endWalk()
		if w.stepCancel != nil {
			w.stepCancel()
		}
		return
	}
	w.stopped = true
	w.stepCancel()
}

func (w *walk) start(cancel context.CancelFunc) {
	w.mu.Lock()
	w.stepCancel, w.stopped = cancel, false
	w.mu.Unlock()
}

// finish ends the running step and reports whether Ctrl-C stopped it.
func (w *walk) finish() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stepCancel()
	w.stepCancel = nil
	return w.stopped
}

// Run runs the steps in one nsh interpreter, so that each step sees what
// the ones before it built. A failing step is reported and the walk goes
// on, as a shell running the tutorial without "set -e" would: a tutorial
// often shows a command failing on purpose, or has a mistake later steps
// do not depend on; a step joined to the one before by "&&" or "||" runs
// only as the shell would run it. After a show command whose output the
// tutorial shows, the report says whether nsh printed the same, ignoring
// indexes, MAC addresses, bridge ids and timings.
//
// Under Yes no step runs unbounded: a ping without a count runs with
// PingCount, and a step still running after its time is stopped.
func Run(ctx context.Context, steps []Step, o Options) (Result, error) {
	res := Result{Steps: len(steps), LeftOut: o.LeftOut, Report: []StepReport{}}
	if len(o.LeftOut) > 0 {
		fmt.Fprintf(o.Out, "replay leaves out %s of the tutorial:\n", plural(len(o.LeftOut), "1 command line", strconv.Itoa(len(o.LeftOut))+" command lines"))
		for _, lo := range o.LeftOut {
			fmt.Fprintf(o.Out, "    %s:%d: %s: %s\n", o.Name, lo.Line, lo.Text, lo.Reason)
		}
	}
	if o.StepTime == 0 {
		o.StepTime = DefaultStepTime
	}
	if o.EndlessTime == 0 {
		o.EndlessTime = DefaultEndlessTime
	}
	host, err := ns.NewHost()
	if err != nil {
		return res, err
	}
	defer host.Close()
	st := builtins.NewState(host)
	defer st.Close()
	out := &stepWriter{w: o.Out}
	errw := o.Err
	if errw == nil {
		errw = o.Out
	}
	r, err := interp.New(
		interp.StdIO(strings.NewReader(""), out, errw),
		interp.Host(host),
		builtins.Install(st, all.Commands()),
	)
	if err != nil {
		return res, err
	}
	defer r.Close()
	ctx, endWalk := context.WithCancel(ctx)
	defer endWalk()
	wk := &walk{endWalk: endWalk}
	if o.Interrupt != nil {
		done := make(chan struct{})
		defer close(done)
		go func() {
			for {
				select {
				case <-o.Interrupt:
					wk.interrupt(time.Now())
				case <-done:
					return
				}
			}
		}()
	}
	var answers chan answer
	if !o.Yes && o.In != nil {
		answers = readAnswers(o.In)
	}
	said := map[string]bool{} // notes said once
	lastFailed := false       // the step before failed (for && and ||)
	causes := map[string]*Cause{}
	var causeOrder []string
	for i, s := range steps {
		rep := StepReport{Step: i + 1, Line: s.Line, Text: s.Text, NS: StepNS(s.Text)}
		if ctx.Err() != nil {
			res.Quit = true
			res.NotRun += len(steps) - i
			for _, s := range steps[i:] {
				res.Report = append(res.Report, StepReport{Step: len(res.Report) + 1, Line: s.Line, Text: s.Text, NS: StepNS(s.Text), Status: "not run"})
			}
			break
		}
		bound := o.StepTime
		var notes []string
		if o.Yes {
			if t, ok := boundPing(s.Text); ok {
				rep.Text = t
				notes = append(notes, "ping without a count: run as ping -c "+PingCount+" so that the walk goes on")
			} else if endless(s.Text) {
				bound = o.EndlessTime
				notes = append(notes, fmt.Sprintf("runs until stopped: stopped after %v", bound))
			}
		}
		if s.Note != "" {
			notes = append(notes, strings.Split(s.Note, "; ")...)
		}
		where := "start netns"
		if rep.NS != "" {
			where = "netns " + rep.NS
		}
		fmt.Fprintf(o.Out, "[%d/%d] %s:%d (%s): %s\n", i+1, len(steps), o.Name, s.Line, where, rep.Text)
		var fresh []string
		for _, n := range notes {
			if !said[n] {
				said[n] = true
				fresh = append(fresh, n)
			}
		}
		if len(fresh) > 0 {
			fmt.Fprintf(o.Out, "    note: %s\n", strings.Join(fresh, "; "))
		}
		rep.Note = strings.Join(notes, "; ")
		if s.Cond == "&&" && lastFailed || s.Cond == "||" && !lastFailed {
			why := "the step before failed and the tutorial joins them with &&"
			if s.Cond == "||" {
				why = "the step before succeeded and the tutorial joins them with ||"
			}
			fmt.Fprintf(o.Out, "--> step %d not run: %s\n", i+1, why)
			rep.Status = "not run"
			res.NotRun++
			res.Report = append(res.Report, rep)
			continue // lastFailed stays: "a && b && c" skips c too
		}
		if s.Program != "" {
			why := ""
			if _, err := exec.LookPath(s.Program); err != nil {
				why = s.Program + " is not installed here"
			} else if !o.Sandboxed {
				why = "it runs " + s.Program + ", a program of this machine, which replay runs only with --sandbox"
			}
			if why != "" {
				fmt.Fprintf(o.Out, "--> step %d not run: %s\n", i+1, why)
				rep.Status, rep.Error = "not run", why
				res.NotRun++
				res.Report = append(res.Report, rep)
				lastFailed = true // what follows with && would not run either
				continue
			}
		}
		if s.Writes != "" && !o.Sandboxed && o.Yes {
			fmt.Fprintf(o.Out, "--> step %d not run: it writes %s, which replay lets a step do only with --sandbox (or when asked, without --yes)\n", i+1, s.Writes)
			rep.Status = "not run"
			res.NotRun++
			res.Report = append(res.Report, rep)
			continue
		}
		if !o.Yes {
			a := ask(ctx, o.Out, answers)
			if a == "" {
				fmt.Fprintln(o.Out, "\n    end of input: replay stops here (--yes runs every step)")
			}
			if a == "" || a == "q" {
				res.Quit = true
				res.NotRun += len(steps) - i
				rep.Status = "not run"
				res.Report = append(res.Report, rep)
				for _, s := range steps[i+1:] {
					res.Report = append(res.Report, StepReport{Step: len(res.Report) + 1, Line: s.Line, Text: s.Text, NS: StepNS(s.Text), Status: "not run"})
				}
				break
			}
			if a == "s" {
				fmt.Fprintln(o.Out, "    skipped")
				res.Skipped++
				rep.Status = "skipped"
				res.Report = append(res.Report, rep)
				continue
			}
		}
		out.buf.Reset()
		sctx, cancel := context.WithCancel(ctx)
		if o.Yes {
			sctx, cancel = context.WithTimeout(ctx, bound)
		}
		wk.start(cancel)
		// Padding with newlines makes errors name the tutorial's line.
		f, err := lang.Parse(o.Name, []byte(strings.Repeat("\n", max(s.Line-1, 0))+rep.Text+"\n"))
		if err == nil {
			err = r.Run(sctx, f)
		}
		timedOut := sctx.Err() == context.DeadlineExceeded
		stopped := wk.finish()
		res.Ran++
		if timedOut || stopped || ctx.Err() != nil {
			// Stopped on purpose: what it printed until then is what
			// a reader who pressed Ctrl-C saw.
			how := fmt.Sprintf("stopped after %v", bound)
			switch {
			case ctx.Err() != nil:
				how = "stopped by Ctrl-C, which ends the walk"
			case stopped:
				how = "stopped by Ctrl-C"
			}
			fmt.Fprintf(o.Out, "--> step %d bounded: %s\n", i+1, how)
			rep.Status, rep.Error = "bounded", how
			res.Bounded++
			lastFailed = false
			res.Report = append(res.Report, rep)
			continue
		}
		if err != nil && failedAsShown(s, err, out.buf.String()) {
			// The tutorial shows this command failing, or its filter
			// finding nothing: the same here is what the reader saw.
			lastFailed = true
			rep.Status, rep.Exit = "ok", interp.StatusOf(err)
			report := fmt.Sprintf("--> step %d ok: exit status %d, as in the tutorial", i+1, rep.Exit)
			if s.Output != "" {
				res.Compared++
				res.Matched++
				rep.Compared, rep.Matches = true, true
				report += " (its output matches)"
			} else {
				report += " (grep matched nothing; the tutorial shows no output either)"
			}
			res.Report = append(res.Report, rep)
			fmt.Fprintln(o.Out, report)
			continue
		}
		if err != nil {
			lastFailed = true
			res.Failed++
			rep.Status, rep.Exit, rep.Error = "failed", interp.StatusOf(err), err.Error()
			fmt.Fprintf(o.Out, "--> step %d failed (exit status %d): %v\n", i+1, rep.Exit, err)
			if res.Failed == 1 {
				fmt.Fprintln(o.Out, "    replay goes on with the next step, as a shell without \"set -e\" would")
			}
			if c := causeOf(err.Error()); c != "" {
				if causes[c] == nil {
					causes[c] = &Cause{What: c}
					causeOrder = append(causeOrder, c)
				}
				causes[c].Steps = append(causes[c].Steps, i+1)
			}
			res.Report = append(res.Report, rep)
			var exit *interp.ExitError
			if errors.As(err, &exit) || ctx.Err() != nil {
				res.Quit = true
				res.NotRun += len(steps) - i - 1
				break
			}
			continue
		}
		lastFailed = false
		rep.Status = "ok"
		report := fmt.Sprintf("--> step %d ok", i+1)
		if s.Show && s.Output != "" {
			res.Compared++
			rep.Compared = true
			if ok, why := compareStep(s, out.buf.String()); ok {
				res.Matched++
				rep.Matches = true
				report += "; output matches the tutorial's (indexes, MAC addresses, bridge ids and timings ignored)"
			} else {
				rep.Diff = why
				report += "; output differs from the tutorial's:\n" + why
			}
		}
		res.Report = append(res.Report, rep)
		fmt.Fprintln(o.Out, report)
	}
	for _, c := range causeOrder {
		res.Causes = append(res.Causes, *causes[c])
	}
	if len(res.Causes) > 0 {
		fmt.Fprintln(o.Out, "failures that share a cause:")
		for _, c := range res.Causes {
			fmt.Fprintf(o.Out, "    %s: %s %s\n", c.What, plural(len(c.Steps), "step", "steps"), joinInts(c.Steps))
		}
	}
	fmt.Fprintf(o.Out, "replay: %d steps: %d ran, %d failed, %d bounded, %d skipped, %d not run; %d outputs compared with the tutorial, %d matching\n",
		res.Steps, res.Ran, res.Failed, res.Bounded, res.Skipped, res.NotRun, res.Compared, res.Matched)
	return res, nil
}

// compareStep compares a step's output with the tutorial's. The list
// of namespaces comes in the order of the directory /run/netns, which
// depends on the filesystem: its lines are compared as a set.
func compareStep(s Step, got string) (bool, string) {
	if netnsListRE().MatchString(s.Text) {
		sorted := func(t string) string {
			l := strings.Split(strings.TrimSpace(t), "\n")
			for i := range l {
				l[i] = strings.TrimSpace(l[i])
			}
			slices.Sort(l)
			return strings.Join(l, "\n")
		}
		if ok, _ := Compare(sorted(s.Output), sorted(got)); ok {
			return true, ""
		}
	}
	return Compare(s.Output, got)
}

// netnsListRE matches the commands that list namespaces.
var netnsListRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(^|\s)ip( -\S+)* netns( (list|show|ls|l|s|li|lis|sh|sho))?$`)
})

// failedAsShown reports whether a failed step failed as the tutorial
// shows: its output, compared as for a successful step, matches the
// tutorial's (a ping with 100% packet loss), or it ends in a grep that
// matched nothing (status 1) where the tutorial shows it printing
// nothing (NoOutput).
func failedAsShown(s Step, err error, got string) bool {
	if s.Output != "" {
		ok, _ := compareStep(s, got)
		return ok && s.Show
	}
	f := strings.Fields(s.Text)
	for i := len(f) - 1; i > 0; i-- {
		if f[i-1] == "|" {
			return f[i] == "grep" && s.NoOutput && interp.StatusOf(err) == 1 && strings.TrimSpace(got) == ""
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// answer is a line of the user's answers, or the end of them.
type answer struct {
	text string
	ok   bool
}

// readAnswers reads the user's answers in the background, so that a
// Ctrl-C while Run waits for one ends the walk.
func readAnswers(in io.Reader) chan answer {
	c := make(chan answer)
	go func() {
		b := bufio.NewReader(in)
		for {
			line, err := b.ReadString('\n')
			if err != nil && line == "" {
				close(c)
				return
			}
			c <- answer{text: line, ok: true}
		}
	}()
	return c
}

// ask asks whether to run the step until the answer is one it knows:
// "r" (run), "s" (skip), "q" (quit) or "" (end of input or the walk
// ended).
func ask(ctx context.Context, w io.Writer, answers chan answer) string {
	fmt.Fprint(w, "    run it? [Enter: run, s: skip, q: quit] ")
	for {
		var a answer
		if answers != nil {
			select {
			case a = <-answers:
			case <-ctx.Done():
			}
		}
		if !a.ok {
			return ""
		}
		switch strings.TrimSpace(strings.ToLower(a.text)) {
		case "", "y", "yes", "r", "run":
			return "r"
		case "s", "skip", "n", "no":
			return "s"
		case "q", "quit":
			return "q"
		}
		fmt.Fprintf(w, "    %q is not an answer: Enter runs the step, s skips it, q quits: ", strings.TrimSpace(a.text))
	}
}

// StepNS returns the namespace a step's command acts in: NS of "ip
// netns exec NS ...", "ip -n NS ..." or "bridge -n NS ...", the
// innermost one when they nest; "" for the start namespace.
func StepNS(text string) string {
	w := strings.Fields(text)
	cur := ""
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case "ip", "bridge":
		default:
			return cur
		}
		j := i + 1
		for j < len(w) && strings.HasPrefix(w[j], "-") {
			o := strings.TrimPrefix(w[j], "-")
			o = strings.TrimPrefix(o, "-")
			if (o == "n" || strings.HasPrefix("netns", o) && len(o) >= 2) && j+1 < len(w) {
				cur = w[j+1]
				j += 2
				continue
			}
			j++
		}
		// ip netns exec NS CMD...
		if w[i] == "ip" && j+2 < len(w) && strings.HasPrefix("netns", w[j]) && len(w[j]) >= 2 && strings.HasPrefix("exec", w[j+1]) && len(w[j+1]) >= 1 {
			cur = w[j+2]
			i = j + 2
			continue
		}
		return cur
	}
	return cur
}

// boundPing returns text with "-c PingCount" after the first ping if that
// ping has neither a count nor a deadline, and would run until stopped.
func boundPing(text string) (string, bool) {
	w := strings.Fields(text)
	for i, x := range w {
		if x != "ping" {
			continue
		}
		for _, a := range w[i+1:] {
			if a == "|" || a == "&&" || a == "||" || a == ";" {
				break
			}
			if len(a) >= 2 && a[0] == '-' && a[1] != '-' && strings.ContainsAny(a[1:2], "cw") {
				return text, false
			}
		}
		out := append(append(append([]string{}, w[:i+1]...), "-c", PingCount), w[i+1:]...)
		return strings.Join(out, " "), true
	}
	return text, false
}

// endless reports whether a step's command runs until it is stopped:
// the monitors of ip and bridge.
func endless(text string) bool {
	w := strings.Fields(text)
	for i, x := range w {
		if (x == "ip" || x == "bridge") && i+1 < len(w) {
			for _, y := range w[i+1:] {
				if strings.HasPrefix(y, "-") {
					continue
				}
				if len(y) >= 3 && strings.HasPrefix("monitor", y) {
					return true
				}
				if y == "netns" || strings.HasPrefix("netns", y) && len(y) >= 2 {
					continue
				}
				break
			}
		}
	}
	return false
}

// causeRE finds the causes that failures share in their messages.
var causeRE = sync.OnceValue(func() []struct {
	re   *regexp.Regexp
	what string
} {
	return []struct {
		re   *regexp.Regexp
		what string
	}{
		{regexp.MustCompile(`Cannot find device "([^"]+)"`), "interface %q does not exist here (created on the tutorial's machine, or by a step that failed)"},
		{regexp.MustCompile(`Cannot open network namespace "([^"]+)"`), "namespace %q does not exist here"},
		{regexp.MustCompile(`(?i)not on this kernel[^:]*: ?(\S+)?|Unknown device type|Operation not supported|lwt encapsulation type not supported`), "this kernel lacks a feature the tutorial uses"},
	}
})

// causeOf returns the shared cause of a failure, if it has one of the
// known ones.
func causeOf(msg string) string {
	for _, c := range causeRE() {
		if m := c.re.FindStringSubmatch(msg); m != nil {
			if strings.Contains(c.what, "%q") {
				return fmt.Sprintf(c.what, m[1])
			}
			return c.what
		}
	}
	return ""
}

// rewrite replaces what re matches by repl.
type rewrite struct {
	re   *regexp.Regexp
	repl string
}

// volatile are the parts of show output that differ between two runs of
// the same lab: interface indexes, MAC addresses (and what derives from
// them: bridge ids, IPv6 link-local addresses), namespace ids, timings
// (and the DAD state of fresh IPv6 addresses).
var volatile = sync.OnceValue(func() []rewrite {
	return []rewrite{
		{regexp.MustCompile(`(?m)(^|\s)\d+:(\s|$)`), "${1}N:${2}"},
		{regexp.MustCompile(`@if\d+`), "@ifN"},
		{regexp.MustCompile(`(?i)\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b`), "MAC"},
		{regexp.MustCompile(`\b[0-9a-f]{4}\.[0-9a-f]{12}\b`), "BRIDGEID"},
		{regexp.MustCompile(`fe80::[0-9a-f:]+`), "fe80::X"},
		// An IPv6 address stays "tentative" for the second of duplicate
		// address detection after its link comes up: a replay that runs at
		// once sees it, a person typing rarely does.
		{regexp.MustCompile(`\s(tentative|optimistic)\b`), ""},
		// The peer's namespace: by id, or by name when ip can resolve it.
		{regexp.MustCompile(`link-netns(id)? \S+`), "link-netns PEER"},
		{regexp.MustCompile(`time=[0-9.]+ ms`), "time=T ms"},
		{regexp.MustCompile(`time \d+ms`), "time Tms"},
		{regexp.MustCompile(`= [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms`), "= R ms"},
		// ping adds ", pipe N" when a reply comes after the next request
		// went out (a slow first reply, ARP): timing too.
		{regexp.MustCompile(`, pipe \d+`), ""},
		// Published pages often lose "<BROADCAST,...>" flag lists to HTML
		// (leaving "eth0@if6150:mtu") or print them in square brackets: the
		// flags are left out of the comparison on both sides ("state UP"
		// still is compared).
		{regexp.MustCompile(`[<\[][A-Z0-9_,-]*[>\]]`), " "},
		{regexp.MustCompile(`:mtu\b`), ": mtu"},
		{regexp.MustCompile(`[<>\[\]]`), " "},
	}
})

// word is a word of normalized output with the line it is on.
type word struct {
	w    string
	line int
}

// normalize masks the volatile parts of s, line by line, and returns its
// words and its lines as masked.
func normalize(s string) ([]word, []string) {
	var words []word
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		for _, v := range volatile() {
			l = v.re.ReplaceAllString(l, v.repl)
		}
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		for _, w := range f {
			words = append(words, word{w, len(lines)})
		}
		lines = append(lines, strings.Join(f, " "))
	}
	return words, lines
}

func texts(ws []word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.w
	}
	return out
}

// Compare reports whether got (what nsh printed) matches want (what the
// tutorial shows), word by word, blank space and volatile values aside;
// "..." in want stands for any words. If not, it shows the two lines
// where they part, side by side, the differing word marked.
func Compare(want, got string) (bool, string) {
	w, wl := normalize(want)
	g, gl := normalize(got)
	w, g = dropOneSided(w, g), dropOneSided(g, w)
	ws, gs := texts(w), texts(g)
	if globMatch(ws, gs) {
		return true, ""
	}
	i := 0
	for i < len(ws) && i < len(gs) && ws[i] == gs[i] {
		i++
	}
	var b strings.Builder
	side := func(who string, words []word, lines []string) {
		if i >= len(words) {
			fmt.Fprintf(&b, "    %-9s (nothing more)\n", who+":")
			return
		}
		at := words[i]
		// The word's column in its line: count the words before it on
		// the same line.
		col, k := 0, i
		for k > 0 && words[k-1].line == at.line {
			k--
		}
		for _, x := range words[k:i] {
			col += len(x.w) + 1
		}
		fmt.Fprintf(&b, "    %-9s %s\n    %-9s %s%s\n", who+":", lines[at.line], "", strings.Repeat(" ", col), strings.Repeat("^", max(len(at.w), 1)))
	}
	side("tutorial", w, wl)
	side("nsh", g, gl)
	return false, strings.TrimSuffix(b.String(), "\n")
}

// versionKeys are the "KEY VALUE" details of "ip -d link" that came or
// went between iproute2 versions (a tutorial printed by ip 4.x lacks
// "minmtu 68"; one printed by 6.1 has "allmulti 0" that 5.x lacks).
var versionKeys = map[string]bool{
	"allmulti": true, "minmtu": true, "maxmtu": true, "numtxqueues": true, "numrxqueues": true,
	"gso_max_size": true, "gso_max_segs": true, "tso_max_size": true, "tso_max_segs": true,
	"gro_max_size": true, "gso_ipv4_max_size": true, "gro_ipv4_max_size": true,
	"parentbus": true, "parentdev": true, "addrgenmode": true,
}

// dropOneSided removes from a the versionKeys pairs whose key b does not
// have at all.
func dropOneSided(a, b []word) []word {
	inB := map[string]bool{}
	for _, w := range b {
		if versionKeys[w.w] {
			inB[w.w] = true
		}
	}
	out := make([]word, 0, len(a))
	for i := 0; i < len(a); i++ {
		if versionKeys[a[i].w] && !inB[a[i].w] && i+1 < len(a) {
			i++ // and its value
			continue
		}
		out = append(out, a[i])
	}
	return out
}

// globMatch matches words with "..." in pattern standing for any run of
// words.
func globMatch(pattern, words []string) bool {
	// match[j] reports whether pattern[:i] matches words[:j].
	match := make([]bool, len(words)+1)
	match[0] = true
	for _, p := range pattern {
		next := make([]bool, len(words)+1)
		if p == "..." {
			any := false
			for j := range match {
				any = any || match[j]
				next[j] = any
			}
		} else {
			for j := 1; j <= len(words); j++ {
				next[j] = match[j-1] && words[j-1] == p
			}
		}
		match = next
	}
	return match[len(words)]
}
