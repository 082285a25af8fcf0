#!/bin/bash
# policy-routing-lab.sh: the bash baseline of policy-routing-lab.nsh, one
# ip (or bridge) per line: a router namespace r1 with two uplinks, policy
# rules, several route tables, multipath, blackhole/unreachable/prohibit/
# throw routes, an onlink route, permanent and proxy neighbours, and a
# static bridge forwarding entry.
set -e

ip netns add r1
ip netns add up1
ip netns add up2
ip link add wan1 netns r1 type veth peer name eth0 netns up1
ip link add wan2 netns r1 type veth peer name eth0 netns up2
ip -n r1 link add br0 type bridge
ip -n r1 link add lan0 type veth peer name lan0p
ip -n r1 link set lan0 master br0
ip -n r1 addr add 192.0.2.1/30 dev wan1
ip -n r1 addr add 198.51.100.1/30 dev wan2
ip -n r1 addr add 10.10.0.1/24 dev br0
ip -n r1 addr add 2001:db8:10::1/64 dev br0 nodad
ip -n r1 link set lo up
ip -n r1 link set wan1 up
ip -n r1 link set wan2 up
ip -n r1 link set br0 up
ip -n r1 link set lan0 up
ip -n up1 addr add 192.0.2.2/30 dev eth0
ip -n up1 link set eth0 up
ip -n up2 addr add 198.51.100.2/30 dev eth0
ip -n up2 link set eth0 up
ip -n r1 route add default nexthop via 192.0.2.2 dev wan1 weight 2 nexthop via 198.51.100.2 dev wan2 weight 1
ip -n r1 route add default via 192.0.2.2 table 101
ip -n r1 route add default via 198.51.100.2 table 102
ip -n r1 route add 10.20.0.0/16 via 10.10.0.254 dev br0 onlink
ip -n r1 route add blackhole 10.99.0.0/16
ip -n r1 route add unreachable 10.98.0.0/16 table 101
ip -n r1 route add prohibit 10.97.0.0/16 table 102
ip -n r1 route add throw 10.96.0.0/16 table 101
ip -n r1 -6 route add 2001:db8:20::/48 via 2001:db8:10::2 dev br0 metric 100
ip -n r1 rule add from 10.10.0.0/25 table 101 pref 1000
ip -n r1 rule add from 10.10.0.128/25 lookup 102 pref 1001
ip -n r1 rule add fwmark 0x2/0xff table 102 pref 1002
ip -n r1 rule add not to 10.0.0.0/8 iif br0 table main pref 1003
ip -n r1 rule add oif wan2 table 102 pref 1004
ip -n r1 rule add from 10.10.0.66 blackhole pref 900
ip -n r1 rule add from all lookup main suppress_prefixlength 0 pref 800
ip -n r1 -6 rule add from 2001:db8:10::/64 table 101 pref 500
ip -n r1 neigh add 10.10.0.50 lladdr 02:00:00:00:10:50 dev br0 nud permanent
ip -n r1 neigh add 10.10.0.51 lladdr 02:00:00:00:10:51 dev br0
ip -n r1 neigh replace 10.10.0.51 lladdr 02:00:00:00:10:52 dev br0 nud permanent
ip -n r1 neigh add 2001:db8:10::50 lladdr 02:00:00:00:10:60 dev br0 nud permanent
ip -n r1 neigh add proxy 10.10.0.99 dev br0
ip -n r1 rule del pref 1004
ip -n r1 neigh del 10.10.0.50 dev br0
ip -n r1 neigh add 10.10.0.50 lladdr 02:00:00:00:10:53 dev br0 nud permanent
