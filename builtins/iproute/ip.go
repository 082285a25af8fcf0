// Package iproute is nsh's "ip" command: iproute2's grammar (ip/ip.c and
// the ip/ip*.c object files) executed in-process over netlink.
package iproute

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nshlab/nsh/builtins"
	"github.com/nshlab/nsh/builtins/spec"
	"github.com/nshlab/nsh/interp"
	"github.com/nshlab/nsh/ns"
)

// Global holds ip's global options (ip/ip.c main).
type Global struct {
	Family  int    // 0, unix.AF_INET (-4), unix.AF_INET6 (-6), unix.AF_BRIDGE (-0? -B), unix.AF_PACKET (-0)
	NS      ns.Ref // -n NS, else the statement's namespace
	Brief   bool   // -br
	Details int    // -d (count)
	Stats   int    // -s (count)
	JSON    bool   // -j
	Pretty  bool   // -p
	Oneline bool   // -o
	Color   bool   // -c
	Force   bool   // -force
	All     bool   // -all
	Batch   string // -batch FILE
	Resolve bool   // -r
}

// objectRun returns the function that runs ip's object named name (the
// canonical name of an entry of spec.IP's object table), or nil for an
// object nsh does not implement.
func objectRun(name string) func(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	switch name {
	case "address":
		return cmdAddress
	case "maddress":
		return cmdMaddr
	case "route":
		return cmdRoute
	case "rule":
		return cmdRule
	case "neighbour":
		return cmdNeigh
	case "link":
		return cmdLink
	case "tuntap":
		return cmdTuntap
	case "netns":
		return cmdNetns
	}
	return nil
}

// Main is the "ip" builtin.
func Main(ctx context.Context, env *builtins.Env, args []string) error {
	namesGen.Add(1) // name files are checked once per command, as ip reads them
	g := &Global{NS: env.NS}
	a := builtins.NewArgs(args[1:])
	rcvbuf := 0 // -rcvbuf: the socket's receive buffer for this command
	for a.More() && strings.HasPrefix(a.Peek(), "-") {
		opt, _ := a.Next()
		if opt == "--" {
			break
		}
		o := strings.TrimLeft(opt, "-")
		// ip's options are the model's (spec.IP.Options, ip/ip.c's
		// order): "-c", "-color=WHEN" and "-colour" are colour.
		k := spec.IP.Option(opt)
		if o == "c" || strings.HasPrefix(o, "color=") || strings.HasPrefix(o, "colour=") {
			k = spec.IP.Option("color")
		}
		if k == nil {
			return builtins.Typo(255, fmt.Sprintf("Option %q is unknown, try \"ip -help\".", opt), o, spec.Names(spec.IP.Options))
		}
		switch k.Canonical() {
		case "4":
			g.Family = afInet
		case "6":
			g.Family = afInet6
		case "0":
			g.Family = afPacket
		case "B":
			g.Family = afBridge
		case "M":
			g.Family = afMPLS
		case "family":
			f, err := a.Need(opt)
			if err != nil {
				return err
			}
			fam, err := parseFamily(f)
			if err != nil {
				return err
			}
			g.Family = fam
		case "netns":
			name, err := a.Need(opt)
			if err != nil {
				return err
			}
			r, err := env.Host.Resolve(name)
			if err != nil {
				return err
			}
			g.NS = r
		case "brief":
			g.Brief = true
		case "details":
			g.Details++
		case "stats":
			g.Stats++
		case "json":
			g.JSON = true
		case "pretty":
			g.Pretty = true
		case "oneline":
			g.Oneline = true
		case "color":
			g.Color = colorWanted(o, env)
		case "force":
			g.Force = true
		case "all":
			g.All = true
		case "batch":
			f, err := a.Need(opt)
			if err != nil {
				return err
			}
			g.Batch = f
		case "resolve":
			g.Resolve = true
		case "Version":
			fmt.Fprintln(env.Stdout, "ip utility, nsh (iproute2-compatible builtin)")
			return nil
		case "help":
			return builtins.Usage(env, "ip")
		case "loops":
			if _, err := a.Need(opt); err != nil {
				return err
			}
		case "rcvbuf":
			// The size and an object after it, or ip's usage.
			w, _ := a.Next()
			if !a.More() {
				return builtins.Usage(env, "ip")
			}
			n, ok := builtins.GetUint(w, 0, 1<<32-1)
			if !ok {
				return builtins.Fail(255, "Invalid rcvbuf size '%s'", w)
			}
			rcvbuf = int(n)
		default:
			// human, iec, timestamp, tshort, Numeric, echo: accepted;
			// no effect on nsh's output yet.
		}
	}
	if rcvbuf > 0 {
		c, err := env.Conn(g.NS)
		if err != nil {
			return err
		}
		if err := c.SetReceiveBuffer(rcvbuf); err != nil {
			return err
		}
	}
	var err error
	if g.Batch != "" {
		err = runBatch(ctx, env, g)
	} else {
		err = dispatch(ctx, env, g, a.Rest())
	}
	if err != nil && g.NS != env.NS {
		err = &interp.NamespaceError{NS: g.NS, Err: err}
	}
	return err
}

// dispatch runs one "ip OBJECT ..." command line with global options g.
func dispatch(ctx context.Context, env *builtins.Env, g *Global, args []string) error {
	if len(args) == 0 {
		return builtins.Usage(env, "ip")
	}
	o := spec.IP.Object(args[0])
	if o == nil {
		return builtins.Typo(1, fmt.Sprintf("Object %q is unknown, try \"ip help\".", args[0]), args[0], spec.IP.ObjectNames())
	}
	if o.Name == "help" {
		return builtins.Usage(env, "ip")
	}
	run := objectRun(o.Canonical())
	if run == nil {
		return builtins.NotImplemented("ip %s: not supported by nsh yet", o.Name)
	}
	// A keyword of iproute2's grammar that nsh lacks is answered as
	// such, naming it, before anything runs (the model marks it).
	words := append([]string{"ip"}, args...)
	if p, ok := spec.NotImplemented(words); ok {
		return builtins.NotImplemented("%s", p.Msg)
	}
	return builtins.WithSuggestion(run(ctx, env, g, args[1:]), words)
}

// verbOf resolves the verb word of "ip OBJECT VERB" through the verb
// table of object in the model (spec.IP), returning the verb's name (an
// exact alias such as "chg" as the verb it spells). "help" prints the
// object's usage as ip does; an unknown word fails as ip does, with a
// suggestion for .nsh scripts.
func verbOf(env *builtins.Env, object, word string) (string, error) {
	o := spec.IP.Object(object)
	v := o.Verb(word)
	if v == nil {
		return "", builtins.Typo(255, fmt.Sprintf("Command %q is unknown, try \"ip %s help\".", word, o.HelpWord()), word, o.VerbNames())
	}
	if v.Name == "help" {
		return "", builtins.Usage(env, o.Usage)
	}
	if v.Exact && v.Canon != "" {
		return v.Canon, nil
	}
	return v.Name, nil
}

// runBatch runs each line of g.Batch ("-" is stdin) as an ip command.
// With -force it goes on after a failing line and fails at the end.
func runBatch(ctx context.Context, env *builtins.Env, g *Global) error {
	var data []byte
	var err error
	if g.Batch == "-" {
		if env.Stdin == nil {
			return errors.New("ip -batch -: no standard input")
		}
		data, err = io.ReadAll(env.Stdin)
		if err != nil {
			return fmt.Errorf("reading the batch from standard input: %w", err)
		}
	} else {
		path := g.Batch
		if env.Dir != "" && !filepath.IsAbs(path) {
			path = filepath.Join(env.Dir, path)
		}
		data, err = os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("cannot open file %q for reading: %w", g.Batch, err)
		}
	}
	var firstErr error
	for i, line := range strings.Split(string(data), "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		if words[0] == "ip" {
			words = words[1:]
		}
		gl := *g
		gl.Batch = ""
		if err := dispatch(ctx, env, &gl, words); err != nil {
			err = fmt.Errorf("command failed %s:%d: %w", g.Batch, i+1, err)
			if !g.Force {
				return err
			}
			fmt.Fprintln(env.Stderr, err)
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	return firstErr
}

// colorWanted decides -c/-color[=always|auto|never]: colour only when
// iproute2 6.1 would, that is "-c" or "-color" alone or "=always" (the
// real ip colours redirected output then too), or "=auto" on a terminal.
func colorWanted(o string, env *builtins.Env) bool {
	mode := "always"
	if i := strings.IndexByte(o, '='); i >= 0 {
		mode = o[i+1:]
	}
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if f, ok := env.Stdout.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return true
		}
	}
	return false
}
