package repl

// Tables for completion of the language's own commands, ping and sysctl.
// ip, bridge and brctl are completed from the model (builtins/spec).

// langCommands are the language's own commands and the keywords that
// start a statement.
var langCommands = []string{
	"echo", "sleep", "exit", "source", "exec", "sudo", "exists", "cd", "set", "true", "false", "wait", "export",
	"for", "if", "def", "in", "try", "help",
}

// netCommands are the network builtins, unless Config.Commands names
// them.
var netCommands = []string{"ip", "brctl", "bridge", "ping", "sysctl"}

// A valueFunc offers the values of a keyword.
type valueFunc func(q *query)

// words offers fixed values.
func words(w ...string) valueFunc { return func(q *query) { q.offer(w...) } }

// free marks a keyword whose value is free text: nothing is offered.
func free(*query) {}

// devices offers the target namespace's interface names.
func devices(q *query) { q.ifnames(nil) }

// pingOptions are the options of nsh's ping (iputils' letters), and the
// ones that take a value.
var (
	pingOptions = []string{"-4", "-6", "-c", "-D", "-I", "-i", "-n", "-q", "-s", "-t", "-v", "-W", "-w"}
	pingValues  = map[string]valueFunc{"-c": free, "-I": devices, "-i": free, "-s": free, "-t": free, "-W": free, "-w": free}
)

// sysctlOptions are procps sysctl's options as nsh implements them.
var sysctlOptions = []string{
	"-a", "-A", "-X", "-b", "-e", "-N", "-n", "-p", "-f", "-q", "-w", "-o", "-x", "-h",
	"--all", "--deprecated", "--dry-run", "--binary", "--ignore", "--names", "--values",
	"--load", "--quiet", "--write", "--help",
}
