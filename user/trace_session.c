// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A trace along a planned path: attach, loop, correlate, detach. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "drop_probe.h"
#include "env_check.h"
#include "log.h"
#include "names.h"
#include "probe_loader.h"
#include "str_copy.h"
#include "trace_session.h"

#define LOST_CHECK_MS 250
#define STATUS_EVERY_NS 200000000ull

/* One target per attachable hop of the path, its namespace opened. */
static int resolve_targets(struct trace_session *s, char *msg, size_t len)
{
	const struct port_path *p = s->o.path;

	s->targets = calloc(p->n ? p->n : 1, sizeof(*s->targets));
	s->target_hop = calloc(p->n ? p->n : 1, sizeof(*s->target_hop));
	if (!s->targets || !s->target_hop)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		const struct path_hop *ph = &p->hops[i];
		struct dev_target *t = &s->targets[s->n_targets];
		struct hop h;
		bool dup = false;
		int err;

		if (!ph->attachable)
			continue;
		path_hop_to_hop(ph, ph->dir_out, &h);
		memset(t, 0, sizeof(*t));
		t->netns_fd = -1;
		STR_COPY(t->netns, h.netns);
		STR_COPY(t->dev, h.dev);
		err = dev_target_resolve(t, msg, len);
		if (err) {
			dev_target_close(t);
			return err;
		}
		for (int k = 0; k < s->n_targets; k++)
			dup |= s->targets[k].netns_cookie == t->netns_cookie &&
			       s->targets[k].ifindex == t->ifindex;
		if (dup) {
			dev_target_close(t);
			continue;
		}
		s->target_hop[s->n_targets++] = (int)i;
	}
	if (!s->n_targets) {
		snprintf(msg, len, "no hop of the path can carry a probe%s%s",
			 p->problem[0] ? ": " : "", p->problem);
		return -ENODEV;
	}
	return 0;
}

/* Name the attached hops after the path: node and role. */
static void name_hops(struct trace_session *s)
{
	for (int i = 0; i < s->attach.n_points; i++) {
		const struct attach_point *pt = &s->attach.points[i];
		int hop = s->target_hop[pt->target];
		struct hop *h = &s->hops->hops[pt->hop_id];
		struct hop named;

		if (!pt->hop_id || pt->hop_id > s->hops->count)
			continue;
		path_hop_to_hop(&s->o.path->hops[hop], pt->dir, &named);
		STR_COPY(h->node, named.node);
		STR_COPY(h->role, named.role);
		hop_places_set(&s->places, pt->hop_id, hop);
	}
}

static int add_drop_place(struct trace_session *s, const struct hop *h, int path_hop,
			  bool on_path)
{
	struct drop_place *d = realloc(s->drop_places, (s->n_drop_places + 1) * sizeof(*d));
	int id;

	if (!d)
		return -ENOMEM;
	s->drop_places = d;
	id = hop_table_add(s->hops, h);
	if (id < 0)
		return id;
	d[s->n_drop_places].netns_cookie = h->netns_cookie;
	d[s->n_drop_places].ifindex = h->ifindex;
	d[s->n_drop_places].hop_id = (__u32)id;
	d[s->n_drop_places].on_path = on_path;
	s->n_drop_places++;
	if (path_hop >= 0)
		hop_places_set(&s->places, (__u32)id, path_hop);
	return id;
}

/*
 * Every device of the path (qbr too: its own stack drops) is a place a
 * drop can be named at, and so is each namespace of the path for drops
 * without a device (a socket's): the namespace's last hop stands for it.
 */
static int plan_drop_places(struct trace_session *s)
{
	const struct port_path *p = s->o.path;

	for (size_t i = 0; i < p->n; i++) {
		const struct path_hop *ph = &p->hops[i];
		struct hop h;
		int err;

		if (!ph->netns_cookie)
			continue;
		path_hop_to_hop(ph, NSTRACE_DIR_UNKNOWN, &h);
		if (ph->ifindex > 0) {
			err = add_drop_place(s, &h, (int)i, true);
			if (err < 0)
				return err;
		}
		if (i + 1 < p->n && p->hops[i + 1].netns_cookie == ph->netns_cookie)
			continue;
		h.ifindex = 0;
		h.dev[0] = '\0';
		err = add_drop_place(s, &h, (int)i, true);
		if (err < 0)
			return err;
	}
	return 0;
}

static const struct drop_place *find_drop_place(const struct trace_session *s, __u64 cookie,
						__u32 ifindex)
{
	for (size_t i = 0; i < s->n_drop_places; i++)
		if (s->drop_places[i].netns_cookie == cookie &&
		    s->drop_places[i].ifindex == ifindex)
			return &s->drop_places[i];
	return NULL;
}

/* A drop off the path: name it from the topology when it knows the place. */
static const struct drop_place *learn_drop_place(struct trace_session *s, __u64 cookie,
						 __u32 ifindex)
{
	const struct topology *t = s->o.t;
	struct hop h = { .dir = NSTRACE_DIR_UNKNOWN, .ifindex = ifindex, .netns_cookie = cookie };

	for (size_t n = 0; t && n < t->n_ns; n++) {
		const struct topo_ns *ns = &t->ns[n];
		const struct link_info *li;

		if (!ns->links.has_cookie || ns->links.netns_cookie != cookie)
			continue;
		li = ifindex ? links_by_index(&ns->links, (int)ifindex) : NULL;
		if (ifindex && !li)
			break;
		STR_COPY(h.netns, ns->ns.is_self ? "" : ns->ns.named ? ns->ns.name : ns->ns.path);
		if (li) {
			STR_COPY(h.dev, li->name);
			STR_COPY(h.role, role_name(dev_classify(li->name, ns->kind)));
		}
		STR_COPY(h.node, topo_node_name(t, ns->node));
		if (add_drop_place(s, &h, -1, false) < 0)
			return NULL;
		return &s->drop_places[s->n_drop_places - 1];
	}
	return NULL;
}

/* Does a tunnelled event at path hop `hop` use the path's tunnel? A
 * flooded broadcast leaves the node once per peer. */
static bool on_path_tunnel(const struct path_hop *ph, const struct nstrace_event *e)
{
	char s[IP_STR_LEN], d[IP_STR_LEN];

	if (!(e->flags & NSTRACE_F_TUNNEL) || !ph->tun_local[0] || !ph->tun_remote[0])
		return true;
	fmt_ip(s, e->tun_family, e->tun_saddr);
	fmt_ip(d, e->tun_family, e->tun_daddr);
	return (!strcmp(s, ph->tun_local) && !strcmp(d, ph->tun_remote)) ||
	       (!strcmp(s, ph->tun_remote) && !strcmp(d, ph->tun_local));
}

void trace_status_clear(struct trace_session *s)
{
	if (s->status_drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		s->status_drawn = false;
	}
}

static int on_event(void *ctx, const struct nstrace_event *ev, size_t size)
{
	struct trace_session *s = ctx;
	struct nstrace_event *e = (struct nstrace_event *)s->ev_buf;
	size_t max = sizeof(*e) + NSTRACE_SNAPLEN_MAX;
	const struct hop *hop;
	bool on_path = true;

	memcpy(e, ev, size < max ? size : max);
	s->events++;
	if (e->kind == NSTRACE_EV_DROP) {
		const struct drop_place *d = find_drop_place(s, e->netns_cookie, e->ifindex);

		if (!d)
			d = learn_drop_place(s, e->netns_cookie, e->ifindex);
		if (d)
			e->hop_id = d->hop_id;
		on_path = d && d->on_path;
	}
	/* A copy encapsulated towards another peer is not this path's. */
	if (on_path) {
		int ph = hop_places_get(&s->places, e->hop_id);

		on_path = ph >= 0 && on_path_tunnel(&s->o.path->hops[ph], e);
	}
	hop = hop_table_get(s->hops, e->hop_id);
	if (!on_path)
		s->off_path++;
	if (s->hooks && s->hooks->on_event) {
		trace_status_clear(s);
		s->hooks->on_event(s->hooks->ctx, e, hop, on_path);
	}
	if (on_path)
		correlator_add(s->corr, e);
	return 0;
}

static void on_close(const struct timeline *t, void *ctx)
{
	struct trace_session *s = ctx;

	/* A packet that began while the probes were still being attached,
	 * or already being removed, crossed part of its path unseen: its
	 * timeline would tell of losses that did not happen. */
	if (t->first_ts_ns < s->start_ns || (s->end_ns && t->first_ts_ns > s->end_ns))
		return;
	if (s->hooks && s->hooks->on_timeline) {
		trace_status_clear(s);
		s->hooks->on_timeline(s->hooks->ctx, t);
	}
}

int trace_session_points(const struct trace_session *s)
{
	return s->attach.n_points;
}

const char *trace_session_mode(const struct trace_session *s)
{
	return attach_mode_name(s->attached ? s->attach.mode : s->o.mode);
}

/* The drop probe, loaded on a thread of its own. */
struct drop_loader {
	struct trace_session *s;
	int err;
	char msg[256];
};

static void *load_drop(void *arg)
{
	struct drop_loader *dl = arg;

	dl->err = drop_probe_attach(&dl->s->drop, dl->s->probe, dl->s->o.snaplen, dl->msg,
				    sizeof(dl->msg));
	return NULL;
}

static void stop_attach(struct trace_session *s)
{
	if (s->attached)
		attach_session_stop(&s->attach);
	s->attached = false;
}

/*
 * The tc links, while the drop probe loads on a thread of its own: its
 * verification runs during their RCU grace periods (each tcx link waits
 * for one, under the RTNL lock, so the links themselves go one by one).
 */
static int attach_all(struct trace_session *s, const struct attach_probe *probe, char *msg,
		      size_t len)
{
	struct drop_loader dl = { .s = s };
	bool threaded = false;
	pthread_t thread;
	int err;

	if (s->o.drops) {
		threaded = !pthread_create(&thread, NULL, load_drop, &dl);
		if (!threaded)
			load_drop(&dl);
	}
	err = attach_session_start(&s->attach, s->targets, s->n_targets, probe, s->o.mode,
				   s->hops, msg, len);
	s->attached = !err;
	if (threaded)
		pthread_join(thread, NULL);
	/* Without drop reasons the trace still says where packets stop. */
	if (!err && dl.err)
		log_warn("%s; tracing without the kernel's drop reasons", dl.msg);
	if (err) {
		size_t l = strlen(msg);

		snprintf(msg + l, len - l, "; nothing is attached");
		stop_attach(s);
	}
	return err;
}

int trace_session_start(struct trace_session *s, const struct trace_opts *o, char *msg,
			size_t len)
{
	struct correlator_opts co = { .idle_ns = o->idle_ns, .on_close = on_close, .ctx = s };
	struct attach_probe probe;
	struct stream_maps maps;
	__u64 t0, t1;
	int err;

	memset(s, 0, sizeof(*s));
	s->o = *o;
	s->attach.state.fd = -1;
	s->loop.epfd = s->loop.sigfd = s->loop.timerfd = -1;
	hop_places_init(&s->places);
	s->hops = calloc(1, sizeof(*s->hops));
	s->ev_buf = malloc(sizeof(struct nstrace_event) + NSTRACE_SNAPLEN_MAX);
	s->corr = correlator_new(&co);
	if (!s->hops || !s->ev_buf || !s->corr) {
		snprintf(msg, len, "out of memory");
		return -ENOMEM;
	}
	err = env_check(msg, len);
	if (!err)
		err = resolve_targets(s, msg, len);
	if (err)
		return err;
	/* From here a stop signal waits for the loop, which always cleans up. */
	err = loop_init(&s->loop);
	if (err) {
		snprintf(msg, len, "cannot set up signal handling: %s", strerror(-err));
		return err;
	}
	s->loop_open = true;
	t0 = loop_clock_ns(CLOCK_MONOTONIC);
	{
		struct probe_config cfg = {
			.snaplen = o->snaplen,
			.ringbuf_bytes = o->ringbuf_bytes,
			.filter = o->filter,
		};

		err = probe_load(&s->probe, &cfg, msg, len);
	}
	if (err)
		return err;
	t1 = loop_clock_ns(CLOCK_MONOTONIC);
	probe_fds(s->probe, &probe, &maps);
	err = attach_all(s, &probe, msg, len);
	if (err)
		return err;
	s->load_ms = (t1 - t0) / 1000000;
	s->attach_ms = (loop_clock_ns(CLOCK_MONOTONIC) - t0) / 1000000;
	name_hops(s);
	err = plan_drop_places(s);
	if (!err)
		err = stream_open(&s->stream, &maps, s->hops, on_event, s);
	if (!err) {
		s->stream_open = true;
		err = loop_add_fd(&s->loop, stream_epoll_fd(&s->stream));
	}
	if (!err && o->timeout_ms)
		err = loop_set_timeout(&s->loop, o->timeout_ms);
	if (err) {
		snprintf(msg, len, "cannot read the probe's ring buffer: %s", strerror(-err));
		return err;
	}
	s->start_ns = loop_clock_ns(CLOCK_MONOTONIC);
	return 0;
}

static int term_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

/* "[  3.2s] waiting for ... | hint | 18 probes on 9 devices + drops". */
static void status_draw(struct trace_session *s, __u64 now)
{
	char what[256] = "", line[1024];
	int width = term_width();

	if (s->hooks && s->hooks->status)
		s->hooks->status(s->hooks->ctx, what, sizeof(what));
	/* Most important first: a narrow terminal cuts the end. */
	snprintf(line, sizeof(line), "[%5.1fs] %s%s%s | %d probes on %d devices%s",
		 (double)(now - s->start_ns) / 1e9, what, s->o.hint ? " | " : "",
		 s->o.hint ? s->o.hint : "", trace_session_points(s), s->n_targets,
		 s->drop ? " + drops" : "");
	/* One line: a wrapped line could not be redrawn in place. */
	if ((int)strlen(line) >= width)
		line[width - 1] = '\0';
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	s->status_drawn = true;
}

static enum trace_end run_loop(struct trace_session *s, const struct trace_hooks *h, int *err);

enum trace_end trace_session_run(struct trace_session *s, const struct trace_hooks *h,
				 int *err)
{
	enum trace_end end = run_loop(s, h, err);

	s->end_ns = loop_clock_ns(CLOCK_MONOTONIC);
	return end;
}

static enum trace_end run_loop(struct trace_session *s, const struct trace_hooks *h, int *err)
{
	__u64 next_lost = loop_clock_ns(CLOCK_MONOTONIC);
	enum loop_event ev;

	s->hooks = h;
	*err = 0;
	for (;;) {
		__u64 now;
		int n;

		ev = loop_wait(&s->loop, s->stream.more ? 0 : STREAM_DRAIN_MS);
		n = stream_drain(&s->stream);
		if (n < 0) {
			*err = n;
			return TRACE_END_DONE;
		}
		now = loop_clock_ns(CLOCK_MONOTONIC);
		correlator_expire(s->corr, now);
		if (h->tick && h->tick(h->ctx, now))
			return TRACE_END_DONE;
		if (ev == LOOP_SIGNAL) {
			s->signo = s->loop.signo;
			return TRACE_END_SIGNAL;
		}
		if (ev == LOOP_TIMEOUT)
			return TRACE_END_TIMEOUT;
		if (now >= next_lost) {
			/* A warning must not land on the status line; it is
			 * redrawn right after, so nothing flickers. */
			trace_status_clear(s);
			stream_check_lost(&s->stream);
			next_lost = now + LOST_CHECK_MS * 1000000ull;
			s->status_next_ns = now;
		}
		if (s->o.status_line && now >= s->status_next_ns) {
			status_draw(s, now);
			s->status_next_ns = now + STATUS_EVERY_NS;
		}
	}
}

void trace_session_finish(struct trace_session *s)
{
	trace_status_clear(s);
	stop_attach(s);
	drop_probe_detach(s->drop);
	s->drop = NULL;
	if (s->stream_open) {
		/* What the probes emitted up to the detach is still in the ring. */
		while (stream_drain(&s->stream) > 0 && s->stream.more)
			;
		s->lost = stream_check_lost(&s->stream);
	}
	if (s->corr)
		correlator_flush(s->corr);
}

void trace_session_close(struct trace_session *s)
{
	trace_status_clear(s);
	stop_attach(s);
	drop_probe_detach(s->drop);
	if (s->stream_open)
		stream_close(&s->stream);
	probe_unload(s->probe);
	if (s->loop_open)
		loop_close(&s->loop);
	for (int i = 0; i < s->n_targets; i++)
		dev_target_close(&s->targets[i]);
	correlator_free(s->corr);
	free(s->targets);
	free(s->target_hop);
	free(s->drop_places);
	free(s->hops);
	free(s->ev_buf);
	memset(s, 0, sizeof(*s));
}

const char *trace_end_text(enum trace_end end)
{
	switch (end) {
	case TRACE_END_TIMEOUT:
		return "--timeout passed";
	case TRACE_END_SIGNAL:
		return "stopped by a signal";
	default:
		return "done";
	}
}
