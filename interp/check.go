package interp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nshlab/nsh/lang"
)

// CommandChecker checks a command's words before anything runs (see
// lang.CheckConfig.CheckCommand).
type CommandChecker func(words []string, known []bool) lang.CommandInfo

// StaticCheck makes Run check each file or statement with lang.Check
// before running any of it, against the runner's state at that moment
// (CheckConfig), with cmd checking the commands' words (nil: none). A
// statement with an error does not run: Run returns a *CheckError.
// Warnings are printed to standard error and the statement runs. A file
// run by "source" is checked the same way when it runs.
func StaticCheck(cmd CommandChecker) Option {
	return func(r *Runner) error {
		r.checking = true
		r.checkCmd = cmd
		return nil
	}
}

// CheckError is a script that failed the static check: nothing of it
// ran.
type CheckError struct {
	Checked *lang.Checked
}

// Error prints every problem, with its source line and a caret.
func (e *CheckError) Error() string {
	return strings.TrimSuffix(e.Checked.Detail(), "\n")
}

// CheckConfig is what lang.Check needs to know of a script this runner
// is about to run: its variables, procedures and environment, the
// namespaces of its host, the files "source" would read from its
// directory, its programs in PATH and the command words of its exec
// handlers, and the command checker of StaticCheck.
func (r *Runner) CheckConfig() lang.CheckConfig {
	cmds := make([]string, 0, len(r.reserved))
	for n := range r.reserved {
		cmds = append(cmds, n)
	}
	return lang.CheckConfig{
		Defined: func(name string) bool {
			if _, ok := r.lookup(name); ok {
				return true
			}
			_, ok := r.getEnv(name)
			return ok
		},
		Proc: func(name string) (*lang.Def, bool) {
			d, ok := r.procs[name]
			return d, ok
		},
		Commands: cmds,
		NetnsExists: func(name string) bool {
			ref, err := r.host.Resolve(name)
			return err == nil && r.host.Exists(ref)
		},
		ReadFile: func(name string) ([]byte, error) {
			if r.dir != "" && !filepath.IsAbs(name) {
				name = filepath.Join(r.dir, name)
			}
			return os.ReadFile(name)
		},
		LookPath: func(name string) bool {
			_, err := r.lookPath(name)
			return err == nil
		},
		CheckCommand: r.checkCmd,
	}
}

// Check checks f against the runner's present state (see CheckConfig).
func (r *Runner) Check(f *lang.File) *lang.Checked {
	return lang.Check(f, r.CheckConfig())
}

// checkFirst checks f when StaticCheck is on: it prints the warnings,
// and returns a *CheckError when f must not run.
func (r *Runner) checkFirst(f *lang.File, warnings bool) error {
	if !r.checking {
		return nil
	}
	c := r.Check(f)
	if c.HasErrors() {
		return &CheckError{Checked: c}
	}
	if warnings && len(c.Problems) > 0 {
		fmt.Fprint(r.stderr, c.Detail())
	}
	return nil
}
