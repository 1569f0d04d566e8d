/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Shared by the check implementations; not an API. */
#ifndef NSTRACE_CHECKS_INT_H
#define NSTRACE_CHECKS_INT_H

#include "path_checks.h"
#include "router_state.h"

struct check_ctx {
	const struct topology *t;
	const struct port_path *path;
	const struct topo_port *port;
	size_t first, last; /* hop range in scope */
	struct check_results *out;
	int err;
	/* The path's router namespace, read once by the first router check. */
	struct router_state router;
	int router_err; /* -errno when it could not be read */
	bool router_read;
};

/*
 * A new result for (id, subject), or NULL when that pair is already in the
 * list (or memory ran out: ctx->err).  hop may be -1.
 */
struct check_result *chk_new(struct check_ctx *c, enum check_id id, int hop, const char *fmt,
			     ...) __attribute__((format(printf, 4, 5)));
void chk_detail(struct check_result *r, enum check_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Set the command that shows the evidence. */
void chk_cmd(struct check_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The command that runs cmd inside namespace ns. */
void chk_ns_cmd(struct check_result *r, const struct topology *t, int ns, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An ovs-vsctl command against node's database. */
void chk_ovs_cmd(struct check_result *r, const struct topology *t, int node, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
/* Index of the first hop with role inside the scope; when the path has
 * no such hop, its last hop (if in scope): the place the path stopped. */
int chk_anchor(const struct check_ctx *c, enum dev_role role);
bool chk_in_scope(const struct check_ctx *c, size_t hop);

void check_ns_qdhcp(struct check_ctx *c);
void check_dnsmasq(struct check_ctx *c);
void check_dhcp_port_ip(struct check_ctx *c);
void check_host_entry(struct check_ctx *c);
void check_host_file(struct check_ctx *c);
void check_lease(struct check_ctx *c);
void check_ns_qrouter(struct check_ctx *c);
void check_router_gw(struct check_ctx *c);
void check_tunnel(struct check_ctx *c);
void check_device_up(struct check_ctx *c);
void check_vlan(struct check_ctx *c);
void check_mtu(struct check_ctx *c);
void check_router_route(struct check_ctx *c);
void check_snat(struct check_ctx *c);
void check_fip(struct check_ctx *c);
void check_router_forwarding(struct check_ctx *c);
void check_qbr_ports(struct check_ctx *c);

/*
 * The path's router namespace as it is now (routes, links, NAT rules),
 * read on first use; NULL with *err when it could not be read or is no
 * longer the namespace discovery saw.  Freed by path_checks_run().
 */
const struct router_state *chk_router_state(struct check_ctx *c, int *err);

#endif
