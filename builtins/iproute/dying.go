package iproute

import (
	"errors"
	"os"
	"strconv"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/ns"
)

// The kernel destroys a network namespace, and the devices in it,
// asynchronously once its last reference is gone; until then the veth
// peers of those devices still exist in other namespaces, and a script
// that deletes a namespace and then re-creates a veth of the same name
// gets "File exists" (HAZARDS #12, moby/moby#48749). Rather than make
// every "ip netns del" look for such peers and wait for them, nsh waits
// lazily: when creating or renaming a link fails with EEXIST and the link
// holding the name is a veth whose peer's namespace is being destroyed,
// it waits (at most netnsTeardownWait) for the kernel to remove it and
// tries once more. Any other EEXIST is reported at once.

// linkName is a link name in a namespace, one that an "ip link" request
// may find taken.
type linkName struct {
	ref  ns.Ref
	name string
}

// retryDying runs op and, when it fails with EEXIST because one of names
// is held by a veth being torn down with its peer's namespace, waits for
// that veth to go and runs op once more.
func retryDying(env *builtins.Env, op func() error, names ...linkName) error {
	err := op()
	if !errors.Is(err, unix.EEXIST) {
		return err
	}
	waited := false
	for _, n := range names {
		if n.name != "" && awaitDyingVeth(env, n.ref, n.name) {
			waited = true
		}
	}
	if !waited {
		return err
	}
	return op()
}

// awaitDyingVeth reports whether name in r is a veth whose peer's
// namespace is being destroyed, after waiting, at most netnsTeardownWait,
// polling every 10 ms, for the kernel to remove it.
func awaitDyingVeth(env *builtins.Env, r ns.Ref, name string) bool {
	h, err := env.Handle(r)
	if err != nil {
		return false
	}
	l, err := h.LinkByName(name)
	if err != nil || !peerDying(env, r, l) {
		return false
	}
	index := l.Attrs().Index
	deadline := time.Now().Add(netnsTeardownWait)
	for time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		cur, err := h.LinkByName(name)
		if err != nil || cur.Attrs().Index != index {
			return true
		}
	}
	return true
}

// peerDying reports whether l, in r, is a veth whose peer lives in a
// namespace that is being destroyed. Its IFLA_LINK_NETNSID is -1 once the
// kernel has dropped the namespace's ids; before that (the namespace's
// last references — a lazily unmounted name, sockets freed after an RCU
// grace period — go asynchronously), the peer's namespace counts as dying
// when it is none that can still be reached: not the start namespace, not
// a named one, not that of a process. RTM_GETNSID by fd or pid only reads
// ids, it never assigns one (peernet2id), so this changes no state.
func peerDying(env *builtins.Env, r ns.Ref, l netlink.Link) bool {
	id := l.Attrs().NetNsID
	if l.Type() != "veth" || id == -1 {
		// -1 is netlink's "no IFLA_LINK_NETNSID": the peer is here.
		return false
	}
	if int32(id) == -1 {
		return true
	}
	h, err := env.Handle(r)
	if err != nil {
		return false
	}
	refs := []ns.Ref{ns.Start()}
	names, _ := env.Host.List()
	for _, n := range names {
		if c, err := env.Host.Named(n); err == nil {
			refs = append(refs, c)
		}
	}
	for _, c := range refs {
		f, err := env.Host.Open(c)
		if err != nil {
			continue
		}
		got, err := h.GetNetNsIdByFd(int(f.Fd()))
		f.Close()
		if err == nil && got == id {
			return false
		}
	}
	procs, _ := os.ReadDir("/proc")
	seen := map[ns.Key]bool{}
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		var st unix.Stat_t
		if unix.Stat("/proc/"+p.Name()+"/ns/net", &st) != nil {
			continue
		}
		k := ns.Key{Dev: st.Dev, Ino: st.Ino}
		if seen[k] {
			continue
		}
		seen[k] = true
		if got, err := h.GetNetNsIdByPid(pid); err == nil && got == id {
			return false
		}
	}
	return true
}
