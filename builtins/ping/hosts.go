package ping

import (
	"bufio"
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/nshlab/nsh/ns"
)

// hostsEntry is one address line of a hosts(5) file: the address, its
// official name and its aliases.
type hostsEntry struct {
	addr  netip.Addr
	names []string
}

// readHosts reads the hosts file a program run in namespace r sees: as
// "ip netns exec" bind-mounts /etc/netns/NAME/hosts over /etc/hosts, that
// file when it exists, else /etc/hosts. Names are resolved from it only:
// nsh's ping never asks a DNS server (its traffic stays between the lab's
// namespaces).
func readHosts(r ns.Ref) []hostsEntry {
	var data []byte
	if r.Name != "" {
		data, _ = os.ReadFile(filepath.Join("/etc/netns", r.Name, "hosts"))
	}
	if data == nil {
		data, _ = os.ReadFile("/etc/hosts")
	}
	var out []hostsEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		a, err := netip.ParseAddr(f[0])
		if err != nil {
			continue
		}
		out = append(out, hostsEntry{addr: a.Unmap(), names: f[1:]})
	}
	return out
}

// lookupHost returns the first address of name in hosts of the wanted
// family (4, 6, or 0 for either) and the official name of its line, as
// getaddrinfo with AI_CANONNAME returns them from files.
func lookupHost(hosts []hostsEntry, name string, family int) (netip.Addr, string, bool) {
	for _, e := range hosts {
		if family == 4 && !e.addr.Is4() || family == 6 && e.addr.Is4() {
			continue
		}
		for _, n := range e.names {
			if strings.EqualFold(n, name) {
				return e.addr, e.names[0], true
			}
		}
	}
	return netip.Addr{}, "", false
}

// lookupAddr returns the official name of the first line of hosts for a,
// as getnameinfo finds it in files.
func lookupAddr(hosts []hostsEntry, a netip.Addr) (string, bool) {
	for _, e := range hosts {
		if e.addr == a.Unmap().WithZone("") {
			return e.names[0], true
		}
	}
	return "", false
}
