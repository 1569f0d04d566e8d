/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One BPF ring buffer map, read through its mmap'ed pages as libbpf's
 * ring_buffer reads it, with one difference: the consumer position is
 * published once per RING_READER_PUBLISH records (and when a call ends),
 * not after every record.  The producer reads that position at every
 * reserve; each store to it from the reader's CPU sends its cache line
 * away, and the producer's next reserve then waits for it to come back.
 * Publishing late only makes the ring look fuller for a few records.
 */
#ifndef NSTRACE_RING_READER_H
#define NSTRACE_RING_READER_H

#include <stddef.h>
#include <linux/types.h>

#define RING_READER_PUBLISH 64

/*
 * Called for every committed record. A negative return stops the call
 * after this record; RING_RECORD_LATER stops it before this record, which
 * stays for the next call (a reader merging rings by time).
 */
typedef int (*ring_record_fn)(void *ctx, void *data, size_t size);
#define RING_RECORD_LATER 1

struct ring_reader {
	unsigned long *consumer_pos; /* shared, written here */
	const unsigned long *producer_pos; /* shared, the kernel's */
	const __u8 *data; /* mapped twice in a row: records never wrap */
	size_t page;
	size_t size; /* of the ring: a power of two */
};

/* Map the ring of map_fd (a BPF_MAP_TYPE_RINGBUF). 0 or -errno. */
int ring_reader_open(struct ring_reader *r, int map_fd);

/*
 * Hand fn the committed records in order, at most max of them.  Returns
 * the number consumed, or fn's negative return (that record counts as
 * consumed).
 */
int ring_reader_consume(struct ring_reader *r, ring_record_fn fn, void *ctx,
			unsigned int max);

/*
 * The next committed record (not consumed), or NULL when there is none
 * yet; *size is its length.  Discarded records before it are consumed.
 */
const void *ring_reader_peek(struct ring_reader *r, size_t *size);

void ring_reader_close(struct ring_reader *r);

#endif
