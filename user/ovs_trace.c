// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns_exec.h"
#include "ovs_trace.h"
#include "sbuf.h"
#include "str_copy.h"
#include "text_lines.h"

#define APPCTL_TIMEOUT "--timeout=5"

static size_t indent_of(const char *line)
{
	size_t n = 0;

	while (line[n] == ' ')
		n++;
	return n;
}

/* " 3. in_port=2, priority 1, cookie 0x1" at the top level: "table 3
 * (in_port=2, priority 1)" (the cookie says nothing to a person). */
static bool table_line(const char *line, char *out, size_t len)
{
	size_t ind = indent_of(line);
	const char *p = line + ind, *cookie;
	char *end;
	long table;

	if (ind > 3 || !isdigit((unsigned char)*p))
		return false;
	table = strtol(p, &end, 10);
	if (end[0] != '.' || end[1] != ' ')
		return false;
	end += 2;
	cookie = strstr(end, ", cookie ");
	snprintf(out, len, "table %ld (%.*s)", table,
		 (int)(cookie ? (size_t)(cookie - end) : strlen(end)), end);
	return true;
}

/* A new top-level section; when all are taken, the oldest goes. */
static struct ovs_trace_step *new_step(struct ovs_trace_outcome *o, const char *bridge, int len)
{
	struct ovs_trace_step *st;

	if (o->n_steps == OVS_TRACE_MAX_STEPS)
		memmove(&o->steps[0], &o->steps[1], (OVS_TRACE_MAX_STEPS - 1) * sizeof(*st));
	else
		o->n_steps++;
	st = &o->steps[o->n_steps - 1];
	memset(st, 0, sizeof(*st));
	snprintf(st->bridge, sizeof(st->bridge), "%.*s", len, bridge);
	return st;
}

int ovs_trace_parse(const char *text, struct ovs_trace_outcome *o)
{
	struct ovs_trace_step *st = NULL;
	bool have_actions = false;
	const char *p = text;
	char line[512];

	memset(o, 0, sizeof(*o));
	while (text_next_line(&p, line, sizeof(line))) {
		size_t ind = indent_of(line);

		if (!strncmp(line, "Datapath actions: ", 18)) {
			STR_COPY(o->actions, line + 18);
			o->dropped = !strcmp(line + 18, "drop");
			have_actions = true;
		} else if (!strncmp(line + ind, "bridge(\"", 8)) {
			const char *name = line + ind + 8;
			int len = (int)strcspn(name, "\"");

			if (o->n_visited < OVS_TRACE_MAX_STEPS)
				snprintf(o->visited[o->n_visited++], sizeof(o->visited[0]), "%.*s",
					 len, name);
			/* A nested section (the bridges a tunnel's output crosses)
			 * is no step of the message's own way. */
			if (!ind)
				st = new_step(o, name, len);
		} else if (st && table_line(line, st->table, sizeof(st->table))) {
			st->action[0] = '\0';
		} else if (st && st->table[0] && ind == 4 && line[4] != '-') {
			STR_COPY(st->action, line + 4);
		} else if (st && st->action[0] && ind == 5 && !strncmp(line + 5, "-> ", 3) &&
			   !strstr(st->action, " -> ")) {
			size_t l = strlen(st->action);

			snprintf(st->action + l, sizeof(st->action) - l, " %s", line + 5);
		}
	}
	return have_actions ? 0 : -EINVAL;
}

bool ovs_trace_visited(const struct ovs_trace_outcome *o, const char *bridge)
{
	for (size_t i = 0; i < o->n_visited; i++)
		if (!strcmp(o->visited[i], bridge))
			return true;
	return false;
}

const struct ovs_trace_step *ovs_trace_step_of(const struct ovs_trace_outcome *o,
					       const char *bridge)
{
	for (size_t i = o->n_steps; i-- > 0;)
		if (!bridge || !strcmp(o->steps[i].bridge, bridge))
			return &o->steps[i];
	return NULL;
}

/* "br-tun table 3 (priority 0): drop" */
static void step_text(struct sbuf *sb, const struct ovs_trace_step *st)
{
	if (!st) {
		sb_printf(sb, "no bridge");
		return;
	}
	sb_printf(sb, "%s %s: ", st->bridge, st->table[0] ? st->table : "(no table)");
	if (st->action[0])
		sb_printf(sb, "%s", st->action);
	else /* OVS ran none of the flow's actions */
		sb_printf(sb, "no action ran (is the port in no-receive or down? `ovs-ofctl show "
			      "%s`)",
			  st->bridge);
}

/* The first line of what ovs-appctl said, for a person. */
static void first_line(const char *text, char *out, size_t len)
{
	snprintf(out, len, "%.*s", (int)strcspn(text ? text : "", "\n"), text ? text : "");
}

void ovs_trace_judge(const struct ovs_trace_spec *spec, const struct ovs_trace_outcome *o,
		     struct verdict_check *c)
{
	const struct ovs_trace_step *reached =
		spec->reach[0] ? ovs_trace_step_of(o, spec->reach) : NULL;
	struct sbuf sb;

	sb_init(&sb, c->detail, sizeof(c->detail));
	c->status = CHECK_FAIL;
	if (o->dropped) {
		sb_printf(&sb, "the flows drop it, last in ");
		step_text(&sb, ovs_trace_step_of(o, NULL));
	} else if (spec->reach[0] && !ovs_trace_visited(o, spec->reach)) {
		sb_printf(&sb, "the flows never take it to %s, last in ", spec->reach);
		step_text(&sb, ovs_trace_step_of(o, NULL));
		sb_printf(&sb, " (datapath actions: %s)", o->actions);
	} else if (reached && !strcmp(reached->action, "drop")) {
		/* Flooded: copies went elsewhere, not the way it had to go. */
		sb_printf(&sb, "%s drops it, last in ", spec->reach);
		step_text(&sb, reached);
		sb_printf(&sb, " (its copies elsewhere: datapath actions %s)", o->actions);
	} else {
		c->status = CHECK_PASS;
		sb_printf(&sb, "the flows do not drop it%s%s (datapath actions: %s)",
			  spec->reach[0] ? ", they take it to " : "", spec->reach, o->actions);
	}
}

int ovs_trace_check(const struct topology *t, const struct ovs_trace_spec *spec,
		    struct verdict_checks *out)
{
	const struct topo_node *n =
		spec->node >= 0 && (size_t)spec->node < t->n_nodes ? &t->nodes[spec->node] : NULL;
	struct verdict_check c = { .status = CHECK_UNKNOWN };
	char target[PATH_MAX + 4], bridge[OVS_NAME_LEN], flow[sizeof(spec->flow)], said[200];
	char *argv[] = { "ovs-appctl", APPCTL_TIMEOUT, "-t", target, "ofproto/trace", bridge, flow,
			 NULL };
	struct ovs_trace_outcome o;
	char *text = NULL;
	int rc;

	if (!spec->bridge[0])
		return 0;
	STR_COPY(c.name, "ovs-trace");
	snprintf(c.subject, sizeof(c.subject), "OVS flows from %s on node %s", spec->bridge,
		 n ? n->name : "?");
	ovs_trace_command(t, spec, c.command, sizeof(c.command));
	if (!n || !n->vswitchd_ctl[0]) {
		snprintf(c.detail, sizeof(c.detail),
			 "no running ovs-vswitchd found for the node's OVSDB, whose control "
			 "socket ofproto/trace needs");
		return verdict_checks_add(out, &c);
	}
	STR_COPY(target, n->vswitchd_ctl);
	STR_COPY(bridge, spec->bridge);
	STR_COPY(flow, spec->flow);
	rc = ns_exec_capture_all("", argv, true, &text);
	if (rc < 0) {
		snprintf(c.detail, sizeof(c.detail), "cannot run ovs-appctl: %s",
			 rc == -ENOENT ? "it is not installed" : strerror(-rc));
	} else if (ovs_trace_parse(text, &o)) {
		first_line(text, said, sizeof(said));
		snprintf(c.detail, sizeof(c.detail), "ofproto/trace failed (exit %d): %s", rc,
			 said);
	} else {
		ovs_trace_judge(spec, &o, &c);
	}
	free(text);
	return verdict_checks_add(out, &c);
}
