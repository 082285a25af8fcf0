package ping

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/netip"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/ns"
)

// Socket option numbers that x/sys/unix does not name for every field.
const (
	soEEOriginLocal = 1
	soEEOriginICMP  = 2
	soEEOriginICMP6 = 3
	icmpFilter      = 1 // ICMP_FILTER at level SOL_RAW
)

// pinger is one run of ping: its socket, opened in the command's
// namespace, and iputils' counters.
type pinger struct {
	env      *builtins.Env
	o        *options
	dst      netip.Addr
	v6       bool
	fd       int
	raw      bool
	ident    uint16
	hostname string
	source   netip.Addr
	scope    uint32
	timing   bool
	st       stats
	data     []byte // the probe's payload after the 8-byte ICMP header
}

// newPinger resolves the target and opens the ICMP socket inside env.NS.
func newPinger(env *builtins.Env, o *options) (*pinger, error) {
	dst, err := resolve(o)
	if err != nil {
		return nil, err
	}
	p := &pinger{env: env, o: o, dst: dst.WithZone(""), v6: !dst.Is4(), fd: -1,
		hostname: o.target, timing: o.size >= 16, source: o.source}
	p.st.tmin = math.MaxInt64
	if dst.Zone() != "" && o.iface == "" {
		o.iface = dst.Zone()
	}
	if p.v6 && p.source.IsValid() && p.source.Is4() || !p.v6 && p.source.IsValid() && !p.source.Is4() {
		return nil, fail(2, "ping: invalid source address: %s", p.source)
	}
	p.data = make([]byte, o.size)
	for i := range p.data {
		p.data[i] = byte(i)
	}
	// The socket is created by a thread inside the namespace and keeps
	// that namespace; everything after runs on any goroutine.
	if err := env.Host.Do(env.NS, p.open); err != nil {
		if p.fd >= 0 {
			unix.Close(p.fd)
			p.fd = -1
		}
		var ee *exitErr
		if errors.As(err, &ee) {
			return nil, err
		}
		return nil, fmt.Errorf("ping: opening the ICMP socket in %s: %w", env.NS.Describe(), err)
	}
	return p, nil
}

func (p *pinger) close() {
	if p.fd >= 0 {
		unix.Close(p.fd)
		p.fd = -1
	}
}

func (p *pinger) family() int {
	if p.v6 {
		return unix.AF_INET6
	}
	return unix.AF_INET
}

func (p *pinger) sockaddr(a netip.Addr, port int) unix.Sockaddr {
	if p.v6 {
		return &unix.SockaddrInet6{Addr: a.As16(), Port: port, ZoneId: p.scope}
	}
	return &unix.SockaddrInet4{Addr: a.As4(), Port: port}
}

// open runs on a thread switched into the namespace: it creates the
// socket (an unprivileged ICMP socket, or a raw one when
// net.ipv4.ping_group_range forbids it, as iputils' create_socket does),
// finds the source address with a connected UDP probe, and sets the
// options iputils sets.
func (p *pinger) open() error {
	proto := unix.IPPROTO_ICMP
	if p.v6 {
		proto = unix.IPPROTO_ICMPV6
	}
	fd, err := unix.Socket(p.family(), unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, proto)
	if err != nil && (errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPROTONOSUPPORT) || errors.Is(err, unix.EAFNOSUPPORT)) {
		fd, err = unix.Socket(p.family(), unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
		p.raw = true
	}
	if err != nil {
		return fail(2, "ping: socket: %v", ns.Strerror(err))
	}
	p.fd = fd
	if p.raw {
		p.ident = uint16(rand.Uint32())
	}

	if p.o.iface != "" {
		ifr, err := unix.NewIfreq(p.o.iface)
		if err == nil {
			err = unix.IoctlIfreq(fd, unix.SIOCGIFINDEX, ifr)
		}
		if err != nil {
			return fail(2, "ping: SO_BINDTODEVICE %s: %v", p.o.iface, ns.Strerror(unix.ENODEV))
		}
		if p.v6 && p.dst.IsLinkLocalUnicast() {
			p.scope = ifr.Uint32()
		}
	}
	if !p.source.IsValid() {
		probe, err := unix.Socket(p.family(), unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fail(2, "ping: socket: %v", ns.Strerror(err))
		}
		defer unix.Close(probe)
		if p.o.iface != "" {
			if err := unix.SetsockoptString(probe, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, p.o.iface); err != nil {
				return fail(2, "ping: SO_BINDTODEVICE %s: %v", p.o.iface, ns.Strerror(err))
			}
		}
		if err := unix.Connect(probe, p.sockaddr(p.dst, 1025)); err != nil {
			if errors.Is(err, unix.EACCES) {
				return fail(2, "ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules")
			}
			return fail(2, "ping: connect: %v", ns.Strerror(err))
		}
		sa, err := unix.Getsockname(probe)
		if err != nil {
			return fail(2, "ping: getsockname: %v", ns.Strerror(err))
		}
		switch sa := sa.(type) {
		case *unix.SockaddrInet4:
			p.source = netip.AddrFrom4(sa.Addr)
		case *unix.SockaddrInet6:
			p.source = netip.AddrFrom16(sa.Addr)
		}
	} else if err := unix.Bind(fd, p.sockaddr(p.source, 0)); err != nil {
		return fail(2, "ping: bind: %v", ns.Strerror(err))
	}
	if p.o.iface != "" {
		if err := unix.SetsockoptString(fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, p.o.iface); err != nil {
			return fail(2, "ping: SO_BINDTODEVICE %s: %v", p.o.iface, ns.Strerror(err))
		}
	}

	if p.v6 {
		if p.raw {
			var f unix.ICMPv6Filter
			for i := range f.Data {
				f.Data[i] = 0xffffffff
			}
			for _, t := range []int{129, 1, 2, 3, 4} {
				f.Data[t>>5] &^= 1 << (uint(t) & 31)
			}
			unix.SetsockoptICMPv6Filter(fd, unix.SOL_ICMPV6, unix.ICMPV6_FILTER, &f)
		}
		unix.SetsockoptInt(fd, unix.SOL_IPV6, unix.IPV6_RECVERR, 1)
		unix.SetsockoptInt(fd, unix.SOL_IPV6, unix.IPV6_RECVHOPLIMIT, 1)
		if p.o.ttl >= 0 {
			unix.SetsockoptInt(fd, unix.SOL_IPV6, unix.IPV6_UNICAST_HOPS, p.o.ttl)
			unix.SetsockoptInt(fd, unix.SOL_IPV6, unix.IPV6_MULTICAST_HOPS, p.o.ttl)
		}
	} else {
		if p.raw {
			mask := ^uint32(1<<4 | 1<<3 | 1<<11 | 1<<12 | 1<<5 | 1<<0)
			var b [4]byte
			binary.NativeEndian.PutUint32(b[:], mask)
			unix.SetsockoptString(fd, unix.SOL_RAW, icmpFilter, string(b[:]))
		} else {
			unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_RECVTTL, 1)
		}
		unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_RECVERR, 1)
		if p.o.ttl >= 0 {
			unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_TTL, p.o.ttl)
			unix.SetsockoptInt(fd, unix.SOL_IP, unix.IP_MULTICAST_TTL, p.o.ttl)
		}
	}
	return unix.SetNonblock(fd, true)
}

// header is the first line, as ping4_run and ping6_run print it.
func (p *pinger) header() string {
	var b strings.Builder
	if p.v6 {
		// ping6_run prints the destination through pr_addr.
		fmt.Fprintf(&b, "PING %s(%s) ", p.hostname, p.prAddr(p.dst.String()))
	} else {
		fmt.Fprintf(&b, "PING %s (%s) ", p.hostname, p.dst)
	}
	if p.o.iface != "" || p.o.source.IsValid() {
		fmt.Fprintf(&b, "from %s %s: ", p.source, p.o.iface)
	}
	if p.v6 {
		fmt.Fprintf(&b, "%d data bytes\n", p.o.size)
	} else {
		fmt.Fprintf(&b, "%d(%d) bytes of data.\n", p.o.size, p.o.size+8+20)
	}
	return b.String()
}

// flood writes the marks of -f (write_stdout in iputils): "." for a
// probe, "\b \b" for its reply, "\bE" or "E" for an error, with no
// timestamp.
func (p *pinger) flood(marks string) { io.WriteString(p.env.Stdout, marks) }

func (p *pinger) print(s string) {
	if p.o.stamp {
		now := time.Now()
		s = fmt.Sprintf("[%d.%06d] ", now.Unix(), now.Nanosecond()/1000) + s
	}
	fmt.Fprint(p.env.Stdout, s)
}

// send transmits probe number ntransmitted+1 (ping4_send_probe).
func (p *pinger) send() {
	s := &p.st
	seq := uint16(s.ntransmitted + 1)
	pkt := make([]byte, 8+len(p.data))
	if p.v6 {
		pkt[0] = 128
	} else {
		pkt[0] = 8
	}
	binary.BigEndian.PutUint16(pkt[4:], p.ident)
	binary.BigEndian.PutUint16(pkt[6:], seq)
	copy(pkt[8:], p.data)
	if p.timing {
		now := time.Now()
		binary.NativeEndian.PutUint64(pkt[8:], uint64(now.Unix()))
		binary.NativeEndian.PutUint64(pkt[16:], uint64(now.Nanosecond()/1000))
	}
	if !p.v6 {
		binary.BigEndian.PutUint16(pkt[2:], checksum(pkt))
	}
	s.rcvdClear(seq)
	for {
		err := unix.Sendto(p.fd, pkt, 0, p.sockaddr(p.dst, 0))
		if err == nil {
			s.ntransmitted++
			if p.o.flood && !p.o.quiet {
				p.flood(".")
			}
			return
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.ENOBUFS) || errors.Is(err, unix.ENOMEM) {
			// Not sent: try again at the next interval, as iputils does
			// when the device queue is full.
			return
		}
		// A hard local error: pretend the probe went out.
		net := p.receiveErrors()
		s.ntransmitted++
		switch {
		case net > 0 || p.o.quiet:
		case p.o.flood:
			p.flood("E")
		default:
			fmt.Fprintf(p.env.Stderr, "ping: sendmsg: %v\n", ns.Strerror(err))
		}
		return
	}
}

// receiveErrors reads the socket's error queue (IP_RECVERR) and prints
// each ICMP error about one of our probes (ping4_receive_error_msg). It
// returns how many such network errors it found.
func (p *pinger) receiveErrors() int {
	found := 0
	buf := make([]byte, 512)
	oob := make([]byte, 512)
	for {
		n, oobn, _, from, err := unix.Recvmsg(p.fd, buf, oob, unix.MSG_ERRQUEUE|unix.MSG_DONTWAIT)
		if err != nil {
			return found
		}
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err != nil {
			continue
		}
		for _, m := range msgs {
			isErr := (m.Header.Level == unix.SOL_IP && m.Header.Type == unix.IP_RECVERR) ||
				(m.Header.Level == unix.SOL_IPV6 && m.Header.Type == unix.IPV6_RECVERR)
			if !isErr || len(m.Data) < 16 {
				continue
			}
			eeErrno := binary.NativeEndian.Uint32(m.Data[0:])
			origin, typ, code := m.Data[4], m.Data[5], m.Data[6]
			info := binary.NativeEndian.Uint32(m.Data[8:])
			switch origin {
			case soEEOriginLocal:
				p.st.nerrors++
				if p.o.quiet {
					continue
				}
				if p.o.flood {
					p.flood("E")
					continue
				}
				if unix.Errno(eeErrno) == unix.EMSGSIZE {
					fmt.Fprintf(p.env.Stderr, "ping: local error: message too long, mtu=%d\n", info)
				} else {
					fmt.Fprintf(p.env.Stderr, "ping: local error: %v\n", ns.Strerror(unix.Errno(eeErrno)))
				}
			case soEEOriginICMP, soEEOriginICMP6:
				if n < 8 || !p.sameTarget(from) {
					continue
				}
				want := byte(8)
				if p.v6 {
					want = 128
				}
				if buf[0] != want || (p.raw && binary.BigEndian.Uint16(buf[4:]) != p.ident) {
					continue
				}
				seq := binary.BigEndian.Uint16(buf[6:])
				p.st.acknowledge(seq)
				p.st.nerrors++
				found++
				if p.o.quiet {
					continue
				}
				if p.o.flood {
					p.flood("\bE")
					continue
				}
				off := offender(m.Data[16:])
				p.print(fmt.Sprintf("From %s icmp_seq=%d %s\n", off, seq, p.describe(typ, code, info)))
			}
		}
	}
}

func (p *pinger) sameTarget(sa unix.Sockaddr) bool {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrFrom4(sa.Addr) == p.dst
	case *unix.SockaddrInet6:
		return netip.AddrFrom16(sa.Addr) == p.dst
	}
	return true
}

// offender decodes the sockaddr that follows a sock_extended_err.
func offender(b []byte) string {
	if len(b) >= 8 && binary.NativeEndian.Uint16(b) == unix.AF_INET {
		return netip.AddrFrom4([4]byte(b[4:8])).String()
	}
	if len(b) >= 24 && binary.NativeEndian.Uint16(b) == unix.AF_INET6 {
		return netip.AddrFrom16([16]byte(b[8:24])).String()
	}
	return "?"
}

// describe is iputils' pr_icmph for an ICMP (or ICMPv6) error.
func (p *pinger) describe(typ, code byte, info uint32) string {
	if p.v6 {
		switch typ {
		case 1:
			s := "Destination unreachable: "
			switch code {
			case 0:
				return s + "No route"
			case 1:
				return s + "Administratively prohibited"
			case 2:
				return s + "Beyond scope of source address"
			case 3:
				return s + "Address unreachable"
			case 4:
				return s + "Port unreachable"
			}
			return fmt.Sprintf("%sUnknown code %d", s, code)
		case 2:
			return fmt.Sprintf("Packet too big: mtu=%d", info)
		case 3:
			switch code {
			case 0:
				return "Time exceeded: Hop limit"
			case 1:
				return "Time exceeded: Defragmentation failure"
			}
			return fmt.Sprintf("Time exceeded: code %d", code)
		case 4:
			return fmt.Sprintf("Parameter problem: code %d at %d", code, info)
		}
		return fmt.Sprintf("Unknown icmp type: %d", typ)
	}
	switch typ {
	case 3:
		texts := []string{"Destination Net Unreachable", "Destination Host Unreachable",
			"Destination Protocol Unreachable", "Destination Port Unreachable", "",
			"Source Route Failed", "Destination Net Unknown", "Destination Host Unknown",
			"Source Host Isolated", "Destination Net Prohibited", "Destination Host Prohibited",
			"Destination Net Unreachable for Type of Service", "Destination Host Unreachable for Type of Service",
			"Packet filtered", "Precedence Violation", "Precedence Cutoff"}
		if code == 4 {
			return fmt.Sprintf("Frag needed and DF set (mtu = %d)", info)
		}
		if int(code) < len(texts) {
			return texts[code]
		}
		return fmt.Sprintf("Dest Unreachable, Bad Code: %d", code)
	case 4:
		return "Source Quench"
	case 11:
		switch code {
		case 0:
			return "Time to live exceeded"
		case 1:
			return "Frag reassembly time exceeded"
		}
		return fmt.Sprintf("Time exceeded, Bad Code: %d", code)
	case 12:
		return fmt.Sprintf("Parameter problem: pointer = %d", info>>24)
	}
	return fmt.Sprintf("Bad ICMP type: %d", typ)
}

// receive reads every queued reply (ping4_parse_reply, ping6_parse_reply).
func (p *pinger) receive() {
	buf := make([]byte, p.o.size+8+60+76+40)
	oob := make([]byte, 256)
	for {
		n, oobn, _, from, err := unix.Recvmsg(p.fd, buf, oob, unix.MSG_DONTWAIT)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if !errors.Is(err, unix.EAGAIN) {
				p.receiveErrors()
			}
			return
		}
		now := time.Now()
		ttl := -1
		if msgs, err := unix.ParseSocketControlMessage(oob[:oobn]); err == nil {
			for _, m := range msgs {
				if len(m.Data) < 1 {
					continue
				}
				if (m.Header.Level == unix.SOL_IP && m.Header.Type == unix.IP_TTL) ||
					(m.Header.Level == unix.SOL_IPV6 && m.Header.Type == unix.IPV6_HOPLIMIT) {
					if len(m.Data) >= 4 {
						ttl = int(int32(binary.NativeEndian.Uint32(m.Data)))
					} else {
						ttl = int(m.Data[0])
					}
				}
			}
		}
		var src string
		switch sa := from.(type) {
		case *unix.SockaddrInet4:
			src = netip.AddrFrom4(sa.Addr).String()
		case *unix.SockaddrInet6:
			src = netip.AddrFrom16(sa.Addr).String()
		}
		src = p.prAddr(src)
		pkt := buf[:n]
		if p.raw && !p.v6 {
			if n < 20 {
				continue
			}
			hlen := int(pkt[0]&0x0f) * 4
			if hlen < 20 || n < hlen+8 {
				continue
			}
			ttl = int(pkt[8])
			pkt = pkt[hlen:]
		}
		if len(pkt) < 8 {
			continue
		}
		reply := byte(0)
		if p.v6 {
			reply = 129
		}
		if pkt[0] == reply {
			if p.raw && binary.BigEndian.Uint16(pkt[4:]) != p.ident {
				continue
			}
			cs := !p.v6 && checksum(pkt) != 0
			p.gather(pkt, ttl, cs, now, src)
			continue
		}
		if !p.v6 && (pkt[0] == 3 || pkt[0] == 11 || pkt[0] == 12) && len(pkt) >= 8+20+8 {
			// An ICMP error quoting one of our probes: it is counted
			// from the error queue; here it only acknowledges.
			inner := pkt[8:]
			ihl := int(inner[0]&0x0f) * 4
			if len(inner) >= ihl+8 && inner[ihl] == 8 &&
				netip.AddrFrom4([4]byte(inner[16:20])) == p.dst &&
				(!p.raw || binary.BigEndian.Uint16(inner[ihl+4:]) == p.ident) {
				p.st.acknowledge(binary.BigEndian.Uint16(inner[ihl+6:]))
			}
		}
	}
}

// prAddr is iputils' pr_addr: the address, or for a target given by name
// "NAME (ADDRESS)", NAME being the address's name in the hosts file or
// the address itself.
func (p *pinger) prAddr(addr string) string {
	if p.o.numeric {
		return addr
	}
	name := addr
	if a, err := netip.ParseAddr(addr); err == nil {
		if n, ok := lookupAddr(p.o.hosts, a); ok {
			name = n
		}
	}
	return name + " (" + addr + ")"
}

// gather counts a reply and prints its line (gather_statistics).
func (p *pinger) gather(icmp []byte, ttl int, csfailed bool, now time.Time, from string) {
	s := &p.st
	cc := len(icmp)
	seq := binary.BigEndian.Uint16(icmp[6:])
	s.nreceived++
	if !csfailed {
		s.acknowledge(seq)
	}
	var trip int64
	if p.timing && cc >= 8+16 {
		sec := int64(binary.NativeEndian.Uint64(icmp[8:]))
		usec := int64(binary.NativeEndian.Uint64(icmp[16:]))
		trip = now.UnixMicro() - (sec*1000000 + usec)
		if trip < 0 {
			trip = 0
		}
		if !csfailed {
			s.tsum += trip
			s.tsum2 += trip * trip
			if trip < s.tmin {
				s.tmin = trip
			}
			if trip > s.tmax {
				s.tmax = trip
			}
			if s.rtt == 0 {
				s.rtt = trip * 8
			} else {
				s.rtt += trip - s.rtt/8
			}
		}
	}
	dup := false
	switch {
	case csfailed:
		s.nchecksum++
		s.nreceived--
	case s.rcvdTest(seq):
		s.nrepeats++
		s.nreceived--
		dup = true
	default:
		s.rcvdSet(seq)
	}
	if p.o.quiet {
		return
	}
	if p.o.flood {
		if csfailed {
			p.flood("\bC")
		} else {
			p.flood("\b \b")
		}
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d bytes from %s: icmp_seq=%d", cc, from, seq)
	if ttl >= 0 {
		fmt.Fprintf(&b, " ttl=%d", ttl)
	}
	if cc < p.o.size+8 {
		b.WriteString(" (truncated)\n")
		p.print(b.String())
		return
	}
	if p.timing {
		fmt.Fprintf(&b, " time=%s ms", formatTrip(trip))
	}
	if dup {
		b.WriteString(" (DUP!)")
	}
	if csfailed {
		b.WriteString(" (BAD CHECKSUM!)")
	}
	b.WriteByte('\n')
	p.print(b.String())
}

// run is iputils' main_loop: send a probe every interval, read replies
// and errors as they come, stop on -c, -w, the linger time after the
// last probe, or ctx; then print the statistics.
func (p *pinger) run(ctx context.Context) error {
	fmt.Fprint(p.env.Stdout, p.header())
	o, s := p.o, &p.st
	// setup() of ping_common.c, after the header.
	if o.flood && !o.intervalSet {
		o.interval = 0
	}
	if os.Getuid() != 0 && o.interval < 2*time.Millisecond {
		fmt.Fprintln(p.env.Stderr, "ping: cannot flood; minimal interval allowed for user is 2ms")
		return interp.ExitStatus(2)
	}
	start := time.Now()
	lastSend := start
	nextSend := start
	var exitAt time.Time
	deadlineAt := time.Time{}
	if o.deadline > 0 {
		deadlineAt = start.Add(o.deadline)
	}
	more := func() bool { return o.count == 0 || s.ntransmitted < o.count || o.deadline > 0 }
	for {
		if ctx.Err() != nil {
			break
		}
		if o.count > 0 && s.nreceived+s.nerrors >= o.count {
			break
		}
		if o.deadline > 0 && s.nerrors > 0 {
			break
		}
		now := time.Now()
		if !deadlineAt.IsZero() && !now.Before(deadlineAt) {
			break
		}
		if !exitAt.IsZero() && !now.Before(exitAt) {
			break
		}
		// With no interval, the next probe goes out as soon as the last
		// is answered, or 10 ms after it (iputils' MININTERVAL).
		if more() && (!now.Before(nextSend) || o.interval == 0 && s.inFlight() == 0) {
			before := s.ntransmitted
			p.send()
			if s.ntransmitted > before {
				lastSend = now
			}
			nextSend = now.Add(o.interval)
			if o.interval == 0 {
				nextSend = now.Add(10 * time.Millisecond)
			}
			continue
		}
		if o.count > 0 && s.ntransmitted >= o.count && o.deadline == 0 && exitAt.IsZero() {
			// schedule_exit: wait for the last replies twice the
			// longest round trip (at least an interval), or the
			// linger time without replies. A wait of zero (no
			// interval, no round-trip times: -f -s 8) arms no timer:
			// ping then waits for every reply.
			wait := o.linger
			if s.nreceived > 0 {
				wait = max(2*time.Duration(s.tmax)*time.Microsecond, o.interval)
			}
			if wait > 0 {
				exitAt = now.Add(wait)
			}
		}
		until := now.Add(100 * time.Millisecond)
		for _, t := range []time.Time{exitAt, deadlineAt} {
			if !t.IsZero() && t.Before(until) {
				until = t
			}
		}
		if more() && nextSend.Before(until) {
			until = nextSend
		}
		ms := int((until.Sub(now) + time.Millisecond - 1) / time.Millisecond)
		fds := []unix.PollFd{{Fd: int32(p.fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, ms)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("ping: poll: %w", err)
		}
		if n > 0 {
			if fds[0].Revents&unix.POLLERR != 0 {
				p.receiveErrors()
			}
			if fds[0].Revents&unix.POLLIN != 0 {
				p.receive()
			}
		}
	}
	if code := p.finish(p.env.Stdout, lastSend.Sub(start)); code != 0 {
		return interp.ExitStatus(code)
	}
	return nil
}

// checksum is the Internet checksum (RFC 1071) of b.
func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}
