// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The router's own state along the L3 path: its default route, IPv4
 * forwarding on qr-/qg-, its gateway SNAT and the port's floating IP, read
 * inside qrouter-<uuid> when the checks run (routes and forwarding over
 * rtnetlink, rules with iptables-save).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/rtnetlink.h>

#include "checks_int.h"
#include "render_parts.h"

const struct router_state *chk_router_state(struct check_ctx *c, int *err)
{
	const struct topo_ns *ns;
	struct stat st;

	if (!c->router_read) {
		c->router_read = true;
		ns = &c->t->ns[c->t->routers[c->path->router].ns];
		/* Reading a namespace created after discovery under the same name
		 * would mix two routers' evidence. */
		if (stat(ns->ns.path, &st))
			c->router_err = -errno;
		else if (st.st_dev != ns->ns.dev || st.st_ino != ns->ns.ino)
			c->router_err = -ESTALE;
		else
			c->router_err = router_state_read(ns->ns.path, &c->router);
		if (c->router_err == -ENOMEM)
			c->err = -ENOMEM;
	}
	*err = c->router_err;
	return c->router_err ? NULL : &c->router;
}

static const char *read_error(int err)
{
	switch (err) {
	case -ENOENT:
		return "the namespace is gone";
	case -ESTALE:
		return "the namespace was replaced since discovery (run again)";
	default:
		return strerror(-err);
	}
}

/* The router of an L3 path and the hop its checks attach to; NULL when
 * the path has none or that hop is out of scope. */
static const struct topo_router *path_router(const struct check_ctx *c, int *hop)
{
	if (c->path->kind != PATH_L3 || c->path->router < 0)
		return NULL;
	*hop = chk_anchor(c, ROLE_QG);
	return *hop >= 0 ? &c->t->routers[c->path->router] : NULL;
}

static const char *gateway_dev(const struct topology *t, const struct topo_router *rt)
{
	return rt->gw_port >= 0 ? t->ports[rt->gw_port].dev : NULL;
}

void check_router_route(struct check_ctx *c)
{
	const struct topo_router *rt;
	const struct router_state *rs;
	const struct router_route *d;
	const char *qg;
	struct check_result *r;
	char text[128];
	int hop, err;

	if (!(rt = path_router(c, &hop)) ||
	    !(r = chk_new(c, CHK_ROUTER_ROUTE, hop, "default route of router %s", rt->uuid)))
		return;
	chk_ns_cmd(r, c->t, rt->ns, "ip route");
	if (!(rs = chk_router_state(c, &err))) {
		chk_detail(r, CHECK_UNKNOWN, "cannot read the routes of qrouter-%s: %s", rt->uuid,
			   read_error(err));
		return;
	}
	qg = gateway_dev(c->t, rt);
	if (!(d = router_default_route(rs))) {
		chk_detail(r, CHECK_FAIL,
			   "qrouter-%s has no default route: packets for outside its subnets are "
			   "dropped (the L3 agent adds it via the external subnet's gateway on %s)",
			   rt->uuid, qg ? qg : "the qg- device");
		return;
	}
	router_route_text(d, text, sizeof(text));
	if (d->type != RTN_UNICAST)
		chk_detail(r, CHECK_FAIL, "%s: the default route discards what it takes", text);
	else if (qg && strcmp(d->dev, qg))
		chk_detail(r, CHECK_FAIL, "%s: the default route leaves by %s, not the gateway %s",
			   text, d->dev[0] ? d->dev : "no device", qg);
	else
		chk_detail(r, CHECK_PASS, "%s", text);
}

/* The port's SNAT rule for ip (NULL: any source) leaving qg, as a result. */
static void snat_of(struct check_result *r, const struct router_state *rs, const char *ip,
		    const char *qg)
{
	const struct router_nat *n = router_snat_for(rs, ip, qg);
	const struct link_info *li = links_by_name(&rs->links, qg);
	const char *who = ip ? ip : "the subnet";

	if (!n) {
		chk_detail(r, CHECK_FAIL,
			   "none of the %zu SNAT rules covers %s leaving %s: its traffic leaves "
			   "with the fixed IP",
			   router_snat_count(rs), who, qg);
	} else if (n->to_addr[0] && !(li && link_has_ip(li, n->to_addr))) {
		chk_detail(r, CHECK_FAIL,
			   "%s leaving %s is rewritten to %s, an address %s does not hold: "
			   "replies cannot come back (%s)",
			   who, qg, n->to_addr, qg, n->spec);
	} else {
		chk_detail(r, CHECK_PASS, "%s leaving %s is rewritten to %s (%" PRIu64
			   " packets so far) in %s: %s",
			   who, qg, n->to_addr[0] ? n->to_addr : "its address",
			   (uint64_t)n->pkts, n->chain, n->spec);
	}
}

void check_snat(struct check_ctx *c)
{
	const struct topo_router *rt;
	const struct router_state *rs;
	struct check_result *r;
	const char *qg;
	int hop, err;

	/* Without a gateway the L3 agent writes no SNAT: router-gateway says so. */
	if (!(rt = path_router(c, &hop)) || !(qg = gateway_dev(c->t, rt)) ||
	    !(r = chk_new(c, CHK_SNAT, hop, "SNAT of router %s", rt->uuid)))
		return;
	chk_ns_cmd(r, c->t, rt->ns, "iptables -t nat -S %s -v", L3_CHAIN_SNAT);
	if (!(rs = chk_router_state(c, &err))) {
		chk_detail(r, CHECK_UNKNOWN, "cannot read qrouter-%s: %s", rt->uuid,
			   read_error(err));
		return;
	}
	if (rs->nat_err) {
		chk_detail(r, CHECK_UNKNOWN, "cannot read the nat table with iptables-save: %s",
			   rs->nat_err == -ENOENT ? "iptables-save is not installed"
						  : strerror(-rs->nat_err));
		return;
	}
	if (!router_snat_count(rs)) {
		chk_detail(r, CHECK_FAIL,
			   "%s is empty or missing: no SNAT to the gateway address, so instances "
			   "without a floating IP cannot reach the outside (unless the router has "
			   "enable_snat=false)",
			   L3_CHAIN_SNAT);
		return;
	}
	snat_of(r, rs, c->port->n_fixed_ips ? c->port->fixed_ips[0] : NULL, qg);
}

/* What is missing around floating IP f, into sb. */
static void fip_gaps(struct sbuf *sb, const struct router_state *rs, const struct router_fip *f,
		     const char *qg)
{
	const struct link_info *dev = router_fip_device(rs, f);

	if (f->dnat < 0)
		sb_printf(sb, "%sno DNAT %s -> %s in %sPREROUTING: inbound never reaches it",
			  sb->pos ? "; " : "", f->fip, f->fixed, L3_CHAIN_PREFIX);
	if (f->snat < 0)
		sb_printf(sb, "%sno SNAT %s -> %s in %s: its own traffic leaves without the FIP",
			  sb->pos ? "; " : "", f->fixed, f->fip, L3_CHAIN_FLOAT_SNAT);
	else if (!router_float_snat_linked(rs))
		sb_printf(sb, "%s%s does not jump to %s: its SNAT to %s is never reached",
			  sb->pos ? "; " : "", L3_CHAIN_SNAT, L3_CHAIN_FLOAT_SNAT, f->fip);
	if (!dev)
		sb_printf(sb, "%s%s is on no device: nobody answers ARP for it",
			  sb->pos ? "; " : "", f->fip);
	else if (qg && strcmp(dev->name, qg))
		sb_printf(sb, "%s%s is on %s, not on the gateway %s", sb->pos ? "; " : "", f->fip,
			  dev->name, qg);
}

void check_fip(struct check_ctx *c)
{
	const struct topo_router *rt;
	const struct router_state *rs;
	const struct router_fip *f = NULL;
	struct check_result *r;
	struct sbuf sb;
	const char *qg;
	int hop, err;

	/* Whether the port has a floating IP is known only from the rules. */
	if (!(rt = path_router(c, &hop)) || !(rs = chk_router_state(c, &err)) || rs->nat_err)
		return;
	for (size_t i = 0; i < c->port->n_fixed_ips && !f; i++)
		f = router_fip_for_fixed(rs, c->port->fixed_ips[i]);
	if (!f || !(r = chk_new(c, CHK_FIP, hop, "floating IP %s of %s", f->fip, f->fixed)))
		return;
	qg = gateway_dev(c->t, rt);
	chk_ns_cmd(r, c->t, rt->ns, "sh -c 'iptables-save -c -t nat | grep -wF %s; ip -br addr'",
		   f->fip);
	sb_init(&sb, r->detail, sizeof(r->detail));
	fip_gaps(&sb, rs, f, qg);
	if (sb.pos) {
		r->status = CHECK_FAIL;
		return;
	}
	chk_detail(r, CHECK_PASS,
		   "DNAT in %sPREROUTING (%" PRIu64 " packets so far), SNAT in %s (%" PRIu64
		   " packets so far), %s/32 on %s",
		   L3_CHAIN_PREFIX, (uint64_t)rs->nat[f->dnat].pkts, L3_CHAIN_FLOAT_SNAT,
		   (uint64_t)rs->nat[f->snat].pkts, f->fip, router_fip_device(rs, f)->name);
}

/* Names the devices of devs that do not forward into sb and returns how
 * many; *unknown: a device whose flag could not be told (NULL if none). */
static int forwarding_off(const struct router_state *rs, const char *const *devs, size_t n,
			  struct sbuf *sb, const char **unknown)
{
	int off = 0;

	*unknown = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct link_info *li = links_by_name(&rs->links, devs[i]);
		int on = li ? router_forwarding(rs, li->ifindex) : -1;

		if (on < 0 && !*unknown)
			*unknown = devs[i];
		if (on)
			continue;
		sb_printf(sb, "%snet.ipv4.conf.%s.forwarding = 0", off ? ", " : "", devs[i]);
		off++;
	}
	return off;
}

void check_router_forwarding(struct check_ctx *c)
{
	const struct topo_router *rt;
	const struct router_state *rs;
	const char *devs[2];
	struct check_result *r;
	struct sbuf sb;
	const char *unknown;
	char cmd[160];
	size_t n;
	int hop, qr, qg, err;

	if (c->path->kind != PATH_L3 || c->path->router < 0 ||
	    (qr = path_find_role(c->path, ROLE_QR)) < 0)
		return;
	/* The router's way in is qr- for what the VM sends, qg- for what
	 * comes back or from outside: either in scope will do. */
	qg = path_find_role(c->path, ROLE_QG);
	hop = chk_in_scope(c, (size_t)qr) ? qr : qg >= 0 && chk_in_scope(c, (size_t)qg) ? qg : -1;
	if (hop < 0)
		return;
	rt = &c->t->routers[c->path->router];
	devs[0] = c->path->hops[qr].dev;
	devs[1] = gateway_dev(c->t, rt);
	n = devs[1] ? 2 : 1;
	if (!(r = chk_new(c, CHK_ROUTER_FWD, hop, "IPv4 forwarding of router %s", rt->uuid)))
		return;
	sb_init(&sb, cmd, sizeof(cmd));
	sb_printf(&sb, "sysctl net.ipv4.ip_forward");
	for (size_t i = 0; i < n; i++)
		sb_printf(&sb, " net.ipv4.conf.%s.forwarding", devs[i]);
	chk_ns_cmd(r, c->t, rt->ns, "%s", cmd);
	if (!(rs = chk_router_state(c, &err))) {
		chk_detail(r, CHECK_UNKNOWN, "cannot read qrouter-%s: %s", rt->uuid,
			   read_error(err));
		return;
	}
	if (rs->fwd_err) {
		chk_detail(r, CHECK_UNKNOWN, "the kernel did not say (RTM_GETNETCONF: %s)",
			   strerror(-rs->fwd_err));
		return;
	}
	sb_init(&sb, r->detail, sizeof(r->detail));
	if (forwarding_off(rs, devs, n, &sb, &unknown)) {
		sb_printf(&sb, ": the router drops what it should route (the kernel's reason "
			       "IP_INADDRERRORS); the L3 agent sets net.ipv4.ip_forward = 1 in "
			       "every router namespace");
		r->status = CHECK_FAIL;
	} else if (unknown) {
		chk_detail(r, CHECK_UNKNOWN, "no forwarding flag for %s in qrouter-%s", unknown,
			   rt->uuid);
	} else {
		chk_detail(r, CHECK_PASS, "%s%s%s forward%s IPv4", devs[0], devs[1] ? " and " : "",
			   devs[1] ? devs[1] : "", devs[1] ? "" : "s");
	}
}
