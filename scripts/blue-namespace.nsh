# blue-namespace.txt rewritten in nsh (seeds/blue-namespace.sh is the
# tutorial as published): a namespace joined to the host by a veth pair,
# host routes both ways, lo up, ping both ways. Same end state.
ns = blue
host = 10.0.0.10
guest = 10.0.0.1

# join NS to the host: HOSTEND stays here, PEER goes into NS
def join ns hostend peer <
  ip link add $hostend type veth peer name $peer
  ip link set $peer netns $ns
>

ip netns add $ns
join $ns veth0 veth1

ip addr add $host/24 dev veth0
ip link set veth0 up
ip route add $guest dev veth0

in $ns <
  ip addr add $guest/24 dev veth1
  for dev in [veth1 lo] <
    ip link set $dev up
  >
  ip route add $host dev veth1
>

ping -c1 $guest
in $ns <
  ping -c1 $host
>
