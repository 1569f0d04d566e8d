/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where the OVSDB sockets are: the paths given with --ovsdb, else every
 * running ovsdb-server's --remote=punix:PATH (its node is the namespace it
 * runs in), else /run/openvswitch/db.sock.
 */
#ifndef NSTRACE_OVSDB_LOCATE_H
#define NSTRACE_OVSDB_LOCATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "procs.h"

#define OVSDB_DEFAULT_SOCK "/run/openvswitch/db.sock"

enum ovsdb_source {
	OVSDB_FROM_CLI, /* --ovsdb PATH */
	OVSDB_FROM_PROCESS, /* a running ovsdb-server's punix: remote */
	OVSDB_FROM_DEFAULT, /* /run/openvswitch/db.sock */
};

struct ovsdb_endpoint {
	char path[PATH_MAX]; /* socket path reachable from nstrace */
	enum ovsdb_source source;
	pid_t pid; /* the ovsdb-server serving it, 0 when unknown */
	dev_t ns_dev; /* its network namespace, 0/0 when unknown */
	ino_t ns_ino;
};

struct ovsdb_endpoints {
	struct ovsdb_endpoint *items;
	size_t n;
};

/*
 * Fill out from cli_paths (n_cli of them) or, when none are given, from
 * procs and then the default.  proc_root is normally "/proc" (used for a
 * server's cwd and root, to resolve relative or container paths).
 */
int ovsdb_locate(const char *proc_root, const struct proc_list *procs,
		 const char *const *cli_paths, size_t n_cli, struct ovsdb_endpoints *out);
void ovsdb_endpoints_free(struct ovsdb_endpoints *e);
/* The unix socket paths of one ovsdb-server process, from its argv. */
size_t ovsdb_server_sockets(const struct proc_entry *p, const char **paths, size_t max);

#endif
