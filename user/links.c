// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "links.h" /* <net/if.h> before <linux/if.h> */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netns.h"
#include "rtnl.h"

int links_add(struct link_list *l, const struct link_info *li)
{
	struct link_info *items = realloc(l->items, (l->n + 1) * sizeof(*items));
	struct link_info *dst;

	if (!items)
		return -ENOMEM;
	l->items = items;
	dst = &items[l->n];
	*dst = *li;
	dst->addrs = NULL;
	if (li->n_addrs) {
		dst->addrs = malloc(li->n_addrs * sizeof(*dst->addrs));
		if (!dst->addrs)
			return -ENOMEM;
		memcpy(dst->addrs, li->addrs, li->n_addrs * sizeof(*dst->addrs));
	}
	l->n++;
	return 0;
}

void links_free(struct link_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i].addrs);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

static void parse_linkinfo(const struct rtattr *nest, struct link_info *li)
{
	int len = RTA_PAYLOAD(nest);

	for (const struct rtattr *a = RTA_DATA(nest); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_INFO_KIND)
			snprintf(li->kind, sizeof(li->kind), "%.*s", (int)RTA_PAYLOAD(a),
				 (const char *)RTA_DATA(a));
	}
}

static int on_link(const struct nlmsghdr *nlh, void *ctx)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	int len = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
	struct link_info li = { .ifindex = ifi->ifi_index, .flags = ifi->ifi_flags,
				.link_netnsid = -1 };

	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		const void *data = RTA_DATA(a);

		switch (a->rta_type) {
		case IFLA_IFNAME:
			snprintf(li.name, sizeof(li.name), "%s", (const char *)data);
			break;
		case IFLA_ADDRESS:
			if (RTA_PAYLOAD(a) == 6) {
				memcpy(li.mac, data, 6);
				li.has_mac = true;
			}
			break;
		case IFLA_MTU:
			li.mtu = *(const __u32 *)data;
			break;
		case IFLA_MASTER:
			li.master = (int)*(const __u32 *)data;
			break;
		case IFLA_LINK:
			li.link = (int)*(const __u32 *)data;
			break;
		case IFLA_LINK_NETNSID:
			li.link_netnsid = *(const __s32 *)data;
			break;
		case IFLA_OPERSTATE:
			li.operstate = *(const __u8 *)data;
			break;
		case IFLA_LINKINFO:
			parse_linkinfo(a, &li);
			break;
		}
	}
	return links_add(ctx, &li);
}

static int on_addr(const struct nlmsghdr *nlh, void *ctx)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(nlh);
	int len = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifa));
	struct link_list *l = ctx;
	const void *local = NULL, *address = NULL;
	struct link_addr la = { .family = ifa->ifa_family, .prefixlen = ifa->ifa_prefixlen };
	size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;
	struct link_info *li = NULL;
	struct link_addr *addrs;

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 0;
	for (const struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (RTA_PAYLOAD(a) < alen)
			continue;
		if (a->rta_type == IFA_LOCAL)
			local = RTA_DATA(a);
		else if (a->rta_type == IFA_ADDRESS)
			address = RTA_DATA(a);
	}
	/* IFA_LOCAL is ours; IFA_ADDRESS is the peer on point-to-point links. */
	if (!local)
		local = address;
	if (!local)
		return 0;
	memcpy(la.addr, local, alen);
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].ifindex == (int)ifa->ifa_index)
			li = &l->items[i];
	if (!li)
		return 0; /* the link appeared after the link dump */
	addrs = realloc(li->addrs, (li->n_addrs + 1) * sizeof(*addrs));
	if (!addrs)
		return -ENOMEM;
	li->addrs = addrs;
	addrs[li->n_addrs++] = la;
	return 0;
}

static int dump_links(int fd, struct link_list *out)
{
	struct {
		struct nlmsghdr nlh;
		struct ifinfomsg ifi;
		struct rtattr ext_attr;
		__u32 ext_mask;
	} req = {
		.nlh.nlmsg_len = sizeof(req),
		.nlh.nlmsg_type = RTM_GETLINK,
		.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlh.nlmsg_seq = 1,
		.ifi.ifi_family = AF_UNSPEC,
		.ext_attr.rta_type = IFLA_EXT_MASK,
		.ext_attr.rta_len = RTA_LENGTH(sizeof(__u32)),
		/* Statistics are most of each message and nstrace needs none. */
		.ext_mask = RTEXT_FILTER_SKIP_STATS,
	};
	int err = rtnl_send(fd, &req.nlh);

	if (err)
		return err;
	return rtnl_recv(fd, 1, RTM_NEWLINK, on_link, out, true);
}

static int dump_addrs(int fd, struct link_list *out)
{
	struct {
		struct nlmsghdr nlh;
		struct ifaddrmsg ifa;
	} req = {
		.nlh.nlmsg_len = sizeof(req),
		.nlh.nlmsg_type = RTM_GETADDR,
		.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlh.nlmsg_seq = 2,
		.ifa.ifa_family = AF_UNSPEC,
	};
	int err = rtnl_send(fd, &req.nlh);

	if (err)
		return err;
	return rtnl_recv(fd, 2, RTM_NEWADDR, on_addr, out, true);
}

static int on_peer(const struct nlmsghdr *nlh, void *ctx)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	int len = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
	struct link_info *li = ctx;

	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_ADDRESS && RTA_PAYLOAD(a) == 6) {
			memcpy(li->peer_mac, RTA_DATA(a), 6);
			li->has_peer_mac = true;
		}
	return 0;
}

/*
 * A veth's peer lives in another namespace, named only by an nsid local
 * to this one.  Its MAC, read through IFLA_TARGET_NETNSID, tells which of
 * the namespaces we scanned it is (ifindexes repeat across namespaces).
 */
static void ask_peer_macs(int fd, struct link_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct link_info *li = &l->items[i];
		struct {
			struct nlmsghdr nlh;
			struct ifinfomsg ifi;
			struct rtattr ns_attr;
			__s32 nsid;
			struct rtattr ext_attr;
			__u32 ext_mask;
		} req = {
			.nlh.nlmsg_len = sizeof(req),
			.nlh.nlmsg_type = RTM_GETLINK,
			.nlh.nlmsg_flags = NLM_F_REQUEST,
			.nlh.nlmsg_seq = (__u32)(1000 + i),
			.ifi.ifi_family = AF_UNSPEC,
			.ifi.ifi_index = li->link,
			.ns_attr.rta_type = IFLA_TARGET_NETNSID,
			.ns_attr.rta_len = RTA_LENGTH(sizeof(__s32)),
			.nsid = li->link_netnsid,
			.ext_attr.rta_type = IFLA_EXT_MASK,
			.ext_attr.rta_len = RTA_LENGTH(sizeof(__u32)),
			.ext_mask = RTEXT_FILTER_SKIP_STATS,
		};

		if (li->link_netnsid < 0 || li->link <= 0 || strcmp(li->kind, "veth"))
			continue;
		/* An old kernel or a peer gone meanwhile: the peer stays unknown. */
		if (!rtnl_send(fd, &req.nlh))
			rtnl_recv(fd, req.nlh.nlmsg_seq, RTM_NEWLINK, on_peer, li, false);
	}
}

static int dump_fd(int fd, struct link_list *out)
{
	int err = dump_links(fd, out);

	if (!err)
		ask_peer_macs(fd, out);
	if (!err)
		err = dump_addrs(fd, out);
	if (err)
		links_free(out);
	return err;
}

int links_dump(struct link_list *out)
{
	int fd = rtnl_open();
	int err;

	if (fd < 0)
		return fd;
	out->has_cookie = !netns_current_cookie(&out->netns_cookie);
	err = dump_fd(fd, out);
	close(fd);
	return err;
}

int links_dump_ns(const char *ns_path, struct link_list *out)
{
	int fd = rtnl_open_in(ns_path, &out->netns_cookie, &out->has_cookie);
	int err;

	if (fd < 0)
		return fd;
	err = dump_fd(fd, out);
	close(fd);
	return err;
}

static int on_nsid(const struct nlmsghdr *nlh, void *ctx)
{
	const struct rtgenmsg *g = NLMSG_DATA(nlh);
	int len = nlh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*g)));
	const struct rtattr *a = (const void *)((const char *)g + NLMSG_ALIGN(sizeof(*g)));

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == NETNSA_NSID)
			*(int *)ctx = *(const __s32 *)RTA_DATA(a);
	return 0;
}

static int query_nsid(int fd, __u32 seq, const char *other, int *nsid)
{
	struct {
		struct nlmsghdr nlh;
		struct rtgenmsg g;
		char pad[3];
		struct rtattr fd_attr;
		__u32 fd;
	} req = {
		.nlh.nlmsg_len = sizeof(req),
		.nlh.nlmsg_type = RTM_GETNSID,
		.nlh.nlmsg_flags = NLM_F_REQUEST,
		.nlh.nlmsg_seq = seq,
		.g.rtgen_family = AF_UNSPEC,
		.fd_attr.rta_type = NETNSA_FD,
		.fd_attr.rta_len = RTA_LENGTH(sizeof(__u32)),
	};
	int ns_fd = netns_open(other);
	int err;

	*nsid = -1;
	if (ns_fd < 0)
		return 0;
	req.fd = (__u32)ns_fd;
	err = rtnl_send(fd, &req.nlh);
	if (!err)
		err = rtnl_recv(fd, seq, RTM_NEWNSID, on_nsid, nsid, false);
	close(ns_fd);
	return err;
}

int links_nsids(const char *ns_path, const char *const *others, size_t n, int *nsids)
{
	int fd = rtnl_open_in(ns_path, NULL, NULL);
	int err = 0;

	if (fd < 0)
		return fd;
	for (size_t i = 0; i < n && !err; i++)
		err = query_nsid(fd, (__u32)(10 + i), others[i], &nsids[i]);
	close(fd);
	return err;
}

const struct link_info *links_by_name(const struct link_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].name, name))
			return &l->items[i];
	return NULL;
}

const struct link_info *links_by_index(const struct link_list *l, int ifindex)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].ifindex == ifindex)
			return &l->items[i];
	return NULL;
}

bool link_is_up(const struct link_info *li)
{
	if (!(li->flags & IFF_UP))
		return false;
	/* Drivers that do not track carrier report "unknown": that is up. */
	return li->operstate == IF_OPER_UP || li->operstate == IF_OPER_UNKNOWN;
}

const char *link_state_text(const struct link_info *li)
{
	if (!(li->flags & IFF_UP))
		return "admin-down";
	switch (li->operstate) {
	case IF_OPER_UP:
	case IF_OPER_UNKNOWN:
		return "up";
	case IF_OPER_LOWERLAYERDOWN:
		return "lower-layer-down";
	case IF_OPER_DORMANT:
		return "dormant";
	case IF_OPER_NOTPRESENT:
		return "not-present";
	default:
		return (li->flags & IFF_LOWER_UP) ? "down" : "no-carrier";
	}
}

char *link_addr_text(const struct link_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->addr, ip, sizeof(ip)))
		ip[0] = '\0';
	snprintf(buf, len, "%s/%u", ip, a->prefixlen);
	return buf;
}

bool link_has_ip(const struct link_info *li, const char *ip)
{
	unsigned char want[16];
	int family = strchr(ip, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(family, ip, want) != 1)
		return false;
	for (size_t i = 0; i < li->n_addrs; i++)
		if (li->addrs[i].family == family &&
		    !memcmp(li->addrs[i].addr, want, family == AF_INET ? 4 : 16))
			return true;
	return false;
}
