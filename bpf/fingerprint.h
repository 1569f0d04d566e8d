/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The packet fingerprint: a 64-bit hash of the fields no hop rewrites
 * (not MACs, VLAN tags, tunnel headers, addresses, ports, TTL, checksums),
 * started from a tag per recipe so that two protocols never share one.
 * docs/events.md lists what each recipe covers and why.
 */
#ifndef NSTRACE_FINGERPRINT_H
#define NSTRACE_FINGERPRINT_H

#include "pkt.h"

#define FP_TAG_DHCP4 0x44484350763430ULL
#define FP_TAG_DHCP6 0x44484350763630ULL
#define FP_TAG_ECHO 0x4543484f000001ULL
#define FP_TAG_ICMP_ERR 0x49434d5045525fULL
#define FP_TAG_TCP 0x54435000000001ULL
#define FP_TAG_UDP 0x55445000000001ULL
#define FP_TAG_ARP 0x41525000000001ULL
#define FP_TAG_IP 0x49500000000001ULL

/* Two multiply/xor-shift rounds per word: every input bit reaches every
 * output bit, so near-identical packets (seq + 1) land far apart. */
static __always_inline __u64 fp_mix(__u64 h, __u64 v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ULL;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h;
}

/* 0 means "no fingerprint", so a hash that happens to be 0 becomes 1. */
static __always_inline __u64 fp_done(__u64 h)
{
	return h ? h : 1;
}

static __always_inline __u64 mac_to_u64(const __u8 *mac)
{
	__u64 v = 0;

	__builtin_memcpy(&v, mac, 6);
	return v;
}

static __always_inline __u64 fp_dhcp4(__u32 xid, __u16 secs, __u8 msg,
				      __u64 chaddr)
{
	__u64 h = fp_mix(FP_TAG_DHCP4,
			 xid | (__u64)secs << 32 | (__u64)msg << 48);

	return fp_done(fp_mix(h, chaddr));
}

static __always_inline __u64 fp_dhcp6(__u8 msg, __u32 xid)
{
	return fp_done(fp_mix(FP_TAG_DHCP6, (__u64)msg << 24 | xid));
}

static __always_inline __u64 fp_echo(__u32 ident, __u8 type, __u16 id,
				     __u16 seq)
{
	__u64 h = fp_mix(FP_TAG_ECHO, ident | (__u64)type << 32);

	return fp_done(fp_mix(h, (__u64)id << 16 | seq));
}

static __always_inline __u64 fp_icmp_err(__u8 type, __u8 code, __u64 related)
{
	__u64 h = fp_mix(FP_TAG_ICMP_ERR, (__u64)type << 8 | code);

	return fp_done(fp_mix(h, related));
}

static __always_inline __u64 fp_tcp(__u32 ident, __u32 seq, __u32 ack,
				    __u8 flags)
{
	__u64 h = fp_mix(FP_TAG_TCP, ident | (__u64)flags << 32);

	return fp_done(fp_mix(h, (__u64)seq << 32 | ack));
}

/* payload: the first 8 payload bytes, 0 when the datagram has fewer. */
static __always_inline __u64 fp_udp(__u32 ident, __u16 ulen, __u64 payload)
{
	__u64 h = fp_mix(FP_TAG_UDP, ident | (__u64)ulen << 32);

	return fp_done(fp_mix(h, payload));
}

static __always_inline __u64 fp_arp(__u16 op, __u64 sha, __u32 spa, __u32 tpa)
{
	__u64 h = fp_mix(FP_TAG_ARP, sha | (__u64)op << 48);

	return fp_done(fp_mix(h, (__u64)spa << 32 | tpa));
}

static __always_inline __u64 fp_ip(__u32 ident, __u8 proto, __u16 len,
				   __u16 frag_off)
{
	__u64 h = fp_mix(FP_TAG_IP, ident | (__u64)proto << 32 |
					    (__u64)len << 40);

	return fp_done(fp_mix(h, frag_off));
}

#endif /* NSTRACE_FINGERPRINT_H */
