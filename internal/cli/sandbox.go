package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// sandboxEnv marks the re-executed nsh that runs inside the sandbox.
const sandboxEnv = "NSH_IN_SANDBOX"

// runSandboxed re-executes nsh inside a new network and mount namespace
// (unshare(CLONE_NEWNET|CLONE_NEWNS)). Everything the script creates
// lives in those namespaces and disappears with the child.
func runSandboxed(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if os.Geteuid() != 0 {
		fmt.Fprintln(stderr, "nsh: --sandbox needs root (it creates network and mount namespaces)")
		return 1
	}
	cmd := exec.Command("/proc/self/exe", args[1:]...)
	cmd.Args[0] = args[0]
	cmd.Env = append(os.Environ(), sandboxEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNET | syscall.CLONE_NEWNS,
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
		return ee.ExitCode()
	}
	if err != nil {
		fmt.Fprintf(stderr, "nsh: --sandbox: %v\n", err)
		return 1
	}
	return 0
}

// enterSandbox runs in the re-executed child: it keeps every mount change
// private to the sandbox and gives it an empty /run/netns of its own.
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
	return nil
}
