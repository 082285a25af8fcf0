package builtins

import "strings"

// Strtoul is glibc's strtoul(3) on a 64-bit machine: leading white
// space, an optional sign (a minus negates the result modulo 2^64), for
// base 0 or 16 an optional "0x" prefix, base 0 picking 16, 8 or 10 from
// the prefix, then as many digits as there are; an overflow gives
// ULONG_MAX. ok is false when no digit was read (rest is then s); rest is
// what follows the number.
func Strtoul(s string, base int) (v uint64, rest string, ok bool) {
	i := 0
	for i < len(s) && strings.IndexByte(" \t\n\v\f\r", s[i]) >= 0 {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	hexPrefix := i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X')
	switch {
	case (base == 0 || base == 16) && hexPrefix && i+2 < len(s) && digitVal(s[i+2]) < 16:
		base = 16
		i += 2
	case base == 0 && i < len(s) && s[i] == '0':
		base = 8
	case base == 0:
		base = 10
	}
	start := i
	overflow := false
	for i < len(s) {
		d := digitVal(s[i])
		if d >= base {
			break
		}
		if v > (^uint64(0)-uint64(d))/uint64(base) {
			overflow = true
		}
		v = v*uint64(base) + uint64(d)
		i++
	}
	if i == start {
		return 0, s, false
	}
	if overflow {
		return ^uint64(0), s[i:], true
	}
	if neg {
		v = -v
	}
	return v, s[i:], true
}

// digitVal is the value of c as a digit of any base up to 36 (99 for
// anything else).
func digitVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// GetUint is iproute2's get_u32/get_u16/get_u8/get_unsigned (lib/utils.c):
// the whole of s is one number by strtoul in base, at most max.
func GetUint(s string, base int, max uint64) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	v, rest, ok := Strtoul(s, base)
	if !ok || rest != "" || v == ^uint64(0) || v > max {
		return 0, false
	}
	return v, true
}
