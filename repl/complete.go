package repl

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/ns"
)

// Session is what the completer reads of the interpreter: the session's
// current namespace, and the names of its variables and procedures.
// *interp.Runner implements it.
type Session interface {
	NS() ns.Ref
	Vars() []string
	Procs() []string
}

// Completer computes completions of a partly typed nsh line, live from
// the kernel: namespace names from the host's run directory, interface
// names from the netlink handle of the namespace the line acts in.
type Completer struct {
	host     *ns.Host
	state    *builtins.State
	sess     Session
	commands []string // the handler chain's command words

	// mu serialises completion with statements: the REPL holds it while
	// a statement runs, and a completion that cannot get it offers
	// nothing rather than read the interpreter concurrently.
	mu sync.Mutex
}

// NewCompleter returns a completer over host and state (the ones the
// session's interpreter uses) for the session sess.
func NewCompleter(host *ns.Host, state *builtins.State, sess Session) *Completer {
	return &Completer{host: host, state: state, sess: sess, commands: netCommands}
}

// Complete returns the candidates for the word that ends at the end of
// line, given the earlier lines of an unfinished block (pending). Each
// candidate is the whole word, followed by a space when it is complete.
// word is the partial word as typed, which the candidates replace.
func (c *Completer) Complete(pending []string, line string) (cands []string, word string) {
	if !c.mu.TryLock() {
		return nil, ""
	}
	defer c.mu.Unlock()
	text := strings.Join(append(append([]string(nil), pending...), StripPrompt(line, c.sess.Procs())), "\n")
	sc := scan(text)
	if sc.comment || !sc.plain {
		return nil, sc.cur
	}
	q := &query{c: c, cur: sc.cur, target: c.sess.NS()}
	for i := len(sc.blocks) - 1; i >= 0; i-- {
		if w := sc.blocks[i]; w != "" {
			if r, ok := c.resolve(w); ok {
				q.target = r
				break
			}
		}
	}
	if i := strings.LastIndexByte(sc.cur, '$'); i >= 0 {
		return q.vars(sc.cur[:i], sc.cur[i+1:]), sc.cur
	}
	words := sc.words
	if len(words) > 0 && words[0] == "sudo" {
		words = words[1:]
	}
	q.command(words)
	return q.result(), sc.cur
}

// resolve turns a namespace word of the line into a Ref, refusing words
// that still hold expansions.
func (c *Completer) resolve(w string) (ns.Ref, bool) {
	if strings.ContainsAny(w, "$") {
		return ns.Ref{}, false
	}
	r, err := c.host.Resolve(w)
	return r, err == nil
}

// query is one completion request.
type query struct {
	c      *Completer
	cur    string
	target ns.Ref
	out    []string
	// ordered keeps the candidates in the order offered (a command's
	// objects and verbs, in its table's order) instead of sorting them.
	ordered bool
	creates bool // the verb creates the device its "dev" names
	links   []netlink.Link
	loaded  bool
}

// offer adds the words of list that start with the partial word, each
// followed by a space.
func (q *query) offer(list ...string) {
	for _, w := range list {
		if strings.HasPrefix(w, q.cur) {
			q.out = append(q.out, w+" ")
		}
	}
}

// result sorts (unless ordered) and deduplicates the candidates.
func (q *query) result() []string {
	if q.ordered {
		seen := map[string]bool{}
		out := q.out[:0]
		for _, w := range q.out {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
		return out
	}
	sort.Strings(q.out)
	out := q.out[:0]
	for i, w := range q.out {
		if i == 0 || w != q.out[i-1] {
			out = append(out, w)
		}
	}
	return out
}

// vars offers "$name" for each variable starting with prefix.
func (q *query) vars(before, prefix string) []string {
	brace := strings.HasPrefix(prefix, "{")
	prefix = strings.TrimPrefix(prefix, "{")
	names := q.c.sess.Vars()
	sort.Strings(names)
	var out []string
	for _, v := range names {
		if strings.HasPrefix(v, prefix) {
			if brace {
				out = append(out, before+"${"+v+"}")
			} else {
				out = append(out, before+"$"+v)
			}
		}
	}
	return out
}

// namespaces offers the names under the run directory.
func (q *query) namespaces() {
	names, err := q.c.host.List()
	if err != nil {
		return
	}
	q.offer(names...)
}

// loadLinks lists the links of the target namespace, with their
// attributes, through the namespace's cached netlink handle (once per
// query).
func (q *query) loadLinks() []netlink.Link {
	if q.loaded {
		return q.links
	}
	q.loaded = true
	h, release, err := q.c.state.Acquire(q.target)
	if err != nil {
		return nil
	}
	defer release()
	q.links, _ = builtins.Retry(func() ([]netlink.Link, error) { return h.LinkList() })
	return q.links
}

// ifnames offers the interface names of the target namespace for which
// keep returns true. With keep nil, the names come from the namespace's
// /proc/net/dev instead of a netlink dump: the kernel fills a full
// RTM_NEWLINK (stats, IPv6 settings, link info) for every link of a dump,
// which with 2,000 links takes 15 ms, when the names alone take 2 ms.
func (q *query) ifnames(keep func(netlink.Link) bool) {
	if keep == nil {
		names, err := q.c.netDevNames(q.target)
		if err == nil {
			q.offer(names...)
			return
		}
	}
	for _, l := range q.loadLinks() {
		if keep == nil || keep(l) {
			q.offer(l.Attrs().Name)
		}
	}
}

// inNS runs fn on a thread inside namespace r, for reading files whose
// content depends on the reading thread's namespace (/proc/thread-self/net,
// /proc/sys/net).
func (c *Completer) inNS(r ns.Ref, fn func() error) error {
	return c.host.Do(r, fn)
}

// netDevNames returns the interface names of namespace r from
// /proc/thread-self/net/dev read on a thread inside r (HAZARDS #3: never
// /proc/self). Interface names cannot contain ":", which ends each name
// there.
func (c *Completer) netDevNames(r ns.Ref) ([]string, error) {
	var data []byte
	err := c.inNS(r, func() error {
		var err error
		data, err = os.ReadFile("/proc/thread-self/net/dev")
		return err
	})
	if err != nil {
		return nil, err
	}
	var names []string
	for i, line := range strings.Split(string(data), "\n") {
		if i < 2 {
			continue // the two header lines
		}
		if j := strings.IndexByte(line, ':'); j > 0 {
			names = append(names, strings.TrimSpace(line[:j]))
		}
	}
	return names, nil
}

// bridges offers the bridges of the target namespace.
func (q *query) bridges() {
	q.ifnames(func(l netlink.Link) bool { return l.Type() == "bridge" })
}

// portsOf offers the interfaces enslaved to the bridge named br.
func (q *query) portsOf(br string) {
	idx := -1
	for _, l := range q.loadLinks() {
		if l.Attrs().Name == br {
			idx = l.Attrs().Index
		}
	}
	q.ifnames(func(l netlink.Link) bool { return l.Attrs().MasterIndex == idx })
}

// files offers file names for "source".
func (q *query) files() {
	dir, base := filepath.Split(q.cur)
	d := dir
	if d == "" {
		d = "."
	}
	ents, err := os.ReadDir(d)
	if err != nil {
		return
	}
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, base) || strings.HasPrefix(n, ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		if e.IsDir() {
			q.out = append(q.out, dir+n+"/")
		} else {
			q.out = append(q.out, dir+n+" ")
		}
	}
}

// command completes the word after words, the words of a command before
// the cursor.
func (q *query) command(words []string) {
	if len(words) == 0 {
		q.offer(langCommands...)
		q.offer(q.c.commands...)
		q.offer(q.c.sess.Procs()...)
		return
	}
	args := words[1:]
	switch words[0] {
	case "sudo", "exec":
		q.command(args)
	case "in":
		if len(args) == 0 {
			q.namespaces()
			q.offer(".", "pid")
		}
	case "if":
		if len(args) > 0 && args[0] == "!" {
			args = args[1:]
		}
		if len(args) == 0 {
			q.offer("exists", "!")
			return
		}
		if args[0] == "exists" {
			q.exists(args[1:])
		}
	case "exists":
		q.exists(args)
	case "source", ".":
		if len(args) == 0 {
			q.files()
		}
	case "help":
		q.help(args)
	case "ip":
		q.model(&spec.IP, args)
	case "brctl":
		q.brctl(args)
	case "bridge":
		q.model(&spec.Bridge, args)
	case "ping":
		q.ping(args)
	case "sysctl":
		q.sysctl(args)
	}
}

// programs offers the executables of the directories of PATH.
func (q *query) programs() {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			continue
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if e.IsDir() {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue
			}
			if info.Mode()&os.ModeSymlink != 0 { // what it links to
				if fi, err := os.Stat(filepath.Join(dir, e.Name())); err == nil {
					info = fi
				}
			}
			if info.Mode().IsRegular() && info.Mode()&0o111 != 0 {
				q.offer(e.Name())
			}
		}
	}
}

func (q *query) exists(args []string) {
	switch {
	case len(args) == 0:
		q.offer("netns", "link")
	case len(args) == 1 && args[0] == "netns":
		q.namespaces()
	case len(args) == 1 && args[0] == "link":
		q.ifnames(nil)
	}
}

func (q *query) help(args []string) {
	if len(args) > 0 {
		if c := spec.Lookup(args[0]); c != nil {
			if len(args) == 1 {
				for _, o := range c.Objects {
					if o.Usage != "" && o.Name != "help" && o.Canon == "" {
						q.offer(o.Name)
					}
				}
			}
			return
		}
	}
	if len(args) == 0 {
		q.offer("ip", "bridge", "brctl")
	}
	prefix := strings.Join(args, " ")
	for topic := range helpTopics {
		if topic == "" {
			continue // "help" alone
		}
		if prefix == "" && !strings.Contains(topic, " ") {
			q.offer(topic)
			continue
		}
		if rest, ok := strings.CutPrefix(topic, prefix+" "); ok && prefix != "" && !strings.Contains(rest, " ") {
			q.offer(rest)
		}
	}
}

func contains(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}

// last returns the last of words, or "" when there is none.
func last(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return words[len(words)-1]
}
