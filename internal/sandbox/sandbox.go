// Package sandbox runs privileged tests in throwaway network and mount
// namespaces, so they can run as root, in parallel, and leave nothing
// behind on the host.
//
// A test hands its body to Run. In the normal test process, Run re-runs
// the test binary for just that test inside unshare(CLONE_NEWNET |
// CLONE_NEWNS) and reports the child's result as the test's own, without
// calling the body. In the child, Run makes every mount private, puts a
// fresh tmpfs on /run/netns, and calls the body there.
//
// Skips: under CI=true a privileged test that skips fails, unless it
// skipped through SkipNoDevice because this kernel lacks a device type.
package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

const envKey = "NSH_SANDBOX_TEST"

// noDeviceMarker is printed by SkipNoDevice so the parent knows the skip
// is the one kind CI accepts.
const noDeviceMarker = "NSH-KERNEL-LACKS:"

var setupOnce sync.Once
var setupErr error

// Inside reports whether the process is a sandbox child.
func Inside() bool { return os.Getenv(envKey) != "" }

// CI reports whether the tests run under CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// Run runs body in a fresh network+mount namespace (see the package
// comment). Call t.Parallel() before it if the test is parallel.
func Run(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	if Inside() {
		if os.Getenv(envKey) != t.Name() && !strings.HasPrefix(t.Name(), os.Getenv(envKey)+"/") {
			t.Fatalf("sandbox child for %s ran %s", os.Getenv(envKey), t.Name())
		}
		setupOnce.Do(func() { setupErr = setup() })
		if setupErr != nil {
			t.Fatalf("sandbox setup: %v", setupErr)
		}
		body(t)
		return
	}
	if os.Geteuid() != 0 {
		if CI() {
			t.Fatal("privileged test needs root (CI=true: a skip would be a failure)")
		}
		t.Skip("privileged test: needs root")
	}
	var pat []string
	for _, part := range strings.Split(t.Name(), "/") {
		pat = append(pat, "^"+regexp.QuoteMeta(part)+"$")
	}
	cmd := exec.Command(os.Args[0], "-test.run="+strings.Join(pat, "/"), "-test.v", "-test.count=1", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), envKey+"="+t.Name())
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNET | syscall.CLONE_NEWNS,
		Pdeathsig:  syscall.SIGKILL,
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	text := out.String()
	switch {
	case err != nil:
		t.Fatalf("sandboxed test failed: %v\n%s", err, text)
	case strings.Contains(text, "--- SKIP: "+t.Name()+" "):
		if i := strings.Index(text, noDeviceMarker); i >= 0 {
			line := text[i+len(noDeviceMarker):]
			if j := strings.IndexByte(line, '\n'); j >= 0 {
				line = line[:j]
			}
			t.Skipf("kernel lacks a device type:%s", line)
		}
		if CI() {
			t.Fatalf("privileged test skipped under CI=true:\n%s", text)
		}
		t.Skipf("skipped in sandbox:\n%s", text)
	case !strings.Contains(text, "--- PASS: "+t.Name()+" "):
		t.Fatalf("sandboxed test did not run (no PASS line):\n%s", text)
	}
	if testing.Verbose() {
		t.Logf("sandboxed output:\n%s", text)
	}
}

// setup runs once in the child: private mounts and an empty /run/netns.
func setup() error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	if err := os.MkdirAll("/run/netns", 0o755); err != nil {
		return err
	}
	if err := unix.Mount("tmpfs", "/run/netns", "tmpfs", 0, "mode=0755"); err != nil {
		return fmt.Errorf("tmpfs on /run/netns: %w", err)
	}
	if err := os.MkdirAll("/run/nsh", 0o700); err != nil {
		return err
	}
	if err := unix.Mount("tmpfs", "/run/nsh", "tmpfs", 0, "mode=0700"); err != nil {
		return fmt.Errorf("tmpfs on /run/nsh: %w", err)
	}
	return nil
}

// PrivateDir mounts an empty tmpfs over dir inside the sandbox (creating
// the directory on the host if it is missing, and removing it afterwards
// if it was created), for tests that write under /etc/netns and the like.
func PrivateDir(t *testing.T, dir string) {
	t.Helper()
	if !Inside() {
		t.Fatal("PrivateDir outside a sandbox")
	}
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(dir) })
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
		t.Fatalf("tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
}

// SkipNoDevice skips the test because the kernel lacks a device type (the
// only skip CI accepts). reason should say what the probe answered.
func SkipNoDevice(t *testing.T, kind, reason string) {
	t.Helper()
	t.Logf("%s %s (%s)", noDeviceMarker, kind, reason)
	t.Skipf("kernel lacks device type %s: %s", kind, reason)
}

// RequireTool fails (or, outside CI, skips) when an external program a
// differential test compares against is not installed.
func RequireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if CI() {
			t.Fatalf("%s is not installed; the README's test command installs it", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}
