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

	// Env returns an environment variable as external programs get it.
	Env []string

	// Run runs args through the whole handler chain in namespace r, as
	// "ip netns exec r args..." does.
	Run func(ctx context.Context, r ns.Ref, args []string) error

	// Following returns the i-th (from 0) simple command after this
	// statement in its block, expanded in the current variables; ok is
	// false past the end of the block or at the first statement that is
	// not a simple command (or does not expand). It is lazy and cheap per
	// call, for optimisations that look ahead, such as creating a veth
	// peer directly in its namespace: stop looking as soon as possible.
	Following func(i int) (f Following, ok bool)

	// Skip marks the i-th statement of Following as already done: the
	// interpreter will not run it when it gets there.
	Skip func(i int)
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

func (e *ExitError) Error() string { return fmt.Sprintf("exit %d", e.Code) }
