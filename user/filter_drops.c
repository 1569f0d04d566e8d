// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_drops.h"
#include "log.h"
#include "sbuf.h"
#include "str_copy.h"

int filter_drops_check(const struct ipt_snapshot *before, const struct ipt_snapshot *after,
		       const char *ns_name, const char *where, const char *exec_prefix,
		       struct verdict_checks *out)
{
	struct verdict_check c = { .status = CHECK_PASS };
	struct sbuf sb;

	STR_COPY(c.name, "filter-drops");
	snprintf(c.subject, sizeof(c.subject), "iptables filter table of %s on %s", ns_name,
		 where);
	snprintf(c.command, sizeof(c.command), "%siptables -L -v -x -n", exec_prefix);
	if (ipt_unreadable(before, after, c.detail, sizeof(c.detail))) {
		c.status = CHECK_UNKNOWN;
		return verdict_checks_add(out, &c);
	}
	sb_init(&sb, c.detail, sizeof(c.detail));
	for (size_t i = 0; i < after->n; i++) {
		const struct ipt_rule *r = &after->rules[i];
		__u64 rose;

		if (!ipt_rule_drops(r) || !(rose = ipt_rule_rise(before, r)))
			continue;
		sb_printf(&sb, "%s%s: +%llu packet%s: %s", c.status == CHECK_FAIL ? "; " : "",
			  r->chain, (unsigned long long)rose, rose == 1 ? "" : "s", r->spec);
		c.status = CHECK_FAIL;
	}
	if (c.status != CHECK_FAIL)
		sb_printf(&sb, "no DROP or REJECT rule, nor a DROP policy, counted a packet "
			       "during the trace (rules made with nft alone: nft list ruleset)");
	return verdict_checks_add(out, &c);
}

static bool watched(const struct filter_watch *w, const char *path)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->ns[i].path, path))
			return true;
	return false;
}

void filter_watch_start(struct filter_watch *w, const struct topology *t,
			const struct port_path *path)
{
	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < path->n; i++) {
		const struct path_hop *h = &path->hops[i];
		const struct topo_ns *ns = h->ns >= 0 ? &t->ns[h->ns] : NULL;
		struct filter_watch_ns *grown, *e;

		if (!ns || ns->kind == NSK_OTHER || watched(w, ns->ns.is_self ? "" : ns->ns.path))
			continue;
		grown = realloc(w->ns, (w->n + 1) * sizeof(*grown));
		if (!grown) {
			log_warn("out of memory reading the agents' iptables counters");
			return;
		}
		w->ns = grown;
		e = &w->ns[w->n++];
		memset(e, 0, sizeof(*e));
		STR_COPY(e->name, ns->ns.name);
		snprintf(e->path, sizeof(e->path), "%s", ns->ns.is_self ? "" : ns->ns.path);
		ns_exec_prefix(&ns->ns, e->exec, sizeof(e->exec));
		STR_COPY(e->node, h->node_name);
		ipt_snapshot_read(e->path, "", &e->before);
	}
}

void filter_watch_checks(struct filter_watch *w, struct verdict_checks *out)
{
	for (size_t i = 0; i < w->n; i++) {
		struct filter_watch_ns *e = &w->ns[i];
		struct ipt_snapshot after;

		ipt_snapshot_read(e->path, "", &after);
		if (filter_drops_check(&e->before, &after, e->name, e->node, e->exec, out))
			log_warn("out of memory reading the agents' iptables counters");
		ipt_snapshot_free(&e->before);
		e->before = after;
	}
}

void filter_watch_free(struct filter_watch *w)
{
	for (size_t i = 0; i < w->n; i++)
		ipt_snapshot_free(&w->ns[i].before);
	free(w->ns);
	memset(w, 0, sizeof(*w));
}
