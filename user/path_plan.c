// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The DHCP, L3 and peer paths of an instance's port, hop by hop. */
#include <errno.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path_plan.h" /* <linux/types.h> before the event ABI */
#include "nstrace_event.h"
#include "path_plan_int.h"
#include "str_copy.h"

const char *path_kind_name(enum path_kind k)
{
	switch (k) {
	case PATH_DHCP:
		return "dhcp";
	case PATH_L3:
		return "l3";
	case PATH_PEER:
		return "peer";
	}
	return "?";
}

void port_path_free(struct port_path *p)
{
	free(p->hops);
	p->hops = NULL;
	p->n = 0;
}

int path_find_role(const struct port_path *p, enum dev_role role)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->hops[i].role == role)
			return (int)i;
	return -1;
}

void plan_no_probe(struct path_hop *h, const char *why)
{
	h->attachable = false;
	STR_COPY(h->why_not, why);
}

/* Roles that live inside Open vSwitch, where tc cannot look. */
static const char *ovs_internal_reason(const struct topology *t, int node, enum dev_role role)
{
	bool userspace = node >= 0 && t->nodes[node].userspace;

	switch (role) {
	case ROLE_BR_INT:
	case ROLE_BR_TUN:
	case ROLE_BR_EX:
	case ROLE_OVS_BRIDGE:
		return "switched inside Open vSwitch; the bridge device sees only its own port";
	case ROLE_PATCH:
		return "patch port: exists only inside Open vSwitch";
	case ROLE_TUNNEL:
		return userspace ? "userspace tunnel port: no kernel device; see the underlay" :
				   "encapsulated in the OVS datapath; see the underlay";
	default:
		return NULL;
	}
}

struct path_hop *plan_add(struct plan *pl, int node, int ns, const char *dev,
			  enum dev_role role, __u8 dir_out)
{
	const struct topology *t = pl->t;
	struct port_path *out = pl->out;
	struct path_hop *h = realloc(out->hops, (out->n + 1) * sizeof(*h));
	const char *internal = ovs_internal_reason(t, node, role);
	const struct link_info *li = NULL;

	if (!h) {
		pl->err = -ENOMEM;
		return NULL;
	}
	out->hops = h;
	h = &h[out->n++];
	memset(h, 0, sizeof(*h));
	h->node = node;
	STR_COPY(h->node_name, node >= 0 ? t->nodes[node].name : "-");
	/* OVS-internal hops are reported in their node's namespace. */
	if (ns < 0 && internal && node >= 0)
		ns = t->nodes[node].ns;
	h->ns = ns;
	if (ns >= 0) {
		const struct topo_ns *n = &t->ns[ns];

		STR_COPY(h->netns, n->ns.name);
		STR_COPY(h->netns_path, n->ns.path);
		h->netns_self = n->ns.is_self;
		h->netns_cookie = n->links.has_cookie ? n->links.netns_cookie : 0;
	}
	STR_COPY(h->dev, dev);
	h->role = role;
	h->vlan = -1;
	h->dir_out = dir_out;
	if (internal) {
		plan_no_probe(h, internal);
		return h;
	}
	li = topo_link(t, ns, dev);
	if (!li) {
		h->missing = true;
		plan_no_probe(h, "device not found");
		return h;
	}
	h->ifindex = li->ifindex;
	if (li->has_mac)
		snprintf(h->mac, sizeof(h->mac), "%02x:%02x:%02x:%02x:%02x:%02x", li->mac[0],
			 li->mac[1], li->mac[2], li->mac[3], li->mac[4], li->mac[5]);
	for (size_t i = 0; i < li->n_addrs && !h->ip[0]; i++)
		if (li->addrs[i].family == AF_INET)
			link_addr_text(&li->addrs[i], h->ip, sizeof(h->ip));
	if (role == ROLE_QBR) {
		plan_no_probe(h, "Linux bridge: bridged frames do not cross its own device");
		return h;
	}
	h->attachable = true;
	return h;
}

void plan_tunnel(struct plan *pl, struct path_hop *h, const char *local, const char *remote)
{
	if (!h)
		return;
	if (pl->tunnelled) {
		h->has_key = true;
		h->tun_key = pl->key;
		STR_COPY(h->tun_type, pl->net_type);
	}
	STR_COPY(h->tun_local, local ? local : "");
	STR_COPY(h->tun_remote, remote ? remote : "");
}

static bool is_tunnel_type(const char *type)
{
	return !strcmp(type, "gre") || !strcmp(type, "vxlan") || !strcmp(type, "geneve") ||
	       !strcmp(type, "stt");
}

static void plan_init(struct plan *pl, const struct topology *t, int port, enum path_kind kind,
		      struct port_path *out)
{
	const struct topo_port *p = &t->ports[port];
	const struct topo_network *net = p->network >= 0 ? &t->nets[p->network] : NULL;
	const char *type = net && net->network_type[0] ? net->network_type : p->network_type;
	const char *seg = net && net->segmentation_id[0] ? net->segmentation_id :
							    p->segmentation_id;

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->port = port;
	out->target_node = out->target_port = out->router = -1;
	memset(pl, 0, sizeof(*pl));
	pl->t = t;
	pl->out = out;
	STR_COPY(pl->net_type, type);
	pl->key = (__u32)strtoul(seg, NULL, 10);
	pl->tunnelled = is_tunnel_type(type) ||
			(!type[0] && p->node >= 0 && t->nodes[p->node].n_tunnels > 0);
	if (pl->tunnelled && !pl->net_type[0])
		STR_COPY(pl->net_type, t->nodes[p->node].tunnels[0].type);
}

/* The instance's side of its compute node, in the order a packet leaving
 * the VM meets it, with that packet's direction at each device. */
static const struct {
	const char *prefix; /* hybrid plug devices: prefix + the port's UUID start */
	enum dev_role role;
	__u8 dir;
} vm_side[] = {
	{ NULL, ROLE_VM, NSTRACE_DIR_EGRESS },
	{ NULL, ROLE_TAP, NSTRACE_DIR_INGRESS },
	{ "qbr", ROLE_QBR, NSTRACE_DIR_EGRESS },
	{ "qvb", ROLE_QVB, NSTRACE_DIR_EGRESS },
	{ "qvo", ROLE_QVO, NSTRACE_DIR_INGRESS },
};
#define VM_SIDE_PLAIN 2 /* VM and tap only: the tap is on the integration bridge */

static __u8 reverse_dir(__u8 dir)
{
	return dir == NSTRACE_DIR_EGRESS ? NSTRACE_DIR_INGRESS : NSTRACE_DIR_EGRESS;
}

/* One hop of p's side; dir as the packet travelling in this path meets it. */
static void plan_side_hop(struct plan *pl, const struct topo_port *p, size_t i, __u8 dir)
{
	const struct topology *t = pl->t;
	const struct link_info *li;
	char dev[IF_NAMESIZE];
	struct path_hop *h;
	int ns;

	switch (vm_side[i].role) {
	case ROLE_VM:
		if (p->vm_ns >= 0) {
			h = plan_add(pl, p->node, p->vm_ns, p->vm_dev, ROLE_VM, dir);
		} else {
			h = plan_add(pl, p->node, -1, "", ROLE_VM, dir);
			if (h) {
				h->missing = false;
				plan_no_probe(h, "inside the instance: not visible from the host");
			}
		}
		if (h) {
			STR_COPY(h->mac, p->mac);
			if (p->vm_uuid[0])
				snprintf(h->note, sizeof(h->note), "instance %s", p->vm_uuid);
		}
		return;
	case ROLE_TAP:
		h = plan_add(pl, p->node, p->ns, p->dev, ROLE_TAP, dir);
		if (h && p->native_fw)
			h->vlan = p->local_vlan;
		return;
	default:
		snprintf(dev, sizeof(dev), "%s%.11s", vm_side[i].prefix, p->prefix);
		ns = topo_find_dev(t, p->node, dev, &li);
		h = plan_add(pl, p->node, ns, dev, vm_side[i].role, dir);
		if (h && vm_side[i].role == ROLE_QVO)
			h->vlan = p->local_vlan;
	}
}

/*
 * VM -> tap (-> qbr -> qvb -> qvo): an instance's side of its compute node;
 * toward_vm walks it backwards (qvo ... VM) for a packet arriving there,
 * every direction reversed.
 */
static void plan_vm_side(struct plan *pl, const struct topo_port *p, bool toward_vm)
{
	size_t n = p->hybrid ? sizeof(vm_side) / sizeof(vm_side[0]) : VM_SIDE_PLAIN;

	for (size_t k = 0; k < n; k++) {
		size_t i = toward_vm ? n - 1 - k : k;

		plan_side_hop(pl, p, i, toward_vm ? reverse_dir(vm_side[i].dir) : vm_side[i].dir);
	}
}

/*
 * An agent's port plugged through a veth pair (ovs_use_veth): its OVS end,
 * tap<port> in the node's namespace, is a probe point of its own next to
 * the device inside (a packet the veth drops, its peer down, is dropped
 * there).  dir: its direction going away from the VM.
 */
static void plan_agent_veth(struct plan *pl, const struct topo_port *ap, __u8 dir)
{
	const struct topology *t = pl->t;
	int ns;

	if (ap->node < 0 || !strcmp(ap->ovs_name, ap->dev))
		return;
	ns = t->nodes[ap->node].ns;
	if (ns >= 0 && topo_link(t, ns, ap->ovs_name))
		plan_add(pl, ap->node, ns, ap->ovs_name, ROLE_TAP, dir);
}

/* The DHCP server's side: node, its port's OVS name, VLAN, device. */
static void plan_dhcp(struct plan *pl, const struct topo_port *p)
{
	const struct topology *t = pl->t;
	const struct topo_network *net = &t->nets[p->network];
	struct port_path *out = pl->out;
	const struct topo_port *dp = net->dhcp_port >= 0 ? &t->ports[net->dhcp_port] : NULL;
	int node = -1, ns = net->dhcp_ns;
	const char *dev = NULL, *iface = NULL;
	int vlan = -1;
	struct path_hop *h;

	if (dp) {
		node = dp->node;
		ns = dp->ns;
		dev = dp->dev;
		iface = dp->ovs_name;
		vlan = dp->local_vlan;
		out->target_port = net->dhcp_port;
	} else if (ns >= 0) {
		node = t->ns[ns].node;
		for (size_t k = 0; k < t->ns[ns].links.n && !dev; k++)
			if (dev_classify(t->ns[ns].links.items[k].name, NSK_QDHCP) ==
			    ROLE_DHCP_TAP)
				dev = t->ns[ns].links.items[k].name;
	}
	out->target_node = node;
	if (ns < 0) {
		snprintf(out->problem, sizeof(out->problem),
			 "no namespace qdhcp-%s on any node seen: the DHCP server is not on a "
			 "node visible from here",
			 net->uuid);
		plan_crossing(pl, p->node, p->ovs_name, p->local_vlan, -1, NULL, -1);
		return;
	}
	if (node < 0)
		snprintf(out->problem, sizeof(out->problem),
			 "namespace qdhcp-%s belongs to no OVS seen (no OVS port for its device)",
			 net->uuid);
	plan_crossing(pl, p->node, p->ovs_name, p->local_vlan, node, iface, vlan);
	if (dp)
		plan_agent_veth(pl, dp, NSTRACE_DIR_EGRESS);
	h = plan_add(pl, node, ns, dev ? dev : "", ROLE_DHCP_TAP, NSTRACE_DIR_INGRESS);
	if (h && !dev)
		snprintf(h->note, sizeof(h->note), "no tap device in qdhcp-%s", net->uuid);
	if (h && !dp && !out->problem[0])
		snprintf(out->problem, sizeof(out->problem),
			 "no OVS port for the DHCP port of network %s", net->uuid);
}

/* The router's qr- port on the port's network. */
static int router_port_on(const struct topology *t, const struct topo_router *r, int net)
{
	for (size_t k = 0; k < r->n_ports; k++)
		if (t->ports[r->ports[k]].network == net)
			return r->ports[k];
	return -1;
}

/* qg- -> br-ex -> its system port -> (the veth peer beyond it). */
static void plan_external(struct plan *pl, const struct topo_port *qg)
{
	const struct topology *t = pl->t;
	const struct topo_node *node = &t->nodes[qg->node];
	const struct ovs_iface *ifc = qg->iface >= 0 ? &node->ovs.ifaces[qg->iface] : NULL;
	const struct ovs_bridge *br = ifc ? ovsdb_iface_bridge(&node->ovs, ifc) : NULL;

	if (!br)
		return;
	plan_add(pl, qg->node, node->ns, br->name, ROLE_BR_EX, NSTRACE_DIR_EGRESS);
	for (size_t p = 0; p < br->n_ports; p++) {
		const struct ovs_port *op = &node->ovs.ports[br->ports[p]];

		for (size_t i = 0; i < op->n_ifaces; i++) {
			const struct ovs_iface *e = &node->ovs.ifaces[op->ifaces[i]];
			const struct link_info *li = topo_link(t, node->ns, e->name);
			const struct link_info *peer;
			int peer_ns;

			/* The uplink: not a Neutron port (a qg- veth's OVS end is). */
			if ((e->type[0] && strcmp(e->type, "system")) ||
			    kvlist_get(&e->external_ids, "iface-id"))
				continue;
			if (!li)
				continue;
			plan_add(pl, qg->node, node->ns, e->name, ROLE_EXTERNAL,
				 NSTRACE_DIR_EGRESS);
			peer = topo_veth_peer(t, node->ns, li, &peer_ns);
			if (peer) {
				struct path_hop *h = plan_add(pl, t->ns[peer_ns].node, peer_ns,
							      peer->name, ROLE_EXTERNAL,
							      NSTRACE_DIR_INGRESS);

				if (h)
					snprintf(h->note, sizeof(h->note), "external side");
			}
			return;
		}
	}
}

static void plan_l3(struct plan *pl, const struct topo_port *p)
{
	const struct topology *t = pl->t;
	struct port_path *out = pl->out;
	int r = topo_router_for_net(t, p->network, p->n_fixed_ips ? p->fixed_ips[0] : NULL);
	const struct topo_router *rt;
	const struct topo_port *qr, *qg;
	struct path_hop *h;

	out->router = r;
	if (r < 0) {
		snprintf(out->problem, sizeof(out->problem),
			 "no router with an interface (qr-) on network %s in any qrouter- "
			 "namespace seen",
			 t->nets[p->network].uuid);
		plan_crossing(pl, p->node, p->ovs_name, p->local_vlan, p->node, NULL, -1);
		return;
	}
	rt = &t->routers[r];
	qr = &t->ports[router_port_on(t, rt, p->network)];
	out->target_node = qr->node;
	out->target_port = (int)(qr - t->ports);
	plan_crossing(pl, p->node, p->ovs_name, p->local_vlan, qr->node, qr->ovs_name,
		      qr->local_vlan);
	plan_agent_veth(pl, qr, NSTRACE_DIR_EGRESS);
	plan_add(pl, qr->node, qr->ns, qr->dev, ROLE_QR, NSTRACE_DIR_INGRESS);
	if (rt->gw_port < 0) {
		h = plan_add(pl, rt->node, rt->ns, "", ROLE_QG, NSTRACE_DIR_EGRESS);
		if (h)
			snprintf(h->note, sizeof(h->note), "no qg- device in qrouter-%.36s",
				 rt->uuid);
		snprintf(out->problem, sizeof(out->problem),
			 "router %s has no gateway port (qg-): no external connectivity",
			 rt->uuid);
		return;
	}
	qg = &t->ports[rt->gw_port];
	plan_add(pl, qg->node, qg->ns, qg->dev, ROLE_QG, NSTRACE_DIR_EGRESS);
	plan_agent_veth(pl, qg, NSTRACE_DIR_INGRESS);
	if (qg->node >= 0)
		plan_external(pl, qg);
}

int path_plan(const struct topology *t, int port, enum path_kind kind, struct port_path *out)
{
	const struct topo_port *p = &t->ports[port];
	struct plan pl;

	if (kind == PATH_PEER)
		return -EINVAL;
	plan_init(&pl, t, port, kind, out);
	if (p->kind != PORT_VM) {
		snprintf(out->problem, sizeof(out->problem),
			 "a %s port: DHCP and L3 paths start from an instance's port",
			 port_kind_name(p->kind));
		plan_add(&pl, p->node, p->ns, p->dev, dev_classify(p->dev, p->ns >= 0 ?
				t->ns[p->ns].kind : NSK_OTHER), NSTRACE_DIR_EGRESS);
		return pl.err;
	}
	plan_vm_side(&pl, p, false);
	if (p->network < 0) {
		snprintf(out->problem, sizeof(out->problem),
			 "the port's network is unknown (no net_uuid in OVSDB, MAC in no host "
			 "file)");
		plan_crossing(&pl, p->node, p->ovs_name, p->local_vlan, p->node, NULL, -1);
		return pl.err;
	}
	if (kind == PATH_DHCP)
		plan_dhcp(&pl, p);
	else
		plan_l3(&pl, p);
	if (pl.err)
		port_path_free(out);
	return pl.err;
}

/* True, with why, when port -> peer is no east-west path on one network. */
static bool peer_refused(const struct topology *t, int port, int peer_port, char *buf,
			 size_t len)
{
	const struct topo_port *p = &t->ports[port], *q = &t->ports[peer_port];

	if (port == peer_port) {
		snprintf(buf, len, "the port and its peer are the same port");
		return true;
	}
	if (p->kind != PORT_VM) {
		snprintf(buf, len, "a %s port: a peer path starts from an instance's port",
			 port_kind_name(p->kind));
		return true;
	}
	if (q->kind != PORT_VM) {
		snprintf(buf, len,
			 "the peer is a %s port, not an instance's: a peer path ends at an "
			 "instance's port (the DHCP and L3 paths reach the others)",
			 port_kind_name(q->kind));
		return true;
	}
	if (p->network < 0 || q->network < 0) {
		snprintf(buf, len,
			 "the %s's network is unknown (no net_uuid in OVSDB, MAC in no host "
			 "file): cannot tell whether both ports share a network",
			 p->network < 0 ? "port" : "peer");
		return true;
	}
	if (p->network != q->network) {
		/* Overlapping tenants: same IP, other network, never a peer. */
		snprintf(buf, len,
			 "the peer is on network %s, the port on %s: traffic between networks "
			 "goes through a router (the L3 path), not east-west",
			 t->nets[q->network].uuid, t->nets[p->network].uuid);
		return true;
	}
	return false;
}

int path_plan_peer(const struct topology *t, int port, int peer_port, struct port_path *out)
{
	const struct topo_port *p = &t->ports[port], *q = &t->ports[peer_port];
	struct plan pl;

	plan_init(&pl, t, port, PATH_PEER, out);
	out->target_port = peer_port;
	out->target_node = q->node;
	/* Refused: no hops, so nothing is probed for a path that is not one. */
	if (peer_refused(t, port, peer_port, out->problem, sizeof(out->problem)))
		return 0;
	plan_vm_side(&pl, p, false);
	if (p->node < 0 || q->node < 0)
		snprintf(out->problem, sizeof(out->problem),
			 "the %s's node is unknown (its port is on no OVS seen): the crossing "
			 "between the nodes cannot be planned",
			 p->node < 0 ? "port" : "peer");
	plan_crossing(&pl, p->node, p->ovs_name, p->local_vlan, q->node, q->ovs_name,
		      q->local_vlan);
	plan_vm_side(&pl, q, true);
	if (pl.err)
		port_path_free(out);
	return pl.err;
}

void path_hop_to_hop(const struct path_hop *ph, __u8 dir, struct hop *out)
{
	memset(out, 0, sizeof(*out));
	out->dir = dir;
	out->ifindex = (__u32)ph->ifindex;
	out->netns_cookie = ph->netns_cookie;
	if (ph->netns_self)
		out->netns[0] = '\0';
	else if (!strncmp(ph->netns_path, "/run/netns/", 11))
		STR_COPY(out->netns, ph->netns);
	else
		STR_COPY(out->netns, ph->netns_path);
	STR_COPY(out->dev, ph->dev);
	STR_COPY(out->node, ph->node_name);
	STR_COPY(out->role, role_name(ph->role));
}
