# veth pairs between n namespaces, numbered addresses.
n = 4
def pair a b <
	ip link add veth-$a-$b type veth peer name veth-$b-$a
	ip link set veth-$a-$b netns $a
	ip link set veth-$b-$a netns $b
>
for i in 1..$n < ip netns add ns$i >
for i in 1..$((n - 1)) <
	j = $((i + 1))
	pair ns$i ns$j
	ip -n ns$i addr add "10.0.$i.1/24" dev veth-ns$i-ns$j
	ip -n ns$j addr add 10.0.$i.2/24 dev veth-ns$j-ns$i
	if $((i % 2)) -eq 0 < echo "even link $i" > else if $i == 1 < echo first > else < echo odd >
>
try < ip netns del ns9 >
in pid 1 < ip -br link >
in .
echo 'done: ' $n namespaces, \
	$((n * (n - 1) / 2)) possible pairs
