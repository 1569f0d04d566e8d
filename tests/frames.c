// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Crafted frames for the BPF tests (see frames.h). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"

enum open_kind { OPEN_IPV4, OPEN_IPV6, OPEN_UDP };

struct wire_eth {
	uint8_t dst[6];
	uint8_t src[6];
	uint16_t proto;
} __attribute__((packed));

/* What follows the TPID that took the ethertype's place. */
struct wire_vlan {
	uint16_t tci;
	uint16_t next_proto;
} __attribute__((packed));

struct wire_ipv4 {
	uint8_t ver_ihl;
	uint8_t tos;
	uint16_t tot_len;
	uint16_t id;
	uint16_t frag;
	uint8_t ttl;
	uint8_t proto;
	uint16_t check;
	uint8_t saddr[4];
	uint8_t daddr[4];
} __attribute__((packed));

struct wire_ipv6 {
	uint32_t ver_tc_flow;
	uint16_t payload_len;
	uint8_t nexthdr;
	uint8_t hop_limit;
	uint8_t saddr[16];
	uint8_t daddr[16];
} __attribute__((packed));

struct wire_udp {
	uint16_t sport;
	uint16_t dport;
	uint16_t len;
	uint16_t check;
} __attribute__((packed));

struct wire_tcp {
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t doff;
	uint8_t flags;
	uint16_t window;
	uint16_t check;
	uint16_t urg;
} __attribute__((packed));

struct wire_icmp {
	uint8_t type;
	uint8_t code;
	uint16_t check;
	uint16_t hi;
	uint16_t lo;
} __attribute__((packed));

struct wire_arp {
	uint16_t hrd;
	uint16_t pro;
	uint8_t hln;
	uint8_t pln;
	uint16_t op;
	uint8_t sha[6];
	uint8_t spa[4];
	uint8_t tha[6];
	uint8_t tpa[4];
} __attribute__((packed));

struct wire_bootp {
	uint8_t op;
	uint8_t htype;
	uint8_t hlen;
	uint8_t hops;
	uint32_t xid;
	uint16_t secs;
	uint16_t flags;
	uint32_t ciaddr;
	uint32_t yiaddr;
	uint32_t siaddr;
	uint32_t giaddr;
	uint8_t chaddr[16];
	uint8_t sname[64];
	uint8_t file[128];
	uint32_t cookie;
} __attribute__((packed));

void frame_init(struct frame *f)
{
	memset(f, 0, sizeof(*f));
}

static void *frame_put(struct frame *f, size_t n)
{
	void *p;

	if (f->len + n > FRAME_MAX)
		abort(); /* a test built a frame larger than FRAME_MAX */
	p = f->data + f->len;
	memset(p, 0, n);
	f->len += n;
	return p;
}

static void frame_open(struct frame *f, int kind)
{
	if (f->n_open == FRAME_MAX_OPEN)
		abort();
	f->open[f->n_open].off = f->len;
	f->open[f->n_open].kind = kind;
	f->n_open++;
}

void frame_bytes(struct frame *f, const void *p, size_t n)
{
	memcpy(frame_put(f, n), p, n);
}

void frame_eth(struct frame *f, const uint8_t dst[6], const uint8_t src[6],
	       uint16_t ethertype)
{
	frame_eth_vlan(f, dst, src, NULL, NULL, 0, ethertype);
}

void frame_eth_vlan(struct frame *f, const uint8_t dst[6], const uint8_t src[6],
		    const uint16_t *tpids, const uint16_t *tcis, int n,
		    uint16_t ethertype)
{
	struct wire_eth *eth = frame_put(f, sizeof(*eth));

	memcpy(eth->dst, dst, 6);
	memcpy(eth->src, src, 6);
	if (n == 0) {
		eth->proto = htons(ethertype);
		return;
	}
	eth->proto = htons(tpids[0]);
	for (int i = 0; i < n; i++) {
		struct wire_vlan *tag = frame_put(f, sizeof(*tag));

		tag->tci = htons(tcis[i]);
		tag->next_proto = htons(i + 1 < n ? tpids[i + 1] : ethertype);
	}
}

void frame_ipv4(struct frame *f, const struct ipv4_spec *s)
{
	struct wire_ipv4 *ip;
	uint8_t *opt;

	frame_open(f, OPEN_IPV4);
	ip = frame_put(f, sizeof(*ip));
	ip->ver_ihl = 0x40 | ((sizeof(*ip) + s->options_len) / 4);
	ip->tos = s->tos;
	ip->id = htons(s->id);
	ip->frag = htons(s->frag);
	ip->ttl = s->ttl ? s->ttl : 64;
	ip->proto = s->proto;
	memcpy(ip->saddr, s->saddr, 4);
	memcpy(ip->daddr, s->daddr, 4);
	opt = frame_put(f, s->options_len);
	memset(opt, 1, s->options_len); /* NOP options */
}

void frame_ipv6(struct frame *f, const struct ipv6_spec *s)
{
	struct wire_ipv6 *ip;

	frame_open(f, OPEN_IPV6);
	ip = frame_put(f, sizeof(*ip));
	ip->ver_tc_flow = htonl(6u << 28 | (uint32_t)s->tclass << 20 | 0x12345);
	ip->nexthdr = s->nexthdr;
	ip->hop_limit = s->hop_limit ? s->hop_limit : 64;
	memcpy(ip->saddr, s->saddr, 16);
	memcpy(ip->daddr, s->daddr, 16);
}

void frame_ipv6_opts(struct frame *f, uint8_t nexthdr)
{
	uint8_t *h = frame_put(f, 8);

	h[0] = nexthdr;
	h[1] = 0; /* (0 + 1) * 8 bytes */
	h[2] = 1; /* PadN, 4 bytes of padding */
	h[3] = 4;
}

void frame_ipv6_frag(struct frame *f, uint8_t nexthdr, uint16_t offset,
		     int more, uint32_t ident)
{
	uint8_t *h = frame_put(f, 8);
	uint16_t off = htons((offset & 0xfff8) | (more ? 1 : 0));
	uint32_t id = htonl(ident);

	h[0] = nexthdr;
	memcpy(h + 2, &off, 2);
	memcpy(h + 4, &id, 4);
}

void frame_udp(struct frame *f, uint16_t sport, uint16_t dport)
{
	struct wire_udp *udp;

	frame_open(f, OPEN_UDP);
	udp = frame_put(f, sizeof(*udp));
	udp->sport = htons(sport);
	udp->dport = htons(dport);
}

void frame_tcp(struct frame *f, uint16_t sport, uint16_t dport, uint32_t seq,
	       uint32_t ack, uint8_t flags)
{
	struct wire_tcp *tcp = frame_put(f, sizeof(*tcp));

	tcp->sport = htons(sport);
	tcp->dport = htons(dport);
	tcp->seq = htonl(seq);
	tcp->ack = htonl(ack);
	tcp->doff = 5 << 4;
	tcp->flags = flags;
	tcp->window = htons(64240);
}

void frame_icmp(struct frame *f, uint8_t type, uint8_t code, uint16_t hi,
		uint16_t lo)
{
	struct wire_icmp *icmp = frame_put(f, sizeof(*icmp));

	icmp->type = type;
	icmp->code = code;
	icmp->hi = htons(hi);
	icmp->lo = htons(lo);
}

void frame_arp(struct frame *f, uint16_t op, const uint8_t sha[6],
	       const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4])
{
	struct wire_arp *arp = frame_put(f, sizeof(*arp));

	arp->hrd = htons(1);
	arp->pro = htons(0x0800);
	arp->hln = 6;
	arp->pln = 4;
	arp->op = htons(op);
	memcpy(arp->sha, sha, 6);
	memcpy(arp->spa, spa, 4);
	memcpy(arp->tha, tha, 6);
	memcpy(arp->tpa, tpa, 4);
}

void frame_gre(struct frame *f, uint16_t proto, int has_csum, int has_key,
	       uint32_t key, int has_seq)
{
	uint16_t flags = (has_csum ? 0x8000 : 0) | (has_key ? 0x2000 : 0) |
			 (has_seq ? 0x1000 : 0);
	uint16_t hdr[2] = { htons(flags), htons(proto) };
	uint32_t word;

	frame_bytes(f, hdr, sizeof(hdr));
	if (has_csum) {
		word = 0;
		frame_bytes(f, &word, 4);
	}
	if (has_key) {
		word = htonl(key);
		frame_bytes(f, &word, 4);
	}
	if (has_seq) {
		word = htonl(0x01020304);
		frame_bytes(f, &word, 4);
	}
}

void frame_vxlan(struct frame *f, uint32_t vni)
{
	uint8_t *h = frame_put(f, 8);
	uint32_t v = htonl(vni << 8);

	h[0] = 0x08;
	memcpy(h + 4, &v, 4);
}

void frame_geneve(struct frame *f, uint32_t vni, uint16_t proto,
		  uint8_t opt_words)
{
	uint8_t *h = frame_put(f, 8);
	uint16_t p = htons(proto);
	uint32_t v = htonl(vni << 8);
	uint8_t *opt;

	h[0] = opt_words & 0x3f;
	memcpy(h + 2, &p, 2);
	memcpy(h + 4, &v, 4);
	opt = frame_put(f, opt_words * 4u);
	for (unsigned int i = 0; i < opt_words * 4u; i++)
		opt[i] = 0xa5; /* option bytes nstrace must skip */
}

void frame_dhcp4(struct frame *f, const struct dhcp4_spec *s)
{
	struct wire_bootp *b = frame_put(f, sizeof(*b));
	uint8_t *o;

	b->op = s->op;
	b->htype = 1;
	b->hlen = 6;
	b->xid = htonl(s->xid);
	b->secs = htons(s->secs);
	b->flags = htons(0x8000);
	memcpy(b->chaddr, s->chaddr, 6);
	b->cookie = htonl(0x63825363);
	o = frame_put(f, s->n_pad);
	memset(o, 0, s->n_pad);
	if (s->lead_opt_len) {
		o = frame_put(f, 2 + s->lead_opt_len);
		o[0] = 61; /* client identifier */
		o[1] = s->lead_opt_len;
		memset(o + 2, 0x61, s->lead_opt_len);
	}
	if (s->msg_type) {
		o = frame_put(f, 3);
		o[0] = 53;
		o[1] = 1;
		o[2] = s->msg_type;
	}
	o = frame_put(f, 10);
	o[0] = 55; /* parameter request list */
	o[1] = 3;
	o[2] = 1;
	o[3] = 3;
	o[4] = 6;
	o[5] = 255;
	/* then 4 bytes of padding after the end option */
}

void frame_dhcp6(struct frame *f, uint8_t msg_type, uint32_t xid)
{
	uint8_t *h = frame_put(f, 8);

	h[0] = msg_type;
	h[1] = xid >> 16;
	h[2] = xid >> 8;
	h[3] = xid;
	h[4] = 0; /* option 8: elapsed time, 2 bytes */
	h[5] = 8;
	h[6] = 0;
	h[7] = 2;
	frame_put(f, 2);
}

static uint16_t ipv4_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

size_t frame_finish(struct frame *f)
{
	for (int i = f->n_open - 1; i >= 0; i--) {
		uint8_t *p = f->data + f->open[i].off;
		size_t rest = f->len - f->open[i].off;

		if (f->open[i].kind == OPEN_IPV4) {
			struct wire_ipv4 *ip = (struct wire_ipv4 *)p;
			size_t hlen = (ip->ver_ihl & 0xf) * 4;

			ip->tot_len = htons(rest);
			ip->check = 0;
			ip->check = ipv4_checksum(p, hlen);
		} else if (f->open[i].kind == OPEN_IPV6) {
			struct wire_ipv6 *ip = (struct wire_ipv6 *)p;

			ip->payload_len = htons(rest - sizeof(*ip));
		} else {
			struct wire_udp *udp = (struct wire_udp *)p;

			udp->len = htons(rest);
		}
	}
	return f->len;
}
