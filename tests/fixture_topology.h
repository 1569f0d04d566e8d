/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Discovery fixtures recorded from the lab by tests/fixtures/record-lab.sh:
 * OVSDB replies per node, links per namespace, dnsmasq processes, the DHCP
 * agent's files, and the lab's own description of what each port is.
 * Failures fail the calling test (ck_assert).
 */
#ifndef NSTRACE_FIXTURE_TOPOLOGY_H
#define NSTRACE_FIXTURE_TOPOLOGY_H

#include <jansson.h>

#include "topology.h"

/* tests/fixtures/topology/lab */
const char *fixture_lab_dir(void);
/* The manifest (caller json_decref()s); its "lab" member is `lab info --json`. */
json_t *fixture_manifest(void);
/* A recorded OVSDB transact reply, tests/fixtures/ovsdb/NAME. */
json_t *fixture_ovsdb_reply(const char *name);

/*
 * Fill t with the recorded host, keeping only the nodes named in nodes
 * (NULL: all) and leaving out the namespaces in skip_ns (NULL-terminated,
 * may be NULL), then build the model.  With no_ovsdb, every node's OVSDB
 * is "unreachable" (names alone).
 */
void fixture_topology(struct topology *t, const char *const *nodes,
		      const char *const *skip_ns, bool no_ovsdb);
/* The same without building, for tests that change the inputs first. */
void fixture_topology_inputs(struct topology *t, const char *const *nodes,
			     const char *const *skip_ns, bool no_ovsdb);
void fixture_topology_free(struct topology *t);

#endif
