/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What `nstrace path` shows about one port or all of them, as text for a
 * person (aligned hop tables, colour on a TTY) or as one JSON document
 * with the same content.
 */
#ifndef NSTRACE_PATH_REPORT_H
#define NSTRACE_PATH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "path_checks.h"
#include "path_plan.h"
#include "topology.h"

struct path_report {
	const struct topology *t;
	int port;
	struct port_path dhcp;
	struct port_path l3;
	struct check_results checks;
};

struct text_style {
	bool color; /* ANSI colours: stdout is a TTY and NO_COLOR is unset */
	bool utf8; /* the locale can print ● ○ ✗ → */
};

/* Plan both paths and run every check. -ENOMEM only. */
int path_report_build(const struct topology *t, int port, struct path_report *r);
void path_report_free(struct path_report *r);

void path_report_text(FILE *out, const struct path_report *r, const struct text_style *st);
json_t *path_report_json(const struct path_report *r);

/* `nstrace path --all`. */
void path_all_text(FILE *out, const struct topology *t, const struct text_style *st);
json_t *path_all_json(const struct topology *t);

/* What discovery read: namespaces, OVSDB sockets, state directory. */
void path_sources_text(FILE *out, const struct topology *t);
json_t *path_sources_json(const struct topology *t);
/* The local VLAN of net on each node, "compute1 2, network 1". */
void net_local_vlans(const struct topology *t, int net, char *buf, size_t len);

#endif
