/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A trace along a planned path (path_plan.h), shared by `nstrace dhcp` and
 * `nstrace ping`: the tc probe on every attachable hop in both directions
 * (hop table filled with node and role from the path), optionally the
 * drop probe, the event loop (--timeout, signals, the caller's stop
 * condition), the correlator, a live status line, and hooks that receive
 * events and closed timelines.
 *
 * Life cycle: trace_session_start() (load, attach, timed) ->
 * trace_session_run() -> trace_session_finish() (detach, drain, flush) ->
 * trace_session_close().  Stop signals are blocked from start to close and
 * only end the loop, so everything is detached on every way out; tcx and
 * tracing links vanish with the process even on SIGKILL.
 *
 * Timelines that began before every probe point was armed, or after the
 * loop ended, are not handed on: part of their path was not watched.
 *
 * Events the path explains less well are still handed to on_event, with
 * on_path false, but kept out of the timelines: copies of a flooded
 * broadcast encapsulated towards another node than the path's peer, and
 * drops at devices off the path.  Drops get the hop id of the place they
 * happened (an entry with direction "unknown"), so renderers name it.
 */
#ifndef NSTRACE_TRACE_SESSION_H
#define NSTRACE_TRACE_SESSION_H

#include <stdbool.h>
#include <stdio.h>

#include "attach.h"
#include "correlate.h"
#include "loop.h"
#include "path_plan.h"
#include "stream.h"
#include "topology.h"
#include "verdict.h"

struct trace_opts {
	const struct topology *t;
	const struct port_path *path;
	struct nstrace_filter filter;
	enum attach_mode mode;
	bool drops; /* attach the kfree_skb drop probe too */
	__u32 snaplen;
	__u64 ringbuf_bytes;
	unsigned long long timeout_ms; /* 0: none */
	__u64 idle_ns; /* a timeline closes after this long without events */
	bool status_line; /* a live status line on stderr (a TTY) */
	const char *hint; /* for the status line: how to make traffic */
};

struct trace_hooks {
	void *ctx;
	/* Every event, with its hop (NULL if unknown). */
	void (*on_event)(void *ctx, const struct nstrace_event *e, const struct hop *hop,
			 bool on_path);
	/* A closed timeline of on-path events; valid during the call. */
	void (*on_timeline)(void *ctx, const struct timeline *t);
	/* After each drain with CLOCK_MONOTONIC now: true ends the trace. */
	bool (*tick)(void *ctx, __u64 now_ns);
	/* What the trace waits for, for the status line. */
	void (*status)(void *ctx, char *buf, size_t len);
};

enum trace_end {
	TRACE_END_DONE, /* tick said so */
	TRACE_END_TIMEOUT,
	TRACE_END_SIGNAL,
};

struct drop_place {
	__u64 netns_cookie;
	__u32 ifindex; /* 0: the namespace, no device */
	__u32 hop_id;
	bool on_path;
};

struct trace_session {
	struct trace_opts o;
	struct probe_bpf *probe;
	struct drop_bpf *drop;
	struct dev_target *targets;
	int *target_hop; /* per target: its path hop */
	int n_targets;
	struct attach_session attach;
	bool attached;
	struct hop_table *hops;
	struct hop_places places;
	struct drop_place *drop_places;
	size_t n_drop_places;
	struct correlator *corr;
	const struct trace_hooks *hooks; /* during run and finish */
	struct stream stream;
	bool stream_open;
	struct loop loop;
	bool loop_open;
	unsigned char *ev_buf; /* a writable copy of the current event */
	/* Figures. */
	unsigned long long load_ms, attach_ms; /* load: probe (+ drop) */
	__u64 events, off_path;
	long long lost;
	int signo;
	__u64 start_ns; /* when tracing began: every probe point armed */
	__u64 end_ns; /* when the loop ended (0 before): detaching next */
	bool status_drawn;
	__u64 status_next_ns;
};

/* Load, attach and arm; on failure nothing stays attached, msg says why.
 * Returns 0 or -errno (-EPERM/-EOPNOTSUPP: privileges or kernel). */
int trace_session_start(struct trace_session *s, const struct trace_opts *o, char *msg,
			size_t len);
/* Trace until the hooks, the timeout or a signal end it. */
enum trace_end trace_session_run(struct trace_session *s, const struct trace_hooks *h,
				 int *err);
/* Detach, deliver what is still in the ring, close every timeline. */
void trace_session_finish(struct trace_session *s);
void trace_session_close(struct trace_session *s);

/* "done", "--timeout passed", "stopped by a signal". */
const char *trace_end_text(enum trace_end end);
/* Probe points (attached hooks): two per device. */
int trace_session_points(const struct trace_session *s);
/* "tcx" or "clsact": how the probes are attached. */
const char *trace_session_mode(const struct trace_session *s);
/* Erase the status line before printing to the terminal. */
void trace_status_clear(struct trace_session *s);

#endif
