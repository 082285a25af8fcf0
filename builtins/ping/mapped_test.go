package ping

import (
	"errors"
	"testing"
)

// TestResolveMapped: "::ffff:127.0.0.1" is an IPv6 address, as
// getaddrinfo gives it to iputils: ping -4 refuses it, and ping pings it
// over IPv6 (where nothing answers), not 127.0.0.1.
func TestResolveMapped(t *testing.T) {
	a, err := resolve(&options{target: "::ffff:127.0.0.1"})
	if err != nil || a.Is4() || a.String() != "::ffff:127.0.0.1" {
		t.Errorf("resolve: %v, %v", a, err)
	}
	_, err = resolve(&options{target: "::ffff:127.0.0.1", family: 4})
	var ee *exitErr
	if !errors.As(err, &ee) || ee.code != 2 || ee.msg != "ping: ::ffff:127.0.0.1: Address family for hostname not supported" {
		t.Errorf("ping -4: %v", err)
	}
}
