/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Steps of topology_build() shared between its files; not an API. */
#ifndef NSTRACE_TOPOLOGY_INT_H
#define NSTRACE_TOPOLOGY_INT_H

#include "topology.h"

int topology_build_tunnels(struct topology *t);
int topology_build_nets(struct topology *t);
int topology_build_routers(struct topology *t);
void topology_mark_stale(struct topology *t);

#endif
