package show

import (
	"bytes"
	"encoding/json"
	"strings"
)

// JSONWriter writes JSON the way iproute2's lib/json_writer.c does for
// "ip -j" and "bridge -j", byte for byte: compact, or under -p ("-j -p")
// with its own layout ("[ {", four-space indents, "},{" between records,
// "} ]" at the end). The zero value writes compact JSON.
type JSONWriter struct {
	b      bytes.Buffer
	pretty bool
	depth  int
	sep    byte
	err    error
}

// NewJSONWriter returns a writer for "-j", or "-j -p" when pretty.
func NewJSONWriter(pretty bool) *JSONWriter { return &JSONWriter{pretty: pretty} }

func (w *JSONWriter) eol() {
	if w.pretty {
		w.b.WriteByte('\n')
		for i := 0; i < w.depth; i++ {
			w.b.WriteString("    ")
		}
	}
}

func (w *JSONWriter) eor() {
	if w.sep != 0 {
		w.b.WriteByte(w.sep)
	}
	w.sep = ','
}

func (w *JSONWriter) begin(c byte) {
	w.eor()
	w.b.WriteByte(c)
	w.depth++
	w.sep = 0
}

func (w *JSONWriter) end(c byte) {
	w.depth--
	if w.sep != 0 {
		w.eol()
	}
	w.b.WriteByte(c)
	w.sep = ','
}

// Name writes an object member's key (jsonw_name); the value follows.
func (w *JSONWriter) Name(n string) {
	w.eor()
	w.eol()
	w.sep = 0
	w.b.WriteString(Quote(n))
	w.b.WriteByte(':')
	if w.pretty {
		w.b.WriteByte(' ')
	}
}

// StartObject starts an object (jsonw_start_object).
func (w *JSONWriter) StartObject() { w.begin('{') }

// EndObject ends the innermost object (jsonw_end_object).
func (w *JSONWriter) EndObject() { w.end('}') }

// StartArray starts an array (jsonw_start_array).
func (w *JSONWriter) StartArray() {
	w.begin('[')
	if w.pretty {
		w.b.WriteByte(' ')
	}
}

// EndArray ends the innermost array (jsonw_end_array).
func (w *JSONWriter) EndArray() {
	if w.pretty && w.sep != 0 {
		w.b.WriteByte(' ')
	}
	w.sep = 0
	w.end(']')
}

// Value writes an array element or, after Name, a member's value:
// strings quoted as Quote does, nil as null, anything else as
// encoding/json encodes it (numbers, booleans). An encoding error is kept
// for Err.
func (w *JSONWriter) Value(v any) {
	w.eor()
	if s, ok := v.(string); ok {
		w.b.WriteString(Quote(s))
		return
	}
	e, err := json.Marshal(v)
	if err != nil {
		if w.err == nil {
			w.err = err
		}
		return
	}
	w.b.Write(e)
}

// Field writes the member "key": v.
func (w *JSONWriter) Field(key string, v any) {
	w.Name(key)
	w.Value(v)
}

// Bytes returns what has been written so far.
func (w *JSONWriter) Bytes() []byte { return w.b.Bytes() }

// Err returns the first error Value met encoding a value.
func (w *JSONWriter) Err() error { return w.err }

// Quote quotes s as lib/json_writer.c's jsonw_puts does: only tab,
// newline, carriage return, form feed, backspace, backslash and double
// quote are escaped; every other byte is written as it is.
func Quote(s string) string {
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
