/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The tc probe's first look at a packet. Most packets on a busy device are
 * plain (Ethernet, IPv4 without options, no tunnel; UDP, TCP or DHCPv4)
 * and most of them are not the ones traced: for those the filter's verdict
 * follows from a few header fields read in place (filter_match_plain()),
 * and a packet the filter does not want costs only that, not the full
 * decode. On a small-packet flood each instruction here shows: 25 fewer
 * per hook are about 0.3 % more packets.
 *
 * Anything else, or a packet the filter may want, is left to the full
 * decode, which then gives the verdict itself: the screen only ever says
 * "no" where the decode would say "no" too (tests/test_probe_filter.c
 * checks it). A screen that says "decode" too often is only slower, which
 * no event shows: bench/probe_cost's unmatched cases do.
 */
#ifndef NSTRACE_SCREEN_H
#define NSTRACE_SCREEN_H

#include "pkt.h"
#include "parse_ip.h"
#include "parse_l4.h"
#include "parse_dhcp.h"
#include "filter.h"

#define SCREEN_DECODE 0 /* decode the packet: it may be wanted */
#define SCREEN_REJECT 1 /* the filter does not want it */

/*
 * The first 8 bytes of an IPv4 header as one little-endian load: version
 * and header length in the low byte, the fragment offset in the 13 low
 * bits of the top two bytes (big-endian there). A header without options
 * and not a later fragment has exactly 0x45 under this mask.
 */
#define IPV4_HEAD_MASK 0xff1f0000000000ffull
#define IPV4_HEAD_PLAIN 0x45

/* Linear data up to the client MAC's 8-byte read (mac_word()). */
#define SCREEN_DHCP4_END                                                      \
	(sizeof(struct ethhdr) + sizeof(struct iphdr) + UDP_HDR_LEN +        \
	 __builtin_offsetof(struct dhcp4_buf, chaddr) + 8)

/*
 * A DHCPv4 packet: the filter may also ask for its transaction id or its
 * client MAC, which the decode takes from the fixed BOOTP header whatever
 * the UDP length says; read here in place. A UDP length below its header
 * (the decode then calls it UDP) or a first fragment is left to the
 * decode.
 */
static __always_inline int screen_dhcp4(const struct udphdr *udp,
					void *data_end, struct plain_view *v)
{
	const struct iphdr *ip = v->ip;
	const struct dhcp4_buf *b = (const void *)(udp + 1);

	if ((void *)v->eth + SCREEN_DHCP4_END > data_end)
		return SCREEN_DECODE;
	if (bpf_ntohs(udp->len) < UDP_HDR_LEN ||
	    (ip->frag_off & bpf_htons(IP_MF)))
		return SCREEN_DECODE;
	v->class = NSTRACE_P_DHCP;
	v->xid = bpf_ntohl(b->xid);
	/* chaddr is a MAC only for Ethernet hardware addresses. */
	v->client_mac = b->htype == 1 && b->hlen == 6 ? mac_word(b->chaddr) : 0;
	return filter_match_plain(&filter, v) ? SCREEN_DECODE : SCREEN_REJECT;
}

/*
 * Every instruction here runs for every packet on the device, so it is
 * written for few of them: each header field is loaded once, in place,
 * and compared in network order.
 */
static __always_inline int nstrace_screen(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	const struct ethhdr *eth = data;
	const struct iphdr *ip = data + sizeof(*eth);
	const struct udphdr *udp = (const void *)(ip + 1);
	struct plain_view v;
	__u8 protocol;

	/* Linear data holding the IPv4 header and TCP's up to its flags
	 * (UDP's 8 bytes are within). */
	if ((void *)(ip + 1) + TCP_FLAGS_END > data_end)
		return SCREEN_DECODE;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return SCREEN_DECODE;
	/* Options, or a later fragment (no L4 header: what would be read as
	 * one is data): the decode knows what to make of them. */
	if ((*(const __u64 *)ip & IPV4_HEAD_MASK) != IPV4_HEAD_PLAIN)
		return SCREEN_DECODE;
	/* A length shorter than the header: the decode calls it "other". */
	if (bpf_ntohs(ip->tot_len) < sizeof(*ip))
		return SCREEN_DECODE;
	v.eth = eth;
	v.ip = ip;
	v.client_mac = 0;
	v.xid = 0;
	protocol = ip->protocol;
	if (protocol == IPPROTO_UDP) {
		if (udp_port_is_dhcp4(udp->dest))
			return screen_dhcp4(udp, data_end, &v);
		if (udp_port_is_tunnel(udp->dest))
			return SCREEN_DECODE;
		v.class = NSTRACE_P_UDP;
	} else if (protocol == IPPROTO_TCP) {
		v.class = NSTRACE_P_TCP;
	} else {
		return SCREEN_DECODE;
	}
	return filter_match_plain(&filter, &v) ? SCREEN_DECODE : SCREEN_REJECT;
}

#endif /* NSTRACE_SCREEN_H */
