package builtins

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/internal/rtnl"
	"github.com/nshlab/nsh/ns"
)

// Failure is a failed command as the real tool reports it: the line it
// writes on stderr (none when Text is empty) and its exit status. Err, when set, is nsh's fuller
// explanation (with hints), which .nsh scripts print; shell scripts and
// nsh called as the tool print Text (see Report).
type Failure struct {
	Text   string
	Status int
	Err    error
}

// Error returns nsh's explanation, or the tool's text without one.
func (f *Failure) Error() string {
	if f.Err != nil {
		return f.Err.Error()
	}
	return f.Text
}

// Unwrap returns nsh's explanation, so errors.Is sees its errno.
func (f *Failure) Unwrap() error { return f.Err }

// Fail returns a Failure whose text is formatted as fmt.Sprintf does.
func Fail(status int, format string, args ...any) error {
	return &Failure{Text: fmt.Sprintf(format, args...), Status: status}
}

// Rtnl wraps a kernel error of a request in what iproute2's rtnl_talk
// prints for it (Answer), with exit status 2, keeping err (and its hint)
// for .nsh scripts. An err without an errno is returned as it is.
//
// The kernel's extended ack message is seen only in a *rtnl.KernelError:
// pass a netlink.Handle method's error through rtnl.FromHandle before
// wrapping it (a raw rtnl.Conn returns KernelErrors already).
func Rtnl(err error) error {
	var errno syscall.Errno
	if err == nil || !errors.As(err, &errno) {
		return err
	}
	return &Failure{Text: Answer(err).Error(), Status: 2, Err: err}
}

// RtnlStatus is Answer as a Failure with exit status status, for a tool
// whose status for a refused request is not ip's: bridge's commands
// return -1 from main, so it exits 255. Its explanation is the tool's
// line too. An err without an errno is returned as it is.
func RtnlStatus(err error, status int) error {
	var errno syscall.Errno
	if err == nil || !errors.As(err, &errno) {
		return err
	}
	a := Answer(err)
	return &Failure{Text: a.Error(), Status: status, Err: a}
}

// Answer words a kernel error as iproute2's rtnl_talk does (ip, bridge):
// the extended ack message as "Error: MSG." (a period added when it has
// none) when the kernel gave one (lib/libnetlink.c, print_ext_ack_msg),
// else "RTNETLINK answers: " and strerror(3). errors.Is still sees the
// errno.
func Answer(err error) error {
	var ke *rtnl.KernelError
	if errors.As(err, &ke) && ke.Msg != "" {
		msg := ke.Msg
		if !strings.HasSuffix(msg, ".") {
			msg += "."
		}
		return fmt.Errorf("Error: %s%w", msg, silentErr{ke.Errno})
	}
	return fmt.Errorf("RTNETLINK answers: %w", ns.Strerror(err))
}

// silentErr carries an errno for errors.Is and prints nothing.
type silentErr struct{ errno syscall.Errno }

func (silentErr) Error() string   { return "" }
func (e silentErr) Unwrap() error { return e.errno }

// Report gives what the real tool would print for err and its exit
// status; defaultStatus is the tool's status for an error nsh has not
// classified.
func Report(err error, defaultStatus int) (text string, status int) {
	var f *Failure
	if errors.As(err, &f) {
		return f.Text, f.Status
	}
	return err.Error(), defaultStatus
}

// ErrNotImplemented is what a command answers (errors.Is) for a part of
// the real tool's grammar that nsh does not implement (as opposed to a
// mistake): a shell script then runs the real program instead, when there
// is one.
var ErrNotImplemented = errors.New("not implemented by nsh")

// notImplemented is an error that says what nsh lacks and is
// ErrNotImplemented.
type notImplemented struct{ msg string }

func (e notImplemented) Error() string        { return e.msg }
func (e notImplemented) Is(target error) bool { return target == ErrNotImplemented }

// NotImplemented returns an error, formatted as fmt.Sprintf does, that
// is ErrNotImplemented.
func NotImplemented(format string, args ...any) error {
	return notImplemented{fmt.Sprintf(format, args...)}
}

// Typo returns the failure of a word that is none of candidates: the
// real tool's text and status, and for .nsh scripts that text followed
// by a line suggesting the closest candidate, when one is close.
func Typo(status int, text, word string, candidates []string) error {
	f := &Failure{Text: text, Status: status}
	if s := spec.Suggest(word, candidates); s != "" {
		f.Err = fmt.Errorf("%s\nnsh: did you mean %q?", text, s)
	}
	return f
}

// Usage prints usage text name of the model (spec.Usage) as the real tool
// prints it, and returns the failure with the tool's exit status for it:
// on standard error as the failure's text, or on standard output.
func Usage(env *Env, name string) error {
	text := spec.Usage(name)
	toStdout, status := spec.UsageStatus(name)
	if toStdout {
		fmt.Fprint(env.Stdout, text)
		return &Failure{Status: status}
	}
	return &Failure{Text: strings.TrimSuffix(text, "\n"), Status: status}
}

// WithSuggestion adds to err, a failure the real tool reports with its
// own line, nsh's line for .nsh scripts when the model (spec.Inspect)
// finds a likely typo in the command line words: an unknown keyword or
// link type close to a known one ("did you mean").
func WithSuggestion(err error, words []string) error {
	var f *Failure
	if err == nil || !errors.As(err, &f) || f.Text == "" {
		return err
	}
	for _, p := range spec.Inspect(words, nil).Problems {
		if !p.Warning && strings.Contains(p.Msg, "did you mean") {
			if f.Err != nil {
				return &Failure{Text: f.Text, Status: f.Status, Err: fmt.Errorf("%w\nnsh: %s", f.Err, p.Msg)}
			}
			return &Failure{Text: f.Text, Status: f.Status, Err: fmt.Errorf("%s\nnsh: %s", f.Text, p.Msg)}
		}
	}
	return err
}
