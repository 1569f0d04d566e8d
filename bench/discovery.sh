#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Discovery benchmark: a host with many namespaces and devices, and the
# time `nstrace path --all` takes to scan them all (namespaces, processes,
# links and addresses over netlink in each namespace, veth peers across
# them, OVSDB, the DHCP agent's files) and build the model.
#
# Makes NS namespaces of its own (default 500) with 4 devices each (a veth
# pair inside it with an address, and a veth to the next namespace: 2,000
# devices, half of them with their peer in another namespace),
# runs the discovery RUNS times (default 7) and reports the median.
# Everything it made is removed on exit, also on failure or Ctrl-C.
#
#   bench/discovery.sh [-n NS] [-r RUNS]
#
# Prints "RESULT discovery ..." and "TARGET discovery ... PASS|FAIL" (the
# target: under 1 s).  Exits non-zero only when it could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

ns_count=500
runs=7
while getopts "n:r:h" opt; do
	case $opt in
	n) ns_count=$OPTARG ;;
	r) runs=$OPTARG ;;
	*)
		sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
		exit 2
		;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench/discovery: needs root" >&2; exit 1; }
bin=build/nstrace
[ -x "$bin" ] || { echo "bench/discovery: build $bin first (make)" >&2; exit 1; }

prefix="nsbench$$-"
cleanup() {
	for ((i = 0; i < ns_count; i++)); do
		echo "netns delete $prefix$i"
	done | ip -force -batch - 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for ((i = 0; i < ns_count; i++)); do
	echo "netns add $prefix$i"
done | ip -batch - || { echo "bench/discovery: cannot create namespaces" >&2; exit 1; }
for ((i = 0; i < ns_count; i++)); do
	next=$(((i + 1) % ns_count))
	ip -n "$prefix$i" -batch - <<-EOB || { echo "bench/discovery: setting up $prefix$i failed" >&2; exit 1; }
		link add w0 type veth peer name w1
		addr add 10.$((i / 250)).$((i % 250)).1/24 dev w0
		link add v0 type veth peer name v1 netns $prefix$next
		link set w0 up
		link set w1 up
		link set v0 up
	EOB
done
devices=0
for ((i = 0; i < ns_count; i++)); do
	n=$(ip -n "$prefix$i" -o link show | grep -vc ': lo:')
	devices=$((devices + n))
done

times=()
for ((r = 0; r < runs; r++)); do
	start=$(date +%s%N)
	"$bin" path --all >/dev/null 2>&1
	end=$(date +%s%N)
	times+=($(((end - start) / 1000000)))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(sed -n "$(((runs + 1) / 2))p" <<<"$sorted")
total_ns=$(ls /run/netns | wc -l)
echo "RESULT discovery namespaces=$ns_count devices=$devices (host total: $total_ns named namespaces)" \
	"runs=$runs median_ms=$median all_ms=$(tr '\n' ' ' <<<"$sorted")"
if [ "$median" -lt 1000 ]; then
	echo "TARGET discovery median < 1000 ms: PASS"
else
	echo "TARGET discovery median < 1000 ms: FAIL ($median ms)"
fi
