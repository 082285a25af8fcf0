// Package spec is the declarative model of the commands nsh runs
// in-process: iproute2 6.1's ip (each object with its verbs and keywords),
// bridge and brctl, written from iproute2's man pages and parsers (ip/ip.c,
// ip/ip*.c, ip/iplink_*.c, bridge/*.c) and bridge-utils' brctl.
//
// Everything that needs to know what these commands accept reads this
// package: the executors' argument parsing (object and verb tables, link
// types), the static check of "nsh -n" (Inspect), REPL completion
// (keywords, and values by Kind), replay's step extraction and help
// (Usage). The package is pure data and matching: it imports nothing that
// touches the kernel; whether this kernel has a link type is asked through
// a probe function the caller supplies.
//
// Tables are in iproute2's order, because the order is the abbreviation
// rule: iproute2 tries each entry in turn with matches() (lib/utils.c),
// so the first entry the word is a prefix of wins ("ip a" is address,
// "ip link s" is set). Entries marked Exact are compared with strcmp, as
// iproute2 does for them (and brctl for all its commands).
package spec

import "strings"

// Kind is what a keyword's value (or a positional argument) is.
type Kind uint8

// The kinds of values.
const (
	Flag       Kind = iota // no value: the keyword alone
	Text                   // free text
	IfName                 // an existing interface of the target namespace
	NewIfName              // the name of an interface being created
	BridgeDev              // an existing bridge of the target namespace
	PortDev                // an interface enslaved to a bridge
	Netns                  // a network namespace name (under /run/netns)
	NetnsOrPID             // a namespace name or a process id
	Addr                   // an IPv4 or IPv6 address
	Prefix                 // ADDR[/LEN], or default/any/all
	LLAddr                 // a link-layer (MAC) address
	Number                 // an integer from Min to Max
	Enum                   // one of Values
	OnOff                  // on or off
	Table                  // a routing table: a number or a name of /etc/iproute2/rt_tables
	Proto                  // a route protocol: rt_protos
	Scope                  // an address or route scope: rt_scopes
	Realm                  // a realm: rt_realms
	Group                  // a device group: /etc/iproute2/group
	LinkType               // a link type (ip link add ... type TYPE)
	Command                // the rest of the line is a command (ip netns exec NS CMD...)
)

var kindNames = [...]string{
	Flag: "flag", Text: "text", IfName: "interface", NewIfName: "new interface name",
	BridgeDev: "bridge", PortDev: "bridge port", Netns: "namespace", NetnsOrPID: "namespace or pid",
	Addr: "address", Prefix: "prefix", LLAddr: "link-layer address", Number: "number",
	Enum: "choice", OnOff: "on|off", Table: "table", Proto: "protocol", Scope: "scope",
	Realm: "realm", Group: "group", LinkType: "link type", Command: "command",
}

// String names the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Then says how the words after a keyword (and its value) are read.
type Then uint8

// What follows a keyword.
const (
	Same        Then = iota // the same keyword table goes on
	TypeArgs                // the options of the link type just named (ip link ... type TYPE ARGS)
	PeerArgs                // a veth peer's link options (ip link add ... type veth peer ARGS)
	NexthopArgs             // a multipath route's next hop (ip route ... nexthop ARGS)
	VFArgs                  // the options of a virtual function (ip link set ... vf N ARGS), then the link's keywords again
	EncapArgs               // the options of the encapsulation type just named (ip route ... encap TYPE ARGS), then the route's keywords again
	Rest                    // the rest of the line is Kind (a command)
)

// Keyword is one keyword of a command's grammar, with its value.
type Keyword struct {
	Name     string   // the keyword as iproute2 spells it
	Exact    bool     // compared with strcmp, not matched as a prefix
	Canon    string   // the keyword this one is another spelling of ("brd" is "broadcast"); "" for itself
	Kind     Kind     // its value's kind; Flag for none
	Min      int64    // Number: the smallest value
	Max      int64    // Number: the largest value (0: no bound checked)
	Values   []string // Enum: the choices, in iproute2's order
	Then     Then     // how the words after it are read
	Extra    uint8    // further values after the first (vxlan's "srcport MIN MAX")
	Optional bool     // a positional argument that may be left out
	Greedy   bool     // takes every following word that is no keyword (macvlan's "macaddr add MAC")
	// Missing marks a keyword of iproute2's grammar that nsh does not
	// implement: it is accepted by the model and answered as "not
	// supported by nsh yet" by the executor.
	Missing bool
}

// Matches reports whether word selects k: the whole name when k is Exact,
// else any non-empty prefix of it (iproute2's matches()).
func (k *Keyword) Matches(word string) bool {
	if k.Exact {
		return word == k.Name
	}
	return word != "" && strings.HasPrefix(k.Name, word)
}

// Canonical returns the keyword's canonical name.
func (k *Keyword) Canonical() string {
	if k.Canon != "" {
		return k.Canon
	}
	return k.Name
}

// Verb is one command of an object ("ip link add"), or one of brctl's
// commands.
type Verb struct {
	Name  string // as iproute2 spells it
	Exact bool   // compared with strcmp
	Canon string // the verb this one is another spelling of ("lst" is "list")
	// Pos are the positional arguments, in order, before any keyword
	// (ip netns add NAME, brctl addif BRIDGE DEVICE).
	Pos []Keyword
	// Bare is the keyword a word that is no keyword stands for (the
	// device of "ip link set eth0", the prefix of "ip route add 10.0.0.0/8"),
	// taken once; "" when every word must be a keyword.
	Bare string
	// Keys are the verb's keywords in the order its parser tries them.
	Keys []Keyword
	// Lead are words that may come before the bare word (the route
	// types of "ip route add blackhole PREFIX").
	Lead  []string
	Short bool // a short spelling of another verb ("lst", "chg"): not offered by completion
	// Creates marks a verb whose "dev" (or "name") names a device it
	// creates (ip link add, ip tuntap add), not an existing one.
	Creates bool
	Missing bool // iproute2 has the verb; nsh does not implement it
}

// Canonical returns the verb's canonical name.
func (v *Verb) Canonical() string {
	if v.Canon != "" {
		return v.Canon
	}
	return v.Name
}

// Named returns the keyword of v named exactly word, or nil.
func (v *Verb) Named(word string) *Keyword {
	for i := range v.Keys {
		if v.Keys[i].Name == word {
			return &v.Keys[i]
		}
	}
	return nil
}

// Key returns the first keyword of v that word selects, or nil.
func (v *Verb) Key(word string) *Keyword { return matchKey(v.Keys, word) }

// Object is one object of a command ("ip link", "bridge fdb").
type Object struct {
	Name    string
	Canon   string // the object this one is another spelling of ("neighbor" is "neighbour")
	Verbs   []Verb // in the order its parser tries them
	Default string // the verb run when none is given ("" when one is required)
	Usage   string // the name of its usage text (see Usage); "" for none
	Missing bool   // iproute2 has the object; nsh does not implement it
}

// Canonical returns the object's canonical name.
func (o *Object) Canonical() string {
	if o.Canon != "" {
		return o.Canon
	}
	return o.Name
}

// HelpWord is how iproute2 names the object in "try \"ip OBJECT help\"".
func (o *Object) HelpWord() string {
	switch c := o.Canonical(); c {
	case "neighbour":
		return "neigh"
	case "maddress":
		return "maddr"
	default:
		return c
	}
}

// Verb returns the first verb of o that word selects, or nil.
func (o *Object) Verb(word string) *Verb {
	for i := range o.Verbs {
		v := &o.Verbs[i]
		if v.Exact && word == v.Name || !v.Exact && word != "" && strings.HasPrefix(v.Name, word) {
			return v
		}
	}
	return nil
}

// VerbNames returns the names of o's verbs in order.
func (o *Object) VerbNames() []string {
	out := make([]string, len(o.Verbs))
	for i := range o.Verbs {
		out[i] = o.Verbs[i].Name
	}
	return out
}

// Cmd is one command: ip, bridge or brctl.
type Cmd struct {
	Name    string
	Exact   bool      // objects and verbs are compared exactly (brctl)
	Options []Keyword // global options, without their leading "-"
	Objects []Object  // ip's and bridge's objects, in the table's order
	Verbs   []Verb    // brctl's commands (no objects)
	Usage   string    // the name of its usage text
}

// Object returns the first object of c that word selects, or nil.
func (c *Cmd) Object(word string) *Object {
	for i := range c.Objects {
		o := &c.Objects[i]
		if word != "" && strings.HasPrefix(o.Name, word) {
			return o
		}
	}
	return nil
}

// ObjectNames returns the names of c's objects in order.
func (c *Cmd) ObjectNames() []string {
	out := make([]string, len(c.Objects))
	for i := range c.Objects {
		out[i] = c.Objects[i].Name
	}
	return out
}

// Option returns the global option that the word opt (with its leading
// dashes) selects, or nil.
func (c *Cmd) Option(opt string) *Keyword {
	return matchKey(c.Options, strings.TrimLeft(opt, "-"))
}

// Verb returns brctl's command named word (exactly), or nil.
func (c *Cmd) Verb(word string) *Verb {
	for i := range c.Verbs {
		if c.Verbs[i].Name == word {
			return &c.Verbs[i]
		}
	}
	return nil
}

// Lookup returns the command named name (ip, bridge or brctl), or nil.
func Lookup(name string) *Cmd {
	switch name {
	case "ip":
		return &IP
	case "bridge":
		return &Bridge
	case "brctl":
		return &Brctl
	}
	return nil
}

// LinkKind is a link type of "ip link add ... type KIND" with its options.
type LinkKind struct {
	Name string
	Keys []Keyword // its options, in the order its parser (ip/iplink_KIND.c) tries them
	// Parts, when set, are its options in runs shared with another
	// parser (see Keywords); Keys is then empty.
	Parts [][]Keyword
	// Usage names its usage text, printed by "type KIND help".
	Usage string
	// Missing marks a type whose options nsh does not parse: the type
	// itself is created with no options.
	Missing bool
	// NoUtil marks a kind the kernel knows that iproute2 has no
	// link_util for (it takes no options).
	NoUtil bool
}

// Keywords returns the options of the link type in its parser's order.
func (k *LinkKind) Keywords() []Keyword {
	if k.Parts == nil {
		return k.Keys
	}
	var out []Keyword
	for _, p := range k.Parts {
		out = append(out, p...)
	}
	return out
}

// LinkKindOf returns the link type named name exactly (as iproute2's
// get_link_kind looks it up), or nil.
func LinkKindOf(name string) *LinkKind {
	for i := range LinkKinds {
		if LinkKinds[i].Name == name {
			return &LinkKinds[i]
		}
	}
	return nil
}

// LinkKindNames returns the names of the link types in the model.
func LinkKindNames() []string {
	out := make([]string, 0, len(LinkKinds))
	for i := range LinkKinds {
		out = append(out, LinkKinds[i].Name)
	}
	return out
}

// MatchKey returns the first keyword of keys that word selects, or nil.
func MatchKey(keys []Keyword, word string) *Keyword { return matchKey(keys, word) }

func matchKey(keys []Keyword, word string) *Keyword {
	for i := range keys {
		if keys[i].Matches(word) {
			return &keys[i]
		}
	}
	return nil
}

// Match returns the first of table that word is a prefix of, as
// iproute2's matches() over an ordered table; an empty word matches
// nothing.
func Match(word string, table ...string) (string, bool) {
	if word == "" {
		return "", false
	}
	for _, k := range table {
		if strings.HasPrefix(k, word) {
			return k, true
		}
	}
	return "", false
}
