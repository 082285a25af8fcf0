# bridge-fdb-lab.nsh: a switch namespace sw with a brctl bridge (STP,
# timers, priorities, port costs), hosts h1 and h2 on ports p1 and p2,
# static and permanent fdb entries, port settings, and a vxlan port with
# flood entries towards two remote VTEPs. bridge-fdb-lab.sh is the same
# lab in bash with one command per line.
for n in [sw h1 h2] < ip netns add $n >

in sw <
  brctl addbr br0
  brctl stp br0 on
  brctl setbridgeprio br0 4096
  brctl setfd br0 4
  brctl setageing br0 120
  brctl sethello br0 1
  brctl setmaxage br0 10
>

def host n addr <
  ip link add p$n netns sw type veth peer name eth0 netns h$n
  ip -n h$n addr add $addr/24 dev eth0
  ip -n h$n link set eth0 up
  in sw <
    brctl addif br0 p$n
    ip link set p$n up
  >
>
host 1 10.30.0.11
host 2 10.30.0.12

in sw <
  brctl setpathcost br0 p1 10
  brctl setportprio br0 p2 40
  brctl hairpin br0 p2 on
  ip link set br0 up
  ip addr add 10.30.0.1/24 dev br0
  bridge link set dev p1 learning off
  bridge link set dev p2 cost 33 priority 7

  mac = 02:00:00:30:00
  bridge fdb add $mac:11 dev p1 master static
  bridge fdb add $mac:12 dev p2 master static
  bridge fdb add $mac:99 dev br0 self permanent

  ip link add vx0 type vxlan id 300 dstport 4789 local 10.30.0.1 nolearning
  ip link set vx0 master br0 && ip link set vx0 up
  for vtep in [10.30.0.201 10.30.0.202] <
    bridge fdb append 00:00:00:00:00:00 dev vx0 dst $vtep
  >
  bridge fdb add 02:00:00:30:02:01 dev vx0 dst 10.30.0.201 self permanent
  bridge fdb del $mac:12 dev p2 master
  bridge fdb replace $mac:12 dev p1 master static
>
