// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `ovs-appctl ofproto/trace` outcomes (user/ovs_trace.c) from the text
 * OVS 3.1 prints, as captured in the lab: a tunnel packet dropped in
 * br-tun's table 3, a broadcast flooded through br-int into br-tun and a
 * tunnel (a nested br-phy), one that never leaves br-int, and an error.
 * No root needed.
 */
#include <errno.h>
#include <string.h>

#include "ovs_trace.h"
#include "testlib.h"

static const char dropped[] =
	"Flow: udp,tun_src=10.250.3.21,tun_dst=10.250.3.34,in_port=2,vlan_tci=0x0000,"
	"dl_src=fa:16:3e:d4:f4:f3,dl_dst=fa:16:3e:a5:29:1f,nw_src=192.168.77.3,tp_src=67,tp_dst=68\n"
	"\n"
	"bridge(\"br-tun\")\n"
	"----------------\n"
	" 0. in_port=2, priority 1, cookie 0x99a2d202350f60c1\n"
	"    resubmit(,3)\n"
	" 3. priority 0, cookie 0x99a2d202350f60c1\n"
	"    drop\n"
	"\n"
	"Final flow: unchanged\n"
	"Megaflow: recirc_id=0,eth,ip,tun_id=0x11171,in_port=2,nw_frag=no\n"
	"Datapath actions: drop\n";

static const char flooded[] =
	"Flow: udp,in_port=3,vlan_tci=0x0000,dl_src=fa:16:3e:a5:29:1f,dl_dst=ff:ff:ff:ff:ff:ff\n"
	"\n"
	"bridge(\"br-int\")\n"
	"----------------\n"
	" 0. priority 0, cookie 0x99a2d202350f60c1\n"
	"    resubmit(,60)\n"
	"60. priority 3, cookie 0x99a2d202350f60c1\n"
	"    NORMAL\n"
	"     -> no learned MAC for destination, flooding\n"
	"\n"
	"bridge(\"br-tun\")\n"
	"----------------\n"
	" 0. in_port=1, priority 1, cookie 0x99a2d202350f60c1\n"
	"    resubmit(,2)\n"
	"22. dl_vlan=9, priority 1, cookie 0x99a2d202350f60c1\n"
	"    strip_vlan\n"
	"    set_tunnel:0x11171\n"
	"    output:2\n"
	"     -> output to native tunnel\n"
	"\n"
	"    bridge(\"br-phy\")\n"
	"    ----------------\n"
	"         0. priority 0\n"
	"            NORMAL\n"
	"             -> forwarding to learned port\n"
	"\n"
	"Final flow: unchanged\n"
	"Datapath actions: push_vlan(vid=9,pcp=0),5,pop_vlan,clone(tnl_push(tnl_port(1)),6)\n";

/* br-int floods, but no patch port takes it to br-tun. */
static const char stays_in_br_int[] =
	"bridge(\"br-int\")\n"
	"----------------\n"
	" 0. priority 0, cookie 0x99a2d202350f60c1\n"
	"    resubmit(,60)\n"
	"60. priority 3, cookie 0x99a2d202350f60c1\n"
	"    NORMAL\n"
	"     -> no learned MAC for destination, flooding\n"
	"\n"
	"Final flow: unchanged\n"
	"Datapath actions: push_vlan(vid=9,pcp=0),5\n";

/* br-int floods (to its own port, too), br-tun has no flood flow for the
 * VLAN: the datapath outputs, but not towards the tunnel. */
static const char dropped_in_br_tun[] =
	"bridge(\"br-int\")\n"
	"----------------\n"
	"60. priority 3, cookie 0x99a2d202350f60c1\n"
	"    NORMAL\n"
	"     -> no learned MAC for destination, flooding\n"
	"\n"
	"bridge(\"br-tun\")\n"
	"----------------\n"
	" 0. in_port=1, priority 1, cookie 0x99a2d202350f60c1\n"
	"    resubmit(,2)\n"
	" 2. dl_dst=01:00:00:00:00:00/01:00:00:00:00:00, priority 0, cookie 0x99a2d202350f60c1\n"
	"    resubmit(,22)\n"
	"22. priority 0, cookie 0x99a2d202350f60c1\n"
	"    drop\n"
	"\n"
	"Final flow: unchanged\n"
	"Datapath actions: push_vlan(vid=9,pcp=0),5\n";

/* The message's in_port was set no-receive: table 0 matched, ran nothing. */
static const char not_received[] =
	"bridge(\"br-int\")\n"
	"----------------\n"
	" 0. priority 0, cookie 0x99a2d202350f60c1\n"
	"\n"
	"Final flow: unchanged\n"
	"Datapath actions: drop\n";

static const char error[] =
	"Bad openflow flow syntax: in_port=nosuch: bad value for in_port\n"
	"ovs-appctl: /run/openvswitch/ovs-vswitchd.1.ctl: server returned an error\n";

START_TEST(test_dropped)
{
	struct ovs_trace_outcome o;

	ck_assert_int_eq(ovs_trace_parse(dropped, &o), 0);
	ck_assert(o.dropped);
	ck_assert_str_eq(o.actions, "drop");
	ck_assert_uint_eq(o.n_steps, 1);
	ck_assert_str_eq(ovs_trace_step_of(&o, NULL)->bridge, "br-tun");
	ck_assert_str_eq(o.steps[0].table, "table 3 (priority 0)");
	ck_assert_str_eq(o.steps[0].action, "drop");
	ck_assert(ovs_trace_visited(&o, "br-tun"));
	ck_assert(!ovs_trace_visited(&o, "br-int"));
}
END_TEST

START_TEST(test_flooded_through_a_tunnel)
{
	struct ovs_trace_outcome o;

	ck_assert_int_eq(ovs_trace_parse(flooded, &o), 0);
	ck_assert(!o.dropped);
	ck_assert_ptr_nonnull(strstr(o.actions, "tnl_push"));
	/* The nested br-phy (the tunnel's way out) is visited, not a step of
	 * the message's own way. */
	ck_assert_uint_eq(o.n_steps, 2);
	ck_assert_str_eq(o.steps[0].bridge, "br-int");
	ck_assert_str_eq(o.steps[0].table, "table 60 (priority 3)");
	ck_assert_str_eq(ovs_trace_step_of(&o, NULL)->bridge, "br-tun");
	ck_assert_str_eq(o.steps[1].table, "table 22 (dl_vlan=9, priority 1)");
	ck_assert_str_eq(o.steps[1].action, "output:2 -> output to native tunnel");
	ck_assert_ptr_eq(ovs_trace_step_of(&o, "br-tun"), &o.steps[1]);
	ck_assert_ptr_null(ovs_trace_step_of(&o, "br-phy"));
	ck_assert(ovs_trace_visited(&o, "br-int"));
	ck_assert(ovs_trace_visited(&o, "br-tun"));
	ck_assert(ovs_trace_visited(&o, "br-phy"));
}
END_TEST

START_TEST(test_stays_in_br_int)
{
	struct ovs_trace_outcome o;

	ck_assert_int_eq(ovs_trace_parse(stays_in_br_int, &o), 0);
	ck_assert(!o.dropped);
	ck_assert_str_eq(o.steps[0].bridge, "br-int");
	ck_assert_str_eq(o.steps[0].table, "table 60 (priority 3)");
	ck_assert_str_eq(o.steps[0].action, "NORMAL -> no learned MAC for destination, flooding");
	ck_assert(!ovs_trace_visited(&o, "br-tun"));
}
END_TEST

START_TEST(test_dropped_in_br_tun)
{
	struct ovs_trace_outcome o;
	const struct ovs_trace_step *st;

	ck_assert_int_eq(ovs_trace_parse(dropped_in_br_tun, &o), 0);
	ck_assert(!o.dropped);
	st = ovs_trace_step_of(&o, "br-tun");
	ck_assert_ptr_nonnull(st);
	ck_assert_str_eq(st->table, "table 22 (priority 0)");
	ck_assert_str_eq(st->action, "drop");
	ck_assert_str_eq(ovs_trace_step_of(&o, "br-int")->action,
			 "NORMAL -> no learned MAC for destination, flooding");
}
END_TEST

/* What each outcome says for a message lost between qvo and the node's
 * data NIC (from br-int, to reach br-tun), or from a tunnel (br-tun). */
START_TEST(test_judged)
{
	struct ovs_trace_spec from_qvo = { .node = 0, .bridge = "br-int", .reach = "br-tun" };
	struct ovs_trace_spec from_gre = { .node = 0, .bridge = "br-tun", .reach = "br-int" };
	struct ovs_trace_spec alone = { .node = 0, .bridge = "br-int" };
	const struct {
		const struct ovs_trace_spec *spec;
		const char *text;
		enum check_status status;
		const char *detail;
	} cases[] = {
		{ &from_gre, dropped, CHECK_FAIL,
		  "the flows drop it, last in br-tun table 3 (priority 0): drop" },
		{ &from_qvo, flooded, CHECK_PASS, "the flows do not drop it, they take it to br-tun" },
		{ &alone, flooded, CHECK_PASS, "the flows do not drop it (datapath actions: push_vlan" },
		{ &from_qvo, stays_in_br_int, CHECK_FAIL,
		  "the flows never take it to br-tun, last in br-int table 60 (priority 3): NORMAL "
		  "-> no learned MAC for destination, flooding (datapath actions: "
		  "push_vlan(vid=9,pcp=0),5)" },
		{ &from_qvo, not_received, CHECK_FAIL,
		  "the flows drop it, last in br-int table 0 (priority 0): no action ran (is the "
		  "port in no-receive or down? `ovs-ofctl show br-int`)" },
		{ &from_qvo, dropped_in_br_tun, CHECK_FAIL,
		  "br-tun drops it, last in br-tun table 22 (priority 0): drop (its copies "
		  "elsewhere" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct verdict_check c = { .status = CHECK_UNKNOWN };
		struct ovs_trace_outcome o;

		ck_assert_int_eq(ovs_trace_parse(cases[i].text, &o), 0);
		ovs_trace_judge(cases[i].spec, &o, &c);
		ck_assert_msg(c.status == cases[i].status, "case %zu: status %d", i, c.status);
		ck_assert_msg(!strncmp(c.detail, cases[i].detail, strlen(cases[i].detail)),
			      "case %zu: '%s'", i, c.detail);
	}
}
END_TEST

START_TEST(test_error)
{
	struct ovs_trace_outcome o;

	ck_assert_int_eq(ovs_trace_parse(error, &o), -EINVAL);
	ck_assert_int_eq(ovs_trace_parse("", &o), -EINVAL);
}
END_TEST

NSTRACE_SUITE(ovs_trace)
{
	Suite *s = suite_create("ovs_trace");
	TCase *tc = tcase_create("ovs_trace");

	tcase_add_test(tc, test_dropped);
	tcase_add_test(tc, test_flooded_through_a_tunnel);
	tcase_add_test(tc, test_stays_in_br_int);
	tcase_add_test(tc, test_dropped_in_br_tun);
	tcase_add_test(tc, test_judged);
	tcase_add_test(tc, test_error);
	suite_add_tcase(s, tc);
	return s;
}
