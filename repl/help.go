package repl

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nshlab/nsh/builtins/spec"
)

// helpTopics is the REPL's "help" text per topic: the language's
// statements and commands, and the network builtins with their objects.
var helpTopics = map[string]string{
	"": `nsh: iproute2, brctl, bridge, ping and sysctl lines run in-process, plus a small language.
  ip ... | brctl ... | bridge ...    network builtins (help ip, help brctl, help bridge)
  ping ... | sysctl ...              (help ping, help sysctl)
  NAME = VALUE | NAME = [a b c]      variables; $NAME, ${NAME}, $((1 + 2))
  for VAR in ITEMS < ... >           loops; ITEMS are words, [lists], FROM..TO
  if COND < ... > else < ... >       conditions (help if)
  def NAME PARAMS < ... >            procedures, called like commands
  in NS < ... >                      run statements in a namespace; "in NS" alone
                                     switches this session, "in ." goes back
  try < ... >                        an error inside is a warning
  echo sleep exit source exec sudo exists cd set true false
Tab completes commands, keywords, namespaces, interfaces and $variables.
An unclosed "<" continues on the next line; Ctrl-C cancels, Ctrl-D exits.
help TOPIC: help in, help ip link, help brctl, ...`,
	"in": `in NS < BODY >        run BODY in network namespace NS (a name under /run/netns,
                      a path to a namespace file, or "." for the start namespace)
in pid PID < BODY >   ... in the network namespace of process PID
in NS                 switch this session to NS (the prompt shows it); "in ." returns`,
	"for":    `for VAR in ITEM... < BODY >    ITEMs are words, lists [a b], ranges 1..3 or $list`,
	"if":     "if COND < BODY > [else < BODY > | else if ...]\nCOND: A == B, A != B, A -eq|-ne|-lt|-le|-gt|-ge B, exists netns NAME, exists link NAME, ! COND, WORD",
	"def":    "def NAME PARAM... < BODY >    define a procedure; call it as NAME ARG...",
	"try":    "try < BODY >    run BODY; an error in it is printed as a warning and $? is set",
	"echo":   "echo [-n] WORD...    print the words separated by spaces",
	"sleep":  "sleep SECONDS    wait (fractions allowed)",
	"exit":   "exit [N]    end the session with status N",
	"source": "source FILE    parse FILE whole, then run it here",
	"exec":   "exec PROG ARGS...    run an external program even if a builtin has its name",
	"sudo":   "sudo CMD...    as root, run CMD as if sudo were not there",
	"exists": "exists netns NAME | exists link NAME    status 0 if it exists, 1 if not",
	"cd":     "cd DIR    change the directory of external programs and source",
	"wait":   "CMD &    run CMD in the background ($! is the program it started)\nwait [PID...]    wait for background commands (all, or those of PID)",
	"set":    "set -e | -u | -x | +x | -o errexit|nounset|pipefail|xtrace    -e and -u are always on; -x traces statements",
	"export": "export NAME=VALUE | export NAME    put a variable in the environment of external programs",
	"help":   "help [TOPIC...]    this help; topics: in for if def try ip brctl bridge ping sysctl ...\nCMD ... ?    the usage of CMD (\"ip link ?\"); \"?\" alone is \"help\"",
	"ping": `ping [ -4 | -6 ] [ -c COUNT ] [ -i INTERVAL ] [ -I DEV|ADDR ] [ -s SIZE ] [ -t TTL ]
    [ -w DEADLINE ] [ -W TIMEOUT ] [ -q ] [ -D ] ADDR
    runs in the current namespace (in NS < ping ... >); "exec ping" runs iputils' ping`,
	"sysctl": `sysctl [ -n ] [ -e ] KEY...          print keys (net.ipv4.ip_forward, net/ipv4/ip_forward)
sysctl [ -w ] KEY=VALUE...          set keys; sysctl -a lists all, -p FILE loads a file
    /proc/sys/net is per namespace: in NS < sysctl ... > reads and sets NS's keys`,
}

// Help prints the help for the words after "help" to w. For ip, bridge
// and brctl it is the real tool's usage text from the model
// (spec.Usage): "help ip", "help ip link" (objects abbreviated as the
// tool accepts them: "help ip l"), "help bridge fdb", "help brctl".
func Help(w io.Writer, args []string) error {
	topic := strings.Join(args, " ")
	if len(args) > 0 && len(args) <= 2 && spec.Lookup(args[0]) != nil {
		obj := ""
		if len(args) == 2 {
			obj = args[1]
		}
		if name, text := spec.ObjectUsage(args[0], obj); text != "" {
			_, err := fmt.Fprint(w, text)
			return err
		} else if name == "" && obj != "" {
			return fmt.Errorf("help: %s has no object %q", args[0], obj)
		}
	}
	text, ok := helpTopics[topic]
	if !ok {
		var names []string
		for t := range helpTopics {
			if t != "" {
				names = append(names, t)
			}
		}
		sort.Strings(names)
		return fmt.Errorf("help: no help for %q; topics: %s, ip [OBJECT], bridge [OBJECT], brctl", topic, strings.Join(names, ", "))
	}
	_, err := fmt.Fprintln(w, text)
	return err
}
