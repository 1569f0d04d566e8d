// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `nstrace ping` on the Neutron lab (root), with nstrace's own pinger and
 * the VMs' busybox ping: healthy echoes complete on every path (from the
 * router, the DHCP port and the outside through DNAT; out through SNAT;
 * east-west to the VM on the other compute node) and only the traced
 * tenant's echoes count when both tenants share one fixed IP; each ping
 * fault of the lab gives the verdict that names the right place and
 * cause; bad input attaches nothing; no run leaves anything attached.
 *
 * A private lab (NSTRACE_LAB=pg<pid>, or the one NSTRACE_LAB names), taken
 * down in the fixture teardown even when tests fail.  Names come from
 * `scripts/lab info --json` only.  A fault is healed by the test that
 * applied it, also when it fails (atexit in Check's forked child), and
 * again by the next test if that child was killed.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <net/if.h>

#include <bpf/bpf.h>
#include <jansson.h>

#include "lab_fixture.h"
#include "live_util.h"
#include "netns.h"
#include "testlib.h"

#define ATTACH_WAIT_MS 30000
#define EXIT_WAIT_MS 40000
#define TRIGGER_WAIT_MS 30000
#define COUNT 2
#define COUNT_STR "2"
#define PASSIVE_TIMEOUT "15" /* seconds; a faulty echo concludes 2 s after its last hop */
/* uapi values since Linux 6.6; Debian 12's headers predate them. */
#define TCX_INGRESS 46
#define TCX_EGRESS 47

static struct lab_fixture lab;
static json_t *info; /* the lab's `scripts/lab info --json` */

static void lab_setup(void)
{
	if (geteuid() != 0)
		return;
	live_init();
	lab_fixture_up(&lab, "pg");
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

/* ---- the lab's names -------------------------------------------------------- */

static json_t *vm_info(const char *name)
{
	return lab_vm(info, name);
}

static json_t *node_of(json_t *vm)
{
	return find_by(json_object_get(info, "nodes"), "name", jstr(vm, "node"));
}

static json_t *net_of(json_t *vm)
{
	return find_by(json_object_get(info, "networks"), "uuid", jstr(vm, "network_uuid"));
}

static json_t *router_of(json_t *vm)
{
	return find_by(json_object_get(info, "routers"), "name", jstr(net_of(vm), "router"));
}

/* The router's qr- device on the VM's network. */
static const char *qr_dev(json_t *vm)
{
	return jstr(find_by(json_object_get(router_of(vm), "interfaces"), "network_uuid",
			    jstr(vm, "network_uuid")),
		    "device");
}

static const char *qg_dev(json_t *vm)
{
	return jstr(json_object_get(router_of(vm), "gateway"), "device");
}

/* ---- faults: always healed --------------------------------------------------- */

/*
 * Apply the fault, run check in a child and heal, whatever check did:
 * a failed assertion ends Check's test process at once (_exit), so the
 * checks run one process below, whose failure Check reports as it is.
 */
static void with_fault(const char *fault, const char *target, void (*check)(void))
{
	char cmd[128];
	pid_t parent = getpid(), pid;
	int status, healed;

	lab_heal_if_faulty();
	snprintf(cmd, sizeof(cmd), "fault %s %s", fault, target);
	ck_assert_msg(lab_run(cmd) == 0, "scripts/lab %s failed", cmd);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		check();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	healed = lab_run("heal");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "%s: the checks failed (status 0x%x)", fault, status);
	ck_assert_msg(healed == 0, "scripts/lab heal failed after %s", fault);
}

/* ---- what is attached to the lab ------------------------------------------- */

static int tcx_progs_in(const char *ns)
{
	struct if_nameindex *ifs, *i;
	int fd = netns_open(ns), home, n = 0;

	ck_assert_msg(fd >= 0, "lab namespace %s is gone", ns);
	ck_assert_int_eq(netns_enter(fd, &home), 0);
	close(fd);
	ifs = if_nameindex();
	for (i = ifs; i && i->if_index; i++) {
		for (int type = TCX_INGRESS; type <= TCX_EGRESS; type++) {
			__u32 cnt = 0;

			if (!bpf_prog_query((int)i->if_index, (enum bpf_attach_type)type, 0, NULL,
					    NULL, &cnt))
				n += (int)cnt;
		}
	}
	if_freenameindex(ifs);
	ck_assert_int_eq(netns_leave(home), 0);
	return n;
}

static int tc_filters_in(const char *ns)
{
	char out[64];

	/* cls_bpf filters name their program; nstrace's start "nstrace_". */
	sh_out(out, sizeof(out),
	       "ip netns exec '%s' sh -c 'for d in $(ls /sys/class/net); do "
	       "tc filter show dev $d ingress; tc filter show dev $d egress; done' 2>/dev/null | "
	       "grep -c nstrace_",
	       ns);
	return atoi(out);
}

static int attached_in(const char *ns)
{
	return tcx_progs_in(ns) + tc_filters_in(ns);
}

/* tcx programs and nstrace's tc filters on every device of the lab: only
 * nstrace attaches there, so the count is nstrace's. */
static int lab_attached(void)
{
	const char *lists[][2] = { { "nodes", NULL },	 { "vms", NULL },
				   { "routers", NULL }, { "networks", "dhcp" } };
	json_t *e;
	size_t i;
	int n = attached_in(jstr(json_object_get(info, "underlay"), "namespace")) +
		attached_in(jstr(json_object_get(info, "external"), "namespace"));

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		json_array_foreach(json_object_get(info, lists[l][0]), i, e)
			n += attached_in(jstr(lists[l][1] ? json_object_get(e, lists[l][1]) : e,
					      "namespace"));
	return n;
}

static bool state_file_exists(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/run/nstrace/%d.state", (int)pid);
	return stat(path, &st) == 0;
}

/* ---- one run of nstrace ping ------------------------------------------------- */

struct run {
	struct proc p;
	int code;
	json_t *verdicts; /* in order */
	json_t *timelines; /* id (string) -> timeline */
	json_t *latency;
	json_t *error;
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
		json_array_append(r->verdicts, o);
	} else if (!strcmp(type, "latency")) {
		ck_assert_msg(!r->latency, "two latency lines");
		r->latency = json_incref(o);
	} else if (!strcmp(type, "error")) {
		r->error = json_incref(o);
	}
}

static void parse_output(struct run *r)
{
	r->verdicts = json_array();
	json_lines_read(r->p.out, &r->events, &r->timelines, take_line, r);
}

static void run_free(struct run *r)
{
	json_decref(r->verdicts);
	json_decref(r->timelines);
	json_decref(r->latency);
	json_decref(r->error);
	proc_free(&r->p);
}

/* A VM's ping from the lab, in the background: `scripts/lab vm ARGS`. */
static pid_t trigger_start(const char *args)
{
	char script[1024];
	const char *argv[] = { "sh", "-c", script, NULL };

	snprintf(script, sizeof(script), "exec bash %s/scripts/lab %s", nstrace_srcdir(), args);
	return spawn_in_ns("", argv, "/dev/null");
}

static int trigger_wait(pid_t pid)
{
	int status, waited = 0;

	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (waited >= TRIGGER_WAIT_MS) {
			kill_and_reap(pid, SIGKILL);
			ck_abort_msg("scripts/lab did not end");
		}
		usleep(50 * 1000);
		waited += 50;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * nstrace ping VM's port OPTS --json; with triggers (passive), run each
 * `scripts/lab ARGS` at once once nstrace attached, and return their exit
 * codes in trig_rc.  Afterwards nothing of nstrace may remain.
 */
static void run_ping(struct run *r, const char *vm, const char *const *opts,
		     const char *const *triggers, int *trig_rc)
{
	const char *args[32] = { "ping", jstr(vm_info(vm), "port_uuid") };
	pid_t trig[4] = { 0 };
	struct bpf_ids ids;
	int n = 2, t;

	for (; *opts; opts++)
		args[n++] = *opts;
	args[n++] = "--json";
	args[n++] = "--state-dir";
	args[n++] = jstr(info, "state_dir");
	args[n] = NULL;
	memset(r, 0, sizeof(*r));
	proc_start_nstrace(&r->p, args);
	ck_assert_msg(proc_wait_stderr(&r->p, "attached", ATTACH_WAIT_MS),
		      "nstrace ping did not attach; stderr: %s", r->p.err);
	ck_assert_msg(strstr(r->p.err, "(tcx)"), "not attached with tcx: %s", r->p.err);
	if (triggers && triggers[0]) {
		/* Passive: nstrace waits for the VM, so all it holds can be seen. */
		bpf_ids_of(r->p.pid, &ids);
		ck_assert_int_ge(ids.n_progs, 2);
		ck_assert_int_ge(ids.n_links, 3);
		ck_assert_int_gt(lab_attached(), 0);
		for (t = 0; t < 4 && triggers[t]; t++)
			trig[t] = trigger_start(triggers[t]);
	}
	ck_assert_msg(proc_wait_exit(&r->p, EXIT_WAIT_MS), "nstrace ping did not end; stderr: %s",
		      r->p.err);
	for (t = 0; t < 4 && trig[t]; t++)
		trig_rc[t] = trigger_wait(trig[t]);
	r->code = exit_code(&r->p);
	parse_output(r);
	if (triggers && triggers[0])
		ck_assert_msg(bpf_ids_gone(&ids, 5000), "nstrace's BPF programs or links remain");
	ck_assert_msg(lab_attached() == 0, "BPF programs remain attached in the lab");
	ck_assert_msg(!state_file_exists(r->p.pid), "nstrace left its state file");
}

/* Passive: nstrace ping VM [DST] while `scripts/lab vm VM ping PING_ARGS`. */
static void run_passive(struct run *r, const char *vm, const char *dst, const char *ping_args,
			int *ping_rc)
{
	const char *opts[] = { "-c", COUNT_STR, "-t", PASSIVE_TIMEOUT, dst, NULL };
	char trig[128];
	const char *triggers[] = { trig, NULL };

	snprintf(trig, sizeof(trig), "vm %s ping %s", vm, ping_args);
	run_ping(r, vm, opts, triggers, ping_rc);
}

static void run_active(struct run *r, const char *vm, const char *from, const char *netns)
{
	const char *opts[] = { "--from", from, "-c", COUNT_STR, "-i", "0.05",
			       netns ? "--netns" : NULL, netns, NULL };

	run_ping(r, vm, opts, NULL, NULL);
}

/* ---- reading the run ------------------------------------------------------- */

static json_t *verdict(const struct run *r, size_t i)
{
	json_t *v = json_array_get(r->verdicts, i);

	ck_assert_msg(v, "no verdict #%zu; stderr: %s", i, r->p.err);
	return v;
}

static const char *place(json_t *v, const char *key, const char *field)
{
	json_t *w = json_object_get(v, key);

	ck_assert_msg(json_is_object(w), "verdict has no %s: %s", key,
		      json_dumps(v, JSON_COMPACT));
	return jstr(w, field);
}

static json_t *timeline(const struct run *r, json_t *v, const char *which)
{
	char id[32];
	json_t *t;

	snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(v, which)));
	t = json_object_get(r->timelines, id);
	ck_assert_msg(t, "%s %s of %s not printed", which, id, jstr(v, "subject"));
	return t;
}

/* The packet hop of a timeline at netns/dev in direction dir, or NULL. */
static json_t *hop_at(json_t *timeline, const char *netns, const char *dev, const char *dir)
{
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(timeline, "hops"), i, h) {
		json_t *hop = json_object_get(h, "hop");

		if (!strcmp(jstr(h, "kind"), "packet") && !strcmp(jstr(hop, "netns"), netns) &&
		    !strcmp(jstr(hop, "dev"), dev) && !strcmp(jstr(hop, "dir"), dir))
			return h;
	}
	return NULL;
}

static json_t *must_cross(json_t *timeline, const char *netns, const char *dev, const char *dir)
{
	json_t *h = hop_at(timeline, netns, dev, dir);

	ck_assert_msg(h, "%s did not cross %s/%s %s", jstr(timeline, "summary"), netns, dev, dir);
	return h;
}

static const char *hop_ip(json_t *hop, const char *key)
{
	return jstr(json_object_get(hop, "ip"), key);
}

static void assert_exit(const struct run *r, int code)
{
	ck_assert_msg(r->code == code, "exit %d, want %d; stderr: %s", r->code, code, r->p.err);
}

/* Every echo completed: COUNT verdicts, the summary agrees, exit 0. */
static void assert_all_completed(const struct run *r, const char *direction)
{
	json_t *v;
	size_t i;

	json_array_foreach(r->verdicts, i, v) {
		ck_assert_msg(!strcmp(jstr(v, "status"), "completed"), "verdict %s: %s",
			      jstr(v, "status"), json_dumps(v, JSON_COMPACT));
		ck_assert_str_eq(jstr(v, "direction"), direction);
		ck_assert_int_gt(json_integer_value(json_object_get(v, "rtt_ns")), 0);
		ck_assert(json_is_true(json_object_get(v, "reply_reached_end")));
	}
	ck_assert_int_eq(json_array_size(r->verdicts), COUNT);
	ck_assert_msg(r->latency, "no latency line");
	ck_assert_int_eq(json_integer_value(json_object_get(r->latency, "echoes")), COUNT);
	ck_assert_int_eq(json_integer_value(json_object_get(r->latency, "completed")), COUNT);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r->latency, "rtt"),
							    "count")),
			 COUNT);
	ck_assert_int_gt(r->events, 0);
	assert_exit(r, 0);
}

/* The latency table has a row for the leg at netns/dev/dir, one sample
 * per echo. */
static void assert_latency_row(const struct run *r, const char *leg, const char *netns,
			       const char *dev, const char *dir)
{
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(r->latency, "hops"), i, h)
		if (!strcmp(jstr(h, "leg"), leg) && !strcmp(jstr(h, "netns"), netns) &&
		    !strcmp(jstr(h, "dev"), dev) && !strcmp(jstr(h, "dir"), dir)) {
			ck_assert_int_eq(json_integer_value(json_object_get(h, "count")), COUNT);
			return;
		}
	ck_abort_msg("latency has no %s row for %s/%s %s: %s", leg, netns, dev, dir,
		     json_dumps(r->latency, JSON_COMPACT));
}

/* A failed check of this name whose subject holds needle (NULL: any). */
/* The failed check, for its detail. */
static json_t *assert_failed_check(json_t *v, const char *name, const char *needle)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(v, "checks"), i, c)
		if (!strcmp(jstr(c, "check"), name) && !strcmp(jstr(c, "status"), "fail") &&
		    (!needle || strstr(jstr(c, "subject"), needle)))
			return c;
	ck_abort_msg("no failed %s check on %s: %s", name, needle ? needle : "anything",
		     json_dumps(json_object_get(v, "checks"), JSON_COMPACT));
	return NULL;
}

static void assert_reason_has(json_t *v, const char *needle)
{
	ck_assert_msg(strstr(jstr(v, "reason"), needle), "reason '%s' lacks '%s'",
		      jstr(v, "reason"), needle);
}

/* ---- healthy paths ---------------------------------------------------------- */

/* From the router to a1: each echo's round trip, hop by hop. */
START_TEST(test_from_router)
{
	json_t *vm = vm_info("a1"), *rt = router_of(vm), *v;
	const char *rns = jstr(rt, "namespace"), *nns = jstr(vm, "node_namespace");
	struct run r;
	size_t i;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	run_active(&r, "a1", "router", NULL);
	assert_all_completed(&r, "to-vm");
	json_array_foreach(r.verdicts, i, v) {
		json_t *req = timeline(&r, v, "request_timeline");
		json_t *rep = timeline(&r, v, "reply_timeline");

		/* The reply's journey ends back at qr-. */
		ck_assert_str_eq(place(v, "where", "device"), qr_dev(vm));
		ck_assert_str_eq(place(v, "where", "netns"), rns);
		ck_assert_str_eq(hop_ip(must_cross(req, rns, qr_dev(vm), "egress"), "src"),
				 jstr(vm, "gateway_ip"));
		must_cross(req, nns, jstr(vm, "tap"), "egress");
		must_cross(req, jstr(vm, "namespace"), jstr(vm, "device"), "ingress");
		must_cross(rep, nns, jstr(vm, "tap"), "ingress");
		must_cross(rep, rns, qr_dev(vm), "ingress");
	}
	assert_latency_row(&r, "request", rns, qr_dev(vm), "egress");
	assert_latency_row(&r, "request", nns, jstr(vm, "tap"), "egress");
	assert_latency_row(&r, "reply", nns, jstr(vm, "tap"), "ingress");
	assert_latency_row(&r, "reply", rns, qr_dev(vm), "ingress");
	run_free(&r);
}
END_TEST

START_TEST(test_from_dhcp)
{
	json_t *vm = vm_info("a1"), *dhcp = json_object_get(net_of(vm), "dhcp"), *v;
	struct run r;
	size_t i;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	run_active(&r, "a1", "dhcp", NULL);
	assert_all_completed(&r, "to-vm");
	json_array_foreach(r.verdicts, i, v) {
		json_t *req = timeline(&r, v, "request_timeline");

		ck_assert_str_eq(place(v, "where", "device"), jstr(dhcp, "device"));
		ck_assert_str_eq(hop_ip(must_cross(req, jstr(dhcp, "namespace"),
						   jstr(dhcp, "device"), "egress"),
					"src"),
				 jstr(dhcp, "ip"));
		must_cross(req, jstr(vm, "node_namespace"), jstr(vm, "tap"), "egress");
	}
	run_free(&r);
}
END_TEST

/* a1 pings its gateway: judged on the path cut at qr-, where the router
 * answers itself; nothing crosses qg-. */
START_TEST(test_to_gateway)
{
	json_t *vm = vm_info("a1"), *rt = router_of(vm), *v;
	int ping_rc;
	struct run r;
	size_t i;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	run_passive(&r, "a1", NULL, "gateway " COUNT_STR, &ping_rc);
	ck_assert_int_eq(ping_rc, 0);
	assert_all_completed(&r, "from-vm");
	json_array_foreach(r.verdicts, i, v) {
		json_t *req = timeline(&r, v, "request_timeline");
		json_t *rep = timeline(&r, v, "reply_timeline");

		must_cross(req, jstr(vm, "node_namespace"), jstr(vm, "tap"), "ingress");
		must_cross(req, jstr(rt, "namespace"), qr_dev(vm), "ingress");
		ck_assert_ptr_null(hop_at(req, jstr(rt, "namespace"), qg_dev(vm), "egress"));
		must_cross(rep, jstr(rt, "namespace"), qr_dev(vm), "egress");
		must_cross(rep, jstr(vm, "node_namespace"), jstr(vm, "tap"), "egress");
	}
	assert_latency_row(&r, "reply", jstr(vm, "node_namespace"), jstr(vm, "tap"), "egress");
	run_free(&r);
}
END_TEST

/* a1 pings the outside: its echoes leave the router SNATed. */
START_TEST(test_out_through_snat)
{
	json_t *vm = vm_info("a1"), *rt = router_of(vm), *v;
	json_t *fip = json_object_get(vm, "floating_ip");
	/* Neutron SNATs a VM with a floating IP to it, others to qg-'s address. */
	const char *snat_ip = json_is_string(fip) ? json_string_value(fip) :
						      jstr(json_object_get(rt, "gateway"), "ip");
	int ping_rc;
	struct run r;
	size_t i;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	run_passive(&r, "a1", NULL, "external " COUNT_STR, &ping_rc);
	ck_assert_int_eq(ping_rc, 0);
	assert_all_completed(&r, "from-vm");
	json_array_foreach(r.verdicts, i, v) {
		json_t *req = timeline(&r, v, "request_timeline");
		json_t *rep = timeline(&r, v, "reply_timeline");
		const char *rns = jstr(rt, "namespace");

		ck_assert_str_eq(hop_ip(must_cross(req, jstr(vm, "node_namespace"),
						   jstr(vm, "tap"), "ingress"),
					"src"),
				 jstr(vm, "ip"));
		ck_assert_str_eq(hop_ip(must_cross(req, rns, qr_dev(vm), "ingress"), "src"),
				 jstr(vm, "ip"));
		ck_assert_str_eq(hop_ip(must_cross(req, rns, qg_dev(vm), "egress"), "src"),
				 snat_ip);
		ck_assert_str_eq(hop_ip(must_cross(rep, rns, qg_dev(vm), "ingress"), "dst"),
				 snat_ip);
		ck_assert_str_eq(hop_ip(must_cross(rep, jstr(vm, "node_namespace"),
						   jstr(vm, "tap"), "egress"),
					"dst"),
				 jstr(vm, "ip"));
		assert_reason_has(v, "SNAT");
	}
	assert_latency_row(&r, "request", jstr(rt, "namespace"), qg_dev(vm), "egress");
	run_free(&r);
}
END_TEST

/* The outside pings a1's floating IP: DNAT to its fixed IP on the way in. */
START_TEST(test_from_external)
{
	json_t *vm = vm_info("a1"), *rt = router_of(vm), *v;
	const char *ext = jstr(json_object_get(info, "external"), "namespace");
	const char *rns = jstr(rt, "namespace");
	struct run r;
	size_t i;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	ck_assert(json_is_string(json_object_get(vm, "floating_ip")));
	run_active(&r, "a1", "external", ext);
	assert_all_completed(&r, "to-vm");
	json_array_foreach(r.verdicts, i, v) {
		json_t *req = timeline(&r, v, "request_timeline");

		ck_assert_str_eq(hop_ip(must_cross(req, rns, qg_dev(vm), "ingress"), "dst"),
				 jstr(vm, "floating_ip"));
		ck_assert_str_eq(hop_ip(must_cross(req, rns, qr_dev(vm), "egress"), "dst"),
				 jstr(vm, "ip"));
		ck_assert_str_eq(hop_ip(must_cross(req, jstr(vm, "node_namespace"),
						   jstr(vm, "tap"), "egress"),
					"dst"),
				 jstr(vm, "ip"));
		assert_reason_has(v, "DNAT");
	}
	run_free(&r);
}
END_TEST

/* a1 -> a2 on the other compute node: the peer path across the tunnel. */
START_TEST(test_east_west)
{
	json_t *a1 = vm_info("a1"), *a2 = vm_info("a2"), *v;
	int ping_rc;
	struct run r;
	size_t i;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	ck_assert_str_eq(jstr(a1, "network_uuid"), jstr(a2, "network_uuid"));
	ck_assert_str_ne(jstr(a1, "node"), jstr(a2, "node"));
	run_passive(&r, "a1", jstr(a2, "ip"), "a2 " COUNT_STR, &ping_rc);
	ck_assert_int_eq(ping_rc, 0);
	ck_assert_msg(strstr(r.p.err, ", peer path"), "not the peer path: %s", r.p.err);
	assert_all_completed(&r, "from-vm");
	json_array_foreach(r.verdicts, i, v) {
		json_t *req = timeline(&r, v, "request_timeline");
		json_t *rep = timeline(&r, v, "reply_timeline");

		ck_assert_str_eq(place(v, "where", "netns"), jstr(a1, "namespace"));
		must_cross(req, jstr(a1, "node_namespace"), jstr(a1, "qvo"), "ingress");
		must_cross(req, jstr(node_of(a1), "namespace"),
			   jstr(node_of(a1), "underlay_device"), "egress");
		must_cross(req, jstr(node_of(a2), "namespace"),
			   jstr(node_of(a2), "underlay_device"), "ingress");
		must_cross(req, jstr(a2, "node_namespace"), jstr(a2, "tap"), "egress");
		must_cross(req, jstr(a2, "namespace"), jstr(a2, "device"), "ingress");
		must_cross(rep, jstr(a2, "node_namespace"), jstr(a2, "qvo"), "ingress");
		must_cross(rep, jstr(a1, "node_namespace"), jstr(a1, "tap"), "egress");
		/* No router on an east-west path. */
		ck_assert_ptr_null(hop_at(req, jstr(router_of(a1), "namespace"), qr_dev(a1),
					  "ingress"));
	}
	assert_latency_row(&r, "request", jstr(a2, "node_namespace"), jstr(a2, "tap"), "egress");
	run_free(&r);
}
END_TEST

/* Every echo of the run was judged on the VM's side alone, with the
 * command that traces it whole: nstrace ping PORT OTHER_IP. */
static void assert_vm_side(const struct run *r, json_t *vm, const char *other_ip)
{
	char cmd[128];
	json_t *v;
	size_t i;

	snprintf(cmd, sizeof(cmd), "nstrace ping %s %s", jstr(vm, "port_uuid"), other_ip);
	json_array_foreach(r->verdicts, i, v) {
		ck_assert_str_eq(jstr(v, "route"), "vm-side");
		/* Completed where the reply's way ends: qvo, or the VM. */
		ck_assert_str_eq(place(v, "where", "device"),
				 jstr(vm, strcmp(jstr(v, "direction"), "to-vm") ? "device" : "qvo"));
		assert_reason_has(v, "is another port of the VM's network: the echo went east-west");
		ck_assert_str_eq(jstr(v, "command"), cmd);
	}
}

/* a1 pings a2 while a2's port is traced without DST (the router's path):
 * each echo is judged on a2's side alone, completed, and the verdict names
 * the DST that traces the east-west path whole. */
START_TEST(test_east_west_without_dst)
{
	json_t *a1 = vm_info("a1"), *a2 = vm_info("a2"), *v;
	const char *opts[] = { "-c", COUNT_STR, "-t", PASSIVE_TIMEOUT, NULL };
	const char *triggers[] = { "vm a1 ping a2 " COUNT_STR, NULL };
	int ping_rc;
	struct run r;
	size_t i;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	run_ping(&r, "a2", opts, triggers, &ping_rc);
	ck_assert_int_eq(ping_rc, 0);
	ck_assert_msg(strstr(r.p.err, ", l3 path"), "not the router's path: %s", r.p.err);
	assert_all_completed(&r, "to-vm");
	assert_vm_side(&r, a2, jstr(a1, "ip"));
	json_array_foreach(r.verdicts, i, v) {
		json_t *req = timeline(&r, v, "request_timeline");

		must_cross(req, jstr(a2, "node_namespace"), jstr(a2, "qvo"), "egress");
		must_cross(req, jstr(a2, "namespace"), jstr(a2, "device"), "ingress");
	}
	run_free(&r);
}
END_TEST

/* a1 pings its DHCP port, traced without DST and then with it: first on
 * a1's side alone, pointing at the command; that command (DST the DHCP
 * port's address) plans the DHCP path and follows each echo to the
 * DHCP tap in qdhcp- and back. */
START_TEST(test_to_dhcp_port)
{
	json_t *vm = vm_info("a1"), *dhcp = json_object_get(net_of(vm), "dhcp"), *v;
	const char *dhcp_ip = jstr(dhcp, "ip");
	int ping_rc;
	struct run r;
	size_t i;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	run_passive(&r, "a1", NULL, "dhcp " COUNT_STR, &ping_rc);
	ck_assert_int_eq(ping_rc, 0);
	assert_all_completed(&r, "from-vm");
	assert_vm_side(&r, vm, dhcp_ip);
	run_free(&r);

	run_passive(&r, "a1", dhcp_ip, "dhcp " COUNT_STR, &ping_rc);
	ck_assert_int_eq(ping_rc, 0);
	ck_assert_msg(strstr(r.p.err, ", dhcp path"), "not the DHCP path: %s", r.p.err);
	assert_all_completed(&r, "from-vm");
	json_array_foreach(r.verdicts, i, v) {
		json_t *req = timeline(&r, v, "request_timeline");
		json_t *rep = timeline(&r, v, "reply_timeline");

		ck_assert_str_eq(jstr(v, "route"), "full");
		must_cross(req, jstr(vm, "node_namespace"), jstr(vm, "qvo"), "ingress");
		must_cross(req, jstr(dhcp, "namespace"), jstr(dhcp, "device"), "ingress");
		ck_assert_str_eq(hop_ip(must_cross(rep, jstr(dhcp, "namespace"),
						   jstr(dhcp, "device"), "egress"),
					"src"),
				 dhcp_ip);
	}
	run_free(&r);
}
END_TEST

/* No hop of the run carries the other tenant's packets: its tunnel key
 * or its floating IP. */
static void assert_no_trace_of(const struct run *r, json_t *other)
{
	json_int_t key = json_integer_value(json_object_get(net_of(other), "segmentation_id"));
	const char *fip = jstr(other, "floating_ip");
	const char *id;
	json_t *t, *h;
	size_t i;

	json_object_foreach(r->timelines, id, t)
		json_array_foreach(json_object_get(t, "hops"), i, h) {
			json_t *tun = json_object_get(h, "tunnel"), *ip = json_object_get(h, "ip");
			json_int_t k = json_integer_value(json_object_get(tun, "key"));

			ck_assert_msg(!tun || k != key,
				      "timeline %s: a packet with %s's tunnel key", id,
				      jstr(other, "name"));
			ck_assert_msg(!ip || (strcmp(jstr(ip, "src"), fip) &&
					      strcmp(jstr(ip, "dst"), fip)),
				      "timeline %s: a packet of %s's floating IP", id,
				      jstr(other, "name"));
		}
}

/* a1 and b1 share their fixed IP (two tenants) and ping the outside at
 * once: tracing b1's port counts b1's echoes only. */
START_TEST(test_overlapping_tenants)
{
	json_t *a1 = vm_info("a1"), *b1 = vm_info("b1"), *v;
	const char *opts[] = { "-c", COUNT_STR, "-t", PASSIVE_TIMEOUT, NULL };
	/* a1 pings more, and first: its echoes would be counted first. */
	const char *triggers[] = { "vm a1 ping external 4", "vm b1 ping external " COUNT_STR,
				   NULL };
	int rc[2];
	struct run r;
	size_t i;

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	ck_assert_str_eq(jstr(a1, "ip"), jstr(b1, "ip"));
	ck_assert_str_ne(jstr(a1, "network_uuid"), jstr(b1, "network_uuid"));
	run_ping(&r, "b1", opts, triggers, rc);
	ck_assert_int_eq(rc[0], 0);
	ck_assert_int_eq(rc[1], 0);
	assert_all_completed(&r, "from-vm");
	json_array_foreach(r.verdicts, i, v) {
		json_t *req = timeline(&r, v, "request_timeline");

		must_cross(req, jstr(b1, "node_namespace"), jstr(b1, "tap"), "ingress");
		ck_assert_ptr_null(hop_at(req, jstr(a1, "node_namespace"), jstr(a1, "tap"),
					  "ingress"));
		ck_assert_str_eq(hop_ip(must_cross(req, jstr(router_of(b1), "namespace"),
						   qg_dev(b1), "egress"),
					"src"),
				 jstr(b1, "floating_ip"));
	}
	assert_no_trace_of(&r, a1);
	run_free(&r);
}
END_TEST

/* ---- faults ------------------------------------------------------------------ */

/* Every echo got the same fault verdict; the first one is returned. */
static json_t *assert_all_faulty(const struct run *r, const char *status, size_t n)
{
	json_t *v;
	size_t i;

	ck_assert_msg(json_array_size(r->verdicts) == n, "%zu verdicts, want %zu; stderr: %s",
		      json_array_size(r->verdicts), n, r->p.err);
	json_array_foreach(r->verdicts, i, v)
		ck_assert_msg(!strcmp(jstr(v, "status"), status), "verdict %s, want %s: %s",
			      jstr(v, "status"), status, json_dumps(v, JSON_COMPACT));
	ck_assert_int_eq(json_integer_value(json_object_get(r->latency, "completed")), 0);
	assert_exit(r, 1);
	return verdict(r, 0);
}

static void sg_drop_icmp(void)
{
	json_t *vm = vm_info("a1"), *v;
	struct run r;

	run_active(&r, "a1", "router", NULL);
	v = assert_all_faulty(&r, "dropped", COUNT);
	ck_assert_str_eq(place(v, "where", "device"), jstr(vm, "tap"));
	ck_assert_str_eq(place(v, "where", "netns"), jstr(vm, "node_namespace"));
	ck_assert_str_eq(jstr(json_object_get(v, "drop"), "reason_name"), "NETFILTER_DROP");
	assert_failed_check(v, "sg-counters",
			    jstr(json_object_get(vm, "security_group"), "ingress_chain"));
	assert_reason_has(v, "security group");
	run_free(&r);
}

START_TEST(test_sg_drop_icmp)
{
	REQUIRE_ROOT();
	with_fault("sg-drop-icmp", "a1", sg_drop_icmp);
}
END_TEST

static void router_gateway_missing(void)
{
	json_t *vm = vm_info("a1"), *v;
	int ping_rc;
	struct run r;

	run_passive(&r, "a1", NULL, "external " COUNT_STR, &ping_rc);
	ck_assert_int_ne(ping_rc, 0);
	if (json_is_true(json_object_get(info, "ovs_use_veth"))) {
		/* qg- stays, its veth's OVS end left br-ex: the router keeps its
		 * route, and the echo dies waiting for ARP behind qg-. */
		v = assert_all_faulty(&r, "lost", COUNT);
		ck_assert_str_eq(place(v, "where", "device"), qr_dev(vm));
		ck_assert_str_eq(place(v, "next", "device"), qg_dev(vm));
		assert_failed_check(v, "router-gateway", NULL);
		ck_assert_msg(strstr(jstr(json_object_get(v, "cause"), "detail"),
				     "is on no OVS bridge"),
			      "cause: %s", json_dumps(v, JSON_COMPACT));
		run_free(&r);
		return;
	}
	v = assert_all_faulty(&r, "unreachable", COUNT);
	ck_assert_str_eq(place(v, "where", "device"), qr_dev(vm));
	ck_assert_str_eq(place(v, "where", "netns"), jstr(router_of(vm), "namespace"));
	assert_reason_has(v, jstr(vm, "gateway_ip"));
	assert_reason_has(v, "no route");
	run_free(&r);
}

START_TEST(test_router_gateway_missing)
{
	REQUIRE_ROOT();
	with_fault("router-gateway-missing", "a1", router_gateway_missing);
}
END_TEST

static void snat_missing(void)
{
	json_t *vm = vm_info("a1"), *v;
	int ping_rc;
	struct run r;

	run_passive(&r, "a1", NULL, "external " COUNT_STR, &ping_rc);
	ck_assert_int_ne(ping_rc, 0);
	v = assert_all_faulty(&r, "reply-never-sent", COUNT);
	ck_assert_str_eq(place(v, "where", "device"), qg_dev(vm));
	ck_assert_str_eq(place(v, "where", "netns"), jstr(router_of(vm), "namespace"));
	assert_failed_check(v, "snat", jstr(router_of(vm), "uuid"));
	/* It left the router with the tenant address. */
	ck_assert_str_eq(hop_ip(must_cross(timeline(&r, v, "request_timeline"),
					   jstr(router_of(vm), "namespace"), qg_dev(vm), "egress"),
				"src"),
			 jstr(vm, "ip"));
	run_free(&r);
}

START_TEST(test_snat_missing)
{
	REQUIRE_ROOT();
	with_fault("snat-missing", "a1", snat_missing);
}
END_TEST

/* Every echo dropped in the router rt at its device dev, for the kernel's
 * reason; the first faulty verdict. */
static json_t *assert_router_drop(struct run *r, json_t *rt, const char *dev, const char *reason)
{
	json_t *v = assert_all_faulty(r, "dropped", COUNT);

	ck_assert_str_eq(place(v, "where", "device"), dev);
	ck_assert_str_eq(place(v, "where", "netns"), jstr(rt, "namespace"));
	ck_assert_str_eq(jstr(json_object_get(v, "drop"), "reason_name"), reason);
	return v;
}

/* a1's router does not forward: its echoes die where they enter the
 * router, at qr- going out, at qg- coming in to the floating IP. */
static void router_no_forwarding(void)
{
	json_t *vm = vm_info("a1"), *rt = router_of(vm), *v;
	const char *ext = jstr(json_object_get(info, "external"), "namespace");
	int ping_rc;
	struct run r;

	run_passive(&r, "a1", NULL, "external " COUNT_STR, &ping_rc);
	ck_assert_int_ne(ping_rc, 0);
	v = assert_router_drop(&r, rt, qr_dev(vm), "IP_INADDRERRORS");
	assert_failed_check(v, "router-forwarding", jstr(rt, "uuid"));
	assert_reason_has(v, "forwarding");
	run_free(&r);

	run_active(&r, "a1", "external", ext);
	v = assert_router_drop(&r, rt, qg_dev(vm), "IP_INADDRERRORS");
	assert_failed_check(v, "router-forwarding", jstr(rt, "uuid"));
	run_free(&r);
}

START_TEST(test_router_no_forwarding)
{
	REQUIRE_ROOT();
	with_fault("router-no-forwarding", "a1", router_no_forwarding);
}
END_TEST

/* A filter rule in a1's router drops what a1 sends out through qg-: its
 * echoes to the outside die entering the router, and so do its replies to
 * the outside's echoes to its floating IP; filter-drops names the rule. */
static void router_filter_drop(void)
{
	json_t *vm = vm_info("a1"), *rt = router_of(vm), *v, *c;
	const char *ext = jstr(json_object_get(info, "external"), "namespace");
	int ping_rc;
	struct run r;

	run_passive(&r, "a1", NULL, "external " COUNT_STR, &ping_rc);
	ck_assert_int_ne(ping_rc, 0);
	v = assert_router_drop(&r, rt, qr_dev(vm), "NETFILTER_DROP");
	c = assert_failed_check(v, "filter-drops", jstr(rt, "namespace"));
	ck_assert_msg(strstr(jstr(c, "detail"), jstr(vm, "ip")) &&
			      strstr(jstr(c, "detail"), "-j DROP"),
		      "filter-drops does not name the rule: %s", jstr(c, "detail"));
	assert_reason_has(v, "filter-drops");
	run_free(&r);

	run_active(&r, "a1", "external", ext);
	v = assert_router_drop(&r, rt, qr_dev(vm), "NETFILTER_DROP");
	assert_reason_has(v, "the echo reply");
	assert_failed_check(v, "filter-drops", jstr(rt, "namespace"));
	run_free(&r);
}

START_TEST(test_router_filter_drop)
{
	REQUIRE_ROOT();
	with_fault("router-filter-drop", "a1", router_filter_drop);
}
END_TEST

/* No DNAT for a1's floating IP: the router answers the outside's pings
 * to it itself, which is no round trip to the VM. */
static void fip_dnat_missing(void)
{
	json_t *vm = vm_info("a1"), *rt = router_of(vm), *v;
	const char *ext = jstr(json_object_get(info, "external"), "namespace");
	struct run r;

	run_active(&r, "a1", "external", ext);
	v = assert_all_faulty(&r, "answered-early", COUNT);
	ck_assert_str_eq(place(v, "where", "device"), qg_dev(vm));
	ck_assert_str_eq(place(v, "where", "netns"), jstr(rt, "namespace"));
	assert_failed_check(v, "floating-ip", jstr(vm, "floating_ip"));
	assert_reason_has(v, "DNAT");
	run_free(&r);
}

START_TEST(test_fip_dnat_missing)
{
	REQUIRE_ROOT();
	with_fault("fip-dnat-missing", "a1", fip_dnat_missing);
}
END_TEST

/* The VM a1, its ARP cache flushed (it must ask for its gateway's MAC, not
 * use a cached one), pings `trigger`; one unanswered ARP for its gateway is
 * the verdict, which is returned. */
static json_t *gateway_arp_unanswered(struct run *r, json_t *vm, const char *trigger)
{
	const char *opts[] = { "-c", COUNT_STR, "-t", "7", NULL };
	const char *triggers[] = { trigger, NULL };
	int ping_rc;
	json_t *v;

	ck_assert_int_eq(sh("ip netns exec '%s' ip neigh flush all", jstr(vm, "namespace")), 0);
	run_ping(r, "a1", opts, triggers, &ping_rc);
	ck_assert_int_ne(ping_rc, 0);
	v = assert_all_faulty(r, "arp-unanswered", 1);
	ck_assert_msg(strstr(jstr(v, "subject"), jstr(vm, "gateway_ip")), "ARP for %s",
		      jstr(v, "subject"));
	return v;
}

/* a1's router lost its port on a1's network: nothing answers a1's ARP for
 * its gateway (the address the DHCP agent hands out as the router). */
static void router_interface_missing(void)
{
	json_t *vm = vm_info("a1"), *v;
	json_t *qr = find_by(json_object_get(router_of(vm), "interfaces"), "network_uuid",
			     jstr(vm, "network_uuid"));
	struct run r;

	v = gateway_arp_unanswered(&r, vm, "vm a1 ping external " COUNT_STR);
	if (json_is_true(json_object_get(info, "ovs_use_veth"))) {
		/* qr- keeps its address; its veth's OVS end left br-int. */
		ck_assert_str_eq(place(v, "next", "device"), jstr(qr, "ovs_device"));
		assert_failed_check(v, "local-vlan", jstr(qr, "ovs_device"));
	} else {
		/* qr- is gone: no router on the network, the path ends at qvo. */
		ck_assert_str_eq(place(v, "where", "device"), jstr(vm, "qvo"));
		assert_failed_check(v, "qrouter-namespace", jstr(vm, "network_uuid"));
	}
	run_free(&r);
}

START_TEST(test_router_interface_missing)
{
	REQUIRE_ROOT();
	with_fault("router-interface-missing", "a1", router_interface_missing);
}
END_TEST

/* a1's router holds another address on a1's network than the gateway
 * a1's lease names: a1's ARP for it reaches qr- and nobody answers. */
static void router_interface_wrong_ip(void)
{
	json_t *vm = vm_info("a1"), *rt = router_of(vm), *v, *c;
	struct run r;

	v = gateway_arp_unanswered(&r, vm, "vm a1 ping gateway " COUNT_STR);
	ck_assert_str_eq(place(v, "where", "device"), qr_dev(vm));
	ck_assert_str_eq(place(v, "where", "netns"), jstr(rt, "namespace"));
	assert_reason_has(v, "nobody answered");
	c = assert_failed_check(v, "qrouter-namespace", jstr(vm, "network_uuid"));
	ck_assert_msg(strstr(jstr(c, "detail"), jstr(vm, "gateway_ip")),
		      "qrouter-namespace does not name the gateway: %s", jstr(c, "detail"));
	ck_assert_str_eq(jstr(json_object_get(v, "cause"), "check"), "qrouter-namespace");
	run_free(&r);
}

START_TEST(test_router_interface_wrong_ip)
{
	REQUIRE_ROOT();
	with_fault("router-interface-wrong-ip", "a1", router_interface_wrong_ip);
}
END_TEST

/* compute1's data NIC is down: a1's ARP for its gateway dies in OVS. */
static void underlay_down(void)
{
	json_t *vm = vm_info("a1"), *node = node_of(vm), *v;
	struct run r;

	v = gateway_arp_unanswered(&r, vm, "vm a1 ping gateway " COUNT_STR);
	ck_assert_str_eq(place(v, "where", "device"), jstr(vm, "qvo"));
	ck_assert_str_eq(place(v, "where", "netns"), jstr(vm, "node_namespace"));
	ck_assert_str_eq(place(v, "next", "device"), jstr(node, "underlay_device"));
	ck_assert_str_eq(place(v, "next", "netns"), jstr(node, "namespace"));
	assert_failed_check(v, "device-up", jstr(node, "underlay_device"));
	/* No echo request left the VM without its gateway's MAC. */
	ck_assert_int_eq(json_integer_value(json_object_get(r.latency, "echoes")), 0);
	run_free(&r);
}

START_TEST(test_underlay_down)
{
	REQUIRE_ROOT();
	with_fault("underlay-down", jstr(vm_info("a1"), "node"), underlay_down);
}
END_TEST

/* br-tun on a1's node lost the flow that takes a1's network's tunnel key
 * in: the gateway's ARP answer arrives on the node's data NIC and never
 * reaches qvo; ovs-vswitchd's own trace names the table that drops it. */
static void brtun_flow_missing(void)
{
	json_t *vm = vm_info("a1"), *node = node_of(vm), *v, *c;
	struct run r;

	v = gateway_arp_unanswered(&r, vm, "vm a1 ping gateway " COUNT_STR);
	ck_assert_str_eq(place(v, "where", "device"), jstr(node, "underlay_device"));
	ck_assert_str_eq(place(v, "where", "netns"), jstr(node, "namespace"));
	ck_assert_str_eq(place(v, "next", "device"), jstr(vm, "qvo"));
	c = assert_failed_check(v, "ovs-trace", jstr(vm, "node"));
	ck_assert_msg(strstr(jstr(c, "detail"), "drop it, last in br-tun table"),
		      "ovs-trace does not name br-tun's table: %s", jstr(c, "detail"));
	ck_assert_ptr_nonnull(strstr(jstr(c, "command"), "ofproto/trace br-tun 'in_port="));
	run_free(&r);
}

START_TEST(test_brtun_flow_missing)
{
	REQUIRE_ROOT();
	with_fault("brtun-flow-missing", "a1", brtun_flow_missing);
}
END_TEST

/* compute1's underlay MTU is 1500: a full 1500-byte packet in GRE is not. */
static void underlay_mtu(void)
{
	json_t *vm = vm_info("a1"), *node = node_of(vm), *v;
	long mtu = json_integer_value(json_object_get(net_of(vm), "mtu"));
	char out[32], needs[64], is[64];
	int ping_rc;
	struct run r;

	ck_assert_int_eq(sh_out(out, sizeof(out), "ip netns exec '%s' cat /sys/class/net/%s/mtu",
				jstr(node, "namespace"), jstr(node, "underlay_device")),
			 0);
	/* The instance's full frame in GRE: + inner Ethernet 14, outer IPv4 20,
	 * GRE with key 8. */
	snprintf(needs, sizeof(needs), "needs %ld bytes", mtu + 14 + 20 + 8);
	snprintf(is, sizeof(is), "MTU is %ld", atol(out));
	run_passive(&r, "a1", NULL, "gateway " COUNT_STR " 1472", &ping_rc);
	ck_assert_int_ne(ping_rc, 0);
	v = assert_all_faulty(&r, "mtu", COUNT);
	ck_assert_str_eq(place(v, "where", "device"), jstr(vm, "qvo"));
	ck_assert_str_eq(place(v, "next", "device"), jstr(node, "underlay_device"));
	ck_assert_str_eq(place(v, "next", "netns"), jstr(node, "namespace"));
	assert_reason_has(v, needs);
	assert_reason_has(v, is);
	assert_failed_check(v, "mtu", jstr(node, "underlay_device"));
	run_free(&r);
}

START_TEST(test_underlay_mtu)
{
	REQUIRE_ROOT();
	with_fault("underlay-mtu", jstr(vm_info("a1"), "node"), underlay_mtu);
}
END_TEST

/* ---- bad input: exit 2, a message, nothing attached ------------------------ */

static void assert_bad(const char *args, const char *message)
{
	char out[8192];
	int rc = sh_out(out, sizeof(out), "%s ping %s --state-dir %s 2>&1", nstrace_bin(), args,
			jstr(info, "state_dir"));

	ck_assert_msg(rc == 2, "nstrace ping %s: exit %d: %s", args, rc, out);
	ck_assert_msg(strstr(out, message), "nstrace ping %s said: %s", args, out);
	ck_assert_msg(!strstr(out, "attached"), "nstrace ping %s attached: %s", args, out);
}

START_TEST(test_bad_input)
{
	const char *port = jstr(vm_info("a1"), "port_uuid");
	char args[256], missing[64], out[4096];

	REQUIRE_ROOT();
	lab_heal_if_faulty();
	assert_bad("not-a-uuid", "is not a port UUID");
	/* An unknown port: a JSON error line with --json. */
	ck_assert_int_eq(sh_out(out, sizeof(out), "%s ping 00000000-0000-4000-8000-000000000000 "
				"--json --state-dir %s 2>/dev/null",
				nstrace_bin(), jstr(info, "state_dir")),
			 2);
	ck_assert_ptr_nonnull(strstr(out, "\"type\":\"error\""));
	ck_assert_ptr_nonnull(strstr(out, "unknown port"));
	snprintf(args, sizeof(args), "%s --from external", port);
	assert_bad(args, "--from external needs --netns");
	snprintf(missing, sizeof(missing), "%s-none%d", lab.name, (int)getpid());
	snprintf(args, sizeof(args), "%s --from external --netns %s", port, missing);
	assert_bad(args, "no such network namespace");
	snprintf(args, sizeof(args), "%s 10.0.0", port);
	assert_bad(args, "bad DST");
	snprintf(args, sizeof(args), "%s 10.0.0.6 --from router", port);
	assert_bad(args, "DST is for passive traces");
	snprintf(args, sizeof(args), "%s %s", port, jstr(vm_info("a1"), "ip"));
	assert_bad(args, "the VM's own address");
	ck_assert_int_eq(lab_attached(), 0);
}
END_TEST

NSTRACE_SUITE(ping_e2e)
{
	Suite *s = suite_create("ping_e2e");
	TCase *tc = tcase_create("ping_e2e");

	tcase_add_unchecked_fixture(tc, lab_setup, lab_teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_from_router);
	tcase_add_test(tc, test_to_gateway);
	tcase_add_test(tc, test_from_dhcp);
	tcase_add_test(tc, test_out_through_snat);
	tcase_add_test(tc, test_from_external);
	tcase_add_test(tc, test_east_west);
	tcase_add_test(tc, test_east_west_without_dst);
	tcase_add_test(tc, test_to_dhcp_port);
	tcase_add_test(tc, test_overlapping_tenants);
	tcase_add_test(tc, test_sg_drop_icmp);
	tcase_add_test(tc, test_router_gateway_missing);
	tcase_add_test(tc, test_snat_missing);
	tcase_add_test(tc, test_router_no_forwarding);
	tcase_add_test(tc, test_router_filter_drop);
	tcase_add_test(tc, test_brtun_flow_missing);
	tcase_add_test(tc, test_router_interface_wrong_ip);
	tcase_add_test(tc, test_fip_dnat_missing);
	tcase_add_test(tc, test_router_interface_missing);
	tcase_add_test(tc, test_underlay_down);
	tcase_add_test(tc, test_underlay_mtu);
	suite_add_tcase(s, tc);
	return s;
}
