/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A verdict and the runbook checks run around its place, for a person
 * (one verdict line, coloured on a TTY, then where, what to run and the
 * checks) or as one {"type":"verdict",...} JSON Lines object
 * (docs/events-json.md).  The check list mixes path_checks.h results and
 * the command's own (security-group counters, ...): name, status,
 * subject, what was found and the command to see it yourself.
 */
#ifndef NSTRACE_VERDICT_PRINT_H
#define NSTRACE_VERDICT_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "path_checks.h"
#include "verdict.h"

struct verdict_check {
	char name[32]; /* "dnsmasq", "sg-counters", ... (stable) */
	enum check_status status;
	char subject[160];
	char detail[480];
	char command[512];
};

struct verdict_checks {
	struct verdict_check *items;
	size_t n;
};

/* Append one; -ENOMEM. */
int verdict_checks_add(struct verdict_checks *l, const struct verdict_check *c);
/* Append every result of path_checks_run(). */
int verdict_checks_add_path(struct verdict_checks *l, const struct check_results *r);
size_t verdict_checks_count(const struct verdict_checks *l, enum check_status s);
void verdict_checks_free(struct verdict_checks *l);

void verdict_print_text(FILE *out, const struct verdict *v, const struct verdict_checks *checks,
			bool color);
/* extra (may be NULL, its keys are added, reference stolen): the
 * command's own fields, e.g. "xid", "client", "timelines". */
void verdict_print_json(FILE *out, const struct verdict *v, const struct verdict_checks *checks,
			json_t *extra);

#endif
