#!/bin/bash
# overlay-lab.sh: the bash baseline of overlay-lab.nsh, one ip per line:
# a host namespace h1 with an underlay veth, a bridge with options and a
# port with options, macvlan and macvtap devices in several modes, vxlan
# devices (unicast, multicast, external), tun and tap devices, and an ifb.
set -e

ip netns add h1
ip netns add h2
ip link add ul0 netns h1 type veth peer name ul0 netns h2
ip -n h1 addr add 172.31.0.1/24 dev ul0
ip -n h2 addr add 172.31.0.2/24 dev ul0
ip -n h1 link set ul0 up
ip -n h2 link set ul0 up
ip -n h1 link add br0 type bridge stp_state 0 forward_delay 400 priority 4096 ageing_time 6000
ip -n h1 link set br0 type bridge mcast_snooping 0 group_fwd_mask 8
ip -n h1 link add port0 type veth peer name port0p
ip -n h1 link set port0 master br0
ip -n h1 link set port0 type bridge_slave cost 7 priority 9 hairpin on learning off
ip -n h1 link add link ul0 name mv0 type macvlan mode bridge
ip -n h1 link add link ul0 name mv1 type macvlan mode private
ip -n h1 link add link ul0 name mvt0 type macvtap mode vepa
ip -n h1 link add vx0 type vxlan id 100 remote 172.31.0.2 local 172.31.0.1 dstport 4789 dev ul0
ip -n h1 link add vx1 type vxlan id 101 group 239.1.1.1 dev ul0 dstport 4789 ttl 5 nolearning
ip -n h1 link add vx2 type vxlan external dstport 4790
ip -n h1 link set vx0 master br0
ip -n h1 tuntap add tap0 mode tap
ip -n h1 tuntap add tun0 mode tun user 1000 group 100 multi_queue
ip -n h1 tuntap add tun1 mode tun pi vnet_hdr
ip -n h1 tuntap del tun1 mode tun
ip -n h1 link add ifb0 type ifb
ip -n h1 link set br0 up
ip -n h1 link set port0 up
ip -n h1 link set vx0 up
ip -n h1 link set mv0 up
ip -n h1 addr add 10.50.0.1/24 dev br0
ip -n h1 addr add 10.51.0.1/24 dev mv0
