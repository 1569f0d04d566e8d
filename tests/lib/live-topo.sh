#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Two network namespaces joined by a veth pair, for nstrace's live tests:
#   NS1: veth-a 10.199.0.1/24  <->  NS2: veth-b 10.199.0.2/24
# Nothing is created in the caller's namespace: the veth pair is made inside
# NS1 and one end moved to NS2.  IPv6 is off so that no router solicitation
# or DAD packet shows up in a trace.
#
#   live-topo.sh up NS1 NS2     build it (fails on the first broken step)
#   live-topo.sh down NS...     delete the namespaces that exist (never fails)
set -eu

sysctl_in() { ip netns exec "$1" sysctl -q -w "$2" >/dev/null; }

up() {
	local ns1=$1 ns2=$2
	ip netns add "$ns1"
	ip netns add "$ns2"
	for ns in "$ns1" "$ns2"; do
		sysctl_in "$ns" net.ipv6.conf.all.disable_ipv6=1
		sysctl_in "$ns" net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done
	ip -n "$ns1" link add veth-a type veth peer name veth-b
	ip -n "$ns1" link set veth-b netns "$ns2"
	ip -n "$ns1" addr add 10.199.0.1/24 dev veth-a
	ip -n "$ns2" addr add 10.199.0.2/24 dev veth-b
	ip -n "$ns1" link set veth-a up
	ip -n "$ns2" link set veth-b up
}

down() {
	for ns in "$@"; do
		if [ -e "/run/netns/$ns" ]; then
			ip netns del "$ns" || true
		fi
	done
}

case "${1:-}" in
up)
	[ $# -eq 3 ] || { echo "usage: $0 up NS1 NS2" >&2; exit 2; }
	up "$2" "$3"
	;;
down)
	shift
	down "$@"
	;;
*)
	echo "usage: $0 up NS1 NS2 | down NS..." >&2
	exit 2
	;;
esac
