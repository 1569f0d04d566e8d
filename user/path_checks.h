/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The checks an operator runs by hand along a port's path, each with the
 * command to see it yourself.  A reusable list: `nstrace path` runs them
 * all; `nstrace dhcp` / `nstrace ping` run a subset (a mask) over the hops
 * around the place a packet was lost (a hop range).
 */
#ifndef NSTRACE_PATH_CHECKS_H
#define NSTRACE_PATH_CHECKS_H

#include <stddef.h>

#include "path_plan.h"
#include "topology.h"

enum check_id {
	CHK_NS_QDHCP, /* the qdhcp-<net> namespace exists */
	CHK_DNSMASQ, /* dnsmasq runs in it */
	CHK_DHCP_PORT_IP, /* the DHCP port has an address in dnsmasq's range */
	CHK_HOST_ENTRY, /* the port's MAC (and IP) in the host file */
	CHK_HOST_FILE, /* the host file has no malformed lines */
	CHK_LEASE, /* dnsmasq's lease for the port */
	CHK_NS_QROUTER, /* a qrouter- namespace serves the network */
	CHK_ROUTER_GW, /* the router has its qg- gateway device, up, addressed */
	CHK_TUNNEL, /* tunnel ports between the nodes of the path, both ways */
	CHK_DEVICE_UP, /* each kernel device of the path is up */
	CHK_VLAN, /* the port's local VLAN tag is the network's */
	CHK_MTU, /* the underlay fits the instance MTU plus tunnel overhead */
	CHK_ROUTER_ROUTE, /* the router has a default route (device, gateway) */
	CHK_SNAT, /* the router's SNAT rules cover the port, to a qg- address */
	CHK_FIP, /* the port's floating IP: DNAT, float-snat, address on qg- */
	CHK_ROUTER_FWD, /* the router's qr- and qg- forward IPv4 */
	CHK_QBR_PORTS, /* the tap and qvb are ports of their qbr bridge */
	CHK__COUNT
};

#define CHK_BIT(id) (1u << (id))
#define CHK_ALL ((1u << CHK__COUNT) - 1)
#define CHK_DHCP_SET                                                                      \
	(CHK_BIT(CHK_NS_QDHCP) | CHK_BIT(CHK_DNSMASQ) | CHK_BIT(CHK_DHCP_PORT_IP) |       \
	 CHK_BIT(CHK_HOST_ENTRY) | CHK_BIT(CHK_HOST_FILE) | CHK_BIT(CHK_LEASE) |          \
	 CHK_BIT(CHK_TUNNEL) | CHK_BIT(CHK_DEVICE_UP) | CHK_BIT(CHK_VLAN) | CHK_BIT(CHK_MTU) | \
	 CHK_BIT(CHK_QBR_PORTS))
#define CHK_L3_SET                                                                        \
	(CHK_BIT(CHK_NS_QROUTER) | CHK_BIT(CHK_ROUTER_GW) | CHK_BIT(CHK_TUNNEL) |         \
	 CHK_BIT(CHK_DEVICE_UP) | CHK_BIT(CHK_VLAN) | CHK_BIT(CHK_MTU) |                  \
	 CHK_BIT(CHK_ROUTER_ROUTE) | CHK_BIT(CHK_SNAT) | CHK_BIT(CHK_FIP) |               \
	 CHK_BIT(CHK_ROUTER_FWD) | CHK_BIT(CHK_QBR_PORTS))

enum check_status {
	CHECK_PASS,
	CHECK_FAIL,
	CHECK_UNKNOWN, /* the evidence could not be read */
};

struct check_result {
	enum check_id id;
	enum check_status status;
	char subject[128]; /* what was checked: a device, a namespace, a file */
	char detail[320]; /* what was found */
	char command[512]; /* how to see it yourself */
	enum path_kind path; /* the path it was run on */
	int hop; /* index of the hop in that path, -1 */
};

struct check_results {
	struct check_result *items;
	size_t n;
};

/*
 * Run the checks in mask (CHK_BIT()s) that concern hops first..last of
 * path (inclusive; SIZE_MAX for the end), appending to out.  A result
 * whose check and subject are already in out is not repeated, so the DHCP
 * and L3 paths can share one list.  -ENOMEM only.
 */
int path_checks_run(const struct topology *t, const struct port_path *path, unsigned int mask,
		    size_t first, size_t last, struct check_results *out);
void check_results_free(struct check_results *l);
/* Number of results with status s. */
size_t check_results_count(const struct check_results *l, enum check_status s);

/* "dnsmasq", "host-entry", ... (stable: JSON and docs). */
const char *check_id_name(enum check_id id);
/* "pass", "fail", "unknown". */
const char *check_status_name(enum check_status s);

#endif
