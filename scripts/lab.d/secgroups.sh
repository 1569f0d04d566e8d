# shellcheck shell=bash
# Security groups as Neutron's iptables hybrid firewall driver
# (OVSHybridIptablesFirewallDriver) writes them on a compute node: bridged
# traffic on qbr passes FORWARD (br_netfilter), physdev matches on the VM's
# tap jump to per-port chains i<port>/o<port>/s<port> (the port UUID's first
# ten characters), and the raw table puts each network in its own conntrack
# zone, so the tenants' identical addresses never share conntrack entries.
# Each tenant's group "test-vms" allows ICMP and SSH in, everything out.

SG_PREFIX=neutron-openvswi

sg_chain() { printf '%s-%s%s' "$SG_PREFIX" "$1" "${VM_PORT[$2]:0:10}"; }

# The comments Neutron puts on its rules (iptables_comments.py).
SGC_VM_INT='"Direct traffic from the VM interface to the security group chain."'
SGC_INPUT='"Direct incoming traffic from VM to the security group chain."'
SGC_JUMP='"Jump to the VM specific chain."'
SGC_EST='"Direct packets associated with a known session to the RETURN chain."'
SGC_INVALID='"Drop packets that appear related to an existing connection (e.g. TCP ACK/FIN) but do not have an entry in conntrack."'
SGC_UNMATCHED='"Send unmatched traffic to the fallback chain."'
SGC_DHCP_CLIENT='"Allow DHCP client traffic."'
SGC_DHCP_SPOOF='"Prevent DHCP Spoofing by VM."'
SGC_PAIR='"Allow traffic from defined IP/MAC pairs."'
SGC_PAIR_DROP='"Drop traffic without an IP/MAC allow rule."'
SGC_FALLBACK='"Default drop rule for unmatched traffic."'

# The rules of one port's chains, without the -A <chain> part (the faults
# delete single rules by their exact text, so they live in one place).
sg_rule_dhcp_request() { echo "-s 0.0.0.0/32 -d 255.255.255.255/32 -p udp -m udp --sport 68 --dport 67 -m comment --comment $SGC_DHCP_CLIENT -j RETURN"; }
sg_rule_dhcp_reply_unicast() { echo "-d ${VM_IP[$1]}/32 -p udp -m udp --sport 67 --dport 68 -j RETURN"; }
sg_rule_dhcp_reply_bcast() { echo "-d 255.255.255.255/32 -p udp -m udp --sport 67 --dport 68 -j RETURN"; }
sg_rule_icmp_in() { echo "-p icmp -j RETURN"; }

sg_port_rules() { # VM: the filter table lines for one port
	local vm=$1 i o s tap mac
	i=$(sg_chain i "$vm")
	o=$(sg_chain o "$vm")
	s=$(sg_chain s "$vm")
	tap=${VM_TAP[$vm]}
	mac=${VM_MAC[$vm]^^}
	cat <<-EOR
		-A $SG_PREFIX-FORWARD -m physdev --physdev-out $tap --physdev-is-bridged -m comment --comment $SGC_VM_INT -j $SG_PREFIX-sg-chain
		-A $SG_PREFIX-FORWARD -m physdev --physdev-in $tap --physdev-is-bridged -m comment --comment $SGC_VM_INT -j $SG_PREFIX-sg-chain
		-A $SG_PREFIX-INPUT -m physdev --physdev-in $tap --physdev-is-bridged -m comment --comment $SGC_INPUT -j $o
		-A $i -m state --state RELATED,ESTABLISHED -m comment --comment $SGC_EST -j RETURN
		-A $i $(sg_rule_dhcp_reply_unicast "$vm")
		-A $i $(sg_rule_dhcp_reply_bcast "$vm")
		-A $i $(sg_rule_icmp_in "$vm")
		-A $i -p tcp -m tcp --dport 22 -j RETURN
		-A $i -m state --state INVALID -m comment --comment $SGC_INVALID -j DROP
		-A $i -m comment --comment $SGC_UNMATCHED -j $SG_PREFIX-sg-fallback
		-A $o $(sg_rule_dhcp_request "$vm")
		-A $o -j $s
		-A $o -p udp -m udp --sport 68 --dport 67 -m comment --comment $SGC_DHCP_CLIENT -j RETURN
		-A $o -p udp -m udp --sport 67 --dport 68 -m comment --comment $SGC_DHCP_SPOOF -j DROP
		-A $o -m state --state RELATED,ESTABLISHED -m comment --comment $SGC_EST -j RETURN
		-A $o -j RETURN
		-A $o -m state --state INVALID -m comment --comment $SGC_INVALID -j DROP
		-A $o -m comment --comment $SGC_UNMATCHED -j $SG_PREFIX-sg-fallback
		-A $s -s ${VM_IP[$vm]}/32 -m mac --mac-source $mac -m comment --comment $SGC_PAIR -j RETURN
		-A $s -m comment --comment $SGC_PAIR_DROP -j DROP
	EOR
}

# sg_ruleset NODE: the raw and filter tables of a compute node.
sg_ruleset() {
	local node=$1 vm vms zone
	mapfile -t vms < <(node_vms "$node")
	echo '*raw'
	echo ':PREROUTING ACCEPT [0:0]'
	echo ':OUTPUT ACCEPT [0:0]'
	echo ":$SG_PREFIX-OUTPUT - [0:0]"
	echo ":$SG_PREFIX-PREROUTING - [0:0]"
	echo "-A PREROUTING -j $SG_PREFIX-PREROUTING"
	echo "-A OUTPUT -j $SG_PREFIX-OUTPUT"
	for vm in "${vms[@]}"; do
		zone=${CT_ZONE[$node:${VM_NET[$vm]}]}
		echo "-A $SG_PREFIX-PREROUTING -m physdev --physdev-in ${VM_QVB[$vm]} -m comment --comment \"Set zone for ${VM_PORT[$vm]}\" -j CT --zone $zone"
		echo "-A $SG_PREFIX-PREROUTING -i ${VM_QVB[$vm]} -m comment --comment \"Set zone for ${VM_PORT[$vm]}\" -j CT --zone $zone"
		echo "-A $SG_PREFIX-PREROUTING -m physdev --physdev-in ${VM_TAP[$vm]} -m comment --comment \"Set zone for ${VM_PORT[$vm]}\" -j CT --zone $zone"
	done
	echo 'COMMIT'
	echo '*filter'
	echo ':INPUT ACCEPT [0:0]'
	echo ':FORWARD ACCEPT [0:0]'
	echo ':OUTPUT ACCEPT [0:0]'
	echo ":neutron-filter-top - [0:0]"
	for c in FORWARD INPUT OUTPUT local sg-chain sg-fallback; do
		echo ":$SG_PREFIX-$c - [0:0]"
	done
	for vm in "${vms[@]}"; do
		echo ":$(sg_chain i "$vm") - [0:0]"
		echo ":$(sg_chain o "$vm") - [0:0]"
		echo ":$(sg_chain s "$vm") - [0:0]"
	done
	echo "-A INPUT -j $SG_PREFIX-INPUT"
	echo "-A FORWARD -j neutron-filter-top"
	echo "-A FORWARD -j $SG_PREFIX-FORWARD"
	echo "-A OUTPUT -j neutron-filter-top"
	echo "-A OUTPUT -j $SG_PREFIX-OUTPUT"
	echo "-A neutron-filter-top -j $SG_PREFIX-local"
	for vm in "${vms[@]}"; do
		sg_port_rules "$vm"
	done
	for vm in "${vms[@]}"; do
		echo "-A $SG_PREFIX-sg-chain -m physdev --physdev-out ${VM_TAP[$vm]} --physdev-is-bridged -m comment --comment $SGC_JUMP -j $(sg_chain i "$vm")"
		echo "-A $SG_PREFIX-sg-chain -m physdev --physdev-in ${VM_TAP[$vm]} --physdev-is-bridged -m comment --comment $SGC_JUMP -j $(sg_chain o "$vm")"
	done
	echo "-A $SG_PREFIX-sg-chain -j ACCEPT"
	echo "-A $SG_PREFIX-sg-fallback -m comment --comment $SGC_FALLBACK -j DROP"
	echo 'COMMIT'
}

# sg_apply NODE: load the whole ruleset (replaces the raw and filter tables
# of the compute node's namespace, which only the lab uses).
sg_apply() {
	local node=$1
	sg_ruleset "$node" | in_ns "$(node_ns "$node")" iptables-restore ||
		die "loading the security group rules on $node failed"
}

# sg_delete_rule VM CHAIN-LETTER RULE: remove one rule of a port's chain.
sg_delete_rule() {
	local vm=$1 chain rule=$3
	chain=$(sg_chain "$2" "$vm")
	# The rule text carries quoted comments: let the shell split it like iptables-save.
	eval "set -- $rule"
	in_ns "$(node_ns "${VM_NODE[$vm]}")" iptables -t filter -D "$chain" "$@" ||
		die "removing a rule from $chain on ${VM_NODE[$vm]} failed"
}
