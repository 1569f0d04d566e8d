/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The event stream: drains the probe's two ring buffers (bpf/rings.h: the
 * small "events" ring, and "burst" for when it is full) and keeps the books
 * on lost events.  The probe submits with BPF_RB_NO_WAKEUP and forces a
 * wakeup only past a fill threshold, so the owner calls stream_drain() on a
 * short timer (STREAM_DRAIN_MS) as well as when the epoll fd is readable.
 * The two rings are merged by the events' time, so that events come out in
 * time order after a burst too (as far as the probes' CPUs stamped them
 * in order).
 */
#ifndef NSTRACE_STREAM_H
#define NSTRACE_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "hops.h"
#include "ring_reader.h"

#define STREAM_DRAIN_MS 10
#define STREAM_BATCH_MAX 65536 /* events per stream_drain() call at most */

/* Called for every event; return nonzero to stop the stream. */
typedef int (*stream_event_fn)(void *ctx, const struct nstrace_event *e, size_t size);

/* The probe's rings. */
enum { STREAM_RING_EVENTS, STREAM_RING_BURST, STREAM_RINGS };

/* The probe's maps the stream reads (probe_fds()). */
struct stream_maps {
	int events_fd; /* ring buffer: where records go first */
	int burst_fd; /* ring buffer: where they go when events is full */
	int hopstats_fd; /* per-CPU array of struct nstrace_hop_stats */
};

struct stream {
	struct ring_reader ring[STREAM_RINGS];
	int epoll_fd; /* readable when a ring's producer forced a wakeup */
	int hopstats_fd;
	const struct hop_table *hops;
	int ncpus;
	struct nstrace_hop_stats *percpu; /* lookup buffer, ncpus entries */
	__u64 *lost_reported; /* per hop id: lost count already reported */
	stream_event_fn fn;
	void *ctx;
	__u64 events; /* delivered to fn */
	__u64 malformed; /* records too short or of another ABI version */
	__u64 lost; /* total lost, as of the last stream_check_lost() */
	__u32 batch; /* delivered in the current stream_drain() */
	__u64 merge_limit_ns; /* the other ring's next event time, in a turn */
	bool more; /* the last drain stopped at STREAM_BATCH_MAX: call again */
	bool stopped; /* fn asked to stop */
};

int stream_open(struct stream *s, const struct stream_maps *maps, const struct hop_table *hops,
		stream_event_fn fn, void *ctx);

/* Wakes up when the probe forces a wakeup; for the owner's epoll. */
int stream_epoll_fd(const struct stream *s);

/*
 * Deliver what the ring buffer holds, at most STREAM_BATCH_MAX events (then
 * s->more is set).  Returns the number delivered or -errno.
 */
int stream_drain(struct stream *s);

/*
 * Read the per-CPU lost counters of every hop; warn for each hop whose count
 * grew since the last call.  Returns the total lost so far (or -errno).
 */
long long stream_check_lost(struct stream *s);

void stream_close(struct stream *s);

#endif
