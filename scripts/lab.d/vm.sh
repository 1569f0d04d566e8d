# shellcheck shell=bash
# The VMs' side: DHCP with busybox udhcpc and ping, run inside the VM's
# namespace only (udhcpc broadcasts: never outside a lab namespace).

vm_lease_file() { printf '%s/vms/%s.lease' "$LAB_DIR" "$1"; }
UDHCPC_SCRIPT_NAME=udhcpc-event

vm_require() {
	is_vm "$1" || die "no VM named '$1' (VMs: ${VMS[*]})"
	ns_exists "$(vm_ns "$1")" || die "VM $1 has no namespace: is the lab up? (scripts/lab up)"
}

# vm_dhcp VM: one DHCP exchange from the VM; 0 when it got a lease.
vm_dhcp() {
	local vm=$1 lease log ip mask router serverid
	vm_require "$vm"
	lease=$(vm_lease_file "$vm")
	log=$LAB_DIR/vms/$vm.udhcpc.log
	mkdir -p "$LAB_DIR/vms"
	tnl_neigh_refresh_all
	if in_ns "$(vm_ns "$vm")" env LAB_LEASE_FILE="$lease" \
		busybox udhcpc -i eth0 -n -q -t 3 -T 1 -s "$LAB_DIR/$UDHCPC_SCRIPT_NAME" \
		>"$log" 2>&1 && [ -r "$lease" ]; then
		ip=$(sed -n 's/^ip=//p' "$lease")
		mask=$(sed -n 's/^mask=//p' "$lease")
		router=$(sed -n 's/^router=//p' "$lease")
		serverid=$(sed -n 's/^serverid=//p' "$lease")
		echo "$vm: lease $ip/$mask from $serverid, router $router"
		[ "$ip" = "${VM_IP[$vm]}" ] ||
			warn "$vm got $ip, but its Neutron port has ${VM_IP[$vm]}"
		return 0
	fi
	echo "$vm: no DHCP lease (udhcpc: $(tail -n 1 "$log"))"
	return 1
}

# vm_dhcp_all: every VM at once; 0 when all got a lease.
vm_dhcp_all() {
	local vm pids=() rc=0 i=0
	for vm in "${VMS[@]}"; do
		vm_dhcp "$vm" &
		pids+=($!)
	done
	for vm in "${VMS[@]}"; do
		wait "${pids[$i]}" || rc=1
		i=$((i + 1))
	done
	return $rc
}

# resolve_dst SRC DST: the address SRC pings for DST, in REPLY (with a
# description in REPLY_WHAT).  SRC is a VM or "external".
resolve_dst() {
	local src=$1 dst=$2
	REPLY_WHAT=$dst
	if [[ $dst =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
		REPLY=$dst
	elif [ "$dst" = external ]; then
		REPLY=$EXT_HOST_IP
		REPLY_WHAT="the external host"
	elif [ "$dst" = gateway ] && [ "$src" != external ]; then
		REPLY=${NET_GW[${VM_NET[$src]}]}
		REPLY_WHAT="gateway of ${VM_NET[$src]}"
	elif [ "$dst" = dhcp ] && [ "$src" != external ]; then
		REPLY=${NET_DHCP_IP[${VM_NET[$src]}]}
		REPLY_WHAT="DHCP port of ${VM_NET[$src]}"
	elif is_vm "$dst"; then
		if [ "$src" != external ] && [ "${VM_NET[$src]}" = "${VM_NET[$dst]}" ]; then
			REPLY=${VM_IP[$dst]}
			REPLY_WHAT="$dst's fixed IP"
		elif [ -n "${VM_FIP[$dst]}" ]; then
			# Another tenant's (or the outside's) only way in: the floating IP.
			REPLY=${VM_FIP[$dst]}
			REPLY_WHAT="$dst's floating IP"
		else
			die "$dst has no floating IP, and $src is not on its network ${VM_NET[$dst]}"
		fi
	else
		die "unknown destination '$dst': use an IPv4 address, a VM name (${VMS[*]}), gateway, dhcp or external"
	fi
}

# vm_ping SRC DST [COUNT] [SIZE]: ping from a VM's namespace (or from the
# external host when SRC is "external"); 0 when a reply came back.  Pings
# leave with DF set (the kernel's default path MTU discovery), so SIZE 1472
# makes full 1500-byte packets that must not be fragmented.
vm_ping() {
	local src=$1 dst=$2 count=${3:-3} size=${4:-56} ns out rc
	[[ $count =~ ^[1-9][0-9]*$ ]] || die "COUNT must be a positive number, not '$count'"
	if ! [[ $size =~ ^[0-9]+$ ]] || [ "$size" -gt 65507 ]; then
		die "SIZE must be 0..65507, not '$size'"
	fi
	if [ "$src" = external ]; then
		ns=$EXT_NS
		ns_exists "$ns" || die "the external host has no namespace: is the lab up?"
	else
		vm_require "$src"
		ns=$(vm_ns "$src")
	fi
	resolve_dst "$src" "$dst"
	tnl_neigh_refresh_all
	out=$(in_ns "$ns" busybox ping -c "$count" -s "$size" -i 0.2 -W 1 "$REPLY" 2>&1)
	rc=$?
	[ -n "${LAB_QUIET:-}" ] || printf '%s\n' "$out"
	echo "$src -> $REPLY ($REPLY_WHAT), $size bytes: $(grep -o '[0-9]* packets received' <<<"$out" || echo '0 packets received') of $count"
	return $rc
}
