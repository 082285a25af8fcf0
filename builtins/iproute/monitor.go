package iproute

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/ns"
)

// errInterrupted ends a command that runs until Ctrl-C (ctx cancelled)
// as the real tool ends when SIGINT kills it: status 130.
var errInterrupted = interp.ExitStatus(130)

// netnsMonitor is "ip netns monitor" (ipnetns.c netns_monitor): an
// "add NAME" or "delete NAME" line for each namespace name created in or
// removed from the namespace directory, until Ctrl-C.
func netnsMonitor(ctx context.Context, env *builtins.Env) error {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return fmt.Errorf("inotify_init failed: %s", ns.Strerror(err))
	}
	f := os.NewFile(uintptr(fd), "inotify")
	defer f.Close()
	dir := env.Host.RunDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("mkdir %s failed: %s", dir, ns.Strerror(err))
	}
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CREATE|unix.IN_DELETE); err != nil {
		return fmt.Errorf("inotify_add_watch failed: %s", ns.Strerror(err))
	}
	stop := context.AfterFunc(ctx, func() { f.SetReadDeadline(time.Now()) })
	defer stop()
	buf := make([]byte, 4096)
	for {
		n, err := f.Read(buf)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
				return errInterrupted
			}
			return fmt.Errorf("read failed: %s", ns.Strerror(err))
		}
		for b := buf[:n]; len(b) >= unix.SizeofInotifyEvent; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
			end := unix.SizeofInotifyEvent + int(ev.Len)
			if end > len(b) {
				break
			}
			name := cString(b[unix.SizeofInotifyEvent:end])
			if ev.Mask&unix.IN_CREATE != 0 {
				fmt.Fprintf(env.Stdout, "add %s\n", name)
			}
			if ev.Mask&unix.IN_DELETE != 0 {
				fmt.Fprintf(env.Stdout, "delete %s\n", name)
			}
			b = b[end:]
		}
	}
}

// cString is b up to its first NUL.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
