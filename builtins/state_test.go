package builtins_test

import (
	"os/exec"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/internal/testenv"
	"github.com/nshlab/nsh/ns"
)

// vethInto creates va in the start namespace with its peer vb in r.
func vethInto(t *testing.T, host *ns.Host, h *netlink.Handle, r ns.Ref) {
	t.Helper()
	f, err := host.Open(r)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "va"}, PeerName: "vb", PeerNamespace: netlink.NsFd(int(f.Fd()))}
	if err := h.LinkAdd(v); err != nil {
		t.Fatal(err)
	}
}

// TestLeaseOutlivesForget: a handle dropped from the cache while a
// command holds it (the script deleted the namespace meanwhile) keeps
// reaching its own namespace until released; it never falls back to the
// thread's namespace. The next lease opens a new handle.
func TestLeaseOutlivesForget(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		host, st := testenv.New(t)
		a, err := host.Add("a")
		if err != nil {
			t.Fatal(err)
		}
		hs, relStart, err := st.Acquire(ns.Start())
		if err != nil {
			t.Fatal(err)
		}
		defer relStart()
		vethInto(t, host, hs, a)
		ha, release, err := st.Acquire(a)
		if err != nil {
			t.Fatal(err)
		}
		key, err := host.Key(a)
		if err != nil {
			t.Fatal(err)
		}
		st.Forget(key)
		if err := host.Delete("a"); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if _, err := ha.LinkByName("vb"); err != nil {
				t.Fatalf("leased handle of a lost a after Forget: %v", err)
			}
			if _, err := ha.LinkByName("va"); err == nil {
				t.Fatal("leased handle of a answers from the start namespace")
			}
		}
		release()
		release() // a second call is harmless
		if _, err := host.Add("a"); err != nil {
			t.Fatal(err)
		}
		hb, rel2, err := st.Acquire(a)
		if err != nil {
			t.Fatal(err)
		}
		defer rel2()
		if hb == ha {
			t.Fatal("a new namespace a got the handle of the deleted one")
		}
		if _, err := hb.LinkByName("vb"); err == nil {
			t.Fatal("the new namespace a has vb: the handle reaches the old one")
		}
	})
}

// TestExternalDeleteReleasesNamespace is HAZARDS #4 for deletions nsh
// does not make: after a command used namespace a, another program's "ip
// netns del a" destroys it (its veth peer in the start namespace goes)
// while nsh keeps running, because the cache notices that the name no
// longer leads to the namespace and closes its socket there.
func TestExternalDeleteReleasesNamespace(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		host, st := testenv.New(t)
		a, err := host.Add("a")
		if err != nil {
			t.Fatal(err)
		}
		hs, relStart, err := st.Acquire(ns.Start())
		if err != nil {
			t.Fatal(err)
		}
		defer relStart()
		vethInto(t, host, hs, a)
		ha, release, err := st.Acquire(a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ha.LinkByName("vb"); err != nil {
			t.Fatal(err)
		}
		release()
		if out, err := exec.Command("ip", "netns", "del", "a").CombinedOutput(); err != nil {
			t.Fatalf("ip netns del a: %v\n%s", err, out)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, err := hs.LinkByName("va"); err != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("va still exists 5 s after another program deleted a: nsh pins a")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
