/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Security-group evidence: the packet counters of a port's iptables
 * chains (the hybrid driver's neutron-openvswi-{i,o,s}<port>) read with
 * `iptables-save -c` in the compute node's namespace before and after a
 * trace; rules whose counters rose say what the security group did to the
 * traced packets, a DROP among them says it dropped them.
 */
#ifndef NSTRACE_SG_COUNTERS_H
#define NSTRACE_SG_COUNTERS_H

#include <stddef.h>

#include "ipt_snapshot.h"
#include "verdict_print.h"

#define SG_PORT_PREFIX 10 /* port UUID characters in a chain name */

/* The port's chain of kind 'i', 'o' or 's': neutron-openvswi-o1234567890. */
void sg_chain_name(char *buf, size_t len, char kind, const char *port_uuid);

/*
 * One "sg-counters" check per chain of the port whose rules counted
 * packets between before and after (failed when one of them drops:
 * DROP, REJECT or the fallback chain), or one passed check saying none
 * did.  where: the node, for the subject; exec_prefix: what runs a
 * command in its namespace ("ip netns exec NS ").  -ENOMEM only.
 */
int sg_checks(const struct ipt_snapshot *before, const struct ipt_snapshot *after,
	      const char *port_uuid, const char *where, const char *exec_prefix,
	      struct verdict_checks *out);
/*
 * One "sg-hooks" check: whether neutron-openvswi-FORWARD and -sg-chain
 * send the frames of the port's device tap (physdev in and out) to its o
 * and i chains; nothing when the snapshot has no hybrid-driver FORWARD
 * chain.  -ENOMEM only.
 */
int sg_hooks_check(const struct ipt_snapshot *s, const char *port_uuid, const char *tap,
		   const char *where, const char *exec_prefix, struct verdict_checks *out);

#endif
