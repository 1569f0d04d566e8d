// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Model building and path planning from a recorded two-node host (the
 * lab's network node and a compute node with both tenants' VMs, whose
 * fixed IPs overlap), checked against the lab's own description.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_topology.h"
#include "path_checks.h"
#include "path_plan.h"
#include "str_copy.h"
#include "testlib.h"

static json_t *manifest;
static json_t *lab;
static const char *kept_nodes[4];
static const char *skipped_ns[16];
static const char *compute; /* the compute node kept */

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	ck_assert_msg(s, "fixture: no string '%s'", key);
	return s;
}

static int vms_on(const char *node)
{
	json_t *vm;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(lab, "vms"), i, vm)
		n += !strcmp(jstr(vm, "node"), node);
	return n;
}

/* Keep the network node and the compute node with the most VMs; leave out
 * the other nodes' namespaces and their VMs' (a host cannot see them). */
static void setup(void)
{
	json_t *n, *vm;
	size_t i, k, nk = 0, ns = 0;

	manifest = fixture_manifest();
	lab = json_object_get(manifest, "lab");
	json_array_foreach(json_object_get(lab, "nodes"), i, n)
		if (!strcmp(jstr(n, "role"), "compute") &&
		    (!compute || vms_on(jstr(n, "name")) > vms_on(compute)))
			compute = jstr(n, "name");
	json_array_foreach(json_object_get(lab, "nodes"), i, n) {
		const char *name = jstr(n, "name");

		if (!strcmp(jstr(n, "role"), "network") || !strcmp(name, compute)) {
			kept_nodes[nk++] = name;
			continue;
		}
		skipped_ns[ns++] = jstr(n, "namespace");
		json_array_foreach(json_object_get(lab, "vms"), k, vm)
			if (!strcmp(jstr(vm, "node"), name))
				skipped_ns[ns++] = jstr(vm, "namespace");
	}
}

static void teardown(void)
{
	json_decref(manifest);
}

static int port_of(const struct topology *t, const char *uuid)
{
	int idx[4];

	ck_assert_int_eq(topology_match_port(t, uuid, idx, 4), 1);
	return idx[0];
}

static json_t *network_of(const char *uuid)
{
	json_t *n;
	size_t i;

	json_array_foreach(json_object_get(lab, "networks"), i, n)
		if (!strcmp(jstr(n, "uuid"), uuid))
			return n;
	ck_abort_msg("no network %s in the fixture", uuid);
	return NULL;
}

static json_t *router_of(const char *net_uuid)
{
	json_t *r, *itf;
	size_t i, k;

	json_array_foreach(json_object_get(lab, "routers"), i, r)
		json_array_foreach(json_object_get(r, "interfaces"), k, itf)
			if (!strcmp(jstr(itf, "network_uuid"), net_uuid))
				return r;
	ck_abort_msg("no router on %s in the fixture", net_uuid);
	return NULL;
}

static const struct path_hop *hop_with(const struct port_path *p, enum dev_role role,
				       const char *dev)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->hops[i].role == role && (!dev || !strcmp(p->hops[i].dev, dev)))
			return &p->hops[i];
	ck_abort_msg("no %s hop %s in the %s path", role_name(role), dev ? dev : "",
		     path_kind_name(p->kind));
	return NULL;
}

/* Every VM of the kept compute node resolves to its own network, DHCP
 * server and router, although both tenants use the same fixed IP. */
START_TEST(test_vms_resolve_through_networks)
{
	struct topology t;
	json_t *vm;
	size_t i;
	int checked = 0;
	const char *ips[8];
	const char *routers[8];

	fixture_topology(&t, kept_nodes, skipped_ns, false);
	ck_assert_uint_eq(t.n_nodes, 2);
	ck_assert_uint_eq(t.n_warnings, 0);
	json_array_foreach(json_object_get(lab, "vms"), i, vm) {
		const struct topo_port *p;
		json_t *net, *rt;
		struct port_path dhcp, l3;
		const struct path_hop *h;
		char seg[16];

		if (strcmp(jstr(vm, "node"), compute))
			continue;
		p = &t.ports[port_of(&t, jstr(vm, "port_uuid"))];
		net = network_of(jstr(vm, "network_uuid"));
		rt = router_of(jstr(vm, "network_uuid"));
		ck_assert_int_eq(p->kind, PORT_VM);
		ck_assert_str_eq(topo_node_name(&t, p->node), compute);
		ck_assert_str_eq(p->dev, jstr(vm, "tap"));
		ck_assert_str_eq(t.ns[p->ns].ns.name, jstr(vm, "node_namespace"));
		ck_assert_int_ge(p->vm_ns, 0);
		ck_assert_str_eq(t.ns[p->vm_ns].ns.name, jstr(vm, "namespace"));
		ck_assert_str_eq(p->mac, jstr(vm, "mac"));
		ck_assert_str_eq(p->net_uuid, jstr(vm, "network_uuid"));
		ck_assert_int_eq(p->net_source, NET_SRC_OVSDB);
		ck_assert_uint_eq(p->n_fixed_ips, 1);
		ck_assert_str_eq(p->fixed_ips[0], jstr(vm, "ip"));
		ck_assert_int_eq(p->local_vlan,
				 json_integer_value(json_object_get(vm, "local_vlan")));
		ck_assert(p->hybrid);

		ck_assert_int_eq(path_plan(&t, (int)(p - t.ports), PATH_DHCP, &dhcp), 0);
		ck_assert_str_eq(dhcp.problem, "");
		ck_assert_int_eq(dhcp.hops[0].role, ROLE_VM);
		ck_assert(dhcp.hops[0].attachable);
		h = hop_with(&dhcp, ROLE_QVO, jstr(vm, "qvo"));
		ck_assert(h->attachable);
		ck_assert_int_eq(h->vlan, p->local_vlan);
		ck_assert_int_gt(h->ifindex, 0);
		ck_assert(!hop_with(&dhcp, ROLE_QBR, jstr(vm, "qbr"))->attachable);
		ck_assert(!hop_with(&dhcp, ROLE_PATCH, NULL)->attachable);
		ck_assert(!hop_with(&dhcp, ROLE_BR_INT, NULL)->attachable);
		h = hop_with(&dhcp, ROLE_UNDERLAY, NULL);
		ck_assert(h->attachable && h->has_key);
		snprintf(seg, sizeof(seg), "%lld",
			 (long long)json_integer_value(json_object_get(net, "segmentation_id")));
		ck_assert_uint_eq(h->tun_key, (unsigned)atoi(seg));
		ck_assert_str_eq(h->tun_type, "gre");
		h = &dhcp.hops[dhcp.n - 1];
		ck_assert_int_eq(h->role, ROLE_DHCP_TAP);
		ck_assert_str_eq(h->dev, jstr(json_object_get(net, "dhcp"), "device"));
		ck_assert_str_eq(h->netns, jstr(json_object_get(net, "dhcp"), "namespace"));
		ck_assert_str_eq(h->node_name, jstr(json_object_get(net, "dhcp"), "node"));
		ck_assert_str_eq(h->netns_path + strlen("/run/netns/"), h->netns);
		ck_assert_int_gt(h->ifindex, 0);
		ck_assert(h->attachable);
		ck_assert_int_eq(h->dir_out, 1 /* ingress: from OVS into the namespace */);

		ck_assert_int_eq(path_plan(&t, (int)(p - t.ports), PATH_L3, &l3), 0);
		ck_assert_str_eq(l3.problem, "");
		ck_assert_int_ge(l3.router, 0);
		ck_assert_str_eq(t.routers[l3.router].uuid, jstr(rt, "uuid"));
		h = hop_with(&l3, ROLE_QR, NULL);
		ck_assert_str_eq(h->dev, jstr(json_array_get(json_object_get(rt, "interfaces"), 0),
					      "device"));
		ck_assert_str_eq(h->netns, jstr(rt, "namespace"));
		ck_assert(h->attachable);
		h = hop_with(&l3, ROLE_QG, NULL);
		ck_assert_str_eq(h->dev, jstr(json_object_get(rt, "gateway"), "device"));
		ck_assert_int_eq(strncmp(h->ip, jstr(json_object_get(rt, "gateway"), "ip"),
					 strlen(jstr(json_object_get(rt, "gateway"), "ip"))),
				 0);
		h = &l3.hops[l3.n - 1];
		ck_assert_int_eq(h->role, ROLE_EXTERNAL);
		ck_assert_str_eq(h->netns, jstr(json_object_get(lab, "external"), "namespace"));
		ips[checked] = jstr(vm, "ip");
		routers[checked] = t.routers[l3.router].uuid;
		checked++;
		port_path_free(&dhcp);
		port_path_free(&l3);
	}
	ck_assert_int_ge(checked, 2);
	/* the point of the fixture: same IP, different tenants' routers */
	ck_assert_str_eq(ips[0], ips[1]);
	ck_assert_str_ne(routers[0], routers[1]);
	fixture_topology_free(&t);
}
END_TEST

/* The healthy recording passes every check. */
START_TEST(test_healthy_checks_pass)
{
	struct topology t;

	fixture_topology(&t, kept_nodes, skipped_ns, false);
	for (size_t i = 0; i < t.n_ports; i++) {
		struct port_path dhcp, l3;
		struct check_results r = { 0 };

		if (t.ports[i].kind != PORT_VM)
			continue;
		ck_assert_int_eq(path_plan(&t, (int)i, PATH_DHCP, &dhcp), 0);
		ck_assert_int_eq(path_plan(&t, (int)i, PATH_L3, &l3), 0);
		ck_assert_int_eq(path_checks_run(&t, &dhcp, CHK_DHCP_SET, 0, SIZE_MAX, &r), 0);
		ck_assert_int_eq(path_checks_run(&t, &l3, CHK_L3_SET, 0, SIZE_MAX, &r), 0);
		for (size_t k = 0; k < r.n; k++)
			ck_assert_msg(r.items[k].status != CHECK_FAIL, "%s %s: %s",
				      check_id_name(r.items[k].id), r.items[k].subject,
				      r.items[k].detail);
		/* one result per check and subject, though the paths share hops */
		for (size_t a = 0; a < r.n; a++)
			for (size_t b = a + 1; b < r.n; b++)
				ck_assert(r.items[a].id != r.items[b].id ||
					  strcmp(r.items[a].subject, r.items[b].subject));
		ck_assert_uint_gt(check_results_count(&r, CHECK_PASS), 10);
		check_results_free(&r);
		port_path_free(&dhcp);
		port_path_free(&l3);
	}
	fixture_topology_free(&t);
}
END_TEST

/* With every node, ifindexes repeat across VM namespaces: the recorded
 * nsids still pair each tap with its own VM. */
START_TEST(test_all_nodes_pair_veths_by_nsid)
{
	struct topology t;
	json_t *vm;
	size_t i;

	fixture_topology(&t, NULL, NULL, false);
	ck_assert_uint_eq(t.n_nodes, json_array_size(json_object_get(lab, "nodes")));
	json_array_foreach(json_object_get(lab, "vms"), i, vm) {
		const struct topo_port *p = &t.ports[port_of(&t, jstr(vm, "port_uuid"))];

		ck_assert_int_ge(p->vm_ns, 0);
		ck_assert_str_eq(t.ns[p->vm_ns].ns.name, jstr(vm, "namespace"));
		ck_assert_str_eq(topo_node_name(&t, t.ns[p->vm_ns].node), jstr(vm, "node"));
	}
	/* every node has a tunnel to every other, mapped to its peer */
	for (size_t n = 0; n < t.n_nodes; n++) {
		ck_assert_uint_eq(t.nodes[n].n_tunnels, t.n_nodes - 1);
		for (size_t k = 0; k < t.nodes[n].n_tunnels; k++)
			ck_assert_int_ge(t.nodes[n].tunnels[k].peer_node, 0);
		ck_assert_str_eq(t.nodes[n].underlay_ip_dev, "br-phy");
		ck_assert(t.nodes[n].userspace);
	}
	fixture_topology_free(&t);
}
END_TEST

/* OVSDB unreachable: ports from device names, networks from the qdhcp-
 * namespaces and the host file's MACs; OVS-side facts unknown, not wrong. */
START_TEST(test_names_only)
{
	struct topology t;
	json_t *vm;
	size_t i;

	fixture_topology(&t, kept_nodes, skipped_ns, true);
	json_array_foreach(json_object_get(lab, "vms"), i, vm) {
		const struct topo_port *p;
		struct port_path dhcp;
		struct check_results r = { 0 };
		json_t *net;

		if (strcmp(jstr(vm, "node"), compute))
			continue;
		p = &t.ports[port_of(&t, jstr(vm, "port_uuid"))];
		net = network_of(jstr(vm, "network_uuid"));
		ck_assert_str_eq(p->uuid, "");
		ck_assert_int_eq(p->kind, PORT_VM);
		ck_assert_str_eq(p->mac, jstr(vm, "mac"));
		ck_assert_str_eq(p->net_uuid, jstr(vm, "network_uuid"));
		ck_assert_int_eq(p->net_source, NET_SRC_HOST_FILE);
		ck_assert_int_eq(p->local_vlan, -1);
		ck_assert_int_eq(path_plan(&t, (int)(p - t.ports), PATH_DHCP, &dhcp), 0);
		ck_assert_str_eq(dhcp.hops[dhcp.n - 1].netns,
				 jstr(json_object_get(net, "dhcp"), "namespace"));
		ck_assert_int_eq(path_checks_run(&t, &dhcp, CHK_ALL, 0, SIZE_MAX, &r), 0);
		for (size_t k = 0; k < r.n; k++) {
			if (r.items[k].id == CHK_TUNNEL)
				ck_assert_int_eq(r.items[k].status, CHECK_UNKNOWN);
			ck_assert_msg(r.items[k].status != CHECK_FAIL, "%s: %s",
				      check_id_name(r.items[k].id), r.items[k].detail);
		}
		check_results_free(&r);
		port_path_free(&dhcp);
	}
	for (size_t n = 0; n < t.n_ns; n++)
		ck_assert(!t.ns[n].stale); /* without OVSDB nobody can tell */
	fixture_topology_free(&t);
}
END_TEST

/* The first VM on the kept compute node, and its network in the lab. */
static json_t *first_vm(void)
{
	json_t *vm;
	size_t i;

	json_array_foreach(json_object_get(lab, "vms"), i, vm)
		if (!strcmp(jstr(vm, "node"), compute))
			return vm;
	ck_abort_msg("no VM on %s", compute);
	return NULL;
}

static struct link_info *fixture_link(struct topology *t, const char *ns, const char *dev)
{
	int i = topo_find_ns_name(t, ns);

	ck_assert_int_ge(i, 0);
	for (size_t k = 0; k < t->ns[i].links.n; k++)
		if (!strcmp(t->ns[i].links.items[k].name, dev))
			return &t->ns[i].links.items[k];
	ck_abort_msg("no %s in %s", dev, ns);
	return NULL;
}

/* Build, plan both paths of vm, run every check; the failed ones' ids. */
static unsigned int failed_checks(struct topology *t, json_t *vm, char *detail, size_t len)
{
	struct port_path dhcp, l3;
	struct check_results r = { 0 };
	unsigned int mask = 0;
	int port;

	ck_assert_int_eq(topology_build(t), 0);
	port = port_of(t, jstr(vm, "port_uuid"));
	ck_assert_int_eq(path_plan(t, port, PATH_DHCP, &dhcp), 0);
	ck_assert_int_eq(path_plan(t, port, PATH_L3, &l3), 0);
	ck_assert_int_eq(path_checks_run(t, &dhcp, CHK_ALL, 0, SIZE_MAX, &r), 0);
	ck_assert_int_eq(path_checks_run(t, &l3, CHK_ALL, 0, SIZE_MAX, &r), 0);
	detail[0] = '\0';
	for (size_t k = 0; k < r.n; k++)
		if (r.items[k].status == CHECK_FAIL) {
			mask |= CHK_BIT(r.items[k].id);
			snprintf(detail + strlen(detail), len - strlen(detail), "%s: %s; ",
				 check_id_name(r.items[k].id), r.items[k].detail);
		}
	check_results_free(&r);
	port_path_free(&dhcp);
	port_path_free(&l3);
	return mask;
}

enum fixture_fault {
	FF_DHCP_PORT_DOWN,
	FF_DHCP_PORT_IP_MISSING,
	FF_DNSMASQ_DEAD,
	FF_DNSMASQ_WRONG_IFACE,
	FF_DHCP_PORT_UNPLUGGED,
	FF_HOST_ENTRY_MISSING,
	FF_HOST_ENTRY_WRONG_IP,
	FF_UNDERLAY_DOWN,
	FF_UNDERLAY_MTU,
	FF_WRONG_VLAN,
	FF_GATEWAY_MISSING,
	FF_PATCH_MISSING,
	FF_QR_WRONG_IP,
	FF__COUNT
};

static const unsigned int fault_expect[FF__COUNT] = {
	[FF_DHCP_PORT_DOWN] = CHK_BIT(CHK_DEVICE_UP),
	[FF_DHCP_PORT_IP_MISSING] = CHK_BIT(CHK_DHCP_PORT_IP),
	[FF_DNSMASQ_DEAD] = CHK_BIT(CHK_DNSMASQ),
	[FF_DNSMASQ_WRONG_IFACE] = CHK_BIT(CHK_DNSMASQ),
	[FF_DHCP_PORT_UNPLUGGED] = CHK_BIT(CHK_VLAN),
	[FF_HOST_ENTRY_MISSING] = CHK_BIT(CHK_HOST_ENTRY),
	[FF_HOST_ENTRY_WRONG_IP] = CHK_BIT(CHK_HOST_ENTRY),
	[FF_UNDERLAY_DOWN] = CHK_BIT(CHK_DEVICE_UP),
	[FF_UNDERLAY_MTU] = CHK_BIT(CHK_MTU),
	[FF_WRONG_VLAN] = CHK_BIT(CHK_VLAN),
	[FF_GATEWAY_MISSING] = CHK_BIT(CHK_ROUTER_GW) | CHK_BIT(CHK_DEVICE_UP),
	[FF_PATCH_MISSING] = CHK_BIT(CHK_TUNNEL),
	[FF_QR_WRONG_IP] = CHK_BIT(CHK_NS_QROUTER),
};

/* Each lab fault, applied to the recorded inputs, fails its check only. */
START_TEST(test_faults_fail_their_check)
{
	json_t *vm = first_vm(), *net = network_of(jstr(vm, "network_uuid"));
	json_t *dhcp = json_object_get(net, "dhcp"), *rt = router_of(jstr(vm, "network_uuid"));
	struct topology t;
	char detail[2048];
	unsigned int got;

	fixture_topology_inputs(&t, kept_nodes, skipped_ns, false);
	switch (_i) {
	case FF_DHCP_PORT_DOWN:
		fixture_link(&t, jstr(dhcp, "namespace"), jstr(dhcp, "device"))->flags = 0;
		break;
	case FF_DHCP_PORT_IP_MISSING:
		fixture_link(&t, jstr(dhcp, "namespace"), jstr(dhcp, "device"))->n_addrs = 0;
		break;
	case FF_DNSMASQ_DEAD:
		for (size_t i = 0; i < t.procs.n; i++)
			if (t.procs.items[i].ns_ino ==
			    t.ns[topo_find_ns_name(&t, jstr(dhcp, "namespace"))].ns.ino) {
				/* killed: neither its pid nor its namespace remain */
				t.procs.items[i].ns_ino = 0;
				t.procs.items[i].pid = 0;
			}
		break;
	case FF_DNSMASQ_WRONG_IFACE:
		/* started for a device the DHCP port no longer has */
		for (size_t i = 0; i < t.procs.n; i++)
			for (int a = 0; a < t.procs.items[i].argc; a++)
				if (!strncmp(t.procs.items[i].argv[a], "--interface=", 12) &&
				    !strcmp(t.procs.items[i].argv[a] + 12,
					    jstr(dhcp, "device")))
					t.procs.items[i].argv[a][13] ^= 1;
		break;
	case FF_DHCP_PORT_UNPLUGGED:
		/* no OVS port carries the DHCP port any more (its row lost the
		 * Neutron port's ids); its device stays */
		for (size_t n = 0; n < t.n_nodes; n++)
			for (size_t k = 0; k < t.nodes[n].ovs.n_ifaces; k++) {
				struct ovs_iface *ifc = &t.nodes[n].ovs.ifaces[k];

				if (strcmp(ifc->name, jstr(dhcp, "device")))
					continue;
				for (size_t x = 0; x < ifc->external_ids.n; x++)
					ifc->external_ids.items[x].key[0] = '\0';
			}
		break;
	case FF_HOST_ENTRY_MISSING:
		for (size_t i = 0; i < t.dhcp.n; i++)
			for (size_t h = 0; h < t.dhcp.nets[i].n_hosts; h++)
				t.dhcp.nets[i].hosts[h].has_mac &=
					strcmp(t.dhcp.nets[i].net_uuid, jstr(net, "uuid")) ||
					t.dhcp.nets[i].hosts[h].mac[5] !=
						(unsigned char)strtoul(jstr(vm, "mac") + 15, NULL,
								       16);
		break;
	case FF_HOST_ENTRY_WRONG_IP:
		/* the entry is there, its address in no subnet dnsmasq serves */
		for (size_t i = 0; i < t.dhcp.n; i++)
			for (size_t h = 0; h < t.dhcp.nets[i].n_hosts; h++)
				if (!strcmp(t.dhcp.nets[i].hosts[h].ip, jstr(vm, "ip")))
					STR_COPY(t.dhcp.nets[i].hosts[h].ip, "198.18.0.40");
		break;
	case FF_UNDERLAY_DOWN:
		fixture_link(&t, jstr(vm, "node_namespace"), "eth1")->flags = 0;
		break;
	case FF_UNDERLAY_MTU:
		fixture_link(&t, jstr(vm, "node_namespace"), "eth1")->mtu = 1500;
		break;
	case FF_WRONG_VLAN:
		for (size_t n = 0; n < t.n_nodes; n++)
			for (size_t k = 0; k < t.nodes[n].ovs.n_ports; k++)
				if (!strcmp(t.nodes[n].ovs.ports[k].name, jstr(vm, "qvo")))
					t.nodes[n].ovs.ports[k].tag += 1;
		break;
	case FF_PATCH_MISSING:
		/* br-int's patch port to br-tun is no patch any more */
		for (size_t n = 0; n < t.n_nodes; n++)
			for (size_t k = 0; k < t.nodes[n].ovs.n_ifaces; k++) {
				struct ovs_iface *ifc = &t.nodes[n].ovs.ifaces[k];

				if (!strcmp(ifc->name, "patch-tun"))
					ifc->type[0] = '\0';
			}
		break;
	case FF_GATEWAY_MISSING:
		fixture_link(&t, jstr(rt, "namespace"),
			     jstr(json_object_get(rt, "gateway"), "device"))
			->name[0] = '\0';
		break;
	case FF_QR_WRONG_IP:
		/* qr- holds another address than the gateway the opts file names */
		fixture_link(&t, jstr(rt, "namespace"),
			     jstr(json_array_get(json_object_get(rt, "interfaces"), 0), "device"))
			->addrs[0]
			.addr[3] ^= 0x80;
		break;
	}
	got = failed_checks(&t, vm, detail, sizeof(detail));
	ck_assert_msg(got == fault_expect[_i], "fault %d: failed %#x, want %#x: %s", _i, got,
		      fault_expect[_i], detail);
	fixture_topology_free(&t);
}
END_TEST

/* A qdhcp- namespace whose network has no OVS port left is stale. */
START_TEST(test_stale_namespaces)
{
	struct topology t;
	struct netns_entry e = { .named = true, .dev = 4, .ino = 99999 };
	struct link_list links = { 0 };
	struct link_info lo = { .ifindex = 1, .name = "lo", .link_netnsid = -1, .flags = 1 };
	struct link_info tap = { .ifindex = 7, .name = "tapdeadbeef-00", .link_netnsid = -1 };
	int i;

	fixture_topology_inputs(&t, kept_nodes, skipped_ns, false);
	snprintf(e.name, sizeof(e.name), "qdhcp-0b0e0d0c-0000-4000-8000-000000000001");
	snprintf(e.path, sizeof(e.path), "/run/netns/%s", e.name);
	ck_assert_int_eq(links_add(&links, &lo), 0);
	ck_assert_int_eq(links_add(&links, &tap), 0);
	ck_assert_int_ge(topology_add_ns(&t, &e, &links, 0), 0);
	links_free(&links);
	ck_assert_int_eq(topology_build(&t), 0);
	for (size_t n = 0; n < t.n_ns; n++)
		ck_assert_msg(t.ns[n].stale == !strcmp(t.ns[n].ns.name, e.name), "%s",
			      t.ns[n].ns.name);
	/* its device still makes a (name-only) DHCP port of that network */
	i = topo_find_net(&t, "0b0e0d0c-0000-4000-8000-000000000001");
	ck_assert_int_ge(i, 0);
	ck_assert_int_ge(t.nets[i].dhcp_port, 0);
	ck_assert_str_eq(t.ports[t.nets[i].dhcp_port].prefix, "deadbeef-00");
	fixture_topology_free(&t);
}
END_TEST

/* The same namespace with a process in it (its dnsmasq) is served still:
 * unplugged, not left behind, so never offered for deletion. */
START_TEST(test_served_namespace_not_stale)
{
	struct topology t;
	struct netns_entry e = { .named = true, .dev = 4, .ino = 99999 };
	struct link_list links = { 0 };
	struct link_info tap = { .ifindex = 7, .name = "tapdeadbeef-00", .link_netnsid = -1 };
	struct proc_entry *p;
	int i;

	fixture_topology_inputs(&t, kept_nodes, skipped_ns, false);
	snprintf(e.name, sizeof(e.name), "qdhcp-0b0e0d0c-0000-4000-8000-000000000001");
	snprintf(e.path, sizeof(e.path), "/run/netns/%s", e.name);
	ck_assert_int_eq(links_add(&links, &tap), 0);
	ck_assert_int_ge(topology_add_ns(&t, &e, &links, 0), 0);
	links_free(&links);
	p = realloc(t.procs.items, (t.procs.n + 1) * sizeof(*p));
	ck_assert_ptr_nonnull(p);
	t.procs.items = p;
	p = &p[t.procs.n++];
	memset(p, 0, sizeof(*p));
	p->pid = 424242;
	snprintf(p->comm, sizeof(p->comm), "dnsmasq");
	p->ns_dev = e.dev;
	p->ns_ino = e.ino;
	p->argv = calloc(2, sizeof(char *));
	ck_assert_ptr_nonnull(p->argv);
	p->argv[0] = strdup("dnsmasq");
	p->argc = 1;
	ck_assert_int_eq(topology_build(&t), 0);
	i = topo_find_ns_name(&t, e.name);
	ck_assert_int_ge(i, 0);
	ck_assert(!t.ns[i].stale);
	fixture_topology_free(&t);
}
END_TEST

/* Two routers on the VM's network (the other tenant's moved over): the one
 * whose qr- holds the gateway the DHCP agent hands out is the VMs' router,
 * whichever comes first. */
START_TEST(test_router_holding_the_gateway)
{
	json_t *vm = first_vm();
	struct topology t;
	int port, net, mine, other, want;

	fixture_topology_inputs(&t, kept_nodes, skipped_ns, false);
	ck_assert_int_eq(topology_build(&t), 0);
	port = port_of(&t, jstr(vm, "port_uuid"));
	net = t.ports[port].network;
	mine = topo_router_for_net(&t, net, t.ports[port].fixed_ips[0]);
	ck_assert_int_ge(mine, 0);
	other = mine == 0 ? 1 : 0;
	ck_assert_int_lt(other, (int)t.n_routers);
	t.ports[t.routers[other].ports[0]].network = net;
	for (int round = 0; round < 2; round++) {
		/* This round, only `want`'s qr- keeps the gateway address (both
		 * tenants' routers hold the same one in the lab). */
		int lose = round == 0 ? mine : other;
		const struct topo_port *qr = &t.ports[t.routers[lose].ports[0]];
		struct link_info *li = (struct link_info *)topo_link(&t, qr->ns, qr->dev);

		want = round == 0 ? other : mine;
		ck_assert_ptr_nonnull(li);
		li->addrs[0].addr[3] ^= 0x80;
		ck_assert_int_eq(topo_router_for_net(&t, net, t.ports[port].fixed_ips[0]), want);
		li->addrs[0].addr[3] ^= 0x80;
	}
	fixture_topology_free(&t);
}
END_TEST

START_TEST(test_matching_ports)
{
	struct topology t;
	json_t *vm = first_vm();
	char q[40];
	int idx[8];

	fixture_topology(&t, kept_nodes, skipped_ns, false);
	snprintf(q, sizeof(q), "%.8s", jstr(vm, "port_uuid"));
	ck_assert_int_eq(topology_match_port(&t, q, idx, 8), 1);
	ck_assert_str_eq(t.ports[idx[0]].uuid, jstr(vm, "port_uuid"));
	for (char *c = q; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'f' ? *c - 32 : *c);
	ck_assert_int_eq(topology_match_port(&t, q, idx, 8), 1);
	ck_assert_int_eq(topology_match_port(&t, "1234567", idx, 8), -EINVAL);
	ck_assert_int_eq(topology_match_port(&t, "not-a-uuid", idx, 8), -EINVAL);

	/* one typo: no match, but the port is the nearest */
	snprintf(q, sizeof(q), "%s", jstr(vm, "port_uuid"));
	q[20] = q[20] == '0' ? '1' : '0';
	ck_assert_int_eq(topology_match_port(&t, q, idx, 8), 0);
	ck_assert_uint_ge(topology_near_ports(&t, q, idx, 3), 1);
	ck_assert_str_eq(t.ports[idx[0]].uuid, jstr(vm, "port_uuid"));
	fixture_topology_free(&t);

	/* two ports sharing 8 characters: ambiguous until more are given */
	struct netns_entry e = { .named = true, .dev = 4, .ino = 88888 };
	struct link_list links = { 0 };
	struct link_info tap = { .ifindex = 9, .link_netnsid = -1 };

	fixture_topology_inputs(&t, kept_nodes, skipped_ns, false);
	snprintf(e.name, sizeof(e.name), "elsewhere");
	snprintf(tap.name, sizeof(tap.name), "tap%.8s-ff", jstr(vm, "port_uuid"));
	ck_assert_int_eq(links_add(&links, &tap), 0);
	ck_assert_int_ge(topology_add_ns(&t, &e, &links, 0), 0);
	links_free(&links);
	ck_assert_int_eq(topology_build(&t), 0);
	snprintf(q, sizeof(q), "%.8s", jstr(vm, "port_uuid"));
	ck_assert_int_eq(topology_match_port(&t, q, idx, 8), 2);
	snprintf(q, sizeof(q), "%.11s", jstr(vm, "port_uuid"));
	ck_assert_int_eq(topology_match_port(&t, q, idx, 8), 1);
	fixture_topology_free(&t);
}
END_TEST

NSTRACE_SUITE(topology)
{
	Suite *s = suite_create("topology");
	TCase *tc = tcase_create("topology");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vms_resolve_through_networks);
	tcase_add_test(tc, test_healthy_checks_pass);
	tcase_add_test(tc, test_all_nodes_pair_veths_by_nsid);
	tcase_add_test(tc, test_names_only);
	tcase_add_loop_test(tc, test_faults_fail_their_check, 0, FF__COUNT);
	tcase_add_test(tc, test_stale_namespaces);
	tcase_add_test(tc, test_served_namespace_not_stale);
	tcase_add_test(tc, test_router_holding_the_gateway);
	tcase_add_test(tc, test_matching_ports);
	suite_add_tcase(s, tc);
	return s;
}
