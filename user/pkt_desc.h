/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The decoded description of an event, split by what changes between hops:
 *  - carrier: VLAN tags and tunnel, which change at every encap/decap;
 *  - addrs: MACs, IPs, ports, TTL, which NAT and routing rewrite;
 *  - app: what the packet is (DHCP message, ICMP echo, ...), which does not.
 * Every renderer (event text and JSON, timeline text and JSON) reads these
 * structs, never struct nstrace_event directly, and the correlator keeps
 * them per hop, so what is printed for an event and for a timeline hop
 * cannot drift apart.  Plain values, no pointers: safe to copy.
 */
#ifndef NSTRACE_PKT_DESC_H
#define NSTRACE_PKT_DESC_H

#include <stdbool.h>
#include <linux/types.h>

#include "nstrace_event.h"

struct pkt_carrier {
	__u16 flags; /* the event's NSTRACE_F_* */
	__u8 vlan_count; /* 0..2 tags on the wire, outer first */
	__u16 vlan_tci[2];
	__u16 inner_vlan_tci; /* valid with NSTRACE_F_INNER_VLAN */
	__u8 tun_type; /* NSTRACE_TUN_*; NONE when not tunnelled */
	__u8 tun_family; /* outer IP family */
	__u32 tun_key; /* valid with NSTRACE_F_TUN_KEY */
	__u8 tun_saddr[16];
	__u8 tun_daddr[16];
};

struct pkt_addrs {
	__u8 l3_family; /* NSTRACE_L3_* */
	__u8 l4_proto; /* IPPROTO_*; 0 if none */
	__u8 ttl;
	bool has_ports; /* TCP/UDP header decoded */
	bool has_eth; /* eth_src/eth_dst were seen (not all zero) */
	__u16 sport;
	__u16 dport;
	__u8 saddr[16]; /* ARP: sender IP */
	__u8 daddr[16]; /* ARP: target IP */
	__u8 eth_src[6];
	__u8 eth_dst[6];
};

struct pkt_app {
	__u8 app; /* NSTRACE_APP_* */
	__u8 l3_family;
	__u8 l4_proto;
	__u8 tos;
	__u16 eth_proto;
	__u16 ip_id;
	__u16 frag_off;
	bool l4_decoded; /* false for non-first fragments */
	__u8 tcp_flags;
	__u32 tcp_seq;
	__u32 tcp_ack;
	__u8 icmp_type;
	__u8 icmp_code;
	__u16 icmp_id;
	__u16 icmp_seq;
	__u64 related_fp; /* ICMP error: fingerprint of the quoted packet */
	/* ICMP error: the quoted packet's header, when the snap holds it */
	bool has_quoted;
	__u8 quoted_family;
	__u8 quoted_proto;
	__u8 quoted_saddr[16];
	__u8 quoted_daddr[16];
	__u32 xid;
	__u8 dhcp_op;
	__u8 dhcp_msg;
	__u16 arp_op;
	__u8 chaddr[6];
};

struct pkt_drop {
	bool present; /* NSTRACE_EV_DROP */
	__u32 reason; /* enum skb_drop_reason */
	__u64 location; /* kernel address of the free */
};

struct pkt_desc {
	struct pkt_carrier carrier;
	struct pkt_addrs addrs;
	struct pkt_app app;
	struct pkt_drop drop;
};

void pkt_carrier_from_event(struct pkt_carrier *c, const struct nstrace_event *e);
void pkt_addrs_from_event(struct pkt_addrs *a, const struct nstrace_event *e);
/* Reads the snap only within e->snap_len (quoted ICMP header). */
void pkt_app_from_event(struct pkt_app *p, const struct nstrace_event *e);
void pkt_drop_from_event(struct pkt_drop *d, const struct nstrace_event *e);
void pkt_desc_from_event(struct pkt_desc *d, const struct nstrace_event *e);

/* Same source/destination addresses and ports (NAT rewrites these). */
bool pkt_addrs_same_endpoints(const struct pkt_addrs *a,
			      const struct pkt_addrs *b);

#endif
