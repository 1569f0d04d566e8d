// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The verdict rules for one echo, in order:
 *  1. the reply reached the sender's end: completed (round trip), unless
 *     the request never reached the other end: then something on the way
 *     answered in its place (answered-early);
 *  2. an ICMP error came back about the request: fragmentation needed
 *     (mtu), time exceeded (ttl-exceeded), destination unreachable;
 *  3. the request stopped on its way: dropped at a hop (with the kernel's
 *     reason), or lost between two probe points; when its frame plus the
 *     tunnel's overhead does not fit a link there, the MTU is the cause;
 *  4. it arrived and the reply stopped on its way back: the same;
 *  5. it arrived and no reply was sent: said with what the request looked
 *     like there (a request that leaves the router with the tenant address
 *     was not NATed).
 * And for an ARP request that got no answer: where it stopped, or that the
 * address's owner stayed silent.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "ping_analyse.h"
#include "render_parts.h"
#include "tunnel_mtu.h"

static const char *ip4(char buf[INET_ADDRSTRLEN], const __u8 *a)
{
	return inet_ntop(AF_INET, a, buf, INET_ADDRSTRLEN) ? buf : "?";
}

static void subject(struct verdict *v, const struct ping_echo *e)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	snprintf(v->subject, sizeof(v->subject), "echo seq %u id 0x%04x %s > %s", e->seq, e->id,
		 ip4(s, e->src), ip4(d, e->dst));
}

static void at_point(struct verdict *v, const struct journey *j, size_t k)
{
	verdict_place_set(&v->where, j->path, j->pts[k].hop, j->pts[k].dir);
	v->check_first = v->check_last = (size_t)j->pts[k].hop;
}

/* Where the addresses of a message changed on its way: "SNAT at qg-x
 * (10.0.0.5 > 172.24.4.1 became 172.24.4.10 > 172.24.4.1)". */
static void nat_words(struct sbuf *sb, const struct ping_analyser *a, const struct timeline *t)
{
	const struct hop_places *pl = a->places;

	for (__u32 i = 1; t && i < t->n_hops; i++) {
		const struct pkt_addrs *p = &t->hops[i - 1].addrs, *q = &t->hops[i].addrs;
		char s0[IP_STR_LEN], d0[IP_STR_LEN], s1[IP_STR_LEN], d1[IP_STR_LEN];
		int hop = hop_places_get(pl, t->hops[i].hop_id);

		if (t->hops[i].kind != NSTRACE_EV_PACKET || t->hops[i - 1].kind != NSTRACE_EV_PACKET ||
		    pkt_addrs_same_endpoints(p, q))
			continue;
		sb_printf(sb, "; %s at %s (%s > %s became %s > %s)",
			  memcmp(p->saddr, q->saddr, 4) ? "SNAT" : "DNAT",
			  hop >= 0 ? a->path->hops[hop].dev : "a hop", ip4(s0, p->saddr),
			  ip4(d0, p->daddr), ip4(s1, q->saddr), ip4(d1, q->daddr));
	}
}

static void completed(const struct ping_analyser *a, const struct ping_echo *e,
		      struct verdict *v, struct sbuf *sb)
{
	const struct journey *j = ping_echo_journey(a, e, true);

	v->status = VERDICT_COMPLETED;
	at_point(v, j, j->n - 1);
	sb_printf(sb, "the reply reached %s (%s) %llu.%03llu ms after the request was first seen",
		  v->where.dev, v->where.node, (unsigned long long)(e->rtt_ns / 1000000),
		  (unsigned long long)(e->rtt_ns / 1000 % 1000));
	nat_words(sb, a, e->req.t);
}

/* The frame length of a message before any tunnel: its first hop's. */
static unsigned int frame_len(const struct timeline *t)
{
	for (__u32 i = 0; t && i < t->n_hops; i++)
		if (t->hops[i].kind == NSTRACE_EV_PACKET && !t->hops[i].carrier.tun_type)
			return t->hops[i].pkt_len;
	return 0;
}

/* A message too big for a link between where it was last seen and the
 * next probe point (or the drop): the GRE MTU problem. */
static bool too_big(const struct ping_analyser *a, const struct journey *j,
		    const struct ping_msg *m, bool reply, struct verdict *v)
{
	unsigned int len = frame_len(m->t), mtu = 0, over = 0;
	int from, to, hop;
	struct sbuf sb;

	if (!len || m->c.furthest < 0)
		return false;
	from = j->pts[m->c.furthest].hop;
	to = m->c.dropped ? m->c.drop_hop :
	     (size_t)m->c.furthest + 1 < j->n ? j->pts[m->c.furthest + 1].hop : from;
	if (from > to) {
		int x = from;

		from = to;
		to = x;
	}
	hop = path_mtu_bottleneck(a->t, j->path, (size_t)from, (size_t)to, len, &mtu, &over);
	if (hop < 0)
		return false;
	v->status = VERDICT_MTU;
	sb_init(&sb, v->reason, sizeof(v->reason));
	if (!over)
		sb_printf(&sb,
			  "the echo %s's %u-byte IP packet is bigger than the MTU of %s in %s "
			  "(%u): the link drops it. Give the path's devices the network's MTU "
			  "(Neutron sets it on every port it plugs)",
			  reply ? "reply" : "request", len - 14, j->path->hops[hop].dev,
			  j->path->hops[hop].netns, mtu);
	else
		sb_printf(&sb,
			  "the echo %s's %u-byte IP packet needs %u bytes on %s in %s (+%u: its "
			  "Ethernet header, %s and the outer IP header), but that MTU is %u: too "
			  "big for the underlay. Raise the underlay MTU to at least %u, or lower "
			  "the instances' MTU (Neutron's global_physnet_mtu / path_mtu)",
			  reply ? "reply" : "request", len - 14, len - 14 + over,
			  j->path->hops[hop].dev, j->path->hops[hop].netns, over,
			  j->path->hops[hop].tun_type, mtu, len - 14 + over);
	if (!m->c.dropped) {
		verdict_place_set(&v->next, j->path, hop, NSTRACE_DIR_EGRESS);
	}
	if ((size_t)hop > v->check_last)
		v->check_last = (size_t)hop;
	if ((size_t)hop < v->check_first)
		v->check_first = (size_t)hop;
	return true;
}

/* A message that stopped on its way: the generic rule, ping words. */
static void stopped(const struct ping_analyser *a, const struct ping_echo *e, bool reply,
		    struct verdict *v)
{
	const struct journey *j = ping_echo_journey(a, e, reply);
	const struct ping_msg *m = reply ? &e->rep : &e->req;
	char generic[VERDICT_TEXT_MAX];
	struct sbuf sb;

	verdict_from_crossing(a->t, j, &m->c, v);
	if (v->status == VERDICT_NOT_SEEN)
		return;
	memcpy(generic, v->reason, sizeof(generic));
	sb_init(&sb, v->reason, sizeof(v->reason));
	sb_printf(&sb, "the echo %s: %s", reply ? "reply" : "request", generic);
	too_big(a, j, m, reply, v);
}

static void icmp_error(const struct ping_analyser *a, const struct ping_echo *e,
		       struct verdict *v, struct sbuf *sb)
{
	const struct ping_error *x = &e->err;
	const char *type = icmp_type_name(NSTRACE_L3_IPV4, x->type);
	const char *code = icmp_code_name(NSTRACE_L3_IPV4, x->type, x->code);
	int hop = hop_places_get(a->places, x->hop_id);
	char rep[IP_STR_LEN], dst[IP_STR_LEN];

	if (hop >= 0) {
		verdict_place_set(&v->where, a->path, hop, NSTRACE_DIR_UNKNOWN);
		v->check_first = v->check_last = (size_t)hop;
	}
	ip4(rep, x->reporter);
	ip4(dst, e->dst);
	if (x->type == 3 && x->code == 4) {
		char mtus[320];

		v->status = VERDICT_MTU;
		sb_printf(sb, "%s answered fragmentation needed%s%.0u: the request (DF set) is "
			      "bigger than a link on the way to %s",
			  rep, x->mtu ? ", next-hop MTU " : "", x->mtu, dst);
		mtus[0] = '\0';
		/* The device with that MTU, else the underlay's MTUs (GRE). */
		if (a->t && x->mtu)
			path_mtu_equal_text(a->t, a->path, x->mtu, mtus, sizeof(mtus));
		if (mtus[0]) {
			sb_printf(sb, "; with MTU %u on the path: %s", x->mtu, mtus);
		} else {
			if (a->t)
				path_mtu_text(a->t, a->path, mtus, sizeof(mtus));
			if (mtus[0])
				sb_printf(sb, "; underlay MTUs on the path: %s", mtus);
		}
	} else if (x->type == 11) {
		v->status = VERDICT_TTL_EXCEEDED;
		sb_printf(sb, "%s answered time exceeded (%s): the request's TTL ran out before "
			      "%s, a routing loop or too small a TTL",
			  rep, code ? code : "ttl", dst);
	} else {
		v->status = VERDICT_UNREACHABLE;
		sb_printf(sb, "%s answered %s (%s) for %s", rep, type ? type : "an ICMP error",
			  code ? code : "code unknown", dst);
		if (x->type == 3 && (x->code == 0 || x->code == 6) &&
		    ping_is_router_addr(a, x->reporter)) {
			int qr = path_find_role(a->path, ROLE_QR);

			sb_printf(sb, ": the router has no route there (no default route: "
				      "its gateway qg- port or external network is missing)");
			/* The router's own checks: from qr- to its gateway. */
			if (qr >= 0) {
				v->check_first = (size_t)qr;
				v->check_last = a->path->n - 1;
			}
		}
		else if (x->type == 3 && x->code == 1)
			sb_printf(sb, ": the last router could not resolve the host (ARP)");
		else if (x->type == 3 && x->code == 13)
			sb_printf(sb, ": a firewall rule rejected it");
	}
	if (hop >= 0)
		sb_printf(sb, "; the error was first seen at %s (%s)", v->where.dev, v->where.node);
}

/* One of the VM's fixed addresses: a floating IP as source is NAT's work. */
static bool is_fixed_addr(const struct ping_analyser *a, const __u8 *addr)
{
	for (size_t i = 0; i < a->n_vm_addrs; i++)
		if (a->vm_fixed[i] && !memcmp(a->vm_addr[i], addr, 4))
			return true;
	return false;
}

/* The request arrived and no reply left: say what the other end saw. */
static void no_reply(const struct ping_analyser *a, const struct ping_echo *e,
		     struct verdict *v, struct sbuf *sb)
{
	const struct journey *j = ping_echo_journey(a, e, false);
	const struct timeline_hop *last = e->req.c.furthest_idx >= 0 ?
						  &e->req.t->hops[e->req.c.furthest_idx] :
						  NULL;
	char s[IP_STR_LEN], d[IP_STR_LEN];

	v->status = VERDICT_NO_REPLY;
	at_point(v, j, j->n - 1);
	sb_printf(sb, "the echo request reached %s in %s (node %s) and no reply came back", v->where.dev,
		  v->where.netns, v->where.node);
	if (!last)
		return;
	ip4(s, last->addrs.saddr);
	ip4(d, last->addrs.daddr);
	sb_printf(sb, "; it arrived as %s > %s", s, d);
	if (e->outbound && e->route == PING_ROUTE_FULL && is_fixed_addr(a, last->addrs.saddr) &&
	    path_find_role(j->path, ROLE_QG) >= 0) {
		/* The router forwarded it with the tenant source: no SNAT. */
		int qr = path_find_role(j->path, ROLE_QR);
		int qg = path_find_role(j->path, ROLE_QG);

		sb_printf(sb, ": it left the router with the VM's fixed address as source, so "
			      "no SNAT or floating IP rewrite happened and nothing outside can "
			      "answer it (see the snat checks)");
		if (qr >= 0)
			v->check_first = (size_t)qr;
		if (qg >= 0) {
			verdict_place_set(&v->where, j->path, qg, j->path->hops[qg].dir_out);
			v->check_last = (size_t)(qg > qr ? qg : qr);
		}
	} else if (!e->outbound && j->path->hops[j->pts[j->n - 1].hop].role == ROLE_VM) {
		sb_printf(sb, ": the VM got it and did not answer (its own firewall, or "
			      "ICMP echo ignored)");
	}
}

/* A reply came back, but the request never went past the point it was
 * last seen: whatever answered is there, not at the destination. */
static void answered_early(const struct ping_analyser *a, const struct ping_echo *e,
			   struct verdict *v, struct sbuf *sb)
{
	const struct journey *j = ping_echo_journey(a, e, false);
	size_t k = e->req.c.furthest > 0 ? (size_t)e->req.c.furthest : 0;
	struct verdict_place end;
	enum dev_role role;

	v->status = VERDICT_ANSWERED_EARLY;
	at_point(v, j, k);
	verdict_place_set(&end, j->path, j->pts[j->n - 1].hop, j->pts[j->n - 1].dir);
	role = j->path->hops[j->pts[k].hop].role;
	sb_printf(sb, "a reply came back, but the echo request never went past %s (%s, node %s, "
		      "%s): something there answered before the request reached %s in %s",
		  v->where.dev, dir_json(v->where.dir), v->where.node, v->where.netns, end.dev,
		  end.netns);
	if (role == ROLE_QG || role == ROLE_QR)
		sb_printf(sb, "; a router answers for its own addresses: a floating IP with no "
			      "DNAT to the port's fixed address is one (see the floating-ip check)");
}

static void echo_rules(const struct ping_analyser *a, const struct ping_echo *e,
		       struct verdict *v)
{
	const struct journey *jreq = ping_echo_journey(a, e, false);
	struct sbuf sb;

	memset(v, 0, sizeof(*v));
	v->where.hop = v->next.hop = -1;
	subject(v, e);
	sb_init(&sb, v->reason, sizeof(v->reason));
	if (e->rep.t && e->rep.c.reached_end && e->req.t) {
		if (e->req.c.reached_end || !jreq->n)
			completed(a, e, v, &sb);
		else
			answered_early(a, e, v, &sb);
		return;
	}
	if (e->has_err) {
		icmp_error(a, e, v, &sb);
		return;
	}
	if (!e->req.t) {
		v->status = VERDICT_NOT_SEEN;
		if (jreq->n)
			at_point(v, jreq, 0);
		sb_printf(&sb, "only the reply was seen: the request crossed no probe point");
		return;
	}
	if (!e->req.c.reached_end) {
		stopped(a, e, false, v);
		return;
	}
	if (e->rep.t) {
		stopped(a, e, true, v);
		return;
	}
	no_reply(a, e, v, &sb);
}

/* An echo judged on the VM's side alone: what was not traced, and the
 * command that traces it whole (DST another VM's address plans the
 * east-west path, DST the DHCP port's the DHCP path). */
static void vm_side_note(const struct ping_analyser *a, const struct ping_echo *e,
			 struct verdict *v)
{
	const struct topo_port *p = &a->t->ports[a->path->port];
	size_t len = strlen(v->reason);
	char other[INET_ADDRSTRLEN];
	struct sbuf sb;
	int o;

	ip4(other, e->other);
	sb_init(&sb, v->reason + len, sizeof(v->reason) - len);
	sb_printf(&sb, "; %s is another port of the VM's network: the echo went east-west, "
		       "off the %s path that was planned, so only the VM's side (up to br-int) "
		       "was traced",
		  other, path_kind_name(a->path->kind));
	o = ping_network_port(a, e->other);
	if (!v->command[0] && p->uuid[0] && o >= 0 &&
	    (a->t->ports[o].kind == PORT_VM || a->t->ports[o].kind == PORT_DHCP))
		snprintf(v->command, sizeof(v->command), "nstrace ping %s %s", p->uuid, other);
}

void ping_echo_verdict(const struct ping_analyser *a, const struct ping_echo *e,
		       struct verdict *v)
{
	echo_rules(a, e, v);
	if (e->route == PING_ROUTE_VM_SIDE && a->t)
		vm_side_note(a, e, v);
}

void ping_arp_verdict(const struct ping_analyser *a, const struct ping_arp *x,
		      struct verdict *v)
{
	const struct ping_route *r = &a->routes[x->route];
	const struct journey *jq = x->outbound ? &r->out : &r->in;
	const struct journey *jp = x->outbound ? &r->in : &r->out;
	char s[INET_ADDRSTRLEN], t[INET_ADDRSTRLEN], generic[VERDICT_TEXT_MAX];
	struct sbuf sb;

	memset(v, 0, sizeof(*v));
	v->where.hop = v->next.hop = -1;
	ip4(s, x->sender);
	ip4(t, x->target);
	snprintf(v->subject, sizeof(v->subject), "ARP who-has %s tell %s", t, s);
	if (x->req.t && !x->req.c.reached_end)
		verdict_from_crossing(a->t, jq, &x->req.c, v);
	else if (x->rep.t)
		verdict_from_crossing(a->t, jp, &x->rep.c, v);
	memcpy(generic, v->reason, sizeof(generic));
	sb_init(&sb, v->reason, sizeof(v->reason));
	if (x->req.t && !x->req.c.reached_end && v->status != VERDICT_NOT_SEEN) {
		sb_printf(&sb, "%u ARP request%s for %s got no answer; the request: %s", x->attempts,
			  x->attempts == 1 ? "" : "s", t, generic);
	} else if (x->rep.t && v->status != VERDICT_NOT_SEEN) {
		sb_printf(&sb, "%s answered the ARP request, but the answer did not reach %s: %s",
			  t, s, generic);
	} else {
		if (jq->n)
			at_point(v, jq, jq->n - 1);
		sb_printf(&sb, "%u ARP request%s for %s reached %s (%s) and nobody answered: %s is "
			       "not configured on the device that should own it",
			  x->attempts, x->attempts == 1 ? "" : "s", t, v->where.dev, v->where.node, t);
	}
	v->status = VERDICT_ARP_UNANSWERED;
}

void ping_verdict_none(const struct ping_analyser *a, bool active, struct verdict *v)
{
	const struct journey *j = &a->routes[PING_ROUTE_FULL].out;
	struct sbuf sb;

	memset(v, 0, sizeof(*v));
	v->where.hop = v->next.hop = -1;
	v->status = VERDICT_NOT_SEEN;
	snprintf(v->subject, sizeof(v->subject), "ICMP echo of the port");
	sb_init(&sb, v->reason, sizeof(v->reason));
	if (!j->n) {
		sb_printf(&sb, "no probe point on the path");
		return;
	}
	at_point(v, j, 0);
	if (active)
		sb_printf(&sb, "nstrace's own echo requests crossed none of the %zu probe points: "
			       "the sending namespace has no route to the address",
			  j->n);
	else
		sb_printf(&sb, "no echo request of the port crossed any of the %zu probe points: "
			       "nothing pinged. In the VM: `ping <address>`; or let nstrace ping "
			       "it: --from router|dhcp|external",
			  j->n);
}
