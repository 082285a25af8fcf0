package lang

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with the golden file testdata/name, or rewrites the
// file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run go test -update to accept):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// validCases are inputs that must parse; their trees are in
// testdata/ast/NAME.golden.
var validCases = []struct{ name, src string }{
	{"command", "ip link add veth0 type veth peer name veth1\n"},
	{"words", `echo veth${i}p 10.0.$i.1/24 "a b"c -n ee:ee:ee:ee:ee:ee name=value ../x a=b=c {} () * ? ~ ! % ^ , @ + :`},
	{"quotes", `echo 'single $x "q"' "dq $x ${y} $((i+1)) \" \\ \$ \a" a\ b \$x '' "" ''x 'it'\''s' "multi
line" 'multi
line'`},
	{"dollars", `echo $ $. a$ $/ $1 $9 $# $@ $? $10 ${1} ${#} ${name} $name_2x $_ "$" "a$" "$ b" $"x" $'x'`},
	{"comments", "# first\necho a#b \"x\"#y $x#z # trailing\n  # indented\necho x;# after semi\ntry <# after lt\n>\n#!/not/a/shebang\n"},
	{"shebang", "#!/usr/bin/env nsh\necho hi\n"},
	{"continuation", "ip link add \\\n  veth0 type veth \\\n\tpeer name veth1\necho a\\\nb\n"},
	{"crlf", "echo a\r\nx = 1\r\nfor i in 1..2 <\r\n\techo $i\r\n>\r\n"},
	{"no_final_newline", "echo a"},
	{"separators", "a; b ;c;; ;\n;\n\n  \n\t\n"},
	{"empty", ""},
	{"only_comments", "# a\n\n   # b\n"},
	{"assign", "x = 1\nx=1\nx = [a b c]\nx =\nx=\nx = \"a b\"\nx=$((1+2))\nx = []\nx=[ a  b ]\nx = =\n_a1 = v\nx = $y\ny=a=b\nfor=1\n"},
	{"for", "for i in 1..3 < echo $i >\nfor x in a b [c d] $list \"q r\" < >\nfor h in < >\nfor i in 1..10 <\n\techo $i\n\techo done\n>\n"},
	{"ranges", "for i in 1..10 1..$n $a..$((b+1)) ../x '1..2' 1'..'2 x.. ..y 1...3 a/../b \"1\"..2 < >\n"},
	{"if", `if $x == a < echo eq >
if $x != a < >
if $i -eq 1 < >
if $i -ne 1 < >
if $i -lt 1 < >
if $i -le 1 < >
if $i -gt 1 < >
if $i -ge 1 < >
if $ok < echo ok >
if ! $ok < >
if ! ! exists link veth0 < >
if exists netns ns1 < >
if exists link "veth$i" < >
if exists == x < >
if "!" < >
if '!x' < >
if a < x > else < y >
if a < x > else if b < y > else if c < z > else < w >
if a <
	x
>
else <
	y
>
if a < x >

else if b < y >
`},
	{"def", "def greet name <\n\techo hello $name\n>\ndef nop < >\ndef f a b c < echo $a $b $c >\ngreet world\n"},
	{"in", "in ns1 < ip link set lo up; ip a >\nin pid 42 < ls >\nin $ns < >\nin /proc/1/ns/net < >\nin . < >\nin ns1\nin pid\nin pid <\n>\n"},
	{"try", "try < ip link del veth0 >\ntry <\n\tfalse\n\techo after\n>\ntry <>\n"},
	{"nested", "for i in 1..2 <\n\tfor j in 1..2 <\n\t\tif $i == $j < in ns$i < try < echo $i$j > > >\n\t>\n>\n"},
	{"one_line_blocks", "for i in 1..3 < echo $i >; echo after\ntry < a; b ;c > ; d\nif a < > else < >\nfor i in 1..3 < for j in a b < echo $i $j >>\n"},
	{"arith", "echo $((1)) $((i + 1)) $((i / 250)) $((i % 250)) $(( $i*2+3 )) $((1-2-3)) $((2*(3+4))) $((-x)) $((+1)) $((!0)) $((- -1)) $(((1+2))) $((a*b/c%d)) $((a-(b-c))) $((007)) $(($1 + $#))\n"},
	{"keywords_as_words", "echo for if else def in try exists pid\niffy x\nfor\"x\" y\n'for' i in x\nx y = z\n"},
	{"lists", "ip link add br0 type bridge && ip link set br0 up\nping -c1 10.0.0.2 >/dev/null 2>&1 || echo unreachable\na && b || c && d\nip netns exec ns1 ip a | grep inet\na | b | c && d | e || f\n'for' x | 'x'=1 y && \"if\"\na|b&&c||d\na \\\n&& b\na &&\n  b ||  # comment\n\n\tc |\n d\nin ns1 < a |\n b >\n"},
	{"defaults", "echo ${x:-a} ${x-b} ${1:=c} ${x:+d} ${x+} ${x:?unset} ${@:-} \"${NS:-ns1}x\" ${x:-a:b/c.d}\nns = ${1:-red}\n"},
	{"background", "sleep 10 &\nip netns exec ns1 nc -l 1234 >/dev/null 2>&1 &\na & b &c&\na | b && c & d\ncmd &>log & cmd >&2 &\nin ns1 < iperf3 -s & >\nwait\necho $!\n"},
	{"redirections", "echo 1 > /proc/sys/net/ipv4/ip_forward\nin ns1 < echo 1 > /proc/sys/net/ipv4/ip_forward >\necho a >> log; echo b 2> err; echo c 2>> err\ncmd &> all; cmd &>> all\ncmd 2>&1 >&2 1>&2\nsort < in > out\necho a>b c<d 3>x 2>\"$f\" > 'else' >>$((1+2))\necho 2 > f 2>f 1 a2>x\ncmd>x>y\nif a < echo x > else < echo y > f >\nfor i in 1..2 < echo $i >> out$i >\ntry < a >x; b >\n"},
	{"unicode", "echo héllo 'wörld' \"ñ $x\" \\é\n"},
}

// tutorialCommands are lines of real network tutorials; each must parse
// as a plain command of literal words.
var tutorialCommands = []string{
	"ip netns add ns1",
	"ip netns exec ns1 ip addr add 10.0.12.1/24 dev veth1",
	"ip link set veth1 addr ee:ee:ee:ee:ee:ee",
	"brctl addif mydocker0 veth1",
	"ip -n ns1 route add default via 172.16.1.254",
	"ping -c 2 172.16.1.2",
	"sudo ip link add veth0 type veth peer name veth1",
	"ls /var/run/netns/",
	"sysctl -w net.ipv4.ip_forward=1",
	"ip link set veth1 netns ns1",
	"ip netns exec ns1 ip link set lo up",
	"brctl addbr mydocker0",
	"ip addr add 172.16.1.254/16 dev mydocker0",
	"iptables -t nat -A POSTROUTING -s 172.16.0.0/16 ! -o mydocker0 -j MASQUERADE",
	"bridge fdb show dev vxlan0",
	"ip link add vxlan0 type vxlan id 42 dstport 4789 remote 192.168.1.3 dev eth0",
	"tcpdump -i veth0 -n icmp",
	"ip -6 addr add fd00::1/64 dev veth0",
	"echo 1 > /dev/null",
}

func TestParseGolden(t *testing.T) {
	for _, c := range validCases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("t.nsh", []byte(c.src))
			if err != nil {
				t.Fatalf("Parse(%q):\n%s", c.src, errDetail(err, c.src))
			}
			checkPositions(t, c.src, f)
			golden(t, filepath.Join("ast", c.name+".golden"), dump(f, false))
		})
	}
}

// TestScripts parses the scripts in testdata/scripts and compares their
// trees, with positions, with their golden files.
func TestScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "scripts", "*.nsh"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(filepath.Base(path), src)
		if err != nil {
			t.Fatalf("%s:\n%s", path, errDetail(err, string(src)))
		}
		checkPositions(t, string(src), f)
		golden(t, filepath.Join("scripts", strings.TrimSuffix(filepath.Base(path), ".nsh")+".golden"), dump(f, true))
	}
}

func errDetail(err error, src string) string {
	var l ErrorList
	if errors.As(err, &l) {
		return l.Detail([]byte(src))
	}
	return err.Error()
}

func TestTutorialCommands(t *testing.T) {
	for _, line := range tutorialCommands {
		if strings.Contains(line, ">") {
			continue // checked below: a redirection is an error
		}
		f, err := Parse("", []byte(line))
		if err != nil {
			t.Errorf("Parse(%q): %v", line, err)
			continue
		}
		if len(f.Stmts) != 1 {
			t.Errorf("Parse(%q): %d statements, want 1", line, len(f.Stmts))
			continue
		}
		c, ok := f.Stmts[0].(*Command)
		if !ok {
			t.Errorf("Parse(%q): %T, want *Command", line, f.Stmts[0])
			continue
		}
		fields := strings.Fields(line)
		if len(c.Args) != len(fields) {
			t.Errorf("Parse(%q): %d words, want %d", line, len(c.Args), len(fields))
			continue
		}
		for i, w := range c.Args {
			if s, ok := w.Lit(); !ok || s != fields[i] || len(w.Parts) != 1 || w.Parts[0].(*Lit).Quoted {
				t.Errorf("Parse(%q): word %d is %s, want the literal %q", line, i, dump(w, false), fields[i])
			}
		}
	}
	f, err := Parse("", []byte("echo 1 > /dev/null"))
	if err != nil {
		t.Fatalf(`Parse("echo 1 > /dev/null"): %v`, err)
	}
	if got := dump(f, false); got != "(Command \"echo\" \"1\" (Redirect 1> \"/dev/null\"))\n" {
		t.Errorf(`Parse("echo 1 > /dev/null") = %s`, got)
	}
}

// TestThreeErrors checks that a file with three bad lines gets exactly
// three errors, and that the good lines between them cause none.
func TestThreeErrors(t *testing.T) {
	src := `ip link add veth0 type veth peer name veth1
for i 1..3 <
	echo $i
>
echo ok
x = a b
in ns1 < ip a >
echo done | wc -l |;
`
	_, err := Parse("lab.nsh", []byte(src))
	var l ErrorList
	if !errors.As(err, &l) {
		t.Fatalf("Parse: %v, want an ErrorList", err)
	}
	want := []string{
		`lab.nsh:2:7: "for" needs "in": for VAR in ITEMS < ... >`,
		`lab.nsh:6:7: assignment takes one value; quote it or use [ ]`,
		`lab.nsh:8:19: unexpected "|" before ";": a command must follow it`,
	}
	if got := l.Error(); got != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if l.Incomplete() {
		t.Error("Incomplete() = true, want false")
	}
}

func TestDetail(t *testing.T) {
	src := "echo a\n\tip link > \nip link add \"vé\" |\n"
	_, err := Parse("lab.nsh", []byte(src))
	var l ErrorList
	if !errors.As(err, &l) {
		t.Fatalf("Parse: %v, want an ErrorList", err)
	}
	want := "lab.nsh:2:10: unexpected \">\": no block is open\n" +
		"    \tip link > \n" +
		"    \t        ^\n" +
		"lab.nsh:3:19: unexpected \"|\" before end of file: a command must follow it\n" +
		"    ip link add \"vé\" |\n" +
		"                     ^\n"
	if got := l.Detail([]byte(src)); got != want {
		t.Errorf("Detail:\n%s\nwant:\n%s", got, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Pos.Line != 2 {
		t.Errorf("errors.As(*Error) = %v", e)
	}
	noFile := (&Error{Pos: Pos{Line: 3, Col: 9}, Msg: "m"}).Error()
	if noFile != "3:9: m" {
		t.Errorf("Error() without a file name = %q", noFile)
	}
}

func TestIncomplete(t *testing.T) {
	for _, c := range []struct {
		src        string
		incomplete bool
	}{
		{"for i in 1..3 <", true},
		{"for i in 1..3 <\n\techo $i\n", true},
		{"in ns1 <\n\tif a <\n", true},
		{"echo 'abc", true},
		{"echo \"abc\n", true},
		{"in ns1 < echo \"abc >\n", true},
		{"ip link add \\", true},
		{"ip link add \\\n", true},
		{"ip link add \\\r\n", true},
		{"for i in 1..3 <\n\techo a |& b\n", false},
		{"echo a &&", true},
		{"echo a |\n\n", true},
		{"echo a || ;", false},
		{"echo >", false},
		{"for i in 1..3", false},
		{"echo $((1 +", false},
		{"x = [a b", false},
	} {
		_, err := Parse("", []byte(c.src))
		var l ErrorList
		if !errors.As(err, &l) {
			t.Errorf("Parse(%q) = %v, want an ErrorList", c.src, err)
			continue
		}
		if l.Incomplete() != c.incomplete {
			t.Errorf("Parse(%q): Incomplete() = %v, want %v; errors:\n%v", c.src, l.Incomplete(), c.incomplete, l)
		}
	}
}

// TestPositions checks node positions and ends against a golden file, and
// a few by hand.
func TestPositions(t *testing.T) {
	src := "x = [a 'b c']\nfor i in 1..$n < echo \"v$i\" ${j}é $((i + 1)) >\nif ! exists link veth0 < > else if $a -eq 2 < >\nin pid 7\ndef f a < >\ntry <\n> \ny=\n"
	f, err := Parse("p.nsh", []byte(src))
	if err != nil {
		t.Fatal(errDetail(err, src))
	}
	golden(t, "positions.golden", dump(f, true))

	if got := f.End(); got != (Pos{Filename: "p.nsh", Offset: len(src), Line: 9, Col: 1}) {
		t.Errorf("File.End() = %+v", got)
	}
	echo := f.Stmts[1].(*For).Body.Stmts[0].(*Command)
	if p := echo.Args[2].Pos(); p.String() != "p.nsh:2:29" || p.Offset != 42 {
		t.Errorf("${j} at %v (offset %d), want p.nsh:2:29 (offset 42)", p, p.Offset)
	}
	// Columns count bytes: é is two.
	if p := echo.Args[3].Pos(); p.Col != 36 {
		t.Errorf("$((i + 1)) at column %d, want 36", p.Col)
	}
	for _, c := range []struct{ src, pos string }{
		{"echo a\nip link > \n", "2:9"},
		{"echo a\nip link &> ;\n", "2:9"},
		{"echo a\nip link 2>&x\n", "2:12"},
		{"echo é >\n", "1:9"},
		{"\n\n   for x < >", "3:10"},
		{"a\r\nb |", "2:3"},
		{"for i in 1..3 <\n\techo $i\n", "3:1"},
		{"echo 'x\ny' \"abc", "2:4"},
	} {
		_, err := Parse("", []byte(c.src))
		var l ErrorList
		if !errors.As(err, &l) || len(l) != 1 {
			t.Errorf("Parse(%q) = %v, want one error", c.src, err)
			continue
		}
		if got := l[0].Pos.String(); got != c.pos {
			t.Errorf("Parse(%q): error at %s, want %s (%v)", c.src, got, c.pos, l[0])
		}
	}
}

// TestEBNF keeps the grammar from changing unnoticed.
func TestEBNF(t *testing.T) {
	golden(t, "grammar.ebnf", stmtParser().String()+"\n")
}

// allInputs are every test input, valid or not.
func allInputs(t *testing.T) []string {
	var srcs []string
	for _, c := range validCases {
		srcs = append(srcs, c.src)
	}
	srcs = append(srcs, tutorialCommands...)
	for _, c := range readErrorCases(t) {
		srcs = append(srcs, c.src)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "scripts", "*.nsh"))
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, string(src))
	}
	return srcs
}

// TestRoundTrip checks that printing a parsed file and parsing it again
// gives the same tree, and that printing is stable.
func TestRoundTrip(t *testing.T) {
	n := 0
	for _, src := range allInputs(t) {
		if _, err := Parse("", []byte(src)); err != nil {
			continue
		}
		n++
		checkRoundTrip(t, src)
	}
	if n < len(validCases) {
		t.Errorf("only %d inputs round-tripped", n)
	}
}

// checkRoundTrip fails the test if src parses but its printed form does
// not parse to the same tree, or prints differently.
func checkRoundTrip(t *testing.T, src string) {
	t.Helper()
	f, err := Parse("", []byte(src))
	if err != nil {
		return
	}
	out := Format(f)
	g, err := Parse("", []byte(out))
	if err != nil {
		t.Fatalf("printed form of %q does not parse:\n%s\n%s", src, out, errDetail(err, out))
	}
	if a, b := dump(f, false), dump(g, false); a != b {
		t.Fatalf("round trip of %q changed the tree:\nprinted:\n%s\nbefore:\n%s\nafter:\n%s", src, out, a, b)
	}
	if again := Format(g); again != out {
		t.Fatalf("printing %q is not stable:\n%s\nthen:\n%s", src, out, again)
	}
}

// TestFastPath checks that the fast path for simple statements builds
// the same trees and errors as the grammar.
func TestFastPath(t *testing.T) {
	for _, src := range allInputs(t) {
		checkFastPath(t, src)
	}
}

func checkFastPath(t *testing.T, src string) {
	t.Helper()
	f1, err1 := parse("f", []byte(src), true)
	f2, err2 := parse("f", []byte(src), false)
	if fmt.Sprint(err1) != fmt.Sprint(err2) {
		t.Fatalf("on %q the fast path reports\n%v\nthe grammar\n%v", src, err1, err2)
	}
	if err1 == nil {
		if a, b := dump(f1, true), dump(f2, true); a != b {
			t.Fatalf("on %q the fast path builds\n%s\nthe grammar\n%s", src, a, b)
		}
	}
}

func TestLexerSpec(t *testing.T) {
	for _, src := range allInputs(t) {
		checkLexerSpec(t, src)
	}
	for _, src := range []string{
		"\\", "a\\", "\\\r", "a\\\rb", "'", "\"", "\"\\", "$", "${", "${a", "${a b}", "$(", "$((", "$((1",
		"$((1)", "$((1)))", "$(((1)))", "$(( (1) ))", "$((a\n", "\"$((1\"", "$((é))", "$((\\\n1))",
		"$(($))", "$((${a}))", "&", "&&&", "|||", "#", " #", "a#", "\t# x\n#", ";#", "<#x", "é\\é", "\r\n", "\r",
		"\"a\\\r\nb\"", "\"\\\r\"", "$((1\r\n", "$((1 \\\r1))", "x\x00y", "\xff\\\xff",
	} {
		checkLexerSpec(t, src)
	}
}

func TestQuote(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"veth0", "veth0"},
		{"10.0.0.1/24", "10.0.0.1/24"},
		{"a#b", "a#b"},
		{"", "''"},
		{"a b", "'a b'"},
		{"#x", "'#x'"},
		{"it's", `'it'\''s'`},
		{"'", `\'`},
		{"$x", "'$x'"},
		{"a<b", "'a<b'"},
		{"[x]", "'[x]'"},
		{"a\nb", "'a\nb'"},
		{`back\slash`, `'back\slash'`},
		{"tab\t", "'tab\t'"},
		{"é", "é"},
	} {
		if got := Quote(c.in); got != c.out {
			t.Errorf("Quote(%q) = %q, want %q", c.in, got, c.out)
		}
	}
	for _, s := range []string{"", "a b", "it's", "''", "\\", "\"", "$((1))", "${x}", "a;b", "x|y", "&", "#", "  ", "\n", "'a'b'", "é ç", "for", "x=1", "<", ">", "[", "]", "..", "1..2"} {
		checkQuote(t, s)
	}
}

// checkQuote checks that Quote(s) reads back as the one literal word s.
func checkQuote(t *testing.T, s string) {
	t.Helper()
	src := "echo " + Quote(s)
	f, err := Parse("", []byte(src))
	if err != nil {
		t.Fatalf("Quote(%q) = %q does not parse: %v", s, Quote(s), err)
	}
	c := f.Stmts[0].(*Command)
	if len(c.Args) != 2 {
		t.Fatalf("Quote(%q) = %q reads as %d words", s, Quote(s), len(c.Args)-1)
	}
	if got, ok := c.Args[1].Lit(); !ok || got != s {
		t.Fatalf("Quote(%q) = %q reads back as %s", s, Quote(s), dump(c.Args[1], false))
	}
}

// TestFormat checks the printed form of some statements.
func TestFormat(t *testing.T) {
	src := "x=1;y = [a 'b c'];for i in 1..3 $l [a b] < echo \"$i\\\"\" ${i}x;in ns1 < try < > > >\nif ! a == b < > else if exists link $x < > else < in pid 3 >\ndef f a b < $a >\nin .\necho $((-(1+2)*3-(4-5)))\n"
	f, err := Parse("", []byte(src))
	if err != nil {
		t.Fatal(errDetail(err, src))
	}
	want := `x = 1
y = [a 'b c']
for i in 1..3 $l [a b] <
	echo "$i\"" ${i}x
	in ns1 <
		try <
		>
	>
>
if ! a == b <
> else if exists link $x <
> else <
	in pid 3
>
def f a b <
	$a
>
in .
echo $((-(1 + 2) * 3 - (4 - 5)))
`
	if got := Format(f); got != want {
		t.Errorf("Format:\n%s\nwant:\n%s", got, want)
	}
	var b strings.Builder
	if err := Print(&b, f.Stmts[0]); err != nil || b.String() != "x = 1" {
		t.Errorf("Print(stmt) = %q, %v", b.String(), err)
	}
	// Trees that the parser does not build still print as valid source.
	lit := func(s string, quoted bool) *Word { return &Word{Parts: []WordPart{&Lit{Value: s, Quoted: quoted}}} }
	for _, c := range []struct {
		n    Node
		want string
	}{
		{&Command{Args: []*Word{lit("for", false), lit("x", false)}}, "'for' x"},
		{&Command{Args: []*Word{lit("x", false), lit("=", false), lit("y", false)}}, "'x' = y"},
		{&Command{Args: []*Word{lit("a=b", false)}}, "'a=b'"},
		{&Command{Args: []*Word{lit("a b", false), lit("#c", false), lit("$x", false)}}, "'a b' '#c' '$x'"},
		{&Assign{Name: "in", Value: lit("x", false)}, "in=x"},
		{&Truth{X: lit("!x", false)}, "'!x'"},
		{&Truth{X: lit("exists", false)}, "'exists'"},
		{&For{Var: "i", Items: []Node{lit("a..b", false)}, Body: &Block{}}, "for i in 'a..b' <\n>"},
		{&Word{Parts: []WordPart{&ParamExp{Name: "a"}, &Lit{Value: "b"}}}, "${a}b"},
		{&Word{Parts: []WordPart{&DblQuoted{Parts: []WordPart{&ParamExp{Name: "a"}, &Lit{Value: "b"}}}}}, `"${a}b"`},
		{&ArithNum{Value: 5}, "5"},
	} {
		if got := Format(c.n); got != c.want {
			t.Errorf("Format(%s) = %q, want %q", dump(c.n, false), got, c.want)
		}
	}
}
