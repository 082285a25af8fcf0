package spec

import (
	"embed"
	"strings"
)

// usageFiles hold what iproute2 6.1 and bridge-utils print for help,
// byte for byte: usage/NAME.txt for "ip help" (ip), "ip link help"
// (ip-link), "ip link add X type KIND help" (type-KIND), "bridge help",
// "bridge fdb help", brctl's usage, .... A test compares each with the
// real tool's output.
//
//go:embed usage/*.txt
var usageFiles embed.FS

// Usage returns the usage text named name ("" when there is none).
func Usage(name string) string {
	if name == "" {
		return ""
	}
	b, err := usageFiles.ReadFile("usage/" + name + ".txt")
	if err != nil {
		return ""
	}
	return string(b)
}

// UsageNames returns the names of all usage texts.
func UsageNames() []string {
	ents, _ := usageFiles.ReadDir("usage")
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".txt"))
	}
	return out
}

// UsageStatus is how the real tool prints the usage text name: on
// standard output or standard error, and with which exit status. ip's
// objects print theirs on stderr and exit 255; a link type's on stderr
// with status 1 (veth's and vxcan's on stdout); brctl's on stdout with
// status 1.
func UsageStatus(name string) (stdout bool, status int) {
	switch {
	case name == "brctl":
		return true, 1
	case name == "type-veth" || name == "type-vxcan":
		return true, 1
	case strings.HasPrefix(name, "type-"):
		return false, 1
	}
	return false, 255
}

// ObjectUsage returns the usage text of "CMD OBJECT help" (the object
// word may be abbreviated as the command accepts it), with its name.
func ObjectUsage(cmd, object string) (name, text string) {
	c := Lookup(cmd)
	if c == nil {
		return "", ""
	}
	if object == "" {
		return c.Usage, Usage(c.Usage)
	}
	o := c.Object(object)
	if o == nil {
		return "", ""
	}
	return o.Usage, Usage(o.Usage)
}
