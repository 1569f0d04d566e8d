# shellcheck shell=bash
# The DHCP agent: per network a qdhcp-<network uuid> namespace on the network
# node holding the DHCP port's tap, the agent's state files under
# <state>/dhcp/<network uuid>/, and dnsmasq started the way the agent starts
# it (static ranges: it answers only the MACs in the host file).

dhcp_logfile() { printf '%s/log/dnsmasq/%s/dhcp_dns_log' "$LAB_DIR" "${NET_UUID[$1]}"; }

# The host file lists every port of the network that has an address.
dhcp_ports() { # NET: lines "mac ip"
	local net=$1 v r
	echo "${NET_DHCP_MAC[$net]} ${NET_DHCP_IP[$net]}"
	r=${NET_ROUTER[$net]}
	echo "${ROUTER_QR_MAC[$r]} ${NET_GW[$net]}"
	for v in "${VMS[@]}"; do
		[ "${VM_NET[$v]}" = "$net" ] && echo "${VM_MAC[$v]} ${VM_IP[$v]}"
	done
	return 0
}

dhcp_host_name() { printf 'host-%s' "${1//./-}"; }

dhcp_write_files() {
	local net=$1 d mac ip tag
	d=$(dhcp_dir "$net")
	mkdir -p "$d" "$(dirname "$(dhcp_logfile "$net")")" || die "cannot create $d"
	tag="tag:subnet-${SUBNET_UUID[$net]}"
	: >"$d/host.new"
	: >"$d/addn_hosts.new"
	while read -r mac ip; do
		echo "$mac,$(dhcp_host_name "$ip").openstacklocal,$ip" >>"$d/host.new"
		printf '%s\t%s.openstacklocal %s\n' "$ip" "$(dhcp_host_name "$ip")" \
			"$(dhcp_host_name "$ip")" >>"$d/addn_hosts.new"
	done < <(dhcp_ports "$net")
	cat >"$d/opts.new" <<-EOO
		$tag,option:classless-static-route,0.0.0.0/0,${NET_GW[$net]}
		$tag,249,0.0.0.0/0,${NET_GW[$net]}
		$tag,option:router,${NET_GW[$net]}
	EOO
	echo "${NET_DHCP_DEV[$net]}" >"$d/interface.new"
	# Replace atomically: dnsmasq may re-read them at any SIGHUP.
	local f
	for f in host addn_hosts opts interface; do
		mv -f "$d/$f.new" "$d/$f" || die "writing the DHCP state file $d/$f failed"
	done
	[ -e "$d/leases" ] || : >"$d/leases"
}

dhcp_running() { pidfile_alive "$(dhcp_dir "$1")/pid" dnsmasq; }

# dhcp_start NET [INTERFACE]: dnsmasq as the agent starts it; for another
# INTERFACE than the DHCP port's (a fault) with --bind-dynamic, which,
# unlike --bind-interfaces, starts without it.
dhcp_start() {
	local net=$1 d dev=${2:-${NET_DHCP_DEV[$1]}} bind=--bind-interfaces
	d=$(dhcp_dir "$net")
	[ "$dev" = "${NET_DHCP_DEV[$net]}" ] || bind=--bind-dynamic
	no_lock_fd in_ns "${NET_DHCP_NS[$net]}" dnsmasq --no-hosts --no-resolv \
		--pid-file="$d/pid" --dhcp-hostsfile="$d/host" \
		--addn-hosts="$d/addn_hosts" --dhcp-optsfile="$d/opts" \
		--dhcp-leasefile="$d/leases" --dhcp-match=set:ipxe,175 \
		"$bind" --interface="$dev" \
		--dhcp-range="set:subnet-${SUBNET_UUID[$net]},${NET_BASE[$net]},static,${NET_MASK[$net]},86400s" \
		--dhcp-lease-max=256 --conf-file=/dev/null --domain=openstacklocal \
		--except-interface=lo \
		--log-queries --log-dhcp --log-facility="$(dhcp_logfile "$net")" ||
		die "dnsmasq for $net did not start; see $(dhcp_logfile "$net")"
}

dhcp_stop() { kill_pidfile "$(dhcp_dir "$1")/pid" dnsmasq; }

# The device name a DHCP port of NET had before it was re-created: the
# same prefix, another port UUID.
dhcp_stale_dev() {
	lab_uuid "port/dhcp-old/$1"
	port_dev "${NET_DHCP_DEV[$1]:0:3}" "$REPLY"
}

# dhcp_reload NET: what the agent does when a port changes: rewrite the
# files and SIGHUP dnsmasq.
dhcp_reload() {
	local pid=
	{ read -r pid <"$(dhcp_dir "$1")/pid"; } 2>/dev/null || true
	pid_is_ours "$pid" dnsmasq || die "dnsmasq for $1 is not running"
	kill -HUP "$pid" || die "cannot signal dnsmasq ($pid) for $1"
}

# dhcp_apply NET: namespace, port, files and a freshly started dnsmasq (as
# restarting the DHCP agent would; heal relies on it).
dhcp_apply() {
	local net=$1 ns
	ns=${NET_DHCP_NS[$net]}
	ns_ensure "$ns"
	ovs_agent_port network br-int "${NET_DHCP_OVS_DEV[$net]}" "${NET_DHCP_DEV[$net]}" "$ns" \
		"${NET_DHCP_PORT[$net]}" "${NET_DHCP_MAC[$net]}" "$net"
	must_ns "$ns" ip addr replace "${NET_DHCP_IP[$net]}/${NET_PLEN[$net]}" \
		dev "${NET_DHCP_DEV[$net]}"
	# The agent keeps no filter rules in its namespace.
	printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' |
		in_ns "$ns" iptables-restore || die "resetting the filter table of $ns failed"
	dhcp_write_files "$net"
	dhcp_stop "$net"
	dhcp_start "$net"
}
