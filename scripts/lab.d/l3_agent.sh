# shellcheck shell=bash
# The L3 agent (legacy routers): per router a qrouter-<router uuid> namespace
# on the network node with a qr- port on br-int (the tenant network's local
# VLAN) and a qg- port on br-ex (the external network, towards the external
# host), forwarding on, a default route via the external gateway, and the
# agent's iptables: nat (SNAT to the gateway IP, DNAT + SNAT per floating
# IP), mangle (marks traffic that came in on qg-) and filter.

router_fips() { # ROUTER: lines "fip fixed_ip vm"
	local r=$1 v
	for v in "${VMS[@]}"; do
		[ "${VM_NET[$v]}" = "${ROUTER_NET[$r]}" ] && [ -n "${VM_FIP[$v]}" ] &&
			echo "${VM_FIP[$v]} ${VM_IP[$v]} $v"
	done
	return 0
}

l3_rule_snat() { echo "-o ${ROUTER_QG_DEV[$1]} -j SNAT --to-source ${ROUTER_GW_IP[$1]}"; }

# l3_ruleset ROUTER: the nat, mangle and filter tables of the router.
l3_ruleset() {
	local r=$1 qg fip fixed vm p=neutron-l3-agent
	qg=${ROUTER_QG_DEV[$r]}
	cat <<-EOR
		*nat
		:PREROUTING ACCEPT [0:0]
		:INPUT ACCEPT [0:0]
		:OUTPUT ACCEPT [0:0]
		:POSTROUTING ACCEPT [0:0]
		:$p-OUTPUT - [0:0]
		:$p-POSTROUTING - [0:0]
		:$p-PREROUTING - [0:0]
		:$p-float-snat - [0:0]
		:$p-snat - [0:0]
		:neutron-postrouting-bottom - [0:0]
		-A PREROUTING -j $p-PREROUTING
		-A OUTPUT -j $p-OUTPUT
		-A POSTROUTING -j $p-POSTROUTING
		-A POSTROUTING -j neutron-postrouting-bottom
		-A $p-POSTROUTING ! -i $qg ! -o $qg -m conntrack ! --ctstate DNAT -j ACCEPT
		-A $p-PREROUTING -d 169.254.169.254/32 -i qr-+ -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 9697
	EOR
	while read -r fip fixed vm; do
		echo "-A $p-OUTPUT -d $fip/32 -j DNAT --to-destination $fixed"
		echo "-A $p-PREROUTING -d $fip/32 -j DNAT --to-destination $fixed"
		echo "-A $p-float-snat -s $fixed/32 -j SNAT --to-source $fip"
	done < <(router_fips "$r")
	cat <<-EOR
		-A $p-snat -j $p-float-snat
		-A $p-snat $(l3_rule_snat "$r")
		-A $p-snat -m mark ! --mark 0x2/0xffff -m conntrack --ctstate DNAT -j SNAT --to-source ${ROUTER_GW_IP[$r]}
		-A neutron-postrouting-bottom -m comment --comment "Perform source NAT on outgoing traffic." -j $p-snat
		COMMIT
		*mangle
		:PREROUTING ACCEPT [0:0]
		:INPUT ACCEPT [0:0]
		:FORWARD ACCEPT [0:0]
		:OUTPUT ACCEPT [0:0]
		:POSTROUTING ACCEPT [0:0]
		:$p-PREROUTING - [0:0]
		:$p-mark - [0:0]
		-A PREROUTING -j $p-PREROUTING
		-A $p-PREROUTING -j $p-mark
		-A $p-mark -i $qg -j MARK --set-xmark 0x2/0xffff
		COMMIT
		*filter
		:INPUT ACCEPT [0:0]
		:FORWARD ACCEPT [0:0]
		:OUTPUT ACCEPT [0:0]
		:neutron-filter-top - [0:0]
		:$p-FORWARD - [0:0]
		:$p-INPUT - [0:0]
		:$p-OUTPUT - [0:0]
		:$p-local - [0:0]
		-A INPUT -j $p-INPUT
		-A FORWARD -j neutron-filter-top
		-A FORWARD -j $p-FORWARD
		-A OUTPUT -j neutron-filter-top
		-A OUTPUT -j $p-OUTPUT
		-A neutron-filter-top -j $p-local
		-A $p-INPUT -m mark --mark 0x1/0xffff -j ACCEPT
		-A $p-INPUT -p tcp -m tcp --dport 9697 -j DROP
		COMMIT
	EOR
}

# l3_apply ROUTER: namespace, qr-/qg- ports, addresses, routes and rules
# (idempotent: heal uses it to restore a removed gateway or SNAT).
l3_apply() {
	local r=$1 ns net fip
	ns=${ROUTER_NS[$r]}
	net=${ROUTER_NET[$r]}
	ns_ensure "$ns"
	must_ns "$ns" sysctl -q -w net.ipv4.ip_forward=1
	ovs_agent_port network br-int "${ROUTER_QR_OVS_DEV[$r]}" "${ROUTER_QR_DEV[$r]}" "$ns" \
		"${ROUTER_QR_PORT[$r]}" "${ROUTER_QR_MAC[$r]}" "$net"
	# The gateway address only (heal takes a wrong one away).
	must_ns "$ns" ip addr flush dev "${ROUTER_QR_DEV[$r]}"
	must_ns "$ns" ip addr add "${NET_GW[$net]}/${NET_PLEN[$net]}" dev "${ROUTER_QR_DEV[$r]}"
	ovs_agent_port network br-ex "${ROUTER_QG_OVS_DEV[$r]}" "${ROUTER_QG_DEV[$r]}" "$ns" \
		"${ROUTER_QG_PORT[$r]}" "${ROUTER_QG_MAC[$r]}"
	must_ns "$ns" ip addr replace "${ROUTER_GW_IP[$r]}/$EXT_PLEN" dev "${ROUTER_QG_DEV[$r]}"
	# Floating IPs live on qg- as /32s, so the router answers ARP for them.
	while read -r fip _; do
		must_ns "$ns" ip addr replace "$fip/32" dev "${ROUTER_QG_DEV[$r]}"
	done < <(router_fips "$r")
	must_ns "$ns" ip route replace default via "$EXT_HOST_IP" dev "${ROUTER_QG_DEV[$r]}"
	l3_ruleset "$r" | in_ns "$ns" iptables-restore ||
		die "loading the L3 agent's iptables rules in $ns failed"
}
