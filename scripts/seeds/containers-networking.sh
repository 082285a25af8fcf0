# Seed tutorial containers-networking.txt ("Networking in containers"): its
# command lines as published, prompts and output stripped. Runs under bash
# with iproute2 and under nsh unchanged.
#
# Fixed: the tutorial attaches veth0 to a bridge br0 it never creates, and
# does so after moving veth0 into s1, where br0 cannot be its master. The
# smallest fix: create br0, and attach the end still on the host, veth1.
# "brctl show docker0" shows br0 instead (there is no docker0 here).
sudo ip link add veth0 type veth peer name veth1
ip netns add s1
ip link set veth0 netns s1
# fix: the tutorial never creates br0
sudo ip link add br0 type bridge
# fix: the tutorial says veth0, which is now in s1
sudo ip link set veth1 master br0
bridge link show
# fix: the tutorial says docker0
brctl show br0
