package interp

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/nshlab/nsh/lang"
	"github.com/nshlab/nsh/ns"
)

// ExecHandlerFunc runs one command: args[0] is the command word, the rest
// its arguments, all expanded. The HandlerContext of ctx carries stdio and
// the namespace. A nil error means success; an ExitStatus error carries an
// external program's non-zero exit status.
type ExecHandlerFunc func(ctx context.Context, args []string) error

// HandlerContext is what a command sees of the interpreter.
type HandlerContext struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	// NS is the namespace the command runs in; Host reaches namespaces.
	NS   ns.Ref
	Host *ns.Host

	// Pos is the position of the statement in the script.
	Pos lang.Pos

	// Env is the environment external programs get, as "NAME=value"
	// strings (as os.Environ returns it).
	Env []string

	// Dir is the script's working directory, as "cd" set it, against
	// which relative file names are taken; "" means the process's.
	Dir string

	// Run runs args through the whole handler chain in namespace r, as
	// "ip netns exec r args..." does: on a copy of the interpreter, as a
	// child process would, so that "exit", "cd" or a procedure's
	// assignments do not reach the caller. An "exit N" comes back as
	// ExitStatus(N) (nil for 0).
	Run func(ctx context.Context, r ns.Ref, args []string) error

	// Following returns the i-th (from 0) simple command after this
	// statement in its block, expanded in the current variables and with
	// the namespace it will run in; ok is false past the end of the block
	// or from the first statement that is not a simple command without
	// redirections, or when that command does not expand. Each call costs
	// one expansion, for optimisations that look ahead, such as creating a
	// veth peer directly in its namespace; look no further than needed.
	// It is never nil.
	Following func(i int) (f Following, ok bool)

	// Skip marks the i-th statement of Following as already done: the
	// interpreter will not run it when it gets there (nsh -x traces it as
	// done by this statement's line). undo, which may be nil, restores
	// the state the statements in between would have seen without this
	// shortcut; the interpreter runs it (even after a cancellation) if the
	// block stops, by an error, "exit" or a cancellation, before reaching
	// the skipped statement. It is never nil.
	Skip func(i int, undo func(ctx context.Context) error)
}

// Following is one statement after the current one, as returned by
// HandlerContext.Following.
type Following struct {
	Args []string
	NS   ns.Ref
	Pos  lang.Pos
}

type handlerCtxKey struct{}

// HandlerCtx returns the HandlerContext stored in ctx by the interpreter.
// It panics if there is none: only call it from an ExecHandlerFunc.
func HandlerCtx(ctx context.Context) HandlerContext {
	hc, ok := ctx.Value(handlerCtxKey{}).(HandlerContext)
	if !ok {
		panic("interp.HandlerCtx: not called from an exec handler")
	}
	return hc
}

// WithHandlerCtx returns ctx carrying hc (for tests of handlers).
func WithHandlerCtx(ctx context.Context, hc HandlerContext) context.Context {
	return context.WithValue(ctx, handlerCtxKey{}, hc)
}

// ExitStatus is the error of a command that exited with a non-zero status.
type ExitStatus uint8

// Error returns "exit status N", as os/exec's ExitError does.
func (e ExitStatus) Error() string { return fmt.Sprintf("exit status %d", uint8(e)) }

// StatusOf returns the exit status that err stands for: 0 for nil, the
// status of an ExitStatus, 1 otherwise.
func StatusOf(err error) int {
	if err == nil {
		return 0
	}
	var es ExitStatus
	if errors.As(err, &es) {
		return int(es)
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return 1
}

// ExitError is returned by Run when the script ran "exit N".
type ExitError struct{ Code int }

// Error returns "exit N".
func (e *ExitError) Error() string { return fmt.Sprintf("exit %d", e.Code) }
