package iproute

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/rtnl"
)

// The magic numbers that start the binary dumps of "ip route save" and
// "ip rule save" (ip/iproute.c, ip/iprule.c).
const (
	routeDumpMagic = 0x45311224
	ruleDumpMagic  = 0x71706986
	addrDumpMagic  = 0x47361222
)

// isTerminal reports whether f is a terminal (isatty).
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(file.Fd()), unix.TCGETS)
	return err == nil
}

// dumpWriter writes a binary dump as save_route_prep and save_route do:
// the magic number, then each message with its netlink header.
type dumpWriter struct {
	buf bytes.Buffer
}

// newDumpWriter refuses a terminal, as save_route_prep does, and writes
// the magic number at once (before the selector is read).
func newDumpWriter(env *builtins.Env, magic uint32) (*dumpWriter, error) {
	if isTerminal(env.Stdout) {
		return nil, builtins.Fail(1, "Not sending a binary stream to stdout")
	}
	if _, err := env.Stdout.Write(binary.NativeEndian.AppendUint32(nil, magic)); err != nil {
		return nil, builtins.Fail(1, "Can't write magic to dump file")
	}
	return &dumpWriter{}, nil
}

// add appends one dumped message of type typ (payload after the header),
// with the flags of a dump answer (NLM_F_MULTI).
func (d *dumpWriter) add(typ uint16, payload []byte) {
	var h [unix.NLMSG_HDRLEN]byte
	binary.NativeEndian.PutUint32(h[0:], uint32(unix.NLMSG_HDRLEN+len(payload)))
	binary.NativeEndian.PutUint16(h[4:], typ)
	binary.NativeEndian.PutUint16(h[6:], unix.NLM_F_MULTI)
	d.buf.Write(h[:])
	d.buf.Write(payload)
}

// flush writes the dump to w.
func (d *dumpWriter) flush(w io.Writer) error {
	_, err := w.Write(d.buf.Bytes())
	return err
}

// dumpMsg is one message of a binary dump.
type dumpMsg struct {
	typ, flags uint16
	payload    []byte
}

// readDump reads a binary dump from standard input as rtnl_from_file
// does, after checking its magic number (route_dump_check_magic); what
// names the dump in the terminal message ("route", "rule").
func readDump(env *builtins.Env, magic uint32, what string) ([]dumpMsg, error) {
	// iprule_restore and ipaddr_restore exit with -1 (255);
	// iproute_restore returns -1.
	status := 1
	if what == "rule" || what == "address" {
		status = 255
	}
	if isTerminal(env.Stdin) {
		return nil, builtins.Fail(status, "Can't restore %s dump from a terminal", what)
	}
	if env.Stdin == nil {
		return nil, builtins.Fail(status, "Magic mismatch (0 elems, 0 magic)")
	}
	data, err := io.ReadAll(env.Stdin)
	if err != nil {
		return nil, fmt.Errorf("reading the dump: %w", err)
	}
	if len(data) < 4 || binary.NativeEndian.Uint32(data) != magic {
		elems, got := 0, uint32(0)
		if len(data) >= 4 {
			elems, got = 1, binary.NativeEndian.Uint32(data)
		}
		return nil, builtins.Fail(status, "Magic mismatch (%d elems, %x magic)", elems, got)
	}
	data = data[4:]
	// ipaddr_showdump and ipaddr_restore exit with rtnl_from_file's -1.
	bad := 1
	if what == "address" {
		bad = 255
	}
	var out []dumpMsg
	for len(data) > 0 {
		if len(data) < unix.NLMSG_HDRLEN {
			return nil, builtins.Fail(bad, "rtnl-from_file: truncated message")
		}
		l := int(binary.NativeEndian.Uint32(data))
		if l < unix.NLMSG_HDRLEN || l > 16384 {
			return nil, builtins.Fail(bad, "!!!malformed message: len=%d @%d", l, unix.NLMSG_HDRLEN)
		}
		al := unix.NLMSG_HDRLEN + (l-unix.NLMSG_HDRLEN+unix.NLMSG_ALIGNTO-1)&^(unix.NLMSG_ALIGNTO-1)
		if al > len(data) {
			return nil, builtins.Fail(bad, "rtnl-from_file: truncated message")
		}
		out = append(out, dumpMsg{typ: binary.NativeEndian.Uint16(data[4:]), flags: binary.NativeEndian.Uint16(data[6:]),
			payload: data[unix.NLMSG_HDRLEN:l]})
		data = data[al:]
	}
	return out, nil
}

// restoreMsg sends m back to the kernel as restore_handler does (with
// NLM_F_REQUEST|NLM_F_CREATE|NLM_F_ACK added); an existing object is not
// an error.
func restoreMsg(env *builtins.Env, g *Global, m dumpMsg, what string) error {
	req := nl.NewNetlinkRequest(int(m.typ), int(m.flags)|unix.NLM_F_CREATE|unix.NLM_F_ACK)
	req.AddRawData(m.payload)
	_, err := rawExecute(env, g.NS, req, 0)
	if errors.Is(err, unix.EEXIST) {
		// rtnl_talk prints the kernel's message before the caller
		// forgives the error.
		if rtnl.Message(err) != "" {
			fmt.Fprintln(env.Stderr, builtins.Answer(err))
		}
		return nil
	}
	if err != nil {
		return rtnlAnswer("restoring a "+what, err)
	}
	return nil
}

// routeSave is "ip route save [SELECTOR]": the routes "ip route show
// SELECTOR" would print, as a binary dump.
func routeSave(env *builtins.Env, g *Global, args []string) error {
	d, err := newDumpWriter(env, routeDumpMagic)
	if err != nil {
		return err
	}
	_, f, family, err := routeSelector(env, g, args)
	if err != nil {
		return err
	}
	msgs, err := routeDump(env, g, family)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if len(m) < unix.SizeofRtMsg {
			continue
		}
		if rm := decodeRoute(m); f.keep(&rm) {
			d.add(unix.RTM_NEWROUTE, m)
		}
	}
	return d.flush(env.Stdout)
}

// routeRestore is "ip route restore" (iproute_restore): the routes of a
// dump on standard input, in three passes: routes to local addresses,
// then to local networks, then through gateways.
func routeRestore(env *builtins.Env, g *Global) error {
	msgs, err := readDump(env, routeDumpMagic, "route")
	if err != nil {
		return err
	}
	for prio := 0; prio < 3; prio++ {
		for _, m := range msgs {
			if len(m.payload) < unix.SizeofRtMsg {
				continue
			}
			at := parseRattrs(m.payload[unix.SizeofRtMsg:])
			gw, src, dst := at.has(unix.RTA_GATEWAY), at[unix.RTA_PREFSRC], at[unix.RTA_DST]
			sameSrc := src != nil && dst != nil && bytes.Equal(src, dst)
			switch {
			case prio == 0 && !gw && (src == nil || sameSrc),
				prio == 1 && !gw && src != nil && !sameSrc,
				prio == 2 && gw:
				if err := restoreMsg(env, g, m, "route"); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// routeShowdump is "ip route showdump": the routes of a dump on standard
// input, printed as "ip route show" prints them.
func routeShowdump(env *builtins.Env, g *Global) error {
	msgs, err := readDump(env, routeDumpMagic, "route")
	if err != nil {
		return err
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	p := newPrinter(g)
	names := devNamer(h)
	for _, m := range msgs {
		if len(m.payload) >= unix.SizeofRtMsg {
			printRouteMsg(p, g, m.payload, names, nil)
		}
	}
	return p.flush(env.Stdout)
}

// ruleSave is "ip rule save": every rule of the family, as a binary
// dump.
func ruleSave(env *builtins.Env, g *Global, args []string) error {
	if len(args) > 0 {
		return builtins.Fail(1, "\"ip rule save\" does not take any arguments.")
	}
	d, err := newDumpWriter(env, ruleDumpMagic)
	if err != nil {
		return err
	}
	rules, err := ruleList(env, g)
	if err != nil {
		return err
	}
	for _, r := range rules {
		d.add(unix.RTM_NEWRULE, r.msg)
	}
	return d.flush(env.Stdout)
}

// ruleRestore is "ip rule restore": the rules of a dump on standard
// input, each added unless it exists.
func ruleRestore(env *builtins.Env, g *Global) error {
	msgs, err := readDump(env, ruleDumpMagic, "rule")
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := restoreMsg(env, g, m, "rule"); err != nil {
			return err
		}
	}
	return nil
}

// addrSave is "ip address save [SELECTOR]" (ipaddr_list_flush_or_save
// with IPADD_SAVE): every address of the family, of the device if one is
// named (the kernel's filter, the only one applied), as a binary dump.
func addrSave(env *builtins.Env, g *Global, args []string) error {
	f, err := parseShowFilter(args)
	if err != nil {
		return err
	}
	index := 0
	if f.dev != "" {
		links, err := rawLinks(env, g.NS)
		if err != nil {
			return err
		}
		if index = indexOfName(links, f.dev); index == 0 {
			return builtins.Fail(1, "Device %q does not exist.", f.dev)
		}
	}
	d, err := newDumpWriter(env, addrDumpMagic)
	if err != nil {
		return err
	}
	family := g.Family
	if family != unix.AF_INET && family != unix.AF_INET6 {
		family = unix.AF_UNSPEC
	}
	req := nl.NewNetlinkRequest(unix.RTM_GETADDR, unix.NLM_F_DUMP)
	msg := nl.NewIfAddrmsg(family)
	msg.Index = uint32(index)
	req.AddData(msg)
	msgs, err := rawExecute(env, g.NS, req, unix.RTM_NEWADDR)
	if err != nil {
		return builtins.Rtnl(err)
	}
	for _, m := range msgs {
		if len(m) < unix.SizeofIfAddrmsg || (index != 0 && int(binary.NativeEndian.Uint32(m[4:8])) != index) {
			continue
		}
		d.add(unix.RTM_NEWADDR, m)
	}
	return d.flush(env.Stdout)
}

// addrShowdump is "ip address showdump": the addresses of a dump on
// standard input, each as "ifINDEX:" and print_addrinfo's lines.
func addrShowdump(env *builtins.Env, g *Global) error {
	msgs, err := readDump(env, addrDumpMagic, "address")
	if err != nil {
		return err
	}
	h, err := env.Handle(g.NS)
	if err != nil {
		return err
	}
	names := devNamer(h)
	p := newPrinter(g)
	// print_addrinfo's "INDEX: NAME" of -oneline is the listing's
	// (filter.oneline), which showdump does not set.
	noOneline := *g
	noOneline.Oneline = false
	p.openObject("")
	p.openArray("addr_info", "")
	for _, m := range msgs {
		ad, index, metric := addrOfMsg(m.payload)
		if index == 0 {
			continue
		}
		p.openObject("")
		p.any("index", "if%d:", index)
		p.nl()
		printAddrInfo(p, &noOneline, index, names(index), &ad, metric)
		p.close("")
	}
	p.close("")
	p.close("")
	return p.flush(env.Stdout)
}

// addrRestore is "ip address restore": the addresses of a dump on
// standard input, each added unless it exists.
func addrRestore(env *builtins.Env, g *Global) error {
	msgs, err := readDump(env, addrDumpMagic, "address")
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := restoreMsg(env, g, m, "address"); err != nil {
			return err
		}
	}
	return nil
}
