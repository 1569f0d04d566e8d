#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Ping per-hop cost: what nstrace's probe adds to a round trip, per probe
# point the packets cross.
#
# Two identical chains of namespaces of our own, x and y: nsph-<pid>-x0 ..
# nsph-<pid>-x(R+1) and the same with y: a client, R routers (ip_forward=1;
# 3 by default, so 5 namespaces per chain) and a server, joined by veth
# pairs (link j of chain x: 10.231.j.1 in namespace j, 10.231.j.2 in
# namespace j+1; chain y the same in 10.232.j.0/24; the device in namespace
# i facing namespace k is "to<k>"), static routes and permanent neighbours
# (no ARP in a run).
#
# build/bench/ping_rtt pings both servers from the clients in turn, echo by
# echo (one request every INTERVAL: each chain every 2 x INTERVAL), and
# prints each round trip in ns.  In each block `nstrace watch --proto icmp`
# (output to /dev/null) is attached to every device of one chain: that
# chain's echoes are the traced ones, the other chain's the untraced ones,
# taken under the same machine state (a shared VM drifts within the
# ~1 s a block lasts).  The traced chain alternates x y y x x y y x ...
# between blocks, so that any difference between the chains cancels.  Each
# block starts 0.5 s after the tracer said it is attached.
#
# Attached hop = one probe point: (namespace, device, direction).  Each of
# a chain's 2 x (R + 1) devices has an ingress and an egress point:
# 4 x (R + 1) points, 16 with 3 routers.  A round trip crosses every one of
# them once (the request leaves through a device's egress and enters its
# peer's ingress; the reply takes the opposite points), so
#   per-hop cost = (traced median - untraced median) / points.
# Target (issue 6): under 1 us per attached hop.
#
#   bench/ping-hops.sh [-n PINGS] [-b BLOCKS] [-i INTERVAL_US] [-r ROUTERS]
#                      [-f "NSTRACE WATCH OPTIONS"] [-o DIR]
#     defaults: -n 1000 (echoes per mode) -b 4 -i 1000 -r 3
#               -f "--proto icmp" (every echo emits at every point)
#   -i 0: back to back, the CPU never idles between echoes (hot caches).
#   -f to see where the cost is, e.g. -f "--proto dhcp" (probes run, no
#   event), -f "--proto icmp --ringbuf 1M".
#   -o DIR keeps each block's round trips (DIR/block-K.untraced|traced, ns).
#
# Prints "RESULT ping-hops ..." and "TARGET ... PASS|FAIL".  Exit status:
# 0 target met, 1 target missed, 2 bad options, 4 not root, 5 could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/veth-pair.sh
. scripts/veth-pair.sh

pings=1000
blocks=4
interval_us=1000
routers=3
filter="--proto icmp"
keep_dir=
while getopts "n:b:i:r:f:o:h" opt; do
	case $opt in
	n) pings=$OPTARG ;;
	b) blocks=$OPTARG ;;
	i) interval_us=$OPTARG ;;
	r) routers=$OPTARG ;;
	f) filter=$OPTARG ;;
	o) keep_dir=$OPTARG ;;
	h)
		sed -n '4,43p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "run bench/ping-hops.sh -h for the options" >&2
		exit 2
		;;
	esac
done
for v in "$pings" "$blocks" "$interval_us" "$routers"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "bench/ping-hops: '$v' is not a number" >&2; exit 2; }
done
if [ "$blocks" -lt 1 ] || [ "$pings" -lt "$blocks" ] ||
	[ "$routers" -lt 2 ] || [ "$routers" -gt 20 ]; then
	echo "bench/ping-hops: need 1 <= BLOCKS <= PINGS and 2 <= ROUTERS <= 20" >&2
	exit 2
fi
if [ -n "$keep_dir" ]; then
	mkdir -p "$keep_dir" || exit 2
fi
[ "$(id -u)" -eq 0 ] || {
	echo "bench/ping-hops: needs root (namespaces, BPF): run it with sudo" >&2
	exit 4
}
NSTRACE=build/nstrace
PINGER=build/bench/ping_rtt
for b in "$NSTRACE" "$PINGER"; do
	[ -x "$b" ] || { echo "bench/ping-hops: $b missing: run make first" >&2; exit 5; }
done

nodes=$((routers + 2))
links=$((nodes - 1))
points=$((4 * links))
per_block=$((pings / blocks))
warmup=10
PREFIX=nsph-$$
TMP=$(mktemp -d /tmp/nstrace-ping-hops.XXXXXX)
MADE_NS=()
TRACER=

cleanup() {
	local ns
	if [ -n "$TRACER" ]; then
		kill -TERM "$TRACER" 2>/dev/null || true
		wait "$TRACER" 2>/dev/null || true
	fi
	for ns in "${MADE_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

die() {
	echo "bench/ping-hops: $*" >&2
	exit 5
}

# ns CHAIN I: the name of namespace I of chain x or y.
ns() { echo "$PREFIX-$1$2"; }

# net CHAIN: the first two bytes of the chain's addresses.
net() { [ "$1" = x ] && echo 10.231 || echo 10.232; }

mac_of() { ip -n "$1" -br link show "$2" | awk '{print $3}'; }

# make_chain CHAIN: its namespaces, then link j between namespace j and
# j+1.  Each veth pair is made inside namespace j and one end moved:
# nothing touches the root namespace.  IPv6 off: no DAD or router
# solicitation during a run.
make_chain() {
	local c=$1 n i j left right
	n=$(net "$c")
	for ((i = 0; i < nodes; i++)); do
		ip netns add "$(ns "$c" $i)"
		MADE_NS+=("$(ns "$c" $i)")
		ip netns exec "$(ns "$c" $i)" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 net.ipv4.ip_forward=1
		ip -n "$(ns "$c" $i)" link set lo up
	done
	for ((j = 0; j < links; j++)); do
		left=$(ns "$c" $j)
		right=$(ns "$c" $((j + 1)))
		veth_pair "$left" "to$((j + 1))" "$right" "to$j" "$n.$j"
		ip -n "$right" neigh replace "$n.$j.1" dev "to$j" \
			lladdr "$(mac_of "$left" "to$((j + 1))")" nud permanent
	done
	# Namespace i reaches link j < i-1 through its left neighbour and
	# link j > i through its right one.
	for ((i = 0; i < nodes; i++)); do
		for ((j = 0; j < links; j++)); do
			if [ "$j" -lt $((i - 1)) ]; then
				ip -n "$(ns "$c" $i)" route add "$n.$j.0/24" via "$n.$((i - 1)).1"
			elif [ "$j" -gt "$i" ]; then
				ip -n "$(ns "$c" $i)" route add "$n.$j.0/24" via "$n.$i.2"
			fi
		done
	done
}

# target CHAIN: the pinger's argument for the chain's client and server.
target() { echo "$(ns "$1" 0):$(net "$1").$((links - 1)).2"; }

# dev_args CHAIN: every device of the chain, as nstrace's --dev arguments.
dev_args() {
	local i
	for ((i = 0; i < nodes; i++)); do
		[ "$i" -gt 0 ] && printf -- '--dev\n%s/to%d\n' "$(ns "$1" $i)" $((i - 1))
		[ "$i" -lt $((nodes - 1)) ] && printf -- '--dev\n%s/to%d\n' "$(ns "$1" $i)" $((i + 1))
	done
	return 0
}

# start_tracer K CHAIN: nstrace on every device of CHAIN, until it says it
# is attached.
start_tracer() {
	local err=$TMP/nstrace-$1.err i devs
	mapfile -t devs < <(dev_args "$2")
	# shellcheck disable=SC2086 # FILTER is a list of options
	"$NSTRACE" watch "${devs[@]}" $filter >/dev/null 2>"$err" &
	TRACER=$!
	for i in $(seq 150); do
		grep -q "attached" "$err" && break
		kill -0 "$TRACER" 2>/dev/null || break
		sleep 0.1
	done
	grep -q "attached $points probes" "$err" || {
		cat "$err" >&2
		die "nstrace did not attach $points probes"
	}
}

# stop_tracer K: end it; its event and loss counts go to TMP/events-K.
stop_tracer() {
	local err=$TMP/nstrace-$1.err events lost
	kill -TERM "$TRACER" 2>/dev/null || true
	wait "$TRACER" || { cat "$err" >&2; die "nstrace watch failed"; }
	TRACER=
	read -r events lost < <(sed -n \
		's/^nstrace: \([0-9]*\) events, \([0-9]*\) lost.*/\1 \2/p' "$err") || true
	[ -n "$events" ] || { cat "$err" >&2; die "no event count from nstrace"; }
	echo "$events $lost" >"$TMP/events-$1"
}

# stats FILE: "median p25 p75 count" of the numbers in FILE (ns).
stats() {
	sort -n "$1" | awk '
		{ v[NR] = $1 }
		# quantile P, interpolated between the two nearest values
		function q(p,  r, i) {
			r = 1 + p * (NR - 1)
			i = int(r)
			return v[i] + (r - i) * (v[i + 1] - v[i])
		}
		END {
			if (NR)
				printf "%.0f %.0f %.0f %d\n", q(0.5), q(0.25), q(0.75), NR
			else
				print "0 0 0 0"
		}'
}

make_chain x
make_chain y
# A few echoes end to end before anything is measured: both chains work.
"$PINGER" -c 3 -i 1000 -w 0 "$(target x)" "$(target y)" >/dev/null 2>"$TMP/check.err" ||
	{ cat "$TMP/check.err" >&2; die "no reply across the chains"; }

echo "ping-hops: 2 chains of $nodes namespaces ($routers routers), $((2 * links)) devices and" \
	"$points probe points each; $pings echoes per mode in $blocks blocks, one echo every" \
	"$interval_us us; load $(cut -d' ' -f1-3 /proc/loadavg)"

: >"$TMP/untraced"
: >"$TMP/traced"
total_events=0
total_lost=0
for ((k = 0; k < blocks; k++)); do
	# x y y x x y y x ...: index 0 in the pinger's output is chain x.
	case $((k % 4)) in
	0 | 3) traced=x traced_idx=0 ;;
	*) traced=y traced_idx=1 ;;
	esac
	start_tracer "$k" "$traced"
	sleep 0.5
	"$PINGER" -c "$per_block" -i "$interval_us" -w "$warmup" "$(target x)" "$(target y)" \
		>"$TMP/block-$k" 2>"$TMP/block-$k.err" ||
		{ cat "$TMP/block-$k.err" >&2; die "ping block $k failed"; }
	stop_tracer "$k"
	awk -v t="$traced_idx" '$1 == t { print $2 }' "$TMP/block-$k" >"$TMP/block-$k.traced"
	awk -v t="$traced_idx" '$1 != t { print $2 }' "$TMP/block-$k" >"$TMP/block-$k.untraced"
	cat "$TMP/block-$k.traced" >>"$TMP/traced"
	cat "$TMP/block-$k.untraced" >>"$TMP/untraced"
	[ -z "$keep_dir" ] || cp "$TMP/block-$k.traced" "$TMP/block-$k.untraced" "$keep_dir/"
	read -r ev lo <"$TMP/events-$k"
	total_events=$((total_events + ev))
	total_lost=$((total_lost + lo))
	read -r t_med _ _ t_n < <(stats "$TMP/block-$k.traced")
	read -r u_med _ _ u_n < <(stats "$TMP/block-$k.untraced")
	echo "  block $k, chain $traced traced: untraced median $u_med ns ($u_n), traced $t_med ns" \
		"($t_n), +$(((t_med - u_med) / points)) ns per hop; nstrace: $ev events, $lo lost"
done

read -r a_med a_p25 a_p75 a_n < <(stats "$TMP/untraced")
read -r b_med b_p25 b_p75 b_n < <(stats "$TMP/traced")
if [ "$a_n" -eq 0 ] || [ "$b_n" -eq 0 ]; then
	die "no replies recorded"
fi
diff_ns=$((b_med - a_med))
per_hop=$(awk -v d="$diff_ns" -v p="$points" 'BEGIN { printf "%.1f", d / p }')
ratio=$(awk -v a="$a_med" -v b="$b_med" 'BEGIN { printf "%.3f", b / a }')
# Every traced echo, warm-up included, is one event per probe point.
expected=$(((per_block + warmup) * blocks * points))

echo "RESULT ping-hops untraced: median ${a_med} ns (p25 $a_p25, p75 $a_p75, $a_n replies)"
echo "RESULT ping-hops traced:   median ${b_med} ns (p25 $b_p25, p75 $b_p75, $b_n replies)"
echo "RESULT ping-hops difference ${diff_ns} ns, ratio $ratio, $points probe points per round trip:" \
	"$per_hop ns per attached hop"
echo "RESULT ping-hops nstrace events $total_events (expected $expected), lost $total_lost"
if [ "$filter" = "--proto icmp" ] && [ $((total_events + total_lost)) -lt "$expected" ]; then
	die "nstrace saw fewer events than probe points crossed: the probe was not on the path"
fi
if awk -v h="$per_hop" 'BEGIN { exit !(h < 1000) }'; then
	echo "TARGET ping per-hop cost $per_hop ns < 1000 ns: PASS"
	exit 0
fi
echo "TARGET ping per-hop cost $per_hop ns < 1000 ns: FAIL"
exit 1
