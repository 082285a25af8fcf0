package repl

import (
	"os"
	"strings"
)

// pending walks args as keywords, each of vals followed by its value, and
// returns the keyword whose value the next word is, if any. Walking from
// the start (rather than looking at the last word) keeps a value that is
// also a keyword ("state learning") from being taken for one.
func pending(args []string, vals map[string]valueFunc) (valueFunc, bool) {
	for i := 0; i < len(args); i++ {
		if f, ok := vals[args[i]]; ok {
			if i+1 == len(args) {
				return f, true
			}
			i++
		}
	}
	return nil, false
}

// ping completes nsh's ping: options, and an interface after -I.
func (q *query) ping(args []string) {
	if f, ok := pending(args, pingValues); ok {
		f(q)
		return
	}
	if strings.HasPrefix(q.cur, "-") {
		q.offer(pingOptions...)
	}
}

// sysctl completes procps' sysctl: options, files after -p, and the keys
// under /proc/sys/net of the target namespace.
func (q *query) sysctl(args []string) {
	write := false
	for i, a := range args {
		switch {
		case a == "-w" || a == "--write":
			write = true
		case (a == "-p" || a == "-f") && i == len(args)-1:
			q.files()
			return
		}
	}
	if strings.HasPrefix(q.cur, "-") {
		q.offer(sysctlOptions...)
		return
	}
	q.sysctlKeys(write)
}

// sysctlKeys offers the keys of the target namespace under net, one
// level at a time: "net.ipv4.conf." lists /proc/sys/net/ipv4/conf read
// on a thread inside the namespace (/proc/sys/net is per namespace).
// Keys use "." or, when the key starts that way, "/" as the separator;
// with ".", a "." inside a name is written "/" (procps' rule, for
// interface names such as "eth0.10"). A complete key is followed by "="
// after -w and by a space otherwise.
func (q *query) sysctlKeys(write bool) {
	cur := q.cur
	if strings.Contains(cur, "=") {
		return
	}
	sep := "."
	if i := strings.IndexAny(cur, "./"); i >= 0 && cur[i] == '/' {
		sep = "/"
	}
	k := strings.LastIndex(cur, sep)
	if k < 0 {
		// Only net is per namespace; the rest of /proc/sys is the host's.
		if strings.HasPrefix("net", cur) {
			q.out = append(q.out, "net"+sep)
		}
		return
	}
	key, base := cur[:k], cur[k+1:]
	comps := strings.Split(key, sep)
	if comps[0] != "net" {
		return
	}
	for i, c := range comps {
		if sep == "." {
			c = strings.ReplaceAll(c, "/", ".")
		}
		if c == "" || c == "." || c == ".." || strings.Contains(c, "/") {
			return
		}
		comps[i] = c
	}
	var ents []os.DirEntry
	err := q.c.inNS(q.target, func() error {
		var err error
		ents, err = os.ReadDir("/proc/sys/" + strings.Join(comps, "/"))
		return err
	})
	if err != nil {
		return
	}
	end := " "
	if write {
		end = "="
	}
	for _, e := range ents {
		n := e.Name()
		if sep == "." {
			n = strings.ReplaceAll(n, ".", "/")
		}
		if !strings.HasPrefix(n, base) {
			continue
		}
		if e.IsDir() {
			q.out = append(q.out, key+sep+n+sep)
		} else {
			q.out = append(q.out, key+sep+n+end)
		}
	}
}
