// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Read the live host into struct topology, then build the model. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "netns.h"
#include "ovs_ctl.h"
#include "topology.h"

static int read_namespaces(const struct topo_options *o, struct topology *t)
{
	struct ns_list nss = { 0 };
	int err = ns_scan(o->proc_root ? o->proc_root : "/proc",
			  o->netns_dir ? o->netns_dir : NETNS_RUN_DIR, &t->procs, &nss);

	if (err)
		return err;
	for (size_t i = 0; i < nss.n && !err; i++) {
		struct link_list links = { 0 };
		int r = nss.items[i].is_self ? links_dump(&links)
					     : links_dump_ns(nss.items[i].path, &links);

		/* A process that exits takes its namespace along: not news. */
		if (r && r != -ENOENT && r != -ESRCH)
			topology_warn(t, "cannot read the links of namespace %s: %s",
				      nss.items[i].name, strerror(-r));
		if (topology_add_ns(t, &nss.items[i], r ? NULL : &links, r) < 0)
			err = -ENOMEM;
		links_free(&links);
	}
	ns_list_free(&nss);
	return err;
}

static int read_ovsdb(const struct topo_options *o, struct topology *t)
{
	struct ovsdb_endpoints eps = { 0 };
	int timeout = o->ovsdb_timeout_ms > 0 ? o->ovsdb_timeout_ms : OVSDB_TIMEOUT_MS;
	const char *proc_root = o->proc_root ? o->proc_root : "/proc";
	int err = ovsdb_locate(proc_root, &t->procs, o->ovsdb_paths, o->n_ovsdb_paths, &eps);

	for (size_t i = 0; i < eps.n && !err; i++) {
		const struct ovsdb_endpoint *ep = &eps.items[i];
		struct ovsdb_snapshot snap;
		struct stat st;
		char why[256];
		int r, idx;

		if (ep->source == OVSDB_FROM_DEFAULT && stat(ep->path, &st)) {
			topology_warn(t, "no ovsdb-server found: no running ovsdb-server process "
				      "and no %s; give --ovsdb PATH", ep->path);
			continue;
		}
		r = ovsdb_fetch(ep->path, timeout, &snap, why, sizeof(why));
		if (r == -ENOENT && ep->source != OVSDB_FROM_CLI) {
			log_debug("skipping %s: %s", ep->path, why);
			continue;
		}
		if (r) {
			topology_warn(t, "OVSDB at %s not read (%s): ports are known from device "
				      "names only there", ep->path, why);
			idx = topology_add_node(t, ep, NULL, why);
		} else {
			idx = topology_add_node(t, ep, &snap, NULL);
			ovsdb_snapshot_free(&snap);
		}
		err = idx < 0 ? -ENOMEM : 0;
		if (idx >= 0)
			ovs_ctl_locate(proc_root, &t->procs, ep, t->nodes[idx].vswitchd_ctl,
				       sizeof(t->nodes[idx].vswitchd_ctl));
	}
	ovsdb_endpoints_free(&eps);
	return err;
}

/* Ask the kernel, from inside namespace `from`, which id `to` has there. */
static int kernel_nsid(const struct topology *t, int from, int to)
{
	const char *path = t->ns[to].ns.path;
	int id = -1;

	if (links_nsids(t->ns[from].ns.path, &path, 1, &id))
		return -1;
	return id;
}

int topology_discover(const struct topo_options *o, struct topology *t)
{
	char dir[PATH_MAX];
	enum state_dir_source src;
	int err;

	memset(t, 0, sizeof(*t));
	t->nsid_of = kernel_nsid;
	if (gethostname(t->hostname, sizeof(t->hostname) - 1))
		t->hostname[0] = '\0';
	err = procs_scan(o->proc_root ? o->proc_root : "/proc", &t->procs);
	if (!err)
		err = read_namespaces(o, t);
	if (!err)
		err = read_ovsdb(o, t);
	if (err)
		return err;
	src = dhcp_state_pick_dir(o->state_dir, &t->procs, dir, sizeof(dir));
	err = dhcp_state_load(dir, src, &t->dhcp);
	if (err) {
		topology_warn(t, "cannot read the DHCP agent state in %s: %s", dir, strerror(-err));
		memset(&t->dhcp, 0, sizeof(t->dhcp));
		snprintf(t->dhcp.dir, sizeof(t->dhcp.dir), "%s", dir);
		t->dhcp.source = src;
	}
	if (src == STATE_DIR_CLI && !t->dhcp.n)
		topology_warn(t, "no network directories in %s/dhcp", dir);
	/* Unless told where to look, trust each running dnsmasq's own files. */
	if (src != STATE_DIR_CLI && dhcp_state_add_running(&t->dhcp, &t->procs))
		return -ENOMEM;
	return topology_build(t);
}
