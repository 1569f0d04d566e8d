// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The model's inputs, lookups and life cycle. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dhcp_opts.h"
#include "topology.h"

int topology_add_ns(struct topology *t, const struct netns_entry *e, struct link_list *links,
		    int links_err)
{
	struct topo_ns *ns = realloc(t->ns, (t->n_ns + 1) * sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	t->ns = ns;
	ns = &ns[t->n_ns];
	memset(ns, 0, sizeof(*ns));
	ns->ns = *e;
	if (links) {
		ns->links = *links;
		memset(links, 0, sizeof(*links));
	}
	ns->links_err = links_err;
	ns->node = -1;
	ns->kind = ns_classify(e->named ? e->name : "", ns->owner_uuid);
	return (int)t->n_ns++;
}

int topology_add_node(struct topology *t, const struct ovsdb_endpoint *ep,
		      struct ovsdb_snapshot *ovs, const char *error)
{
	struct topo_node *n = realloc(t->nodes, (t->n_nodes + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	t->nodes = n;
	n = &n[t->n_nodes];
	memset(n, 0, sizeof(*n));
	n->endpoint = *ep;
	n->ns = -1;
	n->tun_bridge = -1;
	if (ovs) {
		n->ovs = *ovs;
		memset(ovs, 0, sizeof(*ovs));
		n->ovsdb_ok = true;
	} else {
		snprintf(n->ovsdb_error, sizeof(n->ovsdb_error), "%s",
			 error ? error : "not read");
	}
	return (int)t->n_nodes++;
}

void topology_warn(struct topology *t, const char *fmt, ...)
{
	char **w = realloc(t->warnings, (t->n_warnings + 1) * sizeof(*w));
	va_list ap;

	if (!w)
		return;
	t->warnings = w;
	va_start(ap, fmt);
	if (vasprintf(&w[t->n_warnings], fmt, ap) >= 0)
		t->n_warnings++;
	va_end(ap);
}

void topology_free(struct topology *t)
{
	procs_free(&t->procs);
	for (size_t i = 0; i < t->n_ns; i++) {
		links_free(&t->ns[i].links);
		free(t->ns[i].peer_ns);
	}
	free(t->ns);
	for (size_t i = 0; i < t->n_nodes; i++) {
		ovsdb_snapshot_free(&t->nodes[i].ovs);
		free(t->nodes[i].tunnels);
	}
	free(t->nodes);
	free(t->ports);
	free(t->nets);
	free(t->routers);
	dhcp_state_free(&t->dhcp);
	for (size_t i = 0; i < t->n_warnings; i++)
		free(t->warnings[i]);
	free(t->warnings);
	memset(t, 0, sizeof(*t));
}

const char *port_kind_name(enum port_kind k)
{
	switch (k) {
	case PORT_VM:
		return "vm";
	case PORT_DHCP:
		return "dhcp";
	case PORT_ROUTER_IF:
		return "router-interface";
	case PORT_ROUTER_GW:
		return "router-gateway";
	case PORT_HA:
		return "router-ha";
	default:
		return "other";
	}
}

const char *net_source_text(enum net_source s)
{
	switch (s) {
	case NET_SRC_OVSDB:
		return "ovsdb";
	case NET_SRC_NS_NAME:
		return "namespace-name";
	case NET_SRC_HOST_FILE:
		return "dhcp-host-file";
	default:
		return "unknown";
	}
}

int topo_find_ns_name(const struct topology *t, const char *name)
{
	for (size_t i = 0; i < t->n_ns; i++)
		if (!strcmp(t->ns[i].ns.name, name))
			return (int)i;
	return -1;
}

const struct link_info *topo_link(const struct topology *t, int ns, const char *dev)
{
	if (ns < 0 || (size_t)ns >= t->n_ns || !dev[0])
		return NULL;
	return links_by_name(&t->ns[ns].links, dev);
}

int topo_find_dev(const struct topology *t, int node, const char *dev,
		  const struct link_info **li)
{
	const struct link_info *found;

	*li = NULL;
	if (node >= 0 && (found = topo_link(t, t->nodes[node].ns, dev))) {
		*li = found;
		return t->nodes[node].ns;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < t->n_ns; i++) {
			if (pass == 0 && (node < 0 || t->ns[i].node != node))
				continue;
			found = links_by_name(&t->ns[i].links, dev);
			if (found) {
				*li = found;
				return (int)i;
			}
		}
	}
	return -1;
}

int topo_find_net(const struct topology *t, const char *uuid)
{
	for (size_t i = 0; i < t->n_nets; i++)
		if (!strcasecmp(t->nets[i].uuid, uuid))
			return (int)i;
	return -1;
}

int topo_find_router(const struct topology *t, const char *uuid)
{
	for (size_t i = 0; i < t->n_routers; i++)
		if (!strcasecmp(t->routers[i].uuid, uuid))
			return (int)i;
	return -1;
}

/* True when ip lies in the subnet of one of li's addresses. */
static bool link_subnet_has(const struct link_info *li, const char *ip)
{
	unsigned char a[16];
	int family = strchr(ip, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(family, ip, a) != 1)
		return false;
	for (size_t i = 0; i < li->n_addrs; i++) {
		const struct link_addr *la = &li->addrs[i];
		int bits = la->prefixlen, k = 0;

		if (la->family != family)
			continue;
		for (; bits >= 8; bits -= 8, k++)
			if (a[k] != la->addr[k])
				break;
		if (bits >= 8)
			continue;
		if (bits == 0 || ((a[k] ^ la->addr[k]) & (0xff << (8 - bits)) & 0xff) == 0)
			return true;
	}
	return false;
}

int topo_router_for_net(const struct topology *t, int net, const char *ip)
{
	const struct topo_network *n = net >= 0 ? &t->nets[net] : NULL;
	char gw[DHCP_IP_LEN] = "";
	int first = -1, subnet = -1;

	if (!n)
		return -1;
	/* The gateway the DHCP agent hands out names the router the VMs use. */
	if (ip && n->state && !dhcp_net_gateway_for(n->state, ip, gw))
		gw[0] = '\0';
	for (size_t r = 0; r < t->n_routers; r++) {
		const struct topo_router *rt = &t->routers[r];

		for (size_t k = 0; k < rt->n_ports; k++) {
			const struct topo_port *p = &t->ports[rt->ports[k]];
			const struct link_info *li = topo_link(t, p->ns, p->dev);

			if (p->network != net)
				continue;
			if (gw[0] && li && link_has_ip(li, gw))
				return (int)r;
			if (first < 0)
				first = (int)r;
			if (subnet < 0 && ip && li && link_subnet_has(li, ip))
				subnet = (int)r;
		}
	}
	return subnet >= 0 ? subnet : first;
}

const struct topo_tunnel *topo_tunnel_to(const struct topology *t, int node, int peer)
{
	if (node < 0 || peer < 0)
		return NULL;
	for (size_t i = 0; i < t->nodes[node].n_tunnels; i++)
		if (t->nodes[node].tunnels[i].peer_node == peer)
			return &t->nodes[node].tunnels[i];
	return NULL;
}

const char *topo_node_name(const struct topology *t, int node)
{
	if (node < 0 || (size_t)node >= t->n_nodes)
		return "?";
	return t->nodes[node].name;
}
