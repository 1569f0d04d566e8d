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

/*
 * The filter, written by user space: a global variable in a data section
 * of its own, which libbpf makes a one-entry array map (".data.filter").
 * The probe reads it through its address, with no map lookup: the lookup
 * and its NULL test would be a dozen instructions on every packet. Every
 * program includes this definition; user space hands the drop probe the
 * tc probe's map (bpf_map__reuse_fd) so one filter decides for both.
 */
struct nstrace_filter filter SEC(".data.filter");

/*
 * A MAC as one integer. Fields of the decode on the stack are read as
 * three 16-bit words (they are only 2-byte aligned, and the verifier wants
 * aligned stack loads); a MAC in the packet or in the filter as one 64-bit
 * load, masked (unaligned loads are fine there on the little-endian CPUs
 * the probe is built for), which gives the same integer in fewer
 * instructions: the screen runs on every packet.
 */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mac_words() and mac_word() give the same integer only on little-endian"
#endif

static __always_inline __u64 mac_words(const __u8 *mac)
{
	const __u16 *w = (const __u16 *)mac;

	return w[0] | (__u64)w[1] << 16 | (__u64)w[2] << 32;
}

/* The 8 bytes from mac on, the two after the MAC masked off: mac must have
 * two readable bytes after it (the packet's MACs are followed by more
 * header, a MAC of the filter by more of the filter). */
#define MAC_WORD_MASK 0xffffffffffffull

static __always_inline __u64 mac_word(const __u8 *mac)
{
	return *(const __u64 *)mac & MAC_WORD_MASK;
}

static __always_inline int filter_mac_is_one(const struct nstrace_filter *f,
					     int i, __u64 src, __u64 dst, __u64 ch)
{
	__u64 m = mac_word(f->macs[i]);

	return i < f->n_macs && (m == src || m == dst || m == ch);
}

/* src, dst, ch: the frame's MACs and the DHCP/ARP client MAC, as
 * mac_words() gives them (0 where there is none). */
static __always_inline int filter_macs_match(const struct nstrace_filter *f,
					     __u64 src, __u64 dst, __u64 ch)
{
	/* Written out: as a loop, clang may keep a counter and a pointer to
	 * step, more instructions on every packet the screen judges. */
	_Static_assert(NSTRACE_FILTER_MACS == 4, "one line per filter MAC");
	return filter_mac_is_one(f, 0, src, dst, ch) ||
	       filter_mac_is_one(f, 1, src, dst, ch) ||
	       filter_mac_is_one(f, 2, src, dst, ch) ||
	       filter_mac_is_one(f, 3, src, dst, ch);
}

/* Addresses as 32-bit words: both sides are 4-byte aligned (event fields,
 * nstrace_ip.addr), and word compares beat byte-wise copies. */
static __always_inline int addr_eq(const __u8 *a, const __u8 *b, int v6)
{
	const __u32 *x = (const __u32 *)a, *y = (const __u32 *)b;

	if (!v6)
		return x[0] == y[0];
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) |
		(x[3] ^ y[3])) == 0;
}

/* family: NSTRACE_L3_* of saddr/daddr (4-byte aligned, in the event or
 * in the packet). */
static __always_inline int filter_ips_match(const struct nstrace_filter *f,
					    __u8 family, const __u8 *saddr,
					    const __u8 *daddr)
{
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
		if (addr_eq(ip->addr, saddr, v6) || addr_eq(ip->addr, daddr, v6))
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
	if ((flags & NSTRACE_M_MAC) &&
	    !filter_macs_match(f, mac_words(d->ev.eth_src),
			       mac_words(d->ev.eth_dst), mac_words(d->ev.chaddr)))
		return 0;
	if ((flags & NSTRACE_M_IP) &&
	    !filter_ips_match(f, d->ev.l3_family, d->ev.saddr, d->ev.daddr))
		return 0;
	return 1;
}

/*
 * What the verdict on a plain packet depends on: one the decode would find
 * to be IPv4 outside any tunnel, of class NSTRACE_P_UDP or NSTRACE_P_TCP
 * (no application decode, no client MAC) or NSTRACE_P_DHCP (a DHCPv4
 * transaction id and maybe a client MAC). The screen (bpf/screen.h) reads
 * them in place.
 */
struct plain_view {
	__u32 class;
	__u32 xid; /* NSTRACE_P_DHCP: the transaction id, host order */
	__u64 client_mac; /* NSTRACE_P_DHCP: chaddr if a MAC, else 0 */
	/* In the packet: the Ethernet header, the IPv4 header after it. The
	 * MACs and addresses are read where a criterion needs them, so that
	 * few values stay live (every register the screen keeps is a push
	 * and a pop per packet). */
	const struct ethhdr *eth;
	const struct iphdr *ip;
};

/* filter_match() for a plain packet, from its view alone. */
static __always_inline int filter_match_plain(const struct nstrace_filter *f,
					      const struct plain_view *v)
{
	__u32 flags = f->flags, mask = f->proto_mask;
	int dhcp = v->class == NSTRACE_P_DHCP;

	/* No echo id on a plain packet; an xid on DHCP alone. */
	if (flags & (dhcp ? NSTRACE_M_ICMP_ID :
			    NSTRACE_M_XID | NSTRACE_M_ICMP_ID))
		return 0;
	if (dhcp && (flags & NSTRACE_M_XID) && v->xid != f->xid)
		return 0;
	/* Its own branch: left alone, clang tests both conditions on two
	 * copies of the code, twice the instructions. */
	if (mask) {
		barrier_var(mask);
		if (!(mask & v->class))
			return 0;
	}
	if ((flags & NSTRACE_M_MAC) &&
	    !filter_macs_match(f, mac_word(v->eth->h_source),
			       mac_word(v->eth->h_dest), v->client_mac))
		return 0;
	if ((flags & NSTRACE_M_IP) &&
	    !filter_ips_match(f, NSTRACE_L3_IPV4, (const __u8 *)&v->ip->saddr,
			      (const __u8 *)&v->ip->daddr))
		return 0;
	return 1;
}

#endif /* NSTRACE_FILTER_H */
