# shellcheck shell=bash
# Topology: the namespaces of the nodes, the underlay between them, the
# external host, and each VM's hybrid plug (VM eth0 <-> tap, qbr, qvb/qvo).

# ns_create NS: a fresh namespace with lo up and IPv6 off (the lab is IPv4;
# without IPv6 no router solicitations or MLD reports add noise to traces).
ns_create() {
	local ns=$1
	ip netns add "$ns" || die "cannot create namespace $ns"
	must_ns "$ns" ip link set lo up
	must_ns "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}

# ns_ensure NS: create NS unless it exists (heal).
ns_ensure() { ns_exists "$1" || ns_create "$1"; }

ns_delete() {
	ns_exists "$1" || return 0
	ip netns delete "$1" 2>/dev/null || warn "could not delete namespace $1"
}

topo_create() {
	local node ns
	ns_create "$UNDERLAY_NS"
	must_ns "$UNDERLAY_NS" ip link add "$UNDERLAY_BRIDGE" mtu "$UNDERLAY_MTU" \
		type bridge forward_delay 0 stp_state 0
	for node in "${NODES[@]}"; do
		ns=$(node_ns "$node")
		ns_create "$ns"
		# The node's data NIC; its peer is the node's port on the underlay switch.
		must_ns "$ns" ip link add "$UNDERLAY_DEV" mtu "$UNDERLAY_MTU" type veth \
			peer name "$node" mtu "$UNDERLAY_MTU" netns "$UNDERLAY_NS"
		must_ns "$UNDERLAY_NS" ip link set "$node" master "$UNDERLAY_BRIDGE" up
		must_ns "$ns" ip link set "$UNDERLAY_DEV" up
	done
	must_ns "$UNDERLAY_NS" ip link set "$UNDERLAY_BRIDGE" up

	# The external host, behind br-ex's uplink on the network node.
	ns_create "$EXT_NS"
	must_ns "$(node_ns network)" ip link add "$EXT_NODE_DEV" type veth \
		peer name "$EXT_HOST_DEV" netns "$EXT_NS"
	must_ns "$(node_ns network)" ip link set "$EXT_NODE_DEV" up
	must_ns "$EXT_NS" ip addr add "$EXT_HOST_IP/$EXT_PLEN" dev "$EXT_HOST_DEV"
	must_ns "$EXT_NS" ip link set "$EXT_HOST_DEV" up

	for node in "${COMPUTE_NODES[@]}"; do
		# The hybrid firewall filters bridged traffic on qbr with iptables.
		must_ns "$(node_ns "$node")" sysctl -q -w net.bridge.bridge-nf-call-iptables=1 \
			net.bridge.bridge-nf-call-ip6tables=1
	done
	for node in "${VMS[@]}"; do
		vm_plug "$node"
	done
}

# vm_plug VM: the VM's namespace and Nova's hybrid plug on its compute node
# (the VM's tap is a veth here; libvirt gives the host side fe:16:3e:..).
vm_plug() {
	local vm=$1 cns vns
	cns=$(node_ns "${VM_NODE[$vm]}")
	vns=$(vm_ns "$vm")
	ns_create "$vns"
	must_ns "$cns" ip link add "${VM_TAP[$vm]}" type veth peer name eth0 netns "$vns"
	must_ns "$vns" ip link set eth0 address "${VM_MAC[$vm]}" mtu "$NET_MTU" up
	must_ns "$cns" ip -batch - <<-EOB || die "hybrid plug of $vm on ${VM_NODE[$vm]} failed"
		link set ${VM_TAP[$vm]} address fe:${VM_MAC[$vm]#fa:}
		link add ${VM_QBR[$vm]} type bridge forward_delay 0 stp_state 0
		link add ${VM_QVB[$vm]} type veth peer name ${VM_QVO[$vm]}
		link set ${VM_TAP[$vm]} master ${VM_QBR[$vm]} up
		link set ${VM_QVB[$vm]} master ${VM_QBR[$vm]} up
		link set ${VM_QVO[$vm]} up
		link set ${VM_QBR[$vm]} up
	EOB
}

# plugs_apply: every VM's tap and qvb on its qbr bridge, up (heal).
plugs_apply() {
	local vm cns
	for vm in "${VMS[@]}"; do
		cns=$(node_ns "${VM_NODE[$vm]}")
		must_ns "$cns" ip link set "${VM_TAP[$vm]}" master "${VM_QBR[$vm]}" up
		must_ns "$cns" ip link set "${VM_QVB[$vm]}" master "${VM_QBR[$vm]}" up
	done
}

# underlay_apply: every underlay link up with the healthy MTU (heal).
underlay_apply() {
	local node ns
	for node in "${NODES[@]}"; do
		ns=$(node_ns "$node")
		must_ns "$UNDERLAY_NS" ip link set "$node" mtu "$UNDERLAY_MTU" up
		must_ns "$ns" ip link set "$UNDERLAY_DEV" mtu "$UNDERLAY_MTU" up
	done
	must_ns "$UNDERLAY_NS" ip link set "$UNDERLAY_BRIDGE" mtu "$UNDERLAY_MTU" up
}

topo_destroy() {
	local ns
	while read -r ns; do
		ns_delete "$ns"
	done < <(lab_namespaces)
}
