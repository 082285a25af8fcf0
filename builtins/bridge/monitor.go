package bridge

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/show"
	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/interp"
)

// cmdMonitor is "bridge monitor [link] [fdb] [mdb] [vlan] [vni] [all]"
// (bridge/monitor.c do_monitor): the link, forwarding, multicast
// database, VLAN and VNI events of the namespace, each printed as the
// matching show prints the object ("Deleted " before a removal, and the
// "[LINK]"-style label under "all"), until Ctrl-C (status 130, as
// SIGINT ends bridge).
func cmdMonitor(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	// No selector: every legacy group but traffic control (~RTMGRP_TC).
	var groups []uint
	all, banner := true, false
	var vlan, vni bool
	for a := builtins.NewArgs(args); a.More(); {
		w, _ := a.Next()
		switch {
		case builtins.Is(w, "file"):
			if _, err := need(a); err != nil {
				return err
			}
			return builtins.NotImplemented("bridge monitor file: not supported by nsh yet")
		case builtins.Is(w, "link"):
			all, groups = false, append(groups, unix.RTNLGRP_LINK)
		case builtins.Is(w, "fdb"):
			all, groups = false, append(groups, unix.RTNLGRP_NEIGH)
		case builtins.Is(w, "mdb"):
			all, groups = false, append(groups, unix.RTNLGRP_MDB)
		case builtins.Is(w, "vlan"):
			all, vlan = false, true
		case w == "vni":
			all, vni = false, true
		case w == "all":
			all, vlan, vni, banner = true, true, true, true
		case builtins.Is(w, "help"):
			return builtins.Usage(env, "bridge-monitor")
		default:
			return builtins.Fail(255, "Argument %q is unknown, try \"bridge monitor help\".", w)
		}
	}
	if all {
		groups = groups[:0]
		for grp := uint(1); grp <= 32; grp++ {
			if grp != unix.RTNLGRP_TC {
				groups = append(groups, grp)
			}
		}
	}
	if vlan {
		groups = append(groups, unix.RTNLGRP_BRVLAN)
	}
	if vni {
		groups = append(groups, unix.RTNLGRP_TUNNEL)
	}
	// The socket is made inside the command's namespace: its events are
	// that namespace's and no other's.
	var s *nl.NetlinkSocket
	err := env.Host.Do(g.NS, func() error {
		var err error
		s, err = nl.Subscribe(unix.NETLINK_ROUTE)
		if err != nil {
			return err
		}
		for _, grp := range groups {
			if err := unix.SetsockoptInt(s.GetFd(), unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, int(grp)); err != nil {
				s.Close()
				return fmt.Errorf("joining group %d: %w", grp, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bridge monitor: %w", err)
	}
	defer s.Close()
	if err := s.SetReceiveTimeout(&unix.Timeval{Usec: 200000}); err != nil {
		return err
	}
	_, ll, err := dialMap(env, g)
	if err != nil {
		return err
	}
	// name is ll_index_to_name over bridge's cache: a link is looked up
	// the first time it is named and kept as it was then (its flags
	// included, which decide M-DOWN); events do not update the cache.
	name := func(i int) string {
		if _, ok := ll[i]; !ok {
			if _, fresh, err := dialMap(env, g); err == nil {
				if l, ok := fresh[i]; ok {
					ll[i] = l
				}
			}
		}
		return ll.name(i)
	}
	for {
		if ctx.Err() != nil {
			return interp.ExitStatus(130)
		}
		msgs, _, err := s.Receive()
		if err != nil {
			if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
				continue
			}
			return fmt.Errorf("bridge monitor: %w", err)
		}
		for _, m := range msgs {
			var text strings.Builder
			monitorEvent(&text, g, ll, name, banner, m.Header.Type, m.Data)
			if text.Len() > 0 {
				fmt.Fprint(env.Stdout, text.String())
			}
		}
	}
}

// monitorEvent prints one event as monitor.c accept_msg does.
func monitorEvent(text *strings.Builder, g *Global, ll linkMap, name func(int) string, banner bool, typ uint16, b []byte) {
	jw := show.NewJSONWriter(false) // text only: monitors print text
	label := func(l string) {
		if banner {
			text.WriteString(l)
		}
	}
	switch typ {
	case unix.RTM_NEWLINK, unix.RTM_DELLINK:
		l, err := rtnl.ParseLink(b)
		if err != nil || (l.Family != unix.AF_BRIDGE && l.Family != unix.AF_UNSPEC) {
			return
		}
		if l.Name == "" {
			l.Name = name(l.Index)
		}
		if iflink, ok := l.Attrs.U32(unix.IFLA_LINK); ok && iflink != 0 {
			name(int(iflink)) // a peer made after the map was loaded
		}
		if m := l.Master(); m != 0 {
			name(m)
		}
		label("[LINK]")
		printBridgeLink(jw, text, &l, ll, g, typ == unix.RTM_DELLINK)
	case unix.RTM_NEWNEIGH, unix.RTM_DELNEIGH:
		e, ok, err := rtnl.ParseFDB(b)
		if err != nil || !ok {
			return
		}
		name(e.Index)
		label("[NEIGH]")
		if typ == unix.RTM_DELNEIGH {
			text.WriteString("Deleted ")
		}
		printFDB(jw, text, &e, ll, 0, g)
	case rtmNewMDB, rtmDelMDB:
		if len(b) < sizeofPortMsg {
			return
		}
		ifindex := int(binary.NativeEndian.Uint32(b[4:8]))
		tb, err := rtnl.ParseAttrs(b[sizeofPortMsg:])
		if err != nil {
			return
		}
		name(ifindex)
		for _, ent := range allNested(tb[mdbaMDB]) {
			for _, info := range allOf(ent, mdbaMDBEntryInfo) {
				if len(info) >= 4 {
					name(int(binary.NativeEndian.Uint32(info[0:4]))) // the port
				}
			}
		}
		for _, port := range allNested(tb[mdbaRouter]) {
			if len(port) >= 4 {
				name(int(binary.NativeEndian.Uint32(port[0:4]))) // a router port
			}
		}
		label("[MDB]")
		if typ == rtmDelMDB {
			text.WriteString("Deleted ")
		}
		for _, ent := range allNested(tb[mdbaMDB]) {
			for _, info := range allOf(ent, mdbaMDBEntryInfo) {
				printMDBEntry(jw, text, g, ll, ifindex, info, 0)
			}
		}
		if r, ok := tb[mdbaRouter]; ok {
			printRouterPorts(jw, text, g, ll, ll.name(ifindex), r)
		}
	}
}
