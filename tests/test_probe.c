// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The tc probe's decoder on crafted frames, through BPF_PROG_TEST_RUN:
 * every field of every event is asserted (probe_expect.c).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "probe_expect.h"
#include "testlib.h"

static struct probe_harness *h;
static struct frame f;
static struct nstrace_event want;

static void open_probe(void)
{
	h = probe_harness_shared();
}

/* A DHCP DISCOVER carried by w decodes to the inner packet plus w's
 * VLAN and tunnel fields. */
static void check_discover(const struct wrap *w)
{
	struct pkt_spec s;

	open_probe();
	spec_dhcp_discover(&s);
	build_dhcp4(&f, w, &s);
	want_base(&want, f.len);
	want_dhcp4(&want, &s);
	want_wrap(&want, w);
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}

START_TEST(dhcp_discover_one_vlan)
{
	REQUIRE_ROOT();
	check_discover(&wrap_vlan1);
}
END_TEST

START_TEST(dhcp_discover_two_vlans)
{
	REQUIRE_ROOT();
	check_discover(&wrap_vlan2);
}
END_TEST

START_TEST(dhcp_in_gre_teb_with_key)
{
	REQUIRE_ROOT();
	check_discover(&wrap_gre);
}
END_TEST

START_TEST(dhcp_in_gre_with_csum_seq_key_on_vlan)
{
	REQUIRE_ROOT();
	check_discover(&wrap_vlan_gre);
}
END_TEST

START_TEST(dhcp_in_vxlan)
{
	REQUIRE_ROOT();
	check_discover(&wrap_vxlan);
}
END_TEST

START_TEST(dhcp_in_geneve)
{
	REQUIRE_ROOT();
	check_discover(&wrap_geneve);
}
END_TEST

START_TEST(dhcp_tagged_in_vxlan_over_ipv6)
{
	struct wrap w = { .tun = NSTRACE_TUN_VXLAN, .tun_v6 = 1,
			  .inner_tag = 1 };

	REQUIRE_ROOT();
	check_discover(&w);
}
END_TEST

/* Option 53 behind PAD options and another option is still found. */
START_TEST(dhcp_msg_type_after_other_options)
{
	struct dhcp4_spec d = { .op = 2, .xid = 0x01020304, .secs = 0,
				.msg_type = 2, .n_pad = 5, .lead_opt_len = 19 };
	struct ipv4_spec ip = { .proto = 17, .id = 0x0101, .ttl = 64 };
	struct pkt_spec s = { .eth_src = server_mac, .eth_dst = client_mac,
			      .saddr = server_ip, .daddr = vm_ip,
			      .sport = 67, .dport = 68, .ip_id = 0x0101,
			      .ttl = 64, .xid = 0x01020304, .msg = 2 };

	REQUIRE_ROOT();
	open_probe();
	memcpy(d.chaddr, client_mac, 6);
	memcpy(ip.saddr, server_ip, 4);
	memcpy(ip.daddr, vm_ip, 4);
	frame_init(&f);
	frame_eth(&f, client_mac, server_mac, ETH_P_IP);
	frame_ipv4(&f, &ip);
	frame_udp(&f, 67, 68);
	frame_dhcp4(&f, &d);
	frame_finish(&f);
	want_base(&want, f.len);
	want_dhcp4(&want, &s);
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

START_TEST(ipv4_in_gre_without_key)
{
	struct pkt_spec s;

	REQUIRE_ROOT();
	open_probe();
	spec_echo(&s);
	build_echo(&f, &wrap_gre_ip, &s);
	want_base(&want, f.len);
	want_echo(&want, &s);
	want_wrap(&want, &wrap_gre_ip);
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

START_TEST(icmp_echo)
{
	struct pkt_spec s;

	REQUIRE_ROOT();
	open_probe();
	spec_echo(&s);
	build_echo(&f, &wrap_plain, &s);
	want_base(&want, f.len);
	want_echo(&want, &s);
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

START_TEST(icmp_echo_with_ip_options)
{
	struct ipv4_spec ip = { .proto = 1, .id = 0x4242, .ttl = 63,
				.options_len = 8 };
	struct pkt_spec s;

	REQUIRE_ROOT();
	open_probe();
	spec_echo(&s);
	s.ttl = 63;
	memcpy(ip.saddr, vm_ip, 4);
	memcpy(ip.daddr, ext_ip, 4);
	frame_init(&f);
	frame_eth(&f, server_mac, client_mac, ETH_P_IP);
	frame_ipv4(&f, &ip);
	frame_icmp(&f, 8, 0, s.icmp_id, s.icmp_seq);
	frame_finish(&f);
	want_base(&want, f.len);
	want_echo(&want, &s);
	want.flags |= NSTRACE_F_IP_OPTIONS;
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

START_TEST(icmpv6_echo_after_hop_by_hop)
{
	struct ipv6_spec ip = { .nexthdr = 0, .hop_limit = 64, .tclass = 0x20 };
	static const uint8_t payload[32] = { 1, 2, 3 };

	REQUIRE_ROOT();
	open_probe();
	memcpy(ip.saddr, vm_ip6, 16);
	memcpy(ip.daddr, ext_ip6, 16);
	frame_init(&f);
	frame_eth(&f, server_mac, client_mac, ETH_P_IPV6);
	frame_ipv6(&f, &ip);
	frame_ipv6_opts(&f, 58);
	frame_icmp(&f, 128, 0, 0x0099, 3);
	frame_bytes(&f, payload, sizeof(payload));
	frame_finish(&f);

	want_base(&want, f.len);
	memcpy(want.eth_src, client_mac, 6);
	memcpy(want.eth_dst, server_mac, 6);
	want.eth_proto = ETH_P_IPV6;
	want.flags = NSTRACE_F_IP_OPTIONS;
	want.l3_family = NSTRACE_L3_IPV6;
	want.l4_proto = 58;
	want.ttl = 64;
	want.tos = 0x20;
	memcpy(want.saddr, vm_ip6, 16);
	memcpy(want.daddr, ext_ip6, 16);
	want.icmp_type = 128;
	want.app = NSTRACE_APP_ECHO;
	want.icmp_id = 0x0099;
	want.icmp_seq = 3;
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

START_TEST(arp_request)
{
	static const uint8_t zero_mac[6];

	REQUIRE_ROOT();
	open_probe();
	frame_init(&f);
	frame_eth(&f, bcast_mac, client_mac, ETH_P_ARP);
	frame_arp(&f, 1, client_mac, vm_ip, zero_mac, server_ip);
	frame_finish(&f);

	want_base(&want, f.len);
	memcpy(want.eth_src, client_mac, 6);
	memcpy(want.eth_dst, bcast_mac, 6);
	want.eth_proto = ETH_P_ARP;
	want.l3_family = NSTRACE_L3_ARP;
	memcpy(want.saddr, vm_ip, 4);
	memcpy(want.daddr, server_ip, 4);
	want.app = NSTRACE_APP_ARP;
	want.arp_op = 1;
	memcpy(want.chaddr, client_mac, 6);
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

START_TEST(tcp_segment)
{
	struct pkt_spec s;

	REQUIRE_ROOT();
	open_probe();
	spec_tcp(&s);
	build_tcp(&f, &wrap_plain, &s);
	want_base(&want, f.len);
	want_tcp(&want, &s);
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

START_TEST(udp_datagram)
{
	struct pkt_spec s;

	REQUIRE_ROOT();
	open_probe();
	spec_udp(&s);
	build_udp(&f, &wrap_vlan1, &s);
	want_base(&want, f.len);
	want_udp(&want, &s);
	want_wrap(&want, &wrap_vlan1);
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

START_TEST(dhcpv6_solicit)
{
	static const uint8_t mcast_mac[6] = { 0x33, 0x33, 0, 1, 0, 2 };
	struct ipv6_spec ip = { .nexthdr = 17, .hop_limit = 1 };

	REQUIRE_ROOT();
	open_probe();
	memcpy(ip.saddr, ll_ip6, 16);
	memcpy(ip.daddr, dhcp6_ip6, 16);
	frame_init(&f);
	frame_eth(&f, mcast_mac, client_mac, ETH_P_IPV6);
	frame_ipv6(&f, &ip);
	frame_udp(&f, 546, 547);
	frame_dhcp6(&f, 1, 0xabcdef);
	frame_finish(&f);

	want_base(&want, f.len);
	memcpy(want.eth_src, client_mac, 6);
	memcpy(want.eth_dst, mcast_mac, 6);
	want.eth_proto = ETH_P_IPV6;
	want.l3_family = NSTRACE_L3_IPV6;
	want.l4_proto = 17;
	want.ttl = 1;
	memcpy(want.saddr, ll_ip6, 16);
	memcpy(want.daddr, dhcp6_ip6, 16);
	want.sport = 546;
	want.dport = 547;
	want.app = NSTRACE_APP_DHCP6;
	want.dhcp_msg = 1;
	want.xid = 0xabcdef;
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

START_TEST(ipv4_later_fragment)
{
	REQUIRE_ROOT();
	open_probe();
	build_udp_later_fragment(&f);

	want_base(&want, f.len);
	memcpy(want.eth_src, client_mac, 6);
	memcpy(want.eth_dst, server_mac, 6);
	want.eth_proto = ETH_P_IP;
	want.flags = NSTRACE_F_FRAGMENT;
	want.l3_family = NSTRACE_L3_IPV4;
	want.l4_proto = 17;
	want.ttl = 64;
	want.ip_id = 0x3333;
	want.frag_off = LATER_FRAGMENT_OFFSET * 8;
	memcpy(want.saddr, vm_ip, 4);
	memcpy(want.daddr, ext_ip, 4);
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

/* LLDP: nothing past Ethernet to decode, and nothing to fingerprint. */
START_TEST(non_ip_ethertype)
{
	static const uint8_t lldp_mac[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x0e };
	static const uint8_t tlvs[40];

	REQUIRE_ROOT();
	open_probe();
	frame_init(&f);
	frame_eth(&f, lldp_mac, client_mac, 0x88cc);
	frame_bytes(&f, tlvs, sizeof(tlvs));
	frame_finish(&f);
	want_base(&want, f.len);
	memcpy(want.eth_src, client_mac, 6);
	memcpy(want.eth_dst, lldp_mac, 6);
	want.eth_proto = 0x88cc;
	want.fingerprint = WANT_NO_FP;
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

/* An ICMP error carrying (quoting) the start of the packet it is about. */
static void build_icmp_error(struct frame *err, const struct frame *orig,
			     uint8_t type, uint8_t code, uint16_t hi,
			     uint16_t lo)
{
	struct ipv4_spec ip = { .proto = 1, .id = 0x0a0a, .ttl = 64 };

	memcpy(ip.saddr, server_ip, 4);
	memcpy(ip.daddr, vm_ip, 4);
	frame_init(err);
	frame_eth(err, client_mac, server_mac, ETH_P_IP);
	frame_ipv4(err, &ip);
	frame_icmp(err, type, code, hi, lo);
	frame_bytes(err, orig->data + 14, orig->len - 14);
	frame_finish(err);
}

static void want_icmp_error(struct nstrace_event *e, size_t len, uint8_t type,
			    uint8_t code, uint16_t hi, uint16_t lo)
{
	want_base(e, len);
	memcpy(e->eth_src, server_mac, 6);
	memcpy(e->eth_dst, client_mac, 6);
	e->eth_proto = ETH_P_IP;
	e->l3_family = NSTRACE_L3_IPV4;
	e->l4_proto = 1;
	e->ttl = 64;
	e->ip_id = 0x0a0a;
	memcpy(e->saddr, server_ip, 4);
	memcpy(e->daddr, vm_ip, 4);
	e->icmp_type = type;
	e->icmp_code = code;
	e->app = NSTRACE_APP_ICMP_ERR;
	e->icmp_id = hi;
	e->icmp_seq = lo;
}

START_TEST(icmp_frag_needed_links_quoted_udp)
{
	static struct frame orig;
	struct pkt_spec s;
	__u64 orig_fp;

	REQUIRE_ROOT();
	open_probe();
	spec_udp(&s);
	build_udp(&orig, &wrap_plain, &s);
	orig_fp = run_one(h, &orig)->fingerprint;
	ck_assert_uint_ne(orig_fp, 0);

	build_icmp_error(&f, &orig, 3, 4, 0, 1400);
	want_icmp_error(&want, f.len, 3, 4, 0, 1400);
	want.related_fp = orig_fp;
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

START_TEST(icmp_time_exceeded_links_quoted_echo)
{
	static struct frame orig;
	struct pkt_spec s;
	__u64 orig_fp;

	REQUIRE_ROOT();
	open_probe();
	spec_echo(&s);
	build_echo(&orig, &wrap_plain, &s);
	orig_fp = run_one(h, &orig)->fingerprint;

	build_icmp_error(&f, &orig, 11, 0, 0, 0);
	want_icmp_error(&want, f.len, 11, 0, 0, 0);
	want.related_fp = orig_fp;
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

START_TEST(icmpv6_packet_too_big_links_quoted_tcp)
{
	static struct frame orig;
	struct ipv6_spec ip = { .nexthdr = 6, .hop_limit = 64 };
	struct ipv6_spec err_ip = { .nexthdr = 58, .hop_limit = 255 };
	__u64 orig_fp;

	REQUIRE_ROOT();
	open_probe();
	memcpy(ip.saddr, vm_ip6, 16);
	memcpy(ip.daddr, ext_ip6, 16);
	frame_init(&orig);
	frame_eth(&orig, server_mac, client_mac, ETH_P_IPV6);
	frame_ipv6(&orig, &ip);
	frame_tcp(&orig, 40001, 22, 1000, 2000, 0x10);
	frame_finish(&orig);
	orig_fp = run_one(h, &orig)->fingerprint;

	memcpy(err_ip.saddr, ll_ip6, 16);
	memcpy(err_ip.daddr, vm_ip6, 16);
	frame_init(&f);
	frame_eth(&f, client_mac, server_mac, ETH_P_IPV6);
	frame_ipv6(&f, &err_ip);
	frame_icmp(&f, 2, 0, 0, 1280);
	frame_bytes(&f, orig.data + 14, orig.len - 14);
	frame_finish(&f);

	want_base(&want, f.len);
	memcpy(want.eth_src, server_mac, 6);
	memcpy(want.eth_dst, client_mac, 6);
	want.eth_proto = ETH_P_IPV6;
	want.l3_family = NSTRACE_L3_IPV6;
	want.l4_proto = 58;
	want.ttl = 255;
	memcpy(want.saddr, ll_ip6, 16);
	memcpy(want.daddr, vm_ip6, 16);
	want.icmp_type = 2;
	want.app = NSTRACE_APP_ICMP_ERR;
	want.icmp_seq = 1280; /* the MTU */
	want.related_fp = orig_fp;
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

NSTRACE_SUITE(probe_decode)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("decode");

	tcase_add_unchecked_fixture(tc, probe_harness_shared_load,
				    probe_harness_shared_unload);
	tcase_add_test(tc, dhcp_discover_one_vlan);
	tcase_add_test(tc, dhcp_discover_two_vlans);
	tcase_add_test(tc, dhcp_in_gre_teb_with_key);
	tcase_add_test(tc, dhcp_in_gre_with_csum_seq_key_on_vlan);
	tcase_add_test(tc, dhcp_in_vxlan);
	tcase_add_test(tc, dhcp_in_geneve);
	tcase_add_test(tc, dhcp_tagged_in_vxlan_over_ipv6);
	tcase_add_test(tc, dhcp_msg_type_after_other_options);
	tcase_add_test(tc, ipv4_in_gre_without_key);
	tcase_add_test(tc, icmp_echo);
	tcase_add_test(tc, icmp_echo_with_ip_options);
	tcase_add_test(tc, icmpv6_echo_after_hop_by_hop);
	tcase_add_test(tc, arp_request);
	tcase_add_test(tc, tcp_segment);
	tcase_add_test(tc, udp_datagram);
	tcase_add_test(tc, dhcpv6_solicit);
	tcase_add_test(tc, ipv4_later_fragment);
	tcase_add_test(tc, non_ip_ethertype);
	tcase_add_test(tc, icmp_frag_needed_links_quoted_udp);
	tcase_add_test(tc, icmp_time_exceeded_links_quoted_echo);
	tcase_add_test(tc, icmpv6_packet_too_big_links_quoted_tcp);
	suite_add_tcase(s, tc);
	return s;
}
