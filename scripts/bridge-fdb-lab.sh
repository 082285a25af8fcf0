#!/bin/bash
# bridge-fdb-lab.sh: the bash baseline of bridge-fdb-lab.nsh, one command
# per line: a switch namespace sw with a brctl bridge (STP, timers,
# priorities, port costs), static and permanent fdb entries, hairpin and
# learning settings on ports, and a vxlan port with fdb entries towards
# two remote VTEPs.
set -e

ip netns add sw
ip netns add h1
ip netns add h2
ip netns exec sw brctl addbr br0
ip netns exec sw brctl stp br0 on
ip netns exec sw brctl setbridgeprio br0 4096
ip netns exec sw brctl setfd br0 4
ip netns exec sw brctl setageing br0 120
ip netns exec sw brctl sethello br0 1
ip netns exec sw brctl setmaxage br0 10
ip link add p1 netns sw type veth peer name eth0 netns h1
ip link add p2 netns sw type veth peer name eth0 netns h2
ip netns exec sw brctl addif br0 p1
ip netns exec sw brctl addif br0 p2
ip netns exec sw brctl setpathcost br0 p1 10
ip netns exec sw brctl setportprio br0 p2 40
ip netns exec sw brctl hairpin br0 p2 on
ip -n sw link set br0 up
ip -n sw link set p1 up
ip -n sw link set p2 up
ip -n sw addr add 10.30.0.1/24 dev br0
ip -n h1 addr add 10.30.0.11/24 dev eth0
ip -n h1 link set eth0 up
ip -n h2 addr add 10.30.0.12/24 dev eth0
ip -n h2 link set eth0 up
bridge -n sw link set dev p1 learning off
bridge -n sw link set dev p2 cost 33 priority 7
bridge -n sw fdb add 02:00:00:30:00:11 dev p1 master static
bridge -n sw fdb add 02:00:00:30:00:12 dev p2 master static
bridge -n sw fdb add 02:00:00:30:00:99 dev br0 self permanent
ip -n sw link add vx0 type vxlan id 300 dstport 4789 local 10.30.0.1 nolearning
ip -n sw link set vx0 master br0
ip -n sw link set vx0 up
bridge -n sw fdb append 00:00:00:00:00:00 dev vx0 dst 10.30.0.201
bridge -n sw fdb append 00:00:00:00:00:00 dev vx0 dst 10.30.0.202
bridge -n sw fdb add 02:00:00:30:02:01 dev vx0 dst 10.30.0.201 self permanent
bridge -n sw fdb del 02:00:00:30:00:12 dev p2 master
bridge -n sw fdb replace 02:00:00:30:00:12 dev p1 master static
