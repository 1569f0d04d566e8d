// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fingerprint computed by the tc probe: one packet keeps it through
 * VLAN tags, tunnels, TTL decrements and NAT; different packets differ.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "probe_expect.h"
#include "testlib.h"

static struct probe_harness *h;
static struct frame f;

static __u64 fp_of(const struct frame *fr)
{
	const struct nstrace_event *e = run_one(h, fr);

	ck_assert_msg(!(e->flags & NSTRACE_F_TRUNCATED), "frame truncated");
	ck_assert_uint_ne(e->fingerprint, 0);
	return e->fingerprint;
}

static const struct wrap *const all_wraps[] = {
	&wrap_plain, &wrap_vlan1, &wrap_vlan2, &wrap_gre,
	&wrap_vlan_gre, &wrap_vxlan, &wrap_geneve,
};
#define N_WRAPS (sizeof(all_wraps) / sizeof(all_wraps[0]))

START_TEST(dhcp_same_through_vlans_and_tunnels)
{
	struct wrap v6_tagged = { .tun = NSTRACE_TUN_VXLAN, .tun_v6 = 1,
				  .inner_tag = 1 };
	struct pkt_spec s;
	__u64 fp;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	spec_dhcp_discover(&s);
	build_dhcp4(&f, &wrap_plain, &s);
	fp = fp_of(&f);
	for (size_t i = 0; i < N_WRAPS; i++) {
		build_dhcp4(&f, all_wraps[i], &s);
		ck_assert_msg(fp_of(&f) == fp, "wrap %zu changed the fingerprint", i);
	}
	build_dhcp4(&f, &v6_tagged, &s);
	ck_assert_uint_eq(fp_of(&f), fp);
	/* A relay agent's hop decrements TTL: still the same packet. */
	s.ttl = 63;
	build_dhcp4(&f, &wrap_gre, &s);
	ck_assert_uint_eq(fp_of(&f), fp);
	probe_harness_close(h);
}
END_TEST

typedef size_t (*build_fn)(struct frame *, const struct wrap *,
			   const struct pkt_spec *);

/* plain, tagged, tunnelled, routed (TTL - 1) and SNATed (source address
 * and port rewritten, IP ID kept, as Linux conntrack does). */
static void check_same_across_hops_and_snat(build_fn build,
					     const struct pkt_spec *orig)
{
	struct pkt_spec s = *orig;
	__u64 fp;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	build(&f, &wrap_plain, &s);
	fp = fp_of(&f);
	for (size_t i = 0; i < N_WRAPS; i++) {
		build(&f, all_wraps[i], &s);
		ck_assert_msg(fp_of(&f) == fp, "wrap %zu changed the fingerprint", i);
	}
	build(&f, &wrap_gre_ip, &s);
	ck_assert_uint_eq(fp_of(&f), fp);
	s.ttl--;
	s.eth_src = server_mac;
	s.eth_dst = other_mac;
	build(&f, &wrap_plain, &s);
	ck_assert_uint_eq(fp_of(&f), fp);
	s.saddr = nat_ip;
	if (s.sport)
		s.sport = 61000;
	build(&f, &wrap_vlan1, &s);
	ck_assert_uint_eq(fp_of(&f), fp);
	probe_harness_close(h);
}

START_TEST(tcp_same_across_hops_and_snat)
{
	struct pkt_spec s;

	spec_tcp(&s);
	check_same_across_hops_and_snat(build_tcp, &s);
}
END_TEST

START_TEST(udp_same_across_hops_and_snat)
{
	struct pkt_spec s;

	spec_udp(&s);
	check_same_across_hops_and_snat(build_udp, &s);
}
END_TEST

START_TEST(echo_same_across_hops_and_snat)
{
	struct pkt_spec s;

	spec_echo(&s);
	check_same_across_hops_and_snat(build_echo, &s);
}
END_TEST

#define MAX_FPS 32

struct fp_set {
	__u64 fp[MAX_FPS];
	const char *what[MAX_FPS];
	int n;
};

static void add_fp(struct fp_set *set, const char *what, const struct frame *fr)
{
	__u64 fp = fp_of(fr);

	ck_assert_int_lt(set->n, MAX_FPS);
	for (int i = 0; i < set->n; i++)
		ck_assert_msg(set->fp[i] != fp,
			      "%s has the fingerprint of %s", what, set->what[i]);
	set->fp[set->n] = fp;
	set->what[set->n] = what;
	set->n++;
}

static void build_arp(struct frame *fr, uint16_t op, const uint8_t *tpa)
{
	static const uint8_t zero_mac[6];

	frame_init(fr);
	frame_eth(fr, bcast_mac, client_mac, ETH_P_ARP);
	frame_arp(fr, op, client_mac, vm_ip, zero_mac, tpa);
	frame_finish(fr);
}

static void build_dhcp6(struct frame *fr, uint8_t msg, uint32_t xid)
{
	static const uint8_t mcast_mac[6] = { 0x33, 0x33, 0, 1, 0, 2 };
	struct ipv6_spec ip = { .nexthdr = 17, .hop_limit = 1 };

	memcpy(ip.saddr, ll_ip6, 16);
	memcpy(ip.daddr, dhcp6_ip6, 16);
	frame_init(fr);
	frame_eth(fr, mcast_mac, client_mac, ETH_P_IPV6);
	frame_ipv6(fr, &ip);
	frame_udp(fr, 546, 547);
	frame_dhcp6(fr, msg, xid);
	frame_finish(fr);
}

START_TEST(different_packets_differ)
{
	static struct fp_set set;
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = probe_harness_shared();

	spec_dhcp_discover(&s);
	build_dhcp4(&f, &wrap_plain, &s);
	add_fp(&set, "DISCOVER", &f);
	s.xid++;
	build_dhcp4(&f, &wrap_plain, &s);
	add_fp(&set, "DISCOVER, other xid", &f);
	s.xid--;
	s.secs++;
	build_dhcp4(&f, &wrap_plain, &s);
	add_fp(&set, "DISCOVER, retry (secs + 1)", &f);
	s.secs--;
	s.msg = 3;
	build_dhcp4(&f, &wrap_plain, &s);
	add_fp(&set, "REQUEST, same xid", &f);

	build_dhcp6(&f, 1, 0xabcdef);
	add_fp(&set, "DHCPv6 SOLICIT", &f);
	build_dhcp6(&f, 1, 0xabcdee);
	add_fp(&set, "DHCPv6 SOLICIT, other xid", &f);
	build_dhcp6(&f, 3, 0xabcdef);
	add_fp(&set, "DHCPv6 REQUEST, same xid", &f);

	spec_echo(&s);
	build_echo(&f, &wrap_plain, &s);
	add_fp(&set, "echo request", &f);
	s.icmp_seq++;
	build_echo(&f, &wrap_plain, &s);
	add_fp(&set, "echo request, next seq", &f);
	s.icmp_type = 0;
	build_echo(&f, &wrap_plain, &s);
	add_fp(&set, "echo reply", &f);
	s.icmp_type = 8;
	s.icmp_id++;
	build_echo(&f, &wrap_plain, &s);
	add_fp(&set, "echo request, other id", &f);

	spec_tcp(&s);
	build_tcp(&f, &wrap_plain, &s);
	add_fp(&set, "TCP segment", &f);
	s.seq++;
	build_tcp(&f, &wrap_plain, &s);
	add_fp(&set, "TCP, next seq", &f);
	s.seq--;
	s.ack++;
	build_tcp(&f, &wrap_plain, &s);
	add_fp(&set, "TCP, other ack", &f);
	s.ack--;
	s.tcp_flags = 0x11;
	build_tcp(&f, &wrap_plain, &s);
	add_fp(&set, "TCP, FIN instead of PSH", &f);
	s.tcp_flags = 0x18;
	s.ip_id++;
	build_tcp(&f, &wrap_plain, &s);
	add_fp(&set, "TCP retransmission (new IP ID)", &f);

	spec_udp(&s);
	build_udp(&f, &wrap_plain, &s);
	add_fp(&set, "UDP datagram", &f);
	s.payload = "nstrace\tudp payload"; /* first 8 bytes differ */
	build_udp(&f, &wrap_plain, &s);
	add_fp(&set, "UDP, other payload", &f);
	s.payload = "nstrace udp payload";
	s.ip_id++;
	build_udp(&f, &wrap_plain, &s);
	add_fp(&set, "UDP, other IP ID", &f);

	build_arp(&f, 1, server_ip);
	add_fp(&set, "ARP request", &f);
	build_arp(&f, 2, server_ip);
	add_fp(&set, "ARP reply", &f);
	build_arp(&f, 1, ext_ip);
	add_fp(&set, "ARP request, other target", &f);
	probe_harness_close(h);
}
END_TEST

NSTRACE_SUITE(probe_fingerprint)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("fingerprint");

	tcase_add_unchecked_fixture(tc, probe_harness_shared_load,
				    probe_harness_shared_unload);
	tcase_add_test(tc, dhcp_same_through_vlans_and_tunnels);
	tcase_add_test(tc, tcp_same_across_hops_and_snat);
	tcase_add_test(tc, udp_same_across_hops_and_snat);
	tcase_add_test(tc, echo_same_across_hops_and_snat);
	tcase_add_test(tc, different_packets_differ);
	suite_add_tcase(s, tc);
	return s;
}
