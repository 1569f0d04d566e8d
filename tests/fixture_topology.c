// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_topology.h"
#include "testlib.h"

#define FIXTURE_NS_DEV 4 /* the nsfs device the fixture's inodes live on */

const char *fixture_lab_dir(void)
{
	static char dir[1024];

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/topology/lab", nstrace_srcdir());
	return dir;
}

static json_t *load(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	ck_assert_msg(j, "fixture %s: %s (line %d)", path, err.text, err.line);
	return j;
}

json_t *fixture_manifest(void)
{
	char path[2048];

	snprintf(path, sizeof(path), "%s/manifest.json", fixture_lab_dir());
	return load(path);
}

json_t *fixture_ovsdb_reply(const char *name)
{
	char path[2048];

	snprintf(path, sizeof(path), "%s/tests/fixtures/ovsdb/%s", nstrace_srcdir(), name);
	return load(path);
}

static bool listed(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

static unsigned char operstate_of(const char *s)
{
	static const char *const names[] = { "unknown", "notpresent", "down", "lowerlayerdown",
					     "testing", "dormant", "up" };

	for (unsigned char i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return i;
	return 0;
}

static void load_links(const char *ns, struct link_list *out)
{
	char path[2048];
	json_t *links, *l;
	size_t i;

	snprintf(path, sizeof(path), "%s/links/%s.json", fixture_lab_dir(), ns);
	links = load(path);
	json_array_foreach(links, i, l) {
		struct link_info li = { .link_netnsid = -1 };
		struct link_addr addrs[8];
		const char *mac = json_string_value(json_object_get(l, "mac"));
		json_t *a;
		size_t k;

		li.ifindex = (int)json_integer_value(json_object_get(l, "ifindex"));
		snprintf(li.name, sizeof(li.name), "%s",
			 json_string_value(json_object_get(l, "name")));
		if (mac && sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &li.mac[0], &li.mac[1],
				  &li.mac[2], &li.mac[3], &li.mac[4], &li.mac[5]) == 6)
			li.has_mac = true;
		li.flags = json_is_true(json_object_get(l, "up")) ? 1u /* IFF_UP */ : 0;
		li.operstate = operstate_of(json_string_value(json_object_get(l, "operstate")));
		li.mtu = (unsigned int)json_integer_value(json_object_get(l, "mtu"));
		li.master = (int)json_integer_value(json_object_get(l, "master"));
		snprintf(li.kind, sizeof(li.kind), "%s",
			 json_string_value(json_object_get(l, "kind")));
		li.link = (int)json_integer_value(json_object_get(l, "link"));
		li.link_netnsid = (int)json_integer_value(json_object_get(l, "link_netnsid"));
		json_array_foreach(json_object_get(l, "addrs"), k, a) {
			char ip[64];
			char *slash;

			ck_assert_uint_lt(k, 8);
			snprintf(ip, sizeof(ip), "%s", json_string_value(a));
			slash = strchr(ip, '/');
			ck_assert_ptr_nonnull(slash);
			*slash = '\0';
			addrs[k].prefixlen = (unsigned char)atoi(slash + 1);
			addrs[k].family = strchr(ip, ':') ? AF_INET6 : AF_INET;
			ck_assert_int_eq(inet_pton(addrs[k].family, ip, addrs[k].addr), 1);
			li.n_addrs = k + 1;
		}
		li.addrs = addrs;
		ck_assert_int_eq(links_add(out, &li), 0);
	}
	json_decref(links);
}

/* The recorded `ip netns list-id` of each namespace. */
static int fixture_nsid(const struct topology *t, int from, int to)
{
	json_t *spaces = t->nsid_ctx, *s, *ids;
	const char *key;
	json_t *name;
	size_t i;

	json_array_foreach(spaces, i, s) {
		if (strcmp(json_string_value(json_object_get(s, "name")), t->ns[from].ns.name))
			continue;
		ids = json_object_get(s, "nsids");
		json_object_foreach(ids, key, name)
			if (!strcmp(json_string_value(name), t->ns[to].ns.name))
				return atoi(key);
	}
	return -1;
}

static ino_t ns_ino(json_t *spaces, const char *name)
{
	json_t *s;
	size_t i;

	json_array_foreach(spaces, i, s)
		if (!strcmp(json_string_value(json_object_get(s, "name")), name))
			return (ino_t)json_integer_value(json_object_get(s, "ino"));
	ck_abort_msg("fixture namespace %s not in the manifest", name);
	return 0;
}

void fixture_topology_inputs(struct topology *t, const char *const *nodes,
			     const char *const *skip_ns, bool no_ovsdb)
{
	json_t *m = fixture_manifest(), *spaces = json_object_get(m, "namespaces"), *e;
	char state[2048];
	size_t i;

	memset(t, 0, sizeof(*t));
	snprintf(t->hostname, sizeof(t->hostname), "fixture-host");
	json_array_foreach(spaces, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		struct netns_entry ne = { .named = true, .dev = FIXTURE_NS_DEV };
		struct link_list links = { 0 };

		if (listed(skip_ns, name))
			continue;
		snprintf(ne.name, sizeof(ne.name), "%s", name);
		snprintf(ne.path, sizeof(ne.path), "/run/netns/%s", name);
		ne.ino = (ino_t)json_integer_value(json_object_get(e, "ino"));
		load_links(name, &links);
		ck_assert_int_ge(topology_add_ns(t, &ne, &links, 0), 0);
		links_free(&links);
	}
	json_array_foreach(json_object_get(m, "nodes"), i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		struct ovsdb_endpoint ep = {.source = OVSDB_FROM_PROCESS, .ns_dev = FIXTURE_NS_DEV};
		struct ovsdb_snapshot snap;
		char err[256] = "";
		json_t *reply;

		if (nodes && !listed(nodes, name))
			continue;
		snprintf(ep.path, sizeof(ep.path), "%s",
			 json_string_value(json_object_get(e, "socket")));
		ep.ns_ino = ns_ino(spaces, json_string_value(json_object_get(e, "netns")));
		if (no_ovsdb) {
			ck_assert_int_ge(topology_add_node(t, &ep, NULL, "connection refused"), 0);
			continue;
		}
		reply = fixture_ovsdb_reply(json_string_value(json_object_get(e, "ovsdb")));
		ck_assert_int_eq(ovsdb_snapshot_parse(json_object_get(reply, "result"), &snap, err,
						      sizeof(err)), 0);
		json_decref(reply);
		ck_assert_int_ge(topology_add_node(t, &ep, &snap, NULL), 0);
		ovsdb_snapshot_free(&snap);
	}
	json_array_foreach(json_object_get(m, "processes"), i, e) {
		const char *argv[64];
		json_t *a;
		size_t k, n = 0;

		json_array_foreach(json_object_get(e, "argv"), k, a)
			if (n < 63)
				argv[n++] = json_string_value(a);
		argv[n] = NULL;
		ck_assert_int_eq(
			procs_add(&t->procs, (pid_t)json_integer_value(json_object_get(e, "pid")),
				  json_string_value(json_object_get(e, "comm")), FIXTURE_NS_DEV,
				  ns_ino(spaces, json_string_value(json_object_get(e, "netns"))),
				  (char *const *)argv),
			0);
	}
	snprintf(state, sizeof(state), "%s/state", fixture_lab_dir());
	ck_assert_int_eq(dhcp_state_load(state, STATE_DIR_CLI, &t->dhcp), 0);
	/* the table outlives the manifest: keep a reference for fixture_nsid */
	t->nsid_ctx = json_incref(spaces);
	t->nsid_of = fixture_nsid;
	json_decref(m);
}

void fixture_topology(struct topology *t, const char *const *nodes,
		      const char *const *skip_ns, bool no_ovsdb)
{
	fixture_topology_inputs(t, nodes, skip_ns, no_ovsdb);
	ck_assert_int_eq(topology_build(t), 0);
}

void fixture_topology_free(struct topology *t)
{
	json_decref(t->nsid_ctx);
	topology_free(t);
}

void fixture_hop_places(const struct port_path *path, struct hop_places *places)
{
	hop_places_init(places);
	for (size_t i = 0, id = 1; i < path->n; i++) {
		if (path->hops[i].attachable) {
			hop_places_set(places, (__u32)id++, (int)i);
			hop_places_set(places, (__u32)id++, (int)i);
		}
		hop_places_set(places, FIXTURE_DROP_ID_BASE + (__u32)i, (int)i);
	}
}

__u32 fixture_point_id(const struct hop_places *places, int hop, __u8 dir)
{
	for (__u32 id = 1; id < FIXTURE_DROP_ID_BASE; id++)
		if (hop_places_get(places, id) == hop)
			return dir == NSTRACE_DIR_INGRESS ? id : id + 1;
	ck_abort_msg("hop %d has no probe", hop);
	return 0;
}
