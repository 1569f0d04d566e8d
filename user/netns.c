// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/nsfs.h>

#include "log.h"
#include "netns.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

static bool valid_name(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..") &&
	       strlen(name) < NAME_MAX;
}

int netns_open(const char *spec)
{
	char path[PATH_MAX];
	int fd, type;

	if (!spec[0])
		snprintf(path, sizeof(path), "/proc/thread-self/ns/net");
	else if (spec[0] == '/')
		snprintf(path, sizeof(path), "%s", spec);
	else if (valid_name(spec))
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", spec);
	else
		return -EINVAL;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR ? -ENOENT : -errno;
	/* A /run/netns entry whose bind mount is gone is a plain empty file. */
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int netns_enter(int ns_fd, int *home_fd)
{
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	if (home < 0)
		return -errno;
	if (setns(ns_fd, CLONE_NEWNET)) {
		int err = -errno;

		close(home);
		return err;
	}
	*home_fd = home;
	return 0;
}

int netns_leave(int home_fd)
{
	int err = 0;

	if (setns(home_fd, CLONE_NEWNET)) {
		err = -errno;
		/* Staying in the wrong namespace would misdirect every later step. */
		log_error("cannot return to the original network namespace: %s",
			  strerror(errno));
	}
	close(home_fd);
	return err;
}

int netns_current_cookie(__u64 *cookie)
{
	socklen_t len = sizeof(*cookie);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len))
		err = -errno;
	close(fd);
	return err;
}

int netns_ino(int ns_fd, ino_t *ino)
{
	struct stat st;

	if (fstat(ns_fd, &st))
		return -errno;
	*ino = st.st_ino;
	return 0;
}

int netns_dev_lookup(int ns_fd, const char *dev, __u64 *cookie, __u32 *ifindex)
{
	int home, err;
	unsigned int idx;

	err = netns_enter(ns_fd, &home);
	if (err)
		return err;
	err = netns_current_cookie(cookie);
	if (!err) {
		idx = if_nametoindex(dev);
		if (idx)
			*ifindex = idx;
		else
			err = errno == ENXIO || errno == ENODEV ? -ENODEV : -errno;
	}
	if (netns_leave(home))
		return -ENOTRECOVERABLE;
	return err;
}

const char *netns_label(const char *spec)
{
	static const char run[] = NETNS_RUN_DIR "/";

	if (!spec[0])
		return "current namespace";
	/* A named namespace by the name `ip netns` shows. */
	if (!strncmp(spec, run, sizeof(run) - 1) && spec[sizeof(run) - 1])
		return spec + sizeof(run) - 1;
	return spec;
}
