# shellcheck shell=bash
# Sourced by the benchmarks that build veth pairs (scripts/bench-live.sh,
# bench/per-load.sh, bench/ping-hops.sh).

# veth_pair NS_A DEV_A NS_B DEV_B NET: a veth pair from DEV_A in NS_A
# (NET.1/24) to DEV_B in NS_B (NET.2/24), both up, and DEV_B's MAC as a
# permanent neighbour on DEV_A, so that no ARP exchange falls inside a
# measured run.  Both namespaces are the caller's own.
veth_pair() {
	local ns_a=$1 dev_a=$2 ns_b=$3 dev_b=$4 net=$5
	ip -n "$ns_a" link add "$dev_a" type veth peer name "$dev_b"
	ip -n "$ns_a" link set "$dev_b" netns "$ns_b"
	ip -n "$ns_a" addr add "$net.1/24" dev "$dev_a"
	ip -n "$ns_b" addr add "$net.2/24" dev "$dev_b"
	ip -n "$ns_a" link set "$dev_a" up
	ip -n "$ns_b" link set "$dev_b" up
	ip -n "$ns_a" neigh replace "$net.2" dev "$dev_a" \
		lladdr "$(ip -n "$ns_b" -br link show "$dev_b" | awk '{print $3}')" nud permanent
}
