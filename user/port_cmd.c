// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_args.h"
#include "exit_codes.h"
#include "filter_args.h"
#include "json_line.h"
#include "log.h"
#include "ns_exec.h"
#include "port_cmd.h"
#include "port_lookup.h"

int port_cmd_option(struct port_cmd_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case PORT_OPT_OVSDB:
		if (o->topo.n_ovsdb_paths == PORT_CMD_MAX_OVSDB) {
			log_error("at most %d --ovsdb paths", PORT_CMD_MAX_OVSDB);
			return -EINVAL;
		}
		o->ovsdb[o->topo.n_ovsdb_paths++] = arg;
		return 1;
	case PORT_OPT_STATE_DIR:
		o->topo.state_dir = arg;
		return 1;
	case 't':
		if (parse_seconds(arg, &o->timeout_ms)) {
			log_error("bad --timeout '%s': expected seconds above 0, e.g. 30", arg);
			return -EINVAL;
		}
		return 1;
	case 'j':
		o->json = true;
		return 1;
	case PORT_OPT_ATTACH:
		if (parse_attach_mode(arg, &o->mode)) {
			log_error("bad --attach '%s': expected auto, tcx or clsact", arg);
			return -EINVAL;
		}
		return 1;
	}
	return 0;
}

static void print_json_error(json_t *error)
{
	json_t *line = json_pack("{s:s}", "type", "error");

	json_object_update(line, error);
	json_line_write(stdout, line);
	json_decref(line);
	json_decref(error);
}

int port_cmd_find(struct port_cmd_opts *o, const char *query, const char *cmd, bool json,
		  struct topology *t, int *idx)
{
	json_t *error = NULL;
	int rc;

	if (geteuid() != 0) {
		log_error("needs root, to attach probes, enter network namespaces and read the "
			  "OVSDB socket; run it with sudo");
		return NST_EXIT_ENV;
	}
	o->topo.ovsdb_paths = o->ovsdb;
	rc = topology_discover(&o->topo, t);
	if (rc) {
		log_error("discovery failed: %s", strerror(-rc));
		topology_free(t);
		return NST_EXIT_RUNTIME;
	}
	for (size_t i = 0; i < t->n_warnings; i++)
		log_warn("%s", t->warnings[i]);
	*idx = port_lookup(t, query, cmd, json ? &error : NULL);
	if (*idx < 0) {
		if (error)
			print_json_error(error);
		topology_free(t);
		return NST_EXIT_USAGE;
	}
	if (t->ports[*idx].kind != PORT_VM) {
		log_error("port %s is a %s port; nstrace %s traces a VM's port", t->ports[*idx].uuid,
			  port_kind_name(t->ports[*idx].kind), cmd);
		topology_free(t);
		return NST_EXIT_USAGE;
	}
	return NST_EXIT_OK;
}

void port_cmd_filter_tun_key(const struct topology *t, const struct topo_port *p,
			     struct nstrace_filter *f)
{
	const char *type = p->network >= 0 ? t->nets[p->network].network_type : p->network_type;
	const char *seg = p->network >= 0 ? t->nets[p->network].segmentation_id :
					     p->segmentation_id;
	char msg[256];

	if ((!strcmp(type, "gre") || !strcmp(type, "vxlan") || !strcmp(type, "geneve")) &&
	    seg[0] && filter_set_tun_key(f, seg, msg, sizeof(msg)))
		log_warn("segmentation id '%s' of port %s: %s; tunnelled packets are not "
			 "filtered by key",
			 seg, p->uuid, msg);
}

void sg_watch_start(struct sg_watch *w, const struct topology *t, const struct topo_port *p,
		    const struct port_path *path)
{
	const struct topo_ns *ns;

	memset(w, 0, sizeof(*w));
	filter_watch_start(&w->agents, t, path);
	if (p->node < 0 || !p->hybrid || t->nodes[p->node].ns < 0)
		return;
	ns = &t->ns[t->nodes[p->node].ns];
	snprintf(w->ns_path, sizeof(w->ns_path), "%s", ns->ns.is_self ? "" : ns->ns.path);
	ns_exec_prefix(&ns->ns, w->exec, sizeof(w->exec));
	w->port_uuid = p->uuid;
	w->tap = p->dev;
	w->node = topo_node_name(t, p->node);
	ipt_snapshot_read(w->ns_path, "neutron-openvswi-", &w->before);
	w->known = true;
}

void sg_watch_checks(struct sg_watch *w, struct verdict_checks *checks)
{
	struct ipt_snapshot after;

	if (w->known) {
		ipt_snapshot_read(w->ns_path, "neutron-openvswi-", &after);
		if (sg_checks(&w->before, &after, w->port_uuid, w->node, w->exec, checks) ||
		    sg_hooks_check(&after, w->port_uuid, w->tap, w->node, w->exec, checks))
			log_warn("out of memory reading the security-group counters");
		ipt_snapshot_free(&w->before);
		w->before = after;
	}
	filter_watch_checks(&w->agents, checks);
}

void sg_watch_free(struct sg_watch *w)
{
	if (w->known)
		ipt_snapshot_free(&w->before);
	w->known = false;
	filter_watch_free(&w->agents);
}
