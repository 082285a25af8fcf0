package iproute

import (
	"bytes"
	"fmt"
	"io"

	"github.com/nshlab/nsh/builtins/show"
)

// printer is nsh's counterpart of iproute2's json_print.h: every field is
// emitted by one call that either formats text or adds a JSON member, so
// the text and JSON views of a record cannot drift apart. A printer is
// built per command and written out once with flush.
type printer struct {
	json   bool
	pretty bool
	color  bool // -color: escape sequences around the fields iproute2 colours
	// sl is iproute2's _SL_: the line separator inside one record, "\n"
	// normally and "\\" under -oneline.
	sl string

	text  bytes.Buffer
	root  *jnode
	stack []*jnode
}

// jnode is a JSON object (ordered members) or array.
type jnode struct {
	array bool
	keys  []string
	vals  []any
}

func (n *jnode) add(key string, v any) {
	n.keys = append(n.keys, key)
	n.vals = append(n.vals, v)
}

// write writes the node with its members in insertion order, as iproute2
// prints them.
func (n *jnode) write(w *show.JSONWriter) {
	if n.array {
		w.StartArray()
		for _, v := range n.vals {
			writeJSON(w, v)
		}
		w.EndArray()
		return
	}
	w.StartObject()
	for i, k := range n.keys {
		w.Name(k)
		writeJSON(w, n.vals[i])
	}
	w.EndObject()
}

// writeJSON writes one member value: a nested node, or a scalar.
func writeJSON(w *show.JSONWriter, v any) {
	if n, ok := v.(*jnode); ok {
		n.write(w)
		return
	}
	w.Value(v)
}

// newPrinter returns a printer for g's output style. In JSON mode the
// records go into one top-level array, as with "ip -j".
func newPrinter(g *Global) *printer {
	p := &printer{json: g.JSON, pretty: g.Pretty, color: g.Color && !g.JSON, sl: "\n"}
	if g.Oneline {
		p.sl = "\\"
	}
	if p.json {
		p.root = &jnode{array: true}
		p.stack = []*jnode{p.root}
	}
	return p
}

func (p *printer) top() *jnode { return p.stack[len(p.stack)-1] }

func (p *printer) member(key string, v any) {
	t := p.top()
	if t.array {
		t.vals = append(t.vals, v)
		return
	}
	t.add(key, v)
}

// any is PRINT_ANY: text through format, or the JSON member key = v.
func (p *printer) any(key, format string, v any) {
	if p.json {
		p.member(key, v)
		return
	}
	fmt.Fprintf(&p.text, format, v)
}

// Colours of lib/color.c's default palette.
const (
	colorNone   = ""
	colorIfname = "\x1b[36m"
	colorMac    = "\x1b[33m"
	colorInet   = "\x1b[35m"
	colorInet6  = "\x1b[34m"
	colorUp     = "\x1b[32m"
	colorDown   = "\x1b[31m"
	colorReset  = "\x1b[0m"
)

// familyColor is ifa_family_color.
func familyColor(family int) string {
	switch family {
	case afInet:
		return colorInet
	case afInet6:
		return colorInet6
	}
	return colorNone
}

// operColor is oper_state_color.
func operColor(state string) string {
	switch state {
	case "UP":
		return colorUp
	case "DOWN":
		return colorDown
	}
	return colorNone
}

// colorAny is print_color_string(PRINT_ANY, c, key, format, v): like
// any, with the text in colour c under -color.
func (p *printer) colorAny(c, key, format string, v any) {
	if p.json {
		p.member(key, v)
		return
	}
	p.colorFp(c, format, v)
}

// colorFp prints text in colour c under -color (PRINT_FP).
func (p *printer) colorFp(c, format string, args ...any) {
	if p.json {
		return
	}
	if p.color && c != colorNone {
		p.text.WriteString(c)
		fmt.Fprintf(&p.text, format, args...)
		p.text.WriteString(colorReset)
		return
	}
	fmt.Fprintf(&p.text, format, args...)
}

// fp is PRINT_FP: text only.
func (p *printer) fp(format string, args ...any) {
	if !p.json {
		fmt.Fprintf(&p.text, format, args...)
	}
}

// js is PRINT_JSON: a JSON member only.
func (p *printer) js(key string, v any) {
	if p.json {
		p.member(key, v)
	}
}

// nl ends a line of a record (iproute2's "%s" with _SL_).
func (p *printer) nl() { p.fp("%s", p.sl) }

// openObject starts a JSON object (a record, or the member key); no text.
func (p *printer) openObject(key string) {
	if !p.json {
		return
	}
	n := &jnode{}
	p.member(key, n)
	p.stack = append(p.stack, n)
}

// openArray starts a JSON array member key, or prints text.
func (p *printer) openArray(key, text string) {
	if !p.json {
		p.text.WriteString(text)
		return
	}
	n := &jnode{array: true}
	p.member(key, n)
	p.stack = append(p.stack, n)
}

// close ends the innermost object or array, or prints text.
func (p *printer) close(text string) {
	if !p.json {
		p.text.WriteString(text)
		return
	}
	if len(p.stack) > 1 {
		p.stack = p.stack[:len(p.stack)-1]
	}
}

// flush writes everything printed to w: the text, or the JSON array and a
// newline.
func (p *printer) flush(w io.Writer) error {
	if !p.json {
		_, err := w.Write(p.text.Bytes())
		return err
	}
	jw := show.NewJSONWriter(p.pretty)
	p.root.write(jw)
	if err := jw.Err(); err != nil {
		return err
	}
	_, err := w.Write(append(jw.Bytes(), '\n'))
	return err
}
