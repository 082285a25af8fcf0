package iproute

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/nshlab/nsh/builtins"
)

// confEntry is one "ID NAME" line of an iproute2 name database.
type confEntry struct {
	id   int
	name string
}

// confNames is one of iproute2's name databases (lib/rt_names.c): the
// built-in names, then those of a file under /etc/iproute2 (and of the
// *.conf files of dir, if set), as rtnl_tab_initialize and
// rtnl_hash_initialize read them ("ID NAME" lines, the ID decimal or
// 0x-hex, # comments). ip reads them once per command; nsh runs many
// commands in one process, so once per command (namesGen) it checks
// whether one of the files changed since the last reading, and reads
// them again if so: a script that names a table with "echo 200 t >>
// /etc/iproute2/rt_tables" can use it on the next line, as it could
// with ip.
type confNames struct {
	file    string
	dir     string // a directory of *.conf files read after file, or ""
	builtin []confEntry
	mu      sync.Mutex
	stamp   string // the files' names, sizes and times when last read
	checked uint64 // the namesGen of the last check
	all     []confEntry
}

// namesGen counts ip commands: each one checks a database's files at
// most once, the first time it needs a name (Main increments it).
var namesGen atomic.Uint64

// files returns the files of t in the order iproute2 reads them.
func (t *confNames) files() []string {
	out := []string{t.file}
	if t.dir != "" {
		conf, _ := filepath.Glob(filepath.Join(t.dir, "*.conf"))
		out = append(out, conf...)
	}
	return out
}

// entries returns the names of t, reading its files again if they
// changed since the last command that looked.
func (t *confNames) entries() []confEntry {
	gen := namesGen.Load()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.all != nil && t.checked == gen {
		return t.all
	}
	t.checked = gen
	files := t.files()
	var stamp strings.Builder
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			fmt.Fprintf(&stamp, "%s %d %d\n", f, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	if t.all == nil || stamp.String() != t.stamp {
		all := append([]confEntry(nil), t.builtin...)
		for _, f := range files {
			all = append(all, readConfNames(f)...)
		}
		t.all, t.stamp = all, stamp.String()
	}
	return t.all
}

// readConfNames reads the "ID NAME" lines of file (fread_id_name),
// stopping at the first line that is neither, as iproute2 does.
func readConfNames(file string) []confEntry {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []confEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimLeft(sc.Text(), " \t")
		if line == "" || line[0] == '#' {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			break
		}
		var id uint64
		var ok bool
		if strings.HasPrefix(fields[0], "0x") {
			id, _, ok = builtins.Strtoul(fields[0][2:], 16)
		} else {
			var n int64
			n, err = strconv.ParseInt(fields[0], 10, 32)
			id, ok = uint64(n), err == nil
		}
		if !ok {
			break
		}
		out = append(out, confEntry{int(id), fields[1]})
	}
	return out
}

// name returns the name of id (the last one given wins), or "".
func (t *confNames) name(id int) string {
	e := t.entries()
	for i := len(e) - 1; i >= 0; i-- {
		if e[i].id == id {
			return e[i].name
		}
	}
	return ""
}

// parse reads a name of t or a number no larger than max, as
// nameTable.parse does.
func (t *confNames) parse(what, s string, max int) (int, error) {
	if id, ok := t.lookup(s); ok {
		return id, nil
	}
	return nameTable(nil).parse(what, s, max)
}

// nameOf returns the name of id, or id in decimal.
func (t *confNames) nameOf(id int) string {
	if s := t.name(id); s != "" {
		return s
	}
	return strconv.Itoa(id)
}

// tables is rtnl_rttable's database: the built-in names, then
// rt_tables and rt_tables.d/*.conf.
var tables = &confNames{file: "/etc/iproute2/rt_tables", dir: "/etc/iproute2/rt_tables.d", builtin: []confEntry{
	{unix.RT_TABLE_DEFAULT, "default"}, {unix.RT_TABLE_MAIN, "main"}, {unix.RT_TABLE_LOCAL, "local"},
}}

// lookup returns the smallest id named s.
func (t *confNames) lookup(s string) (int, bool) {
	best, found := 0, false
	for _, e := range t.entries() {
		if e.name == s && (!found || e.id < best) {
			best, found = e.id, true
		}
	}
	return best, found
}

// groups is rtnl_group's database: "default" is group 0.
var groups = &confNames{file: "/etc/iproute2/group", builtin: []confEntry{{0, "default"}}}

// dsfields is rtnl_rtdsfield's database (the TOS/DS field names).
var dsfields = &confNames{file: "/etc/iproute2/rt_dsfield", builtin: []confEntry{{0, "0"}}}

// realms is rtnl_rtrealm's database: "cosmos" is realm 0.
var realms = &confNames{file: "/etc/iproute2/rt_realms", builtin: []confEntry{{0, "cosmos"}}}

// ipProtocols is the protocol database of getprotobyname(3) and
// getprotobynumber(3): /etc/protocols, "NAME NUMBER ALIASES...".
var ipProtocols = sync.OnceValue(func() []confEntry {
	f, err := os.Open("/etc/protocols")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []confEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		n, err := strconv.Atoi(fields[1])
		if err != nil {
			continue
		}
		out = append(out, confEntry{n, fields[0]})
		for _, alias := range fields[2:] {
			out = append(out, confEntry{n, "\x00" + alias}) // an alias: found, never printed
		}
	}
	return out
})

// groupName is rtnl_group_n2a: the name of link group g, else g in
// decimal.
func groupName(g uint32) string {
	if n := groups.name(int(int32(g))); n != "" {
		return n
	}
	return strconv.Itoa(int(int32(g)))
}

// parseGroup is rtnl_group_a2n: a name of the group database or a
// number (strtol, any base, not negative).
func parseGroup(s string) (int, bool) {
	if id, ok := groups.lookup(s); ok {
		return id, true
	}
	v, rest, ok := builtins.Strtoul(s, 0)
	i := int32(-1) // strtol's LONG_MAX (or a negative number) as an int
	if v <= 1<<63-1 {
		i = int32(v)
	}
	if !ok || rest != "" || i < 0 {
		return 0, false
	}
	return int(i), true
}

// dsfieldName is rtnl_dsfield_n2a: a TOS value's name, else 0x%02x.
func dsfieldName(v int) string {
	if n := dsfields.name(v); n != "" {
		return n
	}
	return fmt.Sprintf("0x%02x", v)
}

// dsfieldA2N is rtnl_dsfield_a2n: a name or a hexadecimal number up
// to 255.
func dsfieldA2N(s string) (uint64, bool) {
	if id, ok := dsfields.lookup(s); ok {
		return uint64(id), true
	}
	return builtins.GetUint(s, 16, 255)
}

// realmName is rtnl_rtrealm_n2a.
func realmName(v int) string {
	if n := realms.name(v); n != "" {
		return n
	}
	return strconv.Itoa(v)
}

// parseRealm is rtnl_rtrealm_a2n: a name or a number up to 255.
func parseRealm(s string) (int, bool) {
	if id, ok := realms.lookup(s); ok {
		return id, true
	}
	v, ok := builtins.GetUint(s, 0, 255)
	return int(v), ok
}

// parseRealms is get_rt_realms_or_raw: "[SRC/]DST" realms (the source
// in the upper 16 bits), else one raw unsigned number.
func parseRealms(s string) (uint32, bool) {
	var v uint32
	dst := s
	if src, d, ok := strings.Cut(s, "/"); ok {
		n, ok := parseRealm(src)
		if !ok {
			goto raw
		}
		v = uint32(n) << 16
		dst = d
	}
	if dst != "" {
		n, ok := parseRealm(dst)
		if !ok {
			goto raw
		}
		v |= uint32(n)
	}
	return v, true
raw:
	n, ok := builtins.GetUint(s, 0, 1<<32-1)
	return uint32(n), ok
}

// formatRealms prints RTA_FLOW/FRA_FLOW as "[SRC/]DST" (the caller
// prints the keyword).
func formatRealms(v uint32) string {
	if from := v >> 16; from != 0 {
		return realmName(int(from)) + "/" + realmName(int(v&0xffff))
	}
	return realmName(int(v & 0xffff))
}

// ipProtoName is inet_proto_n2a: the protocol's name, else ipproto-N.
func ipProtoName(n int) string {
	for _, e := range ipProtocols() {
		if e.id == n && e.name[0] != 0 {
			return e.name
		}
	}
	return fmt.Sprintf("ipproto-%d", n)
}

// parseIPProto is inet_proto_a2n: a decimal number up to 255, or a
// name or alias of /etc/protocols.
func parseIPProto(s string) (int, bool) {
	if v, ok := builtins.GetUint(s, 10, 255); ok {
		return int(v), true
	}
	for _, e := range ipProtocols() {
		if strings.TrimPrefix(e.name, "\x00") == s {
			return e.id, true
		}
	}
	return 0, false
}
