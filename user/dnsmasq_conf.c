// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmasq_conf.h"

static int netmask_prefix(const unsigned char mask[4])
{
	unsigned int m = ((unsigned int)mask[0] << 24) | ((unsigned int)mask[1] << 16) |
			 ((unsigned int)mask[2] << 8) | mask[3];
	int n = 0;

	while (m & 0x80000000u) {
		n++;
		m <<= 1;
	}
	return m ? -1 : n; /* a non-contiguous mask is no prefix */
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int dnsmasq_parse_range(const char *value, struct dnsmasq_range *r)
{
	char buf[192], *save = NULL;
	int addrs = 0;

	memset(r, 0, sizeof(*r));
	r->prefixlen = -1;
	snprintf(r->text, sizeof(r->text), "%s", value);
	snprintf(buf, sizeof(buf), "%s", value);
	for (char *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		unsigned char a[16];

		if (!strncmp(f, "set:", 4)) {
			snprintf(r->tag, sizeof(r->tag), "%s", f + 4);
		} else if (!strncmp(f, "tag:", 4) || !strncmp(f, "interface:", 10)) {
			continue;
		} else if (!strcmp(f, "static")) {
			r->is_static = true;
		} else if (addrs < 2 && inet_pton(AF_INET, f, a) == 1 &&
			   (!r->family || r->family == AF_INET)) {
			if (addrs == 0) {
				r->family = AF_INET;
				memcpy(r->start, a, 4);
				addrs++;
			} else if (!r->is_static && !r->has_end && netmask_prefix(a) < 0) {
				memcpy(r->end, a, 4);
				r->has_end = true;
				addrs++;
			} else {
				r->prefixlen = netmask_prefix(a);
				addrs = 2;
			}
		} else if (addrs == 0 && inet_pton(AF_INET6, f, a) == 1) {
			r->family = AF_INET6;
			memcpy(r->start, a, 16);
			addrs++;
		} else if (addrs == 1 && r->family == AF_INET6 && inet_pton(AF_INET6, f, a) == 1) {
			memcpy(r->end, a, 16);
			r->has_end = true;
			addrs++;
		} else if (r->family == AF_INET6 && all_digits(f) && r->prefixlen < 0 &&
			   atoi(f) <= 128) {
			r->prefixlen = atoi(f);
		}
		/* lease times and other mode words: nothing to check */
	}
	return r->family ? 0 : -EINVAL;
}

void dnsmasq_conf_parse(const struct proc_entry *p, struct dnsmasq_conf *out)
{
	const char *v;

	memset(out, 0, sizeof(*out));
	if ((v = proc_option(p, "--interface", 0)))
		snprintf(out->interface, sizeof(out->interface), "%.*s", IF_NAMESIZE - 1, v);
	if ((v = proc_option(p, "--dhcp-hostsfile", 0)))
		snprintf(out->hostsfile, sizeof(out->hostsfile), "%s", v);
	if ((v = proc_option(p, "--dhcp-leasefile", 0)))
		snprintf(out->leasefile, sizeof(out->leasefile), "%s", v);
	if ((v = proc_option(p, "--pid-file", 0)))
		snprintf(out->pidfile, sizeof(out->pidfile), "%s", v);
	for (int nth = 0; (v = proc_option(p, "--dhcp-range", nth)); nth++) {
		if (out->n_ranges < DNSMASQ_MAX_RANGES &&
		    !dnsmasq_parse_range(v, &out->ranges[out->n_ranges]))
			out->n_ranges++;
		else
			out->n_bad_ranges++;
	}
}

static bool prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)bytes))
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));

	return (a[bytes] & mask) == (b[bytes] & mask);
}

bool dnsmasq_range_covers(const struct dnsmasq_range *r, const char *ip, int fallback_prefix)
{
	unsigned char a[16];
	int family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	int bits = r->prefixlen >= 0 ? r->prefixlen : fallback_prefix;
	int max = family == AF_INET ? 32 : 128;

	if (family != r->family || inet_pton(family, ip, a) != 1)
		return false;
	if (bits < 0 || bits > max) {
		/* no mask known: only a START..END range can say */
		size_t len = family == AF_INET ? 4 : 16;

		return r->has_end && memcmp(a, r->start, len) >= 0 && memcmp(a, r->end, len) <= 0;
	}
	return prefix_equal(a, r->start, bits);
}

const struct dnsmasq_range *dnsmasq_conf_covering(const struct dnsmasq_conf *c, const char *ip,
						  int fallback_prefix)
{
	for (size_t i = 0; i < c->n_ranges; i++)
		if (dnsmasq_range_covers(&c->ranges[i], ip, fallback_prefix))
			return &c->ranges[i];
	return NULL;
}
