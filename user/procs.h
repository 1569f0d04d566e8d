/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One pass over /proc: every process with its name, command line and
 * network namespace identity.  Discovery uses it to find namespaces held
 * only by processes, ovsdb-server sockets and dnsmasq instances.
 */
#ifndef NSTRACE_PROCS_H
#define NSTRACE_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct proc_entry {
	pid_t pid;
	char comm[17]; /* /proc/PID/comm */
	dev_t ns_dev; /* network namespace identity: nsfs device and inode; */
	ino_t ns_ino; /* 0 when unreadable (process gone, no permission) */
	int argc;
	char **argv; /* NULL-terminated; empty for kernel threads */
};

struct proc_list {
	struct proc_entry *items;
	size_t n;
};

/* Scan proc_root (normally "/proc"). Processes that vanish are skipped. */
int procs_scan(const char *proc_root, struct proc_list *out);
/* Append a process (tests, fixtures); argv is copied. */
int procs_add(struct proc_list *l, pid_t pid, const char *comm, dev_t ns_dev,
	      ino_t ns_ino, char *const argv[]);
void procs_free(struct proc_list *l);

const struct proc_entry *procs_find(const struct proc_list *l, pid_t pid);
/* True when the process runs program (comm or basename of argv[0]). */
bool proc_is(const struct proc_entry *p, const char *program);
/*
 * Value of a long option: "--name=VALUE" or "--name VALUE"; the nth
 * occurrence (0 = first).  NULL when absent.
 */
const char *proc_option(const struct proc_entry *p, const char *name, int nth);

/* path is a unix socket (its stat in *st). */
bool path_is_socket(const char *path, struct stat *st);
/*
 * A unix socket path as process pid named it, as nstrace can reach it:
 * a relative path is relative to the process's cwd; a process in another
 * mount namespace (a container) is reached through /proc/PID/root.  False
 * when no socket is there.
 */
bool proc_socket_path(const char *proc_root, pid_t pid, const char *path, char *out, size_t len,
		      struct stat *st);

#endif
