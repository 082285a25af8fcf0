package repl

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nshlab/nsh/builtins"
)

// helpTopics is the REPL's "help" text per topic: the language's
// statements and commands, and the network builtins with their objects.
var helpTopics = map[string]string{
	"": `nsh: iproute2, brctl and bridge lines run in-process, plus a small language.
  ip ... | brctl ... | bridge ...    network builtins (help ip, help brctl, help bridge)
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
	"set":    "set -e | -x | +x    -e is always on; -x traces statements",
	"help":   "help [TOPIC...]    this help; topics: " + "in for if def try ip brctl bridge ...",
	"ip": `ip [ -n NS | -4 | -6 | -brief | -details | -json | ... ] OBJECT COMMAND
OBJECT: link address route netns (help ip link, help ip address, ...)`,
	"ip link": `ip link add [name] NAME [mtu N] [address MAC] type TYPE [ARGS]
    TYPE: veth (peer name NAME) | bridge | macvlan (mode M) | vxlan (id N) | ...
ip link set { dev DEV | DEV } [ up | down ] [ master BR | nomaster ] [ netns NS ]
    [ mtu N ] [ name NEW ] [ address MAC ] [ txqueuelen N ] [ alias TEXT ]
ip link delete { dev DEV | DEV } [ type TYPE ]
ip link show [ [dev] DEV ] [ up ] [ master BR ] [ type TYPE ]`,
	"ip address": `ip address { add | change | replace | delete } ADDR/LEN dev DEV [ label L ]
    [ broadcast B | brd + ] [ scope global|link|host ] [ peer ADDR ]
ip address { show | flush } [ [dev] DEV ] [ scope S ] [ to PREFIX ] [ up ]`,
	"ip route": `ip route { add | change | replace | append | delete } { default | PREFIX }
    [ via ADDR ] [ dev DEV ] [ src ADDR ] [ table T ] [ metric N ] [ proto P ] [ scope S ]
ip route { show | flush } [ table T ] [ dev DEV ] [ proto P ] [ scope S ]
ip route get ADDR [ from ADDR ] [ iif DEV ] [ oif DEV ]`,
	"ip netns": `ip netns list | list-id
ip netns add NAME | delete NAME | delete -all
ip netns exec NAME CMD...     (a builtin stays in-process; anything else runs in NAME)
ip netns identify [PID] | pids NAME | set NAME ID | attach NAME PID`,
	"brctl": `brctl addbr BR | delbr BR | addif BR DEV | delif BR DEV | show [BR]
brctl stp BR on|off | setageing BR T | setfd BR T | sethello BR T | setmaxage BR T
brctl setbridgeprio BR P | setpathcost BR PORT C | setportprio BR PORT P
brctl hairpin BR PORT on|off | showmacs BR`,
	"bridge": `bridge [ -n NS | -d | -j | -s ] OBJECT COMMAND
bridge link [ show [dev DEV] ] | set dev DEV [ cost N ] [ priority N ] [ state S ] [ hairpin on|off ] ...
bridge fdb { add | del | replace } MAC dev DEV [ master | self ] | show [ br BR ] [ brport DEV ]
bridge vlan { add | del } vid N dev DEV | show`,
}

// Help prints the help for the words after "help" to w. Objects of ip
// may be abbreviated as ip accepts them ("help ip l").
func Help(w io.Writer, args []string) error {
	topic := strings.Join(args, " ")
	if len(args) == 2 && args[0] == "ip" {
		if obj, ok := builtins.Match(args[1], ipObjects...); ok {
			topic = "ip " + obj
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
		return fmt.Errorf("help: no help for %q; topics: %s", topic, strings.Join(names, ", "))
	}
	_, err := fmt.Fprintln(w, text)
	return err
}
