package bridge

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

// The expected messages below are assembled by hand from iproute2's
// bridge/vlan.c vlan_modify and bridge/fdb.c fdb_modify (and rtnl_talk,
// which adds NLM_F_ACK): what "bridge vlan|fdb ..." sends for the same
// line, field by field.

// hdr is a struct nlmsghdr with seq and pid 0.
func hdr(total int, typ, flags uint16) []byte {
	b := make([]byte, 16)
	binary.NativeEndian.PutUint32(b[0:], uint32(total))
	binary.NativeEndian.PutUint16(b[4:], typ)
	binary.NativeEndian.PutUint16(b[6:], flags)
	return b
}

// rta is an rtattr with its payload, padded to 4 bytes.
func rta(typ uint16, payload ...byte) []byte {
	b := make([]byte, 4, 4+len(payload)+3)
	binary.NativeEndian.PutUint16(b[0:], uint16(4+len(payload)))
	binary.NativeEndian.PutUint16(b[2:], typ)
	b = append(b, payload...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func u16(v uint16) []byte { b := make([]byte, 2); binary.NativeEndian.PutUint16(b, v); return b }
func u32(v uint32) []byte { b := make([]byte, 4); binary.NativeEndian.PutUint32(b, v); return b }

// vinfo is struct bridge_vlan_info.
func vinfo(flags, vid uint16) []byte { return append(u16(flags), u16(vid)...) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// ifinfo is struct ifinfomsg for AF_BRIDGE and index.
func ifinfo(index int32) []byte {
	b := make([]byte, 16)
	b[0] = unix.AF_BRIDGE
	binary.NativeEndian.PutUint32(b[4:], uint32(index))
	return b
}

// message prefixes body with its nlmsghdr.
func message(typ, flags uint16, body []byte) []byte {
	return append(hdr(16+len(body), typ, flags), body...)
}

// serialized returns req's bytes with the sequence number zeroed.
func serialized(b []byte) []byte {
	copy(b[8:12], []byte{0, 0, 0, 0})
	return b
}

func TestVlanRequestMatchesIproute2(t *testing.T) {
	const req, ack = unix.NLM_F_REQUEST, unix.NLM_F_ACK
	for _, c := range []struct {
		line string
		cmd  uint16
		v    vlanEntry
		want []byte
	}{
		{"bridge vlan add dev (7) vid 10 pvid untagged master", unix.RTM_SETLINK,
			vlanEntry{ifindex: 7, brFlags: 1, infoFlags: vlanInfoPVID | vlanInfoUntagged, vid: 10, vidTo: -1},
			message(unix.RTM_SETLINK, req|ack, cat(ifinfo(7),
				rta(unix.IFLA_AF_SPEC, cat(rta(0, u16(1)...), rta(2, vinfo(6, 10)...))...)))},
		{"bridge vlan add dev (3) vid 100", unix.RTM_SETLINK,
			vlanEntry{ifindex: 3, vid: 100, vidTo: -1},
			message(unix.RTM_SETLINK, req|ack, cat(ifinfo(3),
				rta(unix.IFLA_AF_SPEC, rta(2, vinfo(0, 100)...)...)))},
		{"bridge vlan add dev (4) vid 10-20 untagged self", unix.RTM_SETLINK,
			vlanEntry{ifindex: 4, brFlags: 2, infoFlags: vlanInfoUntagged, vid: 10, vidTo: 20},
			message(unix.RTM_SETLINK, req|ack, cat(ifinfo(4),
				rta(unix.IFLA_AF_SPEC, cat(rta(0, u16(2)...),
					rta(2, vinfo(vlanInfoUntagged|vlanInfoRangeBegin, 10)...),
					rta(2, vinfo(vlanInfoUntagged|vlanInfoRangeEnd, 20)...))...)))},
		{"bridge vlan del dev (5) vid 5 self master", unix.RTM_DELLINK,
			vlanEntry{ifindex: 5, brFlags: 3, vid: 5, vidTo: -1},
			message(unix.RTM_DELLINK, req|ack, cat(ifinfo(5),
				rta(unix.IFLA_AF_SPEC, cat(rta(0, u16(3)...), rta(2, vinfo(0, 5)...))...)))},
	} {
		got := serialized(vlanRequest(c.cmd, &c.v).Serialize())
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s:\nnsh:      % x\niproute2: % x", c.line, got, c.want)
		}
	}
}

func TestFdbRequestMatchesIproute2(t *testing.T) {
	const req, ack = unix.NLM_F_REQUEST, unix.NLM_F_ACK
	ndm := func(index int32, state uint16, flags uint8) []byte {
		b := make([]byte, 12)
		b[0] = unix.AF_BRIDGE
		binary.NativeEndian.PutUint32(b[4:], uint32(index))
		binary.NativeEndian.PutUint16(b[8:], state)
		b[10] = flags
		return b
	}
	mac := []byte{2, 0xbb, 0, 0, 0, 1}
	for _, c := range []struct {
		line  string
		cmd   uint16
		flags int
		e     fdbEntry
		want  []byte
	}{
		{"bridge fdb add 02:bb:00:00:00:01 dev (9) dst 10.0.0.4 port 4790 vni 43 self", unix.RTM_NEWNEIGH, unix.NLM_F_CREATE | unix.NLM_F_EXCL,
			fdbEntry{mac: mac, ifindex: 9, state: nudNoARP | nudPermanent, flags: ntfSelf, dst: net.ParseIP("10.0.0.4").To4(), vlan: -1, port: 4790, vni: 43, srcVNI: -1},
			message(unix.RTM_NEWNEIGH, req|ack|unix.NLM_F_CREATE|unix.NLM_F_EXCL, cat(ndm(9, 0xc0, 2),
				rta(unix.NDA_LLADDR, mac...), rta(unix.NDA_DST, 10, 0, 0, 4), rta(unix.NDA_PORT, 0x12, 0xb6), rta(unix.NDA_VNI, u32(43)...)))},
		{"bridge fdb replace 02:bb:00:00:00:01 dev (2) master static vlan 5", unix.RTM_NEWNEIGH, unix.NLM_F_CREATE | unix.NLM_F_REPLACE,
			fdbEntry{mac: mac, ifindex: 2, state: nudNoARP | nudReachable, flags: ntfMaster, vlan: 5, vni: -1, srcVNI: -1},
			message(unix.RTM_NEWNEIGH, req|ack|unix.NLM_F_CREATE|unix.NLM_F_REPLACE, cat(ndm(2, 0x42, 4),
				rta(unix.NDA_LLADDR, mac...), rta(unix.NDA_VLAN, u16(5)...)))},
		{"bridge fdb del 02:bb:00:00:00:01 dev (2) master", unix.RTM_DELNEIGH, 0,
			fdbEntry{mac: mac, ifindex: 2, state: nudNoARP | nudPermanent, flags: ntfMaster, vlan: -1, vni: -1, srcVNI: -1},
			message(unix.RTM_DELNEIGH, req|ack, cat(ndm(2, 0xc0, 4), rta(unix.NDA_LLADDR, mac...)))},
	} {
		got := serialized(fdbRequest(c.cmd, c.flags, &c.e).Serialize())
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s:\nnsh:      % x\niproute2: % x", c.line, got, c.want)
		}
	}
}

func TestScanMAC(t *testing.T) {
	for in, want := range map[string]string{
		"02:aa:00:00:00:01":  "02:aa:00:00:00:01",
		"2:a:0:0:0:1":        "02:0a:00:00:00:01",
		"02:aa:00:00:00:01x": "02:aa:00:00:00:01",
		"zz":                 "",
		"02:aa:00:00:00":     "",
	} {
		got, ok := scanMAC(in)
		if (want == "") == ok || ok && got.String() != want {
			t.Errorf("scanMAC(%q) = %v, %v; want %q", in, got, ok, want)
		}
	}
}
