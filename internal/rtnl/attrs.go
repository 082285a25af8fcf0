package rtnl

import (
	"encoding/binary"
	"errors"

	"golang.org/x/sys/unix"
)

// Attrs is a run of netlink attributes (struct rtattr / nlattr) by type,
// with the NLA_F_NESTED and NLA_F_NET_BYTEORDER flags masked off. When a
// type occurs more than once, the last one wins.
type Attrs map[uint16][]byte

// typeMask clears the flag bits of an attribute type.
const typeMask = ^uint16(unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)

// errMalformed is returned by ParseAttrs for a run that does not split
// into whole attributes.
var errMalformed = errors.New("malformed netlink attributes")

// ParseAttrs splits b into attributes. On malformed input it returns the
// attributes read before the fault and an error; callers that print what
// the kernel sent may ignore the error and use what was read.
func ParseAttrs(b []byte) (Attrs, error) {
	m := Attrs{}
	err := each(b, func(t uint16, v []byte) { m[t] = v })
	return m, err
}

// All returns the values of every attribute of type t in b, in order: for
// the attributes a message repeats (IFLA_BRIDGE_VLAN_INFO). On malformed
// input it returns those read before the fault and an error.
func All(b []byte, t uint16) ([][]byte, error) {
	var vs [][]byte
	err := each(b, func(at uint16, v []byte) {
		if at == t {
			vs = append(vs, v)
		}
	})
	return vs, err
}

// each calls fn with the type (flags masked off) and value of every
// attribute of b in order, and fails on the first malformed one.
func each(b []byte, fn func(t uint16, v []byte)) error {
	for len(b) >= unix.SizeofRtAttr {
		l := int(binary.NativeEndian.Uint16(b[0:2]))
		if l < unix.SizeofRtAttr || l > len(b) {
			return errMalformed
		}
		fn(binary.NativeEndian.Uint16(b[2:4])&typeMask, b[unix.SizeofRtAttr:l])
		al := (l + unix.NLA_ALIGNTO - 1) &^ (unix.NLA_ALIGNTO - 1)
		if al >= len(b) {
			return nil
		}
		b = b[al:]
	}
	if len(b) != 0 {
		return errMalformed
	}
	return nil
}

// Nested parses attribute t as a nested run of attributes; nil when t is
// absent, what could be read when it is malformed.
func (a Attrs) Nested(t uint16) Attrs {
	v, ok := a[t]
	if !ok {
		return nil
	}
	n, _ := ParseAttrs(v)
	return n
}

// Has reports whether attribute t is there.
func (a Attrs) Has(t uint16) bool { _, ok := a[t]; return ok }

// U8 returns attribute t as a byte and whether it is there.
func (a Attrs) U8(t uint16) (uint8, bool) {
	v, ok := a[t]
	if !ok || len(v) < 1 {
		return 0, false
	}
	return v[0], true
}

// U16 returns attribute t as a native-endian uint16.
func (a Attrs) U16(t uint16) (uint16, bool) {
	v, ok := a[t]
	if !ok || len(v) < 2 {
		return 0, false
	}
	return binary.NativeEndian.Uint16(v), true
}

// BE16 returns attribute t as a big-endian (network order) uint16.
func (a Attrs) BE16(t uint16) (uint16, bool) {
	v, ok := a[t]
	if !ok || len(v) < 2 {
		return 0, false
	}
	return binary.BigEndian.Uint16(v), true
}

// U32 returns attribute t as a native-endian uint32.
func (a Attrs) U32(t uint16) (uint32, bool) {
	v, ok := a[t]
	if !ok || len(v) < 4 {
		return 0, false
	}
	return binary.NativeEndian.Uint32(v), true
}

// U64 returns attribute t as a native-endian uint64.
func (a Attrs) U64(t uint16) (uint64, bool) {
	v, ok := a[t]
	if !ok || len(v) < 8 {
		return 0, false
	}
	return binary.NativeEndian.Uint64(v), true
}

// Str returns attribute t as a string, up to its first NUL ("" when
// absent).
func (a Attrs) Str(t uint16) string {
	b := a[t]
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
