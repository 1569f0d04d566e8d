// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Model building, part two: tunnels and underlays per node, networks with
 * their DHCP servers, routers, and stale namespaces.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "str_copy.h"
#include "topology.h"
#include "topology_int.h"

/* The namespace at the far end of a node's underlay veth (an emulated
 * switch): nodes whose underlays meet there share a segment.  -1 unknown. */
static int underlay_segment(const struct topology *t, const struct topo_node *n)
{
	const struct link_info *li = topo_link(t, n->ns, n->underlay_dev);
	int peer = -1;

	if (li)
		topo_veth_peer(t, n->ns, li, &peer);
	return peer;
}

static bool node_has_ip(const struct topology *t, const struct topo_node *n, const char *ip)
{
	if (!strcmp(n->tunnel_ip, ip))
		return true;
	/* a node whose tunnels are unknown still owns its underlay address */
	for (size_t k = 0; n->ns >= 0 && !n->tunnel_ip[0] && k < t->ns[n->ns].links.n; k++)
		if (link_has_ip(&t->ns[n->ns].links.items[k], ip))
			return true;
	return false;
}

/*
 * The node a tunnel's remote IP leads to.  Underlay addresses are unique
 * on one deployment, but two emulated deployments on one host repeat
 * them: then the node on the same underlay segment wins.
 */
static int node_of_ip(const struct topology *t, size_t self, const char *ip)
{
	int seg = underlay_segment(t, &t->nodes[self]);
	int best = -1;

	for (size_t n = 0; n < t->n_nodes; n++) {
		if (n == self || !node_has_ip(t, &t->nodes[n], ip))
			continue;
		if (seg >= 0 && underlay_segment(t, &t->nodes[n]) == seg)
			return (int)n;
		if (best < 0)
			best = (int)n;
	}
	return best;
}

/*
 * The kernel device where encapsulated frames leave: the device that holds
 * the tunnel address; when that is an OVS bridge's own port (the userspace
 * datapath's br-phy), the bridge's system ports carry the frames.
 */
static void find_underlay(struct topology *t, struct topo_node *node)
{
	const struct link_list *links;
	const struct ovs_bridge *br;

	if (node->ns < 0 || !node->tunnel_ip[0])
		return;
	links = &t->ns[node->ns].links;
	for (size_t k = 0; k < links->n; k++)
		if (link_has_ip(&links->items[k], node->tunnel_ip))
			STR_COPY(node->underlay_ip_dev, links->items[k].name);
	if (!node->underlay_ip_dev[0])
		return;
	STR_COPY(node->underlay_dev, node->underlay_ip_dev);
	br = ovsdb_bridge_by_name(&node->ovs, node->underlay_ip_dev);
	if (!br)
		return;
	for (size_t p = 0; p < br->n_ports; p++) {
		const struct ovs_port *op = &node->ovs.ports[br->ports[p]];

		for (size_t i = 0; i < op->n_ifaces; i++) {
			const struct ovs_iface *ifc = &node->ovs.ifaces[op->ifaces[i]];

			if ((!ifc->type[0] || !strcmp(ifc->type, "system")) &&
			    links_by_name(links, ifc->name)) {
				STR_COPY(node->underlay_dev, ifc->name);
				return;
			}
		}
	}
}

int topology_build_tunnels(struct topology *t)
{
	for (size_t n = 0; n < t->n_nodes; n++) {
		struct topo_node *node = &t->nodes[n];
		const struct ovsdb_snapshot *s = &node->ovs;

		for (size_t b = 0; b < s->n_bridges; b++)
			if (!strcmp(s->bridges[b].datapath_type, "netdev"))
				node->userspace = true;
		for (size_t i = 0; i < s->n_ifaces; i++) {
			const struct ovs_iface *ifc = &s->ifaces[i];
			const struct ovs_bridge *br = ovsdb_iface_bridge(s, ifc);
			struct topo_tunnel *tun;
			const char *v;

			if (!ovs_type_is_tunnel(ifc->type))
				continue;
			tun = realloc(node->tunnels, (node->n_tunnels + 1) * sizeof(*tun));
			if (!tun)
				return -ENOMEM;
			node->tunnels = tun;
			tun = &tun[node->n_tunnels++];
			memset(tun, 0, sizeof(*tun));
			tun->peer_node = -1;
			STR_COPY(tun->name, ifc->name);
			STR_COPY(tun->type, ifc->type);
			if (br) {
				STR_COPY(tun->bridge, br->name);
				if (node->tun_bridge < 0)
					node->tun_bridge = (int)(br - s->bridges);
			}
			if ((v = kvlist_get(&ifc->options, "remote_ip")))
				STR_COPY(tun->remote_ip, v);
			if ((v = kvlist_get(&ifc->options, "local_ip")))
				STR_COPY(tun->local_ip, v);
			if ((v = kvlist_get(&ifc->options, "key")) ||
			    (v = kvlist_get(&ifc->options, "out_key")))
				STR_COPY(tun->key, v);
			if (!node->tunnel_ip[0] && tun->local_ip[0])
				STR_COPY(node->tunnel_ip, tun->local_ip);
		}
	}
	for (size_t n = 0; n < t->n_nodes; n++)
		find_underlay(t, &t->nodes[n]);
	for (size_t n = 0; n < t->n_nodes; n++) {
		struct topo_node *node = &t->nodes[n];

		for (size_t k = 0; k < node->n_tunnels; k++)
			node->tunnels[k].peer_node = node_of_ip(t, n, node->tunnels[k].remote_ip);
	}
	return 0;
}

static int ensure_net(struct topology *t, const char *uuid)
{
	struct topo_network *nets;
	int i = topo_find_net(t, uuid);

	if (i >= 0)
		return i;
	nets = realloc(t->nets, (t->n_nets + 1) * sizeof(*nets));
	if (!nets)
		return -ENOMEM;
	t->nets = nets;
	nets = &nets[t->n_nets];
	memset(nets, 0, sizeof(*nets));
	STR_COPY(nets->uuid, uuid);
	nets->dhcp_ns = nets->dhcp_port = -1;
	return (int)t->n_nets++;
}

/* The one network whose host file lists mac; "" when none or several. */
static void net_by_host_mac(const struct topology *t, const char *mac, char *uuid)
{
	unsigned char m[6];
	int found = 0;

	uuid[0] = '\0';
	if (!dhcp_parse_mac(mac, m))
		return;
	for (size_t i = 0; i < t->dhcp.n; i++) {
		const struct dhcp_net *dn = &t->dhcp.nets[i];

		for (size_t h = 0; h < dn->n_hosts; h++)
			if (dn->hosts[h].has_mac && !memcmp(dn->hosts[h].mac, m, 6)) {
				if (found++ == 0)
					snprintf(uuid, UUID_STR_LEN, "%s", dn->net_uuid);
				break;
			}
	}
	if (found > 1)
		uuid[0] = '\0';
}

static void port_networks(struct topology *t)
{
	for (size_t i = 0; i < t->n_ports; i++) {
		struct topo_port *p = &t->ports[i];

		if (p->net_uuid[0])
			continue;
		if (p->ns >= 0 && t->ns[p->ns].kind == NSK_QDHCP) {
			STR_COPY(p->net_uuid, t->ns[p->ns].owner_uuid);
			p->net_source = NET_SRC_NS_NAME;
		} else if (p->mac[0]) {
			net_by_host_mac(t, p->mac, p->net_uuid);
			if (p->net_uuid[0])
				p->net_source = NET_SRC_HOST_FILE;
		}
	}
}

static void fixed_ips(struct topology *t, struct topo_port *p)
{
	const struct dhcp_net *dn = p->network >= 0 ? t->nets[p->network].state : NULL;
	unsigned char m[6];

	if (!dn || !dhcp_parse_mac(p->mac, m))
		return;
	for (size_t h = 0; h < dn->n_hosts && p->n_fixed_ips < TOPO_MAX_IPS; h++)
		if (dn->hosts[h].has_mac && !memcmp(dn->hosts[h].mac, m, 6) &&
		    dn->hosts[h].family)
			snprintf(p->fixed_ips[p->n_fixed_ips++], TOPO_IP_LEN, "%s",
				 dn->hosts[h].ip);
}

/* The dnsmasq serving net: running in its qdhcp- namespace, preferably
 * on its DHCP port's device or with its host file. */
static void find_dnsmasq(struct topology *t, struct topo_network *net)
{
	const struct netns_entry *e = net->dhcp_ns >= 0 ? &t->ns[net->dhcp_ns].ns : NULL;
	const struct topo_port *dp = net->dhcp_port >= 0 ? &t->ports[net->dhcp_port] : NULL;
	const struct proc_entry *best = NULL;

	for (size_t i = 0; e && i < t->procs.n; i++) {
		const struct proc_entry *p = &t->procs.items[i];
		const char *iface, *hosts;

		if (!proc_is(p, "dnsmasq") || p->ns_ino != e->ino || p->ns_dev != e->dev)
			continue;
		iface = proc_option(p, "--interface", 0);
		hosts = proc_option(p, "--dhcp-hostsfile", 0);
		if (!best || (dp && iface && !strcmp(iface, dp->dev)) ||
		    (hosts && strcasestr(hosts, net->uuid)))
			best = p;
	}
	if (best) {
		net->dnsmasq_pid = best->pid;
		dnsmasq_conf_parse(best, &net->dnsmasq);
	}
	if (net->state && net->state->pid) {
		const struct proc_entry *p = procs_find(&t->procs, net->state->pid);

		net->pidfile_alive = p != NULL;
		net->pidfile_is_dnsmasq = p && proc_is(p, "dnsmasq");
		net->pidfile_in_ns = p && e && p->ns_ino == e->ino && p->ns_dev == e->dev;
	}
}

int topology_build_nets(struct topology *t)
{
	int r;

	port_networks(t);
	for (size_t i = 0; i < t->n_ports; i++)
		if (t->ports[i].net_uuid[0] && (r = ensure_net(t, t->ports[i].net_uuid)) < 0)
			return r;
	for (size_t i = 0; i < t->n_ns; i++)
		if (t->ns[i].kind == NSK_QDHCP && (r = ensure_net(t, t->ns[i].owner_uuid)) < 0)
			return r;
	for (size_t i = 0; i < t->dhcp.n; i++)
		if ((r = ensure_net(t, t->dhcp.nets[i].net_uuid)) < 0)
			return r;
	for (size_t i = 0; i < t->n_ports; i++) {
		struct topo_port *p = &t->ports[i];
		struct topo_network *net;

		if (!p->net_uuid[0])
			continue;
		p->network = topo_find_net(t, p->net_uuid);
		net = &t->nets[p->network];
		if (!net->network_type[0] && p->network_type[0])
			STR_COPY(net->network_type, p->network_type);
		if (!net->segmentation_id[0] && p->segmentation_id[0])
			STR_COPY(net->segmentation_id, p->segmentation_id);
	}
	for (size_t n = 0; n < t->n_nets; n++) {
		struct topo_network *net = &t->nets[n];

		for (size_t i = 0; i < t->n_ns; i++)
			if (t->ns[i].kind == NSK_QDHCP && !strcmp(t->ns[i].owner_uuid, net->uuid))
				net->dhcp_ns = (int)i;
		for (size_t i = 0; i < t->n_ports; i++)
			if (t->ports[i].kind == PORT_DHCP && t->ports[i].network == (int)n &&
			    (net->dhcp_port < 0 || t->ports[i].ns == net->dhcp_ns))
				net->dhcp_port = (int)i;
		net->state = dhcp_state_net(&t->dhcp, net->uuid);
		find_dnsmasq(t, net);
	}
	for (size_t i = 0; i < t->n_ports; i++)
		fixed_ips(t, &t->ports[i]);
	return 0;
}

int topology_build_routers(struct topology *t)
{
	for (size_t i = 0; i < t->n_ns; i++) {
		struct topo_router *r;

		if (t->ns[i].kind != NSK_QROUTER)
			continue;
		r = realloc(t->routers, (t->n_routers + 1) * sizeof(*r));
		if (!r)
			return -ENOMEM;
		t->routers = r;
		r = &r[t->n_routers];
		memset(r, 0, sizeof(*r));
		STR_COPY(r->uuid, t->ns[i].owner_uuid);
		r->ns = (int)i;
		r->node = t->ns[i].node;
		r->gw_port = -1;
		for (size_t k = 0; k < t->n_ports; k++) {
			struct topo_port *p = &t->ports[k];

			if (p->ns != (int)i)
				continue;
			if (p->kind == PORT_ROUTER_GW && r->gw_port < 0) {
				r->gw_port = (int)k;
				p->router = (int)t->n_routers;
			} else if (p->kind == PORT_ROUTER_IF && r->n_ports < 16) {
				r->ports[r->n_ports++] = (int)k;
				p->router = (int)t->n_routers;
			}
		}
		t->n_routers++;
	}
	return 0;
}

static bool ns_has_process(const struct topology *t, const struct topo_ns *ns)
{
	for (size_t i = 0; i < t->procs.n; i++)
		if (t->procs.items[i].ns_ino && t->procs.items[i].ns_ino == ns->ns.ino &&
		    t->procs.items[i].ns_dev == ns->ns.dev)
			return true;
	return false;
}

void topology_mark_stale(struct topology *t)
{
	bool any_ovsdb = false;

	for (size_t n = 0; n < t->n_nodes; n++)
		any_ovsdb |= t->nodes[n].ovsdb_ok;
	/* Without OVSDB nobody can tell a stale namespace from a live one. */
	if (!any_ovsdb)
		return;
	for (size_t i = 0; i < t->n_ns; i++) {
		struct topo_ns *ns = &t->ns[i];
		bool ported = false;

		if (ns->kind != NSK_QDHCP && ns->kind != NSK_QROUTER)
			continue;
		for (size_t k = 0; k < ns->links.n && !ported; k++)
			for (size_t n = 0; n < t->n_nodes && !ported; n++)
				ported = t->nodes[n].ovsdb_ok &&
					 ovsdb_iface_by_name(&t->nodes[n].ovs,
							     ns->links.items[k].name);
		/* Or a port's own device behind a veth whose OVS end is here. */
		for (size_t k = 0; k < t->n_ports && !ported; k++)
			ported = t->ports[k].ns == (int)i && t->ports[k].iface >= 0;
		/* A process in it (dnsmasq, a metadata proxy) says the agent still
		 * serves it: unplugged, not left behind; the checks say so. */
		ns->stale = !ported && ns->links_err == 0 && !ns_has_process(t, ns);
	}
}
