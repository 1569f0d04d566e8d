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

#include "path_plan.h"
#include "topology.h"
#include "verdict.h"

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

/*
 * Hop ids for a path as the attach layer hands them out: 1, 2, ... in path
 * order for each attachable hop, ingress then egress; and every device a
 * drop place, id FIXTURE_DROP_ID_BASE + its hop index.
 */
#define FIXTURE_DROP_ID_BASE 500
void fixture_hop_places(const struct port_path *path, struct hop_places *places);
/* The id fixture_hop_places() gave (path hop, direction); fails the test
 * when the hop has no probe. */
__u32 fixture_point_id(const struct hop_places *places, int hop, __u8 dir);

#endif
