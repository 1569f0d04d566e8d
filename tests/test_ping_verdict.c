// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `nstrace ping`'s analyser and verdicts (user/ping_analyse.c,
 * user/ping_verdict.c) and its latency table (user/hop_latency.c), without
 * root: a1's L3 path (and its east-west path to a2) planned from the
 * recorded lab (tests/fixtures/topology/lab), probe points given hop ids
 * as the trace session gives them, and hand-built timelines as the
 * correlator would close them: echo requests and replies with the
 * router's NAT, kernel drops, ICMP errors linked to their request, ARP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "fixture_topology.h"
#include "hop_latency.h"
#include "names.h"
#include "path_plan.h"
#include "ping_analyse.h"
#include "testlib.h"

#define MS 1000000ull
#define US 1000ull
#define DROP_ID_BASE FIXTURE_DROP_ID_BASE /* drop places: + path hop */
#define MAX_TL_HOPS 48
#define ID 0x4e53
#define FIP "172.24.4.100" /* a1's floating IP */
#define QG_IP "172.24.4.10"
#define EXT_IP "172.24.4.1" /* the external host */
#define PEER_IP "10.0.0.6" /* a2 */
#define ECHO_LEN 98 /* ping's 56 bytes of payload in a frame */
#define BIG_LEN 1514 /* a 1500-byte IP packet in a frame */
#define ICMP_REQ 8
#define ICMP_REP 0

/* Everything one test needs; built fresh per test (forked). */
struct rig {
	struct topology t;
	struct port_path path;
	struct hop_places places;
	struct ping_analyser an;
	char vm_ip[TOPO_IP_LEN + 4], qr_ip[TOPO_IP_LEN + 4]; /* bare, from the path */
	__u64 now, fp, step;
	size_t on_echo_calls, on_arp_calls;
};

static struct rig *rig;

static void on_echo(void *ctx, const struct ping_echo *e)
{
	struct rig *r = ctx;

	ck_assert(e->concluded);
	r->on_echo_calls++;
}

static void on_arp(void *ctx, const struct ping_arp *a)
{
	struct rig *r = ctx;

	ck_assert(a->concluded);
	r->on_arp_calls++;
}

/* A VM's port from the recording's own description. */
static int vm_port(struct topology *t, const char *name)
{
	json_t *m = fixture_manifest(), *vm;
	int idx[2] = { -1, -1 };
	size_t i;

	json_array_foreach(json_object_get(json_object_get(m, "lab"), "vms"), i, vm) {
		const char *uuid = json_string_value(json_object_get(vm, "port_uuid"));

		if (!strcmp(json_string_value(json_object_get(vm, "name")), name))
			ck_assert_int_eq(topology_match_port(t, uuid, idx, 2), 1);
	}
	json_decref(m);
	ck_assert_int_ge(idx[0], 0);
	return idx[0];
}

static int hop_of(enum dev_role role, int nth)
{
	for (size_t i = 0; i < rig->path.n; i++)
		if (rig->path.hops[i].role == role && nth-- == 0)
			return (int)i;
	ck_abort_msg("no %s hop", role_name(role));
	return -1;
}

static void bare(char *dst, size_t len, const char *ip)
{
	snprintf(dst, len, "%s", ip);
	dst[strcspn(dst, "/")] = '\0';
}

static void setup_path(bool peer)
{
	int a1;

	rig = calloc(1, sizeof(*rig));
	ck_assert_ptr_nonnull(rig);
	fixture_topology(&rig->t, NULL, NULL, false);
	a1 = vm_port(&rig->t, "a1");
	if (peer)
		ck_assert_int_eq(path_plan_peer(&rig->t, a1, vm_port(&rig->t, "a2"), &rig->path), 0);
	else
		ck_assert_int_eq(path_plan(&rig->t, a1, PATH_L3, &rig->path), 0);
	ck_assert_str_eq(rig->path.problem, "");
	fixture_hop_places(&rig->path, &rig->places);
	ck_assert_int_eq(ping_analyser_init(&rig->an, &rig->t, &rig->path, &rig->places,
					    drop_reason_name),
			 0);
	rig->an.on_echo = on_echo;
	rig->an.on_arp = on_arp;
	rig->an.ctx = rig;
	/* As `nstrace ping` does: the addresses with their prefix length. */
	ck_assert_int_eq(ping_analyser_vm_addr(&rig->an, rig->path.hops[0].ip, true), 0);
	bare(rig->vm_ip, sizeof(rig->vm_ip), rig->path.hops[0].ip);
	ck_assert_str_eq(rig->vm_ip, "10.0.0.5");
	if (peer) {
		ck_assert_int_eq(ping_analyser_arp_peer(&rig->an, PEER_IP), 0);
	} else {
		const char *qr = rig->path.hops[hop_of(ROLE_QR, 0)].ip;

		bare(rig->qr_ip, sizeof(rig->qr_ip), qr);
		ck_assert_str_eq(rig->qr_ip, "10.0.0.1");
		ck_assert_int_eq(ping_analyser_vm_addr(&rig->an, FIP, false), 0);
		ck_assert_int_eq(ping_analyser_router_addr(&rig->an, qr), 0);
		ck_assert_int_eq(ping_analyser_router_addr(&rig->an, QG_IP "/24"), 0);
		ck_assert_int_eq(ping_analyser_arp_peer(&rig->an, qr), 0);
	}
	rig->now = 1000 * MS;
	rig->step = 20 * US;
}

static void setup_l3(void)
{
	setup_path(false);
}

static void setup_peer(void)
{
	setup_path(true);
}

static void teardown(void)
{
	ping_analyser_free(&rig->an);
	port_path_free(&rig->path);
	fixture_topology_free(&rig->t);
	free(rig);
}

/* The hop id the attach layer gave (path hop, direction). */
static __u32 point_id(int hop, __u8 dir)
{
	return fixture_point_id(&rig->places, hop, dir);
}

static const struct journey *journey(enum ping_route_id r, bool outbound)
{
	ck_assert(rig->an.routes[r].valid);
	return outbound ? &rig->an.routes[r].out : &rig->an.routes[r].in;
}

/* Index of the point after (hop, dir) on j: "seen up to there". */
static size_t upto(const struct journey *j, enum dev_role role, int nth, __u8 dir)
{
	int k = journey_find(j, hop_of(role, nth), dir);

	ck_assert_int_ge(k, 0);
	return (size_t)k + 1;
}

/* ---- hand-built timelines ----------------------------------------------- */

struct tl {
	struct timeline t;
	struct timeline_hop hops[MAX_TL_HOPS];
	__u8 family;
};

/* A message's addresses on the VM's side of the router (in_) and from the
 * router's qg- port outwards (out_: what SNAT/DNAT made of them). */
struct wire {
	const char *in_src, *in_dst, *out_src, *out_dst;
};

static void ip4(__u8 out[16], const char *text)
{
	memset(out, 0, 16);
	ck_assert_int_eq(inet_pton(AF_INET, text, out), 1);
}

static void tl_start(struct tl *x, __u8 app, __u8 family)
{
	memset(x, 0, sizeof(*x));
	x->t.hops = x->hops;
	rig->fp += 0x101;
	x->t.fingerprint = rig->fp;
	x->t.app.app = app;
	x->t.app.l3_family = family;
	x->family = family;
}

static void tl_echo(struct tl *x, __u8 type, __u16 id, __u16 seq)
{
	tl_start(x, NSTRACE_APP_ECHO, NSTRACE_L3_IPV4);
	x->t.app.l4_proto = 1;
	x->t.app.icmp_type = type;
	x->t.app.icmp_id = id;
	x->t.app.icmp_seq = seq;
}

static void tl_arp(struct tl *x, __u16 op)
{
	tl_start(x, NSTRACE_APP_ARP, NSTRACE_L3_ARP);
	x->t.app.eth_proto = 0x0806;
	x->t.app.arp_op = op;
}

static struct timeline_hop *tl_push(struct tl *x)
{
	ck_assert_uint_lt(x->t.n_hops, MAX_TL_HOPS);
	return &x->hops[x->t.n_hops++];
}

/* Points [from, to) of journey j, rig->step apart, frames of len bytes. */
static void tl_cross(struct tl *x, const struct journey *j, size_t from, size_t to,
		     const struct wire *w, unsigned int len)
{
	int qg = path_find_role(&rig->path, ROLE_QG);

	ck_assert_uint_le(to, j->n);
	for (size_t k = from; k < to; k++) {
		struct timeline_hop *h = tl_push(x);
		int hop = j->pts[k].hop;
		bool outside = qg >= 0 && hop >= qg && w->out_src;

		h->ts_ns = rig->now;
		h->hop_id = point_id(hop, j->pts[k].dir);
		h->ifindex = h->hop_id + 100;
		h->dir = j->pts[k].dir;
		h->kind = NSTRACE_EV_PACKET;
		h->pkt_len = len;
		h->addrs.l3_family = x->family;
		h->addrs.l4_proto = x->family == NSTRACE_L3_IPV4 ? 1 : 0;
		h->addrs.ttl = 64;
		ip4(h->addrs.saddr, outside ? w->out_src : w->in_src);
		ip4(h->addrs.daddr, outside ? w->out_dst : w->in_dst);
		if (rig->path.hops[hop].role == ROLE_UNDERLAY) {
			/* GRE: outer Ethernet, IP and GRE headers around it. */
			h->carrier.flags = NSTRACE_F_TUNNEL | NSTRACE_F_TUN_KEY;
			h->carrier.tun_type = NSTRACE_TUN_GRE;
			h->carrier.tun_key = 101;
			h->pkt_len = len + 42;
		}
		rig->now += rig->step;
	}
}

/* The kernel freed the message at path hop `hop`. */
static void tl_drop(struct tl *x, int hop, __u32 reason)
{
	struct timeline_hop *h = tl_push(x);

	ck_assert_uint_gt(x->t.n_hops, 1);
	*h = x->hops[x->t.n_hops - 2];
	memset(&h->carrier, 0, sizeof(h->carrier));
	h->ts_ns = rig->now;
	h->hop_id = DROP_ID_BASE + (__u32)hop;
	h->dir = NSTRACE_DIR_UNKNOWN;
	h->kind = NSTRACE_EV_DROP;
	h->drop.present = true;
	h->drop.reason = reason;
	h->drop.location = 0xffffffff81000000ull + reason;
	x->t.flags |= TIMELINE_F_DROPPED;
	rig->now += 5 * US;
}

/* An ICMP error about this message, as the correlator links it. */
static void tl_icmp_error(struct tl *x, __u8 type, __u8 code, __u32 mtu, const char *reporter,
			  int hop, __u8 dir)
{
	struct timeline_icmp_error *err = &x->t.icmp_errors[x->t.n_icmp_errors++];

	err->fingerprint = rig->fp + 0x55;
	err->ts_ns = rig->now;
	err->hop_id = point_id(hop, dir);
	err->dir = dir;
	err->count = 1;
	err->mtu = mtu;
	err->l3_family = NSTRACE_L3_IPV4;
	err->type = type;
	err->code = code;
	ip4(err->reporter, reporter);
	x->t.flags |= TIMELINE_F_ICMP_ERROR;
}

/* Close it and hand it to the analyser; 1 kept, 0 ignored. */
static int tl_add(struct tl *x)
{
	int rc;

	ck_assert_uint_gt(x->t.n_hops, 0);
	x->t.first_ts_ns = x->hops[0].ts_ns;
	x->t.last_ts_ns = x->hops[x->t.n_hops - 1].ts_ns;
	x->t.close_reason = CLOSE_IDLE;
	rc = ping_analyser_add(&rig->an, &x->t);
	ck_assert_int_ge(rc, 0);
	rig->now += MS;
	return rc;
}

/* One echo message over points [0, n) of j (n < 0: all). */
static int echo(struct tl *x, __u8 type, __u16 seq, const struct journey *j, int n,
		const struct wire *w, unsigned int len)
{
	tl_echo(x, type, ID, seq);
	tl_cross(x, j, 0, n < 0 ? j->n : (size_t)n, w, len);
	return tl_add(x);
}

static int arp(struct tl *x, __u16 op, const char *sender, const char *target,
	       const struct journey *j, int n)
{
	const struct wire w = { sender, target, NULL, NULL };

	tl_arp(x, op);
	tl_cross(x, j, 0, n < 0 ? j->n : (size_t)n, &w, 42);
	return tl_add(x);
}

/* The trace ends: everything open is judged; the one echo's verdict. */
static const struct ping_echo *finish(void)
{
	ping_analyser_poll(&rig->an, rig->now, true);
	ck_assert_uint_eq(rig->an.n_echoes, 1);
	ck_assert(rig->an.echoes[0].concluded);
	ck_assert_uint_eq(rig->on_echo_calls, 1);
	return &rig->an.echoes[0];
}

static void assert_place(const struct verdict_place *p, enum dev_role role, int nth)
{
	const struct path_hop *h = &rig->path.hops[hop_of(role, nth)];

	ck_assert_int_eq(p->hop, hop_of(role, nth));
	ck_assert_str_eq(p->dev, h->dev);
	ck_assert_str_eq(p->netns, h->netns);
	ck_assert_str_eq(p->node, h->node_name);
	ck_assert_str_eq(p->role, role_name(role));
}

static void assert_has(const char *text, const char *want)
{
	ck_assert_msg(strstr(text, want), "'%s' not in '%s'", want, text);
}

static void assert_lacks(const char *text, const char *unwanted)
{
	ck_assert_msg(!strstr(text, unwanted), "'%s' in '%s'", unwanted, text);
}

/* The running kernel's number for a drop reason (as the probe reports it). */
static __u32 reason_of(const char *name)
{
	for (__u32 r = 0; r < 1024; r++) {
		const char *n = drop_reason_name(r);

		if (n && !strcmp(n, name))
			return r;
	}
	ck_abort_msg("drop reason %s not in the kernel's BTF", name);
	return 0;
}

/* a1 pings the external host: through SNAT at qg- on the way out. */
static struct wire req_snat(void)
{
	return (struct wire){ rig->vm_ip, EXT_IP, QG_IP, EXT_IP };
}

static struct wire rep_snat(void)
{
	return (struct wire){ EXT_IP, rig->vm_ip, EXT_IP, QG_IP };
}

/* ---- L3 path: routes and addresses --------------------------------------- */

START_TEST(test_routes)
{
	const struct ping_route *full = &rig->an.routes[PING_ROUTE_FULL];
	const struct ping_route *cut = &rig->an.routes[PING_ROUTE_ROUTER];
	int qr = hop_of(ROLE_QR, 0);
	__u8 a[16];

	ck_assert(full->valid);
	ck_assert(cut->valid);
	/* vm, tap, qvb, qvo, 4 underlay, qr, qg, eth2, external eth0 */
	ck_assert_uint_eq(full->out.n, 12);
	ck_assert_uint_eq(full->in.n, 12);
	ck_assert_int_eq(full->out.pts[11].hop, hop_of(ROLE_EXTERNAL, 1));
	ck_assert_uint_eq(cut->view.n, (size_t)qr + 1);
	ck_assert_uint_eq(cut->out.n, 9);
	ck_assert_int_eq(cut->out.pts[8].hop, qr);
	ck_assert_int_eq(cut->out.pts[8].dir, NSTRACE_DIR_INGRESS);
	ck_assert_int_eq(cut->in.pts[0].hop, qr);
	ck_assert_int_eq(cut->in.pts[0].dir, NSTRACE_DIR_EGRESS);
	ck_assert_int_eq(cut->in.pts[8].hop, 0);
	ip4(a, FIP);
	ck_assert(ping_is_vm_addr(&rig->an, a));
	ck_assert(!ping_is_router_addr(&rig->an, a));
	ip4(a, QG_IP);
	ck_assert(ping_is_router_addr(&rig->an, a));
	ck_assert(!ping_is_vm_addr(&rig->an, a));
	ck_assert_int_eq(ping_analyser_vm_addr(&rig->an, "fe80::1", true), -EINVAL);
	ck_assert_int_eq(ping_analyser_vm_addr(&rig->an, "10.0.0", true), -EINVAL);
	ck_assert_uint_eq(rig->an.n_vm_addrs, 2);
	for (int i = 2; i < PING_MAX_ADDRS; i++)
		ck_assert_int_eq(ping_analyser_router_addr(&rig->an, "192.0.2.1"), 0);
	ck_assert_int_eq(ping_analyser_router_addr(&rig->an, "192.0.2.2"), -ENOSPC);
}
END_TEST

/* ---- echoes -------------------------------------------------------------- */

START_TEST(test_completed)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct journey *in = journey(PING_ROUTE_FULL, false);
	struct wire wq = req_snat(), wp = rep_snat();
	const struct ping_echo *e;
	struct tl req, rep;
	char ms[32];

	ck_assert_int_eq(echo(&req, ICMP_REQ, 1, out, -1, &wq, ECHO_LEN), 1);
	ck_assert_int_eq(echo(&rep, ICMP_REP, 1, in, -1, &wp, ECHO_LEN), 1);
	/* Answered: over at once, no settle time. */
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, rep.t.last_ts_ns, false), 1);
	ck_assert_uint_eq(rig->on_echo_calls, 1);
	e = &rig->an.echoes[0];
	ck_assert(e->outbound);
	ck_assert_int_eq(e->route, PING_ROUTE_FULL);
	ck_assert_int_eq(e->verdict.status, VERDICT_COMPLETED);
	ck_assert_int_eq(e->req.c.n_seen, (int)out->n);
	ck_assert(e->rep.c.reached_end);
	ck_assert_uint_eq(e->rtt_ns, rep.t.last_ts_ns - req.t.first_ts_ns);
	ck_assert_uint_eq(e->first_ts, req.t.first_ts_ns);
	ck_assert_uint_eq(e->last_ts, rep.t.last_ts_ns);
	assert_place(&e->verdict.where, ROLE_VM, 0);
	ck_assert_int_eq(e->verdict.where.dir, NSTRACE_DIR_INGRESS);
	ck_assert_str_eq(e->verdict.subject, "echo seq 1 id 0x4e53 10.0.0.5 > 172.24.4.1");
	snprintf(ms, sizeof(ms), "%llu.%03llu ms", (unsigned long long)(e->rtt_ns / MS),
		 (unsigned long long)(e->rtt_ns / US % 1000));
	assert_has(e->verdict.reason, ms);
	assert_has(e->verdict.reason, "SNAT at qg-88e58f8b-5e (10.0.0.5 > 172.24.4.1 became "
				      "172.24.4.10 > 172.24.4.1)");
}
END_TEST

/* A reply reached the VM, but the request never went past qr-: the router
 * answered in the destination's place, which is no round trip. */
START_TEST(test_answered_early)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct journey *in = journey(PING_ROUTE_FULL, false);
	struct wire wq = req_snat(), wp = rep_snat();
	int qr_out = journey_find(in, hop_of(ROLE_QR, 0), NSTRACE_DIR_EGRESS);
	const struct ping_echo *e;
	struct tl req, rep;

	ck_assert_int_ge(qr_out, 0);
	echo(&req, ICMP_REQ, 1, out, (int)upto(out, ROLE_QR, 0, NSTRACE_DIR_INGRESS), &wq,
	     ECHO_LEN);
	tl_echo(&rep, ICMP_REP, ID, 1);
	tl_cross(&rep, in, (size_t)qr_out, in->n, &wp, ECHO_LEN);
	tl_add(&rep);
	e = finish();
	ck_assert_int_eq(e->verdict.status, VERDICT_ANSWERED_EARLY);
	ck_assert(verdict_is_fault(e->verdict.status));
	assert_place(&e->verdict.where, ROLE_QR, 0);
	ck_assert_int_eq(e->verdict.where.dir, NSTRACE_DIR_INGRESS);
	assert_has(e->verdict.reason, "never went past qr-");
	assert_has(e->verdict.reason, "floating IP with no DNAT");
	ck_assert_str_eq(verdict_status_name(e->verdict.status), "answered-early");
}
END_TEST

/* The router answers for its own addresses: judged on the path cut at qr-,
 * no hop beyond it seen. */
START_TEST(test_router_address)
{
	const struct journey *out = journey(PING_ROUTE_ROUTER, true);
	const struct journey *in = journey(PING_ROUTE_ROUTER, false);
	const struct wire wq = { rig->vm_ip, rig->qr_ip, NULL, NULL };
	const struct wire wp = { rig->qr_ip, rig->vm_ip, NULL, NULL };
	const struct wire gq = { rig->vm_ip, QG_IP, NULL, NULL };
	const struct wire gp = { QG_IP, rig->vm_ip, NULL, NULL };
	struct tl req, rep;

	ck_assert_uint_lt(out->n, journey(PING_ROUTE_FULL, true)->n);
	echo(&req, ICMP_REQ, 1, out, -1, &wq, ECHO_LEN);
	echo(&rep, ICMP_REP, 1, in, -1, &wp, ECHO_LEN);
	echo(&req, ICMP_REQ, 2, out, -1, &gq, ECHO_LEN);
	echo(&rep, ICMP_REP, 2, in, -1, &gp, ECHO_LEN);
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, rig->now, false), 2);
	for (size_t i = 0; i < 2; i++) {
		const struct ping_echo *e = &rig->an.echoes[i];

		ck_assert_int_eq(e->route, PING_ROUTE_ROUTER);
		ck_assert_int_eq(e->verdict.status, VERDICT_COMPLETED);
		ck_assert(e->req.c.reached_end);
		assert_place(&e->verdict.where, ROLE_VM, 0);
		ck_assert_uint_gt(e->rtt_ns, 0);
	}
	ck_assert_str_eq(rig->an.echoes[1].verdict.subject,
			 "echo seq 2 id 0x4e53 10.0.0.5 > 172.24.4.10");
}
END_TEST

/* --from router: the router pings the VM, inbound; answered, then not. */
START_TEST(test_router_pings_vm)
{
	const struct journey *out = journey(PING_ROUTE_ROUTER, true);
	const struct journey *in = journey(PING_ROUTE_ROUTER, false);
	const struct wire wq = { rig->qr_ip, rig->vm_ip, NULL, NULL };
	const struct wire wp = { rig->vm_ip, rig->qr_ip, NULL, NULL };
	const struct ping_echo *e;
	struct tl req, rep;

	echo(&req, ICMP_REQ, 1, in, -1, &wq, ECHO_LEN);
	echo(&rep, ICMP_REP, 1, out, -1, &wp, ECHO_LEN);
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, rig->now, false), 1);
	e = &rig->an.echoes[0];
	ck_assert(!e->outbound);
	ck_assert_int_eq(e->route, PING_ROUTE_ROUTER);
	ck_assert_int_eq(e->verdict.status, VERDICT_COMPLETED);
	/* The reply's end is the router's qr- port. */
	assert_place(&e->verdict.where, ROLE_QR, 0);
	ck_assert_str_eq(e->verdict.subject, "echo seq 1 id 0x4e53 10.0.0.1 > 10.0.0.5");

	echo(&req, ICMP_REQ, 2, in, -1, &wq, ECHO_LEN);
	ping_analyser_poll(&rig->an, rig->now, true);
	e = &rig->an.echoes[1];
	ck_assert_int_eq(e->verdict.status, VERDICT_NO_REPLY);
	assert_place(&e->verdict.where, ROLE_VM, 0);
	assert_has(e->verdict.reason, "the VM got it and did not answer");
	assert_lacks(e->verdict.reason, "no SNAT");
}
END_TEST

/* Lost in br-int/br-tun between qvo and the underlay; a full-size frame
 * fits the recorded underlay (1600), so the MTU is not the cause. */
START_TEST(test_lost)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	struct wire w = req_snat();
	const struct ping_echo *e;
	struct tl req;

	echo(&req, ICMP_REQ, 1, out, (int)upto(out, ROLE_QVO, 0, NSTRACE_DIR_INGRESS), &w,
	     BIG_LEN);
	e = finish();
	ck_assert_int_eq(e->verdict.status, VERDICT_LOST);
	assert_place(&e->verdict.where, ROLE_QVO, 0);
	ck_assert_int_eq(e->verdict.where.dir, NSTRACE_DIR_INGRESS);
	assert_place(&e->verdict.next, ROLE_UNDERLAY, 0);
	ck_assert_int_eq(e->verdict.next.dir, NSTRACE_DIR_EGRESS);
	assert_has(e->verdict.between, "br-int -> br-tun flows on node compute1");
	assert_has(e->verdict.reason, "the echo request: last seen at qvo1bbe7c60-42");
	assert_has(e->verdict.command, "ofproto/trace br-int 'in_port=qvo1bbe7c60-42");
	assert_has(e->verdict.command, ",icmp,nw_src=10.0.0.5,nw_dst=172.24.4.1");
}
END_TEST

/* A device the path expects but the host lacks (no name) is named by its
 * role in what lies between two probe points. */
START_TEST(test_between_missing_device)
{
	int qvo = hop_of(ROLE_QVO, 0), eth1 = hop_of(ROLE_UNDERLAY, 0);
	int next = hop_of(ROLE_UNDERLAY, 1);
	char between[320], dev[sizeof(rig->path.hops[0].dev)];

	memcpy(dev, rig->path.hops[eth1].dev, sizeof(dev));
	rig->path.hops[eth1].dev[0] = '\0';
	verdict_between(&rig->path, qvo, next, between, sizeof(between));
	memcpy(rig->path.hops[eth1].dev, dev, sizeof(dev));
	assert_has(between, "br-int -> br-tun flows on node compute1, then the underlay "
			    "device (missing) on compute1");
	assert_lacks(between, "  ");
}
END_TEST

/* The security group drops the request on the qbr bridge. */
START_TEST(test_dropped)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	__u32 nf = reason_of("NETFILTER_DROP");
	struct wire w = req_snat();
	const struct ping_echo *e;
	struct tl req;

	tl_echo(&req, ICMP_REQ, ID, 1);
	tl_cross(&req, out, 0, upto(out, ROLE_TAP, 0, NSTRACE_DIR_INGRESS), &w, ECHO_LEN);
	tl_drop(&req, hop_of(ROLE_QVB, 0), nf);
	tl_add(&req);
	e = finish();
	ck_assert_int_eq(e->verdict.status, VERDICT_DROPPED);
	assert_place(&e->verdict.where, ROLE_QVB, 0);
	ck_assert(e->verdict.has_drop);
	ck_assert_uint_eq(e->verdict.drop_reason, nf);
	assert_has(e->verdict.reason, "the echo request: the kernel dropped it at qvb1bbe7c60-42");
	assert_has(e->verdict.reason, "security group");
}
END_TEST

/* The router namespace does not forward: the request dies in qr-'s own
 * stack after it was seen there, a drop at the last point seen. */
START_TEST(test_dropped_where_last_seen)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	__u32 why = reason_of("IP_INADDRERRORS");
	struct wire w = req_snat();
	const struct ping_echo *e;
	struct tl req;

	tl_echo(&req, ICMP_REQ, ID, 1);
	tl_cross(&req, out, 0, upto(out, ROLE_QR, 0, NSTRACE_DIR_INGRESS), &w, ECHO_LEN);
	tl_drop(&req, hop_of(ROLE_QR, 0), why);
	tl_add(&req);
	e = finish();
	ck_assert_int_eq(e->verdict.status, VERDICT_DROPPED);
	assert_place(&e->verdict.where, ROLE_QR, 0);
	ck_assert_uint_eq(e->verdict.drop_reason, why);
	assert_has(e->verdict.reason, "does not forward it");
}
END_TEST

/* At a bridge or OVS port the stack's drop after the sighting is of its
 * copy (OVS's packet socket took the packet on): still lost further on. */
START_TEST(test_copy_drop_where_last_seen)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	struct wire w = req_snat();
	const struct ping_echo *e;
	struct tl req;

	tl_echo(&req, ICMP_REQ, ID, 1);
	tl_cross(&req, out, 0, upto(out, ROLE_QVO, 0, NSTRACE_DIR_INGRESS), &w, ECHO_LEN);
	tl_drop(&req, hop_of(ROLE_QVO, 0), reason_of("OTHERHOST"));
	tl_add(&req);
	e = finish();
	ck_assert_int_eq(e->verdict.status, VERDICT_LOST);
	assert_place(&e->verdict.where, ROLE_QVO, 0);
	assert_place(&e->verdict.next, ROLE_UNDERLAY, 0);
}
END_TEST

/* The request left the router with the tenant address: no SNAT. */
START_TEST(test_no_reply_no_snat)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct wire w = { rig->vm_ip, EXT_IP, rig->vm_ip, EXT_IP };
	const struct ping_echo *e;
	struct tl req;

	echo(&req, ICMP_REQ, 1, out, -1, &w, ECHO_LEN);
	e = finish();
	ck_assert_int_eq(e->verdict.status, VERDICT_NO_REPLY);
	assert_has(e->verdict.reason, "no SNAT");
	assert_has(e->verdict.reason, "it arrived as 10.0.0.5 > 172.24.4.1");
	assert_place(&e->verdict.where, ROLE_QG, 0);
	ck_assert_int_eq(e->verdict.where.dir, NSTRACE_DIR_EGRESS);
	ck_assert_uint_eq(e->verdict.check_first, (size_t)hop_of(ROLE_QR, 0));
	ck_assert_uint_eq(e->verdict.check_last, (size_t)hop_of(ROLE_QG, 0));
}
END_TEST

/* NATed as it should be and still no reply: nothing about SNAT. */
START_TEST(test_no_reply_after_snat)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	struct wire w = req_snat();
	const struct ping_echo *e;
	struct tl req;

	echo(&req, ICMP_REQ, 1, out, -1, &w, ECHO_LEN);
	e = finish();
	ck_assert_int_eq(e->verdict.status, VERDICT_NO_REPLY);
	assert_lacks(e->verdict.reason, "no SNAT");
	assert_has(e->verdict.reason, "it arrived as 172.24.4.10 > 172.24.4.1");
	assert_place(&e->verdict.where, ROLE_EXTERNAL, 1);
}
END_TEST

/* The floating IP's 1:1 NAT is a rewrite too: its address is the VM's, but
 * not the fixed one. */
START_TEST(test_no_reply_after_fip_snat)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct wire w = { rig->vm_ip, EXT_IP, FIP, EXT_IP };
	const struct ping_echo *e;
	struct tl req;

	echo(&req, ICMP_REQ, 1, out, -1, &w, ECHO_LEN);
	e = finish();
	ck_assert_int_eq(e->verdict.status, VERDICT_NO_REPLY);
	assert_has(e->verdict.reason, "it arrived as 172.24.4.100 > 172.24.4.1");
	assert_lacks(e->verdict.reason, "no SNAT");
	assert_place(&e->verdict.where, ROLE_EXTERNAL, 1);
}
END_TEST

/* A request that reached qr- and got an ICMP error back from the router. */
static const struct ping_echo *with_error(__u8 type, __u8 code, __u32 mtu, const char *reporter)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	struct wire w = req_snat();
	struct tl req;

	tl_echo(&req, ICMP_REQ, ID, 1);
	tl_cross(&req, out, 0, upto(out, ROLE_QR, 0, NSTRACE_DIR_INGRESS), &w, ECHO_LEN);
	tl_icmp_error(&req, type, code, mtu, reporter, hop_of(ROLE_QR, 0), NSTRACE_DIR_EGRESS);
	tl_add(&req);
	return finish();
}

START_TEST(test_net_unreachable)
{
	const struct ping_echo *e = with_error(3, 0, 0, rig->qr_ip);

	ck_assert(e->has_err);
	ck_assert_int_eq(e->verdict.status, VERDICT_UNREACHABLE);
	assert_place(&e->verdict.where, ROLE_QR, 0);
	assert_has(e->verdict.reason, "10.0.0.1 answered");
	assert_has(e->verdict.reason, "the router has no route there");
}
END_TEST

/* Host unreachable from a host that is not the router: no routing words. */
START_TEST(test_host_unreachable)
{
	const struct ping_echo *e = with_error(3, 1, 0, EXT_IP);

	ck_assert_int_eq(e->verdict.status, VERDICT_UNREACHABLE);
	assert_has(e->verdict.reason, "172.24.4.1 answered");
	assert_has(e->verdict.reason, "could not resolve the host");
	assert_lacks(e->verdict.reason, "no route there");
}
END_TEST

START_TEST(test_ttl_exceeded)
{
	const struct ping_echo *e = with_error(11, 0, 0, rig->qr_ip);

	ck_assert_int_eq(e->verdict.status, VERDICT_TTL_EXCEEDED);
	assert_has(e->verdict.reason, "answered time exceeded");
	assert_place(&e->verdict.where, ROLE_QR, 0);
}
END_TEST

START_TEST(test_frag_needed)
{
	const struct ping_echo *e = with_error(3, 4, 1400, rig->qr_ip);

	ck_assert_int_eq(e->verdict.status, VERDICT_MTU);
	assert_has(e->verdict.reason, "fragmentation needed, next-hop MTU 1400");
	/* The MTUs met on the path, and what GRE adds. */
	assert_has(e->verdict.reason, "underlay MTUs on the path: eth1 in");
	assert_has(e->verdict.reason, "gre adds 42 bytes");
	assert_has(e->verdict.reason, "to 172.24.4.1");
}
END_TEST

/* An error closing after its request: linked by the quoted fingerprint. */
START_TEST(test_error_timeline)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct journey *in = journey(PING_ROUTE_FULL, false);
	const struct wire we = { rig->qr_ip, rig->vm_ip, NULL, NULL };
	struct wire w = req_snat();
	const struct ping_echo *e;
	struct tl req, err;
	size_t from = (size_t)journey_find(in, hop_of(ROLE_QR, 0), NSTRACE_DIR_EGRESS);

	echo(&req, ICMP_REQ, 1, out, (int)upto(out, ROLE_QR, 0, NSTRACE_DIR_INGRESS), &w, ECHO_LEN);
	tl_start(&err, NSTRACE_APP_ICMP_ERR, NSTRACE_L3_IPV4);
	err.t.app.icmp_type = 3;
	err.t.app.icmp_code = 13;
	err.t.related_fp = rig->fp + 0x101; /* not a message seen */
	tl_cross(&err, in, from, in->n, &we, 126);
	ck_assert_int_eq(tl_add(&err), 0);
	err.t.related_fp = req.t.fingerprint;
	ck_assert_int_eq(tl_add(&err), 1);
	e = finish();
	ck_assert(e->has_err);
	ck_assert_int_eq(e->verdict.status, VERDICT_UNREACHABLE);
	assert_has(e->verdict.reason, "a firewall rule rejected it");
	assert_place(&e->verdict.where, ROLE_QR, 0);
}
END_TEST

/* The GRE MTU problem: a full-size frame in its tunnel does not fit the
 * underlay NIC (lowered here: the recorded one is big enough). */
static void set_mtu(int hop, unsigned int mtu)
{
	const struct path_hop *h = &rig->path.hops[hop];
	struct link_list *l = &rig->t.ns[h->ns].links;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].name, h->dev)) {
			l->items[i].mtu = mtu;
			return;
		}
	ck_abort_msg("no link %s", h->dev);
}

/* A full-size echo, then a small one, both last seen entering role's hop:
 * the first's verdict (the small one's is no MTU problem, asserted). */
static const struct ping_echo *big_then_small_lost_after(enum dev_role role)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	struct wire w = req_snat();
	struct tl req;

	echo(&req, ICMP_REQ, 1, out, (int)upto(out, role, 0, NSTRACE_DIR_INGRESS), &w, BIG_LEN);
	echo(&req, ICMP_REQ, 2, out, (int)upto(out, role, 0, NSTRACE_DIR_INGRESS), &w, ECHO_LEN);
	ping_analyser_poll(&rig->an, rig->now, true);
	ck_assert_uint_eq(rig->an.n_echoes, 2);
	ck_assert_int_eq(rig->an.echoes[1].verdict.status, VERDICT_LOST);
	return &rig->an.echoes[0];
}

START_TEST(test_mtu_underlay)
{
	int eth1 = hop_of(ROLE_UNDERLAY, 0);
	const struct ping_echo *e;

	set_mtu(eth1, 1500);
	e = big_then_small_lost_after(ROLE_QVO);
	ck_assert_int_eq(e->verdict.status, VERDICT_MTU);
	assert_has(e->verdict.reason, "1500-byte IP packet needs 1542 bytes on eth1");
	assert_has(e->verdict.reason, "that MTU is 1500");
	assert_has(e->verdict.reason, "at least 1542");
	assert_place(&e->verdict.where, ROLE_QVO, 0);
	assert_place(&e->verdict.next, ROLE_UNDERLAY, 0);
	ck_assert_int_eq(e->verdict.next.dir, NSTRACE_DIR_EGRESS);
	ck_assert_uint_ge(e->verdict.check_last, (size_t)eth1);
}
END_TEST

/* Not the underlay: the router's qg- got a smaller MTU than the network's.
 * A full-size echo seen entering the router never leaves it; the router's
 * frag-needed names the device with that MTU. */
START_TEST(test_mtu_device)
{
	const struct ping_echo *e;

	set_mtu(hop_of(ROLE_QG, 0), 1400);
	e = big_then_small_lost_after(ROLE_QR);
	ck_assert_int_eq(e->verdict.status, VERDICT_MTU);
	assert_has(e->verdict.reason, "1500-byte IP packet is bigger than the MTU of qg-");
	assert_has(e->verdict.reason, "(1400): the link drops it");
	assert_place(&e->verdict.next, ROLE_QG, 0);
}
END_TEST

START_TEST(test_frag_needed_names_the_device)
{
	const struct ping_echo *e;

	set_mtu(hop_of(ROLE_QG, 0), 1400);
	e = with_error(3, 4, 1400, rig->qr_ip);
	ck_assert_int_eq(e->verdict.status, VERDICT_MTU);
	assert_has(e->verdict.reason, "; with MTU 1400 on the path: qg-");
	ck_assert_ptr_null(strstr(e->verdict.reason, "underlay MTUs"));
}
END_TEST

/* ---- ARP ----------------------------------------------------------------- */

START_TEST(test_arp_unanswered)
{
	const struct journey *out = journey(PING_ROUTE_ROUTER, true);
	const struct ping_arp *x;
	struct tl q;
	__u64 last;

	ck_assert_int_eq(arp(&q, 1, rig->vm_ip, rig->qr_ip, out, -1), 1);
	ck_assert_int_eq(arp(&q, 1, rig->vm_ip, rig->qr_ip, out, -1), 1);
	ck_assert_uint_eq(rig->an.n_arps, 1);
	x = &rig->an.arps[0];
	ck_assert(x->outbound);
	ck_assert_int_eq(x->route, PING_ROUTE_ROUTER);
	ck_assert_uint_eq(x->attempts, 2);
	last = q.t.last_ts_ns;
	ck_assert_uint_eq(x->last_ts, last);
	ping_analyser_poll(&rig->an, last + rig->an.settle_ns - 1, false);
	ck_assert(!x->concluded);
	ck_assert_uint_eq(rig->on_arp_calls, 0);
	ping_analyser_poll(&rig->an, last + rig->an.settle_ns, false);
	ck_assert(x->concluded);
	ck_assert_uint_eq(rig->on_arp_calls, 1);
	ck_assert_uint_eq(rig->an.n_arp_faults, 1);
	ck_assert_int_eq(x->verdict.status, VERDICT_ARP_UNANSWERED);
	ck_assert_str_eq(x->verdict.subject, "ARP who-has 10.0.0.1 tell 10.0.0.5");
	assert_place(&x->verdict.where, ROLE_QR, 0);
	assert_has(x->verdict.reason, "2 ARP requests for 10.0.0.1 reached qr-a0c80912-3b");
	assert_has(x->verdict.reason, "nobody answered");
	/* Concluded once. */
	ping_analyser_poll(&rig->an, rig->now, true);
	ck_assert_uint_eq(rig->on_arp_calls, 1);
}
END_TEST

/* The who-has never reached the router: where it stopped. */
START_TEST(test_arp_request_lost)
{
	const struct journey *out = journey(PING_ROUTE_ROUTER, true);
	const struct ping_arp *x;
	struct tl q;

	arp(&q, 1, rig->vm_ip, rig->qr_ip, out, (int)upto(out, ROLE_QVO, 0, NSTRACE_DIR_INGRESS));
	ping_analyser_poll(&rig->an, rig->now, true);
	x = &rig->an.arps[0];
	ck_assert_int_eq(x->verdict.status, VERDICT_ARP_UNANSWERED);
	assert_place(&x->verdict.where, ROLE_QVO, 0);
	assert_place(&x->verdict.next, ROLE_UNDERLAY, 0);
	assert_has(x->verdict.reason, "1 ARP request for 10.0.0.1 got no answer; the request: "
				      "last seen at qvo1bbe7c60-42");
}
END_TEST

START_TEST(test_arp_answered)
{
	const struct journey *out = journey(PING_ROUTE_ROUTER, true);
	const struct journey *in = journey(PING_ROUTE_ROUTER, false);
	struct tl q, r;
	char buf[128];

	arp(&q, 1, rig->vm_ip, rig->qr_ip, out, -1);
	ck_assert_int_eq(arp(&r, 2, rig->qr_ip, rig->vm_ip, in, -1), 1);
	ping_analyser_poll(&rig->an, rig->now, false);
	ck_assert(rig->an.arps[0].concluded);
	ck_assert_ptr_nonnull(rig->an.arps[0].rep.t);
	ping_analyser_poll(&rig->an, rig->now + 10 * rig->an.settle_ns, true);
	ck_assert_uint_eq(rig->on_arp_calls, 0);
	ck_assert_uint_eq(rig->an.n_arp_faults, 0);
	ping_analyser_status(&rig->an, buf, sizeof(buf));
	assert_lacks(buf, "ARP unanswered");
}
END_TEST

START_TEST(test_arp_ignored)
{
	const struct journey *out = journey(PING_ROUTE_ROUTER, true);
	const struct journey *in = journey(PING_ROUTE_ROUTER, false);
	struct tl x;

	/* The VM asks for an address that is not its next hop here. */
	ck_assert_int_eq(arp(&x, 1, rig->vm_ip, "10.0.0.6", out, -1), 0);
	/* Unrelated hosts, about the VM and about each other. */
	ck_assert_int_eq(arp(&x, 1, "10.0.0.7", rig->vm_ip, in, -1), 0);
	ck_assert_int_eq(arp(&x, 1, "10.0.0.7", "10.0.0.9", in, -1), 0);
	/* The router resolving another host of the network. */
	ck_assert_int_eq(arp(&x, 1, rig->qr_ip, "10.0.0.9", in, -1), 0);
	/* Gratuitous ARP, and an answer to nothing asked. */
	ck_assert_int_eq(arp(&x, 1, rig->vm_ip, rig->vm_ip, out, -1), 0);
	ck_assert_int_eq(arp(&x, 2, rig->qr_ip, rig->vm_ip, in, -1), 0);
	ck_assert_uint_eq(rig->an.n_arps, 0);
	/* The router resolving the VM is followed, inbound. */
	ck_assert_int_eq(arp(&x, 1, rig->qr_ip, rig->vm_ip, in, -1), 1);
	ck_assert_uint_eq(rig->an.n_arps, 1);
	ck_assert(!rig->an.arps[0].outbound);
	ck_assert_int_eq(rig->an.arps[0].route, PING_ROUTE_ROUTER);
	ping_analyser_poll(&rig->an, rig->now, true);
	ck_assert_uint_eq(rig->on_arp_calls, 1);
	assert_place(&rig->an.arps[0].verdict.where, ROLE_VM, 0);
	ck_assert_uint_eq(rig->an.n_echoes, 0);
}
END_TEST

/* ---- what is kept, how copies pair ---------------------------------------- */

START_TEST(test_only_id)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	struct wire w = req_snat();
	struct tl x;

	rig->an.only_id = true;
	rig->an.id = ID;
	tl_echo(&x, ICMP_REQ, 0x9999, 1);
	tl_cross(&x, out, 0, out->n, &w, ECHO_LEN);
	ck_assert_int_eq(tl_add(&x), 0);
	ck_assert_uint_eq(rig->an.n_echoes, 0);
	ck_assert_int_eq(echo(&x, ICMP_REQ, 1, out, -1, &w, ECHO_LEN), 1);
	rig->an.only_id = false;
	tl_echo(&x, ICMP_REQ, 0x9999, 1);
	tl_cross(&x, out, 0, out->n, &w, ECHO_LEN);
	ck_assert_int_eq(tl_add(&x), 1);
	ck_assert_uint_eq(rig->an.n_echoes, 2);
}
END_TEST

/* Echoes that do not involve a1's addresses: a2's, tenant b's floating IP. */
START_TEST(test_other_echoes_ignored)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct journey *in = journey(PING_ROUTE_FULL, false);
	const struct wire a2 = { "10.0.0.6", EXT_IP, QG_IP, EXT_IP };
	const struct wire b1 = { EXT_IP, "10.0.0.9", EXT_IP, "172.24.4.101" };
	const struct wire to_fip = { EXT_IP, rig->vm_ip, EXT_IP, FIP };
	struct tl x;

	ck_assert_int_eq(echo(&x, ICMP_REQ, 1, out, -1, &a2, ECHO_LEN), 0);
	ck_assert_int_eq(echo(&x, ICMP_REQ, 1, in, 3, &b1, ECHO_LEN), 0);
	ck_assert_int_eq(echo(&x, ICMP_REP, 1, out, -1, &a2, ECHO_LEN), 0);
	ck_assert_uint_eq(rig->an.n_echoes, 0);
	/* From outside to a1's floating IP: a1 is pinged. */
	ck_assert_int_eq(echo(&x, ICMP_REQ, 1, in, 3, &to_fip, ECHO_LEN), 1);
	ck_assert_uint_eq(rig->an.n_echoes, 1);
	ck_assert(!rig->an.echoes[0].outbound);
	ck_assert_int_eq(rig->an.echoes[0].route, PING_ROUTE_FULL);
}
END_TEST

/* The reply's timeline closes first (idle times differ): still one echo. */
START_TEST(test_reply_closes_first)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct journey *in = journey(PING_ROUTE_FULL, false);
	struct wire wq = req_snat(), wp = rep_snat();
	const struct ping_echo *e;
	struct tl req, rep;

	tl_echo(&req, ICMP_REQ, ID, 7);
	tl_cross(&req, out, 0, out->n, &wq, ECHO_LEN);
	tl_echo(&rep, ICMP_REP, ID, 7);
	tl_cross(&rep, in, 0, in->n, &wp, ECHO_LEN);
	ck_assert_int_eq(tl_add(&rep), 1);
	ck_assert_int_eq(tl_add(&req), 1);
	e = finish();
	ck_assert(e->outbound);
	ck_assert_int_eq(e->verdict.status, VERDICT_COMPLETED);
	ck_assert_uint_eq(e->rtt_ns, rep.t.last_ts_ns - req.t.first_ts_ns);
	ck_assert_str_eq(e->verdict.subject, "echo seq 7 id 0x4e53 10.0.0.5 > 172.24.4.1");
}
END_TEST

/* Copies with one identity (a retransmission, a superseded timeline): the
 * one seen at more hops is judged, whichever closed first. */
START_TEST(test_superseded_keeps_furthest)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	struct wire w = req_snat();
	struct tl longer, shorter;

	for (int order = 0; order < 2; order++) {
		const struct ping_echo *e;
		__u16 seq = (__u16)(order + 1);

		tl_echo(&longer, ICMP_REQ, ID, seq);
		tl_cross(&longer, out, 0, out->n, &w, ECHO_LEN);
		tl_echo(&shorter, ICMP_REQ, ID, seq);
		tl_cross(&shorter, out, 0, 3, &w, ECHO_LEN);
		if (order) {
			tl_add(&shorter);
			tl_add(&longer);
		} else {
			tl_add(&longer);
			tl_add(&shorter);
		}
		ck_assert_uint_eq(rig->an.n_echoes, (size_t)order + 1);
		e = &rig->an.echoes[order];
		ck_assert_uint_eq(e->req.t->fingerprint, longer.t.fingerprint);
		ck_assert_uint_eq(e->req.t->n_hops, out->n);
	}
	ping_analyser_poll(&rig->an, rig->now, true);
	ck_assert_int_eq(rig->an.echoes[0].verdict.status, VERDICT_NO_REPLY);
	ck_assert_int_eq(rig->an.echoes[1].verdict.status, VERDICT_NO_REPLY);
}
END_TEST

/* ---- when an echo is over ------------------------------------------------- */

START_TEST(test_poll_settle)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	struct wire w = req_snat();
	struct tl a, b;
	__u64 last;

	echo(&a, ICMP_REQ, 1, out, 4, &w, ECHO_LEN);
	last = a.t.last_ts_ns;
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, last + PING_SETTLE_NS - 1, false), 0);
	ck_assert(!rig->an.echoes[0].concluded);
	ck_assert_uint_eq(rig->on_echo_calls, 0);
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, last + PING_SETTLE_NS, false), 1);
	ck_assert(rig->an.echoes[0].concluded);
	ck_assert_uint_eq(rig->on_echo_calls, 1);
	ck_assert_int_eq(rig->an.echoes[0].verdict.status, VERDICT_LOST);
	/* A shorter settle time counts from the echo's last hop too. */
	rig->an.settle_ns = 5 * MS;
	echo(&b, ICMP_REQ, 2, out, -1, &w, ECHO_LEN);
	last = b.t.last_ts_ns;
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, last + 5 * MS - 1, false), 1);
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, last + 5 * MS, false), 2);
	ck_assert_uint_eq(rig->on_echo_calls, 2);
}
END_TEST

START_TEST(test_poll_final)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	struct wire w = req_snat();
	struct tl a;

	echo(&a, ICMP_REQ, 1, out, 2, &w, ECHO_LEN);
	echo(&a, ICMP_REQ, 2, out, -1, &w, ECHO_LEN);
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, a.t.last_ts_ns, false), 0);
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, a.t.last_ts_ns, true), 2);
	ck_assert_uint_eq(rig->on_echo_calls, 2);
	ck_assert_int_eq(rig->an.echoes[0].verdict.status, VERDICT_LOST);
	ck_assert_int_eq(rig->an.echoes[1].verdict.status, VERDICT_NO_REPLY);
	/* Nothing concludes twice. */
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, a.t.last_ts_ns, true), 2);
	ck_assert_uint_eq(rig->on_echo_calls, 2);
}
END_TEST

START_TEST(test_status_and_none)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct journey *in = journey(PING_ROUTE_FULL, false);
	struct wire wq = req_snat(), wp = rep_snat();
	struct verdict v;
	struct tl x;
	char buf[128];

	ping_analyser_status(&rig->an, buf, sizeof(buf));
	ck_assert_str_eq(buf, "waiting for an echo request");
	ping_verdict_none(&rig->an, false, &v);
	ck_assert_int_eq(v.status, VERDICT_NOT_SEEN);
	assert_place(&v.where, ROLE_VM, 0);
	assert_has(v.reason, "crossed any of the 12 probe points");
	assert_has(v.reason, "nothing pinged");
	ping_verdict_none(&rig->an, true, &v);
	assert_has(v.reason, "crossed none of the 12 probe points");
	assert_has(v.reason, "no route to the address");

	echo(&x, ICMP_REQ, 1, out, -1, &wq, ECHO_LEN);
	echo(&x, ICMP_REP, 1, in, -1, &wp, ECHO_LEN);
	echo(&x, ICMP_REQ, 2, out, -1, &wq, ECHO_LEN);
	ping_analyser_poll(&rig->an, rig->now, false);
	ping_analyser_status(&rig->an, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2 echoes seen, 1 answered, 1 open");
}
END_TEST

/* ---- east-west, traced without DST (the router's path) ------------------- */

/* a2 pings a1: on a path planned to the router, judged on a1's side alone
 * (up to br-int), with what was not traced and the DST that traces it. */
START_TEST(test_east_west_vm_side)
{
	const struct ping_route *side = &rig->an.routes[PING_ROUTE_VM_SIDE];
	const struct journey *in = journey(PING_ROUTE_VM_SIDE, false);
	const struct journey *out = journey(PING_ROUTE_VM_SIDE, true);
	const struct wire wq = { PEER_IP, rig->vm_ip, NULL, NULL };
	const struct wire wp = { rig->vm_ip, PEER_IP, NULL, NULL };
	const struct ping_echo *e;
	struct tl req, rep;
	char cmd[128];

	/* vm, tap, qvb, qvo (qbr has no probe point) */
	ck_assert_uint_eq(side->view.n, (size_t)hop_of(ROLE_BR_INT, 0));
	ck_assert_uint_eq(out->n, 4);
	ck_assert_int_eq(out->pts[3].hop, hop_of(ROLE_QVO, 0));
	ck_assert_int_eq(in->pts[0].hop, hop_of(ROLE_QVO, 0));
	ck_assert_int_eq(in->pts[0].dir, NSTRACE_DIR_EGRESS);
	echo(&req, ICMP_REQ, 1, in, -1, &wq, ECHO_LEN);
	echo(&rep, ICMP_REP, 1, out, -1, &wp, ECHO_LEN);
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, rig->now, false), 1);
	e = &rig->an.echoes[0];
	ck_assert(!e->outbound);
	ck_assert_int_eq(e->route, PING_ROUTE_VM_SIDE);
	ck_assert_str_eq(ping_route_name(e->route), "vm-side");
	ck_assert_int_eq(e->verdict.status, VERDICT_COMPLETED);
	assert_place(&e->verdict.where, ROLE_QVO, 0);
	ck_assert_int_eq(e->verdict.where.dir, NSTRACE_DIR_INGRESS);
	assert_has(e->verdict.reason, "; 10.0.0.6 is another port of the VM's network: the echo "
				      "went east-west");
	assert_has(e->verdict.reason, "only the VM's side (up to br-int) was traced");
	snprintf(cmd, sizeof(cmd), "nstrace ping %s 10.0.0.6", rig->t.ports[rig->path.port].uuid);
	ck_assert_str_eq(e->verdict.command, cmd);
}
END_TEST

/* a1 pings a2 and no reply comes: said of the VM's side, not as a loss in
 * br-int -> br-tun (the router's way, which the echo never takes). */
START_TEST(test_east_west_no_reply)
{
	const struct journey *out = journey(PING_ROUTE_VM_SIDE, true);
	const struct wire wq = { rig->vm_ip, PEER_IP, NULL, NULL };
	const struct ping_echo *e;
	struct tl req;

	echo(&req, ICMP_REQ, 1, out, -1, &wq, ECHO_LEN);
	e = finish();
	ck_assert(e->outbound);
	ck_assert_int_eq(e->route, PING_ROUTE_VM_SIDE);
	ck_assert_int_eq(e->verdict.status, VERDICT_NO_REPLY);
	assert_place(&e->verdict.where, ROLE_QVO, 0);
	assert_has(e->verdict.reason, "10.0.0.6 is another port of the VM's network");
	assert_lacks(e->verdict.between, "br-tun");
}
END_TEST

/* a1 pings its DHCP port: the VM's side too, and the command names the
 * DHCP port's address (DST that plans the DHCP path). */
START_TEST(test_east_west_dhcp_port)
{
	const struct journey *out = journey(PING_ROUTE_VM_SIDE, true);
	const struct wire wq = { rig->vm_ip, "10.0.0.2", NULL, NULL };
	const struct ping_echo *e;
	struct tl req;
	char cmd[128];

	echo(&req, ICMP_REQ, 1, out, -1, &wq, ECHO_LEN);
	e = finish();
	ck_assert_int_eq(e->route, PING_ROUTE_VM_SIDE);
	snprintf(cmd, sizeof(cmd), "nstrace ping %s 10.0.0.2", rig->t.ports[rig->path.port].uuid);
	ck_assert_str_eq(e->verdict.command, cmd);
}
END_TEST

/* An address of another network (the same subnet elsewhere, tenants
 * overlap) or outside: the router's way, the whole path. */
START_TEST(test_not_east_west)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct wire wq = { rig->vm_ip, "10.0.0.77", NULL, NULL };
	const struct ping_echo *e;
	struct tl req;

	echo(&req, ICMP_REQ, 1, out, 2, &wq, ECHO_LEN);
	e = finish();
	ck_assert_int_eq(e->route, PING_ROUTE_FULL);
	assert_lacks(e->verdict.reason, "east-west");
}
END_TEST

/* ---- east-west to a2 ------------------------------------------------------ */

START_TEST(test_peer_completed)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct journey *in = journey(PING_ROUTE_FULL, false);
	const struct wire wq = { rig->vm_ip, PEER_IP, NULL, NULL };
	const struct wire wp = { PEER_IP, rig->vm_ip, NULL, NULL };
	const struct ping_echo *e;
	struct tl req, rep;

	ck_assert(!rig->an.routes[PING_ROUTE_ROUTER].valid);
	echo(&req, ICMP_REQ, 1, out, -1, &wq, ECHO_LEN);
	echo(&rep, ICMP_REP, 1, in, -1, &wp, ECHO_LEN);
	ck_assert_uint_eq(ping_analyser_poll(&rig->an, rig->now, false), 1);
	e = &rig->an.echoes[0];
	ck_assert_int_eq(e->route, PING_ROUTE_FULL);
	ck_assert_int_eq(e->verdict.status, VERDICT_COMPLETED);
	ck_assert_int_eq(e->req.c.n_seen, (int)out->n);
	assert_place(&e->verdict.where, ROLE_VM, 0);
	assert_lacks(e->verdict.reason, "NAT");
}
END_TEST

/* On the path to a2, an echo with a1's DHCP port is off the path: judged
 * on a1's side, the peer path named in the verdict. */
START_TEST(test_peer_path_other_neighbour)
{
	const struct journey *out = journey(PING_ROUTE_VM_SIDE, true);
	const struct journey *in = journey(PING_ROUTE_VM_SIDE, false);
	const struct wire wq = { rig->vm_ip, "10.0.0.2", NULL, NULL };
	const struct wire wp = { "10.0.0.2", rig->vm_ip, NULL, NULL };
	const struct ping_echo *e;
	struct tl req, rep;

	echo(&req, ICMP_REQ, 1, out, -1, &wq, ECHO_LEN);
	echo(&rep, ICMP_REP, 1, in, -1, &wp, ECHO_LEN);
	e = finish();
	ck_assert_int_eq(e->route, PING_ROUTE_VM_SIDE);
	ck_assert_int_eq(e->verdict.status, VERDICT_COMPLETED);
	assert_has(e->verdict.reason, "10.0.0.2 is another port of the VM's network: the echo "
				      "went east-west, off the peer path that was planned");
}
END_TEST

START_TEST(test_peer_arp_unanswered)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct ping_arp *x;
	struct tl q;

	ck_assert_int_eq(arp(&q, 1, rig->vm_ip, PEER_IP, out, -1), 1);
	ping_analyser_poll(&rig->an, rig->now, true);
	x = &rig->an.arps[0];
	ck_assert_int_eq(x->verdict.status, VERDICT_ARP_UNANSWERED);
	assert_place(&x->verdict.where, ROLE_VM, 1);
	assert_has(x->verdict.reason, "nobody answered: 10.0.0.6 is not configured");
}
END_TEST

/* a2 answered; its answer died on the way back, in br-tun on compute1. */
START_TEST(test_peer_arp_reply_lost)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct journey *in = journey(PING_ROUTE_FULL, false);
	const struct ping_arp *x;
	struct tl q, r;

	arp(&q, 1, rig->vm_ip, PEER_IP, out, -1);
	ck_assert_int_eq(arp(&r, 2, PEER_IP, rig->vm_ip, in,
			     (int)upto(in, ROLE_UNDERLAY, 0, NSTRACE_DIR_INGRESS)),
			 1);
	ping_analyser_poll(&rig->an, rig->now, true);
	x = &rig->an.arps[0];
	ck_assert_uint_eq(rig->on_arp_calls, 1);
	ck_assert_int_eq(x->verdict.status, VERDICT_ARP_UNANSWERED);
	assert_place(&x->verdict.where, ROLE_UNDERLAY, 0);
	assert_place(&x->verdict.next, ROLE_QVO, 0);
	assert_has(x->verdict.reason, "10.0.0.6 answered the ARP request, but the answer did "
				      "not reach 10.0.0.5");
}
END_TEST

/* ---- per-hop latency ------------------------------------------------------ */

static void samples(struct lat_samples *s, const __u64 *v, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->v = malloc(n * sizeof(*v));
	ck_assert_ptr_nonnull(s->v);
	memcpy(s->v, v, n * sizeof(*v));
	s->n = s->cap = n;
}

START_TEST(test_latency_stats)
{
	const __u64 odd[] = { 50, 10, 30, 20, 40 };
	const __u64 even[] = { 40, 10, 80, 100 };
	struct lat_samples s = { 0 };
	struct lat_stats st;

	lat_stats_of(&s, &st);
	ck_assert_uint_eq(st.count, 0);
	ck_assert_uint_eq(st.max, 0);
	samples(&s, odd, 5);
	lat_stats_of(&s, &st);
	ck_assert_uint_eq(st.count, 5);
	ck_assert_uint_eq(st.min, 10);
	ck_assert_uint_eq(st.median, 30);
	ck_assert_uint_eq(st.max, 50);
	free(s.v);
	samples(&s, even, 4);
	lat_stats_of(&s, &st);
	ck_assert_uint_eq(st.count, 4);
	ck_assert_uint_eq(st.min, 10);
	ck_assert_uint_eq(st.median, 60);
	ck_assert_uint_eq(st.max, 100);
	free(s.v);
}
END_TEST

/* Three requests (20, 40 and 30 us between points), one reply, given
 * reply first; a drop off the journey adds no row. */
static void latency_fill(struct hop_latency *l)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct journey *in = journey(PING_ROUTE_FULL, false);
	const __u64 steps[] = { 20 * US, 40 * US, 30 * US };
	struct wire wq = req_snat(), wp = rep_snat();
	struct tl x;

	hop_latency_init(l, &rig->path);
	rig->step = 10 * US;
	tl_echo(&x, ICMP_REP, ID, 1);
	tl_cross(&x, in, 0, in->n, &wp, ECHO_LEN);
	ck_assert_int_eq(hop_latency_add(l, 1, in, &x.t, &rig->places), 0);
	for (size_t i = 0; i < 3; i++) {
		rig->step = steps[i];
		tl_echo(&x, ICMP_REQ, ID, 1);
		tl_cross(&x, out, 0, out->n, &wq, ECHO_LEN);
		tl_drop(&x, hop_of(ROLE_QBR, 0), 2);
		ck_assert_int_eq(hop_latency_add(l, 0, out, &x.t, &rig->places), 0);
	}
	ck_assert_uint_eq(l->n_rows, out->n + in->n);
	ck_assert_int_eq(hop_latency_add_rtt(l, 900 * US), 0);
	ck_assert_int_eq(hop_latency_add_rtt(l, 700 * US), 0);
	ck_assert_int_eq(hop_latency_add_rtt(l, 1500 * US), 0);
	ck_assert_int_eq(hop_latency_add_rtt(l, 1100 * US), 0);
}

static json_int_t field(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_integer(v), "no integer %s", key);
	return json_integer_value(v);
}

static const char *sfield(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_string(v), "no string %s", key);
	return json_string_value(v);
}

START_TEST(test_latency_json)
{
	const struct journey *out = journey(PING_ROUTE_FULL, true);
	const struct journey *in = journey(PING_ROUTE_FULL, false);
	struct hop_latency l;
	json_t *j, *hops, *rtt;

	latency_fill(&l);
	j = hop_latency_json(&l);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(sfield(j, "type"), "latency");
	hops = json_object_get(j, "hops");
	ck_assert_uint_eq(json_array_size(hops), out->n + in->n);
	/* Requests first, in journey order, then replies. */
	for (size_t i = 0; i < json_array_size(hops); i++) {
		json_t *o = json_array_get(hops, i);
		bool reply = i >= out->n;
		const struct journey_point *p = reply ? &in->pts[i - out->n] : &out->pts[i];
		const struct path_hop *h = &rig->path.hops[p->hop];

		ck_assert_str_eq(sfield(o, "leg"), reply ? "reply" : "request");
		ck_assert_str_eq(sfield(o, "dev"), h->dev);
		ck_assert_str_eq(sfield(o, "netns"), h->netns);
		ck_assert_str_eq(sfield(o, "node"), h->node_name);
		ck_assert_str_eq(sfield(o, "role"), role_name(h->role));
		ck_assert_str_eq(sfield(o, "dir"), dir_json(p->dir));
		ck_assert_int_eq(field(o, "count"), reply ? 1 : 3);
	}
	/* The first point of a leg has nothing before it. */
	ck_assert_int_eq(field(json_array_get(hops, 0), "max_ns"), 0);
	ck_assert_int_eq(field(json_array_get(hops, 1), "min_ns"), 20 * US);
	ck_assert_int_eq(field(json_array_get(hops, 1), "median_ns"), 30 * US);
	ck_assert_int_eq(field(json_array_get(hops, 1), "max_ns"), 40 * US);
	ck_assert_int_eq(field(json_array_get(hops, out->n + 1), "median_ns"), 10 * US);
	ck_assert_str_eq(sfield(json_array_get(hops, 0), "dir"), "egress");
	ck_assert_str_eq(sfield(json_array_get(hops, out->n), "netns"), "nsl-ext");
	rtt = json_object_get(j, "rtt");
	ck_assert_int_eq(field(rtt, "count"), 4);
	ck_assert_int_eq(field(rtt, "min_ns"), 700 * US);
	ck_assert_int_eq(field(rtt, "median_ns"), 1000 * US);
	ck_assert_int_eq(field(rtt, "max_ns"), 1500 * US);
	json_decref(j);
	hop_latency_free(&l);
}
END_TEST

START_TEST(test_latency_text)
{
	struct hop_latency l;
	char *text = NULL, *first_reply, *last_request, *p;
	size_t len = 0;
	FILE *f;

	latency_fill(&l);
	f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	hop_latency_print_text(f, &l);
	fclose(f);
	assert_has(text, "Per-hop latency (us from the previous probe point)");
	assert_has(text, "COUNT");
	first_reply = strstr(text, "\n  reply ");
	ck_assert_ptr_nonnull(first_reply);
	last_request = NULL;
	for (p = strstr(text, "\n  request "); p; p = strstr(p + 1, "\n  request "))
		last_request = p;
	ck_assert_ptr_nonnull(last_request);
	ck_assert(last_request < first_reply);
	/* The VM's NIC leads the requests; min, median, max in microseconds. */
	assert_has(text, "request  compute1 nsl-vm-a1/eth0");
	assert_has(text, "20.000     30.000     40.000");
	assert_has(text, "  rtt      first probe point -> back");
	assert_has(text, "700.000   1000.000   1500.000");
	free(text);
	hop_latency_free(&l);
}
END_TEST

NSTRACE_SUITE(ping_verdict)
{
	Suite *s = suite_create("ping_verdict");
	TCase *l3 = tcase_create("l3");
	TCase *peer = tcase_create("peer");
	TCase *lat = tcase_create("latency");

	tcase_add_checked_fixture(l3, setup_l3, teardown);
	tcase_add_test(l3, test_routes);
	tcase_add_test(l3, test_completed);
	tcase_add_test(l3, test_router_address);
	tcase_add_test(l3, test_router_pings_vm);
	tcase_add_test(l3, test_lost);
	tcase_add_test(l3, test_dropped);
	tcase_add_test(l3, test_between_missing_device);
	tcase_add_test(l3, test_answered_early);
	tcase_add_test(l3, test_dropped_where_last_seen);
	tcase_add_test(l3, test_copy_drop_where_last_seen);
	tcase_add_test(l3, test_no_reply_no_snat);
	tcase_add_test(l3, test_no_reply_after_snat);
	tcase_add_test(l3, test_no_reply_after_fip_snat);
	tcase_add_test(l3, test_net_unreachable);
	tcase_add_test(l3, test_host_unreachable);
	tcase_add_test(l3, test_ttl_exceeded);
	tcase_add_test(l3, test_frag_needed);
	tcase_add_test(l3, test_error_timeline);
	tcase_add_test(l3, test_mtu_underlay);
	tcase_add_test(l3, test_mtu_device);
	tcase_add_test(l3, test_frag_needed_names_the_device);
	tcase_add_test(l3, test_arp_unanswered);
	tcase_add_test(l3, test_arp_request_lost);
	tcase_add_test(l3, test_arp_answered);
	tcase_add_test(l3, test_arp_ignored);
	tcase_add_test(l3, test_only_id);
	tcase_add_test(l3, test_other_echoes_ignored);
	tcase_add_test(l3, test_reply_closes_first);
	tcase_add_test(l3, test_superseded_keeps_furthest);
	tcase_add_test(l3, test_poll_settle);
	tcase_add_test(l3, test_poll_final);
	tcase_add_test(l3, test_status_and_none);
	tcase_add_test(l3, test_east_west_vm_side);
	tcase_add_test(l3, test_east_west_no_reply);
	tcase_add_test(l3, test_east_west_dhcp_port);
	tcase_add_test(l3, test_not_east_west);
	suite_add_tcase(s, l3);
	tcase_add_checked_fixture(peer, setup_peer, teardown);
	tcase_add_test(peer, test_peer_completed);
	tcase_add_test(peer, test_peer_path_other_neighbour);
	tcase_add_test(peer, test_peer_arp_unanswered);
	tcase_add_test(peer, test_peer_arp_reply_lost);
	suite_add_tcase(s, peer);
	tcase_add_checked_fixture(lat, setup_l3, teardown);
	tcase_add_test(lat, test_latency_stats);
	tcase_add_test(lat, test_latency_json);
	tcase_add_test(lat, test_latency_text);
	suite_add_tcase(s, lat);
	return s;
}
