package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

func runMain(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(append([]string{"nsh"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// TestCheckReportsAllErrors: nsh -n on a file with three syntax errors
// prints all three with positions, exits 2 and runs nothing (the file's
// first line would create a namespace).
func TestCheckReportsAllErrors(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		_, stderr, code := runMain(t, "-n", "testdata/three-errors.nsh")
		if code != 2 {
			t.Errorf("exit status %d, want 2", code)
		}
		re := regexp.MustCompile(`(?m)^testdata/three-errors\.nsh:(\d+):(\d+): `)
		var lines []string
		for _, m := range re.FindAllStringSubmatch(stderr, -1) {
			lines = append(lines, m[1])
		}
		if strings.Join(lines, ",") != "2,4,5" {
			t.Errorf("errors on lines %v, want 2,4,5; stderr:\n%s", lines, stderr)
		}
		if !strings.Contains(stderr, "^") {
			t.Errorf("no caret line in:\n%s", stderr)
		}
		// Without -n, the same file also runs nothing.
		_, stderr2, code := runMain(t, "testdata/three-errors.nsh")
		if code != 2 || stderr2 != stderr {
			t.Errorf("run: exit %d, stderr differs from -n:\n%s", code, stderr2)
		}
		ents, _ := os.ReadDir("/run/netns")
		out, _ := exec.Command("ip", "-o", "link").Output()
		if len(ents) != 0 || strings.Count(string(out), "\n") != 1 {
			t.Errorf("kernel changed: /run/netns has %d entries; links:\n%s", len(ents), out)
		}
	})
}

// TestRuntimeErrorStops: a failing statement on line 7 stops the script
// there with "file:line:col: statement (namespace): reason: hint".
func TestRuntimeErrorStops(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "lab.nsh")
		src := `ip netns add ns1
n = 0
in ns1 <
  ip link add veth0 type veth peer name veth1
  ip link set lo up

    ip link add veth$n type veth peer name veth1
>
ip netns add after
`
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, stderr, code := runMain(t, file)
		if code != 1 {
			t.Errorf("exit status %d, want 1", code)
		}
		want := file + `:7:5: ip link add veth0 type veth peer name veth1 (netns ns1): file exists: `
		if !strings.HasPrefix(stderr, want) {
			t.Errorf("stderr:\n%s\nwant prefix:\n%s", stderr, want)
		}
		if _, err := os.Stat("/run/netns/after"); err == nil {
			t.Error("the statement after the failing one ran")
		}
	})
}

// TestNoChildProcess: with PATH emptied, ip/brctl/bridge statements still
// run, so none of them forks a program; an external command then fails.
func TestNoChildProcess(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		os.Setenv("PATH", "") // the sandbox child runs only this test
		src := `ip netns add ns1
ip link add veth0 type veth peer name veth1
ip link set veth1 netns ns1
brctl addbr br0
brctl addif br0 veth0
bridge link show
ip netns exec ns1 ip addr add 10.9.0.1/24 dev veth1
ip -n ns1 link set veth1 up
in ns1 < ip route add default via 10.9.0.254 dev veth1 onlink >
brctl show
ip a`
		stdout, stderr, code := runMain(t, "-c", src)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		if !strings.Contains(stdout, "veth0") || !strings.Contains(stdout, "br0") {
			t.Errorf("output lacks the lab:\n%s", stdout)
		}
		_, stderr, code = runMain(t, "-c", "sh -c true")
		if code != 1 || !strings.Contains(stderr, "command not found: sh") {
			t.Errorf("external command with empty PATH: exit %d, %s", code, stderr)
		}
	})
}

// TestInjection: a value is one argument, never re-parsed.
func TestInjection(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		src := `name = "a; ip link del eth0"
ip link add $name type bridge`
		// Checked before running: the value is known, and is no name.
		_, stderr, code := runMain(t, "-c", src)
		if code != 2 || !strings.Contains(stderr, `invalid interface name "a; ip link del eth0"`) {
			t.Errorf("exit %d: %s", code, stderr)
		}
		// HAZARDS #14: a hostile name read back is printed literally.
		src = `l = 'a;touch${IFS}p'
exec echo $l`
		if err := os.Chdir(dir); err != nil { // the sandbox child runs only this test
			t.Fatal(err)
		}
		stdout, stderr, code := runMain(t, "-c", src)
		if code != 0 || stdout != "a;touch${IFS}p\n" {
			t.Errorf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "p")); err == nil {
			t.Error("file p was created")
		}
	})
}

// TestUsage: exit statuses for usage errors and --version.
func TestUsage(t *testing.T) {
	if _, _, code := runMain(t, "--bogus"); code != 2 {
		t.Errorf("--bogus: exit %d, want 2", code)
	}
	if out, _, code := runMain(t, "--version"); code != 0 || !strings.HasPrefix(out, "nsh ") {
		t.Errorf("--version: %d %q", code, out)
	}
	if _, _, code := runMain(t, "-c", "exit 7"); code != 7 {
		t.Errorf("exit 7: got %d", code)
	}
	if _, stderr, code := runMain(t, "-c", "echo 'oops"); code != 2 || !strings.Contains(stderr, "-c:1:6:") {
		t.Errorf("syntax error: %d %s", code, stderr)
	}
}

// TestRelativePathIgnored: a relative PATH entry never runs a program
// from the current directory, and an empty command word is refused
// (HAZARDS #16).
func TestRelativePathIgnored(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		dir := t.TempDir()
		prog := filepath.Join(dir, "prog")
		if err := os.WriteFile(prog, []byte("#!/bin/sh\ntouch ran\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chdir(dir); err != nil { // the sandbox child runs only this test
			t.Fatal(err)
		}
		os.Setenv("PATH", ".:bin:")
		_, stderr, code := runMain(t, "-c", "prog")
		if code != 1 || !strings.Contains(stderr, "command not found: prog") {
			t.Errorf("exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "ran")); err == nil {
			t.Error("prog ran from a relative PATH entry")
		}
		_, stderr, code = runMain(t, "-c", "x = ''\nexec $x")
		if code != 1 || !strings.Contains(stderr, "exec: no program given") {
			t.Errorf("exec of an empty word: exit %d: %s", code, stderr)
		}
	})
}

func TestIsShellScript(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      bool
	}{
		{"lab.sh", "ip netns add a\n", true},
		{"lab.bash", "", true},
		{"lab.nsh", "#!/bin/bash\n", true},
		{"lab", "#!/usr/bin/env bash\nip a\n", true},
		{"lab", "#! /bin/sh -e\n", true},
		{"lab", "#!/usr/bin/env nsh\n", false},
		{"lab", "#!/usr/local/bin/nsh\n", false},
		{"lab.nsh", "ip netns add a\n", false},
		{"lab", "", false},
		{"-", "#!/usr/bin/python3\n", false},
	} {
		if got := isShellScript(c.name, []byte(c.src)); got != c.want {
			t.Errorf("isShellScript(%q, %q) = %v, want %v", c.name, c.src, got, c.want)
		}
	}
}
