package iproute

import (
	"context"
	"errors"

	"github.com/nshlab/nsh/builtins"
)

// cmdLink is "ip link". (stub: being written)
func cmdLink(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	return errors.New("ip link: not written yet")
}

// cmdAddress is "ip address". (stub: being written)
func cmdAddress(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	return errors.New("ip address: not written yet")
}

// cmdRoute is "ip route". (stub: being written)
func cmdRoute(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	return errors.New("ip route: not written yet")
}
