// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The gateways the DHCP agent hands out: its opts file (<net dir>/opts)
 * has one "tag:<subnet tag>,option:router,<address>" line per subnet with
 * a gateway (older agents write the option's number, 3).  When no router
 * namespace on this host serves the network, that is where the host still
 * says which address the VMs use as their gateway.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dhcp_opts.h"

/* The IPv4 router address of one opts line ("tag:...,OPTION,VALUE..."),
 * into ip; false if the line is about another option or has none. */
static bool router_of_line(char *line, char ip[DHCP_IP_LEN])
{
	char *save = NULL, *tok = strtok_r(line, ",\n", &save);
	struct in_addr a;

	while (tok && !strncmp(tok, "tag:", 4))
		tok = strtok_r(NULL, ",\n", &save);
	if (!tok || (strcmp(tok, "option:router") && strcmp(tok, "3")))
		return false;
	tok = strtok_r(NULL, ",\n", &save);
	return tok && inet_pton(AF_INET, tok, &a) == 1 && snprintf(ip, DHCP_IP_LEN, "%s", tok) > 0;
}

size_t dhcp_opts_routers(const char *net_dir, char (*out)[DHCP_IP_LEN], size_t max)
{
	char path[PATH_MAX + 8], line[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/opts", net_dir);
	if (!(f = fopen(path, "re")))
		return 0;
	while (n < max && fgets(line, sizeof(line), f))
		n += router_of_line(line, out[n]);
	fclose(f);
	return n;
}

/* Leading bits a and b share (both IPv4 text); -1 when one is not IPv4. */
static int common_bits(const char *a, const char *b)
{
	struct in_addr x, y;
	unsigned int d;

	if (inet_pton(AF_INET, a, &x) != 1 || inet_pton(AF_INET, b, &y) != 1)
		return -1;
	d = ntohl(x.s_addr ^ y.s_addr);
	return d ? __builtin_clz(d) : 32;
}

static bool closest(const char (*routers)[DHCP_IP_LEN], size_t n, const char *ip,
		    char gw[DHCP_IP_LEN])
{
	int best = -1, bits;

	for (size_t i = 0; i < n; i++)
		if ((bits = common_bits(routers[i], ip)) > best) {
			best = bits;
			memcpy(gw, routers[i], DHCP_IP_LEN);
		}
	return best >= 0;
}

bool dhcp_opts_gateway_for(const char *net_dir, const char *ip, char gw[DHCP_IP_LEN])
{
	char routers[DHCP_OPTS_MAX_ROUTERS][DHCP_IP_LEN];
	size_t n = dhcp_opts_routers(net_dir, routers, DHCP_OPTS_MAX_ROUTERS);

	return closest((const char(*)[DHCP_IP_LEN])routers, n, ip, gw);
}

bool dhcp_net_gateway_for(const struct dhcp_net *n, const char *ip, char gw[DHCP_IP_LEN])
{
	return closest(n->routers, n->n_routers, ip, gw);
}
