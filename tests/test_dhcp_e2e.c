// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `nstrace dhcp` on the Neutron lab (root), with real dnsmasq and udhcpc:
 * the healthy exchange completes with all four messages crossing every
 * armed hop, for both overlapping tenants' VMs and the VM on the other
 * compute node; each DHCP fault of the lab gives a verdict that names the
 * right place (device, namespace) and cause; bad input, no traffic and
 * the end of a run leave nothing attached.
 *
 * A private lab (NSTRACE_LAB=de<pid>, or the one NSTRACE_LAB names), taken
 * down in the fixture teardown even when tests fail.  Names come from
 * `scripts/lab info --json` only.  A test that fails with a fault applied
 * leaves it to the next test (or the teardown) to heal the lab.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "lab_fixture.h"
#include "live_util.h"
#include "testlib.h"

#define ATTACH_WAIT_MS 30000
#define EXIT_WAIT_MS 40000
#define TRACE_TIMEOUT "25" /* seconds; a fault concludes ~4 s after udhcpc gives up */

static struct lab_fixture lab;
static json_t *info; /* the lab's `scripts/lab info --json` */

static void lab_setup(void)
{
	if (geteuid() != 0)
		return;
	live_init();
	lab_fixture_up(&lab, "de");
	info = lab.info;
}

static void lab_teardown(void)
{
	if (geteuid() != 0)
		return;
	lab_fixture_down(&lab, true);
	info = NULL;
	live_remove_leftovers();
}

static json_t *vm_info(const char *name)
{
	return lab_vm(info, name);
}

static json_t *first_vm(void)
{
	json_t *vm = json_array_get(json_object_get(info, "vms"), 0);

	ck_assert_msg(vm, "lab info lists no VM");
	return vm;
}

static json_t *net_of(json_t *vm)
{
	return find_by(json_object_get(info, "networks"), "uuid", jstr(vm, "network_uuid"));
}

/* ---- one run of nstrace dhcp ----------------------------------------------- */

struct run {
	struct proc p;
	int code;
	int devices; /* from "attached N probes on M devices" */
	json_t *verdict;
	json_t *timelines; /* id (string) -> timeline */
	int events;
};

static int exit_code(const struct proc *p)
{
	return WIFEXITED(p->status) ? WEXITSTATUS(p->status) : -1;
}

static void take_line(json_t *o, const char *type, void *ctx)
{
	struct run *r = ctx;

	if (!strcmp(type, "verdict")) {
		ck_assert_msg(!r->verdict, "more than one verdict with --count 1");
		r->verdict = json_incref(o);
	}
}

static void parse_output(struct run *r)
{
	json_lines_read(r->p.out, &r->events, &r->timelines, take_line, r);
	ck_assert_msg(r->verdict, "no verdict; stderr: %s", r->p.err);
}

/* Trace vm's DHCP while the VM asks for an address. */
static void run_dhcp(struct run *r, const char *vm)
{
	const char *port = jstr(vm_info(vm), "port_uuid");
	const char *args[] = { "dhcp", port, "--json", "--timeout", TRACE_TIMEOUT, "--state-dir",
			       jstr(info, "state_dir"), NULL };
	char cmd[64];
	const char *a;

	memset(r, 0, sizeof(*r));
	proc_start_nstrace(&r->p, args);
	ck_assert_msg(proc_wait_stderr(&r->p, "attached", ATTACH_WAIT_MS),
		      "nstrace dhcp did not attach; stderr: %s", r->p.err);
	a = strstr(r->p.err, " probes on ");
	ck_assert_ptr_nonnull(a);
	r->devices = atoi(a + strlen(" probes on "));
	snprintf(cmd, sizeof(cmd), "vm %s dhcp", vm);
	lab_run(cmd);
	ck_assert_msg(proc_wait_exit(&r->p, EXIT_WAIT_MS), "nstrace dhcp did not end; stderr: %s",
		      r->p.err);
	r->code = exit_code(&r->p);
	parse_output(r);
}

static void run_free(struct run *r)
{
	json_decref(r->verdict);
	json_decref(r->timelines);
	proc_free(&r->p);
}

static const char *where(const struct run *r, const char *place, const char *key)
{
	json_t *w = json_object_get(r->verdict, place);

	ck_assert_msg(json_is_object(w), "verdict has no %s: %s", place,
		      json_dumps(r->verdict, JSON_COMPACT));
	return jstr(w, key);
}

static void assert_status(const struct run *r, const char *status, int code)
{
	ck_assert_msg(!strcmp(jstr(r->verdict, "status"), status), "verdict %s, want %s: %s",
		      jstr(r->verdict, "status"), status, json_dumps(r->verdict, JSON_COMPACT));
	ck_assert_msg(r->code == code, "exit %d, want %d; stderr: %s", r->code, code, r->p.err);
}

/* A failed check whose subject holds needle (NULL: any subject). */
static void assert_failed_check(const struct run *r, const char *name, const char *needle)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(r->verdict, "checks"), i, c)
		if (!strcmp(jstr(c, "check"), name) && !strcmp(jstr(c, "status"), "fail") &&
		    (!needle || strstr(jstr(c, "subject"), needle)))
			return;
	ck_abort_msg("no failed %s check on %s: %s", name, needle ? needle : "anything",
		     json_dumps(json_object_get(r->verdict, "checks"), JSON_COMPACT));
}

/* ---- the healthy exchange ------------------------------------------------- */

static bool crossed(json_t *timeline, const char *netns, const char *dev, const char *dir)
{
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(timeline, "hops"), i, h) {
		json_t *hop = json_object_get(h, "hop");

		if (!strcmp(jstr(h, "kind"), "packet") && !strcmp(jstr(hop, "netns"), netns) &&
		    !strcmp(jstr(hop, "dev"), dev) && !strcmp(jstr(hop, "dir"), dir))
			return true;
	}
	return false;
}

static int packet_hops(json_t *timeline)
{
	json_t *h;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(timeline, "hops"), i, h)
		n += !strcmp(jstr(h, "kind"), "packet");
	return n;
}

/* Every VM of the lab (both tenants' on one compute node, with the same
 * fixed IP, and the one on the other compute node): all four messages
 * cross every armed device, in the right direction. */
START_TEST(test_healthy)
{
	json_t *vm = json_array_get(json_object_get(info, "vms"), (size_t)_i);
	const char *vm_name;
	json_t *net, *dhcp;
	json_t *node, *server, *m;
	const char *seen[4] = { 0 };
	struct run r;
	size_t i;
	int n = 0;

	REQUIRE_ROOT();
	ck_assert_msg(vm, "lab info has no VM #%d", _i);
	vm_name = jstr(vm, "name");
	net = net_of(vm);
	dhcp = json_object_get(net, "dhcp");
	node = find_by(json_object_get(info, "nodes"), "name", jstr(vm, "node"));
	server = find_by(json_object_get(info, "nodes"), "name", jstr(dhcp, "node"));
	lab_heal_if_faulty();
	run_dhcp(&r, vm_name);
	assert_status(&r, "completed", 0);
	ck_assert_str_eq(where(&r, "where", "device"), jstr(vm, "device"));
	ck_assert_str_eq(where(&r, "where", "netns"), jstr(vm, "namespace"));
	ck_assert_str_eq(jstr(r.verdict, "client"), jstr(vm, "mac"));
	ck_assert_int_ge(r.devices, 7);
	ck_assert_int_gt(r.events, 0);
	json_array_foreach(json_object_get(r.verdict, "messages"), i, m) {
		char id[32];
		json_t *t;
		const char *msg = jstr(m, "msg");
		bool out = !strcmp(msg, "DISCOVER") || !strcmp(msg, "REQUEST");

		if (!json_is_true(json_object_get(m, "reached_end")))
			continue;
		snprintf(id, sizeof(id), "%lld",
			 (long long)json_integer_value(json_object_get(m, "timeline")));
		t = json_object_get(r.timelines, id);
		ck_assert_msg(t, "timeline %s of %s not printed", id, msg);
		/* Every armed device once, in the message's direction. */
		ck_assert_msg(packet_hops(t) == r.devices, "%s crossed %d of %d armed devices",
			      msg, packet_hops(t), r.devices);
		ck_assert_int_eq(json_integer_value(json_object_get(m, "probe_points_seen")),
				 r.devices);
		ck_assert(crossed(t, jstr(vm, "namespace"), jstr(vm, "device"),
				  out ? "egress" : "ingress"));
		ck_assert(crossed(t, jstr(vm, "node_namespace"), jstr(vm, "tap"),
				  out ? "ingress" : "egress"));
		ck_assert(crossed(t, jstr(vm, "node_namespace"), jstr(vm, "qvb"),
				  out ? "egress" : "ingress"));
		ck_assert(crossed(t, jstr(vm, "node_namespace"), jstr(vm, "qvo"),
				  out ? "ingress" : "egress"));
		ck_assert(crossed(t, jstr(node, "namespace"), jstr(node, "underlay_device"),
				  out ? "egress" : "ingress"));
		ck_assert(crossed(t, jstr(server, "namespace"), jstr(server, "underlay_device"),
				  out ? "ingress" : "egress"));
		ck_assert(crossed(t, jstr(dhcp, "namespace"), jstr(dhcp, "device"),
				  out ? "ingress" : "egress"));
		if (n < 4)
			seen[n++] = msg;
	}
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(seen[0], "DISCOVER");
	ck_assert_str_eq(seen[1], "OFFER");
	ck_assert_str_eq(seen[2], "REQUEST");
	ck_assert_str_eq(seen[3], "ACK");
	run_free(&r);
}
END_TEST

/* The lab as the healthy test needs it: two tenants with the same fixed
 * IP on one compute node, and a VM on another compute node. */
START_TEST(test_lab_shape)
{
	json_t *vms = json_object_get(info, "vms"), *a, *b;
	size_t i, k;
	bool overlap = false, two_nodes = false;

	REQUIRE_ROOT();
	ck_assert_uint_eq(json_array_size(vms), 3);
	json_array_foreach(vms, i, a)
		json_array_foreach(vms, k, b) {
			if (k <= i)
				continue;
			overlap |= !strcmp(jstr(a, "ip"), jstr(b, "ip")) &&
				   strcmp(jstr(a, "network_uuid"), jstr(b, "network_uuid")) &&
				   !strcmp(jstr(a, "node"), jstr(b, "node"));
			two_nodes |= strcmp(jstr(a, "node"), jstr(b, "node"));
		}
	ck_assert(overlap);
	ck_assert(two_nodes);
}
END_TEST

/* ---- the faults ------------------------------------------------------------ */

enum place {
	P_NONE,
	P_VM_SIDE, /* the VM's tap, qbr or qvb (its security group) */
	P_QVO,
	P_NODE_UNDERLAY, /* the VM's node's data NIC */
	P_DHCP_PORT,
	P_DHCP_OVS_PORT, /* a veth-plugged DHCP port's OVS end (ovs_use_veth) */
};

struct fault_case {
	const char *fault;
	const char *target; /* NULL: the VM; "node": the VM's node */
	const char *status;
	const char *message; /* the verdict is about: DISCOVER, OFFER */
	enum place where, next;
	const char *drop_reason; /* NULL: not asserted */
	const char *check; /* a failed check, NULL none required */
	const char *check_on; /* "spoof_chain", "ingress_chain", "device", ... */
	const char *reason_has;
};

static const struct fault_case faults[] = {
	{ "sg-drop-dhcp-request", NULL, "dropped", "DISCOVER", P_VM_SIDE, P_NONE,
	  "NETFILTER_DROP", "sg-counters", "spoof_chain", "security group" },
	{ "sg-drop-dhcp-reply", NULL, "dropped", "OFFER", P_VM_SIDE, P_NONE, "NETFILTER_DROP",
	  "sg-counters", "ingress_chain", "security group" },
	{ "dnsmasq-dead", NULL, "dropped", "DISCOVER", P_DHCP_PORT, P_NONE, NULL, "dnsmasq", NULL,
	  "dnsmasq" },
	{ "dnsmasq-wrong-interface", NULL, "reply-never-sent", "DISCOVER", P_DHCP_PORT, P_NONE,
	  NULL, "dnsmasq", NULL, "stayed silent" },
	{ "host-entry-missing", NULL, "reply-never-sent", "DISCOVER", P_DHCP_PORT, P_NONE, NULL,
	  "host-entry", "mac", "stayed silent" },
	/* It runs, stopped: the dnsmasq check says so. */
	{ "dnsmasq-hung", NULL, "reply-never-sent", "DISCOVER", P_DHCP_PORT, P_NONE, NULL,
	  "dnsmasq", NULL, "stayed silent" },
	/* The entry is there, with an address dnsmasq has no range for. */
	{ "host-entry-wrong-ip", NULL, "reply-never-sent", "DISCOVER", P_DHCP_PORT, P_NONE, NULL,
	  "host-entry", "mac", "stayed silent" },
	{ "dhcp-port-ip-missing", NULL, "reply-never-sent", "DISCOVER", P_DHCP_PORT, P_NONE, NULL,
	  "dhcp-port-ip", NULL, "stayed silent" },
	{ "dhcp-port-down", NULL, "dropped", "DISCOVER", P_DHCP_PORT, P_NONE, "DEV_READY",
	  "device-up", "dhcp_device", "down" },
	/* The internal port goes with its OVS port: the path ends before it. */
	{ "dhcp-port-unplugged", NULL, "lost", "DISCOVER", P_NONE, P_NONE, NULL, "dhcp-port-ip",
	  NULL, "whose port is missing" },
	/* ovs-vswitchd's own trace names the table that drops it. */
	{ "brtun-flow-missing", NULL, "lost", "OFFER", P_NODE_UNDERLAY, P_QVO, NULL, "ovs-trace",
	  "node", "br-tun -> br-int flows" },
	{ "underlay-down", "node", "lost", "DISCOVER", P_QVO, P_NODE_UNDERLAY, NULL,
	  "device-up", "underlay_device", "br-int -> br-tun flows" },
	{ "wrong-vlan-tag", NULL, "lost", "DISCOVER", P_QVO, P_NODE_UNDERLAY, NULL, "local-vlan",
	  "qvo", NULL },
	{ "patch-port-missing", "node", "lost", "DISCOVER", P_QVO, P_NODE_UNDERLAY, NULL, "tunnel",
	  "patch_subject", "br-int -> br-tun flows" },
	{ "tap-unplugged", NULL, "lost", "DISCOVER", P_VM_SIDE, P_VM_SIDE, NULL, "qbr-ports", "qbr",
	  "the qbr bridge" },
	/* The port's frames never reach its chains: FORWARD's policy drops
	 * them, and sg-hooks, not sg-counters, says why. */
	{ "sg-hooks-missing", NULL, "dropped", "DISCOVER", P_VM_SIDE, P_NONE, "NETFILTER_DROP",
	  "sg-hooks", "tap", "FORWARD chain" },
	/* No device holds the tunnel address: the node's underlay side of the
	 * path cannot be found, and is named as missing. */
	{ "tunnel-ip-missing", "node", "lost", "DISCOVER", P_QVO, P_NONE, NULL, "device-up",
	  "node_namespace", "the underlay device (missing)" },
	/* Everything of the DHCP agent is fine; its namespace's INPUT chain
	 * drops the request, and filter-drops names the rule. */
	{ "dhcp-ns-filter-drop", NULL, "dropped", "DISCOVER", P_DHCP_PORT, P_NONE,
	  "NETFILTER_DROP", "filter-drops", "dhcp_namespace", "filter-drops check" },
};

/* The same faults where a lab that plugs the agents' ports through veth
 * pairs (ovs_use_veth) shows another symptom: the DHCP port down takes
 * the carrier of its OVS end, so the DISCOVER leaves OVS and dies on the
 * pair. */
static const struct fault_case veth_faults[] = {
	{ "dhcp-port-down", NULL, "lost", "DISCOVER", P_DHCP_OVS_PORT, P_DHCP_PORT, NULL,
	  "device-up", "dhcp_device", "the link from" },
	/* The pair stays, its OVS end off the bridge: lost in br-int. */
	{ "dhcp-port-unplugged", NULL, "lost", "DISCOVER", P_NONE, P_DHCP_OVS_PORT, NULL,
	  "local-vlan", "dhcp_ovs_device", "br-tun -> br-int flows" },
};

/* The case as this lab shows it. */
static const struct fault_case *as_plugged(const struct fault_case *f)
{
	if (!json_is_true(json_object_get(info, "ovs_use_veth")))
		return f;
	for (size_t i = 0; i < sizeof(veth_faults) / sizeof(veth_faults[0]); i++)
		if (!strcmp(veth_faults[i].fault, f->fault))
			return &veth_faults[i];
	return f;
}

static void assert_place(const struct run *r, const char *key, enum place p, json_t *vm)
{
	json_t *node = find_by(json_object_get(info, "nodes"), "name", jstr(vm, "node"));
	json_t *dhcp = json_object_get(net_of(vm), "dhcp");
	const char *dev = where(r, key, "device"), *netns = where(r, key, "netns");

	switch (p) {
	case P_VM_SIDE:
		ck_assert_msg(!strcmp(dev, jstr(vm, "tap")) || !strcmp(dev, jstr(vm, "qbr")) ||
				      !strcmp(dev, jstr(vm, "qvb")),
			      "%s %s is not on %s's side of the bridge", key, dev,
			      jstr(vm, "name"));
		ck_assert_str_eq(netns, jstr(vm, "node_namespace"));
		break;
	case P_QVO:
		ck_assert_str_eq(dev, jstr(vm, "qvo"));
		ck_assert_str_eq(netns, jstr(vm, "node_namespace"));
		break;
	case P_NODE_UNDERLAY:
		ck_assert_str_eq(dev, jstr(node, "underlay_device"));
		ck_assert_str_eq(netns, jstr(node, "namespace"));
		break;
	case P_DHCP_PORT:
		ck_assert_str_eq(dev, jstr(dhcp, "device"));
		ck_assert_str_eq(netns, jstr(dhcp, "namespace"));
		break;
	case P_DHCP_OVS_PORT:
		ck_assert_str_eq(dev, jstr(dhcp, "ovs_device"));
		ck_assert_str_eq(netns, jstr(find_by(json_object_get(info, "nodes"), "name",
						     jstr(dhcp, "node")),
					     "namespace"));
		break;
	case P_NONE:
		break;
	}
}

/* The subject a failed check must name, by the lab's words. */
static const char *check_subject(const char *what, json_t *vm)
{
	json_t *node = find_by(json_object_get(info, "nodes"), "name", jstr(vm, "node"));

	if (!what)
		return NULL;
	if (!strcmp(what, "spoof_chain") || !strcmp(what, "ingress_chain"))
		return jstr(json_object_get(vm, "security_group"), what);
	if (!strcmp(what, "dhcp_device"))
		return jstr(json_object_get(net_of(vm), "dhcp"), "device");
	if (!strcmp(what, "dhcp_namespace"))
		return jstr(json_object_get(net_of(vm), "dhcp"), "namespace");
	if (!strcmp(what, "dhcp_ovs_device"))
		return jstr(json_object_get(net_of(vm), "dhcp"), "ovs_device");
	if (!strcmp(what, "underlay_device"))
		return jstr(node, "underlay_device");
	if (!strcmp(what, "patch_subject"))
		return "patch ports on ";
	return jstr(vm, what);
}

START_TEST(test_fault)
{
	const struct fault_case *f = as_plugged(&faults[_i]);
	/* The lab's default fault target: its first VM. */
	json_t *vm = json_array_get(json_object_get(info, "vms"), 0);
	char cmd[160], prefix[64];
	const char *reason;
	struct run r;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	snprintf(cmd, sizeof(cmd), "fault %s %s", f->fault,
		 !f->target ? jstr(vm, "name") : jstr(vm, f->target));
	ck_assert_msg(lab_run(cmd) == 0, "scripts/lab %s failed", cmd);
	run_dhcp(&r, jstr(vm, "name"));
	assert_status(&r, f->status, 1);
	snprintf(prefix, sizeof(prefix), "%s xid ", f->message);
	ck_assert_msg(!strncmp(jstr(r.verdict, "subject"), prefix, strlen(prefix)),
		      "%s: verdict about %s, want %s", f->fault, jstr(r.verdict, "subject"),
		      f->message);
	assert_place(&r, "where", f->where, vm);
	if (f->next != P_NONE)
		assert_place(&r, "next", f->next, vm);
	if (f->drop_reason)
		ck_assert_str_eq(jstr(json_object_get(r.verdict, "drop"), "reason_name"),
				 f->drop_reason);
	if (f->check)
		assert_failed_check(&r, f->check, check_subject(f->check_on, vm));
	reason = jstr(r.verdict, "reason");
	if (f->reason_has)
		ck_assert_msg(strstr(reason, f->reason_has), "%s: reason '%s' lacks '%s'",
			      f->fault, reason, f->reason_has);
	run_free(&r);
	ck_assert_int_eq(lab_run("heal"), 0);
}
END_TEST

/* ---- input, no traffic, nothing left behind ------------------------------ */

START_TEST(test_bad_input)
{
	char out[4096];

	REQUIRE_ROOT();
	ck_assert_int_eq(sh("%s dhcp not-a-uuid 2>/dev/null", nstrace_bin()), 2);
	ck_assert_int_eq(sh("%s dhcp 2>/dev/null", nstrace_bin()), 2);
	ck_assert_int_eq(sh("%s dhcp %s --count 0 2>/dev/null", nstrace_bin(),
			    jstr(first_vm(), "port_uuid")),
			 2);
	/* An unknown port: near matches, and a JSON error line with --json. */
	ck_assert_int_eq(sh_out(out, sizeof(out), "%s dhcp 00000000-0000-4000-8000-000000000000 "
				"--json 2>/dev/null", nstrace_bin()),
			 2);
	ck_assert_ptr_nonnull(strstr(out, "\"type\":\"error\""));
	ck_assert_ptr_nonnull(strstr(out, "unknown port"));
	/* The DHCP server's own port is not a client. */
	ck_assert_int_eq(sh("%s dhcp %s 2>/dev/null", nstrace_bin(),
			    jstr(json_object_get(net_of(first_vm()), "dhcp"), "port_uuid")),
			 2);
}
END_TEST

/* No DHCP from the VM: exit 3, a verdict at the VM's end, nothing left. */
START_TEST(test_no_traffic_leaves_nothing)
{
	json_t *vm = json_array_get(json_object_get(info, "vms"), 1);
	const char *args[] = { "dhcp", jstr(vm, "port_uuid"), "--json", "--timeout", "2", NULL };
	struct bpf_ids ids;
	struct run r;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	memset(&r, 0, sizeof(r));
	proc_start_nstrace(&r.p, args);
	ck_assert_msg(proc_wait_stderr(&r.p, "attached", ATTACH_WAIT_MS), "stderr: %s", r.p.err);
	bpf_ids_of(r.p.pid, &ids);
	/* tc programs, the drop program and their links. */
	ck_assert_int_ge(ids.n_progs, 3);
	ck_assert_int_ge(ids.n_links, 3);
	ck_assert(proc_wait_exit(&r.p, EXIT_WAIT_MS));
	r.code = exit_code(&r.p);
	parse_output(&r);
	assert_status(&r, "request-never-seen", 3);
	ck_assert_str_eq(where(&r, "where", "netns"), jstr(vm, "namespace"));
	ck_assert(bpf_ids_gone(&ids, 5000));
	run_free(&r);
}
END_TEST

/* SIGTERM mid-trace ends it at once, with a verdict, and detaches. */
START_TEST(test_signal_leaves_nothing)
{
	const char *args[] = { "dhcp", jstr(first_vm(), "port_uuid"), "--json", "--timeout",
			       "60", NULL };
	struct bpf_ids ids;
	struct run r;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	memset(&r, 0, sizeof(r));
	proc_start_nstrace(&r.p, args);
	ck_assert_msg(proc_wait_stderr(&r.p, "attached", ATTACH_WAIT_MS), "stderr: %s", r.p.err);
	bpf_ids_of(r.p.pid, &ids);
	ck_assert_int_ge(ids.n_links, 3);
	kill(r.p.pid, SIGTERM);
	ck_assert(proc_wait_exit(&r.p, 10000));
	r.code = exit_code(&r.p);
	parse_output(&r);
	assert_status(&r, "request-never-seen", 3);
	ck_assert(bpf_ids_gone(&ids, 5000));
	run_free(&r);
}
END_TEST

NSTRACE_SUITE(dhcp_e2e)
{
	Suite *s = suite_create("dhcp_e2e");
	TCase *tc = tcase_create("dhcp_e2e");

	tcase_add_unchecked_fixture(tc, lab_setup, lab_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_lab_shape);
	tcase_add_loop_test(tc, test_healthy, 0, 3);
	tcase_add_loop_test(tc, test_fault, 0, (int)(sizeof(faults) / sizeof(faults[0])));
	tcase_add_test(tc, test_no_traffic_leaves_nothing);
	tcase_add_test(tc, test_signal_leaves_nothing);
	suite_add_tcase(s, tc);
	return s;
}
