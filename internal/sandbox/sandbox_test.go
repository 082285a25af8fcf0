package sandbox

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestIsolated checks that a sandboxed test sees a fresh network namespace
// (only lo) and an empty /run/netns of its own.
func TestIsolated(t *testing.T) {
	t.Parallel()
	Run(t, func(t *testing.T) {
		ents, err := os.ReadDir("/run/netns")
		if err != nil || len(ents) != 0 {
			t.Fatalf("/run/netns: %v entries, err %v", len(ents), err)
		}
		links, err := os.ReadDir("/sys/class/net")
		if err != nil {
			t.Fatal(err)
		}
		_ = links // /sys is the host's sysfs; check via ip instead
		out, err := exec.Command("ip", "-o", "link").Output()
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], ": lo:") {
			t.Fatalf("want only lo, got:\n%s", out)
		}
		if err := exec.Command("ip", "netns", "add", "x").Run(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestParallelSameNames runs two sandboxes that both create "x": they
// must not see each other.
func TestParallelSameNames(t *testing.T) {
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			Run(t, func(t *testing.T) {
				if out, err := exec.Command("ip", "netns", "add", "x").CombinedOutput(); err != nil {
					t.Fatalf("%v: %s", err, out)
				}
			})
		})
	}
}
