// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event_print.h"
#include "json_line.h"
#include "ksym.h"
#include "names.h"
#include "str_copy.h"
#include "trace_print.h"
#include "verdict_print.h"

#define RED "\033[1;31m"
#define GREEN "\033[1;32m"
#define YELLOW "\033[33m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

int verdict_checks_add(struct verdict_checks *l, const struct verdict_check *c)
{
	struct verdict_check *n = realloc(l->items, (l->n + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	l->items = n;
	n[l->n++] = *c;
	return 0;
}

int verdict_checks_add_path(struct verdict_checks *l, const struct check_results *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct check_result *cr = &r->items[i];
		struct verdict_check c = { .status = cr->status };

		STR_COPY(c.name, check_id_name(cr->id));
		STR_COPY(c.subject, cr->subject);
		STR_COPY(c.detail, cr->detail);
		STR_COPY(c.command, cr->command);
		if (verdict_checks_add(l, &c))
			return -ENOMEM;
	}
	return 0;
}

size_t verdict_checks_count(const struct verdict_checks *l, enum check_status s)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->items[i].status == s;
	return n;
}

void verdict_checks_free(struct verdict_checks *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* The first failed check: what most likely made the verdict a fault. */
static const struct verdict_check *cause(const struct verdict *v,
					 const struct verdict_checks *checks)
{
	for (size_t i = 0; checks && verdict_is_fault(v->status) && i < checks->n; i++)
		if (checks->items[i].status == CHECK_FAIL)
			return &checks->items[i];
	return NULL;
}

static const char *place_text(const struct verdict_place *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s  %s/%s (%s%s%s)", p->node[0] ? p->node : "-",
		 p->netns[0] ? p->netns : "-", p->dev[0] ? p->dev : "-", p->role,
		 p->dir ? ", " : "", p->dir ? dir_json(p->dir) : "");
	return buf;
}

void verdict_print_text(FILE *out, const struct verdict *v, const struct verdict_checks *checks,
			bool color)
{
	const char *c = !color ? "" : v->status == VERDICT_COMPLETED ? GREEN : RED;
	const struct verdict_check *k;
	char place[512], drop[256];

	fprintf(out, "%sVERDICT %s%s  %s: %s\n", c, verdict_status_name(v->status),
		color ? RESET : "", v->subject, v->reason);
	if (v->where.hop >= 0)
		fprintf(out, "  where    %s\n", place_text(&v->where, place, sizeof(place)));
	if (v->next.hop >= 0)
		fprintf(out, "  next     %s\n", place_text(&v->next, place, sizeof(place)));
	if (v->between[0])
		fprintf(out, "  between  %s\n", v->between);
	if (v->has_drop) {
		trace_drop_text(drop, sizeof(drop), v->drop_reason, v->drop_location);
		fprintf(out, "  drop     %s\n", drop);
	}
	if (v->command[0])
		fprintf(out, "  look     $ %s\n", v->command);
	if ((k = cause(v, checks)))
		fprintf(out, "  cause    %s%s%s: %s: %s\n", color ? BOLD : "", k->name,
			color ? RESET : "", k->subject, k->detail);
	if (!checks || !checks->n)
		return;
	fprintf(out, "%sChecks%s  %zu passed, %zu failed, %zu unknown\n", color ? BOLD : "",
		color ? RESET : "", verdict_checks_count(checks, CHECK_PASS),
		verdict_checks_count(checks, CHECK_FAIL),
		verdict_checks_count(checks, CHECK_UNKNOWN));
	for (size_t i = 0; i < checks->n; i++) {
		const struct verdict_check *ck = &checks->items[i];
		const char *sc = !color			   ? "" :
				 ck->status == CHECK_PASS ? GREEN :
				 ck->status == CHECK_FAIL ? RED :
							    YELLOW;

		fprintf(out, "  %s%-7s%s %-16s %s: %s\n", sc,
			ck->status == CHECK_PASS   ? "PASS" :
			ck->status == CHECK_FAIL ? "FAIL" :
						   "UNKNOWN",
			color ? RESET : "", ck->name, ck->subject, ck->detail);
		if (ck->command[0])
			fprintf(out, "          %-16s $ %s\n", "", ck->command);
	}
}

static json_t *place_json(const struct verdict_place *p)
{
	if (p->hop < 0)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "node", p->node, "netns", p->netns,
			 "device", p->dev, "role", p->role, "direction", dir_json(p->dir), "hop",
			 p->hop);
}

void verdict_print_json(FILE *out, const struct verdict *v, const struct verdict_checks *checks,
			json_t *extra)
{
	json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:o, s:s}", "type", "verdict", "version",
			      NSTRACE_JSON_VERSION, "status", verdict_status_name(v->status),
			      "subject", v->subject, "where", place_json(&v->where), "reason",
			      v->reason);
	json_t *list = json_array();
	char sym[160];

	if (!o || !list) {
		json_decref(o);
		json_decref(list);
		json_decref(extra);
		return;
	}
	/* As in the text: lost, and any verdict that names the next probe
	 * point (an unanswered ARP that was lost, an MTU bottleneck). */
	if (v->status == VERDICT_LOST || v->next.hop >= 0)
		json_object_set_new(o, "next", place_json(&v->next));
	if (v->status == VERDICT_LOST || v->between[0])
		json_object_set_new(o, "between", json_string(v->between));
	if (v->command[0])
		json_object_set_new(o, "command", json_string(v->command));
	if (v->has_drop) {
		const char *name = drop_reason_name(v->drop_reason);
		char loc[24];
		json_t *d;

		snprintf(loc, sizeof(loc), "0x%llx", (unsigned long long)v->drop_location);
		d = json_pack("{s:i, s:s}", "reason", (int)v->drop_reason, "location", loc);
		if (d && name)
			json_object_set_new(d, "reason_name", json_string(name));
		if (d && ksym_name(v->drop_location, sym, sizeof(sym)))
			json_object_set_new(d, "function", json_string(sym));
		json_object_set_new(o, "drop", d);
	}
	for (size_t i = 0; checks && i < checks->n; i++) {
		const struct verdict_check *k = &checks->items[i];

		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "check",
						      k->name, "status",
						      check_status_name(k->status), "subject",
						      k->subject, "detail", k->detail, "command",
						      k->command));
	}
	json_object_set_new(o, "checks", list);
	{
		const struct verdict_check *k = cause(v, checks);

		json_object_set_new(o, "cause",
				    k ? json_pack("{s:s, s:s, s:s}", "check", k->name, "subject",
						  k->subject, "detail", k->detail) :
					json_null());
	}
	if (extra) {
		json_object_update(o, extra);
		json_decref(extra);
	}
	json_line_write(out, o);
	json_decref(o);
}
