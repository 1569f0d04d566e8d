// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_args.h"

int parse_uint(const char *arg, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!arg[0] || !isdigit((unsigned char)arg[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_mac(const char *s, __u8 mac[6])
{
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return -EINVAL;
		mac[i] = (__u8)strtoul((char[]){ s[0], s[1], 0 }, NULL, 16);
		s += 2;
		if (i < 5 && *s != ':' && *s != '-')
			return -EINVAL;
		if (i < 5)
			s++;
	}
	return *s ? -EINVAL : 0;
}

int filter_add_mac(struct nstrace_filter *f, const char *arg, char *msg, size_t len)
{
	if (f->n_macs == NSTRACE_FILTER_MACS) {
		snprintf(msg, len, "too many --mac (at most %d)", NSTRACE_FILTER_MACS);
		return -EINVAL;
	}
	if (parse_mac(arg, f->macs[f->n_macs])) {
		snprintf(msg, len,
			 "bad --mac '%s': expected six hex bytes such as fa:16:3e:12:34:56", arg);
		return -EINVAL;
	}
	f->n_macs++;
	f->flags |= NSTRACE_M_MAC;
	return 0;
}

int filter_add_ip(struct nstrace_filter *f, const char *arg, char *msg, size_t len)
{
	struct nstrace_ip *ip = &f->ips[f->n_ips];

	if (f->n_ips == NSTRACE_FILTER_IPS) {
		snprintf(msg, len, "too many --ip (at most %d)", NSTRACE_FILTER_IPS);
		return -EINVAL;
	}
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, arg, ip->addr) == 1) {
		ip->family = NSTRACE_L3_IPV4;
	} else if (inet_pton(AF_INET6, arg, ip->addr) == 1) {
		ip->family = NSTRACE_L3_IPV6;
	} else {
		snprintf(msg, len,
			 "bad --ip '%s': expected one IPv4 or IPv6 address such as 10.0.0.5 or "
			 "fd00::5 (no prefix length)",
			 arg);
		return -EINVAL;
	}
	f->n_ips++;
	f->flags |= NSTRACE_M_IP;
	return 0;
}

static const struct {
	const char *name;
	__u32 mask;
} protos[] = {
	{ "dhcp", NSTRACE_P_DHCP }, { "icmp", NSTRACE_P_ICMP }, { "arp", NSTRACE_P_ARP },
	{ "tcp", NSTRACE_P_TCP },   { "udp", NSTRACE_P_UDP },	{ "other", NSTRACE_P_OTHER },
	{ "all", NSTRACE_P_ALL },
};

int filter_add_proto(struct nstrace_filter *f, const char *arg, char *msg, size_t len)
{
	char buf[128], *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
			if (!strcmp(tok, protos[i].name))
				break;
		if (i == sizeof(protos) / sizeof(protos[0])) {
			snprintf(msg, len,
				 "bad --proto '%s': expected dhcp, icmp, arp, tcp, udp, other or "
				 "all (a comma list is fine: dhcp,arp)",
				 tok);
			return -EINVAL;
		}
		f->proto_mask |= protos[i].mask;
		n++;
	}
	if (!n) {
		snprintf(msg, len, "bad --proto '%s': empty", arg);
		return -EINVAL;
	}
	return 0;
}

int filter_set_xid(struct nstrace_filter *f, const char *arg, char *msg, size_t len)
{
	unsigned long long v;

	if (parse_uint(arg, 0xffffffffull, &v)) {
		snprintf(msg, len,
			 "bad --xid '%s': expected a 32-bit transaction id, 0x-prefixed hex as "
			 "tcpdump prints it (0x3c0d9e4a) or decimal",
			 arg);
		return -EINVAL;
	}
	f->xid = (__u32)v;
	f->flags |= NSTRACE_M_XID;
	return 0;
}

int filter_set_icmp_id(struct nstrace_filter *f, const char *arg, char *msg, size_t len)
{
	unsigned long long v;

	if (parse_uint(arg, 0xffff, &v)) {
		snprintf(msg, len, "bad --icmp-id '%s': expected 0..65535", arg);
		return -EINVAL;
	}
	f->icmp_id = (__u16)v;
	f->flags |= NSTRACE_M_ICMP_ID;
	return 0;
}

int filter_set_tun_key(struct nstrace_filter *f, const char *arg, char *msg, size_t len)
{
	unsigned long long v;

	if (parse_uint(arg, 0xffffffffull, &v)) {
		snprintf(msg, len,
			 "bad --tunnel-key '%s': expected a GRE key or VXLAN/Geneve VNI, "
			 "0..4294967295 (the network's segmentation id)",
			 arg);
		return -EINVAL;
	}
	f->tun_key = (__u32)v;
	f->flags |= NSTRACE_M_TUN_KEY;
	return 0;
}
