// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"
#include "rtnl.h"

#define RTNL_BUF_LEN 65536

int rtnl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int rtnl_open_in(const char *ns_path, __u64 *cookie, bool *has_cookie)
{
	int ns_fd = netns_open(ns_path);
	int home, fd, err;

	if (ns_fd < 0)
		return ns_fd;
	err = netns_enter(ns_fd, &home);
	close(ns_fd);
	if (err)
		return err;
	fd = rtnl_open();
	if (cookie)
		*has_cookie = !netns_current_cookie(cookie);
	err = netns_leave(home);
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}

int rtnl_send(int fd, struct nlmsghdr *nlh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

int rtnl_recv(int fd, __u32 seq, __u16 want, rtnl_msg_fn fn, void *ctx, bool dump)
{
	char *buf = malloc(RTNL_BUF_LEN);
	int err = 0;
	bool done = false;

	if (!buf)
		return -ENOMEM;
	while (!done && !err) {
		ssize_t len = recv(fd, buf, RTNL_BUF_LEN, 0);
		struct nlmsghdr *nlh;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, (unsigned int)len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				err = e->error;
				done = true;
				break;
			}
			if (nlh->nlmsg_type == want) {
				err = fn(nlh, ctx);
				if (err)
					break;
			}
			if (!dump) {
				done = true;
				break;
			}
		}
	}
	free(buf);
	return err;
}
