/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The tc probe's first look at a packet. Most packets on a busy device are
 * plain (Ethernet, IPv4 without options, UDP or TCP, no tunnel, no DHCP)
 * and most of them are not the ones traced: for those the filter's verdict
 * follows from a few header fields read in place (filter_match_plain()),
 * and a packet the filter does not want costs only that, not the full
 * decode. On a live flood the decode's code is cold at every packet, so
 * what counts there is how much code a packet runs through, more than how
 * many instructions.
 *
 * Anything else, or a packet the filter may want, is left to the full
 * decode, which then gives the verdict itself: the screen only ever says
 * "no" where the decode would say "no" too (tests/test_probe.c checks it).
 */
#ifndef NSTRACE_SCREEN_H
#define NSTRACE_SCREEN_H

#include "pkt.h"
#include "parse_ip.h"
#include "parse_l4.h"
#include "filter.h"

#define SCREEN_DECODE 0 /* decode the packet: it may be wanted */
#define SCREEN_REJECT 1 /* the filter does not want it */

/* Version 4, header length 5 words: the first byte of an IPv4 header
 * without options. */
#define IPV4_NO_OPTIONS 0x45

/*
 * The destination ports at which the decode goes on past UDP (a tunnel,
 * DHCP): packets to them are never plain.
 */
static __always_inline int screen_udp_port_plain(__u16 dport)
{
	return dport != DHCP4_SERVER_PORT && dport != DHCP4_CLIENT_PORT &&
	       dport != VXLAN_PORT && dport != GENEVE_PORT;
}

/*
 * Every instruction here runs for every packet on the device, so it is
 * written for few of them: each header field is loaded once, in place.
 */
static __always_inline int nstrace_screen(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	const struct nstrace_filter *f;
	const struct ethhdr *eth = data;
	const struct iphdr *ip = data + sizeof(*eth);
	const struct udphdr *udp = (const void *)(ip + 1);
	__u32 zero = 0, class;
	__u64 dst_mac, src_mac;
	__u8 protocol;

	/* Linear data holding the IPv4 header and TCP's up to its flags
	 * (UDP's 8 bytes are within). */
	if ((void *)(ip + 1) + TCP_FLAGS_END > data_end)
		return SCREEN_DECODE;
	if (eth->h_proto != bpf_htons(ETH_P_IP) ||
	    *(const __u8 *)ip != IPV4_NO_OPTIONS)
		return SCREEN_DECODE;
	/* The protocol and port first, so that DHCP, which the filter
	 * usually wants, leaves the screen soonest. A UDP length below 8
	 * makes the decode stop after the header, with the same class and
	 * addresses: the verdict is the same. */
	protocol = ip->protocol;
	if (protocol == IPPROTO_UDP) {
		if (!screen_udp_port_plain(bpf_ntohs(udp->dest)))
			return SCREEN_DECODE;
		class = NSTRACE_P_UDP;
	} else if (protocol == IPPROTO_TCP) {
		class = NSTRACE_P_TCP;
	} else {
		return SCREEN_DECODE;
	}
	/* A later fragment (no L4 header: what was read as one is data) or
	 * a length shorter than the header: the decode calls it "other". */
	if ((ip->frag_off & bpf_htons(IP_OFFSET)) ||
	    bpf_ntohs(ip->tot_len) < sizeof(*ip))
		return SCREEN_DECODE;
	/* Only now: packets that are not plain (DHCP above all, which the
	 * filter usually wants) leave without the lookup, and the header
	 * fields are read after the helper call, which clobbers registers. */
	f = bpf_map_lookup_elem(&filter, &zero);
	if (!f)
		return SCREEN_REJECT; /* wanted() rejects without one too */
	dst_mac = mac_word(data);
	src_mac = mac_word(data + 6);
	if (filter_match_plain(f, class, src_mac, dst_mac,
			       (const __u8 *)&ip->saddr, (const __u8 *)&ip->daddr))
		return SCREEN_DECODE;
	return SCREEN_REJECT;
}

#endif /* NSTRACE_SCREEN_H */
