#!/usr/bin/env bash
# make demo: bring the Neutron lab up and show what nstrace sees on it —
# a port's path, a DHCP exchange and a ping traced hop by hop — then say
# how to explore further and how to bring the lab down.  Names come from
# `scripts/lab info --json`, never hard-coded.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

NSTRACE=build/nstrace
LAB=(bash scripts/lab)
WATCH_ERR=

die() {
	printf 'demo: %s\n' "$*" >&2
	exit 1
}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { # CMD...: print the command, then run it
	printf '$ %s\n' "$*"
	"$@"
}

[ "$(id -u)" -eq 0 ] || die "the lab and nstrace need root: sudo make demo"
[ -x "$NSTRACE" ] || die "$NSTRACE is missing: run make first"

# lab_names: shell variables from `scripts/lab info --json` (python3, else jq).
lab_names() {
	local json=$1
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$json" <<-'EOF'
			import json, shlex, sys
			d = json.loads(sys.argv[1])
			vm = {v["name"]: v for v in d["vms"]}
			net = {n["uuid"]: n for n in d["networks"]}
			node = {n["name"]: n for n in d["nodes"]}
			rtr = {r["interfaces"][0]["network_uuid"]: r for r in d["routers"]}
			a1, a2 = vm["a1"], vm["a2"]
			out = {
			    "A1_PORT": a1["port_uuid"], "A1_MAC": a1["mac"],
			    "A1_NS": a1["node_namespace"], "A1_TAP": a1["tap"], "A1_QVO": a1["qvo"],
			    "A2_NS": a2["node_namespace"], "A2_TAP": a2["tap"],
			    "DHCP_NS": net[a1["network_uuid"]]["dhcp"]["namespace"],
			    "DHCP_DEV": net[a1["network_uuid"]]["dhcp"]["device"],
			    "NET_NS": node["network"]["namespace"],
			    "UNDERLAY_DEV": node["network"]["underlay_device"],
			    "R_NS": rtr[a2["network_uuid"]]["namespace"],
			    "R_QR": rtr[a2["network_uuid"]]["interfaces"][0]["device"],
			    "R_QG": rtr[a2["network_uuid"]]["gateway"]["device"],
			    "EXT_NS": d["external"]["namespace"], "EXT_DEV": d["external"]["device"],
			    "EXT_IP": d["external"]["ip"],
			}
			for k, v in out.items():
			    print(f"{k}={shlex.quote(v)}")
		EOF
	elif command -v jq >/dev/null 2>&1; then
		jq -r '(.vms | map({(.name): .}) | add) as $vm
			| (.networks | map({(.uuid): .}) | add) as $net
			| (.routers | map({(.interfaces[0].network_uuid): .}) | add) as $r
			| (.nodes | map({(.name): .}) | add) as $node
			| [["A1_PORT", $vm.a1.port_uuid], ["A1_MAC", $vm.a1.mac],
			   ["A1_NS", $vm.a1.node_namespace], ["A1_TAP", $vm.a1.tap], ["A1_QVO", $vm.a1.qvo],
			   ["A2_NS", $vm.a2.node_namespace], ["A2_TAP", $vm.a2.tap],
			   ["DHCP_NS", $net[$vm.a1.network_uuid].dhcp.namespace],
			   ["DHCP_DEV", $net[$vm.a1.network_uuid].dhcp.device],
			   ["NET_NS", $node.network.namespace], ["UNDERLAY_DEV", $node.network.underlay_device],
			   ["R_NS", $r[$vm.a2.network_uuid].namespace],
			   ["R_QR", $r[$vm.a2.network_uuid].interfaces[0].device],
			   ["R_QG", $r[$vm.a2.network_uuid].gateway.device],
			   ["EXT_NS", .external.namespace], ["EXT_DEV", .external.device],
			   ["EXT_IP", .external.ip]]
			| .[] | "\(.[0])=\(.[1] | @sh)"' <<<"$json"
	else
		die "reading scripts/lab info --json needs python3 or jq"
	fi
}

# wait_attached PID ERRFILE: until nstrace says its probes are attached
# (or exits), at most 10 s.
wait_attached() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q attached "$2" && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
}

# trace ACTION-DESC -- WATCH-ARGS... -- ACTION...: run nstrace watch, wait
# until its probes are attached, run the action, stop nstrace with SIGINT.
trace() {
	local desc=$1 watch=() action=() pid
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		watch+=("$1")
		shift
	done
	shift
	action=("$@")
	WATCH_ERR=$(mktemp) || die "mktemp failed"
	printf '$ %s watch %s &\n' "$NSTRACE" "${watch[*]}"
	"$NSTRACE" watch "${watch[@]}" 2>"$WATCH_ERR" &
	pid=$!
	wait_attached "$pid" "$WATCH_ERR"
	cat "$WATCH_ERR"
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		rm -f "$WATCH_ERR"
		echo "demo: nstrace watch did not start (see above); skipping: $desc"
		return 1
	fi
	printf '$ %s    # %s\n' "${action[*]}" "$desc"
	"${action[@]}"
	sleep 0.5
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	tail -n +2 "$WATCH_ERR"
	rm -f "$WATCH_ERR"
}
trap '[ -n "$WATCH_ERR" ] && rm -f "$WATCH_ERR"' EXIT

step "1. A Neutron deployment in namespaces: network node, 2 compute nodes, 2 tenants"
show "${LAB[@]}" up || die "scripts/lab up failed"
show "${LAB[@]}" info

names=$(lab_names "$("${LAB[@]}" info --json)") || die "cannot read scripts/lab info --json"
eval "$names"

if "$NSTRACE" path --help >/dev/null 2>&1; then
	step "2. Everything that carries VM a1's traffic, from its port UUID alone"
	show "$NSTRACE" path "$A1_PORT"
fi

step "3. VM a1 asks for its address: nstrace follows the DHCP exchange"
echo "   a1's tap and qvo on compute1, the network node's underlay NIC (GRE),"
echo "   the DHCP port in qdhcp-<network>"
trace "one DHCP exchange in VM a1" -- \
	--dev "$A1_NS/$A1_TAP" --dev "$A1_NS/$A1_QVO" --dev "$NET_NS/$UNDERLAY_DEV" \
	--dev "$DHCP_NS/$DHCP_DEV" --proto dhcp --mac "$A1_MAC" --timeout 15 -- \
	"${LAB[@]}" vm a1 dhcp

step "4. VM a2 (compute2) pings the external host through its router's SNAT"
trace "two pings from VM a2 to the external host" -- \
	--dev "$A2_NS/$A2_TAP" --dev "$NET_NS/$UNDERLAY_DEV" --dev "$R_NS/$R_QR" \
	--dev "$R_NS/$R_QG" --dev "$EXT_NS/$EXT_DEV" --proto icmp --ip "$EXT_IP" --timeout 15 -- \
	"${LAB[@]}" vm a2 ping external 2

# diagnose FAULT: break the lab, let `nstrace dhcp` find where and why
# VM a1's DHCP stops, then heal the lab again.
diagnose() {
	local fault=$1 err pid
	show "${LAB[@]}" fault "$fault" a1 || return 1
	err=$(mktemp) || die "mktemp failed"
	printf '$ %s dhcp %s --timeout 15 &\n' "$NSTRACE" "$A1_PORT"
	"$NSTRACE" dhcp "$A1_PORT" --timeout 15 2>"$err" &
	pid=$!
	wait_attached "$pid" "$err"
	cat "$err"
	printf '$ %s vm a1 dhcp    # the VM asks for its address\n' "${LAB[*]}"
	"${LAB[@]}" vm a1 dhcp >/dev/null 2>&1
	wait "$pid"
	echo "(nstrace dhcp exited with $?: 0 completed, 1 fault found, 3 nothing seen)"
	rm -f "$err"
	show "${LAB[@]}" heal
}

if "$NSTRACE" dhcp --help >/dev/null 2>&1; then
	step "5. A security group drops the DHCP server's replies: nstrace dhcp finds it"
	diagnose sg-drop-dhcp-reply
fi

if "$NSTRACE" ping --help >/dev/null 2>&1; then
	step "6. nstrace ping: the external host pings a1's floating IP, through the router's DNAT"
	show "$NSTRACE" ping "$A1_PORT" --from external --netns "$EXT_NS" --count 2
	step "7. A security group drops ICMP to a1: nstrace ping --from router names the chain"
	show "${LAB[@]}" fault sg-drop-icmp a1
	show "$NSTRACE" ping "$A1_PORT" --from router --count 2 ||
		echo "(nstrace ping exited with $?: 1 = a fault was found)"
	show "${LAB[@]}" heal
fi

step "Explore further"
n_faults=$("${LAB[@]}" fault --help | grep -c '^  [a-z]')
cat <<EOF
  scripts/lab info                     names, UUIDs, addresses (--json for programs)
  scripts/lab status                   processes, VM addresses, active faults
  scripts/lab vm a1 ping a2            east-west over the compute-compute GRE tunnel
  scripts/lab vm external ping a1      in through a1's floating IP
  scripts/lab fault --help             $n_faults faults, e.g.:
  scripts/lab fault sg-drop-dhcp-reply a1 && scripts/lab vm a1 dhcp
  scripts/lab heal                     undo every fault
  $NSTRACE --help                 the commands, e.g. $NSTRACE path --all
  $NSTRACE dhcp $A1_PORT      (then: scripts/lab vm a1 dhcp)
  $NSTRACE ping $A1_PORT      (then: scripts/lab vm a1 ping external)
  $NSTRACE watch --dev $A1_NS/$A1_TAP --proto icmp     (then ping from a1)
  docs/lab.md                          topology, names, the fault catalogue

The lab stays up.  Bring it down with:
  scripts/lab down
EOF
