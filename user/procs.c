// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procs.h"

#define CMDLINE_MAX 65536

static void free_argv(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

int procs_add(struct proc_list *l, pid_t pid, const char *comm, dev_t ns_dev,
	      ino_t ns_ino, char *const argv[])
{
	struct proc_entry *items, *p;
	int argc = 0;

	while (argv && argv[argc])
		argc++;
	items = realloc(l->items, (l->n + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	l->items = items;
	p = &items[l->n];
	memset(p, 0, sizeof(*p));
	p->argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!p->argv)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		p->argv[i] = strdup(argv[i]);
		if (!p->argv[i]) {
			free_argv(p->argv);
			return -ENOMEM;
		}
	}
	p->argc = argc;
	p->pid = pid;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	p->ns_dev = ns_dev;
	p->ns_ino = ns_ino;
	l->n++;
	return 0;
}

void procs_free(struct proc_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free_argv(l->items[i].argv);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* Read a small /proc file; returns bytes read or -errno. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -errno;
	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -errno;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return (ssize_t)got;
}

/* Split a NUL-separated cmdline into a NULL-terminated argv. */
static char **split_cmdline(const char *buf, size_t len)
{
	size_t n = 0, k = 0;
	char **argv;

	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0')
			n++;
	if (len && buf[len - 1] != '\0')
		n++;
	argv = calloc(n + 1, sizeof(char *));
	if (!argv)
		return NULL;
	for (size_t i = 0; i < len && k < n;) {
		size_t j = i;

		while (j < len && buf[j])
			j++;
		argv[k] = strndup(buf + i, j - i);
		if (!argv[k]) {
			free_argv(argv);
			return NULL;
		}
		k++;
		i = j + 1;
	}
	return argv;
}

static int scan_one(const char *proc_root, pid_t pid, char *buf, struct proc_list *out)
{
	char path[PATH_MAX], comm[32] = "";
	struct stat st;
	char **argv;
	ssize_t n;
	int err;

	snprintf(path, sizeof(path), "%s/%d/comm", proc_root, pid);
	n = read_small(path, comm, sizeof(comm) - 1);
	if (n < 0)
		return 0; /* gone */
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';

	snprintf(path, sizeof(path), "%s/%d/cmdline", proc_root, pid);
	n = read_small(path, buf, CMDLINE_MAX);
	argv = split_cmdline(buf, n > 0 ? (size_t)n : 0);
	if (!argv)
		return -ENOMEM;

	snprintf(path, sizeof(path), "%s/%d/ns/net", proc_root, pid);
	if (stat(path, &st))
		memset(&st, 0, sizeof(st));
	err = procs_add(out, pid, comm, st.st_dev, st.st_ino, argv);
	free_argv(argv);
	return err;
}

int procs_scan(const char *proc_root, struct proc_list *out)
{
	DIR *d = opendir(proc_root);
	struct dirent *de;
	char *buf;
	int err = 0;

	if (!d)
		return -errno;
	buf = malloc(CMDLINE_MAX);
	if (!buf) {
		closedir(d);
		return -ENOMEM;
	}
	while (!err && (de = readdir(d))) {
		char *end;
		long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		err = scan_one(proc_root, (pid_t)pid, buf, out);
	}
	free(buf);
	closedir(d);
	return err;
}

const struct proc_entry *procs_find(const struct proc_list *l, pid_t pid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].pid == pid)
			return &l->items[i];
	return NULL;
}

bool proc_is(const struct proc_entry *p, const char *program)
{
	const char *base;

	if (!strcmp(p->comm, program))
		return true;
	if (p->argc == 0)
		return false;
	base = strrchr(p->argv[0], '/');
	base = base ? base + 1 : p->argv[0];
	return !strcmp(base, program);
}

const char *proc_option(const struct proc_entry *p, const char *name, int nth)
{
	size_t len = strlen(name);

	for (int i = 1; i < p->argc; i++) {
		const char *a = p->argv[i];
		const char *value = NULL;

		if (strncmp(a, name, len))
			continue;
		if (a[len] == '=')
			value = a + len + 1;
		else if (a[len] == '\0' && i + 1 < p->argc)
			value = p->argv[i + 1];
		if (value && nth-- == 0)
			return value;
	}
	return NULL;
}

bool path_is_socket(const char *path, struct stat *st)
{
	return !stat(path, st) && S_ISSOCK(st->st_mode);
}

bool proc_socket_path(const char *proc_root, pid_t pid, const char *path, char *out, size_t len,
		      struct stat *st)
{
	char cwd[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	if (path[0] != '/') {
		snprintf(link, sizeof(link), "%s/%d/cwd", proc_root, (int)pid);
		n = readlink(link, cwd, sizeof(cwd) - 1);
		if (n <= 0)
			return false;
		cwd[n] = '\0';
		if ((size_t)snprintf(out, len, "%s/%s", cwd, path) >= len)
			return false;
	} else {
		snprintf(out, len, "%s", path);
	}
	if (path_is_socket(out, st))
		return true;
	snprintf(link, sizeof(link), "%s", out);
	if ((size_t)snprintf(out, len, "%s/%d/root%s", proc_root, (int)pid, link) >= len)
		return false;
	return path_is_socket(out, st);
}
