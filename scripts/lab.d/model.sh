# shellcheck shell=bash
# The lab's Neutron model: nodes, tenants, networks, routers, VMs, and every
# name Neutron derives from them.  UUIDs are derived from the lab prefix, so
# runs are reproducible and two labs never share a qdhcp-/qrouter- name.
# shellcheck disable=SC2034  # the arrays are read by the other lab.d files

LAB_DEFAULT=nsl
LAB=${NSTRACE_LAB:-$LAB_DEFAULT}
LAB_DIR=${NSTRACE_LAB_DIR:-/run/nstrace-lab/$LAB}
# The DHCP agent's state_path: <state>/dhcp/<network uuid>/...
LAB_STATE=$LAB_DIR

model_check() {
	[[ $LAB =~ ^[a-z][a-z0-9]{0,7}$ ]] ||
		die "NSTRACE_LAB='$LAB': use 1 to 8 lowercase letters or digits, starting with a letter"
	[[ $LAB_DIR == /* ]] || die "NSTRACE_LAB_DIR='$LAB_DIR' must be an absolute path"
	# OVS unix sockets (sun_path) hold 107 bytes: nodes/compute1/ovs-vswitchd.<pid>.ctl
	[ ${#LAB_DIR} -le 64 ] ||
		die "NSTRACE_LAB_DIR is ${#LAB_DIR} characters long; OVS sockets under it need 64 or fewer"
}

# ---- fixed facts --------------------------------------------------------

# Nodes and the underlay that joins them (a Linux bridge in its own netns).
NODES=(network compute1 compute2)
COMPUTE_NODES=(compute1 compute2)
declare -A NODE_TUN_IP=([network]=192.168.240.10 [compute1]=192.168.240.11 [compute2]=192.168.240.12)
UNDERLAY_CIDR=192.168.240.0/24
UNDERLAY_PLEN=24
UNDERLAY_MTU=1600 # room for GRE (42 bytes) around a full 1500-byte frame
UNDERLAY_BRIDGE=underlay
UNDERLAY_DEV=eth1 # each node's data NIC

# The external network: br-ex on the network node, an external host behind it.
EXT_NAME=public
EXT_CIDR=172.24.4.0/24
EXT_PLEN=24
EXT_HOST_IP=172.24.4.1
EXT_HOST_DEV=eth0
EXT_NODE_DEV=eth2 # br-ex's uplink on the network node

TENANTS=(tenant-a tenant-b)
NETS=(net-a net-b)
declare -A NET_TENANT=([net-a]=tenant-a [net-b]=tenant-b)
# The namespaces' main advantage: both tenants use the same subnet.
declare -A NET_CIDR=([net-a]=10.0.0.0/24 [net-b]=10.0.0.0/24)
declare -A NET_BASE=([net-a]=10.0.0.0 [net-b]=10.0.0.0)
declare -A NET_MASK=([net-a]=255.255.255.0 [net-b]=255.255.255.0)
declare -A NET_PLEN=([net-a]=24 [net-b]=24)
declare -A NET_GW=([net-a]=10.0.0.1 [net-b]=10.0.0.1)
declare -A NET_DHCP_IP=([net-a]=10.0.0.2 [net-b]=10.0.0.2)
declare -A NET_SEG=([net-a]=101 [net-b]=102) # GRE keys
NET_MTU=1500

# Local VLANs are chosen by each node's OVS agent independently: they differ
# from node to node (compute1 bound tenant B's port first).
declare -A LOCAL_VLAN=(
	[network:net-a]=1 [network:net-b]=2
	[compute1:net-b]=1 [compute1:net-a]=2
	[compute2:net-a]=1
)
# Conntrack zones of the hybrid firewall: one per network on each compute
# node, from 4097 up, in the order the networks' ports were bound.
declare -A CT_ZONE=([compute1:net-b]=4097 [compute1:net-a]=4098 [compute2:net-a]=4097)

ROUTERS=(router-a router-b)
declare -A ROUTER_TENANT=([router-a]=tenant-a [router-b]=tenant-b)
declare -A ROUTER_NET=([router-a]=net-a [router-b]=net-b)
declare -A ROUTER_GW_IP=([router-a]=172.24.4.10 [router-b]=172.24.4.20)
declare -A NET_ROUTER=([net-a]=router-a [net-b]=router-b)

VMS=(a1 b1 a2)
declare -A VM_NET=([a1]=net-a [b1]=net-b [a2]=net-a)
declare -A VM_NODE=([a1]=compute1 [b1]=compute1 [a2]=compute2)
declare -A VM_IP=([a1]=10.0.0.5 [b1]=10.0.0.5 [a2]=10.0.0.6)
declare -A VM_FIP=([a1]=172.24.4.100 [b1]=172.24.4.101 [a2]="")

# How the DHCP and L3 agents plug their ports: OVS internal ports moved
# into the namespace (0, today's default), or, with the interface driver's
# ovs_use_veth = True (common in Grizzly-era deployments), a veth pair:
# tap<port> on the bridge, ns-<port> (DHCP) or qr-/qg-<port> inside.
OVS_USE_VETH=0

# NSTRACE_LAB_PLAN=b: the same deployment numbered and plugged otherwise, so
# that a test run on it shows nstrace assumes none of the numbers above:
# other subnets and prefix lengths, a gateway at the top of its subnet
# rather than .1, the DHCP port at .3, GRE keys past 16 bits, other local
# VLANs; and the agents' ports plugged through veth pairs.
model_plan_b() {
	OVS_USE_VETH=1
	NODE_TUN_IP=([network]=10.250.3.21 [compute1]=10.250.3.34 [compute2]=10.250.3.47)
	UNDERLAY_CIDR=10.250.3.0/26
	UNDERLAY_PLEN=26
	EXT_CIDR=203.0.113.128/25
	EXT_PLEN=25
	EXT_HOST_IP=203.0.113.254
	NET_CIDR=([net-a]=192.168.77.0/25 [net-b]=192.168.77.0/25)
	NET_BASE=([net-a]=192.168.77.0 [net-b]=192.168.77.0)
	NET_MASK=([net-a]=255.255.255.128 [net-b]=255.255.255.128)
	NET_PLEN=([net-a]=25 [net-b]=25)
	NET_GW=([net-a]=192.168.77.126 [net-b]=192.168.77.126)
	NET_DHCP_IP=([net-a]=192.168.77.3 [net-b]=192.168.77.3)
	NET_SEG=([net-a]=70001 [net-b]=1234)
	LOCAL_VLAN=(
		[network:net-a]=4 [network:net-b]=7
		[compute1:net-b]=3 [compute1:net-a]=9
		[compute2:net-a]=12
	)
	ROUTER_GW_IP=([router-a]=203.0.113.140 [router-b]=203.0.113.141)
	VM_IP=([a1]=192.168.77.40 [b1]=192.168.77.40 [a2]=192.168.77.41)
	VM_FIP=([a1]=203.0.113.200 [b1]=203.0.113.201 [a2]="")
}

# model_plan CMD: the plan in effect. `up` (and selftest, which brings its
# own lab up) takes NSTRACE_LAB_PLAN, default a, and records it in the lab's
# directory; every other command uses the recorded plan of a lab that is up.
model_plan() {
	local cmd=$1 recorded=
	[ -r "$LAB_DIR/plan" ] && recorded=$(<"$LAB_DIR/plan")
	LAB_PLAN=${NSTRACE_LAB_PLAN:-a}
	[[ $LAB_PLAN == [ab] ]] || die "NSTRACE_LAB_PLAN='$LAB_PLAN': use a (the default) or b"
	if [ "$cmd" != up ] && [ "$cmd" != selftest ] && [ -n "$recorded" ]; then
		[ -z "${NSTRACE_LAB_PLAN:-}" ] || [ "$recorded" = "$LAB_PLAN" ] ||
			die "lab '$LAB' was brought up with NSTRACE_LAB_PLAN=$recorded: unset NSTRACE_LAB_PLAN or set it to $recorded"
		LAB_PLAN=$recorded
	fi
	if [ "$LAB_PLAN" = b ]; then
		model_plan_b
	fi
}

# ---- names --------------------------------------------------------------

node_ns() { printf '%s-%s' "$LAB" "$1"; }
node_rundir() { printf '%s/nodes/%s' "$LAB_DIR" "$1"; }
UNDERLAY_NS=$LAB-underlay
EXT_NS=$LAB-ext
vm_ns() { printf '%s-vm-%s' "$LAB" "$1"; }
dhcp_dir() { printf '%s/dhcp/%s' "$LAB_STATE" "${NET_UUID[$1]}"; }

# GRE port names as Neutron's OVS agent makes them: gre-<remote ip in hex>.
gre_port() {
	local a b c d
	IFS=. read -r a b c d <<<"$1"
	printf 'gre-%02x%02x%02x%02x' "$a" "$b" "$c" "$d"
}

# A MAC for each node's br-phy, from its tunnel IP (locally administered).
node_phy_mac() {
	local a b c d
	IFS=. read -r a b c d <<<"${NODE_TUN_IP[$1]}"
	printf '02:00:%02x:%02x:%02x:%02x' "$a" "$b" "$c" "$d"
}

# ---- derived identifiers ------------------------------------------------

# lab_uuid KEY: a v4-format UUID from sha256("nstrace-lab/<prefix>/<key>"),
# returned in REPLY.
lab_uuid() {
	local h variants=(8 9 a b)
	h=$(printf 'nstrace-lab/%s/%s' "$LAB" "$1" | sha256sum)
	REPLY="${h:0:8}-${h:8:4}-4${h:13:3}-${variants[$((16#${h:16:1} % 4))]}${h:17:3}-${h:20:12}"
}

# Neutron's MACs: fa:16:3e plus three bytes (here: the port UUID's last ones).
port_mac() {
	local u=${1//-/}
	printf 'fa:16:3e:%s:%s:%s' "${u:26:2}" "${u:28:2}" "${u:30:2}"
}

# Device names: a prefix plus the first 11 characters of the port UUID.
port_dev() { printf '%s%s' "$1" "${2:0:11}"; }

# agent_ovs_dev PREFIX PORT: the OVS port of an agent's device PREFIX<port>.
agent_ovs_dev() {
	if [ "$OVS_USE_VETH" = 1 ]; then port_dev tap "$2"; else port_dev "$1" "$2"; fi
}

declare -A TENANT_ID SG_UUID NET_UUID SUBNET_UUID
# *_DEV: the device inside the agent's namespace; *_OVS_DEV: the OVS port
# (the same device unless OVS_USE_VETH, then tap<port> on the bridge).
declare -A NET_DHCP_PORT NET_DHCP_MAC NET_DHCP_DEV NET_DHCP_OVS_DEV NET_DHCP_NS
declare -A ROUTER_UUID ROUTER_NS ROUTER_QR_PORT ROUTER_QR_MAC ROUTER_QR_DEV ROUTER_QR_OVS_DEV
declare -A ROUTER_QG_PORT ROUTER_QG_MAC ROUTER_QG_DEV ROUTER_QG_OVS_DEV
declare -A VM_PORT VM_MAC VM_INSTANCE VM_TAP VM_QBR VM_QVB VM_QVO VM_FIP_UUID

model_derive() {
	local t n r v p
	for t in "${TENANTS[@]}"; do
		lab_uuid "tenant/$t" && TENANT_ID[$t]=${REPLY//-/}
		lab_uuid "security-group/$t/test-vms" && SG_UUID[$t]=$REPLY
	done
	lab_uuid network/public && EXT_NET_UUID=$REPLY
	lab_uuid subnet/public && EXT_SUBNET_UUID=$REPLY
	for n in "${NETS[@]}"; do
		lab_uuid "network/$n" && NET_UUID[$n]=$REPLY
		lab_uuid "subnet/$n" && SUBNET_UUID[$n]=$REPLY
		lab_uuid "port/dhcp/$n" && p=$REPLY
		NET_DHCP_PORT[$n]=$p
		NET_DHCP_MAC[$n]=$(port_mac "$p")
		NET_DHCP_DEV[$n]=$(port_dev tap "$p")
		NET_DHCP_OVS_DEV[$n]=${NET_DHCP_DEV[$n]}
		[ "$OVS_USE_VETH" = 1 ] && NET_DHCP_DEV[$n]=$(port_dev ns- "$p")
		NET_DHCP_NS[$n]=qdhcp-${NET_UUID[$n]}
	done
	for r in "${ROUTERS[@]}"; do
		lab_uuid "router/$r" && ROUTER_UUID[$r]=$REPLY
		ROUTER_NS[$r]=qrouter-$REPLY
		lab_uuid "port/qr/$r" && p=$REPLY
		ROUTER_QR_PORT[$r]=$p
		ROUTER_QR_MAC[$r]=$(port_mac "$p")
		ROUTER_QR_DEV[$r]=$(port_dev qr- "$p")
		ROUTER_QR_OVS_DEV[$r]=$(agent_ovs_dev qr- "$p")
		lab_uuid "port/qg/$r" && p=$REPLY
		ROUTER_QG_PORT[$r]=$p
		ROUTER_QG_MAC[$r]=$(port_mac "$p")
		ROUTER_QG_DEV[$r]=$(port_dev qg- "$p")
		ROUTER_QG_OVS_DEV[$r]=$(agent_ovs_dev qg- "$p")
	done
	for v in "${VMS[@]}"; do
		lab_uuid "port/vm/$v" && p=$REPLY
		VM_PORT[$v]=$p
		VM_MAC[$v]=$(port_mac "$p")
		VM_TAP[$v]=$(port_dev tap "$p")
		VM_QBR[$v]=$(port_dev qbr "$p")
		VM_QVB[$v]=$(port_dev qvb "$p")
		VM_QVO[$v]=$(port_dev qvo "$p")
		lab_uuid "instance/$v" && VM_INSTANCE[$v]=$REPLY
		VM_FIP_UUID[$v]=
		if [ -n "${VM_FIP[$v]}" ]; then
			lab_uuid "floatingip/$v" && VM_FIP_UUID[$v]=$REPLY
		fi
	done
}

# ---- queries --------------------------------------------------------------

is_node() { [[ " ${NODES[*]} " == *" $1 "* ]]; }
is_vm() { [[ " ${VMS[*]} " == *" $1 "* ]]; }

# The networks that have a local VLAN on NODE, in VLAN order.
node_nets() {
	local n
	for n in "${NETS[@]}"; do
		[ -n "${LOCAL_VLAN[$1:$n]:-}" ] && printf '%s %s\n' "${LOCAL_VLAN[$1:$n]}" "$n"
	done | sort -n | awk '{print $2}'
}

node_vms() {
	local v
	for v in "${VMS[@]}"; do
		[ "${VM_NODE[$v]}" = "$1" ] && printf '%s\n' "$v"
	done
	return 0
}

# Peers of NODE on the underlay (every node has a GRE tunnel to every other).
node_peers() {
	local p
	for p in "${NODES[@]}"; do
		[ "$p" != "$1" ] && printf '%s\n' "$p"
	done
	return 0
}

vm_of_fip() {
	local v
	for v in "${VMS[@]}"; do
		[ "${VM_FIP[$v]}" = "$1" ] && printf '%s' "$v" && return 0
	done
	return 1
}

# Every namespace of this lab, in teardown order (exact names only: a glob
# could catch another lab's or another user's namespaces).
lab_namespaces() {
	local v n r
	for v in "${VMS[@]}"; do vm_ns "$v" && echo; done
	for n in "${NETS[@]}"; do echo "${NET_DHCP_NS[$n]}"; done
	for r in "${ROUTERS[@]}"; do echo "${ROUTER_NS[$r]}"; done
	for n in "${NODES[@]}"; do node_ns "$n" && echo; done
	echo "$EXT_NS"
	echo "$UNDERLAY_NS"
}
