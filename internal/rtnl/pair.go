package rtnl

import (
	"fmt"
	"reflect"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/ns"
)

// Pair is what nsh keeps open per namespace: a netlink.Handle for the
// requests package netlink has methods for, and a Conn for the others,
// both sending on the one NETLINK_ROUTE socket the Handle opened inside
// that namespace, which keeps reaching it from any thread for as long as
// it is open, with extended acks on.
type Pair struct {
	Handle *netlink.Handle
	Conn   *Conn
	// Key is the namespace the sockets were opened in, read on the
	// switched thread: the name they were reached through may have been
	// given to another namespace meanwhile.
	Key ns.Key
}

// OpenPair opens a Pair inside r's namespace, on a thread of host.Do that
// is switched into it only while the socket is opened.
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
		sh, err := handleSocket(h, unix.NETLINK_ROUTE)
		if err != nil {
			h.Close()
			return fmt.Errorf("sharing a netlink.Handle's socket: %w", err)
		}
		p = Pair{Handle: h, Conn: &Conn{sh: sh, shared: true}, Key: k}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("opening netlink in %s: %w", r.Describe(), err)
	}
	return &p, nil
}

// Close closes the socket (the Handle's, which the Conn shares).
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

// handleSocket returns h's socket of family fam, h.sockets[fam], read
// from the Handle's unexported field as HandleExtAck reads it. The Conn
// of a Pair sends on it: nl.NetlinkRequest.Execute holds the socket's
// lock for a whole request, so the Handle's requests and the Conn's take
// turns, and one socket per namespace serves both.
func handleSocket(h *netlink.Handle, fam int) (*nl.SocketHandle, error) {
	socks := reflect.ValueOf(h).Elem().FieldByName("sockets")
	if socks.Kind() != reflect.Map || socks.Type().Elem() != reflect.TypeFor[*nl.SocketHandle]() {
		return nil, fmt.Errorf("netlink.Handle has no sockets map")
	}
	sh := socks.MapIndex(reflect.ValueOf(fam))
	if !sh.IsValid() || sh.IsNil() {
		return nil, fmt.Errorf("netlink.Handle has no socket of family %d", fam)
	}
	return (*nl.SocketHandle)(sh.UnsafePointer()), nil
}

// handleFd returns the descriptor of h's socket of family fam.
func handleFd(h *netlink.Handle, fam int) (int, error) {
	sh, err := handleSocket(h, fam)
	if err != nil {
		return -1, err
	}
	if sh.Socket == nil {
		return -1, fmt.Errorf("netlink.Handle's socket handle has no socket")
	}
	return sh.Socket.GetFd(), nil
}
