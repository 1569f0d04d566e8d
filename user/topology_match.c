// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* From what a user typed to ports: exact, prefix, and near matches, and
 * an instance's port from its network and fixed IP. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "topology.h"

/* The port's identity as text: its UUID, or the prefix its devices carry. */
static const char *port_id(const struct topo_port *p)
{
	return p->uuid[0] ? p->uuid : p->prefix;
}

static bool port_matches(const struct topo_port *p, const char *q)
{
	if (p->uuid[0])
		return uuid_has_prefix(p->uuid, q);
	/* Only a device name: the query and the 11-character prefix agree. */
	return uuid_has_prefix(q, p->prefix) || uuid_has_prefix(p->prefix, q);
}

/* DVR-style ports exist on several nodes: prefer the instance's side. */
static bool better(const struct topo_port *a, const struct topo_port *b)
{
	return a->kind == PORT_VM && b->kind != PORT_VM;
}

int topology_match_port(const struct topology *t, const char *query, int *idx, size_t max)
{
	char q[UUID_STR_LEN];
	size_t n = 0;

	if (!uuid_prefix_is_valid(query, UUID_MIN_PREFIX))
		return -EINVAL;
	uuid_lower(q, sizeof(q), query);
	for (size_t i = 0; i < t->n_ports; i++) {
		const struct topo_port *p = &t->ports[i];
		bool dup = false;

		if (!port_matches(p, q))
			continue;
		for (size_t k = 0; k < n && k < max; k++) {
			const struct topo_port *o = &t->ports[idx[k]];

			if (!strcmp(port_id(o), port_id(p))) {
				if (better(p, o))
					idx[k] = (int)i;
				dup = true;
			}
		}
		if (dup)
			continue;
		if (n < max)
			idx[n] = (int)i;
		n++;
	}
	return (int)n;
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] && b[n] && a[n] == b[n])
		n++;
	return n;
}

/* Edit distance between a and the first strlen(a) characters of b. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[UUID_STR_LEN + 1];

	if (lb > la)
		lb = la;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

struct near {
	int idx;
	size_t dist;
	size_t common;
};

static int cmp_near(const void *a, const void *b)
{
	const struct near *x = a, *y = b;

	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	if (x->common != y->common)
		return x->common > y->common ? -1 : 1;
	return x->idx - y->idx;
}

size_t topology_near_ports(const struct topology *t, const char *query, int *idx, size_t max)
{
	char q[UUID_STR_LEN];
	struct near *cand = calloc(t->n_ports + 1, sizeof(*cand));
	size_t n = 0, out = 0;

	if (!cand)
		return 0;
	uuid_lower(q, sizeof(q), query);
	for (size_t i = 0; i < t->n_ports; i++) {
		const char *id = port_id(&t->ports[i]);
		size_t common = common_prefix(q, id);
		size_t dist = edit_distance(q, id);

		/* A few typos, or the same start: worth showing. */
		if (dist <= 3 || common >= 4)
			cand[n++] = (struct near){ (int)i, dist, common };
	}
	qsort(cand, n, sizeof(*cand), cmp_near);
	for (size_t i = 0; i < n && out < max; i++) {
		bool dup = false;

		for (size_t k = 0; k < out; k++)
			dup |= !strcmp(port_id(&t->ports[idx[k]]), port_id(&t->ports[cand[i].idx]));
		if (!dup)
			idx[out++] = cand[i].idx;
	}
	free(cand);
	return out;
}

/* Same address, however it is written (IPv6 has many spellings). */
static bool same_ip(const char *a, const char *b)
{
	unsigned char x[16], y[16];
	int family = strchr(a, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(family, a, x) == 1 && inet_pton(family, b, y) == 1)
		return !memcmp(x, y, family == AF_INET6 ? 16 : 4);
	return !strcmp(a, b);
}

static int port_by_ip(const struct topology *t, int network, const char *ip, bool vm_only)
{
	if (network < 0 || !ip || !ip[0])
		return -1;
	for (size_t i = 0; i < t->n_ports; i++) {
		const struct topo_port *p = &t->ports[i];

		if ((vm_only && p->kind != PORT_VM) || p->network != network)
			continue;
		for (size_t k = 0; k < p->n_fixed_ips; k++)
			if (same_ip(p->fixed_ips[k], ip))
				return (int)i;
	}
	return -1;
}

int topo_port_by_ip(const struct topology *t, int network, const char *ip)
{
	return port_by_ip(t, network, ip, true);
}

int topo_net_port_by_ip(const struct topology *t, int network, const char *ip)
{
	return port_by_ip(t, network, ip, false);
}
