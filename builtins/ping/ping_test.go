package ping

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nshlab/nsh/builtins"
)

func TestParseArgs(t *testing.T) {
	for _, c := range []struct {
		args   []string
		target string
		count  int64
		ival   time.Duration
		quiet  bool
		iface  string
		size   int
	}{
		{[]string{"10.0.0.1"}, "10.0.0.1", 0, time.Second, false, "", 56},
		{[]string{"-c", "4", "10.0.0.1"}, "10.0.0.1", 4, time.Second, false, "", 56},
		{[]string{"10.0.12.2", "-c", "4"}, "10.0.12.2", 4, time.Second, false, "", 56}, // options after HOST
		{[]string{"-c1", "10.0.0.1"}, "10.0.0.1", 1, time.Second, false, "", 56},
		{[]string{"-qc2", "-i0.2", "10.0.0.1"}, "10.0.0.1", 2, 200 * time.Millisecond, true, "", 56},
		{[]string{"-I", "veth0", "-s", "100", "10.0.0.1"}, "10.0.0.1", 0, time.Second, false, "veth0", 100},
		{[]string{"--", "10.0.0.1"}, "10.0.0.1", 0, time.Second, false, "", 56},
	} {
		o, err := parseArgs(c.args)
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		if o.target != c.target || o.count != c.count || o.interval != c.ival || o.quiet != c.quiet || o.iface != c.iface || o.size != c.size {
			t.Errorf("%q: got %+v", c.args, *o)
		}
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 1, "ping: usage error: Destination address required"},
		{[]string{"-c", "0", "10.0.0.1"}, 1, "ping: invalid argument: '0'"},
		{[]string{"-x", "10.0.0.1"}, 2, "ping: invalid option -- 'x'"},
		{[]string{"-c"}, 2, "option requires an argument -- 'c'"},
		{[]string{"-i", "abc", "10.0.0.1"}, 2, "ping: bad timing interval: abc"},
		{[]string{"-4", "-6", "::1"}, 2, "only one -4 or -6"},
	} {
		_, err := parseArgs(c.args)
		ee, ok := err.(*exitErr)
		if !ok || ee.code != c.code || !strings.Contains(ee.msg, c.msg) {
			t.Errorf("%q: got %v, want exit %d with %q", c.args, err, c.code, c.msg)
		}
	}
	// An iputils option nsh lacks is not a mistake: a shell script runs
	// the real ping for it.
	if _, err := parseArgs([]string{"-R", "10.0.0.1"}); !errors.Is(err, builtins.ErrNotImplemented) || !strings.Contains(err.Error(), "not supported by nsh's builtin ping") {
		t.Errorf("-R: got %v, want ErrNotImplemented", err)
	}
}

// TestParseFlood: -f floods with name look-ups off and, until -i says
// otherwise, no interval (set when the run starts).
func TestParseFlood(t *testing.T) {
	o, err := parseArgs([]string{"-f", "-c", "3", "10.0.0.1"})
	if err != nil || !o.flood || !o.numeric || o.intervalSet || o.count != 3 {
		t.Errorf("-f -c 3: %+v, %v", o, err)
	}
	o, err = parseArgs([]string{"-fi", "0.5", "10.0.0.1"})
	if err != nil || !o.flood || !o.intervalSet || o.interval != 500*time.Millisecond {
		t.Errorf("-fi 0.5: %+v, %v", o, err)
	}
}

func TestResolve(t *testing.T) {
	for in, want := range map[string]string{"10.0.0.1": "10.0.0.1", "127.1": "127.0.0.1", "10.0.258": "10.0.1.2", "::1": "::1", "::ffff:10.0.0.1": "::ffff:10.0.0.1"} {
		a, err := resolve(&options{target: in})
		if err != nil || a.String() != want {
			t.Errorf("%s: got %v, %v; want %s", in, a, err, want)
		}
	}
	for _, in := range []string{"foo.example", "10.0.0.256", ""} {
		if _, err := resolve(&options{target: in}); err == nil || !strings.Contains(err.Error(), "Name or service not known") {
			t.Errorf("%q: got %v", in, err)
		}
	}
	if _, err := resolve(&options{target: "::1", family: 4}); err == nil || !strings.Contains(err.Error(), "Address family for hostname not supported") {
		t.Errorf("-4 ::1: got %v", err)
	}
}

func TestFormatTrip(t *testing.T) {
	for us, want := range map[int64]string{21: "0.021", 999: "0.999", 1000: "1.00", 1234: "1.23", 9994: "9.99", 9995: "10.0", 12345: "12.3", 99950: "100", 123456: "123"} {
		if got := formatTrip(us); got != want {
			t.Errorf("%dus: got %s, want %s", us, got, want)
		}
	}
}

// TestFinish checks the statistics block for the no-reply, error,
// duplicate and pipe variants against lines iputils' finish() format
// strings produce for the same counters.
func TestFinish(t *testing.T) {
	p := &pinger{o: &options{interval: time.Second}, hostname: "10.0.0.1", timing: true}
	p.st.ntransmitted = 3
	var b strings.Builder
	if code := p.finish(&b, 2003*time.Millisecond); code != 1 {
		t.Errorf("no replies: exit %d", code)
	}
	want := "\n--- 10.0.0.1 ping statistics ---\n3 packets transmitted, 0 received, 100% packet loss, time 2003ms\n\n"
	if b.String() != want {
		t.Errorf("no replies:\n%q\nwant\n%q", b.String(), want)
	}

	p.st = stats{ntransmitted: 3, nerrors: 3, pipesize: 3}
	b.Reset()
	p.finish(&b, 2046*time.Millisecond)
	want = "\n--- 10.0.0.1 ping statistics ---\n3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2046ms\npipe 3\n"
	if b.String() != want {
		t.Errorf("errors:\n%q\nwant\n%q", b.String(), want)
	}

	p.st = stats{ntransmitted: 3, nreceived: 2, nrepeats: 1, tmin: 40, tmax: 60, tsum: 150, tsum2: 40*40 + 50*50 + 60*60}
	b.Reset()
	if code := p.finish(&b, 2000*time.Millisecond); code != 0 {
		t.Errorf("replies: exit %d", code)
	}
	want = "\n--- 10.0.0.1 ping statistics ---\n3 packets transmitted, 2 received, +1 duplicates, 33.3333% packet loss, time 2000ms\nrtt min/avg/max/mdev = 0.040/0.050/0.060/0.008 ms\n"
	if b.String() != want {
		t.Errorf("duplicates:\n%q\nwant\n%q", b.String(), want)
	}
}

func TestAcknowledgePipe(t *testing.T) {
	var s stats
	s.ntransmitted = 3
	s.acknowledge(1)
	if s.pipesize != 3 {
		t.Errorf("pipesize %d, want 3", s.pipesize)
	}
	if checksum([]byte{8, 0, 0, 0, 0, 1, 0, 1}) != ^uint16(0x0800+1+1) {
		t.Error("checksum")
	}
}
