package iproute

import (
	"context"
	"errors"

	"github.com/nshlab/nsh/builtins"
)

// cmdNetns is "ip netns". (stub: being written)
func cmdNetns(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	return errors.New("ip netns: not written yet")
}
