// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What `nstrace ping` traces: the path for its mode, the addresses on it
 * (fixed, floating, the router's), the namespace it pings from, the
 * in-kernel filter and the checks that fit the path. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dhcp_opts.h"
#include "exit_codes.h"
#include "filter_args.h"
#include "log.h"
#include "netns.h"
#include "path_checks.h"
#include "ping_run.h"
#include "str_copy.h"

/* "10.0.0.1/24" -> "10.0.0.1". */
void ping_bare_ip(char *dst, size_t len, const char *ip)
{
	snprintf(dst, len, "%s", ip);
	dst[strcspn(dst, "/")] = '\0';
}

static int add_filter_ip(struct nstrace_filter *f, const char *ip)
{
	char msg[128], bare[64];

	ping_bare_ip(bare, sizeof(bare), ip);
	if (!bare[0])
		return 0;
	for (int i = 0; i < f->n_ips; i++) {
		char have[INET6_ADDRSTRLEN];

		if (f->ips[i].family == NSTRACE_L3_IPV4 &&
		    inet_ntop(AF_INET, f->ips[i].addr, have, sizeof(have)) && !strcmp(have, bare))
			return 0;
	}
	if (f->n_ips == NSTRACE_FILTER_IPS)
		return 0; /* the tunnel key and the places keep it apart */
	if (filter_add_ip(f, bare, msg, sizeof(msg))) {
		log_error("%s", msg);
		return -EINVAL;
	}
	return 0;
}

/* ICMP and ARP of the VM's addresses (and what NAT makes of them); inside
 * tunnels only the network's key. */
int ping_build_filter(struct ping_run *r, const char *peer_ip, struct nstrace_filter *f)
{
	const struct topology *t = r->t;
	const struct topo_port *p = r->port;
	char msg[256];

	memset(f, 0, sizeof(*f));
	if (filter_add_proto(f, "icmp", msg, sizeof(msg)) ||
	    filter_add_proto(f, "arp", msg, sizeof(msg))) {
		log_error("%s", msg);
		return -EINVAL;
	}
	if (add_filter_ip(f, r->fixed_ip) || add_filter_ip(f, r->fip) ||
	    add_filter_ip(f, r->qg_ip) || (peer_ip && add_filter_ip(f, peer_ip)))
		return -EINVAL;
	port_cmd_filter_tun_key(t, p, f);
	return 0;
}

static void path_addrs(struct ping_run *r)
{
	int qr = path_find_role(r->path, ROLE_QR), qg = path_find_role(r->path, ROLE_QG);
	const struct topo_network *net =
		r->port->network >= 0 ? &r->t->nets[r->port->network] : NULL;
	char gw[DHCP_IP_LEN];

	if (qr >= 0)
		ping_bare_ip(r->qr_ip, sizeof(r->qr_ip), r->path->hops[qr].ip);
	if (qg >= 0)
		ping_bare_ip(r->qg_ip, sizeof(r->qg_ip), r->path->hops[qg].ip);
	/* The VM ARPs for the gateway its lease named: with no router here,
	 * or a qr- that does not hold it, that ARP going unanswered is the
	 * finding. */
	if (r->path->kind == PATH_L3 && net && net->state &&
	    dhcp_net_gateway_for(net->state, r->fixed_ip, gw) && strcmp(gw, r->qr_ip))
		STR_COPY(r->gw_ip, gw);
}

/* The port's floating IP, from its router's DNAT rules. */
static void find_fip(struct ping_run *r, int router)
{
	struct router_state rs;
	const struct router_fip *f;

	if (router < 0 || router_state_read(r->t->ns[r->t->routers[router].ns].ns.path, &rs))
		return;
	f = router_fip_for_fixed(&rs, r->fixed_ip);
	if (f)
		ping_bare_ip(r->fip, sizeof(r->fip), f->fip);
	router_state_free(&rs);
}

/* DST is the address of the DHCP port of the VM's network. */
static bool dst_is_dhcp_port(const struct topology *t, const struct topo_port *p, const char *dst)
{
	int port = topo_net_port_by_ip(t, p->network, dst);

	return port >= 0 && t->ports[port].kind == PORT_DHCP;
}

/* Plan the path the mode needs; NST_EXIT_* on failure, -1 on success. */
int ping_plan(struct ping_run *r, int idx, const char **peer_ip)
{
	const struct topology *t = r->t;
	const struct ping_opts *o = r->o;
	enum path_kind kind = o->from == FROM_DHCP ? PATH_DHCP : PATH_L3;
	int peer = -1, qr;

	if (o->dst && r->port->network >= 0) {
		peer = topo_port_by_ip(t, r->port->network, o->dst);
		if (peer == idx) {
			log_error("DST %s is the VM's own address", o->dst);
			return NST_EXIT_USAGE;
		}
		/* The DHCP server answers on its own port: the DHCP path. */
		if (peer < 0 && dst_is_dhcp_port(t, r->port, o->dst)) {
			kind = PATH_DHCP;
			*peer_ip = o->dst;
		}
	}
	if (peer >= 0) {
		*peer_ip = o->dst;
		if (path_plan_peer(t, idx, peer, r->path))
			return NST_EXIT_RUNTIME;
	} else if (path_plan(t, idx, kind, r->path)) {
		return NST_EXIT_RUNTIME;
	}
	path_addrs(r);
	find_fip(r, r->path->router);
	STR_COPY(r->target, r->fixed_ip);
	switch (o->from) {
	case FROM_NONE:
		break;
	case FROM_DHCP: {
		const struct topo_network *net = r->port->network >= 0 ?
							 &t->nets[r->port->network] : NULL;

		if (!net || net->dhcp_ns < 0) {
			log_error("--from dhcp: no qdhcp- namespace of the port's network on "
				  "this host");
			return NST_EXIT_USAGE;
		}
		STR_COPY(r->from_ns, t->ns[net->dhcp_ns].ns.path);
		if (path_find_role(r->path, ROLE_DHCP_TAP) >= 0)
			ping_bare_ip(r->dhcp_ip, sizeof(r->dhcp_ip),
				r->path->hops[path_find_role(r->path, ROLE_DHCP_TAP)].ip);
		break;
	}
	case FROM_ROUTER:
		qr = path_find_role(r->path, ROLE_QR);
		if (r->path->router < 0 || qr < 0) {
			log_error("--from router: no qrouter- namespace with a port on the port's "
				  "network on this host");
			return NST_EXIT_USAGE;
		}
		STR_COPY(r->from_ns, t->ns[t->routers[r->path->router].ns].ns.path);
		r->path->n = (size_t)qr + 1; /* nothing beyond the router */
		break;
	case FROM_EXTERNAL: {
		int fd = netns_open(o->netns);

		if (fd < 0) {
			log_error("--netns %s: no such network namespace (`ip netns list` shows "
				  "them)",
				  o->netns);
			return NST_EXIT_USAGE;
		}
		close(fd);
		if (!r->fip[0]) {
			log_error("--from external: port %s (%s) has no floating IP: no DNAT rule "
				  "for it in its router's namespace",
				  r->port->uuid, r->fixed_ip);
			return NST_EXIT_USAGE;
		}
		STR_COPY(r->from_ns, o->netns);
		STR_COPY(r->target, r->fip);
		break;
	}
	}
	return -1;
}

unsigned int ping_check_mask(const struct ping_run *r)
{
	unsigned int path = CHK_BIT(CHK_TUNNEL) | CHK_BIT(CHK_DEVICE_UP) | CHK_BIT(CHK_VLAN) |
			    CHK_BIT(CHK_MTU);

	if (r->path->kind == PATH_L3)
		return CHK_L3_SET;
	if (r->path->kind == PATH_DHCP)
		return path | CHK_BIT(CHK_NS_QDHCP) | CHK_BIT(CHK_DHCP_PORT_IP);
	return path;
}

