package repl

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/builtins"
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
	links  []netlink.Link
	loaded bool
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

// result sorts and deduplicates the candidates.
func (q *query) result() []string {
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
		q.ip(args)
	case "brctl":
		q.brctl(args)
	case "bridge":
		q.bridge(args)
	case "ping":
		q.ping(args)
	case "sysctl":
		q.sysctl(args)
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
	prefix := strings.Join(args, " ")
	for topic := range helpTopics {
		if prefix == "" && !strings.Contains(topic, " ") {
			q.offer(topic)
			continue
		}
		if rest, ok := strings.CutPrefix(topic, prefix+" "); ok && prefix != "" && !strings.Contains(rest, " ") {
			q.offer(rest)
		}
	}
}

// ip completes "ip [OPTIONS] OBJECT ...".
func (q *query) ip(args []string) {
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		o := strings.TrimLeft(args[i], "-")
		if o == "n" || builtins.Is(o, "netns") || builtins.Is(o, "batch") || builtins.Is(o, "family") || o == "rc" {
			if i+1 == len(args) {
				if o == "n" || builtins.Is(o, "netns") {
					q.namespaces()
				}
				return
			}
			if o == "n" || builtins.Is(o, "netns") {
				if r, ok := q.c.resolve(args[i+1]); ok {
					q.target = r
				}
			}
			i += 2
			continue
		}
		i++
	}
	if i == len(args) {
		if strings.HasPrefix(q.cur, "-") {
			q.offer(ipOptions...)
		} else {
			q.offer(ipObjectsOffered...)
		}
		return
	}
	obj, _ := builtins.Match(args[i], ipObjects...)
	rest := args[i+1:]
	switch obj {
	case "link":
		q.ipLink(rest)
	case "address":
		q.ipAddr(rest)
	case "route":
		q.ipRoute(rest)
	case "netns":
		q.ipNetns(rest)
	case "rule":
		q.ipRule(rest)
	case "neighbor", "neighbour":
		q.ipNeigh(rest)
	case "tuntap", "tap":
		q.ipTuntap(rest)
	default:
		// Objects without a table here: device names after "dev".
		if len(rest) > 0 && rest[len(rest)-1] == "dev" {
			q.ifnames(nil)
		}
	}
}

// value completes the value of keyword kw and reports whether kw takes
// one.
func (q *query) value(kw string) bool {
	switch kw {
	case "dev", "link", "master", "vrf", "iif", "oif":
		q.ifnames(nil)
		return true
	case "netns", "link-netns":
		q.namespaces()
		return true
	case "type":
		q.offer(linkTypes...)
		return true
	}
	vals, ok := keywordValues[kw]
	q.offer(vals...)
	return ok
}

// device finds the device of "ip link set/del/show" arguments: the word
// after "dev", or the first word that is not a keyword or a keyword's
// value.
func device(args []string, keywords []string) (dev string, found bool) {
	for i := 0; i < len(args); i++ {
		w := args[i]
		if w == "dev" {
			if i+1 < len(args) {
				return args[i+1], true
			}
			return "", false
		}
		if contains(keywords, w) {
			if takesValue(w) {
				i++
			}
			continue
		}
		return w, true
	}
	return "", false
}

// takesValue reports whether keyword kw is followed by a value.
func takesValue(kw string) bool {
	switch kw {
	case "dev", "link", "master", "vrf", "iif", "oif", "netns", "link-netns", "type":
		return true
	}
	_, ok := keywordValues[kw]
	return ok
}

func contains(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}

func (q *query) ipLink(rest []string) {
	if len(rest) == 0 {
		q.offer(linkVerbsOffered...)
		return
	}
	verb, _ := builtins.Match(rest[0], linkVerbs...)
	args := rest[1:]
	prev := last(args)
	switch verb {
	case "add":
		q.linkAdd(args)
	case "set", "change":
		if len(args) == 0 {
			q.offer("dev")
			q.ifnames(nil)
			return
		}
		if t := typeIndex(args); t >= 0 {
			q.linkTypeArgs(args[t], args[t+1:])
			return
		}
		if prev == "type" {
			q.offer(linkTypes...)
			q.offer("bridge_slave")
			return
		}
		if q.value(prev) {
			return
		}
		if _, ok := device(args, linkSetKeywords); !ok {
			q.offer("dev")
			q.ifnames(nil)
		}
		q.offer(linkSetKeywords...)
	case "delete":
		if len(args) == 0 {
			q.offer("dev")
			q.ifnames(nil)
			return
		}
		if q.value(prev) {
			return
		}
		q.offer("type")
	case "show", "list", "lst":
		q.showArgs(args, prev, linkShowKeywords)
	}
}

// showArgs completes the arguments of a show command: the value of the
// keyword before, else the device (until one is given) and keywords.
func (q *query) showArgs(args []string, prev string, keywords []string) {
	if q.value(prev) {
		return
	}
	if _, ok := device(args, keywords); !ok {
		q.ifnames(nil)
	}
	q.offer(keywords...)
}

// linkAdd completes "ip link add [NAME] KEYWORDS... [type TYPE ARGS...]".
func (q *query) linkAdd(args []string) {
	typ := typeIndex(args)
	if typ < 0 {
		if len(args) == 0 {
			return // the new link's name
		}
		if q.value(args[len(args)-1]) {
			return
		}
		q.offer(linkAddKeywords...)
		return
	}
	q.linkTypeArgs(args[typ], args[typ+1:])
}

func (q *query) ipAddr(rest []string) {
	if len(rest) == 0 {
		q.offer(addrVerbsOffered...)
		return
	}
	verb, _ := builtins.Match(rest[0], addrVerbs...)
	args := rest[1:]
	prev := last(args)
	switch verb {
	case "add", "change", "replace", "delete":
		if len(args) == 0 {
			return // the address
		}
		if q.value(prev) {
			return
		}
		q.offer(addrAddKeywords...)
	case "show", "list", "lst", "flush":
		q.showArgs(args, prev, addrShowKeywords)
	}
}

func (q *query) ipRoute(rest []string) {
	if len(rest) == 0 {
		q.offer(routeVerbsOffer...)
		return
	}
	verb, _ := builtins.Match(rest[0], routeVerbs...)
	args := rest[1:]
	prev := last(args)
	if prev == "type" {
		q.offer(routeTypes...)
		return
	}
	switch verb {
	case "add", "change", "replace", "prepend", "append", "delete", "test":
		if len(args) == 0 || len(args) == 1 && contains(routeTypes, args[0]) {
			// [TYPE] PREFIX
			q.offer("default")
			if len(args) == 0 {
				q.offer(routeTypes...)
			}
			return
		}
		for i := len(args) - 1; i >= 0; i-- {
			if args[i] == "nexthop" {
				q.routeNexthop(args[i+1:])
				return
			}
		}
		if q.value(prev) {
			return
		}
		q.offer(routeAddKeywords...)
	case "show", "list", "lst", "flush":
		if q.value(prev) {
			return
		}
		q.offer(routeShowKeyword...)
	case "get":
		if len(args) == 0 {
			return
		}
		if q.value(prev) {
			return
		}
		q.offer(routeGetKeywords...)
	}
}

func (q *query) ipNetns(rest []string) {
	if len(rest) == 0 {
		q.offer(netnsVerbsOffer...)
		return
	}
	verb, _ := builtins.Match(rest[0], netnsVerbs...)
	args := rest[1:]
	switch verb {
	case "exec":
		if len(args) == 0 {
			q.namespaces()
			return
		}
		if r, ok := q.c.resolve(args[0]); ok {
			q.target = r
		}
		q.command(args[1:])
	case "delete":
		if len(args) == 0 {
			q.namespaces()
			q.offer("-all")
		}
	case "set", "identify", "pids":
		if len(args) == 0 {
			q.namespaces()
		}
	}
}

// brctl completes bridge-utils' command lines.
func (q *query) brctl(args []string) {
	if len(args) == 0 {
		q.offer(brctlCommands...)
		return
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "addbr":
	case "delbr", "show", "showmacs", "showstp", "setageing", "setbridgeprio", "setfd", "sethello", "setmaxage":
		if len(rest) == 0 {
			q.bridges()
		}
	case "stp":
		switch len(rest) {
		case 0:
			q.bridges()
		case 1:
			q.offer("on", "off")
		}
	case "addif":
		if len(rest) == 0 {
			q.bridges()
			return
		}
		q.ifnames(func(l netlink.Link) bool { return l.Attrs().MasterIndex == 0 && l.Type() != "bridge" })
	case "delif", "setpathcost", "setportprio", "hairpin":
		switch {
		case len(rest) == 0:
			q.bridges()
		case len(rest) == 1 || cmd == "delif":
			q.portsOf(rest[0])
		case len(rest) == 2 && cmd == "hairpin":
			q.offer("on", "off")
		}
	}
}

// bridge completes iproute2's bridge command lines.
func (q *query) bridge(args []string) {
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		o := strings.TrimLeft(args[i], "-")
		if o == "n" || builtins.Is(o, "netns") {
			if i+1 == len(args) {
				q.namespaces()
				return
			}
			if r, ok := q.c.resolve(args[i+1]); ok {
				q.target = r
			}
			i += 2
			continue
		}
		i++
	}
	if i == len(args) {
		q.offer(bridgeObjectsOffer...)
		return
	}
	obj, _ := builtins.Match(args[i], bridgeObjects...)
	q.bridgeObject(obj, args[i+1:])
}

// last returns the last of words, or "" when there is none.
func last(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return words[len(words)-1]
}
