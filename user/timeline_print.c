/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <string.h>

#include "event_print.h"
#include "names.h"
#include "render_parts.h"
#include "timeline_print.h"

#define LINE_MAX 512

static const struct hop *hop_of(const struct hop_table *hops, __u32 id)
{
	return hops ? hop_table_get(hops, id) : NULL;
}

static void text_header(struct sbuf *sb, const struct timeline *t)
{
	sb_printf(sb, "timeline %llu fp %016llx: %s (%u hop%s in ",
		  (unsigned long long)t->id,
		  (unsigned long long)t->fingerprint, t->summary, t->n_hops,
		  t->n_hops == 1 ? "" : "s");
	text_usec(sb, t->last_ts_ns - t->first_ts_ns);
	sb_printf(sb, " us)");
	if (t->flags & TIMELINE_F_EVICTED)
		sb_word(sb, "[evicted: too many live timelines]");
	if (t->close_reason == CLOSE_SUPERSEDED)
		sb_word(sb, "[then retransmitted]");
	if (t->hops_dropped)
		sb_word(sb, "[%u more hops not kept]", t->hops_dropped);
}

/* What changed at this hop: carrier, NAT, TTL, drop, flags. */
static void text_hop_details(struct sbuf *sb, const struct timeline_hop *h,
			     const struct timeline_hop *prev)
{
	bool is_ip = h->addrs.l3_family == NSTRACE_L3_IPV4 ||
		     h->addrs.l3_family == NSTRACE_L3_IPV6;

	if (h->drop.present)
		text_drop(sb, &h->drop);
	text_outer(sb, &h->carrier);
	if (h->carrier.flags & NSTRACE_F_INNER_VLAN) {
		sb_word(sb, "|");
		text_inner_vlan(sb, &h->carrier);
	}
	if (prev)
		text_nat(sb, &prev->addrs, &h->addrs);
	if (prev && is_ip && prev->addrs.ttl != h->addrs.ttl)
		sb_word(sb, "%s %u",
			h->addrs.l3_family == NSTRACE_L3_IPV6 ? "hlim" : "ttl",
			h->addrs.ttl);
	text_flags(sb, h->carrier.flags, h->frag_off);
}

static void print_hop_text(FILE *out, const struct timeline_hop *h,
			   const struct timeline_hop *prev,
			   const struct hop_table *hops)
{
	char since[32], delta[32], label[HOP_LABEL_MAX];
	const char *dir = h->kind == NSTRACE_EV_DROP ? "-" : dir_text(h->dir);
	char details[LINE_MAX];
	struct sbuf sb;

	sb_init(&sb, since, sizeof(since));
	sb_printf(&sb, "+");
	text_usec(&sb, h->since_first_ns);
	sb_init(&sb, delta, sizeof(delta));
	sb_printf(&sb, "+");
	text_usec(&sb, h->since_prev_ns);
	sb_init(&sb, label, sizeof(label));
	text_hop_label(&sb, hop_of(hops, h->hop_id), h->ifindex,
		       h->netns_cookie);
	sb_init(&sb, details, sizeof(details));
	text_hop_details(&sb, h, prev);
	fprintf(out, "  %12s %12s  %-*s %s%*s%s\n", since, delta,
		HOP_LABEL_WIDTH, label, dir,
		/* align the details, without trailing blanks when none */
		details[0] ? 4 - (int)strlen(dir) : 0, "", details);
}

static void print_icmp_error_text(FILE *out, const struct timeline *t,
				  const struct timeline_icmp_error *x,
				  const struct hop_table *hops)
{
	const char *type = icmp_type_name(x->l3_family, x->type);
	const char *code = icmp_code_name(x->l3_family, x->type, x->code);
	char reporter[IP_STR_LEN], line[LINE_MAX];
	struct sbuf sb;

	sb_init(&sb, line, sizeof(line));
	sb_printf(&sb, "  icmp error from %s: %s",
		  fmt_ip(reporter, x->l3_family, x->reporter),
		  type ? type : "?");
	if (code)
		sb_printf(&sb, " - %s", code);
	else if (x->code)
		sb_printf(&sb, " - code %u", x->code);
	if (x->mtu)
		sb_printf(&sb, " (mtu %u)", x->mtu);
	sb_printf(&sb, ", first at");
	text_hop_label(&sb, hop_of(hops, x->hop_id), x->ifindex,
		       x->netns_cookie);
	sb_word(&sb, "%s +", dir_text(x->dir));
	/* An error can only follow the packet it quotes, but clocks of
	 * different CPUs may disagree by a little: never print a wrap. */
	text_usec(&sb, x->ts_ns > t->first_ts_ns ? x->ts_ns - t->first_ts_ns :
						   0);
	sb_printf(&sb, " us, %u event%s", x->count, x->count == 1 ? "" : "s");
	fprintf(out, "%s\n", line);
}

void timeline_print_text(FILE *out, const struct timeline *t,
			 const struct hop_table *hops)
{
	char header[LINE_MAX];
	struct sbuf sb;

	sb_init(&sb, header, sizeof(header));
	text_header(&sb, t);
	fprintf(out, "%s\n", header);
	for (__u32 i = 0; i < t->n_hops; i++)
		print_hop_text(out, &t->hops[i], i ? &t->hops[i - 1] : NULL,
			       hops);
	for (__u32 i = 0; i < t->n_icmp_errors; i++)
		print_icmp_error_text(out, t, &t->icmp_errors[i], hops);
}

static void json_timeline_flags(struct jw *w, const char *key, __u32 flags)
{
	static const struct {
		__u32 bit;
		const char *name;
	} names[] = {
		{ TIMELINE_F_EVICTED, "evicted" },
		{ TIMELINE_F_HOPS_FULL, "hops-full" },
		{ TIMELINE_F_ICMP_ERROR, "icmp-error" },
		{ TIMELINE_F_DROPPED, "dropped" },
	};

	jw_array(w, key);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			jw_string(w, NULL, names[i].name);
	jw_end(w);
}

static void json_timeline_hop(struct jw *w, const struct timeline_hop *h,
			      const struct hop_table *hops)
{
	jw_object(w, NULL);
	json_hop(w, "hop", hop_of(hops, h->hop_id), h->hop_id, h->dir, h->ifindex,
		 h->netns_cookie);
	jw_string(w, "kind", kind_name(h->kind));
	jw_int(w, "ts_ns", (long long)h->ts_ns);
	jw_int(w, "since_first_ns", (long long)h->since_first_ns);
	jw_int(w, "since_prev_ns", (long long)h->since_prev_ns);
	jw_int(w, "len", h->pkt_len);
	json_flags(w, "flags", h->carrier.flags);
	json_carrier(w, &h->carrier);
	json_packet(w, &h->addrs, NULL);
	json_drop(w, &h->drop);
	jw_end(w);
}

static void json_icmp_error(struct jw *w, const struct timeline *t,
			    const struct timeline_icmp_error *x,
			    const struct hop_table *hops)
{
	const char *type = icmp_type_name(x->l3_family, x->type);
	const char *code = icmp_code_name(x->l3_family, x->type, x->code);
	char reporter[IP_STR_LEN];

	jw_object(w, NULL);
	json_hex64(w, "fingerprint", x->fingerprint);
	jw_int(w, "ts_ns", (long long)x->ts_ns);
	jw_int(w, "since_first_ns",
	       x->ts_ns > t->first_ts_ns ? (long long)(x->ts_ns - t->first_ts_ns) : 0);
	json_hop(w, "hop", hop_of(hops, x->hop_id), x->hop_id, x->dir, x->ifindex,
		 x->netns_cookie);
	jw_int(w, "count", x->count);
	jw_int(w, "type", x->type);
	jw_int(w, "code", x->code);
	if (type)
		jw_string(w, "name", type);
	if (code)
		jw_string(w, "code_name", code);
	if (x->mtu)
		jw_int(w, "mtu", x->mtu);
	jw_string(w, "reporter", fmt_ip(reporter, x->l3_family, x->reporter));
	jw_end(w);
}

struct timeline_json {
	const struct timeline *t;
	const struct hop_table *hops;
};

static bool render_timeline(struct jw *w, const void *ctx)
{
	const struct timeline_json *x = ctx;
	const struct timeline *t = x->t;

	jw_object(w, NULL);
	jw_string(w, "type", "timeline");
	jw_int(w, "version", NSTRACE_JSON_VERSION);
	jw_int(w, "id", (long long)t->id);
	json_hex64(w, "fingerprint", t->fingerprint);
	if (t->related_fp)
		json_hex64(w, "related_fp", t->related_fp);
	jw_string(w, "summary", t->summary);
	jw_string(w, "close", timeline_close_name(t->close_reason));
	json_timeline_flags(w, "flags", t->flags);
	jw_int(w, "first_ts_ns", (long long)t->first_ts_ns);
	jw_int(w, "duration_ns", (long long)(t->last_ts_ns - t->first_ts_ns));
	jw_int(w, "hops_dropped", t->hops_dropped);
	/* What the packet is: its first hop's addresses and the app fields. */
	if (t->n_hops)
		json_packet(w, &t->hops[0].addrs, &t->app);
	jw_array(w, "hops");
	for (__u32 i = 0; i < t->n_hops; i++)
		json_timeline_hop(w, &t->hops[i], x->hops);
	jw_end(w);
	if (t->n_icmp_errors) {
		jw_array(w, "icmp_errors");
		for (__u32 i = 0; i < t->n_icmp_errors; i++)
			json_icmp_error(w, t, &t->icmp_errors[i], x->hops);
		jw_end(w);
	}
	jw_end(w);
	return true;
}

void timeline_print_json(FILE *out, const struct timeline *t,
			 const struct hop_table *hops)
{
	const struct timeline_json x = { .t = t, .hops = hops };

	jw_write_line(out, render_timeline, &x);
}
