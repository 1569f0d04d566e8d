#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Live benchmark: a veth pair between two namespaces of our own, flooded
# with small UDP packets (bench/udpflood), received packets per second
# untraced and with each tracer on both ends of the pair:
#
#   untraced          nothing attached
#   empty-hooks       an empty tc program (build/bpf/empty.bpf.o, clsact +
#                     cls_bpf) at ingress and egress of both devices: the
#                     floor any tc-hook tracer pays
#   match-nothing     nstrace watch, filter --mac of an absent MAC
#   every-text        nstrace watch --proto udp, text lines to /dev/null
#   every-json        nstrace watch --proto udp --json to /dev/null
#   tcpdump           tcpdump -w /dev/null -s 128 on each device
#
# Not run by default (-c to choose), to see where every-text's cost is:
#   every-snap0       every-text with --snaplen 0 (no packet bytes copied)
#   every-ringSIZE    every-text with --ringbuf SIZE (e.g. every-ring4M: a ring
#                     that stays in cache)
#   empty-tcx         the empty tc program through tcx links (bench/tcx_hold),
#                     as nstrace attaches, at ingress and egress of both
#                     devices: the floor of a tcx tracer
#
# Every traced run sits between two untraced runs and its ratio is taken
# against their mean, so that the machine's speed, which drifts on a shared
# host, is nearly the same for both sides of the ratio; the medians over the
# rounds are reported.  The ratio of each untraced run to the one before
# it is reported too (as "untraced"): the noise of the measurement itself.
#
# The sender is pinned to CPU 0, the receiver and the tracers to CPU 1: on
# a veth pair the whole packet path (both tc hooks, the receive side) runs
# in the sender's context, so CPU 0 carries exactly the per-packet cost of
# the hooks, while the tracers' user space (nstrace's renderer, tcpdump's
# writer) gets CPU 1 instead of taking turns with the sender at random.
# Its cost is reported apart: tracer CPU % and events lost / dropped.
#
# Two figures per run: received packets/s (the targets' measure), and the
# sender's packets per CPU-second, less disturbed when other load on a
# shared machine takes CPU 0 away from the sender for a while.
#
# -p (paired) measures instead inside one run: a twin veth pair between
# the same namespaces, never traced, and one sender that floods the traced
# pair and the twin in turns of 5 ms, the two turns of each 10 ms cycle in
# a random order (udpflood alt; a fixed order let a tracer's 10 ms drain
# timer fall into one side's turns only).  The ratio is traced /
# twin of the median per-turn packet rate of the same run, so the machine's
# drift, which moves untraced runs a few seconds apart by +-15 %, hits both
# sides alike, and a turn in which the hypervisor took the vCPU away does
# not count for either side.  The ratio of the received totals is shown
# too (receivers on CPU 1, as the tracers).  Its "untraced" row is the
# ratio with nothing attached: the bias and noise of the pairing itself.
#
#   scripts/bench-live.sh [-p] [-d SECONDS] [-r ROUNDS] [-c "CONFIG ..."]
#
# An nstrace configuration with "@alt" after its name (match-nothing@alt)
# runs the nstrace binary NSTRACE_ALT names instead of build/nstrace: two
# builds compared in the same run, in the same conditions.  The traced
# configurations take turns at going first in a round (the place in a
# round shows in the ratio).
#
# -d may be fractional (e.g. 0.5: shorter runs, more rounds).  -c chooses
# the traced configurations; "untraced" runs between them always, as the
# baseline.
#
# Prints "RESULT live ..." (medians, the 25th-75th percentile of the
# per-round ratios to show the noise, a 95 % confidence interval of the
# median ratio, and with -p the ns a packet's path gained) and "TARGET
# live ... PASS|FAIL" (PASS/FAIL on the median; "inconclusive" when the
# interval straddles the target).
# Exit status 0 when it ran, whether or not the targets were met (a FAIL
# line says so: this machine is shared and noisy, the figures are what
# count); 2 bad usage, 4 not root or a tool missing, 5 a run failed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/veth-pair.sh
. scripts/veth-pair.sh

NSTRACE=${NSTRACE:-build/nstrace}
NSTRACE_ALT=${NSTRACE_ALT:-}
UDPFLOOD=${UDPFLOOD:-build/bench/udpflood}
TCX_HOLD=${TCX_HOLD:-build/bench/tcx_hold}
SECONDS_PER_RUN=2
ROUNDS=7
PORT=9000
ABSENT_MAC=02:00:5e:00:00:99 # no device in the pair has it
EMPTY_OBJ=${EMPTY_OBJ:-build/bpf/empty.bpf.o}
CONFIGS="empty-hooks match-nothing every-text every-json tcpdump"
PAIRED=0

usage() {
	echo "usage: $0 [-p] [-d SECONDS_PER_RUN] [-r ROUNDS] [-c \"CONFIG ...\"]" >&2
	exit 2
}

while getopts "pd:r:c:h" opt; do
	case $opt in
	p) PAIRED=1 ;;
	d) SECONDS_PER_RUN=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	c) CONFIGS=$OPTARG ;;
	*) usage ;;
	esac
done
[[ $SECONDS_PER_RUN =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage
awk -v s="$SECONDS_PER_RUN" 'BEGIN {exit !(s >= 0.1 && s <= 600)}' || usage
# The receiver outlives the sender by half a second, to count the tail.
RECV_SECONDS=$(awk -v s="$SECONDS_PER_RUN" 'BEGIN {print s + 0.5}')
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -ge 1 ]] || usage
KNOWN=" empty-hooks empty-tcx match-nothing every-text every-json every-snap0 tcpdump "
for cfg in $CONFIGS; do
	base=${cfg%@alt}
	[[ $KNOWN == *" $base "* || $base =~ ^every-ring[0-9]+[KMG]$ ]] || { echo "bench-live: unknown configuration '$cfg'" >&2; usage; }
	if [ "$base" != "$cfg" ]; then
		[[ $base == match-nothing || $base == every-* ]] || { echo "bench-live: '$cfg': only nstrace's configurations have an @alt" >&2; usage; }
		[ -x "$NSTRACE_ALT" ] || { echo "bench-live: '$cfg' needs NSTRACE_ALT, an nstrace binary to compare" >&2; exit 4; }
	fi
done

for bin in "$NSTRACE" "$UDPFLOOD" "$TCX_HOLD"; do
	[ -x "$bin" ] || { echo "bench-live: $bin is missing; run make bench" >&2; exit 4; }
done
[ -f "$EMPTY_OBJ" ] || { echo "bench-live: $EMPTY_OBJ is missing; run make bench" >&2; exit 4; }
command -v tcpdump >/dev/null || { echo "bench-live: tcpdump is missing; run make deps" >&2; exit 4; }
[ "$(id -u)" -eq 0 ] || { echo "bench-live: needs root (namespaces, BPF)" >&2; exit 4; }

SUFFIX="$$-$RANDOM"
NS_TX="nstb-tx-$SUFFIX"
NS_RX="nstb-rx-$SUFFIX"
TMP=$(mktemp -d /tmp/nstrace-bench-live.XXXXXX)
PIDS=()

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	for ns in "$NS_TX" "$NS_RX"; do
		[ -e "/run/netns/$ns" ] && ip netns del "$ns"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The pair is created inside NS_TX and one end moved: nothing touches the
# root namespace.  IPv6 off so no router solicitation joins the flood.
setup() {
	ip netns add "$NS_TX"
	ip netns add "$NS_RX"
	for ns in "$NS_TX" "$NS_RX"; do
		ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done
	veth_pair "$NS_TX" vtx "$NS_RX" vrx 10.198.0
	[ "$PAIRED" -eq 1 ] || return 0
	# The untraced twin for -p, between the same two namespaces.
	veth_pair "$NS_TX" vtx2 "$NS_RX" vrx2 10.198.1
}

# forget PID: a process we started has ended.
forget() {
	local keep=() p
	for p in "${PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

# wait_for FILE PATTERN PID: until a started tool says it is ready.
wait_for() {
	local i
	for i in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || break
		sleep 0.1
	done
	echo "bench-live: tool (pid $3) not ready; its output:" >&2
	cat "$1" >&2
	exit 5
}

# start_tracer CONFIG: start the tracer(s) of a configuration, wait until
# they are attached.  Their pids go to TRACERS.
TRACERS=()
start_tracer() {
	local devs=(--dev "$NS_TX/vtx" --dev "$NS_RX/vrx") args=() pid bin=$NSTRACE cfg=${1%@alt}
	TRACERS=()
	[ "$cfg" = "$1" ] || bin=$NSTRACE_ALT
	case $cfg in
	untraced) return 0 ;;
	empty-hooks)
		# Our own namespaces: the clsact qdiscs are ours to add and remove.
		for dev in "$NS_TX vtx" "$NS_RX vrx"; do
			set -- $dev
			ip netns exec "$1" tc qdisc add dev "$2" clsact
			ip netns exec "$1" tc filter add dev "$2" ingress bpf da obj "$EMPTY_OBJ" sec tc
			ip netns exec "$1" tc filter add dev "$2" egress bpf da obj "$EMPTY_OBJ" sec tc
		done
		return 0
		;;
	empty-tcx)
		# The links live as long as the process: SIGTERM detaches.
		taskset -c 1 "$TCX_HOLD" "$NS_TX/vtx" "$NS_RX/vrx" >"$TMP/tcx_hold.out" 2>&1 &
		pid=$!
		PIDS+=("$pid")
		TRACERS+=("$pid")
		wait_for "$TMP/tcx_hold.out" "attached" "$pid"
		return 0
		;;
	match-nothing) args=(--mac "$ABSENT_MAC") ;;
	every-text) args=(--proto udp) ;;
	every-json) args=(--proto udp --json) ;;
	every-snap0) args=(--proto udp --snaplen 0) ;;
	every-ring*) args=(--proto udp --ringbuf "${cfg#every-ring}") ;;
	tcpdump)
		ip netns exec "$NS_TX" taskset -c 1 tcpdump -i vtx -w /dev/null -s 128 2>"$TMP/tcpdump-tx.err" &
		pid=$!
		PIDS+=("$pid")
		TRACERS+=("$pid")
		wait_for "$TMP/tcpdump-tx.err" "listening on" "$pid"
		ip netns exec "$NS_RX" taskset -c 1 tcpdump -i vrx -w /dev/null -s 128 2>"$TMP/tcpdump-rx.err" &
		pid=$!
		PIDS+=("$pid")
		TRACERS+=("$pid")
		wait_for "$TMP/tcpdump-rx.err" "listening on" "$pid"
		return 0
		;;
	*)
		echo "bench-live: unknown configuration '$1'" >&2
		exit 2
		;;
	esac
	taskset -c 1 "$bin" watch "${devs[@]}" "${args[@]}" >/dev/null 2>"$TMP/nstrace.err" &
	pid=$!
	PIDS+=("$pid")
	TRACERS+=("$pid")
	wait_for "$TMP/nstrace.err" "attached" "$pid"
	TRACER_TICKS0=$(tracer_cpu_ticks) # loading and attaching are not per event
}

# settle: until the tracers stop using CPU (nstrace has drained its ring
# buffer), at most 5 s, so that every event is either delivered or lost.
settle() {
	local i last=-1 now
	for i in $(seq 25); do
		now=$(tracer_cpu_ticks)
		[ "$now" = "$last" ] && return 0
		last=$now
		sleep 0.2
	done
}

# stop_tracer CONFIG PACKETS_SENT: stop them; what they captured / lost
# goes to $TMP/note.
stop_tracer() {
	local pid rc=0 ticks cfg=${1%@alt}
	settle
	ticks=$(tracer_cpu_ticks)
	for pid in "${TRACERS[@]}"; do
		# SIGTERM, not SIGINT: a background job of a script ignores SIGINT.
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${TRACERS[@]}"; do
		wait "$pid" || rc=$?
		forget "$pid"
	done
	case $cfg in
	untraced | empty-tcx) : >"$TMP/note" ;;
	empty-hooks)
		ip netns exec "$NS_TX" tc qdisc del dev vtx clsact
		ip netns exec "$NS_RX" tc qdisc del dev vrx clsact
		: >"$TMP/note"
		;;
	tcpdump)
		awk '/packets captured/ {c += $1} /dropped by kernel/ {d += $1}
			END {printf "tcpdump: %d packets captured, %d dropped\n", c, d}' \
			"$TMP/tcpdump-tx.err" "$TMP/tcpdump-rx.err" >"$TMP/note"
		;;
	*)
		# "nstrace: N events, M lost": add the lost share, the CPU time
		# nstrace spent per event delivered (stream + renderer), and
		# the events neither delivered nor counted lost (should be 0;
		# a packet passes two hooks, vtx egress and vrx ingress).
		awk -v cpu="$((ticks - TRACER_TICKS0))" -v hz="$(getconf CLK_TCK)" -v sent="$2" \
			-v per_pkt="$([ "$cfg" = match-nothing ] && echo 0 || echo 2)" \
			'/^nstrace: [0-9]+ events, [0-9]+ lost/ {e = $2; l = $4; line = $0}
			END {printf "%s (%.1f %% lost", line, (e + l > 0 ? 100 * l / (e + l) : 0);
				if (e > 0) printf ", %.2f us cpu/event", 1e6 * cpu / hz / e;
				printf ", %d unaccounted)\n", per_pkt * sent - e - l}' \
			"$TMP/nstrace.err" >"$TMP/note"
		;;
	esac
	[ "$rc" -eq 0 ] || [ "$rc" -eq 143 ] || { echo "bench-live: $1 tracer failed (exit $rc)" >&2; exit 5; }
}

# tracer_cpu_ticks: user + system clock ticks of the running tracers.
tracer_cpu_ticks() {
	local pid ticks=0 stat
	for pid in "${TRACERS[@]}"; do
		stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
		stat=${stat##*) } # fields after the command name; utime is the 12th
		set -- $stat
		ticks=$((ticks + ${12} + ${13}))
	done
	echo "$ticks"
}

rx_counter() {
	ip netns exec "$NS_RX" cat /sys/class/net/vrx/statistics/rx_packets
}

# start_receiver PORT OUT: a counting receiver on CPU 1; its pid in RECV_PID.
start_receiver() {
	ip netns exec "$NS_RX" taskset -c 1 "$UDPFLOOD" recv "$1" "$RECV_SECONDS" >"$2" &
	RECV_PID=$!
	PIDS+=("$RECV_PID")
	wait_for "$2" "ready" "$RECV_PID"
}

# one_run CONFIG: writes "RECEIVED_PPS SENT_PPS DEVICE_RX_PPS PKT_PER_CPU_S
# TRACER_CPU_PERCENT TRACER_NOTE" to $TMP/run (not through $(...): a
# subshell would lose track of the pids).
one_run() {
	local cfg=$1 recv_pid rx0 rx1 sent received secs cpu t0 t1 w0 w1
	start_tracer "$cfg"
	start_receiver "$PORT" "$TMP/recv.out"
	recv_pid=$RECV_PID
	rx0=$(rx_counter)
	t0=$(tracer_cpu_ticks)
	w0=$(date +%s.%N)
	ip netns exec "$NS_TX" taskset -c 0 "$UDPFLOOD" send 10.198.0.2 "$PORT" "$SECONDS_PER_RUN" \
		>"$TMP/send.out"
	t1=$(tracer_cpu_ticks)
	w1=$(date +%s.%N)
	rx1=$(rx_counter)
	wait "$recv_pid"
	forget "$recv_pid"
	sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' "$TMP/send.out")
	stop_tracer "$cfg" "$sent"
	secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$TMP/send.out")
	cpu=$(sed -n 's/.*cpu_seconds=\([0-9.]*\).*/\1/p' "$TMP/send.out")
	received=$(sed -n 's/^received=\([0-9]*\)/\1/p' "$TMP/recv.out")
	awk -v r="$received" -v s="$sent" -v d="$((rx1 - rx0))" -v t="$secs" -v c="$cpu" \
		-v tr="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v w="$w0 $w1" -v n="$(cat "$TMP/note")" \
		'BEGIN {split(w, ww, " ");
			printf "%.0f %.0f %.0f %.0f %.0f %s\n", r / t, s / t, d / t,
			(c > 0 ? s / c : 0), 100 * tr / hz / (ww[2] - ww[1]), n}' >"$TMP/run"
}

# one_run_paired CONFIG: the tracer on the first pair, one sender flooding
# it and the untraced twin in turns; writes "TURN_MEDIAN_PPS RATIO
# RECEIVED_PPS RECEIVED_RATIO TRACER_CPU_PERCENT TRACER_NOTE" to $TMP/run,
# the ratios being traced pair / twin.
one_run_paired() {
	local cfg=$1 pid pid_a pid_b out t0 t1 w0 w1 a_sent a_secs b_secs recv_a recv_b med_a med_b
	start_tracer "$cfg"
	start_receiver "$PORT" "$TMP/recv-a.out"
	pid_a=$RECV_PID
	start_receiver "$((PORT + 1))" "$TMP/recv-b.out"
	pid_b=$RECV_PID
	t0=$(tracer_cpu_ticks)
	w0=$(date +%s.%N)
	ip netns exec "$NS_TX" taskset -c 0 "$UDPFLOOD" alt 10.198.0.2 10.198.1.2 "$PORT" \
		"$SECONDS_PER_RUN" >"$TMP/send.out"
	t1=$(tracer_cpu_ticks)
	w1=$(date +%s.%N)
	for pid in "$pid_a" "$pid_b"; do
		wait "$pid"
		forget "$pid"
	done
	out=$(cat "$TMP/send.out")
	a_sent=$(sed -n 's/.*a_sent=\([0-9]*\).*/\1/p' <<<"$out")
	a_secs=$(sed -n 's/.*a_seconds=\([0-9.]*\).*/\1/p' <<<"$out")
	b_secs=$(sed -n 's/.*b_seconds=\([0-9.]*\).*/\1/p' <<<"$out")
	med_a=$(sed -n 's/.*a_median_pps=\([0-9]*\).*/\1/p' <<<"$out")
	med_b=$(sed -n 's/.*b_median_pps=\([0-9]*\).*/\1/p' <<<"$out")
	stop_tracer "$cfg" "$a_sent"
	recv_a=$(sed -n 's/^received=\([0-9]*\)/\1/p' "$TMP/recv-a.out")
	recv_b=$(sed -n 's/^received=\([0-9]*\)/\1/p' "$TMP/recv-b.out")
	awk -v ra="$recv_a" -v rb="$recv_b" -v ma="$med_a" -v mb="$med_b" -v ta="$a_secs" \
		-v tb="$b_secs" -v tr="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v w="$w0 $w1" \
		-v n="$(cat "$TMP/note")" \
		'BEGIN {split(w, ww, " ");
			printf "%.0f %.3f %.0f %.3f %.0f %.1f %s\n", ma, (mb > 0 ? ma / mb : 0),
			ra / ta, (rb > 0 ? (ra / ta) / (rb / tb) : 0), 100 * tr / hz / (ww[2] - ww[1]),
			(ma > 0 && mb > 0 ? 1e9 / ma - 1e9 / mb : 0), n}' \
		>"$TMP/run"
}

# percentile P [FORMAT]: of the numbers on stdin, linear between
# neighbours, printed with FORMAT (default %.0f).
percentile() {
	sort -g | awk -v p="$1" -v fmt="${2:-%.0f}" '{v[NR] = $1}
		END {x = 1 + (NR - 1) * p / 100; i = int(x);
			printf fmt "\n", (i < NR ? v[i] + (x - i) * (v[i + 1] - v[i]) : v[NR])}'
}

setup
echo "bench-live: veth pair $NS_TX/vtx -> $NS_RX/vrx, UDP 18-byte payload (60-byte frames)," \
	"$SECONDS_PER_RUN s per run, $ROUNDS rounds; tracers on both ends;" \
	"$([ "$PAIRED" -eq 1 ] && echo "paired with the untraced twin vtx2 -> vrx2 in 5 ms turns, random order;")" \
	"load $(cut -d' ' -f1-3 /proc/loadavg)"

# ratio A B: A / B with three decimals.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}'
}

# show ROUND CONFIG RATIO CPU_RATIO RUN_FILE: print one run.
show() {
	local pps sent_pps dev_pps per_cpu tracer_cpu note
	read -r pps sent_pps dev_pps per_cpu tracer_cpu note <"$5"
	printf 'round %d %-13s %7s pkt/s ratio %5s | %7s pkt/cpu-s ratio %5s | device rx %7s pkt/s | tracer cpu %3s %% | %s\n' \
		"$1" "$2" "$pps" "$3" "$per_cpu" "$4" "$dev_pps" "$tracer_cpu" "$note"
}

# Each traced run sits between two untraced runs and is compared with
# their mean, so slow drifts of the machine's speed cancel out.  The ratio
# of each untraced run to the one before it is the noise of the measurement
# itself: it is what the "untraced" lines report.
# show_paired ROUND CONFIG RUN_FILE: print one paired run.
show_paired() {
	local pps r recv_pps rr tracer_cpu extra_ns note
	read -r pps r recv_pps rr tracer_cpu extra_ns note <"$3"
	printf 'round %d %-13s %7s pkt/s (turn median) ratio to twin %5s, %+6.1f ns/pkt | received %7s pkt/s ratio %5s | tracer cpu %3s %% | %s\n' \
		"$1" "$2" "$pps" "$r" "$extra_ns" "$recv_pps" "$rr" "$tracer_cpu" "$note"
}

# in_turn ROUND: the traced configurations, the ROUND-th first (then the
# rest in order, wrapping), so that each takes every place in a round
# equally often. With a fixed order, two builds of nstrace run back to
# back came out 0.012-0.024 of the ratio apart in three runs, the one in
# second place ahead whichever it was; taking turns, the same two builds
# measured 0.853 and 0.855 (2026-11-27).
read -r -a CONFIG_LIST <<<"$CONFIGS"
in_turn() {
	local k=$((($1 - 1) % ${#CONFIG_LIST[@]}))
	echo "${CONFIG_LIST[@]:k}" "${CONFIG_LIST[@]:0:k}"
}

# -p: every configuration, "untraced" first, once per round; each run is
# its own comparison with the twin.  The results file keeps the columns
# of the interleaved method: pps, ratio, (received pps), (received
# ratio), CPU %; and then what the tracer adds to a packet's time, in ns
# (1/traced - 1/twin of the turn medians): a cost that does not depend on
# how fast the rest of the packet's path is, as the ratio does.
for round in $(seq "$ROUNDS"); do
	[ "$PAIRED" -eq 1 ] || break
	for cfg in untraced $(in_turn "$round"); do
		one_run_paired "$cfg"
		show_paired "$round" "$cfg" "$TMP/run"
		read -r pps r recv_pps rr tracer_cpu extra_ns _ <"$TMP/run"
		echo "$cfg $pps $r $recv_pps $rr $tracer_cpu $extra_ns" >>"$TMP/results"
	done
done

for round in $(seq "$ROUNDS"); do
	[ "$PAIRED" -eq 0 ] || break
	one_run untraced
	read -r base _ _ base_cpu _ <"$TMP/run"
	show "$round" untraced - - "$TMP/run"
	for cfg in $(in_turn "$round"); do
		one_run "$cfg"
		mv "$TMP/run" "$TMP/traced"
		read -r pps _ _ per_cpu tracer_cpu _ <"$TMP/traced"
		one_run untraced
		read -r next _ _ next_cpu _ <"$TMP/run"
		r=$(ratio "$pps" "$(awk -v a="$base" -v b="$next" 'BEGIN {print (a + b) / 2}')")
		rc=$(ratio "$per_cpu" "$(awk -v a="$base_cpu" -v b="$next_cpu" 'BEGIN {print (a + b) / 2}')")
		show "$round" "$cfg" "$r" "$rc" "$TMP/traced"
		echo "$cfg $pps $r $per_cpu $rc $tracer_cpu" >>"$TMP/results"
		r=$(ratio "$next" "$base")
		rc=$(ratio "$next_cpu" "$base_cpu")
		show "$round" untraced "$r" "$rc" "$TMP/run"
		echo "untraced $next $r $next_cpu $rc 0" >>"$TMP/results"
		base=$next base_cpu=$next_cpu
	done
done

# column CONFIG N [P]: percentile P (default the median) of column N of
# that configuration's runs; columns 3 and 5 are ratios, 7 (paired) ns.
column() {
	local fmt=%.0f
	[ "$2" = 3 ] || [ "$2" = 5 ] && fmt=%.3f
	[ "$2" = 7 ] && fmt=%.1f
	awk -v c="$1" -v n="$2" '$1 == c {print $n}' "$TMP/results" | percentile "${3:-50}" "$fmt"
}

# median_ci CONFIG: "LOW HIGH", a distribution-free 95 % confidence
# interval of the median ratio: the order statistics n/2 -+ 0.98 sqrt(n)
# (the sign test's normal approximation; wider than the range for n < 6).
median_ci() {
	awk -v c="$1" '$1 == c {print $3}' "$TMP/results" | sort -g |
		awk '{v[NR] = $1}
		END {h = 0.98 * sqrt(NR); lo = int(NR / 2 - h); hi = int(NR / 2 + 1 + h + 0.999);
			if (lo < 1) lo = 1; if (hi > NR) hi = NR;
			printf "%.3f %.3f\n", v[lo], v[hi]}'
}

declare -A RATIO CI
for cfg in untraced $CONFIGS; do
	RATIO[$cfg]=$(column "$cfg" 3)
	CI[$cfg]=$(median_ci "$cfg")
	if [ "$PAIRED" -eq 1 ]; then
		extra="median_received_pps=$(column "$cfg" 4) median_received_ratio=$(column "$cfg" 5)"
		extra+=" median_ns_per_pkt=$(column "$cfg" 7)"
	else
		extra="median_pkt_per_cpu_s=$(column "$cfg" 4) median_cpu_ratio=$(column "$cfg" 5)"
	fi
	echo "RESULT live config=$cfg rounds=$ROUNDS median_pps=$(column "$cfg" 2)" \
		"median_ratio=${RATIO[$cfg]} ratio_p25=$(column "$cfg" 3 25) ratio_p75=$(column "$cfg" 3 75)" \
		"ci95=${CI[$cfg]/ /-} $extra median_tracer_cpu_pct=$(column "$cfg" 6)"
done

verdict() { awk -v ok="$1" 'BEGIN {print (ok ? "PASS" : "FAIL")}'; }
# straddles CONFIG LINE: " (95 % CI LO-HI: inconclusive)" when the interval
# of the median holds LINE, else " (95 % CI LO-HI)".
straddles() {
	awk -v ci="${CI[$1]}" -v t="$2" 'BEGIN {split(ci, c, " ");
		printf " (95 %% CI %s-%s%s)", c[1], c[2], (c[1] < t && c[2] >= t ? ": inconclusive" : "")}'
}
if [ -n "${RATIO[match-nothing]:-}" ]; then
	echo "TARGET live match-nothing >= 0.97 of untraced: ${RATIO[match-nothing]}$(straddles match-nothing 0.97)" \
		"$(verdict "$(awk -v r="${RATIO[match-nothing]}" 'BEGIN {print (r >= 0.97)}')")"
fi
for cfg in every-text every-json; do
	[ -n "${RATIO[$cfg]:-}" ] && [ -n "${RATIO[tcpdump]:-}" ] || continue
	echo "TARGET live $cfg >= 0.85 of untraced and >= tcpdump (${RATIO[tcpdump]}): ${RATIO[$cfg]}$(straddles "$cfg" 0.85)" \
		"$(verdict "$(awk -v r="${RATIO[$cfg]}" -v t="${RATIO[tcpdump]}" \
			'BEGIN {print (r >= 0.85 && r >= t)}')")"
done
exit 0
