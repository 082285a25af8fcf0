#!/bin/sh
# bench/run.sh [N...]: how long it takes to build the bridge lab (N
# namespaces on one bridge, scripts/bridge-lab.*) three ways, for each N
# (default 10 100 500):
#
#   ip      bash, one ip command per line (scripts/bridge-lab.sh)
#   exec    bash, every command inside a namespace as "ip netns exec nsI ip
#           ..." (scripts/bridge-lab-exec.sh), as most tutorials write it
#   nsh     nsh scripts/bridge-lab.nsh N, in-process over netlink
#   nsh-sh  nsh scripts/bridge-lab.sh N: the bash script itself, run by
#           nsh's shell interpreter with ip in-process
#   nsh-nj  nsh --no-journal scripts/bridge-lab.nsh N: without the lab's
#           journal (nsh down's record); nsh/nsh-nj is what it costs
#
# Each build runs in a fresh throwaway network+mount namespace (unshare,
# with a private tmpfs on /run/netns) and only the build is timed. Runs are
# spaced out, since namespace teardown is asynchronous and slows the next
# run. REPS=k (default 1) runs each build k times and keeps the fastest;
# NSH=path times that nsh binary instead of building bench/nsh.
# Needs root, unshare (util-linux), iproute2 and Go.
set -eu
cd "$(dirname "$0")/.."

REPS=${REPS:-1}
[ $# -gt 0 ] || set -- 10 100 500
[ "$(id -u)" = 0 ] || { echo "bench/run.sh: needs root" >&2; exit 1; }

if [ -z "${NSH:-}" ]; then
	CGO_ENABLED=0 go build -ldflags="-s -w" -o bench/nsh ./cmd/nsh
	NSH=bench/nsh
fi

# build_ms CMD...: runs CMD in a fresh sandbox and prints the build time
# in milliseconds, or FAIL (and CMD's output on stderr).
build_ms() {
	log=$(mktemp)
	ms=$(unshare --net --mount --propagation private sh -c '
		log=$1
		shift
		mkdir -p /run/netns /run/nsh && mount -t tmpfs tmpfs /run/netns && mount -t tmpfs tmpfs /run/nsh || exit 1
		t0=$(date +%s%N)
		"$@" >"$log" 2>&1 || exit 1
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000000))
	' sh "$log" "$@" </dev/null) || ms=FAIL
	if [ "$ms" = FAIL ]; then
		echo "bench/run.sh: $* failed:" >&2
		cat "$log" >&2
	fi
	rm -f "$log"
	echo "$ms"
}

# settle N: wait for the last sandbox's namespaces to be torn down.
settle() {
	sleep $(( 2 + $1 / 100 ))
}

# best N CMD...: the fastest of REPS builds.
best() {
	n=$1
	shift
	b=""
	r=0
	while [ $r -lt "$REPS" ]; do
		ms=$(build_ms "$@")
		settle "$n"
		if [ "$ms" = FAIL ]; then
			echo FAIL
			return
		fi
		if [ -z "$b" ] || [ "$ms" -lt "$b" ]; then
			b=$ms
		fi
		r=$((r + 1))
	done
	echo "$b"
}

# ratio A B: A/B with two decimals, or "-".
ratio() {
	case "$1$2" in
	*FAIL*) echo - ;;
	*) awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "-" }' ;;
	esac
}

rows=""
for n in "$@"; do
	ip=$(best "$n" bash scripts/bridge-lab.sh "$n")
	ex=$(best "$n" bash scripts/bridge-lab-exec.sh "$n")
	ns=$(best "$n" "$NSH" scripts/bridge-lab.nsh "$n")
	sh=$(best "$n" "$NSH" scripts/bridge-lab.sh "$n")
	nj=$(best "$n" "$NSH" --no-journal scripts/bridge-lab.nsh "$n")
	rows="$rows$n $ip $ex $ns $sh $nj $(ratio "$ip" "$ns") $(ratio "$ex" "$ns") $(ratio "$ip" "$sh") $(ratio "$sh" "$ns") $(ratio "$ns" "$nj")
"
	echo "N=$n done: ip ${ip}ms, exec ${ex}ms, nsh ${ns}ms, nsh-sh ${sh}ms, nsh-nj ${nj}ms" >&2
done

printf '\nbridge lab build time, ms (best of %s)\n' "$REPS"
printf '%6s %10s %10s %10s %10s %10s %10s %10s %10s %10s %10s\n' N "bash+ip" "bash+exec" nsh nsh-sh nsh-nj "ip/nsh" "exec/nsh" "ip/nsh-sh" "nsh-sh/nsh" "nsh/nsh-nj"
printf '%s' "$rows" | while read -r n ip ex ns sh nj r1 r2 r3 r4 r5; do
	printf '%6s %10s %10s %10s %10s %10s %10s %10s %10s %10s %10s\n' "$n" "$ip" "$ex" "$ns" "$sh" "$nj" "$r1" "$r2" "$r3" "$r4" "$r5"
done
