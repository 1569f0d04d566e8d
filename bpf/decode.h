/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The decode in two halves. decode_packet() reads what the filter needs:
 * every header down to the application's fixed part. finish_decode() runs
 * only for packets that matched: the DHCP option walk, the UDP payload and
 * the ICMP quote, then the fingerprint.
 */
#ifndef NSTRACE_DECODE_H
#define NSTRACE_DECODE_H

#include "pkt.h"
#include "parse_l2.h"
#include "parse_ip.h"
#include "parse_l4.h"
#include "parse_dhcp.h"
#include "tunnel.h"
#include "quote.h"
#include "fingerprint.h"

/*
 * The L3 packet at off with ethertype proto. Returns the tunnel type to
 * enter (outer level only), L4_DONE, or -1 when decoding stopped.
 */
static __always_inline int parse_l3(PKT_CTX *skb, struct decode *d,
				    __u32 *off, __u16 proto, int inner)
{
	int l4;

	if (proto == ETH_P_IP) {
		l4 = parse_ipv4(skb, d, off);
	} else if (proto == ETH_P_IPV6) {
		l4 = parse_ipv6(skb, d, off);
	} else if (proto == ETH_P_ARP) {
		return parse_arp(skb, d, *off);
	} else {
		d->proto_class = NSTRACE_P_OTHER;
		return L4_DONE;
	}
	if (l4 < 0)
		return -1;
	if (l4 == 0) {
		/* A later fragment: no L4 header to read. */
		d->proto_class = NSTRACE_P_OTHER;
		d->fp = FP_IP;
		return L4_DONE;
	}
	return parse_l4(skb, d, off, inner);
}

/*
 * The tunnel's inner frame is decoded by a global function on purpose: the
 * verifier checks it once, on its own, instead of once per path through
 * the outer headers, which keeps the probe far below its limits. The rest
 * stays inline: a call costs a little on every packet.
 */

/* The frame inside a tunnel, from the tunnel header's payload at off. */
__noinline int nstrace_decode_inner(PKT_CTX *skb, struct decode *d,
				    __u32 off, __u32 proto)
{
	__u16 p = proto;

	if (!skb || !d)
		return -1;
	if (p == ETH_P_TEB) {
		if (parse_eth(skb, d, &off, &p, 1))
			return -1;
	} else {
		d->ev.eth_proto = p;
	}
	return parse_l3(skb, d, &off, p, 1) < 0 ? -1 : 0;
}

/*
 * From the (outer) L3 header at off, of ethertype proto, down: what
 * decode_packet() does after Ethernet, for packets found without one
 * (a locally sent packet freed before it got its link-layer header).
 */
static __always_inline int decode_from_l3(PKT_CTX *skb, struct decode *d,
					  __u32 off, __u16 proto)
{
	int tun;

	/* On a tunnel, off is left at the tunnel header. */
	tun = parse_l3(skb, d, &off, proto, 0);
	if (tun < 0 && !d->proto_class) {
		/* Cut short before it was clear whether a tunnel follows. */
		forget_outer_headers(d);
		return -1;
	}
	if (tun <= 0)
		return tun;
	enter_tunnel(d, tun);
	if (parse_tunnel(skb, d, &off, &proto, tun))
		return -1;
	return nstrace_decode_inner(skb, d, off, proto);
}

/* Everything the filter looks at. */
static __always_inline int decode_packet(PKT_CTX *skb,
					 struct decode *d)
{
	__u32 off = 0;
	__u16 proto;

	if (parse_eth(skb, d, &off, &proto, 0)) {
		forget_outer_headers(d);
		return -1;
	}
	return decode_from_l3(skb, d, off, proto);
}

static __always_inline void read_udp_payload(PKT_CTX *skb,
					     struct decode *d)
{
	__u64 payload __attribute__((aligned(8))) = 0;

	if (d->udp_len >= UDP_HDR_LEN + UDP_PAYLOAD_FP_LEN &&
	    pkt_load(skb, d->defer_off, &payload, UDP_PAYLOAD_FP_LEN)) {
		truncated(d);
		d->fp = FP_NONE;
		return;
	}
	d->payload8 = payload;
}

static __always_inline __u64 fingerprint(const struct decode *d)
{
	const struct nstrace_event *e = &d->ev;

	switch (d->fp) {
	case FP_DHCP4:
		return fp_dhcp4(e->xid, d->dhcp_secs, e->dhcp_msg,
				mac_to_u64(e->chaddr));
	case FP_DHCP6:
		return fp_dhcp6(e->dhcp_msg, e->xid);
	case FP_ECHO:
		return fp_echo(d->ip_ident, e->icmp_type, e->icmp_id,
			       e->icmp_seq);
	case FP_ICMP_ERR:
		if (e->related_fp)
			return fp_icmp_err(e->icmp_type, e->icmp_code,
					   e->related_fp);
		/* The quote may be cut short: better none than a wrong one. */
		if (e->flags & NSTRACE_F_TRUNCATED)
			return 0;
		return fp_ip(d->ip_ident, e->l4_proto, d->ip_len, e->frag_off);
	case FP_TCP:
		return fp_tcp(d->ip_ident, e->tcp_seq, e->tcp_ack,
			      e->tcp_flags);
	case FP_UDP:
		return fp_udp(d->ip_ident, d->udp_len, d->payload8);
	case FP_ARP: {
		__u32 spa, tpa;

		__builtin_memcpy(&spa, e->saddr, 4);
		__builtin_memcpy(&tpa, e->daddr, 4);
		return fp_arp(e->arp_op, mac_to_u64(e->chaddr), spa, tpa);
	}
	case FP_IP:
		return fp_ip(d->ip_ident, e->l4_proto, d->ip_len, e->frag_off);
	}
	return 0;
}

/* The rest of the decode, for a packet the filter kept. */
static __always_inline void finish_decode(PKT_CTX *skb,
					  struct decode *d)
{
	if (d->defer & DEFER_DHCP4_OPTIONS)
		walk_dhcp4_options(skb, d, d->defer_off);
	if (d->defer & DEFER_UDP_PAYLOAD)
		read_udp_payload(skb, d);
	if (d->defer & DEFER_ICMP_QUOTE)
		d->ev.related_fp = quote_fingerprint(skb, d->defer_off);
	d->ev.fingerprint = fingerprint(d);
}

#endif /* NSTRACE_DECODE_H */
