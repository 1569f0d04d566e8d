/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reading headers from the skb, and the decode state the parsers share.
 *
 * pkt_header() points into linear data when the header is there (cheapest,
 * no copy), otherwise it copies the header with bpf_skb_load_bytes(), which
 * also reaches paged data (tunnel inner headers often live there);
 * pkt_load() always copies. We never call bpf_skb_pull_data(): a passive
 * tracer must not change the skb.
 *
 * The parsers read the packet only through pkt_load(), pkt_header() and
 * pkt_bytes() and take it as PKT_CTX *: the tc probe's struct __sk_buff by
 * default. A program that finds packets elsewhere defines
 * NSTRACE_PKT_KERNEL before including this file and gets PKT_CTX = struct
 * kern_pkt (pkt_kern.h): the same parsers, decode, filter and fingerprint
 * over a kernel skb's memory (the drop tracepoint, bpf/drop.bpf.c).
 */
#ifndef NSTRACE_PKT_H
#define NSTRACE_PKT_H

#include "nstrace_event.h"

#ifdef NSTRACE_PKT_KERNEL
#define PKT_CTX struct kern_pkt
#else
#define PKT_CTX struct __sk_buff
#endif

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define ETH_P_TEB 0x6558

#define IPPROTO_HOPOPTS 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ROUTING 43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_GRE 47
#define IPPROTO_ICMPV6 58
#define IPPROTO_DSTOPTS 60

/* Past this offset only bpf_skb_load_bytes() is used: keeps the verifier's
 * packet-pointer arithmetic bounded. */
#define PKT_DIRECT_MAX_OFF 4096

/* Which fingerprint recipe applies (see fingerprint.h); FP_NONE = some field
 * the recipe needs was not decoded, so the fingerprint stays 0. */
enum fp_recipe {
	FP_NONE = 0,
	FP_DHCP4,
	FP_DHCP6,
	FP_ECHO,
	FP_ICMP_ERR,
	FP_TCP,
	FP_UDP,
	FP_ARP,
	FP_IP,
};

/* Work left for after the filter said yes (finish_decode() in decode.h). */
#define DEFER_DHCP4_OPTIONS (1 << 0) /* walk options for type 53 */
#define DEFER_UDP_PAYLOAD (1 << 1) /* read 8 payload bytes for FP_UDP */
#define DEFER_ICMP_QUOTE (1 << 2) /* fingerprint the quoted packet */

struct decode {
	__u32 pkt_len; /* skb->len */
	__u32 proto_class; /* NSTRACE_P_* of the (inner) packet; 0 = unknown */
	__u32 l3_end; /* end of the (inner) IP packet or UDP datagram, capped
		       * at pkt_len */
	__u32 defer_off; /* where the deferred work starts */
	__u64 payload8; /* first 8 UDP payload bytes: fp input */
	__u32 ip_ident; /* IPv4 ID, IPv6 fragment id: fp input */
	__u16 ip_len; /* IPv4 total / IPv6 payload length: fp input */
	__u16 udp_len; /* fp input */
	__u16 dhcp_secs; /* fp input */
	__u8 fp; /* enum fp_recipe */
	__u8 defer; /* DEFER_* */
	struct nstrace_event ev; /* decoded fields; 0 = not decoded (last:
				  * snap[] is a flexible array). The tc probe
				  * leaves the fields only its emit fills, and
				  * tun_saddr/tun_daddr outside a tunnel,
				  * unset: see decode_init() in probe.bpf.c */
};

/*
 * Copy a header of constant size len from the packet into an 8-byte aligned
 * stack buffer in word moves. The packet side may be unaligned, which the
 * verifier allows and x86-64 / arm64 load without penalty; a plain memcpy
 * would be lowered to byte moves here because clang cannot know that.
 */
static __always_inline void pkt_copy(void *to, const void *from, __u32 len)
{
	__u32 i = 0;

#pragma unroll
	for (; i + 8 <= len; i += 8)
		*(__u64 *)(to + i) = *(const __u64 *)(from + i);
	if (len - i >= 4) {
		*(__u32 *)(to + i) = *(const __u32 *)(from + i);
		i += 4;
	}
	if (len - i >= 2) {
		*(__u16 *)(to + i) = *(const __u16 *)(from + i);
		i += 2;
	}
	if (len - i >= 1)
		*(__u8 *)(to + i) = *(const __u8 *)(from + i);
}

#ifdef NSTRACE_PKT_KERNEL
#include "pkt_kern.h"
#else
/* Returns 0, or -1 when the packet ends before off + len. */
static __always_inline int pkt_load(struct __sk_buff *skb, __u32 off,
				    void *to, __u32 len)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (off <= PKT_DIRECT_MAX_OFF && data + off + len <= data_end) {
		pkt_copy(to, data + off, len);
		return 0;
	}
	return bpf_skb_load_bytes(skb, off, to, len) ? -1 : 0;
}

/*
 * A header of len bytes at off, where the parser can read it: in the
 * packet when linear data holds it (no copy), otherwise copied into buf
 * (8-byte aligned, len bytes). NULL when the packet ends before off + len.
 */
static __always_inline const void *pkt_header(struct __sk_buff *skb,
					      __u32 off, void *buf, __u32 len)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (off <= PKT_DIRECT_MAX_OFF && data + off + len <= data_end)
		return data + off;
	if (bpf_skb_load_bytes(skb, off, buf, len))
		return NULL;
	return buf;
}

/* Copy len bytes at off without the direct-access attempt: its offset
 * needs no bounds, which keeps loops cheap for the verifier. 0 or < 0. */
static __always_inline long pkt_bytes(struct __sk_buff *skb, __u32 off,
				      void *to, __u32 len)
{
	return bpf_skb_load_bytes(skb, off, to, len);
}
#endif

/* A header is missing: flag it; the layer stops decoding. */
static __always_inline int truncated(struct decode *d)
{
	d->ev.flags |= NSTRACE_F_TRUNCATED;
	return -1;
}

#endif /* NSTRACE_PKT_H */
