// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The DHCP agent's files and dnsmasq's command line. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dhcp_opts.h"
#include "dhcp_state.h"
#include "dnsmasq_conf.h"
#include "live_util.h"
#include "testlib.h"

static const char *const NET = "531828ef-469d-4efc-acf0-ad00ee510267";

START_TEST(test_host_line_forms)
{
	struct dhcp_host h;
	char why[96];

	ck_assert_int_eq(dhcp_parse_host_line("fa:16:3e:16:79:bb,host-10-0-0-5.openstacklocal,"
					      "10.0.0.5\n", &h, why, sizeof(why)),
			 0);
	ck_assert(h.has_mac);
	ck_assert_uint_eq(h.mac[5], 0xbb);
	ck_assert_str_eq(h.hostname, "host-10-0-0-5.openstacklocal");
	ck_assert_str_eq(h.ip, "10.0.0.5");
	ck_assert_int_eq(h.family, AF_INET);

	/* extra DHCP options: set:<port uuid> */
	ck_assert_int_eq(dhcp_parse_host_line("fa:16:3e:16:79:bb,host-10-0-0-5,10.0.0.5,"
					      "set:1bbe7c60-4293-46e0-8f04-34de481679bb",
					      &h, why, sizeof(why)),
			 0);
	ck_assert_str_eq(h.tag, "1bbe7c60-4293-46e0-8f04-34de481679bb");

	/* client id form, IPv6 in brackets */
	ck_assert_int_eq(dhcp_parse_host_line("fa:16:3e:00:00:01,id:01:02,host-x,[2001:db8::5],"
					      "set:tag1",
					      &h, why, sizeof(why)),
			 0);
	ck_assert_str_eq(h.client_id, "01:02");
	ck_assert_str_eq(h.ip, "2001:db8::5");
	ck_assert_int_eq(h.family, AF_INET6);

	/* SLAAC-style entry without an address, and a lease time */
	ck_assert_int_eq(dhcp_parse_host_line("fa:16:3e:00:00:02,host-y,86400", &h, why,
					      sizeof(why)),
			 0);
	ck_assert_int_eq(h.family, 0);

	ck_assert_int_eq(dhcp_parse_host_line("   \n", &h, why, sizeof(why)), 1);
	ck_assert_int_eq(dhcp_parse_host_line("# comment", &h, why, sizeof(why)), 1);
}
END_TEST

START_TEST(test_host_line_malformed)
{
	static const struct {
		const char *line;
		const char *why;
	} bad[] = {
		{ "fa:16:3e:zz:79:bb,host,10.0.0.5", "bad MAC" },
		{ "fa:16:3e:16:79,host,10.0.0.5", "bad MAC" },
		{ "fa:16:3e:16:79:bb,host,10.0.0.500", "bad IPv4" },
		{ "fa:16:3e:16:79:bb,host,[2001:db8::zz]", "bad IPv6" },
		{ "fa:16:3e:16:79:bb,host,[2001:db8::1", "unterminated" },
		{ "fa:16:3e:16:79:bb,,10.0.0.5", "empty field" },
		{ "fa:16:3e:16:79:bb,host,10.0.0.5,", "empty field" },
		{ "host-10-0-0-5,10.0.0.5", "no MAC" },
		{ "fa:16:3e:16:79:bb,10.0.0.5,10.0.0.6", "more than one address" },
		{ "fa:16:3e:*:*:*,host,10.0.0.5", "wildcard" },
		{ "fa:16:3e:16:79:bb,host one,10.0.0.5", "unexpected field" },
	};
	struct dhcp_host h;
	char why[96];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		ck_assert_msg(dhcp_parse_host_line(bad[i].line, &h, why, sizeof(why)) == -EINVAL,
			      "accepted '%s'", bad[i].line);
		ck_assert_msg(strstr(why, bad[i].why), "'%s': reason '%s', want '%s'", bad[i].line,
			      why, bad[i].why);
	}
}
END_TEST

START_TEST(test_lease_lines)
{
	struct dhcp_lease l;
	char why[96];

	ck_assert_int_eq(dhcp_parse_lease_line("1795692373 fa:16:3e:16:79:bb 10.0.0.5 "
					       "host-10-0-0-5 01:fa:16:3e:16:79:bb",
					       &l, why, sizeof(why)),
			 0);
	ck_assert_int_eq(l.expiry, 1795692373LL);
	ck_assert(l.has_mac);
	ck_assert_str_eq(l.ip, "10.0.0.5");
	ck_assert_str_eq(l.client_id, "01:fa:16:3e:16:79:bb");
	ck_assert_int_eq(dhcp_parse_lease_line("0 fa:16:3e:16:79:bb 10.0.0.5 * *", &l, why,
					       sizeof(why)),
			 0);
	ck_assert_str_eq(l.hostname, "");
	ck_assert_int_eq(dhcp_parse_lease_line("1795692373 12345 2001:db8::5 host *", &l, why,
					       sizeof(why)),
			 0);
	ck_assert(!l.has_mac);
	ck_assert_int_eq(dhcp_parse_lease_line("duid 00:01:00:01:2c:", &l, why, sizeof(why)), 1);
	ck_assert_int_eq(dhcp_parse_lease_line("soon fa:16:3e:16:79:bb 10.0.0.5 h *", &l, why,
					       sizeof(why)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "expiry"));
	ck_assert_int_eq(dhcp_parse_lease_line("1 fa:16:3e:16:79:bb", &l, why, sizeof(why)),
			 -EINVAL);
	ck_assert_int_eq(dhcp_parse_lease_line("1 fa:16:3e:16:79 10.0.0.5 h *", &l, why,
					       sizeof(why)),
			 -EINVAL);
}
END_TEST

/* <tmp>/dhcp/<net>/ with a host file holding good and broken lines. */
static void make_state(char *state, size_t len, char *net_dir, size_t nlen)
{
	char sub[600];

	snprintf(state, len, "/tmp/nstrace-dhcp-state-%d-XXXXXX", (int)getpid());
	ck_assert_ptr_nonnull(mkdtemp(state));
	snprintf(sub, sizeof(sub), "%s/dhcp", state);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	snprintf(net_dir, nlen, "%s/dhcp/%s", state, NET);
	ck_assert_int_eq(mkdir(net_dir, 0755), 0);
	/* not a network: ignored */
	snprintf(sub, sizeof(sub), "%s/dhcp/lock", state);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	write_file(net_dir, "host",
		   "fa:16:3e:df:d3:5c,host-10-0-0-2.openstacklocal,10.0.0.2\n"
		   "fa:16:3e:16:79:bb,host-10-0-0-5.openstacklocal,10.0.0.5\n"
		   "fa:16:3e:16:79,host-broken,10.0.0.9\n"
		   "\n"
		   "fa:16:3e:ba:f4:67,host-10-0-0-1.openstacklocal,10.0.0.1\n"
		   "garbage\n");
	write_file(net_dir, "leases",
		   "1795692373 fa:16:3e:16:79:bb 10.0.0.5 host-10-0-0-5 *\n"
		   "not a lease\n");
	write_file(net_dir, "pid", "4242\n");
	write_file(net_dir, "interface", "tapb3c4292c-01\n");
}

static void remove_state(const char *state)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state);
	ck_assert_int_eq(system(cmd), 0);
}

/* The gateways of the agent's opts file: named or numbered option, a
 * subnet without one, IPv6 lines; the VM's subnet's gateway chosen. */
START_TEST(test_opts_gateways)
{
	char state[256], net_dir[512], gw[DHCP_IP_LEN], routers[4][DHCP_IP_LEN];

	make_state(state, sizeof(state), net_dir, sizeof(net_dir));
	ck_assert(!dhcp_opts_gateway_for(net_dir, "10.0.0.5", gw)); /* no opts file */
	write_file(net_dir, "opts",
		   "tag:subnet-aa,option:classless-static-route,169.254.169.254/32,10.0.0.2,"
		   "0.0.0.0/0,10.0.0.1\n"
		   "tag:subnet-aa,249,0.0.0.0/0,10.0.0.1\n"
		   "tag:subnet-aa,option:router,10.0.0.1\n"
		   "tag:subnet-bb,option:router\n"
		   "tag:subnet-cc,option6:dns-server,[2001:db8::1]\n"
		   "tag:tag0,3,192.168.7.254\n"
		   "tag:subnet-dd,option:router,not-an-address\n"
		   "tag:subnet-ee,option:mtu,3,10.9.9.9\n");
	ck_assert_uint_eq(dhcp_opts_routers(net_dir, routers, 4), 2);
	ck_assert_str_eq(routers[0], "10.0.0.1");
	ck_assert_str_eq(routers[1], "192.168.7.254");
	ck_assert(dhcp_opts_gateway_for(net_dir, "10.0.0.5", gw));
	ck_assert_str_eq(gw, "10.0.0.1");
	ck_assert(dhcp_opts_gateway_for(net_dir, "192.168.7.40", gw));
	ck_assert_str_eq(gw, "192.168.7.254");
	ck_assert_uint_eq(dhcp_opts_routers(net_dir, routers, 1), 1);
	remove_state(state);
}
END_TEST

START_TEST(test_state_dir_with_malformed_lines)
{
	char state[256], net_dir[512];
	struct dhcp_state s;
	const struct dhcp_net *n;

	make_state(state, sizeof(state), net_dir, sizeof(net_dir));
	ck_assert_int_eq(dhcp_state_load(state, STATE_DIR_CLI, &s), 0);
	ck_assert_uint_eq(s.n, 1);
	n = dhcp_state_net(&s, "531828EF-469D-4EFC-ACF0-AD00EE510267");
	ck_assert_ptr_nonnull(n);
	ck_assert(n->has_host_file);
	ck_assert_uint_eq(n->n_hosts, 3);
	ck_assert_str_eq(n->hosts[2].ip, "10.0.0.1");
	ck_assert_int_eq(n->hosts[2].line, 5);
	ck_assert_uint_eq(n->n_leases, 1);
	ck_assert_uint_eq(n->n_bad, 3);
	ck_assert_str_eq(n->bad[0].file, "host");
	ck_assert_int_eq(n->bad[0].line, 3);
	ck_assert_ptr_nonnull(strstr(n->bad[0].reason, "bad MAC"));
	ck_assert_str_eq(n->bad[0].text, "fa:16:3e:16:79,host-broken,10.0.0.9");
	ck_assert_int_eq(n->bad[1].line, 6);
	ck_assert_str_eq(n->bad[2].file, "leases");
	ck_assert_int_eq(n->pid, 4242);
	ck_assert_str_eq(n->interface, "tapb3c4292c-01");
	dhcp_state_free(&s);

	/* a state dir without dhcp/ is empty, not an error */
	ck_assert_int_eq(dhcp_state_load("/nonexistent-nstrace", STATE_DIR_CLI, &s), 0);
	ck_assert_uint_eq(s.n, 0);
	dhcp_state_free(&s);
	remove_state(state);
}
END_TEST

START_TEST(test_state_dir_from_dnsmasq)
{
	char state[256], net_dir[512], hosts[600], out[512];
	struct proc_list procs = { 0 };
	char *argv[] = { "dnsmasq", "--no-hosts", hosts, NULL };

	make_state(state, sizeof(state), net_dir, sizeof(net_dir));
	snprintf(hosts, sizeof(hosts), "--dhcp-hostsfile=%s/host", net_dir);
	ck_assert_int_eq(procs_add(&procs, 4242, "dnsmasq", 4, 1234, argv), 0);
	ck_assert_int_eq(dhcp_state_pick_dir(NULL, &procs, out, sizeof(out)), STATE_DIR_DNSMASQ);
	ck_assert_str_eq(out, state);
	ck_assert_int_eq(dhcp_state_pick_dir("/somewhere", &procs, out, sizeof(out)),
			 STATE_DIR_CLI);
	ck_assert_str_eq(out, "/somewhere");
	procs_free(&procs);

	/* a dnsmasq not started by the DHCP agent says nothing */
	char *other[] = { "dnsmasq", "--dhcp-hostsfile=/etc/dnsmasq.hosts", NULL };

	ck_assert_int_eq(procs_add(&procs, 1, "dnsmasq", 4, 1, other), 0);
	ck_assert_int_ne(dhcp_state_pick_dir(NULL, &procs, out, sizeof(out)), STATE_DIR_DNSMASQ);
	procs_free(&procs);
	remove_state(state);
}
END_TEST

START_TEST(test_dnsmasq_ranges)
{
	struct dnsmasq_range r;
	struct dnsmasq_conf c;
	struct proc_list procs = { 0 };
	char *argv[] = { "dnsmasq",
			 "--no-hosts",
			 "--interface=tapb3c4292c-01",
			 "--dhcp-range=set:subnet-d0916703,10.0.0.0,static,255.255.255.0,86400s",
			 "--dhcp-range",
			 "set:subnet-v6,2001:db8::,static,64,86400s",
			 "--dhcp-range=nonsense",
			 "--dhcp-hostsfile=/x/dhcp/y/host",
			 NULL };

	ck_assert_int_eq(dnsmasq_parse_range("set:s,10.0.0.0,static,255.255.255.0,86400s", &r), 0);
	ck_assert(r.is_static);
	ck_assert_int_eq(r.prefixlen, 24);
	ck_assert_str_eq(r.tag, "s");
	ck_assert(dnsmasq_range_covers(&r, "10.0.0.2", -1));
	ck_assert(!dnsmasq_range_covers(&r, "10.0.1.2", -1));
	ck_assert(!dnsmasq_range_covers(&r, "2001:db8::2", -1));

	ck_assert_int_eq(dnsmasq_parse_range("10.0.0.10,10.0.0.100,12h", &r), 0);
	ck_assert(r.has_end);
	ck_assert(dnsmasq_range_covers(&r, "10.0.0.50", -1));
	ck_assert(!dnsmasq_range_covers(&r, "10.0.0.2", -1));
	ck_assert(dnsmasq_range_covers(&r, "10.0.0.2", 24)); /* the interface's mask */

	ck_assert_int_eq(procs_add(&procs, 7, "dnsmasq", 4, 9, argv), 0);
	dnsmasq_conf_parse(&procs.items[0], &c);
	ck_assert_str_eq(c.interface, "tapb3c4292c-01");
	ck_assert_str_eq(c.hostsfile, "/x/dhcp/y/host");
	ck_assert_uint_eq(c.n_ranges, 2);
	ck_assert_uint_eq(c.n_bad_ranges, 1);
	ck_assert_int_eq(c.ranges[1].family, AF_INET6);
	ck_assert_int_eq(c.ranges[1].prefixlen, 64);
	ck_assert_ptr_eq(dnsmasq_conf_covering(&c, "2001:db8::2", -1), &c.ranges[1]);
	ck_assert_ptr_eq(dnsmasq_conf_covering(&c, "10.0.0.2", -1), &c.ranges[0]);
	ck_assert_ptr_null(dnsmasq_conf_covering(&c, "192.168.0.2", -1));
	procs_free(&procs);
}
END_TEST

NSTRACE_SUITE(dhcp_state)
{
	Suite *s = suite_create("dhcp_state");
	TCase *tc = tcase_create("dhcp_state");

	tcase_add_test(tc, test_host_line_forms);
	tcase_add_test(tc, test_host_line_malformed);
	tcase_add_test(tc, test_lease_lines);
	tcase_add_test(tc, test_state_dir_with_malformed_lines);
	tcase_add_test(tc, test_state_dir_from_dnsmasq);
	tcase_add_test(tc, test_dnsmasq_ranges);
	tcase_add_test(tc, test_opts_gateways);
	suite_add_tcase(s, tc);
	return s;
}
