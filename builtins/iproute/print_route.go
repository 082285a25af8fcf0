package iproute

import (
	"golang.org/x/sys/unix"
)

// routeFlagNames are print_rt_flags' words in its order.
var routeFlagNames = []struct {
	bit  int
	name string
}{
	{unix.RTNH_F_DEAD, "dead"}, {unix.RTNH_F_ONLINK, "onlink"},
	{unix.RTNH_F_PERVASIVE, "pervasive"}, {unix.RTNH_F_OFFLOAD, "offload"},
	{unix.RTM_F_NOTIFY, "notify"}, {unix.RTNH_F_LINKDOWN, "linkdown"},
	{unix.RTNH_F_UNRESOLVED, "unresolved"}, {unix.RTM_F_OFFLOAD, "rt_offload"},
	{unix.RTM_F_TRAP, "rt_trap"}, {unix.RTM_F_OFFLOAD_FAILED, "rt_offload_failed"},
}

// printRouteFlags is print_rt_flags: the words of flags, or the JSON
// array "flags".
func printRouteFlags(p *printer, flags int) {
	p.openArray("flags", "")
	for _, fl := range routeFlagNames {
		if flags&fl.bit != 0 {
			p.any("", "%s ", fl.name)
		}
	}
	p.close("")
}
