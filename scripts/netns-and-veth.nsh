# netns-and-veth.txt rewritten in nsh (seeds/netns-and-veth.sh is the
# tutorial with its fix): namespace basics, veth basics, then two
# namespaces joined by one veth pair and a ping. Same end state.

# Namespace basics: add, look inside, delete.
ip netns add ns1
ip netns list
in ns1 <
  ip a
>
ip netns delete ns1

# veth basics: up, address, MAC, move, delete (either end deletes both).
ip link add veth1 type veth peer name veth2
ip link show type veth
ip link set veth1 up
ip addr add 1.1.1.1/32 dev veth1
ip link set veth1 addr ee:ee:ee:ee:ee:ee
ip netns add ns1
ip link set dev veth1 netns ns1
ip link del veth2

# Two hosts on one cable: DEV goes into NS with ADDR/24 and is brought up.
def plug ns dev addr <
  if ! exists netns $ns <
    ip netns add $ns
  >
  ip link set dev $dev netns $ns
  in $ns <
    ip addr add $addr/24 dev $dev
    ip link set $dev up
  >
>

ip link add veth1 type veth peer name veth2
plug ns1 veth1 10.0.12.1
plug ns2 veth2 10.0.12.2

in ns1 <
  ping 10.0.12.2 -c 2
>
for n in [ns1 ns2] <
  in $n <
    ip a
  >
>
