package journal_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// TestDownReports: what someone else removed or changed after the run is
// reported by nsh down and left alone; the rest is undone (a renamed link
// is found by its new name); a second down
// says the lab is down; nsh labs lists the lab while it is up.
func TestDownReports(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		if code, _, stderr := nsh(t, "-c", hostSetup); code != 0 {
			t.Fatalf("setting the host up: %s", stderr)
		}
		lab := filepath.Join(t.TempDir(), "lab.nsh")
		src := "ip netns add a\nip netns add b\nip link add br0 type bridge\nip link add v0 type veth peer name v1\n" +
			"sysctl -qw net.ipv4.ip_forward=1\nip link set pre0 mtu 1400\nip link add r0 type bridge\nip link set r0 name r1\n"
		if err := os.WriteFile(lab, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		before := state(t)
		if code, _, stderr := nsh(t, lab); code != 0 {
			t.Fatalf("the lab failed: %s", stderr)
		}
		code, stdout, stderr := nsh(t, "labs")
		if code != 0 || !strings.Contains(stdout, lab) || stderr != "" {
			t.Fatalf("nsh labs: status %d\n%s%s", code, stdout, stderr)
		}
		// Someone else deletes br0 and namespace b, and sets the sysctl.
		if code, _, stderr := nsh(t, "--no-journal", "-c", "ip link del br0; ip netns del b; sysctl -qw net.ipv4.ip_forward=0; ip link set pre0 mtu 1300"); code != 0 {
			t.Fatalf("changing the lab: %s", stderr)
		}
		// After down, the state is the one before but for pre0's mtu
		// (someone else's 1300 stays; ip_forward is 0 as before).
		code, stdout, stderr = nsh(t, "down", lab)
		if code != 0 {
			t.Fatalf("nsh down: status %d\n%s%s", code, stdout, stderr)
		}
		for _, want := range []string{"link br0 (start netns): no longer exists, left alone", "netns b: no longer exists, left alone",
			"link pre0 (start netns): changed by someone else since, left alone"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("nsh down does not report %q; it printed:\n%s", want, stderr)
			}
		}
		if strings.Count(stderr, "\n") != 3 {
			t.Errorf("nsh down reported more than the three objects gone or changed:\n%s", stderr)
		}
		if code, _, stderr := nsh(t, "--no-journal", "-c", "ip link set pre0 mtu 1500"); code != 0 {
			t.Fatal(stderr)
		}
		waitState(t, before, "after nsh down")
		code, stdout, stderr = nsh(t, "down", lab)
		if code != 0 || stderr != "" || stdout != "nsh down: lab "+lab+" is down already\n" {
			t.Fatalf("second nsh down: status %d\nstdout: %q\nstderr: %q", code, stdout, stderr)
		}
	})
}
