#!/bin/bash
# bridge-lab.sh [N]: the bash baseline of bridge-lab.nsh, one ip per line:
# N namespaces ns1..nsN (default 3) on bridge br0 (10.200.0.1/16), each
# joined by vethI (a port of br0) and vethIp (inside, at 10.200.X.Y/16
# with X.Y = I + 1 in base 256), lo up, default route via the bridge.
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
	ip -n ns$i addr add 10.200.$(((i + 1) / 256)).$(((i + 1) % 256))/16 dev veth${i}p
	ip -n ns$i link set lo up
	ip -n ns$i link set veth${i}p up
	ip -n ns$i route add default via 10.200.0.1
done
