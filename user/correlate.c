/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "names.h"
#include "render_parts.h"

#define HOPS_INITIAL 8

/* A live timeline and the correlator's bookkeeping around it. */
struct tl_entry {
	struct timeline t; /* first: what on_close sees */
	struct tl_entry *hnext; /* hash chain; free list link when unused */
	struct tl_entry *older; /* LRU list, ordered by last_seen */
	struct tl_entry *newer;
	__u64 last_seen; /* correlator clock at the last update */
	__u32 hops_cap; /* allocated entries of t.hops */
	bool app_truncated; /* t.app came from a truncated event */
};

struct correlator {
	__u32 max_timelines;
	__u32 max_hops;
	__u64 idle_ns;
	void (*on_close)(const struct timeline *t, void *ctx);
	void *ctx;

	struct tl_entry **buckets; /* keyed by fingerprint, chained */
	__u32 bucket_bits;
	struct tl_entry *oldest; /* least recently updated: evicted first */
	struct tl_entry *newest;
	struct tl_entry *free_list; /* closed entries kept for reuse */
	__u64 now; /* highest ts_ns seen, or given to expire() */
	__u64 next_id;
	struct correlator_stats st;
};

struct correlator *correlator_new(const struct correlator_opts *o)
{
	struct correlator *c = calloc(1, sizeof(*c));
	__u32 nbuckets;

	if (!c)
		return NULL;
	c->max_timelines = o && o->max_timelines ? o->max_timelines :
			   CORRELATOR_DEFAULT_MAX_TIMELINES;
	c->max_hops = o && o->max_hops ? o->max_hops :
		      CORRELATOR_DEFAULT_MAX_HOPS;
	c->idle_ns = o && o->idle_ns ? o->idle_ns : CORRELATOR_DEFAULT_IDLE_NS;
	if (o) {
		c->on_close = o->on_close;
		c->ctx = o->ctx;
	}
	/* Load factor <= 0.5 keeps chains short. */
	c->bucket_bits = 4;
	while ((1u << c->bucket_bits) < 2ull * c->max_timelines &&
	       c->bucket_bits < 30)
		c->bucket_bits++;
	nbuckets = 1u << c->bucket_bits;
	c->buckets = calloc(nbuckets, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

static void free_entry_list(struct tl_entry *e, bool via_newer)
{
	while (e) {
		struct tl_entry *next = via_newer ? e->newer : e->hnext;

		free(e->t.hops);
		free(e);
		e = next;
	}
}

void correlator_free(struct correlator *c)
{
	if (!c)
		return;
	free_entry_list(c->oldest, true);
	free_entry_list(c->free_list, false);
	free(c->buckets);
	free(c);
}

static __u32 bucket_of(const struct correlator *c, __u64 fp)
{
	/* Fibonacci hashing: cheap, and spreads weak fingerprints too. */
	return (__u32)((fp * 0x9e3779b97f4a7c15ull) >> (64 - c->bucket_bits));
}

static struct tl_entry *lookup(const struct correlator *c, __u64 fp)
{
	struct tl_entry *e = c->buckets[bucket_of(c, fp)];

	while (e && e->t.fingerprint != fp)
		e = e->hnext;
	return e;
}

static void hash_insert(struct correlator *c, struct tl_entry *e)
{
	struct tl_entry **head = &c->buckets[bucket_of(c, e->t.fingerprint)];

	e->hnext = *head;
	*head = e;
}

static void hash_remove(struct correlator *c, struct tl_entry *e)
{
	struct tl_entry **p = &c->buckets[bucket_of(c, e->t.fingerprint)];

	while (*p && *p != e)
		p = &(*p)->hnext;
	if (*p)
		*p = e->hnext;
	e->hnext = NULL;
}

static void lru_unlink(struct correlator *c, struct tl_entry *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	e->older = e->newer = NULL;
}

static void lru_append(struct correlator *c, struct tl_entry *e)
{
	e->older = c->newest;
	e->newer = NULL;
	if (c->newest)
		c->newest->newer = e;
	else
		c->oldest = e;
	c->newest = e;
}

static void finalize(struct timeline *t)
{
	for (__u32 i = 0; i < t->n_hops; i++) {
		struct timeline_hop *h = &t->hops[i];

		h->since_first_ns = h->ts_ns - t->hops[0].ts_ns;
		h->since_prev_ns = i ? h->ts_ns - t->hops[i - 1].ts_ns : 0;
	}
}

static void close_entry(struct correlator *c, struct tl_entry *e,
			enum timeline_close reason)
{
	hash_remove(c, e);
	lru_unlink(c, e);
	c->st.live--;
	finalize(&e->t);
	e->t.close_reason = reason;
	switch (reason) {
	case CLOSE_IDLE:
		c->st.closed_idle++;
		break;
	case CLOSE_EVICTED:
		e->t.flags |= TIMELINE_F_EVICTED;
		c->st.evicted++;
		break;
	case CLOSE_FLUSHED:
		c->st.flushed++;
		break;
	case CLOSE_SUPERSEDED:
		c->st.superseded++;
		break;
	}
	if (c->on_close)
		c->on_close(&e->t, c->ctx);
	e->hnext = c->free_list;
	c->free_list = e;
}

static void set_app(struct tl_entry *e, const struct nstrace_event *ev)
{
	struct pkt_addrs a;
	struct sbuf sb;

	pkt_app_from_event(&e->t.app, ev);
	pkt_addrs_from_event(&a, ev);
	sb_init(&sb, e->t.summary, sizeof(e->t.summary));
	text_packet(&sb, &a, &e->t.app);
	e->app_truncated = ev->flags & NSTRACE_F_TRUNCATED;
}

static struct tl_entry *open_timeline(struct correlator *c,
				      const struct nstrace_event *ev)
{
	struct timeline_hop *hops;
	struct tl_entry *e;
	__u32 cap;

	if (c->st.live >= c->max_timelines)
		close_entry(c, c->oldest, CLOSE_EVICTED);
	e = c->free_list;
	if (e) {
		c->free_list = e->hnext;
	} else {
		e = calloc(1, sizeof(*e));
		if (!e)
			return NULL;
	}
	/* Keep the hop array of a reused entry. */
	hops = e->t.hops;
	cap = e->hops_cap;
	memset(e, 0, sizeof(*e));
	e->t.hops = hops;
	e->hops_cap = cap;

	e->t.id = ++c->next_id;
	e->t.fingerprint = ev->fingerprint;
	if (ev->app == NSTRACE_APP_ICMP_ERR)
		e->t.related_fp = ev->related_fp;
	set_app(e, ev);
	hash_insert(c, e);
	lru_append(c, e);
	c->st.live++;
	c->st.timelines++;
	return e;
}

/* A hop is a place: the same (kind, hop, direction) means a new packet. */
static bool same_place(const struct timeline_hop *h,
		       const struct nstrace_event *ev)
{
	if (h->kind != ev->kind || h->hop_id != ev->hop_id || h->dir != ev->dir)
		return false;
	return ev->hop_id ||
	       (h->ifindex == ev->ifindex && h->netns_cookie == ev->netns_cookie);
}

static bool seen_at(const struct timeline *t, const struct nstrace_event *ev)
{
	for (__u32 i = 0; i < t->n_hops; i++)
		if (same_place(&t->hops[i], ev))
			return true;
	return false;
}

static bool grow_hops(struct correlator *c, struct tl_entry *e)
{
	__u32 cap = e->hops_cap ? e->hops_cap * 2 : HOPS_INITIAL;
	struct timeline_hop *hops;

	if (cap > c->max_hops)
		cap = c->max_hops;
	hops = realloc(e->t.hops, cap * sizeof(*hops));
	if (!hops)
		return false;
	e->t.hops = hops;
	e->hops_cap = cap;
	return true;
}

static void add_hop(struct correlator *c, struct tl_entry *e,
		    const struct nstrace_event *ev)
{
	struct timeline *t = &e->t;
	struct timeline_hop *h;
	__u32 i;

	if (t->n_hops >= c->max_hops ||
	    (t->n_hops == e->hops_cap && !grow_hops(c, e))) {
		t->hops_dropped++;
		t->flags |= TIMELINE_F_HOPS_FULL;
		c->st.hops_dropped++;
		return;
	}
	/* Usually in order: the scan from the end stops at once. */
	for (i = t->n_hops; i > 0 && t->hops[i - 1].ts_ns > ev->ts_ns; i--)
		;
	memmove(&t->hops[i + 1], &t->hops[i],
		(t->n_hops - i) * sizeof(*t->hops));
	t->n_hops++;
	h = &t->hops[i];
	memset(h, 0, sizeof(*h));
	h->ts_ns = ev->ts_ns;
	h->netns_cookie = ev->netns_cookie;
	h->hop_id = ev->hop_id;
	h->ifindex = ev->ifindex;
	h->pkt_len = ev->pkt_len;
	h->kind = ev->kind;
	h->dir = ev->dir;
	h->frag_off = ev->frag_off;
	pkt_carrier_from_event(&h->carrier, ev);
	pkt_addrs_from_event(&h->addrs, ev);
	pkt_drop_from_event(&h->drop, ev);
	if (h->drop.present)
		t->flags |= TIMELINE_F_DROPPED;
	t->first_ts_ns = t->hops[0].ts_ns;
	t->last_ts_ns = t->hops[t->n_hops - 1].ts_ns;
	if (e->app_truncated && !(ev->flags & NSTRACE_F_TRUNCATED))
		set_app(e, ev);
}

static void set_error_place(struct timeline_icmp_error *x,
			    const struct nstrace_event *ev)
{
	x->ts_ns = ev->ts_ns;
	x->hop_id = ev->hop_id;
	x->ifindex = ev->ifindex;
	x->netns_cookie = ev->netns_cookie;
	x->dir = ev->dir;
}

static void link_icmp_error(struct correlator *c, struct tl_entry *err,
			    const struct nstrace_event *ev)
{
	struct tl_entry *q = lookup(c, ev->related_fp);
	struct timeline_icmp_error *x;

	if (!q || q == err) {
		c->st.icmp_unlinked++;
		return;
	}
	c->st.icmp_linked++;
	q->t.flags |= TIMELINE_F_ICMP_ERROR;
	for (__u32 i = 0; i < q->t.n_icmp_errors; i++) {
		x = &q->t.icmp_errors[i];
		if (x->fingerprint == ev->fingerprint) {
			x->count++;
			if (ev->ts_ns < x->ts_ns)
				set_error_place(x, ev);
			return;
		}
	}
	if (q->t.n_icmp_errors == TIMELINE_MAX_ICMP_ERRORS)
		return;
	x = &q->t.icmp_errors[q->t.n_icmp_errors++];
	x->fingerprint = ev->fingerprint;
	set_error_place(x, ev);
	x->count = 1;
	x->l3_family = ev->l3_family;
	x->type = ev->icmp_type;
	x->code = ev->icmp_code;
	x->mtu = icmp_mtu(ev->l3_family, ev->icmp_type, ev->icmp_code,
			  ev->icmp_id, ev->icmp_seq);
	memcpy(x->reporter, ev->saddr, sizeof(x->reporter));
}

static unsigned int expire_idle(struct correlator *c)
{
	unsigned int n = 0;

	while (c->oldest && c->now - c->oldest->last_seen >= c->idle_ns) {
		close_entry(c, c->oldest, CLOSE_IDLE);
		n++;
	}
	return n;
}

void correlator_add(struct correlator *c, const struct nstrace_event *ev)
{
	struct tl_entry *e;

	c->st.events++;
	if (!ev->fingerprint) {
		c->st.unkeyed++;
		return;
	}
	if (ev->ts_ns > c->now)
		c->now = ev->ts_ns;
	expire_idle(c);
	e = lookup(c, ev->fingerprint);
	if (e && seen_at(&e->t, ev)) {
		close_entry(c, e, CLOSE_SUPERSEDED);
		e = NULL;
	}
	if (!e) {
		e = open_timeline(c, ev);
		if (!e) {
			c->st.hops_dropped++; /* out of memory: not kept */
			return;
		}
	}
	add_hop(c, e, ev);
	e->last_seen = c->now;
	lru_unlink(c, e);
	lru_append(c, e);
	if (ev->app == NSTRACE_APP_ICMP_ERR && ev->related_fp)
		link_icmp_error(c, e, ev);
}

unsigned int correlator_expire(struct correlator *c, __u64 now_ns)
{
	if (now_ns > c->now)
		c->now = now_ns;
	return expire_idle(c);
}

unsigned int correlator_flush(struct correlator *c)
{
	unsigned int n = 0;

	while (c->oldest) {
		close_entry(c, c->oldest, CLOSE_FLUSHED);
		n++;
	}
	return n;
}

void correlator_get_stats(const struct correlator *c,
			  struct correlator_stats *st)
{
	*st = c->st;
}

struct timeline *timeline_dup(const struct timeline *t)
{
	struct timeline *d = malloc(sizeof(*d));

	if (!d)
		return NULL;
	*d = *t;
	d->hops = NULL;
	if (t->n_hops) {
		d->hops = malloc(t->n_hops * sizeof(*d->hops));
		if (!d->hops) {
			free(d);
			return NULL;
		}
		memcpy(d->hops, t->hops, t->n_hops * sizeof(*d->hops));
	}
	return d;
}

void timeline_free(struct timeline *t)
{
	if (!t)
		return;
	free(t->hops);
	free(t);
}

const char *timeline_close_name(enum timeline_close r)
{
	switch (r) {
	case CLOSE_IDLE:
		return "idle";
	case CLOSE_EVICTED:
		return "evicted";
	case CLOSE_FLUSHED:
		return "flushed";
	case CLOSE_SUPERSEDED:
		return "superseded";
	}
	return "unknown";
}
