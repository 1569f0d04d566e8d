// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* nstrace dhcp: where a VM's DHCP stops, why, and what to check next. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "dhcp_analyse.h"
#include "event_print.h"
#include "exit_codes.h"
#include "filter_args.h"
#include "log.h"
#include "names.h"
#include "ovs_trace.h"
#include "path_checks.h"
#include "port_cmd.h"
#include "port_lookup.h"
#include "timeline_print.h"
#include "trace_print.h"
#include "trace_session.h"
#include "verdict_print.h"

#define DHCP_RINGBUF (4ull << 20) /* DHCP is a handful of packets */
#define DHCP_IDLE_NS 1000000000ull /* a message crosses the path in ms */
#define DEFAULT_TIMEOUT_MS 60000ull

struct dhcp_opts {
	const char *port;
	unsigned long long count;
	struct port_cmd_opts pc;
};

/* What the trace's hooks and the verdicts need. */
struct dhcp_run {
	const struct dhcp_opts *o;
	const struct topology *t;
	const struct topo_port *port;
	const struct port_path *path;
	struct trace_session *s;
	struct dhcp_analyser an;
	__u64 mono_to_wall_ns;
	bool color;
	/* The firewall counters (its security group, the agents' namespaces),
	 * at the start and per verdict. */
	struct sg_watch sg;
	size_t faults;
	bool output_closed;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: nstrace dhcp PORT [--timeout SEC] [--count N] [--json]\n"
		"                         [--ovsdb PATH]... [--state-dir DIR] [--attach MODE]\n"
		"\n"
		"Find where a VM's DHCP stops, why, and what to check next.  nstrace finds the\n"
		"port's DHCP path (as `nstrace path` shows it), attaches an observing probe to\n"
		"every hop it can see on every node (VM tap, qvb, qvo, the underlay devices\n"
		"with the network's tunnel key, the DHCP port in qdhcp-<network>) and to the\n"
		"kernel's packet drops, filtered to the port's MAC and DHCP, then waits for\n"
		"the VM to ask for an address.  Trigger it from the VM's console:\n"
		"`sudo dhclient eth0` or `sudo udhcpc -i eth0`.\n"
		"\n"
		"It follows each transaction (xid + client MAC) through DISCOVER, OFFER,\n"
		"REQUEST and ACK, prints a timeline per message (every hop crossed, its node,\n"
		"namespace, device, direction, VLAN or tunnel key, microseconds since the\n"
		"first hop and since the previous one), then a verdict: completed, dropped\n"
		"(with the kernel's reason), lost between two hops (and what lies between),\n"
		"request never seen, reply never sent; and the runbook checks around that\n"
		"place, each with the command to see it yourself.\n"
		"\n"
		"  PORT              the VM's port UUID, or a prefix of at least 8 characters\n"
		"  -t, --timeout SEC stop after SEC seconds (default 60; decimals allowed)\n"
		"  -c, --count N     stop after N transactions concluded (default 1)\n"
		"  -j, --json        JSON Lines: every event, every timeline, then one\n"
		"                    {\"type\":\"verdict\"} per transaction (docs/events-json.md)\n"
		"      --ovsdb PATH  OVSDB unix socket (repeatable); as in `nstrace path`\n"
		"      --state-dir DIR  the DHCP agent's state_path; as in `nstrace path`\n"
		"      --attach MODE auto (default), tcx or clsact\n"
		"  -h, --help        this help\n"
		"\n"
		"Exit codes:\n"
		"  0  the DHCP exchange completed (an ACK reached the VM)\n"
		"  1  a fault was found (the verdict says where and why)\n"
		"  2  bad input: malformed or unknown port, not a VM's port, bad option\n"
		"  3  no DHCP message of the port before the timeout\n"
		"  4  not root, or the kernel lacks BTF / tcx / the kfree_skb tracepoint\n"
		"  5  a run-time failure\n"
		"\n"
		"Examples:\n"
		"  nstrace dhcp 1bbe7c60                 # then run dhclient in the VM\n"
		"  nstrace dhcp 1bbe7c60 --timeout 120 --json | jq 'select(.type==\"verdict\")'\n"
		"\n"
		"Ctrl-C ends the trace early with a verdict on what was seen.  Nothing stays\n"
		"attached, however nstrace ends.  Guide: docs/dhcp.md.\n");
}

static int parse_args(int argc, char **argv, struct dhcp_opts *o)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		PORT_CMD_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, pc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:c:jh", opts, NULL)) != -1) {
		pc = port_cmd_option(&o->pc, c, optarg);
		if (pc < 0)
			return pc;
		if (pc)
			continue;
		switch (c) {
		case 'c':
			if (parse_uint(optarg, 1000000, &o->count) || !o->count) {
				log_error("bad --count '%s': expected a number of transactions "
					  "above 0",
					  optarg);
				return -EINVAL;
			}
			break;
		case 'h':
			return 1;
		default:
			return cli_bad_option(c, argv);
		}
	}
	if (optind < argc)
		o->port = argv[optind++];
	if (!o->port || optind < argc) {
		log_error("give one PORT: the VM's port UUID or a prefix of it");
		return -EINVAL;
	}
	return port_query_valid(o->port, "dhcp") ? 0 : -EINVAL;
}

/* ---- the verdict and its checks ------------------------------------------ */

static json_t *verdict_extra(const struct dhcp_txn *x)
{
	char xid[16], mac[MAC_STR_LEN];
	json_t *o, *ids = json_array();

	for (size_t i = 0; x && i < x->n_msgs; i++)
		json_array_append_new(ids, json_pack("{s:s, s:I, s:b, s:i}", "msg",
						     dhcp_msg_label(x->msgs[i].type), "timeline",
						     (json_int_t)x->msgs[i].t->id, "reached_end",
						     x->msgs[i].c.reached_end, "probe_points_seen",
						     x->msgs[i].c.n_seen));
	if (!x)
		return json_pack("{s:o}", "messages", ids);
	snprintf(xid, sizeof(xid), "0x%08x", x->xid);
	o = json_pack("{s:s, s:s, s:o}", "xid", xid, "client", fmt_mac(mac, x->chaddr),
		      "messages", ids);
	return o;
}

static void print_verdict(struct dhcp_run *r, const struct dhcp_txn *x, const struct verdict *v)
{
	struct check_results cr = { 0 };
	struct verdict_checks checks = { 0 };

	if (path_checks_run(r->t, r->path, CHK_DHCP_SET, v->check_first, v->check_last, &cr) ||
	    verdict_checks_add_path(&checks, &cr))
		log_warn("out of memory running the checks");
	if (ovs_trace_check(r->t, &v->trace, &checks))
		log_warn("out of memory tracing the OVS flows");
	sg_watch_checks(&r->sg, &checks);
	if (r->o->pc.json) {
		verdict_print_json(stdout, v, &checks, verdict_extra(x));
	} else {
		fputc('\n', stdout);
		verdict_print_text(stdout, v, &checks, r->color);
	}
	fflush(stdout);
	r->faults += verdict_is_fault(v->status);
	check_results_free(&cr);
	verdict_checks_free(&checks);
}

static void on_conclude(void *ctx, const struct dhcp_txn *x)
{
	struct dhcp_run *r = ctx;

	trace_status_clear(r->s);
	print_verdict(r, x, &x->verdict);
}

/* ---- trace hooks -------------------------------------------------------- */

static void on_event(void *ctx, const struct nstrace_event *e, const struct hop *hop,
		     bool on_path)
{
	struct dhcp_run *r = ctx;

	(void)on_path;
	if (r->o->pc.json)
		event_print_json(stdout, e, hop, e->ts_ns + r->mono_to_wall_ns);
}

static void on_timeline(void *ctx, const struct timeline *t)
{
	struct dhcp_run *r = ctx;
	char title[128], mac[MAC_STR_LEN];

	if (r->o->pc.json) {
		timeline_print_json(stdout, t, r->s->hops);
	} else if (t->app.app == NSTRACE_APP_DHCP4) {
		snprintf(title, sizeof(title), "%s xid 0x%08x for %s",
			 dhcp_msg_label(t->app.dhcp_msg), t->app.xid, fmt_mac(mac, t->app.chaddr));
		fputc('\n', stdout);
		trace_timeline_text(stdout, t, r->s->hops, title);
	}
	fflush(stdout);
	if (dhcp_analyser_add(&r->an, t) == -ENOMEM)
		log_warn("out of memory: a timeline was not analysed");
}

static bool tick(void *ctx, __u64 now_ns)
{
	struct dhcp_run *r = ctx;

	if (ferror(stdout)) {
		r->output_closed = true; /* the reader went away */
		return true;
	}
	return dhcp_analyser_poll(&r->an, now_ns, false) >= r->o->count;
}

static void status(void *ctx, char *buf, size_t len)
{
	dhcp_analyser_status(&((struct dhcp_run *)ctx)->an, buf, len);
}

/* ---- set-up ------------------------------------------------------------- */

/* The filter: the port's MAC, DHCP, and inside tunnels its network's key. */
static int build_filter(const struct topology *t, const struct topo_port *p,
			struct nstrace_filter *f)
{
	char msg[256];

	memset(f, 0, sizeof(*f));
	if (filter_add_mac(f, p->mac, msg, sizeof(msg)) ||
	    filter_add_proto(f, "dhcp", msg, sizeof(msg))) {
		log_error("port %s: %s", p->uuid, msg);
		return -EINVAL;
	}
	port_cmd_filter_tun_key(t, p, f);
	return 0;
}

static void print_header(const struct dhcp_run *r)
{
	const struct topology *t = r->t;
	const struct topo_port *p = r->port;
	const struct topo_network *net = p->network >= 0 ? &t->nets[p->network] : NULL;
	FILE *out = r->o->pc.json ? stderr : stdout;

	fprintf(out, "nstrace dhcp: port %s, VM port on %s, MAC %s\n", p->uuid,
		topo_node_name(t, p->node), p->mac);
	if (net)
		fprintf(out, "  network %s (%s %s), DHCP server %s\n", net->uuid,
			net->network_type, net->segmentation_id,
			net->dhcp_ns >= 0 ? t->ns[net->dhcp_ns].ns.name : "not found on this host");
	if (r->path->problem[0])
		fprintf(out, "  path: %s\n", r->path->problem);
}

static int trace(struct dhcp_run *r, struct port_path *path)
{
	struct trace_session s;
	struct trace_opts to = {
		.t = r->t,
		.path = path,
		.mode = r->o->pc.mode,
		.drops = true,
		.snaplen = NSTRACE_SNAPLEN_DEFAULT,
		.ringbuf_bytes = DHCP_RINGBUF,
		.timeout_ms = r->o->pc.timeout_ms,
		.idle_ns = DHCP_IDLE_NS,
		.status_line = isatty(STDERR_FILENO),
		.hint = "in the VM: sudo dhclient eth0 (or udhcpc -i eth0)",
	};
	struct trace_hooks hooks = {
		.ctx = r,
		.on_event = on_event,
		.on_timeline = on_timeline,
		.tick = tick,
		.status = status,
	};
	enum trace_end end;
	char msg[512];
	int err, rc;

	if (build_filter(r->t, r->port, &to.filter))
		return NST_EXIT_USAGE;
	sg_watch_start(&r->sg, r->t, r->port, r->path);
	r->s = &s;
	err = trace_session_start(&s, &to, msg, sizeof(msg));
	if (err) {
		log_error("%s", msg);
		trace_session_close(&s);
		return exit_code_for_errno(err);
	}
	fprintf(stderr, "nstrace: attached %d probes on %d devices in %llu ms (%s)%s; waiting "
			"for DHCP from %s\n",
		trace_session_points(&s), s.n_targets, s.attach_ms, trace_session_mode(&s),
		s.drop ? " + kfree_skb drop probe" : "", r->port->mac);
	log_info("tc probe loaded in %llu ms, then attached (and the drop probe loaded) in "
		 "%llu ms",
		 s.load_ms, s.attach_ms - s.load_ms);
	r->mono_to_wall_ns = loop_clock_ns(CLOCK_REALTIME) - loop_clock_ns(CLOCK_MONOTONIC);
	if (dhcp_analyser_init(&r->an, r->t, path, &s.places, drop_reason_name)) {
		log_error("out of memory");
		trace_session_close(&s);
		return NST_EXIT_RUNTIME;
	}
	r->an.on_conclude = on_conclude;
	r->an.ctx = r;
	end = trace_session_run(&s, &hooks, &err);
	if (end == TRACE_END_SIGNAL)
		log_info("stopping on %s", strsignal(s.signo));
	trace_session_finish(&s);
	dhcp_analyser_poll(&r->an, loop_clock_ns(CLOCK_MONOTONIC), true);
	if (!r->an.n_txns && !r->output_closed) {
		struct verdict v;

		dhcp_verdict_none(&r->an, &v);
		print_verdict(r, NULL, &v);
	}
	fprintf(stderr, "nstrace: %s: %llu events (%llu off the path), %lld lost, %zu "
			"transaction%s\n",
		trace_end_text(end), (unsigned long long)s.events, (unsigned long long)s.off_path,
		s.lost < 0 ? 0 : s.lost, r->an.n_txns, r->an.n_txns == 1 ? "" : "s");
	if (err) {
		log_error("reading events failed: %s", strerror(-err));
		rc = NST_EXIT_RUNTIME;
	} else if (!r->an.n_txns) {
		rc = NST_EXIT_NO_TRAFFIC;
	} else {
		rc = r->faults ? NST_EXIT_FAULT : NST_EXIT_OK;
	}
	dhcp_analyser_free(&r->an);
	trace_session_close(&s);
	return rc;
}

static int dhcp(struct dhcp_opts *o)
{
	struct dhcp_run r = { .o = o };
	struct port_path path = { 0 };
	struct topology t;
	const char *nc = getenv("NO_COLOR");
	int idx, rc;

	rc = port_cmd_find(&o->pc, o->port, "dhcp", o->pc.json, &t, &idx);
	if (rc)
		return rc;
	if (path_plan(&t, idx, PATH_DHCP, &path)) {
		log_error("out of memory planning the path");
		topology_free(&t);
		return NST_EXIT_RUNTIME;
	}
	r.t = &t;
	r.port = &t.ports[idx];
	r.path = &path;
	r.color = isatty(STDOUT_FILENO) && !(nc && nc[0]);
	print_header(&r);
	rc = trace(&r, &path);
	sg_watch_free(&r.sg);
	port_path_free(&path);
	topology_free(&t);
	return rc;
}

int cmd_dhcp(int argc, char **argv)
{
	struct dhcp_opts o = { .pc.timeout_ms = DEFAULT_TIMEOUT_MS, .count = 1 };
	int err = parse_args(argc, argv, &o);

	if (err > 0) {
		usage(stdout);
		return NST_EXIT_OK;
	}
	if (err < 0) {
		fprintf(stderr, "run `nstrace dhcp --help` for the options and examples\n");
		return NST_EXIT_USAGE;
	}
	/* Lines reach a pipe (jq, a test) as they are printed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return dhcp(&o);
}
