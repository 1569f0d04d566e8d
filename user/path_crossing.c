// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Crossing Open vSwitch between two nodes: integration bridge, patch port,
 * tunnel bridge, tunnel port, underlay devices, and back up on the other
 * node; or the provider bridges of a VLAN/flat network.
 */
#include <stdio.h>
#include <string.h>

#include "path_plan.h" /* <linux/types.h> before the event ABI */
#include "nstrace_event.h"
#include "path_plan_int.h"
#include "str_copy.h"

#define DEFAULT_INT_BRIDGE "br-int"
#define DEFAULT_TUN_BRIDGE "br-tun"

/* Index of the bridge holding interface name on node, -1 when unknown. */
static int bridge_of(const struct topo_node *node, const char *iface)
{
	const struct ovs_iface *ifc = iface ? ovsdb_iface_by_name(&node->ovs, iface) : NULL;
	const struct ovs_bridge *br = ifc ? ovsdb_iface_bridge(&node->ovs, ifc) : NULL;

	return br ? (int)(br - node->ovs.bridges) : -1;
}

/* The integration bridge: the one holding the port's interface, else the
 * one called br-int. */
static int int_bridge(const struct topo_node *node, const char *iface)
{
	const struct ovs_bridge *br;
	int b = bridge_of(node, iface);

	if (b >= 0)
		return b;
	br = ovsdb_bridge_by_name(&node->ovs, DEFAULT_INT_BRIDGE);
	return br ? (int)(br - node->ovs.bridges) : -1;
}

/*
 * The patch interface on bridge `from` whose peer sits on bridge `to`
 * (to = -1: on any bridge but `not`); its peer's bridge in *peer_bridge.
 */
static const struct ovs_iface *patch_to(const struct topo_node *node, int from, int to, int not,
					int *peer_bridge)
{
	const struct ovsdb_snapshot *s = &node->ovs;

	if (from < 0)
		return NULL;
	for (size_t p = 0; p < s->bridges[from].n_ports; p++) {
		const struct ovs_port *op = &s->ports[s->bridges[from].ports[p]];

		for (size_t i = 0; i < op->n_ifaces; i++) {
			const struct ovs_iface *ifc = &s->ifaces[op->ifaces[i]];
			const char *peer = kvlist_get(&ifc->options, "peer");
			const struct ovs_iface *pi = peer ? ovsdb_iface_by_name(s, peer) : NULL;
			const struct ovs_bridge *pb = pi ? ovsdb_iface_bridge(s, pi) : NULL;
			int b = pb ? (int)(pb - s->bridges) : -1;

			if (strcmp(ifc->type, "patch") || b < 0)
				continue;
			if ((to >= 0 && b == to) || (to < 0 && b != not && b != from)) {
				*peer_bridge = b;
				return ifc;
			}
		}
	}
	return NULL;
}

static const char *bridge_name(const struct topo_node *node, int b, const char *dflt)
{
	return b >= 0 ? node->ovs.bridges[b].name : dflt;
}

/* A system (kernel device) interface of bridge b that exists in the node's
 * namespace: where a provider bridge meets the wire. */
static const char *system_port(const struct topology *t, const struct topo_node *node, int b)
{
	const struct ovsdb_snapshot *s = &node->ovs;

	if (b < 0)
		return NULL;
	for (size_t p = 0; p < s->bridges[b].n_ports; p++) {
		const struct ovs_port *op = &s->ports[s->bridges[b].ports[p]];

		for (size_t i = 0; i < op->n_ifaces; i++) {
			const struct ovs_iface *ifc = &s->ifaces[op->ifaces[i]];

			if ((!ifc->type[0] || !strcmp(ifc->type, "system")) &&
			    topo_link(t, node->ns, ifc->name))
				return ifc->name;
		}
	}
	return NULL;
}

static void note_defaults(struct path_hop *h, const struct topo_node *node)
{
	if (h && !node->ovsdb_ok)
		snprintf(h->note, sizeof(h->note), "OVSDB not read: Neutron's default name");
}

/* br-int -> patch -> br-tun on node n (or the reverse when back). */
static void tunnel_bridges(struct plan *pl, int n, int ib, int vlan, bool back)
{
	const struct topo_node *node = &pl->t->nodes[n];
	int tb = node->tun_bridge, peer_b = -1;
	const struct ovs_iface *patch = patch_to(node, back ? tb : ib, back ? ib : tb, -1, &peer_b);
	const char *patch_name = patch ? patch->name : (back ? "patch-int" : "patch-tun");
	struct path_hop *h;
	__u8 dir = back ? NSTRACE_DIR_INGRESS : NSTRACE_DIR_EGRESS;

	if (back) {
		h = plan_add(pl, n, -1, bridge_name(node, tb, DEFAULT_TUN_BRIDGE), ROLE_BR_TUN,
			     dir);
		plan_tunnel(pl, h, NULL, NULL);
		note_defaults(h, node);
	}
	h = plan_add(pl, n, -1, patch_name, ROLE_PATCH, dir);
	if (h) {
		h->vlan = vlan;
		if (patch)
			snprintf(h->note, sizeof(h->note), "peer %s",
				 kvlist_get(&patch->options, "peer"));
		else if (node->ovsdb_ok)
			h->missing = true;
		note_defaults(h, node);
	}
	if (!back) {
		h = plan_add(pl, n, -1, bridge_name(node, tb, DEFAULT_TUN_BRIDGE), ROLE_BR_TUN,
			     dir);
		plan_tunnel(pl, h, NULL, NULL);
		note_defaults(h, node);
		if (h && tb < 0 && node->ovsdb_ok) {
			h->missing = true;
			snprintf(h->note, sizeof(h->note), "no bridge with tunnel ports");
		}
	}
}

/* The tunnel port on node `from` toward `to`; a missing-hop when absent. */
static void tunnel_port(struct plan *pl, int from, int to, __u8 dir)
{
	const struct topology *t = pl->t;
	const struct topo_node *node = &t->nodes[from];
	const struct topo_tunnel *tun = topo_tunnel_to(t, from, to);
	struct path_hop *h;

	if (tun) {
		h = plan_add(pl, from, -1, tun->name, ROLE_TUNNEL, dir);
		plan_tunnel(pl, h, node->tunnel_ip, tun->remote_ip);
		return;
	}
	h = plan_add(pl, from, -1, "", ROLE_TUNNEL, dir);
	if (!h)
		return;
	plan_tunnel(pl, h, node->tunnel_ip, t->nodes[to].tunnel_ip);
	if (node->ovsdb_ok) {
		h->missing = true;
		snprintf(h->note, sizeof(h->note), "no tunnel port to %s (%s)", t->nodes[to].name,
			 t->nodes[to].tunnel_ip[0] ? t->nodes[to].tunnel_ip : "address unknown");
	} else {
		snprintf(h->note, sizeof(h->note), "OVSDB not read: tunnel port unknown");
	}
}

/* The far end of a veth underlay NIC when it sits in a namespace no node
 * owns: an emulated underlay switch, whose ports are probe points too. */
static const struct link_info *switch_port(const struct plan *pl, const struct topo_node *node,
					   int *ns)
{
	const struct link_info *li = topo_link(pl->t, node->ns, node->underlay_dev);
	const struct link_info *peer = li ? topo_veth_peer(pl->t, node->ns, li, ns) : NULL;

	return peer && pl->t->ns[*ns].node < 0 ? peer : NULL;
}

static void underlay(struct plan *pl, int n, int peer, bool back)
{
	const struct topo_node *node = &pl->t->nodes[n];
	const char *remote = peer >= 0 ? pl->t->nodes[peer].tunnel_ip : "";
	int sw_ns = -1;
	const struct link_info *sw = switch_port(pl, node, &sw_ns);
	struct path_hop *h;

	if (sw && back) {
		h = plan_add(pl, -1, sw_ns, sw->name, ROLE_UNDERLAY, NSTRACE_DIR_EGRESS);
		plan_tunnel(pl, h, remote, node->tunnel_ip);
		if (h)
			snprintf(h->note, sizeof(h->note), "underlay switch port to %s",
				 node->name);
	}
	h = plan_add(pl, n, node->ns, node->underlay_dev, ROLE_UNDERLAY,
		     back ? NSTRACE_DIR_INGRESS : NSTRACE_DIR_EGRESS);
	if (h) {
		plan_tunnel(pl, h, node->tunnel_ip, remote);
		if (!node->underlay_dev[0])
			snprintf(h->note, sizeof(h->note), "no device holds the tunnel address %s",
				 node->tunnel_ip[0] ? node->tunnel_ip : "(unknown)");
	}
	if (sw && !back) {
		h = plan_add(pl, -1, sw_ns, sw->name, ROLE_UNDERLAY, NSTRACE_DIR_INGRESS);
		plan_tunnel(pl, h, node->tunnel_ip, remote);
		if (h)
			snprintf(h->note, sizeof(h->note), "underlay switch port from %s",
				 node->name);
	}
}

/* VLAN/flat: br-int -> int-br-X -> br-X -> physical port, and back. */
static void provider_side(struct plan *pl, int n, int ib, int vlan, bool back)
{
	const struct topology *t = pl->t;
	const struct topo_node *node = &t->nodes[n];
	int pb = -1;
	const struct ovs_iface *patch = patch_to(node, ib, -1, node->tun_bridge, &pb);
	const char *phys = system_port(t, node, pb);
	__u8 dir = back ? NSTRACE_DIR_INGRESS : NSTRACE_DIR_EGRESS;
	struct path_hop *hops[3] = { NULL };
	int wire_vlan = !strcmp(pl->net_type, "vlan") ? (int)pl->key : -1;

	if (!patch) {
		struct path_hop *h = plan_add(pl, n, -1, "", ROLE_PATCH, dir);

		if (h) {
			h->missing = node->ovsdb_ok;
			snprintf(h->note, sizeof(h->note), "no patch port to a provider bridge");
		}
		return;
	}
	if (back) {
		hops[0] = plan_add(pl, n, node->ns, phys ? phys : "", ROLE_PROVIDER, dir);
		hops[1] = plan_add(pl, n, -1, bridge_name(node, pb, ""), ROLE_OVS_BRIDGE, dir);
		hops[2] = plan_add(pl, n, -1, patch->name, ROLE_PATCH, dir);
	} else {
		hops[0] = plan_add(pl, n, -1, patch->name, ROLE_PATCH, dir);
		hops[1] = plan_add(pl, n, -1, bridge_name(node, pb, ""), ROLE_OVS_BRIDGE, dir);
		hops[2] = plan_add(pl, n, node->ns, phys ? phys : "", ROLE_PROVIDER, dir);
	}
	for (int i = 0; i < 3; i++)
		if (hops[i])
			hops[i]->vlan = hops[i]->role == ROLE_PATCH ? vlan : wire_vlan;
}

void plan_crossing(struct plan *pl, int from, const char *from_iface, int vlan_from, int to,
		   const char *to_iface, int vlan_to)
{
	const struct topology *t = pl->t;
	const struct topo_node *src = from >= 0 ? &t->nodes[from] : NULL;
	const struct topo_node *dst = to >= 0 ? &t->nodes[to] : NULL;
	int ib_from = src ? int_bridge(src, from_iface) : -1;
	int ib_to = dst ? int_bridge(dst, to_iface) : -1;
	struct path_hop *h;

	if (!src)
		return;
	h = plan_add(pl, from, -1, bridge_name(src, ib_from, DEFAULT_INT_BRIDGE), ROLE_BR_INT,
		     NSTRACE_DIR_EGRESS);
	if (h)
		h->vlan = vlan_from;
	note_defaults(h, src);
	if (to == from)
		return;
	if (!pl->tunnelled) {
		provider_side(pl, from, ib_from, vlan_from, false);
		if (dst)
			provider_side(pl, to, ib_to, vlan_to, true);
	} else {
		tunnel_bridges(pl, from, ib_from, vlan_from, false);
		if (dst)
			tunnel_port(pl, from, to, NSTRACE_DIR_EGRESS);
		underlay(pl, from, to, false);
		if (!dst)
			return;
		underlay(pl, to, from, true);
		tunnel_port(pl, to, from, NSTRACE_DIR_INGRESS);
		tunnel_bridges(pl, to, ib_to, vlan_to, true);
	}
	if (!dst)
		return;
	h = plan_add(pl, to, -1, bridge_name(dst, ib_to, DEFAULT_INT_BRIDGE), ROLE_BR_INT,
		     NSTRACE_DIR_INGRESS);
	if (h)
		h->vlan = vlan_to;
	note_defaults(h, dst);
}
