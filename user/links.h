/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The links of one network namespace, read over rtnetlink (RTM_GETLINK and
 * RTM_GETADDR dumps on a NETLINK_ROUTE socket opened inside it).
 */
#ifndef NSTRACE_LINKS_H
#define NSTRACE_LINKS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#define LINK_KIND_LEN 24

struct link_addr {
	unsigned char family; /* AF_INET or AF_INET6 */
	unsigned char prefixlen;
	unsigned char addr[16];
};

struct link_info {
	int ifindex;
	char name[IF_NAMESIZE];
	unsigned char mac[6];
	bool has_mac; /* an Ethernet address (6 bytes) was given */
	unsigned int flags; /* IFF_* */
	unsigned char operstate; /* IF_OPER_* (RFC 2863) */
	unsigned int mtu;
	int master; /* ifindex of the bridge / bond it is enslaved to, 0 none */
	char kind[LINK_KIND_LEN]; /* IFLA_INFO_KIND: veth, bridge, tun, ... */
	int link; /* IFLA_LINK: veth peer (or lower device) ifindex, 0 none */
	int link_netnsid; /* IFLA_LINK_NETNSID: peer's namespace id, -1 none */
	unsigned char peer_mac[6]; /* the peer's MAC, asked across namespaces */
	bool has_peer_mac;
	struct link_addr *addrs;
	size_t n_addrs;
};

struct link_list {
	struct link_info *items;
	size_t n;
	__u64 netns_cookie; /* what bpf_get_netns_cookie() returns there */
	bool has_cookie;
};

/* Dump the namespace nstrace is in. */
int links_dump(struct link_list *out);
/* Dump the namespace at ns_path (a path setns accepts). */
int links_dump_ns(const char *ns_path, struct link_list *out);
/*
 * From inside ns_path, the namespace id of each of others[i] (paths) into
 * nsids[i]: -1 when it has none there, or it could not be opened.
 */
int links_nsids(const char *ns_path, const char *const *others, size_t n, int *nsids);

/* Append one link (fixtures); the addresses are copied. */
int links_add(struct link_list *l, const struct link_info *li);
void links_free(struct link_list *l);

const struct link_info *links_by_name(const struct link_list *l, const char *name);
const struct link_info *links_by_index(const struct link_list *l, int ifindex);
/* Administratively up and not reported down by the driver. */
bool link_is_up(const struct link_info *li);
/* "up", "down", "admin-down", "lower-layer-down", ... for messages. */
const char *link_state_text(const struct link_info *li);
/* True when li has the address ip (text, v4 or v6). */
bool link_has_ip(const struct link_info *li, const char *ip);
/* "10.0.0.2/24" for the index-th address, "" when none; returns buf. */
char *link_addr_text(const struct link_addr *a, char *buf, size_t len);

#endif
