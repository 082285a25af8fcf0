package cli

import (
	"runtime"
	"strings"
	"sync"

	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/lang"
)

// newCommandCheck returns the static check of a command's words (see
// lang.CheckConfig.CheckCommand): ip, bridge and brctl lines are read
// against the command model (builtins/spec): unknown objects, verbs and
// keywords, malformed values, link types this kernel lacks (a warning),
// and the namespaces a line creates or acts in. The kernel is asked,
// once per link type, whether it has that type, without creating
// anything (rtnl.Conn.KindKnown).
func newCommandCheck() func(words []string, known []bool) lang.CommandInfo {
	var mu sync.Mutex
	kinds := map[string]bool{}
	probe := func(kind string) bool {
		// A port's type (bridge_slave, bond_slave) is its master's.
		kind = strings.TrimSuffix(kind, "_slave")
		mu.Lock()
		defer mu.Unlock()
		if has, ok := kinds[kind]; ok {
			return has
		}
		has := kindKnown(kind)
		kinds[kind] = has
		return has
	}
	return func(words []string, known []bool) lang.CommandInfo {
		info := spec.InspectWith(words, known, probe)
		out := lang.CommandInfo{NetnsCreated: info.NetnsCreated, NetnsUsed: info.NetnsUsed}
		for _, p := range info.Problems {
			out.Problems = append(out.Problems, lang.CommandProblem{Word: p.Word, Msg: p.Msg, Warning: p.Warning})
		}
		return out
	}
}

// kindKnown asks the kernel whether it has the link type kind; when it
// cannot be asked, the type counts as present (no warning).
func kindKnown(kind string) bool {
	// An unlocked goroutine's thread is always in the start namespace
	// (threads switched elsewhere stay locked to their goroutine).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c, err := rtnl.Open()
	if err != nil {
		return true
	}
	defer c.Close()
	has, err := c.KindKnown(kind)
	return has || err != nil
}
