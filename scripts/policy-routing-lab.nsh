# policy-routing-lab.nsh: a router namespace r1 with two uplinks (up1,
# up2), a LAN bridge, policy rules, several route tables, multipath,
# blackhole/unreachable/prohibit/throw routes, an onlink route, and
# permanent and proxy neighbours. policy-routing-lab.sh is the same lab in
# bash with one ip per line.
ip netns add r1
for u in 1..2 <
  ip netns add up$u
  ip link add wan$u netns r1 type veth peer name eth0 netns up$u
>
in r1 <
  ip link add br0 type bridge
  ip link add lan0 type veth peer name lan0p
  ip link set lan0 master br0
  ip addr add 192.0.2.1/30 dev wan1
  ip addr add 198.51.100.1/30 dev wan2
  ip addr add 10.10.0.1/24 dev br0
  ip addr add 2001:db8:10::1/64 dev br0 nodad
  for l in lo wan1 wan2 br0 lan0 <
    ip link set $l up
  >
>
ip -n up1 addr add 192.0.2.2/30 dev eth0
ip -n up1 link set eth0 up
ip -n up2 addr add 198.51.100.2/30 dev eth0
ip -n up2 link set eth0 up
in r1 <
  ip route add default nexthop via 192.0.2.2 dev wan1 weight 2 nexthop via 198.51.100.2 dev wan2 weight 1
  ip route add default via 192.0.2.2 table 101
  ip route add default via 198.51.100.2 table 102
  ip route add 10.20.0.0/16 via 10.10.0.254 dev br0 onlink
  ip route add blackhole 10.99.0.0/16
  ip route add unreachable 10.98.0.0/16 table 101
  ip route add prohibit 10.97.0.0/16 table 102
  ip route add throw 10.96.0.0/16 table 101
  ip -6 route add 2001:db8:20::/48 via 2001:db8:10::2 dev br0 metric 100
  ip rule add from 10.10.0.0/25 table 101 pref 1000
  ip rule add from 10.10.0.128/25 lookup 102 pref 1001
  ip rule add fwmark 0x2/0xff table 102 pref 1002
  ip rule add not to 10.0.0.0/8 iif br0 table main pref 1003
  ip rule add oif wan2 table 102 pref 1004
  ip rule add from 10.10.0.66 blackhole pref 900
  ip rule add from all lookup main suppress_prefixlength 0 pref 800
  ip -6 rule add from 2001:db8:10::/64 table 101 pref 500
  ip neigh add 10.10.0.50 lladdr 02:00:00:00:10:50 dev br0 nud permanent
  ip neigh add 10.10.0.51 lladdr 02:00:00:00:10:51 dev br0
  ip neigh replace 10.10.0.51 lladdr 02:00:00:00:10:52 dev br0 nud permanent
  ip neigh add 2001:db8:10::50 lladdr 02:00:00:00:10:60 dev br0 nud permanent
  ip neigh add proxy 10.10.0.99 dev br0
  ip rule del pref 1004
  ip neigh del 10.10.0.50 dev br0
  ip neigh add 10.10.0.50 lladdr 02:00:00:00:10:53 dev br0 nud permanent
>
