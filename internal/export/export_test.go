package export_test

// The differential test of "nsh export": every nsh lab in scripts/ is
// run under nsh in one throwaway namespace, and its export under the real
// bash with the real ip, brctl and bridge in another; the kernel state
// each leaves behind (kstate.Settled) must be the same.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/cli"
	"github.com/nshlab/nsh/internal/export"
	"github.com/nshlab/nsh/internal/kstate"
	"github.com/nshlab/nsh/internal/sandbox"
	"github.com/nshlab/nsh/lang"
)

// snapDirEnv passes the snapshot directory to the sandbox children.
const snapDirEnv = "NSH_EXPORT_SNAPDIR"

func labs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../scripts/*.nsh")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts/*.nsh")
	}
	return files
}

func TestExportSameEndState(t *testing.T) {
	dir := os.Getenv(snapDirEnv)
	if !sandbox.Inside() {
		dir = t.TempDir()
		// Not t.Setenv: the subtests are parallel.
		os.Setenv(snapDirEnv, dir)
		t.Cleanup(func() { os.Unsetenv(snapDirEnv) })
	}
	for _, file := range labs(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".nsh")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, how := range []string{"nsh", "export"} {
				t.Run(how, func(t *testing.T) {
					sandbox.Run(t, func(t *testing.T) {
						var out bytes.Buffer
						if how == "nsh" {
							if code := cli.Main([]string{"nsh", file}, strings.NewReader(""), &out, &out); code != 0 {
								t.Fatalf("nsh %s: exit status %d\n%s", file, code, out.String())
							}
						} else {
							for _, tool := range []string{"bash", "ip", "bridge", "brctl", "ping"} {
								sandbox.RequireTool(t, tool)
							}
							script := filepath.Join(t.TempDir(), name+".sh")
							var errb bytes.Buffer
							if code := cli.Main([]string{"nsh", "export", "-o", script, file}, strings.NewReader(""), &out, &errb); code != 0 {
								t.Fatalf("nsh export %s: exit status %d\n%s", file, code, errb.String())
							}
							cmd := exec.Command("bash", script)
							cmd.Stdout, cmd.Stderr = &out, &out
							if err := cmd.Run(); err != nil {
								text, _ := os.ReadFile(script)
								t.Fatalf("bash %s: %v\n%s\nthe export:\n%s", script, err, out.String(), text)
							}
						}
						snap, err := kstate.Settled(0, 30*time.Second)
						if err != nil {
							t.Fatalf("snapshot: %v", err)
						}
						if err := os.WriteFile(filepath.Join(dir, name+"."+how), []byte(snap), 0o644); err != nil {
							t.Fatal(err)
						}
					})
				})
			}
			if sandbox.Inside() {
				return // the comparison is the parent's
			}
			want, err1 := os.ReadFile(filepath.Join(dir, name+".nsh"))
			got, err2 := os.ReadFile(filepath.Join(dir, name+".export"))
			if errors.Is(err1, os.ErrNotExist) || errors.Is(err2, os.ErrNotExist) {
				return // a subtest failed and said why
			}
			if err := errors.Join(err1, err2); err != nil {
				t.Fatal(err)
			}
			if strings.Count(string(want), "\n") < 5 {
				t.Fatalf("the nsh snapshot of %s is nearly empty:\n%s", file, want)
			}
			if d := kstate.Diff(string(want), string(got)); d != "" {
				t.Errorf("state after bash running the export of %s differs from nsh's (- nsh, + export):\n%s", file, d)
			}
		})
	}
}

// TestCheckReportsKernelConstructs checks that every construct whose
// outcome the kernel decides is reported, at its position, and that the
// labs have none.
func TestCheckReportsKernelConstructs(t *testing.T) {
	src := "x = 1\n" +
		"try < ip link del a >\n" +
		"ip link add a type bridge || echo $?\n" +
		"ip a | grep x\n" +
		"if exists link eth0 < echo >\n" +
		"echo hi > /tmp/f\n" +
		"sleep 1 &\n" +
		"def p < echo >\n" +
		"ip link add b type bridge && p\n" +
		"echo $(( $? + 1 ))\n" +
		"if exists netns a < ip link set a up && ip link set b up >\n"
	f, err := lang.Parse("t.nsh", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range export.Check(f) {
		got = append(got, p.Pos.String())
	}
	want := []string{"t.nsh:2:1", "t.nsh:3:27", "t.nsh:3:35", "t.nsh:4:1", "t.nsh:5:4", "t.nsh:6:9", "t.nsh:7:9", "t.nsh:9:30", "t.nsh:10:10"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("problems at %v, want %v", got, want)
	}
	for _, file := range labs(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := lang.Parse(file, src)
		if err != nil {
			t.Fatal(err)
		}
		if probs := export.Check(f); len(probs) > 0 {
			t.Errorf("%s: %v", file, probs)
		}
	}
}

// TestExistsNetnsChecked exports a script whose "exists netns" answer is
// no, then makes the answer yes before bash runs the export: the export
// stops at that point, saying where, instead of going on down the branch
// nsh would not take.
func TestExistsNetnsChecked(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		bash := sandbox.RequireTool(t, "bash")
		ip := sandbox.RequireTool(t, "ip")
		dir := t.TempDir()
		file := filepath.Join(dir, "guard.nsh")
		src := "ns = x\nif ! exists netns $ns < ip netns add $ns >\nip netns add y\n"
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		script := filepath.Join(dir, "guard.sh")
		var out, errb bytes.Buffer
		if code := cli.Main([]string{"nsh", "export", "-o", script, file}, strings.NewReader(""), &out, &errb); code != 0 {
			t.Fatalf("nsh export: status %d: %s", code, errb.String())
		}
		if out, err := exec.Command(ip, "netns", "add", "x").CombinedOutput(); err != nil {
			t.Fatalf("ip netns add x: %v: %s", err, out)
		}
		cmd := exec.Command(bash, script)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Fatalf("bash %s: %v, want exit status 1", script, err)
		}
		if want := file + ":2:6: netns x is there"; !strings.HasPrefix(stderr.String(), want) {
			t.Errorf("stderr %q, want it to start with %q", stderr.String(), want)
		}
		if _, err := os.Stat("/run/netns/y"); err == nil {
			t.Errorf("the export went on after the failed check: netns y exists")
		}
	})
}

// TestCheckFollowsSource checks that a file sourced by a literal name is
// checked too, with its own positions.
func TestCheckFollowsSource(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib.nsh")
	if err := os.WriteFile(lib, []byte("def up l < ip link set $l up >\ntry < ip link del x >\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := lang.Parse("main.nsh", []byte("source "+lib+"\nup br0\n"))
	if err != nil {
		t.Fatal(err)
	}
	probs := export.Check(f)
	if len(probs) != 1 || probs[0].Pos.String() != lib+":2:1" {
		t.Errorf("problems %v, want the try at %s:2:1", probs, lib)
	}
}
