# Seed tutorial blue-namespace.txt ("Network Namespaces and Veth pairs"):
# its command lines as published, prompts and output stripped. Runs under
# bash with iproute2 and under nsh unchanged.
#
# Left out: the first two pings, which the tutorial shows failing (a failed
# command would stop nsh; the pings after the routes are kept).
ip netns add blue
# create a link calld veth0 of type veth and name the peer (or other end) as veth1
ip link add veth0 type veth peer name veth1
# verify if it has been created correctly
ip link show type veth
# connect one end in the blue namespace
ip link set veth1 netns blue
# since the other end is connect to the namespace it is hidden here
ip link show type veth
# but can be seen in the blue namespace
ip netns exec blue ip link show
# ip address to the host end
ip addr add 10.0.0.10/24 dev veth0
# ip address to the blue end
ip netns exec blue ip addr add 10.0.0.1/24 dev veth1
# enable the devices
ip link set veth0 up
ip netns exec blue ip link set veth1 up
ip netns exec blue ip link set lo up
# tell blue namespace that any traffic to 10.0.0.10 should go via device veth1
ip netns exec blue ip route add 10.0.0.10 dev veth1
# tell the host that any traffic to 10.0.0.1 should go via veth0
ip route add 10.0.0.1 dev veth0
ping -c1 10.0.0.1
ip netns exec blue ping -c1 10.0.0.10
