// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Which devices of a router namespace forward IPv4: the per-device
 * net.ipv4.conf.<dev>.forwarding, read over rtnetlink (RTM_GETNETCONF,
 * what `ip netconf show` prints) so that no thread has to enter the
 * namespace to read /proc/sys/net.
 */
#include "router_state.h" /* <net/if.h> before <linux/if.h> */

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/netconf.h>
#include <linux/rtnetlink.h>

#include "rtnl.h"

#define NETCONF_DUMP_SEQ 4

static int on_netconf(const struct nlmsghdr *nlh, void *ctx)
{
	const struct netconfmsg *ncm = NLMSG_DATA(nlh);
	int len = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*ncm));
	struct router_state *rs = ctx;
	struct router_fwd f = { .ifindex = 0, .on = -1 };
	bool has_index = false;
	struct router_fwd *fwd;

	if (ncm->ncm_family != AF_INET)
		return 0;
	/* The attributes start after the 1-byte header, aligned. */
	for (const struct rtattr *a = (const void *)((const char *)ncm + NLMSG_ALIGN(sizeof(*ncm)));
	     RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (RTA_PAYLOAD(a) < sizeof(int))
			continue;
		if (a->rta_type == NETCONFA_IFINDEX) {
			f.ifindex = *(const int *)RTA_DATA(a);
			has_index = true;
		} else if (a->rta_type == NETCONFA_FORWARDING) {
			f.on = *(const int *)RTA_DATA(a) != 0;
		}
	}
	if (!has_index || f.on < 0)
		return 0;
	fwd = realloc(rs->fwd, (rs->n_fwd + 1) * sizeof(*fwd));
	if (!fwd)
		return -ENOMEM;
	rs->fwd = fwd;
	fwd[rs->n_fwd++] = f;
	return 0;
}

int router_forwarding_read(int fd, struct router_state *rs)
{
	struct {
		struct nlmsghdr nlh;
		struct netconfmsg ncm;
	} req = {
		.nlh.nlmsg_len = NLMSG_LENGTH(sizeof(struct netconfmsg)),
		.nlh.nlmsg_type = RTM_GETNETCONF,
		.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlh.nlmsg_seq = NETCONF_DUMP_SEQ,
		.ncm.ncm_family = AF_INET,
	};
	int err = rtnl_send(fd, &req.nlh);

	if (!err)
		err = rtnl_recv(fd, NETCONF_DUMP_SEQ, RTM_NEWNETCONF, on_netconf, rs, true);
	if (err == -ENOMEM)
		return err;
	rs->fwd_err = err;
	return 0;
}

int router_forwarding(const struct router_state *rs, int ifindex)
{
	for (size_t i = 0; i < rs->n_fwd; i++)
		if (rs->fwd[i].ifindex == ifindex)
			return rs->fwd[i].on;
	return -1;
}
