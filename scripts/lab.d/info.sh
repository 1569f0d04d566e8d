# shellcheck shell=bash
# `info` (readable or JSON) and `status`.  Tests and the demo read
# `info --json` instead of hard-coding names; it needs no JSON tool.

# ---- a small streaming JSON writer (no forks, no dependencies) ----------

J_FIRST=(1) # per open object/array: is the next member the first?

json_quote() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	REPLY="\"$s\""
}
j_sep() {
	if [ "${J_FIRST[-1]}" = 1 ]; then
		J_FIRST[-1]=0
	else
		printf ','
	fi
}
j_key() { # KEY (empty inside arrays)
	j_sep
	[ -n "$1" ] || return 0
	json_quote "$1"
	printf '%s:' "$REPLY"
}
j_open() { # KEY { or [
	j_key "$1"
	printf '%s' "$2"
	J_FIRST+=(1)
}
j_close() {
	unset 'J_FIRST[-1]'
	printf '%s' "$1"
}
j_str() { # KEY VALUE
	j_key "$1"
	json_quote "$2"
	printf '%s' "$REPLY"
}
j_str_or_null() { # KEY VALUE: null when VALUE is empty
	if [ -n "$2" ]; then j_str "$1" "$2"; else j_raw "$1" null; fi
}
j_raw() { # KEY JSON-LITERAL (numbers, true, false, null)
	j_key "$1"
	printf '%s' "$2"
}

# ---- info --json --------------------------------------------------------

info_json() {
	local node peer net r v fip fixed vm ofport f t d up=false
	lab_is_up && up=true
	j_open "" "{"
	j_str lab "$LAB"
	j_str plan "$LAB_PLAN"
	j_raw ovs_use_veth "$([ "$OVS_USE_VETH" = 1 ] && echo true || echo false)"
	j_raw up "$up"
	[ "$up" = true ] && j_str up_since "$(cat "$LAB_DIR/up" 2>/dev/null)"
	j_str state_dir "$LAB_DIR"
	j_str dhcp_state_dir "$LAB_STATE/dhcp"
	j_open underlay "{"
	j_str namespace "$UNDERLAY_NS"
	j_str bridge "$UNDERLAY_BRIDGE"
	j_str cidr "$UNDERLAY_CIDR"
	j_raw mtu "$UNDERLAY_MTU"
	j_close "}"
	j_open external "{"
	j_str name "$EXT_NAME"
	j_str network_uuid "$EXT_NET_UUID"
	j_str subnet_uuid "$EXT_SUBNET_UUID"
	j_str cidr "$EXT_CIDR"
	j_str namespace "$EXT_NS"
	j_str device "$EXT_HOST_DEV"
	j_str ip "$EXT_HOST_IP"
	j_str node "network"
	j_str bridge br-ex
	j_str uplink "$EXT_NODE_DEV"
	j_close "}"

	j_open nodes "["
	for node in "${NODES[@]}"; do
		d=$(node_rundir "$node")
		j_open "" "{"
		j_str name "$node"
		j_str role "$([ "$node" = network ] && echo network || echo compute)"
		j_str namespace "$(node_ns "$node")"
		j_str run_dir "$d"
		j_str ovsdb_socket "$d/db.sock"
		j_str ovsdb_pidfile "$d/ovsdb-server.pid"
		j_str vswitchd_pidfile "$d/ovs-vswitchd.pid"
		j_str tunnel_ip "${NODE_TUN_IP[$node]}"
		j_str tunnel_mac "$(node_phy_mac "$node")"
		j_str tunnel_bridge br-phy
		j_str underlay_device "$UNDERLAY_DEV"
		j_open bridges "["
		for f in br-int br-tun br-phy; do j_str "" "$f"; done
		[ "$node" = network ] && j_str "" br-ex
		j_close "]"
		j_open tunnels "["
		ofport=2
		while read -r peer; do
			j_open "" "{"
			j_str port "$(gre_port "${NODE_TUN_IP[$peer]}")"
			j_raw ofport "$ofport"
			j_str remote_node "$peer"
			j_str remote_ip "${NODE_TUN_IP[$peer]}"
			j_str local_ip "${NODE_TUN_IP[$node]}"
			j_close "}"
			ofport=$((ofport + 1))
		done < <(node_peers "$node")
		j_close "]"
		j_close "}"
	done
	j_close "]"

	j_open networks "["
	for net in "${NETS[@]}"; do
		d=$(dhcp_dir "$net")
		j_open "" "{"
		j_str name "$net"
		j_str uuid "${NET_UUID[$net]}"
		j_str tenant "${NET_TENANT[$net]}"
		j_str tenant_id "${TENANT_ID[${NET_TENANT[$net]}]}"
		j_str subnet_uuid "${SUBNET_UUID[$net]}"
		j_str cidr "${NET_CIDR[$net]}"
		j_str gateway_ip "${NET_GW[$net]}"
		j_str network_type gre
		j_raw segmentation_id "${NET_SEG[$net]}"
		j_raw mtu "$NET_MTU"
		j_str router "${NET_ROUTER[$net]}"
		j_open local_vlans "{"
		for node in "${NODES[@]}"; do
			[ -n "${LOCAL_VLAN[$node:$net]:-}" ] && j_raw "$node" "${LOCAL_VLAN[$node:$net]}"
		done
		j_close "}"
		j_open dhcp "{"
		j_str node network
		j_str namespace "${NET_DHCP_NS[$net]}"
		j_str port_uuid "${NET_DHCP_PORT[$net]}"
		j_str device "${NET_DHCP_DEV[$net]}"
		j_str ovs_device "${NET_DHCP_OVS_DEV[$net]}"
		j_str mac "${NET_DHCP_MAC[$net]}"
		j_str ip "${NET_DHCP_IP[$net]}"
		j_str bridge br-int
		j_str state_dir "$d"
		for f in host leases pid opts addn_hosts interface; do
			j_str "${f}_file" "$d/$f"
		done
		j_str log_file "$(dhcp_logfile "$net")"
		j_close "}"
		j_close "}"
	done
	j_close "]"

	j_open routers "["
	for r in "${ROUTERS[@]}"; do
		net=${ROUTER_NET[$r]}
		j_open "" "{"
		j_str name "$r"
		j_str uuid "${ROUTER_UUID[$r]}"
		j_str tenant "${ROUTER_TENANT[$r]}"
		j_str node network
		j_str namespace "${ROUTER_NS[$r]}"
		j_open interfaces "["
		j_open "" "{"
		j_str port_uuid "${ROUTER_QR_PORT[$r]}"
		j_str device "${ROUTER_QR_DEV[$r]}"
		j_str ovs_device "${ROUTER_QR_OVS_DEV[$r]}"
		j_str mac "${ROUTER_QR_MAC[$r]}"
		j_str ip "${NET_GW[$net]}"
		j_str cidr "${NET_CIDR[$net]}"
		j_str network "$net"
		j_str network_uuid "${NET_UUID[$net]}"
		j_str bridge br-int
		j_close "}"
		j_close "]"
		j_open gateway "{"
		j_str port_uuid "${ROUTER_QG_PORT[$r]}"
		j_str device "${ROUTER_QG_DEV[$r]}"
		j_str ovs_device "${ROUTER_QG_OVS_DEV[$r]}"
		j_str mac "${ROUTER_QG_MAC[$r]}"
		j_str ip "${ROUTER_GW_IP[$r]}"
		j_str cidr "$EXT_CIDR"
		j_str network_uuid "$EXT_NET_UUID"
		j_str bridge br-ex
		j_str next_hop "$EXT_HOST_IP"
		j_close "}"
		j_open floating_ips "["
		while read -r fip fixed vm; do
			j_open "" "{"
			j_str uuid "${VM_FIP_UUID[$vm]}"
			j_str ip "$fip"
			j_str fixed_ip "$fixed"
			j_str vm "$vm"
			j_str port_uuid "${VM_PORT[$vm]}"
			j_close "}"
		done < <(router_fips "$r")
		j_close "]"
		j_close "}"
	done
	j_close "]"

	j_open vms "["
	for v in "${VMS[@]}"; do
		net=${VM_NET[$v]}
		node=${VM_NODE[$v]}
		j_open "" "{"
		j_str name "$v"
		j_str instance_uuid "${VM_INSTANCE[$v]}"
		j_str tenant "${NET_TENANT[$net]}"
		j_str network "$net"
		j_str network_uuid "${NET_UUID[$net]}"
		j_str node "$node"
		j_str node_namespace "$(node_ns "$node")"
		j_str namespace "$(vm_ns "$v")"
		j_str device eth0
		j_str port_uuid "${VM_PORT[$v]}"
		j_str mac "${VM_MAC[$v]}"
		j_str ip "${VM_IP[$v]}"
		j_str gateway_ip "${NET_GW[$net]}"
		j_str_or_null floating_ip "${VM_FIP[$v]}"
		j_str tap "${VM_TAP[$v]}"
		j_str qbr "${VM_QBR[$v]}"
		j_str qvb "${VM_QVB[$v]}"
		j_str qvo "${VM_QVO[$v]}"
		j_raw local_vlan "${LOCAL_VLAN[$node:$net]}"
		j_raw conntrack_zone "${CT_ZONE[$node:$net]}"
		j_open security_group "{"
		j_str name test-vms
		j_str uuid "${SG_UUID[${NET_TENANT[$net]}]}"
		j_str ingress_chain "$(sg_chain i "$v")"
		j_str egress_chain "$(sg_chain o "$v")"
		j_str spoof_chain "$(sg_chain s "$v")"
		j_close "}"
		j_close "}"
	done
	j_close "]"

	j_open faults "["
	if [ -r "$LAB_DIR/faults" ]; then
		while read -r f t; do
			j_open "" "{"
			j_str name "$f"
			j_str target "$t"
			j_close "}"
		done <"$LAB_DIR/faults"
	fi
	j_close "]"
	j_open fault_names "["
	for f in "${FAULTS[@]}"; do j_str "" "$f"; done
	j_close "]"
	j_close "}"
	echo
}

# ---- info (readable) ----------------------------------------------------

info_text() {
	local node net r v fip fixed vm vlans
	if lab_is_up; then
		echo "Neutron lab '$LAB' (address plan $LAB_PLAN): up since $(cat "$LAB_DIR/up")"
	else
		echo "Neutron lab '$LAB' (address plan $LAB_PLAN): down (names below are what \`scripts/lab up\` creates)"
	fi
	echo "State directory: $LAB_DIR (DHCP agent files: $LAB_STATE/dhcp/<network uuid>/)"
	echo
	echo "Nodes (namespace, tunnel IP on br-phy, OVSDB socket):"
	for node in "${NODES[@]}"; do
		printf '  %-9s %-16s %-15s %s/db.sock\n' "$node" "$(node_ns "$node")" \
			"${NODE_TUN_IP[$node]}" "$(node_rundir "$node")"
	done
	echo "  underlay: Linux bridge '$UNDERLAY_BRIDGE' in $UNDERLAY_NS, $UNDERLAY_CIDR, MTU $UNDERLAY_MTU, each node's $UNDERLAY_DEV on br-phy"
	echo "  GRE tunnels between every pair of nodes (br-tun ports gre-<remote IP in hex>)"
	echo "  external host: $EXT_NS $EXT_HOST_DEV $EXT_HOST_IP/$EXT_PLEN (network '$EXT_NAME', on br-ex via $EXT_NODE_DEV)"
	echo
	echo "Networks:"
	for net in "${NETS[@]}"; do
		vlans=
		for node in "${NODES[@]}"; do
			[ -n "${LOCAL_VLAN[$node:$net]:-}" ] && vlans+=" $node=${LOCAL_VLAN[$node:$net]}"
		done
		echo "  $net (${NET_TENANT[$net]}) ${NET_UUID[$net]}"
		echo "    subnet ${NET_CIDR[$net]} gateway ${NET_GW[$net]}, GRE key ${NET_SEG[$net]}, local VLANs:$vlans"
		echo "    DHCP: ${NET_DHCP_NS[$net]} ${NET_DHCP_DEV[$net]} ${NET_DHCP_IP[$net]} ${NET_DHCP_MAC[$net]} (port ${NET_DHCP_PORT[$net]})"
		echo "          state $(dhcp_dir "$net")/"
	done
	echo
	echo "Routers:"
	for r in "${ROUTERS[@]}"; do
		net=${ROUTER_NET[$r]}
		echo "  $r (${ROUTER_TENANT[$r]}) ${ROUTER_NS[$r]}"
		echo "    ${ROUTER_QR_DEV[$r]} ${NET_GW[$net]}/${NET_PLEN[$net]} on $net; ${ROUTER_QG_DEV[$r]} ${ROUTER_GW_IP[$r]}/$EXT_PLEN on br-ex, default via $EXT_HOST_IP"
		while read -r fip fixed vm; do
			echo "    floating IP $fip -> $vm ($fixed)"
		done < <(router_fips "$r")
	done
	echo
	echo "VMs:"
	for v in "${VMS[@]}"; do
		net=${VM_NET[$v]}
		node=${VM_NODE[$v]}
		echo "  $v: $net (${NET_TENANT[$net]}) on $node, $(vm_ns "$v") eth0 ${VM_MAC[$v]} ${VM_IP[$v]}${VM_FIP[$v]:+, floating IP ${VM_FIP[$v]}}"
		echo "    port ${VM_PORT[$v]}: ${VM_TAP[$v]} - ${VM_QBR[$v]} - ${VM_QVB[$v]} - ${VM_QVO[$v]} (br-int VLAN ${LOCAL_VLAN[$node:$net]})"
	done
	if [ -s "$LAB_DIR/faults" ]; then
		echo
		echo "Active faults (scripts/lab heal removes them):"
		sed 's/^/  /' "$LAB_DIR/faults"
	fi
	echo
	echo "Machine-readable: scripts/lab info --json.  Try: scripts/lab vm a1 ping a2; scripts/lab fault --help"
}

# ---- status -------------------------------------------------------------

proc_state() { # PIDFILE COMM
	local pid=
	{ read -r pid <"$1"; } 2>/dev/null || true
	if pidfile_alive "$1" "$2"; then
		echo "$2 running (pid $pid)"
	else
		echo "$2 NOT running"
	fi
}

lab_status() {
	local node net v d addr
	if ! lab_is_up; then
		echo "lab '$LAB': down"
		return 1
	fi
	echo "lab '$LAB': up since $(cat "$LAB_DIR/up") (state $LAB_DIR)"
	for node in "${NODES[@]}"; do
		d=$(node_rundir "$node")
		printf '  %-9s %s, %s\n' "$node" "$(proc_state "$d/ovsdb-server.pid" ovsdb-server)" \
			"$(proc_state "$d/ovs-vswitchd.pid" ovs-vswitchd)"
	done
	for net in "${NETS[@]}"; do
		printf '  %-9s %s in %s\n' "$net" "$(proc_state "$(dhcp_dir "$net")/pid" dnsmasq)" \
			"${NET_DHCP_NS[$net]}"
	done
	for v in "${VMS[@]}"; do
		addr=$(in_ns "$(vm_ns "$v")" ip -4 -o addr show dev eth0 2>/dev/null | awk '{print $4}')
		printf '  %-9s eth0 %s\n' "$v" "${addr:-has no address}"
	done
	if [ -s "$LAB_DIR/faults" ]; then
		echo "  active faults: $(tr '\n' ';' <"$LAB_DIR/faults" | sed 's/;$//; s/;/; /g')"
	else
		echo "  no active faults"
	fi
	return 0
}
