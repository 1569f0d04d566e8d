/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The NETLINK_ROUTE socket plumbing shared by the link and route readers:
 * open (here or inside a namespace), send a request, collect its answers.
 */
#ifndef NSTRACE_RTNL_H
#define NSTRACE_RTNL_H

#include <stdbool.h>

#include <linux/netlink.h>
#include <linux/types.h>

/* A bound route socket in the namespace nstrace is in; fd or -errno. */
int rtnl_open(void);
/*
 * A bound route socket inside ns_path (a spec netns_open() accepts); the
 * socket stays in that namespace after we return to ours.  cookie (may be
 * NULL) gets that namespace's cookie, *has_cookie whether it could be read.
 */
int rtnl_open_in(const char *ns_path, __u64 *cookie, bool *has_cookie);
int rtnl_send(int fd, struct nlmsghdr *nlh);

typedef int (*rtnl_msg_fn)(const struct nlmsghdr *nlh, void *ctx);
/*
 * Receive the replies to seq until NLMSG_DONE (dump) or the first answer;
 * each message of type want goes to fn, whose non-zero return stops.
 * An NLMSG_ERROR reply is returned as its (negative) error.
 */
int rtnl_recv(int fd, __u32 seq, __u16 want, rtnl_msg_fn fn, void *ctx, bool dump);

#endif
