// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The hybrid plug: the VM's tap and the qvb veth end must be ports of the
 * qbr bridge between them (os-vif enslaves both).  A tap that left the
 * bridge (a restart that re-created it, a hand-made `nomaster`) is up and
 * looks fine, yet nothing it receives reaches the security groups or
 * br-int.
 */
#include <stdio.h>
#include <string.h>

#include "checks_int.h"
#include "sbuf.h"

/* A neighbour of the qbr hop that should be its port: tap or qvb, in the
 * same namespace; -1 when there is none. */
static int plug_port(const struct port_path *p, size_t qbr, int step)
{
	long i = (long)qbr + step;

	if (i < 0 || (size_t)i >= p->n)
		return -1;
	if (p->hops[i].role != ROLE_TAP && p->hops[i].role != ROLE_QVB)
		return -1;
	return p->hops[i].ns == p->hops[qbr].ns && p->hops[i].ifindex ? (int)i : -1;
}

/* Why device dev is not a port of bridge qbr, into sb; false if it is. */
static bool not_enslaved(const struct topology *t, int ns, const char *dev,
			 const struct link_info *qbr, struct sbuf *sb)
{
	const struct link_info *li = topo_link(t, ns, dev);
	const struct link_info *m;

	if (!li || li->master == qbr->ifindex)
		return false;
	m = li->master ? links_by_index(&t->ns[ns].links, li->master) : NULL;
	sb_printf(sb, "%s%s is not a port of %s (%s%s)", sb->pos ? "; " : "", dev, qbr->name,
		  li->master ? "it is on " : "it is on no bridge",
		  li->master ? (m ? m->name : "another device") : "");
	return true;
}

void check_qbr_ports(struct check_ctx *c)
{
	const struct port_path *p = c->path;

	for (size_t i = 0; i < p->n; i++) {
		const struct path_hop *h = &p->hops[i];
		const struct link_info *qbr;
		const char *ports[2], *off = NULL;
		struct check_result *r;
		struct sbuf sb;
		int n_ports = 0, n_off = 0;

		if (h->role != ROLE_QBR || !chk_in_scope(c, i) ||
		    !(qbr = topo_link(c->t, h->ns, h->dev)))
			continue;
		for (int step = -1; step <= 1; step += 2) {
			int k = plug_port(p, i, step);

			if (k >= 0)
				ports[n_ports++] = p->hops[k].dev;
		}
		if (!n_ports ||
		    !(r = chk_new(c, CHK_QBR_PORTS, (int)i, "%s %s", h->netns, h->dev)))
			continue;
		chk_ns_cmd(r, c->t, h->ns, "ip link show master %s", h->dev);
		sb_init(&sb, r->detail, sizeof(r->detail));
		for (int k = 0; k < n_ports; k++)
			if (not_enslaved(c->t, h->ns, ports[k], qbr, &sb)) {
				off = ports[k];
				n_off++;
			}
		if (n_off) {
			sb_printf(&sb, ": what it receives never crosses the bridge (os-vif "
				       "enslaves both: ip link set %s master %s)",
				  n_off == 1 ? off : "DEV", h->dev);
			r->status = CHECK_FAIL;
			continue;
		}
		for (int k = 0; k < n_ports; k++)
			sb_printf(&sb, "%s%s", k ? " and " : "", ports[k]);
		sb_printf(&sb, " are ports of %s", h->dev);
		r->status = CHECK_PASS;
	}
}
