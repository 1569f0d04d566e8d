// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "ns_scan.h"

int ns_list_add(struct ns_list *l, const struct netns_entry *e)
{
	struct netns_entry *items = realloc(l->items, (l->n + 1) * sizeof(*items));

	if (!items)
		return -ENOMEM;
	l->items = items;
	items[l->n] = *e;
	return (int)l->n++;
}

void ns_list_free(struct ns_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

int ns_find_ino(const struct ns_list *l, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].ino == ino && l->items[i].dev == dev)
			return (int)i;
	return -1;
}

int ns_find_name(const struct ns_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].name, name))
			return (int)i;
	return -1;
}

const char *ns_exec_prefix(const struct netns_entry *e, char *buf, size_t len)
{
	if (e->is_self)
		snprintf(buf, len, "%s", "");
	else if (e->named)
		snprintf(buf, len, "ip netns exec %s ", e->name);
	else
		snprintf(buf, len, "nsenter --net=%s ", e->path);
	return buf;
}

static int sort_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* True when path is an nsfs file (a live namespace, not a stale entry). */
static bool is_nsfs(const char *path, struct stat *st)
{
	struct statfs sfs;

	return !statfs(path, &sfs) && sfs.f_type == NSFS_MAGIC && !stat(path, st);
}

/* Named namespaces, sorted so that a namespace bound twice gets a stable name. */
static int scan_run_dir(const char *run_dir, struct ns_list *out)
{
	struct dirent **names;
	int n = scandir(run_dir, &names, NULL, sort_names);
	int err = 0;

	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct netns_entry e = { .named = true };
		struct stat st;

		snprintf(e.path, sizeof(e.path), "%s/%s", run_dir, name);
		if (!err && name[0] != '.' && strlen(name) < NS_NAME_MAX &&
		    is_nsfs(e.path, &st) && ns_find_ino(out, st.st_dev, st.st_ino) < 0) {
			snprintf(e.name, sizeof(e.name), "%.*s", NS_NAME_MAX - 1, name);
			e.dev = st.st_dev;
			e.ino = st.st_ino;
			if (ns_list_add(out, &e) < 0)
				err = -ENOMEM;
		}
		free(names[i]);
	}
	free(names);
	return err;
}

/* Mark (or add) the namespace at path with the given flags. */
static int add_special(struct ns_list *out, const char *path, bool is_root, bool is_self,
		       pid_t pid)
{
	struct netns_entry e = { .pid = pid };
	struct stat st;
	int i;

	if (stat(path, &st))
		return errno == ENOENT || errno == EACCES || errno == EPERM ? 0 : -errno;
	i = ns_find_ino(out, st.st_dev, st.st_ino);
	if (i < 0) {
		e.dev = st.st_dev;
		e.ino = st.st_ino;
		if (is_root)
			snprintf(e.name, sizeof(e.name), "root");
		else
			snprintf(e.name, sizeof(e.name), "pid:%d", (int)pid);
		snprintf(e.path, sizeof(e.path), "%s", path);
		i = ns_list_add(out, &e);
		if (i < 0)
			return i;
	}
	out->items[i].is_root |= is_root;
	out->items[i].is_self |= is_self;
	if (!out->items[i].pid)
		out->items[i].pid = pid;
	return 0;
}

int ns_scan(const char *proc_root, const char *run_dir, const struct proc_list *procs,
	    struct ns_list *out)
{
	char path[PATH_MAX];
	int err;

	/* Root first, so that it keeps the name "root" even if bound in /run/netns. */
	snprintf(path, sizeof(path), "%s/1/ns/net", proc_root);
	err = add_special(out, path, true, false, 1);
	if (err)
		return err;
	err = scan_run_dir(run_dir, out);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/self/ns/net", proc_root);
	err = add_special(out, path, false, true, getpid());
	if (err)
		return err;
	for (size_t i = 0; i < procs->n; i++) {
		const struct proc_entry *p = &procs->items[i];

		if (!p->ns_ino)
			continue;
		snprintf(path, sizeof(path), "%s/%d/ns/net", proc_root, (int)p->pid);
		int k = ns_find_ino(out, p->ns_dev, p->ns_ino);

		if (k >= 0) {
			if (!out->items[k].pid)
				out->items[k].pid = p->pid;
			continue;
		}
		struct netns_entry e = { .dev = p->ns_dev, .ino = p->ns_ino, .pid = p->pid };

		snprintf(e.name, sizeof(e.name), "pid:%d", (int)p->pid);
		snprintf(e.path, sizeof(e.path), "%s", path);
		if (ns_list_add(out, &e) < 0)
			return -ENOMEM;
	}
	return 0;
}
