package iproute_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins/iproute"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/ns"
)

// netnsEnv is a lab whose Env runs "ip" as iproute.Main in the namespace
// asked for, and starts anything else with Host.Start.
type netnsEnv struct{ *lab }

func newNetnsEnv(t *testing.T) *netnsEnv {
	t.Helper()
	e := &netnsEnv{newLab(t)}
	host := e.env.Host
	e.env.Run = func(ctx context.Context, r ns.Ref, args []string) error {
		if args[0] == "ip" {
			sub := e.env.Clone()
			sub.NS = r
			defer sub.Release()
			return iproute.Main(ctx, sub, args)
		}
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Stdout, cmd.Stderr = e.env.Stdout, e.env.Stderr
		if err := host.Start(r, cmd); err != nil {
			return err
		}
		return cmd.Wait()
	}
	return e
}

// must runs "ip ARGS" as the builtin and fails the test on an error.
func (e *netnsEnv) must(t *testing.T, args ...string) string {
	t.Helper()
	out, err := e.ip(args...)
	if err != nil {
		t.Fatalf("nsh ip %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// realIP runs the real ip binary.
func realIP(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	cmd := exec.Command("ip", args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func mustReal(t *testing.T, args ...string) string {
	t.Helper()
	o, e, err := realIP(t, args...)
	if err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, e)
	}
	return o
}

// addVeth creates a veth in the start namespace with its peer in r.
func addVeth(t *testing.T, e *netnsEnv, name, peer string, r ns.Ref) {
	t.Helper()
	f, err := e.env.Host.Open(r)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := e.env.Handle(ns.Start())
	if err != nil {
		t.Fatal(err)
	}
	defer e.env.Release()
	v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name}, PeerName: peer, PeerNamespace: netlink.NsFd(int(f.Fd()))}
	if err := h.LinkAdd(v); err != nil {
		t.Fatalf("veth %s/%s: %v", name, peer, err)
	}
}

func TestNetnsListMatchesIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		e := newNetnsEnv(t)
		check := func(what string, args ...string) {
			t.Helper()
			want := mustReal(t, args...)
			got := e.must(t, args...)
			if got != want {
				t.Errorf("%s: ip %s\nnsh:\n%q\niproute2:\n%q", what, strings.Join(args, " "), got, want)
			}
		}
		check("empty", "netns", "list")
		check("empty ids", "netns", "list-id")
		e.must(t, "netns", "add", "a")
		mustReal(t, "netns", "add", "b")
		e.must(t, "netns", "add", "c")
		mustReal(t, "netns", "add", "d")
		check("without ids", "netns", "list")
		check("no verb", "netns")
		check("abbreviated", "netns", "s")
		check("json without ids", "-j", "netns", "list")

		a, _ := e.env.Host.Named("a")
		addVeth(t, e, "va", "vb", a)        // gives a an nsid
		e.must(t, "netns", "set", "c", "7") // explicit nsid
		mustReal(t, "netns", "set", "d", "auto")
		check("with ids", "netns", "list")
		check("json with ids", "-j", "netns", "list")
		check("list-id", "netns", "list-id")
		check("list-id nsid", "netns", "list-id", "nsid", "7")
		check("json list-id", "-j", "netns", "list-id")
		check("ids seen from a", "-n", "a", "netns", "list")
		check("list-id seen from a", "-n", "a", "netns", "list-id")
		if out := e.must(t, "netns", "list"); !strings.Contains(out, "c (id: 7)") {
			t.Errorf("ip netns set c 7 did not show: %q", out)
		}
	})
}

// TestNetnsErrorsMatchIproute2 compares error messages with iproute2's
// stderr, line for line.
func TestNetnsErrorsMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		e := newNetnsEnv(t)
		e.must(t, "netns", "add", "x")
		for _, args := range [][]string{
			{"netns", "add", "x"},
			{"netns", "exec", "nosuch", "true"},
			{"netns", "exec", "x"},
			{"netns", "del", "nosuch"},
			{"netns", "pids", "nosuch"},
			{"netns", "add", "a/b"},
			{"netns", "add", ".."},
			{"netns", "attach", "z", "999999"},
			{"netns", "attach", "z", "abc"},
			{"netns", "identify", "12x"},
			{"netns", "set", "x", "-3"},
			{"netns", "bogus"},
		} {
			_, stderr, rerr := realIP(t, args...)
			if rerr == nil {
				t.Errorf("ip %v: iproute2 succeeded", args)
				continue
			}
			_, err := e.ip(args...)
			if err == nil {
				t.Errorf("ip %v: nsh succeeded; iproute2 said %q", args, stderr)
				continue
			}
			if got := err.Error() + "\n"; got != stderr {
				t.Errorf("ip %v:\nnsh:      %q\niproute2: %q", args, got, stderr)
			}
		}
		// Nothing was created by the refused names.
		ents, _ := os.ReadDir("/run/netns")
		if len(ents) != 1 {
			t.Errorf("/run/netns holds %d entries, want only x", len(ents))
		}
	})
}

func TestNetnsExecRunsBuiltinsAndPrograms(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		e := newNetnsEnv(t)
		e.must(t, "netns", "add", "ns1")
		e.must(t, "netns", "add", "ns2")
		if got := e.must(t, "netns", "exec", "ns1", "ip", "netns", "identify"); got != "ns1\n" {
			t.Errorf("identify inside ns1 = %q", got)
		}
		if got := e.must(t, "-n", "ns2", "netns", "identify"); got != "ns2\n" {
			t.Errorf("-n ns2 identify = %q", got)
		}
		if got := e.must(t, "netns", "identify"); got != "\n" {
			t.Errorf("identify in the start namespace = %q", got)
		}
		var st unix.Stat_t
		if err := unix.Stat("/run/netns/ns1", &st); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("net:[%d]\n", st.Ino)
		if got := e.must(t, "netns", "exec", "ns1", "readlink", "/proc/self/ns/net"); got != want {
			t.Errorf("readlink in ns1 = %q, want %q", got, want)
		}
		// Exit statuses come back as errors.
		if _, err := e.ip("netns", "exec", "ns1", "false"); err == nil {
			t.Error("ip netns exec ns1 false succeeded")
		}
		// -all exec prints a header per namespace, in directory order.
		names, _ := e.env.Host.List()
		var wantAll strings.Builder
		for _, n := range names {
			fmt.Fprintf(&wantAll, "\nnetns: %s\nhi\n", n)
		}
		if got := e.must(t, "-all", "netns", "exec", "echo", "hi"); got != wantAll.String() {
			t.Errorf("-all exec = %q, want %q", got, wantAll.String())
		}
		if real, _, err := realIP(t, "-all", "netns", "exec", "echo", "hi"); err == nil && real != wantAll.String() {
			t.Errorf("-all exec: iproute2 prints %q, nsh %q", real, wantAll.String())
		}
	})
}

func TestNetnsPidsAndIdentifyMatchIproute2(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		e := newNetnsEnv(t)
		e.must(t, "netns", "add", "p1")
		r, _ := e.env.Host.Named("p1")
		var cmds []*exec.Cmd
		for i := 0; i < 3; i++ {
			cmd := exec.Command("sleep", "30")
			if err := e.env.Host.Start(r, cmd); err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, cmd)
		}
		defer func() {
			for _, c := range cmds {
				c.Process.Kill()
				c.Wait()
			}
		}()
		got := e.must(t, "netns", "pids", "p1")
		if want := mustReal(t, "netns", "pids", "p1"); got != want {
			t.Errorf("pids: nsh %q, iproute2 %q", got, want)
		}
		if strings.Count(got, "\n") != 3 {
			t.Errorf("pids = %q, want 3 processes", got)
		}
		pid := strconv.Itoa(cmds[0].Process.Pid)
		got = e.must(t, "netns", "identify", pid)
		if want := mustReal(t, "netns", "identify", pid); got != want || got != "p1\n" {
			t.Errorf("identify %s: nsh %q, iproute2 %q", pid, got, want)
		}
		// attach names the sleeper's namespace a second time.
		e.must(t, "netns", "attach", "p2", pid)
		k1, _ := e.env.Host.Key(r)
		r2, _ := e.env.Host.Named("p2")
		if k2, err := e.env.Host.Key(r2); err != nil || k1 != k2 {
			t.Errorf("attach: p2 key %v (%v), want %v", k2, err, k1)
		}
	})
}

// TestNetnsDelReleasesNamespace is HAZARDS #4: deleting a namespace nsh
// holds a netlink handle for frees it, so its veth peer in the start
// namespace disappears, and nsh keeps no fd of it.
func TestNetnsDelReleasesNamespace(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		e := newNetnsEnv(t)
		e.must(t, "netns", "add", "a")
		a, _ := e.env.Host.Named("a")
		addVeth(t, e, "va", "vb", a)
		ha, err := e.env.Handle(a) // a cached socket inside a
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ha.LinkByName("vb"); err != nil {
			t.Fatalf("vb not in a: %v", err)
		}
		e.env.Release() // the command that used it has ended
		key, err := e.env.Host.Key(a)
		if err != nil {
			t.Fatal(err)
		}
		e.must(t, "netns", "del", "a")
		h, _ := e.env.Handle(ns.Start())
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, err := h.LinkByName("va"); err != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("va still exists 5 s after ip netns del a: something pins a")
			}
			time.Sleep(20 * time.Millisecond)
		}
		nsLink := fmt.Sprintf("net:[%d]", key.Ino)
		ents, _ := os.ReadDir("/proc/self/fd")
		for _, ent := range ents {
			if l, _ := os.Readlink(filepath.Join("/proc/self/fd", ent.Name())); l == nsLink {
				t.Errorf("fd %s still refers to a's namespace", ent.Name())
			}
		}
	})
}

// TestNetnsDelThenRecreate is HAZARDS #12: right after "ip netns del", a
// veth of the same name as one whose peer was inside can be created again.
func TestNetnsDelThenRecreate(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		e := newNetnsEnv(t)
		for i := 0; i < 10; i++ {
			e.must(t, "netns", "add", "r")
			r, _ := e.env.Host.Named("r")
			e.env.Handle(r) // as a script would have, by using it
			e.env.Release()
			e.must(t, "link", "add", "vr", "type", "veth", "peer", "name", "vpeer", "netns", "r")
			e.must(t, "netns", "del", "r")
		}
		// Renaming to the name of a dying veth waits for it too.
		e.must(t, "netns", "add", "r")
		r, _ := e.env.Host.Named("r")
		addVeth(t, e, "vr2", "vpeer", r)
		e.must(t, "link", "add", "tmp", "type", "veth", "peer", "name", "tmpp")
		e.must(t, "netns", "del", "r")
		e.must(t, "link", "set", "tmp", "name", "vr2")
		// A namespace with a process inside is not destroyed: its veth
		// keeps its name, and reusing it fails at once.
		e.must(t, "netns", "add", "busy")
		busy, _ := e.env.Host.Named("busy")
		addVeth(t, e, "vbusy", "vpeer", busy)
		cmd := exec.Command("sleep", "30")
		if err := e.env.Host.Start(busy, cmd); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		e.must(t, "netns", "del", "busy")
		// Its peer's namespace is alive (the process holds it), so a
		// failed create must not wait for it to go: EEXIST at once.
		h, err := e.env.Handle(ns.Start())
		if err != nil {
			t.Fatal(err)
		}
		l, err := h.LinkByName("vbusy")
		e.env.Release()
		if err != nil {
			t.Fatal(err)
		}
		if iproute.PeerDying(e.env, ns.Start(), l) {
			t.Errorf("vbusy's peer counts as dying while a process holds its namespace")
		}
		if _, err := e.ip("link", "add", "vbusy", "type", "veth", "peer", "name", "vq"); !errors.Is(err, unix.EEXIST) {
			t.Errorf("re-adding vbusy while its peer's namespace lives: %v, want EEXIST", err)
		}
	})
}

func TestNetnsAllDelete(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		e := newNetnsEnv(t)
		for _, n := range []string{"d1", "d2", "d3"} {
			e.must(t, "netns", "add", n)
		}
		e.must(t, "-all", "netns", "delete")
		if names, _ := e.env.Host.List(); len(names) != 0 {
			t.Errorf("left after -all netns delete: %v", names)
		}
	})
}

// TestNetnsRefusesBadNames is HAZARDS #9 through ip netns.
func TestNetnsRefusesBadNames(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		e := newNetnsEnv(t)
		for _, name := range []string{".", "..", "a/b", "../../etc/x", strings.Repeat("n", 300)} {
			for _, verb := range []string{"add", "del", "pids", "set", "exec"} {
				args := []string{"netns", verb, name, "1"}
				_, err := e.ip(args...)
				if !errors.Is(err, ns.ErrInvalidName) {
					t.Errorf("ip %s %q: err %v, want ErrInvalidName", verb, name, err)
				}
			}
		}
		if ents, _ := os.ReadDir("/run/netns"); len(ents) != 0 {
			t.Errorf("/run/netns not empty: %v", ents)
		}
		if _, err := os.Lstat("/etc/x"); err == nil {
			t.Error("/etc/x exists")
		}
	})
}

// TestNetnsSymlinkToFile is HAZARDS #10 through ip netns.
func TestNetnsSymlinkToFile(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		e := newNetnsEnv(t)
		target := filepath.Join(t.TempDir(), "victim")
		if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, "/run/netns/evil"); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"netns", "exec", "evil", "true"},
			{"netns", "exec", "evil", "ip", "link"},
			{"-n", "evil", "netns", "list"},
			{"netns", "set", "evil", "3"},
		} {
			if _, err := e.ip(args...); err == nil || !strings.Contains(err.Error(), "not a network namespace file") {
				t.Errorf("ip %v: err %v, want \"not a network namespace file\"", args, err)
			}
		}
		// list shows the name (no id), as iproute2 does.
		if got := e.must(t, "netns", "list"); got != "evil\n" {
			t.Errorf("list = %q", got)
		}
		e.must(t, "netns", "del", "evil")
		if _, err := os.Lstat("/run/netns/evil"); !os.IsNotExist(err) {
			t.Errorf("link still there: %v", err)
		}
		if b, err := os.ReadFile(target); err != nil || string(b) != "keep" {
			t.Errorf("target changed: %q %v", b, err)
		}
	})
}
