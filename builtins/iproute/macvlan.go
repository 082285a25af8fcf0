package iproute

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/spec"
)

// macvlanUsage is print_explain of ip/iplink_macvlan.c for kind, from
// the model.
func macvlanUsage(kind string) string { return strings.TrimSuffix(spec.Usage("type-"+kind), "\n") }

// macvlanModeValues are the MACVLAN_MODE_* values of "mode".
var macvlanModeValues = map[string]uint64{"private": 1, "vepa": 2, "bridge": 4, "passthru": 8, "source": 16}

// parseMacvlan is macvlan_parse_opt (ip/iplink_macvlan.c) for macvlan
// and macvtap: mode, flag, [no]promisc/nodst, macaddr and bcqueuelen,
// with its messages (exit status 1).
func parseMacvlan(c *kindCtx, a *builtins.Args) ([]*nl.RtAttr, error) {
	var out []*nl.RtAttr
	var mode, flags uint64
	hasFlags := false
	fail := func(usage bool, format string, args ...any) error {
		text := fmt.Sprintf(format, args...)
		if usage {
			text += "\n" + macvlanUsage(c.kind)
		}
		return &builtins.Failure{Text: text, Status: 1}
	}
	mac := func(s string) ([]byte, error) {
		m, err := llAddr(s, 6)
		if err == nil && len(m) != 6 {
			err = &builtins.Failure{Status: 1, Err: fmt.Errorf("%q is not a 6-byte MAC address", s)}
		}
		return m, err
	}
	for a.More() {
		w, _ := a.Next()
		switch {
		case builtins.Is(w, "mode"):
			s, err := a.Need(w)
			if err != nil {
				return nil, err
			}
			m, ok := macvlanModeValues[s]
			if !ok {
				return nil, fail(false, "Error: argument of \"mode\" must be \"private\", \"vepa\", \"bridge\", \"passthru\" or \"source\", not \"%s\"", s)
			}
			mode = m
		case builtins.Is(w, "flag"):
			s, err := a.Need(w)
			if err != nil {
				return nil, err
			}
			switch s {
			case "nopromisc":
				flags |= 1
			case "nodst":
				flags |= 2
			case "null":
			default:
				return nil, fail(false, "Error: argument of \"flag\" must be \"nopromisc\", \"nodst\" or \"null\", not \"%s\"", s)
			}
			hasFlags = true
		case builtins.Is(w, "macaddr"):
			s, err := a.Need(w)
			if err != nil {
				return nil, err
			}
			macMode, ok := map[string]uint64{"add": 0, "del": 1, "flush": 2, "set": 3}[s]
			if !ok {
				return nil, fail(false, "%s", macvlanUsage(c.kind))
			}
			out = append(out, u32Attr(unix.IFLA_MACVLAN_MACADDR_MODE, macMode))
			switch s {
			case "add", "del":
				s, err := a.Need(s)
				if err != nil {
					return nil, err
				}
				m, err := mac(s)
				if err != nil {
					return nil, err
				}
				out = append(out, nl.NewRtAttr(unix.IFLA_MACVLAN_MACADDR, m))
			case "set":
				list := nl.NewRtAttr(unix.IFLA_MACVLAN_MACADDR_DATA, nil)
				for a.More() {
					m, err := mac(a.Peek())
					if err != nil {
						// iproute2 prints the complaint and reads the word
						// again as a keyword.
						var f *builtins.Failure
						if errors.As(err, &f) && f.Text != "" && c.stderr != nil {
							fmt.Fprintln(c.stderr, f.Text)
						}
						break
					}
					a.Next()
					list.AddRtAttr(unix.IFLA_MACVLAN_MACADDR, m)
				}
				out = append(out, list)
			}
		case builtins.Is(w, "nopromisc"):
			flags |= 1
			hasFlags = true
		case builtins.Is(w, "nodst"):
			flags |= 2
			hasFlags = true
		case builtins.Is(w, "bcqueuelen"):
			s, err := a.Need(w)
			if err != nil {
				return nil, err
			}
			n, ok := builtins.GetUint(s, 0, 1<<32-1)
			if !ok {
				return nil, fail(false, "Error: argument of \"bcqueuelen\" must be a positive integer [0-4294967295], not \"%s\"", s)
			}
			out = append(out, u32Attr(unix.IFLA_MACVLAN_BC_QUEUE_LEN, n))
		case builtins.Is(w, "help"):
			return nil, fail(false, "%s", macvlanUsage(c.kind))
		default:
			return nil, fail(true, "%s: unknown option \"%s\"?", c.kind, w)
		}
	}
	if mode != 0 {
		out = append(out, u32Attr(unix.IFLA_MACVLAN_MODE, mode))
	}
	if hasFlags {
		if flags&1 != 0 && mode != 8 {
			return nil, fail(true, "%s: nopromisc flag only valid in passthru mode", c.kind)
		}
		out = append(out, u16Attr(unix.IFLA_MACVLAN_FLAGS, flags))
	}
	return out, nil
}
