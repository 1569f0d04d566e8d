# shellcheck shell=bash
# Open vSwitch: one ovsdb-server + ovs-vswitchd per node, started inside the
# node's namespace with its own run directory (userspace datapath: there is
# no OVS kernel module), the bridges and ports Neutron's OVS agent makes, and
# its OpenFlow tables.

# ovs_cmd NODE TOOL ARGS...: run an OVS tool in NODE's namespace, pointed at
# NODE's daemons the standard way (OVS_RUNDIR & co, as ovs-ctl would).
ovs_cmd() {
	local node=$1 d
	shift
	d=$(node_rundir "$node")
	ip netns exec "$(node_ns "$node")" \
		env OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" "$@"
}
vsctl() {
	local node=$1
	shift
	ovs_cmd "$node" ovs-vsctl --timeout=20 "$@"
}
ofctl() {
	local node=$1
	shift
	ovs_cmd "$node" ovs-ofctl "$@"
}
appctl() {
	local node=$1
	shift
	ovs_cmd "$node" ovs-appctl --timeout=10 "$@"
}

ovs_running() {
	local d
	d=$(node_rundir "$1")
	pidfile_alive "$d/ovsdb-server.pid" ovsdb-server &&
		pidfile_alive "$d/ovs-vswitchd.pid" ovs-vswitchd
}

ovs_start() {
	local node=$1 d
	d=$(node_rundir "$node")
	mkdir -p "$d" || die "cannot create $d"
	if ! pidfile_alive "$d/ovsdb-server.pid" ovsdb-server; then
		if [ ! -e "$d/conf.db" ]; then
			ovsdb-tool create "$d/conf.db" "$OVS_SCHEMA" ||
				die "ovsdb-tool create $d/conf.db failed"
		fi
		no_lock_fd ovs_cmd "$node" ovsdb-server "$d/conf.db" -vconsole:off \
			--remote="punix:$d/db.sock" --pidfile="$d/ovsdb-server.pid" \
			--detach --log-file="$d/ovsdb-server.log" ||
			die "ovsdb-server for $node did not start; see $d/ovsdb-server.log"
		lab_uuid "system/$node"
		vsctl "$node" --no-wait -- init \
			-- set Open_vSwitch . external_ids:hostname="$node" \
			external_ids:system-id="$REPLY" >/dev/null ||
			die "cannot initialise the OVS database of $node"
	fi
	if ! pidfile_alive "$d/ovs-vswitchd.pid" ovs-vswitchd; then
		no_lock_fd ovs_cmd "$node" ovs-vswitchd "unix:$d/db.sock" -vconsole:off \
			--pidfile="$d/ovs-vswitchd.pid" --detach \
			--log-file="$d/ovs-vswitchd.log" ||
			die "ovs-vswitchd for $node did not start; see $d/ovs-vswitchd.log"
	fi
}

ovs_stop() {
	local d
	d=$(node_rundir "$1")
	kill_pidfile "$d/ovs-vswitchd.pid" ovs-vswitchd
	kill_pidfile "$d/ovsdb-server.pid" ovsdb-server
}

# The OVSDB rows of a Neutron port: Interface external_ids as the agent and
# Nova write them, Port other_config as the agent records the binding.
ovs_port_args() { # NODE NET DEV PORT_UUID MAC [VM_UUID]
	local node=$1 net=$2 dev=$3 port=$4 mac=$5 vmid=${6:-} vlan
	vlan=${LOCAL_VLAN[$node:$net]}
	printf '%s\n' -- set Port "$dev" "tag=$vlan" \
		"other_config:net_uuid=${NET_UUID[$net]}" other_config:network_type=gre \
		other_config:physical_network=None \
		"other_config:segmentation_id=${NET_SEG[$net]}" "other_config:tag=$vlan" \
		-- set Interface "$dev" "external_ids:iface-id=$port" \
		"external_ids:attached-mac=$mac" external_ids:iface-status=active
	[ -n "$vmid" ] && printf '%s\n' "external_ids:vm-uuid=$vmid"
	return 0
}

# ovs_apply NODE [fresh|restore]: bridges, patch ports, tunnels and VM
# ports as the OVS agent leaves them (idempotent: also restores a changed
# tag), then the flows (see ovs_flows).
ovs_apply() {
	local node=$1 mode=${2:-fresh} ns args=() peer ofport=2 vm gre
	ns=$(node_ns "$node")
	args+=(-- --may-exist add-br br-int -- set Bridge br-int datapath_type=netdev fail_mode=secure)
	args+=(-- --may-exist add-br br-tun -- set Bridge br-tun datapath_type=netdev fail_mode=secure)
	args+=(-- --may-exist add-br br-phy -- set Bridge br-phy datapath_type=netdev
		"other_config:hwaddr=\"$(node_phy_mac "$node")\""
		-- set Interface br-phy "mtu_request=$UNDERLAY_MTU"
		-- --may-exist add-port br-phy "$UNDERLAY_DEV")
	args+=(-- --may-exist add-port br-int patch-tun
		-- set Interface patch-tun type=patch options:peer=patch-int ofport_request=1
		-- --may-exist add-port br-tun patch-int
		-- set Interface patch-int type=patch options:peer=patch-tun ofport_request=1)
	while read -r peer; do
		gre=$(gre_port "${NODE_TUN_IP[$peer]}")
		args+=(-- --may-exist add-port br-tun "$gre"
			-- set Interface "$gre" type=gre "ofport_request=$ofport"
			"options:remote_ip=${NODE_TUN_IP[$peer]}"
			"options:local_ip=${NODE_TUN_IP[$node]}"
			options:in_key=flow options:out_key=flow options:df_default=true)
		ofport=$((ofport + 1))
	done < <(node_peers "$node")
	if [ "$node" = network ]; then
		args+=(-- --may-exist add-br br-ex -- set Bridge br-ex datapath_type=netdev
			-- --may-exist add-port br-ex "$EXT_NODE_DEV")
	fi
	while read -r vm; do
		args+=(-- --may-exist add-port br-int "${VM_QVO[$vm]}")
		mapfile -t -O ${#args[@]} args < <(ovs_port_args "$node" "${VM_NET[$vm]}" \
			"${VM_QVO[$vm]}" "${VM_PORT[$vm]}" "${VM_MAC[$vm]}" "${VM_INSTANCE[$vm]}")
	done < <(node_vms "$node")
	vsctl "$node" "${args[@]}" || die "configuring OVS on $node failed"

	# The tunnel endpoint: the node's tunnel IP on br-phy's internal port
	# (added only when missing: any address event makes vswitchd re-read its
	# routes and tunnel endpoints).
	if ! in_ns "$ns" ip -4 -o addr show dev br-phy | grep -q " ${NODE_TUN_IP[$node]}/"; then
		must_ns "$ns" ip addr add "${NODE_TUN_IP[$node]}/$UNDERLAY_PLEN" dev br-phy
	fi
	must_ns "$ns" ip link set br-phy up
	ovs_flows "$node" "$mode"
	tnl_neigh_refresh "$node"
}

# Cookie of the node's agent: Neutron stamps every flow it owns with one.
agent_cookie() {
	lab_uuid "agent-cookie/$1"
	printf '0x%s' "${REPLY:19:4}${REPLY:24:12}"
}

br_int_flows() {
	local c=$1
	cat <<-EOF
		cookie=$c,table=0,priority=65535,vlan_tci=0x0fff/0x1fff,actions=drop
		cookie=$c,table=0,priority=0,actions=resubmit(,60)
		cookie=$c,table=23,priority=0,actions=drop
		cookie=$c,table=24,priority=0,actions=drop
		cookie=$c,table=60,priority=3,actions=NORMAL
	EOF
}

# br-tun in Neutron's table layout (GRE, no l2population):
#  0 from patch-int -> 2, from a tunnel -> 3;  2 unicast -> 20, flood -> 22;
#  3 tunnel id -> local VLAN, then 10;  10 learn the source into 20, output
#  to patch-int;  20 learned unicast (else 22);  22 local VLAN -> tunnel id,
#  flood to every tunnel.  Anything else is dropped.
br_tun_flows() {
	local node=$1 c=$2 peer ofport=2 tunnels=() outputs net vlan
	while read -r peer; do
		tunnels+=("$ofport")
		ofport=$((ofport + 1))
	done < <(node_peers "$node")
	outputs=$(printf 'output:%s,' "${tunnels[@]}")
	outputs=${outputs%,}
	echo "cookie=$c,table=0,priority=1,in_port=1,actions=resubmit(,2)"
	for ofport in "${tunnels[@]}"; do
		echo "cookie=$c,table=0,priority=1,in_port=$ofport,actions=resubmit(,3)"
	done
	echo "cookie=$c,table=0,priority=0,actions=drop"
	echo "cookie=$c,table=2,priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,20)"
	echo "cookie=$c,table=2,priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=resubmit(,22)"
	while read -r net; do
		vlan=${LOCAL_VLAN[$node:$net]}
		printf 'cookie=%s,table=3,priority=1,tun_id=0x%x,actions=mod_vlan_vid:%s,resubmit(,10)\n' \
			"$c" "${NET_SEG[$net]}" "$vlan"
		printf 'cookie=%s,table=22,priority=1,dl_vlan=%s,actions=strip_vlan,set_tunnel:0x%x,%s\n' \
			"$c" "$vlan" "${NET_SEG[$net]}" "$outputs"
	done < <(node_nets "$node")
	echo "cookie=$c,table=3,priority=0,actions=drop"
	echo "cookie=$c,table=4,priority=0,actions=drop"
	echo "cookie=$c,table=6,priority=0,actions=drop"
	echo "cookie=$c,table=10,priority=1,actions=learn(cookie=$c,table=20,hard_timeout=300,priority=1,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:1"
	echo "cookie=$c,table=20,priority=0,actions=resubmit(,22)"
	echo "cookie=$c,table=22,priority=0,actions=drop"
}

# ovs_flows NODE [fresh|restore]: install br-int and br-tun flows.
# fresh (up): del-flows + add-flows, because replace-flows cannot negotiate a
# flow format on this OVS.  restore (heal): add-flows alone, which puts back
# missing flows and rewrites existing ones in place: no moment without
# flows (a packet meeting an empty secure bridge would be dropped), and the
# MACs br-tun learned stay.
ovs_flows() {
	local node=$1 mode=${2:-fresh} c br
	c=$(agent_cookie "$node")
	if [ "$mode" = fresh ]; then
		for br in br-int br-tun; do
			ofctl "$node" del-flows "$br" || die "clearing $br flows on $node failed"
		done
	fi
	br_int_flows "$c" | ofctl "$node" add-flows br-int - ||
		die "installing br-int flows on $node failed"
	br_tun_flows "$node" "$c" | ofctl "$node" add-flows br-tun - ||
		die "installing br-tun flows on $node failed"
}

# The userspace tunnel drops the first packet to a peer whose MAC it does
# not know (the kernel would queue it): pre-set every peer's MAC.
tnl_neigh_refresh() {
	local node=$1 peer
	while read -r peer; do
		appctl "$node" tnl/neigh/set br-phy "${NODE_TUN_IP[$peer]}" "$(node_phy_mac "$peer")" \
			>/dev/null || warn "tnl/neigh/set on $node for $peer failed"
	done < <(node_peers "$node")
}

tnl_neigh_refresh_all() {
	local node
	for node in "${NODES[@]}"; do
		ovs_running "$node" && tnl_neigh_refresh "$node"
	done
	return 0
}

# agent_port_args NODE OVS_DEV PORT MAC [NET]: the ovs-vsctl arguments (one
# a line) that give an agent's OVS port its rows: a network's tag and ids
# on br-int (NET), or only the Neutron port's ids (qg- on br-ex).
agent_port_args() {
	local node=$1 odev=$2 port=$3 mac=$4 net=${5:-}
	if [ -n "$net" ]; then
		ovs_port_args "$node" "$net" "$odev" "$port" "$mac"
	else
		printf '%s\n' -- set Interface "$odev" "external_ids:iface-id=$port" \
			"external_ids:attached-mac=$mac" external_ids:iface-status=active
	fi
}

# ovs_agent_port NODE BRIDGE OVS_DEV DEV NS PORT MAC [NET]: an agent's port
# as the interface driver plugs it: an internal port (OVS_DEV = DEV), or a
# veth pair, OVS_DEV on BRIDGE in NODE's namespace and DEV in NS.
ovs_agent_port() {
	if [ "$3" = "$4" ]; then
		ovs_internal_port "$1" "$2" "$4" "${@:5}"
	else
		ovs_veth_port "$@"
	fi
}

# The veth variant (ovs_use_veth = True): the MAC is the inner device's,
# the OVS port a plain system port.  Recreates the pair when the inner
# device is gone, else re-adds the port and restores its OVSDB rows.
ovs_veth_port() {
	local node=$1 br=$2 odev=$3 dev=$4 ns=$5 port=$6 mac=$7 net=${8:-} args=()
	mapfile -t args < <(agent_port_args "$node" "$odev" "$port" "$mac" "$net")
	if ! in_ns "$ns" ip link show dev "$dev" >/dev/null 2>&1; then
		in_ns "$(node_ns "$node")" ip link del "$odev" >/dev/null 2>&1
		must_ns "$(node_ns "$node")" ip link add "$odev" type veth peer name "$dev" netns "$ns"
	fi
	vsctl "$node" -- --may-exist add-port "$br" "$odev" "${args[@]}" ||
		die "adding OVS port $odev to $br on $node failed"
	must_ns "$(node_ns "$node")" ip link set "$odev" mtu "$NET_MTU" up
	must_ns "$ns" ip link set "$dev" address "$mac" mtu "$NET_MTU" up
	# OVS's userspace datapath reads the veth with AF_PACKET and forwards
	# the frame as it is: a UDP checksum left to the device (offload) would
	# cross the tunnel unfinished, and udhcpc drops such an OFFER.  The
	# kernel datapath of a real node finishes it.
	must_ns "$ns" ethtool -K "$dev" tx off >/dev/null
}

# ovs_internal_port NODE BRIDGE DEV NS PORT MAC [NET]: an OVS internal port
# (a tap device in vswitchd's namespace) moved into NS, as the DHCP and L3
# agents plug qdhcp-/qrouter- ports.  OVSDB then reports it down with
# ifindex 0 (vswitchd cannot see into NS): harmless, it keeps forwarding.
# Recreates the port when the device is gone (heal), else restores the
# OVSDB rows.
ovs_internal_port() {
	local node=$1 br=$2 dev=$3 ns=$4 port=$5 mac=$6 net=${7:-} args=()
	mapfile -t args < <(agent_port_args "$node" "$dev" "$port" "$mac" "$net")
	if in_ns "$ns" ip link show dev "$dev" >/dev/null 2>&1; then
		vsctl "$node" "${args[@]}" || die "updating OVS port $dev on $node failed"
	else
		vsctl "$node" -- --if-exists del-port "$br" "$dev" -- add-port "$br" "$dev" \
			-- set Interface "$dev" type=internal "${args[@]}" ||
			die "adding OVS internal port $dev to $br on $node failed"
		must_ns "$(node_ns "$node")" ip link set "$dev" netns "$ns"
	fi
	must_ns "$ns" ip link set "$dev" address "$mac" mtu "$NET_MTU" up
}
