package replay

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// lineKind says what a line of a tutorial is, as far as replay cares.
type lineKind uint8

const (
	// textLine is a line of a tutorial that is not Markdown: commands,
	// prompts, output and prose are told apart by their words.
	textLine lineKind = iota
	// codeLine is a line of a Markdown code block, fenced or indented.
	codeLine
	// proseLine is a line of a Markdown paragraph (prose, a list item,
	// a table row): only a code span that is the whole line counts.
	proseLine
	// otherLine is any other line of a Markdown document (a heading, a
	// fence, a blank or an HTML line): never a command.
	otherLine
)

// source is a tutorial split into lines, each with its kind.
type source struct {
	lines []string
	kind  []lineKind
	// block numbers the code blocks of a Markdown document from 1; 0
	// for lines outside them.
	block []int
	// heading marks the Markdown headings: each ends a section.
	heading []bool
}

// fenceRE finds a fenced code block: a document with one is read as
// Markdown.
var fenceRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("(?m)^ {0,3}(```|~~~)") })

// readSource splits src into lines. A Markdown document (named *.md or
// *.markdown, or with a fenced code block) is parsed as Markdown
// (CommonMark), so that headings, prose, tables and code are told apart
// by the document's structure; any other is plain text, every line of
// kind textLine.
func readSource(name, src string) source {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	raw := strings.Split(src, "\n")
	s := source{lines: raw, kind: make([]lineKind, len(raw)), block: make([]int, len(raw)), heading: make([]bool, len(raw))}
	md := strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".markdown")
	if !md && !fenceRE().MatchString(src) {
		return s
	}
	for i := range s.kind {
		s.kind[i] = otherLine
	}
	lines := make([]string, len(raw))
	starts := make([]int, len(raw)) // byte offset of each line
	off := 0
	for i, l := range raw {
		starts[i] = off
		off += len(l) + 1
	}
	lineOf := func(offset int) int { return sort.SearchInts(starts, offset+1) - 1 }
	b := []byte(src)
	doc := goldmark.New().Parser().Parse(text.NewReader(b))
	blocks := 0
	mark := func(n ast.Node, k lineKind) {
		segs := n.Lines()
		for i := 0; i < segs.Len(); i++ {
			seg := segs.At(i)
			l := lineOf(seg.Start)
			if l < 0 || l >= len(raw) {
				continue
			}
			// The segment leaves out the block's indentation (a list
			// item's, a code block's four spaces) and the blockquote
			// marker; padding keeps a tab-expanded segment as text.
			v := strings.TrimRight(string(seg.Value(b)), "\n")
			lines[l] = v
			s.kind[l] = k
			if k == codeLine {
				s.block[l] = blocks
			}
		}
	}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			blocks++
			mark(n, codeLine)
			return ast.WalkSkipChildren, nil
		case *ast.Heading:
			segs := n.Lines()
			if segs.Len() > 0 {
				if l := lineOf(segs.At(0).Start); l >= 0 {
					s.heading[l] = true
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock:
			mark(n, proseLine)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for i := range raw {
		if s.kind[i] == otherLine {
			lines[i] = ""
		}
	}
	s.lines = lines
	return s
}
