package replay

import (
	"fmt"
	"strings"
	"testing"
)

// megabyte is the size of the long lines below: reading a line must cost
// its length, so a megabyte takes a fraction of a second; a reading that
// is quadratic in the line (as it was: every command parsed the rest of
// its line to find where it ends, recursively) takes hours, or overflows
// the stack, and the test run times out.
const megabyte = 1 << 20

// repeat returns unit repeated to about n bytes.
func repeat(unit string, n int) (string, int) {
	k := n / len(unit)
	return strings.Repeat(unit, k), k
}

// TestExtractLongLines reads one-megabyte lines of commands run together:
// the shape of issue 8 (ip link show, over and over), commands with their
// output, and lines where every command's end depends on the next one's.
func TestExtractLongLines(t *testing.T) {
	t.Run("show commands", func(t *testing.T) {
		src, k := repeat("ip link show ", megabyte)
		steps := Extract(src + "\n")
		if len(steps) != k {
			t.Fatalf("%d steps, want %d", len(steps), k)
		}
		for _, s := range []Step{steps[0], steps[k-1]} {
			if s.Text != "ip link show" || !s.Show || s.Line != 1 || s.Output != "" {
				t.Fatalf("step %+v", s)
			}
		}
	})
	t.Run("prompts and output", func(t *testing.T) {
		src, k := repeat("# ip link add d0 type dummy # ip link show d0 9: d0: <BROADCAST,NOARP> mtu 1500 ", megabyte)
		steps := Extract(src)
		if len(steps) != 2*k {
			t.Fatalf("%d steps, want %d", len(steps), 2*k)
		}
		if s := steps[2*k-1]; s.Text != "ip link show d0" || s.Output != "9: d0: <BROADCAST,NOARP> mtu 1500" {
			t.Fatalf("last step %+v", s)
		}
	})
	t.Run("nested", func(t *testing.T) {
		// Every "ip netns exec x" runs the command after it: one step,
		// the whole line.
		src, _ := repeat("ip netns exec x ", megabyte)
		src += "ip link show"
		steps := Extract(src)
		if len(steps) != 1 || steps[0].Text != src || !steps[0].Show {
			t.Fatalf("%d steps, the first %.80q", len(steps), steps[0].Text)
		}
	})
	for _, c := range []struct{ name, unit, end string }{
		// Each command's words run up to the next command, which does
		// not parse either, up to the placeholder at the end.
		{"failing arguments", "ip link add a ", "<x>"},
		// Each option's value is the next "ip", which is no command.
		{"option values", "ip -n ", ""},
		{"ping option values", "ping -c ", ""},
		{"bridge option values", "bridge -n ", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			src, _ := repeat(c.unit, megabyte)
			if steps := Extract(src + c.end); len(steps) != 0 {
				t.Fatalf("%d steps, the first %+v", len(steps), steps[0])
			}
		})
	}
	t.Run("continued lines", func(t *testing.T) {
		// A command continued over 100,000 lines.
		src, k := repeat("a \\\n", megabyte/4)
		steps := Extract("ip link add " + src + "b\n")
		if len(steps) != 1 || len(steps[0].Text) != len("ip link add ")+2*k+1 {
			t.Fatalf("%d steps", len(steps))
		}
	})
}

// BenchmarkExtractLongLine shows how reading a line scales with its
// length: "ip link show" run together over 100 KB and over 1 MB. The
// second takes ten times the first.
func BenchmarkExtractLongLine(b *testing.B) {
	for _, size := range []int{100 << 10, megabyte} {
		src, _ := repeat("ip link show ", size)
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				Extract(src)
			}
		})
	}
}

// TestExtractAllExecAtEnd: "ip -all netns exec" with no command after it
// ends the line; it is not a command (it used to index past the line).
func TestExtractAllExecAtEnd(t *testing.T) {
	if steps := Extract("ip -all netns exec\n"); len(steps) != 0 {
		t.Fatalf("steps %+v", steps)
	}
}
