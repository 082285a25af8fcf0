# Language-level mistakes, each marked where nsh -n must report it:
# ### COL "REGEXP" [warning] (the line is the marker's). Nothing in this
# file may run: the first lines would change the kernel.
ip netns add mk1
ip link add mkv0 type veth peer name mkv1
hosts = [red green]
echo $hsots  ### 6 "^\$hsots is not set: no assignment to it comes before this point; did you mean \$hosts\?$"
def pair a b <
	ip link add $a type veth peer name $b
>
pair x  ### 1 "^pair takes 2 argument\(s\) \(a b\), got 1 \(defined at testdata/mistakes\.nsh:8:1\)$"
pair x y z  ### 1 "^pair takes 2 argument\(s\) \(a b\), got 3"
def show name <
	echo $nme  ### 7 "^\$nme is not set: .*; did you mean \$name\?$"
>
show it
def echo < >  ### 5 "^\"echo\" is a builtin command and cannot be redefined$"
def ip < >  ### 5 "^\"ip\" is a builtin command of nsh and cannot be redefined"
sleep soon  ### 7 "^invalid time interval \"soon\"$"
exit 300  ### 6 "^exit: \"300\" is not a status between 0 and 255$"
exit 1 2  ### 1 "^usage: exit \[N\]$"
set +e  ### 5 "^set \+e: nsh always stops at a failing statement"
set -o nope  ### 8 "^set -o nope: not supported$"
exists file x  ### 8 "^exists: unknown kind \"file\" \(netns or link\)$"
x = abc
echo $((x + 1))  ### 9 "^\$x is \"abc\", not an integer$"
echo $((4 / 0))  ### 11 "^division by zero$"
for i in a..3 < echo $i >  ### 10 "^range: \"a\" is not an integer$"
if 1.5 -lt 2 < echo small >  ### 4 "^-lt compares integers: \"1\.5\" is not an integer$"
in pid me < echo >  ### 8 "^in pid me: \"me\" is not a process id$"
export 1x=2  ### 8 "^export: \"1x=2\" is not a valid name$"
echo $later  ### 6 "^\$later is not set"
later = 1
source  ### 1 "^usage: source FILE$"
cd a b  ### 1 "^usage: cd \[DIR\]$"
in mk2 < ip link >  ### 4 "^namespace \"mk2\" does not exist and no statement before this one creates it; did you mean \"mk1\"\?$" warning
ip -n mk1x link  ### 7 "; did you mean \"mk1\"\?$" warning
piar x y  ### 1 "^command not found: piar; did you mean \"pair\"\?$" warning
exec  ### 1 "^exec: no program given$"
