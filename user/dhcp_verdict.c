// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The verdict rules for one DHCP transaction, in order:
 *  1. an ACK reached the VM: completed;
 *  2. a NAK reached the VM (or the VM sent DECLINE): refused;
 *  3. the client's latest message (REQUEST, DISCOVER, ...) did not reach
 *     the DHCP server: dropped at a hop, or lost between two probe points;
 *  4. it did, and no answer came: dropped there (nothing listening) or
 *     reply never sent (dnsmasq stayed silent);
 *  5. the answer did not reach the VM: dropped or lost on the way back;
 *  6. it did, and the client did not go on: the VM ignored it.
 * Among retries of one message the attempt that got furthest counts.
 */
#include <stdio.h>
#include <string.h>

#include "dhcp_analyse.h"
#include "names.h"
#include "render_parts.h"

/* How far an attempt got: reached the end, stopped at a drop, or not. */
static int progress(const struct dhcp_msg *m)
{
	return (m->c.reached_end ? 3 : m->c.dropped ? 2 : 1) * 1000 + m->c.furthest;
}

/* The attempt of type that got furthest (the latest among equals). */
static const struct dhcp_msg *best(const struct dhcp_txn *x, __u8 type)
{
	const struct dhcp_msg *b = NULL;

	for (size_t i = 0; i < x->n_msgs; i++) {
		const struct dhcp_msg *m = &x->msgs[i];

		if (m->type == type && (!b || progress(m) >= progress(b)))
			b = m;
	}
	return b;
}

/* The client's latest message, by when it was first seen. */
static const struct dhcp_msg *latest_request(const struct dhcp_txn *x)
{
	const struct dhcp_msg *l = NULL;

	for (size_t i = 0; i < x->n_msgs; i++) {
		const struct dhcp_msg *m = &x->msgs[i];

		if (m->to_server && (!l || m->t->first_ts_ns >= l->t->first_ts_ns))
			l = m;
	}
	return l;
}

static __u8 reply_to(__u8 type)
{
	switch (type) {
	case DHCP_DISCOVER:
		return DHCP_OFFER;
	case DHCP_REQUEST:
	case DHCP_INFORM:
		return DHCP_ACK;
	}
	return 0;
}

static void subject(struct verdict *v, const struct dhcp_txn *x, __u8 type)
{
	snprintf(v->subject, sizeof(v->subject), "%s xid 0x%08x", dhcp_msg_label(type), x->xid);
}

static void at_point(struct verdict *v, const struct journey *j, size_t k)
{
	verdict_place_set(&v->where, j->path, j->pts[k].hop, j->pts[k].dir);
	v->check_first = v->check_last = (size_t)j->pts[k].hop;
}

static void completed(const struct dhcp_analyser *a, const struct dhcp_txn *x,
		      const struct dhcp_msg *ack, struct verdict *v, struct sbuf *sb)
{
	__u64 ns = ack->c.furthest_ts - x->first_ts;

	v->status = VERDICT_COMPLETED;
	subject(v, x, DHCP_ACK);
	at_point(v, &a->back, a->back.n - 1);
	sb_printf(sb, "the ACK reached %s (%s) %llu.%03llu ms after the transaction's first "
		      "message: the VM has its lease",
		  v->where.dev, v->where.node, (unsigned long long)(ns / 1000000),
		  (unsigned long long)(ns / 1000 % 1000));
	/* The server's side: dnsmasq and the lease it wrote. */
	if (a->out.n)
		v->check_first = v->check_last = (size_t)a->out.pts[a->out.n - 1].hop;
}

static void refused(const struct dhcp_analyser *a, const struct dhcp_txn *x,
		    const struct dhcp_msg *m, struct verdict *v, struct sbuf *sb)
{
	v->status = VERDICT_REFUSED;
	subject(v, x, m->type);
	if (m->type == DHCP_NAK) {
		at_point(v, &a->back, 0);
		sb_printf(sb, "the DHCP server (%s in %s) answered NAK: it refuses the "
			      "address the VM asked for (a lease from elsewhere, or its host "
			      "entry changed); the VM starts over with a DISCOVER",
			  v->where.dev, v->where.netns);
	} else {
		at_point(v, &a->out, 0);
		sb_printf(sb, "the VM declined the offered address: it found it already in use "
			      "(an address conflict on the network)");
	}
}

/*
 * The journey ends before the server when the DHCP port's device is
 * missing (not there to probe): reaching its last point is then no proof
 * that dnsmasq got the message.  Lost on the way to the missing port.
 */
static bool server_port_missing(const struct dhcp_analyser *a, const struct dhcp_msg *req,
				struct verdict *v, struct sbuf *sb)
{
	const struct journey *j = &a->out;
	int tap = path_find_role(j->path, ROLE_DHCP_TAP);
	const struct path_hop *h = tap >= 0 ? &j->path->hops[tap] : NULL;

	if (!h || (!h->missing && h->dev[0]) || !j->n)
		return false;
	v->status = VERDICT_LOST;
	at_point(v, j, j->n - 1);
	verdict_place_set(&v->next, j->path, tap, NSTRACE_DIR_INGRESS);
	verdict_between(j->path, j->pts[j->n - 1].hop, tap, v->between, sizeof(v->between));
	v->check_last = (size_t)tap;
	sb_printf(sb, "the %s reached %s (node %s), the last probe point before the DHCP "
		      "server, whose port is missing in %s%s%s",
		  dhcp_msg_label(req->type), v->where.dev, v->where.node, h->netns,
		  h->note[0] ? ": " : "", h->note);
	return true;
}

/* Rule 4: the request reached the server and nothing came back. */
static void no_answer(const struct dhcp_analyser *a, const struct dhcp_txn *x,
		      const struct dhcp_msg *req, struct verdict *v, struct sbuf *sb)
{
	const struct journey *j = &a->out;
	const char *name = req->c.dropped && a->drop_name ? a->drop_name(req->c.drop_reason) : NULL;

	subject(v, x, req->type);
	if (req->c.dropped) {
		v->status = VERDICT_DROPPED;
		verdict_place_set(&v->where, j->path, req->c.drop_hop, NSTRACE_DIR_UNKNOWN);
		v->has_drop = true;
		v->drop_reason = req->c.drop_reason;
		v->drop_location = req->c.drop_location;
		v->check_first = v->check_last = (size_t)req->c.drop_hop;
		sb_printf(sb, "the %s reached %s in namespace %s (node %s), where the kernel "
			      "dropped it (%s)",
			  dhcp_msg_label(req->type), v->where.dev, v->where.netns, v->where.node,
			  name ? name : "unknown reason");
		if (name && (!strcmp(name, "NO_SOCKET") || !strcmp(name, "NOT_SPECIFIED")))
			sb_printf(sb, ": nothing listens on UDP port 67 there, the DHCP server "
				      "(dnsmasq) is not running");
		else if (name && !strcmp(name, "NETFILTER_DROP"))
			sb_printf(sb, ": an iptables (or nftables) rule in that namespace dropped "
				      "it before dnsmasq saw it; see the filter-drops check");
		return;
	}
	if (server_port_missing(a, req, v, sb))
		return;
	v->status = VERDICT_NO_REPLY;
	at_point(v, j, j->n - 1);
	sb_printf(sb, "the %s reached %s in namespace %s (node %s) and no %s came back: dnsmasq "
		      "received it and "
		      "stayed silent (the port's MAC missing from its host file, an address "
		      "outside its range, its port without an address: see the checks)",
		  dhcp_msg_label(req->type), v->where.dev, v->where.netns, v->where.node,
		  dhcp_msg_label(reply_to(req->type)));
}

/* A message that stopped on its way: the generic rule, DHCP words. */
static void stopped(const struct dhcp_analyser *a, const struct dhcp_txn *x,
		    const struct dhcp_msg *m, struct verdict *v)
{
	const struct journey *j = m->to_server ? &a->out : &a->back;
	char generic[VERDICT_TEXT_MAX];

	subject(v, x, m->type);
	verdict_from_crossing(a->t, j, &m->c, v);
	if (v->status == VERDICT_NOT_SEEN)
		return;
	memcpy(generic, v->reason, sizeof(generic));
	snprintf(v->reason, sizeof(v->reason), "the %s %s: %s", dhcp_msg_label(m->type),
		 m->to_server ? "from the VM" : "from the DHCP server", generic);
}

void dhcp_txn_verdict(const struct dhcp_analyser *a, const struct dhcp_txn *x,
		      struct verdict *v)
{
	const struct dhcp_msg *ack = best(x, DHCP_ACK), *nak = best(x, DHCP_NAK);
	const struct dhcp_msg *decline = best(x, DHCP_DECLINE), *req, *rep;
	struct sbuf sb;

	memset(v, 0, sizeof(*v));
	v->where.hop = v->next.hop = -1;
	sb_init(&sb, v->reason, sizeof(v->reason));
	if (ack && ack->c.reached_end) {
		completed(a, x, ack, v, &sb);
		return;
	}
	if (nak && nak->c.reached_end) {
		refused(a, x, nak, v, &sb);
		return;
	}
	if (decline && decline->c.reached_end) {
		refused(a, x, decline, v, &sb);
		return;
	}
	req = latest_request(x);
	if (!req) {
		/* Only answers: the client's side was not seen at all. */
		rep = x->n_msgs ? &x->msgs[0] : NULL;
		subject(v, x, rep ? rep->type : 0);
		v->status = VERDICT_NOT_SEEN;
		at_point(v, &a->out, 0);
		sb_printf(&sb, "answers for this transaction were seen but no message from the VM "
			       "crossed any probe point: its requests never reached its tap");
		return;
	}
	req = best(x, req->type);
	if (!req->c.reached_end) {
		stopped(a, x, req, v);
		return;
	}
	rep = reply_to(req->type) ? best(x, reply_to(req->type)) : NULL;
	if (!rep && req->type == DHCP_REQUEST)
		rep = nak;
	if (!rep) {
		if (req->type == DHCP_RELEASE) {
			v->status = VERDICT_COMPLETED;
			subject(v, x, req->type);
			at_point(v, &a->out, a->out.n - 1);
			sb_printf(&sb, "the VM released its lease and the RELEASE reached the "
				       "server");
			return;
		}
		no_answer(a, x, req, v, &sb);
		return;
	}
	if (!rep->c.reached_end) {
		stopped(a, x, rep, v);
		return;
	}
	/* Rule 6: the answer arrived and the client did not go on. */
	subject(v, x, rep->type);
	v->status = VERDICT_NOT_SEEN;
	at_point(v, &a->back, a->back.n - 1);
	v->check_first = 0;
	sb_printf(&sb, "the %s reached the VM (%s) but no %s followed: the VM's DHCP client "
		       "ignored it; look at the VM's console",
		  dhcp_msg_label(rep->type), v->where.dev,
		  rep->type == DHCP_OFFER ? "REQUEST" : "message");
}

void dhcp_verdict_none(const struct dhcp_analyser *a, struct verdict *v)
{
	struct sbuf sb;

	memset(v, 0, sizeof(*v));
	v->where.hop = v->next.hop = -1;
	v->status = VERDICT_NOT_SEEN;
	snprintf(v->subject, sizeof(v->subject), "DHCP from the VM");
	sb_init(&sb, v->reason, sizeof(v->reason));
	if (!a->out.n) {
		sb_printf(&sb, "no probe point on the port's DHCP path");
		return;
	}
	at_point(v, &a->out, 0);
	/* The checks of the VM's end of the path: its devices' link state. */
	for (size_t k = 0; k < a->out.n; k++)
		if (a->path->hops[a->out.pts[k].hop].role == ROLE_TAP)
			v->check_last = (size_t)a->out.pts[k].hop;
	sb_printf(&sb, "no DHCP message of the port crossed any of the %zu probe points: the VM "
		       "is not sending. On its console: is the DHCP client running (`sudo dhclient "
		       "eth0`, `sudo udhcpc -i eth0`), is eth0 up",
		  a->out.n);
	if (a->t && a->path->port >= 0 && (size_t)a->path->port < a->t->n_ports &&
	    a->t->ports[a->path->port].mac[0])
		sb_printf(&sb, ", with the port's MAC %s (nstrace follows that MAC only)",
			  a->t->ports[a->path->port].mac);
	sb_printf(&sb, "?");
}
