/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The in-kernel filter from command-line options.  Each function adds one
 * criterion to struct nstrace_filter and, on bad input, returns -EINVAL
 * with a message that names the culprit and the expected form.
 */
#ifndef NSTRACE_FILTER_ARGS_H
#define NSTRACE_FILTER_ARGS_H

#include <stddef.h>

#include <linux/types.h>

#include "nstrace_event.h"

/* "fa:16:3e:12:34:56" (':' or '-'); up to NSTRACE_FILTER_MACS. */
int filter_add_mac(struct nstrace_filter *f, const char *arg, char *msg, size_t len);
/* An IPv4 or IPv6 address; up to NSTRACE_FILTER_IPS. */
int filter_add_ip(struct nstrace_filter *f, const char *arg, char *msg, size_t len);
/* "dhcp", "icmp", "arp", "tcp", "udp", "other", "all", or a comma list. */
int filter_add_proto(struct nstrace_filter *f, const char *arg, char *msg, size_t len);
/* DHCP xid: 0x-prefixed hex (as tcpdump prints it) or decimal. */
int filter_set_xid(struct nstrace_filter *f, const char *arg, char *msg, size_t len);
/* ICMP echo identifier, 0..65535. */
int filter_set_icmp_id(struct nstrace_filter *f, const char *arg, char *msg, size_t len);
/* GRE key / VXLAN or Geneve VNI that tunnelled packets must carry. */
int filter_set_tun_key(struct nstrace_filter *f, const char *arg, char *msg, size_t len);

/* Parse an unsigned number (0x hex or decimal) no larger than max. */
int parse_uint(const char *arg, unsigned long long max, unsigned long long *out);

#endif
