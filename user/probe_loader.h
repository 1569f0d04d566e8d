/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Open -> configure -> load the tc probe (build/probe.skel.h) and write its
 * filter.  Privileges and BTF are checked first (env_check.h).
 */
#ifndef NSTRACE_PROBE_LOADER_H
#define NSTRACE_PROBE_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "attach.h"
#include "nstrace_event.h"
#include "stream.h"

/* The burst ring (bpf/rings.h): ~100 ms at 2 M events/s. */
#define PROBE_RINGBUF_DEFAULT (64ull << 20)
/* The events ring, which records go to first: small enough to stay in
 * the caches; never larger than the burst ring. */
#define PROBE_EVENTS_RING (2ull << 20)
#define PROBE_RINGBUF_MIN (64ull << 10)
#define PROBE_RINGBUF_MAX (1ull << 30)

struct probe_bpf;

struct probe_config {
	__u32 snaplen; /* bytes of packet per event, <= NSTRACE_SNAPLEN_MAX */
	__u64 ringbuf_bytes; /* the burst ring: power of two, page multiple */
	bool wake_each_record; /* benchmarks only: no wakeup batching */
	struct nstrace_filter filter;
};

/*
 * Load the probe, its ingress and egress programs verified side by side on
 * two threads over one set of maps.  The handle's maps are the probe's; its
 * programs are not the loaded ones: take their fds from probe_fds().
 * On failure nothing stays loaded, and it returns -errno with a message in msg:
 * -EPERM / -ENOENT from env_check, -EINVAL for a bad configuration, or the
 * loader's error (verifier, missing kernel feature).
 */
int probe_load(struct probe_bpf **skel, const struct probe_config *cfg, char *msg, size_t len);

/* The size of the events ring for this configuration. */
__u64 probe_events_ring_bytes(const struct probe_config *cfg);

/* The fds the attach layer and the stream need. */
void probe_fds(struct probe_bpf *skel, struct attach_probe *attach, struct stream_maps *maps);

void probe_unload(struct probe_bpf *skel);

#endif
