#!/bin/sh
# busybox udhcpc event script for the lab's VMs (udhcpc -s): applies a lease
# to $interface inside the VM's namespace as a cloud image's DHCP client
# would, and records it in $LAB_LEASE_FILE for scripts/lab.  Never run it
# outside a lab VM namespace.
# shellcheck disable=SC2154  # udhcpc sets interface, ip, mask, router ...
case "$1" in
deconfig)
	ip -4 addr flush dev "$interface"
	ip link set dev "$interface" up
	[ -n "$LAB_LEASE_FILE" ] && rm -f "$LAB_LEASE_FILE"
	;;
bound | renew)
	ip -4 addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	[ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
	gw=
	for r in $router; do
		gw=$r
		break
	done
	[ -n "$gw" ] && ip route replace default via "$gw" dev "$interface"
	if [ -n "$LAB_LEASE_FILE" ]; then
		printf 'ip=%s\nmask=%s\nrouter=%s\nserverid=%s\nlease=%s\n' \
			"$ip" "${mask:-24}" "$gw" "$serverid" "$lease" >"$LAB_LEASE_FILE"
	fi
	;;
esac
exit 0
