# shellcheck shell=bash
# Bringing the lab up and down, healing it, and telling whether it is up.

LAB_MARKER=.nstrace-lab # marks a directory the lab made (and may delete)

lab_preflight() {
	lab_require_root
	lab_require_tools
	lab_require_kernel
}

lab_is_up() { [ -e "$LAB_DIR/up" ] && ns_exists "$(node_ns network)"; }

lab_require_up() {
	lab_is_up || die "lab '$LAB' is not up: run \`scripts/lab up\` first"
}

# The agents' configuration, in dependency order (up and heal share it).
# MODE: fresh (up) or restore (heal, on a running lab).
lab_apply_all() {
	local mode=$1 node net r
	for node in "${NODES[@]}"; do
		ovs_start "$node"
	done
	for node in "${NODES[@]}"; do
		ovs_apply "$node" "$mode"
	done
	for node in "${COMPUTE_NODES[@]}"; do
		sg_apply "$node"
	done
	for net in "${NETS[@]}"; do
		dhcp_apply "$net"
	done
	for r in "${ROUTERS[@]}"; do
		l3_apply "$r"
	done
}

lab_up() {
	local t0=$SECONDS
	if [ -e "$LAB_DIR" ] && [ ! -e "$LAB_DIR/$LAB_MARKER" ]; then
		die "$LAB_DIR exists and was not made by the lab: set NSTRACE_LAB_DIR to a new directory"
	fi
	lab_down_quiet
	mkdir -p "$LAB_DIR"/{nodes,vms,dhcp,log} || die "cannot create $LAB_DIR"
	: >"$LAB_DIR/$LAB_MARKER"
	echo "$LAB_PLAN" >"$LAB_DIR/plan"
	# udhcpc runs its script by path: install an executable copy.
	install -m 0755 "$LAB_D/udhcpc-event.sh" "$LAB_DIR/$UDHCPC_SCRIPT_NAME" ||
		die "cannot install the udhcpc script into $LAB_DIR"
	LAB_UP_CLEANUP=1
	info "creating namespaces, the underlay and the VMs' hybrid plugs"
	topo_create
	info "starting OVS on ${NODES[*]}; the OVS agent's bridges, tunnels and flows"
	info "security groups, DHCP agent (dnsmasq), L3 agent (routers, NAT)"
	lab_apply_all fresh
	: >"$LAB_DIR/faults"
	date -u +%Y-%m-%dT%H:%M:%SZ >"$LAB_DIR/up"
	info "VMs ask for their addresses (busybox udhcpc)"
	vm_dhcp_all || die "a VM did not get its DHCP lease; the lab is broken"
	LAB_UP_CLEANUP=
	info "lab '$LAB' is up in $((SECONDS - t0)) s: see \`scripts/lab info\`"
}

# An up that fails half-way takes down what it built, unless asked to keep
# it for inspection; with nothing left, its lock file goes too.
lab_up_exit_trap() {
	local rc=$?
	[ "$rc" -ne 0 ] || return 0
	if [ -n "${LAB_UP_CLEANUP:-}" ]; then
		if [ -n "${NSTRACE_LAB_KEEP:-}" ]; then
			warn "up failed; NSTRACE_LAB_KEEP is set: the lab stays for inspection (scripts/lab down removes it)"
		else
			warn "up failed; removing what it built (set NSTRACE_LAB_KEEP=1 to keep it)"
			LAB_QUIET=1 lab_down_quiet
		fi
	fi
	if [ ! -e "$LAB_DIR" ]; then
		rm -f "$LAB_DIR.lock"
		rmdir "$(dirname "$LAB_DIR")" 2>/dev/null
	fi
	return "$rc"
}

# Leftover processes in the lab's namespaces (an interrupted udhcpc, say):
# end those whose command line names the lab's directory, report others.
lab_kill_leftovers() {
	local ns pid comm
	while read -r ns; do
		ns_exists "$ns" || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
			if pid_is_ours "$pid" "$comm"; then
				kill_pid "$pid" "$comm"
			else
				warn "process $pid ($comm) runs in $ns and is not the lab's: left alone"
			fi
		done
	done < <(lab_namespaces)
}

# lab_down_quiet: remove everything the lab made; keeps the lock file.
lab_down_quiet() {
	local net node
	for net in "${NETS[@]}"; do
		dhcp_stop "$net"
	done
	for node in "${NODES[@]}"; do
		ovs_stop "$node"
	done
	lab_kill_leftovers
	topo_destroy
	if [ -d "$LAB_DIR" ]; then
		if [ -e "$LAB_DIR/$LAB_MARKER" ]; then
			rm -rf "$LAB_DIR" || warn "could not remove $LAB_DIR"
		else
			warn "$LAB_DIR exists but was not made by the lab: left alone"
		fi
	fi
	return 0
}

lab_down() {
	lab_down_quiet
	rm -f "$LAB_DIR.lock"
	rmdir "$(dirname "$LAB_DIR")" 2>/dev/null || true
	info "lab '$LAB' is down"
}

lab_heal() {
	lab_require_up
	info "restoring links, OVS, security groups, DHCP and L3 agents"
	underlay_apply
	plugs_apply
	lab_apply_all restore
	: >"$LAB_DIR/faults"
	info "VMs renew their addresses"
	vm_dhcp_all || die "heal: a VM did not get its DHCP lease"
	info "lab '$LAB' is healthy again"
}
