// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `nstrace path` for a person: port facts, aligned hop tables, checks. */
#include <stdio.h>
#include <string.h>

#include "path_report.h"
#include "str_copy.h"

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define RESET "\033[0m"

static const char *c_(const struct text_style *st, const char *code)
{
	return st->color ? code : "";
}

static const char *marker(const struct text_style *st, const struct path_hop *h)
{
	if (h->missing)
		return st->utf8 ? "✗" : "x";
	if (h->attachable)
		return st->utf8 ? "●" : "*";
	return st->utf8 ? "○" : "-";
}

static void vlan_key_text(const struct path_hop *h, char *buf, size_t len)
{
	if (h->vlan >= 0 && h->has_key)
		snprintf(buf, len, "vlan %d %s key %u", h->vlan, h->tun_type, h->tun_key);
	else if (h->vlan >= 0)
		snprintf(buf, len, "vlan %d", h->vlan);
	else if (h->has_key)
		snprintf(buf, len, "%s key %u", h->tun_type, h->tun_key);
	else
		buf[0] = '\0';
}

static const char *dev_text(const struct path_hop *h)
{
	if (h->dev[0])
		return h->dev;
	return h->role == ROLE_VM ? "(instance)" : "?";
}

struct widths {
	int node, netns, dev, role, vk;
};

static void measure(const struct port_path *p, struct widths *w)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct path_hop *h = &p->hops[i];
		char vk[64];
		int n;

		vlan_key_text(h, vk, sizeof(vk));
#define WIDEN(field, s)                  \
	n = (int)strlen(s);              \
	if (n > w->field)                \
		w->field = n;
		WIDEN(node, h->node_name);
		WIDEN(netns, h->netns);
		WIDEN(dev, dev_text(h));
		WIDEN(role, role_name(h->role));
		WIDEN(vk, vk);
#undef WIDEN
	}
}

static size_t count_probes(const struct port_path *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->hops[i].attachable;
	return n;
}

static void print_path(FILE *out, const struct port_path *p, const char *title,
		       const char *target, const struct widths *w, const struct text_style *st)
{
	const char *prev_node = NULL, *prev_ns = NULL;

	fprintf(out, "\n%s%s%s  %s (%zu hops, %zu probe points)\n", c_(st, BOLD), title,
		c_(st, RESET), target, p->n, count_probes(p));
	fprintf(out, "  %s   %-*s  %-*s  %-*s  %-*s  %-*s  %s%s\n", c_(st, DIM), w->node, "NODE",
		w->netns, "NAMESPACE", w->dev, "DEVICE", w->role, "ROLE", w->vk, "VLAN/KEY",
		"ADDRESS", c_(st, RESET));
	for (size_t i = 0; i < p->n; i++) {
		const struct path_hop *h = &p->hops[i];
		const char *node =
			prev_node && !strcmp(prev_node, h->node_name) ? "" : h->node_name;
		const char *ns = prev_ns && !strcmp(prev_ns, h->netns) && !node[0] ? "" : h->netns;
		const char *color = h->missing ? RED : (h->attachable ? GREEN : DIM);
		char vk[64];

		vlan_key_text(h, vk, sizeof(vk));
		fprintf(out, "  %s%s%s  %-*s  %-*s  %s%-*s%s  %-*s  %-*s  %s%s%s", c_(st, color),
			marker(st, h), c_(st, RESET), w->node, node, w->netns, ns,
			c_(st, h->attachable ? BOLD : ""), w->dev, dev_text(h), c_(st, RESET),
			w->role, role_name(h->role), w->vk, vk, h->ip,
			h->ip[0] && h->mac[0] ? " " : "", h->mac);
		if (h->missing || h->note[0])
			fprintf(out, "  %s%s%s%s", c_(st, h->missing ? RED : DIM),
				h->missing ? "MISSING " : "", h->note, c_(st, RESET));
		fputc('\n', out);
		prev_node = h->node_name;
		prev_ns = h->netns;
	}
	if (p->problem[0])
		fprintf(out, "  %s%s %s%s\n", c_(st, YELLOW), st->utf8 ? "⚠" : "!", p->problem,
			c_(st, RESET));
}

static void print_facts(FILE *out, const struct path_report *r, const struct text_style *st)
{
	const struct topology *t = r->t;
	const struct topo_port *p = &t->ports[r->port];
	const struct topo_network *net = p->network >= 0 ? &t->nets[p->network] : NULL;
	char buf[512];

	fprintf(out, "%sPort %s%s  %s port on %s\n", c_(st, BOLD), p->uuid[0] ? p->uuid : p->prefix,
		c_(st, RESET), port_kind_name(p->kind), topo_node_name(t, p->node));
	if (!p->uuid[0])
		fprintf(out, "  %s(no OVSDB record: known from its device names only)%s\n",
			c_(st, YELLOW), c_(st, RESET));
	fprintf(out, "  %-12s %s\n", "MAC", p->mac[0] ? p->mac : "unknown");
	buf[0] = '\0';
	for (size_t i = 0; i < p->n_fixed_ips; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? ", " : "",
			 p->fixed_ips[i]);
	fprintf(out, "  %-12s %s\n", "fixed IPs", buf[0] ? buf : "none in the DHCP host file");
	if (net) {
		fprintf(out, "  %-12s %s  %s%s%s%s", "network", net->uuid,
			net->network_type[0] ? net->network_type : "type unknown",
			net->segmentation_id[0] ? ", segmentation id " : "", net->segmentation_id,
			p->net_source != NET_SRC_OVSDB ? "  (from " : "");
		if (p->net_source != NET_SRC_OVSDB)
			fprintf(out, "%s)", net_source_text(p->net_source));
		fputc('\n', out);
		net_local_vlans(t, p->network, buf, sizeof(buf));
		fprintf(out, "  %-12s %s\n", "local VLAN", buf[0] ? buf : "none");
	} else {
		fprintf(out, "  %-12s unknown\n", "network");
	}
	if (p->vm_uuid[0])
		fprintf(out, "  %-12s %s\n", "instance", p->vm_uuid);
	if (p->iface >= 0) {
		const struct ovs_iface *ifc = &t->nodes[p->node].ovs.ifaces[p->iface];
		const struct ovs_bridge *br = ovsdb_iface_bridge(&t->nodes[p->node].ovs, ifc);

		fprintf(out, "  %-12s %s on %s of %s%s%s\n", "OVS port", p->ovs_name,
			br ? br->name : "no bridge", t->nodes[p->node].name,
			p->iface_status[0] ? ", iface-status " : "", p->iface_status);
	}
	if (net && net->dhcp_ns >= 0) {
		fprintf(out, "  %-12s %s on %s, ", "DHCP server", t->ns[net->dhcp_ns].ns.name,
			topo_node_name(t, t->ns[net->dhcp_ns].node));
		if (net->dnsmasq_pid)
			fprintf(out, "dnsmasq pid %d\n", (int)net->dnsmasq_pid);
		else
			fprintf(out, "%sdnsmasq not running%s\n", c_(st, RED), c_(st, RESET));
	}
	if (r->l3.router >= 0) {
		const struct topo_router *rt = &t->routers[r->l3.router];

		fprintf(out, "  %-12s qrouter-%s on %s%s%s\n", "router", rt->uuid,
			topo_node_name(t, rt->node), rt->gw_port >= 0 ? ", gateway " : "",
			rt->gw_port >= 0 ? t->ports[rt->gw_port].dev : "");
	}
}

static void print_checks(FILE *out, const struct check_results *l, const struct text_style *st)
{
	size_t up = 0, width = 0;

	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(check_id_name(l->items[i].id));

		if (n > width)
			width = n;
		up += l->items[i].id == CHK_DEVICE_UP && l->items[i].status == CHECK_PASS;
	}
	fprintf(out, "\n%sChecks%s  %zu passed, %zu failed, %zu unknown\n", c_(st, BOLD),
		c_(st, RESET), check_results_count(l, CHECK_PASS),
		check_results_count(l, CHECK_FAIL), check_results_count(l, CHECK_UNKNOWN));
	for (size_t i = 0; i < l->n; i++) {
		const struct check_result *c = &l->items[i];
		static const char *const word[] = { "PASS", "FAIL", "UNKN" };
		static const char *const colour[] = { GREEN, RED, YELLOW };

		/* Healthy devices are many and alike: one line for them all. */
		if (c->id == CHK_DEVICE_UP && c->status == CHECK_PASS) {
			if (up) {
				fprintf(out, "  %s%s%s  %-*s  %zu devices of the paths are up\n",
					c_(st, GREEN), word[CHECK_PASS], c_(st, RESET), (int)width,
					check_id_name(c->id), up);
				up = 0;
			}
			continue;
		}
		fprintf(out, "  %s%s%s  %-*s  %s: %s\n", c_(st, colour[c->status]), word[c->status],
			c_(st, RESET), (int)width, check_id_name(c->id), c->subject, c->detail);
		if (c->command[0])
			fprintf(out, "  %*s  %s$ %s%s\n", (int)width + 4, "", c_(st, DIM),
				c->command, c_(st, RESET));
	}
}

static void print_stale(FILE *out, const struct topology *t, const struct text_style *st)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_ns; i++)
		n += t->ns[i].stale;
	if (!n)
		return;
	fprintf(out, "\n%sStale namespaces%s  %zu with no OVS port left (Neutron leaves them when "
		     "networks and routers are deleted)\n",
		c_(st, BOLD), c_(st, RESET), n);
	for (size_t i = 0; i < t->n_ns; i++)
		if (t->ns[i].stale)
			fprintf(out, "  %s  %s(remove: ip netns delete %s)%s\n", t->ns[i].ns.name,
				c_(st, DIM), t->ns[i].ns.name, c_(st, RESET));
}

void path_report_text(FILE *out, const struct path_report *r, const struct text_style *st)
{
	const struct topology *t = r->t;
	const struct topo_port *p = &t->ports[r->port];
	struct widths w = { 4, 9, 6, 4, 8 };
	char target[160];

	print_facts(out, r, st);
	if (p->kind == PORT_VM) {
		measure(&r->dhcp, &w);
		measure(&r->l3, &w);
		fprintf(out,
			"\n%s%s probe point   %s no probe (inside OVS or a bridge)   %s "
			"missing%s\n",
			c_(st, DIM), st->utf8 ? "●" : "*", st->utf8 ? "○" : "-",
			st->utf8 ? "✗" : "x", c_(st, RESET));
		snprintf(target, sizeof(target), "instance -> DHCP server");
		print_path(out, &r->dhcp, "DHCP path", target, &w, st);
		snprintf(target, sizeof(target), "instance -> router -> external");
		print_path(out, &r->l3, "L3 path", target, &w, st);
		print_checks(out, &r->checks, st);
	} else {
		fprintf(out, "\n  %s\n", r->dhcp.problem);
	}
	print_stale(out, t, st);
}

void path_all_text(FILE *out, const struct topology *t, const struct text_style *st)
{
	int wdev = 6, wnode = 4, wkind = 4;

	for (size_t i = 0; i < t->n_ports; i++) {
		const struct topo_port *p = &t->ports[i];
		int n = (int)strlen(p->dev);

		if (n > wdev)
			wdev = n;
		n = (int)strlen(topo_node_name(t, p->node));
		if (n > wnode)
			wnode = n;
		n = (int)strlen(port_kind_name(p->kind));
		if (n > wkind)
			wkind = n;
	}
	fprintf(out, "%sPorts%s  %zu on %zu node(s)\n", c_(st, BOLD), c_(st, RESET), t->n_ports,
		t->n_nodes);
	fprintf(out, "  %s%-36s  %-*s  %-*s  %-*s  %-17s  %-15s  %s%s\n", c_(st, DIM), "PORT",
		wkind, "KIND", wnode, "NODE", wdev, "DEVICE", "MAC", "FIXED IP", "NETWORK",
		c_(st, RESET));
	for (size_t i = 0; i < t->n_ports; i++) {
		const struct topo_port *p = &t->ports[i];

		fprintf(out, "  %-36s  %-*s  %-*s  %-*s  %-17s  %-15s  %s\n",
			p->uuid[0] ? p->uuid : p->prefix, wkind, port_kind_name(p->kind), wnode,
			topo_node_name(t, p->node), wdev, p->dev, p->mac[0] ? p->mac : "-",
			p->n_fixed_ips ? p->fixed_ips[0] : "-", p->net_uuid[0] ? p->net_uuid : "-");
	}
	fprintf(out, "\n%sNodes%s\n", c_(st, BOLD), c_(st, RESET));
	for (size_t n = 0; n < t->n_nodes; n++) {
		const struct topo_node *node = &t->nodes[n];

		fprintf(out, "  %-*s  namespace %s, OVSDB %s%s%s%s, tunnel address %s\n", wnode,
			node->name, node->ns >= 0 ? t->ns[node->ns].ns.name : "?",
			node->endpoint.path, node->ovsdb_ok ? "" : " (not read: ",
			node->ovsdb_ok ? "" : node->ovsdb_error, node->ovsdb_ok ? "" : ")",
			node->tunnel_ip[0] ? node->tunnel_ip : "none");
	}
	print_stale(out, t, st);
	fprintf(out, "\n%sSources%s\n", c_(st, BOLD), c_(st, RESET));
	path_sources_text(out, t);
}
