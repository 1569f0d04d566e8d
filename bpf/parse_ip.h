/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* IPv4 (options skipped) and IPv6 (extension headers skipped). */
#ifndef NSTRACE_PARSE_IP_H
#define NSTRACE_PARSE_IP_H

#include "pkt.h"

#define IP_MF 0x2000
#define IP_OFFSET 0x1fff
#define IPV6_MAX_EXT_HEADERS 8

/*
 * Bound the (inner) IP packet: l3_end = off + len, the length the header
 * claims. A claim beyond the packet means the skb was cut short.
 */
static __always_inline void set_l3_end(struct decode *d, __u32 end)
{
	if (end > d->pkt_len) {
		d->ev.flags |= NSTRACE_F_TRUNCATED;
		end = d->pkt_len;
	}
	d->l3_end = end;
}

/*
 * IPv4 at *off. Returns 1 when an L4 header follows at *off (now past the
 * options), 0 when it does not (a later fragment), -1 to stop decoding.
 */
static __always_inline int parse_ipv4(PKT_CTX *skb, struct decode *d,
				      __u32 *off)
{
	struct iphdr copy __attribute__((aligned(8)));
	const struct iphdr *ip;
	__u32 hlen, tot_len;
	__u16 frag;

	ip = pkt_header(skb, *off, &copy, sizeof(*ip));
	if (!ip)
		return truncated(d);
	hlen = ip->ihl * 4;
	tot_len = bpf_ntohs(ip->tot_len);
	if (ip->version != 4 || hlen < sizeof(*ip) || tot_len < hlen) {
		d->ev.flags |= NSTRACE_F_UNSUPPORTED;
		d->proto_class = NSTRACE_P_OTHER;
		return -1;
	}
	d->ev.l3_family = NSTRACE_L3_IPV4;
	d->ev.tos = ip->tos;
	d->ev.ttl = ip->ttl;
	d->ev.ip_id = bpf_ntohs(ip->id);
	d->ev.l4_proto = ip->protocol;
	__builtin_memcpy(d->ev.saddr, &ip->saddr, 4);
	__builtin_memcpy(d->ev.daddr, &ip->daddr, 4);
	d->ip_ident = d->ev.ip_id;
	d->ip_len = tot_len;
	if (hlen > sizeof(*ip))
		d->ev.flags |= NSTRACE_F_IP_OPTIONS;
	frag = bpf_ntohs(ip->frag_off);
	d->ev.frag_off = (frag & IP_OFFSET) * 8;
	if (frag & (IP_MF | IP_OFFSET))
		d->ev.flags |= NSTRACE_F_FRAGMENT;
	set_l3_end(d, *off + tot_len);
	*off += hlen;
	return (frag & IP_OFFSET) ? 0 : 1;
}

struct ipv6_ext_buf {
	__u8 nexthdr;
	__u8 hdrlen;
	__be16 frag_off; /* fragment header only */
	__be32 ident; /* fragment header only */
} __attribute__((aligned(8)));

#define IP6_OFFSET 0xfff8
#define IP6_MF 0x0001

static __always_inline int is_ipv6_ext(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_DSTOPTS || nexthdr == IPPROTO_FRAGMENT;
}

/* IPv6 at *off, extension headers walked; returns like parse_ipv4(). */
static __always_inline int parse_ipv6(PKT_CTX *skb, struct decode *d,
				      __u32 *off)
{
	struct ipv6hdr copy __attribute__((aligned(8)));
	const struct ipv6hdr *ip6;
	struct ipv6_ext_buf ext;
	__u32 payload_len;
	__u16 frag;
	__u8 next;

	ip6 = pkt_header(skb, *off, &copy, sizeof(*ip6));
	if (!ip6)
		return truncated(d);
	if (ip6->version != 6) {
		d->ev.flags |= NSTRACE_F_UNSUPPORTED;
		d->proto_class = NSTRACE_P_OTHER;
		return -1;
	}
	payload_len = bpf_ntohs(ip6->payload_len);
	d->ev.l3_family = NSTRACE_L3_IPV6;
	d->ev.tos = (ip6->priority << 4) | (ip6->flow_lbl[0] >> 4);
	d->ev.ttl = ip6->hop_limit;
	__builtin_memcpy(d->ev.saddr, &ip6->saddr, 16);
	__builtin_memcpy(d->ev.daddr, &ip6->daddr, 16);
	d->ip_len = payload_len;
	*off += sizeof(*ip6);
	set_l3_end(d, *off + payload_len);
	next = ip6->nexthdr;

	for (int i = 0; i < IPV6_MAX_EXT_HEADERS; i++) {
		if (!is_ipv6_ext(next))
			break;
		d->ev.flags |= NSTRACE_F_IP_OPTIONS;
		if (pkt_load(skb, *off, &ext, sizeof(ext)))
			return truncated(d);
		if (next == IPPROTO_FRAGMENT) {
			frag = bpf_ntohs(ext.frag_off);
			d->ev.flags |= NSTRACE_F_FRAGMENT;
			d->ev.frag_off = frag & IP6_OFFSET;
			d->ip_ident = bpf_ntohl(ext.ident);
			*off += sizeof(ext);
			if (frag & IP6_OFFSET) {
				d->ev.l4_proto = ext.nexthdr;
				return 0;
			}
		} else {
			*off += (ext.hdrlen + 1) * 8;
		}
		next = ext.nexthdr;
	}
	if (is_ipv6_ext(next)) {
		/* More extension headers than we walk. */
		d->ev.flags |= NSTRACE_F_UNSUPPORTED;
		d->proto_class = NSTRACE_P_OTHER;
		return -1;
	}
	d->ev.l4_proto = next;
	return 1;
}

#endif /* NSTRACE_PARSE_IP_H */
