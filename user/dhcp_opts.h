/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The DHCP agent's opts file: the gateways it hands out. */
#ifndef NSTRACE_DHCP_OPTS_H
#define NSTRACE_DHCP_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "dhcp_state.h"

/* The IPv4 router options of <net_dir>/opts, in file order, at most max;
 * 0 when the file is missing or names none. */
size_t dhcp_opts_routers(const char *net_dir, char (*out)[DHCP_IP_LEN], size_t max);
/* Of those, the one sharing the most leading bits with ip (the VM's
 * subnet's gateway), into gw; false when there is none. */
bool dhcp_opts_gateway_for(const char *net_dir, const char *ip, char gw[DHCP_IP_LEN]);
/* The same from the routers read with the network's other files. */
bool dhcp_net_gateway_for(const struct dhcp_net *n, const char *ip, char gw[DHCP_IP_LEN]);

#endif
