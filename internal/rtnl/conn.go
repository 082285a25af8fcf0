// Package rtnl is nsh's raw NETLINK_ROUTE code, shared by ip, bridge and
// brctl and by the test snapshots of package kstate: a socket (Conn) for
// the requests package netlink has no Handle method for, the attribute
// codec (Attrs), the kernel's error answers with their extended ack
// message (KernelError), and the Pair (a netlink.Handle and a Conn on its
// socket) nsh keeps per namespace.
//
// A Conn, like a netlink.Handle, is bound for good to the namespace it was
// opened in: it never opens a socket of its own, so after Close a request
// fails instead of reaching whatever namespace the calling thread is in.
//
// Requests are built with package netlink's nl.NetlinkRequest and
// nl.RtAttr; answers are parsed here.
package rtnl

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// ErrClosed is returned by a request on a closed Conn.
var ErrClosed = errors.New("netlink socket closed")

// Conn is a NETLINK_ROUTE socket opened in one namespace, with extended
// acks on (NETLINK_EXT_ACK, as iproute2 sets it), so that a refusal
// carries the kernel's own explanation. It is safe for concurrent use;
// requests on one Conn are answered one at a time.
type Conn struct {
	mu sync.Mutex
	sh *nl.SocketHandle // nil once closed
	// shared: sh is a netlink.Handle's socket (see OpenPair), which the
	// Handle closes.
	shared bool
}

// Open opens a Conn in the network namespace of the calling thread: call
// it on a thread locked into the namespace the Conn is for (ns.Host.Do).
func Open() (*Conn, error) {
	s, err := nl.Subscribe(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("opening a NETLINK_ROUTE socket: %w", err)
	}
	if err := s.SetExtAck(true); err != nil {
		s.Close()
		return nil, fmt.Errorf("NETLINK_EXT_ACK: %w", err)
	}
	return &Conn{sh: &nl.SocketHandle{Socket: s}}, nil
}

// Close closes the socket (or, for a Conn that shares a Handle's socket,
// lets go of it); later requests fail with ErrClosed. A second Close does
// nothing.
func (c *Conn) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sh != nil && !c.shared {
		c.sh.Close()
	}
	c.sh = nil
}

// SetReceiveBuffer sets the socket's receive buffer to n bytes
// (SO_RCVBUF, as "ip -rcvbuf N" sets its socket's).
func (c *Conn) SetReceiveBuffer(n int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sh == nil {
		return ErrClosed
	}
	if err := c.sh.Socket.SetReceiveBufferSize(n, false); err != nil {
		return fmt.Errorf("SO_RCVBUF: %w", err)
	}
	return nil
}

// dumpRetries bounds the retries of a dump the kernel interrupted.
const dumpRetries = 10

// Execute sends req on the socket and returns the answers of type resType
// (0 for a request answered only by an ack), retrying a dump interrupted
// by concurrent changes (netlink.ErrDumpInterrupted), so that a listing
// is never silently partial. It is the raw form of any iproute2 request
// package netlink has no Handle method for.
//
// A kernel error comes back as a *KernelError, with the kernel's extended
// ack message if it gave one.
func (c *Conn) Execute(req *nl.NetlinkRequest, resType uint16) ([][]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sh == nil {
		return nil, ErrClosed
	}
	return Retry(func() ([][]byte, error) { return c.execute(req, resType) })
}

// execute sends req once and reads its answers: those of type resType
// (all of them for a dump), up to the kernel's ack or NLMSG_DONE. It
// reads the kernel's error itself rather than through
// nl.NetlinkRequest.Execute, which takes the extended ack attributes of
// a failed dump (NLMSG_DONE: the errno, then the attributes) for an
// echoed request and fails out of bounds on them.
func (c *Conn) execute(req *nl.NetlinkRequest, resType uint16) ([][]byte, error) {
	s := c.sh.Socket
	s.Lock()
	defer s.Unlock()
	req.Seq = atomic.AddUint32(&c.sh.Seq, 1)
	if err := s.Send(req); err != nil {
		return nil, err
	}
	pid, err := s.GetPid()
	if err != nil {
		return nil, err
	}
	var res [][]byte
	intr := false
	for {
		msgs, from, err := s.Receive()
		if err != nil {
			return nil, err
		}
		if from.Pid != nl.PidKernel {
			return nil, fmt.Errorf("netlink answer from port %d, not the kernel", from.Pid)
		}
		for _, m := range msgs {
			if m.Header.Seq != req.Seq || m.Header.Pid != pid {
				continue
			}
			if m.Header.Flags&unix.NLM_F_DUMP_INTR != 0 {
				intr = true
			}
			switch m.Header.Type {
			case unix.NLMSG_DONE, unix.NLMSG_ERROR:
				if len(m.Data) < 4 {
					return res, nil
				}
				if errno := int32(binary.NativeEndian.Uint32(m.Data[:4])); errno != 0 {
					return nil, &KernelError{Errno: unix.Errno(-errno), Msg: extAckMsg(m.Header.Type, m.Header.Flags, m.Data[4:])}
				}
				if intr {
					return nil, netlink.ErrDumpInterrupted
				}
				return res, nil
			}
			if resType == 0 || m.Header.Type == resType {
				res = append(res, m.Data)
			}
			if m.Header.Flags&unix.NLM_F_MULTI == 0 {
				return res, nil
			}
		}
	}
}

// extAckMsg returns the extended ack message (NLMSGERR_ATTR_MSG) of an
// error answer whose errno has been read: b is what follows the errno.
// An NLMSG_ERROR echoes the request (only its header when the kernel
// capped it) before the attributes; a failed dump's NLMSG_DONE has the
// attributes right after the errno.
func extAckMsg(typ, flags uint16, b []byte) string {
	if flags&unix.NLM_F_ACK_TLVS == 0 {
		return ""
	}
	if typ == unix.NLMSG_ERROR {
		if len(b) < unix.SizeofNlMsghdr {
			return ""
		}
		skip := unix.SizeofNlMsghdr
		if flags&unix.NLM_F_CAPPED == 0 {
			skip = int(binary.NativeEndian.Uint32(b[:4])+3) &^ 3
		}
		if skip > len(b) {
			return ""
		}
		b = b[skip:]
	}
	attrs, err := ParseAttrs(b)
	if err != nil {
		return ""
	}
	return attrs.Str(nl.NLMSGERR_ATTR_MSG)
}

// Retry runs a netlink dump until it is not interrupted by a concurrent
// change (netlink.ErrDumpInterrupted), at most a few times, so that a
// listing is never silently partial.
func Retry[T any](dump func() (T, error)) (T, error) {
	var (
		v   T
		err error
	)
	for i := 0; i < dumpRetries; i++ {
		v, err = dump()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return v, err
		}
	}
	return v, fmt.Errorf("dump kept being interrupted by concurrent changes: %w", err)
}

// KindKnown reports whether the kernel in c's namespace has the link type
// kind registered, without creating anything: an RTM_GETLINK dump
// filtered on IFLA_INFO_KIND is filtered, every answer marked
// NLM_F_DUMP_FILTERED, only when the kernel knows the kind
// (rtnl_dump_ifinfo); for an unknown kind it lists every link, lo first.
func (c *Conn) KindKnown(kind string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sh == nil {
		return false, ErrClosed
	}
	s := c.sh.Socket
	s.Lock()
	defer s.Unlock()
	req := nl.NewNetlinkRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP)
	req.Seq = atomic.AddUint32(&c.sh.Seq, 1)
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	li := nl.NewRtAttr(unix.IFLA_LINKINFO, nil)
	li.AddRtAttr(nl.IFLA_INFO_KIND, nl.NonZeroTerminated(kind))
	req.AddData(li)
	if err := s.Send(req); err != nil {
		return false, err
	}
	known := true
	for {
		msgs, _, err := s.Receive()
		if err != nil {
			return false, err
		}
		for _, m := range msgs {
			if m.Header.Seq != req.Seq {
				continue
			}
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				return known, nil
			case unix.NLMSG_ERROR:
				return false, fmt.Errorf("RTM_GETLINK kind %s: error answer", kind)
			case unix.RTM_NEWLINK:
				if m.Header.Flags&unix.NLM_F_DUMP_FILTERED == 0 {
					known = false
				}
			}
		}
	}
}

// KernelError is the kernel's error answer to a request: the errno and
// the extended ack message (NLMSGERR_ATTR_MSG) it came with, if any.
// errors.Is sees the errno.
type KernelError struct {
	Errno unix.Errno
	Msg   string
}

// Error prints the errno and the message as package netlink does.
func (e *KernelError) Error() string {
	if e.Msg == "" {
		return e.Errno.Error()
	}
	return e.Errno.Error() + ": " + e.Msg
}

// Unwrap returns the errno.
func (e *KernelError) Unwrap() error { return e.Errno }

// FromHandle turns the error of a request, exactly as a netlink.Handle
// method or nl.NetlinkRequest.Execute returned it, into a *KernelError
// when it is the kernel's answer: a bare errno, or the errno that package
// netlink annotated with the extended ack message as "%w: MSG". Other
// errors (and nil) are returned as they are. Apply it to the request's
// own error, before wrapping it: once wrapped, an annotation cannot be
// told from nsh's own words.
func FromHandle(err error) error {
	switch e := err.(type) {
	case nil, *KernelError:
		return err
	case syscall.Errno:
		return &KernelError{Errno: e}
	}
	var errno syscall.Errno
	if u, ok := errors.Unwrap(err).(syscall.Errno); ok {
		errno = u
	} else {
		return err
	}
	msg, ok := strings.CutPrefix(err.Error(), errno.Error()+": ")
	if !ok {
		return err
	}
	return &KernelError{Errno: errno, Msg: msg}
}

// Message returns the kernel's extended ack message carried by err (a
// *KernelError anywhere in its chain), or "".
func Message(err error) string {
	var ke *KernelError
	if errors.As(err, &ke) {
		return ke.Msg
	}
	return ""
}
