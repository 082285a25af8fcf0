package builtins

import (
	"context"
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/interp"
)

// Exists is the kernel half of nsh's "exists" predicate: "exists link NAME"
// succeeds when the current namespace has a link called NAME and exits
// with status 1 when it has none. ("exists netns NAME" is answered by the
// interpreter.)
func Exists(ctx context.Context, env *Env, args []string) error {
	if len(args) != 3 || args[1] != "link" {
		return errors.New("usage: exists link NAME")
	}
	if err := ValidIfName(args[2]); err != nil {
		return err
	}
	h, err := env.Handle(env.NS)
	if err != nil {
		return err
	}
	_, err = h.LinkByName(args[2])
	var nf netlink.LinkNotFoundError
	if errors.As(err, &nf) {
		return interp.ExitStatus(1)
	}
	if err != nil {
		return fmt.Errorf("looking up link %q: %w", args[2], err)
	}
	return nil
}
