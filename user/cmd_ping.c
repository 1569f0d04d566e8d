// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* nstrace ping: every hop an echo crossed, where one stopped, and why. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "exit_codes.h"
#include "filter_args.h"
#include "log.h"
#include "names.h"
#include "netns.h"
#include "ns_exec.h"
#include "path_checks.h"
#include "loop.h"
#include "ping_run.h"
#include "port_lookup.h"
#include "str_copy.h"

#define PING_RINGBUF (8ull << 20)
#define PING_IDLE_NS 300000000ull /* an echo crosses the path in ms */
#define PASSIVE_TIMEOUT_MS 60000ull
#define DEFAULT_COUNT 5
#define DEFAULT_SIZE 56
#define DEFAULT_INTERVAL_MS 200

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: nstrace ping PORT [DST] [--count N] [--timeout SEC] [--json]\n"
		"       nstrace ping PORT --from router|dhcp [--count N] [--size BYTES]\n"
		"                         [--interval SEC]\n"
		"       nstrace ping PORT --from external --netns NS [...]\n"
		"       (and --ovsdb PATH, --state-dir DIR, --attach MODE as in `nstrace path`)\n"
		"\n"
		"Trace the L3 path of ICMP echoes of a VM's port: every hop each echo request\n"
		"and its reply crossed (tap, qvb, qvo, the underlay with the network's tunnel\n"
		"key, qr- and qg- in qrouter-<router>, br-ex, the external side), the\n"
		"addresses before and after NAT (SNAT, floating IP), microseconds since the\n"
		"first hop and since the previous one; then a verdict per echo and a per-hop\n"
		"latency table (count, min, median, max).\n"
		"\n"
		"Passive (no --from): nstrace waits for the VM's own pings; run `ping DST` on\n"
		"its console.  DST (optional) chooses the path: another VM's address on the\n"
		"same network traces the east-west path to that VM across the tunnel (its\n"
		"pings to the VM too), the DHCP port's address the path to qdhcp-; any\n"
		"other address, or none, the path through the router.  An echo with another\n"
		"port of the network, off that path, is judged on the VM's side alone (up\n"
		"to br-int) and its verdict names the DST that traces it whole.  The VM's\n"
		"ARP for its next hop is traced too: an unanswered ARP is a verdict of its\n"
		"own.\n"
		"\n"
		"Active (--from): nstrace sends the echoes itself, no VM console needed:\n"
		"  --from router      to the VM's fixed IP from its qrouter- namespace\n"
		"  --from dhcp        to the VM's fixed IP from its network's qdhcp- namespace\n"
		"  --from external    to the VM's floating IP from namespace NS (--netns NS),\n"
		"                     through the router's DNAT\n"
		"\n"
		"Verdicts: completed (round trip); dropped at a hop (the kernel's reason);\n"
		"lost between two probe points (and what lies between); mtu (a frame too big\n"
		"for the underlay once tunnelled, or fragmentation needed: the MTUs and the\n"
		"tunnel overhead are named); unreachable, ttl-exceeded (ICMP errors seen);\n"
		"reply-never-sent (with the addresses the request arrived with: no SNAT?);\n"
		"answered-early (a reply, but the request never reached its end: the router\n"
		"answered for a floating IP with no DNAT?); arp-unanswered.  Each fault\n"
		"comes with the runbook checks around its place (router namespace, qr-/qg-\n"
		"addresses, default route, IPv4 forwarding, SNAT and floating-IP rules and\n"
		"the NAT and security-group counters that rose, the drops of the router's\n"
		"filter table, MTUs), each with the command to see it yourself.\n"
		"\n"
		"  PORT              the VM's port UUID, or a prefix of at least 8 characters\n"
		"  DST               passive: an IPv4 destination the VM pings (default: any)\n"
		"  -f, --from WHERE  router, dhcp or external: nstrace pings the VM\n"
		"  -n, --netns NS    --from external: the namespace to ping from\n"
		"  -c, --count N     echoes (default %d): stop after N concluded\n"
		"  -s, --size BYTES  --from: ICMP payload bytes, as ping -s (default %d; the\n"
		"                    Don't Fragment bit is set: 1472 makes a 1500-byte packet)\n"
		"  -i, --interval SEC  --from: between echoes (default 0.2)\n"
		"  -t, --timeout SEC stop after SEC seconds (default: 60 passive; active\n"
		"                    count x interval + 10)\n"
		"  -j, --json        JSON Lines: every event, every timeline, one\n"
		"                    {\"type\":\"verdict\"} per echo, then {\"type\":\"latency\"}\n"
		"      --ovsdb PATH  OVSDB unix socket (repeatable); as in `nstrace path`\n"
		"      --state-dir DIR  the DHCP agent's state_path; as in `nstrace path`\n"
		"      --attach MODE auto (default), tcx or clsact\n"
		"  -h, --help        this help\n"
		"\n"
		"Exit codes:\n"
		"  0  every echo completed\n"
		"  1  a fault was found (the verdict says where and why)\n"
		"  2  bad input: malformed or unknown port, not a VM's port, bad DST or\n"
		"     option, no router / floating IP / namespace for the --from asked\n"
		"  3  no echo of the port before the timeout\n"
		"  4  not root, or the kernel lacks BTF / tcx / the kfree_skb tracepoint\n"
		"  5  a run-time failure\n"
		"\n"
		"Examples:\n"
		"  nstrace ping 1bbe7c60                     # then ping from the VM\n"
		"  nstrace ping 1bbe7c60 10.0.0.6            # east-west to another VM\n"
		"  nstrace ping 1bbe7c60 --from router -c 3\n"
		"  nstrace ping 1bbe7c60 --from router --size 1472   # the GRE MTU problem\n"
		"  nstrace ping 1bbe7c60 --from external --netns ext-host\n"
		"  nstrace ping 1bbe7c60 --from dhcp --json | jq 'select(.type==\"verdict\")'\n"
		"\n"
		"Nothing stays attached, however nstrace ends.  Guide: docs/ping.md.\n",
		DEFAULT_COUNT, DEFAULT_SIZE);
}

static int parse_from(const char *arg, enum ping_from *from)
{
	if (!strcmp(arg, "router"))
		*from = FROM_ROUTER;
	else if (!strcmp(arg, "dhcp"))
		*from = FROM_DHCP;
	else if (!strcmp(arg, "external"))
		*from = FROM_EXTERNAL;
	else
		return -EINVAL;
	return 0;
}

static int check_args(struct ping_opts *o)
{
	struct in_addr a;

	if (o->dst && inet_pton(AF_INET, o->dst, &a) != 1) {
		log_error("bad DST '%s': expected an IPv4 address, e.g. 10.0.0.1", o->dst);
		return -EINVAL;
	}
	if (o->dst && o->from != FROM_NONE) {
		log_error("DST is for passive traces; with --from nstrace pings the VM's own "
			  "address");
		return -EINVAL;
	}
	if (o->from == FROM_EXTERNAL && !o->netns) {
		log_error("--from external needs --netns NS: the namespace to ping from");
		return -EINVAL;
	}
	if (o->netns && o->from != FROM_EXTERNAL) {
		log_error("--netns goes with --from external");
		return -EINVAL;
	}
	return port_query_valid(o->port, "ping") ? 0 : -EINVAL;
}

static int parse_args(int argc, char **argv, struct ping_opts *o)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "netns", required_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		PORT_CMD_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, pc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:n:c:s:i:t:jh", opts, NULL)) != -1) {
		pc = port_cmd_option(&o->pc, c, optarg);
		if (pc < 0)
			return pc;
		if (pc)
			continue;
		switch (c) {
		case 'f':
			if (parse_from(optarg, &o->from)) {
				log_error("bad --from '%s': expected router, dhcp or external",
					  optarg);
				return -EINVAL;
			}
			break;
		case 'n':
			o->netns = optarg;
			break;
		case 'c':
			if (parse_uint(optarg, 100000, &o->count) || !o->count) {
				log_error("bad --count '%s': expected a number of echoes from 1 "
					  "to 100000",
					  optarg);
				return -EINVAL;
			}
			break;
		case 's':
			if (parse_uint(optarg, PINGER_MAX_PAYLOAD, &o->size)) {
				log_error("bad --size '%s': expected payload bytes from 0 to %d",
					  optarg, PINGER_MAX_PAYLOAD);
				return -EINVAL;
			}
			break;
		case 'i':
			if (parse_seconds(optarg, &o->interval_ms) || o->interval_ms < 10) {
				log_error("bad --interval '%s': expected seconds, at least 0.01",
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
	if (optind < argc)
		o->dst = argv[optind++];
	if (!o->port || optind < argc) {
		log_error("give PORT (the VM's port UUID or a prefix of it) and at most one "
			  "DST");
		return -EINVAL;
	}
	return check_args(o);
}

/* ---- the trace ----------------------------------------------------------- */

static bool tick(void *ctx, __u64 now_ns)
{
	struct ping_run *r = ctx;
	size_t done;

	if (ferror(stdout)) {
		r->output_closed = true; /* the reader went away */
		return true;
	}
	if (r->pinging && !pinger_tick(&r->pinger, now_ns)) {
		r->pinging = false;
		r->pinger_done_ns = now_ns;
	}
	done = ping_analyser_poll(&r->an, now_ns, false);
	if (done >= r->o->count)
		return true;
	/* Active: every echo sent, and the last had time to conclude. */
	return r->o->from != FROM_NONE && !r->pinging &&
	       now_ns > r->pinger_done_ns + r->an.settle_ns + PING_IDLE_NS;
}

static void status(void *ctx, char *buf, size_t len)
{
	ping_analyser_status(&((struct ping_run *)ctx)->an, buf, len);
}

static const char *from_name(enum ping_from f)
{
	switch (f) {
	case FROM_ROUTER:
		return "router";
	case FROM_DHCP:
		return "dhcp";
	case FROM_EXTERNAL:
		return "external";
	default:
		return "the VM";
	}
}

static void print_header(const struct ping_run *r)
{
	const struct topo_port *p = r->port;
	FILE *out = r->o->pc.json ? stderr : stdout;

	fprintf(out, "nstrace ping: port %s, VM port on %s, %s%s%s, %s path\n", p->uuid,
		topo_node_name(r->t, p->node), r->fixed_ip, r->fip[0] ? ", floating IP " : "",
		r->fip, path_kind_name(r->path->kind));
	if (r->o->from != FROM_NONE)
		fprintf(out, "  pinging %s from %s (%s): %llu echo%s of %llu bytes\n", r->target,
			netns_label(r->from_ns), from_name(r->o->from), r->o->count,
			r->o->count == 1 ? "" : "es", r->o->size);
	if (r->path->problem[0])
		fprintf(out, "  path: %s\n", r->path->problem);
}

static int analyser_setup(struct ping_run *r, struct trace_session *s, const char *peer_ip)
{
	struct ping_analyser *a = &r->an;

	if (ping_analyser_init(a, r->t, r->path, &s->places, drop_reason_name))
		return -ENOMEM;
	a->on_echo = ping_on_echo;
	a->on_arp = ping_on_arp;
	a->ctx = r;
	for (size_t i = 0; i < r->port->n_fixed_ips; i++)
		ping_analyser_vm_addr(a, r->port->fixed_ips[i], true);
	if (r->fip[0])
		ping_analyser_vm_addr(a, r->fip, false);
	if (r->qr_ip[0]) {
		ping_analyser_router_addr(a, r->qr_ip);
		ping_analyser_arp_peer(a, r->qr_ip);
	}
	if (r->gw_ip[0]) {
		ping_analyser_arp_peer(a, r->gw_ip);
		/* The gateway the VM was given is the router's, held or not. */
		if (r->qr_ip[0])
			ping_analyser_router_addr(a, r->gw_ip);
	}
	if (peer_ip)
		ping_analyser_arp_peer(a, peer_ip);
	if (r->o->from == FROM_DHCP && r->dhcp_ip[0])
		ping_analyser_arp_peer(a, r->dhcp_ip);
	if (r->qg_ip[0])
		ping_analyser_router_addr(a, r->qg_ip);
	if (r->o->from != FROM_NONE) {
		a->only_id = true;
		a->id = r->pinger.id;
	}
	return 0;
}

static int trace(struct ping_run *r, const char *peer_ip)
{
	struct trace_session s;
	struct trace_opts to = {
		.t = r->t,
		.path = r->path,
		.mode = r->o->pc.mode,
		.drops = true,
		.snaplen = NSTRACE_SNAPLEN_DEFAULT,
		.ringbuf_bytes = PING_RINGBUF,
		.timeout_ms = r->o->pc.timeout_ms,
		.idle_ns = PING_IDLE_NS,
		.status_line = isatty(STDERR_FILENO),
		.hint = r->o->from == FROM_NONE ? "in the VM: ping <address>" : "nstrace pings",
	};
	struct trace_hooks hooks = {
		.ctx = r,
		.on_event = ping_on_event,
		.on_timeline = ping_on_timeline,
		.tick = tick,
		.status = status,
	};
	enum trace_end end;
	char msg[512];
	int err, rc;

	if (ping_build_filter(r, peer_ip, &to.filter))
		return NST_EXIT_USAGE;
	sg_watch_start(&r->sg, r->t, r->port, r->path);
	if (r->path->router >= 0) {
		const struct topo_ns *ns = &r->t->ns[r->t->routers[r->path->router].ns];

		STR_COPY(r->router_ns_path, ns->ns.path);
		r->router_known = !router_state_read(r->router_ns_path, &r->router_before);
	}
	if (r->o->from != FROM_NONE) {
		err = pinger_open(&r->pinger, r->from_ns, r->target, r->o->size, r->o->count,
				  r->o->interval_ms * 1000000ull, msg, sizeof(msg));
		if (err) {
			log_error("%s", msg);
			return exit_code_for_errno(err);
		}
	}
	r->s = &s;
	err = trace_session_start(&s, &to, msg, sizeof(msg));
	if (err) {
		log_error("%s", msg);
		trace_session_close(&s);
		pinger_close(&r->pinger);
		return exit_code_for_errno(err);
	}
	fprintf(stderr, "nstrace: attached %d probes on %d devices in %llu ms (%s)%s; %s\n",
		trace_session_points(&s), s.n_targets, s.attach_ms, trace_session_mode(&s),
		s.drop ? " + kfree_skb drop probe" : "",
		r->o->from == FROM_NONE ? "waiting for the VM's pings" : "pinging");
	r->mono_to_wall_ns = loop_clock_ns(CLOCK_REALTIME) - loop_clock_ns(CLOCK_MONOTONIC);
	if (analyser_setup(r, &s, peer_ip)) {
		log_error("out of memory");
		trace_session_close(&s);
		pinger_close(&r->pinger);
		return NST_EXIT_RUNTIME;
	}
	hop_latency_init(&r->lat, r->path);
	r->pinging = r->o->from != FROM_NONE;
	end = trace_session_run(&s, &hooks, &err);
	if (end == TRACE_END_SIGNAL)
		log_info("stopping on %s", strsignal(s.signo));
	trace_session_finish(&s);
	ping_analyser_poll(&r->an, loop_clock_ns(CLOCK_MONOTONIC), true);
	if (r->o->from != FROM_NONE && r->pinger.send_errors)
		log_warn("%u of %u echo requests could not be sent from %s: %s",
			 r->pinger.send_errors, r->pinger.sent, netns_label(r->from_ns),
			 strerror(r->pinger.last_error));
	if (!r->an.n_echoes && !r->an.n_arp_faults && !r->output_closed) {
		struct verdict v;

		ping_verdict_none(&r->an, r->o->from != FROM_NONE, &v);
		ping_print_verdict(r, NULL, &v);
	}
	ping_print_summary(r);
	fprintf(stderr, "nstrace: %s: %llu events (%llu off the path), %lld lost, %zu echo%s\n",
		trace_end_text(end), (unsigned long long)s.events, (unsigned long long)s.off_path,
		s.lost < 0 ? 0 : s.lost, r->an.n_echoes, r->an.n_echoes == 1 ? "" : "es");
	if (err) {
		log_error("reading events failed: %s", strerror(-err));
		rc = NST_EXIT_RUNTIME;
	} else if (r->faults) {
		rc = NST_EXIT_FAULT;
	} else if (!r->an.n_echoes) {
		/* nstrace's own echoes not seen at all is a finding. */
		rc = r->o->from != FROM_NONE ? NST_EXIT_FAULT : NST_EXIT_NO_TRAFFIC;
	} else {
		rc = r->completed < r->an.n_echoes ? NST_EXIT_FAULT : NST_EXIT_OK;
	}
	ping_analyser_free(&r->an);
	hop_latency_free(&r->lat);
	trace_session_close(&s);
	pinger_close(&r->pinger);
	return rc;
}

static int ping(struct ping_opts *o)
{
	struct ping_run r = { .o = o };
	struct port_path path = { 0 };
	struct topology t;
	const char *nc = getenv("NO_COLOR"), *peer_ip = NULL;
	int idx, rc;

	rc = port_cmd_find(&o->pc, o->port, "ping", o->pc.json, &t, &idx);
	if (rc)
		return rc;
	r.t = &t;
	r.port = &t.ports[idx];
	r.path = &path;
	if (!r.port->n_fixed_ips) {
		log_error("port %s has no fixed IP in the DHCP agent's host file: no address to "
			  "trace",
			  r.port->uuid);
		topology_free(&t);
		return NST_EXIT_USAGE;
	}
	ping_bare_ip(r.fixed_ip, sizeof(r.fixed_ip), r.port->fixed_ips[0]);
	rc = ping_plan(&r, idx, &peer_ip);
	if (rc < 0) {
		r.color = isatty(STDOUT_FILENO) && !(nc && nc[0]);
		r.check_mask = ping_check_mask(&r);
		if (!o->pc.timeout_ms)
			o->pc.timeout_ms = o->from == FROM_NONE ?
						PASSIVE_TIMEOUT_MS :
						o->count * o->interval_ms + 10000ull;
		print_header(&r);
		rc = trace(&r, peer_ip);
	}
	sg_watch_free(&r.sg);
	if (r.router_known)
		router_state_free(&r.router_before);
	port_path_free(&path);
	topology_free(&t);
	return rc;
}

int cmd_ping(int argc, char **argv)
{
	struct ping_opts o = {
		.count = DEFAULT_COUNT,
		.size = DEFAULT_SIZE,
		.interval_ms = DEFAULT_INTERVAL_MS,
	};
	int err = parse_args(argc, argv, &o);

	if (err > 0) {
		usage(stdout);
		return NST_EXIT_OK;
	}
	if (err < 0) {
		fprintf(stderr, "run `nstrace ping --help` for the options and examples\n");
		return NST_EXIT_USAGE;
	}
	/* Lines reach a pipe (jq, a test) as they are printed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return ping(&o);
}
