/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <string.h>
#include <time.h>

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

#define HMS_LEN 8 /* "HH:MM:SS" */

/*
 * "HH:MM:SS.uuuuuu". localtime_r() and a printf per event cost more than
 * the rest of the line: the HH:MM:SS part is formatted once per second
 * (events come in time order, mostly within the same second) and the
 * microseconds are added with plain digit arithmetic.
 */
static void fmt_local_time(char *buf, __u64 wall_ns)
{
	static char hms[HMS_LEN + 1] = "??:??:??";
	static time_t hms_sec = -1;
	time_t sec = (time_t)(wall_ns / 1000000000ull);
	unsigned int usec = (unsigned int)(wall_ns % 1000000000ull / 1000);
	struct tm tm;

	if (sec != hms_sec) {
		if (localtime_r(&sec, &tm))
			snprintf(hms, sizeof(hms), "%02u:%02u:%02u",
				 (unsigned int)tm.tm_hour % 60u,
				 (unsigned int)tm.tm_min % 60u,
				 (unsigned int)tm.tm_sec % 61u);
		else
			memcpy(hms, "??:??:??", sizeof(hms));
		hms_sec = sec;
	}
	memcpy(buf, hms, HMS_LEN);
	buf[HMS_LEN] = '.';
	for (int i = HMS_LEN + 6; i > HMS_LEN; i--) {
		buf[i] = (char)('0' + usec % 10);
		usec /= 10;
	}
	buf[HMS_LEN + 7] = '\0';
}

void event_print_text(FILE *out, const struct nstrace_event *e,
		      const struct hop *hop, __u64 wall_ns)
{
	char line[HMS_LEN + 8 + HOP_LABEL_MAX + HOP_LABEL_WIDTH + 8 + SUMMARY_MAX];
	const char *dir = dir_text(e->dir);
	size_t pos, n, dir_len = strlen(dir);
	struct sbuf sb;

	/* One buffer, one fwrite: "when label(padded) dir(padded) summary". */
	fmt_local_time(line, wall_ns);
	pos = HMS_LEN + 7;
	line[pos++] = ' ';
	sb_init(&sb, line + pos, HOP_LABEL_MAX);
	text_hop_label(&sb, hop, e->ifindex, e->netns_cookie);
	/* sb.pos counts what did not fit too, like snprintf(). */
	n = sb.pos < HOP_LABEL_MAX ? sb.pos : HOP_LABEL_MAX - 1;
	pos += n;
	for (; n < HOP_LABEL_WIDTH; n++)
		line[pos++] = ' ';
	line[pos++] = ' ';
	memcpy(line + pos, dir, dir_len);
	pos += dir_len;
	for (n = dir_len; n < 3; n++)
		line[pos++] = ' ';
	line[pos++] = ' ';
	n = (size_t)event_summary(line + pos, SUMMARY_MAX, e);
	pos += n < SUMMARY_MAX ? n : SUMMARY_MAX - 1;
	line[pos++] = '\n';
	fwrite(line, 1, pos, out);
}

struct event_json {
	const struct nstrace_event *e;
	const struct hop *hop;
	__u64 wall_ns;
};

static bool render_event(struct jw *w, const void *ctx)
{
	const struct event_json *x = ctx;
	const struct nstrace_event *e = x->e;
	struct pkt_desc d;

	pkt_desc_from_event(&d, e);
	jw_object(w, NULL);
	jw_string(w, "type", "event");
	jw_int(w, "version", NSTRACE_JSON_VERSION);
	jw_string(w, "kind", kind_name(e->kind));
	json_iso_time(w, "time", x->wall_ns);
	jw_int(w, "ts_ns", (long long)e->ts_ns);
	json_hop(w, "hop", x->hop, e->hop_id, e->dir, e->ifindex, e->netns_cookie);
	jw_int(w, "len", e->pkt_len);
	json_hex64(w, "fingerprint", e->fingerprint);
	json_flags(w, "flags", e->flags);
	json_carrier(w, &d.carrier);
	if (has_packet(e))
		json_packet(w, &d.addrs, &d.app);
	json_drop(w, &d.drop);
	jw_end(w);
	return true;
}

void event_print_json(FILE *out, const struct nstrace_event *e,
		      const struct hop *hop, __u64 wall_ns)
{
	const struct event_json x = { .e = e, .hop = hop, .wall_ns = wall_ns };

	jw_write_line(out, render_event, &x);
}
