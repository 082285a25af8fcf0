package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nshlab/nsh/internal/sandbox"
)

// TestShellNamespacesConcurrently: a shell script whose background jobs,
// subshells and pipelines all do "ip netns exec" into different
// namespaces at once — nsh's commands, "sh -c" texts and external
// programs — leaves every effect in its own namespace, nothing in the
// start namespace, and no thread of nsh in a foreign namespace.
func TestShellNamespacesConcurrently(t *testing.T) {
	t.Parallel()
	sandbox.Run(t, func(t *testing.T) {
		for _, tool := range []string{"ip", "readlink", "cat", "seq"} {
			sandbox.RequireTool(t, tool)
		}
		out := t.TempDir()
		const n = 30
		file := writeScript(t, "jobs.sh", fmt.Sprintf(`OUT=%s
for i in 1 2 3 4; do ip netns add n$i; done
work() {
  for j in $(seq 1 %d); do
    ip netns exec n$1 ip addr add 10.$1.0.$j/32 dev lo
    ip netns exec n$1 sh -c "ip link add d$j type bridge && ip link set d$j up"
    ip netns exec n$1 readlink /proc/self/ns/net >> $OUT/n$1
    ( ip netns exec n$1 ip link set d$j mtu 1400 )
    echo x | ip netns exec n$1 cat >/dev/null
    ip netns exec n$1 bash -c 'readlink /proc/self/ns/net' >> $OUT/n$1
  done
}
work 1 &
( work 2 ) &
work 3 | cat &
work 4
wait
`, out, n))
		_, stderr, code := runMain(t, file)
		if code != 0 || stderr != "" {
			t.Fatalf("exit status %d\n%s", code, stderr)
		}
		for i := 1; i <= 4; i++ {
			name := fmt.Sprintf("n%d", i)
			addrs, _ := exec.Command("ip", "-n", name, "-o", "-4", "addr", "show", "dev", "lo").Output()
			if got := strings.Count(string(addrs), fmt.Sprintf(" 10.%d.0.", i)); got != n {
				t.Errorf("%s: %d of its %d addresses\n%s", name, got, n, addrs)
			}
			if strings.Count(string(addrs), " 10.") != n {
				t.Errorf("%s has addresses of other namespaces:\n%s", name, addrs)
			}
			links, _ := exec.Command("ip", "-n", name, "-o", "link", "show", "type", "bridge").Output()
			if got := strings.Count(string(links), "mtu 1400"); got != n {
				t.Errorf("%s: %d bridges with mtu 1400, want %d\n%s", name, got, n, links)
			}
			inode, _ := exec.Command("ip", "netns", "exec", name, "readlink", "/proc/self/ns/net").Output()
			want := strings.TrimSpace(string(inode))
			seen, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Fields(string(seen))
			if len(lines) != 2*n {
				t.Errorf("%s: %d programs ran, want %d", name, len(lines), 2*n)
			}
			for _, l := range lines {
				if l != want {
					t.Errorf("%s: a program ran in %s, not %s", name, l, want)
					break
				}
			}
		}
		start, _ := exec.Command("ip", "-o", "addr", "show", "dev", "lo").Output()
		if strings.Contains(string(start), " 10.") {
			t.Errorf("addresses landed in the start namespace:\n%s", start)
		}
		if links, _ := exec.Command("ip", "-o", "link", "show", "type", "bridge").Output(); len(links) > 0 {
			t.Errorf("bridges landed in the start namespace:\n%s", links)
		}
		self, err := os.Readlink("/proc/thread-self/ns/net")
		if err != nil {
			t.Fatal(err)
		}
		tasks, _ := os.ReadDir("/proc/self/task")
		for _, task := range tasks {
			if l, err := os.Readlink("/proc/self/task/" + task.Name() + "/ns/net"); err == nil && l != self {
				t.Errorf("thread %s is in %s, not the start namespace %s", task.Name(), l, self)
			}
		}
	})
}
