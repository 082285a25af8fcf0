// Package sysctl is nsh's in-process "sysctl" builtin (procps-ng's
// sysctl(8)): it reads and writes /proc/sys in the namespace the command
// runs in. /proc/sys/net is per network namespace and is resolved by the
// thread that opens the file, so every file operation runs on a thread
// switched into that namespace (ns.Host.Do).
package sysctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/internal/journal"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/ns"
)

// procPath is procps' PROC_PATH.
const procPath = "/proc/sys/"

// usageText is procps' usage, trimmed to the options nsh implements.
const usageText = `
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
      --dry-run        Print the key and values but do not write
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing

 -h, --help     display this help and exit

For more details see sysctl(8).
`

// run is one sysctl command: its flags and buffered output. Output is
// collected while the thread is inside the namespace and written after.
type run struct {
	printName, printNewline, ignoreError, quiet, nameOnly, dryRun bool
	ignoreDeprecated                                              bool

	// env is the command's, for recording writes in the run's journal.
	env *builtins.Env

	out []chunk
}

type chunk struct {
	err  bool
	text string
}

func (r *run) printf(format string, a ...any) {
	r.out = append(r.out, chunk{text: fmt.Sprintf(format, a...)})
}

// warnx is err.h's warnx: "sysctl: MSG".
func (r *run) warnx(format string, a ...any) {
	r.out = append(r.out, chunk{err: true, text: "sysctl: " + fmt.Sprintf(format, a...) + "\n"})
}

// warn is err.h's warn: "sysctl: MSG: strerror(errno)".
func (r *run) warn(err error, format string, a ...any) {
	r.warnx("%s: %v", fmt.Sprintf(format, a...), ns.Strerror(errnoOf(err)))
}

func errnoOf(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return err
}

// Main is the "sysctl" builtin (procps-ng's sysctl): sysctl [-n] [-e]
// [-N] [-q] [-b] KEY..., sysctl [-w] KEY=VALUE..., sysctl -a, sysctl -p
// [FILE]. Keys take "." or "/" separators. It acts on the /proc/sys of
// the namespace the command runs in.
func Main(ctx context.Context, env *builtins.Env, args []string) error {
	r := &run{printName: true, printNewline: true, ignoreDeprecated: true, env: env}
	var (
		write, all, load bool
		loadFile         string
		operands         []string
	)
	usage := func(err bool) error {
		if err {
			fmt.Fprint(env.Stderr, usageText)
			return interp.ExitStatus(1)
		}
		fmt.Fprint(env.Stdout, usageText)
		return nil
	}
	if len(args) < 2 {
		return usage(true)
	}
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			operands = append(operands, rest[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a[2:], "=")
			switch name {
			case "all":
				all = true
			case "deprecated":
				r.ignoreDeprecated = false
			case "dry-run":
				r.dryRun = true
			case "binary":
				r.printNewline, r.printName = false, false
			case "ignore":
				r.ignoreError = true
			case "names":
				r.nameOnly = true
			case "values":
				r.printName = false
			case "load":
				load = true
				if hasVal {
					loadFile = val
				}
			case "quiet":
				r.quiet = true
			case "write":
				write = true
			case "help":
				return usage(false)
			default:
				fmt.Fprintf(env.Stderr, "sysctl: unrecognized option '%s'\n", a)
				return usage(true)
			}
			continue
		}
		if len(a) < 2 || a[0] != '-' {
			operands = append(operands, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			switch c := a[j]; c {
			case 'b':
				r.printNewline = false
				r.printName = false
			case 'n':
				r.printName = false
			case 'e':
				r.ignoreError = true
			case 'N':
				r.nameOnly = true
			case 'w':
				write = true
			case 'f', 'p':
				load = true
				if j+1 < len(a) {
					loadFile = a[j+1:]
					j = len(a)
				}
			case 'q':
				r.quiet = true
			case 'o', 'x':
			case 'a', 'A', 'X':
				all = true
			case 'h', 'd', '?':
				return usage(false)
			default:
				fmt.Fprintf(env.Stderr, "sysctl: invalid option -- '%c'\n", c)
				return usage(true)
			}
		}
	}
	if !all && !load && len(operands) < 1 {
		fmt.Fprintln(env.Stderr, "sysctl: no variables specified\nTry `sysctl --help' for more information.")
		return interp.ExitStatus(1)
	}
	if r.nameOnly && r.quiet {
		fmt.Fprintln(env.Stderr, "sysctl: options -N and -q cannot coexist\nTry `sysctl --help' for more information.")
		return interp.ExitStatus(1)
	}
	code := 0
	err := env.Host.Do(env.NS, func() error {
		switch {
		case all:
			code = r.displayAll(procPath)
		case load:
			files := operands
			if loadFile != "" {
				files = append([]string{loadFile}, files...)
			} else if len(files) == 0 {
				files = []string{"/etc/sysctl.conf"}
			}
			for _, f := range files {
				code |= r.preload(env.Dir, f)
			}
		default:
			for _, a := range operands {
				if write || strings.Contains(a, "=") {
					code |= r.writeLine("command line", 0, a)
				} else {
					code += r.readSetting(a)
				}
			}
		}
		return nil
	})
	for _, c := range r.out {
		w := env.Stdout
		if c.err {
			w = env.Stderr
		}
		io.WriteString(w, c.text)
	}
	if err != nil {
		return err
	}
	if code != 0 {
		return interp.ExitStatus(uint8(code))
	}
	return nil
}

// slashdot is procps' slashdot: if the key's first separator is already
// new, the key is left alone; otherwise "." and "/" are swapped, so that
// "net/ipv4/conf/eth0.100/forwarding" names an interface with a dot.
func (r *run) slashdot(p string, old, new byte) string {
	i := strings.IndexAny(p, "/.")
	if i < 0 || p[i] == new {
		return p
	}
	b := []byte(p)
	warned := false
	for ; i < len(b); i++ {
		c := b[i]
		if c != '/' && c != '.' {
			continue
		}
		if i+1 < len(b) && (b[i+1] == '/' || b[i+1] == '.') && !warned {
			r.warnx("separators should not be repeated: %s", p[i:])
			warned = true
		}
		if c == old {
			b[i] = new
		} else if c == new {
			b[i] = old
		}
	}
	return string(b)
}

// isProcPath is procps' is_proc_path: the resolved path must stay under
// /proc/sys, so a key like "../../etc/passwd" is refused.
func (r *run) isProcPath(path string) bool {
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false
	}
	if strings.HasPrefix(resolved+"/", procPath) {
		return true
	}
	r.warnx("Path is not under %s: %s", procPath, path)
	return false
}

// readSetting is procps' ReadSetting ("sysctl KEY").
func (r *run) readSetting(name string) int {
	if name == "" {
		r.warnx("\"%s\" is an unknown key", name)
		return -1
	}
	tmpname := procPath + r.slashdot(name, '.', '/')
	outname := r.slashdot(name, '/', '.')
	st, err := os.Stat(tmpname)
	if err != nil {
		if !r.ignoreError {
			r.warn(err, "cannot stat %s", tmpname)
			return 1
		}
		return 0
	}
	if st.Mode().Perm()&0o400 == 0 {
		return 0
	}
	if !r.isProcPath(tmpname) {
		return -1
	}
	if st.IsDir() {
		return r.displayAll(tmpname + "/")
	}
	if r.nameOnly {
		r.printf("%s\n", outname)
		return 0
	}
	data, err := os.ReadFile(tmpname)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if !r.ignoreError {
				r.warnx("\"%s\" is an unknown key", outname)
				return 1
			}
			return 0
		case errors.Is(err, syscall.EACCES):
			r.warnx("permission denied on key '%s'", outname)
			return 1
		case errors.Is(err, syscall.EIO):
			return 1 // stable_secret under net.ipv6.conf: silently
		case errors.Is(err, syscall.EISDIR):
			return r.displayAll(tmpname + "/")
		}
		r.warnx("reading key \"%s\"", outname)
		return 1
	}
	for _, line := range splitLines(string(data)) {
		switch {
		case r.printName:
			if !strings.HasSuffix(line, "\n") {
				line += "\n"
			}
			r.printf("%s = %s", outname, line)
		case !r.printNewline:
			r.printf("%s", strings.Replace(line, "\n", "", 1))
		default:
			r.printf("%s", line)
		}
	}
	return 0
}

// splitLines splits s after each newline, as getline(3) reads it.
func splitLines(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// displayAll is procps' DisplayAll ("sysctl -a", or a directory key): the
// entries in the kernel's directory order.
func (r *run) displayAll(path string) int {
	f, err := os.Open(path)
	if err != nil {
		r.warnx("unable to open directory \"%s\"", path)
		return 1
	}
	names, _ := f.Readdirnames(-1)
	f.Close()
	rc := 0
	for _, n := range names {
		if r.ignoreDeprecated && (n == "base_reachable_time" || n == "retrans_time") {
			continue
		}
		if n == "stat_refresh" {
			continue
		}
		p := path + n
		st, err := os.Stat(p)
		if err != nil {
			r.warn(err, "cannot stat %s", p)
			rc |= 1
			continue
		}
		if st.IsDir() {
			rc |= r.displayAll(p + "/")
		} else {
			rc |= r.readSetting(strings.TrimPrefix(p, procPath))
		}
	}
	return rc
}

// writeLine is procps' parse_setting_line followed by WriteSetting
// ("sysctl -w KEY=VALUE", or a line of a -p file).
func (r *run) writeLine(where string, lineno int, line string) int {
	key := strings.TrimLeft(line, " \t\n\v\f\r")
	if len(key) < 2 || key[0] == '#' || key[0] == ';' {
		return 1
	}
	k, value, ok := strings.Cut(key, "=")
	ignoreFailure := false
	if !ok {
		if key[0] == '-' {
			return 0 // an exclusion: nothing to write
		}
		r.warnx("%s(%d): invalid syntax, continuing...", where, lineno)
		return 1
	}
	if strings.HasPrefix(k, "-") {
		ignoreFailure = true
		k = k[1:]
	}
	value = strings.TrimSpace(value)
	k = strings.TrimRight(k, " \t\n\v\f\r")
	path := procPath + r.slashdot(k, '.', '/')
	return r.writeSetting(path, value, ignoreFailure)
}

// writeSetting is procps' WriteSetting.
func (r *run) writeSetting(path, value string, ignoreFailure bool) int {
	st, err := os.Stat(path)
	if err != nil {
		if !r.ignoreError {
			r.warn(err, "cannot stat %s", path)
			return 1
		}
		return 0
	}
	if !r.isProcPath(path) {
		return 1
	}
	dotted := r.slashdot(strings.TrimPrefix(path, procPath), '/', '.')
	if st.Mode().Perm()&0o200 == 0 {
		r.warn(syscall.EPERM, "setting key \"%s\"", dotted)
		return 1
	}
	if st.IsDir() {
		r.warn(syscall.EISDIR, "setting key \"%s\"", dotted)
		return 1
	}
	ignoring := ""
	if ignoreFailure {
		ignoring = ", ignoring"
	}
	rc := 0
	if !r.dryRun && !r.alreadySet(path, dotted, value) {
		ch, err := r.record(path, value)
		if err != nil {
			r.warn(err, "setting key \"%s\"", dotted)
			return 1
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			ch.Done(err)
		}
		if err != nil {
			switch {
			case errors.Is(err, fs.ErrNotExist):
				if !r.ignoreError {
					r.warnx("\"%s\" is an unknown key%s", dotted, ignoring)
					if !ignoreFailure {
						rc = 1
					}
				}
			case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES):
				r.warnx("permission denied on key \"%s\"%s", dotted, ignoring)
			default:
				r.warn(err, "setting key \"%s\"%s", dotted, ignoring)
			}
			if !ignoreFailure && !errors.Is(err, fs.ErrNotExist) {
				rc = 1
			}
		} else {
			_, werr := f.WriteString(value + "\n")
			cerr := f.Close()
			if werr == nil {
				werr = cerr
			}
			ch.Done(werr)
			if werr != nil {
				r.warn(werr, "setting key \"%s\"", dotted)
				return 1
			}
		}
	}
	if (rc == 0 && !r.quiet) || r.dryRun {
		switch {
		case r.nameOnly:
			r.printf("%s\n", dotted)
		case r.printName:
			r.printf("%s = %s\n", dotted, value)
		case r.printNewline:
			r.printf("%s\n", value)
		default:
			r.printf("%s", value)
		}
	}
	return rc
}

// preload is procps' Preload ("sysctl -p FILE"): each "key = value" line
// is written; "#" and ";" start comments. A relative file name is taken
// from dir, the script's directory ("" for the process's).
func (r *run) preload(dir, file string) int {
	path := file
	if dir != "" && !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		r.warn(err, "cannot open \"%s\"", file)
		return 1
	}
	rc := 0
	for n, line := range strings.Split(string(data), "\n") {
		if len(line) < 1 {
			continue
		}
		key := strings.TrimLeft(line, " \t\v\f\r")
		if len(key) < 2 || key[0] == '#' || key[0] == ';' {
			continue
		}
		rc |= r.writeLine(file, n+1, line)
	}
	return rc
}

// alreadySet reports whether, under Ensure, path already holds value
// (or, under Plan, the write is recorded): then it is not written.
func (r *run) alreadySet(path, dotted, value string) bool {
	if r.env == nil || r.env.State == nil || r.env.State.Mode() == builtins.Apply {
		return false
	}
	err := r.env.Intend(builtins.Intent{Action: builtins.ActChange, NS: r.env.NS, Object: "sysctl " + dotted + " = " + value,
		Have: func() (bool, string, error) {
			old, err := os.ReadFile(path)
			return err == nil && strings.Join(strings.Fields(string(old)), " ") == strings.Join(strings.Fields(value), " "), "", err
		}})
	return builtins.Skipped(err)
}

// record records in the run's journal that path (in the command's
// namespace, which the calling thread is in) is about to be set to value,
// with the value it holds now.
func (r *run) record(path, value string) (*builtins.Change, error) {
	if r.env == nil || r.env.State == nil || r.env.State.Journal() == nil {
		return nil, nil
	}
	old, err := os.ReadFile(path)
	if err != nil {
		return nil, nil // the write fails too, and says why
	}
	return r.env.Change(journal.Record{Op: journal.OpSysctl, NS: builtins.NSName(r.env.NS), Path: path,
		Old: strings.TrimSpace(string(old)), New: value})
}
