// Package replay walks a network tutorial as people publish it: plain
// text, Markdown with fenced code, lines with shell prompts, or several
// commands and their output run together on one line. Extract finds the
// ip, brctl, bridge, ping and sysctl commands in order, with the output
// the tutorial shows after each; Run runs them one step at a time (or all
// at once) in nsh and reports, step by step, whether a command failed and
// whether a show command's output matches the tutorial's.
//
// Where a command ends is decided by the command's own grammar, as
// iproute2, bridge-utils and iputils read their arguments: "ip netns list"
// takes no argument, so "ns2 ns1" after it is output; "ip a" followed by
// "1: lo:" is a show command and its output; "ip link add ..." takes
// everything up to the next prompt ("#", "$", ">", "[root@host ~]#") or
// the next command. Words that merely look like a command in prose ("the
// ip netns command", "a bridge interface", "ip netns exec <namespace>")
// are rejected because they do not parse.
package replay

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/nshlab/nsh/builtins"
)

// Step is one command of a tutorial.
type Step struct {
	Line int    // line of the tutorial where the command starts (1-based)
	Text string // the command as an nsh line: prompt and sudo removed
	// Output is what the tutorial shows after a show command, words
	// separated by single blanks or newlines; empty if it shows none.
	Output string
	// Show is true for commands that print state (ip ... show, ip a,
	// brctl show, bridge link, ping, reading sysctl), whose output can
	// be compared with the tutorial's.
	Show bool
	// Note says what replay changed or why output is not compared.
	Note string
}

// token is a word of the tutorial with its line.
type token struct {
	text string
	line int
}

// promptRE matches shell prompts with a user and host ("[root@localhost
// ~]#", "user@box:~$"), replaced by a lone "#" before splitting words.
var promptRE = regexp.MustCompile(`\[[^\]\s]+@[^\]]*\][#$]|\b[\w.-]+@[\w.-]+:[^\s]*[#$]`)

// isPrompt reports whether a word is a prompt or comment marker.
func isPrompt(w string) bool { return w == "#" || w == "$" || w == ">" || w == "%" }

// commandWords start the commands replay extracts.
var commandWords = map[string]bool{"ip": true, "brctl": true, "bridge": true, "ping": true, "sysctl": true}

// tokenize splits the tutorial into words, joining lines continued with
// a trailing backslash and dropping Markdown fences and inline-code
// backticks (inline code inside a sentence is dropped). Fenced blocks are marked so that output inside them may
// contain blank lines.
func tokenize(src string) (lines [][]token, fenced []bool) {
	inFence := false
	raw := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	for i := 0; i < len(raw); i++ {
		l := raw[i]
		n := i + 1
		if strings.HasPrefix(strings.TrimSpace(l), "```") || strings.HasPrefix(strings.TrimSpace(l), "~~~") {
			inFence = !inFence
			lines = append(lines, nil)
			fenced = append(fenced, inFence)
			continue
		}
		for strings.HasSuffix(strings.TrimRight(l, " \t"), "\\") && i+1 < len(raw) {
			l = strings.TrimSuffix(strings.TrimRight(l, " \t"), "\\") + " " + raw[i+1]
			i++
			lines = append(lines, nil)
			fenced = append(fenced, inFence)
		}
		l = promptRE.ReplaceAllString(l, " # ")
		var toks []token
		if spans := strings.Split(l, "`"); !inFence && len(spans) >= 3 && len(spans)%2 == 1 {
			// Prose with inline code: a span that is the whole line is
			// a command; spans inside sentences are references to
			// commands ("then `ip link` shows it"), not steps.
			if t := strings.TrimSpace(l); len(spans) == 3 && strings.HasPrefix(t, "`") && strings.HasSuffix(t, "`") {
				for _, w := range strings.Fields(spans[1]) {
					toks = append(toks, token{text: w, line: n})
				}
			}
		} else {
			for _, w := range strings.Fields(l) {
				w = strings.Trim(w, "`")
				if w == "" {
					continue
				}
				toks = append(toks, token{text: w, line: n})
			}
		}
		// Lines continued with "\" report the first line's number.
		lines = append(lines, toks)
		fenced = append(fenced, inFence)
	}
	return lines, fenced
}

// Extract returns the commands of a tutorial in order.
func Extract(src string) []Step {
	lines, fenced := tokenize(src)
	var steps []Step
	inNS := "" // after "ip netns exec NS bash": the namespace until "exit"
	for li := 0; li < len(lines); li++ {
		toks := lines[li]
		words := texts(toks)
		next := li + 1 // the line after this one's commands and output
		if len(words) > 0 && strings.HasPrefix(words[0], "//") {
			continue // a "// comment" line of a code block
		}
		for i := 0; i < len(toks); {
			if words[i] == "exit" && (i == 0 || isPrompt(words[i-1])) && inNS != "" {
				inNS = ""
				i++
				continue
			}
			p, ok := parseAt(words, i)
			if !ok && typedLine(words, i) {
				// "sudo ip netns red ip address add ...": a line typed
				// as a command that is not a valid one. It runs as
				// written, and fails as it did for the tutorial's
				// reader, rather than as the command inside it.
				st := Step{Line: toks[i].line, Text: strings.Join(words[i+1:], " "), Note: "sudo dropped; not a valid command line"}
				if inNS != "" {
					st.Text = "ip netns exec " + inNS + " " + st.Text
				}
				steps = append(steps, st)
				break
			}
			if !ok {
				i++
				continue
			}
			if p.skip || p.enter != "" {
				if p.enter != "" {
					inNS = p.enter
				}
				i = p.end
				continue
			}
			st := Step{Line: toks[i].line, Text: strings.Join(p.words, " "), Show: p.show, Note: p.note}
			if inNS != "" {
				st.Text = "ip netns exec " + inNS + " " + st.Text
			}
			// "ip -d link show |grep veth1": a pipe into plain filters
			// stays in the step, as in the tutorial, and the output the
			// tutorial shows is the filter's.
			for {
				f, end, ok := parsePipe(words, p.end)
				if !ok {
					break
				}
				st.Text += " | " + strings.Join(f, " ")
				p.end = end
			}
			piped := isPipe(words, p.end)
			if piped {
				// Any other pipe ("| awk '{print $2}'", "| less"): the
				// command runs alone and its output is not compared.
				st.Note = join(st.Note, "the tutorial pipes this command's output ("+words[p.end]+" ...) into a program replay does not keep: the pipe is left out and the output not compared")
			}
			// Output on the same line runs up to the next prompt or command.
			j := p.end
			for j < len(toks) && !isPrompt(words[j]) {
				if q, ok := parseAt(words, j); ok && !q.skip {
					break
				}
				j++
			}
			if st.Show && !piped {
				st.Output = strings.Join(words[p.end:j], " ")
				if p.end == len(toks) {
					// The command ends its line: its output, if the
					// tutorial shows any, is on the lines that follow.
					st.Output, next = followingOutput(lines, fenced, li+1)
				}
			}
			steps = append(steps, st)
			i = max(j, i+1)
		}
		li = next - 1
	}
	return steps
}

// typedLine reports whether words[i:] is a whole line typed as a
// command: "sudo ip|brctl|bridge ..." at the start of the line (after a
// prompt), every word plain. Prose does not start with sudo.
func typedLine(words []string, i int) bool {
	if words[i] != "sudo" || i+1 >= len(words) || !commandWords[words[i+1]] || words[i+1] == "ping" || words[i+1] == "sysctl" {
		return false
	}
	for k := 0; k < i; k++ {
		if !isPrompt(words[k]) {
			return false
		}
	}
	for _, w := range words[i+1:] {
		if !plain(w) || isPrompt(w) {
			return false
		}
	}
	return true
}

func texts(toks []token) []string {
	w := make([]string, len(toks))
	for i, t := range toks {
		w[i] = t.text
	}
	return w
}

// outputLineRE matches lines that look like the output of the commands
// replay extracts (ip, brctl, bridge, ping, sysctl), as opposed to prose.
var outputLineRE = regexp.MustCompile(`^(\d+: |\s*(link/|inet6? |valid_lft|altname|alias )|PING |\d+ bytes from |From \S+ icmp_seq|--- \S+ ping statistics|\d+ packets transmitted|rtt |pipe |default |(local |broadcast |unreachable |blackhole |prohibit )?[0-9a-f]+[.:][0-9a-f.:]*(/\d+)? |bridge name\s|\S+\s+[0-9a-f]{4}\.[0-9a-f]{12}\s|[a-z0-9_]+(\.[\w-]+)+ = |[\w.-]+( \(id: \d+\))?$|[\w.@-]+ +(UP|DOWN|UNKNOWN|LOWERLAYERDOWN|DORMANT|NOTPRESENT|TESTING)( |$))`)

// pingStatsRE matches the first line of ping's statistics.
var pingStatsRE = regexp.MustCompile(`^--- \S+ ping statistics ---$`)

// followingOutput collects the output lines after a command that ended
// its line: in a fenced block, every line up to the next prompt or the
// fence; elsewhere, lines that look like output, up to a blank line,
// prompt or prose. It returns the output and the index of the first line
// after it.
func followingOutput(lines [][]token, fenced []bool, from int) (string, int) {
	var out []string
	k := from
	for ; k < len(lines); k++ {
		toks := lines[k]
		if len(toks) == 0 {
			if fenced[k] && k > 0 && fenced[k-1] {
				continue
			}
			// ping's statistics come after a blank line.
			if len(out) > 0 && k+1 < len(lines) && pingStatsRE.MatchString(strings.Join(texts(lines[k+1]), " ")) {
				continue
			}
			break
		}
		words := texts(toks)
		if isPrompt(words[0]) {
			break
		}
		if p, ok := parseAt(words, 0); ok && !p.skip {
			break
		}
		line := strings.Join(words, " ")
		if !fenced[k] && !outputLineRE.MatchString(line) {
			break
		}
		out = append(out, line)
	}
	// Lone words followed by prose are a heading ("veth"), not a list of
	// namespaces.
	if len(out) > 0 && k < len(lines) && len(lines[k]) > 0 && !isPrompt(lines[k][0].text) {
		single := true
		for _, l := range out {
			single = single && !strings.Contains(l, " ")
		}
		if p, ok := parseAt(texts(lines[k]), 0); single && !(ok && !p.skip) {
			return "", from
		}
	}
	return strings.Join(out, "\n"), k
}

// parsed is a command found at some word.
type parsed struct {
	words []string // the command's words (sudo removed)
	end   int      // index of the first word after the command
	show  bool
	skip  bool   // a command replay does not run (ip netns exec NS tcpdump)
	enter string // "ip netns exec NS bash": an interactive shell in NS
	note  string
}

// parseAt tries to read a command starting at words[i].
func parseAt(words []string, i int) (parsed, bool) {
	start := i
	if words[i] == "sudo" {
		i++
		for i < len(words) && (words[i] == "-E" || words[i] == "-H" || words[i] == "-n" || words[i] == "-S") {
			i++
		}
		if i >= len(words) {
			return parsed{}, false
		}
	}
	if words[i] == "echo" {
		p, ok := parseEchoSysctl(words, i)
		if ok && start != i {
			p.note = join(p.note, "sudo dropped")
		}
		return p, ok
	}
	if !commandWords[words[i]] {
		return parsed{}, false
	}
	var (
		p  parsed
		ok bool
	)
	switch words[i] {
	case "ip":
		p, ok = parseIP(words, i)
	case "brctl":
		p, ok = parseBrctl(words, i)
	case "bridge":
		p, ok = parseBridge(words, i)
	case "ping":
		p, ok = parsePing(words, i)
	case "sysctl":
		p, ok = parseSysctl(words, i)
	}
	if !ok {
		return parsed{}, false
	}
	if start != i {
		p.note = join(p.note, "sudo dropped")
	}
	return p, true
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// terminator reports whether words[i] ends a command: the end, a prompt
// or comment marker, a shell operator, or the start of another command.
func terminator(words []string, i int) bool {
	if i >= len(words) {
		return true
	}
	w := words[i]
	if isPrompt(w) || strings.HasPrefix(w, "|") || w == ";" || w == "&&" || w == "||" {
		return true
	}
	if w == "sudo" || w == "echo" || commandWords[w] {
		_, ok := parseAt(words, i)
		return ok
	}
	return false
}

// filters are the programs a pipe may lead into and still be kept in a
// step: each with the options that take a separate argument (as getopt
// strings list them) and whether it takes one operand (a pattern, a
// program, a script) after its options.
var filters = map[string]struct {
	optArgs string
	operand bool
}{
	"grep": {"efABCmd", true}, "egrep": {"efABCmd", true},
	"head": {"nc", false}, "tail": {"nc", false}, "wc": {"", false},
	"sort": {"kto", false}, "awk": {"Fvf", true}, "sed": {"ef", true},
	"cut": {"bcdf", false},
}

// isPipe reports whether words[i] starts a pipe: "|" alone or glued to
// the next program ("|grep"), but not "||".
func isPipe(words []string, i int) bool {
	return i < len(words) && strings.HasPrefix(words[i], "|") && !strings.HasPrefix(words[i], "||")
}

// parsePipe reads "| FILTER ARGS..." at words[i], where FILTER is one of
// filters and its arguments are plain words: its options, their values
// and its operand, up to the end, a prompt, another pipe or command. It
// returns the filter's words and the index after them.
func parsePipe(words []string, i int) ([]string, int, bool) {
	if !isPipe(words, i) {
		return nil, i, false
	}
	name := words[i][1:]
	i++
	if name == "" {
		if i >= len(words) {
			return nil, i, false
		}
		name = words[i]
		i++
	}
	f, ok := filters[name]
	if !ok {
		return nil, i, false
	}
	out := []string{name}
	arg := func() bool {
		if terminator(words, i) || !plain(words[i]) {
			return false
		}
		out = append(out, words[i])
		i++
		return true
	}
	operand := f.operand
	for !terminator(words, i) && len(words[i]) > 1 && words[i][0] == '-' {
		o := words[i]
		if !arg() {
			return nil, i, false
		}
		if len(o) == 2 && strings.IndexByte(f.optArgs, o[1]) >= 0 {
			if o == "-e" || o == "-f" && name != "cut" {
				operand = false // the pattern or program is the option's value
			}
			if !arg() {
				return nil, i, false
			}
		}
	}
	if operand && !arg() {
		return nil, i, false
	}
	return out, i, true
}

// plain reports whether w can be an argument word: no placeholder
// ("<namespace>", "...", "NAME|..."), no quote or shell syntax.
func plain(w string) bool {
	if w == "..." || strings.ContainsAny(w, "<>{}()'\"$;&*|`") {
		return false
	}
	return true
}

// outputWord reports whether w looks like the first word of a show
// command's output rather than an argument: "1:", "6149:", "default",
// an address.
var outputWordRE = regexp.MustCompile(`^(\d+:.*|default|PING|[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(/\d+)?|[0-9a-f]*:[0-9a-f:]+(/\d+)?)$`)

// ipObjects is iproute2's ip.c command table, in its order (the order is
// the abbreviation rule).
var ipObjects = []string{"address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour", "ntable", "ntbl", "link", "l2tp", "fou", "ila", "macsec", "tunnel", "tunl", "tuntap", "tap", "token", "tcpmetrics", "tcp_metrics", "monitor", "xfrm", "mroute", "mrule", "netns", "netconf", "vrf", "sr", "nexthop", "mptcp", "ioam", "stats", "help"}

// ipVerbs are the verbs of the objects replay runs, in iproute2's order.
var ipVerbs = map[string][]string{
	"address":   {"add", "change", "replace", "delete", "list", "show", "lst", "flush", "save", "restore", "showdump", "help"},
	"route":     {"add", "change", "replace", "prepend", "append", "test", "delete", "list", "show", "lst", "flush", "get", "save", "restore", "showdump", "help"},
	"rule":      {"add", "delete", "list", "show", "lst", "flush", "save", "restore", "help"},
	"neighbor":  {"add", "change", "replace", "delete", "list", "show", "lst", "flush", "get", "help"},
	"neighbour": {"add", "change", "replace", "delete", "list", "show", "lst", "flush", "get", "help"},
	"link":      {"add", "change", "set", "replace", "delete", "show", "lst", "list", "xstats", "afstats", "property", "help"},
	"netns":     {"list", "lst", "show", "add", "attach", "set", "delete", "identify", "pids", "exec", "monitor", "list-id", "help"},
	"tuntap":    {"add", "delete", "list", "show", "lst", "help"},
	"maddress":  {"add", "delete", "list", "show", "lst", "help"},
}

var showVerbs = map[string]bool{"list": true, "show": true, "lst": true, "showdump": true, "get": true, "list-id": true, "identify": true}

// ipOptions are ip's global options; the ones in ipOptionArgs take a value.
var ipOptions = []string{"-4", "-6", "-0", "-d", "-details", "-s", "-stats", "-statistics", "-br", "-brief", "-c", "-color", "-j", "-json", "-p", "-pretty", "-o", "-oneline", "-a", "-all", "-t", "-ts", "-timestamp", "-h", "-human", "-human-readable", "-r", "-resolve", "-N", "-Numeric", "-force", "-iec", "-echo", "-f", "-family", "-n", "-netns", "-l", "-loops", "-rc", "-rcvbuf", "-b", "-batch"}
var ipOptionArgs = map[string]bool{"-f": true, "-family": true, "-n": true, "-netns": true, "-l": true, "-loops": true, "-rc": true, "-rcvbuf": true, "-b": true, "-batch": true}

// showKeys are the keywords with a value that show commands accept.
var showKeys = map[string]bool{"dev": true, "type": true, "master": true, "vrf": true, "group": true, "table": true, "scope": true, "proto": true, "protocol": true, "label": true, "to": true, "from": true, "via": true, "src": true, "br": true, "vlan": true, "nud": true, "iif": true, "oif": true, "tos": true, "mark": true, "pref": true, "priority": true, "lookup": true}
var showFlags = map[string]bool{"up": true, "permanent": true, "dynamic": true, "primary": true, "secondary": true, "tentative": true, "deprecated": true, "dadfailed": true, "temporary": true, "nomaster": true, "all": true, "cache": true, "self": true, "vlan": true}

func parseIP(words []string, i int) (parsed, bool) {
	out := []string{"ip"}
	i++
	for i < len(words) && strings.HasPrefix(words[i], "-") {
		o := words[i]
		if strings.HasPrefix(o, "--") {
			o = o[1:]
		}
		if _, ok := builtins.Match(o, ipOptions...); !ok {
			return parsed{}, false
		}
		out = append(out, words[i])
		i++
		if ipOptionArgs[o] {
			if i >= len(words) || !plain(words[i]) || terminator(words, i) {
				return parsed{}, false
			}
			out = append(out, words[i])
			i++
		}
	}
	if i >= len(words) {
		return parsed{}, false
	}
	obj, ok := builtins.Match(words[i], ipObjects...)
	if !ok || !isWord(words[i]) {
		return parsed{}, false
	}
	verbs, known := ipVerbs[obj]
	if !known {
		return parsed{}, false
	}
	out = append(out, words[i])
	i++
	// No verb: "ip a", "ip route", "ip netns" list, if what follows is the
	// end, a prompt, another command or output.
	if terminator(words, i) {
		return parsed{words: out, end: i, show: true}, true
	}
	verb, ok := builtins.Match(words[i], verbs...)
	if !ok || !isWord(words[i]) {
		if outputWordRE.MatchString(words[i]) {
			return parsed{words: out, end: i, show: true}, true
		}
		return parsed{}, false
	}
	out = append(out, words[i])
	i++
	if obj == "netns" {
		return parseNetns(words, i, out, verb)
	}
	if verb == "get" {
		return getArgs(words, i, out)
	}
	if showVerbs[verb] {
		return showArgs(words, i, out, obj == "link" || obj == "address" || obj == "tuntap")
	}
	return modifyArgs(words, i, out, 0)
}

func isWord(w string) bool {
	for _, r := range w {
		if !(unicode.IsLower(r) || unicode.IsDigit(r) || r == '_' || r == '-') {
			return false
		}
	}
	return w != ""
}

// showArgs reads a show command's arguments: keywords with their values,
// flags, and (for link and address) one bare device name; it stops at the
// first word that is none of those, which starts the output.
func showArgs(words []string, i int, out []string, bareDev bool) (parsed, bool) {
	sawDev := false
	for !terminator(words, i) {
		w := words[i]
		switch {
		case showKeys[w] && i+1 < len(words) && plain(words[i+1]) && !terminator(words, i+1) && !outputWordRE.MatchString(words[i+1]) || showKeys[w] && w == "to" && i+1 < len(words) && plain(words[i+1]):
			out = append(out, w, words[i+1])
			i += 2
			continue
		case showFlags[w]:
			out = append(out, w)
			i++
			continue
		case bareDev && !sawDev && ifName(w) && !outputWordRE.MatchString(w):
			out = append(out, w)
			sawDev = true
			i++
			continue
		}
		break
	}
	return parsed{words: out, end: i, show: true}, true
}

// getKeys are the keywords with a value of "ip route get" and "ip neigh
// get"; getFlags their flags.
var (
	getKeys  = map[string]bool{"from": true, "iif": true, "oif": true, "dev": true, "mark": true, "tos": true, "dsfield": true, "vrf": true, "uid": true, "ipproto": true, "sport": true, "dport": true, "as": true}
	getFlags = map[string]bool{"fibmatch": true, "connected": true, "notify": true, "proxy": true}
)

// getArgs reads "ip route get" and "ip neigh get": flags, keywords with
// their values and one address (after an optional "to"); the output
// starts after them.
func getArgs(words []string, i int, out []string) (parsed, bool) {
	sawAddr := false
	for !terminator(words, i) {
		w := words[i]
		switch {
		case getFlags[w]:
			out = append(out, w)
			i++
			continue
		case getKeys[w] && i+1 < len(words) && plain(words[i+1]) && !terminator(words, i+1):
			out = append(out, w, words[i+1])
			i += 2
			continue
		case w == "to" && !sawAddr && i+1 < len(words) && addrRE.MatchString(strings.Split(words[i+1], "/")[0]):
			out = append(out, w, words[i+1])
			sawAddr = true
			i += 2
			continue
		case !sawAddr && addrRE.MatchString(strings.Split(w, "/")[0]):
			out = append(out, w)
			sawAddr = true
			i++
			continue
		}
		break
	}
	if !sawAddr {
		return parsed{}, false
	}
	return parsed{words: out, end: i, show: true}, true
}

// ifName reports whether w can be an interface name (lib/utils.c
// check_ifname) that a tutorial would use: no ":" (output such as "lo:").
func ifName(w string) bool {
	return w != "" && len(w) < 16 && !strings.ContainsAny(w, "/:@,") && w != "." && w != ".." && plain(w)
}

// modifyArgs reads a command that changes state: every word up to a
// terminator; max > 0 limits the number of words (ip netns add NAME).
func modifyArgs(words []string, i int, out []string, max int) (parsed, bool) {
	n := 0
	for !terminator(words, i) && (max == 0 || n < max) {
		if !plain(words[i]) {
			return parsed{}, false
		}
		out = append(out, words[i])
		i++
		n++
	}
	return parsed{words: out, end: i}, true
}

func parseNetns(words []string, i int, out []string, verb string) (parsed, bool) {
	all := false // "ip -all netns delete|exec": every namespace, no NAME
	for _, o := range out[1:] {
		if o == "-a" || o == "-all" || o == "--all" || o == "-al" {
			all = true
		}
	}
	switch {
	case all && verb == "delete" && terminator(words, i):
		return parsed{words: out, end: i}, true
	case all && verb == "exec":
		inner, ok := parseAt(words, i)
		if !ok || inner.skip || inner.enter != "" {
			return parsed{}, false
		}
		inner.words = append(out, inner.words...)
		return inner, true
	}
	switch verb {
	case "list", "lst", "show", "list-id":
		// No arguments: what follows is the list of namespaces.
		return parsed{words: out, end: i, show: true}, true
	case "add", "delete", "attach", "set", "pids", "identify":
		max := 1
		if verb == "attach" || verb == "set" {
			max = 2
		}
		if terminator(words, i) {
			if verb == "identify" {
				return parsed{words: out, end: i, show: true}, true
			}
			return parsed{}, false
		}
		p, ok := modifyArgs(words, i, out, max)
		p.show = verb == "pids" || verb == "identify"
		return p, ok
	case "exec":
		if terminator(words, i) || !plain(words[i]) || !ifNameLike(words[i]) {
			return parsed{}, false
		}
		name := words[i]
		out = append(out, name)
		i++
		if i >= len(words) {
			return parsed{}, false
		}
		switch words[i] {
		case "bash", "sh", "zsh", "dash":
			j := i + 1
			for !terminator(words, j) {
				j++
			}
			return parsed{end: j, enter: name}, true
		}
		if !commandWords[words[i]] && words[i] != "sudo" {
			// Another program (tcpdump, ls...): not replayed.
			j := i + 1
			for !terminator(words, j) {
				j++
			}
			return parsed{end: j, skip: true}, true
		}
		inner, ok := parseAt(words, i)
		if !ok {
			return parsed{}, false
		}
		inner.words = append(out, inner.words...)
		return inner, true
	}
	return parsed{}, false
}

func ifNameLike(w string) bool {
	return w != "" && !strings.ContainsAny(w, "/") && w != "." && w != ".."
}

// brctlArity is bridge-utils' command table: minimum arguments.
var brctlArity = map[string]int{"addbr": 1, "delbr": 1, "addif": 2, "delif": 2, "hairpin": 3, "setageing": 2, "setbridgeprio": 2, "setfd": 2, "sethello": 2, "setmaxage": 2, "setpathcost": 3, "setportprio": 3, "show": 0, "showmacs": 1, "showstp": 1, "stp": 2, "setgcint": 2}

func parseBrctl(words []string, i int) (parsed, bool) {
	if i+1 >= len(words) {
		return parsed{}, false
	}
	cmd := words[i+1]
	n, ok := brctlArity[cmd]
	if !ok {
		return parsed{}, false
	}
	out := []string{"brctl", cmd}
	i += 2
	if cmd == "show" {
		for !terminator(words, i) && ifName(words[i]) && !(words[i] == "bridge" && i+1 < len(words) && words[i+1] == "name") {
			out = append(out, words[i])
			i++
		}
		return parsed{words: out, end: i, show: true}, true
	}
	for k := 0; k < n; k++ {
		if terminator(words, i) || !plain(words[i]) {
			return parsed{}, false
		}
		out = append(out, words[i])
		i++
	}
	if cmd == "addif" || cmd == "delif" {
		for !terminator(words, i) && ifName(words[i]) {
			out = append(out, words[i])
			i++
		}
	}
	return parsed{words: out, end: i, show: strings.HasPrefix(cmd, "show")}, true
}

var bridgeObjects = []string{"link", "fdb", "mdb", "vlan", "vni", "monitor", "help"}
var bridgeVerbs = map[string][]string{
	"link": {"set", "show", "list", "lst", "help"},
	"fdb":  {"add", "append", "delete", "replace", "show", "list", "lst", "flush", "get", "help"},
	"mdb":  {"add", "delete", "replace", "show", "list", "lst", "get", "flush", "help"},
	"vlan": {"add", "delete", "set", "show", "list", "lst", "tunnelshow", "global", "help"},
}

func parseBridge(words []string, i int) (parsed, bool) {
	out := []string{"bridge"}
	i++
	for i < len(words) && strings.HasPrefix(words[i], "-") {
		o := words[i]
		if _, ok := builtins.Match(strings.TrimPrefix(o, "-"), "details", "stats", "json", "pretty", "color", "compressvlans", "oneline", "netns", "batch", "force", "timestamp", "version", "help", "d", "s", "j", "p", "c", "o", "n", "b", "t"); !ok {
			return parsed{}, false
		}
		out = append(out, o)
		i++
		if o == "-n" || o == "-netns" || o == "-b" || o == "-batch" {
			if terminator(words, i) {
				return parsed{}, false
			}
			out = append(out, words[i])
			i++
		}
	}
	if i >= len(words) || !isWord(words[i]) {
		return parsed{}, false
	}
	obj, ok := builtins.Match(words[i], bridgeObjects...)
	verbs, known := bridgeVerbs[obj]
	if !ok || !known {
		return parsed{}, false
	}
	out = append(out, words[i])
	i++
	if terminator(words, i) {
		return parsed{words: out, end: i, show: true}, true
	}
	verb, ok := builtins.Match(words[i], verbs...)
	if !ok || !isWord(words[i]) {
		if outputWordRE.MatchString(words[i]) {
			return parsed{words: out, end: i, show: true}, true
		}
		return parsed{}, false
	}
	out = append(out, words[i])
	i++
	if showVerbs[verb] || verb == "tunnelshow" {
		return showArgs(words, i, out, false)
	}
	return modifyArgs(words, i, out, 0)
}

// pingArgOpts are iputils' options that take a value.
const pingArgOpts = "cCiIlmMpQsStwWTFNe"

var addrRE = regexp.MustCompile(`^([0-9]+(\.[0-9]+){1,3}|[0-9a-fA-F]*:[0-9a-fA-F:.]+(%[\w.-]+)?)$`)

func parsePing(words []string, i int) (parsed, bool) {
	out := []string{"ping"}
	i++
	host := false
	for !terminator(words, i) {
		w := words[i]
		if strings.HasPrefix(w, "-") && len(w) > 1 {
			out = append(out, w)
			i++
			last := w[len(w)-1]
			if len(w) == 2 && strings.IndexByte(pingArgOpts, last) >= 0 {
				if terminator(words, i) || !plain(words[i]) {
					return parsed{}, false
				}
				out = append(out, words[i])
				i++
			}
			continue
		}
		if host || !addrRE.MatchString(w) {
			break
		}
		out = append(out, w)
		host = true
		i++
	}
	if !host {
		return parsed{}, false
	}
	return parsed{words: out, end: i, show: true}, true
}

var sysctlFlagsRE = regexp.MustCompile(`^-[wnqeNabA]+$`)

var sysctlKeyRE = regexp.MustCompile(`^-?[a-z0-9_]+([./][\w.-]+)+(=\S*)?$`)

func parseSysctl(words []string, i int) (parsed, bool) {
	out := []string{"sysctl"}
	i++
	keys, writes, all := 0, false, false
	for !terminator(words, i) {
		w := words[i]
		switch {
		case sysctlFlagsRE.MatchString(w):
			writes = writes || strings.Contains(w, "w")
			all = all || strings.ContainsAny(w, "aA")
		case sysctlKeyRE.MatchString(w):
			keys++
			writes = writes || strings.Contains(w, "=")
		default:
			goto done
		}
		out = append(out, w)
		i++
	}
done:
	if keys == 0 && !all {
		return parsed{}, false
	}
	return parsed{words: out, end: i, show: !writes}, true
}

// parseEchoSysctl reads "echo VALUE > /proc/sys/KEY" (also ">/proc/...",
// and tee-less "sudo" forms), the shell way tutorials set a sysctl, and
// turns it into "sysctl -w KEY=VALUE", which acts on the namespace the
// step runs in.
func parseEchoSysctl(words []string, i int) (parsed, bool) {
	if i+2 >= len(words) {
		return parsed{}, false
	}
	value := words[i+1]
	if !plain(value) {
		return parsed{}, false
	}
	end := i + 3
	path := ""
	switch r := words[i+2]; {
	case r == ">" && i+3 < len(words):
		path, end = words[i+3], i+4
	case strings.HasPrefix(r, ">") && len(r) > 1 && r[1] != '>':
		path = r[1:]
	default:
		return parsed{}, false
	}
	key, ok := strings.CutPrefix(path, "/proc/sys/")
	if !ok || key == "" || !plain(key) {
		return parsed{}, false
	}
	key = strings.Trim(key, "/")
	if !strings.Contains(key, ".") {
		key = strings.ReplaceAll(key, "/", ".")
	}
	return parsed{
		words: []string{"sysctl", "-w", key + "=" + value},
		end:   end,
		note:  "\"echo " + value + " > " + path + "\" runs as sysctl",
	}, true
}
