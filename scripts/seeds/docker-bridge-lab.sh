# Seed tutorial docker-bridge-lab.txt (two namespaces on a brctl bridge,
# as Docker does it): its command lines as published, prompts and output
# stripped. Runs under bash with iproute2 and bridge-utils, and under nsh
# unchanged.
#
# Left out: "route -n" (net-tools).
ip netns add ns1
ip netns add ns2
ip netns list
ls /var/run/netns/
ip netns exec ns1 ip a
ip netns exec ns2 ip a
ip netns exec ns2 ip route
brctl addbr mydocker0
brctl show
ip a add 172.16.1.254/16 dev mydocker0
ip link set dev mydocker0 up
ip link add veth1 type veth peer name veth1p
ip -d link show |grep veth1
brctl addif mydocker0 veth1
ip link set veth1 up
brctl show
ip link set veth1p netns ns1
ip netns exec ns1 ip a
ip netns exec ns1 ip link set veth1p name eth0
ip netns exec ns1 ip a
ip netns exec ns1 ip link set eth0 up
ip netns exec ns1 ip a add 172.16.1.1/16 dev eth0
ip netns exec ns1 ip route add default via 172.16.1.254
ip netns exec ns1 ip route
ip link add veth2 type veth peer name veth2p
brctl addif mydocker0 veth2
ip link set veth2 up
ip link set veth2p netns ns2
ip netns exec ns2 ip link set veth2p name eth0
ip netns exec ns2 ip link set eth0 up
ip netns exec ns2 ip addr add 172.16.1.2/16 dev eth0
ip netns exec ns2 ip route add default via 172.16.1.254
ip netns exec ns1 ping -c 2 172.16.1.2
ip netns exec ns2 ping -c 2 172.16.1.1
