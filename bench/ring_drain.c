// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Ring buffer drain benchmark: how many events per second reach user space
 * through the real probe, ring buffer and stream module, and how many are
 * lost on the way.
 *
 * A producer thread runs the loaded probe's nstrace_ingress program through
 * BPF_PROG_TEST_RUN with a large repeat count on a small UDP frame; the
 * filter matches everything, so every repetition emits one event.  The main
 * thread consumes exactly as `nstrace watch` does: loop_wait() on the ring
 * buffer's epoll fd with the STREAM_DRAIN_MS timer, then stream_drain().
 *
 * A round loads a fresh probe and runs three phases:
 *   flat-out  the producer as fast as the kernel runs the program;
 *   paced     the producer at the target rate, 2 M events/s;
 *   capacity  the ring filled to 90 % with no reader, then drained against
 *             the clock: what user space can take, whatever the producer.
 * Rounds alternate between the probe's batched wakeups (the default) and a
 * forced wakeup per record (flat-out and capacity only), the design the
 * batching replaced.  Lost = growth of the probe's per-hop lost counters;
 * missing = runs - delivered - lost, which must be 0.
 *
 *   ring_drain [-t SECONDS] [-r ROUNDS] [-b RINGBUF_BYTES]
 *
 * Prints one line per phase, "RESULT ring_drain ..." lines with the medians
 * and "TARGET ring_drain ... PASS|FAIL".  Exit status 0 when it ran, met or
 * not (the FAIL line says it); 2 bad usage, 4 not root, 5 a run failed.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exit_codes.h"
#include "hops.h"
#include "log.h"
#include "loop.h"
#include "probe_loader.h"
#include "stream.h"

#define REPEAT_PER_CALL 20000 /* a few ms per test run: the stop flag is seen soon */
#define PACED_CHUNK_NS 1000000 /* a paced producer emits in 1 ms chunks */
#define TARGET_MEV_S 2.0 /* the target drain rate */
#define ROUNDS_DEFAULT 3
#define SECONDS_DEFAULT 2.0
#define MAX_ROUNDS 32
#define FILL_PERCENT 90
#define RINGBUF_HDR_LEN 8 /* the kernel's per-record header */

enum wake_mode { WAKE_BATCHED, WAKE_EACH_RECORD, WAKE_MODES };

static const char *const wake_mode_name[WAKE_MODES] = { "batched", "per-record" };

/* Ethernet + IPv4 + UDP to port 9 with 18 bytes of payload: 60 bytes. */
static const __u8 udp_frame[60] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x2e, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, /* csum unchecked */
	10, 99, 0, 1, 10, 99, 0, 2,
	0x9c, 0x40, 0x00, 0x09, 0x00, 0x1a, 0x00, 0x00,
	'n', 's', 't', 'r', 'a', 'c', 'e', '-', 'r', 'i', 'n', 'g', '-', 'd', 'r', 'a', 'i', 'n',
};

struct producer {
	int prog_fd;
	double rate; /* events/s to pace at; 0 = as fast as the kernel runs */
	atomic_bool stop;
	atomic_bool done;
	unsigned long long runs; /* program runs, i.e. events the probe tried to emit */
	double seconds;
	__u32 ns_per_run; /* the kernel's average for the last test run */
	int err;
};

struct consumer {
	unsigned long long events;
	__u64 last_ts;
	unsigned long long out_of_order;
};

/* One producer/consumer run. */
struct phase_result {
	double produced_mps; /* producer: program runs per second */
	double delivered_mps; /* events reaching the callback per second */
	double consumer_cpu; /* consumer thread CPU time / wall time */
	double max_gap_ms; /* longest time between two drains */
	unsigned long long runs, delivered, lost;
	long long missing; /* runs - delivered - lost: should be 0 */
	__u32 ns_per_run;
};

struct round_result {
	struct phase_result flat_out; /* the producer as fast as it goes */
	struct phase_result paced; /* at TARGET_MEV_S (batched mode only) */
	double drain_mps; /* capacity: a full ring drained with nothing producing */
};

static double clock_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Count, and read the event as a renderer would start to: its time. */
static int on_event(void *ctx, const struct nstrace_event *e, size_t size)
{
	struct consumer *c = ctx;

	(void)size;
	c->events++;
	c->out_of_order += e->ts_ns < c->last_ts;
	c->last_ts = e->ts_ns;
	return 0;
}

static int test_run(int prog_fd, __u32 repeat, __u32 *ns_per_run)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = udp_frame,
		    .data_size_in = sizeof(udp_frame), .repeat = repeat);

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	*ns_per_run = opts.duration;
	return 0;
}

static void timespec_add_ns(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000) {
		t->tv_nsec -= 1000000000;
		t->tv_sec++;
	}
}

static void *produce(void *arg)
{
	struct producer *p = arg;
	double start = clock_s(CLOCK_MONOTONIC);
	__u32 repeat = REPEAT_PER_CALL;
	struct timespec next;

	if (p->rate > 0)
		repeat = (__u32)(p->rate * PACED_CHUNK_NS / 1e9 + 0.5);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load(&p->stop)) {
		p->err = test_run(p->prog_fd, repeat, &p->ns_per_run);
		if (p->err)
			break;
		p->runs += repeat;
		if (p->rate > 0) {
			/* Absolute deadlines: a late chunk does not lower the rate. */
			timespec_add_ns(&next, PACED_CHUNK_NS);
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		}
	}
	p->seconds = clock_s(CLOCK_MONOTONIC) - start;
	atomic_store(&p->done, true);
	return NULL;
}

/* Drain until the ring is empty. */
static int drain_all(struct stream *s)
{
	int n;

	do {
		n = stream_drain(s);
		if (n < 0)
			return n;
	} while (n > 0 || s->more);
	return 0;
}

/*
 * Producer thread against the watch-style consumer loop; lost events are
 * the growth of the probe's counters over the phase.
 */
static int stream_phase(struct stream *s, struct loop *l, struct consumer *c, int prog_fd,
			double seconds, double rate, struct phase_result *r)
{
	struct producer p = { .prog_fd = prog_fd, .rate = rate };
	unsigned long long before = c->events;
	double start, cpu_start, deadline, last, now;
	long long lost_before = stream_check_lost(s), lost;
	pthread_t tid;
	int err;

	if (lost_before < 0)
		return (int)lost_before;
	cpu_start = clock_s(CLOCK_THREAD_CPUTIME_ID);
	start = last = clock_s(CLOCK_MONOTONIC);
	deadline = start + seconds;
	err = pthread_create(&tid, NULL, produce, &p);
	if (err)
		return -err;
	while (!atomic_load(&p.done)) {
		if (loop_wait(l, s->more ? 0 : STREAM_DRAIN_MS) == LOOP_SIGNAL) {
			err = -EINTR; /* Ctrl-C: stop the producer, clean up */
			break;
		}
		err = stream_drain(s);
		if (err < 0)
			break;
		now = clock_s(CLOCK_MONOTONIC);
		if ((now - last) * 1e3 > r->max_gap_ms)
			r->max_gap_ms = (now - last) * 1e3;
		last = now;
		if (now >= deadline)
			atomic_store(&p.stop, true);
	}
	atomic_store(&p.stop, true);
	pthread_join(tid, NULL);
	if (err >= 0)
		err = drain_all(s);
	if (err < 0)
		return err;
	if (p.err)
		return p.err;
	now = clock_s(CLOCK_MONOTONIC);
	r->delivered = c->events - before;
	r->delivered_mps = (double)r->delivered / (now - start) / 1e6;
	r->consumer_cpu = (clock_s(CLOCK_THREAD_CPUTIME_ID) - cpu_start) / (now - start);
	r->runs = p.runs;
	r->produced_mps = (double)p.runs / p.seconds / 1e6;
	r->ns_per_run = p.ns_per_run;
	lost = stream_check_lost(s);
	if (lost < 0)
		return (int)lost;
	r->lost = (unsigned long long)(lost - lost_before);
	r->missing = (long long)(r->runs - r->delivered - r->lost);
	return 0;
}

/* Fill the ring to FILL_PERCENT with no reader, then time the drain. */
static int capacity_phase(struct stream *s, struct consumer *c, int prog_fd, __u64 ringbuf,
			  __u32 snaplen, struct round_result *r)
{
	__u64 record = ((sizeof(struct nstrace_event) + snaplen + 7) & ~7ull) + RINGBUF_HDR_LEN;
	__u64 fill = ringbuf / record * FILL_PERCENT / 100;
	unsigned long long before;
	double start;
	__u32 ns;
	int err;

	for (__u64 done = 0; done < fill; done += REPEAT_PER_CALL) {
		__u64 n = fill - done < REPEAT_PER_CALL ? fill - done : REPEAT_PER_CALL;

		err = test_run(prog_fd, (__u32)n, &ns);
		if (err)
			return err;
	}
	before = c->events;
	start = clock_s(CLOCK_MONOTONIC);
	err = drain_all(s);
	if (err)
		return err;
	r->drain_mps = (double)(c->events - before) / (clock_s(CLOCK_MONOTONIC) - start) / 1e6;
	if (c->events - before != fill)
		fprintf(stderr, "ring_drain: filled %llu events but drained %llu\n",
			(unsigned long long)fill, c->events - before);
	return 0;
}

static int run_round(enum wake_mode mode, double seconds, __u64 ringbuf,
		     struct round_result *r)
{
	struct probe_config cfg = {
		.snaplen = NSTRACE_SNAPLEN_DEFAULT,
		.ringbuf_bytes = ringbuf,
		.wake_each_record = mode == WAKE_EACH_RECORD,
		/* a zero filter: every protocol, no address criterion */
	};
	struct loop l = { .epfd = -1, .sigfd = -1, .timerfd = -1 };
	struct hop_table *hops = calloc(1, sizeof(*hops));
	struct probe_bpf *skel = NULL;
	struct consumer c = {};
	struct attach_probe ap;
	struct stream s = {};
	bool stream_ok = false;
	struct stream_maps maps;
	char msg[512];
	int err;

	memset(r, 0, sizeof(*r));
	if (!hops)
		return -ENOMEM;
	err = probe_load(&skel, &cfg, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "ring_drain: %s\n", msg);
		goto out;
	}
	probe_fds(skel, &ap, &maps);
	err = loop_init(&l);
	if (!err)
		err = stream_open(&s, &maps, hops, on_event, &c);
	stream_ok = !err;
	if (!err)
		err = loop_add_fd(&l, stream_epoll_fd(&s));
	if (!err)
		err = stream_phase(&s, &l, &c, ap.ingress_fd, seconds, 0, &r->flat_out);
	if (!err && mode == WAKE_BATCHED)
		err = stream_phase(&s, &l, &c, ap.ingress_fd, seconds, TARGET_MEV_S * 1e6,
				   &r->paced);
	if (!err)
		err = capacity_phase(&s, &c, ap.ingress_fd, ringbuf, cfg.snaplen, r);
	if (err)
		fprintf(stderr, "ring_drain: %s round failed: %s\n", wake_mode_name[mode],
			strerror(-err));
	if (c.out_of_order)
		fprintf(stderr, "ring_drain: %llu events out of time order\n", c.out_of_order);
out:
	if (stream_ok)
		stream_close(&s);
	loop_close(&l);
	probe_unload(skel);
	free(hops);
	return err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *verdict(bool ok)
{
	return ok ? "PASS" : "FAIL";
}

static void print_phase(const char *mode, const char *phase, int round,
			const struct phase_result *r)
{
	printf("round %d %-10s %-8s produced %6.3f Mev/s (%4u ns/run)  delivered %6.3f Mev/s  "
	       "consumer cpu %3.0f %%  max gap %5.1f ms  lost %llu  missing %lld\n",
	       round, mode, phase, r->produced_mps, r->ns_per_run, r->delivered_mps,
	       r->consumer_cpu * 100, r->max_gap_ms, r->lost, r->missing);
}

/* Medians over the rounds; lost and missing are totals, max gap the maximum. */
static void print_phase_result(const char *mode, const char *phase,
			       const struct round_result *rounds, int n, size_t offset,
			       struct phase_result *sum)
{
	double produced[MAX_ROUNDS], delivered[MAX_ROUNDS], cpu[MAX_ROUNDS], gap = 0;
	unsigned long long lost = 0;
	long long missing = 0;

	for (int i = 0; i < n; i++) {
		const struct phase_result *r =
			(const struct phase_result *)((const char *)&rounds[i] + offset);

		produced[i] = r->produced_mps;
		delivered[i] = r->delivered_mps;
		cpu[i] = r->consumer_cpu;
		gap = r->max_gap_ms > gap ? r->max_gap_ms : gap;
		lost += r->lost;
		missing += r->missing;
	}
	sum->produced_mps = median(produced, n);
	sum->delivered_mps = median(delivered, n);
	sum->lost = lost;
	sum->missing = missing;
	printf("RESULT ring_drain mode=%s phase=%s rounds=%d produced_mev_s=%.3f "
	       "delivered_mev_s=%.3f consumer_cpu=%.2f max_gap_ms=%.1f lost=%llu missing=%lld\n",
	       mode, phase, n, sum->produced_mps, sum->delivered_mps, median(cpu, n), gap, lost,
	       missing);
}

/*
 * The target: user space drains >= 2 M events/s with none lost.  The rate
 * is the flat-out run's delivered rate (or the drain capacity, if this
 * machine's producer is slower than that); "none lost" is judged at the
 * target rate, the paced run: the default ring is sized for about 100 ms
 * of it, so the flat-out producer, several times faster, may fill the ring
 * while the consumer is off the CPU; those losses are reported above.
 */
static void print_results(struct round_result results[WAKE_MODES][MAX_ROUNDS], int n)
{
	struct phase_result flat[WAKE_MODES] = {}, paced = {};
	double drain[MAX_ROUNDS], capacity;

	for (int m = 0; m < WAKE_MODES; m++)
		print_phase_result(wake_mode_name[m], "flat-out", results[m], n,
				   offsetof(struct round_result, flat_out), &flat[m]);
	print_phase_result(wake_mode_name[WAKE_BATCHED], "paced", results[WAKE_BATCHED], n,
			   offsetof(struct round_result, paced), &paced);
	for (int i = 0; i < n; i++)
		drain[i] = results[WAKE_BATCHED][i].drain_mps;
	capacity = median(drain, n);
	printf("RESULT ring_drain mode=batched phase=capacity rounds=%d drain_mev_s=%.3f\n", n,
	       capacity);
	printf("RESULT ring_drain per_record_over_batched=%.3f\n",
	       flat[WAKE_BATCHED].delivered_mps > 0 ?
		       flat[WAKE_EACH_RECORD].delivered_mps / flat[WAKE_BATCHED].delivered_mps :
		       0);

	if (flat[WAKE_BATCHED].produced_mps >= TARGET_MEV_S)
		printf("TARGET ring_drain user space drains >= %.1f Mev/s: %.2f Mev/s delivered "
		       "flat out (drain capacity %.2f) %s\n",
		       TARGET_MEV_S, flat[WAKE_BATCHED].delivered_mps, capacity,
		       verdict(flat[WAKE_BATCHED].delivered_mps >= TARGET_MEV_S));
	else
		printf("TARGET ring_drain user space drains >= %.1f Mev/s: producer limited to "
		       "%.2f Mev/s here, drain capacity %.2f Mev/s %s\n",
		       TARGET_MEV_S, flat[WAKE_BATCHED].produced_mps, capacity,
		       verdict(capacity >= TARGET_MEV_S));
	printf("TARGET ring_drain none lost at %.1f Mev/s (paced): %llu lost, %lld missing %s\n",
	       TARGET_MEV_S, paced.lost, paced.missing, verdict(!paced.lost && !paced.missing));
}

static void usage(FILE *out)
{
	fprintf(out, "usage: ring_drain [-t SECONDS] [-r ROUNDS] [-b RINGBUF_BYTES]\n"
		     "  -t  producer run per round (default %.0f s)\n"
		     "  -r  rounds per wakeup mode, 1..%d (default %d)\n"
		     "  -b  ring buffer bytes, a power of two (default %llu)\n",
		SECONDS_DEFAULT, MAX_ROUNDS, ROUNDS_DEFAULT, PROBE_RINGBUF_DEFAULT);
}

int main(int argc, char **argv)
{
	static struct round_result results[WAKE_MODES][MAX_ROUNDS];
	double seconds = SECONDS_DEFAULT;
	__u64 ringbuf = PROBE_RINGBUF_DEFAULT;
	int rounds = ROUNDS_DEFAULT, c;
	char *end;

	while ((c = getopt(argc, argv, "t:r:b:h")) != -1) {
		switch (c) {
		case 't':
			seconds = strtod(optarg, &end);
			if (*end || !(seconds > 0) || seconds > 600)
				goto bad;
			break;
		case 'r':
			rounds = (int)strtol(optarg, &end, 10);
			if (*end || rounds < 1 || rounds > MAX_ROUNDS)
				goto bad;
			break;
		case 'b':
			ringbuf = strtoull(optarg, &end, 0);
			if (*end)
				goto bad;
			break;
		case 'h':
			usage(stdout);
			return NST_EXIT_OK;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;
	log_hook_libbpf();
	printf("ring_drain: ring buffer %llu bytes, snaplen %d, %.1f s per round, %d rounds per mode\n",
	       (unsigned long long)ringbuf, NSTRACE_SNAPLEN_DEFAULT, seconds, rounds);
	/* Alternate the modes so a noisy neighbour hits both alike. */
	for (int i = 0; i < rounds; i++) {
		for (int m = 0; m < WAKE_MODES; m++) {
			struct round_result *r = &results[m][i];
			int err = run_round((enum wake_mode)m, seconds, ringbuf, r);

			if (err)
				return err == -EPERM ? NST_EXIT_ENV :
				       err == -EINVAL ? NST_EXIT_USAGE : NST_EXIT_RUNTIME;
			print_phase(wake_mode_name[m], "flat-out", i + 1, &r->flat_out);
			if (m == WAKE_BATCHED)
				print_phase(wake_mode_name[m], "paced", i + 1, &r->paced);
			printf("round %d %-10s capacity drained a 90 %% full ring at %.2f Mev/s\n",
			       i + 1, wake_mode_name[m], r->drain_mps);
			fflush(stdout);
		}
	}
	print_results(results, rounds);
	return NST_EXIT_OK;
bad:
	usage(stderr);
	return NST_EXIT_USAGE;
}
