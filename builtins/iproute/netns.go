package iproute

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/ns"
)

// netnsUsage is iproute2's "ip netns help" text (ip/ipnetns.c usage).
const netnsUsage = `Usage:	ip netns list
	ip netns add NAME
	ip netns attach NAME PID
	ip netns set NAME NETNSID
	ip [-all] netns delete [NAME]
	ip netns identify [PID]
	ip netns pids NAME
	ip [-all] netns exec [NAME] cmd ...
	ip netns monitor
	ip netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]
NETNSID := auto | POSITIVE-INT`

// netnsTeardownWait bounds how long creating or renaming a link waits for
// a veth dying with its peer's namespace to free its name (HAZARDS #12;
// see dying.go). It is only ever spent on a name that is certainly being
// freed, so it is generous: the kernel's cleanup_net work runs late on a
// loaded machine (seconds under the race detector).
const netnsTeardownWait = 10 * time.Second

// invalidNetnsName is iproute2's `Invalid netns name "NAME"`, wrapping
// the reason ns.ValidName gave (and so ns.ErrInvalidName).
type invalidNetnsName struct {
	name string
	err  error
}

func (e invalidNetnsName) Error() string { return fmt.Sprintf("Invalid netns name %q", e.name) }
func (e invalidNetnsName) Unwrap() error { return e.err }

// cmdNetns is "ip netns" (ip/ipnetns.c do_netns). Its verbs are matched in
// iproute2's order: list, show, lst, list-id, help, add, set, delete,
// identify, pids, exec, monitor, attach. As iproute2 does, the word after
// the verb is checked as a namespace name before anything else happens
// (unless -all is given).
func cmdNetns(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	err := netnsVerb(ctx, env, g, args)
	var f *builtins.Failure
	var es interp.ExitStatus
	var inv invalidNetnsName
	switch {
	case err == nil || errors.As(err, &f) || errors.As(err, &es) || errors.Is(err, builtins.ErrNotImplemented):
		return err
	case errors.As(err, &inv):
		// invalid_name: ip exits -1.
		return &builtins.Failure{Text: err.Error(), Status: 255, Err: err}
	}
	// The verbs of ipnetns.c return -1 or 1 to main, which exits 1.
	return &builtins.Failure{Text: err.Error(), Status: 1, Err: err}
}

// netnsVerb runs the verb of "ip netns" (see cmdNetns).
func netnsVerb(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return netnsList(env, g)
	}
	if !g.All && len(args) > 1 {
		if err := ns.ValidName(args[1]); err != nil {
			return invalidNetnsName{args[1], err}
		}
	}
	verb, rest := args[0], args[1:]
	switch {
	case builtins.Is(verb, "list") || builtins.Is(verb, "show") || builtins.Is(verb, "lst"):
		return netnsList(env, g)
	case builtins.Is(verb, "list-id"):
		return netnsListID(env, g, rest)
	case builtins.Is(verb, "help"):
		return errors.New(netnsUsage)
	case builtins.Is(verb, "add"):
		if len(rest) < 1 {
			return errors.New("No netns name specified")
		}
		return netnsAdd(env, rest[0])
	case builtins.Is(verb, "set"):
		return netnsSet(env, g, rest)
	case builtins.Is(verb, "delete"):
		return netnsDelete(env, g, rest)
	case builtins.Is(verb, "identify"):
		return netnsIdentify(env, g, rest)
	case builtins.Is(verb, "pids"):
		return netnsPids(env, rest)
	case builtins.Is(verb, "exec"):
		return netnsExec(ctx, env, g, rest)
	case builtins.Is(verb, "monitor"):
		return netnsMonitor(ctx, env)
	case builtins.Is(verb, "attach"):
		if len(rest) < 2 {
			return errors.New("No netns name and PID specified")
		}
		pid, err := strconv.ParseInt(rest[1], 0, 32)
		if err != nil || pid == 0 {
			return fmt.Errorf("Invalid PID: %s", rest[1])
		}
		_, err = env.Host.Attach(rest[0], int(pid))
		return err
	}
	return builtins.Fail(255, "Command %q is unknown, try \"ip netns help\".", verb)
}

// netnsIDOf returns the nsid that the namespace named name has in the
// namespace of h, or -1 when it has none or is not a namespace file
// (iproute2's get_netnsid_from_name).
func netnsIDOf(env *builtins.Env, h *netlink.Handle, name string) int {
	r, err := env.Host.Named(name)
	if err != nil {
		return -1
	}
	f, err := env.Host.Open(r)
	if err != nil {
		return -1
	}
	defer f.Close()
	id, err := h.GetNetNsIdByFd(int(f.Fd()))
	if err != nil {
		return -1
	}
	return id
}

// netnsList is "ip netns list": each name under /run/netns in directory
// order, with " (id: N)" when the namespace has an nsid in the namespace
// ip acts in (iproute2 netns_list).
func netnsList(env *builtins.Env, g *Global) error {
	names, err := env.Host.List()
	if err != nil {
		return fmt.Errorf("ip netns list: %w", err)
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	p := newPrinter(g)
	for _, n := range names {
		p.openObject("")
		p.any("name", "%s", n)
		if id := netnsIDOf(env, h, n); id >= 0 {
			p.any("id", " (id: %d)", id)
		}
		p.fp("\n")
		p.close("")
	}
	return p.flush(env.Stdout)
}

// nsid attributes missing from package netlink (linux/net_namespace.h).
const (
	netnsaNSID        = 1
	netnsaTargetNSID  = 4
	netnsaCurrentNSID = 5
)

// netnsListID is "ip netns list-id [target-nsid N] [nsid N]" (iproute2
// netns_list_id and print_nsid): the nsids the namespace ip acts in has
// assigned, each with the name of the first namespace under /run/netns
// that has that nsid.
func netnsListID(env *builtins.Env, g *Global, args []string) error {
	target, nsid := -1, -1
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		switch w {
		case "target-nsid", "nsid":
			if (w == "nsid" && nsid >= 0) || (w == "target-nsid" && target >= 0) {
				return fmt.Errorf("Error: duplicate %q: %q is the second value.", w, a.Peek())
			}
			v, err := a.Need(w)
			if err != nil {
				return err
			}
			n, err := strconv.ParseInt(v, 0, 32)
			if err != nil {
				return fmt.Errorf("Error: argument %q is wrong: %q value is invalid", v, w)
			}
			if n < 0 {
				return fmt.Errorf("Error: argument %q is wrong: %q value should be >= 0", v, w)
			}
			if w == "nsid" {
				nsid = int(n)
			} else {
				target = int(n)
			}
		default:
			return errors.New(netnsUsage)
		}
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	// Which name has which nsid, in directory order: the first wins.
	names, err := env.Host.List()
	if err != nil {
		return err
	}
	byID := map[int]string{}
	for _, n := range names {
		if id := netnsIDOf(env, h, n); id >= 0 {
			if _, ok := byID[id]; !ok {
				byID[id] = n
			}
		}
	}

	req := nl.NewNetlinkRequest(unix.RTM_GETNSID, unix.NLM_F_DUMP)
	if nsid >= 0 {
		req = nl.NewNetlinkRequest(unix.RTM_GETNSID, 0)
	}
	req.AddData(nl.NewRtGenMsg())
	if nsid >= 0 {
		req.AddData(nl.NewRtAttr(netnsaNSID, nl.Uint32Attr(uint32(nsid))))
	}
	if target >= 0 {
		req.AddData(nl.NewRtAttr(netnsaTargetNSID, nl.Uint32Attr(uint32(target))))
	}
	// A raw request: package netlink has no Handle method for nsid dumps.
	msgs, err := rawExecute(env, g.NS, req, unix.RTM_NEWNSID)
	if err != nil {
		return fmt.Errorf("Dump terminated: %w", ns.Strerror(err))
	}

	p := newPrinter(g)
	for _, m := range msgs {
		if len(m) < 4 { // struct rtgenmsg, padded to NLMSG_ALIGNTO
			continue
		}
		attrs, err := nl.ParseRouteAttr(m[4:])
		if err != nil {
			return fmt.Errorf("parsing RTM_NEWNSID: %w", err)
		}
		id, cur, haveID, haveCur := 0, 0, false, false
		for _, at := range attrs {
			if len(at.Value) < 4 {
				continue
			}
			v := int(int32(nl.NativeEndian().Uint32(at.Value)))
			switch at.Attr.Type {
			case netnsaNSID:
				id, haveID = v, true
			case netnsaCurrentNSID:
				cur, haveCur = v, true
			}
		}
		if !haveID {
			continue
		}
		p.openObject("")
		if id < 0 {
			p.fp("nsid unassigned ")
		} else {
			p.any("nsid", "nsid %d ", id)
		}
		key := id
		if haveCur {
			key = cur
			if cur < 0 {
				p.fp("current-nsid unassigned ")
			} else {
				p.any("current-nsid", "current-nsid %d ", cur)
			}
		}
		if n, ok := byID[key]; ok {
			p.any("name", "(iproute2 netns name: %s)", n)
		}
		p.fp("\n")
		p.close("")
	}
	return p.flush(env.Stdout)
}

// netnsSet is "ip netns set NAME ID|auto": RTM_NEWNSID in the namespace
// ip acts in, giving NAME's namespace that nsid ("auto" lets the kernel
// choose).
func netnsSet(env *builtins.Env, g *Global, args []string) error {
	if len(args) < 1 {
		return errors.New("No netns name specified")
	}
	if len(args) < 2 {
		return errors.New("No nsid specified")
	}
	nsid := -1
	if args[1] != "auto" {
		n, err := strconv.ParseInt(args[1], 0, 32)
		if err != nil {
			return fmt.Errorf("Error: argument %q is wrong: Invalid \"netnsid\" value", args[1])
		}
		if n < 0 {
			return fmt.Errorf("Error: argument %q is wrong: \"netnsid\" value should be >= 0", args[1])
		}
		nsid = int(n)
	}
	r, err := env.Host.Named(args[0])
	if err != nil {
		return err
	}
	f, err := env.Host.Open(r)
	if err != nil {
		return err
	}
	defer f.Close()
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	if err := h.SetNetNsIdByFd(int(f.Fd()), nsid); err != nil {
		return builtins.Answer(rtnl.FromHandle(err))
	}
	return nil
}

// netnsDelete is "ip netns delete NAME" and "ip -all netns delete".
// Before a namespace is deleted its cached netlink handle is closed
// (State.Forget), so nsh keeps nothing of it alive (HAZARDS #4).
func netnsDelete(env *builtins.Env, g *Global, args []string) error {
	if g.All {
		names, err := env.Host.List()
		if err != nil {
			return err
		}
		for _, n := range names {
			if err := netnsDeleteOne(env, n); err != nil {
				return err
			}
		}
		return nil
	}
	if len(args) < 1 {
		return errors.New("No netns name specified")
	}
	return netnsDeleteOne(env, args[0])
}

// netnsAdd is "ip netns add NAME", recorded in the run's journal.
func netnsAdd(env *builtins.Env, name string) error {
	if _, err := env.Host.Named(name); err != nil {
		_, err = env.Host.Add(name) // iproute2's message for a bad name
		return err
	}
	if err := env.Intend(builtins.NetnsIntent(env.Host, name, false)); err != nil {
		return err
	}
	ch, err := env.Change(journal.Record{Op: journal.OpNetns, Name: name})
	if err != nil {
		return err
	}
	r, err := env.Host.Add(name)
	if err == nil && ch != nil {
		if k, kerr := env.Host.StatKey(r); kerr == nil {
			ch.Key = k.String()
		}
	}
	ch.Done(err)
	return err
}

// netnsDeleteOne deletes one named namespace, as iproute2 does: it
// removes the name and returns at once. The kernel destroys the namespace
// asynchronously; a veth of the same name as one whose peer was inside
// is waited for only if a later command tries to reuse its name (see
// dying.go).
func netnsDeleteOne(env *builtins.Env, name string) error {
	r, err := env.Host.Named(name)
	if err != nil {
		return invalidNetnsName{name, err}
	}
	it := builtins.NetnsIntent(env.Host, name, true)
	if env.State.Mode() == builtins.Plan && !env.State.PlannedNetns(name) {
		// The veths whose peers are in it go with it.
		peers, effect := env.NetnsPeers(name), it.Effect
		it.Effect = func(o builtins.Overlay) {
			effect(o)
			for _, p := range peers {
				if at, n, ok := strings.Cut(p, "\x00"); ok {
					o.RemoveLink(at, n, "")
				}
			}
		}
	}
	if err := env.Intend(it); err != nil {
		return err
	}
	key, keyErr := env.Host.Key(r)
	if keyErr == nil {
		env.State.Forget(key)
	}
	ch, err := env.Change(journal.Record{Op: journal.OpNetnsDel, Name: name})
	if err != nil {
		return err
	}
	err = env.Host.Delete(name)
	ch.Done(err)
	if err != nil {
		return err
	}
	if keyErr == nil {
		// Forget again: a concurrent command may have reopened it.
		env.State.Forget(key)
	}
	return nil
}

// netnsIdentify is "ip netns identify [PID]": the name under /run/netns
// of the namespace of PID, or, without PID, of the namespace ip acts in
// (the statement's namespace, or -n's). As iproute2 does, it prints the
// last matching name, or an empty line when none matches.
func netnsIdentify(env *builtins.Env, g *Global, args []string) error {
	var key ns.Key
	switch {
	case len(args) > 1:
		return errors.New("extra arguments specified")
	case len(args) == 1:
		if !isPid(args[0]) {
			return fmt.Errorf("Specified string '%s' is not a pid", args[0])
		}
		var st unix.Stat_t
		if err := unix.Stat("/proc/"+args[0]+"/ns/net", &st); err != nil {
			return fmt.Errorf("Cannot open network namespace: %w", ns.Strerror(err))
		}
		key = ns.Key{Dev: st.Dev, Ino: st.Ino}
	default:
		k, err := env.Host.Key(g.NS)
		if err != nil {
			return err
		}
		key = k
	}
	names, err := env.Host.Identify(key)
	if err != nil {
		return fmt.Errorf("Failed to open directory %s:%w", env.Host.RunDir(), ns.Strerror(err))
	}
	last := ""
	if len(names) > 0 {
		last = names[len(names)-1]
	}
	_, err = fmt.Fprintln(env.Stdout, last)
	return err
}

// isPid reports whether s is all digits, as iproute2's is_pid (which
// accepts the empty string too).
func isPid(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// netnsPids is "ip netns pids NAME": the processes in NAME's namespace.
func netnsPids(env *builtins.Env, args []string) error {
	if len(args) < 1 {
		return errors.New("No netns name specified")
	}
	if len(args) > 1 {
		return errors.New("extra arguments specified")
	}
	r, err := env.Host.Named(args[0])
	if err != nil {
		return err
	}
	pids, err := env.Host.Pids(r)
	if err != nil {
		var errno syscall.Errno
		if errors.As(err, &errno) {
			return fmt.Errorf("Cannot open network namespace: %w", ns.Strerror(errno))
		}
		return err
	}
	var b bytes.Buffer
	for _, p := range pids {
		fmt.Fprintln(&b, p)
	}
	_, err = env.Stdout.Write(b.Bytes())
	return err
}

// netnsExec is "ip netns exec NAME CMD..." and "ip -all netns exec
// CMD...": the command line goes through the interpreter's whole handler
// chain in NAME's namespace (env.Run), so a builtin such as ip runs
// in-process and anything else is started with ip-netns-exec semantics.
// With -all, iproute2 prints "\nnetns: NAME\n" before each namespace's
// output and ignores the commands' exit statuses.
func netnsExec(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	if g.All {
		if len(args) < 1 {
			return errors.New("No command specified")
		}
		names, err := env.Host.List()
		if err != nil {
			return err
		}
		for _, n := range names {
			if err := ctx.Err(); err != nil {
				return err
			}
			r, err := env.Host.Named(n)
			if err != nil {
				continue
			}
			fmt.Fprintf(env.Stdout, "\nnetns: %s\n", n)
			err = env.Run(ctx, r, args)
			var st interp.ExitStatus
			if err != nil && !errors.As(err, &st) {
				fmt.Fprintln(env.Stderr, err)
			}
		}
		return nil
	}
	if len(args) < 1 {
		return errors.New("No netns name specified")
	}
	if len(args) < 2 {
		return errors.New("No command specified")
	}
	r, err := env.Host.Named(args[0])
	if err != nil {
		return err
	}
	if _, err := env.Host.Key(r); err != nil {
		// netns_switch fails, and ip exits -1.
		return &builtins.Failure{Text: err.Error(), Status: 255, Err: err}
	}
	// A failure of the command names the namespace it ran in, as one of
	// "ip -n NS" does.
	if err := env.Run(ctx, r, args[1:]); err != nil {
		return &interp.NamespaceError{NS: r, Err: err}
	}
	return nil
}
