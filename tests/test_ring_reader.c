// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * user/ring_reader.c on the probe's real rings: records in order, at most
 * as many as asked, a stop that still consumes its record, and a consumer
 * position the kernel sees (it decides where the probe's next records go:
 * "events" while it has room, "burst" after); and the stream that merges
 * the two rings by time (user/stream.c).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "probe_expect.h"
#include "ring_reader.h"
#include "stream.h"
#include "testlib.h"

#define RING_BYTES 4096u
/* Not a multiple of 8: records are padded, the reader must step over it. */
#define SNAPLEN 61u
#define RECORD_BYTES (((sizeof(struct nstrace_event) + SNAPLEN + 7) & ~7ul) + 8)
#define PER_RING ((int)(RING_BYTES / RECORD_BYTES))

static struct probe_harness own, *h;
static struct frame f;

struct seen {
	int n;
	__u32 xid[64];
	int stop_at; /* return -1 on this record (1-based), 0: never */
	int later_at; /* return RING_RECORD_LATER on this record (1-based) */
	int offered; /* records the callback was called for */
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct seen *s = ctx;
	const struct nstrace_event *e = data;

	ck_assert_uint_eq(size, sizeof(*e) + SNAPLEN);
	ck_assert_int_lt(s->n, 64);
	if (++s->offered == s->later_at)
		return RING_RECORD_LATER;
	s->xid[s->n++] = e->xid;
	return s->n == s->stop_at ? -1 : 0;
}

/* The probe with a one-page events ring, records for xids from..from+n-1. */
static void produce(__u32 from, int n)
{
	struct pkt_spec s;

	spec_dhcp_discover(&s);
	for (int i = 0; i < n; i++) {
		s.xid = from + i;
		build_dhcp4(&f, &wrap_plain, &s);
		ck_assert_int_eq(probe_harness_run_only(h, f.data, f.len), 0);
	}
}

static void open_probe(struct ring_reader *events, struct ring_reader *burst)
{
	struct probe_knobs k = { .snaplen = SNAPLEN,
				 .ringbuf_bytes = RING_BYTES,
				 .burst_bytes = PROBE_TEST_RINGBUF };

	h = &own;
	probe_harness_open_knobs(h, &k);
	ck_assert_int_eq(ring_reader_open(events, probe_harness_ring_fd(h, 0)), 0);
	ck_assert_int_eq(ring_reader_open(burst, probe_harness_ring_fd(h, 1)), 0);
}

static void close_probe(struct ring_reader *events, struct ring_reader *burst)
{
	ring_reader_close(events);
	ring_reader_close(burst);
	probe_harness_close(h);
}

START_TEST(records_in_order_at_most_max)
{
	struct ring_reader ev, burst;
	struct seen s = { 0 };

	REQUIRE_ROOT();
	open_probe(&ev, &burst);
	ck_assert_int_ge(PER_RING, 4);
	produce(TEST_XID, PER_RING);
	ck_assert_int_eq(ring_reader_consume(&ev, on_record, &s, 3), 3);
	ck_assert_int_eq(ring_reader_consume(&ev, on_record, &s, 64), PER_RING - 3);
	ck_assert_int_eq(ring_reader_consume(&ev, on_record, &s, 64), 0);
	ck_assert_int_eq(ring_reader_consume(&burst, on_record, &s, 64), 0);
	ck_assert_int_eq(s.n, PER_RING);
	for (int i = 0; i < PER_RING; i++)
		ck_assert_uint_eq(s.xid[i], TEST_XID + i);
	close_probe(&ev, &burst);
}
END_TEST

START_TEST(stop_consumes_its_record)
{
	struct ring_reader ev, burst;
	struct seen s = { .stop_at = 2 };

	REQUIRE_ROOT();
	open_probe(&ev, &burst);
	produce(TEST_XID, 4);
	ck_assert_int_eq(ring_reader_consume(&ev, on_record, &s, 64), -1);
	s.stop_at = 0;
	ck_assert_int_eq(ring_reader_consume(&ev, on_record, &s, 64), 2);
	ck_assert_int_eq(s.n, 4);
	ck_assert_uint_eq(s.xid[2], TEST_XID + 2);
	close_probe(&ev, &burst);
}
END_TEST

/*
 * The position is published when a call ends, even after fewer records
 * than a batch: the room they leave takes the probe's next records in
 * "events", and "burst" stays empty.
 */
START_TEST(consumed_room_is_reused)
{
	struct ring_reader ev, burst;
	struct seen s = { 0 };

	REQUIRE_ROOT();
	open_probe(&ev, &burst);
	produce(TEST_XID, PER_RING);
	ck_assert_int_eq(ring_reader_consume(&ev, on_record, &s, 2), 2);
	produce(TEST_XID + PER_RING, 2);
	ck_assert_int_eq(ring_reader_consume(&burst, on_record, &s, 64), 0);
	ck_assert_int_eq(ring_reader_consume(&ev, on_record, &s, 64), PER_RING);
	for (int i = 0; i < PER_RING + 2; i++)
		ck_assert_uint_eq(s.xid[i], TEST_XID + i);
	/* Full again and nothing read: the next record has to go to burst. */
	produce(TEST_XID + 100, PER_RING + 1);
	s.n = 0;
	ck_assert_int_eq(ring_reader_consume(&burst, on_record, &s, 64), 1);
	ck_assert_uint_eq(s.xid[0], TEST_XID + 100 + PER_RING);
	close_probe(&ev, &burst);
}
END_TEST

/* A record the callback calls later stays for the next call; peek shows
 * the next record without taking it. */
START_TEST(later_leaves_its_record)
{
	struct ring_reader ev, burst;
	struct seen s = { .later_at = 3 };
	const struct nstrace_event *e;
	size_t size = 0;

	REQUIRE_ROOT();
	open_probe(&ev, &burst);
	ck_assert_ptr_null(ring_reader_peek(&ev, &size));
	produce(TEST_XID, 4);
	ck_assert_int_eq(ring_reader_consume(&ev, on_record, &s, 64), 2);
	e = ring_reader_peek(&ev, &size);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(size, sizeof(*e) + SNAPLEN);
	ck_assert_uint_eq(e->xid, TEST_XID + 2);
	ck_assert_ptr_eq(ring_reader_peek(&ev, &size), e);
	ck_assert_int_eq(ring_reader_consume(&ev, on_record, &s, 64), 2);
	ck_assert_int_eq(s.n, 4);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(s.xid[i], TEST_XID + i);
	ck_assert_ptr_null(ring_reader_peek(&ev, &size));
	close_probe(&ev, &burst);
}
END_TEST

static int on_stream_event(void *ctx, const struct nstrace_event *e, size_t size)
{
	struct seen *s = ctx;

	ck_assert_uint_eq(size, sizeof(*e) + SNAPLEN);
	ck_assert_int_lt(s->n, 64);
	s->xid[s->n++] = e->xid;
	return 0;
}

/*
 * "events" full, three records in "burst", then room made in "events" and
 * two more records there: the stream hands them over in the order the
 * probe wrote them, the burst's between the two parts of "events".
 */
START_TEST(stream_merges_rings_by_time)
{
	struct ring_reader ev, burst;
	struct seen skipped = { 0 }, s = { 0 };
	struct hop_table *hops = calloc(1, sizeof(*hops));
	struct stream_maps maps = { .hopstats_fd = -1 };
	struct stream st;
	int n;

	REQUIRE_ROOT();
	ck_assert_ptr_nonnull(hops);
	open_probe(&ev, &burst);
	produce(TEST_XID, PER_RING + 3);
	ck_assert_int_eq(ring_reader_consume(&ev, on_record, &skipped, 2), 2);
	produce(TEST_XID + PER_RING + 3, 2);
	maps.events_fd = probe_harness_ring_fd(h, 0);
	maps.burst_fd = probe_harness_ring_fd(h, 1);
	ck_assert_int_eq(stream_open(&st, &maps, hops, on_stream_event, &s), 0);
	n = stream_drain(&st);
	ck_assert_int_eq(n, PER_RING + 3);
	ck_assert_int_eq(stream_drain(&st), 0);
	ck_assert_int_eq(s.n, PER_RING + 3);
	for (int i = 0; i < s.n; i++)
		ck_assert_msg(s.xid[i] == TEST_XID + 2 + i, "event %d: xid %u, expected %u", i,
			      s.xid[i], TEST_XID + 2 + i);
	stream_close(&st);
	free(hops);
	close_probe(&ev, &burst);
}
END_TEST

START_TEST(not_a_ring_is_refused)
{
	struct ring_reader r;
	int fd;

	REQUIRE_ROOT();
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "not_a_ring", 4, 4, 1, NULL);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ring_reader_open(&r, fd), -EINVAL);
	close(fd);
}
END_TEST

NSTRACE_SUITE(ring_reader)
{
	Suite *s = suite_create("ring_reader");
	TCase *tc = tcase_create("probe rings");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, records_in_order_at_most_max);
	tcase_add_test(tc, stop_consumes_its_record);
	tcase_add_test(tc, consumed_room_is_reused);
	tcase_add_test(tc, later_leaves_its_record);
	tcase_add_test(tc, stream_merges_rings_by_time);
	tcase_add_test(tc, not_a_ring_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
