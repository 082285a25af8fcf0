package iproute

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// IFLA_VF_* attributes of one IFLA_VF_INFO (linux/if_link.h).
const (
	iflaVfMac        = 1
	iflaVfVlan       = 2
	iflaVfTxRate     = 3
	iflaVfSpoofchk   = 4
	iflaVfLinkState  = 5
	iflaVfRate       = 6
	iflaVfRssQueryEn = 7
	iflaVfTrust      = 9
	iflaVfIBNodeGUID = 10
	iflaVfIBPortGUID = 11
	iflaVfVlanList   = 12
	iflaVfInfo       = 1
	iflaVfVlanInfo   = 1
)

// vfReq is "vf NUM ..." of "ip link set" (iplink_parse_vf): the
// attributes of its IFLA_VF_INFO, and what can only be settled once the
// device is known: the MAC's length, and the rates the new rate API
// leaves as they are.
type vfReq struct {
	num     uint32
	attrs   []*nl.RtAttr
	mac     []byte
	newRate bool
	// minRate and maxRate are min_tx_rate and max_tx_rate (-1: keep
	// the VF's).
	minRate, maxRate int64
}

// vfStruct is a struct ifla_vf_* of the VF number and u32 fields.
func vfStruct(num uint32, fields ...uint32) []byte {
	b := binary.NativeEndian.AppendUint32(nil, num)
	for _, f := range fields {
		b = binary.NativeEndian.AppendUint32(b, f)
	}
	return b
}

// parseVF reads the words after "vf NUM" (a has just read NUM) up to
// the first that is none of its keywords, as iplink_parse_vf does.
func parseVF(a *builtins.Args, num uint32) (*vfReq, error) {
	v := &vfReq{num: num, minRate: -1, maxRate: -1}
	// A first pass: max_tx_rate or min_tx_rate anywhere in the rest of
	// the line selects the new rate API, and max_tx_rate overrides rate.
	override := false
	for _, w := range a.Remaining() {
		switch {
		case builtins.Is(w, "max_tx_rate"):
			v.newRate, override = true, true
		case builtins.Is(w, "min_tx_rate"):
			v.newRate = true
		}
	}
	n := 0
	for a.More() {
		w := a.Peek()
		var err error
		switch {
		case builtins.Is(w, "mac"):
			a.Next()
			var s string
			if s, err = a.Need(w); err == nil {
				v.mac, err = llAddr(s, 32)
			}
		case builtins.Is(w, "vlan"):
			err = v.parseVlan(a)
		case builtins.Is(w, "rate"):
			a.Next()
			var r uint32
			if r, err = vfUint(a, w, "Invalid \"rate\" value\n"); err == nil {
				if !v.newRate {
					v.attrs = append(v.attrs, nl.NewRtAttr(iflaVfTxRate, vfStruct(num, r)))
				} else if !override {
					v.maxRate = int64(r)
				}
			}
		case builtins.Is(w, "max_tx_rate"):
			a.Next()
			var r uint32
			if r, err = vfUint(a, w, "Invalid \"max tx rate\" value\n"); err == nil {
				v.maxRate = int64(r)
			}
		case builtins.Is(w, "min_tx_rate"):
			a.Next()
			var r uint32
			if r, err = vfUint(a, w, "Invalid \"min tx rate\" value\n"); err == nil {
				v.minRate = int64(r)
			}
		case builtins.Is(w, "spoofchk"), builtins.Is(w, "query_rss"), builtins.Is(w, "trust"):
			a.Next()
			key, t := "spoofchk", iflaVfSpoofchk
			switch {
			case builtins.Is(w, "query_rss"):
				key, t = "query_rss", iflaVfRssQueryEn
			case builtins.Is(w, "trust"):
				key, t = "trust", iflaVfTrust
			}
			var s string
			if s, err = a.Need(w); err == nil {
				on := map[string]uint32{"on": 1, "off": 0}
				setting, ok := on[s]
				if !ok {
					return nil, builtins.Fail(1, "Error: argument of \"%s\" must be one of \"off\", \"on\", not \"%s\"", key, s)
				}
				v.attrs = append(v.attrs, nl.NewRtAttr(t, vfStruct(num, setting)))
			}
		case builtins.Is(w, "state"):
			a.Next()
			var s string
			if s, err = a.Need(w); err == nil {
				state := -1
				for i, name := range []string{"auto", "enable", "disable"} {
					if state < 0 && builtins.Is(s, name) {
						state = i
					}
				}
				if state < 0 {
					return nil, invarg("Invalid \"state\" value\n", s)
				}
				v.attrs = append(v.attrs, nl.NewRtAttr(iflaVfLinkState, vfStruct(num, uint32(state))))
			}
		case builtins.Is(w, "node_guid"), builtins.Is(w, "port_guid"):
			a.Next()
			t := iflaVfIBNodeGUID
			if builtins.Is(w, "port_guid") {
				t = iflaVfIBPortGUID
			}
			var s string
			if s, err = a.Need(w); err == nil {
				g, ok := guid(s)
				if !ok {
					return nil, invarg("Invalid GUID format\n", s)
				}
				b := vfStruct(num, 0) // struct ifla_vf_guid: vf, padding, guid
				v.attrs = append(v.attrs, nl.NewRtAttr(t, binary.NativeEndian.AppendUint64(b, g)))
			}
		default:
			if n == 0 {
				return nil, errIncomplete
			}
			return v, nil
		}
		if err != nil {
			return nil, err
		}
		n++
	}
	if n == 0 {
		return nil, errIncomplete
	}
	return v, nil
}

// errIncomplete is incomplete_command().
var errIncomplete = builtins.Fail(255, "Command line is not complete. Try option \"help\"")

// vfUint reads the unsigned value of keyword w (get_unsigned).
func vfUint(a *builtins.Args, w, msg string) (uint32, error) {
	s, err := a.Need(w)
	if err != nil {
		return 0, err
	}
	n, ok := builtins.GetUint(s, 0, 1<<32-1)
	if !ok {
		return 0, invarg(msg, s)
	}
	return uint32(n), nil
}

// parseVlan is iplink_parse_vf_vlan_info, once or (with a protocol
// other than 802.1Q) for each "vlan" of a list.
func (v *vfReq) parseVlan(a *builtins.Args) error {
	var list *nl.RtAttr
	for first := true; a.More() && builtins.Is(a.Peek(), "vlan"); first = false {
		a.Next()
		vid, err := vfUint(a, "vlan", "Invalid \"vlan\" value\n")
		if err == nil && vid > 4095 {
			err = invarg("Invalid \"vlan\" value\n", fmt.Sprint(vid))
		}
		if err != nil {
			return err
		}
		var qos uint32
		proto := uint16(0x8100)
		if a.More() && builtins.Is(a.Peek(), "qos") {
			a.Next()
			if qos, err = vfUint(a, "qos", "Invalid \"qos\" value\n"); err != nil {
				return err
			}
		}
		if a.More() && builtins.Is(a.Peek(), "proto") {
			a.Next()
			s, err := a.Need("proto")
			if err != nil {
				return err
			}
			p, ok := vlanProto(s)
			if !ok {
				return invarg("protocol is invalid\n", s)
			}
			if p != 0x8100 && p != 0x88a8 {
				return invarg("Invalid \"vlan protocol\" value - supported 802.1Q, 802.1ad\n", s)
			}
			proto = p
		}
		if first && proto == 0x8100 {
			v.attrs = append(v.attrs, nl.NewRtAttr(iflaVfVlan, vfStruct(v.num, vid, qos)))
			return nil
		}
		if list == nil {
			list = nl.NewRtAttr(iflaVfVlanList|unix.NLA_F_NESTED, nil)
			v.attrs = append(v.attrs, list)
		}
		info := vfStruct(v.num, vid, qos)
		info = binary.BigEndian.AppendUint16(info, proto)
		info = append(info, 0, 0) // struct ifla_vf_vlan_info's padding
		list.AddRtAttr(iflaVfVlanInfo, info)
	}
	return nil
}

// vlanProto is ll_proto_a2n for the VLAN protocols: a name or a number.
func vlanProto(s string) (uint16, bool) {
	switch strings.ToLower(s) {
	case "802.1q":
		return 0x8100, true
	case "802.1ad":
		return 0x88a8, true
	}
	n, ok := builtins.GetUint(s, 0, 0xffff)
	return uint16(n), ok
}

// guid is get_guid: eight colon-separated hex octets, the first the most
// significant.
func guid(s string) (uint64, bool) {
	if len(s) != 23 {
		return 0, false
	}
	var g uint64
	for i := 0; i < 8; i++ {
		part := s[3*i : 3*i+2]
		if i < 7 && s[3*i+2] != ':' {
			return 0, false
		}
		b, err := strconv.ParseUint(part, 16, 8)
		if err != nil {
			return 0, false
		}
		g |= b << (56 - 8*i)
	}
	return g, true
}

// attribute settles v against the device (its address length halen,
// the VF's current rates) and returns IFLA_VFINFO_LIST.
func (v *vfReq) attribute(halen int, rates func(vf uint32) (min, max uint32)) (*nl.RtAttr, error) {
	info := nl.NewRtAttr(iflaVfInfo|unix.NLA_F_NESTED, nil)
	if v.mac != nil {
		if halen > 0 && len(v.mac) != halen {
			return nil, builtins.Fail(1, "Invalid address length %d - must be %d bytes", len(v.mac), halen)
		}
		mac := make([]byte, 32)
		copy(mac, v.mac)
		info.AddRtAttr(iflaVfMac, append(vfStruct(v.num), mac...))
	}
	for _, at := range v.attrs {
		info.AddChild(at)
	}
	if v.newRate {
		if v.minRate < 0 || v.maxRate < 0 {
			min, max := rates(v.num)
			if v.minRate < 0 {
				v.minRate = int64(min)
			}
			if v.maxRate < 0 {
				v.maxRate = int64(max)
			}
		}
		if v.maxRate != 0 && v.minRate > v.maxRate {
			return nil, builtins.Fail(1, "Invalid min_tx_rate %d - must be <= max_tx_rate %d", v.minRate, v.maxRate)
		}
		info.AddRtAttr(iflaVfRate, vfStruct(v.num, uint32(v.minRate), uint32(v.maxRate)))
	}
	list := nl.NewRtAttr(unix.IFLA_VFINFO_LIST|unix.NLA_F_NESTED, nil)
	list.AddChild(info)
	return list, nil
}

// vfRates returns the min and max tx rates of VF num from a link's
// IFLA_VFINFO_LIST (ipaddr_get_vf_rate), 0 and 0 when it has none.
func vfRates(list []byte, num uint32) (min, max uint32) {
	_ = eachAttr(list, func(t uint16, info []byte) {
		at := parseRattrs(info)
		if r := at[iflaVfRate]; len(r) >= 12 && binary.NativeEndian.Uint32(r) == num {
			min, max = binary.NativeEndian.Uint32(r[4:]), binary.NativeEndian.Uint32(r[8:])
		}
	})
	return min, max
}
