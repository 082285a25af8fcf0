// Package all puts nsh's network builtins together: ip (iproute2), brctl
// (bridge-utils) and bridge (iproute2), each run in-process over netlink.
package all

import (
	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/brctl"
	"github.com/nshlab/nsh/builtins/bridge"
	"github.com/nshlab/nsh/builtins/iproute"
	"github.com/nshlab/nsh/builtins/ping"
	"github.com/nshlab/nsh/builtins/sysctl"
)

// Commands returns the network builtins by command word: "ip" (iproute2's
// ip), "brctl" (bridge-utils' brctl) and "bridge" (iproute2's bridge). The
// map is new on every call; the caller may add to it.
func Commands() map[string]builtins.Func {
	return map[string]builtins.Func{
		"ip":     iproute.Main,
		"brctl":  brctl.Main,
		"bridge": bridge.Main,
		"exists": builtins.Exists,
		"ping":   ping.Main,
		"sysctl": sysctl.Main,
	}
}
