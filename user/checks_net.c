// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Router, tunnels, devices, local VLAN and MTU along a path. */
#include <stdio.h>
#include <string.h>

#include "checks_int.h"
#include "dhcp_opts.h"
#include "tunnel_mtu.h"

/* The qr- device of hop h holds address ip (true when its addresses are
 * unknown: nothing to say); its first address into has. */
static bool qr_holds(const struct topology *t, const struct path_hop *h, const char *ip,
		     char *has, size_t len)
{
	const struct link_info *li = h->ns >= 0 ? topo_link(t, h->ns, h->dev) : NULL;

	if (!li)
		return true;
	if (li->n_addrs)
		link_addr_text(&li->addrs[0], has, len);
	return link_has_ip(li, ip);
}

void check_ns_qrouter(struct check_ctx *c)
{
	const struct topology *t = c->t;
	int a = c->path->kind == PATH_L3 ? chk_anchor(c, ROLE_QR) : -1;
	const struct topo_network *net;
	struct check_result *r;

	/* No router on the network at all: news wherever the verdict is. */
	if (a < 0 && c->path->kind == PATH_L3 && c->path->router < 0 && c->first < c->path->n)
		a = (int)c->first;
	if (a < 0 || c->port->network < 0)
		return;
	net = &t->nets[c->port->network];
	if (!(r = chk_new(c, CHK_NS_QROUTER, a, "router of network %s", net->uuid)))
		return;
	chk_cmd(r, "ip netns list | grep qrouter-");
	if (c->path->router < 0) {
		chk_detail(r, CHECK_FAIL,
			   "no qrouter- namespace has an interface on the network: no router, or "
			   "its L3 agent runs on a host not visible from here");
		return;
	}
	const struct topo_router *rt = &t->routers[c->path->router];
	char gw[DHCP_IP_LEN], has[64] = "";

	/* The VMs ARP for the gateway their lease names: qr- must hold it. */
	if (a >= 0 && c->path->hops[a].role == ROLE_QR && net->state && c->port->n_fixed_ips &&
	    dhcp_net_gateway_for(net->state, c->port->fixed_ips[0], gw) &&
	    !qr_holds(t, &c->path->hops[a], gw, has, sizeof(has))) {
		chk_ns_cmd(r, t, rt->ns, "ip addr show %s; grep router %s/opts",
			   c->path->hops[a].dev, net->state->dir);
		chk_detail(r, CHECK_FAIL,
			   "qrouter-%s on node %s has %s on the network with %s, but the DHCP "
			   "agent hands the network's VMs %s as their gateway (%s/opts): their "
			   "ARP for it finds nobody",
			   rt->uuid, topo_node_name(t, rt->node), c->path->hops[a].dev,
			   has[0] ? has : "no address", gw, net->state->dir);
		return;
	}
	chk_detail(r, CHECK_PASS, "qrouter-%s on node %s has an interface on the network",
		   rt->uuid, topo_node_name(t, rt->node));
}

/* qg- is there, but no OVS port carries it (plugged through a veth whose
 * OVS end left the bridge): the router's outside traffic goes nowhere. */
static void unplugged(struct check_result *r, const struct topology *t,
		      const struct topo_port *qg, const struct link_info *li)
{
	const struct link_info *peer;
	int peer_ns;

	peer = topo_veth_peer(t, qg->ns, li, &peer_ns);
	if (peer)
		chk_detail(r, CHECK_FAIL,
			   "%s is on no OVS bridge: its veth end %s is no port of %s's OVS (the "
			   "external bridge lost it)",
			   li->name, peer->name, topo_node_name(t, qg->node));
	else
		chk_detail(r, CHECK_FAIL, "%s is on no OVS bridge of %s", li->name,
			   topo_node_name(t, qg->node));
}

void check_router_gw(struct check_ctx *c)
{
	const struct topology *t = c->t;
	int a = c->path->kind == PATH_L3 && c->path->router >= 0 ? chk_anchor(c, ROLE_QG) : -1;
	const struct topo_router *rt;
	const struct topo_port *qg;
	const struct link_info *li;
	struct check_result *r;
	char addr[64];

	if (a < 0)
		return;
	rt = &t->routers[c->path->router];
	if (!(r = chk_new(c, CHK_ROUTER_GW, a, "gateway of router %s", rt->uuid)))
		return;
	chk_ns_cmd(r, t, rt->ns, "ip -br addr");
	if (rt->gw_port < 0) {
		chk_detail(r, CHECK_FAIL,
			   "qrouter-%s has no qg- gateway device: no default route, no SNAT, no "
			   "floating IPs",
			   rt->uuid);
		return;
	}
	qg = &t->ports[rt->gw_port];
	li = topo_link(t, qg->ns, qg->dev);
	if (!li)
		chk_detail(r, CHECK_FAIL, "%s is gone", qg->dev);
	else if (!link_is_up(li))
		chk_detail(r, CHECK_FAIL, "%s is %s", li->name, link_state_text(li));
	else if (qg->iface < 0 && qg->node >= 0 && t->nodes[qg->node].ovsdb_ok)
		unplugged(r, t, qg, li);
	else if (!li->n_addrs)
		chk_detail(r, CHECK_FAIL, "%s has no address", li->name);
	else
		chk_detail(r, CHECK_PASS, "%s is up with %s", li->name,
			   link_addr_text(&li->addrs[0], addr, sizeof(addr)));
}

/* The patch pair that joins the integration and tunnel bridges is gone:
 * nothing crosses between them (the OVS agent creates it at start). */
static void missing_patch(struct check_ctx *c, size_t i)
{
	const struct path_hop *h = &c->path->hops[i];
	const struct topo_node *node = &c->t->nodes[h->node];
	struct check_result *r;

	r = chk_new(c, CHK_TUNNEL, (int)i, "patch ports on %s", node->name);
	if (!r)
		return;
	chk_ovs_cmd(r, c->t, h->node, "--columns=name,options find Interface type=patch");
	chk_detail(r, CHECK_FAIL,
		   "no patch port %s: the integration and tunnel bridges of %s are not joined, "
		   "no frame crosses between them (restart the OVS agent)",
		   h->dev[0] ? h->dev : "between the bridges", node->name);
}

/* One result per tunnel port on the path (both directions are hops). */
void check_tunnel(struct check_ctx *c)
{
	const struct topology *t = c->t;

	for (size_t i = 0; i < c->path->n; i++) {
		const struct path_hop *h = &c->path->hops[i];
		const struct topo_node *node;
		const struct ovs_iface *ifc;
		struct check_result *r;

		if (h->role == ROLE_PATCH && h->missing && h->node >= 0 && chk_in_scope(c, i)) {
			missing_patch(c, i);
			continue;
		}
		if (h->role != ROLE_TUNNEL || h->node < 0 || !chk_in_scope(c, i))
			continue;
		node = &t->nodes[h->node];
		r = chk_new(c, CHK_TUNNEL, (int)i, "tunnel on %s to %s", node->name,
			    h->tun_remote[0] ? h->tun_remote : "?");
		if (!r)
			continue;
		chk_ovs_cmd(r, t, h->node, "--columns=name,type,options,error find Interface %s%s",
			    h->tun_remote[0] ? "options:remote_ip=" : "type=",
			    h->tun_remote[0] ? h->tun_remote : h->tun_type);
		if (!node->ovsdb_ok) {
			chk_detail(r, CHECK_UNKNOWN, "OVSDB of %s not read: %s", node->name,
				   node->ovsdb_error);
			continue;
		}
		if (h->missing || !h->dev[0]) {
			chk_detail(r, CHECK_FAIL, "no %s tunnel port on %s to %s", h->tun_type,
				   node->name, h->tun_remote[0] ? h->tun_remote : "the peer node");
			continue;
		}
		ifc = ovsdb_iface_by_name(&node->ovs, h->dev);
		if (ifc && ifc->error[0])
			chk_detail(r, CHECK_FAIL, "%s reports an error: %s", h->dev, ifc->error);
		else
			chk_detail(r, CHECK_PASS, "%s (%s) %s -> %s", h->dev, ifc ? ifc->type : "",
				   h->tun_local, h->tun_remote);
	}
}

/* Roles whose hop is a kernel device that must exist. */
static bool expects_device(enum dev_role role)
{
	switch (role) {
	case ROLE_TAP:
	case ROLE_DHCP_TAP:
	case ROLE_QBR:
	case ROLE_QVB:
	case ROLE_QVO:
	case ROLE_QR:
	case ROLE_QG:
	case ROLE_UNDERLAY:
		return true;
	default:
		return false;
	}
}

void check_device_up(struct check_ctx *c)
{
	const struct topology *t = c->t;

	for (size_t i = 0; i < c->path->n; i++) {
		const struct path_hop *h = &c->path->hops[i];
		const struct link_info *li = h->ifindex ? topo_link(t, h->ns, h->dev) : NULL;
		struct check_result *r;

		if (!chk_in_scope(c, i) || (!li && !(h->missing && expects_device(h->role))))
			continue;
		r = chk_new(c, CHK_DEVICE_UP, (int)i, "%s %s",
			    h->netns[0] ? h->netns : h->node_name,
			    h->dev[0] ? h->dev : role_name(h->role));
		if (!r)
			continue;
		if (!li) {
			chk_ns_cmd(r, t, h->ns, "ip -br link");
			chk_detail(r, CHECK_FAIL, "the %s device%s%s is missing%s%s",
				   role_name(h->role), h->dev[0] ? " " : "", h->dev,
				   h->note[0] ? ": " : "", h->note);
			continue;
		}
		chk_ns_cmd(r, t, h->ns, "ip link show %s", li->name);
		if (link_is_up(li))
			chk_detail(r, CHECK_PASS, "%s is up", li->name);
		else
			chk_detail(r, CHECK_FAIL, "%s (%s) is %s", li->name, role_name(h->role),
				   link_state_text(li));
	}
}

/* Another port on node whose network differs and which uses tag. */
static const struct topo_port *tag_user(const struct topology *t, const struct topo_port *p,
					int tag)
{
	for (size_t i = 0; i < t->n_ports; i++) {
		const struct topo_port *o = &t->ports[i];

		if (o != p && o->node == p->node && o->local_vlan == tag && o->network >= 0 &&
		    o->network != p->network && o->config_vlan == tag)
			return o;
	}
	return NULL;
}

/* The tag the other ports of p's network on p's node carry, -1 if none. */
static int peers_tag(const struct topology *t, const struct topo_port *p)
{
	for (size_t i = 0; i < t->n_ports; i++) {
		const struct topo_port *o = &t->ports[i];

		if (o != p && o->node == p->node && o->network == p->network && o->network >= 0 &&
		    o->local_vlan >= 0 && o->local_vlan == o->config_vlan)
			return o->local_vlan;
	}
	return -1;
}

static void vlan_of(struct check_ctx *c, const struct topo_port *p, int hop)
{
	const struct topology *t = c->t;
	const struct topo_port *other;
	struct check_result *r;
	int peers;

	if (p->node < 0 || (p->iface < 0 && !t->nodes[p->node].ovsdb_ok) ||
	    !(r = chk_new(c, CHK_VLAN, hop, "%s on %s", p->ovs_name, t->nodes[p->node].name)))
		return;
	if (p->iface < 0) {
		/* The device is there, its OVS port is not (or its veth's). */
		chk_ovs_cmd(r, t, p->node, "show");
		chk_detail(r, CHECK_FAIL,
			   "no OVS port on %s carries it: unplugged from the integration "
			   "bridge, its frames reach no one",
			   t->nodes[p->node].name);
		return;
	}
	chk_ovs_cmd(r, t, p->node, "--columns=name,tag,other_config list Port %s", p->ovs_name);
	peers = peers_tag(t, p);
	if (p->local_vlan < 0) {
		chk_detail(r, CHECK_FAIL, "no VLAN tag: the OVS agent has not bound the port");
	} else if (p->local_vlan == 4095) {
		chk_detail(r, CHECK_FAIL, "tag 4095: the OVS agent marked the port dead");
	} else if ((p->config_vlan >= 0 && p->config_vlan != p->local_vlan) ||
		   (peers >= 0 && peers != p->local_vlan)) {
		int want = p->config_vlan >= 0 ? p->config_vlan : peers;

		other = tag_user(t, p, p->local_vlan);
		chk_detail(r, CHECK_FAIL, "tag %d, but the network's local VLAN on %s is %d%s%s",
			   p->local_vlan, t->nodes[p->node].name, want,
			   other ? ": its frames join network " : "",
			   other ? t->nets[other->network].uuid : "");
	} else if ((other = tag_user(t, p, p->local_vlan))) {
		chk_detail(r, CHECK_FAIL, "tag %d is also network %s's on %s", p->local_vlan,
			   t->nets[other->network].uuid, t->nodes[p->node].name);
	} else {
		chk_detail(r, CHECK_PASS, "tag %d, the network's local VLAN on %s", p->local_vlan,
			   t->nodes[p->node].name);
	}
}

void check_vlan(struct check_ctx *c)
{
	const struct port_path *path = c->path;
	int a = path_find_role(path, ROLE_QVO);

	if (a < 0)
		a = path_find_role(path, ROLE_TAP);
	if (a >= 0 && chk_in_scope(c, (size_t)a))
		vlan_of(c, c->port, a);
	if (path->target_port < 0)
		return;
	if (path->kind == PATH_PEER) {
		/* The peer's qvo: the last one of the path. */
		for (size_t i = 0; i < path->n; i++)
			if (path->hops[i].role == ROLE_QVO)
				a = (int)i;
	} else {
		a = path_find_role(path, path->kind == PATH_DHCP ? ROLE_DHCP_TAP : ROLE_QR);
		/* A veth-plugged port's tag is its OVS end's, a hop before. */
		if (a > 0 && !strcmp(path->hops[a - 1].dev,
				     c->t->ports[path->target_port].ovs_name))
			a--;
	}
	if (a >= 0 && chk_in_scope(c, (size_t)a))
		vlan_of(c, &c->t->ports[path->target_port], a);
}

void check_mtu(struct check_ctx *c)
{
	const struct topology *t = c->t;
	const struct path_hop *vm = NULL;
	const struct link_info *vm_li = NULL;

	for (size_t i = 0; i < c->path->n && !vm_li; i++) {
		vm = &c->path->hops[i];
		if (vm->role == ROLE_VM || vm->role == ROLE_TAP)
			vm_li = vm->ifindex ? topo_link(t, vm->ns, vm->dev) : NULL;
	}
	if (!vm_li)
		return;
	for (size_t i = 0; i < c->path->n; i++) {
		const struct path_hop *h = &c->path->hops[i];
		const struct link_info *li = h->ifindex ? topo_link(t, h->ns, h->dev) : NULL;
		unsigned int over = tunnel_overhead(h->tun_type, strchr(h->tun_local, ':') != NULL);
		struct check_result *r;

		if (h->role != ROLE_UNDERLAY || !li || !over || !chk_in_scope(c, i))
			continue;
		r = chk_new(c, CHK_MTU, (int)i, "%s %s", h->netns, li->name);
		if (!r)
			continue;
		chk_ns_cmd(r, t, h->ns, "ip link show %s", li->name);
		if (vm_li->mtu + over <= li->mtu)
			chk_detail(r, CHECK_PASS, "MTU %u >= %u (instance) + %u (%s over IPv%c)",
				   li->mtu, vm_li->mtu, over, h->tun_type,
				   strchr(h->tun_local, ':') ? '6' : '4');
		else
			chk_detail(
				r, CHECK_FAIL,
				"MTU %u < %u (instance %s) + %u (%s over IPv%c): full-size frames "
				"cannot cross",
				li->mtu, vm_li->mtu, vm_li->name, over, h->tun_type,
				strchr(h->tun_local, ':') ? '6' : '4');
	}
}
