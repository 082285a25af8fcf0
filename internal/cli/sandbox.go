package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// sandboxEnv marks the re-executed nsh that runs inside the sandbox. It
// counts only in a process that is the first of a new PID namespace
// (pid 1), which only runSandboxed makes, and the child removes it from
// its environment at once: a program the sandboxed script starts (another
// nsh, say) neither inherits it nor can an ordinary run be told by its
// environment that it is a sandbox.
const sandboxEnv = "NSH_IN_SANDBOX"

// sandboxChild reports whether this process is the nsh that runSandboxed
// started, and removes the marker from the environment either way.
func sandboxChild() bool {
	v, ok := os.LookupEnv(sandboxEnv)
	if ok {
		os.Unsetenv(sandboxEnv)
	}
	return ok && v == "1" && os.Getpid() == 1
}

// runSandboxed re-executes nsh inside new network, mount and PID
// namespaces. Everything the script creates lives in those namespaces
// and disappears with the child: the kernel kills every process of a PID
// namespace when its first process ends, and the child gets SIGKILL when
// this process ends, whatever ends it (kill -9 included).
func runSandboxed(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if os.Geteuid() != 0 {
		fmt.Fprintln(stderr, "nsh: --sandbox needs root (it creates network and mount namespaces)")
		return 1
	}
	// Pdeathsig is tied to the thread that forks the child: lock it for
	// the child's whole life (Main runs on the main thread, which never
	// ends before the process does).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cmd := exec.Command("/proc/self/exe", args[1:]...)
	cmd.Args[0] = args[0]
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, sandboxEnv+"=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, sandboxEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNET | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID,
		Pdeathsig:  syscall.SIGKILL,
	}
	// Ctrl-C is the child's to handle (the REPL stops the running
	// statement and goes on): the parent must not die of it first.
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt)
	defer signal.Stop(sigc)
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	if err != nil {
		fmt.Fprintf(stderr, "nsh: --sandbox: %v\n", err)
		return 1
	}
	return 0
}

// enterSandbox runs in the re-executed child: it keeps every mount change
// private to the sandbox, gives it an empty /run/netns of its own and a
// /proc of its PID namespace (so that the pids of "$!", "ip netns pids"
// and "netns PID" are the sandbox's). As the first process of its PID
// namespace it would ignore SIGTERM and SIGHUP, which have no handler:
// they end it, and with it the sandbox, as they end an ordinary nsh.
func enterSandbox() error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	if err := os.MkdirAll("/run/netns", 0o755); err != nil {
		return err
	}
	if err := unix.Mount("tmpfs", "/run/netns", "tmpfs", 0, "mode=0755"); err != nil {
		return fmt.Errorf("tmpfs on /run/netns: %w", err)
	}
	if err := os.MkdirAll("/run/nsh", 0o700); err != nil {
		return err
	}
	if err := unix.Mount("tmpfs", "/run/nsh", "tmpfs", 0, "mode=0700"); err != nil {
		return fmt.Errorf("tmpfs on /run/nsh: %w", err)
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("proc on /proc: %w", err)
	}
	if err := privateCopy("/etc/iproute2"); err != nil {
		return fmt.Errorf("private /etc/iproute2: %w", err)
	}
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		sig := <-sigc
		os.Exit(128 + int(sig.(syscall.Signal)))
	}()
	return nil
}

// privateCopy puts a private copy of the directory dir (its files and
// subdirectories, as they are now) on a tmpfs over dir: what a script
// writes there (a table name in rt_tables) stays in the sandbox. A
// missing dir is left alone.
func privateCopy(dir string) error {
	type file struct {
		rel  string
		data []byte
		mode os.FileMode
	}
	var files []file
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			files = append(files, file{rel: rel, mode: info.Mode()})
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files = append(files, file{rel: rel, data: data, mode: info.Mode()})
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, f.rel)
		if f.mode.IsDir() {
			if err := os.MkdirAll(p, f.mode.Perm()); err != nil {
				return err
			}
			continue
		}
		if err := os.WriteFile(p, f.data, f.mode.Perm()); err != nil {
			return err
		}
	}
	return nil
}
