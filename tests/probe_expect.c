// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The probe tests' scene, frames and expected events (see probe_expect.h). */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "probe_expect.h"

const uint8_t client_mac[6] = { 0xfa, 0x16, 0x3e, 0x11, 0x22, 0x33 };
const uint8_t server_mac[6] = { 0xfa, 0x16, 0x3e, 0xaa, 0xbb, 0xcc };
const uint8_t other_mac[6] = { 0xfa, 0x16, 0x3e, 0x99, 0x99, 0x99 };
const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
const uint8_t node1_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
const uint8_t node2_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
const uint8_t any_ip[4] = { 0, 0, 0, 0 };
const uint8_t bcast_ip[4] = { 255, 255, 255, 255 };
const uint8_t vm_ip[4] = { 10, 0, 0, 5 };
const uint8_t server_ip[4] = { 10, 0, 0, 2 };
const uint8_t ext_ip[4] = { 203, 0, 113, 7 };
const uint8_t nat_ip[4] = { 198, 51, 100, 1 };
const uint8_t node1_ip[4] = { 192, 168, 100, 1 };
const uint8_t node2_ip[4] = { 192, 168, 100, 2 };
const uint8_t vm_ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
			     0, 0, 0, 0, 0, 0, 0, 5 };
const uint8_t ext_ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0,
			      0, 0, 0, 0, 0, 0, 0, 7 };
const uint8_t ll_ip6[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
			     0xf8, 0x16, 0x3e, 0xff, 0xfe, 0x11, 0x22, 0x33 };
const uint8_t dhcp6_ip6[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
				0, 0, 0, 0, 0, 0x01, 0, 0x02 };
const uint8_t node1_ip6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
				0, 0, 0, 0, 0, 0, 0, 1 };
const uint8_t node2_ip6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
				0, 0, 0, 0, 0, 0, 0, 2 };

const struct wrap wrap_plain = { 0 };
const struct wrap wrap_vlan1 = {
	.n_tags = 1, .tpid = { ETH_P_8021Q }, .tci = { 0x2065 }
};
const struct wrap wrap_vlan2 = {
	.n_tags = 2,
	.tpid = { ETH_P_8021AD, ETH_P_8021Q },
	.tci = { 0x00c8, 0x0065 },
};
const struct wrap wrap_gre = { .tun = NSTRACE_TUN_GRE };
const struct wrap wrap_vlan_gre = {
	.n_tags = 1,
	.tpid = { ETH_P_8021Q },
	.tci = { 0x0190 },
	.tun = NSTRACE_TUN_GRE,
	.gre_csum_seq = 1,
};
const struct wrap wrap_vxlan = { .tun = NSTRACE_TUN_VXLAN };
const struct wrap wrap_geneve = { .tun = NSTRACE_TUN_GENEVE };
const struct wrap wrap_gre_ip = {
	.tun = NSTRACE_TUN_GRE, .gre_no_key = 1, .gre_ip = 1
};

void spec_dhcp_discover(struct pkt_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->eth_src = client_mac;
	s->eth_dst = bcast_mac;
	s->saddr = any_ip;
	s->daddr = bcast_ip;
	s->sport = 68;
	s->dport = 67;
	s->ttl = 64;
	s->tos = 0x10;
	s->xid = TEST_XID;
	s->msg = 1;
	s->secs = 3;
}

void spec_echo(struct pkt_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->eth_src = client_mac;
	s->eth_dst = server_mac;
	s->saddr = vm_ip;
	s->daddr = ext_ip;
	s->ip_id = 0x4242;
	s->ttl = 64;
	s->icmp_type = 8;
	s->icmp_id = 0x1234;
	s->icmp_seq = 7;
}

void spec_tcp(struct pkt_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->eth_src = client_mac;
	s->eth_dst = server_mac;
	s->saddr = vm_ip;
	s->daddr = ext_ip;
	s->sport = 40000;
	s->dport = 443;
	s->ip_id = 0x5151;
	s->ttl = 64;
	s->seq = 0x11223344;
	s->ack = 0x55667788;
	s->tcp_flags = 0x18; /* PSH ACK */
}

void spec_udp(struct pkt_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->eth_src = client_mac;
	s->eth_dst = server_mac;
	s->saddr = vm_ip;
	s->daddr = ext_ip;
	s->sport = 5000;
	s->dport = 6000;
	s->ip_id = 0x6161;
	s->ttl = 64;
	s->payload = "nstrace udp payload";
}

void put_wrap(struct frame *f, const struct wrap *w, const uint8_t *src,
	      const uint8_t *dst, uint16_t ethertype)
{
	static const uint16_t inner_tpid = ETH_P_8021Q, inner_tci = 100;
	uint8_t proto = w->tun == NSTRACE_TUN_GRE ? 47 : 17;

	if (!w->tun) {
		frame_eth_vlan(f, dst, src, w->tpid, w->tci, w->n_tags,
			       ethertype);
		return;
	}
	frame_eth_vlan(f, node2_mac, node1_mac, w->tpid, w->tci, w->n_tags,
		       w->tun_v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (w->tun_v6) {
		struct ipv6_spec ip = { .nexthdr = proto };

		memcpy(ip.saddr, node1_ip6, 16);
		memcpy(ip.daddr, node2_ip6, 16);
		frame_ipv6(f, &ip);
	} else {
		struct ipv4_spec ip = { .proto = proto, .id = 0x7777,
					.frag = 0x4000 };

		memcpy(ip.saddr, node1_ip, 4);
		memcpy(ip.daddr, node2_ip, 4);
		frame_ipv4(f, &ip);
	}
	if (w->tun == NSTRACE_TUN_GRE) {
		frame_gre(f, w->gre_ip ? ethertype : ETH_P_TEB, w->gre_csum_seq,
			  !w->gre_no_key, TEST_SEGID, w->gre_csum_seq);
	} else if (w->tun == NSTRACE_TUN_VXLAN) {
		frame_udp(f, 51000, 4789);
		frame_vxlan(f, TEST_SEGID);
	} else {
		frame_udp(f, 51001, 6081);
		frame_geneve(f, TEST_SEGID, ETH_P_TEB, 2);
	}
	if (w->gre_ip)
		return;
	frame_eth_vlan(f, dst, src, &inner_tpid, &inner_tci,
		       w->inner_tag ? 1 : 0, ethertype);
}

static void put_ipv4(struct frame *f, const struct pkt_spec *s, uint8_t proto)
{
	struct ipv4_spec ip = {
		.proto = proto, .id = s->ip_id, .ttl = s->ttl, .tos = s->tos
	};

	memcpy(ip.saddr, s->saddr, 4);
	memcpy(ip.daddr, s->daddr, 4);
	frame_ipv4(f, &ip);
}

size_t build_dhcp4(struct frame *f, const struct wrap *w,
		   const struct pkt_spec *s)
{
	struct dhcp4_spec d = {
		.op = s->dport == 67 ? 1 : 2,
		.xid = s->xid,
		.secs = s->secs,
		.msg_type = s->msg,
	};

	memcpy(d.chaddr, client_mac, 6);
	frame_init(f);
	put_wrap(f, w, s->eth_src, s->eth_dst, ETH_P_IP);
	put_ipv4(f, s, 17);
	frame_udp(f, s->sport, s->dport);
	frame_dhcp4(f, &d);
	return frame_finish(f);
}

size_t build_echo(struct frame *f, const struct wrap *w,
		  const struct pkt_spec *s)
{
	uint8_t payload[56];

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = 0x10 + i;
	frame_init(f);
	put_wrap(f, w, s->eth_src, s->eth_dst, ETH_P_IP);
	put_ipv4(f, s, 1);
	frame_icmp(f, s->icmp_type, 0, s->icmp_id, s->icmp_seq);
	frame_bytes(f, payload, sizeof(payload));
	return frame_finish(f);
}

size_t build_tcp(struct frame *f, const struct wrap *w,
		 const struct pkt_spec *s)
{
	static const char payload[] = "GET / HTTP/1.1\r\n\r\n";

	frame_init(f);
	put_wrap(f, w, s->eth_src, s->eth_dst, ETH_P_IP);
	put_ipv4(f, s, 6);
	frame_tcp(f, s->sport, s->dport, s->seq, s->ack, s->tcp_flags);
	frame_bytes(f, payload, sizeof(payload) - 1);
	return frame_finish(f);
}

size_t build_udp(struct frame *f, const struct wrap *w,
		 const struct pkt_spec *s)
{
	frame_init(f);
	put_wrap(f, w, s->eth_src, s->eth_dst, ETH_P_IP);
	put_ipv4(f, s, 17);
	frame_udp(f, s->sport, s->dport);
	frame_bytes(f, s->payload, strlen(s->payload));
	return frame_finish(f);
}

size_t build_udp_later_fragment(struct frame *f)
{
	struct ipv4_spec ip = { .proto = 17, .id = 0x3333, .ttl = 64,
				.frag = LATER_FRAGMENT_OFFSET };
	static const uint8_t data[100];

	memcpy(ip.saddr, vm_ip, 4);
	memcpy(ip.daddr, ext_ip, 4);
	frame_init(f);
	frame_eth(f, server_mac, client_mac, ETH_P_IP);
	frame_ipv4(f, &ip);
	frame_bytes(f, data, sizeof(data));
	return frame_finish(f);
}

void want_base(struct nstrace_event *e, size_t len)
{
	memset(e, 0, sizeof(*e));
	e->version = NSTRACE_EVENT_VERSION;
	e->kind = NSTRACE_EV_PACKET;
	e->dir = NSTRACE_DIR_INGRESS;
	e->ifindex = TEST_IFINDEX;
	e->pkt_len = len;
}

void want_wrap(struct nstrace_event *e, const struct wrap *w)
{
	e->vlan_count = w->n_tags;
	e->vlan_tci[0] = w->tci[0];
	e->vlan_tci[1] = w->tci[1];
	if (!w->tun)
		return;
	e->flags |= NSTRACE_F_TUNNEL;
	e->tun_type = w->tun;
	if (w->tun_v6) {
		e->tun_family = NSTRACE_L3_IPV6;
		memcpy(e->tun_saddr, node1_ip6, 16);
		memcpy(e->tun_daddr, node2_ip6, 16);
	} else {
		e->tun_family = NSTRACE_L3_IPV4;
		memcpy(e->tun_saddr, node1_ip, 4);
		memcpy(e->tun_daddr, node2_ip, 4);
	}
	if (!w->gre_no_key) {
		e->flags |= NSTRACE_F_TUN_KEY;
		e->tun_key = TEST_SEGID;
	}
	if (w->inner_tag) {
		e->flags |= NSTRACE_F_INNER_VLAN;
		e->inner_vlan_tci = 100;
	}
	if (w->gre_ip) {
		memset(e->eth_src, 0, 6);
		memset(e->eth_dst, 0, 6);
	}
}

static void want_ipv4(struct nstrace_event *e, const struct pkt_spec *s,
		      uint8_t proto)
{
	memcpy(e->eth_src, s->eth_src, 6);
	memcpy(e->eth_dst, s->eth_dst, 6);
	e->eth_proto = ETH_P_IP;
	e->l3_family = NSTRACE_L3_IPV4;
	e->l4_proto = proto;
	e->ttl = s->ttl;
	e->tos = s->tos;
	e->ip_id = s->ip_id;
	memcpy(e->saddr, s->saddr, 4);
	memcpy(e->daddr, s->daddr, 4);
}

void want_dhcp4(struct nstrace_event *e, const struct pkt_spec *s)
{
	want_ipv4(e, s, 17);
	e->sport = s->sport;
	e->dport = s->dport;
	e->app = NSTRACE_APP_DHCP4;
	e->xid = s->xid;
	e->dhcp_op = s->dport == 67 ? 1 : 2;
	e->dhcp_msg = s->msg;
	memcpy(e->chaddr, client_mac, 6);
}

void want_echo(struct nstrace_event *e, const struct pkt_spec *s)
{
	want_ipv4(e, s, 1);
	e->icmp_type = s->icmp_type;
	e->app = NSTRACE_APP_ECHO;
	e->icmp_id = s->icmp_id;
	e->icmp_seq = s->icmp_seq;
}

void want_tcp(struct nstrace_event *e, const struct pkt_spec *s)
{
	want_ipv4(e, s, 6);
	e->sport = s->sport;
	e->dport = s->dport;
	e->tcp_seq = s->seq;
	e->tcp_ack = s->ack;
	e->tcp_flags = s->tcp_flags;
}

void want_udp(struct nstrace_event *e, const struct pkt_spec *s)
{
	want_ipv4(e, s, 17);
	e->sport = s->sport;
	e->dport = s->dport;
}

static void hex(char *out, size_t out_len, const uint8_t *p, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && used + 3 < out_len; i++)
		used += snprintf(out + used, out_len - used, "%02x", p[i]);
}

#define EXPECT_EQ(field)                                                      \
	ck_assert_msg(got->field == want->field,                              \
		      "field " #field ": got %" PRIu64 " (0x%" PRIx64         \
		      "), want %" PRIu64 " (0x%" PRIx64 ")",                  \
		      (uint64_t)got->field, (uint64_t)got->field,             \
		      (uint64_t)want->field, (uint64_t)want->field)

#define EXPECT_BYTES(field)                                                   \
	do {                                                                  \
		char g_[80], w_[80];                                          \
		hex(g_, sizeof(g_), got->field, sizeof(got->field));          \
		hex(w_, sizeof(w_), want->field, sizeof(want->field));        \
		ck_assert_msg(!memcmp(got->field, want->field,                \
				      sizeof(got->field)),                    \
			      "field " #field ": got %s, want %s", g_, w_);   \
	} while (0)

void expect_event(const struct probe_harness *h,
		  const struct nstrace_event *got,
		  const struct nstrace_event *want)
{
	__u32 snap = want->pkt_len < h->snaplen ? want->pkt_len : h->snaplen;

	EXPECT_EQ(version);
	EXPECT_EQ(kind);
	EXPECT_EQ(flags);
	EXPECT_EQ(hop_id);
	ck_assert_msg(got->ts_ns >= h->run_start_ns &&
			      got->ts_ns <= h->run_end_ns,
		      "ts_ns %llu outside the run [%llu, %llu]",
		      (unsigned long long)got->ts_ns,
		      (unsigned long long)h->run_start_ns,
		      (unsigned long long)h->run_end_ns);
	if (want->fingerprint == WANT_NO_FP)
		ck_assert_uint_eq(got->fingerprint, 0);
	else if (want->fingerprint)
		EXPECT_EQ(fingerprint);
	else
		ck_assert_msg(got->fingerprint != 0, "no fingerprint");
	EXPECT_EQ(related_fp);
	ck_assert_uint_eq(got->netns_cookie, probe_harness_netns_cookie());
	EXPECT_EQ(ifindex);
	EXPECT_EQ(pkt_len);
	EXPECT_EQ(dir);
	EXPECT_EQ(vlan_count);
	EXPECT_EQ(eth_proto);
	EXPECT_EQ(vlan_tci[0]);
	EXPECT_EQ(vlan_tci[1]);
	EXPECT_BYTES(eth_src);
	EXPECT_BYTES(eth_dst);
	ck_assert_uint_eq(got->snap_len, snap);
	EXPECT_EQ(inner_vlan_tci);
	EXPECT_EQ(l3_family);
	EXPECT_EQ(l4_proto);
	EXPECT_EQ(ttl);
	EXPECT_EQ(tos);
	EXPECT_EQ(ip_id);
	EXPECT_EQ(frag_off);
	EXPECT_BYTES(saddr);
	EXPECT_BYTES(daddr);
	EXPECT_EQ(sport);
	EXPECT_EQ(dport);
	EXPECT_EQ(tcp_seq);
	EXPECT_EQ(tcp_ack);
	EXPECT_EQ(tcp_flags);
	EXPECT_EQ(icmp_type);
	EXPECT_EQ(icmp_code);
	EXPECT_EQ(app);
	EXPECT_EQ(icmp_id);
	EXPECT_EQ(icmp_seq);
	EXPECT_EQ(xid);
	EXPECT_EQ(dhcp_op);
	EXPECT_EQ(dhcp_msg);
	EXPECT_EQ(arp_op);
	EXPECT_BYTES(chaddr);
	EXPECT_EQ(tun_type);
	EXPECT_EQ(tun_family);
	EXPECT_EQ(tun_key);
	EXPECT_BYTES(tun_saddr);
	EXPECT_BYTES(tun_daddr);
	EXPECT_EQ(drop_reason);
	EXPECT_EQ(pad0);
	EXPECT_EQ(drop_location);
}

int run_frame(struct probe_harness *h, const struct frame *f)
{
	int err = probe_harness_run(h, f->data, f->len, 0);

	ck_assert_msg(err == 0, "BPF_PROG_TEST_RUN: %s", strerror(-err));
	ck_assert_uint_eq(h->retval, (__u32)-1); /* TC_ACT_UNSPEC */
	return h->n_events;
}

const struct nstrace_event *run_one(struct probe_harness *h,
				    const struct frame *f)
{
	ck_assert_int_eq(run_frame(h, f), 1);
	return &h->ev[0];
}
