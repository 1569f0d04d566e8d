// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* nstrace watch: print every matching packet seen on the given devices. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "cli_args.h"
#include "clsact.h"
#include "commands.h"
#include "dev_target.h"
#include "env_check.h"
#include "event_print.h"
#include "exit_codes.h"
#include "filter_args.h"
#include "log.h"
#include "loop.h"
#include "probe_loader.h"
#include "stream.h"

#define WATCH_MAX_DEVS (NSTRACE_MAX_HOPS / 2 - 1)
#define LOST_CHECK_MS 250
#define WATCH_STDOUT_BUF (256 * 1024)

struct watch_opts {
	struct dev_target *targets;
	int n_targets;
	struct probe_config probe;
	enum attach_mode mode;
	bool json;
	unsigned long long count; /* 0 = unlimited */
	unsigned long long timeout_ms; /* 0 = none */
};

/* What the event callback needs. */
struct watch_run {
	const struct watch_opts *opts;
	struct hop_table *hops;
	__u64 mono_to_wall_ns; /* add to bpf_ktime_get_ns() for wall-clock time */
	unsigned long long printed;
	bool output_closed;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: nstrace watch --dev [NETNS/]DEV [--dev ...] [FILTER...] [OPTIONS]\n"
		"\n"
		"Attach an observing probe at ingress and egress of each device and print\n"
		"every matching packet as it passes: time, namespace, device, direction and\n"
		"a tcpdump-like summary (VLAN, tunnel key, DHCP message and xid, ICMP id and\n"
		"seq).  The probe never changes a packet and is removed when nstrace ends\n"
		"(Ctrl-C, SIGTERM, SIGHUP, --count, --timeout).\n"
		"\n"
		"Devices:\n"
		"  -d, --dev [NETNS/]DEV  trace DEV (repeat for more devices).  NETNS is a\n"
		"                         name from `ip netns list` (qdhcp-..., qrouter-...)\n"
		"                         or a path such as /proc/PID/ns/net; DEV alone is a\n"
		"                         device in nstrace's own namespace\n"
		"\n"
		"Filters (in the kernel; all given must match):\n"
		"  -m, --mac MAC          Ethernet source/destination, DHCP client MAC or ARP\n"
		"                         sender (repeat for up to %d, any of them matches)\n"
		"  -i, --ip ADDR          IPv4/IPv6 source or destination, ARP sender/target\n"
		"                         (repeat for up to %d)\n"
		"  -p, --proto LIST       dhcp, icmp, arp, tcp, udp, other or all (default),\n"
		"                         comma-separated: --proto dhcp,arp\n"
		"      --xid XID          one DHCP exchange: 0x3c0d9e4a (as tcpdump prints it)\n"
		"      --icmp-id N        one ping: its ICMP echo identifier\n"
		"      --tunnel-key K     tunnelled packets must carry GRE key / VNI K\n"
		"\n"
		"Output and limits:\n"
		"  -j, --json             one JSON object per line (docs/events-json.md)\n"
		"  -c, --count N          stop after N events\n"
		"  -t, --timeout SEC      stop after SEC seconds (decimals allowed)\n"
		"  -s, --snaplen N        packet bytes kept per event, 0..%d (default %d)\n"
		"      --ringbuf BYTES    burst ring size, a power of two; K/M/G suffixes\n"
		"                         (default 64M: about 100 ms of a 2 M events/s burst).\n"
		"                         Events go to a 2M ring that stays in cache first,\n"
		"                         to this one only while that one is full\n"
		"      --attach MODE      auto (default: tcx links, clsact on kernels without\n"
		"                         tcx), tcx, or clsact (cls_bpf filter pref %d)\n"
		"  -h, --help             this help\n"
		"\n"
		"Examples:\n"
		"  # DHCP of one port, on the tap in the DHCP namespace:\n"
		"  nstrace watch --dev qdhcp-<network-id>/tap1234abcd-56 --proto dhcp\n"
		"  # one VM's traffic on its tap and on the tunnel underlay, as JSON:\n"
		"  nstrace watch --dev tap1234abcd-56 --dev eth1 --mac fa:16:3e:12:34:56 --json\n"
		"  # a ping through a router, 10 packets then stop:\n"
		"  nstrace watch --dev qrouter-<router-id>/qr-1234abcd-56 --proto icmp --count 10\n"
		"\n"
		"Exit codes: 0 stopped normally (signal, --count, or --timeout after events),\n"
		"2 bad input (nothing attached), 3 --timeout passed with no matching event,\n"
		"4 not root or kernel lacks BTF/tcx, 5 run-time failure.\n"
		"Lost events (ring buffer full) are reported as they happen and at the end.\n",
		NSTRACE_FILTER_MACS, NSTRACE_FILTER_IPS, NSTRACE_SNAPLEN_MAX,
		NSTRACE_SNAPLEN_DEFAULT, NSTRACE_TC_PRIO);
}

/* "64M", "262144", "1G": a byte count with an optional binary suffix. */
static int parse_bytes(const char *arg, unsigned long long *out)
{
	char num[32];
	size_t len = strlen(arg);
	unsigned int shift = 0;

	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, arg, len + 1);
	switch (num[len - 1]) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	}
	if (shift)
		num[len - 1] = '\0';
	if (parse_uint(num, ~0ull >> shift, out))
		return -EINVAL;
	*out <<= shift;
	return 0;
}

enum { OPT_XID = 256, OPT_ICMP_ID, OPT_TUN_KEY, OPT_RINGBUF, OPT_ATTACH };

static int parse_args(int argc, char **argv, struct watch_opts *o, char *msg, size_t len)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "mac", required_argument, NULL, 'm' },
		{ "ip", required_argument, NULL, 'i' },
		{ "proto", required_argument, NULL, 'p' },
		{ "xid", required_argument, NULL, OPT_XID },
		{ "icmp-id", required_argument, NULL, OPT_ICMP_ID },
		{ "tunnel-key", required_argument, NULL, OPT_TUN_KEY },
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "snaplen", required_argument, NULL, 's' },
		{ "ringbuf", required_argument, NULL, OPT_RINGBUF },
		{ "attach", required_argument, NULL, OPT_ATTACH },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct nstrace_filter *f = &o->probe.filter;
	unsigned long long v;
	int c, err = 0;

	optind = 1;
	opterr = 0;
	while (!err && (c = getopt_long(argc, argv, ":d:m:i:p:jc:t:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (o->n_targets == WATCH_MAX_DEVS) {
				snprintf(msg, len, "too many --dev (at most %d)", WATCH_MAX_DEVS);
				return -EINVAL;
			}
			err = dev_target_parse(&o->targets[o->n_targets], optarg, msg, len);
			o->n_targets += !err;
			break;
		case 'm':
			err = filter_add_mac(f, optarg, msg, len);
			break;
		case 'i':
			err = filter_add_ip(f, optarg, msg, len);
			break;
		case 'p':
			err = filter_add_proto(f, optarg, msg, len);
			break;
		case OPT_XID:
			err = filter_set_xid(f, optarg, msg, len);
			break;
		case OPT_ICMP_ID:
			err = filter_set_icmp_id(f, optarg, msg, len);
			break;
		case OPT_TUN_KEY:
			err = filter_set_tun_key(f, optarg, msg, len);
			break;
		case 'j':
			o->json = true;
			break;
		case 'c':
			err = parse_uint(optarg, ~0ull, &o->count) || !o->count ? -EINVAL : 0;
			if (err)
				snprintf(msg, len, "bad --count '%s': expected a number above 0",
					 optarg);
			break;
		case 't':
			err = parse_seconds(optarg, &o->timeout_ms);
			if (err)
				snprintf(msg, len,
					 "bad --timeout '%s': expected seconds above 0, e.g. 5 or 0.5",
					 optarg);
			break;
		case 's':
			err = parse_uint(optarg, NSTRACE_SNAPLEN_MAX, &v);
			if (err)
				snprintf(msg, len, "bad --snaplen '%s': expected 0..%d bytes",
					 optarg, NSTRACE_SNAPLEN_MAX);
			o->probe.snaplen = (__u32)v;
			break;
		case OPT_RINGBUF:
			err = parse_bytes(optarg, &o->probe.ringbuf_bytes);
			if (!err && (o->probe.ringbuf_bytes < PROBE_RINGBUF_MIN ||
				     o->probe.ringbuf_bytes > PROBE_RINGBUF_MAX ||
				     (o->probe.ringbuf_bytes & (o->probe.ringbuf_bytes - 1))))
				err = -EINVAL;
			if (err)
				snprintf(msg, len,
					 "bad --ringbuf '%s': expected a power of two from 64K to 1G, "
					 "e.g. 16M",
					 optarg);
			break;
		case OPT_ATTACH:
			err = parse_attach_mode(optarg, &o->mode);
			if (err)
				snprintf(msg, len,
					 "bad --attach '%s': expected auto, tcx or clsact", optarg);
			break;
		case 'h':
			return 1;
		case ':':
			snprintf(msg, len, "option '%s' needs a value", argv[optind - 1]);
			return -EINVAL;
		default:
			snprintf(msg, len, "unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (err)
		return err;
	if (optind < argc) {
		snprintf(msg, len, "unexpected argument '%s'; devices go after --dev",
			 argv[optind]);
		return -EINVAL;
	}
	if (!o->n_targets) {
		snprintf(msg, len, "no device to watch: give at least one --dev [NETNS/]DEV");
		return -EINVAL;
	}
	return 0;
}

/* Open every namespace and find every device before anything is loaded. */
static int resolve_targets(struct watch_opts *o, char *msg, size_t len)
{
	for (int i = 0; i < o->n_targets; i++) {
		struct dev_target *t = &o->targets[i];
		int err = dev_target_resolve(t, msg, len);

		if (err)
			return err;
		for (int j = 0; j < i; j++) {
			if (o->targets[j].netns_cookie == t->netns_cookie &&
			    o->targets[j].ifindex == t->ifindex) {
				char label[HOP_NAME_MAX + IF_NAMESIZE + 2];

				dev_target_label(t, label, sizeof(label));
				snprintf(msg, len, "device %s is given twice", label);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int on_event(void *ctx, const struct nstrace_event *e, size_t size)
{
	struct watch_run *w = ctx;
	const struct hop *hop = hop_table_get(w->hops, e->hop_id);
	__u64 wall = e->ts_ns + w->mono_to_wall_ns;

	(void)size;
	if (w->opts->json)
		event_print_json(stdout, e, hop, wall);
	else
		event_print_text(stdout, e, hop, wall);
	w->printed++;
	if (ferror(stdout)) {
		w->output_closed = true; /* reader went away (EPIPE): stop cleanly */
		return 1;
	}
	return w->opts->count && w->printed >= w->opts->count;
}

/* Drain, report lost events now and then, until something says stop. */
static enum loop_event run_loop(struct loop *l, struct stream *s, int *err)
{
	__u64 next_lost_check = loop_clock_ns(CLOCK_MONOTONIC);
	enum loop_event ev;

	for (;;) {
		ev = loop_wait(l, s->more ? 0 : STREAM_DRAIN_MS);
		*err = stream_drain(s);
		/* stdout is fully buffered off a TTY: one write per batch,
		 * and a pipe's reader still sees events within a drain tick. */
		if (s->batch && fflush(stdout) && ferror(stdout))
			s->stopped = true; /* reader went away (EPIPE) */
		if (*err < 0 || s->stopped || ev != LOOP_TICK)
			break;
		if (loop_clock_ns(CLOCK_MONOTONIC) >= next_lost_check) {
			stream_check_lost(s);
			next_lost_check += LOST_CHECK_MS * 1000000ull;
		}
	}
	if (*err > 0)
		*err = 0;
	return ev;
}

static int watch(struct watch_opts *o)
{
	struct probe_bpf *skel = NULL;
	struct attach_session session = { .state.fd = -1 };
	struct attach_probe probe;
	struct hop_table *hops = calloc(1, sizeof(*hops));
	struct watch_run w = { .opts = o, .hops = hops };
	struct stream s = {};
	struct loop l = { .epfd = -1, .sigfd = -1, .timerfd = -1 };
	bool attached = false, stream_open_ok = false;
	struct stream_maps maps;
	int err, rc = NST_EXIT_RUNTIME;
	enum loop_event ev = LOOP_TICK;
	char msg[512];
	__u64 t0;

	if (!hops) {
		log_error("out of memory");
		return NST_EXIT_RUNTIME;
	}
	err = env_check(msg, sizeof(msg));
	if (err) {
		log_error("%s", msg);
		rc = NST_EXIT_ENV;
		goto out;
	}
	err = resolve_targets(o, msg, sizeof(msg));
	if (err) {
		log_error("%s", msg);
		rc = exit_code_for_errno(err);
		goto out;
	}
	/* From here a stop signal waits for the loop, which always cleans up. */
	err = loop_init(&l);
	if (err) {
		log_error("cannot set up signal handling: %s", strerror(-err));
		goto out;
	}
	t0 = loop_clock_ns(CLOCK_MONOTONIC);
	err = probe_load(&skel, &o->probe, msg, sizeof(msg));
	if (err) {
		log_error("%s", msg);
		/* The options were checked: a refusal here is the kernel's. */
		rc = err == -ENOMEM ? NST_EXIT_RUNTIME : NST_EXIT_ENV;
		goto out;
	}
	probe_fds(skel, &probe, &maps);
	err = attach_session_start(&session, o->targets, o->n_targets, &probe, o->mode, hops, msg,
				   sizeof(msg));
	if (err) {
		log_error("%s; nothing is attached", msg);
		rc = exit_code_for_errno(err);
		goto out;
	}
	attached = true;
	fprintf(stderr, "nstrace: attached %d probes on %d devices in %llu ms (%s)\n",
		session.n_points, o->n_targets,
		(unsigned long long)((loop_clock_ns(CLOCK_MONOTONIC) - t0) / 1000000),
		attach_mode_name(session.mode));

	w.mono_to_wall_ns = loop_clock_ns(CLOCK_REALTIME) - loop_clock_ns(CLOCK_MONOTONIC);
	err = stream_open(&s, &maps, hops, on_event, &w);
	if (!err) {
		stream_open_ok = true;
		err = loop_add_fd(&l, stream_epoll_fd(&s));
	}
	if (!err && o->timeout_ms)
		err = loop_set_timeout(&l, o->timeout_ms);
	if (err) {
		log_error("cannot read the probe's ring buffer: %s", strerror(-err));
		goto out;
	}

	ev = run_loop(&l, &s, &err);
	if (err) {
		log_error("reading events failed: %s", strerror(-err));
		goto out;
	}
	if (ev == LOOP_SIGNAL)
		log_info("stopping on %s", strsignal(l.signo));
	rc = NST_EXIT_OK;
out:
	if (attached)
		attach_session_stop(&session);
	if (stream_open_ok) {
		long long lost;

		/* What the probes emitted up to the detach is still in the buffer. */
		if (rc == NST_EXIT_OK)
			while (stream_drain(&s) > 0 && s.more)
				;
		fflush(stdout);
		if (rc == NST_EXIT_OK && ev == LOOP_TIMEOUT && w.printed == 0)
			rc = NST_EXIT_NO_TRAFFIC;
		lost = stream_check_lost(&s);
		fprintf(stderr, "nstrace: %llu events, %lld lost%s\n", w.printed,
			lost < 0 ? 0 : lost,
			rc == NST_EXIT_NO_TRAFFIC ? " (no matching traffic before --timeout)" : "");
		if (s.malformed)
			log_warn("%llu malformed records skipped", (unsigned long long)s.malformed);
		stream_close(&s);
	}
	probe_unload(skel);
	loop_close(&l);
	for (int i = 0; i < o->n_targets; i++)
		dev_target_close(&o->targets[i]);
	free(hops);
	return rc;
}

int cmd_watch(int argc, char **argv)
{
	struct watch_opts o = {
		.probe.snaplen = NSTRACE_SNAPLEN_DEFAULT,
		.probe.ringbuf_bytes = PROBE_RINGBUF_DEFAULT,
	};
	char msg[512];
	int err, rc;

	o.targets = calloc(WATCH_MAX_DEVS, sizeof(*o.targets));
	if (!o.targets) {
		log_error("out of memory");
		return NST_EXIT_RUNTIME;
	}
	err = parse_args(argc, argv, &o, msg, sizeof(msg));
	if (err > 0) {
		usage(stdout);
		rc = NST_EXIT_OK;
	} else if (err < 0) {
		log_error("%s", msg);
		fprintf(stderr, "run `nstrace watch --help` for the options and examples\n");
		rc = NST_EXIT_USAGE;
	} else {
		/* A person at a TTY sees each line as it comes; a pipe or file
		 * gets whole drain batches (flushed in run_loop), which costs
		 * far less per event than a write per line. */
		setvbuf(stdout, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF,
			WATCH_STDOUT_BUF);
		rc = watch(&o);
	}
	free(o.targets);
	return rc;
}
