// Package show holds the output pieces that iproute2's ip and bridge
// share through iproute2's lib/ (print_link_flags, lib/json_writer.c), so
// that builtins/iproute and builtins/bridge print them from one
// implementation.
package show

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// linkFlagNames are the IFF_* names in print_link_flags' order.
var linkFlagNames = [...]struct {
	bit  uint32
	name string
}{
	{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"},
	{unix.IFF_POINTOPOINT, "POINTOPOINT"}, {unix.IFF_MULTICAST, "MULTICAST"},
	{unix.IFF_NOARP, "NOARP"}, {unix.IFF_ALLMULTI, "ALLMULTI"},
	{unix.IFF_PROMISC, "PROMISC"}, {unix.IFF_MASTER, "MASTER"},
	{unix.IFF_SLAVE, "SLAVE"}, {unix.IFF_DEBUG, "DEBUG"},
	{unix.IFF_DYNAMIC, "DYNAMIC"}, {unix.IFF_AUTOMEDIA, "AUTOMEDIA"},
	{unix.IFF_PORTSEL, "PORTSEL"}, {unix.IFF_NOTRAILERS, "NOTRAILERS"},
	{unix.IFF_UP, "UP"}, {unix.IFF_LOWER_UP, "LOWER_UP"},
	{unix.IFF_DORMANT, "DORMANT"}, {unix.IFF_ECHO, "ECHO"},
}

// LinkFlags returns the words iproute2's print_link_flags prints between
// "<" and ">" for the IFF_* flags of a link ("ip link show", "bridge link
// show"): NO-CARRIER for an up link without IFF_RUNNING, the flag names in
// iproute2's order, any unknown bits in hex, and M-DOWN when mdown (the
// link's lower device in the same namespace is down).
func LinkFlags(flags uint32, mdown bool) []string {
	var w []string
	if flags&unix.IFF_UP != 0 && flags&unix.IFF_RUNNING == 0 {
		w = append(w, "NO-CARRIER")
	}
	flags &^= unix.IFF_RUNNING
	for _, f := range linkFlagNames {
		if flags&f.bit != 0 {
			flags &^= f.bit
			w = append(w, f.name)
		}
	}
	if flags != 0 {
		w = append(w, fmt.Sprintf("%x", flags))
	}
	if mdown {
		w = append(w, "M-DOWN")
	}
	return w
}
