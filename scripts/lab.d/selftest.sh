# shellcheck shell=bash
# selftest: bring the lab up, check it is healthy, apply every fault and
# check that its symptom really happens, heal and check health again, bring
# it down and check nothing is left.  One line per check, then "N passed,
# N failed"; exit status 1 when a check failed.  `make test` runs it.

ST_PASS=0
ST_FAIL=0
ST_LOG=

st_ok() {
	echo "ok - $*"
	ST_PASS=$((ST_PASS + 1))
}
st_fail() {
	echo "FAIL - $*"
	ST_FAIL=$((ST_FAIL + 1))
	# The end of the failed step's output says why.
	[ -s "$ST_LOG" ] && tail -n 5 "$ST_LOG" | sed 's/^/#   /'
	return 0
}

# st_run CMD...: run a lab function in a subshell (a die() ends only the
# subshell), quietly, its output in $ST_LOG.
st_run() {
	(LAB_QUIET=1 "$@") >"$ST_LOG" 2>&1
}
st_expect_ok() { # DESC CMD...
	local desc=$1
	shift
	if st_run "$@"; then st_ok "$desc"; else st_fail "$desc"; fi
}
st_expect_fail() { # DESC CMD...
	local desc=$1
	shift
	if st_run "$@"; then st_fail "$desc"; else st_ok "$desc"; fi
}

# What the lab may change in the root namespace: nothing.
root_ns_snapshot() {
	ip -o addr show
	ip route show
	ip -6 route show
	iptables-save 2>/dev/null | sed -e '/^#/d' -e 's/\[[0-9]*:[0-9]*\]//'
}

# Devices of the lab that must never appear in the root namespace.
root_ns_lab_devices() {
	local names=(br-int br-tun br-phy br-ex ovs-netdev "$UNDERLAY_BRIDGE") v n r d
	for v in "${VMS[@]}"; do
		names+=("${VM_TAP[$v]}" "${VM_QBR[$v]}" "${VM_QVB[$v]}" "${VM_QVO[$v]}")
	done
	for n in "${NETS[@]}"; do names+=("${NET_DHCP_DEV[$n]}" "${NET_DHCP_OVS_DEV[$n]}"); done
	for r in "${ROUTERS[@]}"; do
		names+=("${ROUTER_QR_DEV[$r]}" "${ROUTER_QG_DEV[$r]}")
		names+=("${ROUTER_QR_OVS_DEV[$r]}" "${ROUTER_QG_OVS_DEV[$r]}")
	done
	for d in "${names[@]}"; do
		[ -e "/sys/class/net/$d" ] && echo "$d"
	done
	return 0
}

# Processes whose command line names the lab's directory (read-only scan).
lab_processes() {
	local f
	for f in /proc/[0-9]*/cmdline; do
		tr '\0' ' ' <"$f" 2>/dev/null | grep -qF "$LAB_DIR/" && echo "${f//[^0-9]/}"
	done
	return 0
}

st_info_json_valid() {
	local json
	json=$(info_json) || return 1
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json, sys
d = json.load(sys.stdin)
assert len(d["nodes"]) == 3 and len(d["vms"]) == 3 and len(d["routers"]) == 2
assert all(n["ovsdb_socket"].endswith("/db.sock") for n in d["nodes"])
assert d["networks"][0]["dhcp"]["namespace"].startswith("qdhcp-")' <<<"$json"
	elif command -v jq >/dev/null 2>&1; then
		jq -e '(.nodes | length) == 3 and (.vms | length) == 3' >/dev/null <<<"$json"
	else
		# No JSON tool: at least one object, balanced braces.
		[[ $json == "{"*"}" ]] && [ "$(tr -cd '{' <<<"$json" | wc -c)" = "$(tr -cd '}' <<<"$json" | wc -c)" ]
	fi
}

st_plan_recorded() { # later commands number the lab as up did, whatever the environment says
	local other=a line
	[ "$LAB_PLAN" = a ] && other=b
	line=$(env -u NSTRACE_LAB_PLAN bash "$LAB_D/../lab" info | head -n 1)
	echo "$line"
	[[ $line == *"(address plan $LAB_PLAN)"* ]] &&
		! NSTRACE_LAB_PLAN=$other bash "$LAB_D/../lab" info >/dev/null 2>&1
}

st_names_match() { # the namespaces carry Neutron's names
	local n r
	for n in "${NETS[@]}"; do ns_exists "qdhcp-${NET_UUID[$n]}" || return 1; done
	for r in "${ROUTERS[@]}"; do ns_exists "qrouter-${ROUTER_UUID[$r]}" || return 1; done
}

st_ovsdb_rows() { # VM: its qvo carries Neutron's OVSDB rows
	local vm=$1 node port iface
	node=${VM_NODE[$vm]}
	port=$(vsctl "$node" --columns=tag,other_config list Port "${VM_QVO[$vm]}") || return 1
	iface=$(vsctl "$node" --columns=external_ids list Interface "${VM_QVO[$vm]}") || return 1
	echo "$port"
	echo "$iface"
	grep -q "tag *: ${LOCAL_VLAN[$node:${VM_NET[$vm]}]}\$" <<<"$port" &&
		grep -q "net_uuid=\"${NET_UUID[${VM_NET[$vm]}]}\"" <<<"$port" &&
		grep -q "segmentation_id=\"${NET_SEG[${VM_NET[$vm]}]}\"" <<<"$port" &&
		grep -q "iface-id=\"${VM_PORT[$vm]}\"" <<<"$iface" &&
		grep -q "attached-mac=\"${VM_MAC[$vm]}\"" <<<"$iface" &&
		grep -q "vm-uuid=\"${VM_INSTANCE[$vm]}\"" <<<"$iface" &&
		grep -q 'iface-status=active' <<<"$iface"
}

st_brtun_translates() { # NODE NET
	local flows
	flows=$(ofctl "$1" dump-flows br-tun) || return 1
	echo "$flows"
	grep -q "table=3,.*tun_id=$(printf '0x%x' "${NET_SEG[$2]}") actions=mod_vlan_vid:${LOCAL_VLAN[$1:$2]}," <<<"$flows" &&
		grep -q "table=22,.*dl_vlan=${LOCAL_VLAN[$1:$2]} actions=strip_vlan,set_tunnel:$(printf '0x%x' "${NET_SEG[$2]}")," <<<"$flows"
}

st_host_file() { # VM: its line in the DHCP agent's host file
	grep -qx "${VM_MAC[$1]},host-${VM_IP[$1]//./-}.openstacklocal,${VM_IP[$1]}" \
		"$(dhcp_dir "${VM_NET[$1]}")/host"
}

st_sg_chains() { # VM: its chains and physdev jumps on its compute node
	local rules
	rules=$(in_ns "$(node_ns "${VM_NODE[$1]}")" iptables-save -t filter) || return 1
	grep -q -- "-A neutron-openvswi-sg-chain -m physdev --physdev-out ${VM_TAP[$1]} --physdev-is-bridged .* -j $(sg_chain i "$1")" <<<"$rules" &&
		grep -q -- "-A neutron-openvswi-sg-chain -m physdev --physdev-in ${VM_TAP[$1]} --physdev-is-bridged .* -j $(sg_chain o "$1")" <<<"$rules" &&
		grep -q -- "-A $(sg_chain s "$1") -s ${VM_IP[$1]}/32 -m mac --mac-source ${VM_MAC[$1]} " <<<"$rules"
}

st_l3_nat() { # ROUTER: SNAT to the gateway, DNAT + SNAT per floating IP
	local r=$1 rules fip fixed vm
	rules=$(in_ns "${ROUTER_NS[$r]}" iptables-save -t nat) || return 1
	grep -q -- "-A neutron-l3-agent-snat -o ${ROUTER_QG_DEV[$r]} -j SNAT --to-source ${ROUTER_GW_IP[$r]}" <<<"$rules" || return 1
	while read -r fip fixed vm; do
		grep -q -- "-A neutron-l3-agent-PREROUTING -d $fip/32 -j DNAT --to-destination $fixed" <<<"$rules" &&
			grep -q -- "-A neutron-l3-agent-float-snat -s $fixed/32 -j SNAT --to-source $fip" <<<"$rules" || return 1
	done < <(router_fips "$r")
}

st_overlap() { # a1 and b1 hold the same address, in different namespaces
	local a b
	a=$(in_ns "$(vm_ns a1)" ip -4 -o addr show dev eth0 | awk '{print $4}')
	b=$(in_ns "$(vm_ns b1)" ip -4 -o addr show dev eth0 | awk '{print $4}')
	echo "a1 $a, b1 $b"
	[ -n "$a" ] && [ "$a" = "$b" ]
}

st_dnsmasq_dead() { ! dhcp_running "${VM_NET[$1]}"; }

# The health checks after each heal, in one line (3 pings each: one lost
# packet on a busy machine is not a broken lab; a fault loses them all).
st_healthy() {
	vm_ping a1 gateway 3 && vm_ping b1 gateway 3 && vm_ping a2 external 3 &&
		vm_ping external a1 3 && vm_ping a1 a2 3
}

st_heal() { # FAULT
	if st_run lab_heal && st_run st_healthy; then
		st_ok "$1: heal restores DHCP for every VM and the pings"
	else
		st_fail "$1: heal restores DHCP for every VM and the pings"
	fi
}

st_fault() { # FAULT [TARGET]
	st_expect_ok "fault $1${2:+ $2} applies" fault_apply "$@"
}

st_faults() {
	st_fault sg-drop-dhcp-request
	st_expect_fail "sg-drop-dhcp-request: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_ok "sg-drop-dhcp-request: a2 still gets its lease" vm_dhcp a2
	st_heal sg-drop-dhcp-request

	st_fault sg-drop-dhcp-reply
	st_expect_fail "sg-drop-dhcp-reply: a1 gets no DHCP lease" vm_dhcp a1
	st_heal sg-drop-dhcp-reply

	st_fault dnsmasq-dead
	st_expect_ok "dnsmasq-dead: dnsmasq of net-a no longer runs" st_dnsmasq_dead a1
	st_expect_fail "dnsmasq-dead: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_ok "dnsmasq-dead: b1 (net-b's dnsmasq) still gets its lease" vm_dhcp b1
	st_heal dnsmasq-dead

	st_fault dnsmasq-wrong-interface
	st_expect_ok "dnsmasq-wrong-interface: dnsmasq of net-a runs" dhcp_running net-a
	st_expect_fail "dnsmasq-wrong-interface: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_ok "dnsmasq-wrong-interface: b1 (net-b's dnsmasq) still gets its lease" vm_dhcp b1
	st_heal dnsmasq-wrong-interface

	st_fault host-entry-missing
	st_expect_fail "host-entry-missing: a1's MAC is gone from the host file" st_host_file a1
	st_expect_fail "host-entry-missing: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_ok "host-entry-missing: a2 (same dnsmasq) still gets its lease" vm_dhcp a2
	st_heal host-entry-missing

	st_fault dhcp-port-ip-missing
	st_expect_fail "dhcp-port-ip-missing: a1 gets no DHCP lease" vm_dhcp a1
	st_heal dhcp-port-ip-missing

	st_fault dhcp-port-down
	st_expect_fail "dhcp-port-down: a1 gets no DHCP lease" vm_dhcp a1
	st_heal dhcp-port-down

	st_fault dhcp-port-unplugged
	st_expect_ok "dhcp-port-unplugged: dnsmasq of net-a still runs" dhcp_running net-a
	st_expect_fail "dhcp-port-unplugged: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_ok "dhcp-port-unplugged: b1 (net-b) still gets its lease" vm_dhcp b1
	st_heal dhcp-port-unplugged

	st_fault brtun-flow-missing
	st_expect_fail "brtun-flow-missing: br-tun on compute1 no longer maps net-a's tunnel id" \
		st_brtun_translates compute1 net-a
	st_expect_fail "brtun-flow-missing: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_ok "brtun-flow-missing: b1 (net-b, same node) still gets its lease" vm_dhcp b1
	st_heal brtun-flow-missing

	st_fault underlay-down
	st_expect_fail "underlay-down: a1 cannot ping its gateway" vm_ping a1 gateway 2
	st_expect_fail "underlay-down: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_ok "underlay-down: a2 (compute2) still pings external" vm_ping a2 external 2
	st_heal underlay-down

	st_fault patch-port-missing
	st_expect_fail "patch-port-missing: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_fail "patch-port-missing: b1 (same node) cannot ping its gateway" vm_ping b1 gateway 2
	st_expect_ok "patch-port-missing: a2 (compute2) still pings external" vm_ping a2 external 2
	st_heal patch-port-missing

	st_fault wrong-vlan-tag
	st_expect_fail "wrong-vlan-tag: a1 cannot ping its gateway" vm_ping a1 gateway 2
	st_expect_fail "wrong-vlan-tag: a1 gets no DHCP lease" vm_dhcp a1
	st_heal wrong-vlan-tag

	st_fault router-gateway-missing
	st_expect_fail "router-gateway-missing: a1 cannot ping the external host" vm_ping a1 external 2
	st_expect_fail "router-gateway-missing: the external host cannot ping a1's floating IP" vm_ping external a1 2
	st_expect_ok "router-gateway-missing: a1 still pings its gateway" vm_ping a1 gateway 2
	st_heal router-gateway-missing

	st_fault snat-missing
	st_expect_fail "snat-missing: a2 cannot ping the external host" vm_ping a2 external 2
	st_expect_fail "snat-missing: a1 (floating IP) cannot ping the external host" vm_ping a1 external 2
	st_expect_ok "snat-missing: the external host still pings a1's floating IP (DNAT)" vm_ping external a1 2
	st_heal snat-missing

	st_fault router-no-forwarding
	st_expect_fail "router-no-forwarding: a1 cannot ping the external host" vm_ping a1 external 2
	st_expect_fail "router-no-forwarding: the external host cannot ping a1's floating IP" vm_ping external a1 2
	st_expect_ok "router-no-forwarding: a1 still pings its gateway (the router's own address)" vm_ping a1 gateway 2
	st_heal router-no-forwarding

	st_fault sg-hooks-missing
	st_expect_fail "sg-hooks-missing: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_ok "sg-hooks-missing: b1 (same node, hooked) still pings its gateway" vm_ping b1 gateway 2
	st_heal sg-hooks-missing

	st_fault router-interface-wrong-ip
	st_expect_fail "router-interface-wrong-ip: a1 cannot ping its gateway" vm_ping a1 gateway 2
	st_expect_ok "router-interface-wrong-ip: a1 still pings a2 (same network)" vm_ping a1 a2 2
	st_heal router-interface-wrong-ip

	st_fault dnsmasq-hung
	st_expect_fail "dnsmasq-hung: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_ok "dnsmasq-hung: b1 (another network's dnsmasq) still gets its lease" vm_dhcp b1
	st_heal dnsmasq-hung

	st_fault host-entry-wrong-ip
	st_expect_fail "host-entry-wrong-ip: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_ok "host-entry-wrong-ip: a2 (same network) still gets its lease" vm_dhcp a2
	st_heal host-entry-wrong-ip

	st_fault dhcp-ns-filter-drop
	# Ping first: a failed DHCP exchange takes a1's address away.
	st_expect_ok "dhcp-ns-filter-drop: a1 still pings its DHCP port" vm_ping a1 dhcp 2
	st_expect_fail "dhcp-ns-filter-drop: a1 gets no DHCP lease" vm_dhcp a1
	st_heal dhcp-ns-filter-drop

	st_fault router-filter-drop
	st_expect_fail "router-filter-drop: a1 cannot ping the external host" vm_ping a1 external 2
	st_expect_fail "router-filter-drop: the external host cannot ping a1's floating IP" vm_ping external a1 2
	st_expect_ok "router-filter-drop: a2 (no such rule) still pings the external host" vm_ping a2 external 2
	st_heal router-filter-drop

	st_fault tunnel-ip-missing
	st_expect_fail "tunnel-ip-missing: a1 (compute1) gets no DHCP lease" vm_dhcp a1
	st_expect_fail "tunnel-ip-missing: a1 cannot ping a2 (compute2)" vm_ping a1 a2 2
	st_heal tunnel-ip-missing

	st_fault router-interface-missing
	st_expect_fail "router-interface-missing: a1 cannot ping its gateway" vm_ping a1 gateway 2
	st_expect_fail "router-interface-missing: a1 cannot ping the external host" vm_ping a1 external 2
	st_expect_ok "router-interface-missing: a1 still pings a2 (same network)" vm_ping a1 a2 2
	st_heal router-interface-missing

	st_fault tap-unplugged
	st_expect_fail "tap-unplugged: a1 gets no DHCP lease" vm_dhcp a1
	st_expect_fail "tap-unplugged: a1 cannot ping a2" vm_ping a1 a2 2
	st_expect_ok "tap-unplugged: b1 (same node) still pings its gateway" vm_ping b1 gateway 2
	st_heal tap-unplugged

	st_fault fip-dnat-missing
	st_expect_ok "fip-dnat-missing: pings to a1's floating IP are still answered (by the router)" vm_ping external a1 2
	st_expect_ok "fip-dnat-missing: a1 still pings the external host (float-snat)" vm_ping a1 external 2
	st_heal fip-dnat-missing

	st_fault sg-drop-icmp
	st_expect_fail "sg-drop-icmp: a2 cannot ping a1" vm_ping a2 a1 2
	st_expect_fail "sg-drop-icmp: the external host cannot ping a1's floating IP" vm_ping external a1 2
	st_expect_ok "sg-drop-icmp: a1 still pings a2 (replies are established)" vm_ping a1 a2 2
	st_heal sg-drop-icmp

	st_fault underlay-mtu
	st_expect_fail "underlay-mtu: a1's 1500-byte DF ping to its gateway fails" vm_ping a1 gateway 2 1472
	st_expect_ok "underlay-mtu: a1's small ping to its gateway works" vm_ping a1 gateway 2 56
	st_expect_ok "underlay-mtu: a1 still gets its DHCP lease" vm_dhcp a1
	st_heal underlay-mtu
}

st_cleanup() {
	[ -n "${ST_LAB_BUILT:-}" ] || return 0
	ST_LAB_BUILT=
	echo "# selftest interrupted or failed early: bringing the lab down" >&2
	(LAB_QUIET=1 lab_down) >/dev/null 2>&1
}

selftest_main() {
	local before after t0 secs leftover
	ST_LOG=$(mktemp "${TMPDIR:-/tmp}/nstrace-lab-selftest.XXXXXX") || die "mktemp failed"
	lab_lock
	trap 'st_cleanup; rm -f "$ST_LOG"' EXIT
	trap 'exit 130' INT TERM
	echo "# lab selftest: prefix '$LAB', directory $LAB_DIR"
	before=$(root_ns_snapshot)

	ST_LAB_BUILT=1
	t0=$(date +%s.%N)
	if st_run lab_up; then
		secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
		st_ok "up builds the lab and every VM gets its lease ($secs s)"
		if awk -v s="$secs" 'BEGIN { exit !(s < 30) }'; then
			st_ok "up takes less than 30 s"
		else
			st_fail "up takes less than 30 s (took $secs s)"
		fi
	else
		st_fail "up builds the lab and every VM gets its lease"
		echo "$ST_PASS passed, $ST_FAIL failed"
		return 1
	fi

	leftover=$(root_ns_lab_devices)
	if [ -z "$leftover" ]; then
		st_ok "no lab device in the root namespace while the lab is up"
	else
		st_fail "no lab device in the root namespace while the lab is up (found: $leftover)"
	fi
	st_expect_ok "status: every OVS and dnsmasq process runs" \
		eval 'lab_status && ! lab_status | grep -q "NOT running"'
	st_expect_ok "info --json is valid and complete" st_info_json_valid
	st_expect_ok "the address plan up recorded ($LAB_PLAN) holds for later commands" st_plan_recorded
	st_expect_ok "qdhcp-<network uuid> and qrouter-<router uuid> namespaces exist" st_names_match
	st_expect_ok "OVSDB rows of a1's qvo as the OVS agent writes them" st_ovsdb_rows a1
	st_expect_ok "br-tun on compute1 translates net-a's GRE key and local VLAN" \
		st_brtun_translates compute1 net-a
	st_expect_ok "br-tun on network translates net-b's GRE key and local VLAN" \
		st_brtun_translates network net-b
	st_expect_ok "DHCP host file has a1's line in the agent's format" st_host_file a1
	st_expect_ok "hybrid firewall chains and physdev jumps for a1 on compute1" st_sg_chains a1
	st_expect_ok "router-a nat: SNAT to its gateway, DNAT and SNAT of its floating IP" st_l3_nat router-a
	st_expect_ok "overlapping tenants: a1 and b1 both hold ${VM_IP[a1]}" st_overlap

	st_expect_ok "DHCP: a1 gets its lease" vm_dhcp a1
	st_expect_ok "DHCP: b1 gets its lease" vm_dhcp b1
	st_expect_ok "DHCP: a2 gets its lease" vm_dhcp a2
	st_expect_ok "ping: a1 -> its gateway (router-a)" vm_ping a1 gateway 3
	st_expect_ok "ping: b1 -> its gateway (router-b, same address)" vm_ping b1 gateway 2
	st_expect_ok "ping: a2 -> external host through SNAT" vm_ping a2 external 2
	st_expect_ok "ping: a1 -> external host through its floating IP" vm_ping a1 external 2
	st_expect_ok "ping: external host -> a1's floating IP" vm_ping external a1 2
	st_expect_ok "ping: a1 (compute1) -> a2 (compute2), east-west GRE" vm_ping a1 a2 2
	st_expect_ok "ping: a1 -> a2 with full 1500-byte DF packets" vm_ping a1 a2 2 1472
	st_expect_ok "ping: a1 -> b1's floating IP (tenant to tenant via routers)" vm_ping a1 b1 2

	st_faults

	if st_run lab_down; then
		ST_LAB_BUILT=
		st_ok "down"
	else
		st_fail "down"
	fi
	leftover=$(for ns in $(lab_namespaces); do ns_exists "$ns" && echo "$ns"; done)
	if [ -z "$leftover" ]; then st_ok "down leaves no lab namespace"; else st_fail "down leaves no lab namespace (left: $leftover)"; fi
	leftover=$(lab_processes)
	if [ -z "$leftover" ]; then st_ok "down leaves no lab process"; else st_fail "down leaves no lab process (pids: $leftover)"; fi
	if [ ! -e "$LAB_DIR" ]; then st_ok "down removes $LAB_DIR"; else st_fail "down removes $LAB_DIR"; fi
	after=$(root_ns_snapshot)
	if [ "$before" = "$after" ]; then
		st_ok "root namespace addresses, routes and iptables unchanged"
	else
		st_fail "root namespace addresses, routes and iptables unchanged"
		diff <(echo "$before") <(echo "$after") | sed 's/^/#   /' | head -n 20
	fi
	st_expect_ok "down again is a no-op" lab_down

	echo "$ST_PASS passed, $ST_FAIL failed"
	[ "$ST_FAIL" -eq 0 ]
}
