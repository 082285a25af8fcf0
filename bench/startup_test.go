package bench_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// BenchmarkStartupAsIP compares the CPU time (user + system, from the
// kernel's rusage) of one short command run by the real ip and by nsh
// called as ip (a link named ip to nsh: the multi-call path that bash
// uses when nsh stands in for ip), interleaved, in the current namespace.
// It reports the median of each over b.N runs and their ratio, and the
// same for a Go program that only prints a line (the floor any Go
// binary starts from: the runtime's own start-up) and for ./initfloor,
// which prints the same line but links all of nsh's packages (the floor
// nsh starts from: the runtime plus its dependencies' initialisers).
//
//	go test -run '^$' -bench StartupAsIP -benchtime 20x ./bench
func BenchmarkStartupAsIP(b *testing.B) {
	real, err := exec.LookPath("ip")
	if err != nil {
		b.Skip("no ip here")
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "nsh")
	// Built as README.md builds it: static (CGO_ENABLED=0), stripped.
	build := exec.Command("go", "build", "-ldflags=-s -w", "-o", bin, "github.com/nshlab/nsh/cmd/nsh")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	link := filepath.Join(dir, "ip")
	if err := os.Symlink(bin, link); err != nil {
		b.Fatal(err)
	}
	hello := filepath.Join(dir, "hello")
	src := filepath.Join(dir, "hello.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"lo\\n\") }\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	build = exec.Command("go", "build", "-ldflags=-s -w", "-o", hello, src)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	floor := filepath.Join(dir, "initfloor")
	build = exec.Command("go", "build", "-ldflags=-s -w", "-o", floor, "github.com/nshlab/nsh/bench/initfloor")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	cpu := func(path string) time.Duration {
		cmd := exec.Command(path, "-br", "link", "show", "lo")
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s: %v", path, err)
		}
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var ips, nshs, hellos, floors []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ips = append(ips, cpu(real))
		nshs = append(nshs, cpu(link))
		hellos = append(hellos, cpu(hello))
		floors = append(floors, cpu(floor))
	}
	median := func(d []time.Duration) time.Duration {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2]
	}
	mi, mn, mh, mf := median(ips), median(nshs), median(hellos), median(floors)
	b.ReportMetric(float64(mi.Microseconds())/1000, "ip-cpu-ms")
	b.ReportMetric(float64(mn.Microseconds())/1000, "nsh-cpu-ms")
	b.ReportMetric(float64(mn)/float64(max(mi, 1)), "nsh/ip")
	b.ReportMetric(float64(mh)/float64(max(mi, 1)), "gohello/ip")
	b.ReportMetric(float64(mf)/float64(max(mi, 1)), "initfloor/ip")
}
