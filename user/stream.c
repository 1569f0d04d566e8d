// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "stream.h"

static int on_sample(void *ctx, void *data, size_t size)
{
	struct stream *s = ctx;
	const struct nstrace_event *e = data;

	if (size < sizeof(*e) || e->version != NSTRACE_EVENT_VERSION) {
		s->malformed++;
		return 0;
	}
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

int stream_drain(struct stream *s)
{
	s->batch = 0;
	s->more = false;
	/* The small ring first: it holds the older records. on_sample()
	 * fails only to stop the stream, which s->stopped records. */
	for (int i = 0; i < STREAM_RINGS && !s->stopped; i++) {
		ring_reader_consume(&s->ring[i], on_sample, s, STREAM_BATCH_MAX - s->batch);
		/* Under a flood a ring never empties: give the loop its turn. */
		if (s->batch >= STREAM_BATCH_MAX) {
			s->more = true;
			break;
		}
	}
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
		if (h)
			log_warn("%llu events lost at hop %s%s%s %s (ring buffer full); "
				 "raise --ringbuf",
				 (unsigned long long)grew, h->netns, h->netns[0] ? "/" : "",
				 h->dev, dir_name(h->dir));
		else
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
