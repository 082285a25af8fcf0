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

// maskMACs hides MAC addresses, which differ between two runs.
func maskMACs(s string) string {
	return regexp.MustCompile(`([0-9a-f]{2}:){5}[0-9a-f]{2}`).ReplaceAllString(s, "MAC")
}

// TestShellFallbackBash: a script the shell parser cannot parse (an
// arithmetic operator held in a variable) runs under the system's bash,
// with nsh standing in for ip, says so in one line, and ends as bash with
// the real ip ends.
func TestShellFallbackBash(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "bash")
		sandbox.RequireTool(t, "ip")
		bin := buildNsh(t)
		file := writeScript(t, "fallback.sh", `#!/bin/bash
op="+"
current=1
((current $op= 2))
echo "current=$current"
ip netns add fb1
ip -n fb1 link add br0 type bridge
ip netns exec fb1 ip -br link show type bridge
case "$(type -p ip)" in */nsh-tools-*/ip) echo "ip is nsh" ;; *) echo "ip is $(type -p ip)" ;; esac
ip link show nosuch
echo "status $?"
`)
		cmd := exec.Command(bin, file)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if len(lines) != 2 || !strings.Contains(lines[0], "fallback.sh:4:") || !strings.Contains(lines[0], "running it under") {
			t.Errorf("stderr should be one line naming the position and the fallback, then ip's error:\n%s", stderr.String())
		}
		if !strings.Contains(stdout.String(), "ip is nsh\n") {
			t.Errorf("bash did not run nsh as ip:\n%s", stdout.String())
		}
		exec.Command("ip", "netns", "del", "fb1").Run()
		// The same script under bash with the real ip.
		real := exec.Command("bash", file)
		var rout, rerr bytes.Buffer
		real.Stdout, real.Stderr = &rout, &rerr
		if err := real.Run(); err != nil {
			t.Fatalf("bash: %v\n%s", err, rerr.String())
		}
		got := strings.Replace(maskMACs(stdout.String()), "ip is nsh\n", "", 1)
		want := regexp.MustCompile(`(?m)^ip is .*\n`).ReplaceAllString(maskMACs(rout.String()), "")
		if got != want {
			t.Errorf("stdout differs from bash's:\n--- nsh\n%s--- bash\n%s", got, want)
		}
		if lines[len(lines)-1]+"\n" != rerr.String() {
			t.Errorf("ip's error: nsh %q, ip %q", lines[len(lines)-1], rerr.String())
		}
	})
}

// TestMultiCall: nsh called as ip (through a link of that name, or as
// "nsh ip") prints what ip prints, on stdout and stderr, and exits with
// ip's status.
func TestMultiCall(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		sandbox.RequireTool(t, "ip")
		bin := buildNsh(t)
		link := filepath.Join(t.TempDir(), "ip")
		if err := os.Symlink(bin, link); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("ip", "link", "add", "br9", "type", "bridge").CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		run := func(name string, args ...string) (string, string, int) {
			cmd := exec.Command(name, args...)
			var o, e bytes.Buffer
			cmd.Stdout, cmd.Stderr = &o, &e
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			return o.String(), e.String(), code
		}
		for _, line := range []string{
			"-br link",
			"-d link show br9",
			"link show nosuch",
			"addr add 10.0.0.1/24 dev nosuch",
			"lnk show",
			"link add x typo veth",
			"addr add 10.0.0.300/24 dev lo",
			"link add br9 type bridge",
			"link foo",
			"netns exec nosuch true",
			"netns del nosuch",
			"netns del a/b",
			"netns pids nosuch",
			"netns identify 99999999",
			"netns attach b 99999999",
		} {
			args := strings.Fields(line)
			wo, we, wc := run("ip", args...)
			for _, via := range [][]string{append([]string{link}, args...), append([]string{bin, "ip"}, args...)} {
				o, e, c := run(via[0], via[1:]...)
				if o != wo || e != we || c != wc {
					t.Errorf("%s:\n nsh: %q %q exit %d\n  ip: %q %q exit %d", strings.Join(via, " "), o, e, c, wo, we, wc)
				}
			}
		}
	})
}
