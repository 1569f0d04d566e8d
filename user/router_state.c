// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Reading a router namespace, and its IPv4 routes (RTM_GETROUTE). */
#include "router_state.h" /* <net/if.h> before <linux/if.h> */

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "netns.h"
#include "rtnl.h"
#include "str_copy.h"

#define ROUTE_DUMP_SEQ 3

/* The first next hop of a multipath route: its gateway and device. */
static void first_nexthop(const struct rtattr *mp, struct router_route *r)
{
	const struct rtnexthop *nh = RTA_DATA(mp);
	int len = RTA_PAYLOAD(mp);
	int alen;

	if (len < (int)sizeof(*nh) || nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > len)
		return;
	r->oif = nh->rtnh_ifindex;
	alen = nh->rtnh_len - RTNH_LENGTH(0);
	for (const struct rtattr *a = RTNH_DATA(nh); RTA_OK(a, alen); a = RTA_NEXT(a, alen))
		if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) == 4)
			memcpy(&r->gateway, RTA_DATA(a), 4);
}

static int on_route(const struct nlmsghdr *nlh, void *ctx)
{
	const struct rtmsg *rtm = NLMSG_DATA(nlh);
	int len = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*rtm));
	struct router_state *rs = ctx;
	struct router_route r = { .dst_len = rtm->rtm_dst_len, .type = rtm->rtm_type };
	__u32 table = rtm->rtm_table;
	struct router_route *routes;

	if (rtm->rtm_family != AF_INET || (rtm->rtm_flags & RTM_F_CLONED))
		return 0;
	for (const struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		const void *data = RTA_DATA(a);

		switch (a->rta_type) {
		case RTA_TABLE: /* ids above 255 only fit here */
			table = *(const __u32 *)data;
			break;
		case RTA_DST:
			if (RTA_PAYLOAD(a) == 4)
				memcpy(&r.dst, data, 4);
			break;
		case RTA_GATEWAY:
			if (RTA_PAYLOAD(a) == 4)
				memcpy(&r.gateway, data, 4);
			break;
		case RTA_OIF:
			r.oif = *(const int *)data;
			break;
		case RTA_PRIORITY:
			r.priority = *(const __u32 *)data;
			break;
		case RTA_MULTIPATH:
			first_nexthop(a, &r);
			break;
		}
	}
	if (table != RT_TABLE_MAIN)
		return 0;
	routes = realloc(rs->routes, (rs->n_routes + 1) * sizeof(*routes));
	if (!routes)
		return -ENOMEM;
	rs->routes = routes;
	routes[rs->n_routes++] = r;
	return 0;
}

static int dump_routes(int fd, struct router_state *rs)
{
	struct {
		struct nlmsghdr nlh;
		struct rtmsg rtm;
	} req = {
		.nlh.nlmsg_len = sizeof(req),
		.nlh.nlmsg_type = RTM_GETROUTE,
		.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlh.nlmsg_seq = ROUTE_DUMP_SEQ,
		.rtm.rtm_family = AF_INET,
	};
	int err = rtnl_send(fd, &req.nlh);

	if (err)
		return err;
	err = rtnl_recv(fd, ROUTE_DUMP_SEQ, RTM_NEWROUTE, on_route, rs, true);
	for (size_t i = 0; !err && i < rs->n_routes; i++) {
		const struct link_info *li = links_by_index(&rs->links, rs->routes[i].oif);

		if (li)
			STR_COPY(rs->routes[i].dev, li->name);
	}
	return err;
}

int router_state_read(const char *ns_path, struct router_state *out)
{
	char path[PATH_MAX];
	int fd, err;

	memset(out, 0, sizeof(*out));
	/* Links first: the routes name their devices from them. */
	err = links_dump_ns(ns_path, &out->links);
	if (err)
		return err;
	fd = rtnl_open_in(ns_path, NULL, NULL);
	if (fd < 0) {
		router_state_free(out);
		return fd;
	}
	err = dump_routes(fd, out);
	if (!err)
		err = router_forwarding_read(fd, out);
	close(fd);
	if (err) {
		router_state_free(out);
		return err;
	}
	/* iptables-save runs in a child that opens a path, not a name. */
	if (ns_path[0] && ns_path[0] != '/')
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", ns_path);
	else
		snprintf(path, sizeof(path), "%s", ns_path);
	ipt_snapshot_read_table(path, "nat", L3_CHAIN_PREFIX, &out->ipt);
	out->nat_err = out->ipt.err;
	if (!out->nat_err)
		err = router_state_index_nat(out);
	if (err)
		router_state_free(out);
	return err;
}

void router_state_free(struct router_state *rs)
{
	free(rs->routes);
	free(rs->fwd);
	links_free(&rs->links);
	ipt_snapshot_free(&rs->ipt);
	free(rs->nat);
	free(rs->fips);
	memset(rs, 0, sizeof(*rs));
}

const struct router_route *router_default_route(const struct router_state *rs)
{
	const struct router_route *best = NULL;

	for (size_t i = 0; i < rs->n_routes; i++) {
		const struct router_route *r = &rs->routes[i];

		if (!r->dst_len && (!best || r->priority < best->priority))
			best = r;
	}
	return best;
}

static __u32 prefix_mask(unsigned char len)
{
	return len ? htonl(~0u << (32 - len)) : 0;
}

const struct router_route *router_route_for(const struct router_state *rs, const char *dst)
{
	const struct router_route *best = NULL;
	struct in_addr a;

	if (inet_pton(AF_INET, dst, &a) != 1)
		return NULL;
	for (size_t i = 0; i < rs->n_routes; i++) {
		const struct router_route *r = &rs->routes[i];

		if (r->dst_len > 32 || ((a.s_addr ^ r->dst) & prefix_mask(r->dst_len)))
			continue;
		if (!best || r->dst_len > best->dst_len ||
		    (r->dst_len == best->dst_len && r->priority < best->priority))
			best = r;
	}
	return best;
}

static const char *route_type_word(unsigned char type)
{
	switch (type) {
	case RTN_BLACKHOLE:
		return "blackhole ";
	case RTN_UNREACHABLE:
		return "unreachable ";
	case RTN_PROHIBIT:
		return "prohibit ";
	case RTN_THROW:
		return "throw ";
	default:
		return "";
	}
}

char *router_route_text(const struct router_route *r, char *buf, size_t len)
{
	char dst[INET_ADDRSTRLEN + 4] = "default", gw[INET_ADDRSTRLEN + 5] = "";
	char dev[IF_NAMESIZE + 16] = "";

	if (r->dst_len) {
		inet_ntop(AF_INET, &r->dst, dst, sizeof(dst));
		snprintf(dst + strlen(dst), sizeof(dst) - strlen(dst), "/%u", r->dst_len);
	}
	if (r->gateway) {
		strcpy(gw, " via ");
		inet_ntop(AF_INET, &r->gateway, gw + 5, sizeof(gw) - 5);
	}
	if (r->dev[0])
		snprintf(dev, sizeof(dev), " dev %s", r->dev);
	else if (r->oif)
		snprintf(dev, sizeof(dev), " dev if%d", r->oif);
	snprintf(buf, len, "%s%s%s%s", route_type_word(r->type), dst, gw, dev);
	return buf;
}
