/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <time.h>

#include <jansson.h>

#include "event_print.h"
#include "names.h"
#include "pkt_desc.h"
#include "render_parts.h"

#define SUMMARY_MAX 512

/*
 * MACs matter when IPs do not identify the hosts (DHCP, non-IP frames) and
 * for the inner frame of a tunnel, where they tell whose traffic it is.
 */
static bool show_eth(const struct pkt_desc *d)
{
	return d->addrs.has_eth && ((d->carrier.flags & NSTRACE_F_TUNNEL) ||
				    d->app.app == NSTRACE_APP_DHCP4 ||
				    d->addrs.l3_family == NSTRACE_L3_NONE);
}

static bool has_packet(const struct nstrace_event *e)
{
	return e->l3_family != NSTRACE_L3_NONE || e->eth_proto;
}

int event_summary(char *buf, size_t len, const struct nstrace_event *e)
{
	struct pkt_desc d;
	struct sbuf sb;

	pkt_desc_from_event(&d, e);
	sb_init(&sb, buf, len);
	if (d.drop.present) {
		text_drop(&sb, &d.drop);
		if (!has_packet(e))
			return (int)sb.pos;
		sb_printf(&sb, ":");
	}
	text_outer(&sb, &d.carrier);
	if (d.carrier.flags & NSTRACE_F_TUNNEL)
		sb_word(&sb, "|");
	text_inner_vlan(&sb, &d.carrier);
	if (show_eth(&d))
		text_eth(&sb, &d.addrs);
	text_packet(&sb, &d.addrs, &d.app);
	text_flags(&sb, e->flags, e->frag_off);
	return (int)sb.pos;
}

int event_summary_packet(char *buf, size_t len, const struct nstrace_event *e)
{
	struct pkt_addrs a;
	struct pkt_app p;
	struct sbuf sb;

	pkt_addrs_from_event(&a, e);
	pkt_app_from_event(&p, e);
	sb_init(&sb, buf, len);
	text_packet(&sb, &a, &p);
	return (int)sb.pos;
}

static void fmt_local_time(char *buf, size_t len, __u64 wall_ns)
{
	time_t sec = (time_t)(wall_ns / 1000000000ull);
	struct tm tm;

	if (!localtime_r(&sec, &tm)) {
		snprintf(buf, len, "??:??:??.??????");
		return;
	}
	snprintf(buf, len, "%02d:%02d:%02d.%06u", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, (unsigned int)(wall_ns % 1000000000ull / 1000));
}

void event_print_text(FILE *out, const struct nstrace_event *e,
		      const struct hop *hop, __u64 wall_ns)
{
	char when[32], label[HOP_LABEL_MAX];
	char summary[SUMMARY_MAX];
	struct sbuf sb;

	fmt_local_time(when, sizeof(when), wall_ns);
	sb_init(&sb, label, sizeof(label));
	text_hop_label(&sb, hop, e->ifindex, e->netns_cookie);
	event_summary(summary, sizeof(summary), e);
	fprintf(out, "%s %-*s %-3s %s\n", when, HOP_LABEL_WIDTH, label,
		dir_text(e->dir), summary);
}

void event_print_json(FILE *out, const struct nstrace_event *e,
		      const struct hop *hop, __u64 wall_ns)
{
	json_t *o = json_object();
	struct pkt_desc d;

	if (!o)
		return;
	pkt_desc_from_event(&d, e);
	json_object_set_new(o, "type", json_string("event"));
	json_object_set_new(o, "version", json_integer(NSTRACE_JSON_VERSION));
	json_object_set_new(o, "kind", json_string(kind_name(e->kind)));
	json_object_set_new(o, "time", json_iso_time(wall_ns));
	json_object_set_new(o, "ts_ns", json_integer((json_int_t)e->ts_ns));
	json_object_set_new(o, "hop", json_hop(hop, e->hop_id, e->dir,
					       e->ifindex, e->netns_cookie));
	json_object_set_new(o, "len", json_integer(e->pkt_len));
	json_object_set_new(o, "fingerprint", json_hex64(e->fingerprint));
	json_object_set_new(o, "flags", json_flags(e->flags));
	json_add_carrier(o, &d.carrier);
	if (has_packet(e))
		json_add_packet(o, &d.addrs, &d.app);
	json_add_drop(o, &d.drop);
	json_dumpf(o, out, JSON_COMPACT);
	fputc('\n', out);
	json_decref(o);
}
