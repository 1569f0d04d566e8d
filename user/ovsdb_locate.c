// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ovsdb_locate.h"

#define MAX_REMOTES 8

size_t ovsdb_server_sockets(const struct proc_entry *p, const char **paths, size_t max)
{
	size_t n = 0;

	for (int nth = 0; n < max; nth++) {
		const char *remote = proc_option(p, "--remote", nth);

		if (!remote)
			break;
		if (!strncmp(remote, "punix:", 6) && remote[6])
			paths[n++] = remote + 6;
	}
	return n;
}

static int add_endpoint(struct ovsdb_endpoints *out, const struct ovsdb_endpoint *e)
{
	struct ovsdb_endpoint *items = realloc(out->items, (out->n + 1) * sizeof(*items));

	if (!items)
		return -ENOMEM;
	out->items = items;
	items[out->n++] = *e;
	return 0;
}

struct seen_sock {
	dev_t dev;
	ino_t ino;
};

/* Sockets already listed (a server may be named twice, or given twice). */
static bool seen_before(struct seen_sock *seen, size_t *n_seen, size_t max,
			const struct stat *st)
{
	for (size_t i = 0; i < *n_seen; i++)
		if (seen[i].dev == st->st_dev && seen[i].ino == st->st_ino)
			return true;
	if (*n_seen < max)
		seen[(*n_seen)++] = (struct seen_sock){ st->st_dev, st->st_ino };
	return false;
}

/* The ovsdb-server whose socket is st, so a --ovsdb path gets its node. */
static void find_server(const char *proc_root, const struct proc_list *procs,
			const struct stat *st, struct ovsdb_endpoint *e)
{
	for (size_t i = 0; i < procs->n; i++) {
		const struct proc_entry *p = &procs->items[i];
		const char *paths[MAX_REMOTES];
		size_t n;

		if (!proc_is(p, "ovsdb-server"))
			continue;
		n = ovsdb_server_sockets(p, paths, MAX_REMOTES);
		for (size_t k = 0; k < n; k++) {
			char path[PATH_MAX];
			struct stat pst;

			if (proc_socket_path(proc_root, p->pid, paths[k], path, sizeof(path),
						&pst) &&
			    pst.st_dev == st->st_dev && pst.st_ino == st->st_ino) {
				e->pid = p->pid;
				e->ns_dev = p->ns_dev;
				e->ns_ino = p->ns_ino;
				return;
			}
		}
	}
}

int ovsdb_locate(const char *proc_root, const struct proc_list *procs,
		 const char *const *cli_paths, size_t n_cli, struct ovsdb_endpoints *out)
{
	struct seen_sock seen[256];
	size_t n_seen = 0;
	int err = 0;

	for (size_t i = 0; i < n_cli && !err; i++) {
		struct ovsdb_endpoint e = { .source = OVSDB_FROM_CLI };
		struct stat st;

		snprintf(e.path, sizeof(e.path), "%s", cli_paths[i]);
		/* A missing path is kept: the caller reports it as unreachable. */
		if (path_is_socket(e.path, &st)) {
			if (seen_before(seen, &n_seen, 256, &st))
				continue;
			find_server(proc_root, procs, &st, &e);
		}
		err = add_endpoint(out, &e);
	}
	if (n_cli)
		return err;
	for (size_t i = 0; i < procs->n && !err; i++) {
		const struct proc_entry *p = &procs->items[i];
		const char *paths[MAX_REMOTES];
		size_t n;

		if (!proc_is(p, "ovsdb-server"))
			continue;
		n = ovsdb_server_sockets(p, paths, MAX_REMOTES);
		for (size_t k = 0; k < n && !err; k++) {
			struct ovsdb_endpoint e = { .source = OVSDB_FROM_PROCESS, .pid = p->pid,
						    .ns_dev = p->ns_dev, .ns_ino = p->ns_ino };
			struct stat st;

			if (!proc_socket_path(proc_root, p->pid, paths[k], e.path,
						 sizeof(e.path), &st) ||
			    seen_before(seen, &n_seen, 256, &st))
				continue;
			err = add_endpoint(out, &e);
			break; /* one socket per server is enough */
		}
	}
	if (!err && out->n == 0) {
		struct ovsdb_endpoint e = { .source = OVSDB_FROM_DEFAULT };
		struct stat st;

		snprintf(e.path, sizeof(e.path), "%s", OVSDB_DEFAULT_SOCK);
		if (path_is_socket(e.path, &st))
			find_server(proc_root, procs, &st, &e);
		err = add_endpoint(out, &e);
	}
	return err;
}

void ovsdb_endpoints_free(struct ovsdb_endpoints *e)
{
	free(e->items);
	e->items = NULL;
	e->n = 0;
}
