package iproute

import (
	"context"
	"fmt"
	"os/user"
	"sort"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/ns"
)

// cmdTuntap is "ip tuntap" / "ip tap" (ip/iptuntap.c): add, del and show.
func cmdTuntap(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return tuntapShow(env, g)
	}
	verb, err := verbOf(env, "tuntap", args[0])
	if err != nil {
		return err
	}
	switch verb {
	case "add", "delete":
		return tuntapModify(env, g, verb, args[1:])
	}
	return tuntapShow(env, g)
}

// tuntapReq is what parse_args of iptuntap.c reads.
type tuntapReq struct {
	name       string
	flags      uint16
	uid, gid   int
	modeGiven  bool
	nameGiven  bool
	ownerGiven bool
}

func parseTuntap(args []string) (*tuntapReq, error) {
	r := &tuntapReq{flags: unix.IFF_NO_PI, uid: -1, gid: -1}
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		var err error
		switch {
		case w == "mode":
			var m string
			if m, err = a.Need(w); err != nil {
				break
			}
			if r.modeGiven {
				return nil, builtins.Fail(255, "Error: either \"mode\" is duplicate, or %q is a garbage.", m)
			}
			switch m {
			case "tun":
				r.flags |= unix.IFF_TUN
			case "tap":
				r.flags |= unix.IFF_TAP
			default:
				return nil, invarg("unknown tunnel mode", m)
			}
			r.modeGiven = true
		case w == "user":
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			if n, perr := strconv.Atoi(s); perr == nil {
				r.uid = n
			} else if u, lerr := user.Lookup(s); lerr == nil {
				r.uid, _ = strconv.Atoi(u.Uid)
			} else {
				return nil, invarg("invalid user", s)
			}
		case w == "group":
			var s string
			if s, err = a.Need(w); err != nil {
				break
			}
			if n, perr := strconv.Atoi(s); perr == nil {
				r.gid = n
			} else if gr, lerr := user.LookupGroup(s); lerr == nil {
				r.gid, _ = strconv.Atoi(gr.Gid)
			} else {
				return nil, invarg("invalid group name", s)
			}
		case w == "dev":
			if r.name, err = a.Need(w); err == nil {
				err = builtins.ValidIfName(r.name)
			}
		case w == "pi":
			r.flags &^= unix.IFF_NO_PI
		case w == "one_queue":
			r.flags |= unix.IFF_ONE_QUEUE
		case w == "vnet_hdr":
			r.flags |= unix.IFF_VNET_HDR
		case w == "multi_queue":
			r.flags |= unix.IFF_MULTI_QUEUE
		default:
			if builtins.Is(w, "name") {
				if w, err = a.Need(w); err != nil {
					break
				}
			}
			if r.name != "" {
				return nil, builtins.Fail(255, "Error: either \"name\" is duplicate, or %q is a garbage.", w)
			}
			r.name = w
			err = builtins.ValidIfName(w)
		}
		if err != nil {
			return nil, err
		}
	}
	if !r.modeGiven {
		return nil, fmt.Errorf("You failed to specify a tunnel mode")
	}
	return r, nil
}

// ifreqFlags is struct ifreq with ifr_flags.
type ifreqFlags struct {
	name  [unix.IFNAMSIZ]byte
	flags uint16
	_     [22]byte
}

// tuntapModify is tap_add_ioctl / tap_del_ioctl: open /dev/net/tun in
// the target namespace (a tun device belongs to the namespace of the
// thread that opens the control device), TUNSETIFF, owner and group,
// then TUNSETPERSIST 1 (add) or 0 (delete).
func tuntapModify(env *builtins.Env, g *Global, verb string, args []string) error {
	r, err := parseTuntap(args)
	if err != nil {
		return err
	}
	var req ifreqFlags
	copy(req.name[:unix.IFNAMSIZ-1], r.name)
	req.flags = r.flags
	if verb == "add" {
		req.flags |= unix.IFF_TUN_EXCL
	}
	run := func() error {
		fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("open /dev/net/tun: %w", err)
		}
		defer unix.Close(fd)
		ioctl := func(name string, op uintptr, arg uintptr) error {
			if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), op, arg); e != 0 {
				return fmt.Errorf("ioctl(%s): %w", name, ns.Strerror(e))
			}
			return nil
		}
		if err := ioctl("TUNSETIFF", unix.TUNSETIFF, uintptr(unsafe.Pointer(&req))); err != nil {
			return err
		}
		if verb == "delete" {
			return ioctl("TUNSETPERSIST", unix.TUNSETPERSIST, 0)
		}
		if r.uid != -1 {
			if err := ioctl("TUNSETOWNER", unix.TUNSETOWNER, uintptr(r.uid)); err != nil {
				return err
			}
		}
		if r.gid != -1 {
			if err := ioctl("TUNSETGROUP", unix.TUNSETGROUP, uintptr(r.gid)); err != nil {
				return err
			}
		}
		return ioctl("TUNSETPERSIST", unix.TUNSETPERSIST, 1)
	}
	rec := journal.Record{Op: journal.OpLink, NS: builtins.NSName(g.NS), Name: r.name}
	if verb == "delete" {
		rec.Op = journal.OpLinkDel
	}
	var ch *builtins.Change
	if r.name != "" { // else the kernel names it, and nsh does not ask
		it := env.LinkDelIntent(g.NS, r.name)
		if verb != "delete" {
			kind := "tun"
			if r.flags&unix.IFF_TAP != 0 {
				kind = "tap"
			}
			it = env.LinkAddIntent(g.NS, r.name, kind, ns.Ref{}, "")
		}
		if err := env.Intend(it); err != nil {
			return err
		}
		if ch, err = env.Change(rec); err != nil {
			return err
		}
	}
	err = env.Host.Do(g.NS, run)
	ch.Done(err)
	return err
}

// tuntapShow is "ip tuntap show": the tun/tap devices with their flags,
// read from the link info (IFLA_TUN_*) rather than from sysfs, which
// shows the namespace it was mounted in.
func tuntapShow(env *builtins.Env, g *Global) error {
	raws, err := rawLinks(env, g.NS)
	if err != nil {
		return err
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	idx := make([]int, 0, len(raws))
	for i, rl := range raws {
		if rl.kind == "tun" && rl.data != nil {
			idx = append(idx, i)
		}
	}
	sort.Ints(idx)
	p := newPrinter(g)
	for _, i := range idx {
		rl := raws[i]
		d := rl.data
		name := rl.attrs.str(unix.IFLA_IFNAME)
		if l, err := h.LinkByIndex(i); err == nil {
			name = l.Attrs().Name
		}
		p.openObject("")
		p.any("ifname", "%s:", name)
		p.openArray("flags", "")
		word := func(w string) { p.any("", " %s", w) }
		if d.u8(unix.IFLA_TUN_TYPE) == 2 {
			word("tap")
		} else {
			word("tun")
		}
		pi := d.u8(unix.IFLA_TUN_PI) != 0
		if pi {
			word("pi")
		}
		if d.u8(unix.IFLA_TUN_MULTI_QUEUE) != 0 {
			word("multi_queue")
		}
		if d.u8(unix.IFLA_TUN_VNET_HDR) != 0 {
			word("vnet_hdr")
		}
		if d.u8(unix.IFLA_TUN_PERSIST) != 0 {
			word("persist")
		}
		if pi {
			// IFF_NOFILTER shares its bit with IFF_NO_PI.
			word("filter")
		}
		p.close("")
		if d.has(unix.IFLA_TUN_OWNER) && uint32(d.u32(unix.IFLA_TUN_OWNER)) != 0xffffffff {
			p.any("user", " user %d", d.u32(unix.IFLA_TUN_OWNER))
		}
		if d.has(unix.IFLA_TUN_GROUP) && uint32(d.u32(unix.IFLA_TUN_GROUP)) != 0xffffffff {
			p.any("group", " group %d", d.u32(unix.IFLA_TUN_GROUP))
		}
		p.fp("\n")
		p.close("")
	}
	return p.flush(env.Stdout)
}
