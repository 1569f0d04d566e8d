// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Model building, part one: nodes, which namespaces belong to them, veth
 * peers across namespaces, and ports.  Pure: reads only struct topology
 * (plus t->nsid_of for ambiguous veth peers).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "str_copy.h"
#include "topology.h"
#include "topology_int.h"

/* The namespace each ovsdb-server runs in; a node reached only through a
 * --ovsdb path whose server is not visible is taken to be nstrace's own. */
static void node_namespaces(struct topology *t)
{
	for (size_t n = 0; n < t->n_nodes; n++) {
		struct topo_node *node = &t->nodes[n];

		node->ns = -1;
		for (size_t i = 0; i < t->n_ns && node->endpoint.ns_ino; i++)
			if (t->ns[i].ns.ino == node->endpoint.ns_ino &&
			    t->ns[i].ns.dev == node->endpoint.ns_dev)
				node->ns = (int)i;
		for (size_t i = 0; i < t->n_ns && node->ns < 0; i++)
			if (t->ns[i].ns.is_self)
				node->ns = (int)i;
	}
}

static size_t count_hostname(const struct topology *t, const char *h)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_nodes; i++) {
		const char *o = kvlist_get(&t->nodes[i].ovs.external_ids, "hostname");

		if (o && !strcmp(o, h))
			n++;
	}
	return n;
}

/*
 * A node is called by OVS's own hostname when that tells nodes apart;
 * else by the name of the namespace its ovsdb-server runs in (emulated
 * nodes); else by this host's name.
 */
static void name_nodes(struct topology *t)
{
	for (size_t n = 0; n < t->n_nodes; n++) {
		struct topo_node *node = &t->nodes[n];
		const char *h = kvlist_get(&node->ovs.external_ids, "hostname");
		const struct netns_entry *e = node->ns >= 0 ? &t->ns[node->ns].ns : NULL;

		if (h && h[0] && count_hostname(t, h) == 1)
			STR_COPY(node->name, h);
		else if (e && !e->is_root && !e->is_self)
			STR_COPY(node->name, e->name);
		else
			STR_COPY(node->name, t->hostname[0] ? t->hostname : "localhost");
	}
	/* Still equal names (two servers in one namespace): number them. */
	for (size_t n = 1; n < t->n_nodes; n++)
		for (size_t m = 0; m < n; m++)
			if (!strcmp(t->nodes[n].name, t->nodes[m].name)) {
				char base[TOPO_NAME_LEN];

				STR_COPY(base, t->nodes[n].name);
				snprintf(t->nodes[n].name, sizeof(t->nodes[n].name), "%.50s#%u",
					 base, (unsigned int)(n + 1) % 1000);
				break;
			}
}

static int cmp_nodes(const void *a, const void *b)
{
	return strcmp(((const struct topo_node *)a)->name, ((const struct topo_node *)b)->name);
}

/* Candidate peers of veth li in ns i: a veth elsewhere pointing back. */
static size_t peer_candidates(const struct topology *t, size_t i, const struct link_info *li,
			      int *cand, size_t max)
{
	size_t n = 0;

	for (size_t j = 0; j < t->n_ns; j++) {
		const struct link_info *pl;

		if (j == i)
			continue;
		pl = links_by_index(&t->ns[j].links, li->link);
		if (pl && pl->link == li->ifindex && pl->link_netnsid >= 0 &&
		    !strcmp(pl->kind, li->kind) &&
		    (!li->has_peer_mac || (pl->has_mac && !memcmp(pl->mac, li->peer_mac, 6)))) {
			if (n < max)
				cand[n] = (int)j;
			n++;
		}
	}
	return n;
}

/* Several namespaces have a matching veth (ifindexes repeat across
 * namespaces): the nsid the veth names tells which one it is. */
static int pick_by_nsid(const struct topology *t, size_t i, int nsid, const int *cand,
			size_t n)
{
	for (size_t k = 0; k < n && t->nsid_of; k++)
		if (t->nsid_of(t, (int)i, cand[k]) == nsid)
			return cand[k];
	return -1;
}

static int resolve_peers(struct topology *t)
{
	for (size_t i = 0; i < t->n_ns; i++) {
		struct topo_ns *ns = &t->ns[i];

		free(ns->peer_ns);
		ns->peer_ns = malloc((ns->links.n + 1) * sizeof(int));
		if (!ns->peer_ns)
			return -ENOMEM;
		for (size_t k = 0; k < ns->links.n; k++) {
			const struct link_info *li = &ns->links.items[k];
			int cand[16];
			size_t n;

			ns->peer_ns[k] = -1;
			if (li->link_netnsid < 0 || li->link <= 0 || strcmp(li->kind, "veth"))
				continue;
			n = peer_candidates(t, i, li, cand, 16);
			if (n == 1)
				ns->peer_ns[k] = cand[0];
			else if (n > 1)
				ns->peer_ns[k] = pick_by_nsid(t, i, li->link_netnsid, cand,
							      n < 16 ? n : 16);
		}
	}
	return 0;
}

/* The link in ns that is li's veth peer, or NULL. */
const struct link_info *topo_veth_peer(const struct topology *t, int ns,
				       const struct link_info *li, int *peer_ns)
{
	const struct topo_ns *n = &t->ns[ns];
	size_t k = (size_t)(li - n->links.items);

	*peer_ns = -1;
	if (k >= n->links.n || !n->peer_ns || n->peer_ns[k] < 0)
		return NULL;
	*peer_ns = n->peer_ns[k];
	return links_by_index(&t->ns[*peer_ns].links, li->link);
}

/* A node whose OVSDB has an interface called name; -1 when none. */
static int node_with_iface(const struct topology *t, const char *name)
{
	for (size_t n = 0; n < t->n_nodes; n++)
		if (t->nodes[n].ovsdb_ok && ovsdb_iface_by_name(&t->nodes[n].ovs, name))
			return (int)n;
	return -1;
}

/* The one node whose namespace ns i has veth peers in; -1 for none or
 * several. */
static int veth_node(const struct topology *t, size_t i)
{
	const struct topo_ns *ns = &t->ns[i];
	int node = -1;

	for (size_t k = 0; k < ns->links.n && ns->peer_ns; k++) {
		int p = ns->peer_ns[k];
		int n = p >= 0 ? t->ns[p].node : -1;

		if (n < 0 || t->nodes[n].ns != p)
			continue;
		if (node >= 0 && node != n)
			return -1;
		node = n;
	}
	return node;
}

static void assign_namespaces(struct topology *t)
{
	bool changed = true;

	for (size_t n = 0; n < t->n_nodes; n++)
		if (t->nodes[n].ns >= 0)
			t->ns[t->nodes[n].ns].node = (int)n;
	/* qdhcp-/qrouter-: their internal ports are interfaces of one OVS. */
	for (size_t i = 0; i < t->n_ns; i++) {
		struct topo_ns *ns = &t->ns[i];

		for (size_t k = 0; k < ns->links.n && ns->node < 0; k++)
			if (strcmp(ns->links.items[k].name, "lo"))
				ns->node = node_with_iface(t, ns->links.items[k].name);
	}
	/* Namespaces joined by veths to one node's namespace (a lab VM); one
	 * joined to several nodes (an underlay switch) belongs to none. */
	while (changed) {
		changed = false;
		for (size_t i = 0; i < t->n_ns; i++) {
			int node = veth_node(t, i);

			if (t->ns[i].node < 0 && node >= 0) {
				t->ns[i].node = node;
				changed = true;
			}
		}
	}
	/* One node only (a real host): everything here is on it. */
	if (t->n_nodes == 1)
		for (size_t i = 0; i < t->n_ns; i++)
			if (t->ns[i].node < 0)
				t->ns[i].node = 0;
}

static struct topo_port *new_port(struct topology *t)
{
	struct topo_port *p = realloc(t->ports, (t->n_ports + 1) * sizeof(*p));

	if (!p)
		return NULL;
	t->ports = p;
	p = &p[t->n_ports++];
	memset(p, 0, sizeof(*p));
	p->node = p->iface = p->ns = p->vm_ns = p->network = p->router = -1;
	p->local_vlan = p->config_vlan = -1;
	return p;
}

static enum port_kind kind_of(enum dev_role role, enum ns_kind ns_kind)
{
	switch (role) {
	case ROLE_QVO:
		return PORT_VM;
	case ROLE_TAP:
	case ROLE_DHCP_TAP:
		return ns_kind == NSK_QDHCP ? PORT_DHCP : PORT_VM;
	case ROLE_QR:
		return PORT_ROUTER_IF;
	case ROLE_QG:
		return PORT_ROUTER_GW;
	case ROLE_HA:
		return PORT_HA;
	default:
		return PORT_OTHER;
	}
}

static bool is_agent_ns(enum ns_kind k)
{
	return k == NSK_QDHCP || k == NSK_QROUTER || k == NSK_SNAT || k == NSK_FIP;
}

/*
 * An agent's port plugged through a veth pair (the interface driver's
 * ovs_use_veth): the OVS port is tap<port> in the node's namespace, the
 * port's own device its peer in qdhcp-/qrouter- (ns-<port> where dnsmasq
 * listens, qr-/qg-<port>).  Moves p and *li there and returns the inner
 * device's role; else role unchanged.
 */
static enum dev_role agent_veth_inside(struct topology *t, struct topo_port *p,
				       const struct link_info **li, enum dev_role role)
{
	const struct link_info *peer;
	int peer_ns;

	if (role != ROLE_TAP || !*li || p->ns < 0 || is_agent_ns(t->ns[p->ns].kind))
		return role;
	peer = topo_veth_peer(t, p->ns, *li, &peer_ns);
	if (!peer || !is_agent_ns(t->ns[peer_ns].kind))
		return role;
	STR_COPY(p->dev, peer->name);
	p->ns = peer_ns;
	*li = peer;
	return dev_classify(peer->name, t->ns[peer_ns].kind);
}

/* Where the port's own device is, and what kind of port that makes it. */
static void place_port(struct topology *t, struct topo_port *p, enum dev_role role)
{
	const struct link_info *li;
	char name[OVS_NAME_LEN];
	int vm_ns;

	if (role == ROLE_QVO) {
		snprintf(name, sizeof(name), "tap%.40s", p->prefix);
		p->hybrid = true;
	} else {
		STR_COPY(name, p->ovs_name);
	}
	STR_COPY(p->dev, name);
	p->ns = topo_find_dev(t, p->node, p->dev, &li);
	role = agent_veth_inside(t, p, &li, role);
	p->kind = kind_of(role, p->ns >= 0 ? t->ns[p->ns].kind : NSK_OTHER);
	if (p->kind == PORT_VM && role == ROLE_TAP)
		p->native_fw = true;
	if (!li)
		return;
	if (p->kind == PORT_VM) {
		const struct link_info *peer = topo_veth_peer(t, p->ns, li, &vm_ns);

		if (peer) {
			p->vm_ns = vm_ns;
			STR_COPY(p->vm_dev, peer->name);
			if (!p->mac[0] && peer->has_mac)
				fmt_mac(p->mac, peer->mac);
		}
	}
	if (!p->mac[0] && li->has_mac) {
		fmt_mac(p->mac, li->mac);
		/* libvirt gives a tap fe:16:3e:.. for the instance's fa:16:3e:.. */
		if (p->kind == PORT_VM && !strncmp(p->mac, "fe:16:3e:", 9))
			p->mac[1] = 'a';
	}
}

static int parse_vlan(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	v = strtol(s, &end, 10);
	return *end || v < 0 || v > 4095 ? -1 : (int)v;
}

static int ovsdb_ports(struct topology *t)
{
	for (size_t n = 0; n < t->n_nodes; n++) {
		const struct ovsdb_snapshot *s = &t->nodes[n].ovs;

		for (size_t i = 0; i < s->n_ifaces; i++) {
			const struct ovs_iface *ifc = &s->ifaces[i];
			const struct ovs_port *op = ovsdb_iface_port(s, ifc);
			const char *id = kvlist_get(&ifc->external_ids, "iface-id");
			const char *v;
			struct topo_port *p;

			if (!id || !uuid_is_valid(id))
				continue;
			p = new_port(t);
			if (!p)
				return -ENOMEM;
			uuid_lower(p->uuid, sizeof(p->uuid), id);
			if (!dev_uuid_prefix(ifc->name, p->prefix))
				snprintf(p->prefix, sizeof(p->prefix), "%.11s", p->uuid);
			p->node = (int)n;
			p->iface = (int)i;
			STR_COPY(p->ovs_name, ifc->name);
			if ((v = kvlist_get(&ifc->external_ids, "attached-mac")))
				STR_COPY(p->mac, v);
			if ((v = kvlist_get(&ifc->external_ids, "vm-uuid")))
				STR_COPY(p->vm_uuid, v);
			if ((v = kvlist_get(&ifc->external_ids, "iface-status")))
				STR_COPY(p->iface_status, v);
			if (op) {
				p->local_vlan = op->tag;
				p->config_vlan = parse_vlan(kvlist_get(&op->other_config, "tag"));
				if ((v = kvlist_get(&op->other_config, "net_uuid")) &&
				    uuid_is_valid(v)) {
					uuid_lower(p->net_uuid, sizeof(p->net_uuid), v);
					p->net_source = NET_SRC_OVSDB;
				}
				if ((v = kvlist_get(&op->other_config, "network_type")))
					STR_COPY(p->network_type, v);
				if ((v = kvlist_get(&op->other_config, "segmentation_id")))
					STR_COPY(p->segmentation_id, v);
			}
			place_port(t, p, dev_classify(ifc->name, NSK_OTHER));
		}
	}
	return 0;
}

static bool port_known(const struct topology *t, const char *prefix)
{
	for (size_t i = 0; i < t->n_ports; i++)
		if (!strcmp(t->ports[i].prefix, prefix) ||
		    (t->ports[i].uuid[0] && uuid_has_prefix(t->ports[i].uuid, prefix)))
			return true;
	return false;
}

/* Ports seen only as device names: OVSDB unreachable, or the OVS port is
 * gone while the device stayed. */
static int name_only_ports(struct topology *t)
{
	static const enum dev_role order[] = { ROLE_QVO, ROLE_TAP, ROLE_DHCP_TAP, ROLE_QR,
					       ROLE_QG, ROLE_HA };

	for (size_t r = 0; r < sizeof(order) / sizeof(order[0]); r++) {
		for (size_t i = 0; i < t->n_ns; i++) {
			for (size_t k = 0; k < t->ns[i].links.n; k++) {
				const char *dev = t->ns[i].links.items[k].name;
				char prefix[UUID_STR_LEN];
				struct topo_port *p;

				if (dev_classify(dev, t->ns[i].kind) != order[r] ||
				    !dev_uuid_prefix(dev, prefix) || port_known(t, prefix))
					continue;
				p = new_port(t);
				if (!p)
					return -ENOMEM;
				STR_COPY(p->prefix, prefix);
				STR_COPY(p->ovs_name, dev);
				p->node = t->ns[i].node;
				place_port(t, p, order[r] == ROLE_DHCP_TAP ? ROLE_TAP : order[r]);
			}
		}
	}
	return 0;
}

int topology_build(struct topology *t)
{
	int err;

	node_namespaces(t);
	name_nodes(t);
	qsort(t->nodes, t->n_nodes, sizeof(*t->nodes), cmp_nodes);
	err = resolve_peers(t);
	if (err)
		return err;
	assign_namespaces(t);
	err = ovsdb_ports(t);
	if (!err)
		err = name_only_ports(t);
	if (!err)
		err = topology_build_tunnels(t);
	if (!err)
		err = topology_build_nets(t);
	if (!err)
		err = topology_build_routers(t);
	if (!err)
		topology_mark_stale(t);
	return err;
}
