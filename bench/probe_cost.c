// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Per-packet cost of the tc probe, measured with BPF_PROG_TEST_RUN repeat
 * next to an empty tc program in the same run (this machine is shared and
 * noisy: only differences against that baseline mean something).
 *
 *   build/bench/probe_cost [--rounds N] [--repeat N]
 *
 * Each round runs every case once; the table shows medians over rounds
 * of ns/packet and of the difference to the same round's empty program.
 * Emitting cases drain the ring buffer after every run so it never fills.
 * Exit status: 0 all targets met, 1 a target missed, 4 not root / no BPF.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "empty.skel.h"
#include "exit_codes.h"
#include "nstrace_event.h"
#include "probe.skel.h"

/* The frame builder the BPF tests use (tests/frames.c): one copy of it. */
#include "../tests/frames.c"

/* The probe's default events ring (PROBE_EVENTS_RING in
 * user/probe_loader.h; the burst ring behind it takes records only when it
 * is full, never here), and a 1 MiB ring: both are shown. */
#define RING_DEFAULT (2u << 20)
#define RING_SMALL (1u << 20)
#define MAX_ROUNDS 101

enum bench_prog { PROG_EMPTY, PROG_PROBE_DEFAULT, PROG_PROBE_SMALL };
enum bench_frame { FRAME_DHCP, FRAME_OTHER_TCP, FRAME_OTHER_DHCP, FRAME_GRE_DHCP,
		   N_FRAMES };

static struct frame frames[N_FRAMES];

static const uint8_t client_mac[6] = { 0xfa, 0x16, 0x3e, 0x11, 0x22, 0x33 };
static const uint8_t other_mac[6] = { 0xfa, 0x16, 0x3e, 0x99, 0x99, 0x99 };
static const uint8_t gw_mac[6] = { 0xfa, 0x16, 0x3e, 0xaa, 0xbb, 0xcc };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t node1_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t node2_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };

struct bench_case {
	const char *name;
	enum bench_prog prog;
	enum bench_frame frame;
	int emits; /* one event per run, drained after each test run */
	int baseline; /* index of the empty-program case run alike */
	double target; /* ns over the baseline; 0 = this is a baseline */
	__u32 repeat; /* packets per test run */
	__u32 calls; /* test runs per round */
	double ns[MAX_ROUNDS];
	double delta[MAX_ROUNDS];
};

static void put_dhcp_discover(struct frame *f, const uint8_t *mac)
{
	struct ipv4_spec ip = { .proto = 17, .ttl = 64,
				.daddr = { 255, 255, 255, 255 } };
	struct dhcp4_spec d = { .op = 1, .xid = 0x3903f326, .secs = 0,
				.msg_type = 1 };

	memcpy(d.chaddr, mac, 6);
	frame_ipv4(f, &ip);
	frame_udp(f, 68, 67);
	frame_dhcp4(f, &d);
	frame_finish(f);
}

static void build_frames(void)
{
	struct ipv4_spec tcp_ip = { .proto = 6, .id = 0x5151, .ttl = 64,
				    .saddr = { 10, 0, 0, 9 },
				    .daddr = { 203, 0, 113, 7 } };
	struct ipv4_spec outer = { .proto = 47, .id = 0x7777, .ttl = 64,
				   .frag = 0x4000,
				   .saddr = { 192, 168, 100, 1 },
				   .daddr = { 192, 168, 100, 2 } };
	static const char payload[] = "GET / HTTP/1.1\r\n\r\n";
	struct frame *f;

	/* the traced VM's DISCOVER */
	f = &frames[FRAME_DHCP];
	frame_init(f);
	frame_eth(f, bcast_mac, client_mac, 0x0800);
	put_dhcp_discover(f, client_mac);

	/* another VM's TCP segment */
	f = &frames[FRAME_OTHER_TCP];
	frame_init(f);
	frame_eth(f, gw_mac, other_mac, 0x0800);
	frame_ipv4(f, &tcp_ip);
	frame_tcp(f, 40000, 443, 1, 2, 0x18);
	frame_bytes(f, payload, sizeof(payload) - 1);
	frame_finish(f);

	/* another VM's DISCOVER: decoded down to chaddr before the verdict */
	f = &frames[FRAME_OTHER_DHCP];
	frame_init(f);
	frame_eth(f, bcast_mac, other_mac, 0x0800);
	put_dhcp_discover(f, other_mac);

	/* the traced VM's DISCOVER in GRE (TEB, key = segmentation id) */
	f = &frames[FRAME_GRE_DHCP];
	frame_init(f);
	frame_eth(f, node2_mac, node1_mac, 0x0800);
	frame_ipv4(f, &outer);
	frame_gre(f, 0x6558, 0, 1, 1234, 0);
	frame_eth(f, bcast_mac, client_mac, 0x0800);
	put_dhcp_discover(f, client_mac);
}

static int count_event(void *ctx, void *data, size_t size)
{
	(void)data;
	(void)size;
	(*(unsigned long *)ctx)++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/*
 * ns per packet of prog_fd on frame: `calls` test runs of `repeat` packets
 * each, the ring drained after every run (so that emitting cases never
 * fill it), averaged. Many runs in a row measure the steady state.
 */
static int run_case(int prog_fd, const struct frame *f, __u32 repeat,
		    __u32 calls, struct ring_buffer *rb, double *ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->data,
		    .data_size_in = f->len, .repeat = repeat);
	double sum = 0;

	for (__u32 i = 0; i < calls; i++) {
		if (bpf_prog_test_run_opts(prog_fd, &opts))
			return -errno;
		if (opts.retval != (__u32)-1) {
			fprintf(stderr, "probe_cost: program returned %d, not TC_ACT_UNSPEC\n",
				(int)opts.retval);
			return -EINVAL;
		}
		if (ring_buffer__consume(rb) < 0)
			return -EIO;
		sum += opts.duration;
	}
	*ns = sum / calls;
	return 0;
}

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#define BENCH_HOP 1
#define TEST_RUN_IFINDEX 1 /* BPF_PROG_TEST_RUN runs on the loopback device */

/* Map the test run's hop, as the attach layer would: emits look it up. */
static int map_hop(struct probe_bpf *skel)
{
	struct nstrace_hop_key key = { .ifindex = TEST_RUN_IFINDEX,
				       .dir = NSTRACE_DIR_INGRESS };
	socklen_t len = sizeof(key.netns_cookie);
	__u32 id = BENCH_HOP;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), err = 0;

	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &key.netns_cookie, &len))
		err = -errno;
	close(fd);
	if (err)
		return err;
	return bpf_map__update_elem(skel->maps.hops, &key, sizeof(key), &id,
				    sizeof(id), BPF_ANY);
}

static int set_filter(struct probe_bpf *skel)
{
	struct nstrace_filter f = {
		.flags = NSTRACE_M_MAC,
		.proto_mask = NSTRACE_P_DHCP,
		.n_macs = 1,
	};
	__u32 zero = 0;

	memcpy(f.macs[0], client_mac, 6);
	return bpf_map__update_elem(skel->maps.data_filter, &zero, sizeof(zero), &f,
				    sizeof(f), BPF_ANY);
}

/* Failed reserves at the bench's hop, over all CPUs. */
static __u64 lost_events(struct probe_bpf *skel)
{
	int ncpu = libbpf_num_possible_cpus();
	struct nstrace_hop_stats st[ncpu > 0 ? ncpu : 1];
	__u32 hop = BENCH_HOP;
	__u64 lost = 0;

	if (ncpu <= 0 || bpf_map__lookup_elem(skel->maps.hopstats, &hop,
					      sizeof(hop), st, sizeof(st), 0))
		return ~0ull; /* unknown counts as lost */
	for (int i = 0; i < ncpu; i++)
		lost += st[i].lost;
	return lost;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: probe_cost [--rounds N (1..%d, default 15)] "
		     "[--repeat N (default 1000000)]\n", MAX_ROUNDS);
}

static struct probe_bpf *load_probe(__u32 ring_bytes)
{
	struct probe_bpf *skel = probe_bpf__open();
	int err;

	if (!skel)
		return NULL;
	err = bpf_map__set_max_entries(skel->maps.events, ring_bytes);
	if (!err)
		err = probe_bpf__load(skel);
	if (!err)
		err = set_filter(skel);
	if (!err)
		err = map_hop(skel);
	if (err) {
		probe_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}

/* Records of one test run must fit in half the ring: it is drained only
 * between runs. */
static __u32 emit_repeat(__u32 ring_bytes, __u32 repeat)
{
	__u32 n = ring_bytes / 2 /
		  (sizeof(struct nstrace_event) + NSTRACE_SNAPLEN_DEFAULT + 8);

	return n < repeat ? n : repeat;
}

/*
 * The kernel reports a run's average in whole ns, too coarse for the
 * unmatched cases' ~10-20 ns: they run as SPLIT_RUNS shorter runs, whose
 * averages average to a tenth of a ns (the rounding down is the same for
 * the empty program they are compared with).
 */
#define SPLIT_RUNS 50

static __u32 split_repeat(__u32 repeat)
{
	return repeat >= SPLIT_RUNS ? repeat / SPLIT_RUNS : 1;
}

static void print_table(struct bench_case *cases, int n_cases, int rounds)
{
	printf("%-40s %13s %7s %9s %9s  %s\n", "case", "runs x pkts",
	       "ns/pkt", "vs empty", "target", "result");
	for (int c = 0; c < n_cases; c++) {
		struct bench_case *bc = &cases[c];
		double ns = median(bc->ns, rounds);
		double delta = median(bc->delta, rounds);
		char target[16];

		char runs[24];

		snprintf(runs, sizeof(runs), "%u x %u", bc->calls, bc->repeat);
		if (bc->prog == PROG_EMPTY) {
			printf("%-40s %13s %7.1f %9s %9s  %s\n", bc->name, runs,
			       ns, "-", "baseline", "-");
			continue;
		}
		snprintf(target, sizeof(target), "<= +%.0f", bc->target);
		printf("%-40s %13s %7.1f %+9.1f %9s  %s\n", bc->name, runs, ns,
		       delta, target, delta <= bc->target ? "PASS" : "FAIL");
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct bench_case cases[] = {
		{ "empty tc program", PROG_EMPTY, FRAME_DHCP, 0, 0, 0 },
		{ "empty tc program, short runs", PROG_EMPTY, FRAME_DHCP, 0, 1, 0 },
		{ "empty tc program, long runs", PROG_EMPTY, FRAME_DHCP, 0, 2, 0 },
		{ "unmatched: other VM's TCP", PROG_PROBE_DEFAULT,
		  FRAME_OTHER_TCP, 0, 0, 20 },
		{ "unmatched: other VM's DHCP", PROG_PROBE_DEFAULT,
		  FRAME_OTHER_DHCP, 0, 0, 20 },
		{ "emit: DHCP, 1 MiB ring", PROG_PROBE_SMALL, FRAME_DHCP, 1, 1,
		  120 },
		{ "emit: DHCP in GRE, 1 MiB ring", PROG_PROBE_SMALL,
		  FRAME_GRE_DHCP, 1, 1, 150 },
		{ "emit: DHCP, 2 MiB ring (default)", PROG_PROBE_DEFAULT,
		  FRAME_DHCP, 1, 2, 120 },
		{ "emit: DHCP in GRE, 2 MiB ring (default)", PROG_PROBE_DEFAULT,
		  FRAME_GRE_DHCP, 1, 2, 150 },
	};
	const int n_cases = sizeof(cases) / sizeof(cases[0]);
	struct empty_bpf *empty = NULL;
	struct probe_bpf *probe_default = NULL, *probe_small = NULL;
	struct ring_buffer *rb = NULL;
	unsigned long drained = 0, expected = 0;
	int rounds = 15, status = NST_EXIT_RUNTIME, fails = 0, opt, err;
	__u32 repeat = 1000000;
	__u64 lost;

	while ((opt = getopt_long(argc, argv, "r:n:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'n':
			repeat = strtoul(optarg, NULL, 10);
			break;
		case 'h':
			usage(stdout);
			return NST_EXIT_OK;
		default:
			usage(stderr);
			return NST_EXIT_USAGE;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || repeat < 1) {
		usage(stderr);
		return NST_EXIT_USAGE;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "probe_cost: needs root (BPF_PROG_TEST_RUN on a tc program)\n");
		return NST_EXIT_ENV;
	}
	build_frames();

	empty = empty_bpf__open_and_load();
	if (empty)
		probe_default = load_probe(RING_DEFAULT);
	if (probe_default)
		probe_small = load_probe(RING_SMALL);
	if (!probe_small) {
		fprintf(stderr, "probe_cost: cannot load the BPF programs: %s\n",
			strerror(errno));
		status = NST_EXIT_ENV;
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(probe_default->maps.events),
			      count_event, &drained, NULL);
	if (!rb || ring_buffer__add(rb, bpf_map__fd(probe_small->maps.events),
				    count_event, &drained)) {
		fprintf(stderr, "probe_cost: cannot read the ring buffers: %s\n",
			strerror(errno));
		goto out;
	}
	for (int c = 0; c < n_cases; c++) {
		struct bench_case *bc = &cases[c];
		int like = bc->prog == PROG_EMPTY ? c : bc->baseline;

		/* Empty baselines run as often per test run as the cases
		 * measured against them: the per-run setup cost cancels. */
		bc->repeat = like == 1 ? emit_repeat(RING_SMALL, repeat) :
			     like == 2 ? emit_repeat(RING_DEFAULT, repeat) :
					 split_repeat(repeat);
		bc->calls = (repeat + bc->repeat - 1) / bc->repeat;
	}

	for (int r = -1; r < rounds; r++) { /* round -1 warms up */
		for (int c = 0; c < n_cases; c++) {
			struct bench_case *bc = &cases[c];
			struct bpf_program *prog =
				bc->prog == PROG_EMPTY ? empty->progs.nstrace_empty :
				bc->prog == PROG_PROBE_SMALL ?
					probe_small->progs.nstrace_ingress :
					probe_default->progs.nstrace_ingress;
			double ns = 0;

			err = run_case(bpf_program__fd(prog), &frames[bc->frame],
				       bc->repeat, bc->calls, rb, &ns);
			if (err) {
				fprintf(stderr, "probe_cost: BPF_PROG_TEST_RUN (%s): %s\n",
					bc->name, strerror(-err));
				goto out;
			}
			if (bc->emits)
				expected += (unsigned long)bc->repeat * bc->calls;
			if (r >= 0) {
				bc->ns[r] = ns;
				bc->delta[r] = ns - cases[bc->baseline].ns[r];
			}
		}
	}

	printf("nstrace probe cost per packet, BPF_PROG_TEST_RUN, %d rounds, medians\n"
	       "(ns/pkt: the kernel's average over a round's runs; vs empty: minus the\n"
	       "empty program measured the same way in the same round)\n",
	       rounds);
	print_table(cases, n_cases, rounds);
	for (int c = 0; c < n_cases; c++)
		fails += cases[c].prog != PROG_EMPTY &&
			 median(cases[c].delta, rounds) > cases[c].target;
	lost = lost_events(probe_default) + lost_events(probe_small);
	printf("events drained %lu of %lu emitted, lost (ring full) %llu\n",
	       drained, expected, (unsigned long long)lost);
	if (drained != expected || lost) {
		fprintf(stderr, "probe_cost: events went missing: the emit figures are not valid\n");
		fails++;
	}
	status = fails ? NST_EXIT_FAULT : NST_EXIT_OK;
out:
	ring_buffer__free(rb);
	probe_bpf__destroy(probe_small);
	probe_bpf__destroy(probe_default);
	empty_bpf__destroy(empty);
	return status;
}
