#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Is a live figure a property of one load of the probe (where its code and
# maps landed) or of the moment?  Attaches each configuration once and runs
# several paired floods under that one load (bench/udpflood alt, as
# scripts/bench-live.sh -p does), for several loads in turn, and prints the
# ns each flood added to a packet's path against the untraced twin, one
# line per load.  A spread inside the lines is the moment's; a spread
# between them, the load's.
#
#   sudo bench/per-load.sh [-l LOADS] [-n FLOODS] [-s] [CONFIG ...]
#
# CONFIG: none, empty-tcx, match-nothing, every-text (default: all four).
# -s stops nstrace (SIGSTOP) once attached, so that its probe runs and its
# reader does not: what the reader's own activity adds shows as the
# difference.  Makes two namespaces of its own (removed on exit), sends
# only between them.  Exit 0 ran; 2 bad usage; 4 not root or a tool
# missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/veth-pair.sh
. scripts/veth-pair.sh

NSTRACE=${NSTRACE:-build/nstrace}
UDPFLOOD=${UDPFLOOD:-build/bench/udpflood}
TCX_HOLD=${TCX_HOLD:-build/bench/tcx_hold}
ABSENT_MAC=02:00:5e:00:00:99
LOADS=4
FLOODS=6
STOP=0

usage() {
	echo "usage: $0 [-l LOADS] [-n FLOODS] [-s] [none|empty-tcx|match-nothing|every-text ...]" >&2
	exit 2
}
while getopts "l:n:sh" opt; do
	case $opt in
	l) LOADS=$OPTARG ;;
	n) FLOODS=$OPTARG ;;
	s) STOP=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ $LOADS =~ ^[1-9][0-9]*$ && $FLOODS =~ ^[1-9][0-9]*$ ]] || usage
CONFIGS=("$@")
[ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(none empty-tcx match-nothing every-text)
for c in "${CONFIGS[@]}"; do
	case $c in none | empty-tcx | match-nothing | every-text) ;; *) usage ;; esac
done
[ "$(id -u)" -eq 0 ] || { echo "per-load: needs root (namespaces, BPF)" >&2; exit 4; }
for bin in "$NSTRACE" "$UDPFLOOD" "$TCX_HOLD"; do
	[ -x "$bin" ] || { echo "per-load: $bin is missing; run make bench" >&2; exit 4; }
done

NS_TX="nstp-tx-$$"
NS_RX="nstp-rx-$$"
TMP=$(mktemp -d /tmp/nstrace-per-load.XXXXXX)
TRACER=""

cleanup() {
	if [ -n "$TRACER" ]; then
		kill -CONT "$TRACER" 2>/dev/null || true
		kill -TERM "$TRACER" 2>/dev/null || true
		wait "$TRACER" 2>/dev/null || true
	fi
	for ns in "$NS_TX" "$NS_RX"; do
		[ -e "/run/netns/$ns" ] && ip netns del "$ns"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The traced pair (vtx -> vrx, 10.197.0.0/24) and its untraced twin
# (vtx2 -> vrx2, 10.197.1.0/24), between the same two namespaces.
ip netns add "$NS_TX"
ip netns add "$NS_RX"
for ns in "$NS_TX" "$NS_RX"; do
	ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
	ip -n "$ns" link set lo up
done
veth_pair "$NS_TX" vtx "$NS_RX" vrx 10.197.0
veth_pair "$NS_TX" vtx2 "$NS_RX" vrx2 10.197.1

# flood: one paired 0.5 s flood; prints the ns a packet gained on the
# traced pair against the twin (1/traced - 1/twin of the turn medians).
flood() {
	local a b out
	ip netns exec "$NS_RX" taskset -c 1 "$UDPFLOOD" recv 9000 1.0 >/dev/null &
	a=$!
	ip netns exec "$NS_RX" taskset -c 1 "$UDPFLOOD" recv 9001 1.0 >/dev/null &
	b=$!
	out=$(ip netns exec "$NS_TX" taskset -c 0 "$UDPFLOOD" alt 10.197.0.2 10.197.1.2 9000 0.5)
	wait "$a" "$b"
	awk -v o="$out" 'BEGIN {
		match(o, /a_median_pps=[0-9]+/); a = substr(o, RSTART + 13, RLENGTH - 13);
		match(o, /b_median_pps=[0-9]+/); b = substr(o, RSTART + 13, RLENGTH - 13);
		printf " %7.1f", (a > 0 && b > 0 ? 1e9 / a - 1e9 / b : 0) }'
}

# attach CONFIG: start its tracer (TRACER), wait until attached.
attach() {
	local devs=(--dev "$NS_TX/vtx" --dev "$NS_RX/vrx") i
	case $1 in
	none) return 0 ;;
	empty-tcx) taskset -c 1 "$TCX_HOLD" "$NS_TX/vtx" "$NS_RX/vrx" >"$TMP/out" 2>&1 & ;;
	match-nothing) taskset -c 1 "$NSTRACE" watch "${devs[@]}" --mac "$ABSENT_MAC" \
		>/dev/null 2>"$TMP/out" & ;;
	every-text) taskset -c 1 "$NSTRACE" watch "${devs[@]}" --proto udp \
		>/dev/null 2>"$TMP/out" & ;;
	esac
	TRACER=$!
	for i in $(seq 100); do
		grep -q attached "$TMP/out" 2>/dev/null && break
		kill -0 "$TRACER" 2>/dev/null || { cat "$TMP/out" >&2; exit 5; }
		sleep 0.1
	done
	if [ "$STOP" -eq 1 ] && [ "$1" != empty-tcx ]; then
		kill -STOP "$TRACER"
	fi
}

detach() {
	[ -n "$TRACER" ] || return 0
	kill -CONT "$TRACER" 2>/dev/null || true
	kill -TERM "$TRACER"
	wait "$TRACER" 2>/dev/null || true
	TRACER=""
}

echo "per-load: ns added a packet, $FLOODS paired floods of 0.5 s per load$([ "$STOP" -eq 1 ] &&
	echo ", nstrace stopped after attaching"); load $(cut -d' ' -f1-3 /proc/loadavg)"
for l in $(seq "$LOADS"); do
	for c in "${CONFIGS[@]}"; do
		attach "$c"
		printf "load %2d %-14s" "$l" "$c"
		for _ in $(seq "$FLOODS"); do
			flood
		done
		echo
		detach
	done
done
