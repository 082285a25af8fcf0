package iproute

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// Lightweight tunnel encapsulations of routes (linux/lwtunnel.h,
// linux/mpls_iptunnel.h), as ip/iproute_lwtunnel.c reads and prints them.
const (
	encapMPLS      = 1
	encapIP        = 2
	encapILA       = 3
	encapIP6       = 4
	encapSeg6      = 5
	encapBPF       = 6
	encapSeg6Local = 7
	encapRPL       = 8
	encapIOAM6     = 9
	encapXFRM      = 10

	lwtIPID    = 1
	lwtIPDst   = 2
	lwtIPSrc   = 3
	lwtIPTTL   = 4 // LWTUNNEL_IP6_HOPLIMIT for ip6
	lwtIPTOS   = 5 // LWTUNNEL_IP6_TC for ip6
	lwtIPFlags = 6
	lwtIPOpts  = 8

	lwtOptsGeneve = 1
	lwtOptsVxlan  = 2
	lwtOptsErspan = 3

	mplsIPTunnelDst = 1
	mplsIPTunnelTTL = 2

	lwtXfrmIfID = 1
	lwtXfrmLink = 2

	// TUNNEL_CSUM, TUNNEL_KEY and TUNNEL_SEQ are big-endian 16-bit
	// flags (linux/if_tunnel.h).
	tunnelCsum = 0x01
	tunnelKey  = 0x04
	tunnelSeq  = 0x08
)

// encapNames are format_encap_type's names, by LWTUNNEL_ENCAP_* value.
var encapNames = [...]string{"unknown", "mpls", "ip", "ila", "ip6", "seg6", "bpf", "seg6local", "rpl", "ioam6", "xfrm"}

// encapName is format_encap_type.
func encapName(t int) string {
	if t > 0 && t < len(encapNames) {
		return encapNames[t]
	}
	return "unknown"
}

// encapReq is a parsed "encap TYPE OPTIONS": the nested RTA_ENCAP's
// attributes and the type. Types nsh has no parser for carry only the
// type (unparsed): the kernel is asked whether it has them at all.
type encapReq struct {
	typ      uint16
	attrs    []*nl.RtAttr
	linkDev  string // xfrm's "link_dev", resolved when the request is sent
	unparsed bool
}

// errEncapEOL is lwt_parse_encap's complaint about options that end the
// line.
var errEncapEOL = builtins.Fail(255, "Error: unexpected end of line after \"encap\"")

// parseEncap is lwt_parse_encap: a has just read "encap". The words of
// the encapsulation are consumed; the route's words after them are left.
func parseEncap(a *builtins.Args) (*encapReq, error) {
	w, err := a.Need("encap")
	if err != nil {
		return nil, err
	}
	t := 0
	for i, n := range encapNames {
		if i > 0 && n == w {
			t = i
		}
	}
	if w == "help" {
		var b strings.Builder
		b.WriteString("Usage: ip route ... encap TYPE [ OPTIONS ] [...]\n")
		for i := 1; i < len(encapNames); i++ {
			lead := "      "
			if i == 1 {
				lead = "TYPE := "
			}
			fmt.Fprintf(&b, "%s %s\n", encapNames[i], lead)
		}
		return nil, builtins.Fail(255, "%s", strings.TrimSuffix(b.String(), "\n"))
	}
	if t == 0 {
		return nil, invarg("\"encap type\" value is invalid\n", w)
	}
	// NEXT_ARG, then "argc <= 1": the options may not be the line's last
	// word.
	if _, err := a.Need(w); err != nil {
		return nil, err
	}
	if !a.More() {
		return nil, errEncapEOL
	}
	a.Back()
	e := &encapReq{typ: uint16(t)}
	switch t {
	case encapMPLS:
		err = e.parseMPLS(a)
	case encapIP, encapIP6:
		err = e.parseIP(a, t == encapIP6)
	case encapXFRM:
		err = e.parseXfrm(a)
	default:
		e.unparsed = true
		for a.More() { // the rest is this type's, unread
			a.Next()
		}
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// parseMPLS is parse_encap_mpls: the labels, then "ttl".
func (e *encapReq) parseMPLS(a *builtins.Args) error {
	w, _ := a.Next()
	labels, ok := mplsLabels(w)
	if !ok {
		return builtins.Fail(1, "Error: mpls address is expected rather than %q.", w)
	}
	e.attrs = append(e.attrs, nl.NewRtAttr(mplsIPTunnelDst, labels))
	ttl := false
	for a.More() {
		if a.Peek() != "ttl" {
			break
		}
		a.Next()
		v, err := a.Need("ttl")
		if err != nil {
			return err
		}
		if ttl {
			return duparg2("ttl", v)
		}
		ttl = true
		n, ok := builtins.GetUint(v, 0, 255)
		if !ok {
			return invarg("\"ttl\" value is invalid\n", v)
		}
		e.attrs = append(e.attrs, nl.NewRtAttr(mplsIPTunnelTTL, []byte{uint8(n)}))
	}
	return nil
}

// mplsLabels is mpls_pton: LABEL[/LABEL...] as a label stack entry
// each, bottom of stack marked on the last.
func mplsLabels(s string) ([]byte, bool) {
	parts := strings.Split(s, "/")
	var b []byte
	for i, p := range parts {
		v, ok := builtins.GetUint(p, 0, 1<<20-1)
		if !ok {
			return nil, false
		}
		entry := uint32(v) << 12
		if i == len(parts)-1 {
			entry |= 1 << 8
		}
		b = binary.BigEndian.AppendUint32(b, entry)
	}
	return b, true
}

// parseIP is parse_encap_ip and parse_encap_ip6: keywords compared
// whole, each once, up to the first word that is none of them.
func (e *encapReq) parseIP(a *builtins.Args, six bool) error {
	family, ttlWord, tosWord := afInet, "ttl", "tos"
	if six {
		family, ttlWord, tosWord = afInet6, "hoplimit", "tc"
	}
	seen := map[string]bool{}
	once := func(key, v string) error {
		if seen[key] {
			return duparg2(key, v)
		}
		seen[key] = true
		return nil
	}
	var flags uint16
	for a.More() {
		w := a.Peek()
		switch w {
		case "id", "dst", "src", ttlWord, tosWord, "geneve_opts", "vxlan_opts", "erspan_opts":
			a.Next()
			if strings.HasSuffix(w, "_opts") {
				// The options' duplicate is caught before their value.
				if err := once("opts", w); err != nil {
					return err
				}
			}
			v, err := a.Need(w)
			if err != nil {
				return err
			}
			if !strings.HasSuffix(w, "_opts") {
				if err := once(w, v); err != nil {
					return err
				}
			}
			if err := e.ipOption(w, v, family, ttlWord, tosWord); err != nil {
				return err
			}
		case "key", "csum", "seq":
			a.Next()
			if err := once(w, w); err != nil {
				return err
			}
			flags |= map[string]uint16{"key": tunnelKey, "csum": tunnelCsum, "seq": tunnelSeq}[w]
		default:
			return e.ipFlags(flags)
		}
	}
	return e.ipFlags(flags)
}

// ipFlags adds LWTUNNEL_IP_FLAGS when a flag was given.
func (e *encapReq) ipFlags(flags uint16) error {
	if flags != 0 {
		e.attrs = append(e.attrs, nl.NewRtAttr(lwtIPFlags, binary.BigEndian.AppendUint16(nil, flags)))
	}
	return nil
}

// ipOption reads the value v of option w of an ip or ip6 encapsulation.
func (e *encapReq) ipOption(w, v string, family int, ttlWord, tosWord string) error {
	bad := func() error { return invarg(fmt.Sprintf("%q value is invalid\n", w), v) }
	switch w {
	case "id":
		n, _, ok := builtins.Strtoul(v, 0)
		if !ok {
			return bad()
		}
		e.attrs = append(e.attrs, nl.NewRtAttr(lwtIPID, binary.BigEndian.AppendUint64(nil, n)))
	case "dst", "src":
		ip, _, err := addrOf(v, family)
		if err != nil {
			return err
		}
		t := lwtIPDst
		if w == "src" {
			t = lwtIPSrc
		}
		if family == afInet {
			ip = ip.To4()
		}
		e.attrs = append(e.attrs, nl.NewRtAttr(t, ip))
	case ttlWord:
		n, ok := builtins.GetUint(v, 0, 255)
		if !ok {
			return bad()
		}
		e.attrs = append(e.attrs, nl.NewRtAttr(lwtIPTTL, []byte{uint8(n)}))
	case tosWord:
		n, ok := dsfieldA2N(v)
		if !ok {
			return bad()
		}
		e.attrs = append(e.attrs, nl.NewRtAttr(lwtIPTOS, []byte{uint8(n)}))
	default: // geneve_opts, vxlan_opts, erspan_opts
		opts, err := lwtOpts(w, v)
		if err != nil {
			return bad()
		}
		e.attrs = append(e.attrs, opts)
	}
	return nil
}

// lwtOpts is LWTUNNEL_IP_OPTS of lwtunnel_parse_{geneve,vxlan,erspan}_opts:
// geneve's "CLASS:TYPE:DATA[,CLASS:TYPE:DATA...]", vxlan's "GBP" and
// erspan's "VER:INDEX:DIR:HWID" (empty fields left out).
func lwtOpts(w, v string) (*nl.RtAttr, error) {
	opts := nl.NewRtAttr(lwtIPOpts|unix.NLA_F_NESTED, nil)
	fail := errors.New("invalid")
	switch w {
	case "vxlan_opts":
		n, ok := builtins.GetUint(v, 0, 1<<32-1)
		if !ok {
			return nil, fail
		}
		vx := opts.AddRtAttr(lwtOptsVxlan|unix.NLA_F_NESTED, nil)
		vx.AddRtAttr(1, binary.NativeEndian.AppendUint32(nil, uint32(n)))
	case "geneve_opts":
		for _, opt := range strings.Split(v, ",") {
			gen := opts.AddRtAttr(lwtOptsGeneve|unix.NLA_F_NESTED, nil)
			for i, f := range strings.Split(opt, ":") {
				if f == "" && i < 3 {
					continue
				}
				switch i {
				case 0:
					n, ok := builtins.GetUint(f, 0, 1<<16-1)
					if !ok {
						return nil, fail
					}
					gen.AddRtAttr(1, binary.BigEndian.AppendUint16(nil, uint16(n)))
				case 1:
					n, ok := builtins.GetUint(f, 0, 255)
					if !ok {
						return nil, fail
					}
					gen.AddRtAttr(2, []byte{uint8(n)})
				case 2:
					b, err := hex.DecodeString(f[:len(f)/2*2])
					if err != nil {
						return nil, fail
					}
					gen.AddRtAttr(3, b)
				default:
					return nil, fail
				}
			}
		}
	case "erspan_opts":
		er := opts.AddRtAttr(lwtOptsErspan|unix.NLA_F_NESTED, nil)
		for i, f := range strings.Split(v, ":") {
			if i > 3 {
				return nil, fail
			}
			if f == "" {
				continue
			}
			max := uint64(255)
			if i == 1 {
				max = 1<<32 - 1
			}
			n, ok := builtins.GetUint(f, 0, max)
			if !ok {
				return nil, fail
			}
			if i == 1 {
				er.AddRtAttr(2, binary.BigEndian.AppendUint32(nil, uint32(n)))
			} else {
				er.AddRtAttr(i+1, []byte{uint8(n)})
			}
		}
	}
	return opts, nil
}

// parseXfrm is parse_encap_xfrm: "if_id" (required, not 0) and
// "link_dev".
func (e *encapReq) parseXfrm(a *builtins.Args) error {
	usage := builtins.Fail(255, "Usage: ip route ... encap xfrm if_id IF_ID [ link_dev LINK ]")
	ifID := false
	for a.More() {
		w := a.Peek()
		switch w {
		case "if_id":
			a.Next()
			v, err := a.Need(w)
			if err != nil {
				return err
			}
			if ifID {
				return duparg2(w, v)
			}
			ifID = true
			n, ok := builtins.GetUint(v, 0, 1<<32-1)
			if !ok || n == 0 {
				return invarg("\"if_id\" value is invalid\n", v)
			}
			e.attrs = append(e.attrs, nl.NewRtAttr(lwtXfrmIfID, binary.NativeEndian.AppendUint32(nil, uint32(n))))
		case "link_dev":
			a.Next()
			v, err := a.Need(w)
			if err != nil {
				return err
			}
			if e.linkDev != "" {
				return duparg2(w, v)
			}
			e.linkDev = v
		case "help":
			return usage
		default:
			if !ifID {
				return usage
			}
			return nil
		}
	}
	if !ifID {
		return usage
	}
	return nil
}

// attributes returns RTA_ENCAP and RTA_ENCAP_TYPE for the request, with
// xfrm's link_dev resolved by index.
func (e *encapReq) attributes(index func(string) (int, error)) ([]*nl.RtAttr, error) {
	nest := nl.NewRtAttr(unix.RTA_ENCAP|unix.NLA_F_NESTED, nil)
	for _, at := range e.attrs {
		nest.AddChild(at)
	}
	if e.linkDev != "" {
		i, err := index(e.linkDev)
		if err != nil {
			return nil, err
		}
		nest.AddRtAttr(lwtXfrmLink, binary.NativeEndian.AppendUint32(nil, uint32(i)))
	}
	return []*nl.RtAttr{nest, nl.NewRtAttr(unix.RTA_ENCAP_TYPE, binary.NativeEndian.AppendUint16(nil, e.typ))}, nil
}

// checkUnparsed asks the kernel whether it has encapsulation e.typ, for
// a type whose options nsh does not read: a route request the kernel
// must refuse whatever it has (an IPv4 prefix length of 33), carrying
// only the type, which the kernel checks first. A kernel without the
// type answers as it answers ip ("lwt encapsulation type not
// supported"); with it, nsh says it does not read the type's options.
func (e *encapReq) checkUnparsed(env *builtins.Env, g *Global) error {
	req := nl.NewNetlinkRequest(unix.RTM_NEWROUTE, unix.NLM_F_ACK)
	msg := &nl.RtMsg{}
	msg.Family = unix.AF_INET
	msg.Dst_len = 33
	msg.Table = unix.RT_TABLE_MAIN
	msg.Type = unix.RTN_UNICAST
	req.AddData(msg)
	req.AddData(nl.NewRtAttr(unix.RTA_ENCAP_TYPE, binary.NativeEndian.AppendUint16(nil, e.typ)))
	_, err := rawExecute(env, g.NS, req, 0)
	if errors.Is(err, unix.EOPNOTSUPP) {
		return builtins.Rtnl(err)
	}
	var errno unix.Errno
	if err != nil && !errors.As(err, &errno) {
		return err // no answer from the kernel
	}
	return builtins.NotImplemented("ip route ... encap %s: not supported by nsh yet", encapName(int(e.typ)))
}

// printEncap is lwt_print_encap: " encap TYPE " and the options of the
// types nsh reads.
func printEncap(p *printer, typ []byte, encap []byte, devName func(int) string) {
	if len(typ) < 2 {
		return
	}
	t := int(binary.NativeEndian.Uint16(typ))
	p.any("encap", " encap %s ", encapName(t))
	at := parseRattrs(encap)
	switch t {
	case encapMPLS:
		if v, ok := at[mplsIPTunnelDst]; ok {
			p.any("dst", " %s ", formatMPLS(v))
		}
		if at.has(mplsIPTunnelTTL) {
			p.any("ttl", "ttl %d ", at.u8(mplsIPTunnelTTL))
		}
	case encapIP, encapIP6:
		fam, ttl, tos := afInet, "ttl", "tos"
		if t == encapIP6 {
			fam, ttl, tos = afInet6, "hoplimit", "tc"
		}
		if v, ok := at[lwtIPID]; ok && len(v) == 8 {
			p.any("id", "id %d ", binary.BigEndian.Uint64(v))
		}
		if v, ok := at[lwtIPSrc]; ok {
			p.colorAny(familyColor(fam), "src", "src %s ", builtins.FormatIP(net.IP(v)))
		}
		if v, ok := at[lwtIPDst]; ok {
			p.colorAny(familyColor(fam), "dst", "dst %s ", builtins.FormatIP(net.IP(v)))
		}
		if at.has(lwtIPTTL) {
			p.any(ttl, ttl+" %d ", at.u8(lwtIPTTL))
		}
		if at.has(lwtIPTOS) {
			p.any(tos, tos+" %d ", at.u8(lwtIPTOS))
		}
		if at.has(lwtIPFlags) {
			flags := uint16(at.be16(lwtIPFlags))
			for _, f := range []struct {
				bit  uint16
				name string
			}{{tunnelKey, "key"}, {tunnelCsum, "csum"}, {tunnelSeq, "seq"}} {
				if flags&f.bit != 0 {
					p.js(f.name, true)
					p.fp("%s ", f.name)
				}
			}
		}
		if v, ok := at[lwtIPOpts]; ok {
			printTunnelOpts(p, parseRattrs(v))
		}
	case encapXFRM:
		if at.has(lwtXfrmIfID) {
			p.any("if_id", "if_id %d ", at.u32(lwtXfrmIfID))
		}
		if at.has(lwtXfrmLink) {
			p.any("link_dev", "link_dev %s ", devName(int(at.u32(lwtXfrmLink))))
		}
	}
}

// formatMPLS is format_host_rta for AF_MPLS: the labels, "/"-separated.
func formatMPLS(b []byte) string {
	var parts []string
	for len(b) >= 4 {
		e := binary.BigEndian.Uint32(b)
		parts = append(parts, fmt.Sprint(e>>12))
		b = b[4:]
		if e&(1<<8) != 0 {
			break
		}
	}
	return strings.Join(parts, "/")
}

// printTunnelOpts is lwtunnel_print_opts: the geneve, vxlan or erspan
// options, on a line of their own.
func printTunnelOpts(p *printer, opts rattrs) {
	switch {
	case opts.has(lwtOptsGeneve):
		p.nl()
		p.fp("\t%s ", "geneve_opts")
		p.openArray("geneve_opts", "")
		// The options come as one run of attributes, a CLASS, TYPE,
		// DATA triple each.
		b := opts[lwtOptsGeneve]
		var triples []rattrs
		cur := rattrs{}
		_ = eachAttr(b, func(t uint16, v []byte) {
			if _, dup := cur[t]; dup {
				triples = append(triples, cur)
				cur = rattrs{}
			}
			cur[t] = v
		})
		triples = append(triples, cur)
		for i, o := range triples {
			p.openObject("")
			p.any("class", "%d", o.be16(1))
			p.any("type", ":%d", o.u8(2))
			end := " "
			if i < len(triples)-1 {
				end = ","
			}
			p.any("data", ":%s"+end, hex.EncodeToString(o[3]))
			p.close("")
		}
		p.close("")
	case opts.has(lwtOptsVxlan):
		vx := parseRattrs(opts[lwtOptsVxlan])
		p.nl()
		p.fp("\t%s ", "vxlan_opts")
		p.openArray("vxlan_opts", "")
		p.openObject("")
		p.any("gbp", "%d ", vx.u32(1))
		p.close("")
		p.close("")
	case opts.has(lwtOptsErspan):
		er := parseRattrs(opts[lwtOptsErspan])
		ver := er.u8(1)
		var idx, dir, hwid uint64
		if ver == 1 {
			if v, ok := er[2]; ok && len(v) == 4 {
				idx = uint64(binary.BigEndian.Uint32(v))
			}
		} else {
			dir, hwid = er.u8(3), er.u8(4)
		}
		p.nl()
		p.fp("\t%s ", "erspan_opts")
		p.openArray("erspan_opts", "")
		p.openObject("")
		p.any("ver", "%d", ver)
		p.any("index", ":%d", idx)
		p.any("dir", ":%d", dir)
		p.any("hwid", ":%d ", hwid)
		p.close("")
		p.close("")
	}
}
