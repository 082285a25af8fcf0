# containers-networking.txt rewritten in nsh (seeds/containers-networking.sh
# is the tutorial with its fixes): a veth pair with one end in namespace s1
# and the other a port of bridge br0. Same end state.
ns = s1
bridge = br0

ip netns add $ns
ip link add veth0 type veth peer name veth1
ip link set veth0 netns $ns
ip link add $bridge type bridge
ip link set veth1 master $bridge

in $ns <
  ip link show
>
bridge link show
brctl show $bridge
