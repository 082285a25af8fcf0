package ns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/multicall"
)

// init keeps the main goroutine on the main thread for good (the runtime
// documents that LockOSThread in an init function makes main run on the
// startup thread). Without it, a goroutine of Do or DoDiscard could land
// on the main thread; when such a goroutine exits still locked, the
// runtime cannot end the main thread and parks it forever instead, in the
// foreign namespace: /proc/PID/ns/net (which is the main thread's) then
// reports that namespace for nsh, "ip netns pids" lists nsh there, and the
// namespace is pinned after "ip netns del" (HAZARDS #1, #3, #4).
//
// A process started as one of nsh's one-shot tools (a link named ip to
// nsh; see internal/multicall) runs one command and exits: it has no
// long-lived main thread to protect, and locking here would start the
// runtime's template thread, a measurable part of the tool's start-up.
func init() {
	if !multicall.Self() {
		runtime.LockOSThread()
	}
}

// Host is the view of network namespaces for one run of nsh: the namespace
// it started in, and the directory of named namespaces. Create it with
// NewHost from a goroutine whose thread is in the start namespace (any
// goroutine that is not locked to a switched thread), and Close it when the
// run ends.
type Host struct {
	runDir string
	etcDir string
	start  *os.File
	key    Key

	// setns switches the calling thread; tests replace it to make some
	// restores fail.
	setns func(fd int) error

	sharedOnce sync.Mutex
	shared     bool
}

// Option configures a Host.
type Option func(*Host)

// WithRunDir makes the Host keep named namespaces in dir instead of RunDir
// (for tests).
func WithRunDir(dir string) Option { return func(h *Host) { h.runDir = dir } }

// NewHost opens the calling thread's network namespace as the start
// namespace.
func NewHost(opts ...Option) (*Host, error) {
	h := &Host{runDir: RunDir, etcDir: EtcDir, setns: setnsNet}
	for _, o := range opts {
		o(h)
	}
	// No thread lock is needed: every thread that is not locked to a
	// switched namespace is in the start namespace. unix.Open rather than
	// os.Open: the file is never polled, and os.Open would set up the
	// runtime's poller for it (a cost in a one-shot tool's start-up).
	fd, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("opening the start namespace: %w", &os.PathError{Op: "open", Path: "/proc/thread-self/ns/net", Err: err})
	}
	f := os.NewFile(uintptr(fd), "/proc/thread-self/ns/net")
	k, err := keyOf(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("opening the start namespace: %w", err)
	}
	h.start, h.key = f, k
	return h, nil
}

// Close releases the start namespace's file.
func (h *Host) Close() error {
	if h.start == nil {
		return nil
	}
	err := h.start.Close()
	h.start = nil
	return err
}

// StartKey returns the Key of the start namespace.
func (h *Host) StartKey() Key { return h.key }

// RunDir returns the directory of named namespaces.
func (h *Host) RunDir() string { return h.runDir }

// Path returns the file of r: the bind mount of a named namespace, the
// given path, or the start namespace's /proc/thread-self file.
func (h *Host) Path(r Ref) string {
	switch {
	case r.Name != "":
		return filepath.Join(h.runDir, r.Name)
	case r.Path != "":
		return r.Path
	}
	return "/proc/self/fd/" + strconv.Itoa(int(h.start.Fd()))
}

// Named is like the package function Named but under this Host's RunDir.
func (h *Host) Named(name string) (Ref, error) {
	if err := ValidName(name); err != nil {
		return Ref{}, err
	}
	return Ref{Name: name, Path: filepath.Join(h.runDir, name)}, nil
}

// Resolve turns what a script wrote after "in" or "-n" into a Ref: "." is
// the start namespace, a word with a "/" is a path to a namespace file, and
// anything else is a name under the Host's run directory.
func (h *Host) Resolve(word string) (Ref, error) {
	r, err := resolveWord(word)
	if err != nil || r.Name == "" {
		return r, err
	}
	return h.Named(word)
}

// Open opens the namespace file of r and checks that it is one. The caller
// closes the file.
func (h *Host) Open(r Ref) (*os.File, error) {
	if r.IsStart() {
		fd, err := unix.Dup(int(h.start.Fd()))
		if err != nil {
			return nil, fmt.Errorf("dup start namespace: %w", err)
		}
		unix.CloseOnExec(fd)
		return os.NewFile(uintptr(fd), "start netns"), nil
	}
	path := h.Path(r)
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("Cannot open network namespace %q: %w", r.String(), Strerror(err))
	}
	if err := checkNsfs(f, path); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Key returns the identity of r's namespace without keeping a file open.
func (h *Host) Key(r Ref) (Key, error) {
	if r.IsStart() {
		return h.key, nil
	}
	f, err := h.Open(r)
	if err != nil {
		return Key{}, err
	}
	defer f.Close()
	return keyOf(f)
}

// StatKey returns the identity of the file r names with a single stat,
// without checking that it is a namespace file: only for looking up
// something a checked Key produced before (a cache), never to trust a
// file.
func (h *Host) StatKey(r Ref) (Key, error) {
	if r.IsStart() {
		return h.key, nil
	}
	return statKey(h.Path(r))
}

// Exists reports whether r names an existing namespace.
func (h *Host) Exists(r Ref) bool {
	_, err := h.Key(r)
	return err == nil
}

// Do runs fn on a fresh goroutine locked to its OS thread, with that
// thread switched into r's namespace (CNI's ns.Do). The thread is switched
// back afterwards; if that fails, it is never unlocked, so the Go runtime
// destroys it with its goroutine instead of reusing it. fn must not start
// goroutines that expect to run in r: they would run elsewhere.
//
// For the start namespace no switch is needed: fn runs on the calling
// goroutine, locked to its thread for the duration so that
// /proc/thread-self stays that thread's. Every switched thread belongs to
// a goroutine inside Do, so the caller's thread is in the start namespace
// unless Do is called from within fn (do not).
func (h *Host) Do(r Ref, fn func() error) error {
	if r.IsStart() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		return fn()
	}
	target, err := h.Open(r)
	if err != nil {
		return err
	}
	defer target.Close()
	return h.doFd(int(target.Fd()), fn)
}

// doFd is Do with an open namespace fd; a negative target runs fn on a
// locked thread left in the start namespace, to be switched by fn itself.
func (h *Host) doFd(target int, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if target < 0 {
			// Stay in the start namespace: fn switches the thread itself.
		} else if err := h.setns(target); err != nil {
			// A failed setns leaves the thread where it was.
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("entering namespace: %w", err)
			return
		}
		ferr := fn()
		if err := h.setns(int(h.start.Fd())); err != nil {
			// Leave the thread locked: it dies with this goroutine.
			errc <- errors.Join(ferr, fmt.Errorf("restoring the start namespace failed, thread discarded: %w", err))
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// DoDiscard runs fn on a fresh goroutine locked to a thread that is never
// given back: for work that changes more of the thread than its network
// namespace (a private mount namespace before exec, for example).
func DoDiscard(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread: the runtime ends the thread with the goroutine.
		errc <- fn()
	}()
	return <-errc
}

func setnsNet(fd int) error {
	return unix.Setns(fd, unix.CLONE_NEWNET)
}

// ensureShared makes RunDir exist and be a shared mount point, binding it
// onto itself first if needed, under an flock of the directory, as
// iproute2's netns_add does, so both see each other's namespaces.
func (h *Host) ensureShared() error {
	h.sharedOnce.Lock()
	defer h.sharedOnce.Unlock()
	if h.shared {
		return nil
	}
	if err := os.MkdirAll(h.runDir, 0o755); err != nil {
		return fmt.Errorf("mkdir %s failed: %w", h.runDir, Strerror(err))
	}
	lock, err := unix.Open(h.runDir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err == nil {
		defer unix.Close(lock)
		if unix.Flock(lock, unix.LOCK_EX) == nil {
			defer unix.Flock(lock, unix.LOCK_UN)
		}
	}
	bound := false
	for {
		err := unix.Mount("", h.runDir, "none", unix.MS_SHARED|unix.MS_REC, "")
		if err == nil {
			break
		}
		if err != unix.EINVAL || bound {
			return fmt.Errorf("mount --make-shared %s failed: %w", h.runDir, Strerror(err))
		}
		if err := unix.Mount(h.runDir, h.runDir, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("mount --bind %s %s failed: %w", h.runDir, h.runDir, Strerror(err))
		}
		// As iproute2 does since the fix for Debian bug 949235: make the
		// new mount private before making it shared, so that it gets a
		// peer group of its own instead of joining its parent's.
		if err := unix.Mount(h.runDir, h.runDir, "none", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("mount --make-private %s failed: %w", h.runDir, Strerror(err))
		}
		bound = true
	}
	h.shared = true
	return nil
}

// Add creates a named network namespace as "ip netns add NAME" does: an
// empty file created with O_EXCL under RunDir, a new namespace made on a
// locked thread, and the thread's namespace bind-mounted onto the file.
func (h *Host) Add(name string) (Ref, error) {
	r, err := h.Named(name)
	if err != nil {
		return Ref{}, err
	}
	if err := h.ensureShared(); err != nil {
		return Ref{}, err
	}
	fd, err := unix.Open(r.Path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0)
	if err != nil {
		return Ref{}, fmt.Errorf("Cannot create namespace file %q: %w", r.Path, Strerror(err))
	}
	unix.Close(fd)
	err = h.doFd(-1, func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("Failed to create a new network namespace %q: %w", name, Strerror(err))
		}
		if err := unix.Mount("/proc/thread-self/ns/net", r.Path, "none", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("Bind /proc/thread-self/ns/net -> %s failed: %w", r.Path, Strerror(err))
		}
		return nil
	})
	if err != nil {
		unix.Unmount(r.Path, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW)
		unix.Unlink(r.Path)
		return Ref{}, err
	}
	return r, nil
}

// Attach binds the network namespace of process pid to a name, as
// "ip netns attach NAME PID" does.
func (h *Host) Attach(name string, pid int) (Ref, error) {
	r, err := h.Named(name)
	if err != nil {
		return Ref{}, err
	}
	src, err := Pid(pid)
	if err != nil {
		return Ref{}, err
	}
	if err := h.ensureShared(); err != nil {
		return Ref{}, err
	}
	fd, err := unix.Open(r.Path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0)
	if err != nil {
		return Ref{}, fmt.Errorf("Cannot create namespace file %q: %w", r.Path, Strerror(err))
	}
	unix.Close(fd)
	if err := unix.Mount(src.Path, r.Path, "none", unix.MS_BIND, ""); err != nil {
		unix.Unlink(r.Path)
		return Ref{}, fmt.Errorf("Bind %s -> %s failed: %w", src.Path, r.Path, Strerror(err))
	}
	return r, nil
}

// Delete removes a named namespace as "ip netns del NAME" does: lazy
// unmount and unlink, never following a symbolic link.
func (h *Host) Delete(name string) error {
	r, err := h.Named(name)
	if err != nil {
		return err
	}
	unix.Unmount(r.Path, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW)
	if err := unix.Unlink(r.Path); err != nil {
		return fmt.Errorf("Cannot remove namespace file %q: %w", r.Path, Strerror(err))
	}
	return nil
}

// List returns the names under RunDir in directory order, as
// "ip netns list" prints them (newest first on tmpfs).
func (h *Host) List() ([]string, error) {
	d, err := os.Open(h.runDir)
	if err != nil {
		if notExist(err) {
			return nil, nil
		}
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	out := names[:0]
	for _, n := range names {
		if n != "." && n != ".." {
			out = append(out, n)
		}
	}
	return out, nil
}

// Identify returns the names under RunDir that refer to the namespace
// with key k, as "ip netns identify" does.
func (h *Host) Identify(k Key) ([]string, error) {
	names, err := h.List()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		nk, err := statKey(filepath.Join(h.runDir, n))
		if err == nil && nk == k {
			out = append(out, n)
		}
	}
	return out, nil
}

// Pids returns the processes whose network namespace is r's, in
// ascending order, as "ip netns pids NAME" prints them.
func (h *Host) Pids(r Ref) ([]int, error) {
	k, err := h.Key(r)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		pk, err := statKey("/proc/" + e.Name() + "/ns/net")
		if err == nil && pk == k {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids, nil
}

// ThreadKey returns the Key of the calling thread's network namespace
// (read from /proc/thread-self, never /proc/self). The caller must be
// locked to its thread for the answer to mean anything.
func ThreadKey() (Key, error) {
	return statKey("/proc/thread-self/ns/net")
}
