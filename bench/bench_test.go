// Package bench_test times building the bridge lab (scripts/bridge-lab.*)
// under bash with ip, under bash with "ip netns exec", and under nsh. Each
// build runs in a child process in fresh network and mount namespaces; the
// child times the build alone and the benchmark reports it as build-ms/op
// (ns/op also counts starting the child). bench/run.sh is the full table.
//
//	go test -run '^$' -bench BridgeLab -benchtime 3x ./bench
package bench_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nshlab/nsh/internal/cli"
	"golang.org/x/sys/unix"
)

// childEnv makes the test binary act as nsh in a fresh sandbox.
const childEnv = "NSH_BENCH_CHILD"

// setupEnv names a script the child runs before the timed one, untimed.
const setupEnv = "NSH_BENCH_SETUP"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(nshChild(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// nshChild runs in the namespaces the benchmark cloned: it makes its mounts
// private, puts a tmpfs on /run/netns, runs nsh with args and prints the
// build time in nanoseconds.
func nshChild(args []string) int {
	if err := sandboxMounts(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if setup := os.Getenv(setupEnv); setup != "" {
		// Set-up, off the clock.
		if code := cli.Main([]string{"nsh", setup}, strings.NewReader(""), io.Discard, os.Stderr); code != 0 {
			return code
		}
	}
	start := time.Now()
	code := cli.Main(append([]string{"nsh"}, args...), strings.NewReader(""), io.Discard, os.Stderr)
	elapsed := time.Since(start)
	if code != 0 {
		return code
	}
	fmt.Println(elapsed.Nanoseconds())
	return 0
}

// sandboxMounts makes every mount private and mounts an empty tmpfs on
// /run/netns, so nothing the build does is seen outside.
func sandboxMounts() error {
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

// bashScript is run by sh in the child for the bash variants: the same
// sandbox set-up, then the timed build.
const bashScript = `mount --make-rprivate / && mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns || exit 1
if [ -n "$NSH_BENCH_SETUP" ]; then bash "$NSH_BENCH_SETUP" >/dev/null || exit 1; fi
t0=$(date +%s%N)
bash "$@" >/dev/null || exit 1
t1=$(date +%s%N)
echo $((t1 - t0))`

func BenchmarkBridgeLab(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	scripts, err := filepath.Abs("../scripts")
	if err != nil {
		b.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10, 100} {
		arg := strconv.Itoa(n)
		b.Run("N="+arg, func(b *testing.B) {
			variants := []struct {
				name string
				cmd  func() *exec.Cmd
			}{
				{"bash", func() *exec.Cmd {
					return exec.Command("sh", "-c", bashScript, "sh", filepath.Join(scripts, "bridge-lab.sh"), arg)
				}},
				{"bash-exec", func() *exec.Cmd {
					return exec.Command("sh", "-c", bashScript, "sh", filepath.Join(scripts, "bridge-lab-exec.sh"), arg)
				}},
				{"nsh", func() *exec.Cmd {
					c := exec.Command(self, filepath.Join(scripts, "bridge-lab.nsh"), arg)
					c.Env = append(os.Environ(), childEnv+"=1")
					return c
				}},
				// The same without the lab's journal (nsh down's record).
				{"nsh-nojournal", func() *exec.Cmd {
					c := exec.Command(self, "--no-journal", filepath.Join(scripts, "bridge-lab.nsh"), arg)
					c.Env = append(os.Environ(), childEnv+"=1")
					return c
				}},
			}
			for _, v := range variants {
				b.Run(v.name, func(b *testing.B) {
					var total time.Duration
					for i := 0; i < b.N; i++ {
						d, err := buildOnce(v.cmd())
						if err != nil {
							b.Fatalf("%s N=%d: %v", v.name, n, err)
						}
						total += d
						// Namespace teardown is asynchronous and slows
						// the next build: let it finish off the clock.
						b.StopTimer()
						time.Sleep(time.Second + time.Duration(n)*10*time.Millisecond)
						b.StartTimer()
					}
					b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "build-ms/op")
				})
			}
		})
	}
}

// buildOnce runs cmd in fresh network and mount namespaces and returns the
// build time it printed on its last line.
func buildOnce(cmd *exec.Cmd) (time.Duration, error) {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNET | syscall.CLONE_NEWNS,
		Pdeathsig:  syscall.SIGKILL,
	}
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%v\n%s%s", err, out.String(), errb.String())
	}
	var last string
	for sc := bufio.NewScanner(&out); sc.Scan(); {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			last = s
		}
	}
	ns, err := strconv.ParseInt(last, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("no build time in the output: %q", out.String())
	}
	return time.Duration(ns), nil
}

// BenchmarkNetnsDel times deleting 300 namespaces, each holding the peer
// of a veth in the start namespace, with nsh and with bash and the real
// ip (the set-up is off the clock). Neither waits for the kernel to tear
// the namespaces down.
//
//	go test -run '^$' -bench NetnsDel -benchtime 2x ./bench
func BenchmarkNetnsDel(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
		return p
	}
	const n = 300
	setupSh := write("setup.sh", fmt.Sprintf("for i in $(seq 1 %d); do ip netns add c$i; ip link add vc$i type veth peer name p netns c$i; done\n", n))
	delSh := write("del.sh", fmt.Sprintf("for i in $(seq 1 %d); do ip netns del c$i; done\n", n))
	setupNsh := write("setup.nsh", fmt.Sprintf("for i in 1..%d < ip netns add c$i; ip link add vc$i type veth peer name p netns c$i >\n", n))
	delNsh := write("del.nsh", fmt.Sprintf("for i in 1..%d < ip netns del c$i >\n", n))
	variants := []struct {
		name string
		cmd  func() *exec.Cmd
	}{
		{"bash", func() *exec.Cmd {
			c := exec.Command("sh", "-c", bashScript, "sh", delSh)
			c.Env = append(os.Environ(), setupEnv+"="+setupSh)
			return c
		}},
		{"nsh", func() *exec.Cmd {
			c := exec.Command(self, delNsh)
			c.Env = append(os.Environ(), childEnv+"=1", setupEnv+"="+setupNsh)
			return c
		}},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				d, err := buildOnce(v.cmd())
				if err != nil {
					b.Fatalf("%s: %v", v.name, err)
				}
				total += d
				b.StopTimer()
				time.Sleep(5 * time.Second)
				b.StartTimer()
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "del-ms/op")
		})
	}
}
