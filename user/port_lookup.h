/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * From what a user typed to one port, with the same answers for every
 * command that takes a PORT (path, dhcp, ping): a malformed UUID shows
 * the expected form; an unknown port says where nstrace looked and lists
 * near matches; an ambiguous prefix lists the candidates.
 */
#ifndef NSTRACE_PORT_LOOKUP_H
#define NSTRACE_PORT_LOOKUP_H

#include <stdbool.h>

#include <jansson.h>

#include "topology.h"

/* True when query looks like a port UUID or prefix; else says why on
 * stderr as "nstrace CMD: ...". */
bool port_query_valid(const char *query, const char *cmd);

/*
 * The index of the one port query names, or -1 after printing to stderr
 * why there is not exactly one; then *error (when error is not NULL) gets
 * the same as JSON: {"error", "query", "candidates" | "near_matches",
 * "sources"}.
 */
int port_lookup(const struct topology *t, const char *query, const char *cmd, json_t **error);

#endif
