/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Runs crafted frames through the real tc probe with BPF_PROG_TEST_RUN and
 * collects the events it emits from the real ring buffer. Needs root.
 */
#ifndef NSTRACE_TEST_PROBE_HARNESS_H
#define NSTRACE_TEST_PROBE_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "nstrace_event.h"

struct probe_bpf;
struct ring_buffer;

#define PROBE_TEST_RINGBUF (256u << 10)
#define PROBE_TEST_MAX_EVENTS 32

struct probe_harness {
	struct probe_bpf *skel;
	struct ring_buffer *rb;
	__u32 snaplen;
	int n_events; /* events read by the last probe_harness_run() */
	struct nstrace_event ev[PROBE_TEST_MAX_EVENTS];
	uint8_t snap[PROBE_TEST_MAX_EVENTS][NSTRACE_SNAPLEN_MAX];
	size_t record_size[PROBE_TEST_MAX_EVENTS];
	__u32 retval; /* the program's return value, from the last run */
	__u64 run_start_ns, run_end_ns; /* CLOCK_MONOTONIC around the run */
};

/* The knobs set between open and load. */
struct probe_knobs {
	__u32 snaplen;
	__u32 ringbuf_bytes; /* the events ring */
	__u32 burst_bytes; /* the burst ring; 0: as ringbuf_bytes */
	__u64 wake_bytes; /* 0: keep the probe's default */
	int with_egress; /* load nstrace_egress too (halves the speed) */
};

/* Open, set the knobs, load; fails the test on error. */
void probe_harness_open_knobs(struct probe_harness *h,
			      const struct probe_knobs *k);
/* Ingress only, default wake_bytes. */
void probe_harness_open(struct probe_harness *h, __u32 snaplen,
			__u32 ringbuf_bytes);
void probe_harness_close(struct probe_harness *h);

/*
 * One probe loaded once per test case (Check unchecked fixture: loaded
 * before the tests fork, so each forked test inherits it) with the default
 * knobs: most tests need nothing else, and loading is most of their time.
 * probe_harness_shared() opens the filter and drains the ring for the
 * calling test. Tests that map hops or change knobs load their own.
 */
void probe_harness_shared_load(void);
void probe_harness_shared_unload(void);
struct probe_harness *probe_harness_shared(void);
/* Write the filter (its ".data.filter" map's only entry). */
void probe_harness_filter(struct probe_harness *h,
			  const struct nstrace_filter *f);
/* Map (this netns, ifindex, dir) to hop id. */
void probe_harness_hop(struct probe_harness *h, __u32 ifindex, __u32 dir,
		       __u32 id);
/* Sum of hopstats[hop] over CPUs. */
struct nstrace_hop_stats probe_harness_stats(struct probe_harness *h,
					     __u32 hop);
/*
 * Run one frame through nstrace_ingress (egress = 0) or nstrace_egress and
 * read what it emitted. Returns the test run's error (0, or -errno when the
 * kernel refused the frame, e.g. shorter than an Ethernet header); events
 * land in h->ev[0..n_events).
 */
int probe_harness_run(struct probe_harness *h, const void *frame, size_t len,
		      int egress);
/* Run without reading the ring buffer (to fill it). */
int probe_harness_run_only(struct probe_harness *h, const void *frame,
			   size_t len);
/* Read what the ring buffer has: returns the records read. poll = 1 waits
 * up to timeout_ms for a wakeup and reads only if one came; 0 reads now. */
int probe_harness_read(struct probe_harness *h, int poll, int timeout_ms);
/* The fd of the probe's "events" ring (burst 0) or "burst" ring (1). */
int probe_harness_ring_fd(struct probe_harness *h, int burst);
/* The cookie bpf_get_netns_cookie() returns in this namespace. */
__u64 probe_harness_netns_cookie(void);

#endif
