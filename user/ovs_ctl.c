// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ovs_ctl.h"

/* OVS_RUNDIR from the process's environment, else the default. */
static void rundir_of(const char *proc_root, pid_t pid, char *out, size_t len)
{
	char path[PATH_MAX], env[32768];
	ssize_t n = 0;
	int fd;

	snprintf(out, len, "%s", OVS_DEFAULT_RUNDIR);
	snprintf(path, sizeof(path), "%s/%d/environ", proc_root, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, env, sizeof(env) - 1);
	close(fd);
	if (n <= 0)
		return;
	env[n] = '\0';
	for (char *v = env; v < env + n; v += strlen(v) + 1)
		if (!strncmp(v, "OVS_RUNDIR=", 11) && v[11]) {
			snprintf(out, len, "%s", v + 11);
			return;
		}
}

/* The database ovs-vswitchd was started with: its one non-option
 * argument, by default the standard socket. */
static const char *database_of(const struct proc_entry *p)
{
	for (int i = 1; i < p->argc; i++)
		if (p->argv[i][0] != '-')
			return p->argv[i];
	return "unix:" OVS_DEFAULT_RUNDIR "/db.sock";
}

static bool serves(const char *proc_root, const struct proc_entry *p, const struct stat *db)
{
	const char *database = database_of(p);
	char path[PATH_MAX];
	struct stat st;

	return !strncmp(database, "unix:", 5) &&
	       proc_socket_path(proc_root, p->pid, database + 5, path, sizeof(path), &st) &&
	       st.st_dev == db->st_dev && st.st_ino == db->st_ino;
}

static bool ctl_path(const char *proc_root, const struct proc_entry *p, char *out, size_t len)
{
	const char *unixctl = proc_option(p, "--unixctl", 0);
	char rundir[PATH_MAX], path[PATH_MAX];
	struct stat st;

	int n;

	rundir_of(proc_root, p->pid, rundir, sizeof(rundir));
	if (unixctl && unixctl[0] == '/')
		n = snprintf(path, sizeof(path), "%s", unixctl);
	else if (unixctl)
		n = snprintf(path, sizeof(path), "%s/%s", rundir, unixctl);
	else
		n = snprintf(path, sizeof(path), "%s/ovs-vswitchd.%d.ctl", rundir, (int)p->pid);
	return n > 0 && (size_t)n < sizeof(path) &&
	       proc_socket_path(proc_root, p->pid, path, out, len, &st);
}

int ovs_ctl_locate(const char *proc_root, const struct proc_list *procs,
		   const struct ovsdb_endpoint *ep, char *out, size_t len)
{
	const struct proc_entry *same_ns = NULL;
	struct stat db;
	bool have_db = path_is_socket(ep->path, &db);

	for (size_t i = 0; i < procs->n; i++) {
		const struct proc_entry *p = &procs->items[i];

		if (!proc_is(p, "ovs-vswitchd"))
			continue;
		/* With --monitor, the monitor process has no socket: skip it. */
		if (have_db && serves(proc_root, p, &db) && ctl_path(proc_root, p, out, len))
			return 0;
		if (!same_ns && ep->ns_ino && p->ns_dev == ep->ns_dev && p->ns_ino == ep->ns_ino &&
		    ctl_path(proc_root, p, out, len))
			same_ns = p;
	}
	if (same_ns)
		return ctl_path(proc_root, same_ns, out, len) ? 0 : -ENOENT;
	out[0] = '\0';
	return -ENOENT;
}
