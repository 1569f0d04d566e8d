/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The deployment as nstrace sees it: nodes (one per OVS instance, with the
 * namespaces attached to it), ports, networks, routers, DHCP servers and
 * tunnels.  Built from namespaces, links, OVSDB, the DHCP agent's files and
 * processes only.  Everything resolves through network UUIDs and OVSDB
 * ids, never through an IP alone: tenants may use overlapping subnets.
 *
 * topology_discover() reads the live host; topology_build() is pure (it
 * only reads what is already in struct topology), so tests feed it
 * fixtures.
 */
#ifndef NSTRACE_TOPOLOGY_H
#define NSTRACE_TOPOLOGY_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "dhcp_state.h"
#include "dnsmasq_conf.h"
#include "links.h"
#include "neutron_names.h"
#include "ns_scan.h"
#include "ovsdb.h"
#include "ovsdb_locate.h"
#include "procs.h"

#define TOPO_NAME_LEN 64
#define TOPO_IP_LEN 46
#define TOPO_MAX_IPS 8

struct topo_ns {
	struct netns_entry ns;
	struct link_list links;
	int links_err; /* -errno when the links could not be read */
	int *peer_ns; /* per link: namespace of a veth peer elsewhere, -1 */
	enum ns_kind kind;
	char owner_uuid[UUID_STR_LEN]; /* qdhcp-/qrouter-/snat-/fip- UUID */
	int node; /* -1 when no node claims it */
	bool stale; /* a qdhcp-/qrouter- namespace with no OVS port left */
};

struct topo_tunnel {
	char name[OVS_NAME_LEN]; /* OVS interface, e.g. gre-0a000003 */
	char type[16]; /* gre, vxlan, geneve, ... */
	char bridge[OVS_NAME_LEN];
	char remote_ip[TOPO_IP_LEN];
	char local_ip[TOPO_IP_LEN];
	char key[24]; /* options:key ("flow" for Neutron) */
	int peer_node; /* node owning remote_ip, -1 when not visible */
};

struct topo_node {
	char name[TOPO_NAME_LEN];
	int ns; /* the namespace ovsdb-server runs in, -1 when unknown */
	struct ovsdb_endpoint endpoint;
	bool ovsdb_ok;
	char ovsdb_error[256];
	struct ovsdb_snapshot ovs; /* empty when !ovsdb_ok */
	char tunnel_ip[TOPO_IP_LEN]; /* local_ip of its tunnels */
	struct topo_tunnel *tunnels;
	size_t n_tunnels;
	int tun_bridge; /* index into ovs.bridges of the tunnel bridge, -1 */
	char underlay_ip_dev[IF_NAMESIZE]; /* holds tunnel_ip */
	char underlay_dev[IF_NAMESIZE]; /* where encapsulated frames leave */
	bool userspace; /* bridges in the userspace datapath (netdev) */
	char vswitchd_ctl[PATH_MAX]; /* its ovs-vswitchd's control socket; "" unknown */
};

enum port_kind {
	PORT_VM, /* an instance's port (tap on a compute node) */
	PORT_DHCP, /* the DHCP port in qdhcp-<net> */
	PORT_ROUTER_IF, /* qr- */
	PORT_ROUTER_GW, /* qg- */
	PORT_HA, /* ha- */
	PORT_OTHER,
};

enum net_source {
	NET_SRC_NONE,
	NET_SRC_OVSDB, /* Port other_config:net_uuid */
	NET_SRC_NS_NAME, /* the qdhcp-<net> namespace the port lives in */
	NET_SRC_HOST_FILE, /* the port's MAC in <state>/dhcp/<net>/host */
};

struct topo_port {
	char uuid[UUID_STR_LEN]; /* "" when only a device name was seen */
	char prefix[UUID_STR_LEN]; /* UUID prefix of its device names */
	enum port_kind kind;
	int node;
	int iface; /* index into the node's ovs.ifaces, -1 */
	char ovs_name[OVS_NAME_LEN]; /* its OVS interface: qvo..., tap..., qr-... */
	char mac[18]; /* attached-mac, else the device's MAC */
	char vm_uuid[UUID_STR_LEN];
	char iface_status[16];
	char net_uuid[UUID_STR_LEN];
	enum net_source net_source;
	char network_type[16];
	char segmentation_id[16];
	int local_vlan; /* Port.tag on its node, -1 none */
	int config_vlan; /* Port other_config:tag, -1 none */
	int ns; /* namespace holding dev */
	char dev[IF_NAMESIZE]; /* tap (VM, DHCP), qr-, qg-: the port's own device */
	bool hybrid; /* tap -> qbr -> qvb -> qvo */
	bool native_fw; /* tap directly on the integration bridge */
	int vm_ns; /* namespace of the tap's veth peer (a lab VM), -1 */
	char vm_dev[IF_NAMESIZE];
	char fixed_ips[TOPO_MAX_IPS][TOPO_IP_LEN]; /* host file entries of its MAC */
	size_t n_fixed_ips;
	int network; /* index into nets, -1 */
	int router; /* qr-/qg-: index into routers, -1 */
};

struct topo_network {
	char uuid[UUID_STR_LEN];
	char network_type[16];
	char segmentation_id[16];
	int dhcp_ns; /* qdhcp-<uuid>, -1 */
	int dhcp_port; /* index into ports, -1 */
	const struct dhcp_net *state; /* its DHCP agent files, NULL */
	pid_t dnsmasq_pid; /* a dnsmasq running in dhcp_ns, 0 none */
	struct dnsmasq_conf dnsmasq; /* valid when dnsmasq_pid */
	bool pidfile_alive; /* the pid file's process exists */
	bool pidfile_is_dnsmasq;
	bool pidfile_in_ns; /* ... and runs in dhcp_ns */
};

struct topo_router {
	char uuid[UUID_STR_LEN];
	int ns; /* qrouter-<uuid> */
	int node;
	int ports[16]; /* qr- ports (indices into ports) */
	size_t n_ports;
	int gw_port; /* qg-, -1 */
};

struct topo_options {
	const char *const *ovsdb_paths; /* --ovsdb, may be empty */
	size_t n_ovsdb_paths;
	const char *state_dir; /* --state-dir or NULL */
	int ovsdb_timeout_ms; /* 0: OVSDB_TIMEOUT_MS */
	const char *proc_root; /* NULL: "/proc" */
	const char *netns_dir; /* NULL: /run/netns */
};

struct topology {
	char hostname[TOPO_NAME_LEN];
	/*
	 * The id namespace `to` has inside namespace `from` (what a veth's
	 * IFLA_LINK_NETNSID names), -1 if none: asked only when ifindexes
	 * alone leave a veth's peer ambiguous.  Discovery asks the kernel;
	 * fixtures answer from a table; NULL leaves such peers unresolved.
	 */
	int (*nsid_of)(const struct topology *t, int from, int to);
	void *nsid_ctx; /* for nsid_of */
	struct proc_list procs;
	struct topo_ns *ns;
	size_t n_ns;
	struct topo_node *nodes;
	size_t n_nodes;
	struct topo_port *ports;
	size_t n_ports;
	struct topo_network *nets;
	size_t n_nets;
	struct topo_router *routers;
	size_t n_routers;
	struct dhcp_state dhcp;
	char **warnings;
	size_t n_warnings;
};

/* Read the host and build the model. -errno only for fatal failures;
 * unreachable sources become warnings. */
int topology_discover(const struct topo_options *opts, struct topology *t);
/* Build the model from procs, ns (with links), nodes (endpoint + ovs) and dhcp. */
int topology_build(struct topology *t);
void topology_free(struct topology *t);

/* Inputs, for discovery and fixtures. */
int topology_add_ns(struct topology *t, const struct netns_entry *e, struct link_list *links,
		    int links_err); /* takes links */
int topology_add_node(struct topology *t, const struct ovsdb_endpoint *ep,
		      struct ovsdb_snapshot *ovs, const char *error); /* takes ovs */
void topology_warn(struct topology *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Lookups. */
const char *port_kind_name(enum port_kind k);
const char *net_source_text(enum net_source s);
int topo_find_ns_name(const struct topology *t, const char *name);
/* A device by name: first in the node's own namespace, then in namespaces
 * the node claims, then anywhere; returns the ns index, -1 if absent. */
int topo_find_dev(const struct topology *t, int node, const char *dev,
		  const struct link_info **li);
const struct link_info *topo_link(const struct topology *t, int ns, const char *dev);
int topo_find_net(const struct topology *t, const char *uuid);
int topo_find_router(const struct topology *t, const char *uuid);
/* The router with a qr- port on net, preferring the one whose qr- holds the
 * gateway the DHCP agent hands ip's subnet, then one whose qr- subnet holds
 * ip (may be NULL); -1 when none. */
int topo_router_for_net(const struct topology *t, int net, const char *ip);
/* The node's tunnel whose remote end is node peer; NULL when none. */
const struct topo_tunnel *topo_tunnel_to(const struct topology *t, int node, int peer);
/* The link in another namespace that is li (in ns)'s veth peer, with
 * that namespace in *peer_ns; NULL when unknown. */
const struct link_info *topo_veth_peer(const struct topology *t, int ns,
				       const struct link_info *li, int *peer_ns);
/* Name of the node, "?" for -1. */
const char *topo_node_name(const struct topology *t, int node);

/*
 * Resolve what a user typed (full UUID or a prefix of >= 8 characters).
 * Returns the number of matching ports (0, 1, more) and up to max of their
 * indices.  -EINVAL when query is not a UUID or prefix.
 */
int topology_match_port(const struct topology *t, const char *query, int *idx, size_t max);
/* Up to max ports whose UUIDs look like query (shared prefix or few edits). */
size_t topology_near_ports(const struct topology *t, const char *query, int *idx, size_t max);
/*
 * The instance's port on network (index into nets) whose fixed IP is ip
 * (IPv4 or IPv6, any spelling); -1 when none.  The network is required:
 * tenants may use the same addresses on other networks.
 */
int topo_port_by_ip(const struct topology *t, int network, const char *ip);
/* The same for a port of any kind on network (an instance's, the DHCP
 * port, a router's qr-). */
int topo_net_port_by_ip(const struct topology *t, int network, const char *ip);

#endif
