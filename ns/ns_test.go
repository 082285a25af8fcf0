package ns

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/internal/sandbox"
)

func newHost(t *testing.T) *Host {
	t.Helper()
	h, err := NewHost()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// taskKeys returns the namespace key of every thread of this process.
func taskKeys(t *testing.T) map[string]Key {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]Key{}
	for _, e := range ents {
		k, err := statKey(filepath.Join("/proc/self/task", e.Name(), "ns/net"))
		if err == nil {
			keys[e.Name()] = k
		}
	}
	return keys
}

// waitAllThreadsIn waits (bounded) until every thread of the process is in
// the namespace with key want: threads that were discarded take a moment
// to exit.
func waitAllThreadsIn(t *testing.T, want Key, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var bad []string
		for tid, k := range taskKeys(t) {
			if k != want {
				bad = append(bad, tid)
			}
		}
		if len(bad) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("threads %v are still in a foreign namespace", bad)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDoDiscardsThreadsThatFailToRestore is HAZARDS #1: with a setns hook
// that makes some restores fail, no thread is ever given back to the Go
// runtime in a foreign namespace: goroutines that lock a thread never find
// it switched, and in the end every thread is in the start namespace.
func TestDoDiscardsThreadsThatFailToRestore(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		h := newHost(t)
		r, err := h.Add("t1")
		if err != nil {
			t.Fatal(err)
		}
		target, err := h.Key(r)
		if err != nil {
			t.Fatal(err)
		}
		startFd := int(h.start.Fd())
		var calls, failed atomic.Int64
		h.setns = func(fd int) error {
			if fd == startFd && calls.Add(1)%3 == 0 {
				failed.Add(1)
				return errors.New("injected restore failure") // thread stays in t1
			}
			return setnsNet(fd)
		}

		stop := make(chan struct{})
		var observers sync.WaitGroup
		var foreign atomic.Int64
		for i := 0; i < 8; i++ {
			observers.Add(1)
			go func() {
				defer observers.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					runtime.LockOSThread()
					k, err := ThreadKey()
					runtime.UnlockOSThread()
					if err == nil && k != h.key {
						foreign.Add(1)
					}
					runtime.Gosched()
				}
			}()
		}

		var wg sync.WaitGroup
		var wrongInside, restoreErrs atomic.Int64
		for g := 0; g < 32; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					err := h.Do(r, func() error {
						if k, err := ThreadKey(); err != nil || k != target {
							wrongInside.Add(1)
						}
						return nil
					})
					if err != nil {
						if !strings.Contains(err.Error(), "thread discarded") {
							t.Errorf("Do: unexpected error %v", err)
						}
						restoreErrs.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		observers.Wait()

		if failed.Load() == 0 || restoreErrs.Load() != failed.Load() {
			t.Fatalf("injected %d restore failures, Do reported %d", failed.Load(), restoreErrs.Load())
		}
		if n := wrongInside.Load(); n > 0 {
			t.Errorf("%d Do bodies ran outside t1", n)
		}
		if n := foreign.Load(); n > 0 {
			t.Errorf("%d times a goroutine got a thread left in t1", n)
		}
		waitAllThreadsIn(t, h.key, 5*time.Second)
	})
}

// TestConcurrentAddWithIproute2 is HAZARDS #6: nsh and the real ip adding
// namespaces at the same time, with /run/netns not yet a mount point: all
// are listed and enterable, and /run/netns is bound onto itself once.
func TestConcurrentAddWithIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		// A /run of our own in which /run/netns is a plain directory.
		sandbox.PrivateDir(t, "/run")
		if err := os.Mkdir("/run/netns", 0o755); err != nil {
			t.Fatal(err)
		}
		h := newHost(t)
		const n = 20
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i := 0; i < n; i++ {
			wg.Add(2)
			go func(i int) {
				defer wg.Done()
				if _, err := h.Add(fmt.Sprintf("nsh%d", i)); err != nil {
					errs <- err
				}
			}(i)
			go func(i int) {
				defer wg.Done()
				if out, err := exec.Command("ip", "netns", "add", fmt.Sprintf("ipr%d", i)).CombinedOutput(); err != nil {
					errs <- fmt.Errorf("ip netns add ipr%d: %v: %s", i, err, out)
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		names, err := h.List()
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != 2*n {
			t.Errorf("listed %d namespaces, want %d: %v", len(names), 2*n, names)
		}
		out, err := exec.Command("ip", "netns", "list").Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(string(out), "\n"); got != 2*n {
			t.Errorf("ip netns list shows %d, want %d", got, 2*n)
		}
		seen := map[Key]string{}
		for _, name := range names {
			r, err := h.Named(name)
			if err != nil {
				t.Fatal(err)
			}
			want, err := h.Key(r)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if other, dup := seen[want]; dup || want == h.key {
				t.Errorf("%s is the same namespace as %q", name, other)
			}
			seen[want] = name
			err = h.Do(r, func() error {
				k, err := ThreadKey()
				if err == nil && k != want {
					err = fmt.Errorf("entered %v, want %v", k, want)
				}
				return err
			})
			if err != nil {
				t.Errorf("entering %s: %v", name, err)
			}
		}
		mi, err := os.ReadFile("/proc/self/mountinfo")
		if err != nil {
			t.Fatal(err)
		}
		// Self-binds show the /run tmpfs's "/netns" as their root (the
		// sandbox's own tmpfs on /run/netns, now hidden, has root "/").
		binds := 0
		for _, line := range strings.Split(string(mi), "\n") {
			if f := strings.Fields(line); len(f) > 4 && f[4] == "/run/netns" && f[3] == "/netns" {
				binds++
			}
		}
		if binds != 1 {
			t.Errorf("/run/netns is mounted %d times, want exactly one self-bind:\n%s", binds, mi)
		}
	})
}

// mountLines returns the lines of /proc/self/mountinfo for mount point mp.
func mountLines(t *testing.T, mp string) string {
	t.Helper()
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(mi), "\n") {
		if f := strings.Fields(line); len(f) > 4 && f[4] == mp {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// TestStartLikeIpNetnsExec is HAZARDS #7: a program started in ns1 sees
// /etc/netns/ns1's files over /etc and a /sys of ns1, exactly as under
// "ip netns exec", and nothing of it reaches our own mounts.
func TestStartLikeIpNetnsExec(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		sandbox.PrivateDir(t, EtcDir)
		if err := os.MkdirAll(filepath.Join(EtcDir, "ns1"), 0o755); err != nil {
			t.Fatal(err)
		}
		const resolv = "nameserver 192.0.2.53\n"
		if err := os.WriteFile(filepath.Join(EtcDir, "ns1", "resolv.conf"), []byte(resolv), 0o644); err != nil {
			t.Fatal(err)
		}
		hostResolv, _ := os.ReadFile("/etc/resolv.conf")
		h := newHost(t)
		r, err := h.Add("ns1")
		if err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("ip", "-n", "ns1", "link", "add", "in1", "type", "veth", "peer", "name", "in2").CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		sysBefore, etcBefore := mountLines(t, "/sys"), mountLines(t, "/etc/resolv.conf")
		const script = "cat /etc/resolv.conf; ls /sys/class/net"

		var got bytes.Buffer
		cmd := exec.Command("sh", "-c", script)
		cmd.Stdout, cmd.Stderr = &got, &got
		if err := h.Start(r, cmd); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%v: %s", err, got.String())
		}
		want, err := exec.Command("ip", "netns", "exec", "ns1", "sh", "-c", script).CombinedOutput()
		if err != nil {
			t.Fatalf("ip netns exec: %v: %s", err, want)
		}
		if got.String() != string(want) {
			t.Errorf("Host.Start printed\n%s\nip netns exec printed\n%s", got.String(), want)
		}
		if !strings.HasPrefix(got.String(), resolv) || !strings.Contains(got.String(), "in1\nin2\nlo\n") {
			t.Errorf("unexpected output:\n%s", got.String())
		}
		if after := mountLines(t, "/sys"); after != sysBefore {
			t.Errorf("our /sys mounts changed:\nbefore %s\nafter  %s", sysBefore, after)
		}
		if after := mountLines(t, "/etc/resolv.conf"); after != etcBefore {
			t.Errorf("our /etc/resolv.conf mounts changed:\nbefore %s\nafter  %s", etcBefore, after)
		}
		if b, _ := os.ReadFile("/etc/resolv.conf"); !bytes.Equal(b, hostResolv) {
			t.Errorf("/etc/resolv.conf now reads %q", b)
		}
	})
}

// TestStartChildrenInNamespace is HAZARDS #8: many children started in
// ns1 (while others start in the start namespace) all run in the right
// namespace and inherit no descriptor beyond 0-2.
func TestStartChildrenInNamespace(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		// Descriptors this process inherited without FD_CLOEXEC (from
		// whoever ran the tests) would pass to every child, as they do
		// through ip and any shell; mark them so that what is checked
		// below is what nsh itself leaks.
		markInheritedCloexec(t)
		h := newHost(t)
		r, err := h.Add("ns1")
		if err != nil {
			t.Fatal(err)
		}
		held, err := h.Open(r) // an nsfs fd held while children start
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close()
		k1, err := h.Key(r)
		if err != nil {
			t.Fatal(err)
		}
		want1 := fmt.Sprintf("net:[%d]\n", k1.Ino)
		want0 := fmt.Sprintf("net:[%d]\n", h.key.Ino)
		n := 600
		if testing.Short() {
			n = 100
		}
		var wg sync.WaitGroup
		jobs := make(chan int)
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					ref, want := r, want1
					if i%5 == 4 {
						ref, want = Start(), want0
					}
					var out bytes.Buffer
					cmd := exec.Command("readlink", "/proc/self/ns/net")
					cmd.Stdout = &out
					if err := h.Start(ref, cmd); err != nil {
						t.Error(err)
						continue
					}
					if err := cmd.Wait(); err != nil {
						t.Error(err)
						continue
					}
					if out.String() != want {
						t.Errorf("child %d in %s printed %q, want %q", i, ref, out.String(), want)
					}
				}
			}()
		}
		for i := 0; i < n; i++ {
			jobs <- i
		}
		close(jobs)
		wg.Wait()

		// ls opens /proc/self/fd itself (fd 3); nothing else is inherited.
		for i := 0; i < 20; i++ {
			var out bytes.Buffer
			cmd := exec.Command("ls", "/proc/self/fd")
			cmd.Stdout = &out
			if err := h.Start(r, cmd); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatal(err)
			}
			if out.String() != "0\n1\n2\n3\n" {
				t.Fatalf("child's fds: %q", out.String())
			}
		}
		// The threads that forked children were thrown away, including
		// never the main thread (whose namespace /proc/self/ns/net shows).
		waitAllThreadsIn(t, h.key, 5*time.Second)
		if k, err := statKey("/proc/self/ns/net"); err != nil || k != h.key {
			t.Errorf("/proc/self/ns/net is %v (%v), want the start namespace", k, err)
		}
	})
}

// markInheritedCloexec sets FD_CLOEXEC on every descriptor above 2.
func markInheritedCloexec(t *testing.T) {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		var fd int
		if _, err := fmt.Sscan(e.Name(), &fd); err == nil && fd > 2 {
			unix.CloseOnExec(fd)
		}
	}
}

// badNames are refused by iproute2's invalid_name (HAZARDS #9).
var badNames = []string{"", ".", "..", "a/b", "../../etc/x", "/etc/x", strings.Repeat("n", 300), "a\x00b"}

// TestBadNamesRefusedBeforeAnySyscall is HAZARDS #9: bad names are
// refused by every entry point before a path is built or a syscall made:
// not even the run directory gets created.
func TestBadNamesRefusedBeforeAnySyscall(t *testing.T) {
	t.Parallel()
	runDir := filepath.Join(t.TempDir(), "netns") // does not exist
	h, err := NewHost(WithRunDir(runDir))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for _, name := range badNames {
		if err := ValidName(name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("ValidName(%q) = %v", name, err)
		}
		if _, err := h.Named(name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Named(%q) = %v", name, err)
		}
		if _, err := h.Add(name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Add(%q) = %v", name, err)
		}
		if _, err := h.Attach(name, os.Getpid()); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Attach(%q) = %v", name, err)
		}
		if err := h.Delete(name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Delete(%q) = %v", name, err)
		}
	}
	if _, err := os.Lstat(runDir); !os.IsNotExist(err) {
		t.Errorf("%s was created: %v", runDir, err)
	}
	if _, err := os.Lstat("/etc/x"); err == nil {
		t.Error("/etc/x exists")
	}
	for _, good := range []string{"a", "ns-1", "x.y", strings.Repeat("n", 254)} {
		if err := ValidName(good); err != nil {
			t.Errorf("ValidName(%q) = %v", good, err)
		}
	}
}

// TestSymlinkToRegularFile is HAZARDS #10: a link under /run/netns to a
// plain file is never used as a namespace, and deleting it removes the
// link, not its target. A link to a real namespace file still works.
func TestSymlinkToRegularFile(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		h := newHost(t)
		target := filepath.Join(t.TempDir(), "victim")
		if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, "/run/netns/evil"); err != nil {
			t.Fatal(err)
		}
		evil, err := h.Named("evil")
		if err != nil {
			t.Fatal(err)
		}
		const msg = "not a network namespace file"
		if _, err := h.Open(evil); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Open: %v", err)
		}
		if _, err := h.Key(evil); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Key: %v", err)
		}
		ran := false
		if err := h.Do(evil, func() error { ran = true; return nil }); err == nil || ran {
			t.Errorf("Do: %v (ran %v)", err, ran)
		}
		if err := h.Start(evil, exec.Command("true")); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("Start: %v", err)
		}
		if err := h.Delete("evil"); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Lstat("/run/netns/evil"); !os.IsNotExist(err) {
			t.Errorf("link still there: %v", err)
		}
		if b, err := os.ReadFile(target); err != nil || string(b) != "keep" {
			t.Errorf("target: %q, %v", b, err)
		}

		// The container convention: a link to a namespace file is fine.
		real, err := h.Add("real")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("/run/netns/real", "/run/netns/alias"); err != nil {
			t.Fatal(err)
		}
		alias, _ := h.Named("alias")
		k1, err1 := h.Key(real)
		k2, err2 := h.Key(alias)
		if err1 != nil || err2 != nil || k1 != k2 {
			t.Errorf("alias: %v %v %v %v", k1, err1, k2, err2)
		}
		if err := h.Delete("alias"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Key(real); err != nil {
			t.Errorf("deleting the alias broke the real one: %v", err)
		}
	})
}

// TestErrorsReadLikeIproute2 checks the messages scripts see.
func TestErrorsReadLikeIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		h := newHost(t)
		if _, err := h.Add("x"); err != nil {
			t.Fatal(err)
		}
		_, err := h.Add("x")
		if want := `Cannot create namespace file "/run/netns/x": File exists`; err == nil || err.Error() != want || !errors.Is(err, unix.EEXIST) {
			t.Errorf("Add twice: %v, want %s", err, want)
		}
		r, _ := h.Named("nosuch")
		_, err = h.Open(r)
		if want := `Cannot open network namespace "nosuch": No such file or directory`; err == nil || err.Error() != want || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Open: %v, want %s", err, want)
		}
		err = h.Delete("nosuch")
		if want := `Cannot remove namespace file "/run/netns/nosuch": No such file or directory`; err == nil || err.Error() != want {
			t.Errorf("Delete: %v, want %s", err, want)
		}
	})
}

// TestListIdentifyPids covers the listing helpers.
func TestListIdentifyPids(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		h := newHost(t)
		for _, n := range []string{"l1", "l2", "l3"} {
			if _, err := h.Add(n); err != nil {
				t.Fatal(err)
			}
		}
		names, err := h.List()
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(names)
		if strings.Join(names, ",") != "l1,l2,l3" {
			t.Errorf("List = %v", names)
		}
		r, _ := h.Named("l2")
		cmd := exec.Command("sleep", "30")
		if err := h.Start(r, cmd); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		pids, err := h.Pids(r)
		if err != nil || len(pids) != 1 || pids[0] != cmd.Process.Pid {
			t.Errorf("Pids = %v, %v; want [%d]", pids, err, cmd.Process.Pid)
		}
		k, _ := h.Key(r)
		if got, err := h.Identify(k); err != nil || len(got) != 1 || got[0] != "l2" {
			t.Errorf("Identify = %v, %v", got, err)
		}
		if got, _ := h.Identify(h.StartKey()); len(got) != 0 {
			t.Errorf("start namespace identified as %v", got)
		}
	})
}
