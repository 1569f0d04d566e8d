/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <string.h>

#include "names.h"
#include "pkt_desc.h"

#define ETH_HLEN 14
#define VLAN_HLEN 4
#define IPV4_MIN_HLEN 20
#define IPV6_HLEN 40
#define ICMP_HLEN 8

static bool is_zero(const __u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static __u16 be16_at(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

void pkt_carrier_from_event(struct pkt_carrier *c, const struct nstrace_event *e)
{
	memset(c, 0, sizeof(*c));
	c->flags = e->flags;
	c->vlan_count = e->vlan_count > 2 ? 2 : e->vlan_count;
	memcpy(c->vlan_tci, e->vlan_tci, sizeof(c->vlan_tci));
	c->inner_vlan_tci = e->inner_vlan_tci;
	if (e->flags & NSTRACE_F_TUNNEL) {
		c->tun_type = e->tun_type;
		c->tun_family = e->tun_family;
		c->tun_key = e->tun_key;
		memcpy(c->tun_saddr, e->tun_saddr, sizeof(c->tun_saddr));
		memcpy(c->tun_daddr, e->tun_daddr, sizeof(c->tun_daddr));
	}
}

static bool is_port_proto(__u8 proto)
{
	return proto == 6 || proto == 17;
}

static bool l4_present(const struct nstrace_event *e)
{
	/* Only the first fragment carries the L4 header. */
	return !(e->flags & NSTRACE_F_FRAGMENT) || e->frag_off == 0;
}

void pkt_addrs_from_event(struct pkt_addrs *a, const struct nstrace_event *e)
{
	memset(a, 0, sizeof(*a));
	a->l3_family = e->l3_family;
	a->l4_proto = e->l4_proto;
	a->ttl = e->ttl;
	a->has_ports = (e->l3_family == NSTRACE_L3_IPV4 ||
			e->l3_family == NSTRACE_L3_IPV6) &&
		       is_port_proto(e->l4_proto) && l4_present(e);
	if (a->has_ports) {
		a->sport = e->sport;
		a->dport = e->dport;
	}
	memcpy(a->saddr, e->saddr, sizeof(a->saddr));
	memcpy(a->daddr, e->daddr, sizeof(a->daddr));
	memcpy(a->eth_src, e->eth_src, 6);
	memcpy(a->eth_dst, e->eth_dst, 6);
	a->has_eth = !is_zero(e->eth_src, 6) || !is_zero(e->eth_dst, 6);
}

/* Offset of the IP header in the snap, after Ethernet and VLAN tags. */
static int snap_l3_offset(const struct nstrace_event *e, __u16 *ethertype)
{
	int off = ETH_HLEN;
	__u16 proto;

	if (e->snap_len < ETH_HLEN)
		return -1;
	proto = be16_at(e->snap + 12);
	for (int i = 0; i < 2 && (proto == 0x8100 || proto == 0x88a8); i++) {
		if (off + VLAN_HLEN > e->snap_len)
			return -1;
		proto = be16_at(e->snap + off + 2);
		off += VLAN_HLEN;
	}
	*ethertype = proto;
	return off;
}

/*
 * The quoted header of an ICMP error, read from the snap.  The snap holds
 * the frame as seen at the hop: only a plain (untunnelled) frame whose IP
 * header matches the decoded addresses is trusted; anything else is left
 * unknown rather than guessed.
 */
static void quoted_from_snap(struct pkt_app *p, const struct nstrace_event *e)
{
	const __u8 *s = e->snap;
	__u16 ethertype;
	int off, q;

	if (e->flags & (NSTRACE_F_TUNNEL | NSTRACE_F_TRUNCATED))
		return;
	off = snap_l3_offset(e, &ethertype);
	if (off < 0)
		return;
	if (e->l3_family == NSTRACE_L3_IPV4 && ethertype == 0x0800) {
		int ihl;

		if (off + IPV4_MIN_HLEN > e->snap_len || (s[off] >> 4) != 4)
			return;
		ihl = (s[off] & 0xf) * 4;
		if (ihl < IPV4_MIN_HLEN || s[off + 9] != 1 ||
		    memcmp(s + off + 12, e->saddr, 4) ||
		    memcmp(s + off + 16, e->daddr, 4))
			return;
		q = off + ihl + ICMP_HLEN;
		if (q + IPV4_MIN_HLEN > e->snap_len || (s[q] >> 4) != 4)
			return;
		p->quoted_family = NSTRACE_L3_IPV4;
		p->quoted_proto = s[q + 9];
		memcpy(p->quoted_saddr, s + q + 12, 4);
		memcpy(p->quoted_daddr, s + q + 16, 4);
		p->has_quoted = true;
	} else if (e->l3_family == NSTRACE_L3_IPV6 && ethertype == 0x86dd) {
		if (off + IPV6_HLEN > e->snap_len || (s[off] >> 4) != 6 ||
		    s[off + 6] != 58 || memcmp(s + off + 8, e->saddr, 16) ||
		    memcmp(s + off + 24, e->daddr, 16))
			return;
		q = off + IPV6_HLEN + ICMP_HLEN;
		if (q + IPV6_HLEN > e->snap_len || (s[q] >> 4) != 6)
			return;
		p->quoted_family = NSTRACE_L3_IPV6;
		p->quoted_proto = s[q + 6];
		memcpy(p->quoted_saddr, s + q + 8, 16);
		memcpy(p->quoted_daddr, s + q + 24, 16);
		p->has_quoted = true;
	}
}

void pkt_app_from_event(struct pkt_app *p, const struct nstrace_event *e)
{
	memset(p, 0, sizeof(*p));
	p->app = e->app;
	p->l3_family = e->l3_family;
	p->l4_proto = e->l4_proto;
	p->tos = e->tos;
	p->eth_proto = e->eth_proto;
	p->ip_id = e->ip_id;
	p->frag_off = e->frag_off;
	p->l4_decoded = e->l4_proto && l4_present(e);
	p->tcp_flags = e->tcp_flags;
	p->tcp_seq = e->tcp_seq;
	p->tcp_ack = e->tcp_ack;
	p->icmp_type = e->icmp_type;
	p->icmp_code = e->icmp_code;
	p->icmp_id = e->icmp_id;
	p->icmp_seq = e->icmp_seq;
	p->related_fp = e->related_fp;
	p->xid = e->xid;
	p->dhcp_op = e->dhcp_op;
	p->dhcp_msg = e->dhcp_msg;
	p->arp_op = e->arp_op;
	memcpy(p->chaddr, e->chaddr, 6);
	if (e->app == NSTRACE_APP_ICMP_ERR)
		quoted_from_snap(p, e);
}

void pkt_drop_from_event(struct pkt_drop *d, const struct nstrace_event *e)
{
	memset(d, 0, sizeof(*d));
	d->present = e->kind == NSTRACE_EV_DROP;
	if (d->present) {
		d->reason = e->drop_reason;
		d->location = e->drop_location;
	}
}

void pkt_desc_from_event(struct pkt_desc *d, const struct nstrace_event *e)
{
	pkt_carrier_from_event(&d->carrier, e);
	pkt_addrs_from_event(&d->addrs, e);
	pkt_app_from_event(&d->app, e);
	pkt_drop_from_event(&d->drop, e);
}

bool pkt_addrs_same_endpoints(const struct pkt_addrs *a,
			      const struct pkt_addrs *b)
{
	size_t n = a->l3_family == NSTRACE_L3_IPV6 ? 16 : 4;

	return a->l3_family == b->l3_family && a->has_ports == b->has_ports &&
	       !memcmp(a->saddr, b->saddr, n) &&
	       !memcmp(a->daddr, b->daddr, n) && a->sport == b->sport &&
	       a->dport == b->dport;
}
