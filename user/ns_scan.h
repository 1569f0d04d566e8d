/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Every network namespace on the host: the root one, the named ones under
 * /run/netns (as `ip netns add` makes them) and those held by processes,
 * deduplicated by nsfs identity (device + inode).
 */
#ifndef NSTRACE_NS_SCAN_H
#define NSTRACE_NS_SCAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "procs.h"

#define NS_NAME_MAX 128

struct netns_entry {
	char name[NS_NAME_MAX]; /* /run/netns name, "root", or "pid:N" */
	char path[PATH_MAX]; /* usable by setns: /run/netns/NAME, /proc/PID/ns/net */
	dev_t dev;
	ino_t ino;
	bool is_root; /* the namespace of PID 1 */
	bool is_self; /* the namespace nstrace runs in */
	bool named; /* has a /run/netns entry */
	pid_t pid; /* a process inside, 0 when none was seen */
};

struct ns_list {
	struct netns_entry *items;
	size_t n;
};

/*
 * Scan run_dir (normally NETNS_RUN_DIR), the processes in procs, and the
 * root and own namespaces from proc_root (normally "/proc").
 */
int ns_scan(const char *proc_root, const char *run_dir, const struct proc_list *procs,
	    struct ns_list *out);
/* Append one entry (fixtures); returns its index or -errno. */
int ns_list_add(struct ns_list *l, const struct netns_entry *e);
void ns_list_free(struct ns_list *l);

int ns_find_ino(const struct ns_list *l, dev_t dev, ino_t ino);
int ns_find_name(const struct ns_list *l, const char *name);
/* The command prefix that runs a command in the namespace:
 * "ip netns exec NAME ", "nsenter --net=PATH " or "" for nstrace's own. */
const char *ns_exec_prefix(const struct netns_entry *e, char *buf, size_t len);

#endif
