#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# `nstrace dhcp` benchmark on the Neutron lab:
#  1. attach time: `nstrace dhcp PORT` arming every probe point of VM a1's
#     DHCP path (tap, qvb, qvo, the underlay devices on both nodes and the
#     underlay switch, the DHCP port in qdhcp-<net>, the VM's NIC; both
#     directions) plus the kfree_skb drop probe, as nstrace reports it
#     ("attached N probes on M devices in X ms": from loading the probes to
#     the last link).  Median of RUNS runs.  Target: under 1 s.  Also the
#     median of its first part, loading the tc probe (`nstrace -v`).
#  2. cost on the traced path: one DHCP exchange (busybox udhcpc in the VM,
#     DISCOVER/OFFER/REQUEST/ACK, a no-op lease script so the VM keeps its
#     address), timed at the VM's NIC from the DISCOVER to the ACK, without
#     nstrace and with `nstrace dhcp` attached to the whole path,
#     interleaved, EXCHANGES of each.  Target: the median with nstrace at
#     most 5 % above the median without.  Also reported: the two round
#     trips alone (DISCOVER->OFFER, REQUEST->ACK), where the probes sit.
#
# Uses the lab named by NSTRACE_LAB when it is up, else brings up a private
# one (NSTRACE_LAB=db<pid>) and takes it down on exit, also on failure or
# Ctrl-C.
#
#   bench/dhcp-bench.sh [-r RUNS] [-n EXCHANGES] [-a] [-c OTHER_NSTRACE]
#
#   -a  attach time only (skip part 2)
#   -c  also time OTHER_NSTRACE (e.g. a copy of an older build), its runs
#       alternating with build/nstrace's, so both see the same machine load
#
# Prints "RESULT dhcp-..." lines and "TARGET ... PASS|FAIL".  Exits non-zero
# only when it could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=7
exchanges=20
attach_only=
other=
while getopts "r:n:ac:h" opt; do
	case $opt in
	r) runs=$OPTARG ;;
	n) exchanges=$OPTARG ;;
	a) attach_only=1 ;;
	c) other=$OPTARG ;;
	*)
		sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'
		exit 2
		;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench/dhcp: needs root" >&2; exit 1; }
bin=build/nstrace
[ -x "$bin" ] || { echo "bench/dhcp: build $bin first (make)" >&2; exit 1; }
[ -z "$other" ] || [ -x "$other" ] || { echo "bench/dhcp: $other is not executable" >&2; exit 1; }

tmp=$(mktemp -d /tmp/nstrace-dhcp-bench.XXXXXX)
we_made_lab=
tracer=
cleanup() {
	if [ -n "$tracer" ]; then
		kill -TERM "$tracer" 2>/dev/null || true
		wait "$tracer" 2>/dev/null || true
	fi
	[ -n "$we_made_lab" ] && bash scripts/lab down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# json_get EXPR: a value from `scripts/lab info --json` (python3, else jq).
info=$tmp/info.json
json_get() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" \
			"$info" "$1"
	else
		jq -r "$2" "$info"
	fi
}

export NSTRACE_LAB=${NSTRACE_LAB:-}
if [ -n "$NSTRACE_LAB" ] && bash scripts/lab status >/dev/null 2>&1; then
	echo "bench/dhcp: using the running lab '$NSTRACE_LAB'"
else
	export NSTRACE_LAB=${NSTRACE_LAB:-db$$}
	we_made_lab=1
	bash scripts/lab up >/dev/null || { echo "bench/dhcp: scripts/lab up failed" >&2; exit 1; }
fi
bash scripts/lab info --json >"$info"
port=$(json_get '[v for v in d["vms"] if v["name"]=="a1"][0]["port_uuid"]' \
	'.vms[] | select(.name=="a1") | .port_uuid')
vm_ns=$(json_get '[v for v in d["vms"] if v["name"]=="a1"][0]["namespace"]' \
	'.vms[] | select(.name=="a1") | .namespace')
state_dir=$(json_get 'd["state_dir"]' '.state_dir')

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# start_tracer BIN [OPTION...]: nstrace dhcp attached to the whole path, in
# the background; sets $tracer and prints its attach line.
start_tracer() {
	local b=$1

	shift
	"$b" "$@" dhcp "$port" --state-dir "$state_dir" --timeout 600 --count 100000 ${BENCH_JSON:+--json} \
		>/dev/null 2>"$tmp/tracer.err" &
	tracer=$!
	for _ in $(seq 600); do
		grep -q 'attached' "$tmp/tracer.err" && break
		kill -0 "$tracer" 2>/dev/null || break
		sleep 0.05
	done
	grep -m1 'attached' "$tmp/tracer.err" || {
		local rc=running
		kill -0 "$tracer" 2>/dev/null || { wait "$tracer"; rc="exit $?"; }
		echo "bench/dhcp: nstrace did not attach ($rc): $(cat "$tmp/tracer.err")" >&2
		exit 1
	}
}
# SIGTERM: a script's background job ignores SIGINT (so would nstrace).
stop_tracer() {
	kill -TERM "$tracer"
	wait "$tracer" || true
	tracer=
}

# 1. attach time
# attach_once BIN: one attach; sets ms and load_ms (the part -v reports as
# loading the tc probe).  Not in a subshell: the exit trap must see $tracer.
attach_once() {
	# Let the kernel finish freeing the previous run's programs and links.
	sleep 1
	start_tracer "$1" -v >"$tmp/attach.line"
	stop_tracer
	ms=$(sed -n 's/.* in \([0-9]*\) ms.*/\1/p' "$tmp/attach.line")
	load_ms=$(sed -n 's/.*tc probe loaded in \([0-9]*\) ms.*/\1/p' "$tmp/tracer.err")
}
attach=() load=() other_attach=() other_load=()
for ((r = 0; r < runs; r++)); do
	attach_once "$bin"
	attach+=("$ms")
	load+=("$load_ms")
	[ -n "$other" ] || continue
	attach_once "$other"
	other_attach+=("$ms")
	other_load+=("$load_ms")
done
points=$(sed -n 's/.*attached \([0-9]*\) probes on \([0-9]*\) devices.*/\1 probes on \2 devices/p' \
	"$tmp/attach.line")
attach_median=$(printf '%s\n' "${attach[@]}" | median)
echo "RESULT dhcp-attach $points + kfree_skb runs=$runs median_ms=$attach_median" \
	"load_median_ms=$(printf '%s\n' "${load[@]}" | median)" \
	"all_ms=$(printf '%s\n' "${attach[@]}" | sort -n | tr '\n' ' ')" \
	"(load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs)"
if [ -n "$other" ]; then
	echo "RESULT dhcp-attach-other $other runs=$runs" \
		"median_ms=$(printf '%s\n' "${other_attach[@]}" | median)" \
		"load_median_ms=$(printf '%s\n' "${other_load[@]}" | median)" \
		"all_ms=$(printf '%s\n' "${other_attach[@]}" | sort -n | tr '\n' ' ')"
fi
attach_target() {
	if [ "$attach_median" -lt 1000 ]; then
		echo "TARGET dhcp attach median < 1000 ms ($attach_median ms): PASS"
	else
		echo "TARGET dhcp attach median < 1000 ms ($attach_median ms): FAIL"
	fi
}
if [ -n "$attach_only" ]; then
	attach_target
	exit 0
fi

# 2. one DHCP exchange as the VM's NIC sees it: tcpdump (its packet socket
# stamps each frame) catches DISCOVER out, OFFER in, REQUEST out, ACK in.
# Prints the exchange (DISCOVER to ACK, the client's own pause between
# OFFER and REQUEST included) and the network part (the two round trips
# through the path and dnsmasq), in microseconds.  Timing the udhcpc
# process instead would mostly time process start-up on a busy machine.
exchange() {
	local cap=$tmp/exchange.txt
	rm -f "$cap" "$cap.err"
	ip netns exec "$vm_ns" tcpdump -i eth0 -n -tt -l -c 4 'udp port 67 or udp port 68' \
		>"$cap" 2>"$cap.err" &
	local dump=$!
	for _ in $(seq 250); do
		grep -q listening "$cap.err" 2>/dev/null && break
		sleep 0.02
	done
	ip netns exec "$vm_ns" busybox udhcpc -i eth0 -n -q -t 3 -T 1 -s /bin/true \
		>/dev/null 2>&1 || { kill "$dump"; echo "bench/dhcp: no lease in $vm_ns" >&2; return 1; }
	wait "$dump" || { echo "bench/dhcp: tcpdump did not see 4 DHCP packets" >&2; return 1; }
	awk '{ t[NR] = $1 } END {
		printf "%d %d\n", (t[4] - t[1]) * 1e6, ((t[2] - t[1]) + (t[4] - t[3])) * 1e6 }' "$cap"
}

# The userspace tunnel forgets its peers' MACs after a while: one exchange
# through the lab's own command refreshes them (and warms dnsmasq).
bash scripts/lab vm a1 dhcp >/dev/null
ex0=() ex1=() net0=() net1=()
# Each exchange after the same pause, so that neither side runs while the
# machine is still busy starting or stopping nstrace.
for ((i = 0; i < exchanges; i++)); do
	sleep 1
	read -r e n < <(exchange) || exit 1
	ex0+=("$e")
	net0+=("$n")
	start_tracer "$bin" >/dev/null
	sleep 1
	read -r e n < <(exchange) || exit 1
	ex1+=("$e")
	net1+=("$n")
	stop_tracer
done
list() { printf '%s\n' "$@" | sort -n | tr '\n' ' '; }
m0=$(printf '%s\n' "${ex0[@]}" | median)
m1=$(printf '%s\n' "${ex1[@]}" | median)
n0=$(printf '%s\n' "${net0[@]}" | median)
n1=$(printf '%s\n' "${net1[@]}" | median)
ratio=$(awk -v a="$m1" -v b="$m0" 'BEGIN { printf "%.3f", a / b }')
net_ratio=$(awk -v a="$n1" -v b="$n0" 'BEGIN { printf "%.3f", a / b }')
echo "RESULT dhcp-exchange exchanges=$exchanges median_us_without=$m0 median_us_with=$m1" \
	"ratio=$ratio"
echo "RESULT dhcp-round-trips median_us_without=$n0 median_us_with=$n1 ratio=$net_ratio" \
	"(DISCOVER->OFFER + REQUEST->ACK)"
echo "RESULT dhcp-exchange without_us=$(list "${ex0[@]}")"
echo "RESULT dhcp-exchange with_us=$(list "${ex1[@]}")"
echo "RESULT dhcp-round-trips without_us=$(list "${net0[@]}")"
echo "RESULT dhcp-round-trips with_us=$(list "${net1[@]}")"

attach_target
if awk -v r="$ratio" 'BEGIN { exit !(r <= 1.05) }'; then
	echo "TARGET dhcp exchange with nstrace <= 1.05 x without ($ratio): PASS"
else
	echo "TARGET dhcp exchange with nstrace <= 1.05 x without ($ratio): FAIL"
fi
