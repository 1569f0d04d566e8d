# shellcheck shell=bash
# Faults: each breaks one thing the way it breaks in real Neutron
# deployments; `heal` restores the healthy lab (docs/lab.md has each one's
# symptom and how operators see it).

FAULTS=(
	sg-drop-dhcp-request sg-drop-dhcp-reply dnsmasq-dead dnsmasq-wrong-interface
	host-entry-missing dhcp-port-ip-missing dhcp-port-unplugged dhcp-port-down brtun-flow-missing underlay-down
	wrong-vlan-tag router-gateway-missing snat-missing sg-drop-icmp
	underlay-mtu patch-port-missing router-no-forwarding fip-dnat-missing tap-unplugged
	router-interface-missing tunnel-ip-missing sg-hooks-missing dhcp-ns-filter-drop
	router-filter-drop host-entry-wrong-ip dnsmasq-hung router-interface-wrong-ip
)
declare -A FAULT_DESC=(
	[sg-drop-dhcp-request]="the VM's security group chain lacks the DHCP client rule: its DISCOVER (from 0.0.0.0) dies in the spoofing chain"
	[sg-drop-dhcp-reply]="the VM's ingress chain lacks the DHCP server rules: the OFFER/ACK dies in sg-fallback"
	[dnsmasq-dead]="dnsmasq of the VM's network is killed (its pid file stays)"
	[dnsmasq-wrong-interface]="dnsmasq of the VM's network is restarted for an interface the DHCP port does not have (--bind-dynamic, as for a re-created port): it runs and answers nothing"
	[host-entry-missing]="the VM's MAC is removed from the DHCP host file and dnsmasq reloaded (SIGHUP)"
	[dhcp-port-ip-missing]="the DHCP port's address is removed inside qdhcp-<net>"
	[dhcp-port-down]="the DHCP port's link is set down inside qdhcp-<net>"
	[dhcp-port-unplugged]="the DHCP port's OVS port is removed from br-int (as after an OVS restart the agent missed); dnsmasq keeps running"
	[brtun-flow-missing]="br-tun's table 3 flow (tunnel id -> local VLAN) of the network is removed on a node"
	[underlay-down]="a node's underlay NIC (eth1) is set down"
	[wrong-vlan-tag]="the VM's qvo port gets another local VLAN tag than its network's"
	[router-gateway-missing]="the router's qg- port is removed from br-ex (plan a: qg- and the default route go with it; plan b: qg- stays, unplugged)"
	[snat-missing]="the router's neutron-l3-agent-snat chain is flushed (no SNAT)"
	[sg-drop-icmp]="the VM's ingress chain lacks the ICMP rule: pings to the VM die in sg-fallback"
	[underlay-mtu]="a node's underlay MTU is 1500: too small for GRE around full 1500-byte frames"
	[patch-port-missing]="a node's br-int loses its patch port to br-tun (patch-tun): the bridges are no longer joined"
	[sg-hooks-missing]="the VM's tap loses its jumps from neutron-openvswi-FORWARD to the security-group chain, and FORWARD's policy is DROP (as on many hosts): its frames die in FORWARD, not in its security group"
	[tunnel-ip-missing]="a node's tunnel endpoint address is removed from br-phy: its GRE tunnels have no local address or route"
	[router-interface-missing]="the router's qr- port on the VM's network is removed from br-int (plan a: qr- and its address go with it; plan b: qr- stays, unplugged): nothing answers for the gateway"
	[tap-unplugged]="the VM's tap leaves its qbr bridge (up, but no longer a port of it): nothing the VM sends crosses the hybrid plug"
	[fip-dnat-missing]="the DNAT of the VM's floating IP is removed from neutron-l3-agent-PREROUTING: pings to the floating IP are answered by the router itself"
	[router-interface-wrong-ip]="the router's qr- port on the VM's network gets another address than the gateway the DHCP agent hands out (as when a subnet's gateway changed and the L3 agent missed it): the VMs' ARP for their gateway finds nobody"
	[dnsmasq-hung]="dnsmasq of the VM's network stops reading its socket (SIGSTOP, as a hung process): it still runs, requests pile up unread, nothing answers"
	[host-entry-wrong-ip]="the VM's line in the DHCP host file gets an address outside its subnet (as a half-applied subnet change leaves it) and dnsmasq reloads: it knows the MAC, has no range for that address and answers nothing"
	[dhcp-ns-filter-drop]="an iptables rule in qdhcp-<net> drops what comes for the DHCP server (INPUT, UDP port 67), as a firewall tool run in the namespace would: dnsmasq, its port and its files are fine, nothing answers"
	[router-filter-drop]="a rule in the router's neutron-l3-agent-FORWARD drops what the VM sends out through qg- (as a firewall-as-a-service policy would): pings to the external host and to its floating IP die in the router; the gateway still answers"
	[router-no-forwarding]="the VM's router namespace stops forwarding IPv4 (net.ipv4.ip_forward = 0): what it should route dies at qr-/qg-"
)
# What a fault's TARGET names, and its default.
declare -A FAULT_TARGET=(
	[underlay-down]=node [underlay-mtu]=node [brtun-flow-missing]=vm-or-node
	[patch-port-missing]=node [tunnel-ip-missing]=node
)
FAULT_DEFAULT_VM=a1
FAULT_DEFAULT_NODE=compute1

fault_help() {
	local f
	cat <<-EOH
		Usage: scripts/lab fault NAME [TARGET]

		Breaks one thing in the running lab; \`scripts/lab heal\` restores it all.
		TARGET is a VM (${VMS[*]}; default $FAULT_DEFAULT_VM) or, where noted, a
		node (${NODES[*]}; default $FAULT_DEFAULT_NODE).  Symptoms: docs/lab.md.

		Faults:
	EOH
	for f in "${FAULTS[@]}"; do
		printf '  %-22s %s%s\n' "$f" "${FAULT_DESC[$f]}" \
			"$(case ${FAULT_TARGET[$f]:-vm} in node) echo ' [TARGET: node]' ;; vm-or-node) echo ' [TARGET: VM or node]' ;; esac)"
	done
}

# fault_target NAME TARGET: check TARGET (or pick the default), in REPLY.
fault_target() {
	local f=$1 t=${2:-}
	case ${FAULT_TARGET[$f]:-vm} in
	vm)
		t=${t:-$FAULT_DEFAULT_VM}
		is_vm "$t" || die "fault $f: TARGET must be a VM (${VMS[*]}), not '$t'"
		;;
	node)
		t=${t:-$FAULT_DEFAULT_NODE}
		is_node "$t" || die "fault $f: TARGET must be a node (${NODES[*]}), not '$t'"
		;;
	vm-or-node)
		t=${t:-$FAULT_DEFAULT_VM}
		is_vm "$t" || is_node "$t" ||
			die "fault $f: TARGET must be a VM (${VMS[*]}) or a node (${NODES[*]}), not '$t'"
		;;
	esac
	REPLY=$t
}

# An address of NET's subnet nobody holds: its second-to-last host address.
unused_addr_in() {
	local net=$1 a b c d n
	IFS=. read -r a b c d <<<"${NET_BASE[$net]}"
	n=$(((a << 24 | b << 16 | c << 8 | d) + (1 << (32 - NET_PLEN[$net])) - 3))
	echo "$((n >> 24 & 255)).$((n >> 16 & 255)).$((n >> 8 & 255)).$((n & 255))"
}

# A local VLAN tag that is wrong for VM: another network's on that node
# (its traffic then lands in the other tenant's network), else an unused one.
wrong_vlan_for() {
	local vm=$1 node net tag
	node=${VM_NODE[$vm]}
	for net in "${NETS[@]}"; do
		if [ "$net" != "${VM_NET[$vm]}" ] && [ -n "${LOCAL_VLAN[$node:$net]:-}" ]; then
			echo "${LOCAL_VLAN[$node:$net]}"
			return 0
		fi
	done
	tag=${LOCAL_VLAN[$node:${VM_NET[$vm]}]}
	echo $((tag + 100))
}

fault_apply() {
	local f=$1 t node net r vm d tag pid
	[ -n "${FAULT_DESC[$f]:-}" ] || die "unknown fault '$f'; \`scripts/lab fault --help\` lists them"
	lab_require_up
	fault_target "$f" "${2:-}"
	t=$REPLY
	if is_vm "$t"; then
		vm=$t
		node=${VM_NODE[$vm]}
		net=${VM_NET[$vm]}
		r=${NET_ROUTER[$net]}
	else
		node=$t
		net=$(node_nets "$node" | head -n 1)
	fi
	case $f in
	sg-drop-dhcp-request)
		sg_delete_rule "$vm" o "$(sg_rule_dhcp_request "$vm")"
		;;
	sg-drop-dhcp-reply)
		sg_delete_rule "$vm" i "$(sg_rule_dhcp_reply_unicast "$vm")"
		sg_delete_rule "$vm" i "$(sg_rule_dhcp_reply_bcast "$vm")"
		;;
	sg-drop-icmp)
		sg_delete_rule "$vm" i "$(sg_rule_icmp_in "$vm")"
		;;
	dnsmasq-dead)
		d=$(dhcp_dir "$net")
		dhcp_running "$net" || die "dnsmasq of $net is not running already"
		# A crash, not a clean stop: the pid file stays behind.
		kill -KILL "$(cat "$d/pid")" || die "cannot kill dnsmasq of $net"
		;;
	dnsmasq-wrong-interface)
		dhcp_stop "$net"
		dhcp_start "$net" "$(dhcp_stale_dev "$net")"
		;;
	host-entry-missing)
		d=$(dhcp_dir "$net")
		grep -v "^${VM_MAC[$vm]}," "$d/host" >"$d/host.new" || true
		mv -f "$d/host.new" "$d/host" || die "cannot rewrite $d/host"
		dhcp_reload "$net"
		;;
	router-interface-wrong-ip)
		must_ns "${ROUTER_NS[$r]}" ip addr flush dev "${ROUTER_QR_DEV[$r]}"
		must_ns "${ROUTER_NS[$r]}" ip addr add "$(unused_addr_in "$net")/${NET_PLEN[$net]}" \
			dev "${ROUTER_QR_DEV[$r]}"
		;;
	dnsmasq-hung)
		pid=
		{ read -r pid <"$(dhcp_dir "$net")/pid"; } 2>/dev/null || true
		pid_is_ours "$pid" dnsmasq || die "dnsmasq for $net is not running"
		kill -STOP "$pid" || die "cannot stop dnsmasq ($pid)"
		;;
	host-entry-wrong-ip)
		d=$(dhcp_dir "$net")
		# 198.18.0.0/15 (benchmarking): in no lab subnet, never routed.
		sed "s/^\(${VM_MAC[$vm]},.*,\)${VM_IP[$vm]}\$/\1198.18.0.${VM_IP[$vm]##*.}/" \
			"$d/host" >"$d/host.new" || die "cannot rewrite $d/host"
		grep -q "^${VM_MAC[$vm]},.*,198\.18\.0\." "$d/host.new" ||
			die "$vm's line of $d/host has not the expected form"
		mv -f "$d/host.new" "$d/host" || die "cannot rewrite $d/host"
		dhcp_reload "$net"
		;;
	dhcp-port-ip-missing)
		must_ns "${NET_DHCP_NS[$net]}" ip addr flush dev "${NET_DHCP_DEV[$net]}"
		;;
	dhcp-port-down)
		must_ns "${NET_DHCP_NS[$net]}" ip link set "${NET_DHCP_DEV[$net]}" down
		;;
	dhcp-port-unplugged)
		vsctl network del-port br-int "${NET_DHCP_OVS_DEV[$net]}" ||
			die "removing ${NET_DHCP_OVS_DEV[$net]} from br-int failed"
		;;
	brtun-flow-missing)
		ofctl "$node" del-flows br-tun "table=3,tun_id=$(printf '0x%x' "${NET_SEG[$net]}")" ||
			die "removing the br-tun flow on $node failed"
		;;
	underlay-down)
		must_ns "$(node_ns "$node")" ip link set "$UNDERLAY_DEV" down
		;;
	patch-port-missing)
		vsctl "$node" del-port br-int patch-tun ||
			die "removing patch-tun from br-int on $node failed"
		;;
	sg-hooks-missing)
		for d in out in; do
			eval "set -- -m physdev --physdev-$d ${VM_TAP[$vm]} --physdev-is-bridged -m comment --comment $SGC_VM_INT -j $SG_PREFIX-sg-chain"
			in_ns "$(node_ns "$node")" iptables -t filter -D "$SG_PREFIX-FORWARD" "$@" ||
				die "removing the FORWARD hook of ${VM_TAP[$vm]} on $node failed"
		done
		must_ns "$(node_ns "$node")" iptables -P FORWARD DROP
		;;
	tunnel-ip-missing)
		must_ns "$(node_ns "$node")" ip addr flush dev br-phy
		;;
	underlay-mtu)
		must_ns "$(node_ns "$node")" ip link set "$UNDERLAY_DEV" mtu 1500
		must_ns "$UNDERLAY_NS" ip link set "$node" mtu 1500
		;;
	wrong-vlan-tag)
		tag=$(wrong_vlan_for "$vm")
		vsctl "$node" set Port "${VM_QVO[$vm]}" "tag=$tag" ||
			die "changing the tag of ${VM_QVO[$vm]} failed"
		;;
	router-gateway-missing)
		vsctl network del-port br-ex "${ROUTER_QG_OVS_DEV[$r]}" ||
			die "removing ${ROUTER_QG_OVS_DEV[$r]} from br-ex failed"
		;;
	snat-missing)
		must_ns "${ROUTER_NS[$r]}" iptables -t nat -F neutron-l3-agent-snat
		;;
	router-interface-missing)
		vsctl network del-port br-int "${ROUTER_QR_OVS_DEV[$r]}" ||
			die "removing ${ROUTER_QR_OVS_DEV[$r]} from br-int failed"
		;;
	tap-unplugged)
		must_ns "$(node_ns "$node")" ip link set "${VM_TAP[$vm]}" nomaster
		;;
	router-no-forwarding)
		must_ns "${ROUTER_NS[$r]}" sysctl -q -w net.ipv4.ip_forward=0
		;;
	dhcp-ns-filter-drop)
		must_ns "${NET_DHCP_NS[$net]}" iptables -I INPUT -p udp --dport 67 -j DROP
		;;
	router-filter-drop)
		must_ns "${ROUTER_NS[$r]}" iptables -I neutron-l3-agent-FORWARD \
			-s "${VM_IP[$vm]}/32" -o "${ROUTER_QG_DEV[$r]}" -j DROP
		;;
	fip-dnat-missing)
		[ -n "${VM_FIP[$vm]:-}" ] || die "$vm has no floating IP"
		must_ns "${ROUTER_NS[$r]}" iptables -t nat -D neutron-l3-agent-PREROUTING \
			-d "${VM_FIP[$vm]}/32" -j DNAT --to-destination "${VM_IP[$vm]}"
		;;
	esac
	echo "$f $t" >>"$LAB_DIR/faults"
	echo "fault $f applied to $t: ${FAULT_DESC[$f]}"
	echo "undo it with: scripts/lab heal"
}
