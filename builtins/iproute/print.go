package iproute

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// printer is nsh's counterpart of iproute2's json_print.h: every field is
// emitted by one call that either formats text or adds a JSON member, so
// the text and JSON views of a record cannot drift apart. A printer is
// built per command and written out once with flush.
type printer struct {
	json   bool
	pretty bool
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
			e, err := json.Marshal(v)
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
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		e, err := json.Marshal(n.vals[i])
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
	p := &printer{json: g.JSON, pretty: g.Pretty, sl: "\n"}
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
		b, err = json.MarshalIndent(p.root, "", "    ")
	} else {
		b, err = json.Marshal(p.root)
	}
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
