package iproute

import (
	"strings"

	"github.com/nshlab/nsh/builtins"
)

// Sizes of the buffers iproute2 reads link-layer addresses into: abuf of
// iplink_parse ("address", "broadcast"), llabuf of ipneigh_modify
// ("lladdr") and of bridge_parse_opt ("group_address").
const (
	llLinkBuf  = 32
	llNeighBuf = 20
	llBrBuf    = 32
)

// llAddr reads a link-layer address as iproute2's ll_addr_a2n
// (lib/ll_addr.c) does: an argument with a dot is an IPv4 address (four
// bytes); anything else is octets separated by colons, each read by
// sscanf("%x"), so "82:73:8d:f3:62:1" is six octets, the last 0x01, and
// "0x2", " 2" and "2g" are all 2. At most max octets are read, as from a
// buffer of that size. A bad octet (or an empty one) fails with
// iproute2's message, which names that octet, and exit status 1.
func llAddr(arg string, max int) ([]byte, error) {
	if strings.Contains(arg, ".") {
		ip, ok := getAddrIPv4(arg)
		if !ok {
			return nil, invalidLLAddr(arg)
		}
		return ip, nil
	}
	var out []byte
	for len(out) < max {
		tok, rest, more := strings.Cut(arg, ":")
		v, ok := scanHexOctet(tok)
		if !ok {
			return nil, invalidLLAddr(tok)
		}
		out = append(out, v)
		if !more {
			return out, nil
		}
		arg = rest
	}
	// ll_addr_a2n reports one octet more than its buffer holds when
	// the address goes on; the extra octet is never read into it.
	return append(out, 0), nil
}

// invalidLLAddr is ll_addr_a2n's complaint about token.
func invalidLLAddr(token string) error {
	text := "\"" + token + "\" is invalid lladdr."
	return &builtins.Failure{Text: text, Status: 1}
}

// scanHexOctet is sscanf(tok, "%x", &int) followed by ll_addr_a2n's check
// that the value is 0..255.
func scanHexOctet(tok string) (byte, bool) {
	v, _, ok := builtins.Strtoul(tok, 16)
	if !ok {
		return 0, false
	}
	n := int32(uint32(v))
	if n < 0 || n > 255 {
		return 0, false
	}
	return byte(n), true
}

// getAddrIPv4 is iproute2's get_addr_ipv4 (lib/utils.c): up to four
// dot-separated numbers (strtoul base 0, each at most 255), the missing
// ones zero, so "10.8" is 10.8.0.0.
func getAddrIPv4(s string) ([]byte, bool) {
	out := make([]byte, 4)
	for i := 0; i < 4; i++ {
		v, rest, ok := builtins.Strtoul(s, 0)
		if !ok || v > 255 {
			return nil, false
		}
		out[i] = byte(v)
		if rest == "" {
			return out, true
		}
		if i == 3 || rest[0] != '.' {
			return nil, false
		}
		s = rest[1:]
	}
	return out, true
}
