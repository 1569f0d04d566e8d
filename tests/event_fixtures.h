/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Builders for struct nstrace_event, as the probe would fill it, for tests
 * of everything after the kernel (renderers, correlator, analysers).
 * Addresses are given as text; any parse error aborts the test.
 */
#ifndef NSTRACE_EVENT_FIXTURES_H
#define NSTRACE_EVENT_FIXTURES_H

#include <linux/types.h>

#include "nstrace_event.h"

/* A packet event at hop_id/dir, time ts_ns, fingerprint fp; all else 0. */
void fx_event(struct nstrace_event *e, __u64 fp, __u32 hop_id, __u8 dir,
	      __u64 ts_ns);
void fx_mac(__u8 mac[6], const char *text);
/* Ethernet addresses and ethertype of the (inner) frame. */
void fx_eth(struct nstrace_event *e, const char *src, const char *dst,
	    __u16 proto);
/* Appends an outer VLAN tag. */
void fx_vlan(struct nstrace_event *e, __u16 vid);
/* IPv4 or IPv6 header by the address text; sets eth_proto too. */
void fx_ip(struct nstrace_event *e, const char *src, const char *dst,
	   __u8 proto, __u8 ttl);
void fx_ports(struct nstrace_event *e, __u16 sport, __u16 dport);
void fx_dhcp4(struct nstrace_event *e, __u8 op, __u8 msg, __u32 xid,
	      const char *chaddr);
void fx_dhcp6(struct nstrace_event *e, __u8 msg, __u32 xid);
/* ICMP or ICMPv6 echo by the IP family already set. */
void fx_echo(struct nstrace_event *e, __u8 type, __u16 id, __u16 seq);
void fx_arp(struct nstrace_event *e, __u16 op, const char *sender_mac,
	    const char *sender_ip, const char *target_ip);
/* GRE (key) / VXLAN / Geneve (VNI) outer headers over IPv4. */
void fx_tunnel(struct nstrace_event *e, __u8 tun_type, __u32 key,
	       const char *outer_src, const char *outer_dst);

#endif
