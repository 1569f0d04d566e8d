/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A Neutron router namespace (qrouter-<uuid>) read the way a network node
 * offers it: its IPv4 main routing table over rtnetlink (RTM_GETROUTE),
 * its links and addresses, each device's IPv4 forwarding flag
 * (RTM_GETNETCONF), and the L3 agent's NAT rules from
 * `iptables-save -c -t nat` (chains neutron-l3-agent-*): the gateway SNAT,
 * and per floating IP the DNAT (FIP -> fixed) and float-snat (fixed -> FIP)
 * rules, each with its packet counters.  Two reads, before and after a
 * trace, say which NAT rules counted the traced packets.
 */
#ifndef NSTRACE_ROUTER_STATE_H
#define NSTRACE_ROUTER_STATE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#include "links.h"
#include "sg_counters.h"

#define L3_CHAIN_PREFIX "neutron-l3-agent-"
#define L3_CHAIN_SNAT L3_CHAIN_PREFIX "snat"
#define L3_CHAIN_FLOAT_SNAT L3_CHAIN_PREFIX "float-snat"
#define ROUTER_ADDR_LEN 48 /* "!255.255.255.255/32", an IPv6 address */

struct router_route {
	__u32 dst; /* network byte order */
	unsigned char dst_len; /* 0: the default route */
	__u32 gateway; /* network byte order, 0 when on-link */
	int oif; /* 0 none (blackhole, unreachable) */
	char dev[IF_NAMESIZE]; /* oif's name, "" when unknown */
	unsigned int priority; /* metric */
	unsigned char type; /* RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, ... */
};

enum router_nat_kind {
	RNAT_SNAT, /* -j SNAT / MASQUERADE outside float-snat: the gateway's SNAT */
	RNAT_FLOAT_SNAT, /* -j SNAT in neutron-l3-agent-float-snat: fixed -> FIP */
	RNAT_DNAT, /* -j DNAT: FIP -> fixed (PREROUTING, OUTPUT) or port forwarding */
};

/* One SNAT/DNAT rule of a neutron-l3-agent-* chain of the nat table. */
struct router_nat {
	enum router_nat_kind kind;
	char chain[IPT_CHAIN_MAX];
	const char *spec; /* the rule after "-A CHAIN ", owned by the state */
	unsigned int nth; /* among identical rules of the chain */
	/* Matches, "" for any; a negated one starts with '!' ("!qg-1234"). */
	char src[ROUTER_ADDR_LEN]; /* -s */
	char dst[ROUTER_ADDR_LEN]; /* -d */
	char in_dev[IF_NAMESIZE + 1]; /* -i */
	char out_dev[IF_NAMESIZE + 1]; /* -o */
	bool ct_dnat; /* -m conntrack --ctstate DNAT: only DNATed connections */
	bool has_port; /* --dport, or a port in the --to-* target */
	char to_addr[ROUTER_ADDR_LEN]; /* --to-source / --to-destination, no port; "" MASQUERADE */
	__u64 pkts, bytes;
};

/* A floating IP as the L3 agent wires it; rule indices into nat, -1 none. */
struct router_fip {
	char fip[ROUTER_ADDR_LEN];
	char fixed[ROUTER_ADDR_LEN];
	int dnat; /* -d FIP/32 -j DNAT --to-destination FIXED in ...-PREROUTING */
	int dnat_local; /* the same in ...-OUTPUT: the router's own traffic */
	int snat; /* -s FIXED/32 -j SNAT --to-source FIP in ...-float-snat */
};

/* net.ipv4.conf.<device>.forwarding of one device. */
struct router_fwd {
	int ifindex;
	int on; /* 1 forwards, 0 does not */
};

struct router_state {
	struct router_route *routes; /* IPv4, main table */
	size_t n_routes;
	struct router_fwd *fwd; /* per device, from RTM_GETNETCONF */
	size_t n_fwd;
	int fwd_err; /* -errno when the kernel would not say */
	struct link_list links; /* with their addresses */
	struct ipt_snapshot ipt; /* the nat table's neutron-l3-agent-* rules */
	int nat_err; /* -errno when iptables-save could not be run or read */
	struct router_nat *nat;
	size_t n_nat;
	struct router_fip *fips;
	size_t n_fips;
};

/*
 * Read the router namespace at ns_path (a spec netns_open() accepts).
 * -errno when the namespace or its routes/links cannot be read (-ENOENT:
 * no such namespace); NAT rules that cannot be read leave nat_err set
 * and no rules.  out is zeroed first; free it with router_state_free().
 */
int router_state_read(const char *ns_path, struct router_state *out);
void router_state_free(struct router_state *rs);

/* The NAT rules from `iptables-save -c` text (nat table), replacing any
 * in rs (routes and links are kept).  -ENOMEM only. */
int router_state_parse_nat(struct router_state *rs, const char *iptables_save);
/* Classify the rules of rs->ipt into nat and fips (both read paths end
 * here).  -ENOMEM only. */
int router_state_index_nat(struct router_state *rs);

/* Read the IPv4 forwarding flag of every device over the route socket fd
 * (inside the namespace); an answer the kernel refuses leaves fwd_err set.
 * -ENOMEM only. */
int router_forwarding_read(int fd, struct router_state *rs);
/* 1 when device ifindex forwards IPv4, 0 when not, -1 unknown. */
int router_forwarding(const struct router_state *rs, int ifindex);

/* The default route of least metric, NULL when there is none. */
const struct router_route *router_default_route(const struct router_state *rs);
/* The route the main table picks for dst (longest prefix, then least
 * metric), NULL when none or dst is not an IPv4 address. */
const struct router_route *router_route_for(const struct router_state *rs, const char *dst);
/* "default via 172.24.4.1 dev qg-1234", as `ip route` prints it. */
char *router_route_text(const struct router_route *r, char *buf, size_t len);

const struct router_fip *router_fip_for_fixed(const struct router_state *rs,
					      const char *fixed_ip);
const struct router_fip *router_fip_by_addr(const struct router_state *rs, const char *fip);
/* The qg- device (a link of rs) holding the floating IP, NULL when none. */
const struct link_info *router_fip_device(const struct router_state *rs,
					  const struct router_fip *f);
/* neutron-l3-agent-snat jumps to neutron-l3-agent-float-snat (else no
 * float-snat rule is ever reached). */
bool router_float_snat_linked(const struct router_state *rs);

/* Number of gateway SNAT rules (kind RNAT_SNAT) in the agent's chains. */
size_t router_snat_count(const struct router_state *rs);
/*
 * The gateway SNAT rule that rewrites packets from src_ip (NULL: any)
 * leaving by out_dev (NULL: any): kind RNAT_SNAT, not limited to DNATed
 * connections; NULL when no rule covers them.
 */
const struct router_nat *router_snat_for(const struct router_state *rs, const char *src_ip,
					 const char *out_dev);

struct router_nat_count {
	const struct router_nat *nat; /* the rule, in the later state */
	__u64 pkts; /* packets it counted between the two reads */
};

/*
 * The NAT rules of after whose packet counters rose since before (a rule
 * is the same when its chain, text and position among equal rules are; a
 * counter that went down means the rules were reloaded and counts from
 * zero).  Fills up to max entries of out in rule order and returns how
 * many rules counted, which may exceed max.
 */
size_t router_nat_counted(const struct router_state *before, const struct router_state *after,
			  struct router_nat_count *out, size_t max);

/* "snat", "float-snat", "dnat". */
const char *router_nat_kind_name(enum router_nat_kind k);
/* The rule as `iptables -t nat -S` prints it: "-A CHAIN spec". */
char *router_nat_text(const struct router_nat *n, char *buf, size_t len);

#endif
