package ns

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Start starts cmd inside r's namespace with "ip netns exec" semantics
// (iproute2 lib/namespace.c netns_switch and bind_etc): on a thread of its
// own, the network namespace is entered, a private mount namespace made
// with / as a slave, /sys remounted for the namespace, and for a named
// namespace each file of /etc/netns/NAME bind-mounted over /etc. The child
// is forked from that thread and so inherits all of it; the thread is never
// given back to the Go runtime. Nothing propagates to the host's mounts.
//
// In the start namespace cmd is started as it is.
func (h *Host) Start(r Ref, cmd *exec.Cmd) error {
	if r.IsStart() {
		return cmd.Start()
	}
	target, err := h.Open(r)
	if err != nil {
		return err
	}
	defer target.Close()
	return DoDiscard(func() error {
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			return fmt.Errorf("unshare CLONE_FS: %w", err)
		}
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("setting the network namespace %q failed: %w", r.String(), err)
		}
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			return fmt.Errorf("unshare failed: %w", err)
		}
		if err := unix.Mount("", "/", "none", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("\"mount --make-rslave /\" failed: %w", err)
		}
		var flags uintptr
		if err := unix.Unmount("/sys", unix.MNT_DETACH); err != nil {
			var st unix.Statfs_t
			if unix.Statfs("/sys", &st) == nil && st.Flags&unix.ST_RDONLY != 0 {
				flags = unix.MS_RDONLY
			}
		}
		src := r.Name
		if src == "" {
			src = "sysfs"
		}
		if err := unix.Mount(src, "/sys", "sysfs", flags, ""); err != nil {
			return fmt.Errorf("mount of /sys failed: %w", err)
		}
		if r.Name != "" {
			h.bindEtc(r.Name, cmd.Stderr)
		}
		return cmd.Start()
	})
}

// bindEtc bind-mounts each entry of /etc/netns/NAME over /etc/ENTRY.
func (h *Host) bindEtc(name string, stderr interface{ Write([]byte) (int, error) }) {
	dir := filepath.Join(h.etcDir, name)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		src := filepath.Join(dir, e.Name())
		dst := filepath.Join("/etc", e.Name())
		if err := unix.Mount(src, dst, "none", unix.MS_BIND, ""); err != nil && stderr != nil {
			fmt.Fprintf(stderr, "Bind %s -> %s failed: %v\n", src, dst, err)
		}
	}
}
