// Package ns finds, creates, deletes and enters network namespaces the way
// iproute2 does (ip/ipnetns.c, lib/namespace.c), without the known hazards
// of doing so from a multithreaded Go program (see HAZARDS.md):
//
//   - a thread is switched only while its goroutine is locked to it, and is
//     given back to the runtime only when switching back succeeded;
//   - the thread's own namespace is read from /proc/thread-self;
//   - names are checked before any path is built from them;
//   - files under /run/netns are checked to be nsfs files before use, and
//     deleted without following symbolic links.
//
// It imports no netlink code: netlink handles live in package builtins.
package ns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// RunDir is where named namespaces are bind-mounted (iproute2's
// NETNS_RUN_DIR; /var/run is a link to /run).
const RunDir = "/run/netns"

// EtcDir holds per-namespace configuration files that "ip netns exec"
// bind-mounts over /etc (iproute2's NETNS_ETC_DIR).
const EtcDir = "/etc/netns"

// StartName is the spelling that names the namespace nsh started in, as in
// "in . < ... >". A namespace name can never be ".", so it cannot clash.
const StartName = "."

// ErrInvalidName is returned (wrapped) for a namespace name iproute2
// refuses.
var ErrInvalidName = errors.New("invalid namespace name")

// Ref names a network namespace as a script refers to it. The zero Ref is
// the namespace nsh started in.
type Ref struct {
	// Name is the name under RunDir, or "" for a namespace given by path.
	Name string
	// Path is the namespace file; "" (with Name "") means the start
	// namespace.
	Path string
}

// Start returns the Ref of the namespace nsh started in.
func Start() Ref { return Ref{} }

// IsStart reports whether r is the start namespace.
func (r Ref) IsStart() bool { return r.Path == "" }

// String prints r as a script would name it: its name, its path, or "."
// for the start namespace.
func (r Ref) String() string {
	switch {
	case r.Name != "":
		return r.Name
	case r.Path != "":
		return r.Path
	}
	return StartName
}

// Describe prints r for messages: "netns ns1", "netns /proc/1/ns/net" or
// "start netns".
func (r Ref) Describe() string {
	if r.IsStart() {
		return "start netns"
	}
	return "netns " + r.String()
}

// Pid returns the Ref of the network namespace of process pid.
func Pid(pid int) (Ref, error) {
	if pid <= 0 {
		return Ref{}, fmt.Errorf("invalid pid %d", pid)
	}
	return Ref{Path: "/proc/" + strconv.Itoa(pid) + "/ns/net"}, nil
}

// resolveWord turns what a script wrote after "in" or "-n" into a Ref:
// "." is the start namespace, a word with a "/" is a path to a namespace
// file, and anything else a name, returned in Ref.Name only (Host.Resolve
// places it under the Host's run directory).
func resolveWord(word string) (Ref, error) {
	if word == StartName {
		return Start(), nil
	}
	if strings.Contains(word, "/") {
		return Ref{Path: filepath.Clean(word)}, nil
	}
	if err := ValidName(word); err != nil {
		return Ref{}, err
	}
	return Ref{Name: word}, nil
}

// ValidName checks a namespace name by iproute2's rules (ipnetns.c
// invalid_name): not empty, shorter than NAME_MAX, no "/", not "." or "..".
func ValidName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty name", ErrInvalidName)
	case len(name) >= unix.NAME_MAX:
		return fmt.Errorf("%w %q: longer than %d bytes", ErrInvalidName, name, unix.NAME_MAX-1)
	case strings.Contains(name, "/"):
		return fmt.Errorf("%w %q: contains \"/\"", ErrInvalidName, name)
	case name == "." || name == "..":
		return fmt.Errorf("%w %q", ErrInvalidName, name)
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("%w %q: contains a NUL byte", ErrInvalidName, name)
	}
	return nil
}

// Key identifies a namespace by the device and inode of its nsfs file, the
// same identity iproute2 uses for "ip netns identify".
type Key struct {
	Dev uint64
	Ino uint64
}

// String prints the key as "dev:ino".
func (k Key) String() string { return fmt.Sprintf("%d:%d", k.Dev, k.Ino) }

// nsfsMagic is NSFS_MAGIC from linux/magic.h.
const nsfsMagic = 0x6e736673

// checkNsfs verifies that the open file f is a namespace file (CNI's
// IsNSorErr), so a plain file or a link to one is never used as a netns.
func checkNsfs(f *os.File, path string) error {
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil {
		return fmt.Errorf("statfs %s: %w", path, err)
	}
	if uint64(st.Type) != nsfsMagic {
		return fmt.Errorf("%s is not a network namespace file", path)
	}
	return nil
}

// keyOf returns the Key of the open file f.
func keyOf(f *os.File) (Key, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return Key{}, err
	}
	return Key{Dev: st.Dev, Ino: st.Ino}, nil
}

// statKey returns the Key of the file at path, following links.
func statKey(path string) (Key, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return Key{}, err
	}
	return Key{Dev: st.Dev, Ino: st.Ino}, nil
}

// Strerror returns err with its system error number, if it has one,
// printed as C's strerror(3) prints it ("File exists" rather than Go's
// "file exists"), so that messages read exactly like iproute2's. The
// result still matches the errno with errors.Is.
func Strerror(err error) error {
	var errno syscall.Errno
	if err == nil || !errors.As(err, &errno) {
		return err
	}
	return cErrno{errno}
}

// cErrno prints an errno the way glibc's strerror does.
type cErrno struct{ errno syscall.Errno }

func (e cErrno) Error() string {
	s := e.errno.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

func (e cErrno) Unwrap() error { return e.errno }

// notExist reports whether err means "no such namespace".
func notExist(err error) bool {
	return errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOENT)
}
