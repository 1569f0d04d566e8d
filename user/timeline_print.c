/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <string.h>

#include <jansson.h>

#include "event_print.h"
#include "json_line.h"
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

static json_t *json_timeline_flags(__u32 flags)
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
	json_t *a = json_array();

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			json_array_append_new(a, json_string(names[i].name));
	return a;
}

static json_t *json_timeline_hop(const struct timeline_hop *h,
				 const struct hop_table *hops)
{
	json_t *o = json_object();

	json_object_set_new(o, "hop", json_hop(hop_of(hops, h->hop_id), h->hop_id,
					       h->dir, h->ifindex,
					       h->netns_cookie));
	json_object_set_new(o, "kind", json_string(kind_name(h->kind)));
	json_object_set_new(o, "ts_ns", json_integer((json_int_t)h->ts_ns));
	json_object_set_new(o, "since_first_ns",
			    json_integer((json_int_t)h->since_first_ns));
	json_object_set_new(o, "since_prev_ns",
			    json_integer((json_int_t)h->since_prev_ns));
	json_object_set_new(o, "len", json_integer(h->pkt_len));
	json_object_set_new(o, "flags", json_flags(h->carrier.flags));
	json_add_carrier(o, &h->carrier);
	json_add_packet(o, &h->addrs, NULL);
	json_add_drop(o, &h->drop);
	return o;
}

static json_t *json_icmp_error(const struct timeline *t,
			       const struct timeline_icmp_error *x,
			       const struct hop_table *hops)
{
	const char *type = icmp_type_name(x->l3_family, x->type);
	const char *code = icmp_code_name(x->l3_family, x->type, x->code);
	char reporter[IP_STR_LEN];
	json_t *o = json_object();

	json_object_set_new(o, "fingerprint", json_hex64(x->fingerprint));
	json_object_set_new(o, "ts_ns", json_integer((json_int_t)x->ts_ns));
	json_object_set_new(o, "since_first_ns",
			    json_integer(x->ts_ns > t->first_ts_ns ?
						 (json_int_t)(x->ts_ns - t->first_ts_ns) :
						 0));
	json_object_set_new(o, "hop", json_hop(hop_of(hops, x->hop_id), x->hop_id,
					       x->dir, x->ifindex,
					       x->netns_cookie));
	json_object_set_new(o, "count", json_integer(x->count));
	json_object_set_new(o, "type", json_integer(x->type));
	json_object_set_new(o, "code", json_integer(x->code));
	if (type)
		json_object_set_new(o, "name", json_string(type));
	if (code)
		json_object_set_new(o, "code_name", json_string(code));
	if (x->mtu)
		json_object_set_new(o, "mtu", json_integer(x->mtu));
	json_object_set_new(o, "reporter",
			    json_string(fmt_ip(reporter, x->l3_family, x->reporter)));
	return o;
}

void timeline_print_json(FILE *out, const struct timeline *t,
			 const struct hop_table *hops)
{
	json_t *o = json_object();
	json_t *arr;

	if (!o)
		return;
	json_object_set_new(o, "type", json_string("timeline"));
	json_object_set_new(o, "version", json_integer(NSTRACE_JSON_VERSION));
	json_object_set_new(o, "id", json_integer((json_int_t)t->id));
	json_object_set_new(o, "fingerprint", json_hex64(t->fingerprint));
	if (t->related_fp)
		json_object_set_new(o, "related_fp", json_hex64(t->related_fp));
	json_object_set_new(o, "summary", json_string(t->summary));
	json_object_set_new(o, "close",
			    json_string(timeline_close_name(t->close_reason)));
	json_object_set_new(o, "flags", json_timeline_flags(t->flags));
	json_object_set_new(o, "first_ts_ns", json_integer((json_int_t)t->first_ts_ns));
	json_object_set_new(o, "duration_ns",
			    json_integer((json_int_t)(t->last_ts_ns - t->first_ts_ns)));
	json_object_set_new(o, "hops_dropped", json_integer(t->hops_dropped));
	/* What the packet is: its first hop's addresses and the app fields. */
	if (t->n_hops)
		json_add_packet(o, &t->hops[0].addrs, &t->app);
	arr = json_array();
	for (__u32 i = 0; i < t->n_hops; i++)
		json_array_append_new(arr, json_timeline_hop(&t->hops[i], hops));
	json_object_set_new(o, "hops", arr);
	if (t->n_icmp_errors) {
		arr = json_array();
		for (__u32 i = 0; i < t->n_icmp_errors; i++)
			json_array_append_new(arr, json_icmp_error(t, &t->icmp_errors[i],
								   hops));
		json_object_set_new(o, "icmp_errors", arr);
	}
	json_line_write(out, o);
	json_decref(o);
}
