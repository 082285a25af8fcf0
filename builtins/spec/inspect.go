package spec

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Problem is something wrong (or, with Warning, doubtful) about one word
// of a command line, found without running it.
type Problem struct {
	Word    int    // the index of the word in the line (0 is the command name)
	Msg     string // what is wrong, with a suggestion when one is close
	Warning bool   // the line may still run (a link type this kernel lacks, a keyword nsh lacks)
	// NotImplemented marks a word of the real tool's grammar that nsh
	// does not implement (an object, verb or keyword marked Missing).
	NotImplemented bool
}

// Info is what Inspect learns about a command line.
type Info struct {
	Problems []Problem
	// NetnsCreated are the namespaces the line creates (ip netns add
	// NAME, ip netns attach NAME PID).
	NetnsCreated []string
	// NetnsUsed are the namespaces the line needs to exist: "-n NAME",
	// "ip netns exec/pids/set/delete NAME", and "netns NAME" and
	// "link-netns NAME" of ip link.
	NetnsUsed []string
}

// Probe reports whether this kernel has the link type kind. Inspect
// with a nil Probe assumes it has every kind.
type Probe func(kind string) bool

// NotImplemented returns the first problem of words (a command line of
// ip or bridge) that names part of the real tool's grammar nsh does not
// implement, if any: what the executors answer before running anything.
func NotImplemented(words []string) (Problem, bool) {
	for _, p := range Inspect(words, nil).Problems {
		if p.NotImplemented {
			return p, true
		}
		if !p.Warning {
			break // a mistake: the executor reports it as the tool does
		}
	}
	return Problem{}, false
}

// Inspect checks the command line words (words[0] is the command name:
// ip, bridge or brctl; any other command is not inspected) against the
// model. known[i] false means word i is not known statically (it holds
// an expansion): it is accepted as anything, and the words after it in
// a keyword position are not checked. known may be nil (all known).
func Inspect(words []string, known []bool) Info {
	return InspectWith(words, known, nil)
}

// InspectWith is Inspect with probe deciding whether this kernel has a
// link type: a type it lacks is a warning.
func InspectWith(words []string, known []bool, probe Probe) Info {
	in := &inspector{words: words, known: known, probe: probe}
	if len(words) > 0 && in.isKnown(0) {
		in.command(0)
	}
	return in.info
}

type inspector struct {
	words []string
	known []bool
	probe Probe
	info  Info
}

func (in *inspector) isKnown(i int) bool {
	return in.known == nil || i >= len(in.known) || in.known[i]
}

// anyNetns records that the line, not fully known before running, may
// create a namespace of any name (the empty string stands for any).
func (in *inspector) anyNetns() {
	in.info.NetnsCreated = append(in.info.NetnsCreated, "")
}

func (in *inspector) problem(i int, warning bool, format string, args ...any) {
	in.info.Problems = append(in.info.Problems, Problem{Word: i, Msg: fmt.Sprintf(format, args...), Warning: warning})
}

// missing reports word i as part of the real tool's grammar that nsh
// does not implement.
func (in *inspector) missing(i int, format string, args ...any) {
	in.problem(i, true, format, args...)
	in.info.Problems[len(in.info.Problems)-1].NotImplemented = true
}

func suggestion(word string, candidates []string) string {
	if s := Suggest(word, candidates); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// command inspects the command whose name is words[i].
func (in *inspector) command(i int) {
	c := Lookup(in.words[i])
	if c == nil {
		// A program nsh does not model may do anything, creating
		// namespaces too.
		in.anyNetns()
		return
	}
	if c.Exact {
		in.brctl(c, i+1)
		return
	}
	j := i + 1
	for ; j < len(in.words) && strings.HasPrefix(in.words[j], "-"); j++ {
		if !in.isKnown(j) {
			in.anyNetns()
			return
		}
		w := in.words[j]
		if w == "--" {
			j++
			break
		}
		opt := strings.TrimPrefix(strings.TrimPrefix(w, "-"), "-")
		k := in.option(c, opt)
		if k == nil {
			in.problem(j, false, "Option %q is unknown, try \"%s -help\"%s", w, c.Name, suggestion(opt, Names(c.Options)))
			return
		}
		if k.Kind != Flag {
			j++
			if j >= len(in.words) {
				in.problem(j-1, false, "option %q needs an argument", w)
				return
			}
			if in.isKnown(j) {
				in.value(j, k, c.Name+" "+w)
				if k.Canonical() == "netns" {
					in.used(in.words[j])
				}
			}
		}
	}
	if j >= len(in.words) {
		return
	}
	if !in.isKnown(j) {
		in.anyNetns()
		return
	}
	o := c.Object(in.words[j])
	if o == nil {
		in.problem(j, false, "Object %q is unknown, try \"%s help\"%s", in.words[j], c.Name, suggestion(in.words[j], c.ObjectNames()))
		return
	}
	if o.Missing {
		in.missing(j, "%s %s is not supported by nsh yet", c.Name, o.Name)
		return
	}
	if len(o.Verbs) == 0 || j+1 >= len(in.words) {
		return
	}
	if !in.isKnown(j + 1) {
		in.anyNetns()
		return
	}
	j++
	v := o.Verb(in.words[j])
	if v == nil {
		in.problem(j, false, "Command %q is unknown, try \"%s %s help\"%s", in.words[j], c.Name, o.Canonical(), suggestion(in.words[j], o.VerbNames()))
		return
	}
	if v.Missing {
		in.missing(j, "%s %s %s is not supported by nsh yet", c.Name, o.Canonical(), v.Name)
		return
	}
	in.args(c.Name+" "+o.Canonical()+" "+v.Canonical(), o.Canonical(), v, j+1)
}

// option finds a global option as the command's parser does: ip and
// bridge try their options in order with matches(), "-c" and "-color"
// being colour.
func (in *inspector) option(c *Cmd, opt string) *Keyword {
	if name, _, ok := strings.Cut(opt, "="); ok {
		opt = name
	}
	if opt == "c" {
		return c.Option("color")
	}
	return c.Option(opt)
}

// args inspects the words from i on as arguments of verb v (what names
// the command, for messages).
func (in *inspector) args(what, object string, v *Verb, i int) {
	for p := range v.Pos {
		if i >= len(in.words) {
			return
		}
		k := &v.Pos[p]
		if !in.isKnown(i) {
			if k.Then == Rest {
				in.anyNetns()
				return
			}
			if object == "netns" && p == 0 && (v.Canonical() == "add" || v.Canonical() == "attach") {
				// Not known before running ("ns$i"): the word stands
				// for the names it may take.
				in.info.NetnsCreated = append(in.info.NetnsCreated, in.words[i])
			}
			i++
			continue
		}
		if k.Then == Rest {
			in.command(i)
			return
		}
		in.value(i, k, what)
		switch {
		case object == "netns" && v.Canonical() == "add" && p == 0,
			object == "netns" && v.Canonical() == "attach" && p == 0:
			in.info.NetnsCreated = append(in.info.NetnsCreated, in.words[i])
		case object == "netns" && k.Kind == Netns:
			if !(v.Canonical() == "delete" && in.words[i] == "-all") {
				in.used(in.words[i])
			}
		}
		i++
	}
	in.keywords(what, v.Keys, v.Bare, v.Lead, i)
}

// keywords inspects words from i on against the keyword table keys;
// bare names the keyword a word that is none of them stands for, and
// lead the words that may come before it.
func (in *inspector) keywords(what string, keys []Keyword, bare string, lead []string, i int) {
	bareUsed := false
	for i < len(in.words) {
		if !in.isKnown(i) {
			if bare == "" || bareUsed {
				return
			}
			bareUsed = true // taken as the bare word, whatever it holds
			i++
			continue
		}
		w := in.words[i]
		k := matchKey(keys, w)
		if k != nil && k.Name == "help" {
			return
		}
		if k == nil && !bareUsed && contains(lead, w) {
			i++ // ip route add TYPE PREFIX
			continue
		}
		if k == nil || k.Name == bare && bareUsed {
			if bare == "" || bareUsed {
				in.problem(i, false, "unknown keyword %q for %q%s", w, what, suggestion(w, Names(keys)))
				return
			}
			bareUsed = true
			k = matchKey(keys, bare)
			if k == nil {
				return
			}
			in.value(i, k, what)
			i++
			continue
		}
		if k.Name == bare {
			bareUsed = true
		}
		if k.Missing {
			in.missing(i, "%q of %q is not supported by nsh yet", k.Name, what)
		}
		i++
		if k.Kind != Flag {
			if i >= len(in.words) {
				in.problem(i-1, false, "%q needs an argument", k.Name)
				return
			}
			if k.Name == "as" && in.words[i] == "to" && i+1 < len(in.words) {
				i++ // ip route ... as to ADDR
			}
			if in.isKnown(i) {
				in.value(i, k, what)
				switch k.Canonical() {
				case "netns", "link-netns":
					if _, err := strconv.Atoi(in.words[i]); err != nil {
						in.used(in.words[i])
					}
				}
			}
			if k.Kind == Text && in.words[i] == "lock" {
				i++ // ip route ... mtu lock N
			}
			i++
			for e := 0; e < int(k.Extra) && i < len(in.words); e++ {
				i++
			}
			if k.Greedy {
				for i < len(in.words) && in.isKnown(i) && matchKey(keys, in.words[i]) == nil {
					i++
				}
			}
		}
		switch k.Then {
		case TypeArgs:
			lk := LinkKindOf(in.words[i-1])
			if lk == nil || !in.isKnown(i-1) {
				return
			}
			in.keywords(what+" type "+lk.Name, lk.Keywords(), "", nil, i)
			return
		case PeerArgs:
			in.keywords(what+" peer", linkKeys, "name", nil, i)
			return
		case NexthopArgs:
			in.keywords("nexthop", nexthopKeys, "", nil, i)
			return
		case EncapArgs:
			ek := EncapKindOf(in.words[i-1])
			if ek == nil {
				return // an unknown type, said already
			}
			i = in.options("encap "+ek.Name, ek.Bare != "", ek.Keys, i)
		case VFArgs:
			i = in.options("vf", false, vfKeys, i)
		}
	}
}

// options inspects the options of what (an encapsulation, a virtual
// function) from words[i] on, after a positional argument when bare is
// set, up to the first word that is none of keys, and returns where the
// command's keywords go on (iproute2's sub-parsers stop there too).
func (in *inspector) options(what string, bare bool, keys []Keyword, i int) int {
	if bare && i < len(in.words) {
		i++
	}
	for i < len(in.words) && in.isKnown(i) {
		k := matchKey(keys, in.words[i])
		if k == nil {
			break
		}
		i++
		if k.Kind != Flag {
			if i < len(in.words) && in.isKnown(i) {
				in.value(i, k, what)
			}
			i++
		}
	}
	return i
}

func contains(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}

// brctl inspects brctl's command at words[i].
func (in *inspector) brctl(c *Cmd, i int) {
	if i >= len(in.words) || !in.isKnown(i) {
		return
	}
	v := c.Verb(in.words[i])
	if v == nil {
		names := make([]string, len(c.Verbs))
		for n := range c.Verbs {
			names[n] = c.Verbs[n].Name
		}
		in.problem(i, false, "never heard of command [%s]%s", in.words[i], suggestion(in.words[i], names))
		return
	}
	for p := range v.Pos {
		j := i + 1 + p
		if j >= len(in.words) {
			return
		}
		if in.isKnown(j) {
			in.value(j, &v.Pos[p], "brctl "+v.Name)
		}
	}
}

func (in *inspector) used(name string) {
	in.info.NetnsUsed = append(in.info.NetnsUsed, name)
}

// value checks words[i] as the value of k.
func (in *inspector) value(i int, k *Keyword, what string) {
	w := in.words[i]
	if err := CheckValue(k, w); err != nil {
		in.problem(i, false, "%v", err)
		return
	}
	if k.Kind == LinkType && in.probe != nil {
		if lk := LinkKindOf(w); lk != nil && !in.probe(w) {
			in.problem(i, true, "link type %q is not available on this kernel", w)
		}
	}
}

// CheckValue checks word as the value of keyword k by k's kind: an
// interface name of at most 15 bytes, an address, prefix, MAC or number
// iproute2 would read, one of an enumeration, a known link type. Kinds
// whose values depend on the system (tables, groups, existing devices)
// are only checked for their form.
func CheckValue(k *Keyword, word string) error {
	if k.Kind != Enum {
		for _, v := range k.Values {
			if v == word {
				return nil // a literal the kind allows ("brd +")
			}
		}
	}
	switch k.Kind {
	case IfName, NewIfName, BridgeDev, PortDev:
		return CheckIfName(word)
	case Netns:
		return CheckNetnsName(word)
	case NetnsOrPID:
		if _, err := strconv.Atoi(word); err == nil {
			return nil
		}
		return CheckNetnsName(word)
	case Addr:
		if word == "any" || word == "default" || ParseIP(word) != nil {
			return nil
		}
		if a, _, ok := strings.Cut(word, "/"); ok && ParseIP(a) != nil {
			return nil
		}
		return fmt.Errorf("invalid address %q for %q", word, k.Name)
	case Prefix:
		if CheckPrefix(word) {
			return nil
		}
		return fmt.Errorf("invalid prefix %q for %q", word, k.Name)
	case LLAddr:
		if CheckLLAddr(word) {
			return nil
		}
		return fmt.Errorf("%q is invalid lladdr", word)
	case Number:
		n, err := strconv.ParseInt(word, 0, 64)
		if err != nil || n < k.Min || k.Max > 0 && n > k.Max {
			if k.Max > 0 {
				return fmt.Errorf("invalid %q value %q: a number from %d to %d is expected", k.Name, word, k.Min, k.Max)
			}
			return fmt.Errorf("invalid %q value %q: a number is expected", k.Name, word)
		}
	case Enum:
		for _, v := range k.Values {
			if v == word {
				return nil
			}
		}
		return fmt.Errorf("invalid %q value %q: one of %s is expected%s", k.Name, word, strings.Join(k.Values, ", "), suggestion(word, k.Values))
	case OnOff:
		if word != "on" && word != "off" {
			return fmt.Errorf("invalid %q value %q: \"on\" or \"off\" is expected", k.Name, word)
		}
	case LinkType:
		if LinkKindOf(word) == nil {
			return fmt.Errorf("unknown link type %q%s", word, suggestion(word, LinkKindNames()))
		}
	}
	return nil
}

// CheckIfName checks an interface name by iproute2's rules (lib/utils.c
// check_ifname): not empty, shorter than 16 bytes, no "/" or white space,
// not "." or "..".
func CheckIfName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("invalid interface name: empty name")
	case len(name) >= 16:
		return fmt.Errorf("invalid interface name %q: longer than 15 bytes", name)
	case name == "." || name == "..":
		return fmt.Errorf("invalid interface name %q", name)
	}
	for _, r := range name {
		if r == '/' || r == ' ' || r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' || r == 0 {
			return fmt.Errorf("invalid interface name %q: contains %q", name, r)
		}
	}
	return nil
}

// CheckNetnsName checks a namespace name by iproute2's rules (ipnetns.c
// invalid_name): not empty, at most NAME_MAX bytes, no "/", not "." or
// "..".
func CheckNetnsName(name string) error {
	if name == "" || len(name) > 255 || strings.Contains(name, "/") || name == "." || name == ".." {
		return fmt.Errorf("Invalid netns name %q", name)
	}
	return nil
}

// ParseIP reads an address as iproute2's get_addr_1 (lib/utils.c) does:
// a word with a ":" is an IPv6 address, so that "::ffff:1.2.3.4" stays
// IPv6; any other word is IPv4 (4 bytes long); nil if s is no address.
func ParseIP(s string) net.IP {
	ip := net.ParseIP(s)
	if ip == nil {
		if !strings.Contains(s, ":") {
			if b, ok := ipv4Short(s); ok {
				return b
			}
		}
		return nil
	}
	if strings.Contains(s, ":") {
		return ip.To16()
	}
	return ip.To4()
}

// ipv4Short reads iproute2's short IPv4 forms ("10", "10.1"): up to four
// dot-separated numbers of at most 255, the missing ones zero.
func ipv4Short(s string) (net.IP, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return nil, false
	}
	out := make(net.IP, 4)
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 0, 8)
		if err != nil {
			return nil, false
		}
		out[i] = byte(n)
	}
	return out, true
}

// CheckPrefix reports whether s is a prefix iproute2's get_prefix reads:
// default, any, all, or ADDR[/LEN] with LEN within the address's bits.
func CheckPrefix(s string) bool {
	if s == "default" || s == "any" || s == "all" {
		return true
	}
	a, l, hasLen := strings.Cut(s, "/")
	ip := ParseIP(a)
	if ip == nil {
		return false
	}
	if !hasLen {
		return true
	}
	n, err := strconv.Atoi(l)
	return err == nil && n >= 0 && n <= 8*len(ip)
}

// CheckLLAddr reports whether s is a link-layer address ll_addr_a2n
// reads: an IPv4 address, or hexadecimal octets separated by colons.
func CheckLLAddr(s string) bool {
	if strings.Contains(s, ".") {
		return ParseIP(s) != nil
	}
	for _, o := range strings.Split(s, ":") {
		o = strings.TrimPrefix(strings.TrimPrefix(o, "0x"), "0X")
		n, err := strconv.ParseUint(o, 16, 32)
		if err != nil || n > 255 {
			return false
		}
	}
	return true
}
