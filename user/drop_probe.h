/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The drop probe (bpf/drop.bpf.c, build/drop.skel.h): the kfree_skb
 * tracepoint, loaded next to a loaded tc probe and sharing its filter and
 * ring buffer, so drops of the traced packets arrive in the same event
 * stream as NSTRACE_EV_DROP events.  Its tracing link belongs to this
 * process: it vanishes when nstrace ends, however it ends.
 */
#ifndef NSTRACE_DROP_PROBE_H
#define NSTRACE_DROP_PROBE_H

#include <stddef.h>

#include <linux/types.h>

struct probe_bpf;
struct drop_bpf;

/*
 * Load the drop program onto probe's "filter" and "events" maps, with the
 * probe's snaplen (one record size for both), and attach it.  Returns 0
 * or -errno with a message in msg (-EOPNOTSUPP: the kernel has no
 * tp_btf/kfree_skb with a drop reason).
 */
int drop_probe_attach(struct drop_bpf **out, struct probe_bpf *probe, __u32 snaplen, char *msg,
		      size_t len);
/* Detach and unload; NULL is fine. */
void drop_probe_detach(struct drop_bpf *skel);

#endif
