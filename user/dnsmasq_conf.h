/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a dnsmasq serves, from its command line as Neutron's DHCP agent
 * writes it: --interface, --dhcp-hostsfile, --dhcp-range (set:TAG,START,
 * static|END,NETMASK|PREFIXLEN,LEASE).
 */
#ifndef NSTRACE_DNSMASQ_CONF_H
#define NSTRACE_DNSMASQ_CONF_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "procs.h"

#define DNSMASQ_MAX_RANGES 16

struct dnsmasq_range {
	char text[192]; /* the option value as given */
	char tag[64]; /* set:TAG */
	int family; /* AF_INET / AF_INET6 */
	unsigned char start[16];
	unsigned char end[16];
	bool has_end;
	bool is_static; /* "static": only hosts from the hosts file */
	int prefixlen; /* from NETMASK or PREFIXLEN; -1 when not given */
};

struct dnsmasq_conf {
	char interface[IF_NAMESIZE];
	char hostsfile[PATH_MAX];
	char leasefile[PATH_MAX];
	char pidfile[PATH_MAX];
	struct dnsmasq_range ranges[DNSMASQ_MAX_RANGES];
	size_t n_ranges;
	size_t n_bad_ranges; /* --dhcp-range values nstrace could not read */
};

/* Parse one --dhcp-range value. -EINVAL when it has no start address. */
int dnsmasq_parse_range(const char *value, struct dnsmasq_range *r);
void dnsmasq_conf_parse(const struct proc_entry *p, struct dnsmasq_conf *out);
/*
 * True when ip (text) lies in the range's subnet: START/prefixlen, with
 * fallback_prefix when the range gives no mask.
 */
bool dnsmasq_range_covers(const struct dnsmasq_range *r, const char *ip, int fallback_prefix);
/* The first range covering ip, or NULL. */
const struct dnsmasq_range *dnsmasq_conf_covering(const struct dnsmasq_conf *c, const char *ip,
						  int fallback_prefix);

#endif
