# docker-bridge-lab.txt rewritten in nsh (seeds/docker-bridge-lab.sh is the
# tutorial as published): namespaces ns1 and ns2 on the brctl bridge
# mydocker0, each with eth0 at 172.16.1.N/16 and a default route via the
# bridge, then a ping each way. Same end state.
bridge = mydocker0
gw = 172.16.1.254

brctl addbr $bridge
ip addr add $gw/16 dev $bridge
ip link set dev $bridge up

# container N: namespace nsN, cable vethN (on the bridge) to vethNp, which
# becomes eth0 inside
def container n <
  ip netns add ns$n
  ip link add veth$n type veth peer name veth${n}p
  brctl addif $bridge veth$n
  ip link set veth$n up
  ip link set veth${n}p netns ns$n
  in ns$n <
    ip link set veth${n}p name eth0
    ip link set eth0 up
    ip addr add 172.16.1.$n/16 dev eth0
    ip route add default via $gw
  >
>

for n in 1..2 <
  container $n
>
brctl show

in ns1 <
  ping -c 2 172.16.1.2
>
in ns2 <
  ping -c 2 172.16.1.1
>
