/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared by the probe tests: the hosts and packets of a small Neutron-like
 * scene, frame builders for them (optionally wrapped in VLAN tags or a
 * tunnel) and the event each should decode to, field by field.
 */
#ifndef NSTRACE_TEST_PROBE_EXPECT_H
#define NSTRACE_TEST_PROBE_EXPECT_H

#include <stdint.h>
#include <linux/types.h>

#include "frames.h"
#include "nstrace_event.h"
#include "probe_harness.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define ETH_P_TEB 0x6558

#define TEST_XID 0x3903f326u
#define TEST_SEGID 1234u /* Neutron segmentation id: the GRE key / VNI */
#define TEST_IFINDEX 1 /* BPF_PROG_TEST_RUN runs on the loopback device */

extern const uint8_t client_mac[6], server_mac[6], bcast_mac[6];
extern const uint8_t node1_mac[6], node2_mac[6], other_mac[6];
extern const uint8_t any_ip[4], bcast_ip[4], vm_ip[4], server_ip[4];
extern const uint8_t ext_ip[4], nat_ip[4], node1_ip[4], node2_ip[4];
extern const uint8_t vm_ip6[16], ext_ip6[16], ll_ip6[16], dhcp6_ip6[16];
extern const uint8_t node1_ip6[16], node2_ip6[16];

/* How a frame is carried on the wire. */
struct wrap {
	int n_tags;
	uint16_t tpid[2];
	uint16_t tci[2];
	uint8_t tun; /* NSTRACE_TUN_* */
	uint8_t tun_v6; /* outer IPv6 instead of IPv4 */
	uint8_t gre_no_key;
	uint8_t gre_csum_seq; /* GRE with checksum and sequence fields */
	uint8_t gre_ip; /* GRE carrying IP directly, no inner Ethernet */
	uint8_t inner_tag; /* one VLAN tag on the inner frame (TCI 100) */
};

extern const struct wrap wrap_plain, wrap_vlan1, wrap_vlan2, wrap_gre,
	wrap_vlan_gre, wrap_vxlan, wrap_geneve, wrap_gre_ip;

/* The inner packets. Addresses and ports can be rewritten for NAT. */
struct pkt_spec {
	const uint8_t *eth_src, *eth_dst;
	const uint8_t *saddr, *daddr;
	uint16_t sport, dport;
	uint16_t ip_id;
	uint8_t ttl;
	uint8_t tos;
	uint32_t xid;
	uint8_t msg; /* DHCP message type */
	uint16_t secs;
	uint32_t seq, ack; /* TCP */
	uint8_t tcp_flags;
	uint16_t icmp_id, icmp_seq;
	uint8_t icmp_type;
	const char *payload; /* UDP payload */
};

void spec_dhcp_discover(struct pkt_spec *s);
void spec_echo(struct pkt_spec *s);
void spec_tcp(struct pkt_spec *s);
void spec_udp(struct pkt_spec *s);

/* Outer headers down to (and including) the inner Ethernet header. */
void put_wrap(struct frame *f, const struct wrap *w, const uint8_t *src,
	      const uint8_t *dst, uint16_t ethertype);
size_t build_dhcp4(struct frame *f, const struct wrap *w,
		   const struct pkt_spec *s);
size_t build_echo(struct frame *f, const struct wrap *w,
		  const struct pkt_spec *s);
size_t build_tcp(struct frame *f, const struct wrap *w,
		 const struct pkt_spec *s);
size_t build_udp(struct frame *f, const struct wrap *w,
		 const struct pkt_spec *s);
/* 100 bytes of a UDP datagram at offset LATER_FRAGMENT_OFFSET * 8 (no UDP
 * header), IP id 0x3333, vm_ip -> ext_ip, client_mac -> server_mac. */
#define LATER_FRAGMENT_OFFSET 185
size_t build_udp_later_fragment(struct frame *f);

/* What every event of a frame of len bytes seen at ingress carries. */
void want_base(struct nstrace_event *e, size_t len);
/* The VLAN and tunnel fields a wrap produces. */
void want_wrap(struct nstrace_event *e, const struct wrap *w);
void want_dhcp4(struct nstrace_event *e, const struct pkt_spec *s);
void want_echo(struct nstrace_event *e, const struct pkt_spec *s);
void want_tcp(struct nstrace_event *e, const struct pkt_spec *s);
void want_udp(struct nstrace_event *e, const struct pkt_spec *s);

/* want->fingerprint = WANT_NO_FP: the event must carry no fingerprint. */
#define WANT_NO_FP UINT64_MAX

/*
 * Assert every field of got against want. ts_ns must lie within the run,
 * netns_cookie be this namespace's, snap_len min(snaplen, pkt_len); the
 * fingerprint must equal want's when want has one, else be non-zero.
 */
void expect_event(const struct probe_harness *h,
		  const struct nstrace_event *got,
		  const struct nstrace_event *want);

/* Run one frame at ingress: asserts TC_ACT_UNSPEC; returns the events. */
int run_frame(struct probe_harness *h, const struct frame *f);
/* Run one frame that must give exactly one event; returns it. */
const struct nstrace_event *run_one(struct probe_harness *h,
				    const struct frame *f);

#endif
