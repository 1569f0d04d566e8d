// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `nstrace path` on the Neutron lab (root): every VM's port resolves to its
 * devices, namespaces and router, also for the tenants whose fixed IPs
 * overlap; every lab fault the checks can see shows as a failed check.
 * Names come from `scripts/lab info --json`, never from this file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lab_fixture.h"
#include "live_util.h"
#include "testlib.h"

#define OUT_MAX (1 << 20)

static struct lab_fixture lab;
static json_t *info; /* the lab's `scripts/lab info --json` */

/*
 * One lab for the whole case: NSTRACE_LAB if the caller names one (kept up
 * if it already was), else a private one named after this runner.
 */
static void lab_setup(void)
{
	if (geteuid() != 0)
		return;
	lab_fixture_up(&lab, "pe");
	info = lab.info;
}

static void lab_teardown(void)
{
	if (geteuid() != 0)
		return;
	lab_fixture_down(&lab, false);
	info = NULL;
}

/* nstrace path PORT --json on the lab; its exit code and document. */
static json_t *path_json(const char *port, int *code)
{
	char *out = malloc(OUT_MAX);
	json_error_t err;
	json_t *j;

	ck_assert_ptr_nonnull(out);
	*code = sh_out(out, OUT_MAX, "%s path %s --json --state-dir %s", nstrace_bin(), port,
		       jstr(info, "state_dir"));
	j = json_loads(out, 0, &err);
	ck_assert_msg(j, "nstrace path %s --json (exit %d): %s", port, *code, err.text);
	free(out);
	return j;
}

static json_t *router_of(const char *net_uuid)
{
	json_t *r, *itf;
	size_t i, k;

	json_array_foreach(json_object_get(info, "routers"), i, r)
		json_array_foreach(json_object_get(r, "interfaces"), k, itf)
			if (!strcmp(jstr(itf, "network_uuid"), net_uuid))
				return r;
	ck_abort_msg("lab info: no router on %s", net_uuid);
	return NULL;
}

static bool has_hop(json_t *path, const char *role, const char *dev, const char *netns)
{
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(path, "hops"), i, h)
		if (!strcmp(json_string_value(json_object_get(h, "role")), role) &&
		    json_is_string(json_object_get(h, "device")) &&
		    !strcmp(jstr(h, "device"), dev) &&
		    (!netns || !strcmp(json_string_value(json_object_get(h, "netns")), netns)))
			return true;
	return false;
}

/* A node is named by OVS's hostname, or by its namespace when two labs
 * run at once and their hostnames repeat. */
static bool is_node(json_t *value, const char *node)
{
	json_t *n = find_by(json_object_get(info, "nodes"), "name", node);
	const char *v = json_string_value(value);

	return v && (!strcmp(v, node) || !strcmp(v, jstr(n, "namespace")));
}

START_TEST(test_every_vm_resolves)
{
	json_t *vm = json_array_get(json_object_get(info, "vms"), (size_t)_i);
	json_t *net, *rt, *doc, *port, *dhcp, *l3, *last;
	int code;

	REQUIRE_ROOT();
	ck_assert_ptr_nonnull(vm);
	net = find_by(json_object_get(info, "networks"), "uuid", jstr(vm, "network_uuid"));
	rt = router_of(jstr(vm, "network_uuid"));
	doc = path_json(jstr(vm, "port_uuid"), &code);
	port = json_object_get(doc, "port");
	ck_assert_str_eq(jstr(port, "uuid"), jstr(vm, "port_uuid"));
	ck_assert_str_eq(jstr(port, "kind"), "vm");
	ck_assert(is_node(json_object_get(port, "node"), jstr(vm, "node")));
	ck_assert_str_eq(jstr(port, "mac"), jstr(vm, "mac"));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(port, "fixed_ips"), 0)),
			 jstr(vm, "ip"));
	ck_assert_str_eq(jstr(port, "instance"), jstr(vm, "instance_uuid"));
	ck_assert_str_eq(jstr(json_object_get(port, "network"), "uuid"), jstr(vm, "network_uuid"));
	ck_assert_str_eq(jstr(json_object_get(port, "router"), "uuid"), jstr(rt, "uuid"));
	ck_assert_str_eq(jstr(json_object_get(port, "dhcp_server"), "netns"),
			 jstr(json_object_get(net, "dhcp"), "namespace"));

	dhcp = json_object_get(doc, "dhcp_path");
	ck_assert(json_is_null(json_object_get(dhcp, "problem")));
	ck_assert(has_hop(dhcp, "vm", jstr(vm, "device"), jstr(vm, "namespace")));
	ck_assert(has_hop(dhcp, "tap", jstr(vm, "tap"), jstr(vm, "node_namespace")));
	ck_assert(has_hop(dhcp, "qbr", jstr(vm, "qbr"), jstr(vm, "node_namespace")));
	ck_assert(has_hop(dhcp, "qvb", jstr(vm, "qvb"), jstr(vm, "node_namespace")));
	ck_assert(has_hop(dhcp, "qvo", jstr(vm, "qvo"), jstr(vm, "node_namespace")));
	last = json_array_get(json_object_get(dhcp, "hops"),
			      json_array_size(json_object_get(dhcp, "hops")) - 1);
	ck_assert_str_eq(jstr(last, "role"), "dhcp-tap");
	ck_assert_str_eq(jstr(last, "device"), jstr(json_object_get(net, "dhcp"), "device"));
	ck_assert_str_eq(jstr(last, "netns"), jstr(json_object_get(net, "dhcp"), "namespace"));
	ck_assert(json_is_true(json_object_get(last, "attachable")));

	l3 = json_object_get(doc, "l3_path");
	ck_assert(json_is_null(json_object_get(l3, "problem")));
	ck_assert(has_hop(l3, "qr", jstr(json_array_get(json_object_get(rt, "interfaces"), 0),
					 "device"),
			  jstr(rt, "namespace")));
	ck_assert(has_hop(l3, "qg", jstr(json_object_get(rt, "gateway"), "device"),
			  jstr(rt, "namespace")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(doc, "summary"),
							    "failed")),
			 0);
	ck_assert_int_eq(code, 0);
	json_decref(doc);
}
END_TEST

/* Two tenants, one fixed IP: each VM's port still finds its own router. */
START_TEST(test_overlapping_tenants)
{
	json_t *a, *b;
	size_t i, k;
	bool seen = false;

	REQUIRE_ROOT();
	json_array_foreach(json_object_get(info, "vms"), i, a)
		json_array_foreach(json_object_get(info, "vms"), k, b) {
			json_t *da, *db;
			int ca, cb;

			if (k <= i || strcmp(jstr(a, "ip"), jstr(b, "ip")) ||
			    !strcmp(jstr(a, "network_uuid"), jstr(b, "network_uuid")))
				continue;
			da = path_json(jstr(a, "port_uuid"), &ca);
			db = path_json(jstr(b, "port_uuid"), &cb);
			ck_assert_str_ne(
				jstr(json_object_get(json_object_get(da, "port"), "router"),
				     "uuid"),
				jstr(json_object_get(json_object_get(db, "port"), "router"),
				     "uuid"));
			ck_assert_str_ne(jstr(json_object_get(json_object_get(da, "port"),
							      "dhcp_server"),
					      "netns"),
					 jstr(json_object_get(json_object_get(db, "port"),
							      "dhcp_server"),
					      "netns"));
			json_decref(da);
			json_decref(db);
			seen = true;
		}
	ck_assert_msg(seen, "the lab has no two tenants with the same fixed IP");
}
END_TEST

static const struct {
	const char *fault;
	bool on_node; /* its target is the VM's node, not the VM */
	const char *check; /* the check that must fail */
} faults[] = {
	{ "dnsmasq-dead", false, "dnsmasq" },
	{ "host-entry-missing", false, "host-entry" },
	{ "dhcp-port-ip-missing", false, "dhcp-port-ip" },
	{ "dhcp-port-down", false, "device-up" },
	{ "underlay-down", true, "device-up" },
	{ "wrong-vlan-tag", false, "local-vlan" },
	{ "router-gateway-missing", false, "router-gateway" },
	{ "underlay-mtu", true, "mtu" },
	{ "host-entry-wrong-ip", false, "host-entry" },
	{ "dnsmasq-hung", false, "dnsmasq" },
	{ "router-interface-wrong-ip", false, "qrouter-namespace" },
};

static bool check_failed(json_t *doc, const char *check)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(doc, "checks"), i, c)
		if (!strcmp(jstr(c, "check"), check) && !strcmp(jstr(c, "status"), "fail"))
			return true;
	return false;
}

START_TEST(test_fault_fails_a_check)
{
	json_t *vm = json_array_get(json_object_get(info, "vms"), 0), *doc;
	const char *target;
	int code, applied;

	REQUIRE_ROOT();
	target = faults[_i].on_node ? jstr(vm, "node") : jstr(vm, "name");
	applied = sh("bash %s/scripts/lab fault %s %s >/dev/null", nstrace_srcdir(),
		     faults[_i].fault, target);
	if (applied == 0) {
		doc = path_json(jstr(vm, "port_uuid"), &code);
		sh("bash %s/scripts/lab heal >/dev/null", nstrace_srcdir());
	}
	ck_assert_msg(applied == 0, "scripts/lab fault %s %s failed", faults[_i].fault, target);
	ck_assert_msg(check_failed(doc, faults[_i].check), "fault %s: no failed '%s' check",
		      faults[_i].fault, faults[_i].check);
	ck_assert_int_eq(code, 1);
	json_decref(doc);

	/* healed, the same port passes again */
	doc = path_json(jstr(vm, "port_uuid"), &code);
	ck_assert_msg(code == 0, "after heal from %s: exit %d", faults[_i].fault, code);
	json_decref(doc);
}
END_TEST

NSTRACE_SUITE(path_e2e)
{
	Suite *s = suite_create("path_e2e");
	TCase *tc = tcase_create("path_e2e");

	tcase_set_timeout(tc, 300);
	tcase_add_unchecked_fixture(tc, lab_setup, lab_teardown);
	/* the lab has three VMs; a missing one fails in the test */
	tcase_add_loop_test(tc, test_every_vm_resolves, 0, 3);
	tcase_add_test(tc, test_overlapping_tenants);
	tcase_add_loop_test(tc, test_fault_fails_a_check, 0,
			    (int)(sizeof(faults) / sizeof(faults[0])));
	suite_add_tcase(s, tc);
	return s;
}
