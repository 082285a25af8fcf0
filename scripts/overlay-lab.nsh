# overlay-lab.nsh: a host namespace h1 with an underlay veth to h2, a
# bridge with options and a port with options, macvlan and macvtap devices,
# vxlan devices (unicast, multicast, external), tun and tap devices and an
# ifb. overlay-lab.sh is the same lab in bash with one ip per line.
ip netns add h1
ip netns add h2
ip link add ul0 netns h1 type veth peer name ul0 netns h2
ip -n h1 addr add 172.31.0.1/24 dev ul0
ip -n h2 addr add 172.31.0.2/24 dev ul0
for n in h1 h2 <
  ip -n $n link set ul0 up
>
in h1 <
  ip link add br0 type bridge stp_state 0 forward_delay 400 priority 4096 ageing_time 6000
  ip link set br0 type bridge mcast_snooping 0 group_fwd_mask 8
  ip link add port0 type veth peer name port0p
  ip link set port0 master br0
  ip link set port0 type bridge_slave cost 7 priority 9 hairpin on learning off
  ip link add link ul0 name mv0 type macvlan mode bridge
  ip link add link ul0 name mv1 type macvlan mode private
  ip link add link ul0 name mvt0 type macvtap mode vepa
  ip link add vx0 type vxlan id 100 remote 172.31.0.2 local 172.31.0.1 dstport 4789 dev ul0
  ip link add vx1 type vxlan id 101 group 239.1.1.1 dev ul0 dstport 4789 ttl 5 nolearning
  ip link add vx2 type vxlan external dstport 4790
  ip link set vx0 master br0
  ip tuntap add tap0 mode tap
  ip tuntap add tun0 mode tun user 1000 group 100 multi_queue
  ip tuntap add tun1 mode tun pi vnet_hdr
  ip tuntap del tun1 mode tun
  ip link add ifb0 type ifb
  for l in br0 port0 vx0 mv0 <
    ip link set $l up
  >
  ip addr add 10.50.0.1/24 dev br0
  ip addr add 10.51.0.1/24 dev mv0
>
