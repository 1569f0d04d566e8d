/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The hop table: what user space knows about each hop id it handed to the
 * kernel.  A hop is (netns, ifindex, direction); ids index this table.
 * Filled by the attach layer, read by the stream, correlator and renderers.
 */
#ifndef NSTRACE_HOPS_H
#define NSTRACE_HOPS_H

#include <linux/types.h>
#include <net/if.h>

#include "nstrace_event.h"

#define HOP_NAME_MAX 128

struct hop {
	__u32 id; /* 1..NSTRACE_MAX_HOPS-1 */
	__u8 dir; /* NSTRACE_DIR_* */
	__u32 ifindex;
	__u64 netns_cookie;
	char netns[HOP_NAME_MAX]; /* "" for the namespace nstrace runs in */
	char dev[IF_NAMESIZE];
	/* Filled by discovery-driven commands; empty for `watch`. */
	char node[HOP_NAME_MAX]; /* e.g. "compute-1" */
	char role[32]; /* e.g. "tap", "qvo", "dhcp-tap", "underlay" */
};

struct hop_table {
	struct hop hops[NSTRACE_MAX_HOPS]; /* index = id; id 0 unused */
	__u32 count; /* highest id in use */
};

/* Add a hop; returns its id (>0) or -ENOSPC. */
int hop_table_add(struct hop_table *t, const struct hop *h);
/* The hop for an id, or NULL when the id is unknown (0 or out of range). */
const struct hop *hop_table_get(const struct hop_table *t, __u32 id);

#endif
