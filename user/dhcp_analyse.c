// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* DHCP transactions from timelines: bookkeeping and when one is over. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_analyse.h"
#include "names.h"

int dhcp_analyser_init(struct dhcp_analyser *a, const struct topology *t,
		       const struct port_path *path, const struct hop_places *places,
		       const char *(*drop_name)(__u32))
{
	int err;

	memset(a, 0, sizeof(*a));
	a->t = t;
	a->path = path;
	a->places = places;
	a->drop_name = drop_name;
	a->settle_ns = DHCP_SETTLE_NS;
	err = journey_plan(path, true, &a->out);
	if (!err)
		err = journey_plan(path, false, &a->back);
	if (err)
		dhcp_analyser_free(a);
	return err;
}

void dhcp_analyser_free(struct dhcp_analyser *a)
{
	for (size_t i = 0; i < a->n_txns; i++) {
		struct dhcp_txn *x = &a->txns[i];

		for (size_t m = 0; m < x->n_msgs; m++)
			timeline_free(x->msgs[m].t);
		free(x->msgs);
	}
	free(a->txns);
	a->txns = NULL;
	a->n_txns = 0;
	journey_free(&a->out);
	journey_free(&a->back);
}

bool dhcp_msg_to_server(__u8 type)
{
	return type == DHCP_DISCOVER || type == DHCP_REQUEST || type == DHCP_DECLINE ||
	       type == DHCP_RELEASE || type == DHCP_INFORM;
}

const char *dhcp_msg_label(__u8 type)
{
	const char *name = dhcp4_msg_name(type);

	return name ? name : type ? "DHCP" : "BOOTP";
}

static struct dhcp_txn *find_txn(struct dhcp_analyser *a, __u32 xid, const __u8 *chaddr)
{
	struct dhcp_txn *x;

	for (size_t i = 0; i < a->n_txns; i++)
		if (a->txns[i].xid == xid && !memcmp(a->txns[i].chaddr, chaddr, 6))
			return &a->txns[i];
	x = realloc(a->txns, (a->n_txns + 1) * sizeof(*x));
	if (!x)
		return NULL;
	a->txns = x;
	x = &x[a->n_txns++];
	memset(x, 0, sizeof(*x));
	x->xid = xid;
	memcpy(x->chaddr, chaddr, 6);
	return x;
}

int dhcp_analyser_add(struct dhcp_analyser *a, const struct timeline *t)
{
	struct dhcp_txn *x;
	struct dhcp_msg *m;

	if (t->app.app != NSTRACE_APP_DHCP4 || !t->n_hops)
		return -1;
	x = find_txn(a, t->app.xid, t->app.chaddr);
	if (!x)
		return -ENOMEM;
	m = realloc(x->msgs, (x->n_msgs + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	x->msgs = m;
	m = &m[x->n_msgs];
	memset(m, 0, sizeof(*m));
	m->t = timeline_dup(t);
	if (!m->t)
		return -ENOMEM;
	x->n_msgs++;
	m->type = t->app.dhcp_msg;
	m->to_server = dhcp_msg_to_server(m->type);
	crossing_eval(m->to_server ? &a->out : &a->back, m->t, a->places, a->drop_name, &m->c);
	if (!x->first_ts || t->first_ts_ns < x->first_ts)
		x->first_ts = t->first_ts_ns;
	if (t->last_ts_ns > x->last_ts)
		x->last_ts = t->last_ts_ns;
	return (int)(x - a->txns);
}

/* An ACK that reached the VM: nothing more to wait for. */
static bool acked(const struct dhcp_txn *x)
{
	for (size_t i = 0; i < x->n_msgs; i++)
		if (x->msgs[i].type == DHCP_ACK && x->msgs[i].c.reached_end)
			return true;
	return false;
}

size_t dhcp_analyser_poll(struct dhcp_analyser *a, __u64 now_ns, bool final)
{
	for (size_t i = 0; i < a->n_txns; i++) {
		struct dhcp_txn *x = &a->txns[i];

		if (x->concluded)
			continue;
		if (!final && !acked(x) && now_ns < x->last_ts + a->settle_ns)
			continue;
		dhcp_txn_verdict(a, x, &x->verdict);
		x->concluded = true;
		a->n_concluded++;
		if (a->on_conclude)
			a->on_conclude(a->ctx, x);
	}
	return a->n_concluded;
}

void dhcp_analyser_status(const struct dhcp_analyser *a, char *buf, size_t len)
{
	const struct dhcp_txn *x = NULL;
	const struct dhcp_msg *m;
	const struct journey *j;

	for (size_t i = a->n_txns; i-- > 0;)
		if (!a->txns[i].concluded) {
			x = &a->txns[i];
			break;
		}
	if (!x || !x->n_msgs) {
		snprintf(buf, len, "waiting for DHCP from the VM");
		return;
	}
	m = &x->msgs[x->n_msgs - 1];
	j = m->to_server ? &a->out : &a->back;
	snprintf(buf, len, "xid 0x%08x: %s seen at %d of %zu probe points, waiting for %s", x->xid,
		 dhcp_msg_label(m->type), m->c.n_seen, j->n,
		 m->type == DHCP_DISCOVER ? "the OFFER" :
		 m->type == DHCP_OFFER	  ? "the REQUEST" :
		 m->type == DHCP_REQUEST  ? "the ACK" :
					    "more");
}
