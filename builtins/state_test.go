package builtins_test

import (
	"errors"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/rtnl"
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

// linkNames dumps the links c's namespace has, by name.
func linkNames(t *testing.T, c *rtnl.Conn) (map[string]bool, error) {
	t.Helper()
	links, err := c.Links(unix.AF_UNSPEC, 0)
	if err != nil {
		return nil, err
	}
	m := map[string]bool{}
	for _, l := range links {
		m[l.Name] = true
	}
	return m, nil
}

// labA adds namespace a with a veth va (start namespace) – vb (a), and
// returns the Host, the State and a.
func labA(t *testing.T) (*ns.Host, *builtins.State, ns.Ref) {
	t.Helper()
	host, st := testenv.New(t)
	a, err := host.Add("a")
	if err != nil {
		t.Fatal(err)
	}
	hs, relStart, err := st.Acquire(ns.Start())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(relStart)
	vethInto(t, host, hs, a)
	return host, st, a
}

// TestConnLeaseOutlivesForget is TestLeaseOutlivesForget for the raw
// socket: one Conn per namespace, shared by every lease; dropped from the
// cache while leased, it keeps reaching its own namespace; closed at the
// last release, it refuses requests instead of reaching another
// namespace; the next lease opens a new one in the new namespace.
func TestConnLeaseOutlivesForget(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		host, st, a := labA(t)
		ca, release, err := st.AcquireConn(a)
		if err != nil {
			t.Fatal(err)
		}
		ca2, release2, err := st.AcquireConn(a)
		if err != nil {
			t.Fatal(err)
		}
		if ca2 != ca {
			t.Fatal("a second lease of a opened a second raw socket")
		}
		release2()
		key, err := host.Key(a)
		if err != nil {
			t.Fatal(err)
		}
		st.Forget(key)
		if err := host.Delete("a"); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			names, err := linkNames(t, ca)
			if err != nil {
				t.Fatalf("leased raw socket of a failed after Forget: %v", err)
			}
			if !names["vb"] || names["va"] {
				t.Fatalf("leased raw socket of a answers from elsewhere: %v", names)
			}
		}
		release()
		release() // a second call is harmless
		if names, err := linkNames(t, ca); !errors.Is(err, rtnl.ErrClosed) {
			t.Fatalf("a raw socket released after Forget still answers: %v %v", names, err)
		}
		if _, err := host.Add("a"); err != nil {
			t.Fatal(err)
		}
		cb, rel3, err := st.AcquireConn(a)
		if err != nil {
			t.Fatal(err)
		}
		defer rel3()
		if cb == ca {
			t.Fatal("a new namespace a got the raw socket of the deleted one")
		}
		if names, err := linkNames(t, cb); err != nil || names["vb"] || names["va"] || !names["lo"] {
			t.Fatalf("the new namespace a: %v %v", names, err)
		}
	})
}

// TestConnLeasesRaceDeletes: goroutines lease a's raw socket and dump its
// links while another deletes and re-adds a, forgetting it each time.
// Every dump that succeeds comes from a namespace that was a (lo, and vb
// while the first one lives), never from the start namespace (va).
func TestConnLeasesRaceDeletes(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		host, st, a := labA(t)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		var dumps atomic.Int64
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					c, release, err := st.AcquireConn(a)
					if err != nil {
						continue // a is gone right now
					}
					names, err := linkNames(t, c)
					release()
					if err != nil {
						t.Errorf("dump on a leased raw socket: %v", err)
						return
					}
					if names["va"] || !names["lo"] {
						t.Errorf("a raw socket of a answered from elsewhere: %v", names)
						return
					}
					dumps.Add(1)
				}
			}()
		}
		for i := 0; i < 100; i++ {
			if key, err := host.Key(a); err == nil {
				st.Forget(key)
			}
			if err := host.Delete("a"); err != nil {
				t.Error(err)
				break
			}
			if _, err := host.Add("a"); err != nil {
				t.Error(err)
				break
			}
		}
		for dumps.Load() == 0 && !t.Failed() {
			runtime.Gosched()
		}
		close(stop)
		wg.Wait()
	})
}
