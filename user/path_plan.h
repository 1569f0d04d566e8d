/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The ordered hops of a port's DHCP path (VM -> tap -> qbr -> qvb -> qvo ->
 * br-int -> br-tun -> tunnel -> underlay -> ... -> DHCP tap in qdhcp-<net>)
 * and L3 path (... -> qr- in qrouter-<router> -> qg- -> br-ex -> external),
 * and the peer path between two instances of one network (... -> br-int
 * [-> tunnel -> other node -> br-int] -> qvo -> qvb -> qbr -> tap -> VM).
 * Each hop says where it is (node, namespace name and setns path, device,
 * ifindex), what it is (role), what the packet carries there (VLAN or
 * tunnel key) and whether a tc probe there sees the packet.
 *
 * `nstrace dhcp` and `nstrace ping` take their probe points from here:
 * attach to the hops with attachable set, in direction dir_out for packets
 * going away from the VM and the opposite one for replies.
 */
#ifndef NSTRACE_PATH_PLAN_H
#define NSTRACE_PATH_PLAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#include "hops.h"
#include "topology.h"

enum path_kind {
	PATH_DHCP, /* the VM's port to its network's DHCP server */
	PATH_L3, /* the VM's port to its router and out of the gateway */
	PATH_PEER, /* the VM's port to another VM's port on the same network */
};

struct path_hop {
	int node; /* index into topology nodes, -1 unknown */
	char node_name[TOPO_NAME_LEN];
	int ns; /* index into topology ns, -1 when not in a namespace we saw */
	char netns[NS_NAME_MAX]; /* namespace name ("root", "qdhcp-...", "pid:N") */
	char netns_path[PATH_MAX]; /* for setns: /run/netns/NAME, /proc/PID/ns/net */
	bool netns_self; /* the namespace nstrace runs in */
	__u64 netns_cookie; /* bpf_get_netns_cookie() there; 0 unknown */
	char dev[OVS_NAME_LEN]; /* kernel device, or OVS bridge/port name */
	int ifindex; /* 0 when there is no kernel device */
	enum dev_role role;
	char mac[18];
	char ip[TOPO_IP_LEN + 4]; /* first address with its prefix length */
	int vlan; /* local VLAN on this node's integration bridge, -1 none */
	bool has_key; /* the frame is tunnelled here with key/VNI tun_key */
	__u32 tun_key;
	char tun_type[16]; /* gre, vxlan, geneve */
	char tun_local[TOPO_IP_LEN];
	char tun_remote[TOPO_IP_LEN];
	bool attachable; /* a tc probe here sees the path's packets */
	char why_not[96]; /* when !attachable: why */
	bool missing; /* expected here but not found (a finding) */
	__u8 dir_out; /* NSTRACE_DIR_* of a packet going away from the (first) VM */
	char note[192];
};

struct port_path {
	enum path_kind kind;
	struct path_hop *hops;
	size_t n;
	int port; /* the port it starts from */
	int target_node; /* the DHCP server's / router's / peer's node, -1 */
	int target_port; /* DHCP port, qr- port or the peer VM's port, -1 */
	int router; /* PATH_L3: index into routers, -1 */
	char problem[256]; /* why the path stops short; "" when complete */
};

/* Plan kind (PATH_DHCP or PATH_L3) for port (index into t->ports).
 * -ENOMEM, or -EINVAL for PATH_PEER (it needs a peer: path_plan_peer); an
 * incomplete path is a result (see problem), not an error. */
int path_plan(const struct topology *t, int port, enum path_kind kind, struct port_path *out);
/*
 * PATH_PEER: from port's instance to peer_port's, east-west on one network:
 * port's side, the crossing to the peer's node (br-int alone when both
 * share a node), then the peer's side in the order a packet meets it
 * (qvo, qvb, qbr, tap, VM).  dir_out stays "going away from port's VM",
 * i.e. towards the peer.  A request that is no peer path (either port not
 * an instance's, the same port, networks unknown or different: that
 * traffic goes through a router) gets no hops and a problem; -ENOMEM only.
 */
int path_plan_peer(const struct topology *t, int port, int peer_port, struct port_path *out);
void port_path_free(struct port_path *p);
const char *path_kind_name(enum path_kind k);

/* Index of the first hop with role, or -1. */
int path_find_role(const struct port_path *p, enum dev_role role);
/*
 * An attach-layer hop (user/hops.h) for ph in direction dir
 * (NSTRACE_DIR_*): netns "" for nstrace's own, the /run/netns name for
 * named ones, the /proc path otherwise.
 */
void path_hop_to_hop(const struct path_hop *ph, __u8 dir, struct hop *out);

#endif
