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
	"help":   "help [TOPIC...]    this help; topics: " + "in for if def try ip brctl bridge ping sysctl ...",
	"ip": `ip [ -n NS | -4 | -6 | -brief | -details | -json | ... ] OBJECT COMMAND
OBJECT: link address route rule neighbour tuntap netns maddress (help ip link, help ip rule, ...)`,
	"ip link": `ip link add [name] NAME [mtu N] [address MAC] type TYPE [ARGS]
    TYPE: veth (peer name NAME) | bridge (OPTS) | macvlan (mode M) | vxlan (id N) | ...
    bridge OPTS: stp_state 0|1 forward_delay T hello_time T max_age T ageing_time T
        priority P vlan_filtering 0|1 mcast_snooping 0|1 group_fwd_mask M ...
ip link set { dev DEV | DEV } [ up | down ] [ master BR | nomaster ] [ netns NS ]
    [ mtu N ] [ name NEW ] [ address MAC ] [ txqueuelen N ] [ alias TEXT ]
    [ type bridge OPTS | type bridge_slave SLAVE-OPTS ]
    SLAVE-OPTS: cost N priority P state S hairpin|guard|learning|flood|root_block on|off ...
ip link delete { dev DEV | DEV } [ type TYPE ]
ip link show [ [dev] DEV ] [ up ] [ master BR ] [ type TYPE ]`,
	"ip address": `ip address { add | change | replace | delete } ADDR/LEN dev DEV [ label L ]
    [ broadcast B | brd + ] [ scope global|link|host ] [ peer ADDR ]
ip address { show | flush } [ [dev] DEV ] [ scope S ] [ to PREFIX ] [ up ]`,
	"ip route": `ip route { add | change | replace | append | delete } { default | PREFIX }
    [ via ADDR ] [ dev DEV ] [ src ADDR ] [ table T ] [ metric N ] [ proto P ] [ scope S ]
    [ nexthop via ADDR dev DEV weight N ]...
ip route add TYPE PREFIX ...    TYPE: blackhole | unreachable | prohibit | throw | local | broadcast | ...
ip route { show | flush } [ table T ] [ dev DEV ] [ proto P ] [ scope S ]
ip route get ADDR [ from ADDR ] [ iif DEV ] [ oif DEV ]`,
	"ip rule": `ip rule { add | delete } [ not ] [ from PREFIX ] [ to PREFIX ] [ iif DEV ] [ oif DEV ]
    [ fwmark MARK[/MASK] ] [ pref N ] [ table T | lookup T | blackhole | unreachable | prohibit ]
ip rule { list | show | flush } [ SELECTOR ]`,
	"ip neighbour": `ip neigh { add | delete | change | replace } ADDR [ lladdr MAC ] [ nud STATE ] dev DEV [ router ]
ip neigh { add | delete } proxy ADDR dev DEV
ip neigh { show | flush } [ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ]
    STATE: permanent | reachable | stale | noarp | delay | probe | failed | none | all`,
	"ip tuntap": `ip tuntap { add | delete } [ dev ] NAME mode { tun | tap } [ user USER ] [ group GROUP ]
    [ pi ] [ one_queue ] [ vnet_hdr ] [ multi_queue ]
ip tuntap show`,
	"ping": `ping [ -4 | -6 ] [ -c COUNT ] [ -i INTERVAL ] [ -I DEV|ADDR ] [ -s SIZE ] [ -t TTL ]
    [ -w DEADLINE ] [ -W TIMEOUT ] [ -q ] [ -D ] ADDR
    runs in the current namespace (in NS < ping ... >); "exec ping" runs iputils' ping`,
	"sysctl": `sysctl [ -n ] [ -e ] KEY...          print keys (net.ipv4.ip_forward, net/ipv4/ip_forward)
sysctl [ -w ] KEY=VALUE...          set keys; sysctl -a lists all, -p FILE loads a file
    /proc/sys/net is per namespace: in NS < sysctl ... > reads and sets NS's keys`,
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
bridge fdb { add | append | del | replace } MAC dev DEV [ master | self ] [ vlan N ] [ static | permanent ]
bridge fdb show [ br BR ] [ brport DEV ] [ vlan N ] [ state S ]
bridge vlan { add | del } vid N dev DEV [ pvid ] [ untagged ] [ self | master ] | show [ dev DEV ]`,
}

// Help prints the help for the words after "help" to w. Objects of ip
// may be abbreviated as ip accepts them ("help ip l").
func Help(w io.Writer, args []string) error {
	topic := strings.Join(args, " ")
	if len(args) == 2 && args[0] == "ip" {
		if obj, ok := builtins.Match(args[1], ipObjects...); ok {
			switch obj {
			case "neighbor":
				obj = "neighbour"
			case "tap":
				obj = "tuntap"
			}
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
