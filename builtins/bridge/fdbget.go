package bridge

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/show"
	"github.com/nshlab/nsh/internal/rtnl"
)

// fdbGet is "bridge fdb get ADDR { brport | dev } DEV | br BR [vlan V]
// [vni VNI] [self] [master] [dynamic]" (bridge/fdb.c fdb_get): one
// RTM_GETNEIGH for the entry, printed as "fdb show" prints it.
func fdbGet(env *builtins.Env, g *Global, args []string) error {
	var dev, br, addr string
	var flags uint8
	vlan, vni := -1, int64(-1)
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		switch {
		case w == "brport" || w == "dev" || w == "br":
			v, err := need(a)
			if err != nil {
				return err
			}
			if w == "br" {
				br = v
			} else {
				dev = v
			}
		case w == "vni":
			v, err := need(a)
			if err != nil {
				return err
			}
			n, err := parseVNI(v)
			if err != nil {
				return err
			}
			vni = n
		case w == "self":
			flags |= ntfSelf
		case builtins.Is(w, "master"):
			flags |= ntfMaster
		case builtins.Is(w, "vlan"):
			if vlan >= 0 {
				return duparg2("vlan", w)
			}
			v, err := need(a)
			if err != nil {
				return err
			}
			vlan = atoi(v)
		case builtins.Is(w, "dynamic"):
			// filter_dynamic: read, and of no effect on a get.
		default:
			if err := fdbAddress(env, a, w, &addr); err != nil {
				return err
			}
		}
	}
	if dev == "" && br == "" || addr == "" {
		return errors.New("Device or master and address are required arguments.")
	}
	mac, ok := scanMAC(addr)
	if !ok {
		return fmt.Errorf("Invalid mac address %s", addr)
	}
	req := nl.NewNetlinkRequest(unix.RTM_GETNEIGH, 0)
	m := &ndmsg{family: unix.AF_BRIDGE, flags: flags}
	req.AddData(m)
	req.AddData(nl.NewRtAttr(unix.NDA_LLADDR, []byte(mac)))
	if vlan >= 0 {
		req.AddData(nl.NewRtAttr(unix.NDA_VLAN, nl.Uint16Attr(uint16(vlan))))
	}
	if vni >= 0 {
		req.AddData(nl.NewRtAttr(unix.NDA_VNI, nl.Uint32Attr(uint32(vni))))
	}
	// The link map serves both the names given here and the names
	// printed (ll_init_map, as fdb_get has it).
	c, ll, err := dialMap(env, g)
	if err != nil {
		return err
	}
	if dev != "" {
		if m.ifindex = int32(ll.index(dev)); m.ifindex == 0 {
			return fmt.Errorf("Cannot find device %q", dev)
		}
	}
	if br != "" {
		bi := ll.index(br)
		if bi == 0 {
			return fmt.Errorf("Cannot find bridge device %q", br)
		}
		req.AddData(nl.NewRtAttr(unix.NDA_MASTER, nl.Uint32Attr(uint32(bi))))
	}
	msgs, err := c.Execute(req, unix.RTM_NEWNEIGH)
	if err != nil {
		// fdb_get returns -2 when the kernel refuses: exit status 254.
		return builtins.RtnlStatus(err, 254)
	}
	var text strings.Builder
	jw := show.NewJSONWriter(g.Pretty)
	jw.StartArray()
	for _, msg := range msgs {
		e, ok, err := rtnl.ParseFDB(msg)
		if err != nil {
			return err
		}
		if ok {
			printFDB(jw, &text, &e, ll, 0, g)
		}
	}
	return emit(env, g, jw, &text)
}

// fdbFlush is "bridge fdb flush dev DEV [brport PORT] [vlan VID] [self]
// [master] [[no]permanent | [no]static | [no]dynamic] [[no]added_by_user]
// [[no]extern_learn] [[no]sticky] [[no]offloaded]" (bridge/fdb.c
// fdb_flush): one bulk RTM_DELNEIGH with the state and flag bits that
// must match and the masks saying which bits are compared.
func fdbFlush(env *builtins.Env, g *Global, args []string) error {
	var dev, port string
	var state, stateMask uint16
	var flags, flagsMask uint8
	vid := -1
	flag := func(bit uint8, on bool) {
		if on {
			flags |= bit
		} else {
			flags &^= bit
		}
		flagsMask |= bit
	}
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		switch w {
		case "dev":
			v, err := need(a)
			if err != nil {
				return err
			}
			dev = v
		case "master":
			flags |= ntfMaster
		case "self":
			flags |= ntfSelf
		case "permanent":
			state |= nudPermanent
			stateMask |= nudPermanent
		case "nopermanent":
			state &^= nudPermanent
			stateMask |= nudPermanent
		case "static":
			state |= nudNoARP
			stateMask |= nudNoARP | nudPermanent
		case "nostatic":
			state &^= nudNoARP
			stateMask |= nudNoARP
		case "dynamic":
			// fdb.c: ndm_state &= ~NUD_NOARP | NUD_PERMANENT, which
			// C reads as ndm_state &= ~NUD_NOARP.
			state &^= nudNoARP
			stateMask |= nudNoARP | nudPermanent
		case "nodynamic":
			state |= nudNoARP
			stateMask |= nudNoARP
		case "added_by_user", "noadded_by_user":
			flag(unix.NTF_USE, w == "added_by_user")
		case "extern_learn", "noextern_learn":
			flag(ntfExtLearned, w == "extern_learn")
		case "sticky", "nosticky":
			flag(ntfSticky, w == "sticky")
		case "offloaded", "nooffloaded":
			flag(ntfOffloaded, w == "offloaded")
		case "brport":
			if port != "" {
				return duparg2("brport", w)
			}
			v, err := need(a)
			if err != nil {
				return err
			}
			port = v
		case "vlan":
			if vid >= 0 {
				return duparg2("vlan", w)
			}
			v, err := need(a)
			if err != nil {
				return err
			}
			vid = int(int16(atoi(v)))
		case "help":
			// fdb.c takes the word after "help" and goes on.
			a.Next()
		}
	}
	if dev == "" {
		return errors.New("Device is a required argument.")
	}
	ifindex := ifIndex(env, g, dev)
	if ifindex == 0 {
		return fmt.Errorf("Cannot find bridge device %q", dev)
	}
	portIndex := -1
	if port != "" {
		if portIndex = ifIndex(env, g, port); portIndex == 0 {
			return fmt.Errorf("Cannot find bridge port device %q", port)
		}
	}
	if vid >= 4096 {
		return fmt.Errorf("Invalid VLAN ID %q", strconv.Itoa(vid))
	}
	if flags&(ntfSelf|ntfMaster) == 0 {
		flags |= ntfSelf
	}
	req := nl.NewNetlinkRequest(unix.RTM_DELNEIGH, unix.NLM_F_BULK|unix.NLM_F_ACK)
	req.AddData(&ndmsg{family: unix.AF_BRIDGE, ifindex: int32(ifindex), state: state, flags: flags})
	if portIndex > -1 {
		req.AddData(nl.NewRtAttr(unix.NDA_IFINDEX, nl.Uint32Attr(uint32(portIndex))))
	}
	if vid > -1 {
		req.AddData(nl.NewRtAttr(unix.NDA_VLAN, nl.Uint16Attr(uint16(vid))))
	}
	if flagsMask != 0 {
		req.AddData(nl.NewRtAttr(ndaNdmFlagsMask, []byte{flagsMask}))
	}
	if stateMask != 0 {
		req.AddData(nl.NewRtAttr(ndaNdmStateMask, nl.Uint16Attr(stateMask)))
	}
	if _, err := env.Execute(g.NS, req, 0); err != nil {
		return builtins.RtnlStatus(err, 255)
	}
	return nil
}
