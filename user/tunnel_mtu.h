/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a tunnel adds around an instance's frame, and which link of a path
 * is too small for a frame of a given size: the GRE MTU problem, asked
 * by the MTU check and by `nstrace ping`'s verdicts in the same terms.
 */
#ifndef NSTRACE_TUNNEL_MTU_H
#define NSTRACE_TUNNEL_MTU_H

#include <stdbool.h>
#include <stddef.h>

#include "path_plan.h"
#include "topology.h"

/*
 * Bytes a tunnel of type ("gre", "vxlan", "geneve") adds around the
 * instance's frame, its Ethernet header included, since an MTU counts only
 * the IP packet; 0 for other types.
 */
unsigned int tunnel_overhead(const char *type, bool outer_v6);

/* The first hop of path hops [first, last] whose MTU cannot carry an
 * instance frame of frame_len bytes (Ethernet header included): an
 * underlay device with the frame in its tunnel (*overhead: the tunnel's),
 * any other device with the frame as it is (*overhead 0).  The hop index,
 * with its MTU, or -1. */
int path_mtu_bottleneck(const struct topology *t, const struct port_path *path, size_t first,
			size_t last, unsigned int frame_len, unsigned int *mtu,
			unsigned int *overhead);

/* The path's devices (not the underlay's) whose MTU is mtu: "qg-1 in
 * qrouter-2, ..."; "" when none. */
void path_mtu_equal_text(const struct topology *t, const struct port_path *path,
			 unsigned int mtu, char *buf, size_t len);

/* The MTUs a tunnelled frame meets on path: "eth1 in nsl-compute1 1500,
 * eth1 in nsl-network 1600 (gre adds 42 bytes)"; "" when no hop is
 * tunnelled. */
void path_mtu_text(const struct topology *t, const struct port_path *path, char *buf,
		   size_t len);

#endif
