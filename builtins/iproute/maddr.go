package iproute

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/ns"
)

// maddrModify is "ip maddress add|delete [address] LLADDR dev DEV"
// (multiaddr_modify): SIOCADDMULTI or SIOCDELMULTI on a datagram socket
// of the target namespace, with the six-byte link-layer address.
func maddrModify(env *builtins.Env, g *Global, verb string, args []string) error {
	var dev string
	var hw []byte
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		if w == "dev" {
			v, err := a.Need(w)
			if err != nil {
				return err
			}
			if dev != "" {
				return duparg("dev", v)
			}
			if builtins.ValidIfName(v) != nil {
				return invarg("\"dev\" not a valid ifname", v)
			}
			dev = v
			continue
		}
		if builtins.Is(w, "address") {
			v, err := a.Need(w)
			if err != nil {
				return err
			}
			w = v
		}
		if builtins.Is(w, "help") {
			return builtins.Usage(env, spec.IP.Object("maddress").Usage)
		}
		if len(hw) > 0 && hw[0] != 0 {
			return duparg("address", w)
		}
		b, err := llAddr(w, 14)
		if err != nil {
			return err
		}
		if len(b) != 6 {
			return builtins.Fail(1, "Error: Invalid address length %d - must be 6 bytes", len(b))
		}
		hw = b
	}
	if dev == "" {
		return builtins.Fail(255, "Not enough information: \"dev\" is required.")
	}
	family := unix.AF_INET
	switch g.Family {
	case unix.AF_INET6, unix.AF_PACKET:
		family = g.Family
	}
	req := unix.SIOCADDMULTI
	if verb == "delete" {
		req = unix.SIOCDELMULTI
	}
	// struct ifreq: the name, then ifr_hwaddr (family AF_UNSPEC, data).
	var ifr [unix.IFNAMSIZ + 16]byte
	copy(ifr[:unix.IFNAMSIZ-1], dev)
	copy(ifr[unix.IFNAMSIZ+2:], hw)
	return env.Host.Do(g.NS, func() error {
		fd, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return builtins.Fail(1, "Cannot create socket: %s", ns.Strerror(err))
		}
		defer unix.Close(fd)
		if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(&ifr[0]))); e != 0 {
			return &builtins.Failure{Text: "ioctl: " + ns.Strerror(e).Error(), Status: 1, Err: fmt.Errorf("ip maddress %s %s dev %s: %w", verb, net.HardwareAddr(hw), dev, e)}
		}
		return nil
	})
}

// maddr is one multicast address of a link, as ipmaddr.c reads it from
// /proc/net/dev_mcast (link layer), /proc/net/igmp and /proc/net/igmp6.
type maddr struct {
	index    int
	name     string
	family   int // afPacket, afInet or afInet6
	addr     []byte
	users    int
	features string
}

// cmdMaddr is "ip maddress [show|list] [[dev] DEV]".
func cmdMaddr(_ context.Context, env *builtins.Env, g *Global, args []string) error {
	if len(args) > 0 {
		verb, err := verbOf(env, "maddress", args[0])
		if err != nil {
			return err
		}
		if verb == "add" || verb == "delete" {
			return maddrModify(env, g, verb, args[1:])
		}
		args = args[1:]
	}
	dev := ""
	a := builtins.NewArgs(args)
	for a.More() {
		w, _ := a.Next()
		if w == "dev" {
			var err error
			if w, err = a.Need(w); err != nil {
				return err
			}
		} else if builtins.Is(w, "help") {
			return builtins.Usage(env, spec.IP.Object("maddress").Usage)
		}
		if dev != "" {
			return builtins.Fail(255, "Error: either \"dev\" is duplicate, or %q is a garbage.", w)
		}
		dev = w
	}
	files := map[string][]byte{}
	// /proc/net is the namespace of the thread that reads it (through
	// /proc/thread-self), so the files are read inside g.NS.
	err := env.Host.Do(g.NS, func() error {
		for _, f := range []string{"dev_mcast", "igmp", "igmp6"} {
			b, err := os.ReadFile("/proc/thread-self/net/" + f)
			if err == nil {
				files[f] = b
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var list []maddr
	fam := g.Family
	if fam == 0 || fam == afPacket {
		list = append(list, readDevMcast(files["dev_mcast"])...)
	}
	if fam == 0 || fam == afInet {
		list = append(list, readIgmp(files["igmp"])...)
	}
	if fam == 0 || fam == afInet6 {
		list = append(list, readIgmp6(files["igmp6"])...)
	}
	if dev != "" {
		kept := list[:0]
		for _, m := range list {
			if m.name == dev {
				kept = append(kept, m)
			}
		}
		list = kept
	}
	// maddr_ins: by index, in reading order within one index.
	sort.SliceStable(list, func(i, j int) bool { return list[i].index < list[j].index })
	p := newPrinter(g)
	cur := 0
	for _, m := range list {
		if m.index != cur || g.Oneline {
			if cur != 0 {
				p.close("")
				p.close("")
			}
			p.openObject("")
			p.any("ifindex", "%d:", m.index)
			p.colorAny(colorIfname, "ifname", "\t%s", m.name)
			p.nl()
			cur = m.index
			p.openArray("maddr", "")
		}
		p.fp("\t")
		p.openObject("")
		if m.family == afPacket {
			p.fp("link  ")
			p.colorAny(colorMac, "link", "%s", net.HardwareAddr(m.addr).String())
		} else {
			p.any("family", "%-5s ", familyName(m.family))
			p.colorAny(familyColor(m.family), "address", "%s", builtins.FormatIP(net.IP(m.addr)))
		}
		if m.users != 1 {
			p.any("users", " users %d", m.users)
		}
		if m.features != "" {
			p.any("features", " %s", m.features)
		}
		p.fp("\n")
		p.close("")
	}
	if cur != 0 {
		p.close("")
		p.close("")
	}
	return p.flush(env.Stdout)
}

// readDevMcast reads /proc/net/dev_mcast: "INDEX NAME USERS STATIC HEX".
func readDevMcast(b []byte) []maddr {
	var out []maddr
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 {
			continue
		}
		idx, _ := strconv.Atoi(f[0])
		users, _ := strconv.Atoi(f[2])
		addr, err := hex.DecodeString(f[4])
		if err != nil {
			continue
		}
		m := maddr{index: idx, name: f[1], family: afPacket, addr: addr, users: users}
		if f[3] != "0" {
			m.features = "static"
		}
		out = append(out, m)
	}
	return out
}

// readIgmp reads /proc/net/igmp: a header line, then per device a line
// "INDEX NAME: COUNT QUERIER" and a tab-indented line per group "GROUP
// USERS TIMER REPORTER", GROUP being the address as a host-order hex
// number.
func readIgmp(b []byte) []maddr {
	var out []maddr
	sc := bufio.NewScanner(bytes.NewReader(b))
	if !sc.Scan() {
		return nil
	}
	idx, name := 0, ""
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		if !strings.HasPrefix(line, "\t") {
			idx, _ = strconv.Atoi(f[0])
			name = strings.TrimSuffix(f[1], ":")
			continue
		}
		v, err := strconv.ParseUint(f[0], 16, 32)
		if err != nil {
			continue
		}
		users, _ := strconv.Atoi(f[1])
		out = append(out, maddr{index: idx, name: name, family: afInet,
			addr: binary.LittleEndian.AppendUint32(nil, uint32(v)), users: users})
	}
	return out
}

// readIgmp6 reads /proc/net/igmp6: "INDEX NAME HEX USERS FLAGS TIMER".
func readIgmp6(b []byte) []maddr {
	var out []maddr
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		idx, _ := strconv.Atoi(f[0])
		users, _ := strconv.Atoi(f[3])
		addr, err := hex.DecodeString(f[2])
		if err != nil || len(addr) != 16 {
			continue
		}
		out = append(out, maddr{index: idx, name: f[1], family: afInet6, addr: addr, users: users})
	}
	return out
}
