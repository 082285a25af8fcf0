package bridge

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// jsonWriter writes JSON the way iproute2's lib/json_writer.c does, byte
// for byte, including its -p layout ("[ {", "},{", "} ]").
type jsonWriter struct {
	b      bytes.Buffer
	pretty bool
	depth  int
	sep    byte
}

func (w *jsonWriter) indent() {
	for i := 0; i < w.depth; i++ {
		w.b.WriteString("    ")
	}
}

func (w *jsonWriter) eol() {
	if w.pretty {
		w.b.WriteByte('\n')
		w.indent()
	}
}

func (w *jsonWriter) eor() {
	if w.sep != 0 {
		w.b.WriteByte(w.sep)
	}
	w.sep = ','
}

func (w *jsonWriter) begin(c byte) {
	w.eor()
	w.b.WriteByte(c)
	w.depth++
	w.sep = 0
}

func (w *jsonWriter) end(c byte) {
	w.depth--
	if w.sep != 0 {
		w.eol()
	}
	w.b.WriteByte(c)
	w.sep = ','
}

func (w *jsonWriter) name(n string) {
	w.eor()
	w.eol()
	w.sep = 0
	w.str(n)
	w.b.WriteByte(':')
	if w.pretty {
		w.b.WriteByte(' ')
	}
}

func (w *jsonWriter) str(s string) {
	b, _ := json.Marshal(s)
	w.b.Write(b)
}

func (w *jsonWriter) startObject() { w.begin('{') }
func (w *jsonWriter) endObject()   { w.end('}') }

func (w *jsonWriter) startArray() {
	w.begin('[')
	if w.pretty {
		w.b.WriteByte(' ')
	}
}

func (w *jsonWriter) endArray() {
	if w.pretty && w.sep != 0 {
		w.b.WriteByte(' ')
	}
	w.sep = 0
	w.end(']')
}

// value writes an array element or, after name, a member's value.
func (w *jsonWriter) value(v any) {
	w.eor()
	switch v := v.(type) {
	case string:
		w.str(v)
	case bool:
		fmt.Fprintf(&w.b, "%t", v)
	default:
		fmt.Fprintf(&w.b, "%d", v)
	}
}

// field writes "key": value.
func (w *jsonWriter) field(key string, v any) {
	w.name(key)
	// name left sep empty, so value writes no comma.
	w.value(v)
}
