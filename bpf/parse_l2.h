/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Ethernet with up to two VLAN tags (802.1Q / 802.1ad), and ARP. */
#ifndef NSTRACE_PARSE_L2_H
#define NSTRACE_PARSE_L2_H

#include "pkt.h"

#define VLAN_MAX_TAGS 2
#define VLAN_VID_MASK 0x0fff

struct eth_buf {
	__u8 dst[6];
	__u8 src[6];
	__be16 proto;
} __attribute__((aligned(8)));

struct vlan_buf {
	__be16 tci;
	__be16 proto;
} __attribute__((aligned(8)));

static __always_inline int is_vlan_proto(__u16 proto)
{
	return proto == ETH_P_8021Q || proto == ETH_P_8021AD;
}

/*
 * Ethernet at *off. The outer frame records its tags in vlan_tci[] (a tag
 * the NIC already stripped comes first: it was outermost on the wire); an
 * inner (tunnelled) frame records its first tag in inner_vlan_tci. Tags are
 * recorded only once all of them were read, so that a frame cut inside its
 * tags never shows a partial count.
 * On success *off is past the tags and *proto the ethertype, host order.
 */
static __always_inline int parse_eth(PKT_CTX *skb, struct decode *d,
				     __u32 *off, __u16 *proto, int inner)
{
	const struct eth_buf *eth;
	const struct vlan_buf *tag;
	struct eth_buf eth_copy;
	struct vlan_buf tag_copy;
	__u16 tci[VLAN_MAX_TAGS] = {};
	int n = 0;
	__u16 p;

	eth = pkt_header(skb, *off, &eth_copy, sizeof(struct ethhdr));
	if (!eth)
		return truncated(d);
	__builtin_memcpy(d->ev.eth_dst, eth->dst, 6);
	__builtin_memcpy(d->ev.eth_src, eth->src, 6);
	*off += sizeof(struct ethhdr);
	p = bpf_ntohs(eth->proto);

#pragma unroll
	for (int i = 0; i < VLAN_MAX_TAGS; i++) {
		if (!is_vlan_proto(p))
			break;
		tag = pkt_header(skb, *off, &tag_copy, sizeof(struct vlan_hdr));
		if (!tag)
			return truncated(d);
		*off += sizeof(struct vlan_hdr);
		tci[i] = bpf_ntohs(tag->tci);
		n = i + 1;
		p = bpf_ntohs(tag->proto);
	}
	if (inner) {
		if (n) {
			d->ev.inner_vlan_tci = tci[0];
			d->ev.flags |= NSTRACE_F_INNER_VLAN;
		}
	} else if (skb->vlan_present) {
		d->ev.vlan_tci[0] = skb->vlan_tci;
		d->ev.vlan_tci[1] = tci[0];
		d->ev.vlan_count = n ? 2 : 1;
	} else {
		d->ev.vlan_tci[0] = tci[0];
		d->ev.vlan_tci[1] = tci[1];
		d->ev.vlan_count = n;
	}
	d->ev.eth_proto = p;
	*proto = p;
	return 0;
}

struct arp_buf {
	__be16 hrd;
	__be16 pro;
	__u8 hln;
	__u8 pln;
	__be16 op;
	__u8 sha[6];
	__u8 spa[4];
	__u8 tha[6];
	__u8 tpa[4];
} __attribute__((aligned(8)));

#define ARPHRD_ETHER 1
#define ARP_IPV4_LEN 28 /* header + two MAC and two IPv4 addresses */

/* ARP for IPv4 over Ethernet; anything else is flagged unsupported. */
static __always_inline int parse_arp(PKT_CTX *skb, struct decode *d,
				     __u32 off)
{
	const struct arp_buf *arp;
	struct arp_buf copy;

	d->proto_class = NSTRACE_P_ARP;
	arp = pkt_header(skb, off, &copy, ARP_IPV4_LEN);
	if (!arp)
		return truncated(d);
	if (arp->hrd != bpf_htons(ARPHRD_ETHER) ||
	    arp->pro != bpf_htons(ETH_P_IP) || arp->hln != 6 || arp->pln != 4) {
		d->ev.flags |= NSTRACE_F_UNSUPPORTED;
		return 0;
	}
	d->ev.l3_family = NSTRACE_L3_ARP;
	d->ev.app = NSTRACE_APP_ARP;
	d->ev.arp_op = bpf_ntohs(arp->op);
	__builtin_memcpy(d->ev.chaddr, arp->sha, 6);
	__builtin_memcpy(d->ev.saddr, arp->spa, 4);
	__builtin_memcpy(d->ev.daddr, arp->tpa, 4);
	d->fp = FP_ARP;
	return 0;
}

#endif /* NSTRACE_PARSE_L2_H */
