/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Text and JSON fragments for each part of a packet description: the one
 * place that decides how a hop, a VLAN tag, a tunnel, an address pair, a
 * DHCP message or a drop is written.  The event and timeline renderers
 * only assemble these fragments.
 */
#ifndef NSTRACE_RENDER_PARTS_H
#define NSTRACE_RENDER_PARTS_H

#include <stddef.h>

#include "hops.h"
#include "json_writer.h"
#include "pkt_desc.h"
#include "sbuf.h"

/* Column width of hop labels in text output, and a buffer that fits any. */
#define HOP_LABEL_WIDTH 24
#define HOP_LABEL_MAX (HOP_NAME_MAX + IF_NAMESIZE + 64)

/* "netns/dev" ("-" for nstrace's own netns), or
 * "ifindex N netns-cookie C" when the hop is unknown. */
void text_hop_label(struct sbuf *sb, const struct hop *hop, __u32 ifindex,
		    __u64 netns_cookie);
/* "vlan 3" per wire tag, then "gre key 0x40 SRC > DST" for a tunnel. */
void text_outer(struct sbuf *sb, const struct pkt_carrier *c);
/* "vlan 5" for the tag of a tunnelled frame, nothing otherwise. */
void text_inner_vlan(struct sbuf *sb, const struct pkt_carrier *c);
/* "MAC > MAC". */
void text_eth(struct sbuf *sb, const struct pkt_addrs *a);
/* "SRC > DST" or "SRC.PORT > DST.PORT". */
void text_endpoints(struct sbuf *sb, const struct pkt_addrs *a);
/* "nat SRC > DST" when cur's addresses or ports differ from prev's. */
void text_nat(struct sbuf *sb, const struct pkt_addrs *prev, const struct pkt_addrs *cur);
/* What the packet is: "SRC > DST ICMP echo request id 1 seq 2 ttl 64". */
void text_packet(struct sbuf *sb, const struct pkt_addrs *a,
		 const struct pkt_app *p);
/* "[truncated]" "[fragment off 1480]" ... for flags worth a reader's eye. */
void text_flags(struct sbuf *sb, __u16 flags, __u16 frag_off);
/* "drop reason 5 (NETFILTER_DROP) at 0xffffffff81234567". */
void text_drop(struct sbuf *sb, const struct pkt_drop *d);
/* Microseconds with three decimals from nanoseconds: "12.345". */
void text_usec(struct sbuf *sb, __u64 ns);

/*
 * JSON fragments, written as members of the object or array w is in: key
 * names the member (NULL inside an array). json_carrier, json_packet and
 * json_drop add their members ("vlan", "tunnel"; "eth", "ip", ...;
 * "drop") only when they apply.
 */
void json_hex64(struct jw *w, const char *key, __u64 v);
/* "2025-11-26T10:59:01.123456Z" */
void json_iso_time(struct jw *w, const char *key, __u64 wall_ns);
void json_hop(struct jw *w, const char *key, const struct hop *hop,
	      __u32 hop_id, __u8 dir, __u32 ifindex, __u64 netns_cookie);
void json_flags(struct jw *w, const char *key, __u16 flags);
/* "vlan": [...] and "tunnel": {...}. */
void json_carrier(struct jw *w, const struct pkt_carrier *c);
/*
 * "eth", "ip" / "arp", "udp" / "tcp" / "icmp" and "dhcp".  With p NULL,
 * only what a hop can change: addresses, ports, TTL (timeline hops).
 */
void json_packet(struct jw *w, const struct pkt_addrs *a,
		 const struct pkt_app *p);
/* "drop": {"reason", "reason_name", "location"}. */
void json_drop(struct jw *w, const struct pkt_drop *d);

#endif
