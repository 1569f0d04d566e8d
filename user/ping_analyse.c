// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Echoes and ARP from timelines: bookkeeping and when one is over. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "ping_analyse.h"
#include "str_copy.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define ARP_REQUEST 1
#define ARP_REPLY 2

static int route_init(struct ping_route *r, const struct port_path *path, size_t n)
{
	int err;

	r->view = *path;
	r->view.n = n;
	err = journey_plan(&r->view, true, &r->out);
	if (!err)
		err = journey_plan(&r->view, false, &r->in);
	r->valid = !err;
	return err;
}

int ping_analyser_init(struct ping_analyser *a, const struct topology *t,
		       const struct port_path *path, const struct hop_places *places,
		       const char *(*drop_name)(__u32))
{
	int qr = path_find_role(path, ROLE_QR);
	int br_int = path_find_role(path, ROLE_BR_INT);
	int err;

	memset(a, 0, sizeof(*a));
	a->t = t;
	a->path = path;
	a->places = places;
	a->drop_name = drop_name;
	a->settle_ns = PING_SETTLE_NS;
	err = route_init(&a->routes[PING_ROUTE_FULL], path, path->n);
	if (!err && qr >= 0)
		err = route_init(&a->routes[PING_ROUTE_ROUTER], path, (size_t)qr + 1);
	if (!err && br_int > 0)
		err = route_init(&a->routes[PING_ROUTE_VM_SIDE], path, (size_t)br_int);
	if (err)
		ping_analyser_free(a);
	return err;
}

static void msg_free(struct ping_msg *m)
{
	timeline_free(m->t);
	m->t = NULL;
}

void ping_analyser_free(struct ping_analyser *a)
{
	for (size_t i = 0; i < a->n_echoes; i++) {
		msg_free(&a->echoes[i].req);
		msg_free(&a->echoes[i].rep);
	}
	for (size_t i = 0; i < a->n_arps; i++) {
		msg_free(&a->arps[i].req);
		msg_free(&a->arps[i].rep);
	}
	free(a->echoes);
	free(a->arps);
	a->echoes = NULL;
	a->arps = NULL;
	a->n_echoes = a->n_arps = 0;
	for (int r = 0; r < PING_ROUTES; r++) {
		journey_free(&a->routes[r].out);
		journey_free(&a->routes[r].in);
		a->routes[r].valid = false;
	}
}

static int add_addr(__u8 (*list)[4], size_t *n, const char *ip)
{
	char buf[64];
	char *slash;

	STR_COPY(buf, ip);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (*n == PING_MAX_ADDRS)
		return -ENOSPC;
	if (inet_pton(AF_INET, buf, list[*n]) != 1)
		return -EINVAL;
	(*n)++;
	return 0;
}

int ping_analyser_vm_addr(struct ping_analyser *a, const char *ip, bool fixed)
{
	size_t n = a->n_vm_addrs;
	int err = add_addr(a->vm_addr, &a->n_vm_addrs, ip);

	if (!err)
		a->vm_fixed[n] = fixed;
	return err;
}

/* ARP resolves fixed addresses only: a floating IP lives on qg-. */
static bool is_fixed(const struct ping_analyser *a, const __u8 *addr)
{
	for (size_t i = 0; i < a->n_vm_addrs; i++)
		if (a->vm_fixed[i] && !memcmp(a->vm_addr[i], addr, 4))
			return true;
	return false;
}

int ping_analyser_router_addr(struct ping_analyser *a, const char *ip)
{
	return add_addr(a->router_addr, &a->n_router_addrs, ip);
}

int ping_analyser_arp_peer(struct ping_analyser *a, const char *ip)
{
	return add_addr(a->arp_peer, &a->n_arp_peers, ip);
}

static bool in_list(const __u8 (*list)[4], size_t n, const __u8 *addr)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(list[i], addr, 4))
			return true;
	return false;
}

bool ping_is_vm_addr(const struct ping_analyser *a, const __u8 *addr)
{
	return in_list((const __u8(*)[4])a->vm_addr, a->n_vm_addrs, addr);
}

bool ping_is_router_addr(const struct ping_analyser *a, const __u8 *addr)
{
	return in_list((const __u8(*)[4])a->router_addr, a->n_router_addrs, addr);
}

/* The first IPv4 hop whose source (want_src) or destination is the VM's. */
static const struct timeline_hop *vm_hop(const struct ping_analyser *a, const struct timeline *t,
					 bool want_src)
{
	for (__u32 i = 0; i < t->n_hops; i++) {
		const struct pkt_addrs *ad = &t->hops[i].addrs;

		if (t->hops[i].kind != NSTRACE_EV_PACKET || ad->l3_family != NSTRACE_L3_IPV4)
			continue;
		if (ping_is_vm_addr(a, want_src ? ad->saddr : ad->daddr))
			return &t->hops[i];
	}
	return NULL;
}

/* Hops the journey of a message of this kind would count: its progress. */
static __u32 packet_hops(const struct timeline *t)
{
	__u32 n = 0;

	for (__u32 i = 0; i < t->n_hops; i++)
		n += t->hops[i].kind == NSTRACE_EV_PACKET;
	return n;
}

/* Keep the attempt seen at more hops (a copy superseded by a retry). */
static int keep(struct ping_msg *m, const struct timeline *t)
{
	struct timeline *copy;

	if (m->t && packet_hops(m->t) >= packet_hops(t) && !(t->flags & TIMELINE_F_DROPPED))
		return 1;
	copy = timeline_dup(t);
	if (!copy)
		return -ENOMEM;
	timeline_free(m->t);
	m->t = copy;
	return 1;
}

static void span(__u64 *first, __u64 *last, const struct timeline *t)
{
	if (!*first || t->first_ts_ns < *first)
		*first = t->first_ts_ns;
	if (t->last_ts_ns > *last)
		*last = t->last_ts_ns;
}

/* What a message's timeline says against its journey: crossings are
 * judged once, when a timeline arrives, not on every poll. */
static void evaluate(const struct ping_analyser *a, struct ping_msg *m, const struct journey *j)
{
	memset(&m->c, 0, sizeof(m->c));
	m->c.furthest = m->c.furthest_idx = -1;
	if (m->t)
		crossing_eval(j, m->t, a->places, a->drop_name, &m->c);
}

static void echo_eval(const struct ping_analyser *a, struct ping_echo *e)
{
	evaluate(a, &e->req, ping_echo_journey(a, e, false));
	evaluate(a, &e->rep, ping_echo_journey(a, e, true));
}

static void arp_eval(const struct ping_analyser *a, struct ping_arp *x)
{
	const struct ping_route *r = &a->routes[x->route];

	evaluate(a, &x->req, x->outbound ? &r->out : &r->in);
	evaluate(a, &x->rep, x->outbound ? &r->in : &r->out);
}

static struct ping_echo *find_echo(struct ping_analyser *a, __u16 id, __u16 seq, bool outbound)
{
	struct ping_echo *e;

	for (size_t i = a->n_echoes; i-- > 0;)
		if (a->echoes[i].id == id && a->echoes[i].seq == seq &&
		    a->echoes[i].outbound == outbound && !a->echoes[i].concluded)
			return &a->echoes[i];
	e = realloc(a->echoes, (a->n_echoes + 1) * sizeof(*e));
	if (!e)
		return NULL;
	a->echoes = e;
	e = &e[a->n_echoes++];
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->seq = seq;
	e->outbound = outbound;
	return e;
}

static void error_from(struct ping_error *pe, __u8 type, __u8 code, __u32 mtu,
		       const __u8 *reporter, __u32 hop_id)
{
	pe->type = type;
	pe->code = code;
	pe->mtu = mtu;
	memcpy(pe->reporter, reporter, 4);
	pe->hop_id = hop_id;
}

int ping_network_port(const struct ping_analyser *a, const __u8 *addr)
{
	char ip[INET_ADDRSTRLEN];
	int port = a->path->port;

	if (!a->t || port < 0 || !inet_ntop(AF_INET, addr, ip, sizeof(ip)))
		return -1;
	return topo_net_port_by_ip(a->t, a->t->ports[port].network, ip);
}

/* A port of the VM's network other than the VM's and the path's far end
 * holds addr: an echo with it stays on the network, off the path. */
static bool off_path_neighbour(const struct ping_analyser *a, const __u8 *addr)
{
	int other = ping_network_port(a, addr);

	return other >= 0 && other != a->path->port && other != a->path->target_port;
}

/* The route an echo with this other end is judged on. */
static enum ping_route_id echo_route(const struct ping_analyser *a, const __u8 *other)
{
	/* The router is the other end: the path cut at qr-. */
	if (a->routes[PING_ROUTE_ROUTER].valid && ping_is_router_addr(a, other))
		return PING_ROUTE_ROUTER;
	if (a->routes[PING_ROUTE_VM_SIDE].valid && off_path_neighbour(a, other))
		return PING_ROUTE_VM_SIDE;
	return PING_ROUTE_FULL;
}

static int add_echo(struct ping_analyser *a, const struct timeline *t)
{
	bool request = t->app.icmp_type == ICMP_ECHO_REQUEST;
	const struct timeline_hop *h;
	struct ping_echo *e;
	bool outbound;
	int rc;

	if (!request && t->app.icmp_type != ICMP_ECHO_REPLY)
		return 0;
	if (a->only_id && t->app.icmp_id != a->id)
		return 0;
	/* A request from the VM, or a reply to it: outbound. */
	h = vm_hop(a, t, request);
	outbound = h != NULL;
	if (!h)
		h = vm_hop(a, t, !request);
	if (!h)
		return 0;
	e = find_echo(a, t->app.icmp_id, t->app.icmp_seq, outbound);
	if (!e)
		return -ENOMEM;
	rc = keep(request ? &e->req : &e->rep, t);
	if (rc < 0)
		return rc;
	span(&e->first_ts, &e->last_ts, t);
	if (request) {
		/* The addresses as the sender wrote them: its first hop. */
		memcpy(e->src, t->hops[0].addrs.saddr, 4);
		memcpy(e->dst, t->hops[0].addrs.daddr, 4);
		for (__u32 i = 0; i < t->n_icmp_errors && !e->has_err; i++) {
			const struct timeline_icmp_error *x = &t->icmp_errors[i];

			error_from(&e->err, x->type, x->code, x->mtu, x->reporter, x->hop_id);
			e->has_err = true;
		}
	}
	memcpy(e->other, (outbound == request) ? h->addrs.daddr : h->addrs.saddr, 4);
	e->route = echo_route(a, e->other);
	echo_eval(a, e);
	return 1;
}

/* An ICMP error whose quoted request closed before it. */
static int add_error(struct ping_analyser *a, const struct timeline *t)
{
	for (size_t i = a->n_echoes; i-- > 0;) {
		struct ping_echo *e = &a->echoes[i];

		if (!e->req.t || e->req.t->fingerprint != t->related_fp || e->has_err)
			continue;
		error_from(&e->err, t->app.icmp_type, t->app.icmp_code, 0,
			   t->hops[0].addrs.saddr, t->hops[0].hop_id);
		e->has_err = true;
		span(&e->first_ts, &e->last_ts, t);
		return 1;
	}
	return 0;
}

static struct ping_arp *find_arp(struct ping_analyser *a, const __u8 *sender, const __u8 *target,
				 bool create)
{
	struct ping_arp *x;

	for (size_t i = a->n_arps; i-- > 0;)
		if (!memcmp(a->arps[i].sender, sender, 4) && !memcmp(a->arps[i].target, target, 4) &&
		    !a->arps[i].concluded)
			return &a->arps[i];
	if (!create)
		return NULL;
	x = realloc(a->arps, (a->n_arps + 1) * sizeof(*x));
	if (!x)
		return NULL;
	a->arps = x;
	x = &x[a->n_arps++];
	memset(x, 0, sizeof(*x));
	memcpy(x->sender, sender, 4);
	memcpy(x->target, target, 4);
	return x;
}

static int add_arp(struct ping_analyser *a, const struct timeline *t)
{
	const struct pkt_addrs *ad = &t->hops[0].addrs;
	struct ping_arp *x;
	int rc;

	/* Gratuitous ARP announces, it asks nothing. */
	if (!memcmp(ad->saddr, ad->daddr, 4))
		return 0;
	if (t->app.arp_op == ARP_REQUEST) {
		bool out = is_fixed(a, ad->saddr);
		const __u8 *other = out ? ad->daddr : ad->saddr;

		if ((!out && !is_fixed(a, ad->daddr)) ||
		    !in_list((const __u8(*)[4])a->arp_peer, a->n_arp_peers, other))
			return 0;
		x = find_arp(a, ad->saddr, ad->daddr, true);
		if (!x)
			return -ENOMEM;
		x->outbound = out;
		x->route = a->routes[PING_ROUTE_ROUTER].valid && ping_is_router_addr(a, other) ?
				   PING_ROUTE_ROUTER :
				   PING_ROUTE_FULL;
		x->attempts++;
		rc = keep(&x->req, t);
	} else if (t->app.arp_op == ARP_REPLY) {
		/* The answer to who-has saddr tell daddr. */
		x = find_arp(a, ad->daddr, ad->saddr, false);
		if (!x)
			return 0;
		rc = keep(&x->rep, t);
	} else {
		return 0;
	}
	if (rc > 0) {
		span(&x->first_ts, &x->last_ts, t);
		arp_eval(a, x);
	}
	return rc;
}

int ping_analyser_add(struct ping_analyser *a, const struct timeline *t)
{
	if (!t->n_hops || t->app.l3_family == NSTRACE_L3_IPV6)
		return 0;
	switch (t->app.app) {
	case NSTRACE_APP_ECHO:
		return add_echo(a, t);
	case NSTRACE_APP_ICMP_ERR:
		return add_error(a, t);
	case NSTRACE_APP_ARP:
		return add_arp(a, t);
	}
	return 0;
}

const char *ping_route_name(enum ping_route_id r)
{
	static const char *const names[PING_ROUTES] = {
		[PING_ROUTE_FULL] = "full",
		[PING_ROUTE_ROUTER] = "router",
		[PING_ROUTE_VM_SIDE] = "vm-side",
	};

	return r < PING_ROUTES ? names[r] : "?";
}

const struct journey *ping_echo_journey(const struct ping_analyser *a, const struct ping_echo *e,
					bool reply)
{
	const struct ping_route *r = &a->routes[e->route];

	/* The request goes the echo's way, the reply the other. */
	return e->outbound != reply ? &r->out : &r->in;
}

static void conclude_echo(struct ping_analyser *a, struct ping_echo *e)
{
	e->concluded = true;
	a->n_concluded++;
	if (e->req.t && e->rep.t && e->rep.c.reached_end && e->rep.c.furthest_ts >= e->req.t->first_ts_ns)
		e->rtt_ns = e->rep.c.furthest_ts - e->req.t->first_ts_ns;
	ping_echo_verdict(a, e, &e->verdict);
	if (a->on_echo)
		a->on_echo(a->ctx, e);
}

size_t ping_analyser_poll(struct ping_analyser *a, __u64 now_ns, bool final)
{
	for (size_t i = 0; i < a->n_echoes; i++) {
		struct ping_echo *e = &a->echoes[i];
		bool done;

		if (e->concluded)
			continue;
		done = final || now_ns >= e->last_ts + a->settle_ns ||
		       (e->req.t && e->rep.t && e->rep.c.reached_end);
		if (done)
			conclude_echo(a, e);
	}
	for (size_t i = 0; i < a->n_arps; i++) {
		struct ping_arp *x = &a->arps[i];

		if (x->concluded)
			continue;
		if (x->rep.t && x->rep.c.reached_end) {
			x->concluded = true; /* answered: nothing to say */
			continue;
		}
		if (!final && now_ns < x->last_ts + a->settle_ns)
			continue;
		x->concluded = true;
		a->n_arp_faults++;
		ping_arp_verdict(a, x, &x->verdict);
		if (a->on_arp)
			a->on_arp(a->ctx, x);
	}
	return a->n_concluded;
}

void ping_analyser_status(const struct ping_analyser *a, char *buf, size_t len)
{
	size_t done = 0, ok = 0;

	for (size_t i = 0; i < a->n_echoes; i++) {
		done += a->echoes[i].concluded;
		ok += a->echoes[i].concluded && a->echoes[i].verdict.status == VERDICT_COMPLETED;
	}
	if (!a->n_echoes && !a->n_arps)
		snprintf(buf, len, "waiting for an echo request");
	else
		snprintf(buf, len, "%zu echo%s seen, %zu answered, %zu open%s", a->n_echoes,
			 a->n_echoes == 1 ? "" : "es", ok, a->n_echoes - done,
			 a->n_arp_faults ? ", ARP unanswered" : "");
}
