// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* BPF_PROG_TEST_RUN harness for the tc probe (see probe_harness.h). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* The skeletons name struct nstrace_filter (the filter data section). */
#include "nstrace_event.h"
#include "probe.skel.h"
#include "probe_harness.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct probe_harness *h = ctx;
	int i = h->n_events;

	ck_assert_int_lt(i, PROBE_TEST_MAX_EVENTS);
	ck_assert_uint_eq(size, sizeof(struct nstrace_event) + h->snaplen);
	memcpy(&h->ev[i], data, sizeof(struct nstrace_event));
	memcpy(h->snap[i], (const uint8_t *)data + sizeof(struct nstrace_event),
	       h->snaplen);
	h->record_size[i] = size;
	h->n_events++;
	return 0;
}

void probe_harness_open(struct probe_harness *h, __u32 snaplen,
			__u32 ringbuf_bytes)
{
	struct probe_knobs k = { .snaplen = snaplen,
				 .ringbuf_bytes = ringbuf_bytes };

	probe_harness_open_knobs(h, &k);
}

static void harness_free(struct probe_harness *h)
{
	ring_buffer__free(h->rb);
	probe_bpf__destroy(h->skel);
	h->rb = NULL;
	h->skel = NULL;
}

static struct probe_harness shared;
static int shared_err = -EPERM;
static char shared_msg[128] = "not root";

void probe_harness_close(struct probe_harness *h)
{
	if (h != &shared) /* unloaded by probe_harness_shared_unload() */
		harness_free(h);
}

/* Open, configure, load; -errno and a message on failure. No asserts:
 * the shared harness loads outside any test. */
static int harness_load(struct probe_harness *h, const struct probe_knobs *k,
			char *msg, size_t len)
{
	int err;

	memset(h, 0, sizeof(*h));
	h->snaplen = k->snaplen;
	h->skel = probe_bpf__open();
	if (!h->skel) {
		err = -errno;
		snprintf(msg, len, "probe_bpf__open: %s", strerror(-err));
		return err;
	}
	h->skel->rodata->snaplen = k->snaplen;
	if (k->wake_bytes)
		h->skel->rodata->wake_bytes = k->wake_bytes;
	/* Both programs share every line of code; verifying the second in
	 * every test only costs time. */
	if (!k->with_egress)
		bpf_program__set_autoload(h->skel->progs.nstrace_egress, false);
	err = bpf_map__set_max_entries(h->skel->maps.events, k->ringbuf_bytes);
	if (!err)
		err = bpf_map__set_max_entries(h->skel->maps.burst,
					       k->burst_bytes ? k->burst_bytes :
								k->ringbuf_bytes);
	if (!err)
		err = probe_bpf__load(h->skel);
	if (err) {
		snprintf(msg, len, "loading the probe: %s", strerror(-err));
		harness_free(h);
		return err;
	}
	h->rb = ring_buffer__new(bpf_map__fd(h->skel->maps.events), on_event,
				 h, NULL);
	err = h->rb ? ring_buffer__add(h->rb, bpf_map__fd(h->skel->maps.burst),
				       on_event, h) :
		      -errno;
	if (err) {
		snprintf(msg, len, "reading the ring buffers: %s", strerror(-err));
		harness_free(h);
		return err;
	}
	return 0;
}

void probe_harness_open_knobs(struct probe_harness *h,
			      const struct probe_knobs *k)
{
	char msg[128];

	ck_assert_msg(harness_load(h, k, msg, sizeof(msg)) == 0, "%s", msg);
}

void probe_harness_shared_load(void)
{
	struct probe_knobs k = { .snaplen = NSTRACE_SNAPLEN_DEFAULT,
				 .ringbuf_bytes = PROBE_TEST_RINGBUF };

	if (geteuid() == 0)
		shared_err = harness_load(&shared, &k, shared_msg,
					  sizeof(shared_msg));
}

void probe_harness_shared_unload(void)
{
	if (!shared_err)
		harness_free(&shared);
	shared_err = -EPERM;
}

struct probe_harness *probe_harness_shared(void)
{
	static const struct nstrace_filter open_filter;

	ck_assert_msg(shared_err == 0, "shared probe: %s", shared_msg);
	probe_harness_filter(&shared, &open_filter);
	/* Whatever an earlier test left in the ring is not this test's. */
	ck_assert_int_ge(ring_buffer__consume(shared.rb), 0);
	shared.n_events = 0;
	return &shared;
}


void probe_harness_filter(struct probe_harness *h,
			  const struct nstrace_filter *f)
{
	__u32 zero = 0;
	int err = bpf_map__update_elem(h->skel->maps.data_filter, &zero,
				       sizeof(zero), f, sizeof(*f), BPF_ANY);

	ck_assert_int_eq(err, 0);
}

__u64 probe_harness_netns_cookie(void)
{
	socklen_t len = sizeof(__u64);
	__u64 cookie = 0;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie,
				    &len),
			 0);
	close(fd);
	return cookie;
}

void probe_harness_hop(struct probe_harness *h, __u32 ifindex, __u32 dir,
		       __u32 id)
{
	struct nstrace_hop_key key = {
		.netns_cookie = probe_harness_netns_cookie(),
		.ifindex = ifindex,
		.dir = dir,
	};
	int err = bpf_map__update_elem(h->skel->maps.hops, &key, sizeof(key),
				       &id, sizeof(id), BPF_ANY);

	ck_assert_int_eq(err, 0);
}

struct nstrace_hop_stats probe_harness_stats(struct probe_harness *h,
					     __u32 hop)
{
	int ncpu = libbpf_num_possible_cpus();
	struct nstrace_hop_stats sum = { 0 }, per_cpu[ncpu];
	int err;

	ck_assert_int_gt(ncpu, 0);
	err = bpf_map__lookup_elem(h->skel->maps.hopstats, &hop, sizeof(hop),
				   per_cpu, sizeof(per_cpu), 0);
	ck_assert_int_eq(err, 0);
	for (int i = 0; i < ncpu; i++) {
		sum.emitted += per_cpu[i].emitted;
		sum.lost += per_cpu[i].lost;
	}
	return sum;
}

static int run_prog(struct probe_harness *h, const void *frame, size_t len,
		    int egress)
{
	struct bpf_program *prog = egress ? h->skel->progs.nstrace_egress :
					    h->skel->progs.nstrace_ingress;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .repeat = 1);
	int err;

	ck_assert_msg(bpf_program__fd(prog) >= 0, "program not loaded");
	h->run_start_ns = now_ns();
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	h->run_end_ns = now_ns();
	if (err)
		return -errno;
	h->retval = opts.retval;
	return 0;
}

int probe_harness_run_only(struct probe_harness *h, const void *frame,
			   size_t len)
{
	return run_prog(h, frame, len, 0);
}

int probe_harness_ring_fd(struct probe_harness *h, int burst)
{
	return bpf_map__fd(burst ? h->skel->maps.burst : h->skel->maps.events);
}

int probe_harness_read(struct probe_harness *h, int poll, int timeout_ms)
{
	int n;

	h->n_events = 0;
	n = poll ? ring_buffer__poll(h->rb, timeout_ms) :
		   ring_buffer__consume(h->rb);
	ck_assert_int_ge(n, 0);
	return n;
}

int probe_harness_run(struct probe_harness *h, const void *frame, size_t len,
		      int egress)
{
	int err;

	h->n_events = 0;
	memset(h->ev, 0, sizeof(h->ev));
	err = run_prog(h, frame, len, egress);
	if (err)
		return err;
	ck_assert_int_ge(ring_buffer__consume(h->rb), 0);
	return 0;
}
