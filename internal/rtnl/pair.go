package rtnl

import (
	"fmt"
	"reflect"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/ns"
)

// Pair is what nsh keeps open per namespace: a netlink.Handle for the
// requests package netlink has methods for, and a Conn for the others.
// Both were opened inside that namespace and keep reaching it from any
// thread, for as long as they are open; both have extended acks on.
type Pair struct {
	Handle *netlink.Handle
	Conn   *Conn
	// Key is the namespace the sockets were opened in, read on the
	// switched thread: the name they were reached through may have been
	// given to another namespace meanwhile.
	Key ns.Key
}

// OpenPair opens a Pair inside r's namespace, on a thread of host.Do that
// is switched into it only while the two sockets are opened.
func OpenPair(host *ns.Host, r ns.Ref) (*Pair, error) {
	var p Pair
	err := host.Do(r, func() error {
		k, err := ns.ThreadKey()
		if err != nil {
			return err
		}
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		if err != nil {
			return err
		}
		if err := HandleExtAck(h); err != nil {
			h.Close()
			return err
		}
		c, err := Open()
		if err != nil {
			h.Close()
			return err
		}
		p = Pair{Handle: h, Conn: c, Key: k}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("opening netlink in %s: %w", r.Describe(), err)
	}
	return &p, nil
}

// Close closes both sockets.
func (p *Pair) Close() {
	p.Handle.Close()
	p.Conn.Close()
}

// HandleExtAck turns NETLINK_EXT_ACK on for the NETLINK_ROUTE socket of
// h, so that the errors of h's methods carry the kernel's message (package
// netlink annotates the errno with it, and FromHandle reads it back).
//
// Package netlink v1.3.1 sets the option only on the throwaway sockets of
// its package-level functions, when nl.EnableErrorMessageReporting is
// set, never on a Handle's (vishvananda/netlink#1129), and a Handle does
// not export its sockets: the descriptor is read from the Handle's
// fields. Should a later version rename them, HandleExtAck fails and so
// does every Acquire, rather than quietly losing the messages.
func HandleExtAck(h *netlink.Handle) error {
	fd, err := handleFd(h, unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("NETLINK_EXT_ACK on a netlink.Handle: %w", err)
	}
	// Make sure the descriptor is the Handle's NETLINK_ROUTE socket.
	dom, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN)
	if err != nil {
		return fmt.Errorf("NETLINK_EXT_ACK on a netlink.Handle: %w", err)
	}
	proto, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_PROTOCOL)
	if err != nil {
		return fmt.Errorf("NETLINK_EXT_ACK on a netlink.Handle: %w", err)
	}
	if dom != unix.AF_NETLINK || proto != unix.NETLINK_ROUTE {
		return fmt.Errorf("NETLINK_EXT_ACK on a netlink.Handle: descriptor %d is not a NETLINK_ROUTE socket", fd)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_EXT_ACK, 1); err != nil {
		return fmt.Errorf("NETLINK_EXT_ACK on a netlink.Handle: %w", err)
	}
	return nil
}

// handleFd reads the descriptor of h's socket of family fam:
// h.sockets[fam].Socket.fd.
func handleFd(h *netlink.Handle, fam int) (int, error) {
	socks := reflect.ValueOf(h).Elem().FieldByName("sockets")
	if socks.Kind() != reflect.Map {
		return -1, fmt.Errorf("netlink.Handle has no sockets map")
	}
	sh := socks.MapIndex(reflect.ValueOf(fam))
	if !sh.IsValid() || sh.IsNil() {
		return -1, fmt.Errorf("netlink.Handle has no socket of family %d", fam)
	}
	s := sh.Elem().FieldByName("Socket")
	if s.Kind() != reflect.Pointer || s.IsNil() {
		return -1, fmt.Errorf("netlink.Handle's socket handle has no socket")
	}
	fd := s.Elem().FieldByName("fd")
	if !fd.CanInt() {
		return -1, fmt.Errorf("netlink.NetlinkSocket has no fd field")
	}
	return int(fd.Int()), nil
}
