/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Crafted frames for the BPF tests: append headers outermost first, then
 * frame_finish() fills every length and IPv4 checksum that depends on what
 * came after (IPv4 total length, IPv6 payload length, UDP length).
 */
#ifndef NSTRACE_TEST_FRAMES_H
#define NSTRACE_TEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 2048
#define FRAME_MAX_OPEN 8

struct frame {
	uint8_t data[FRAME_MAX];
	size_t len;
	/* headers whose length fields frame_finish() fills */
	struct {
		size_t off;
		int kind;
	} open[FRAME_MAX_OPEN];
	int n_open;
};

struct ipv4_spec {
	uint8_t saddr[4];
	uint8_t daddr[4];
	uint8_t proto;
	uint16_t id;
	uint8_t ttl;
	uint8_t tos;
	uint16_t frag; /* flags + offset field, host order */
	uint8_t options_len; /* multiple of 4, filled with NOPs */
};

struct ipv6_spec {
	uint8_t saddr[16];
	uint8_t daddr[16];
	uint8_t nexthdr;
	uint8_t hop_limit;
	uint8_t tclass;
};

struct dhcp4_spec {
	uint8_t op;
	uint32_t xid;
	uint16_t secs;
	uint8_t chaddr[6];
	uint8_t msg_type; /* option 53; 0 = leave the option out */
	uint8_t n_pad; /* PAD options before the first option */
	uint8_t lead_opt_len; /* > 0: an option 61 of this length before 53 */
};

void frame_init(struct frame *f);
void frame_bytes(struct frame *f, const void *p, size_t n);
void frame_eth(struct frame *f, const uint8_t dst[6], const uint8_t src[6],
	       uint16_t ethertype);
/* Ethernet with tags: tpids[i]/tcis[i], outermost first. */
void frame_eth_vlan(struct frame *f, const uint8_t dst[6], const uint8_t src[6],
		    const uint16_t *tpids, const uint16_t *tcis, int n,
		    uint16_t ethertype);
void frame_ipv4(struct frame *f, const struct ipv4_spec *s);
void frame_ipv6(struct frame *f, const struct ipv6_spec *s);
/* An 8-byte hop-by-hop / destination options header (PadN inside). */
void frame_ipv6_opts(struct frame *f, uint8_t nexthdr);
void frame_ipv6_frag(struct frame *f, uint8_t nexthdr, uint16_t offset,
		     int more, uint32_t ident);
void frame_udp(struct frame *f, uint16_t sport, uint16_t dport);
void frame_tcp(struct frame *f, uint16_t sport, uint16_t dport, uint32_t seq,
	       uint32_t ack, uint8_t flags);
void frame_icmp(struct frame *f, uint8_t type, uint8_t code, uint16_t hi,
		uint16_t lo);
void frame_arp(struct frame *f, uint16_t op, const uint8_t sha[6],
	       const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4]);
/* GRE; a key and sequence number are added when has_key / has_seq. */
void frame_gre(struct frame *f, uint16_t proto, int has_csum, int has_key,
	       uint32_t key, int has_seq);
void frame_vxlan(struct frame *f, uint32_t vni);
void frame_geneve(struct frame *f, uint32_t vni, uint16_t proto,
		  uint8_t opt_words);
void frame_dhcp4(struct frame *f, const struct dhcp4_spec *s);
void frame_dhcp6(struct frame *f, uint8_t msg_type, uint32_t xid);
/* Fill every open length field and IPv4 checksum. Returns f->len. */
size_t frame_finish(struct frame *f);

#endif
