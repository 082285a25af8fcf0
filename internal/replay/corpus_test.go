package replay

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir holds published tutorials nobody here wrote (each one's
// source on its first line) and, beside each, NAME.expect: what a reader
// of the page takes as its commands, written by reading the page: one
// line per step, "LINE NETNS COMMAND" (NETNS "-" for the namespace the
// walk starts in), and one per line that looks like a command but is
// not replayed, "LINE left: TEXT".
const corpusDir = "testdata/corpus"

// render writes an extraction in the form of NAME.expect.
func render(ex Extraction) string {
	type line struct {
		n    int
		text string
	}
	var out []line
	for _, s := range ex.Steps {
		ns := StepNS(s.Text)
		if ns == "" {
			ns = "-"
		}
		out = append(out, line{s.Line, fmt.Sprintf("%d %s %s", s.Line, ns, s.Text)})
	}
	for _, l := range ex.LeftOut {
		out = append(out, line{l.Line, fmt.Sprintf("%d left: %s", l.Line, l.Text)})
	}
	// In the page's order; a step before a left-out line of the same line.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].n < out[j-1].n; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	var b strings.Builder
	for _, l := range out {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestExtractCorpus compares replay's extraction of every tutorial of
// the corpus with what reading the page gives. NSH_CORPUS_SHOW=1 prints
// each extraction.
func TestExtractCorpus(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(corpusDir, "*.md"))
	if err != nil || len(pages) < 15 {
		t.Fatalf("the corpus has %d tutorials, want at least 15 (%v)", len(pages), err)
	}
	steps, left := 0, 0
	for _, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p), ".md")
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(src), "<!-- source: https://") {
			t.Errorf("%s: no source on the first line", name)
		}
		ex := ExtractNamed(filepath.Base(p), string(src))
		steps += len(ex.Steps)
		left += len(ex.LeftOut)
		got := render(ex)
		if os.Getenv("NSH_CORPUS_SHOW") != "" {
			fmt.Printf("==== %s\n%s", name, got)
		}
		want, err := os.ReadFile(filepath.Join(corpusDir, name+".expect"))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if i, g, w := firstDiff(got, string(want)); i > 0 {
			t.Errorf("%s: line %d of the extraction is %q, reading the page gives %q", name, i, g, w)
		}
	}
	t.Logf("corpus: %d tutorials, %d steps, %d lines left out", len(pages), steps, left)
}

// firstDiff returns the first line (from 1) where got and want differ,
// and the two lines there; 0 if they are the same.
func firstDiff(got, want string) (int, string, string) {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return i + 1, gl, wl
		}
	}
	return 0, "", ""
}
