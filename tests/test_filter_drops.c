// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The agents' namespaces' filter tables (user/filter_drops.c,
 * user/ipt_snapshot.c): `iptables-save -c` text of a router namespace
 * before and after a trace, built-in chains' policies counted like rules,
 * and which rules drop.  No root needed.
 */
#include <errno.h>
#include <string.h>

#include "filter_drops.h"
#include "testlib.h"

#define L3 "neutron-l3-agent-"

static const char before[] =
	"*nat\n"
	":PREROUTING ACCEPT [40:3360]\n"
	"[2:168] -A " L3 "PREROUTING -d 203.0.113.200/32 -j DNAT --to-destination 10.0.0.5\n"
	"COMMIT\n"
	"*filter\n"
	":INPUT ACCEPT [10:840]\n"
	":FORWARD ACCEPT [0:0]\n"
	":OUTPUT DROP [1:84]\n"
	":" L3 "FORWARD - [0:0]\n"
	":DROPLOG - [0:0]\n"
	"[10:840] -A INPUT -j " L3 "INPUT\n"
	"[0:0] -A " L3 "INPUT -p tcp -m tcp --dport 9697 -j DROP\n"
	"[4:336] -A FORWARD -j " L3 "FORWARD\n"
	"[1:84] -A " L3 "FORWARD -s 10.0.0.5/32 -o qg-1234 -j DROP\n"
	"[0:0] -A " L3 "FORWARD -p tcp -j REJECT --reject-with icmp-port-unreachable\n"
	"[0:0] -A " L3 "FORWARD -p udp -j DROPLOG\n"
	"COMMIT\n";

/* Three more echoes of 10.0.0.5 dropped, one more packet for OUTPUT's
 * DROP policy, one TCP segment rejected, one UDP datagram to DROPLOG (a
 * user chain whose name starts with DROP: not a drop by itself). */
static const char after[] =
	"*filter\n"
	":INPUT ACCEPT [12:1008]\n"
	":FORWARD ACCEPT [0:0]\n"
	":OUTPUT DROP [2:168]\n"
	":" L3 "FORWARD - [0:0]\n"
	":DROPLOG - [0:0]\n"
	"[12:1008] -A INPUT -j " L3 "INPUT\n"
	"[0:0] -A " L3 "INPUT -p tcp -m tcp --dport 9697 -j DROP\n"
	"[9:756] -A FORWARD -j " L3 "FORWARD\n"
	"[4:336] -A " L3 "FORWARD -s 10.0.0.5/32 -o qg-1234 -j DROP\n"
	"[1:60] -A " L3 "FORWARD -p tcp -j REJECT --reject-with icmp-port-unreachable\n"
	"[1:40] -A " L3 "FORWARD -p udp -j DROPLOG\n"
	"COMMIT\n";

START_TEST(test_policies_parsed)
{
	struct ipt_snapshot s;

	ck_assert_int_eq(ipt_parse(before, "", &s), 0);
	/* Three policies (user chains have none) and six rules; not nat's. */
	ck_assert_uint_eq(s.n, 9);
	ck_assert_str_eq(s.rules[2].chain, "OUTPUT");
	ck_assert(s.rules[2].policy);
	ck_assert_str_eq(s.rules[2].spec, "policy DROP");
	ck_assert_uint_eq(s.rules[2].pkts, 1);
	ck_assert(ipt_rule_drops(&s.rules[2]));
	ck_assert(s.rules[0].policy);
	ck_assert(!ipt_rule_drops(&s.rules[0])); /* policy ACCEPT */
	ck_assert(!s.rules[3].policy);
	ck_assert(!ipt_rule_drops(&s.rules[3])); /* -j neutron-l3-agent-INPUT */
	ck_assert(ipt_rule_drops(&s.rules[4]));
	ck_assert(ipt_rule_drops(&s.rules[7])); /* REJECT with options */
	ck_assert(!ipt_rule_drops(&s.rules[8])); /* -j DROPLOG */
	ck_assert_uint_eq(ipt_rule_rise(&s, &s.rules[6]), 0);
	ipt_snapshot_free(&s);
	/* A prefix keeps the policies out, as the security-group chains want. */
	ck_assert_int_eq(ipt_parse(before, L3, &s), 0);
	ck_assert_uint_eq(s.n, 4);
	for (size_t i = 0; i < s.n; i++)
		ck_assert(!s.rules[i].policy);
	ipt_snapshot_free(&s);
}
END_TEST

START_TEST(test_drops_counted)
{
	struct ipt_snapshot b, a;
	struct verdict_checks out = { 0 };
	const struct verdict_check *c;

	ck_assert_int_eq(ipt_parse(before, "", &b), 0);
	ck_assert_int_eq(ipt_parse(after, "", &a), 0);
	ck_assert_int_eq(filter_drops_check(&b, &a, "qrouter-r1", "network",
					    "ip netns exec qrouter-r1 ", &out),
			 0);
	ck_assert_uint_eq(out.n, 1);
	c = &out.items[0];
	ck_assert_str_eq(c->name, "filter-drops");
	ck_assert_int_eq(c->status, CHECK_FAIL);
	ck_assert_str_eq(c->subject, "iptables filter table of qrouter-r1 on network");
	ck_assert_str_eq(c->detail,
			 "OUTPUT: +1 packet: policy DROP; " L3 "FORWARD: +3 packets: -s "
			 "10.0.0.5/32 -o qg-1234 -j DROP; " L3 "FORWARD: +1 packet: -p tcp -j "
			 "REJECT --reject-with icmp-port-unreachable");
	ck_assert_str_eq(c->command, "ip netns exec qrouter-r1 iptables -L -v -x -n");
	verdict_checks_free(&out);
	ipt_snapshot_free(&b);
	ipt_snapshot_free(&a);
}
END_TEST

START_TEST(test_nothing_dropped_or_unreadable)
{
	struct ipt_snapshot b, a = { 0 };
	struct verdict_checks out = { 0 };

	ck_assert_int_eq(ipt_parse(before, "", &b), 0);
	ck_assert_int_eq(filter_drops_check(&b, &b, "qdhcp-n1", "network", "", &out), 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_int_eq(out.items[0].status, CHECK_PASS);
	ck_assert_ptr_nonnull(strstr(out.items[0].detail, "no DROP or REJECT rule"));
	verdict_checks_free(&out);
	/* Counters reset since (the rules reloaded): a rule's count is new. */
	ck_assert_int_eq(ipt_parse(after, "", &a), 0);
	ck_assert_uint_eq(ipt_rule_rise(&a, &b.rules[2]), 1);
	ipt_snapshot_free(&a);
	a.err = -ENOENT;
	ck_assert_int_eq(filter_drops_check(&b, &a, "qdhcp-n1", "network", "", &out), 0);
	ck_assert_int_eq(out.items[0].status, CHECK_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(out.items[0].detail, "not installed"));
	verdict_checks_free(&out);
	ipt_snapshot_free(&b);
}
END_TEST

NSTRACE_SUITE(filter_drops)
{
	Suite *s = suite_create("filter_drops");
	TCase *tc = tcase_create("filter_drops");

	tcase_add_test(tc, test_policies_parsed);
	tcase_add_test(tc, test_drops_counted);
	tcase_add_test(tc, test_nothing_dropped_or_unreadable);
	suite_add_tcase(s, tc);
	return s;
}
