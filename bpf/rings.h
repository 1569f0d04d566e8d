/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The two ring buffers every emitting program writes to (user space hands
 * the drop probe the tc probe's instances, bpf_map__reuse_fd, and sizes
 * both before load).
 *
 * Records go to "events", small enough to stay in the CPU caches (2 MiB by
 * default). Only when it is full, while the reader is behind, do they go
 * to "burst", sized for a burst of about 100 ms at the reader's drain rate
 * (64 MiB by default). On a live flood a record costs about three times as
 * much in a ring of that size as in a small one: by the time the producer
 * comes back to a line of a 64 MiB ring it has left every cache, while a
 * small ring is written and read where it sits (docs/performance.md). The
 * reader drains both; a record is lost only when both are full.
 */
#ifndef NSTRACE_RINGS_H
#define NSTRACE_RINGS_H

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 2 * 1024 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024 * 1024);
} burst SEC(".maps");

/*
 * A record of len bytes (a constant the verifier sees): in "events", else
 * in "burst" (*in_burst = 1). NULL when both are full.
 */
static __always_inline void *ring_reserve(__u64 len, int *in_burst)
{
	void *rec = bpf_ringbuf_reserve(&events, len, 0);

	*in_burst = !rec;
	if (rec)
		return rec;
	return bpf_ringbuf_reserve(&burst, len, 0);
}

#endif /* NSTRACE_RINGS_H */
