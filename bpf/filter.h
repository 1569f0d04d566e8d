/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The in-kernel filter: every criterion enabled in nstrace_filter.flags must
 * match. A field that was not decoded (0) matches nothing, so a packet cut
 * short before the filter could judge it produces no event.
 */
#ifndef NSTRACE_FILTER_H
#define NSTRACE_FILTER_H

#include "pkt.h"
#include "fingerprint.h"

static __always_inline int filter_macs_match(const struct nstrace_filter *f,
					     const struct decode *d)
{
	__u64 src = mac_to_u64(d->ev.eth_src);
	__u64 dst = mac_to_u64(d->ev.eth_dst);
	__u64 ch = mac_to_u64(d->ev.chaddr);

	for (int i = 0; i < NSTRACE_FILTER_MACS; i++) {
		__u64 m;

		if (i >= f->n_macs)
			break;
		m = mac_to_u64(f->macs[i]);
		if (m == src || m == dst || m == ch)
			return 1;
	}
	return 0;
}

static __always_inline int addr_eq(const __u8 *a, const __u8 *b, int v6)
{
	__u32 a4, b4;
	__u64 a0, a1, b0, b1;

	if (!v6) {
		__builtin_memcpy(&a4, a, 4);
		__builtin_memcpy(&b4, b, 4);
		return a4 == b4;
	}
	__builtin_memcpy(&a0, a, 8);
	__builtin_memcpy(&a1, a + 8, 8);
	__builtin_memcpy(&b0, b, 8);
	__builtin_memcpy(&b1, b + 8, 8);
	return a0 == b0 && a1 == b1;
}

static __always_inline int filter_ips_match(const struct nstrace_filter *f,
					    const struct decode *d)
{
	__u8 family = d->ev.l3_family;
	int v6 = family == NSTRACE_L3_IPV6;

	/* ARP's sender/target are IPv4 addresses. */
	if (family == NSTRACE_L3_ARP)
		family = NSTRACE_L3_IPV4;
	if (family != NSTRACE_L3_IPV4 && family != NSTRACE_L3_IPV6)
		return 0;
	for (int i = 0; i < NSTRACE_FILTER_IPS; i++) {
		const struct nstrace_ip *ip = &f->ips[i];

		if (i >= f->n_ips)
			break;
		if (ip->family != family)
			continue;
		if (addr_eq(ip->addr, d->ev.saddr, v6) ||
		    addr_eq(ip->addr, d->ev.daddr, v6))
			return 1;
	}
	return 0;
}

static __always_inline int filter_match(const struct nstrace_filter *f,
					const struct decode *d)
{
	__u32 flags = f->flags;

	if (f->proto_mask && !(f->proto_mask & d->proto_class))
		return 0;
	if (!flags)
		return 1;
	if ((flags & NSTRACE_M_TUN_KEY) && (d->ev.flags & NSTRACE_F_TUNNEL) &&
	    (!(d->ev.flags & NSTRACE_F_TUN_KEY) || d->ev.tun_key != f->tun_key))
		return 0;
	if ((flags & NSTRACE_M_XID) &&
	    ((d->ev.app != NSTRACE_APP_DHCP4 && d->ev.app != NSTRACE_APP_DHCP6) ||
	     d->ev.xid != f->xid))
		return 0;
	if ((flags & NSTRACE_M_ICMP_ID) &&
	    (d->ev.app != NSTRACE_APP_ECHO || d->ev.icmp_id != f->icmp_id))
		return 0;
	if ((flags & NSTRACE_M_MAC) && !filter_macs_match(f, d))
		return 0;
	if ((flags & NSTRACE_M_IP) && !filter_ips_match(f, d))
		return 0;
	return 1;
}

#endif /* NSTRACE_FILTER_H */
