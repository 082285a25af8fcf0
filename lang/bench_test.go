package lang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchScript returns a script of n lines made of the test scripts, which
// are lab scripts of the usual mix: commands mostly, loops, conditions,
// procedures, arithmetic, comments and blank lines.
func benchScript(b *testing.B, n int) []byte {
	var lines []string
	for _, name := range []string{"bridge.nsh", "veth.nsh"} {
		src, err := os.ReadFile(filepath.Join("testdata", "scripts", name))
		if err != nil {
			b.Fatal(err)
		}
		lines = append(lines, strings.Split(strings.TrimSuffix(string(src), "\n"), "\n")...)
	}
	var out []string
	for len(out)+len(lines) <= n {
		out = append(out, lines...)
	}
	for len(out) < n {
		out = append(out, "ip link set veth0 up")
	}
	return []byte(strings.Join(out, "\n") + "\n")
}

// BenchmarkParse parses a 10,000-line script.
func BenchmarkParse(b *testing.B) {
	src := benchScript(b, 10000)
	if _, err := Parse("bench.nsh", src); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("bench.nsh", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseCommands parses 10,000 lines of plain commands.
func BenchmarkParseCommands(b *testing.B) {
	src := []byte(strings.Repeat("ip netns exec ns1 ip addr add 10.0.12.1/24 dev veth1\n", 10000))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("bench.nsh", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseCompound parses 10,000 lines of loops, conditions and
// arithmetic: the statements that go through the participle grammar.
func BenchmarkParseCompound(b *testing.B) {
	src := []byte(strings.Repeat("for i in 1..$n <\n\tx = $((i * 2 + 1))\n\tif $x -gt 3 < echo \"big $x\" >\n>\n", 2500))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("bench.nsh", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLex lexes a 10,000-line script.
func BenchmarkLex(b *testing.B) {
	src := string(benchScript(b, 10000))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		sc := newScanner("bench.nsh", src)
		for sc.next().Type != tEOF {
		}
	}
}
