package repl

import (
	"os/exec"
	"regexp"
	"strings"
	"sync"
)

// hostPrompt matches the prompts tutorials show before a command:
// "[root@host ~]# ", "root@host:~# ", "user@host:~/lab$ ".
// Compiled on first use: nothing is built at start-up.
var hostPrompt = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(\[[^\]\s]+@[^\]]+\]|[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+:[^\s#$]*)\s?[#$]\s+`)
})

// labTools are programs that tutorials run next to ip and brctl; after a
// "# " prompt, only these (and nsh's network builtins and procedures)
// make the line a command rather than a comment.
var labTools = []string{
	"ip", "brctl", "bridge", "sudo",
	"ping", "ping6", "tcpdump", "sysctl",
	"iptables", "ip6tables", "nft", "ethtool",
	"ss", "netstat", "arping", "traceroute",
	"tracepath", "nc", "ncat", "socat",
	"iperf", "iperf3", "curl", "wget",
	"unshare", "nsenter", "modprobe", "dhclient",
}

// isCommandWord reports whether w starts a command: one of nsh's own
// commands or keywords, a network builtin, a procedure, or a program in
// $PATH.
func isCommandWord(w string, procs []string) bool {
	if w == "" || w == "else" {
		return false
	}
	if contains(langCommands, w) || contains(netCommands, w) || contains(procs, w) {
		return true
	}
	if strings.ContainsAny(w, "/$'\"\\<>;") {
		return false
	}
	_, err := exec.LookPath(w)
	return err == nil
}

// isLabCommand is the stricter test after a "# " prompt, where the rest
// of the line may just as well be a comment ("# set up the bridge").
func isLabCommand(w string, procs []string) bool {
	return contains(labTools, w) || contains(procs, w)
}

// StripPrompt removes what a tutorial prints before a command, so that
// pasted lines run: a leading "[root@host ~]# " or "root@host:~# " prompt;
// "$ " and "> " when a command word follows (isCommandWord); "# " only
// when a network builtin, a lab tool or a procedure follows, since
// otherwise the line is a comment ("# set up the bridge"); then a leading
// "sudo " when a command word follows. procs are the session's
// procedures.
func StripPrompt(line string, procs []string) string {
	rest := line
	if m := hostPrompt().FindString(rest); m != "" && strings.TrimSpace(rest[len(m):]) != "" {
		rest = rest[len(m):]
	} else {
		trimmed := strings.TrimLeft(rest, " \t")
		for _, p := range []string{"$ ", "> ", "# "} {
			after, ok := strings.CutPrefix(trimmed, p)
			if !ok {
				continue
			}
			after = strings.TrimLeft(after, " \t")
			w := firstWord(after)
			if p == "# " && isLabCommand(w, procs) || p != "# " && isCommandWord(w, procs) {
				rest = after
			}
			break
		}
	}
	if after, ok := strings.CutPrefix(strings.TrimLeft(rest, " \t"), "sudo "); ok {
		after = strings.TrimLeft(after, " \t")
		if isCommandWord(firstWord(after), procs) {
			rest = after
		}
	}
	return rest
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t;<>"); i >= 0 {
		return s[:i]
	}
	return s
}
