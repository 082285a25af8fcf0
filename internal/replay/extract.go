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
	"sync"
	"unicode"

	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/lang"
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
	// Cond is "&&" or "||" when the tutorial joins the command to the
	// one before it so: it runs only if that one succeeded (&&) or
	// failed (||), as the shell would run it.
	Cond string
	// Writes names the file the command writes ("echo 200 t >>
	// /etc/iproute2/rt_tables"): Run lets it only in a sandbox, or when
	// the user says so.
	Writes string
	// NoOutput is true when the tutorial shows the command printing
	// nothing: the next line of its code block is another prompt.
	NoOutput bool
	// Program names the program of this machine the command runs
	// ("ifconfig"): Run runs it only in a sandbox, and if it is
	// installed.
	Program string
}

// LeftOut is a line of a tutorial that looks like a command but is not
// replayed, with the reason.
type LeftOut struct {
	Line   int    `json:"line"`
	Text   string `json:"text"`
	Reason string `json:"reason"`
}

// Extraction is what Extract finds in a tutorial: the steps, and the
// command lines it leaves out.
type Extraction struct {
	Steps   []Step
	LeftOut []LeftOut
}

// Extract returns the commands of a tutorial in order.
func Extract(src string) []Step { return ExtractAll(src).Steps }

// ExtractAll is ExtractNamed for a tutorial without a name: Markdown if
// it has a fenced code block.
func ExtractAll(src string) Extraction { return ExtractNamed("", src) }

// token is a word of the tutorial with its line.
type token struct {
	text string
	line int
}

// promptRE matches shell prompts with a user and host ("[root@localhost
// ~]#", "user@box:~$") or a name ("[red] #", "(red)$" at the start of a
// line), replaced by a lone "#" before splitting words.
var promptRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\[[^\]\s]+@[^\]]*\][#$]|\b[\w.-]+@[\w.-]+:[^\s]*[#$]|^\s*[\[(][\w.-]+[\])] ?[#$]`)
})

// isPrompt reports whether a word is a prompt or comment marker.
func isPrompt(w string) bool { return w == "#" || w == "$" || w == ">" || w == "%" }

// commandWords start the commands replay extracts.
var commandWords = map[string]bool{"ip": true, "brctl": true, "bridge": true, "ping": true, "sysctl": true}

// tokenize splits the tutorial into words, joining lines continued with
// a trailing backslash. In a Markdown document only code blocks and
// paragraph lines that are one code span are read; headings, prose and
// table rows are not. In plain text, inline code inside a sentence is
// dropped. Lines of code blocks are marked (fenced) so that output
// inside them may contain blank lines. prompts holds each line's prompt
// with a user or host ("root@red:~#", "[root@box ~]#"), if it has one.
func tokenize(s source) (lines [][]token, fenced []bool, prompts []string) {
	raw := s.lines
	for i := 0; i < len(raw); i++ {
		l := raw[i]
		n := i + 1
		kind := s.kind[i]
		if kind == otherLine || kind == proseLine && !strings.Contains(l, "`") && !typedProse(l) {
			lines, fenced, prompts = append(lines, nil), append(fenced, false), append(prompts, "")
			continue
		}
		code := kind == codeLine
		// A continued line goes on in the same block (or text).
		for continued(l) && i+1 < len(raw) && s.kind[i+1] == kind && s.block[i+1] == s.block[i] {
			// Joined in one builder: a line continued many times costs
			// its length, not its length times the number of pieces.
			var b strings.Builder
			for continued(l) && i+1 < len(raw) && s.kind[i+1] == kind && s.block[i+1] == s.block[i] {
				b.WriteString(strings.TrimSuffix(strings.TrimRight(l, " \t"), "\\"))
				b.WriteByte(' ')
				i++
				l = raw[i]
				lines, fenced, prompts = append(lines, nil), append(fenced, code), append(prompts, "")
			}
			b.WriteString(l)
			l = b.String()
		}
		prompt := promptRE().FindString(l)
		l = promptRE().ReplaceAllString(l, " # ")
		var toks []token
		if spans := strings.Split(l, "`"); !code && len(spans) >= 3 && len(spans)%2 == 1 {
			// Prose with inline code: a span that is the whole line (or
			// list item) is a command; spans inside sentences are
			// references to commands ("then `ip link` shows it"), not
			// steps.
			t := strings.TrimSpace(listMarkerRE().ReplaceAllString(l, ""))
			if len(spans) == 3 && strings.HasPrefix(t, "`") && strings.HasSuffix(t, "`") {
				for _, w := range strings.Fields(spans[1]) {
					toks = append(toks, token{text: w, line: n})
				}
			}
		} else if kind != proseLine || typedProse(l) {
			for _, w := range strings.Fields(l) {
				w = strings.Trim(w, "`")
				if w == "" {
					continue
				}
				// "ip a; ip r": the shell's ";" ends a command even
				// when glued to its last word.
				if semi := strings.TrimSuffix(w, ";"); semi != w && semi != "" && !strings.HasSuffix(semi, ";") {
					toks = append(toks, token{text: semi, line: n}, token{text: ";", line: n})
					continue
				}
				toks = append(toks, token{text: w, line: n})
			}
		}
		// Lines continued with "\" report the first line's number.
		lines, fenced, prompts = append(lines, toks), append(fenced, code), append(prompts, prompt)
	}
	return lines, fenced, prompts
}

// typedProse reports whether a line of a Markdown paragraph is a
// command typed as such, unformatted: its first word (after a list
// marker, "sudo" or a prompt) is one of the commands replay runs.
// Sentences ("Run brctl show again"), table rows and headings are not.
func typedProse(l string) bool {
	f := strings.Fields(listMarkerRE().ReplaceAllString(promptRE().ReplaceAllString(l, " "), ""))
	for len(f) > 0 && (f[0] == "sudo" || isPrompt(f[0])) {
		f = f[1:]
	}
	if len(f) > 1 && (commandWords[f[0]] || f[0] == "nsenter") {
		return true
	}
	_, ok := shellCode(f)
	return ok
}

// listMarkerRE matches the marker of a list item or a table cell's bar.
var listMarkerRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*([-*+]|\d+[.)])\s+`) })

// continued reports whether a line ends with a "\" that continues it.
func continued(l string) bool {
	return strings.HasSuffix(strings.TrimRight(l, " \t"), "\\")
}

// ExtractNamed returns the commands of the tutorial src, named name, in
// order, and the lines that look like commands but are not replayed. A
// tutorial named *.md or *.markdown, or with a fenced code block, is
// read as Markdown.
//
// A reader who enters a shell in a namespace ("ip netns exec NS bash",
// "nsenter --net=/run/netns/NS") stays there until "exit", until a
// prompt shows the shell the reader entered it from again, until the
// end of the code block (in Markdown: unless the next block's prompt
// names NS) or until the next heading.
func ExtractNamed(name, src string) Extraction {
	doc := readSource(name, strings.TrimPrefix(src, lang.BOM))
	lines, fenced, prompts := tokenize(doc)
	e := &extractor{lines: lines, fenced: fenced, read: make([]*line, len(lines))}
	var steps []Step
	var left []LeftOut
	inNS := ""                 // the namespace of the shell the reader entered
	enterBlock := 0            // the code block where that happened
	hostPrompt := ""           // the prompt the shell was entered from
	sawOther := false          // a prompt other than hostPrompt came since
	lastPrompt := ""           // the last prompt seen
	prevLine, prevEnd := -1, 0 // where the last step's command ended
	leave := func() { inNS, sawOther = "", false }
	for li := 0; li < len(lines); li++ {
		toks := lines[li]
		if doc.heading[li] {
			leave()
		}
		if inNS != "" && doc.kind[li] == codeLine && doc.block[li] != enterBlock && len(toks) > 0 {
			// A new code block: the shell goes on only if its prompt
			// says so.
			if promptNames(prompts[li], inNS) {
				enterBlock = doc.block[li]
			} else {
				leave()
			}
		}
		if pr := prompts[li]; pr != "" {
			if inNS != "" {
				switch {
				case pr == hostPrompt && sawOther:
					leave()
				case pr != hostPrompt:
					sawOther = true
				}
			}
			lastPrompt = pr
		}
		l := e.line(li)
		words := l.words
		next := li + 1 // the line after this one's commands and output
		if len(words) > 0 && strings.HasPrefix(words[0], "//") {
			continue // a "// comment" line of a code block
		}
		if lo, ok := l.otherProgram(doc.kind[li] == codeLine); ok {
			lo.Line = toks[0].line
			left = append(left, lo)
		}
		for i := 0; i < len(toks); {
			if (words[i] == "exit" || words[i] == "logout") && (i == 0 || isPrompt(words[i-1])) && inNS != "" {
				leave()
				i++
				continue
			}
			p := l.cmd[i]
			if p == nil && typedLine(words, i) {
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
			if p == nil {
				i++
				continue
			}
			if p.skip || p.enter != "" {
				if p.enter != "" {
					inNS, enterBlock, hostPrompt, sawOther = p.enter, doc.block[li], lastPrompt, false
				} else {
					left = append(left, LeftOut{Line: toks[i].line, Text: strings.Join(words[i:p.end], " "), Reason: p.why})
				}
				i = p.end
				continue
			}
			st := Step{Line: toks[i].line, Text: l.text(p), Show: p.show, Note: p.note, Writes: p.writes, Program: p.program}
			if inNS != "" {
				st.Text = "ip netns exec " + inNS + " " + st.Text
			}
			if i > 0 && (words[i-1] == "&&" || words[i-1] == "||") && prevLine == li && prevEnd == i-1 {
				st.Cond = words[i-1]
			}
			// "ip -d link show |grep veth1": a pipe into plain filters
			// stays in the step, as in the tutorial, and the output the
			// tutorial shows is the filter's.
			end := p.end
			for {
				f, after, ok := l.parsePipe(end)
				if !ok {
					break
				}
				st.Text += " | " + strings.Join(f, " ")
				end = after
			}
			piped := isPipe(words, end)
			if piped {
				// Any other pipe ("| awk '{print $2}'", "| less"): the
				// command runs alone and its output is not compared.
				st.Note = join(st.Note, "the tutorial pipes this command's output ("+words[end]+" ...) into a program replay does not keep: the pipe is left out and the output not compared")
			}
			// Output on the same line runs up to the next prompt or command.
			j := end
			for j < len(toks) && !isPrompt(words[j]) && words[j] != "&&" && words[j] != "||" && words[j] != ";" {
				if q := l.cmd[j]; q != nil && !q.skip {
					break
				}
				j++
			}
			prevLine, prevEnd = li, end
			if st.Show && !piped && doc.kind[li] == codeLine && end < j {
				// A code block keeps lines as typed, output on lines of
				// its own: what follows a show command on its line are
				// its arguments ("bridge fdb show br0", which bridge
				// reads and ignores), not output run together with it.
				st.Text += " " + strings.Join(words[end:j], " ")
				end = j
			}
			if st.Show && !piped {
				st.Output = strings.Join(words[end:j], " ")
				if end == len(toks) {
					// The command ends its line: its output, if the
					// tutorial shows any, is on the lines that follow.
					st.Output, next = e.followingOutput(li + 1)
					// The next line of the same code block is another
					// prompt: the tutorial shows this command printing
					// nothing.
					if n := li + 1; st.Output == "" && n < len(lines) && doc.kind[n] == codeLine && doc.block[n] == doc.block[li] && len(lines[n]) > 0 && isPrompt(lines[n][0].text) {
						st.NoOutput = true
					}
				}
			}
			steps = append(steps, st)
			i = max(j, i+1)
		}
		li = next - 1
	}
	return Extraction{Steps: steps, LeftOut: left}
}

// promptNames reports whether a prompt names the namespace ns
// ("root@red:~#", "[red]#", "(red) $").
func promptNames(prompt, ns string) bool {
	word := func(b byte) bool {
		return b == '_' || b == '.' || b == '-' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	for i := 0; ns != "" && i+len(ns) <= len(prompt); i++ {
		j := strings.Index(prompt[i:], ns)
		if j < 0 {
			return false
		}
		i += j
		end := i + len(ns)
		if (i == 0 || !word(prompt[i-1])) && (end == len(prompt) || !word(prompt[end])) {
			return true
		}
	}
	return false
}

// otherPrograms are programs tutorials run beside ip, bridge and brctl,
// which replay does not run: a line of code (or after a prompt) that
// starts with one is listed as left out, never dropped silently.
var otherPrograms = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`apt apt-get arp arping awk bash brctl-show cat cd chmod cp curl dhclient dig dnf dnsmasq docker
		ethtool export firewall-cmd git go grep hostname hping3 ifconfig ifdown ifup iperf iperf3 iptables ip6tables
		iptables-save kill ln ls lsmod lsns make mkdir modprobe mount mtr mv nano nc ncat netcat netstat nft nmcli
		nsenter ovs-ofctl ovs-vsctl ovs-appctl podman ps python python3 readlink rm route sed service sh sleep socat
		source ss ssh su systemctl tc tcpdump tee touch traceroute tshark umount unshare vi vim wget which yum
		containerlab kubectl lxc virsh firecracker unbuffer watch telnet nping scapy wireshark iw wg ovs-dpctl
		netplan resolvectl systemd-resolve nmap host nslookup man tree arp brctl-utils tunctl vagrant
		ovs-vsctl ovs-ofctl ip6tables-save conntrack bpftool`) {
		otherPrograms[p] = true
	}
}

// shellCode reports whether words, after the author's marks ("???"),
// are shell code ("for f in ...; do ...; done", "if ...; then ...; fi"):
// prose does not have "; do". start is the index of the keyword.
func shellCode(words []string) (start int, ok bool) {
	for start < len(words) && strings.Trim(words[start], "?!*-") == "" {
		start++
	}
	if start >= len(words) || !shellKeywords[words[start]] {
		return start, false
	}
	rest := strings.Join(words[start:], " ")
	return start, strings.Contains(rest, "; do ") || strings.Contains(rest, "; then ")
}

// shellKeywords start shell code.
var shellKeywords = map[string]bool{"for": true, "while": true, "until": true, "if": true}

// otherProgram reports whether the line is a command line of another
// program: in a code block, or after a prompt, a line whose first word
// (after sudo) is one of otherPrograms and where no step starts.
func (l *line) otherProgram(code bool) (LeftOut, bool) {
	i := 0
	prompted := false
	for i < len(l.words) && isPrompt(l.words[i]) {
		i++
		prompted = true
	}
	if k, ok := shellCode(l.words[i:]); ok && l.cmd[i+k] == nil {
		// Shell code is a command line wherever it is.
		rest := strings.Join(l.words[i+k:], " ")
		return LeftOut{Text: rest, Reason: "shell code (" + l.words[i+k] + " ...): replay runs one command at a time"}, true
	}
	if !code && !prompted || i >= len(l.words) || l.cmd[i] != nil {
		return LeftOut{}, false
	}
	k := i
	if l.words[k] == "sudo" {
		k++
	}
	if k < len(l.words) && commandWords[l.words[k]] {
		// "ip link set <iface> master br0": a template, not a command.
		for _, w := range l.words[k:] {
			if strings.HasPrefix(w, "<") && strings.Contains(w, ">") {
				return LeftOut{Text: strings.Join(l.words[i:], " "), Reason: "a template: " + w + " stands for a value of the reader's"}, true
			}
		}
	}
	j := i
	for j < len(l.words) && (l.words[j] == "sudo" || strings.HasPrefix(l.words[j], "-") && j > i) {
		j++
	}
	if j >= len(l.words) {
		return LeftOut{}, false
	}
	w := l.words[j]
	// A program named by its path ("./inspect-net-stack.sh", "/usr/bin/x").
	path := (strings.HasPrefix(w, "./") || strings.HasPrefix(w, "/")) && len(w) > 2 && plain(w)
	if !otherPrograms[w] && !path || l.cmd[j] != nil {
		return LeftOut{}, false
	}
	end := l.nextTerminator(j + 1)
	for end < len(l.words) && !isPrompt(l.words[end]) && l.cmd[end] == nil {
		end++
	}
	return LeftOut{Text: strings.Join(l.words[i:end], " "), Reason: l.words[j] + " is not a command replay runs"}, true
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

// outputLineRE matches lines that look like the output of the commands
// replay extracts (ip, brctl, bridge, ping, sysctl), as opposed to prose.
var outputLineRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d+: |\s*(link/|inet6? |valid_lft|altname|alias )|PING |\d+ bytes from |From \S+ icmp_seq|--- \S+ ping statistics|\d+ packets transmitted|rtt |pipe |default |(local |broadcast |unreachable |blackhole |prohibit )?[0-9a-f]+[.:][0-9a-f.:]*(/\d+)? |bridge name\s|\S+\s+[0-9a-f]{4}\.[0-9a-f]{12}\s|[a-z0-9_]+(\.[\w-]+)+ = |[\w.-]+( \(id: \d+\))?$|[\w.@-]+ +(UP|DOWN|UNKNOWN|LOWERLAYERDOWN|DORMANT|NOTPRESENT|TESTING)( |$))`)
})

// pingStatsRE matches the first line of ping's statistics.
var pingStatsRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^--- \S+ ping statistics ---$`) })

// followingOutput collects the output lines after a command that ended
// its line: in a fenced block, every line up to the next prompt or the
// fence; elsewhere, lines that look like output, up to a blank line,
// prompt or prose. It returns the output and the index of the first line
// after it.
func (e *extractor) followingOutput(from int) (string, int) {
	lines, fenced := e.lines, e.fenced
	var out []string
	k := from
	for ; k < len(lines); k++ {
		if len(lines[k]) == 0 {
			if fenced[k] && k > 0 && fenced[k-1] {
				continue
			}
			// ping's statistics come after a blank line.
			if len(out) > 0 && k+1 < len(lines) && pingStatsRE().MatchString(strings.Join(e.line(k+1).words, " ")) {
				continue
			}
			break
		}
		l := e.line(k)
		if isPrompt(l.words[0]) || strings.HasPrefix(l.words[0], "//") {
			break // a prompt, or a "// comment" of the code block
		}
		if p := l.cmd[0]; p != nil && !p.skip {
			break
		}
		text := strings.Join(l.words, " ")
		if !fenced[k] && !outputLineRE().MatchString(text) {
			break
		}
		out = append(out, text)
	}
	// Lone words followed by prose are a heading ("veth"), not a list of
	// namespaces.
	if len(out) > 0 && k < len(lines) && len(lines[k]) > 0 && !isPrompt(lines[k][0].text) {
		single := true
		for _, l := range out {
			single = single && !strings.Contains(l, " ")
		}
		if p := e.line(k).cmd[0]; single && !(p != nil && !p.skip) {
			return "", from
		}
	}
	return strings.Join(out, "\n"), k
}

// extractor holds a tutorial's lines while Extract walks them; each line
// is read (newLine) once, when it is first looked at.
type extractor struct {
	lines  [][]token
	fenced []bool
	read   []*line
}

func (e *extractor) line(k int) *line {
	if e.read[k] == nil {
		e.read[k] = newLine(e.lines[k])
	}
	return e.read[k]
}

// parsed is a command found at some word. Its words are
// words[from:upto], or synth, followed by the words of inner: words are
// not copied while a line is read, only when Extract makes a step, so
// that nested commands ("ip netns exec NS ip netns exec ...") cost
// nothing per level.
type parsed struct {
	from, upto int
	synth      []string // words replayed instead (echo ... > /proc/sys/KEY)
	inner      *parsed  // the command run by ip netns exec NS
	end        int      // index of the first word after the command
	show       bool
	skip       bool   // a command replay does not run (ip netns exec NS tcpdump)
	enter      string // "ip netns exec NS bash": an interactive shell in NS
	note       string
	why        string // why a skipped command is not replayed
	writes     string // the file the command writes
	program    string // a program of this machine the command runs (sandboxPrograms)
}

// commandPosition reports whether words[i] is where a command starts: at
// the start of the line, after a prompt, sudo or a shell operator, or as
// the command of "ip netns exec NS". Programs whose names are English
// words ("route", "arp") are taken as commands only there.
func commandPosition(words []string, i int) bool {
	if i == 0 {
		return true
	}
	switch p := words[i-1]; {
	case isPrompt(p), p == "sudo", p == ";", p == "&&", p == "||":
		return true
	}
	return i >= 2 && words[i-2] == "exec"
}

// sandboxPrograms are the network tools of this machine a step may run,
// in a sandbox only: they act on the namespace they run in and on
// nothing else (net-tools, iptables, ethtool, tc, ss).
var sandboxPrograms = map[string]bool{
	"ifconfig": true, "route": true, "arp": true, "iptables": true, "ip6tables": true, "nft": true,
	"ethtool": true, "tc": true, "ss": true, "netstat": true, "arping": true,
}

// optRun is what a loop over options found from a word on: the first
// word after them, whether one of them (or its value) is invalid, and,
// for ip, whether -all is among them.
type optRun struct {
	end int
	bad bool
	all bool
}

// line is one line of a tutorial (continued lines joined) with, for each
// word, the command that starts there (cmd, nil if none) and whether the
// word ends a command (term). A command ends where the next one starts,
// so what starts at a word depends on the words after it: newLine reads
// the words from the last to the first, and every question a command's
// grammar asks about a later word (does a command start there? where do
// the options or plain words that start there end?) is a look-up of what
// was found already. Reading a line is linear in its length however many
// commands it runs together, and does not recurse.
type line struct {
	words []string
	cmd   []*parsed
	term  []bool
	// stop[i] is the first word from i on that is a terminator or not
	// plain: where modifyArgs, reading from i, ends or fails.
	stop []int
	// nextTerm[i] is the first word from i on that is a terminator.
	nextTerm []int
	// ipOpts, bridgeOpts and pingOpts[i] are the runs of ip's, bridge's
	// and ping's options from word i on.
	ipOpts, bridgeOpts, pingOpts []optRun
}

func newLine(toks []token) *line {
	n := len(toks)
	l := &line{
		words: make([]string, n), cmd: make([]*parsed, n), term: make([]bool, n+1),
		stop: make([]int, n+1), nextTerm: make([]int, n+1), ipOpts: make([]optRun, n+1), bridgeOpts: make([]optRun, n+1), pingOpts: make([]optRun, n+1),
	}
	for i, t := range toks {
		l.words[i] = t.text
	}
	l.term[n], l.stop[n], l.nextTerm[n] = true, n, n
	l.ipOpts[n], l.bridgeOpts[n], l.pingOpts[n] = optRun{end: n}, optRun{end: n}, optRun{end: n}
	for i := n - 1; i >= 0; i-- {
		w := l.words[i]
		if p, ok := l.parseAt(i); ok {
			l.cmd[i] = &p
		}
		l.term[i] = isPrompt(w) || strings.HasPrefix(w, "|") || w == ";" || w == "&&" || w == "||" || l.cmd[i] != nil
		l.stop[i], l.nextTerm[i] = i, i
		if !l.term[i] {
			l.nextTerm[i] = l.nextTerm[i+1]
			if plain(w) {
				l.stop[i] = l.stop[i+1]
			}
		}
		l.ipOpts[i] = l.ipOptions(i)
		l.bridgeOpts[i] = l.bridgeOptions(i)
		l.pingOpts[i] = l.pingOptions(i)
	}
	return l
}

// text is the command's words as a line.
func (l *line) text(p *parsed) string {
	var b strings.Builder
	for ; p != nil; p = p.inner {
		ws := p.synth
		if ws == nil {
			ws = l.words[p.from:p.upto]
		}
		for _, w := range ws {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
	}
	return b.String()
}

// parseAt reads the command starting at word i, if one does; the
// commands at the words after i are known.
func (l *line) parseAt(i int) (parsed, bool) {
	words := l.words
	start := i
	if words[i] == "sudo" {
		i++
		for i < len(words) && (words[i] == "-E" || words[i] == "-H" || words[i] == "-n" || words[i] == "-S") {
			i++
		}
		if i >= len(words) || l.cmd[i] == nil || words[i] != "echo" && words[i] != "nsenter" && !commandWords[words[i]] && l.cmd[i].program == "" {
			return parsed{}, false
		}
		p := *l.cmd[i]
		p.note = join(p.note, "sudo dropped")
		return p, true
	}
	switch words[i] {
	case "echo":
		if p, ok := parseEchoFile(words, start); ok {
			return p, true
		}
		return parseEchoSysctl(words, start)
	case "nsenter":
		return l.parseNsenter(i)
	case "docker", "podman":
		if i+1 < len(words) && words[i+1] == "exec" {
			return parsed{end: l.simpleEnd(i + 2), skip: true, why: words[i] + " exec runs in a container, which replay cannot reproduce"}, true
		}
	default:
		if sandboxPrograms[words[i]] && commandPosition(words, start) {
			// "ifconfig tap1 192.168.1.2/24": a network tool of this
			// machine, which acts on the namespace it runs in.
			end := l.simpleEnd(i + 1)
			for _, w := range words[i:end] {
				if !plain(w) {
					return parsed{}, false
				}
			}
			return parsed{from: start, upto: end, end: end, program: words[i]}, true
		}
	case "ip":
		return l.parseIP(i)
	case "brctl":
		return l.parseBrctl(i)
	case "bridge":
		return l.parseBridge(i)
	case "ping":
		return l.parsePing(i)
	case "sysctl":
		return l.parseSysctl(i)
	}
	return parsed{}, false
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// terminator reports whether words[i] ends a command: the end, a prompt
// or comment marker, a shell operator, or the start of another command
// (i > the word being read).
func (l *line) terminator(i int) bool {
	return i >= len(l.words) || l.term[i]
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
func (l *line) parsePipe(i int) ([]string, int, bool) {
	words := l.words
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
		if l.terminator(i) || !plain(words[i]) {
			return false
		}
		out = append(out, words[i])
		i++
		return true
	}
	operand := f.operand
	for !l.terminator(i) && len(words[i]) > 1 && words[i][0] == '-' {
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
var outputWordRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d+:.*|default|PING|[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(/\d+)?|[0-9a-f]*:[0-9a-f:]+(/\d+)?)$`)
})

// showVerbs are the canonical verbs (spec) whose words are followed by
// output.
var showVerbs = map[string]bool{"show": true, "showdump": true, "get": true, "list-id": true, "identify": true, "tunnelshow": true}

// keyword returns the keyword of v that the word w of a tutorial is: its
// exact name, or an abbreviation of three letters or more ("proto").
func keyword(v *spec.Verb, w string) *spec.Keyword {
	if k := v.Named(w); k != nil {
		return k
	}
	if len(w) >= 3 && isWord(w) {
		return v.Key(w)
	}
	return nil
}

// option reads the global option o of c (ip or bridge) from the model:
// ok is false for an unknown option, value true for one that takes a
// value.
func option(c *spec.Cmd, o string) (value, ok bool) {
	if strings.HasPrefix(o, "--") {
		o = o[1:]
	}
	k := c.Option(o)
	if strings.TrimLeft(o, "-") == "c" || strings.HasPrefix(o, "-color=") {
		k = c.Option("color")
	}
	if k == nil {
		return false, false
	}
	return k.Kind != spec.Flag, true
}

// isAll reports whether an option of ip is -all.
func isAll(o string) bool { return o == "-a" || o == "-all" || o == "--all" || o == "-al" }

// ipOptions reads ip's global options from word i on (ip/ip.c main):
// each with its value for those that take one.
func (l *line) ipOptions(i int) optRun {
	words := l.words
	o := words[i]
	if !strings.HasPrefix(o, "-") {
		return optRun{end: i}
	}
	all := isAll(o)
	if strings.HasPrefix(o, "--") {
		o = o[1:]
	}
	takesValue, ok := option(&spec.IP, o)
	if !ok {
		return optRun{end: i, bad: true}
	}
	next := i + 1
	if takesValue {
		if next >= len(words) || !plain(words[next]) || l.terminator(next) {
			return optRun{end: next, bad: true}
		}
		all = all || isAll(words[next])
		next++
	}
	r := l.ipOpts[next]
	r.all = r.all || all
	return r
}

func (l *line) parseIP(start int) (parsed, bool) {
	words := l.words
	opts := l.ipOpts[start+1]
	if opts.bad {
		return parsed{}, false
	}
	i := opts.end
	if i >= len(words) {
		return parsed{}, false
	}
	o := spec.IP.Object(words[i])
	if o == nil || !isWord(words[i]) || o.Missing || len(o.Verbs) == 0 {
		return parsed{}, false
	}
	obj := o.Canonical()
	i++
	// No verb: "ip a", "ip route", "ip netns" list, if what follows is the
	// end, a prompt, another command or output.
	if l.terminator(i) {
		return l.span(start, i, true), true
	}
	v := o.Verb(words[i])
	if v == nil || !isWord(words[i]) {
		if outputWordRE().MatchString(words[i]) {
			return l.span(start, i, true), true
		}
		return parsed{}, false
	}
	verb := v.Canonical()
	i++
	if obj == "netns" {
		return l.parseNetns(start, i, verb, opts.all)
	}
	if verb == "get" {
		return l.getArgs(start, i, v)
	}
	if showVerbs[verb] {
		return l.showArgs(start, i, v, obj == "link" || obj == "address" || obj == "tuntap")
	}
	return l.modifyArgs(start, i, 0)
}

// span is the command of words[from:end].
func (l *line) span(from, end int, show bool) parsed {
	return parsed{from: from, upto: end, end: end, show: show}
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
func (l *line) showArgs(start, i int, v *spec.Verb, bareDev bool) (parsed, bool) {
	words := l.words
	sawDev := false
	for !l.terminator(i) {
		w := words[i]
		k := keyword(v, w)
		switch {
		case k != nil && k.Kind != spec.Flag && i+1 < len(words) && plain(words[i+1]) && !l.terminator(i+1) && (w == "to" || !outputWordRE().MatchString(words[i+1])):
			i += 2
			continue
		case k != nil && k.Kind == spec.Flag:
			i++
			continue
		case bareDev && !sawDev && ifName(w) && !outputWordRE().MatchString(w):
			sawDev = true
			i++
			continue
		}
		break
	}
	return l.span(start, i, true), true
}

// getArgs reads "ip route get" and "ip neigh get": flags, keywords with
// their values and one address (after an optional "to"); the output
// starts after them.
func (l *line) getArgs(start, i int, v *spec.Verb) (parsed, bool) {
	words := l.words
	sawAddr := false
	for !l.terminator(i) {
		w := words[i]
		k := keyword(v, w)
		if w == "to" {
			k = nil
		}
		switch {
		case k != nil && k.Kind == spec.Flag:
			i++
			continue
		case k != nil && i+1 < len(words) && plain(words[i+1]) && !l.terminator(i+1):
			i += 2
			continue
		case w == "to" && !sawAddr && i+1 < len(words) && addrRE().MatchString(strings.Split(words[i+1], "/")[0]):
			sawAddr = true
			i += 2
			continue
		case !sawAddr && addrRE().MatchString(strings.Split(w, "/")[0]):
			sawAddr = true
			i++
			continue
		}
		break
	}
	if !sawAddr {
		return parsed{}, false
	}
	return l.span(start, i, true), true
}

// ifName reports whether w can be an interface name (lib/utils.c
// check_ifname) that a tutorial would use: no ":" (output such as "lo:").
func ifName(w string) bool {
	return w != "" && len(w) < 16 && !strings.ContainsAny(w, "/:@,") && w != "." && w != ".." && plain(w)
}

// modifyArgs reads a command that changes state: every word up to a
// terminator; max > 0 limits the number of words (ip netns add NAME).
func (l *line) modifyArgs(start, i int, max int) (parsed, bool) {
	if max == 0 {
		// The words from i on up to a terminator, if all are plain.
		j := l.stop[i]
		if !l.terminator(j) {
			return parsed{}, false
		}
		return l.span(start, j, false), true
	}
	for n := 0; !l.terminator(i) && n < max; n++ {
		if !plain(l.words[i]) {
			return parsed{}, false
		}
		i++
	}
	return l.span(start, i, false), true
}

// parseNetns reads "ip netns VERB ..." from word i, after the verb;
// all is true after ip's -all option.
func (l *line) parseNetns(start, i int, verb string, all bool) (parsed, bool) {
	words := l.words
	// exec runs the command at word i: its words follow ours.
	exec := func(i int) (parsed, bool) {
		inner := l.cmd[i]
		if inner == nil {
			return parsed{}, false
		}
		p := *inner
		p.from, p.upto, p.synth, p.inner = start, i, nil, inner
		return p, true
	}
	switch {
	case all && verb == "delete" && l.terminator(i):
		return l.span(start, i, false), true
	case all && verb == "exec":
		if i >= len(words) || l.cmd[i] == nil || l.cmd[i].skip || l.cmd[i].enter != "" {
			return parsed{}, false
		}
		return exec(i)
	}
	switch verb {
	case "show", "list-id", "monitor":
		// No arguments: what follows is the list of namespaces (or the
		// events).
		return l.span(start, i, true), true
	case "add", "delete", "attach", "set", "pids", "identify":
		max := 1
		if verb == "attach" || verb == "set" {
			max = 2
		}
		if l.terminator(i) {
			if verb == "identify" {
				return l.span(start, i, true), true
			}
			return parsed{}, false
		}
		p, ok := l.modifyArgs(start, i, max)
		p.show = verb == "pids" || verb == "identify"
		return p, ok
	case "exec":
		if l.terminator(i) || !plain(words[i]) || !ifNameLike(words[i]) {
			return parsed{}, false
		}
		name := words[i]
		i++
		if i >= len(words) {
			return parsed{}, false
		}
		switch words[i] {
		case "bash", "sh", "zsh", "dash":
			return parsed{end: l.nextTerminator(i + 1), enter: name}, true
		}
		if !commandWords[words[i]] && words[i] != "sudo" && (l.cmd[i] == nil || l.cmd[i].program == "") || l.cmd[i] == nil {
			// Another program (tcpdump, ls...): not replayed.
			return parsed{end: l.simpleEnd(i + 1), skip: true, why: words[i] + " (in netns " + name + ") is not a command replay runs"}, true
		}
		return exec(i)
	}
	return parsed{}, false
}

// simpleEnd returns the end of the simple command that goes on at word
// i: the first word from i on that is a prompt or a shell operator (a
// command word inside it is an argument, as in "docker exec c1 ip a").
func (l *line) simpleEnd(i int) int {
	for i < len(l.words) {
		w := l.words[i]
		if isPrompt(w) || w == ";" || w == "&&" || w == "||" || strings.HasPrefix(w, "|") {
			break
		}
		i++
	}
	return i
}

// nextTerminator returns the first word from i on that is a terminator.
func (l *line) nextTerminator(i int) int { return l.nextTerm[min(i, len(l.words))] }

func ifNameLike(w string) bool {
	return w != "" && !strings.ContainsAny(w, "/") && w != "." && w != ".."
}

func (l *line) parseBrctl(start int) (parsed, bool) {
	words := l.words
	i := start
	if i+1 >= len(words) {
		return parsed{}, false
	}
	cmd := words[i+1]
	v := spec.Brctl.Verb(cmd)
	if v == nil {
		return parsed{}, false
	}
	n := v.Required()
	i += 2
	if cmd == "show" {
		for !l.terminator(i) && ifName(words[i]) && !(words[i] == "bridge" && i+1 < len(words) && words[i+1] == "name") {
			i++
		}
		return l.span(start, i, true), true
	}
	for k := 0; k < n; k++ {
		if l.terminator(i) || !plain(words[i]) {
			return parsed{}, false
		}
		i++
	}
	if cmd == "addif" || cmd == "delif" {
		for !l.terminator(i) && ifName(words[i]) {
			i++
		}
	}
	return l.span(start, i, strings.HasPrefix(cmd, "show")), true
}

// bridgeOptions reads bridge's global options from word i on
// (bridge/bridge.c main).
func (l *line) bridgeOptions(i int) optRun {
	words := l.words
	o := words[i]
	if !strings.HasPrefix(o, "-") {
		return optRun{end: i}
	}
	takesValue, ok := option(&spec.Bridge, o)
	if !ok {
		return optRun{end: i, bad: true}
	}
	next := i + 1
	if takesValue {
		if l.terminator(next) {
			return optRun{end: next, bad: true}
		}
		next++
	}
	return l.bridgeOpts[next]
}

func (l *line) parseBridge(start int) (parsed, bool) {
	words := l.words
	opts := l.bridgeOpts[start+1]
	if opts.bad {
		return parsed{}, false
	}
	i := opts.end
	if i >= len(words) || !isWord(words[i]) {
		return parsed{}, false
	}
	o := spec.Bridge.Object(words[i])
	if o == nil || o.Missing || len(o.Verbs) == 0 {
		return parsed{}, false
	}
	i++
	if l.terminator(i) {
		return l.span(start, i, true), true
	}
	v := o.Verb(words[i])
	if v == nil || !isWord(words[i]) {
		if outputWordRE().MatchString(words[i]) {
			return l.span(start, i, true), true
		}
		return parsed{}, false
	}
	i++
	if showVerbs[v.Canonical()] {
		return l.showArgs(start, i, v, false)
	}
	return l.modifyArgs(start, i, 0)
}

// pingArgOpts are iputils' options that take a value.
const pingArgOpts = "cCiIlmMpQsStwWTFNe"

var addrRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([0-9]+(\.[0-9]+){1,3}|[0-9a-fA-F]*:[0-9a-fA-F:.]+(%[\w.-]+)?)$`)
})

// pingOptions reads ping's options from word i on, up to a terminator
// or a word that is not an option.
func (l *line) pingOptions(i int) optRun {
	words := l.words
	if l.terminator(i) {
		return optRun{end: i}
	}
	w := words[i]
	if !strings.HasPrefix(w, "-") || len(w) == 1 {
		return optRun{end: i}
	}
	next := i + 1
	if len(w) == 2 && strings.IndexByte(pingArgOpts, w[1]) >= 0 {
		if l.terminator(next) || !plain(words[next]) {
			return optRun{end: next, bad: true}
		}
		next++
	}
	return l.pingOpts[next]
}

// parsePing reads "ping [OPTIONS] HOST [OPTIONS]".
func (l *line) parsePing(start int) (parsed, bool) {
	opts := l.pingOpts[start+1]
	i := opts.end
	if opts.bad || l.terminator(i) || !addrRE().MatchString(l.words[i]) {
		return parsed{}, false
	}
	if opts = l.pingOpts[i+1]; opts.bad {
		return parsed{}, false
	}
	return l.span(start, opts.end, true), true
}

var sysctlFlagsRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-[wnqeNabA]+$`) })

var sysctlKeyRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-?[a-z0-9_]+([./][\w.-]+)+(=\S*)?$`) })

func (l *line) parseSysctl(start int) (parsed, bool) {
	words := l.words
	i := start + 1
	keys, writes, all := 0, false, false
	for !l.terminator(i) {
		w := words[i]
		switch {
		case sysctlFlagsRE().MatchString(w):
			writes = writes || strings.Contains(w, "w")
			all = all || strings.ContainsAny(w, "aA")
		case sysctlKeyRE().MatchString(w):
			keys++
			writes = writes || strings.Contains(w, "=")
		default:
			goto done
		}
		i++
	}
done:
	if keys == 0 && !all {
		return parsed{}, false
	}
	return l.span(start, i, !writes), true
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
		synth: []string{"sysctl", "-w", key + "=" + value},
		end:   end,
		note:  "\"echo " + value + " > " + path + "\" runs as sysctl",
	}, true
}

// netnsDirs are where "ip netns" keeps its namespaces, as nsenter's
// --net=PATH names them.
var netnsDirs = []string{"/var/run/netns/", "/run/netns/"}

// parseNsenter reads "nsenter [OPTIONS] [CMD...]" (util-linux): with
// --net=/run/netns/NS it is "ip netns exec NS CMD" (a shell when CMD is
// missing or a shell); a target process (-t PID) or another path names
// a namespace of the tutorial's machine, which replay cannot enter.
func (l *line) parseNsenter(start int) (parsed, bool) {
	words := l.words
	i := start + 1
	path, target, net := "", "", false
	for !l.terminator(i) && strings.HasPrefix(words[i], "-") {
		w := words[i]
		switch {
		case strings.HasPrefix(w, "--net="):
			path, net = strings.TrimPrefix(w, "--net="), true
		case w == "--net" || w == "-n":
			net = true
		case strings.HasPrefix(w, "-n") && !strings.HasPrefix(w, "--"):
			path, net = w[2:], true
		case w == "-t" || w == "--target":
			if i+1 < len(words) {
				target = words[i+1]
				i++
			}
		case strings.HasPrefix(w, "--target="):
			target = strings.TrimPrefix(w, "--target=")
		case strings.HasPrefix(w, "-t") && len(w) > 2:
			target = w[2:]
		}
		i++
	}
	if !net {
		return parsed{}, false
	}
	end := l.simpleEnd(i)
	name := ""
	for _, d := range netnsDirs {
		if n, ok := strings.CutPrefix(path, d); ok && n != "" && !strings.Contains(n, "/") {
			name = n
		}
	}
	if name == "" {
		why := "nsenter into " + path + ", a namespace of the tutorial's machine: replay cannot enter it"
		if path == "" {
			why = "nsenter into the namespace of process " + target + " on the tutorial's machine: replay cannot enter it"
		}
		return parsed{end: max(end, i), skip: true, why: why}, true
	}
	if l.terminator(i) {
		return parsed{end: i, enter: name}, true
	}
	switch words[i] {
	case "bash", "sh", "zsh", "dash":
		return parsed{end: l.nextTerminator(i + 1), enter: name}, true
	}
	inner := l.cmd[i]
	if inner == nil || inner.skip || inner.enter != "" {
		return parsed{end: end, skip: true, why: words[i] + " (in netns " + name + ") is not a command replay runs"}, true
	}
	p := *inner
	p.synth, p.inner = []string{"ip", "netns", "exec", name}, inner
	p.from, p.upto = start, start
	p.note = join(p.note, "nsenter --net="+path+" runs as ip netns exec "+name)
	return p, true
}

// iproute2Dir holds the files of names ip reads (rt_tables, rt_protos,
// group...), which tutorials extend with echo.
const iproute2Dir = "/etc/iproute2/"

// parseEchoFile reads "echo WORDS >> /etc/iproute2/FILE" (or ">"), the
// way tutorials name a routing table: a step that writes the file,
// which Run allows in a sandbox (where the directory is private) or when
// the user says so.
func parseEchoFile(words []string, i int) (parsed, bool) {
	j := i + 1
	var vals []string
	for j < len(words) && words[j] != ">" && words[j] != ">>" && !strings.HasPrefix(words[j], ">") {
		vals = append(vals, words[j])
		j++
	}
	if j >= len(words) || len(vals) == 0 {
		return parsed{}, false
	}
	op, path := words[j], ""
	switch {
	case op == ">" || op == ">>":
		if j+1 >= len(words) {
			return parsed{}, false
		}
		path = words[j+1]
		j += 2
	default:
		op, path = ">", op[1:]
		if strings.HasPrefix(path, ">") {
			op, path = ">>", path[1:]
		}
		j++
	}
	if !strings.HasPrefix(path, iproute2Dir) || !plain(path) {
		return parsed{}, false
	}
	val := strings.Join(vals, " ")
	if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
		val = val[1 : len(val)-1]
	}
	if strings.ContainsAny(val, "'\"$`\\;&|<>(){}") {
		return parsed{}, false
	}
	return parsed{
		synth:  append(append([]string{"echo"}, strings.Fields(val)...), op, path),
		end:    j,
		writes: path,
		note:   "writes " + path,
	}, true
}
