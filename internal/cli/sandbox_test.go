package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/sandbox"
)

// buildNsh builds the nsh command into a temporary directory (--sandbox
// re-executes its own binary, which in a test is the test binary).
func buildNsh(t *testing.T) string {
	t.Helper()
	sandbox.RequireTool(t, "go")
	bin := filepath.Join(t.TempDir(), "nsh")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/nshlab/nsh/cmd/nsh").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestSandboxMarkerNotInherited: a program started inside the sandbox
// (another nsh here) sees the sandbox's namespaces instead of making a
// sandbox of its own, and an ordinary run whose environment claims to be
// the sandbox is an ordinary run.
func TestSandboxMarkerNotInherited(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		bin := buildNsh(t)
		cmd := exec.Command(bin, "--sandbox", "-c", fmt.Sprintf(`ip netns add a
exec %s -c "ip netns list"
exec %s -c "ip netns add b"
in a < echo ok >
in b < echo ok-b >
exec sh -c 'echo "marker=${NSH_IN_SANDBOX-unset}"'`, bin, bin))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if got, want := string(out), "a\nok\nok-b\nmarker=unset\n"; got != want {
			t.Errorf("got:\n%s\nwant:\n%s", got, want)
		}
		// An ordinary run told by its environment that it is the sandbox:
		// it must not hide /run/netns under a tmpfs of its own.
		if out, err := exec.Command("ip", "netns", "add", "host1").CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		forged := exec.Command(bin, "-c", "ip netns list")
		forged.Env = append(os.Environ(), "NSH_IN_SANDBOX=1")
		out, err = forged.CombinedOutput()
		if err != nil || string(out) != "host1\n" {
			t.Errorf("NSH_IN_SANDBOX=1 nsh -c 'ip netns list': %v\n%s", err, out)
		}
	})
}

// TestSandboxEndsWithNsh: whatever signal ends "nsh --sandbox" (SIGTERM,
// SIGHUP, SIGKILL), a program the script left running in the background
// ends with it; so it does when the sandboxed nsh itself is killed.
func TestSandboxEndsWithNsh(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "sleep")
		bin := buildNsh(t)
		for i, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGKILL} {
			// A duration no other process has in its command line.
			mark := fmt.Sprintf("%d.%d", 200+i, os.Getpid())
			cmd := exec.Command(bin, "--sandbox", "-c", "exec sleep "+mark+" &\nsleep 60")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, func() bool { return len(procsWith(mark)) == 1 }, "sleep "+mark+" to start")
			cmd.Process.Signal(sig)
			cmd.Wait()
			waitFor(t, func() bool { return len(procsWith(mark)) == 0 }, fmt.Sprintf("sleep %s to end with nsh (%v)", mark, sig))
		}
		// The sandboxed nsh (the parent's child) killed on its own.
		mark := fmt.Sprintf("299.%d", os.Getpid())
		cmd := exec.Command(bin, "--sandbox", "-c", "exec sleep "+mark+" &\nsleep 60")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		waitFor(t, func() bool { return len(procsWith(mark)) == 1 }, "sleep "+mark+" to start")
		var child []int
		waitFor(t, func() bool {
			child = childrenOf(cmd.Process.Pid)
			return len(child) == 1
		}, "the sandboxed nsh")
		syscall.Kill(child[0], syscall.SIGTERM)
		if err := cmd.Wait(); err == nil {
			t.Error("nsh --sandbox exited 0 when its sandboxed nsh was terminated")
		}
		waitFor(t, func() bool { return len(procsWith(mark)) == 0 }, "sleep "+mark+" to end with the sandboxed nsh")
	})
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 5 s for %s", what)
		}
	}
}

// procsWith lists the pids of the "sleep" processes whose arguments
// include word.
func procsWith(word string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		if len(args) == 2 && filepath.Base(args[0]) == "sleep" && args[1] == word {
			pids = append(pids, pid)
		}
	}
	return pids
}

// childrenOf lists the children of pid.
func childrenOf(pid int) []int {
	var kids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		var state string
		var ppid, self int
		if _, err := fmt.Sscanf(e.Name(), "%d", &self); i < 0 || err != nil {
			continue
		}
		if _, err := fmt.Sscanf(s[i+2:], "%s %d", &state, &ppid); err == nil && ppid == pid {
			kids = append(kids, self)
		}
	}
	return kids
}
