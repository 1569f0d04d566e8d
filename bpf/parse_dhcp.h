/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* DHCPv4 (BOOTP header, option 53) and DHCPv6 (message type, xid). */
#ifndef NSTRACE_PARSE_DHCP_H
#define NSTRACE_PARSE_DHCP_H

#include "pkt.h"

#define DHCP4_SERVER_PORT 67
#define DHCP4_CLIENT_PORT 68
#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547

#define DHCP4_COOKIE_OFF 236 /* from the start of the BOOTP header */
#define DHCP4_COOKIE 0x63825363
#define DHCP4_OPT_PAD 0
#define DHCP4_OPT_MSG_TYPE 53
#define DHCP4_OPT_END 255
/* Real clients put option 53 first; the bound only has to let the
 * verifier see the loop end while still reaching it behind a long list. */
#define DHCP4_MAX_OPTIONS 64

#define DHCP6_RELAY_FORW 12
#define DHCP6_RELAY_REPL 13

/* The fixed BOOTP fields nstrace reads, up to the first 6 chaddr bytes. */
struct dhcp4_buf {
	__u8 op;
	__u8 htype;
	__u8 hlen;
	__u8 hops;
	__be32 xid;
	__be16 secs;
	__be16 flags;
	__be32 ciaddr;
	__be32 yiaddr;
	__be32 siaddr;
	__be32 giaddr;
	__u8 chaddr[6];
} __attribute__((aligned(8)));

#define DHCP4_FIXED_LEN 34

/*
 * The BOOTP header at off (UDP payload): what the filter needs. The option
 * walk for the message type waits until the filter has matched.
 */
static __always_inline int parse_dhcp4(PKT_CTX *skb,
				       struct decode *d, __u32 off)
{
	const struct dhcp4_buf *b;
	struct dhcp4_buf copy;

	b = pkt_header(skb, off, &copy, DHCP4_FIXED_LEN);
	if (!b)
		return truncated(d);
	d->ev.app = NSTRACE_APP_DHCP4;
	d->ev.dhcp_op = b->op;
	d->ev.xid = bpf_ntohl(b->xid);
	d->dhcp_secs = bpf_ntohs(b->secs);
	/* chaddr is a MAC only for Ethernet hardware addresses. */
	if (b->htype == 1 && b->hlen == 6)
		__builtin_memcpy(d->ev.chaddr, b->chaddr, 6);
	d->defer |= DEFER_DHCP4_OPTIONS;
	d->defer_off = off + DHCP4_COOKIE_OFF;
	return 0;
}

struct dhcp4_opt_buf {
	__u8 code;
	__u8 len;
	__u8 value;
} __attribute__((aligned(8)));

/*
 * Find option 53 from the magic cookie at off. Sets dhcp_msg and the
 * fingerprint recipe once the walk reached an answer: the option, the end
 * option, the end of the UDP payload or the bound. A packet that ends
 * before that is truncated: no message type, no fingerprint.
 */
static __always_inline void walk_dhcp4_options(PKT_CTX *skb,
					       struct decode *d, __u32 off)
{
	const struct dhcp4_opt_buf *first;
	struct dhcp4_opt_buf opt, first_copy;
	const __be32 *cookie;
	__be32 cookie_copy __attribute__((aligned(8)));
	__u32 end = d->l3_end;

	if (off + 4 > end) {
		/* A BOOTP header without options. */
		if (!(d->ev.flags & NSTRACE_F_TRUNCATED))
			d->fp = FP_DHCP4;
		return;
	}
	cookie = pkt_header(skb, off, &cookie_copy, 4);
	if (!cookie) {
		truncated(d);
		return;
	}
	if (*cookie != bpf_htonl(DHCP4_COOKIE)) {
		d->fp = FP_DHCP4; /* BOOTP: no message type */
		return;
	}
	off += 4;
	/* Clients and servers put option 53 first: one read finds it. */
	if (off + 3 <= end) {
		first = pkt_header(skb, off, &first_copy, 3);
		if (first && first->code == DHCP4_OPT_MSG_TYPE &&
		    first->len == 1) {
			d->ev.dhcp_msg = first->value;
			d->fp = FP_DHCP4;
			return;
		}
	}
	/* pkt_bytes() only: its offset needs no bounds, so the
	 * verifier treats every iteration alike instead of walking each
	 * possible path through 64 of them. */
	for (int i = 0; i < DHCP4_MAX_OPTIONS; i++) {
		if (off >= end)
			break;
		if (pkt_bytes(skb, off, &opt, 1)) {
			truncated(d);
			return;
		}
		if (opt.code == DHCP4_OPT_PAD) {
			off++;
			continue;
		}
		if (opt.code == DHCP4_OPT_END)
			break;
		if (pkt_bytes(skb, off, &opt, 3)) {
			truncated(d);
			return;
		}
		if (opt.code == DHCP4_OPT_MSG_TYPE) {
			d->ev.dhcp_msg = opt.value;
			break;
		}
		off += 2 + opt.len;
	}
	/* Ran off the end of a packet cut short: the option may be there. */
	if (off >= end && (d->ev.flags & NSTRACE_F_TRUNCATED) &&
	    !d->ev.dhcp_msg)
		return;
	d->fp = FP_DHCP4;
}

struct dhcp6_buf {
	__be32 type_xid; /* msg-type (8 bits), transaction-id (24 bits) */
} __attribute__((aligned(8)));

static __always_inline int parse_dhcp6(PKT_CTX *skb,
				       struct decode *d, __u32 off)
{
	const struct dhcp6_buf *b;
	struct dhcp6_buf copy;
	__u32 v;

	b = pkt_header(skb, off, &copy, sizeof(__be32));
	if (!b)
		return truncated(d);
	v = bpf_ntohl(b->type_xid);
	d->ev.app = NSTRACE_APP_DHCP6;
	d->ev.dhcp_msg = v >> 24;
	if (d->ev.dhcp_msg == DHCP6_RELAY_FORW ||
	    d->ev.dhcp_msg == DHCP6_RELAY_REPL) {
		/* Relay messages carry no transaction id at the top: identify
		 * them like any other UDP datagram. */
		d->fp = FP_UDP;
		d->defer |= DEFER_UDP_PAYLOAD;
		d->defer_off = off;
		return 0;
	}
	d->ev.xid = v & 0xffffff;
	d->fp = FP_DHCP6;
	return 0;
}

#endif /* NSTRACE_PARSE_DHCP_H */
