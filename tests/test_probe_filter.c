// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The tc probe's in-kernel filter: every enabled criterion must match;
 * a packet that does not match leaves no event and no counter behind.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "probe_expect.h"
#include "testlib.h"

static struct probe_harness *h;
static struct probe_harness own; /* for tests that need their own probe */
static struct frame f;
static struct nstrace_filter flt;

static void filter_reset(__u32 flags, __u32 proto_mask)
{
	memset(&flt, 0, sizeof(flt));
	flt.flags = flags;
	flt.proto_mask = proto_mask;
}

static void filter_mac(const uint8_t *mac)
{
	memcpy(flt.macs[flt.n_macs++], mac, 6);
}

static void filter_ip(const uint8_t *addr, int v6)
{
	struct nstrace_ip *ip = &flt.ips[flt.n_ips++];

	ip->family = v6 ? NSTRACE_L3_IPV6 : NSTRACE_L3_IPV4;
	memcpy(ip->addr, addr, v6 ? 16 : 4);
}

static void apply(void)
{
	probe_harness_filter(h, &flt);
}

/* How many events the frame produced under the current filter. */
static int events_for(const struct frame *fr)
{
	return run_frame(h, fr);
}

static void build_arp(struct frame *fr, const uint8_t *eth_src,
		      const uint8_t *sha, const uint8_t *spa,
		      const uint8_t *tpa)
{
	static const uint8_t zero_mac[6];

	frame_init(fr);
	frame_eth(fr, bcast_mac, eth_src, ETH_P_ARP);
	frame_arp(fr, 1, sha, spa, zero_mac, tpa);
	frame_finish(fr);
}

static void build_lldp(struct frame *fr)
{
	static const uint8_t lldp_mac[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x0e };
	static const uint8_t tlvs[40];

	frame_init(fr);
	frame_eth(fr, lldp_mac, client_mac, 0x88cc);
	frame_bytes(fr, tlvs, sizeof(tlvs));
	frame_finish(fr);
}

static void build_echo6(struct frame *fr, const uint8_t *src,
			const uint8_t *dst, uint16_t id)
{
	struct ipv6_spec ip = { .nexthdr = 58, .hop_limit = 64 };

	memcpy(ip.saddr, src, 16);
	memcpy(ip.daddr, dst, 16);
	frame_init(fr);
	frame_eth(fr, server_mac, client_mac, ETH_P_IPV6);
	frame_ipv6(fr, &ip);
	frame_icmp(fr, 128, 0, id, 1);
	frame_finish(fr);
}

static void build_dhcp6(struct frame *fr, uint32_t xid)
{
	static const uint8_t mcast_mac[6] = { 0x33, 0x33, 0, 1, 0, 2 };
	struct ipv6_spec ip = { .nexthdr = 17, .hop_limit = 1 };

	memcpy(ip.saddr, ll_ip6, 16);
	memcpy(ip.daddr, dhcp6_ip6, 16);
	frame_init(fr);
	frame_eth(fr, mcast_mac, client_mac, ETH_P_IPV6);
	frame_ipv6(fr, &ip);
	frame_udp(fr, 546, 547);
	frame_dhcp6(fr, 1, xid);
	frame_finish(fr);
}

START_TEST(proto_class)
{
	struct pkt_spec dhcp, echo, tcp, udp;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	spec_dhcp_discover(&dhcp);
	spec_echo(&echo);
	spec_tcp(&tcp);
	spec_udp(&udp);

	filter_reset(0, NSTRACE_P_DHCP);
	apply();
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_gre, &dhcp), &f)), 1);
	ck_assert_int_eq(events_for((build_dhcp6(&f, 0xabcdef), &f)), 1);
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_plain, &echo), &f)), 0);
	ck_assert_int_eq(events_for((build_udp(&f, &wrap_plain, &udp), &f)), 0);
	ck_assert_int_eq(events_for((build_arp(&f, client_mac, client_mac,
					       vm_ip, server_ip), &f)), 0);

	filter_reset(0, NSTRACE_P_ICMP);
	apply();
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_vxlan, &echo), &f)), 1);
	ck_assert_int_eq(events_for((build_echo6(&f, vm_ip6, ext_ip6, 1), &f)), 1);
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_plain, &dhcp), &f)), 0);

	filter_reset(0, NSTRACE_P_ARP | NSTRACE_P_TCP);
	apply();
	ck_assert_int_eq(events_for((build_arp(&f, client_mac, client_mac,
					       vm_ip, server_ip), &f)), 1);
	ck_assert_int_eq(events_for((build_tcp(&f, &wrap_vlan2, &tcp), &f)), 1);
	ck_assert_int_eq(events_for((build_udp(&f, &wrap_plain, &udp), &f)), 0);

	/* UDP means UDP other than DHCP. */
	filter_reset(0, NSTRACE_P_UDP);
	apply();
	ck_assert_int_eq(events_for((build_udp(&f, &wrap_plain, &udp), &f)), 1);
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_plain, &dhcp), &f)), 0);

	filter_reset(0, NSTRACE_P_OTHER);
	apply();
	ck_assert_int_eq(events_for((build_lldp(&f), &f)), 1);
	ck_assert_int_eq(events_for((build_tcp(&f, &wrap_plain, &tcp), &f)), 0);
	probe_harness_close(h);
}
END_TEST

START_TEST(mac_set)
{
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	filter_reset(NSTRACE_M_MAC, 0);
	filter_mac(other_mac);
	filter_mac(client_mac);
	apply();

	spec_dhcp_discover(&s); /* eth source */
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_plain, &s), &f)), 1);
	/* a broadcast OFFER from the server: only chaddr names the client */
	s.eth_src = server_mac;
	s.sport = 67;
	s.dport = 68;
	s.msg = 2;
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_gre, &s), &f)), 1);
	/* a unicast reply: eth destination */
	spec_echo(&s);
	s.eth_src = server_mac;
	s.eth_dst = client_mac;
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_plain, &s), &f)), 1);
	/* ARP: sender MAC, whatever the Ethernet source says */
	ck_assert_int_eq(events_for((build_arp(&f, server_mac, client_mac,
					       vm_ip, server_ip), &f)), 1);
	/* nobody we trace */
	s.eth_dst = server_mac;
	s.eth_src = node1_mac;
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_plain, &s), &f)), 0);
	ck_assert_int_eq(events_for((build_arp(&f, server_mac, server_mac,
					       server_ip, vm_ip), &f)), 0);

	/* Outer (underlay) MACs of a tunnel are not the packet's. */
	filter_reset(NSTRACE_M_MAC, 0);
	filter_mac(node1_mac);
	apply();
	spec_dhcp_discover(&s);
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_gre, &s), &f)), 0);
	probe_harness_close(h);
}
END_TEST

START_TEST(ip_set)
{
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	filter_reset(NSTRACE_M_IP, 0);
	filter_ip(vm_ip, 0);
	filter_ip(vm_ip6, 1);
	apply();

	spec_echo(&s); /* source */
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_vlan1, &s), &f)), 1);
	s.saddr = ext_ip; /* destination */
	s.daddr = vm_ip;
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_geneve, &s), &f)), 1);
	s.daddr = server_ip;
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_plain, &s), &f)), 0);
	/* ARP target */
	ck_assert_int_eq(events_for((build_arp(&f, server_mac, server_mac,
					       server_ip, vm_ip), &f)), 1);
	ck_assert_int_eq(events_for((build_echo6(&f, ext_ip6, vm_ip6, 1), &f)), 1);
	ck_assert_int_eq(events_for((build_echo6(&f, ext_ip6, ll_ip6, 1), &f)), 0);

	/* Tunnel endpoints are not the packet's addresses. */
	filter_reset(NSTRACE_M_IP, 0);
	filter_ip(node1_ip, 0);
	apply();
	spec_echo(&s);
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_gre, &s), &f)), 0);
	/* An IPv4 address does not match the IPv6 packet sharing its bytes. */
	filter_reset(NSTRACE_M_IP, 0);
	filter_ip(ext_ip6, 0);
	apply();
	ck_assert_int_eq(events_for((build_echo6(&f, ext_ip6, vm_ip6, 1), &f)), 0);
	probe_harness_close(h);
}
END_TEST

START_TEST(xid_and_icmp_id)
{
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	filter_reset(NSTRACE_M_XID, 0);
	flt.xid = TEST_XID;
	apply();
	spec_dhcp_discover(&s);
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_vxlan, &s), &f)), 1);
	s.xid = TEST_XID + 1;
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_vxlan, &s), &f)), 0);
	spec_echo(&s);
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_plain, &s), &f)), 0);
	flt.xid = 0xabcdef;
	apply();
	ck_assert_int_eq(events_for((build_dhcp6(&f, 0xabcdef), &f)), 1);

	filter_reset(NSTRACE_M_ICMP_ID, 0);
	flt.icmp_id = 0x1234;
	apply();
	spec_echo(&s);
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_plain, &s), &f)), 1);
	ck_assert_int_eq(events_for((build_echo6(&f, vm_ip6, ext_ip6, 0x1234),
				     &f)), 1);
	s.icmp_id = 0x1235;
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_plain, &s), &f)), 0);
	spec_tcp(&s);
	ck_assert_int_eq(events_for((build_tcp(&f, &wrap_plain, &s), &f)), 0);
	probe_harness_close(h);
}
END_TEST

START_TEST(tunnel_key)
{
	struct wrap other_key = wrap_gre;
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	filter_reset(NSTRACE_M_TUN_KEY, 0);
	flt.tun_key = TEST_SEGID;
	apply();
	spec_dhcp_discover(&s);
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_gre, &s), &f)), 1);
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_vxlan, &s), &f)), 1);
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_geneve, &s), &f)), 1);
	/* not tunnelled: the criterion does not apply */
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_vlan1, &s), &f)), 1);
	/* tunnelled without a key, or with another network's */
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_gre_ip, &s), &f)), 0);
	flt.tun_key = TEST_SEGID + 1;
	apply();
	ck_assert_int_eq(events_for((build_dhcp4(&f, &other_key, &s), &f)), 0);
	probe_harness_close(h);
}
END_TEST

START_TEST(all_criteria_must_match)
{
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	filter_reset(NSTRACE_M_MAC | NSTRACE_M_XID | NSTRACE_M_TUN_KEY,
		     NSTRACE_P_DHCP);
	filter_mac(client_mac);
	flt.xid = TEST_XID;
	flt.tun_key = TEST_SEGID;
	apply();
	spec_dhcp_discover(&s);
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_vlan_gre, &s), &f)), 1);
	s.xid++;
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_vlan_gre, &s), &f)), 0);
	s.xid--;
	s.eth_src = other_mac;
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_vlan_gre, &s), &f)), 1);
	flt.n_macs = 0;
	filter_mac(other_mac);
	apply();
	/* chaddr is still the client: matches the MAC set through eth src */
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_vlan_gre, &s), &f)), 1);
	s.eth_src = client_mac;
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_vlan_gre, &s), &f)), 0);
	probe_harness_close(h);
}
END_TEST

/*
 * Plain IPv4 UDP, TCP and DHCP get their verdict from the probe's screen
 * (bpf/screen.h), read in place; the same packet VLAN-tagged always goes
 * through the full decode. Both must agree, and be right, for every
 * criterion and at every place a packet can match. DHCP cases may change
 * the frame after it is built: another xid, a chaddr that is not a MAC
 * (htype), a UDP length below its header, a first fragment.
 */
enum plain_kind { PLAIN_UDP, PLAIN_TCP, PLAIN_DHCP };

struct plain_case {
	const char *what;
	__u32 flags, proto_mask;
	const uint8_t *mac; /* in the filter, if any */
	const uint8_t *ip4, *ip6;
	const uint8_t *eth_src, *eth_dst, *saddr, *daddr;
	enum plain_kind kind;
	int events;
	/* DHCP only, 0 to leave alone: added to the xid, BOOTP htype,
	 * UDP length, IPv4 more-fragments flag */
	__u32 xid_add;
	uint8_t htype;
	uint16_t udp_len;
	int more_fragments;
};

static const struct plain_case plain_cases[] = {
	{ "mac = eth src", NSTRACE_M_MAC, 0, client_mac, NULL, NULL,
	  client_mac, server_mac, vm_ip, ext_ip, PLAIN_UDP, 1 },
	{ "mac = eth dst", NSTRACE_M_MAC, 0, client_mac, NULL, NULL,
	  server_mac, client_mac, vm_ip, ext_ip, PLAIN_TCP, 1 },
	{ "mac nowhere", NSTRACE_M_MAC, 0, client_mac, NULL, NULL,
	  server_mac, node1_mac, vm_ip, ext_ip, PLAIN_UDP, 0 },
	{ "ip = src", NSTRACE_M_IP, 0, NULL, vm_ip, vm_ip6,
	  client_mac, server_mac, vm_ip, ext_ip, PLAIN_TCP, 1 },
	{ "ip = dst", NSTRACE_M_IP, 0, NULL, vm_ip, vm_ip6,
	  client_mac, server_mac, ext_ip, vm_ip, PLAIN_UDP, 1 },
	{ "ip nowhere", NSTRACE_M_IP, 0, NULL, vm_ip, vm_ip6,
	  client_mac, server_mac, server_ip, ext_ip, PLAIN_TCP, 0 },
	{ "ipv6 only", NSTRACE_M_IP, 0, NULL, NULL, vm_ip6,
	  client_mac, server_mac, vm_ip, ext_ip, PLAIN_UDP, 0 },
	{ "udp class", 0, NSTRACE_P_UDP, NULL, NULL, NULL,
	  client_mac, server_mac, vm_ip, ext_ip, PLAIN_UDP, 1 },
	{ "tcp not udp", 0, NSTRACE_P_UDP | NSTRACE_P_ICMP, NULL, NULL, NULL,
	  client_mac, server_mac, vm_ip, ext_ip, PLAIN_TCP, 0 },
	{ "tcp class", 0, NSTRACE_P_TCP, NULL, NULL, NULL,
	  client_mac, server_mac, vm_ip, ext_ip, PLAIN_TCP, 1 },
	{ "udp not tcp", 0, NSTRACE_P_TCP | NSTRACE_P_DHCP, NULL, NULL, NULL,
	  client_mac, server_mac, vm_ip, ext_ip, PLAIN_UDP, 0 },
	{ "mac and ip", NSTRACE_M_MAC | NSTRACE_M_IP, NSTRACE_P_UDP,
	  server_mac, ext_ip, NULL, client_mac, server_mac, vm_ip, ext_ip,
	  PLAIN_UDP, 1 },
	{ "mac, ip elsewhere", NSTRACE_M_MAC | NSTRACE_M_IP, 0, server_mac,
	  server_ip, NULL, client_mac, server_mac, vm_ip, ext_ip, PLAIN_TCP, 0 },
	{ "xid", NSTRACE_M_XID, 0, NULL, NULL, NULL,
	  client_mac, server_mac, vm_ip, ext_ip, PLAIN_UDP, 0 },
	{ "icmp id", NSTRACE_M_ICMP_ID, 0, NULL, NULL, NULL,
	  client_mac, server_mac, vm_ip, ext_ip, PLAIN_TCP, 0 },
	{ "tunnel key", NSTRACE_M_TUN_KEY, 0, NULL, NULL, NULL,
	  client_mac, server_mac, vm_ip, ext_ip, PLAIN_UDP, 1 },
	/* chaddr is client_mac in every DHCP frame */
	{ "mac = chaddr", NSTRACE_M_MAC, 0, client_mac, NULL, NULL,
	  server_mac, node1_mac, any_ip, bcast_ip, PLAIN_DHCP, 1 },
	{ "chaddr not a mac", NSTRACE_M_MAC, 0, client_mac, NULL, NULL,
	  server_mac, node1_mac, any_ip, bcast_ip, PLAIN_DHCP, 0, .htype = 6 },
	{ "mac = eth dst, chaddr not a mac", NSTRACE_M_MAC, 0, node1_mac,
	  NULL, NULL, server_mac, node1_mac, any_ip, bcast_ip, PLAIN_DHCP, 1,
	  .htype = 6 },
	{ "mac nowhere", NSTRACE_M_MAC, 0, server_mac, NULL, NULL,
	  node1_mac, bcast_mac, any_ip, bcast_ip, PLAIN_DHCP, 0 },
	{ "xid", NSTRACE_M_XID, 0, NULL, NULL, NULL,
	  client_mac, bcast_mac, any_ip, bcast_ip, PLAIN_DHCP, 1 },
	{ "another xid", NSTRACE_M_XID, 0, NULL, NULL, NULL,
	  client_mac, bcast_mac, any_ip, bcast_ip, PLAIN_DHCP, 0, .xid_add = 1 },
	{ "xid differing in its first byte", NSTRACE_M_XID, 0, NULL, NULL, NULL,
	  client_mac, bcast_mac, any_ip, bcast_ip, PLAIN_DHCP, 0,
	  .xid_add = 1u << 24 },
	{ "dhcp class", 0, NSTRACE_P_DHCP, NULL, NULL, NULL,
	  client_mac, bcast_mac, any_ip, bcast_ip, PLAIN_DHCP, 1 },
	{ "dhcp not udp", 0, NSTRACE_P_UDP | NSTRACE_P_TCP, NULL, NULL, NULL,
	  client_mac, bcast_mac, any_ip, bcast_ip, PLAIN_DHCP, 0 },
	{ "icmp id", NSTRACE_M_ICMP_ID, 0, NULL, NULL, NULL,
	  client_mac, bcast_mac, any_ip, bcast_ip, PLAIN_DHCP, 0 },
	{ "ip = src", NSTRACE_M_IP, 0, NULL, vm_ip, NULL,
	  client_mac, server_mac, vm_ip, server_ip, PLAIN_DHCP, 1 },
	{ "ip nowhere", NSTRACE_M_IP, 0, NULL, vm_ip, NULL,
	  client_mac, bcast_mac, any_ip, bcast_ip, PLAIN_DHCP, 0 },
	{ "mac, xid and class", NSTRACE_M_MAC | NSTRACE_M_XID, NSTRACE_P_DHCP,
	  client_mac, NULL, NULL, client_mac, bcast_mac, any_ip, bcast_ip,
	  PLAIN_DHCP, 1 },
	{ "mac, another xid", NSTRACE_M_MAC | NSTRACE_M_XID, NSTRACE_P_DHCP,
	  client_mac, NULL, NULL, client_mac, bcast_mac, any_ip, bcast_ip,
	  PLAIN_DHCP, 0, .xid_add = 7 },
	{ "udp length 4 is udp", 0, NSTRACE_P_UDP, NULL, NULL, NULL,
	  client_mac, bcast_mac, any_ip, bcast_ip, PLAIN_DHCP, 1, .udp_len = 4 },
	{ "udp length 4 is no dhcp", NSTRACE_M_XID, 0, NULL, NULL, NULL,
	  client_mac, bcast_mac, any_ip, bcast_ip, PLAIN_DHCP, 0, .udp_len = 4 },
	{ "first fragment", NSTRACE_M_XID, NSTRACE_P_DHCP, NULL, NULL, NULL,
	  client_mac, bcast_mac, any_ip, bcast_ip, PLAIN_DHCP, 1,
	  .more_fragments = 1 },
};

#define PLAIN_IPV4_FLAGS_OFF 6 /* in the IPv4 header */
#define PLAIN_IPV4_MF 0x20 /* in its first byte */
#define PLAIN_UDP_LEN_OFF 4
#define PLAIN_BOOTP_HTYPE_OFF 1

static size_t plain_build(const struct plain_case *c, const struct wrap *w,
			  const struct pkt_spec *s)
{
	size_t ip = 14 + 4 * w->n_tags, udp = ip + 20, bootp = udp + 8;

	if (c->kind == PLAIN_TCP)
		return build_tcp(&f, w, s);
	if (c->kind == PLAIN_UDP)
		return build_udp(&f, w, s);
	build_dhcp4(&f, w, s);
	if (c->htype)
		f.data[bootp + PLAIN_BOOTP_HTYPE_OFF] = c->htype;
	if (c->udp_len) {
		f.data[udp + PLAIN_UDP_LEN_OFF] = c->udp_len >> 8;
		f.data[udp + PLAIN_UDP_LEN_OFF + 1] = c->udp_len & 0xff;
	}
	if (c->more_fragments)
		f.data[ip + PLAIN_IPV4_FLAGS_OFF] |= PLAIN_IPV4_MF;
	return f.len;
}

START_TEST(plain_packets_judged_like_decoded)
{
	static const char *const kind[] = { "udp", "tcp", "dhcp" };
	const struct plain_case *c = &plain_cases[_i];
	const struct wrap *wraps[] = { &wrap_plain, &wrap_vlan1 };
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	filter_reset(c->flags, c->proto_mask);
	flt.xid = TEST_XID;
	flt.icmp_id = 1;
	flt.tun_key = TEST_SEGID;
	if (c->mac) {
		filter_mac(other_mac);
		filter_mac(c->mac);
	}
	if (c->ip6)
		filter_ip(c->ip6, 1);
	if (c->ip4)
		filter_ip(c->ip4, 0);
	apply();
	if (c->kind == PLAIN_TCP)
		spec_tcp(&s);
	else if (c->kind == PLAIN_UDP)
		spec_udp(&s);
	else
		spec_dhcp_discover(&s);
	s.xid += c->xid_add;
	s.eth_src = c->eth_src;
	s.eth_dst = c->eth_dst;
	s.saddr = c->saddr;
	s.daddr = c->daddr;
	for (size_t w = 0; w < sizeof(wraps) / sizeof(wraps[0]); w++) {
		plain_build(c, wraps[w], &s);
		ck_assert_msg(events_for(&f) == c->events,
			      "%s, %s%s: expected %d event(s)", c->what,
			      kind[c->kind], w ? " in a VLAN" : "", c->events);
	}
	probe_harness_close(h);
}
END_TEST

/*
 * A later fragment of a UDP datagram has no UDP header: the decode calls
 * it "other", and the screen must not judge it as UDP.
 */
START_TEST(later_fragment_is_not_plain_udp)
{
	REQUIRE_ROOT();
	h = probe_harness_shared();
	build_udp_later_fragment(&f);
	filter_reset(0, NSTRACE_P_OTHER);
	apply();
	ck_assert_int_eq(events_for(&f), 1);
	filter_reset(0, NSTRACE_P_UDP);
	apply();
	ck_assert_int_eq(events_for(&f), 0);
	probe_harness_close(h);
}
END_TEST

/* A packet the filter drops leaves nothing: no event, no counter. */
START_TEST(unmatched_leaves_no_trace)
{
	struct nstrace_hop_stats st;
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = &own; /* maps a hop: must not leak into other tests */
	probe_harness_open(h, 0, PROBE_TEST_RINGBUF);
	probe_harness_hop(h, TEST_IFINDEX, NSTRACE_DIR_INGRESS, 5);
	filter_reset(NSTRACE_M_MAC, NSTRACE_P_DHCP);
	filter_mac(other_mac);
	apply();
	spec_dhcp_discover(&s);
	build_dhcp4(&f, &wrap_plain, &s);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(events_for(&f), 0);
	st = probe_harness_stats(h, 5);
	ck_assert_uint_eq(st.emitted, 0);
	ck_assert_uint_eq(st.lost, 0);
	st = probe_harness_stats(h, 0);
	ck_assert_uint_eq(st.emitted + st.lost, 0);

	filter_mac(client_mac);
	apply();
	ck_assert_int_eq(events_for(&f), 1);
	ck_assert_uint_eq(probe_harness_stats(h, 5).emitted, 1);
	probe_harness_close(h);
}
END_TEST

/* No criterion (what `nstrace watch` without filter options writes):
 * every packet is traced, the screened kinds and the others alike. */
START_TEST(empty_filter_traces_everything)
{
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	filter_reset(0, 0);
	apply();
	spec_tcp(&s);
	ck_assert_int_eq(events_for((build_tcp(&f, &wrap_plain, &s), &f)), 1);
	spec_udp(&s);
	ck_assert_int_eq(events_for((build_udp(&f, &wrap_plain, &s), &f)), 1);
	spec_dhcp_discover(&s);
	ck_assert_int_eq(events_for((build_dhcp4(&f, &wrap_plain, &s), &f)), 1);
	spec_echo(&s);
	ck_assert_int_eq(events_for((build_echo(&f, &wrap_vlan_gre, &s), &f)), 1);
	ck_assert_int_eq(events_for((build_udp_later_fragment(&f), &f)), 1);
	probe_harness_close(h);
}
END_TEST

NSTRACE_SUITE(probe_filter)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("filter");

	tcase_add_unchecked_fixture(tc, probe_harness_shared_load,
				    probe_harness_shared_unload);
	tcase_add_test(tc, proto_class);
	tcase_add_test(tc, mac_set);
	tcase_add_test(tc, ip_set);
	tcase_add_test(tc, xid_and_icmp_id);
	tcase_add_test(tc, tunnel_key);
	tcase_add_test(tc, all_criteria_must_match);
	tcase_add_loop_test(tc, plain_packets_judged_like_decoded, 0,
			    sizeof(plain_cases) / sizeof(plain_cases[0]));
	tcase_add_test(tc, later_fragment_is_not_plain_udp);
	tcase_add_test(tc, unmatched_leaves_no_trace);
	tcase_add_test(tc, empty_filter_traces_everything);
	suite_add_tcase(s, tc);
	return s;
}
