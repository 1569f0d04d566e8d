// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The peer path (path_plan_peer): one instance to another on the same
 * network, across the tunnel or inside one node, and the requests that are
 * no peer path.  Suite path_peer plans from the recorded lab
 * (tests/fixtures/topology/lab); suite path_peer_e2e (root) from a live
 * lab, checked against the kernel.  Names come from the lab's own
 * description, never from this file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture_topology.h"
#include "lab_fixture.h"
#include "live_util.h"
#include "path_plan.h" /* <linux/types.h> before the event ABI */
#include "nstrace_event.h"
#include "testlib.h"
#include "verdict.h"

/* An instance's side as a packet leaving it meets it: the lab's key for
 * the device, the one for its namespace, the direction, a probe or not. */
static const struct {
	enum dev_role role;
	const char *dev_key;
	const char *ns_key;
	__u8 dir;
	bool attachable;
} vm_side[] = {
	{ ROLE_VM, "device", "namespace", NSTRACE_DIR_EGRESS, true },
	{ ROLE_TAP, "tap", "node_namespace", NSTRACE_DIR_INGRESS, true },
	{ ROLE_QBR, "qbr", "node_namespace", NSTRACE_DIR_EGRESS, false },
	{ ROLE_QVB, "qvb", "node_namespace", NSTRACE_DIR_EGRESS, true },
	{ ROLE_QVO, "qvo", "node_namespace", NSTRACE_DIR_INGRESS, true },
};
#define SIDE_HOPS (sizeof(vm_side) / sizeof(vm_side[0]))

static __u8 flip(__u8 dir)
{
	return dir == NSTRACE_DIR_EGRESS ? NSTRACE_DIR_INGRESS : NSTRACE_DIR_EGRESS;
}

static int port_of(const struct topology *t, const char *uuid)
{
	int idx[4];

	ck_assert_int_eq(topology_match_port(t, uuid, idx, 4), 1);
	return idx[0];
}

/* A node is named by OVS's hostname, or by its namespace when two labs
 * run at once and their hostnames repeat. */
static void assert_node(const struct topology *t, int node, json_t *lab, const char *name)
{
	json_t *n = find_by(json_object_get(lab, "nodes"), "name", name);
	const char *got = topo_node_name(t, node);

	ck_assert_msg(!strcmp(got, name) || !strcmp(got, jstr(n, "namespace")),
		      "node %s, want %s", got, name);
}

/*
 * vm's side at hops[first..first+5): leaving it in its order, or
 * (toward_vm) arriving at it in reverse order with every direction turned.
 */
static void assert_side(const struct topology *t, const struct port_path *p, size_t first,
			json_t *vm, bool toward_vm)
{
	int node = t->ports[port_of(t, jstr(vm, "port_uuid"))].node;

	ck_assert_uint_le(first + SIDE_HOPS, p->n);
	for (size_t k = 0; k < SIDE_HOPS; k++) {
		size_t i = toward_vm ? SIDE_HOPS - 1 - k : k;
		const struct path_hop *h = &p->hops[first + k];

		ck_assert_msg(h->role == vm_side[i].role, "hop %zu: %s, want %s", first + k,
			      role_name(h->role), role_name(vm_side[i].role));
		ck_assert_str_eq(h->dev, jstr(vm, vm_side[i].dev_key));
		ck_assert_str_eq(h->netns, jstr(vm, vm_side[i].ns_key));
		ck_assert_int_eq(h->node, node);
		ck_assert_int_eq(h->dir_out, (toward_vm ? flip(vm_side[i].dir) : vm_side[i].dir));
		ck_assert_int_eq(h->attachable, vm_side[i].attachable);
		ck_assert(!h->missing && !h->has_key);
		if (h->attachable)
			ck_assert_int_gt(h->ifindex, 0);
		if (h->role == ROLE_QVO)
			ck_assert_int_eq(h->vlan, json_integer_value(json_object_get(vm, "local_vlan")));
		if (h->role == ROLE_VM)
			ck_assert_str_eq(h->mac, jstr(vm, "mac"));
	}
}

static const char *tunnel_port_to(json_t *lab, const char *node, const char *peer)
{
	json_t *n = find_by(json_object_get(lab, "nodes"), "name", node);

	return jstr(find_by(json_object_get(n, "tunnels"), "remote_node", peer), "port");
}

/* The hop of role on node, exactly one; its index. */
static size_t only_hop(const struct port_path *p, enum dev_role role, int node)
{
	size_t found = p->n;

	for (size_t i = 0; i < p->n; i++)
		if (p->hops[i].role == role && p->hops[i].node == node) {
			ck_assert_msg(found == p->n, "two %s hops on node %d", role_name(role),
				      node);
			found = i;
		}
	ck_assert_msg(found < p->n, "no %s hop on node %d", role_name(role), node);
	return found;
}

/* a -> b across the tunnel: both sides, br-int to br-int, GRE with the
 * network's key between the nodes' tunnel addresses. */
static void assert_cross_node(const struct topology *t, const struct port_path *p, json_t *lab,
			      json_t *a, json_t *b)
{
	int pa = port_of(t, jstr(a, "port_uuid")), pb = port_of(t, jstr(b, "port_uuid"));
	int na = t->ports[pa].node, nb = t->ports[pb].node;
	json_t *net = find_by(json_object_get(lab, "networks"), "uuid", jstr(a, "network_uuid"));
	json_t *node_a = find_by(json_object_get(lab, "nodes"), "name", jstr(a, "node"));
	json_t *node_b = find_by(json_object_get(lab, "nodes"), "name", jstr(b, "node"));
	__u32 key = (__u32)json_integer_value(json_object_get(net, "segmentation_id"));
	size_t ua, ub, ta, tb, first_b = p->n - SIDE_HOPS;
	const struct path_hop *h;

	ck_assert_int_eq(p->kind, PATH_PEER);
	ck_assert_str_eq(path_kind_name(p->kind), "peer");
	ck_assert_msg(!p->problem[0], "problem: %s", p->problem);
	ck_assert_int_eq(p->port, pa);
	ck_assert_int_eq(p->target_port, pb);
	ck_assert_int_eq(p->target_node, nb);
	ck_assert_int_ne(na, nb);
	assert_node(t, na, lab, jstr(a, "node"));
	assert_node(t, nb, lab, jstr(b, "node"));
	assert_side(t, p, 0, a, false);
	assert_side(t, p, first_b, b, true);

	h = &p->hops[SIDE_HOPS];
	ck_assert_int_eq(h->role, ROLE_BR_INT);
	ck_assert_int_eq(h->node, na);
	ck_assert_int_eq(h->vlan, json_integer_value(json_object_get(a, "local_vlan")));
	ck_assert_int_eq(h->dir_out, NSTRACE_DIR_EGRESS);
	h = &p->hops[first_b - 1];
	ck_assert_int_eq(h->role, ROLE_BR_INT);
	ck_assert_int_eq(h->node, nb);
	ck_assert_int_eq(h->vlan, json_integer_value(json_object_get(b, "local_vlan")));
	ck_assert_int_eq(h->dir_out, NSTRACE_DIR_INGRESS);

	ta = only_hop(p, ROLE_TUNNEL, na);
	tb = only_hop(p, ROLE_TUNNEL, nb);
	ck_assert_str_eq(p->hops[ta].dev, tunnel_port_to(lab, jstr(a, "node"), jstr(b, "node")));
	ck_assert_str_eq(p->hops[tb].dev, tunnel_port_to(lab, jstr(b, "node"), jstr(a, "node")));
	ua = only_hop(p, ROLE_UNDERLAY, na);
	ub = only_hop(p, ROLE_UNDERLAY, nb);
	ck_assert(ta < ua && ua < ub && ub < tb);
	h = &p->hops[ua];
	ck_assert_str_eq(h->dev, jstr(node_a, "underlay_device"));
	ck_assert_int_eq(h->dir_out, NSTRACE_DIR_EGRESS);
	ck_assert_str_eq(h->tun_local, jstr(node_a, "tunnel_ip"));
	ck_assert_str_eq(h->tun_remote, jstr(node_b, "tunnel_ip"));
	h = &p->hops[ub];
	ck_assert_str_eq(h->dev, jstr(node_b, "underlay_device"));
	ck_assert_int_eq(h->dir_out, NSTRACE_DIR_INGRESS);
	ck_assert_str_eq(h->tun_local, jstr(node_b, "tunnel_ip"));
	ck_assert_str_eq(h->tun_remote, jstr(node_a, "tunnel_ip"));

	/* Between the bridges: a's node, the underlay switch, b's node, in that
	 * order; tunnelled hops carry the network's key, and only the kernel
	 * devices (underlay) take probes. */
	for (size_t i = SIDE_HOPS, side = 0; i < first_b; i++) {
		size_t at;
		__u8 dir;

		h = &p->hops[i];
		at = h->node == na ? 0 : h->node == nb ? 2 : 1;
		ck_assert_msg(at >= side, "hop %zu (%s on %s) out of order", i,
			      role_name(h->role), h->node_name);
		side = at;
		ck_assert_msg(!h->missing, "hop %zu %s missing", i, role_name(h->role));
		ck_assert_int_eq(h->attachable, h->role == ROLE_UNDERLAY);
		if (at == 1) {
			/* an underlay switch: in from a's wire, out to b's */
			ck_assert_int_eq(h->role, ROLE_UNDERLAY);
			ck_assert(i == ua + 1 || i == ub - 1);
			dir = i == ua + 1 ? NSTRACE_DIR_INGRESS : NSTRACE_DIR_EGRESS;
		} else {
			dir = at == 0 ? NSTRACE_DIR_EGRESS : NSTRACE_DIR_INGRESS;
		}
		ck_assert_int_eq(h->dir_out, dir);
		if (h->role == ROLE_BR_TUN || h->role == ROLE_TUNNEL ||
		    h->role == ROLE_UNDERLAY) {
			ck_assert(h->has_key);
			ck_assert_uint_eq(h->tun_key, key);
			ck_assert_str_eq(h->tun_type, jstr(net, "network_type"));
		}
	}
}

/* The probe points of b -> a are those of a -> b backwards, each turned
 * around: a reply meets the same devices in the mirrored order. */
static void assert_mirror(const struct port_path *ab, const struct port_path *ba)
{
	struct journey out, back;

	ck_assert_int_eq(journey_plan(ab, false, &back), 0);
	ck_assert_int_eq(journey_plan(ba, true, &out), 0);
	ck_assert_uint_eq(out.n, back.n);
	ck_assert_uint_ge(out.n, 6);
	for (size_t k = 0; k < out.n; k++) {
		const struct path_hop *x = &ba->hops[out.pts[k].hop];
		const struct path_hop *y = &ab->hops[back.pts[k].hop];

		ck_assert_str_eq(x->netns, y->netns);
		ck_assert_str_eq(x->dev, y->dev);
		ck_assert_int_eq(x->ifindex, y->ifindex);
		ck_assert_int_eq(out.pts[k].dir, back.pts[k].dir);
	}
	/* a's VM sends, b's receives; the reply the other way round */
	ck_assert_int_eq(back.pts[0].hop, (int)ab->n - 1);
	ck_assert_int_eq(back.pts[0].dir, NSTRACE_DIR_EGRESS);
	ck_assert_int_eq(back.pts[back.n - 1].hop, 0);
	ck_assert_int_eq(back.pts[back.n - 1].dir, NSTRACE_DIR_INGRESS);
	journey_free(&out);
	journey_free(&back);
}

/* Two VMs of one network on different nodes (a1, a2 in the lab). */
static void cross_node_pair(json_t *lab, json_t **a, json_t **b)
{
	json_t *vms = json_object_get(lab, "vms"), *x, *y;
	size_t i, k;

	json_array_foreach(vms, i, x)
		json_array_foreach(vms, k, y)
			if (k > i && !strcmp(jstr(x, "network_uuid"), jstr(y, "network_uuid")) &&
			    strcmp(jstr(x, "node"), jstr(y, "node"))) {
				*a = x;
				*b = y;
				return;
			}
	ck_abort_msg("the lab has no two VMs of one network on different nodes");
}

/* A VM of another network than vm's on its node, with its fixed IP (b1). */
static json_t *other_tenant_twin(json_t *lab, json_t *vm)
{
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(lab, "vms"), i, x)
		if (strcmp(jstr(x, "network_uuid"), jstr(vm, "network_uuid")) &&
		    !strcmp(jstr(x, "ip"), jstr(vm, "ip")))
			return x;
	ck_abort_msg("the lab has no VM of another tenant with %s", jstr(vm, "ip"));
	return NULL;
}

static json_t *manifest;
static json_t *rec; /* the recording's `lab info --json` */

static void fixture_setup(void)
{
	manifest = fixture_manifest();
	rec = json_object_get(manifest, "lab");
}

static void fixture_teardown(void)
{
	json_decref(manifest);
}

START_TEST(test_cross_node)
{
	struct topology t;
	struct port_path ab, ba;
	json_t *a, *b;
	int pa, pb;

	cross_node_pair(rec, &a, &b);
	fixture_topology(&t, NULL, NULL, false);
	pa = port_of(&t, jstr(a, "port_uuid"));
	pb = port_of(&t, jstr(b, "port_uuid"));
	ck_assert_int_eq(path_plan_peer(&t, pa, pb, &ab), 0);
	assert_cross_node(&t, &ab, rec, a, b);
	ck_assert_int_eq(path_plan_peer(&t, pb, pa, &ba), 0);
	assert_cross_node(&t, &ba, rec, b, a);
	assert_mirror(&ab, &ba);
	port_path_free(&ab);
	port_path_free(&ba);
	fixture_topology_free(&t);
}
END_TEST

/* Rebind vm's qvo in OVSDB to net's network and its local VLAN on that
 * node: the recording then has two VMs of one network on one node. */
static void move_to_network(struct topology *t, json_t *vm, json_t *net, int vlan)
{
	char seg[16];
	bool found = false;

	snprintf(seg, sizeof(seg), "%lld",
		 (long long)json_integer_value(json_object_get(net, "segmentation_id")));
	for (size_t n = 0; n < t->n_nodes; n++)
		for (size_t k = 0; k < t->nodes[n].ovs.n_ports; k++) {
			struct ovs_port *op = &t->nodes[n].ovs.ports[k];
			struct kvlist moved = { 0 };

			if (strcmp(op->name, jstr(vm, "qvo")))
				continue;
			op->tag = vlan;
			for (size_t i = 0; i < op->other_config.n; i++) {
				const struct kv *e = &op->other_config.items[i];
				const char *v = e->value;

				if (!strcmp(e->key, "net_uuid"))
					v = jstr(net, "uuid");
				else if (!strcmp(e->key, "segmentation_id"))
					v = seg;
				ck_assert_int_eq(kvlist_add(&moved, e->key, v), 0);
			}
			kvlist_free(&op->other_config);
			op->other_config = moved;
			found = true;
		}
	ck_assert_msg(found, "no OVS port %s", jstr(vm, "qvo"));
}

/* Both on one node: br-int between the two sides, no tunnel. */
START_TEST(test_same_node)
{
	struct topology t;
	struct port_path p;
	json_t *a, *b, *net, *moved;
	int pa, pb;

	cross_node_pair(rec, &a, &b);
	net = find_by(json_object_get(rec, "networks"), "uuid", jstr(a, "network_uuid"));
	b = other_tenant_twin(rec, a);
	ck_assert_str_eq(jstr(b, "node"), jstr(a, "node"));
	fixture_topology_inputs(&t, NULL, NULL, false);
	move_to_network(&t, b, net, (int)json_integer_value(json_object_get(a, "local_vlan")));
	ck_assert_int_eq(topology_build(&t), 0);
	/* the lab's description of b, as it is now */
	moved = json_deep_copy(b);
	json_object_set_new(moved, "network_uuid", json_string(jstr(net, "uuid")));
	json_object_set(moved, "local_vlan", json_object_get(a, "local_vlan"));
	pa = port_of(&t, jstr(a, "port_uuid"));
	pb = port_of(&t, jstr(b, "port_uuid"));
	ck_assert_int_eq(t.ports[pa].network, t.ports[pb].network);

	ck_assert_int_eq(path_plan_peer(&t, pa, pb, &p), 0);
	ck_assert_msg(!p.problem[0], "problem: %s", p.problem);
	ck_assert_int_eq(p.kind, PATH_PEER);
	ck_assert_int_eq(p.target_port, pb);
	ck_assert_int_eq(p.target_node, t.ports[pa].node);
	ck_assert_uint_eq(p.n, 2 * SIDE_HOPS + 1);
	assert_side(&t, &p, 0, a, false);
	ck_assert_int_eq(p.hops[SIDE_HOPS].role, ROLE_BR_INT);
	ck_assert_int_eq(p.hops[SIDE_HOPS].node, t.ports[pa].node);
	ck_assert_int_eq(p.hops[SIDE_HOPS].vlan,
			 json_integer_value(json_object_get(a, "local_vlan")));
	ck_assert(!p.hops[SIDE_HOPS].attachable && !p.hops[SIDE_HOPS].has_key);
	assert_side(&t, &p, SIDE_HOPS + 1, moved, true);
	port_path_free(&p);
	json_decref(moved);
	fixture_topology_free(&t);
}
END_TEST

static void assert_refused(const struct topology *t, int port, int peer, const char *why)
{
	struct port_path p;

	ck_assert_int_eq(path_plan_peer(t, port, peer, &p), 0);
	ck_assert_uint_eq(p.n, 0);
	ck_assert_ptr_null(p.hops);
	ck_assert_int_eq(p.kind, PATH_PEER);
	ck_assert_int_eq(p.target_port, peer);
	ck_assert_msg(strstr(p.problem, why), "problem '%s' does not say '%s'", p.problem, why);
	port_path_free(&p);
}

START_TEST(test_refusals)
{
	struct topology t;
	struct port_path p;
	json_t *a, *b, *twin;
	int pa, pb, pt, dhcp;

	cross_node_pair(rec, &a, &b);
	twin = other_tenant_twin(rec, a);
	fixture_topology(&t, NULL, NULL, false);
	pa = port_of(&t, jstr(a, "port_uuid"));
	pb = port_of(&t, jstr(b, "port_uuid"));
	pt = port_of(&t, jstr(twin, "port_uuid"));
	dhcp = t.nets[t.ports[pa].network].dhcp_port;
	ck_assert_int_ge(dhcp, 0);

	/* same fixed IP, other tenant's network: that is routed, not east-west */
	assert_refused(&t, pa, pt, "through a router");
	assert_refused(&t, pa, dhcp, "the peer is a dhcp port");
	assert_refused(&t, dhcp, pa, "a dhcp port");
	assert_refused(&t, pa, pa, "same port");
	ck_assert_int_eq(path_plan(&t, pa, PATH_PEER, &p), -EINVAL);
	t.ports[pb].network = -1; /* as when neither OVSDB nor a host file tells */
	assert_refused(&t, pa, pb, "peer's network is unknown");
	fixture_topology_free(&t);
}
END_TEST

/* Fixed IPs resolve to a port only within a network: the tenants share
 * 10.0.0.0/24. */
START_TEST(test_port_by_ip)
{
	struct topology t;
	json_t *a, *b, *twin, *net;
	int pa, pt, net_a, net_t;

	cross_node_pair(rec, &a, &b);
	twin = other_tenant_twin(rec, a);
	net = find_by(json_object_get(rec, "networks"), "uuid", jstr(a, "network_uuid"));
	fixture_topology(&t, NULL, NULL, false);
	pa = port_of(&t, jstr(a, "port_uuid"));
	pt = port_of(&t, jstr(twin, "port_uuid"));
	net_a = topo_find_net(&t, jstr(a, "network_uuid"));
	net_t = topo_find_net(&t, jstr(twin, "network_uuid"));
	ck_assert_int_ge(net_a, 0);
	ck_assert_int_ne(net_a, net_t);
	ck_assert_int_eq(topo_port_by_ip(&t, net_a, jstr(a, "ip")), pa);
	ck_assert_int_eq(topo_port_by_ip(&t, net_t, jstr(twin, "ip")), pt);
	ck_assert_int_eq(topo_port_by_ip(&t, net_a, jstr(b, "ip")),
			 port_of(&t, jstr(b, "port_uuid")));
	ck_assert_int_eq(topo_port_by_ip(&t, net_t, jstr(b, "ip")), -1);
	/* the DHCP server's address is a port, but no instance's */
	ck_assert_int_eq(topo_port_by_ip(&t, net_a, jstr(json_object_get(net, "dhcp"), "ip")), -1);
	ck_assert_int_eq(topo_port_by_ip(&t, -1, jstr(a, "ip")), -1);
	ck_assert_int_eq(topo_port_by_ip(&t, net_a, ""), -1);
	/* an IPv6 address matches however it is written */
	snprintf(t.ports[pa].fixed_ips[t.ports[pa].n_fixed_ips++], TOPO_IP_LEN, "fd00:0::0:5");
	ck_assert_int_eq(topo_port_by_ip(&t, net_a, "fd00::5"), pa);
	ck_assert_int_eq(topo_port_by_ip(&t, net_a, "fd00::6"), -1);
	fixture_topology_free(&t);
}
END_TEST

NSTRACE_SUITE(path_peer)
{
	Suite *s = suite_create("path_peer");
	TCase *tc = tcase_create("path_peer");

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, test_cross_node);
	tcase_add_test(tc, test_same_node);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_port_by_ip);
	suite_add_tcase(s, tc);
	return s;
}

/* The live lab: NSTRACE_LAB if set (kept up), else a private pp<pid>. */
static struct lab_fixture lab;

static void lab_setup(void)
{
	if (geteuid() != 0)
		return;
	lab_fixture_up(&lab, "pp");
}

static void lab_teardown(void)
{
	if (geteuid() != 0)
		return;
	lab_fixture_down(&lab, false);
}

/* The kernel's ifindex of dev in the named namespace ns. */
static int kernel_ifindex(const char *ns, const char *dev)
{
	char out[64];

	ck_assert_int_eq(sh_out(out, sizeof(out), "ip netns exec %s cat /sys/class/net/%s/ifindex",
				ns, dev),
			 0);
	return atoi(out);
}

/* a1 -> a2 on the running lab: the same hops as the recording says, and
 * every probe point a device the kernel has, with its namespace's cookie. */
START_TEST(test_lab_cross_node)
{
	struct topo_options o = { .state_dir = NULL };
	struct topology t;
	struct port_path ab, ba;
	json_t *a, *b;
	int pa, pb;

	REQUIRE_ROOT();
	cross_node_pair(lab.info, &a, &b);
	o.state_dir = jstr(lab.info, "state_dir");
	ck_assert_int_eq(topology_discover(&o, &t), 0);
	pa = port_of(&t, jstr(a, "port_uuid"));
	pb = port_of(&t, jstr(b, "port_uuid"));
	ck_assert_int_eq(topo_port_by_ip(&t, t.ports[pa].network, jstr(b, "ip")), pb);
	ck_assert_int_eq(path_plan_peer(&t, pa, pb, &ab), 0);
	assert_cross_node(&t, &ab, lab.info, a, b);
	for (size_t i = 0; i < ab.n; i++) {
		const struct path_hop *h = &ab.hops[i];

		if (!h->attachable)
			continue;
		ck_assert_str_eq(h->netns_path + strlen("/run/netns/"), h->netns);
		ck_assert_int_eq(h->ifindex, kernel_ifindex(h->netns, h->dev));
		ck_assert_uint_ne(h->netns_cookie, 0);
	}
	ck_assert_int_eq(path_plan_peer(&t, pb, pa, &ba), 0);
	assert_cross_node(&t, &ba, lab.info, b, a);
	assert_mirror(&ab, &ba);
	assert_refused(&t, pa, port_of(&t, jstr(other_tenant_twin(lab.info, a), "port_uuid")),
		       "through a router");
	port_path_free(&ab);
	port_path_free(&ba);
	topology_free(&t);
}
END_TEST

NSTRACE_SUITE(path_peer_e2e)
{
	Suite *s = suite_create("path_peer_e2e");
	TCase *tc = tcase_create("path_peer_e2e");

	tcase_set_timeout(tc, 300);
	tcase_add_unchecked_fixture(tc, lab_setup, lab_teardown);
	tcase_add_test(tc, test_lab_cross_node);
	suite_add_tcase(s, tc);
	return s;
}
