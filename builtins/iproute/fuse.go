package iproute

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/ns"
)

// The veth fusion optimisation.
//
// Moving a link to another namespace costs the kernel far more (~17 ms)
// than creating a veth whose peer is born there (~1 ms). Lab scripts
// nearly always write
//
//	ip link add A type veth peer name B
//	ip link set B netns NS
//
// so when "ip link add" creates a veth pair with no namespace on either
// end, it looks ahead at the following simple commands of its block for
// the first "ip link set [dev] B netns NS" and, when everything in
// between provably cannot observe or change the difference, creates B
// directly in NS and marks that statement as done. Any doubt means no
// fusion, and a failed fused creation falls back to the literal behaviour.
// If the block stops before reaching the skipped move (a statement in
// between fails, "exit", an interrupt), the interpreter runs the undo
// registered with the skip, which moves B back: the state is then the
// literal one. The look-ahead covers at most fuseWindow statements, so a
// long flat script costs O(n), not O(n²).
//
// What fusion cannot make equal: the peer's interface index comes from
// the counter of the namespace it is born in, not of the first end's, and
// the kernel computes the first end's operstate (while the peer is down)
// by looking the peer's index up in the first end's own namespace. So a
// first end brought up before the move shows DOWN where the literal
// sequence shows LOWERLAYERDOWN, until the peer comes up (then both show
// UP). Everything else — names, namespaces, errors, addresses, masters,
// flags — is the literal sequence's.

// fuseWindow is how many following statements fusion looks at.
const fuseWindow = 32

// fuseMatch is the statement a veth creation can absorb.
type fuseMatch struct {
	index int    // index in Following
	netns string // the NS word of "netns NS"
}

// ipHead reads the global options of an "ip" command line that fusion
// accepts (-n/-netns NS, -4, -6) and returns the "-n" word and the words
// after the options. ok is false for any other option.
func ipHead(args []string) (nsWord string, rest []string, ok bool) {
	if len(args) == 0 || args[0] != "ip" {
		return "", nil, false
	}
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		o := strings.TrimLeft(args[i], "-")
		switch {
		case o == "4" || o == "6":
			i++
		case o == "n" || o == "netns":
			if i+1 >= len(args) {
				return "", nil, false
			}
			nsWord = args[i+1]
			i += 2
		default:
			return "", nil, false
		}
	}
	return nsWord, args[i:], true
}

// objectOf resolves an "ip" object word through ip's object table
// (spec.IP), returning the object's canonical name ("" if none).
func objectOf(word string) string {
	if o := spec.IP.Object(word); o != nil {
		return o.Canonical()
	}
	return ""
}

// verbOfObject resolves the verb word of ip's object through its verb
// table (spec.IP), returning the verb's canonical name ("" if none).
func verbOfObject(object, word string) string {
	if o := spec.IP.Object(object); o != nil {
		if v := o.Verb(word); v != nil {
			return v.Canonical()
		}
	}
	return ""
}

// isFuseTarget reports whether f is exactly "ip [-n X] link set|change
// [dev] peer netns NS" and returns NS and the "-n" word.
func isFuseTarget(f interp.Following, peer string) (netns, nsWord string, ok bool) {
	nsWord, rest, ok := ipHead(f.Args)
	if !ok || len(rest) < 5 || objectOf(rest[0]) != "link" {
		return "", "", false
	}
	if verbOfObject("link", rest[1]) != "set" {
		return "", "", false
	}
	rest = rest[2:]
	if rest[0] == "dev" {
		rest = rest[1:]
	}
	if len(rest) != 3 || rest[0] != peer || rest[1] != "netns" {
		return "", "", false
	}
	return rest[2], nsWord, true
}

// brctlSafe are the brctl commands that change state without showing it.
var brctlSafe = map[string]bool{
	"addbr": true, "delbr": true, "addif": true, "delif": true, "stp": true,
	"setageing": true, "setfd": true, "sethello": true, "setmaxage": true,
	"setbridgeprio": true, "setpathcost": true, "setportprio": true, "hairpin": true,
}

// modifyVerbs are the verbs of "ip address/route" and "bridge" that only
// change state.
var modifyVerbs = map[string]bool{
	"add": true, "change": true, "replace": true, "delete": true, "del": true,
	"append": true, "prepend": true, "set": true,
}

// safeBetween reports whether statement args may run after the fused
// creation instead of before the move without any observable difference:
// an ip/brctl/bridge command that only modifies, does not name the peer,
// neither deletes nor renames the first end, does not touch namespaces (which could change the order
// in which namespace ids are allocated) and cannot create a link with a
// kernel-chosen name.
func safeBetween(args []string, first, peer string) bool {
	if len(args) == 0 {
		return false
	}
	namesFirst, renames := false, false
	for _, w := range args {
		if w == peer || w == "netns" || strings.HasPrefix(w, "link-netns") || w == "group" {
			return false
		}
		namesFirst = namesFirst || w == first
		renames = renames || w == "name"
	}
	switch args[0] {
	case "brctl":
		return len(args) > 1 && brctlSafe[args[1]]
	case "bridge":
		return len(args) > 2 && (args[1] == "link" || args[1] == "fdb" || args[1] == "mdb" || args[1] == "vlan") && modifyVerbs[args[2]]
	case "ip":
	default:
		return false
	}
	_, rest, ok := ipHead(args)
	if !ok || len(rest) < 2 {
		return false
	}
	switch objectOf(rest[0]) {
	case "link":
		v := verbOfObject("link", rest[1])
		// Deleting the first end deletes the peer; renaming it would let a
		// later statement delete it under a name this check cannot see.
		switch v {
		case "set":
			return !(namesFirst && renames)
		case "delete":
			return !namesFirst
		case "add":
			return namedAdd(rest[2:])
		}
		return false
	case "address":
		v := verbOfObject("address", rest[1])
		return modifyVerbs[v]
	case "route":
		v := verbOfObject("route", rest[1])
		return modifyVerbs[v]
	}
	return false
}

// namedAdd reports whether "ip link add ARGS" names every link it
// creates (a kernel-chosen name could take the peer's name once the peer
// is elsewhere).
func namedAdd(args []string) bool {
	r, err := parseLinkReq(args)
	if err != nil {
		return false
	}
	name := r.name
	if name == "" {
		name = r.dev
	}
	if name == "" || strings.Contains(name, "%") {
		return false
	}
	if r.typ == "veth" {
		p, err := parseVethPeer(r.typeArgs, io.Discard)
		if err != nil || p == nil {
			return false
		}
		pn := p.name
		if pn == "" {
			pn = p.dev
		}
		if pn == "" || strings.Contains(pn, "%") {
			return false
		}
	}
	return true
}

// matchFusion finds the statement among the following ones (next(i) is
// the i-th) that creating the veth pair first/peer can absorb, looking no
// further than needed and at most fuseWindow statements ahead. sameNS reports whether a statement that runs in
// stmtNS with "-n nsWord" (nsWord may be empty) acts in the namespace of
// the creation.
func matchFusion(next func(i int) (interp.Following, bool), first, peer string, sameNS func(stmtNS ns.Ref, nsWord string) bool) (fuseMatch, bool) {
	for i := 0; i < fuseWindow; i++ {
		f, ok := next(i)
		if !ok {
			return fuseMatch{}, false
		}
		if netns, nsWord, ok := isFuseTarget(f, peer); ok {
			if !sameNS(f.NS, nsWord) {
				return fuseMatch{}, false
			}
			return fuseMatch{index: i, netns: netns}, true
		}
		if !safeBetween(f.Args, first, peer) {
			return fuseMatch{}, false
		}
	}
	return fuseMatch{}, false
}

// tryFusedVeth creates v with its peer directly in the namespace a later
// statement would move it to, and skips that statement. It reports false
// (and no error) whenever the literal sequence must run instead.
func tryFusedVeth(env *builtins.Env, g *Global, h *netlink.Handle, v *netlink.Veth) (bool, error) {
	if env.Following == nil || env.Skip == nil || v.MasterIndex != 0 {
		return false, nil
	}
	here, err := env.Host.Key(g.NS)
	if err != nil {
		return false, nil
	}
	sameNS := func(stmtNS ns.Ref, nsWord string) bool {
		r := stmtNS
		if nsWord != "" {
			var err error
			if r, err = env.Host.Resolve(nsWord); err != nil {
				return false
			}
		}
		k, err := env.Host.Key(r)
		return err == nil && k == here
	}
	m, ok := matchFusion(env.Following, v.Name, v.PeerName, sameNS)
	if !ok {
		return false, nil
	}
	// The literal creation makes the peer here first: it fails when its
	// name is taken here (by a link or an altname), or is the first end's
	// own. The fused one would not see that, so those cases run literally
	// and fail as they should.
	if v.PeerName == v.Name {
		return false, nil
	}
	if _, err := h.LinkByName(v.PeerName); !errors.As(err, new(netlink.LinkNotFoundError)) {
		return false, nil
	}
	r, err := env.Host.Resolve(m.netns)
	if err != nil {
		return false, nil
	}
	f, err := env.Host.Open(r)
	if err != nil {
		return false, nil
	}
	defer f.Close()
	fused := *v
	fused.PeerNamespace = netlink.NsFd(int(f.Fd()))
	ch, err := env.LinkAdded(g.NS, v.Name, "veth", r, v.PeerName)
	if err != nil {
		return false, err
	}
	err = h.LinkAdd(&fused)
	if ch != nil {
		ch.Index = fused.Attrs().Index
	}
	ch.Done(err)
	if err != nil {
		return false, nil
	}
	env.Skip(m.index, func(context.Context) error {
		return unfuse(env, r, g.NS, v.PeerName)
	})
	return true, nil
}

// unfuse moves the peer of a fused veth back from namespace there to the
// namespace of its creation, here: the state of the literal sequence
// when the move never ran.
func unfuse(env *builtins.Env, there, here ns.Ref, peer string) error {
	// The command that registered the undo has ended, and its leases
	// with it: this lease is the undo's own.
	h, release, err := env.State.Acquire(there)
	if err != nil {
		return err
	}
	defer release()
	l, err := h.LinkByName(peer)
	if err != nil {
		return fmt.Errorf("moving %s back from %s: %w", peer, there.Describe(), err)
	}
	f, err := env.Host.Open(here)
	if err != nil {
		return fmt.Errorf("moving %s back to %s: %w", peer, here.Describe(), err)
	}
	defer f.Close()
	ch, err := env.Change(journal.Record{Op: journal.OpMove, NS: builtins.NSName(there), Name: peer, To: builtins.NSName(here)})
	if err != nil {
		return err
	}
	err = h.LinkSetNsFd(l, int(f.Fd()))
	ch.Done(err)
	if err != nil {
		return fmt.Errorf("moving %s back from %s to %s: %w", peer, there.Describe(), here.Describe(), err)
	}
	return nil
}
