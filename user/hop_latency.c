// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hop_latency.h"
#include "names.h"
#include "neutron_names.h"
#include "render_parts.h"

void hop_latency_init(struct hop_latency *l, const struct port_path *path)
{
	memset(l, 0, sizeof(*l));
	l->path = path;
}

void hop_latency_free(struct hop_latency *l)
{
	for (size_t i = 0; i < l->n_rows; i++)
		free(l->rows[i].s.v);
	free(l->rows);
	free(l->rtt.v);
	memset(l, 0, sizeof(*l));
}

static int push(struct lat_samples *s, __u64 v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		__u64 *p = realloc(s->v, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->v = p;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return 0;
}

static struct lat_row *row(struct hop_latency *l, int leg, int pos, int hop, __u8 dir)
{
	struct lat_row *r;

	for (size_t i = 0; i < l->n_rows; i++)
		if (l->rows[i].leg == leg && l->rows[i].pos == pos && l->rows[i].hop == hop)
			return &l->rows[i];
	r = realloc(l->rows, (l->n_rows + 1) * sizeof(*r));
	if (!r)
		return NULL;
	l->rows = r;
	r = &r[l->n_rows++];
	memset(r, 0, sizeof(*r));
	r->leg = leg;
	r->pos = pos;
	r->hop = hop;
	r->dir = dir;
	return r;
}

int hop_latency_add(struct hop_latency *l, int leg, const struct journey *j,
		    const struct timeline *t, const struct hop_places *places)
{
	bool seen = false;
	__u64 prev = 0;

	/* Deltas between probe points of the journey, in time order. */
	for (__u32 i = 0; t && i < t->n_hops; i++) {
		const struct timeline_hop *h = &t->hops[i];
		int hop = hop_places_get(places, h->hop_id);
		int pos = hop >= 0 ? journey_find(j, hop, h->dir) : -1;
		struct lat_row *r;

		if (h->kind != NSTRACE_EV_PACKET || pos < 0)
			continue;
		r = row(l, leg, pos, hop, h->dir);
		if (!r || push(&r->s, seen ? h->ts_ns - prev : 0))
			return -ENOMEM;
		seen = true;
		prev = h->ts_ns;
	}
	return 0;
}

int hop_latency_add_rtt(struct hop_latency *l, __u64 ns)
{
	return push(&l->rtt, ns);
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

void lat_stats_of(struct lat_samples *s, struct lat_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	out->count = s->n;
	out->min = s->v[0];
	out->max = s->v[s->n - 1];
	out->median = s->n % 2 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
}

static int row_order(const void *a, const void *b)
{
	const struct lat_row *x = a, *y = b;

	if (x->leg != y->leg)
		return x->leg - y->leg;
	return x->pos - y->pos;
}

static void usec(char *buf, size_t len, __u64 ns)
{
	struct sbuf sb;

	sb_init(&sb, buf, len);
	text_usec(&sb, ns);
}

void hop_latency_print_text(FILE *out, struct hop_latency *l)
{
	int width = 6;

	qsort(l->rows, l->n_rows, sizeof(*l->rows), row_order);
	for (size_t i = 0; i < l->n_rows; i++) {
		const struct path_hop *h = &l->path->hops[l->rows[i].hop];
		int w = (int)(strlen(h->node_name) + strlen(h->netns) + strlen(h->dev) + 2);

		width = w > width ? w : width;
	}
	fprintf(out, "Per-hop latency (us from the previous probe point)\n");
	fprintf(out, "  %-7s  %-*s  %-9s %-3s  %5s %10s %10s %10s\n", "LEG", width, "HOP", "ROLE",
		"DIR", "COUNT", "MIN", "MEDIAN", "MAX");
	for (size_t i = 0; i < l->n_rows; i++) {
		struct lat_row *r = &l->rows[i];
		const struct path_hop *h = &l->path->hops[r->hop];
		char label[320], mn[32], md[32], mx[32];
		struct lat_stats st;

		lat_stats_of(&r->s, &st);
		snprintf(label, sizeof(label), "%s %s/%s", h->node_name[0] ? h->node_name : "-",
			 h->netns, h->dev);
		usec(mn, sizeof(mn), st.min);
		usec(md, sizeof(md), st.median);
		usec(mx, sizeof(mx), st.max);
		fprintf(out, "  %-7s  %-*s  %-9s %-3s  %5zu %10s %10s %10s\n",
			r->leg ? "reply" : "request", width, label, role_name(h->role),
			dir_text(r->dir), st.count, mn, md, mx);
	}
	if (l->rtt.n) {
		struct lat_stats st;
		char mn[32], md[32], mx[32];

		lat_stats_of(&l->rtt, &st);
		usec(mn, sizeof(mn), st.min);
		usec(md, sizeof(md), st.median);
		usec(mx, sizeof(mx), st.max);
		fprintf(out, "  %-7s  %-*s  %-9s %-3s  %5zu %10s %10s %10s\n", "rtt", width,
			"first probe point -> back", "", "", st.count, mn, md, mx);
	}
}

static json_t *stats_json(struct lat_samples *s)
{
	struct lat_stats st;

	lat_stats_of(s, &st);
	return json_pack("{s:I, s:I, s:I, s:I}", "count", (json_int_t)st.count, "min_ns",
			 (json_int_t)st.min, "median_ns", (json_int_t)st.median, "max_ns",
			 (json_int_t)st.max);
}

json_t *hop_latency_json(struct hop_latency *l)
{
	json_t *rows = json_array();

	qsort(l->rows, l->n_rows, sizeof(*l->rows), row_order);
	for (size_t i = 0; i < l->n_rows; i++) {
		struct lat_row *r = &l->rows[i];
		const struct path_hop *h = &l->path->hops[r->hop];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "leg",
				      r->leg ? "reply" : "request", "node", h->node_name, "netns",
				      h->netns, "dev", h->dev, "role", role_name(h->role), "dir",
				      dir_json(r->dir));

		json_t *st = stats_json(&r->s);

		json_object_update(o, st);
		json_decref(st);
		json_array_append_new(rows, o);
	}
	return json_pack("{s:s, s:o, s:o}", "type", "latency", "hops", rows, "rtt",
			 stats_json(&l->rtt));
}
