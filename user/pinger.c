// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "pinger.h"

static __u16 checksum(const void *data, size_t len)
{
	const __u8 *b = data;
	__u32 sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (__u32)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (__u32)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((__u16)~sum);
}

int pinger_open(struct pinger *p, const char *ns_spec, const char *dst, size_t payload,
		unsigned int count, __u64 interval_ns, char *msg, size_t len)
{
	int ns_fd, home = -1, err = 0, on = IP_PMTUDISC_DO;
	struct timespec ts;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (inet_pton(AF_INET, dst, &p->dst) != 1) {
		snprintf(msg, len, "'%s' is not an IPv4 address", dst);
		return -EINVAL;
	}
	ns_fd = netns_open(ns_spec);
	if (ns_fd < 0) {
		snprintf(msg, len, "cannot open network namespace %s: %s", ns_spec,
			 strerror(-ns_fd));
		return ns_fd;
	}
	err = netns_enter(ns_fd, &home);
	close(ns_fd);
	if (err) {
		snprintf(msg, len, "cannot enter network namespace %s: %s", ns_spec, strerror(-err));
		return err;
	}
	p->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (p->fd < 0)
		err = -errno;
	err = netns_leave(home) ?: err;
	if (err) {
		snprintf(msg, len, "cannot open an ICMP socket in %s: %s", ns_spec, strerror(-err));
		pinger_close(p);
		return err;
	}
	if (setsockopt(p->fd, IPPROTO_IP, IP_MTU_DISCOVER, &on, sizeof(on))) {
		err = -errno;
		snprintf(msg, len, "cannot set Don't Fragment: %s", strerror(errno));
		pinger_close(p);
		return err;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* An identifier unlikely to collide with a ping running meanwhile. */
	p->id = (__u16)(getpid() ^ ts.tv_nsec ^ 0x5e7a);
	p->next_seq = 1;
	p->count = count;
	p->payload = payload;
	p->interval_ns = interval_ns;
	return 0;
}

static void send_one(struct pinger *p, __u64 now_ns)
{
	size_t n = sizeof(struct icmphdr) + p->payload;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = p->dst };
	struct icmphdr *h;
	__u8 *buf = calloc(1, n);

	if (!buf) {
		p->send_errors++;
		p->last_error = ENOMEM;
		return;
	}
	h = (struct icmphdr *)buf;
	h->type = ICMP_ECHO;
	h->un.echo.id = htons(p->id);
	h->un.echo.sequence = htons(p->next_seq);
	/* A recognisable payload: the send time, then a counting pattern. */
	for (size_t i = 0; i < p->payload; i++)
		buf[sizeof(*h) + i] = (__u8)(i < 8 ? now_ns >> (8 * i) : i);
	h->checksum = checksum(buf, n);
	if (sendto(p->fd, buf, n, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		p->send_errors++;
		p->last_error = errno;
	}
	free(buf);
	p->next_seq++;
	p->sent++;
	p->last_sent_ns = now_ns;
}

static void read_replies(struct pinger *p)
{
	__u8 buf[2048];
	ssize_t n;

	while ((n = recv(p->fd, buf, sizeof(buf), 0)) > 0) {
		const struct iphdr *ip = (const struct iphdr *)buf;
		const struct icmphdr *h;
		size_t hl = (size_t)ip->ihl * 4;

		if ((size_t)n < hl + sizeof(*h))
			continue;
		h = (const struct icmphdr *)(buf + hl);
		if (h->type == ICMP_ECHOREPLY && ntohs(h->un.echo.id) == p->id &&
		    ip->saddr == p->dst.s_addr)
			p->received++;
	}
}

bool pinger_tick(struct pinger *p, __u64 now_ns)
{
	if (p->fd < 0)
		return false;
	read_replies(p);
	if (p->sent < p->count && now_ns >= p->next_ns) {
		send_one(p, now_ns);
		p->next_ns = now_ns + p->interval_ns;
	}
	return p->sent < p->count;
}

void pinger_close(struct pinger *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}
