# Seed tutorial netns-and-veth.txt ("Network namespace" and "veth"): its
# command lines as published, prompts and output stripped. Runs under bash
# with iproute2 and under nsh unchanged.
#
# Left out: the interactive "ip netns exec ns1 bash" session, the docker
# FAQ loop, and tcpdump. Fixed: the two-namespace section adds ns1 again,
# but ns1 still exists from the veth section ("File exists"), so that line
# is dropped. Changed: "ping 10.0.12.2 -c 4" pings twice.
ip netns add ns1
ip netns list
ip netns show
ip netns exec ns1 ip a
ip netns delete ns1
# veth
ip link add veth1 type veth peer name veth2
ip add
ip link show type veth
ip link set veth1 up
ip addr add 1.1.1.1/32 dev veth1
ip link set veth1 addr ee:ee:ee:ee:ee:ee
ip netns add ns1
ip link set dev veth1 netns ns1
ip link del veth2
# Simulate the communication between two hosts
# fix: "ip netns add ns1" dropped, ns1 exists already
ip netns add ns2
ip link add veth1 type veth peer name veth2
ip link set dev veth1 netns ns1
ip link set dev veth2 netns ns2
ip netns exec ns1 ip addr add 10.0.12.1/24 dev veth1
ip netns exec ns1 ip link set veth1 up
ip netns exec ns2 ip addr add 10.0.12.2/24 dev veth2
ip netns exec ns2 ip link set veth2 up
ip netns exec ns1 ping 10.0.12.2 -c 2
ip netns exec ns1 ip a
ip netns exec ns2 ip a
