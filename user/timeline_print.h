/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Renderers for correlated timelines (correlate.h): a block of text with
 * one line per hop, or one {"type":"timeline",...} JSON Lines object
 * (docs/events-json.md).  The hop table may be NULL: hops then show as
 * "ifindex N netns-cookie C".
 */
#ifndef NSTRACE_TIMELINE_PRINT_H
#define NSTRACE_TIMELINE_PRINT_H

#include <stdio.h>

#include "correlate.h"
#include "hops.h"

/*
 * timeline 7 fp 1a2b3c4d5e6f7081: 10.0.0.5 > 10.0.0.1 ICMP echo request
 *   id 77 seq 3 ttl 64 (3 hops in 42.100 us)
 *         +0.000       +0.000  -/tap1                   in
 *        +20.000      +20.000  -/underlay               out vlan 3 gre ...
 *        +42.100      +22.100  qrouter-x/qg-1           out nat ...
 * Offsets since the first hop and deltas from the previous one are in
 * microseconds; VLAN/tunnel, rewritten addresses (NAT), TTL changes,
 * drops and flags follow on each hop's line.
 */
void timeline_print_text(FILE *out, const struct timeline *t,
			 const struct hop_table *hops);
/* One {"type":"timeline",...} object and a newline. */
void timeline_print_json(FILE *out, const struct timeline *t,
			 const struct hop_table *hops);

#endif
