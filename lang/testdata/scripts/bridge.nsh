#!/usr/bin/env nsh
# Two namespaces on a Linux bridge, as in the "docker networking by hand"
# tutorials, plus NAT to the outside.

br = mydocker0
hosts = [ns1 ns2]

ip link add $br type bridge
ip addr add 172.16.1.254/16 dev $br
ip link set $br up

i = 0
for h in $hosts <
	i = $((i + 1))
	ip netns add $h
	ip link add veth-$h type veth peer name eth0 netns $h
	ip link set veth-$h master $br
	ip link set veth-$h up
	in $h <
		ip link set lo up
		ip addr add 172.16.1.$i/16 dev eth0
		ip link set eth0 up
		ip route add default via 172.16.1.254
	>
>

sysctl -w net.ipv4.ip_forward=1
iptables -t nat -A POSTROUTING -s 172.16.0.0/16 ! -o $br -j MASQUERADE

if exists netns ns1 <
	in ns1 < ping -c 2 172.16.1.2 >
> else <
	echo "ns1 is missing" ; exit 1
>
