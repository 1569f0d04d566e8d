/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the commands that trace one port (`nstrace dhcp`, `nstrace ping`)
 * share: the options that say where the host's facts are (--ovsdb,
 * --state-dir) and how to attach (--attach), the way from the PORT the
 * user gave to a VM port of a discovered model, and the firewall counters
 * (the port's security group, the agents' namespaces) read before and
 * after each verdict.
 */
#ifndef NSTRACE_PORT_CMD_H
#define NSTRACE_PORT_CMD_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>

#include "attach.h"
#include "filter_drops.h"
#include "nstrace_event.h"
#include "sg_counters.h"
#include "topology.h"
#include "verdict_print.h"

#define PORT_CMD_MAX_OVSDB 32

enum { PORT_OPT_OVSDB = 256, PORT_OPT_STATE_DIR, PORT_OPT_ATTACH };

/* For a command's struct option table (and "t:j" in its short ones). */
#define PORT_CMD_LONG_OPTIONS                                              \
	{ "ovsdb", required_argument, NULL, PORT_OPT_OVSDB },              \
	{ "state-dir", required_argument, NULL, PORT_OPT_STATE_DIR },      \
	{ "attach", required_argument, NULL, PORT_OPT_ATTACH },             \
	{ "timeout", required_argument, NULL, 't' },                      \
	{ "json", no_argument, NULL, 'j' }

struct port_cmd_opts {
	struct topo_options topo;
	const char *ovsdb[PORT_CMD_MAX_OVSDB];
	enum attach_mode mode;
	unsigned long long timeout_ms; /* -t, --timeout; 0 when not given */
	bool json; /* -j, --json */
};

/* getopt's opt and optarg: 1 when it was one of these options, 0 when
 * not, -EINVAL for a bad value (the message is printed). */
int port_cmd_option(struct port_cmd_opts *o, int opt, const char *arg);

/*
 * Root, discovery (its warnings printed) and the port: a VM's port whose
 * index goes to *idx.  Returns 0 with t to free, or an NST_EXIT_* code
 * with t freed; with json a lookup failure is also written to stdout as a
 * {"type":"error"} line.  cmd names the command in messages.
 */
int port_cmd_find(struct port_cmd_opts *o, const char *query, const char *cmd, bool json,
		  struct topology *t, int *idx);

/* Inside tunnels, only the port's network: its segmentation id as the
 * filter's tunnel key (a warning when it cannot be). */
void port_cmd_filter_tun_key(const struct topology *t, const struct topo_port *p,
			     struct nstrace_filter *f);

/* The firewall's evidence around a trace: the port's security-group
 * chains in its node's namespace, and the filter tables of the agents'
 * namespaces on its path. */
struct sg_watch {
	char ns_path[PATH_MAX]; /* "" for nstrace's own namespace */
	char exec[PATH_MAX + 32]; /* "ip netns exec NS " for commands */
	const char *port_uuid, *tap, *node;
	bool known; /* the port has a hybrid plug: its chains were read */
	struct ipt_snapshot before;
	struct filter_watch agents;
};

/* Read the counters now. */
void sg_watch_start(struct sg_watch *w, const struct topology *t, const struct topo_port *p,
		    const struct port_path *path);
/* The chains whose counters rose since the last read, and the agents'
 * drops, as checks; the next call counts from here. */
void sg_watch_checks(struct sg_watch *w, struct verdict_checks *checks);
void sg_watch_free(struct sg_watch *w);

#endif
