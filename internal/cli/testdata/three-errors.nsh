ip netns add ns1
for i in 1..3 echo $i >
ip link add veth0 type veth peer name veth1
ip link show | | grep veth
x = a b
