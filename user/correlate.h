/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The correlator: groups events by fingerprint into per-packet timelines,
 * one hop per event, ordered by kernel timestamp.
 *
 * Rules:
 *  - Same fingerprint, and the (kind, hop id, direction) is not yet in the
 *    live timeline: the event is another hop of that packet.  Already there:
 *    it is a new packet with identical fields (a retransmission); the old
 *    timeline closes (CLOSE_SUPERSEDED) and a new one starts.
 *  - Events may arrive slightly out of order across CPUs: hops are inserted
 *    sorted by ts_ns; deltas are computed when the timeline closes.
 *  - An ICMP error (app NSTRACE_APP_ICMP_ERR) has its own timeline and is
 *    also recorded in the live timeline of the packet it quotes
 *    (related_fp), so "why did this packet stop" is answered in one place.
 *  - Events with fingerprint 0 carry no identity: counted, not grouped.
 *
 * Bounded memory (the caps; docs/correlator.md):
 *  - at most max_timelines live timelines (default 4096): when full, the
 *    least recently updated one is closed early (CLOSE_EVICTED);
 *  - at most max_hops hops per timeline (default 64): further events for it
 *    are counted in hops_dropped and TIMELINE_F_HOPS_FULL is set;
 *  - at most TIMELINE_MAX_ICMP_ERRORS distinct errors linked per timeline.
 *  Worst case about max_timelines * (sizeof(struct timeline) +
 *  max_hops * sizeof(struct timeline_hop)), i.e. ~47 MB with the defaults
 *  (616 + 64 * 168 bytes per timeline on x86_64);
 *  hop arrays grow on demand, so typical use is far below.
 *
 * Time: the correlator's clock is the highest ts_ns it has seen (the
 * kernel's CLOCK_MONOTONIC); correlator_expire() advances it when no
 * events come.  A timeline not updated for idle_ns closes (CLOSE_IDLE).
 *
 * Closed timelines go to the on_close callback; the timeline is only valid
 * during the call (use timeline_dup() to keep it).  The callback must not
 * call back into the same correlator.  Not thread-safe.
 */
#ifndef NSTRACE_CORRELATE_H
#define NSTRACE_CORRELATE_H

#include <stdbool.h>
#include <linux/types.h>

#include "nstrace_event.h"
#include "pkt_desc.h"

#define CORRELATOR_DEFAULT_MAX_TIMELINES 4096
#define CORRELATOR_DEFAULT_MAX_HOPS 64
#define CORRELATOR_DEFAULT_IDLE_NS 2000000000ull /* 2 s */
#define TIMELINE_MAX_ICMP_ERRORS 4
#define TIMELINE_SUMMARY_MAX 192

/* One event of the packet: where and when it was seen, and how it looked. */
struct timeline_hop {
	__u64 ts_ns;
	__u64 since_first_ns; /* set when the timeline closes */
	__u64 since_prev_ns; /* 0 for the first hop */
	__u64 netns_cookie;
	__u32 hop_id; /* 0 = unknown (drops at a device nstrace did not attach) */
	__u32 ifindex;
	__u32 pkt_len;
	__u8 kind; /* NSTRACE_EV_PACKET or NSTRACE_EV_DROP */
	__u8 dir; /* NSTRACE_DIR_* */
	__u16 frag_off;
	struct pkt_carrier carrier; /* VLAN tags, tunnel, flags */
	struct pkt_addrs addrs; /* per hop: NAT shows as a change here */
	struct pkt_drop drop;
};

/* An ICMP error that quoted this timeline's packet. */
struct timeline_icmp_error {
	__u64 fingerprint; /* of the error packet itself */
	__u64 ts_ns; /* first seen */
	__u64 netns_cookie; /* where first seen */
	__u32 ifindex;
	__u32 hop_id;
	__u8 dir;
	__u32 count; /* events of this error (one per hop it crossed) */
	__u32 mtu; /* frag-needed / packet-too-big; else 0 */
	__u8 l3_family;
	__u8 type;
	__u8 code;
	__u8 reporter[16]; /* source address: who sent the error */
};

enum timeline_close {
	CLOSE_IDLE, /* no event for idle_ns */
	CLOSE_EVICTED, /* the live cap was reached; closed early */
	CLOSE_FLUSHED, /* correlator_flush(): end of the trace */
	CLOSE_SUPERSEDED, /* a retransmission with the same fingerprint */
};

#define TIMELINE_F_EVICTED (1u << 0)
#define TIMELINE_F_HOPS_FULL (1u << 1) /* hops_dropped > 0 */
#define TIMELINE_F_ICMP_ERROR (1u << 2) /* n_icmp_errors > 0 */
#define TIMELINE_F_DROPPED (1u << 3) /* a hop is a kernel drop */

struct timeline {
	__u64 id; /* 1, 2, ... in the order timelines opened */
	__u64 fingerprint;
	__u64 related_fp; /* an ICMP error's timeline: the quoted packet */
	__u64 first_ts_ns; /* of hops[0] */
	__u64 last_ts_ns; /* of hops[n_hops - 1] */
	__u32 flags; /* TIMELINE_F_* */
	enum timeline_close close_reason;
	/* What the packet is, from its first event (first untruncated one). */
	struct pkt_app app;
	char summary[TIMELINE_SUMMARY_MAX]; /* event_summary_packet() text */
	__u32 n_hops;
	__u32 hops_dropped; /* events past max_hops */
	struct timeline_hop *hops; /* n_hops, ordered by ts_ns */
	__u32 n_icmp_errors;
	struct timeline_icmp_error icmp_errors[TIMELINE_MAX_ICMP_ERRORS];
};

struct correlator_opts {
	__u32 max_timelines; /* 0 = CORRELATOR_DEFAULT_MAX_TIMELINES */
	__u32 max_hops; /* 0 = CORRELATOR_DEFAULT_MAX_HOPS */
	__u64 idle_ns; /* 0 = CORRELATOR_DEFAULT_IDLE_NS */
	void (*on_close)(const struct timeline *t, void *ctx);
	void *ctx;
};

struct correlator_stats {
	__u64 events; /* every event given to correlator_add() */
	__u64 unkeyed; /* fingerprint 0: not grouped */
	__u64 timelines; /* opened */
	__u64 closed_idle;
	__u64 evicted;
	__u64 flushed;
	__u64 superseded; /* retransmissions split off */
	__u64 hops_dropped; /* events not kept: past max_hops, or no memory */
	__u64 icmp_linked; /* ICMP error events recorded in a quoted timeline */
	__u64 icmp_unlinked; /* quoted packet not (or no longer) live */
	__u32 live; /* timelines open now */
};

struct correlator;

/* NULL on allocation failure (errno set); o may be NULL for defaults. */
struct correlator *correlator_new(const struct correlator_opts *o);
/* Discards live timelines without calling on_close: flush first. */
void correlator_free(struct correlator *c);
/* Copies what it needs from e; e may be reused as soon as it returns. */
void correlator_add(struct correlator *c, const struct nstrace_event *e);
/* Advance the clock to now_ns (CLOCK_MONOTONIC) and close idle timelines;
 * returns how many closed. */
unsigned int correlator_expire(struct correlator *c, __u64 now_ns);
/* Close every live timeline, oldest first; returns how many. */
unsigned int correlator_flush(struct correlator *c);
void correlator_get_stats(const struct correlator *c,
			  struct correlator_stats *st);

/* A deep copy that outlives the callback; NULL on allocation failure. */
struct timeline *timeline_dup(const struct timeline *t);
void timeline_free(struct timeline *t);
/* "idle", "evicted", "flushed", "superseded". */
const char *timeline_close_name(enum timeline_close r);

#endif
