/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ask a node's ovs-vswitchd what its flows do to a message that was lost
 * in them: `ovs-appctl ofproto/trace` with the message's flow as seen at
 * the last probe point, its outcome read as an operator reads it (the
 * datapath actions, and the last table the message met).
 */
#ifndef NSTRACE_OVS_TRACE_H
#define NSTRACE_OVS_TRACE_H

#include <stdbool.h>

#include "ovsdb.h"
#include "topology.h"
#include "verdict.h"
#include "verdict_print.h"

#define OVS_TRACE_MAX_STEPS 8

/* A bridge's section of the trace, at the top level: the last table the
 * message met there and that table's last action. */
struct ovs_trace_step {
	char bridge[OVS_NAME_LEN];
	char table[160]; /* "table 3 (priority 0)" */
	char action[160]; /* "drop", "NORMAL -> no learned MAC for destination, flooding" */
};

struct ovs_trace_outcome {
	char actions[200]; /* after "Datapath actions: " */
	bool dropped; /* the datapath action is drop */
	struct ovs_trace_step steps[OVS_TRACE_MAX_STEPS]; /* in the order met */
	size_t n_steps;
	char visited[OVS_TRACE_MAX_STEPS][OVS_NAME_LEN]; /* every bridge entered, nested too */
	size_t n_visited;
};

/* The trace entered bridge. */
bool ovs_trace_visited(const struct ovs_trace_outcome *o, const char *bridge);
/* The last top-level section of bridge (NULL: any bridge), or NULL. */
const struct ovs_trace_step *ovs_trace_step_of(const struct ovs_trace_outcome *o,
					       const char *bridge);

/* ofproto/trace's text into o; -EINVAL when it has no datapath actions
 * (an error message instead). */
int ovs_trace_parse(const char *text, struct ovs_trace_outcome *o);

/* What outcome o of tracing spec says: c's status and detail. */
void ovs_trace_judge(const struct ovs_trace_spec *spec, const struct ovs_trace_outcome *o,
		     struct verdict_check *c);

/*
 * One "ovs-trace" check for spec (nothing when it has no bridge): failed
 * when the flows drop the message (naming the table), never take it to
 * the bridge it must reach (spec->reach), or drop it there while copies
 * go elsewhere; passed when they send it on; unknown when the node's
 * ovs-vswitchd could not be asked.
 * -ENOMEM only.
 */
int ovs_trace_check(const struct topology *t, const struct ovs_trace_spec *spec,
		    struct verdict_checks *out);

#endif
