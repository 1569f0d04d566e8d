/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Helpers shared by the path planner's files; not an API. */
#ifndef NSTRACE_PATH_PLAN_INT_H
#define NSTRACE_PATH_PLAN_INT_H

#include "path_plan.h"

struct plan {
	const struct topology *t;
	struct port_path *out;
	int err; /* -ENOMEM once any append failed */
	__u32 key; /* the network's segmentation id */
	bool tunnelled; /* network type gre/vxlan/geneve */
	char net_type[16];
};

/* Append a hop at (node, ns, dev); fills the namespace, ifindex, MAC, IP
 * and attachability from the model.  NULL when out of memory. */
struct path_hop *plan_add(struct plan *pl, int node, int ns, const char *dev,
			  enum dev_role role, __u8 dir_out);
/* Mark hop as not attachable for reason. */
void plan_no_probe(struct path_hop *h, const char *why);
/* Set the tunnel fields of h for a frame between the given addresses. */
void plan_tunnel(struct plan *pl, struct path_hop *h, const char *local, const char *remote);

/*
 * The crossing of Open vSwitch from the integration bridge on node `from`
 * (the bridge holding from_iface) to the one on node `to` (holding
 * to_iface): br-int only on one node; else patch, br-tun, tunnel port,
 * underlay, ... on the other side (or the provider bridges of VLAN/flat
 * networks).
 */
void plan_crossing(struct plan *pl, int from, const char *from_iface, int vlan_from, int to,
		   const char *to_iface, int vlan_to);

#endif
