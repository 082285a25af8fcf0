package scripts_test

// Differential tests: every lab in this directory is run under bash with
// the real ip, brctl and bridge, and under nsh (cli.Main, in-process), each
// in its own throwaway namespace; the kernel state each leaves behind
// (kstate.Settled) must be the same.
//
// Each run is a sandbox subtest whose child process writes its snapshot to
// a directory the parent made (passed in snapDirEnv); the case then
// compares every nsh snapshot with the bash one.

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/cli"
	"github.com/nshlab/nsh/internal/kstate"
	"github.com/nshlab/nsh/internal/sandbox"
)

// snapDirEnv passes the snapshot directory to the sandbox children.
const snapDirEnv = "NSH_SCRIPTS_SNAPDIR"

// runner says how a variant runs its file.
type runner int

const (
	bash    runner = iota // bash -e FILE ARGS, with the real tools
	nsh                   // cli.Main nsh FILE ARGS, in-process
	nshBare               // the same with PATH empty: no program can be run
)

// variant is one way to build a lab.
type variant struct {
	name string // subtest name
	run  runner
	file string // relative to this directory
	args []string
}

// labCase is one lab: the bash variant comes first and is the reference.
type labCase struct {
	name     string
	tools    []string // external programs the bash variant needs
	variants []variant
}

// labCases lists the labs: each seed tutorial (its lines unchanged, under
// bash and under nsh, and its nsh rewrite) and the bridge lab at two sizes.
// The "nopath" variants are labs made only of ip, brctl, bridge and sudo
// lines, which nsh must run with no program on PATH (no child process).
func labCases() []labCase {
	var cases []labCase
	for _, seed := range []struct {
		name  string
		tools []string
		bare  bool
	}{
		{"blue-namespace", []string{"ip", "ping"}, false},
		{"containers-networking", []string{"ip", "bridge", "brctl"}, true},
		{"docker-bridge-lab", []string{"ip", "brctl", "ping", "ls"}, false},
		{"netns-and-veth", []string{"ip", "ping"}, false},
	} {
		sh := "seeds/" + seed.name + ".sh"
		c := labCase{name: seed.name, tools: seed.tools, variants: []variant{
			{name: "bash", run: bash, file: sh},
			{name: "sh-under-nsh", run: nsh, file: sh},
			{name: "nsh", run: nsh, file: seed.name + ".nsh"},
		}}
		if seed.bare {
			c.variants = append(c.variants,
				variant{name: "sh-under-nsh-nopath", run: nshBare, file: sh},
				variant{name: "nsh-nopath", run: nshBare, file: seed.name + ".nsh"})
		}
		cases = append(cases, c)
	}
	for _, n := range []int{3, 20} {
		args := []string{strconv.Itoa(n)}
		c := labCase{name: "bridge-lab-" + args[0], tools: []string{"ip"}, variants: []variant{
			{name: "bash", run: bash, file: "bridge-lab.sh", args: args},
			{name: "bash-exec", run: bash, file: "bridge-lab-exec.sh", args: args},
			{name: "nsh", run: nsh, file: "bridge-lab.nsh", args: args},
		}}
		if n == 3 {
			c.variants = append(c.variants, variant{name: "nsh-nopath", run: nshBare, file: "bridge-lab.nsh", args: args})
		}
		cases = append(cases, c)
	}
	for _, lab := range []string{"policy-routing-lab", "overlay-lab", "bridge-fdb-lab"} {
		cases = append(cases, labCase{name: lab, tools: []string{"ip", "brctl", "bridge"}, variants: []variant{
			{name: "bash", run: bash, file: lab + ".sh"},
			{name: "sh-under-nsh", run: nsh, file: lab + ".sh"},
			{name: "nsh", run: nsh, file: lab + ".nsh"},
		}})
	}
	return cases
}

func TestLabs(t *testing.T) {
	dir := os.Getenv(snapDirEnv)
	if !sandbox.Inside() {
		dir = t.TempDir()
		old, had := os.LookupEnv(snapDirEnv)
		os.Setenv(snapDirEnv, dir)
		t.Cleanup(func() {
			if had {
				os.Setenv(snapDirEnv, old)
			} else {
				os.Unsetenv(snapDirEnv)
			}
		})
	}
	for _, c := range labCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, v := range c.variants {
				t.Run(v.name, func(t *testing.T) {
					sandbox.Run(t, func(t *testing.T) {
						if v.run == bash {
							for _, tool := range append([]string{"bash"}, c.tools...) {
								sandbox.RequireTool(t, tool)
							}
						}
						build(t, v)
						snap, err := kstate.Settled(0, 30*time.Second)
						if err != nil {
							t.Fatalf("snapshot after %s: %v", v.file, err)
						}
						if err := os.WriteFile(snapFile(dir, c.name, v.name), []byte(snap), 0o644); err != nil {
							t.Fatal(err)
						}
					})
				})
			}
			if sandbox.Inside() {
				return // the comparison is the parent's
			}
			ref := c.variants[0]
			want, err := os.ReadFile(snapFile(dir, c.name, ref.name))
			if err != nil {
				t.Fatalf("no %s snapshot to compare with (see the %s subtest)", ref.name, ref.name)
			}
			for _, v := range c.variants[1:] {
				got, err := os.ReadFile(snapFile(dir, c.name, v.name))
				if errors.Is(err, os.ErrNotExist) {
					continue // that subtest failed and said why
				}
				if err != nil {
					t.Fatal(err)
				}
				if d := kstate.Diff(string(want), string(got)); d != "" {
					t.Errorf("state after %s (%s) differs from %s %s (- %s, + %s):\n%s",
						v.file, v.name, ref.file, ref.name, ref.name, v.name, d)
				}
			}
		})
	}
}

// snapFile is where the snapshot of one variant of one case goes.
func snapFile(dir, lab, variant string) string {
	return filepath.Join(dir, lab+"."+variant+".txt")
}

// build runs the variant's file in the current (sandbox) namespace and
// fails the test if it does not succeed.
func build(t *testing.T, v variant) {
	t.Helper()
	file, err := filepath.Abs(v.file)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	switch v.run {
	case bash:
		// Root needs no sudo; a stand-in keeps the lines unchanged where
		// sudo is not installed.
		shim := t.TempDir()
		if err := os.WriteFile(filepath.Join(shim, "sudo"), []byte("#!/bin/sh\nexec \"$@\"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", append([]string{"-e", file}, v.args...)...)
		cmd.Env = append(os.Environ(), "PATH="+shim+string(os.PathListSeparator)+os.Getenv("PATH"))
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("bash %s %s: %v\n%s", v.file, strings.Join(v.args, " "), err, out.String())
		}
	case nsh, nshBare:
		if v.run == nshBare {
			old := os.Getenv("PATH")
			os.Setenv("PATH", "")
			defer os.Setenv("PATH", old)
		}
		args := append([]string{"nsh", file}, v.args...)
		if code := cli.Main(args, strings.NewReader(""), &out, &out); code != 0 {
			t.Fatalf("%s: exit status %d\n%s", strings.Join(args, " "), code, out.String())
		}
	}
}
