// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Renderer benchmark: what one event costs `nstrace watch` to write, as a
 * text line and as a JSON line, for the packets it shows most.
 *
 * On a flood where every packet emits, the reader has to render two events
 * per packet (one per hop) as fast as the sender makes them; when it falls
 * behind, the probe's records leave the small cache-resident ring for the
 * large one, and every emit on the traced path gets dearer
 * (docs/performance.md). This measures the renderer alone, in one process,
 * without the kernel: events built here, written to /dev/null through
 * stdio as nstrace writes its standard output.
 *
 *   render [-n EVENTS] [-r ROUNDS] [-f text|json]
 *
 * Prints, per case and format, the median over the rounds of ns per event,
 * and "RESULT render ..." lines. No target of its own; the reader's share
 * of the live figures is what it explains. Exit status 0, 2 bad usage.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event_print.h"
#include "hops.h"

#define DEFAULT_EVENTS 200000
#define DEFAULT_ROUNDS 7
#define MAX_ROUNDS 101
#define WALL_START_NS 1764200000000000000ull

struct render_case {
	const char *name;
	void (*build)(struct nstrace_event *e);
};

static void addr4(__u8 *dst, const char *text)
{
	memset(dst, 0, 16);
	if (inet_pton(AF_INET, text, dst) != 1)
		abort();
}

static void mac(__u8 *dst, __u8 last)
{
	const __u8 m[6] = { 0xfa, 0x16, 0x3e, 0x12, 0x34, last };

	memcpy(dst, m, 6);
}

static void base_ipv4(struct nstrace_event *e, __u8 proto)
{
	memset(e, 0, sizeof(*e));
	e->version = NSTRACE_EVENT_VERSION;
	e->kind = NSTRACE_EV_PACKET;
	e->hop_id = 1;
	e->dir = NSTRACE_DIR_EGRESS;
	e->pkt_len = 60;
	e->eth_proto = 0x0800;
	mac(e->eth_src, 0x01);
	mac(e->eth_dst, 0x02);
	e->l3_family = NSTRACE_L3_IPV4;
	e->l4_proto = proto;
	e->ttl = 64;
	e->ip_id = 4711;
	addr4(e->saddr, "10.198.0.1");
	addr4(e->daddr, "10.198.0.2");
}

/* The live benchmark's flood: a small UDP datagram. */
static void udp_flood(struct nstrace_event *e)
{
	base_ipv4(e, 17);
	e->sport = 40123;
	e->dport = 9000;
}

static void icmp_echo(struct nstrace_event *e)
{
	base_ipv4(e, 1);
	e->app = NSTRACE_APP_ECHO;
	e->icmp_type = 8;
	e->icmp_id = 0x1f2e;
	e->icmp_seq = 17;
}

/* A VM's DHCP DISCOVER on the underlay: GRE with its key, inner MACs. */
static void dhcp_in_gre(struct nstrace_event *e)
{
	base_ipv4(e, 17);
	addr4(e->saddr, "0.0.0.0");
	addr4(e->daddr, "255.255.255.255");
	memset(e->eth_dst, 0xff, 6);
	e->sport = 68;
	e->dport = 67;
	e->app = NSTRACE_APP_DHCP4;
	e->dhcp_op = 1;
	e->dhcp_msg = 1;
	e->xid = 0x1a2b3c4d;
	memcpy(e->chaddr, e->eth_src, 6);
	e->flags |= NSTRACE_F_TUNNEL | NSTRACE_F_TUN_KEY;
	e->tun_type = NSTRACE_TUN_GRE;
	e->tun_family = NSTRACE_L3_IPV4;
	e->tun_key = 0x65;
	addr4(e->tun_saddr, "192.168.240.11");
	addr4(e->tun_daddr, "192.168.240.10");
}

static void tcp_ack(struct nstrace_event *e)
{
	base_ipv4(e, 6);
	e->sport = 51234;
	e->dport = 443;
	e->tcp_flags = 0x18; /* PSH ACK */
	e->tcp_seq = 3141592653u;
	e->tcp_ack = 2718281828u;
}

static const struct render_case cases[] = {
	{ "udp", udp_flood },
	{ "icmp-echo", icmp_echo },
	{ "dhcp-gre", dhcp_in_gre },
	{ "tcp", tcp_ack },
};

typedef void (*render_fn)(FILE *out, const struct nstrace_event *e,
			  const struct hop *hop, __u64 wall_ns);

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ns per event for n events, their times 1 us apart as in a flood. */
static double render_round(FILE *out, render_fn fn, const struct nstrace_event *e,
			   const struct hop *hop, long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		fn(out, e, hop, WALL_START_NS + (__u64)i * 1000);
	fflush(out);
	return (now_ns() - t0) / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n EVENTS] [-r ROUNDS] [-f text|json]\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		render_fn fn;
	} formats[] = { { "text", event_print_text }, { "json", event_print_json } };
	long events = DEFAULT_EVENTS, rounds = DEFAULT_ROUNDS;
	const char *only = NULL;
	struct hop hop = { .id = 1, .dir = NSTRACE_DIR_EGRESS, .ifindex = 2 };
	double ns[MAX_ROUNDS];
	FILE *out;
	int opt;

	while ((opt = getopt(argc, argv, "n:r:f:h")) != -1) {
		char *end;

		switch (opt) {
		case 'n':
			events = strtol(optarg, &end, 10);
			if (*end || events < 1000 || events > 100000000)
				usage(argv[0]);
			break;
		case 'r':
			rounds = strtol(optarg, &end, 10);
			if (*end || rounds < 1 || rounds > MAX_ROUNDS)
				usage(argv[0]);
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				usage(argv[0]);
			only = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);
	snprintf(hop.netns, sizeof(hop.netns), "nstb-rx-12345-6789");
	snprintf(hop.dev, sizeof(hop.dev), "vrx");
	out = fopen("/dev/null", "w");
	if (!out) {
		perror("render: /dev/null");
		return 5;
	}
	printf("render: %ld events per round, %ld rounds, to /dev/null through stdio\n",
	       events, rounds);
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		if (only && strcmp(only, formats[f].name))
			continue;
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			struct nstrace_event e;
			char line[512];

			cases[c].build(&e);
			event_summary(line, sizeof(line), &e);
			for (long r = 0; r < rounds; r++)
				ns[r] = render_round(out, formats[f].fn, &e, &hop, events);
			qsort(ns, (size_t)rounds, sizeof(ns[0]), cmp_double);
			printf("RESULT render format=%s case=%s ns_per_event=%.1f min=%.1f max=%.1f"
			       " events_per_s=%.0f | %s\n",
			       formats[f].name, cases[c].name, ns[rounds / 2], ns[0],
			       ns[rounds - 1], 1e9 / ns[rounds / 2], line);
		}
	}
	fclose(out);
	return 0;
}
