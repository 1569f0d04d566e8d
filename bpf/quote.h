/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ICMP errors quote the packet that caused them (IP header + at least 8
 * bytes of L4). Fingerprinting the quote with the same recipes links the
 * error to that packet's timeline (related_fp).
 */
#ifndef NSTRACE_QUOTE_H
#define NSTRACE_QUOTE_H

#include "pkt.h"
#include "fingerprint.h"
#include "parse_l4.h"

struct quoted_ip {
	__u32 ident;
	__u32 l4_off;
	__u16 len;
	__u16 frag_off;
	__u8 proto;
	__u8 v6;
};

static __always_inline int quote_ip(PKT_CTX *skb, __u32 off,
				    struct quoted_ip *q)
{
	union {
		struct iphdr v4;
		struct ipv6hdr v6;
	} ip __attribute__((aligned(8)));

	if (pkt_load(skb, off, &ip, 1))
		return -1;
	if (ip.v4.version == 4) {
		if (pkt_load(skb, off, &ip, sizeof(ip.v4)) || ip.v4.ihl < 5)
			return -1;
		q->ident = bpf_ntohs(ip.v4.id);
		q->len = bpf_ntohs(ip.v4.tot_len);
		q->frag_off = (bpf_ntohs(ip.v4.frag_off) & IP_OFFSET) * 8;
		q->proto = ip.v4.protocol;
		q->l4_off = off + ip.v4.ihl * 4;
		q->v6 = 0;
		return 0;
	}
	if (ip.v4.version == 6) {
		if (pkt_load(skb, off, &ip, sizeof(ip.v6)))
			return -1;
		/* Extension headers in a quote are not walked. */
		if (is_ipv6_ext(ip.v6.nexthdr))
			return -1;
		q->ident = 0;
		q->len = bpf_ntohs(ip.v6.payload_len);
		q->frag_off = 0;
		q->proto = ip.v6.nexthdr;
		q->l4_off = off + sizeof(ip.v6);
		q->v6 = 1;
		return 0;
	}
	return -1;
}

/* The fingerprint the quoted packet had when it was sent, or 0. */
static __always_inline __u64 quote_fingerprint(PKT_CTX *skb,
					       __u32 off)
{
	struct quoted_ip q = {};
	union {
		struct tcp_buf tcp;
		struct udp_buf udp;
		struct icmp_buf icmp;
		struct dhcp6_buf dhcp6;
	} l4 __attribute__((aligned(8)));
	__u64 payload __attribute__((aligned(8))) = 0;
	__u16 ulen, dport;

	if (quote_ip(skb, off, &q))
		return 0;
	if (q.frag_off)
		return fp_ip(q.ident, q.proto, q.len, q.frag_off);
	switch (q.proto) {
	case IPPROTO_TCP:
		if (pkt_load(skb, q.l4_off, &l4, TCP_FLAGS_END))
			return 0;
		return fp_tcp(q.ident, bpf_ntohl(l4.tcp.seq),
			      bpf_ntohl(l4.tcp.ack_seq), l4.tcp.flags);
	case IPPROTO_UDP:
		if (pkt_load(skb, q.l4_off, &l4, sizeof(l4.udp)))
			return 0;
		ulen = bpf_ntohs(l4.udp.len);
		dport = bpf_ntohs(l4.udp.dest);
		/* DHCPv4 needs its options and tunnels their inner packet,
		 * which a quote rarely holds in full. */
		if (udp_port_decoded_further(l4.udp.dest))
			return 0;
		if (q.v6 && (dport == DHCP6_SERVER_PORT ||
			     dport == DHCP6_CLIENT_PORT)) {
			__u32 v;

			if (pkt_load(skb, q.l4_off + sizeof(l4.udp), &l4, 4))
				return 0;
			v = bpf_ntohl(l4.dhcp6.type_xid);
			if ((v >> 24) != DHCP6_RELAY_FORW &&
			    (v >> 24) != DHCP6_RELAY_REPL)
				return fp_dhcp6(v >> 24, v & 0xffffff);
		}
		if (ulen >= sizeof(l4.udp) + UDP_PAYLOAD_FP_LEN &&
		    pkt_load(skb, q.l4_off + sizeof(l4.udp), &payload,
			     UDP_PAYLOAD_FP_LEN))
			return 0;
		return fp_udp(q.ident, ulen, payload);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if ((q.proto == IPPROTO_ICMPV6) != q.v6)
			break;
		if (pkt_load(skb, q.l4_off, &l4, sizeof(l4.icmp)))
			return 0;
		if (icmp_is_echo(l4.icmp.type, q.v6))
			return fp_echo(q.ident, l4.icmp.type,
				       bpf_ntohs(l4.icmp.rest_hi),
				       bpf_ntohs(l4.icmp.rest_lo));
		break;
	case IPPROTO_GRE:
		return 0;
	}
	return fp_ip(q.ident, q.proto, q.len, 0);
}

#endif /* NSTRACE_QUOTE_H */
