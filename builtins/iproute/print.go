package iproute

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
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

// MarshalJSON writes the node with its members in insertion order, as
// iproute2 prints them.
func (n *jnode) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if n.array {
		b.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			e, err := jsonValue(v)
			if err != nil {
				return nil, err
			}
			b.Write(e)
		}
		b.WriteByte(']')
		return b.Bytes(), nil
	}
	b.WriteByte('{')
	for i, k := range n.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jsonString(k))
		b.WriteByte(':')
		e, err := jsonValue(n.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(e)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
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
	var b []byte
	var err error
	if p.pretty {
		pw := &prettyWriter{}
		if err = pw.node(p.root); err != nil {
			return err
		}
		b = pw.b.Bytes()
	} else {
		b, err = p.root.MarshalJSON()
	}
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// jsonString quotes s as lib/json_writer.c's jsonw_puts does: only tab,
// newline, carriage return, form feed, backspace, backslash and double
// quote are escaped; every other byte is written as it is.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\f':
			b.WriteString(`\f`)
		case '\b':
			b.WriteString(`\b`)
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// jsonValue encodes one member value: strings as jsonString, the rest
// (numbers, booleans, null, nested nodes, raw numbers) as encoding/json.
func jsonValue(v any) ([]byte, error) {
	switch v := v.(type) {
	case string:
		return []byte(jsonString(v)), nil
	case *jnode:
		// Not json.Marshal: it would HTML-escape the node's output.
		return v.MarshalJSON()
	}
	return json.Marshal(v)
}

// prettyWriter writes a tree the way iproute2's lib/json_writer.c does
// under -pretty, byte for byte: "[ {", four-space indents, "},{" between
// records and "} ]" at the end (the same layout as builtins/bridge's
// writer).
type prettyWriter struct {
	b     bytes.Buffer
	depth int
	sep   byte
}

func (w *prettyWriter) eol() {
	w.b.WriteByte('\n')
	for i := 0; i < w.depth; i++ {
		w.b.WriteString("    ")
	}
}

func (w *prettyWriter) eor() {
	if w.sep != 0 {
		w.b.WriteByte(w.sep)
	}
	w.sep = ','
}

func (w *prettyWriter) begin(c byte) {
	w.eor()
	w.b.WriteByte(c)
	w.depth++
	w.sep = 0
}

func (w *prettyWriter) end(c byte) {
	w.depth--
	if w.sep != 0 {
		w.eol()
	}
	w.b.WriteByte(c)
	w.sep = ','
}

// node writes v: a *jnode (object or array) or a scalar.
func (w *prettyWriter) node(v any) error {
	n, ok := v.(*jnode)
	if !ok {
		w.eor()
		e, err := jsonValue(v)
		if err != nil {
			return err
		}
		w.b.Write(e)
		return nil
	}
	if n.array {
		w.begin('[')
		w.b.WriteByte(' ')
		for _, e := range n.vals {
			if err := w.node(e); err != nil {
				return err
			}
		}
		if w.sep != 0 {
			w.b.WriteByte(' ')
		}
		w.sep = 0
		w.end(']')
		return nil
	}
	w.begin('{')
	for i, k := range n.keys {
		w.eor()
		w.eol()
		w.sep = 0
		w.b.WriteString(jsonString(k))
		w.b.WriteString(": ")
		if err := w.node(n.vals[i]); err != nil {
			return err
		}
	}
	w.end('}')
	return nil
}
