package builtins

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestParseFormatIP: a ":" makes an IPv6 address (get_addr_1), printed
// as inet_ntop prints it.
func TestParseFormatIP(t *testing.T) {
	for _, c := range []struct {
		in, out string
		family  int
	}{
		{"1.2.3.4", "1.2.3.4", unix.AF_INET},
		{"::ffff:1.2.3.4", "::ffff:1.2.3.4", unix.AF_INET6},
		{"::ffff:0.0.0.0", "::ffff:0.0.0.0", unix.AF_INET6},
		{"::1.2.3.4", "::1.2.3.4", unix.AF_INET6},
		{"::0.0.0.2", "::2", unix.AF_INET6},
		{"::1", "::1", unix.AF_INET6},
		{"::", "::", unix.AF_INET6},
		{"::ffff:0:1.2.3.4", "::ffff:0:102:304", unix.AF_INET6},
		{"2001:db8::1", "2001:db8::1", unix.AF_INET6},
	} {
		ip := ParseIP(c.in)
		if ip == nil || IPFamily(ip) != c.family || FormatIP(ip) != c.out {
			t.Errorf("%s: %v family %d, printed %q; want family %d, %q", c.in, ip, IPFamily(ip), FormatIP(ip), c.family, c.out)
		}
		if IsMapped(ip) != (c.in == "::ffff:1.2.3.4" || c.in == "::ffff:0.0.0.0") {
			t.Errorf("%s: IsMapped %v", c.in, IsMapped(ip))
		}
	}
	for _, bad := range []string{"", "1.2.3", "1.2.3.4.5", "::g", "fe80::1%eth0"} {
		if ip := ParseIP(bad); ip != nil {
			t.Errorf("%q: parsed as %v", bad, ip)
		}
	}
}
