/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Per-hop latency over a run: for each probe point of a journey, the time
 * from the previous probe point the packet crossed (count, min, median,
 * max), and the round trips.  Samples are kept (8 bytes each) so that
 * medians are exact.  Pure: timelines in, a table out.
 */
#ifndef NSTRACE_HOP_LATENCY_H
#define NSTRACE_HOP_LATENCY_H

#include <stdio.h>

#include <jansson.h>

#include "correlate.h"
#include "verdict.h"

struct lat_samples {
	__u64 *v;
	size_t n, cap;
};

struct lat_row {
	int leg; /* 0: requests, 1: replies */
	int pos; /* index of the probe point in the leg's journey */
	int hop; /* path hop */
	__u8 dir;
	struct lat_samples s;
};

struct lat_stats {
	size_t count;
	__u64 min, median, max;
};

struct hop_latency {
	const struct port_path *path;
	struct lat_row *rows;
	size_t n_rows;
	struct lat_samples rtt;
};

void hop_latency_init(struct hop_latency *l, const struct port_path *path);
void hop_latency_free(struct hop_latency *l);
/* The hops of timeline t found on journey j (leg 0 or 1); -ENOMEM. */
int hop_latency_add(struct hop_latency *l, int leg, const struct journey *j,
		    const struct timeline *t, const struct hop_places *places);
int hop_latency_add_rtt(struct hop_latency *l, __u64 ns);
/* Sorts the samples. */
void lat_stats_of(struct lat_samples *s, struct lat_stats *out);

/* The table for a person (microseconds) and as one JSON object. */
void hop_latency_print_text(FILE *out, struct hop_latency *l);
json_t *hop_latency_json(struct hop_latency *l);

#endif
