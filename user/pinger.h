/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * nstrace's own ping: ICMP echo requests from inside a network namespace
 * (qrouter-, qdhcp-, an external host's), as an operator would send them
 * with `ip netns exec NS ping ADDR`, but with an identifier nstrace knows
 * and paced from its event loop.  A raw socket opened inside the
 * namespace keeps sending from there after nstrace returns to its own.
 * IPv4, the Don't Fragment bit set (ping -M do), like a path-MTU probe.
 */
#ifndef NSTRACE_PINGER_H
#define NSTRACE_PINGER_H

#include <stdbool.h>
#include <stddef.h>

#include <netinet/in.h>
#include <linux/types.h>

#define PINGER_MAX_PAYLOAD 65507

struct pinger {
	int fd;
	struct in_addr dst;
	__u16 id;
	__u16 next_seq; /* the next to send, from 1 */
	unsigned int count; /* to send */
	unsigned int sent, received, send_errors;
	int last_error; /* errno of the last failed send */
	size_t payload;
	__u64 interval_ns;
	__u64 next_ns; /* when the next is due (CLOCK_MONOTONIC) */
	__u64 last_sent_ns;
};

/* Open a raw ICMP socket inside the namespace ns_spec (a name under
 * /run/netns or a path); -errno with msg saying what failed. */
int pinger_open(struct pinger *p, const char *ns_spec, const char *dst, size_t payload,
		unsigned int count, __u64 interval_ns, char *msg, size_t len);
/* Send what is due at now_ns and read the replies that came; returns
 * true while echoes remain to send. */
bool pinger_tick(struct pinger *p, __u64 now_ns);
void pinger_close(struct pinger *p);

#endif
