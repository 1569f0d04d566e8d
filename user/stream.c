// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "render_parts.h"
#include "sbuf.h"
#include "stream.h"

static int on_sample(void *ctx, void *data, size_t size)
{
	struct stream *s = ctx;
	const struct nstrace_event *e = data;

	if (size < sizeof(*e) || e->version != NSTRACE_EVENT_VERSION) {
		s->malformed++;
		return 0;
	}
	/* The other ring holds an older record: that one first. */
	if (e->ts_ns > s->merge_limit_ns)
		return RING_RECORD_LATER;
	s->events++;
	s->batch++;
	/* A negative return stops the reader after this (consumed) record. */
	if (s->fn(s->ctx, e, size)) {
		s->stopped = true;
		return -ECANCELED;
	}
	return 0;
}

int stream_open(struct stream *s, const struct stream_maps *maps, const struct hop_table *hops,
		stream_event_fn fn, void *ctx)
{
	const int ring_fd[STREAM_RINGS] = { [STREAM_RING_EVENTS] = maps->events_fd,
					    [STREAM_RING_BURST] = maps->burst_fd };
	int err = 0;

	memset(s, 0, sizeof(*s));
	s->epoll_fd = -1;
	s->hopstats_fd = maps->hopstats_fd;
	s->hops = hops;
	s->fn = fn;
	s->ctx = ctx;
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus <= 0)
		return s->ncpus ? s->ncpus : -EINVAL;
	s->percpu = calloc((size_t)s->ncpus, sizeof(*s->percpu));
	s->lost_reported = calloc(NSTRACE_MAX_HOPS, sizeof(*s->lost_reported));
	if (!s->percpu || !s->lost_reported) {
		stream_close(s);
		return -ENOMEM;
	}
	s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epoll_fd < 0) {
		err = -errno;
		stream_close(s);
		return err;
	}
	for (int i = 0; i < STREAM_RINGS && !err; i++) {
		struct epoll_event ev = { .events = EPOLLIN };

		err = ring_reader_open(&s->ring[i], ring_fd[i]);
		if (!err && epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, ring_fd[i], &ev))
			err = -errno;
	}
	if (err) {
		stream_close(s);
		return err;
	}
	return 0;
}

int stream_epoll_fd(const struct stream *s)
{
	return s->epoll_fd;
}

/* The time of ring i's next record: STREAM_NO_RECORD when it has none, 0
 * for a record on_sample() will count as malformed (it goes at once). */
#define STREAM_NO_RECORD UINT64_MAX

static __u64 next_ts(struct stream *s, int i)
{
	size_t size;
	const struct nstrace_event *e = ring_reader_peek(&s->ring[i], &size);

	if (!e)
		return STREAM_NO_RECORD;
	return size < sizeof(*e) ? 0 : e->ts_ns;
}

int stream_drain(struct stream *s)
{
	s->batch = 0;
	s->more = false;
	/*
	 * The two rings merged by time: records go to "burst" while "events"
	 * is full, and to "events" again once the reader has made room, so
	 * either may hold the older ones. Each turn takes, from the ring with
	 * the older next record, the records older than the other ring's next
	 * one. A turn takes RING_READER_PUBLISH records at most: the producer
	 * writes to a full "events" again only after the reader published its
	 * position, which it does at that count, so what a turn takes from
	 * "events" predates anything "burst" got during the turn.
	 * on_sample() fails only to stop the stream, which s->stopped records.
	 */
	while (!s->stopped && s->batch < STREAM_BATCH_MAX) {
		__u64 ts_burst = next_ts(s, STREAM_RING_BURST), ts_events;
		unsigned int max = STREAM_BATCH_MAX - s->batch;
		int from = STREAM_RING_EVENTS, n;

		s->merge_limit_ns = ts_burst;
		/* "burst" holds records only after a burst. While it is empty,
		 * "events" is read without a first look at its next record
		 * (the producer writes that position's line at every reserve). */
		if (ts_burst != STREAM_NO_RECORD) {
			ts_events = next_ts(s, STREAM_RING_EVENTS);
			if (ts_burst < ts_events) {
				from = STREAM_RING_BURST;
				s->merge_limit_ns = ts_events;
			}
		}
		if (max > RING_READER_PUBLISH)
			max = RING_READER_PUBLISH;
		n = ring_reader_consume(&s->ring[from], on_sample, s, max);
		/* "events" caught up with "burst" empty (no limit, so nothing
		 * was held back): done until the next wakeup or tick. Chasing
		 * the producer a few records a turn would publish the consumer
		 * position at every turn, and each publish stalls the
		 * producer's next reserve. */
		if (ts_burst == STREAM_NO_RECORD && n < (int)max)
			break;
	}
	/* Under a flood a ring never empties: give the loop its turn. */
	s->more = s->batch >= STREAM_BATCH_MAX;
	return (int)s->batch;
}

static const char *dir_name(__u8 dir)
{
	return dir == NSTRACE_DIR_INGRESS ? "ingress" : "egress";
}

/* Sum one hop's lost counter over the CPUs. */
static int hop_lost(struct stream *s, __u32 id, __u64 *lost)
{
	*lost = 0;
	if (bpf_map_lookup_elem(s->hopstats_fd, &id, s->percpu))
		return -errno;
	for (int cpu = 0; cpu < s->ncpus; cpu++)
		*lost += s->percpu[cpu].lost;
	return 0;
}

long long stream_check_lost(struct stream *s)
{
	__u64 total = 0;

	/* Id 0 collects packets whose hop the probe could not find. */
	for (__u32 id = 0; id <= s->hops->count && id < NSTRACE_MAX_HOPS; id++) {
		const struct hop *h = hop_table_get(s->hops, id);
		__u64 lost, grew;
		int err = hop_lost(s, id, &lost);

		if (err)
			return err;
		total += lost;
		grew = lost - s->lost_reported[id];
		if (!grew)
			continue;
		s->lost_reported[id] = lost;
		if (h) {
			char label[(HOP_NAME_MAX + IF_NAMESIZE) * 4 + 8]; /* \xNN */
			struct sbuf sb;

			/* As event lines write it: a name may hold anything. */
			sb_init(&sb, label, sizeof(label));
			text_hop_label(&sb, h, 0, 0);
			log_warn("%llu events lost at hop %s %s (ring buffer full); "
				 "raise --ringbuf",
				 (unsigned long long)grew, label, dir_name(h->dir));
		} else
			log_warn("%llu events lost at an unknown hop (ring buffer full); "
				 "raise --ringbuf",
				 (unsigned long long)grew);
	}
	s->lost = total;
	return (long long)total;
}

void stream_close(struct stream *s)
{
	for (int i = 0; i < STREAM_RINGS; i++)
		ring_reader_close(&s->ring[i]);
	if (s->epoll_fd >= 0)
		close(s->epoll_fd);
	free(s->percpu);
	free(s->lost_reported);
	memset(s, 0, sizeof(*s));
	s->epoll_fd = -1;
}
