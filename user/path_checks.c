// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The check table, its runner, and the helpers every check uses. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks_int.h"

static const struct {
	const char *name;
	void (*run)(struct check_ctx *c);
} checks[CHK__COUNT] = {
	[CHK_NS_QDHCP] = { "qdhcp-namespace", check_ns_qdhcp },
	[CHK_DNSMASQ] = { "dnsmasq", check_dnsmasq },
	[CHK_DHCP_PORT_IP] = { "dhcp-port-ip", check_dhcp_port_ip },
	[CHK_HOST_ENTRY] = { "host-entry", check_host_entry },
	[CHK_HOST_FILE] = { "host-file", check_host_file },
	[CHK_LEASE] = { "lease", check_lease },
	[CHK_NS_QROUTER] = { "qrouter-namespace", check_ns_qrouter },
	[CHK_ROUTER_GW] = { "router-gateway", check_router_gw },
	[CHK_TUNNEL] = { "tunnel", check_tunnel },
	[CHK_DEVICE_UP] = { "device-up", check_device_up },
	[CHK_VLAN] = { "local-vlan", check_vlan },
	[CHK_MTU] = { "mtu", check_mtu },
	[CHK_ROUTER_ROUTE] = { "router-route", check_router_route },
	[CHK_SNAT] = { "snat", check_snat },
	[CHK_FIP] = { "floating-ip", check_fip },
	[CHK_ROUTER_FWD] = { "router-forwarding", check_router_forwarding },
	[CHK_QBR_PORTS] = { "qbr-ports", check_qbr_ports },
};

const char *check_id_name(enum check_id id)
{
	return (unsigned int)id < CHK__COUNT ? checks[id].name : "unknown";
}

const char *check_status_name(enum check_status s)
{
	switch (s) {
	case CHECK_PASS:
		return "pass";
	case CHECK_FAIL:
		return "fail";
	default:
		return "unknown";
	}
}

int path_checks_run(const struct topology *t, const struct port_path *path, unsigned int mask,
		    size_t first, size_t last, struct check_results *out)
{
	struct check_ctx c = {
		.t = t,
		.path = path,
		.port = &t->ports[path->port],
		.first = first,
		.last = last,
		.out = out,
	};

	for (int id = 0; id < CHK__COUNT && !c.err; id++)
		if (mask & CHK_BIT(id))
			checks[id].run(&c);
	if (c.router_read)
		router_state_free(&c.router);
	return c.err;
}

void check_results_free(struct check_results *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

size_t check_results_count(const struct check_results *l, enum check_status s)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->items[i].status == s;
	return n;
}

struct check_result *chk_new(struct check_ctx *c, enum check_id id, int hop, const char *fmt,
			     ...)
{
	struct check_result *r;
	char subject[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(subject, sizeof(subject), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < c->out->n; i++)
		if (c->out->items[i].id == id && !strcmp(c->out->items[i].subject, subject))
			return NULL;
	r = realloc(c->out->items, (c->out->n + 1) * sizeof(*r));
	if (!r) {
		c->err = -ENOMEM;
		return NULL;
	}
	c->out->items = r;
	r = &r[c->out->n++];
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->status = CHECK_UNKNOWN;
	r->hop = hop;
	r->path = c->path->kind;
	memcpy(r->subject, subject, sizeof(subject));
	return r;
}

void chk_detail(struct check_result *r, enum check_status s, const char *fmt, ...)
{
	va_list ap;

	r->status = s;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

void chk_cmd(struct check_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->command, sizeof(r->command), fmt, ap);
	va_end(ap);
}

void chk_ns_cmd(struct check_result *r, const struct topology *t, int ns, const char *fmt, ...)
{
	char prefix[PATH_MAX + 32] = "", cmd[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (ns >= 0)
		ns_exec_prefix(&t->ns[ns].ns, prefix, sizeof(prefix));
	chk_cmd(r, "%s%s", prefix, cmd);
}

void chk_ovs_cmd(struct check_result *r, const struct topology *t, int node, const char *fmt,
		 ...)
{
	char cmd[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (node >= 0)
		chk_cmd(r, "ovs-vsctl --db=unix:%s %s", t->nodes[node].endpoint.path, cmd);
	else
		chk_cmd(r, "ovs-vsctl %s", cmd);
}

bool chk_in_scope(const struct check_ctx *c, size_t hop)
{
	return hop >= c->first && hop <= c->last && hop < c->path->n;
}

int chk_anchor(const struct check_ctx *c, enum dev_role role)
{
	int i = path_find_role(c->path, role);

	if (i < 0 && c->path->n)
		i = (int)c->path->n - 1;
	return i >= 0 && chk_in_scope(c, (size_t)i) ? i : -1;
}
