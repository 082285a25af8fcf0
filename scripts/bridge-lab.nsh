# bridge-lab.nsh [N]: N namespaces ns1..nsN (default 3) on bridge br0
# (10.200.0.1/16). Namespace nsI is joined by the veth pair vethI (a port
# of br0) and vethIp (inside, at 10.200.X.Y/16 with X.Y = I + 1 in base
# 256), with lo up and a default route via the bridge.
# bridge-lab.sh is the same lab in bash with one ip per line.
n = 3
if $# -gt 0 <
  n = $1
>
gw = 10.200.0.1

ip link add br0 type bridge
ip addr add $gw/16 dev br0
ip link set br0 up

def node i <
  ip netns add ns$i
  ip link add veth$i type veth peer name veth${i}p
  ip link set veth$i master br0
  ip link set veth$i up
  ip link set veth${i}p netns ns$i
  in ns$i <
    ip addr add 10.200.$(( (i + 1) / 256 )).$(( (i + 1) % 256 ))/16 dev veth${i}p
    ip link set lo up
    ip link set veth${i}p up
    ip route add default via $gw
  >
>

for i in 1..$n <
  node $i
>
