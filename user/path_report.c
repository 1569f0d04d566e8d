// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A port's report: both paths and their checks; what discovery read. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "path_report.h"

int path_report_build(const struct topology *t, int port, struct path_report *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->t = t;
	r->port = port;
	err = path_plan(t, port, PATH_DHCP, &r->dhcp);
	if (!err)
		err = path_plan(t, port, PATH_L3, &r->l3);
	if (!err && t->ports[port].kind == PORT_VM) {
		err = path_checks_run(t, &r->dhcp, CHK_DHCP_SET, 0, SIZE_MAX, &r->checks);
		if (!err)
			err = path_checks_run(t, &r->l3, CHK_L3_SET, 0, SIZE_MAX, &r->checks);
	}
	if (err)
		path_report_free(r);
	return err;
}

void path_report_free(struct path_report *r)
{
	port_path_free(&r->dhcp);
	port_path_free(&r->l3);
	check_results_free(&r->checks);
}

void net_local_vlans(const struct topology *t, int net, char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (size_t n = 0; n < t->n_nodes && pos < len; n++) {
		int tag = -1;

		/* A port bound as the agent recorded it says the network's VLAN. */
		for (size_t i = 0; i < t->n_ports; i++) {
			const struct topo_port *p = &t->ports[i];

			if (p->network != net || p->node != (int)n || p->local_vlan < 0)
				continue;
			if (tag < 0 || p->local_vlan == p->config_vlan)
				tag = p->local_vlan;
		}
		if (tag >= 0)
			pos += (size_t)snprintf(buf + pos, len - pos, "%s%s %d", pos ? ", " : "",
						t->nodes[n].name, tag);
	}
}

static const char *ovsdb_source_text(enum ovsdb_source s)
{
	switch (s) {
	case OVSDB_FROM_CLI:
		return "--ovsdb";
	case OVSDB_FROM_PROCESS:
		return "ovsdb-server process";
	default:
		return "default path";
	}
}

void path_sources_text(FILE *out, const struct topology *t)
{
	fprintf(out, "  namespaces scanned: %zu (/run/netns and every process's)\n", t->n_ns);
	if (!t->n_nodes)
		fprintf(out, "  OVSDB sockets read: none found\n");
	for (size_t n = 0; n < t->n_nodes; n++) {
		const struct topo_node *node = &t->nodes[n];

		fprintf(out, "  OVSDB socket: %s (node %s, from %s)%s%s\n", node->endpoint.path,
			node->name, ovsdb_source_text(node->endpoint.source),
			node->ovsdb_ok ? "" : ": not read: ",
			node->ovsdb_ok ? "" : node->ovsdb_error);
		fprintf(out, "  ovs-vswitchd control socket: %s (node %s)\n",
			node->vswitchd_ctl[0] ? node->vswitchd_ctl :
						"none found (ofproto/trace cannot be asked)",
			node->name);
	}
	fprintf(out, "  DHCP state directory: %s (%s), %zu network(s)\n", t->dhcp.dir,
		state_dir_source_text(t->dhcp.source), t->dhcp.n);
}

json_t *path_sources_json(const struct topology *t)
{
	json_t *ovsdb = json_array();

	for (size_t n = 0; n < t->n_nodes; n++) {
		const struct topo_node *node = &t->nodes[n];

		json_array_append_new(ovsdb,
				      json_pack("{s:s, s:s, s:s, s:b, s:s?, s:o}", "socket",
						node->endpoint.path, "node", node->name, "source",
						ovsdb_source_text(node->endpoint.source), "ok",
						node->ovsdb_ok, "error",
						node->ovsdb_ok ? NULL : node->ovsdb_error,
						"vswitchd_ctl",
						node->vswitchd_ctl[0] ?
							json_string(node->vswitchd_ctl) :
							json_null()));
	}
	return json_pack("{s:I, s:o, s:{s:s, s:s, s:I}}", "namespaces", (json_int_t)t->n_ns,
			 "ovsdb", ovsdb, "state_dir", "path", t->dhcp.dir, "source",
			 state_dir_source_text(t->dhcp.source), "networks", (json_int_t)t->dhcp.n);
}
