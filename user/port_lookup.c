// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>

#include "path_report.h"
#include "port_lookup.h"

#define MAX_MATCHES 16
#define MAX_NEAR 5

bool port_query_valid(const char *query, const char *cmd)
{
	if (uuid_prefix_is_valid(query, UUID_MIN_PREFIX))
		return true;
	fprintf(stderr,
		"nstrace %s: '%s' is not a port UUID; expected "
		"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits) or a prefix of it of at "
		"least %d characters, e.g. 1bbe7c60\n",
		cmd, query, UUID_MIN_PREFIX);
	return false;
}

static void print_port_line(FILE *out, const struct topology *t, int i)
{
	const struct topo_port *p = &t->ports[i];

	fprintf(out, "  %-36s  %-16s %-10s %-15s %s\n", p->uuid[0] ? p->uuid : p->prefix,
		port_kind_name(p->kind), topo_node_name(t, p->node), p->dev,
		p->n_fixed_ips ? p->fixed_ips[0] : "");
}

static json_t *ports_json(const struct topology *t, const int *idx, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct topo_port *p = &t->ports[idx[i]];

		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "uuid",
						   p->uuid[0] ? p->uuid : p->prefix, "kind",
						   port_kind_name(p->kind), "node",
						   topo_node_name(t, p->node), "device", p->dev));
	}
	return a;
}

int port_lookup(const struct topology *t, const char *query, const char *cmd, json_t **error)
{
	int idx[MAX_MATCHES], near[MAX_NEAR];
	int found = topology_match_port(t, query, idx, MAX_MATCHES);
	size_t n = found < 0 ? 0 : (size_t)found, n_near = 0, shown;

	if (error)
		*error = NULL;
	if (n == 1)
		return idx[0];
	shown = n < MAX_MATCHES ? n : MAX_MATCHES;
	if (n) {
		fprintf(stderr,
			"nstrace %s: '%s' is ambiguous: %zu ports start with it; give more "
			"characters:\n",
			cmd, query, n);
		for (size_t i = 0; i < shown; i++)
			print_port_line(stderr, t, idx[i]);
	} else {
		n_near = topology_near_ports(t, query, near, MAX_NEAR);
		fprintf(stderr, "nstrace %s: no port matches '%s'. Looked in:\n", cmd, query);
		path_sources_text(stderr, t);
		if (n_near) {
			fprintf(stderr, "Near matches:\n");
			for (size_t i = 0; i < n_near; i++)
				print_port_line(stderr, t, near[i]);
		} else {
			fprintf(stderr, "No port has a similar UUID (%zu ports seen; `nstrace path "
					"--all` lists them).\n",
				t->n_ports);
		}
	}
	if (error)
		*error = json_pack("{s:s, s:s, s:o, s:o}", "error",
				   n ? "ambiguous port prefix" : "unknown port", "query", query,
				   n ? "candidates" : "near_matches",
				   n ? ports_json(t, idx, shown) : ports_json(t, near, n_near),
				   "sources", path_sources_json(t));
	return -1;
}
