// Package ping is nsh's in-process "ping" builtin: iputils' ping(8) for
// IPv4 and IPv6 address literals, run in the namespace the command is in.
// The ICMP socket is opened on a thread switched into that namespace (a
// socket keeps the namespace it was created in), so sending and receiving
// need no thread switch. Output follows iputils ping.c and
// ping_common.c byte for byte: header, one line per reply or ICMP error,
// statistics and the rtt summary.
package ping

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/interp"
)

// options are ping's command line, as iputils' getopt loop reads it.
type options struct {
	count    int64         // -c: stop after this many replies (0: no limit)
	interval time.Duration // -i
	// intervalSet is iputils' opt_interval: -i was given, so -f keeps
	// the interval instead of sending as fast as replies come.
	intervalSet bool
	flood       bool          // -f: a dot per probe, a backspace per reply
	linger      time.Duration // -W: how long to wait for replies after the last probe
	deadline    time.Duration // -w: stop after this long (0: none)
	quiet       bool          // -q
	stamp       bool          // -D
	iface       string        // -I DEV
	source      netip.Addr    // -I ADDR
	size        int           // -s
	ttl         int           // -t (-1: kernel default)
	family      int           // 4, 6 or 0 (-4, -6)
	numeric     bool          // -n, or a numeric target: no names in reply lines
	target      string
	// hosts is the hosts file names are resolved from (see readHosts).
	hosts []hostsEntry
}

// exitErr is a usage or setup error: message to stderr, then exit status.
type exitErr struct {
	msg  string
	code int
}

func (e *exitErr) Error() string { return e.msg }

func fail(code int, format string, a ...any) error {
	return &exitErr{msg: fmt.Sprintf(format, a...), code: code}
}

// usageText is iputils' usage, trimmed to the options nsh's ping knows.
const usageText = `
Usage
  ping [options] <destination>

Options:
  <destination>      ip address (nsh's builtin ping does not resolve names;
                     "exec ping" runs the system's ping)
  -c <count>         stop after <count> replies
  -D                 print timestamps
  -f                 flood ping
  -I <interface>     either interface name or address
  -i <interval>      seconds between sending each packet
  -n                 no dns name resolution
  -q                 quiet output
  -s <size>          use <size> as number of data bytes to be sent
  -t <ttl>           define time to live
  -v                 verbose output
  -w <deadline>      reply wait <deadline> in seconds
  -W <timeout>       time to wait for response

IPv4 options:
  -4                 use IPv4

IPv6 options:
  -6                 use IPv6
`

// withArg are the iputils options that take an argument (getopt string
// "4bRT:6F:N:aABc:dDfi:I:l:Lm:M:nOp:qQ:rs:S:t:UvVw:W:").
const withArg = "TFNcilImMpQsStwWe"

// known are all of iputils' option letters; the ones nsh's ping does not
// implement are refused with a pointer to "exec ping".
const known = "h?4bRT6FNaABcdDfiIlLmMnOpqQrsStUvVwWeC"

func parseArgs(args []string) (*options, error) {
	o := &options{count: 0, interval: time.Second, linger: 10 * time.Second, size: 56, ttl: -1}
	var operands []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			operands = append(operands, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			operands = append(operands, a) // getopt permutes: options may follow HOST
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			if !strings.ContainsRune(known, rune(c)) {
				return nil, fail(2, "ping: invalid option -- '%c'\n%s", c, usageText)
			}
			arg := ""
			if strings.IndexByte(withArg, c) >= 0 {
				if j+1 < len(a) {
					arg = a[j+1:]
				} else if i+1 < len(args) {
					i++
					arg = args[i]
				} else {
					return nil, fail(2, "ping: option requires an argument -- '%c'\n%s", c, usageText)
				}
				j = len(a)
			}
			if err := o.set(c, arg); err != nil {
				return nil, err
			}
		}
	}
	if len(operands) == 0 {
		return nil, fail(1, "ping: usage error: Destination address required")
	}
	if len(operands) > 1 {
		return nil, builtins.NotImplemented("ping: source-routed pings (several hosts) are not supported by nsh's ping; use \"exec ping\"")
	}
	o.target = operands[0]
	return o, nil
}

func (o *options) set(c byte, arg string) error {
	switch c {
	case 'h', '?':
		return fail(2, "%s", strings.TrimPrefix(usageText, "\n"))
	case '4', '6':
		f := int(c - '0')
		if o.family != 0 && o.family != f {
			return fail(2, "ping: only one -4 or -6 option may be specified")
		}
		o.family = f
	case 'c':
		n, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || n < 1 {
			return fail(1, "ping: invalid argument: '%s': out of range: 1 <= value <= 9223372036854775807", arg)
		}
		o.count = n
	case 'i':
		v, err := strconv.ParseFloat(arg, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > math.MaxInt32/1000 {
			return fail(2, "ping: bad timing interval: %s", arg)
		}
		o.interval = time.Duration(v*1000) * time.Millisecond
		o.intervalSet = true
	case 'W':
		v, err := strconv.ParseFloat(arg, 64)
		if err != nil || v < 0.001 || v > math.MaxInt32/1000 {
			return fail(2, "ping: bad linger time: %s", arg)
		}
		o.linger = time.Duration(v*1000) * time.Millisecond
	case 'w':
		n, err := strconv.ParseInt(arg, 10, 32)
		if err != nil || n < 0 {
			return fail(1, "ping: invalid argument: '%s': out of range: 0 <= value <= 2147483647", arg)
		}
		o.deadline = time.Duration(n) * time.Second
	case 's':
		n, err := strconv.ParseInt(arg, 10, 32)
		if err != nil || n < 0 {
			return fail(1, "ping: invalid argument: '%s': out of range: 0 <= value <= 2147483647", arg)
		}
		if n > 65507 {
			return fail(2, "ping: packet size %d is too large. Maximum is 65507", n)
		}
		o.size = int(n)
	case 't':
		n, err := strconv.ParseInt(arg, 10, 32)
		if err != nil || n < 0 || n > 255 {
			return fail(1, "ping: invalid argument: '%s': out of range: 0 <= value <= 255", arg)
		}
		o.ttl = int(n)
	case 'I':
		if a, err := netip.ParseAddr(arg); err == nil {
			o.source = a
			if a.Zone() != "" {
				o.iface = a.Zone()
				o.source = a.WithZone("")
			}
		} else {
			o.iface = arg
		}
	case 'q':
		o.quiet = true
	case 'D':
		o.stamp = true
	case 'f':
		// iputils also turns off name look-ups for the flood.
		o.flood, o.numeric = true, true
	case 'n':
		o.numeric = true
	case 'v':
		// Verbose adds nothing here.
	default:
		return builtins.NotImplemented("ping: option -%c is not supported by nsh's builtin ping; use \"exec ping\"", c)
	}
	return nil
}

// Main is the "ping" builtin (iputils' ping): ping [-c N] [-i S] [-W S]
// [-w S] [-q] [-D] [-f] [-I DEV|ADDR] [-s SIZE] [-t TTL] [-4|-6] HOST,
// where HOST is an IPv4 or IPv6 address or a name of the hosts file (no
// DNS traffic). -f floods as iputils does: a dot per probe sent and a
// backspace per reply, probes as fast as replies come unless -i is given
// (root only below 2 ms).
// It exits 0 if a reply came, 1 if none did, 2 on an error; a cancelled
// ctx (Ctrl-C) stops it after printing the statistics.
func Main(ctx context.Context, env *builtins.Env, args []string) error {
	o, err := parseArgs(args[1:])
	if err == nil {
		o.hosts = readHosts(env.NS)
		var p *pinger
		p, err = newPinger(env, o)
		if err == nil {
			defer p.close()
			return p.run(ctx)
		}
	}
	var ee *exitErr
	if errors.As(err, &ee) {
		fmt.Fprintln(env.Stderr, ee.msg)
		return interp.ExitStatus(ee.code)
	}
	return err
}

// resolve parses the target as iputils would: a numeric address (which
// makes the output numeric), or a name of the hosts file (see readHosts),
// whose official name then replaces o.target in the output.
func resolve(o *options) (netip.Addr, error) {
	a, err := netip.ParseAddr(o.target)
	if err != nil {
		if v4, ok := parseInetAton(o.target); ok {
			a = v4
		} else if h, canon, ok := lookupHost(o.hosts, o.target, o.family); ok {
			a, o.target = h, canon
			return a, nil
		} else {
			return netip.Addr{}, fail(2, "ping: %s: Name or service not known", o.target)
		}
	}
	o.numeric = true
	// "::ffff:1.2.3.4" stays IPv6, as getaddrinfo gives it to iputils.
	if (o.family == 4 && !a.Is4()) || (o.family == 6 && a.Is4()) {
		return netip.Addr{}, fail(2, "ping: %s: Address family for hostname not supported", o.target)
	}
	return a, nil
}

// parseInetAton accepts the short IPv4 forms inet_aton(3) accepts
// ("127.1", "10.0.1"), which iputils passes to getaddrinfo.
func parseInetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) < 1 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		v, err := strconv.ParseUint(p, 0, 32)
		if err != nil || p == "" {
			return netip.Addr{}, false
		}
		vals = append(vals, v)
	}
	var n uint64
	last := len(vals) - 1
	for i, v := range vals[:last] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (24 - 8*i)
	}
	if vals[last] >= 1<<(8*(4-last)) {
		return netip.Addr{}, false
	}
	n |= vals[last]
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// stats are iputils' counters (struct ping_rts).
type stats struct {
	ntransmitted, nreceived, nrepeats, nchecksum, nerrors int64
	tmin, tmax, tsum, tsum2                               int64 // microseconds
	rtt                                                   int64 // ewma, *8
	pipesize                                              int
	acked                                                 uint16
	rcvd                                                  [65536 / 64]uint64
}

func (s *stats) rcvdTest(seq uint16) bool { return s.rcvd[seq/64]&(1<<(seq%64)) != 0 }
func (s *stats) rcvdSet(seq uint16)       { s.rcvd[seq/64] |= 1 << (seq % 64) }
func (s *stats) rcvdClear(seq uint16)     { s.rcvd[seq/64] &^= 1 << (seq % 64) }

// inFlight is the number of probes not answered yet (ping.h in_flight).
func (s *stats) inFlight() int64 {
	diff := uint16(s.ntransmitted) - s.acked
	if diff <= 0x7fff {
		return int64(diff)
	}
	return s.ntransmitted - s.nreceived - s.nerrors
}

// acknowledge records that probe seq was answered (ping_common.h).
func (s *stats) acknowledge(seq uint16) {
	diff := uint16(s.ntransmitted) - seq
	if diff <= 0x7fff {
		if int(diff)+1 > s.pipesize {
			s.pipesize = int(diff) + 1
		}
		if int16(seq-s.acked) > 0 || uint16(s.ntransmitted)-s.acked > 0x7fff {
			s.acked = seq
		}
	}
}

// formatTrip prints a round-trip time in microseconds as iputils does.
func formatTrip(t int64) string {
	switch {
	case t >= 100000-50:
		return fmt.Sprintf("%d", (t+500)/1000)
	case t >= 10000-5:
		return fmt.Sprintf("%d.%01d", (t+50)/1000, ((t+50)%1000)/100)
	case t >= 1000:
		return fmt.Sprintf("%d.%02d", (t+5)/1000, ((t+5)%1000)/10)
	}
	return fmt.Sprintf("%d.%03d", t/1000, t%1000)
}

// finish prints the statistics (ping_common.c finish) and returns the
// exit status.
func (p *pinger) finish(w io.Writer, elapsed time.Duration) int {
	s := &p.st
	var b strings.Builder
	fmt.Fprintf(&b, "\n--- %s ping statistics ---\n", p.hostname)
	fmt.Fprintf(&b, "%d packets transmitted, %d received", s.ntransmitted, s.nreceived)
	if s.nrepeats > 0 {
		fmt.Fprintf(&b, ", +%d duplicates", s.nrepeats)
	}
	if s.nchecksum > 0 {
		fmt.Fprintf(&b, ", +%d corrupted", s.nchecksum)
	}
	if s.nerrors > 0 {
		fmt.Fprintf(&b, ", +%d errors", s.nerrors)
	}
	if s.ntransmitted > 0 {
		loss := float32(float64(s.ntransmitted-s.nreceived) * 100.0 / float64(s.ntransmitted))
		fmt.Fprintf(&b, ", %s%% packet loss", formatG(float64(loss)))
		fmt.Fprintf(&b, ", time %dms", (elapsed.Nanoseconds()+500000)/1000000)
	}
	b.WriteByte('\n')
	comma := ""
	if s.nreceived > 0 && p.timing {
		total := s.nreceived + s.nrepeats
		tmavg := s.tsum / total
		var tmvar int64
		if s.tsum < math.MaxInt32 {
			tmvar = (s.tsum2 - (s.tsum*s.tsum)/total) / total
		} else {
			tmvar = s.tsum2/total - tmavg*tmavg
		}
		tmdev := llsqrt(tmvar)
		fmt.Fprintf(&b, "rtt min/avg/max/mdev = %d.%03d/%d.%03d/%d.%03d/%d.%03d ms",
			s.tmin/1000, s.tmin%1000, tmavg/1000, tmavg%1000,
			s.tmax/1000, s.tmax%1000, tmdev/1000, tmdev%1000)
		comma = ", "
	}
	if s.pipesize > 1 {
		fmt.Fprintf(&b, "%spipe %d", comma, s.pipesize)
		comma = ", "
	}
	if s.nreceived > 0 && (p.o.interval == 0 || p.o.flood) && s.ntransmitted > 1 {
		ipg := elapsed.Microseconds() / (s.ntransmitted - 1)
		fmt.Fprintf(&b, "%sipg/ewma %d.%03d/%d.%03d ms", comma, ipg/1000, ipg%1000, s.rtt/8000, (s.rtt/8)%1000)
	}
	b.WriteByte('\n')
	io.WriteString(w, b.String())
	if s.nreceived == 0 || (p.o.deadline > 0 && s.nreceived < p.o.count) {
		return 1
	}
	return 0
}

// formatG is C's printf("%g") for the packet-loss percentage.
func formatG(v float64) string {
	s := strconv.FormatFloat(v, 'g', 6, 64)
	if strings.ContainsAny(s, "e") {
		// %g switches to exponent form only for tiny or huge values,
		// which a percentage in [0, 100] never is except for tiny losses.
		m, e, _ := strings.Cut(s, "e")
		if len(e) == 2 {
			e = e[:1] + "0" + e[1:]
		}
		return m + "e" + e
	}
	return s
}

func llsqrt(a int64) int64 {
	prev := int64(math.MaxInt64)
	x := a
	if x > 0 {
		for x < prev {
			prev = x
			x = (x + a/x) / 2
		}
	}
	return x
}
