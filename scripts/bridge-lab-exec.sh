#!/bin/bash
# bridge-lab-exec.sh [N]: bridge-lab.sh written the way most tutorials do
# it, every command inside a namespace as "ip netns exec nsI ip ...". Same
# end state as bridge-lab.sh and bridge-lab.nsh.
set -e
n=${1:-3}

ip link add br0 type bridge
ip addr add 10.200.0.1/16 dev br0
ip link set br0 up

for ((i = 1; i <= n; i++)); do
	ip netns add ns$i
	ip link add veth$i type veth peer name veth${i}p
	ip link set veth$i master br0
	ip link set veth$i up
	ip link set veth${i}p netns ns$i
	ip netns exec ns$i ip addr add 10.200.$(((i + 1) / 256)).$(((i + 1) % 256))/16 dev veth${i}p
	ip netns exec ns$i ip link set lo up
	ip netns exec ns$i ip link set veth${i}p up
	ip netns exec ns$i ip route add default via 10.200.0.1
done
