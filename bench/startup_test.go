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
// It reports the median of each over b.N runs and their ratio.
//
//	go test -run '^$' -bench StartupAsIP -benchtime 20x ./bench
func BenchmarkStartupAsIP(b *testing.B) {
	real, err := exec.LookPath("ip")
	if err != nil {
		b.Skip("no ip here")
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "nsh")
	if out, err := exec.Command("go", "build", "-ldflags=-s -w", "-o", bin, "github.com/nshlab/nsh/cmd/nsh").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	link := filepath.Join(dir, "ip")
	if err := os.Symlink(bin, link); err != nil {
		b.Fatal(err)
	}
	cpu := func(path string) time.Duration {
		cmd := exec.Command(path, "-br", "link", "show", "lo")
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s: %v", path, err)
		}
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var ips, nshs []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ips = append(ips, cpu(real))
		nshs = append(nshs, cpu(link))
	}
	median := func(d []time.Duration) time.Duration {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2]
	}
	mi, mn := median(ips), median(nshs)
	b.ReportMetric(float64(mi.Microseconds())/1000, "ip-cpu-ms")
	b.ReportMetric(float64(mn.Microseconds())/1000, "nsh-cpu-ms")
	b.ReportMetric(float64(mn)/float64(max(mi, 1)), "nsh/ip")
}
