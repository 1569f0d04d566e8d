// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `nstrace path --json`: the same content as the text, one document. */
#include <stdio.h>
#include <string.h>

#include "path_report.h"

static json_t *str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static const char *dir_name(__u8 dir)
{
	return dir == 1 ? "ingress" : dir == 2 ? "egress" : "unknown";
}

static json_t *hop_json(const struct path_hop *h)
{
	json_t *o = json_object();

	json_object_set_new(o, "node", str_or_null(h->node >= 0 ? h->node_name : NULL));
	json_object_set_new(o, "netns", str_or_null(h->netns));
	json_object_set_new(o, "netns_path", str_or_null(h->netns_path));
	json_object_set_new(o, "netns_cookie",
			    h->netns_cookie ? json_integer((json_int_t)h->netns_cookie)
					    : json_null());
	json_object_set_new(o, "device", str_or_null(h->dev));
	json_object_set_new(o, "ifindex", h->ifindex ? json_integer(h->ifindex) : json_null());
	json_object_set_new(o, "role", json_string(role_name(h->role)));
	json_object_set_new(o, "mac", str_or_null(h->mac));
	json_object_set_new(o, "ip", str_or_null(h->ip));
	json_object_set_new(o, "vlan", h->vlan >= 0 ? json_integer(h->vlan) : json_null());
	if (h->has_key || h->tun_local[0])
		json_object_set_new(o, "tunnel",
				    json_pack("{s:o, s:o, s:o, s:o}", "type",
					      str_or_null(h->tun_type), "key",
					      h->has_key ? json_integer(h->tun_key) : json_null(),
					      "local_ip", str_or_null(h->tun_local), "remote_ip",
					      str_or_null(h->tun_remote)));
	else
		json_object_set_new(o, "tunnel", json_null());
	json_object_set_new(o, "attachable", json_boolean(h->attachable));
	json_object_set_new(o, "not_attachable_because",
			    str_or_null(h->attachable ? NULL : h->why_not));
	json_object_set_new(o, "missing", json_boolean(h->missing));
	json_object_set_new(o, "direction_out", json_string(dir_name(h->dir_out)));
	json_object_set_new(o, "note", str_or_null(h->note));
	return o;
}

static json_t *path_json(const struct port_path *p)
{
	json_t *hops = json_array();

	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(hops, hop_json(&p->hops[i]));
	return json_pack("{s:s, s:o, s:o}", "kind", path_kind_name(p->kind), "problem",
			 str_or_null(p->problem), "hops", hops);
}

static json_t *checks_json(const struct check_results *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++) {
		const struct check_result *c = &l->items[i];

		json_array_append_new(
			a, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:o}", "check",
				     check_id_name(c->id), "status", check_status_name(c->status),
				     "subject", c->subject, "detail", c->detail, "command",
				     str_or_null(c->command), "path", path_kind_name(c->path),
				     "hop", c->hop >= 0 ? json_integer(c->hop) : json_null()));
	}
	return a;
}

static json_t *stale_json(const struct topology *t)
{
	json_t *a = json_array();

	for (size_t i = 0; i < t->n_ns; i++)
		if (t->ns[i].stale)
			json_array_append_new(a, json_string(t->ns[i].ns.name));
	return a;
}

static json_t *warnings_json(const struct topology *t)
{
	json_t *a = json_array();

	for (size_t i = 0; i < t->n_warnings; i++)
		json_array_append_new(a, json_string(t->warnings[i]));
	return a;
}

static json_t *local_vlans_json(const struct topology *t, int net)
{
	json_t *o = json_object();

	for (size_t n = 0; n < t->n_nodes; n++) {
		int tag = -1;

		for (size_t i = 0; i < t->n_ports; i++) {
			const struct topo_port *p = &t->ports[i];

			if (p->network == net && p->node == (int)n && p->local_vlan >= 0 &&
			    (tag < 0 || p->local_vlan == p->config_vlan))
				tag = p->local_vlan;
		}
		if (tag >= 0)
			json_object_set_new(o, t->nodes[n].name, json_integer(tag));
	}
	return o;
}

static json_t *port_json(const struct topology *t, int idx, int router)
{
	const struct topo_port *p = &t->ports[idx];
	const struct topo_network *net = p->network >= 0 ? &t->nets[p->network] : NULL;
	json_t *ips = json_array(), *o;

	for (size_t i = 0; i < p->n_fixed_ips; i++)
		json_array_append_new(ips, json_string(p->fixed_ips[i]));
	o = json_pack("{s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "uuid",
		      str_or_null(p->uuid), "device_prefix", p->prefix, "kind",
		      port_kind_name(p->kind), "node",
		      str_or_null(p->node >= 0 ? t->nodes[p->node].name : NULL),
		      "mac", str_or_null(p->mac), "fixed_ips", ips, "instance",
		      str_or_null(p->vm_uuid), "ovs_interface", str_or_null(p->ovs_name),
		      "iface_status", str_or_null(p->iface_status), "device", str_or_null(p->dev),
		      "netns", str_or_null(p->ns >= 0 ? t->ns[p->ns].ns.name : NULL), "hybrid",
		      p->hybrid, "native_firewall", p->native_fw);
	if (net)
		json_object_set_new(
			o, "network",
			json_pack("{s:s, s:o, s:o, s:s, s:o}", "uuid", net->uuid, "type",
				  str_or_null(net->network_type), "segmentation_id",
				  str_or_null(net->segmentation_id), "source",
				  net_source_text(p->net_source), "local_vlan",
				  local_vlans_json(t, p->network)));
	else
		json_object_set_new(o, "network", json_null());
	if (net && net->dhcp_ns >= 0)
		json_object_set_new(
			o, "dhcp_server",
			json_pack("{s:s, s:o, s:o}", "netns", t->ns[net->dhcp_ns].ns.name, "node",
				  str_or_null(topo_node_name(t, t->ns[net->dhcp_ns].node)),
				  "dnsmasq_pid",
				  net->dnsmasq_pid ? json_integer(net->dnsmasq_pid) : json_null()));
	else
		json_object_set_new(o, "dhcp_server", json_null());
	if (router >= 0)
		json_object_set_new(
			o, "router",
			json_pack("{s:s, s:s, s:o}", "uuid", t->routers[router].uuid, "netns",
				  t->ns[t->routers[router].ns].ns.name, "node",
				  str_or_null(topo_node_name(t, t->routers[router].node))));
	else
		json_object_set_new(o, "router", json_null());
	return o;
}

json_t *path_report_json(const struct path_report *r)
{
	const struct check_results *l = &r->checks;

	return json_pack("{s:o, s:o, s:o, s:o, s:{s:I, s:I, s:I}, s:o, s:o, s:o}", "port",
			 port_json(r->t, r->port, r->l3.router), "dhcp_path", path_json(&r->dhcp),
			 "l3_path", path_json(&r->l3), "checks", checks_json(l), "summary",
			 "passed", (json_int_t)check_results_count(l, CHECK_PASS), "failed",
			 (json_int_t)check_results_count(l, CHECK_FAIL), "unknown",
			 (json_int_t)check_results_count(l, CHECK_UNKNOWN), "stale_namespaces",
			 stale_json(r->t), "sources", path_sources_json(r->t), "warnings",
			 warnings_json(r->t));
}

json_t *path_all_json(const struct topology *t)
{
	json_t *ports = json_array(), *nodes = json_array();

	for (size_t i = 0; i < t->n_ports; i++) {
		int router = t->ports[i].router;

		if (t->ports[i].kind == PORT_VM && t->ports[i].network >= 0)
			router = topo_router_for_net(
				t, t->ports[i].network,
				t->ports[i].n_fixed_ips ? t->ports[i].fixed_ips[0] : NULL);
		json_array_append_new(ports, port_json(t, (int)i, router));
	}
	for (size_t n = 0; n < t->n_nodes; n++) {
		const struct topo_node *node = &t->nodes[n];

		json_array_append_new(
			nodes,
			json_pack("{s:s, s:o, s:s, s:b, s:o, s:o}", "name", node->name, "netns",
				  str_or_null(node->ns >= 0 ? t->ns[node->ns].ns.name : NULL),
				  "ovsdb", node->endpoint.path, "ovsdb_ok", node->ovsdb_ok,
				  "tunnel_ip", str_or_null(node->tunnel_ip), "underlay_device",
				  str_or_null(node->underlay_dev)));
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "ports", ports, "nodes", nodes,
			 "stale_namespaces", stale_json(t), "sources", path_sources_json(t),
			 "warnings", warnings_json(t));
}
