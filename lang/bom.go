package lang

import "bytes"

// BOM is the UTF-8 encoding of U+FEFF, the byte-order mark that some
// editors put at the start of a file. It is no part of the script.
const BOM = "\ufeff"

// StripBOM returns src without a leading byte-order mark. Whoever reads a
// script from a file or a stream strips it before Parse, so that the mark
// does not become part of the first word, and gives Parse and
// ErrorList.Detail the stripped text: columns on the first line then count
// from the character after the mark, as an editor shows them.
func StripBOM(src []byte) []byte { return bytes.TrimPrefix(src, []byte(BOM)) }
