// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The DHCP verdict rules (user/dhcp_verdict.c over user/verdict.c) from
 * recorded event sequences, without root: a1's DHCP path planned from the
 * recorded lab (tests/fixtures/topology/lab), probe points given hop ids
 * as the trace session gives them, and for each verdict the events the
 * lab showed for its fault — including the drops of copies that are not
 * the cause (the qbr bridge's own stack, the underlay NIC's stack beside
 * OVS's packet socket, the VM's stack beside udhcpc's raw socket) — fed
 * through the correlator into the analyser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "dhcp_analyse.h"
#include "event_fixtures.h"
#include "fixture_topology.h"
#include "path_plan.h"
#include "testlib.h"

/* Drop reasons as the running kernel would number them; the rules only
 * need to tell the catch-all from the rest. */
#define R_NOT_SPECIFIED 2
#define R_NETFILTER_DROP 12
#define R_OTHERHOST 13
#define R_DEV_READY 79
#define R_IP_INADDRERRORS 87

static const char *fake_drop_name(__u32 reason)
{
	switch (reason) {
	case R_NOT_SPECIFIED:
		return "NOT_SPECIFIED";
	case R_NETFILTER_DROP:
		return "NETFILTER_DROP";
	case R_OTHERHOST:
		return "OTHERHOST";
	case R_DEV_READY:
		return "DEV_READY";
	case R_IP_INADDRERRORS:
		return "IP_INADDRERRORS";
	}
	return NULL;
}

#define DROP_ID_BASE FIXTURE_DROP_ID_BASE /* drop places: + path hop */
#define MS 1000000ull
#define CLIENT "fa:16:3e:16:79:bb"
#define SERVER "fa:16:3e:99:00:02"
#define XID 0x1a2b3c4du

/* Everything one test needs; built fresh per test (forked). */
struct rig {
	struct topology t;
	struct port_path path;
	struct hop_places places;
	struct dhcp_analyser an;
	struct correlator *corr;
	struct journey out, back;
	__u64 now;
	__u64 fp;
};

static struct rig *rig;

static void on_close(const struct timeline *t, void *ctx)
{
	struct rig *r = ctx;

	ck_assert_int_ge(dhcp_analyser_add(&r->an, t), 0);
}

/* a1's port from the recording's own description. */
static int a1_port(struct topology *t)
{
	json_t *m = fixture_manifest(), *vm;
	int idx[2] = { -1, -1 };
	size_t i;

	json_array_foreach(json_object_get(json_object_get(m, "lab"), "vms"), i, vm) {
		const char *uuid = json_string_value(json_object_get(vm, "port_uuid"));

		if (!strcmp(json_string_value(json_object_get(vm, "name")), "a1"))
			ck_assert_int_eq(topology_match_port(t, uuid, idx, 2), 1);
	}
	json_decref(m);
	ck_assert_int_ge(idx[0], 0);
	return idx[0];
}

/* The analyser and both journeys, from rig->path as it is now. */
static void analyse_path(void)
{
	ck_assert_int_eq(dhcp_analyser_init(&rig->an, &rig->t, &rig->path, &rig->places,
					    fake_drop_name),
			 0);
	ck_assert_int_eq(journey_plan(&rig->path, true, &rig->out), 0);
	ck_assert_int_eq(journey_plan(&rig->path, false, &rig->back), 0);
}

static void setup(void)
{
	struct correlator_opts co = { .idle_ns = 1000 * MS, .on_close = on_close };

	rig = calloc(1, sizeof(*rig));
	ck_assert_ptr_nonnull(rig);
	fixture_topology(&rig->t, NULL, NULL, false);
	ck_assert_int_eq(path_plan(&rig->t, a1_port(&rig->t), PATH_DHCP, &rig->path), 0);
	ck_assert_str_eq(rig->path.problem, "");
	fixture_hop_places(&rig->path, &rig->places);
	analyse_path();
	co.ctx = rig;
	rig->corr = correlator_new(&co);
	ck_assert_ptr_nonnull(rig->corr);
	rig->now = 1000 * MS;
}

static void teardown(void)
{
	correlator_free(rig->corr);
	dhcp_analyser_free(&rig->an);
	journey_free(&rig->out);
	journey_free(&rig->back);
	port_path_free(&rig->path);
	fixture_topology_free(&rig->t);
	free(rig);
}

/* The hop id the attach layer gave (path hop, direction). */
static __u32 point_id(int hop, __u8 dir)
{
	return fixture_point_id(&rig->places, hop, dir);
}

static int hop_of(enum dev_role role, int nth)
{
	for (size_t i = 0; i < rig->path.n; i++)
		if (rig->path.hops[i].role == role && nth-- == 0)
			return (int)i;
	ck_abort_msg("no %s hop", role_name(role));
	return -1;
}

static void dhcp_fields(struct nstrace_event *e, __u8 msg)
{
	bool to_server = dhcp_msg_to_server(msg);

	fx_eth(e, to_server ? CLIENT : SERVER, to_server ? "ff:ff:ff:ff:ff:ff" : CLIENT, 0x0800);
	fx_ip(e, to_server ? "0.0.0.0" : "10.0.0.2", to_server ? "255.255.255.255" : "10.0.0.5",
	      17, 64);
	fx_ports(e, to_server ? 68 : 67, to_server ? 67 : 68);
	fx_dhcp4(e, to_server ? 1 : 2, msg, XID, CLIENT);
}

/*
 * One message: it crosses the first n points of its journey (all: -1),
 * 20 us apart, and the kernel drops copies of it at the path hops in
 * drops[] (pairs of hop, reason; -1 ends).  A new fingerprint per call,
 * as each retry has its own (secs grows).
 */
static void send_msg(__u8 msg, int n, const int *drops)
{
	const struct journey *j = dhcp_msg_to_server(msg) ? &rig->out : &rig->back;
	struct nstrace_event e;
	size_t last = n < 0 ? j->n : (size_t)n;

	rig->fp += 0x101;
	for (size_t k = 0; k < last; k++) {
		fx_event(&e, rig->fp, point_id(j->pts[k].hop, j->pts[k].dir), j->pts[k].dir,
			 rig->now);
		dhcp_fields(&e, msg);
		if (rig->path.hops[j->pts[k].hop].role == ROLE_UNDERLAY)
			fx_tunnel(&e, NSTRACE_TUN_GRE, 101, "192.168.240.11", "192.168.240.10");
		correlator_add(rig->corr, &e);
		rig->now += 20000;
	}
	for (int i = 0; drops && drops[i] >= 0; i += 2) {
		fx_event(&e, rig->fp, DROP_ID_BASE + (__u32)drops[i], NSTRACE_DIR_UNKNOWN,
			 rig->now);
		e.kind = NSTRACE_EV_DROP;
		e.drop_reason = (__u32)drops[i + 1];
		e.drop_location = 0xffffffff81000000ull + (__u64)drops[i + 1];
		dhcp_fields(&e, msg);
		correlator_add(rig->corr, &e);
		rig->now += 5000;
	}
	rig->now += 2 * MS;
}

/* The trace ends: timelines close, the transaction is judged. */
static const struct verdict *finish(void)
{
	correlator_flush(rig->corr);
	dhcp_analyser_poll(&rig->an, rig->now + 10 * DHCP_SETTLE_NS, true);
	ck_assert_uint_eq(rig->an.n_txns, 1);
	ck_assert(rig->an.txns[0].concluded);
	return &rig->an.txns[0].verdict;
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

/* What the lab shows around a healthy exchange: drops of copies. */
static int noise_out[8], noise_back[8];

static void noise(void)
{
	int q = hop_of(ROLE_QBR, 0), o = hop_of(ROLE_QVO, 0);
	int e_net = hop_of(ROLE_UNDERLAY, 3), e_cmp = hop_of(ROLE_UNDERLAY, 0);
	int vm = hop_of(ROLE_VM, 0);
	int a[] = { q, R_NOT_SPECIFIED, o, R_NOT_SPECIFIED, e_net, R_OTHERHOST, -1 };
	int b[] = { e_cmp, R_OTHERHOST, vm, R_IP_INADDRERRORS, -1 };

	memcpy(noise_out, a, sizeof(a));
	memcpy(noise_back, b, sizeof(b));
}

START_TEST(test_journeys)
{
	const struct journey *o = &rig->out, *b = &rig->back;

	ck_assert_uint_eq(o->n, b->n);
	ck_assert_uint_ge(o->n, 7);
	/* Out: the VM's NIC first, the DHCP port last, each point's dir_out. */
	ck_assert_int_eq(rig->path.hops[o->pts[0].hop].role, ROLE_VM);
	ck_assert_int_eq(o->pts[0].dir, NSTRACE_DIR_EGRESS);
	ck_assert_int_eq(rig->path.hops[o->pts[o->n - 1].hop].role, ROLE_DHCP_TAP);
	ck_assert_int_eq(o->pts[o->n - 1].dir, NSTRACE_DIR_INGRESS);
	/* Back: the reverse, directions flipped. */
	for (size_t k = 0; k < o->n; k++) {
		ck_assert_int_eq(b->pts[k].hop, o->pts[o->n - 1 - k].hop);
		ck_assert_int_ne(b->pts[k].dir, o->pts[o->n - 1 - k].dir);
		ck_assert(rig->path.hops[o->pts[k].hop].attachable);
	}
	ck_assert_int_lt(journey_pos(b, o->pts[o->n - 1].hop), journey_pos(b, o->pts[0].hop));
	ck_assert_int_eq(journey_find(o, o->pts[2].hop, o->pts[2].dir), 2);
	ck_assert_int_eq(journey_find(o, o->pts[2].hop, NSTRACE_DIR_UNKNOWN), -1);
}
END_TEST

START_TEST(test_completed)
{
	const struct verdict *v;

	noise();
	send_msg(DHCP_DISCOVER, -1, noise_out);
	send_msg(DHCP_OFFER, -1, noise_back);
	send_msg(DHCP_REQUEST, -1, noise_out);
	send_msg(DHCP_ACK, -1, noise_back);
	v = finish();
	ck_assert_str_eq(verdict_status_name(v->status), "completed");
	ck_assert(!verdict_is_fault(v->status));
	assert_place(&v->where, ROLE_VM, 0);
	ck_assert_str_eq(v->subject, "ACK xid 0x1a2b3c4d");
	/* Each message crossed every probe point of its journey. */
	for (size_t i = 0; i < rig->an.txns[0].n_msgs; i++) {
		const struct dhcp_msg *m = &rig->an.txns[0].msgs[i];

		ck_assert(m->c.reached_end);
		ck_assert_int_eq(m->c.n_seen, (int)rig->out.n);
	}
	ck_assert_uint_eq(rig->an.txns[0].n_msgs, 4);
}
END_TEST

/* sg-drop-dhcp-request: the spoofing chain drops the DISCOVERs on the
 * bridge between tap and qvb; the bridge's own stack drops its copy too. */
START_TEST(test_sg_drop_request)
{
	int q = hop_of(ROLE_QBR, 0), vb = hop_of(ROLE_QVB, 0);
	int drops[] = { q, R_NOT_SPECIFIED, vb, R_NETFILTER_DROP, -1 };
	const struct verdict *v;

	for (int retry = 0; retry < 3; retry++)
		send_msg(DHCP_DISCOVER, 2, drops);
	v = finish();
	ck_assert_int_eq(v->status, VERDICT_DROPPED);
	assert_place(&v->where, ROLE_QVB, 0);
	ck_assert(v->has_drop);
	ck_assert_uint_eq(v->drop_reason, R_NETFILTER_DROP);
	ck_assert_str_eq(v->subject, "DISCOVER xid 0x1a2b3c4d");
	ck_assert_ptr_nonnull(strstr(v->reason, "security group"));
	ck_assert_uint_le(v->check_first, (size_t)hop_of(ROLE_TAP, 0));
	ck_assert_uint_ge(v->check_last, (size_t)vb);
}
END_TEST

/* sg-drop-dhcp-reply: the OFFER dies in the ingress chain before the tap. */
START_TEST(test_sg_drop_reply)
{
	int tap = hop_of(ROLE_TAP, 0);
	int drops[] = { tap, R_NETFILTER_DROP, -1 };
	const struct verdict *v;

	noise();
	send_msg(DHCP_DISCOVER, -1, noise_out);
	/* dhcp tap .. qvo, qvb: all but tap and VM. */
	send_msg(DHCP_OFFER, (int)rig->back.n - 2, drops);
	v = finish();
	ck_assert_int_eq(v->status, VERDICT_DROPPED);
	ck_assert_str_eq(v->subject, "OFFER xid 0x1a2b3c4d");
	assert_place(&v->where, ROLE_TAP, 0);
	ck_assert_uint_eq(v->drop_reason, R_NETFILTER_DROP);
}
END_TEST

/* dnsmasq-dead: the DISCOVER reaches the DHCP port, whose stack finds no
 * socket on port 67 and drops it; no OFFER. */
START_TEST(test_dnsmasq_dead)
{
	int d = hop_of(ROLE_DHCP_TAP, 0);
	int drops[] = { hop_of(ROLE_QBR, 0), R_NOT_SPECIFIED, d, R_NOT_SPECIFIED, -1 };
	const struct verdict *v;

	send_msg(DHCP_DISCOVER, -1, drops);
	send_msg(DHCP_DISCOVER, -1, drops);
	v = finish();
	ck_assert_int_eq(v->status, VERDICT_DROPPED);
	assert_place(&v->where, ROLE_DHCP_TAP, 0);
	ck_assert_ptr_nonnull(strstr(v->reason, "dnsmasq"));
	ck_assert_uint_le(v->check_first, (size_t)d);
	ck_assert_uint_ge(v->check_last, (size_t)d);
}
END_TEST

/* host-entry-missing / dhcp-port-ip-missing: dnsmasq reads the DISCOVER
 * and stays silent. */
START_TEST(test_reply_never_sent)
{
	int d = hop_of(ROLE_DHCP_TAP, 0);
	const struct verdict *v;

	noise();
	for (int retry = 0; retry < 3; retry++)
		send_msg(DHCP_DISCOVER, -1, noise_out);
	v = finish();
	ck_assert_str_eq(verdict_status_name(v->status), "reply-never-sent");
	assert_place(&v->where, ROLE_DHCP_TAP, 0);
	ck_assert_int_eq(v->where.dir, NSTRACE_DIR_INGRESS);
	ck_assert_uint_eq(v->check_first, (size_t)d);
	ck_assert_uint_eq(v->check_last, (size_t)d);
	ck_assert_uint_eq(rig->an.txns[0].n_msgs, 3);
}
END_TEST

/* dhcp-port-unplugged (an internal port): the DHCP port's device is gone,
 * the journey ends at the network node's NIC; a DISCOVER seen there is
 * lost on the way to the missing port, not ignored by dnsmasq. */
START_TEST(test_server_port_missing)
{
	int d = hop_of(ROLE_DHCP_TAP, 0), e_net = hop_of(ROLE_UNDERLAY, 3);
	struct path_hop *tap = &rig->path.hops[d];
	const struct verdict *v;

	dhcp_analyser_free(&rig->an);
	journey_free(&rig->out);
	journey_free(&rig->back);
	tap->missing = true;
	tap->attachable = false;
	tap->dev[0] = '\0';
	snprintf(tap->note, sizeof(tap->note), "no tap device in qdhcp-x");
	analyse_path();
	ck_assert_int_eq(rig->out.pts[rig->out.n - 1].hop, e_net);
	send_msg(DHCP_DISCOVER, -1, NULL);
	v = finish();
	ck_assert_str_eq(verdict_status_name(v->status), "lost");
	assert_place(&v->where, ROLE_UNDERLAY, 3);
	ck_assert_int_eq(v->next.hop, d);
	ck_assert_uint_eq(v->check_last, (size_t)d);
	ck_assert_msg(strstr(v->reason, "the last probe point before the DHCP server, whose "
					"port is missing in") &&
			      strstr(v->reason, ": no tap device in qdhcp-x"),
		      "%s", v->reason);
	ck_assert_msg(strstr(v->between, "br-tun -> br-int flows"), "%s", v->between);
}
END_TEST

/* dhcp-port-down: the DISCOVER crosses to the network node's NIC; the
 * DHCP port's tap, down, refuses it (DEV_READY). */
START_TEST(test_dhcp_port_down)
{
	int drops[] = { hop_of(ROLE_UNDERLAY, 3), R_OTHERHOST, hop_of(ROLE_DHCP_TAP, 0),
			R_DEV_READY, -1 };
	const struct verdict *v;

	send_msg(DHCP_DISCOVER, (int)rig->out.n - 1, drops);
	v = finish();
	ck_assert_int_eq(v->status, VERDICT_DROPPED);
	assert_place(&v->where, ROLE_DHCP_TAP, 0);
	ck_assert_uint_eq(v->drop_reason, R_DEV_READY);
}
END_TEST

/* brtun-flow-missing on the compute node: the OFFER arrives on its NIC
 * (whose stack drops a copy: not for its MAC) and never reaches qvo. */
START_TEST(test_brtun_flow_missing)
{
	int eth1 = hop_of(ROLE_UNDERLAY, 0), qvo = hop_of(ROLE_QVO, 0);
	int drops[] = { eth1, R_OTHERHOST, -1 };
	const struct verdict *v;

	noise();
	send_msg(DHCP_DISCOVER, -1, noise_out);
	send_msg(DHCP_OFFER, journey_find(&rig->back, eth1, NSTRACE_DIR_INGRESS) + 1, drops);
	v = finish();
	ck_assert_str_eq(verdict_status_name(v->status), "lost");
	ck_assert_str_eq(v->subject, "OFFER xid 0x1a2b3c4d");
	assert_place(&v->where, ROLE_UNDERLAY, 0);
	assert_place(&v->next, ROLE_QVO, 0);
	ck_assert_int_eq(v->next.dir, NSTRACE_DIR_EGRESS);
	ck_assert_ptr_nonnull(strstr(v->between, "br-tun -> br-int flows on node"));
	ck_assert_ptr_nonnull(strstr(v->between, rig->path.hops[eth1].node_name));
	ck_assert_ptr_nonnull(strstr(v->command, "ofproto/trace br-tun 'in_port=gre-"));
	ck_assert_ptr_nonnull(strstr(v->command, "tun_id=0x65"));
	ck_assert_ptr_nonnull(strstr(v->command, "udp_src=67,udp_dst=68"));
	/* What the ovs-trace check asks ovs-vswitchd: from br-tun to br-int. */
	ck_assert_str_eq(v->trace.bridge, "br-tun");
	ck_assert_str_eq(v->trace.reach, "br-int");
	ck_assert_int_eq(v->trace.node, rig->path.hops[eth1].node);
	ck_assert_ptr_nonnull(strstr(v->trace.flow, "in_port=gre-"));
	ck_assert_uint_le(v->check_first, (size_t)qvo);
	ck_assert_uint_ge(v->check_last, (size_t)eth1);
}
END_TEST

/* underlay-down / wrong-vlan-tag: the DISCOVER enters br-int on qvo and
 * never leaves the node. */
START_TEST(test_lost_in_br_int)
{
	int qvo = hop_of(ROLE_QVO, 0), eth1 = hop_of(ROLE_UNDERLAY, 0);
	int drops[] = { hop_of(ROLE_QBR, 0), R_NOT_SPECIFIED, qvo, R_NOT_SPECIFIED, -1 };
	const struct verdict *v;

	send_msg(DHCP_DISCOVER, journey_find(&rig->out, qvo, NSTRACE_DIR_INGRESS) + 1, drops);
	v = finish();
	ck_assert_int_eq(v->status, VERDICT_LOST);
	assert_place(&v->where, ROLE_QVO, 0);
	assert_place(&v->next, ROLE_UNDERLAY, 0);
	ck_assert_ptr_nonnull(strstr(v->between, "br-int -> br-tun flows on node"));
	ck_assert_ptr_nonnull(strstr(v->command, "ofproto/trace br-int 'in_port=qvo"));
	ck_assert_str_eq(v->trace.bridge, "br-int");
	ck_assert_str_eq(v->trace.reach, "br-tun");
	ck_assert_uint_eq(v->check_first, (size_t)qvo);
	ck_assert_uint_eq(v->check_last, (size_t)eth1);
}
END_TEST

/* The underlay between two nodes: seen leaving one, never arriving. */
START_TEST(test_lost_on_underlay)
{
	int e0 = hop_of(ROLE_UNDERLAY, 0);
	const struct verdict *v;

	send_msg(DHCP_DISCOVER, journey_find(&rig->out, e0, NSTRACE_DIR_EGRESS) + 1, NULL);
	v = finish();
	ck_assert_int_eq(v->status, VERDICT_LOST);
	assert_place(&v->where, ROLE_UNDERLAY, 0);
	assert_place(&v->next, ROLE_UNDERLAY, 1);
	ck_assert_ptr_nonnull(strstr(v->between, "the underlay between"));
}
END_TEST

START_TEST(test_no_traffic)
{
	struct verdict v;

	correlator_flush(rig->corr);
	ck_assert_uint_eq(dhcp_analyser_poll(&rig->an, rig->now, true), 0);
	dhcp_verdict_none(&rig->an, &v);
	ck_assert_str_eq(verdict_status_name(v.status), "request-never-seen");
	assert_place(&v.where, ROLE_VM, 0);
	ck_assert_uint_eq(v.check_first, 0);
	ck_assert_uint_eq(v.check_last, (size_t)hop_of(ROLE_TAP, 0));
	ck_assert_ptr_nonnull(strstr(v.reason, "dhclient"));
}
END_TEST

/* The OFFER reached the VM, which never asked for the address. */
START_TEST(test_client_silent)
{
	const struct verdict *v;

	send_msg(DHCP_DISCOVER, -1, NULL);
	send_msg(DHCP_OFFER, -1, NULL);
	v = finish();
	ck_assert_int_eq(v->status, VERDICT_NOT_SEEN);
	ck_assert_str_eq(v->subject, "OFFER xid 0x1a2b3c4d");
	assert_place(&v->where, ROLE_VM, 0);
}
END_TEST

START_TEST(test_nak)
{
	const struct verdict *v;

	send_msg(DHCP_REQUEST, -1, NULL);
	send_msg(DHCP_NAK, -1, NULL);
	v = finish();
	ck_assert_str_eq(verdict_status_name(v->status), "refused");
	assert_place(&v->where, ROLE_DHCP_TAP, 0);
}
END_TEST

/* The attempt that got furthest counts: a first DISCOVER lost (the
 * tunnel's neighbour not yet known), the retry answered. */
START_TEST(test_retry_succeeds)
{
	const struct verdict *v;

	send_msg(DHCP_DISCOVER, 4, NULL);
	send_msg(DHCP_DISCOVER, -1, NULL);
	send_msg(DHCP_OFFER, -1, NULL);
	send_msg(DHCP_REQUEST, -1, NULL);
	send_msg(DHCP_ACK, -1, NULL);
	v = finish();
	ck_assert_int_eq(v->status, VERDICT_COMPLETED);
	ck_assert_uint_eq(rig->an.txns[0].n_msgs, 5);
}
END_TEST

/* Drops elsewhere (a flooded copy's) and drops before the place where the
 * message stopped do not make it a drop. */
START_TEST(test_drops_elsewhere_ignored)
{
	int vm = hop_of(ROLE_VM, 0), qvo = hop_of(ROLE_QVO, 0);
	int drops[] = { vm, R_NETFILTER_DROP, qvo, R_NOT_SPECIFIED, -1 };
	struct nstrace_event e;
	const struct verdict *v;

	send_msg(DHCP_DISCOVER, journey_find(&rig->out, qvo, NSTRACE_DIR_INGRESS) + 1, drops);
	/* A drop at a device off the path: no place, hop id 0. */
	fx_event(&e, rig->fp, 0, NSTRACE_DIR_UNKNOWN, rig->now);
	e.kind = NSTRACE_EV_DROP;
	e.drop_reason = R_NETFILTER_DROP;
	dhcp_fields(&e, DHCP_DISCOVER);
	correlator_add(rig->corr, &e);
	v = finish();
	ck_assert_int_eq(v->status, VERDICT_LOST);
	assert_place(&v->where, ROLE_QVO, 0);
}
END_TEST

/* When is a transaction over: an ACK at once, a fault after the settle
 * time without a new message. */
START_TEST(test_conclusion_timing)
{
	__u64 t_last;

	send_msg(DHCP_DISCOVER, 3, NULL);
	correlator_expire(rig->corr, rig->now + 2000 * MS);
	ck_assert_uint_eq(rig->an.n_txns, 1);
	t_last = rig->an.txns[0].last_ts;
	ck_assert_uint_eq(dhcp_analyser_poll(&rig->an, t_last + DHCP_SETTLE_NS - 1, false), 0);
	ck_assert(!rig->an.txns[0].concluded);
	ck_assert_uint_eq(dhcp_analyser_poll(&rig->an, t_last + DHCP_SETTLE_NS, false), 1);
	ck_assert_int_eq(rig->an.txns[0].verdict.status, VERDICT_LOST);

	/* A second transaction (new xid) completes without waiting. */
	teardown();
	setup();
	send_msg(DHCP_DISCOVER, -1, NULL);
	send_msg(DHCP_OFFER, -1, NULL);
	send_msg(DHCP_REQUEST, -1, NULL);
	send_msg(DHCP_ACK, -1, NULL);
	correlator_expire(rig->corr, rig->now + 1001 * MS);
	ck_assert_uint_eq(dhcp_analyser_poll(&rig->an, rig->now + 1001 * MS, false), 1);
	ck_assert_int_eq(rig->an.txns[0].verdict.status, VERDICT_COMPLETED);
}
END_TEST

START_TEST(test_status_text)
{
	char buf[256];

	dhcp_analyser_status(&rig->an, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "waiting for DHCP from the VM"));
	send_msg(DHCP_DISCOVER, -1, NULL);
	correlator_expire(rig->corr, rig->now + 2000 * MS);
	dhcp_analyser_status(&rig->an, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "xid 0x1a2b3c4d: DISCOVER seen at"));
	ck_assert_ptr_nonnull(strstr(buf, "waiting for the OFFER"));
}
END_TEST

NSTRACE_SUITE(dhcp_verdict)
{
	Suite *s = suite_create("dhcp_verdict");
	TCase *tc = tcase_create("dhcp_verdict");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_journeys);
	tcase_add_test(tc, test_completed);
	tcase_add_test(tc, test_server_port_missing);
	tcase_add_test(tc, test_sg_drop_request);
	tcase_add_test(tc, test_sg_drop_reply);
	tcase_add_test(tc, test_dnsmasq_dead);
	tcase_add_test(tc, test_reply_never_sent);
	tcase_add_test(tc, test_dhcp_port_down);
	tcase_add_test(tc, test_brtun_flow_missing);
	tcase_add_test(tc, test_lost_in_br_int);
	tcase_add_test(tc, test_lost_on_underlay);
	tcase_add_test(tc, test_no_traffic);
	tcase_add_test(tc, test_client_silent);
	tcase_add_test(tc, test_nak);
	tcase_add_test(tc, test_retry_succeeds);
	tcase_add_test(tc, test_drops_elsewhere_ignored);
	tcase_add_test(tc, test_conclusion_timing);
	tcase_add_test(tc, test_status_text);
	suite_add_tcase(s, tc);
	return s;
}
