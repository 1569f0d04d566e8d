// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Live tests (root): build/nstrace watch on a veth pair between two private
 * namespaces, with real traffic (busybox ping, dnsmasq + busybox udhcpc),
 * and what the kernel holds before and after nstrace ends.
 *
 * Every test builds its own namespaces "nstl-<runner pid>-<tag>-a/-b"; the
 * fixture teardown (in the runner, so it also runs after a failed test)
 * deletes whatever is left of them.  Child processes get SIGTERM when the
 * forked test process dies (PR_SET_PDEATHSIG), so a failure leaves no
 * nstrace or dnsmasq behind; nstrace then removes its own probes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "live_util.h"
#include "testlib.h"

#define ATTACH_WAIT_MS 20000
#define EXIT_WAIT_MS 15000
#define CLIENT_MAC "fa:16:3e:5e:7a:01"

/* ---- running nstrace watch ---------------------------------------------- */

static char dev_a[160], dev_b[160];

/* nstrace watch --json on NS1/veth-a and NS2/veth-b, plus extra options. */
static void start_watch(struct proc *p, const struct topo *t, const char *const *extra)
{
	const char *args[40] = { "watch", "--json", "--dev", dev_a, "--dev", dev_b };
	int n = 6;

	snprintf(dev_a, sizeof(dev_a), "%s/veth-a", t->ns1);
	snprintf(dev_b, sizeof(dev_b), "%s/veth-b", t->ns2);
	for (; extra && *extra && n < 39; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	proc_start_nstrace(p, args);
	ck_assert_msg(proc_wait_stderr(p, "attached 4 probes on 2 devices", ATTACH_WAIT_MS),
		      "nstrace did not attach; stderr: %s", p->err);
}

static int exit_code(const struct proc *p)
{
	return WIFEXITED(p->status) ? WEXITSTATUS(p->status) : -1;
}

static void wait_exit_code(struct proc *p, int want)
{
	ck_assert_msg(proc_wait_exit(p, EXIT_WAIT_MS), "nstrace did not exit; stderr: %s", p->err);
	ck_assert_msg(exit_code(p) == want, "nstrace exit status %d (wait status 0x%x), want %d; "
		      "stderr: %s", exit_code(p), p->status, want, p->err);
}

static void ping(const struct topo *t, int count)
{
	int rc = sh("ip netns exec '%s' busybox ping -c %d -i 0.2 -W 2 %s >/dev/null 2>&1",
		    t->ns1, count, TOPO_IP2);

	ck_assert_msg(rc == 0, "ping %s from %s failed (%d)", TOPO_IP2, t->ns1, rc);
}

/* ---- reading JSON events ------------------------------------------------- */

struct ev {
	json_t *obj;
	const char *netns, *dev, *dir, *fp;
	long long ts;
};

/* Parse every stdout line; each must be a JSON object with a hop. */
static int parse_events(const struct proc *p, struct ev *evs, int max)
{
	char *copy = strdup(p->out), *save = NULL;
	int n = 0;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t jerr;
		json_t *o = json_loads(line, 0, &jerr), *hop;

		ck_assert_msg(o != NULL, "not JSON: %s (%s)", line, jerr.text);
		ck_assert_int_lt(n, max);
		hop = json_object_get(o, "hop");
		ck_assert_msg(json_is_object(hop), "event without hop: %s", line);
		evs[n] = (struct ev){
			.obj = o,
			.netns = json_string_value(json_object_get(hop, "netns")),
			.dev = json_string_value(json_object_get(hop, "dev")),
			.dir = json_string_value(json_object_get(hop, "dir")),
			.fp = json_string_value(json_object_get(o, "fingerprint")),
			.ts = json_integer_value(json_object_get(o, "ts_ns")),
		};
		ck_assert_msg(evs[n].netns && evs[n].dev && evs[n].dir && evs[n].fp,
			      "event with an unknown hop or no fingerprint: %s", line);
		n++;
	}
	free(copy);
	return n;
}

static void free_events(struct ev *evs, int n)
{
	for (int i = 0; i < n; i++)
		json_decref(evs[i].obj);
}

static long long field(const struct ev *e, const char *obj, const char *key)
{
	json_t *o = json_object_get(e->obj, obj);

	ck_assert_msg(json_is_object(o), "event without \"%s\"", obj);
	return json_integer_value(json_object_get(o, key));
}

static const char *field_str(const struct ev *e, const char *obj, const char *key)
{
	json_t *o = json_object_get(e->obj, obj);
	const char *s = json_string_value(json_object_get(o, key));

	ck_assert_msg(s != NULL, "event without \"%s.%s\"", obj, key);
	return s;
}

static bool at(const struct ev *e, const char *ns, const char *dev, const char *dir)
{
	return !strcmp(e->netns, ns) && !strcmp(e->dev, dev) && !strcmp(e->dir, dir);
}

typedef bool (*ev_match_fn)(const struct ev *e, long long a, long long b);

/* The one event at this hop for which match() holds; fails on 0 or 2+. */
static const struct ev *find_one(const struct ev *evs, int n, const char *ns, const char *dev,
				 const char *dir, ev_match_fn match, long long a, long long b)
{
	const struct ev *found = NULL;

	for (int i = 0; i < n; i++) {
		if (!at(&evs[i], ns, dev, dir) || !match(&evs[i], a, b))
			continue;
		ck_assert_msg(!found, "two events at %s/%s %s for (%lld, %lld)", ns, dev, dir, a,
			      b);
		found = &evs[i];
	}
	ck_assert_msg(found, "no event at %s/%s %s for (%lld, %lld)", ns, dev, dir, a, b);
	return found;
}

/* ---- (a) ping ------------------------------------------------------------ */

static bool echo_is(const struct ev *e, long long type, long long seq)
{
	return field(e, "icmp", "type") == type && field(e, "icmp", "seq") == seq;
}

START_TEST(test_ping_events)
{
	const char *const extra[] = { "--proto", "icmp", "--ip", TOPO_IP2, "--count", "12",
				      "--timeout", "30", NULL };
	struct topo t;
	struct proc p;
	struct ev evs[32];
	long long id;
	int n;

	REQUIRE_ROOT();
	topo_up(&t, "ping");
	start_watch(&p, &t, extra);
	ping(&t, 3);
	wait_exit_code(&p, 0);
	n = parse_events(&p, evs, 32);
	/* 3 requests and 3 replies, each seen leaving one end and entering the other. */
	ck_assert_msg(n == 12, "%d events, want 12:\n%s", n, p.out);
	ck_assert_msg(strstr(p.err, "12 events, 0 lost"), "summary missing: %s", p.err);

	id = field(&evs[0], "icmp", "id");
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(field(&evs[i], "icmp", "id"), id);
		ck_assert_int_eq(field(&evs[i], "icmp", "code"), 0);
		ck_assert_int_ne(field(&evs[i], "hop", "id"), 0);
		/* Output order is time order. */
		if (i)
			ck_assert_msg(evs[i].ts >= evs[i - 1].ts, "event %d is older than %d", i,
				      i - 1);
	}
	/* busybox ping numbers its echoes from 0. */
	for (long long seq = 0; seq < 3; seq++) {
		const char *a = t.ns1, *b = t.ns2;
		const struct ev *req_a = find_one(evs, n, a, "veth-a", "egress", echo_is, 8, seq);
		const struct ev *req_b = find_one(evs, n, b, "veth-b", "ingress", echo_is, 8, seq);
		const struct ev *rep_b = find_one(evs, n, b, "veth-b", "egress", echo_is, 0, seq);
		const struct ev *rep_a = find_one(evs, n, a, "veth-a", "ingress", echo_is, 0, seq);

		ck_assert_str_eq(req_a->fp, req_b->fp);
		ck_assert_str_eq(rep_b->fp, rep_a->fp);
		ck_assert_str_ne(req_a->fp, rep_a->fp);
		ck_assert(req_a->ts <= req_b->ts && req_b->ts <= rep_b->ts &&
			  rep_b->ts <= rep_a->ts);
		ck_assert_str_eq(field_str(req_a, "ip", "src"), TOPO_IP1);
		ck_assert_str_eq(field_str(req_a, "ip", "dst"), TOPO_IP2);
		ck_assert_str_eq(field_str(rep_a, "ip", "src"), TOPO_IP2);
	}
	free_events(evs, n);
	proc_free(&p);
	topo_down(&t);
}
END_TEST

/* ---- (b) DHCP ------------------------------------------------------------ */

static bool dhcp_is(const struct ev *e, long long msg_type, long long xid)
{
	json_t *d = json_object_get(e->obj, "dhcp");

	if (!json_is_object(d))
		return false;
	return json_integer_value(json_object_get(d, "msg_type")) == msg_type &&
	       strtoll(json_string_value(json_object_get(d, "xid")), NULL, 16) == xid;
}

static bool wait_file_has(const char *path, const char *needle, int timeout_ms)
{
	char buf[8192];

	for (int waited = 0; waited <= timeout_ms; waited += 100) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

		if (f)
			fclose(f);
		buf[n] = '\0';
		if (strstr(buf, needle))
			return true;
		usleep(100 * 1000);
	}
	return false;
}

START_TEST(test_dhcp_events)
{
	char dir[64], hosts[96], leases[96], log[96], range[128];
	char hostsfile[128], leasefile[128], logfile[128];
	const char *const extra[] = { "--proto", "dhcp", "--mac", CLIENT_MAC, "--timeout", "60",
				      NULL };
	struct topo t;
	struct proc p;
	struct ev evs[64];
	long long xid = -1;
	pid_t dnsmasq;
	FILE *f;
	int n, rc;

	REQUIRE_ROOT();
	live_tmpdir(dir, sizeof(dir), "dhcp");
	snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
	snprintf(leases, sizeof(leases), "%s/leases", dir);
	snprintf(log, sizeof(log), "%s/dnsmasq.log", dir);
	topo_up(&t, "dhcp");
	ck_assert_int_eq(sh("ip -n '%s' link set veth-a address " CLIENT_MAC, t.ns1), 0);
	f = fopen(hosts, "w");
	ck_assert(f);
	fprintf(f, CLIENT_MAC ",host-10-199-0-10,10.199.0.10\n");
	fclose(f);

	start_watch(&p, &t, extra);
	/* As Neutron runs it: static range, answers only the MACs in the host file. */
	snprintf(range, sizeof(range), "--dhcp-range=set:subnet-t,10.199.0.0,static,%s,%s",
		 "255.255.255.0", "86400s");
	snprintf(hostsfile, sizeof(hostsfile), "--dhcp-hostsfile=%s", hosts);
	snprintf(leasefile, sizeof(leasefile), "--dhcp-leasefile=%s", leases);
	snprintf(logfile, sizeof(logfile), "--log-facility=%s", log);
	{
		const char *argv[] = { "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
				       "--no-hosts", "--no-resolv", "--port=0", "--bind-interfaces",
				       "--interface=veth-b", "--except-interface=lo", "--user=root",
				       "--log-dhcp", range, hostsfile, leasefile, logfile, NULL };

		dnsmasq = spawn_in_ns(t.ns2, argv, "/dev/null");
	}
	ck_assert_msg(wait_file_has(log, "DHCP, static leases only", 5000),
		      "dnsmasq did not start; see %s", log);
	/* A script that does nothing: the address stays unconfigured. */
	rc = sh("ip netns exec '%s' busybox udhcpc -i veth-a -n -q -t 3 -T 1 -s /bin/true "
		">'%s/udhcpc.log' 2>&1",
		t.ns1, dir);
	ck_assert_msg(rc == 0, "udhcpc got no lease (%d); see %s", rc, dir);
	ck_assert_msg(proc_wait_lines(&p, 8, 5000), "want 8 DHCP events, got:\n%s", p.out);
	kill(p.pid, SIGINT);
	wait_exit_code(&p, 0);
	kill_and_reap(dnsmasq, SIGTERM);

	n = parse_events(&p, evs, 64);
	for (int i = 0; i < n; i++) {
		ck_assert_str_eq(field_str(&evs[i], "dhcp", "chaddr"), CLIENT_MAC);
		if (field(&evs[i], "dhcp", "msg_type") == 5) /* ACK: the exchange that won */
			xid = strtoll(field_str(&evs[i], "dhcp", "xid"), NULL, 16);
	}
	ck_assert_msg(xid >= 0, "no DHCPACK among:\n%s", p.out);
	{
		/* DISCOVER 1 and REQUEST 3 go a -> b, OFFER 2 and ACK 5 go b -> a. */
		static const struct {
			int type;
			bool from_client;
		} steps[] = { { 1, true }, { 2, false }, { 3, true }, { 5, false } };
		long long last_ts = 0;

		for (size_t s = 0; s < 4; s++) {
			const char *ns_out = steps[s].from_client ? t.ns1 : t.ns2;
			const char *ns_in = steps[s].from_client ? t.ns2 : t.ns1;
			const char *dev_out = steps[s].from_client ? "veth-a" : "veth-b";
			const char *dev_in = steps[s].from_client ? "veth-b" : "veth-a";
			const struct ev *out = find_one(evs, n, ns_out, dev_out, "egress", dhcp_is,
							steps[s].type, xid);
			const struct ev *in = find_one(evs, n, ns_in, dev_in, "ingress", dhcp_is,
						       steps[s].type, xid);

			ck_assert_str_eq(out->fp, in->fp);
			ck_assert(last_ts <= out->ts && out->ts <= in->ts);
			last_ts = in->ts;
		}
	}
	free_events(evs, n);
	proc_free(&p);
	topo_down(&t);
	sh("rm -rf '%s'", dir);
}
END_TEST

/* ---- (c) nothing left behind --------------------------------------------- */

enum ending { END_COUNT, END_TIMEOUT, END_SIGTERM, END_SIGKILL };
static const char *const ending_name[] = { "--count", "--timeout", "SIGTERM", "SIGKILL" };

static bool state_file_exists(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/run/nstrace/%d.state", (int)pid);
	return stat(path, &st) == 0;
}

static void assert_nothing_left(const struct topo *t, const struct bpf_ids *ids, pid_t pid,
				const char *what)
{
	ck_assert_msg(tc_nstrace_filters(t->ns1, "veth-a") == 0 &&
			      tc_nstrace_filters(t->ns2, "veth-b") == 0,
		      "%s: nstrace filters left", what);
	/* nstrace created these qdiscs, so it must have removed them. */
	ck_assert_msg(!tc_has_clsact(t->ns1, "veth-a") && !tc_has_clsact(t->ns2, "veth-b"),
		      "%s: clsact qdisc left", what);
	ck_assert_msg(bpf_ids_gone(ids, 5000), "%s: nstrace's BPF programs or links remain", what);
	ck_assert_msg(!state_file_exists(pid), "%s: state file left", what);
	/* Nor the run directory: nothing else of nstrace's is on this host. */
	ck_assert_msg(access("/run/nstrace", F_OK) != 0, "%s: /run/nstrace left", what);
}

static void run_and_end(const struct topo *t, const char *mode, enum ending how)
{
	const char *extra[8] = { "--attach", mode, "--proto", "icmp" };
	bool clsact = !strcmp(mode, "clsact");
	struct bpf_ids ids;
	struct proc p;
	char what[64];

	snprintf(what, sizeof(what), "%s, ended by %s", mode, ending_name[how]);
	if (how == END_COUNT) {
		extra[4] = "--count";
		extra[5] = "2";
	} else if (how == END_TIMEOUT) {
		extra[4] = "--timeout";
		extra[5] = "1";
	}
	start_watch(&p, t, extra);
	bpf_ids_of(p.pid, &ids);
	ck_assert_msg(ids.n_progs == 2, "%s: %d programs open", what, ids.n_progs);
	ck_assert_msg(ids.n_links == (clsact ? 0 : 4), "%s: %d links open", what, ids.n_links);
	ck_assert_int_eq(tc_nstrace_filters(t->ns1, "veth-a"), clsact ? 2 : 0);
	ck_assert_int_eq(tc_nstrace_filters(t->ns2, "veth-b"), clsact ? 2 : 0);
	ck_assert(state_file_exists(p.pid) == clsact);

	switch (how) {
	case END_COUNT:
		ping(t, 1);
		wait_exit_code(&p, 0);
		break;
	case END_TIMEOUT:
		wait_exit_code(&p, 3); /* no traffic: NST_EXIT_NO_TRAFFIC */
		ck_assert_msg(strstr(p.err, "0 events"), "%s: %s", what, p.err);
		break;
	case END_SIGTERM:
		kill(p.pid, SIGTERM);
		wait_exit_code(&p, 0);
		break;
	case END_SIGKILL:
		kill(p.pid, SIGKILL);
		ck_assert(!proc_wait_exit(&p, EXIT_WAIT_MS) || WIFSIGNALED(p.status));
		if (clsact) {
			char out[4096];
			int rc;

			/* cls_bpf filters outlive their process: that is what cleanup is for. */
			ck_assert_int_eq(tc_nstrace_filters(t->ns1, "veth-a"), 2);
			ck_assert_int_eq(tc_nstrace_filters(t->ns2, "veth-b"), 2);
			ck_assert(state_file_exists(p.pid));
			rc = sh_out(out, sizeof(out), "'%s' cleanup", nstrace_bin());
			ck_assert_msg(rc == 0, "cleanup exit %d: %s", rc, out);
			ck_assert_msg(strstr(out, "removed nstrace filter") && strstr(out, t->ns1) &&
					      strstr(out, t->ns2),
				      "cleanup said: %s", out);
		}
		break;
	}
	assert_nothing_left(t, &ids, p.pid, what);
	proc_free(&p);
}

static void leaves_nothing(const char *mode)
{
	struct topo t;

	topo_up(&t, mode);
	for (enum ending how = END_COUNT; how <= END_SIGKILL; how++)
		run_and_end(&t, mode, how);
	topo_down(&t);
}

START_TEST(test_leaves_nothing_tcx)
{
	REQUIRE_ROOT();
	leaves_nothing("tcx");
}
END_TEST

START_TEST(test_leaves_nothing_clsact)
{
	REQUIRE_ROOT();
	leaves_nothing("clsact");
}
END_TEST

/* ---- (d) someone else's filter keeps working ----------------------------- */

static void foreign_filter_kept(const char *mode)
{
	const char *const extra[] = { "--attach", mode, "--proto", "icmp", NULL };
	struct counter_filter cf;
	struct topo t;
	struct proc p;
	__u64 c0, c1, c2, c3;

	topo_up(&t, mode);
	counter_filter_add(&cf, t.ns2, "veth-b");
	/* An empty clsact qdisc nstrace did not create: it must survive too. */
	ck_assert_int_eq(sh("tc -n '%s' qdisc add dev veth-a clsact", t.ns1), 0);
	c0 = counter_filter_read(&cf);
	ping(&t, 2);
	c1 = counter_filter_read(&cf);
	ck_assert_msg(c1 >= c0 + 2, "counting filter does not count: %llu -> %llu",
		      (unsigned long long)c0, (unsigned long long)c1);

	start_watch(&p, &t, extra);
	ping(&t, 3);
	ck_assert_msg(proc_wait_lines(&p, 12, 5000), "%s: nstrace saw only:\n%s", mode, p.out);
	c2 = counter_filter_read(&cf);
	ck_assert_msg(c2 >= c1 + 3, "%s: the filter stopped counting during the trace", mode);
	kill(p.pid, SIGINT);
	wait_exit_code(&p, 0);

	ck_assert_msg(counter_filter_present(t.ns2, "veth-b"), "%s: foreign filter removed", mode);
	ck_assert_msg(tc_has_clsact(t.ns2, "veth-b") && tc_has_clsact(t.ns1, "veth-a"),
		      "%s: a qdisc nstrace did not create was removed", mode);
	ck_assert_int_eq(tc_nstrace_filters(t.ns1, "veth-a"), 0);
	ck_assert_int_eq(tc_nstrace_filters(t.ns2, "veth-b"), 0);
	ping(&t, 2);
	c3 = counter_filter_read(&cf);
	ck_assert_msg(c3 >= c2 + 2, "%s: the filter stopped counting after the trace", mode);
	proc_free(&p);
	counter_filter_close(&cf);
	topo_down(&t);
}

START_TEST(test_foreign_filter_kept_tcx)
{
	REQUIRE_ROOT();
	foreign_filter_kept("tcx");
}
END_TEST

START_TEST(test_foreign_filter_kept_clsact)
{
	REQUIRE_ROOT();
	foreign_filter_kept("clsact");
}
END_TEST

/* ---- (e) bad input --------------------------------------------------------- */

/* Run nstrace to completion; returns its exit code, stderr in err. */
static int run_nstrace(const char *const *args, char *err, size_t len)
{
	struct proc p;
	int rc;

	proc_start_nstrace(&p, args);
	ck_assert_msg(proc_wait_exit(&p, EXIT_WAIT_MS), "nstrace hung: %s", p.err);
	rc = exit_code(&p);
	snprintf(err, len, "%s", p.err);
	proc_free(&p);
	return rc;
}

START_TEST(test_bad_input)
{
	char err[4096], nosuch_ns[96], dev_ok[160], dev_bad[160];
	struct topo t;

	REQUIRE_ROOT();
	topo_up(&t, "bad");
	snprintf(dev_ok, sizeof(dev_ok), "%s/veth-a", t.ns1);
	snprintf(dev_bad, sizeof(dev_bad), "%s/nosuch0", t.ns2);
	snprintf(nosuch_ns, sizeof(nosuch_ns), "%s-gone/veth-a", t.ns1);
	{
		const char *const a[] = { "watch", "--dev", nosuch_ns, NULL };

		ck_assert_int_eq(run_nstrace(a, err, sizeof(err)), 2);
		ck_assert_msg(strstr(err, "no network namespace") && strstr(err, "-gone'"), "%s",
			      err);
	}
	for (int clsact = 0; clsact <= 1; clsact++) {
		const char *const a[] = { "watch", "--attach", clsact ? "clsact" : "auto",
					  "--dev", dev_ok, "--dev", dev_bad, NULL };

		ck_assert_int_eq(run_nstrace(a, err, sizeof(err)), 2);
		ck_assert_msg(strstr(err, "no device 'nosuch0'") && strstr(err, t.ns2), "%s", err);
		/* The valid device was not touched. */
		ck_assert_int_eq(tc_nstrace_filters(t.ns1, "veth-a"), 0);
		ck_assert(!tc_has_clsact(t.ns1, "veth-a"));
	}
	{
		const char *const a[] = { "watch", "--dev", dev_ok, "--mac", "zz:16:3e:00:00:01",
					  NULL };

		ck_assert_int_eq(run_nstrace(a, err, sizeof(err)), 2);
		ck_assert_msg(strstr(err, "bad --mac 'zz:16:3e:00:00:01'"), "%s", err);
	}
	{
		const char *const a[] = { "watch", "--dev", dev_ok, "--proto", "smtp", NULL };

		ck_assert_int_eq(run_nstrace(a, err, sizeof(err)), 2);
		ck_assert_msg(strstr(err, "'smtp'"), "%s", err);
	}
	{
		const char *const a[] = { "watch", "--dev", dev_ok, "--snaplen", "5000", NULL };

		ck_assert_int_eq(run_nstrace(a, err, sizeof(err)), 2);
		ck_assert_msg(strstr(err, "'5000'"), "%s", err);
	}
	{
		const char *const a[] = { "watch", "--dev", dev_ok, "--dev", dev_ok, NULL };

		ck_assert_int_eq(run_nstrace(a, err, sizeof(err)), 2);
		ck_assert_msg(strstr(err, "given twice"), "%s", err);
	}
	ck_assert(!tc_has_clsact(t.ns1, "veth-a"));
	topo_down(&t);
}
END_TEST

/* All or nothing: when one hook fails, the hooks already attached go away. */
START_TEST(test_all_or_nothing)
{
	char err[4096], dev_a_only[160], dev_b_only[160];
	struct topo t;
	struct proc holder;

	REQUIRE_ROOT();
	topo_up(&t, "aon");
	snprintf(dev_a_only, sizeof(dev_a_only), "%s/veth-a", t.ns1);
	snprintf(dev_b_only, sizeof(dev_b_only), "%s/veth-b", t.ns2);
	{
		/* A running clsact nstrace holds veth-b's hooks. */
		const char *const a[] = { "watch", "--attach", "clsact", "--dev", dev_b_only,
					  NULL };

		proc_start_nstrace(&holder, a);
		ck_assert_msg(proc_wait_stderr(&holder, "attached 2 probes", ATTACH_WAIT_MS), "%s",
			      holder.err);
	}
	{
		/* veth-a attaches first, then veth-b fails: veth-a must be undone. */
		const char *const a[] = { "watch", "--attach", "clsact", "--dev", dev_a_only,
					  "--dev", dev_b_only, NULL };

		ck_assert_int_eq(run_nstrace(a, err, sizeof(err)), 5);
		ck_assert_msg(strstr(err, "veth-b") && strstr(err, "nothing is attached"), "%s",
			      err);
	}
	ck_assert_int_eq(tc_nstrace_filters(t.ns1, "veth-a"), 0);
	ck_assert_msg(!tc_has_clsact(t.ns1, "veth-a"), "the qdisc created for veth-a was left");
	/* ... and the running nstrace's filters were not touched. */
	ck_assert_int_eq(tc_nstrace_filters(t.ns2, "veth-b"), 2);
	kill(holder.pid, SIGTERM);
	wait_exit_code(&holder, 0);
	ck_assert_int_eq(tc_nstrace_filters(t.ns2, "veth-b"), 0);
	proc_free(&holder);
	topo_down(&t);
}
END_TEST

/* A ring buffer too small for a burst: losses are counted, named, summed. */
START_TEST(test_lost_events)
{
	const char *const extra[] = { "--proto", "udp", "--ringbuf", "64K", "--snaplen", "1024",
				      NULL };
	unsigned long long events = 0, lost = 0, warned = 0;
	struct topo t;
	struct proc p;
	const char *s;

	REQUIRE_ROOT();
	topo_up(&t, "lost");
	start_watch(&p, &t, extra);
	/* About 60 records of 1.3 KB fit: 50000 back-to-back datagrams overflow it. */
	blast_udp(t.ns1, TOPO_IP2, 50000);
	usleep(300 * 1000);
	kill(p.pid, SIGTERM);
	wait_exit_code(&p, 0);
	for (s = p.err; (s = strstr(s, "warning: ")); s++) {
		unsigned long long n;

		ck_assert_msg(sscanf(s, "warning: %llu events lost at hop ", &n) == 1, "%s", s);
		ck_assert_msg(strstr(s, "veth-") && strstr(s, "raise --ringbuf"), "%s", s);
		warned += n;
	}
	for (s = p.err; s && sscanf(s, "nstrace: %llu events, %llu lost", &events, &lost) != 2;
	     s = strchr(s + 1, '\n') ? strchr(s + 1, '\n') + 1 : NULL)
		;
	ck_assert_msg(s, "no summary: %s", p.err);
	ck_assert_msg(lost > 0 && warned == lost, "lost %llu, warned about %llu: %s", lost,
		      warned, p.err);
	/* Every datagram was either printed or counted lost at the egress hop at least. */
	ck_assert_msg(events + lost >= 50000 && events + lost <= 100000,
		      "%llu events + %llu lost for 50000 datagrams at 2 hops", events, lost);
	ck_assert_int_eq(proc_count_lines(&p), (int)events);
	proc_free(&p);
	topo_down(&t);
}
END_TEST

/* Without privileges nstrace says which are missing and attaches nothing. */
START_TEST(test_privileges)
{
	char out[4096];
	struct topo t;
	int rc;

	REQUIRE_ROOT();
	topo_up(&t, "priv");
	/* Root, but exec'd with CAP_NET_ADMIN out of the bounding set. */
	rc = sh_out(out, sizeof(out),
		    "setpriv --bounding-set=-net_admin '%s' watch --attach clsact --dev '%s/veth-a' 2>&1",
		    nstrace_bin(), t.ns1);
	ck_assert_msg(rc == 4, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "missing CAP_NET_ADMIN;"), "%s", out);
	/* Not root at all. */
	rc = sh_out(out, sizeof(out),
		    "setpriv --reuid=65534 --regid=65534 --clear-groups '%s' watch --dev '%s/veth-a' 2>&1",
		    nstrace_bin(), t.ns1);
	ck_assert_msg(rc == 4, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "missing CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN (not running as root)"),
		      "%s", out);
	ck_assert(!tc_has_clsact(t.ns1, "veth-a"));
	topo_down(&t);
}
END_TEST

static void live_setup(void)
{
	live_init();
}

static void live_teardown(void)
{
	live_remove_leftovers();
}

NSTRACE_SUITE(live)
{
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("live");

	tcase_add_unchecked_fixture(tc, live_setup, live_teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_ping_events);
	tcase_add_test(tc, test_dhcp_events);
	tcase_add_test(tc, test_leaves_nothing_tcx);
	tcase_add_test(tc, test_leaves_nothing_clsact);
	tcase_add_test(tc, test_foreign_filter_kept_tcx);
	tcase_add_test(tc, test_foreign_filter_kept_clsact);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_all_or_nothing);
	tcase_add_test(tc, test_privileges);
	tcase_add_test(tc, test_lost_events);
	suite_add_tcase(s, tc);
	return s;
}
