// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ksym.h"
#include "names.h"
#include "render_parts.h"
#include "trace_print.h"

void trace_drop_text(char *buf, size_t len, __u32 reason, __u64 location)
{
	const char *name = drop_reason_name(reason);
	char sym[160];
	struct sbuf sb;

	sb_init(&sb, buf, len);
	if (name)
		sb_printf(&sb, "%s", name);
	else
		sb_printf(&sb, "reason %u", reason);
	if (ksym_name(location, sym, sizeof(sym)))
		sb_printf(&sb, " in %s", sym);
	else if (location)
		sb_printf(&sb, " at 0x%llx", (unsigned long long)location);
}

/* Does the packet cross a probe point after hop i? */
static bool continues(const struct timeline *t, __u32 i)
{
	for (__u32 k = i + 1; k < t->n_hops; k++)
		if (t->hops[k].kind == NSTRACE_EV_PACKET)
			return true;
	return false;
}

static void hop_label(char *buf, size_t len, const struct hop *hop, const struct timeline_hop *h)
{
	struct sbuf sb;

	sb_init(&sb, buf, len);
	text_hop_label(&sb, hop, h->ifindex, h->netns_cookie);
	/* A drop named after its namespace only. */
	if (hop && !hop->dev[0] && len > 2 && buf[strlen(buf) - 1] == '?')
		buf[strlen(buf) - 1] = '-';
}

void trace_timeline_text(FILE *out, const struct timeline *t, const struct hop_table *hops,
			 const char *title)
{
	char label[HOP_LABEL_MAX], line[1024];
	const struct timeline_hop *prev_pkt = NULL;
	int width = 8, node_width = 4;
	struct sbuf sb;

	for (__u32 i = 0; i < t->n_hops; i++) {
		const struct hop *hop = hop_table_get(hops, t->hops[i].hop_id);
		int l;

		hop_label(label, sizeof(label), hop, &t->hops[i]);
		l = (int)strlen(label);
		width = l > width ? l : width;
		l = hop && hop->node[0] ? (int)strlen(hop->node) : 1;
		node_width = l > node_width ? l : node_width;
	}
	sb_init(&sb, line, sizeof(line));
	sb_printf(&sb, "%s: %u hop%s in ", title, t->n_hops, t->n_hops == 1 ? "" : "s");
	text_usec(&sb, t->last_ts_ns - t->first_ts_ns);
	sb_printf(&sb, " us");
	if (t->hops_dropped)
		sb_printf(&sb, " (%u more not kept)", t->hops_dropped);
	fprintf(out, "%s\n", line);
	for (__u32 i = 0; i < t->n_hops; i++) {
		const struct timeline_hop *h = &t->hops[i];
		const struct hop *hop = hop_table_get(hops, h->hop_id);
		char since[32], prev[32], drop[256];
		struct sbuf a, b;

		sb_init(&a, since, sizeof(since));
		sb_printf(&a, "+");
		text_usec(&a, h->since_first_ns);
		sb_init(&b, prev, sizeof(prev));
		sb_printf(&b, "+");
		text_usec(&b, h->since_prev_ns);
		hop_label(label, sizeof(label), hop, h);
		sb_init(&sb, line, sizeof(line));
		sb_printf(&sb, "  %12s %12s  %-*s  %-*s  %-9s %-3s", since, prev, node_width,
			  hop && hop->node[0] ? hop->node : "-", width, label,
			  hop && hop->role[0] ? hop->role : "-", dir_text(h->dir));
		if (h->kind == NSTRACE_EV_DROP) {
			trace_drop_text(drop, sizeof(drop), h->drop.reason, h->drop.location);
			/* The packet went on: the stack dropped its own copy (a
			 * packet socket such as OVS's netdev datapath took one). */
			sb_word(&sb, "%s %s", continues(t, i) ? "copy dropped:" : "DROP", drop);
		} else {
			text_outer(&sb, &h->carrier);
			text_inner_vlan(&sb, &h->carrier);
			/* Where NAT rewrote the addresses, the new ones. */
			if (prev_pkt)
				text_nat(&sb, &prev_pkt->addrs, &h->addrs);
			prev_pkt = h;
		}
		/* Trailing padding of an empty last column. */
		while (sb.pos && sb.pos < sizeof(line) && line[sb.pos - 1] == ' ')
			line[--sb.pos] = '\0';
		fprintf(out, "%s\n", line);
	}
}
