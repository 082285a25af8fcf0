package replay

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

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
}

// Result counts what a walk did.
type Result struct {
	Steps, Ran, Failed, Skipped int
	Compared, Matched           int
	Quit                        bool // stopped by "q", end of input or ctx
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

// Run runs the steps in one nsh interpreter, so that each step sees what
// the ones before it built. A failing step is reported and the walk goes
// on, as a shell running the tutorial without "set -e" would: a tutorial
// often shows a command failing on purpose, or has a mistake later steps
// do not depend on. After a show command whose output the tutorial shows,
// the report says whether nsh printed the same, ignoring indexes, MAC
// addresses, bridge ids and timings.
func Run(ctx context.Context, steps []Step, o Options) (Result, error) {
	res := Result{Steps: len(steps)}
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
	var answers *bufio.Reader
	if !o.Yes && o.In != nil {
		answers = bufio.NewReader(o.In)
	}
walk:
	for i, s := range steps {
		if ctx.Err() != nil {
			res.Quit = true
			break
		}
		fmt.Fprintf(o.Out, "[%d/%d] %s:%d: %s\n", i+1, len(steps), o.Name, s.Line, s.Text)
		if s.Note != "" {
			fmt.Fprintf(o.Out, "    note: %s\n", s.Note)
		}
		if !o.Yes {
			fmt.Fprint(o.Out, "    run it? [Enter: run, s: skip, q: quit] ")
			var line string
			if answers != nil {
				line, err = answers.ReadString('\n')
			} else {
				err = io.EOF
			}
			if err != nil && line == "" {
				fmt.Fprintln(o.Out, "\n    end of input: replay stops here (--yes runs every step)")
				res.Quit = true
				break
			}
			switch strings.TrimSpace(strings.ToLower(line)) {
			case "s", "skip", "n", "no":
				fmt.Fprintln(o.Out, "    skipped")
				res.Skipped++
				continue
			case "q", "quit":
				res.Quit = true
				break walk
			}
		}
		out.buf.Reset()
		// Padding with newlines makes errors name the tutorial's line.
		f, err := lang.Parse(o.Name, []byte(strings.Repeat("\n", max(s.Line-1, 0))+s.Text+"\n"))
		if err == nil {
			err = r.Run(ctx, f)
		}
		res.Ran++
		if err != nil {
			res.Failed++
			fmt.Fprintf(o.Out, "--> step %d failed (exit status %d): %v\n    replay goes on with the next step, as a shell without \"set -e\" would\n", i+1, interp.StatusOf(err), err)
			var exit *interp.ExitError
			if errors.As(err, &exit) || ctx.Err() != nil {
				res.Quit = true
				break
			}
			continue
		}
		report := fmt.Sprintf("--> step %d ok", i+1)
		if s.Show && s.Output != "" {
			res.Compared++
			if ok, why := Compare(s.Output, out.buf.String()); ok {
				res.Matched++
				report += "; output matches the tutorial's (indexes, MAC addresses, bridge ids and timings ignored)"
			} else {
				report += "; output differs from the tutorial's: " + why
			}
		}
		fmt.Fprintln(o.Out, report)
	}
	fmt.Fprintf(o.Out, "replay: %d steps: %d ran, %d failed, %d skipped; %d outputs compared with the tutorial, %d matching\n",
		res.Steps, res.Ran, res.Failed, res.Skipped, res.Compared, res.Matched)
	return res, nil
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

func normalize(s string) []string {
	for _, v := range volatile() {
		s = v.re.ReplaceAllString(s, v.repl)
	}
	return strings.Fields(s)
}

// Compare reports whether got (what nsh printed) matches want (what the
// tutorial shows), word by word, blank space and volatile values aside;
// "..." in want stands for any words. If not, it says where they part.
func Compare(want, got string) (bool, string) {
	w, g := normalize(want), normalize(got)
	w, g = dropOneSided(w, g), dropOneSided(g, w)
	if globMatch(w, g) {
		return true, ""
	}
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	switch {
	case i < len(w) && i < len(g):
		return false, fmt.Sprintf("word %d is %q there, %q here", i+1, w[i], g[i])
	case i < len(w):
		return false, fmt.Sprintf("the tutorial shows more, from word %d: %q", i+1, w[i])
	}
	return false, fmt.Sprintf("nsh printed more, from word %d: %q", i+1, g[i])
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
func dropOneSided(a, b []string) []string {
	inB := map[string]bool{}
	for _, w := range b {
		if versionKeys[w] {
			inB[w] = true
		}
	}
	out := make([]string, 0, len(a))
	for i := 0; i < len(a); i++ {
		if versionKeys[a[i]] && !inB[a[i]] && i+1 < len(a) {
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
