package repl

import (
	"os"
	"strings"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/builtins"
)

// pending walks args as keywords, each of vals followed by its value, and
// returns the keyword whose value the next word is, if any. Walking from
// the start (rather than looking at the last word) keeps a value that is
// also a keyword ("state learning") from being taken for one.
func pending(args []string, vals map[string]valueFunc) (valueFunc, bool) {
	for i := 0; i < len(args); i++ {
		if f, ok := vals[args[i]]; ok {
			if i+1 == len(args) {
				return f, true
			}
			i++
		}
	}
	return nil, false
}

// keywords completes a list of keywords with values: the value of the
// keyword the cursor follows, or else the keywords.
func (q *query) keywords(args []string, vals map[string]valueFunc, kws []string) {
	if f, ok := pending(args, vals); ok {
		f(q)
		return
	}
	q.offer(kws...)
}

// verb resolves an abbreviated verb as the command does (first prefix
// match in the command's order).
func verb(w string, verbs []string) string {
	v, _ := builtins.Match(w, verbs...)
	return v
}

// ipRule completes "ip rule VERB SELECTOR ACTION".
func (q *query) ipRule(rest []string) {
	if len(rest) == 0 {
		q.offer(ruleVerbsOffer...)
		return
	}
	args := rest[1:]
	switch verb(rest[0], ruleVerbs) {
	case "add", "delete":
		q.keywords(args, ruleValues, ruleAddKeywords)
	case "flush", "list", "lst", "show":
		q.keywords(args, ruleValues, ruleShowKeywords)
	}
}

// ipNeigh completes "ip neigh VERB ...".
func (q *query) ipNeigh(rest []string) {
	if len(rest) == 0 {
		q.offer(neighVerbsOffer...)
		return
	}
	args := rest[1:]
	switch verb(rest[0], neighVerbs) {
	case "add", "change", "chg", "replace", "delete":
		if len(args) == 0 {
			return // the neighbour's address
		}
		q.keywords(args, neighModifyValues, neighAddKeywords)
	case "show", "list", "lst", "flush":
		q.keywords(args, neighShowingValues, neighShowKeywords)
	}
}

// ipTuntap completes "ip tuntap add|del [dev] NAME mode tun|tap ...".
func (q *query) ipTuntap(rest []string) {
	if len(rest) == 0 {
		q.offer(tuntapVerbsOffer...)
		return
	}
	args := rest[1:]
	switch verb(rest[0], tuntapVerbs) {
	case "add":
		if len(args) == 0 {
			q.offer(tuntapKeywords...)
			return // or the new device's name
		}
		q.keywords(args, tuntapAddValues, tuntapKeywords)
	case "delete":
		tuntaps := func(q *query) {
			q.ifnames(func(l netlink.Link) bool { return l.Type() == "tuntap" })
		}
		vals := map[string]valueFunc{"dev": tuntaps, "name": tuntaps}
		for k, f := range tuntapAddValues {
			if vals[k] == nil {
				vals[k] = f
			}
		}
		if f, ok := pending(args, vals); ok {
			f(q)
			return
		}
		if _, ok := device(args, tuntapKeywords); !ok {
			tuntaps(q)
		}
		q.offer(tuntapKeywords...)
	}
}

// linkTypeArgs completes the arguments after "type TYPE" of "ip link
// add|set": the type's keywords and their values.
func (q *query) linkTypeArgs(t string, after []string) {
	prev := last(after)
	if vals, ok := linkTypeValues[t]; ok {
		kws := bridgeTypeKeywords
		if t == "bridge_slave" {
			kws = bridgeSlaveKeywords
		}
		q.keywords(after, vals, kws)
		return
	}
	switch {
	case t == "veth" && prev == "peer":
		q.offer("name")
	case t == "veth" && contains(after, "peer"):
		// The peer's own name and keywords follow.
		if prev == "name" {
			return
		}
		if !q.value(prev) {
			q.offer("netns", "address", "mtu", "txqueuelen")
		}
	case prev == "mode" && (t == "macvlan" || t == "macvtap"):
		q.offer(macvlanModes...)
	case len(after) > 0 && q.value(prev):
	default:
		q.offer(linkTypeKeywords[t]...)
	}
}

// typeIndex returns the index of the type word after "type" in args, or
// -1.
func typeIndex(args []string) int {
	typ := -1
	for i, w := range args {
		if w == "type" && i+1 < len(args) {
			typ = i + 1
		}
	}
	return typ
}

// routeNexthop completes the words after the last "nexthop" of a route.
func (q *query) routeNexthop(after []string) {
	prev := last(after)
	switch prev {
	case "dev":
		q.ifnames(nil)
	case "via", "weight":
	default:
		q.offer(nexthopKeywords...)
	}
}

// bridgeObject completes "bridge OBJECT VERB ..." for link, fdb and vlan.
func (q *query) bridgeObject(obj string, rest []string) {
	var verbs []string
	switch obj {
	case "link":
		verbs = bridgeLinkVerbs
	case "fdb":
		verbs = bridgeFdbVerbs
	case "vlan":
		verbs = bridgeVlanVerbs
	default:
		return
	}
	if len(rest) == 0 {
		q.offer(verbs...)
		return
	}
	v, args := rest[0], rest[1:]
	is := func(names ...string) bool {
		for _, n := range names {
			if builtins.Is(v, n) {
				return true
			}
		}
		return false
	}
	switch {
	case obj == "link" && is("set", "change"):
		q.keywords(args, bridgeLinkValues, bridgeLinkKeywords)
	case obj == "fdb" && is("add", "append", "delete", "replace"):
		if len(args) == 0 {
			return // the MAC address
		}
		q.keywords(args, bridgeFdbValues, bridgeFdbKeywords)
	case obj == "fdb" && is("show", "list"):
		q.keywords(args, bridgeFdbShowValues, bridgeFdbShowKeyword)
	case obj == "vlan" && is("add", "delete"):
		q.keywords(args, bridgeVlanValues, bridgeVlanKeywords)
	case is("show", "list"):
		q.keywords(args, bridgeDevValues, []string{"dev"})
	}
}

// ping completes nsh's ping: options, and an interface after -I.
func (q *query) ping(args []string) {
	if f, ok := pending(args, pingValues); ok {
		f(q)
		return
	}
	if strings.HasPrefix(q.cur, "-") {
		q.offer(pingOptions...)
	}
}

// sysctl completes procps' sysctl: options, files after -p, and the keys
// under /proc/sys/net of the target namespace.
func (q *query) sysctl(args []string) {
	write := false
	for i, a := range args {
		switch {
		case a == "-w" || a == "--write":
			write = true
		case (a == "-p" || a == "-f") && i == len(args)-1:
			q.files()
			return
		}
	}
	if strings.HasPrefix(q.cur, "-") {
		q.offer(sysctlOptions...)
		return
	}
	q.sysctlKeys(write)
}

// sysctlKeys offers the keys of the target namespace under net, one
// level at a time: "net.ipv4.conf." lists /proc/sys/net/ipv4/conf read
// on a thread inside the namespace (/proc/sys/net is per namespace).
// Keys use "." or, when the key starts that way, "/" as the separator;
// with ".", a "." inside a name is written "/" (procps' rule, for
// interface names such as "eth0.10"). A complete key is followed by "="
// after -w and by a space otherwise.
func (q *query) sysctlKeys(write bool) {
	cur := q.cur
	if strings.Contains(cur, "=") {
		return
	}
	sep := "."
	if i := strings.IndexAny(cur, "./"); i >= 0 && cur[i] == '/' {
		sep = "/"
	}
	k := strings.LastIndex(cur, sep)
	if k < 0 {
		// Only net is per namespace; the rest of /proc/sys is the host's.
		if strings.HasPrefix("net", cur) {
			q.out = append(q.out, "net"+sep)
		}
		return
	}
	key, base := cur[:k], cur[k+1:]
	comps := strings.Split(key, sep)
	if comps[0] != "net" {
		return
	}
	for i, c := range comps {
		if sep == "." {
			c = strings.ReplaceAll(c, "/", ".")
		}
		if c == "" || c == "." || c == ".." || strings.Contains(c, "/") {
			return
		}
		comps[i] = c
	}
	var ents []os.DirEntry
	err := q.c.inNS(q.target, func() error {
		var err error
		ents, err = os.ReadDir("/proc/sys/" + strings.Join(comps, "/"))
		return err
	})
	if err != nil {
		return
	}
	end := " "
	if write {
		end = "="
	}
	for _, e := range ents {
		n := e.Name()
		if sep == "." {
			n = strings.ReplaceAll(n, ".", "/")
		}
		if !strings.HasPrefix(n, base) {
			continue
		}
		if e.IsDir() {
			q.out = append(q.out, key+sep+n+sep)
		} else {
			q.out = append(q.out, key+sep+n+end)
		}
	}
}
