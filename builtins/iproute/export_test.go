package iproute

import (
	"github.com/vishvananda/netlink"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/ns"
)

// PeerDying exposes peerDying to the external tests: whether l, in r, is
// a veth whose peer's namespace is being destroyed (and a failed create
// would wait for it).
func PeerDying(env *builtins.Env, r ns.Ref, l netlink.Link) bool { return peerDying(env, r, l) }
