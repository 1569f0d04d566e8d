/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Drops by iptables in the agents' namespaces on a traced path (qdhcp-,
 * qrouter-, snat-, fip-): the DROP and REJECT rules and DROP policies of
 * each one's filter table whose counters rose during the trace.  Neutron
 * filters little there (the L3 agent's metadata and address-scope rules,
 * a firewall-as-a-service policy), so a drop counted there names the rule
 * behind a NETFILTER_DROP that no security group explains.
 */
#ifndef NSTRACE_FILTER_DROPS_H
#define NSTRACE_FILTER_DROPS_H

#include <limits.h>

#include "ipt_snapshot.h"
#include "path_plan.h"
#include "topology.h"
#include "verdict_print.h"

/*
 * One "filter-drops" check for namespace ns_name on node where: failed
 * with the dropping rules that counted packets between before and after,
 * passed when none did, unknown when a snapshot could not be read.
 * exec_prefix runs a command there ("ip netns exec NS ").  -ENOMEM only.
 */
int filter_drops_check(const struct ipt_snapshot *before, const struct ipt_snapshot *after,
		       const char *ns_name, const char *where, const char *exec_prefix,
		       struct verdict_checks *out);

struct filter_watch_ns {
	char name[NS_NAME_MAX];
	char path[PATH_MAX]; /* for setns; "" for nstrace's own */
	char exec[PATH_MAX + 32];
	char node[TOPO_NAME_LEN];
	struct ipt_snapshot before;
};

struct filter_watch {
	struct filter_watch_ns *ns;
	size_t n;
};

/* Read the filter tables of the agent namespaces among path's hops now. */
void filter_watch_start(struct filter_watch *w, const struct topology *t,
			const struct port_path *path);
/* One check per namespace, counted since the last read; the next call
 * counts from here. */
void filter_watch_checks(struct filter_watch *w, struct verdict_checks *out);
void filter_watch_free(struct filter_watch *w);

#endif
