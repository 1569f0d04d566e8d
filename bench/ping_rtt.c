// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A pinger with nanosecond round-trip times, for bench/ping-hops.sh.
 *
 *   ping_rtt [-c COUNT] [-i INTERVAL_US] [-w WARMUP] [-t TIMEOUT_MS]
 *            [NETNS:]DST_IPV4...
 *
 * Sends COUNT ICMP echo requests (56 bytes of payload, like ping) to each
 * destination over raw sockets, taking the destinations in turn, one
 * request every INTERVAL_US, each after the previous reply, and prints
 * "INDEX RTT_NS" per reply on stdout (INDEX: the destination's place on
 * the command line, from 0).  WARMUP rounds are sent first and not
 * printed (neighbour entries, caches).  A summary per destination goes to
 * stderr: sent, received, lost, median.
 *
 * NETNS (a name from `ip netns list`, or a path such as /proc/PID/ns/net)
 * is the namespace a destination's socket is opened in.  Alternating two
 * identical paths, one traced and one not, echo by echo, puts both under
 * the same machine state, which on a shared VM drifts faster than a block
 * of pings lasts.
 *
 * iputils ping prints round trips in ms with 3 decimals: a 1 us step, too
 * coarse for a cost per hop well under 1 us.  Here both times are read in
 * user space, right before sendto() and right after the reply is read, so
 * every probe point on the path, the last one included, is inside the
 * interval; the system calls around it cost the same traced or not.
 *
 * Sends only to the namespaces and addresses the caller set up and names:
 * this program never chooses where traffic goes.  Needs CAP_NET_RAW, and
 * CAP_SYS_ADMIN for NETNS.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "exit_codes.h"

#define PAYLOAD_BYTES 56
#define RECV_BUF 2048
#define COUNT_MAX 1000000
#define TARGETS_MAX 4

struct ping_target {
	const char *netns; /* NULL: this process's namespace */
	struct sockaddr_in dst;
	int fd;
	long received;
	int64_t *rtts;
};

struct ping_opts {
	long count;
	long interval_us;
	long warmup;
	long timeout_ms;
	int n_targets;
	struct ping_target targets[TARGETS_MAX];
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int parse_long(const char *arg, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(arg, &end, 10);
	return errno || *end || end == arg || *out < min || *out > max ? -EINVAL : 0;
}

/* The Internet checksum (RFC 1071): a raw socket sends the ICMP header as is. */
static uint16_t inet_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static size_t build_request(uint8_t *pkt, uint16_t id, uint16_t seq)
{
	struct icmphdr *icmp = (struct icmphdr *)pkt;
	size_t len = sizeof(*icmp) + PAYLOAD_BYTES;

	memset(pkt, 0, len);
	icmp->type = ICMP_ECHO;
	icmp->un.echo.id = htons(id);
	icmp->un.echo.sequence = htons(seq);
	for (size_t i = sizeof(*icmp); i < len; i++)
		pkt[i] = (uint8_t)i;
	icmp->checksum = inet_checksum(pkt, len);
	return len;
}

/* Is this datagram (IP header included, as a raw socket gives it) our reply? */
static int is_our_reply(const uint8_t *buf, ssize_t n, uint16_t id, uint16_t seq)
{
	const struct iphdr *ip = (const struct iphdr *)buf;
	const struct icmphdr *icmp;
	size_t ihl;

	if (n < (ssize_t)sizeof(*ip))
		return 0;
	ihl = (size_t)ip->ihl * 4;
	if (n < (ssize_t)(ihl + sizeof(*icmp)))
		return 0;
	icmp = (const struct icmphdr *)(buf + ihl);
	return icmp->type == ICMP_ECHOREPLY && ntohs(icmp->un.echo.id) == id &&
	       ntohs(icmp->un.echo.sequence) == seq;
}

/*
 * One echo: its round trip in ns, 0 when no reply came within the timeout,
 * or -errno when the socket failed.
 */
static int64_t ping_once(const struct ping_target *t, long timeout_ms, uint16_t id, uint16_t seq)
{
	uint8_t pkt[sizeof(struct icmphdr) + PAYLOAD_BYTES], buf[RECV_BUF];
	size_t len = build_request(pkt, id, seq);
	uint64_t t0, deadline;
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };

	t0 = mono_ns();
	deadline = t0 + (uint64_t)timeout_ms * 1000000ull;
	if (sendto(t->fd, pkt, len, 0, (const struct sockaddr *)&t->dst, sizeof(t->dst)) < 0)
		return -errno;
	for (;;) {
		/* On a veth chain the reply usually is queued before sendto()
		 * returns: try a read first, poll only when there is none. */
		ssize_t n = recv(t->fd, buf, sizeof(buf), MSG_DONTWAIT);
		uint64_t now = mono_ns();
		int left_ms;

		if (n >= 0 && is_our_reply(buf, n, id, seq))
			return (int64_t)(now - t0);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (n >= 0)
			continue; /* someone else's ICMP: read on */
		if (now >= deadline)
			return 0;
		left_ms = (int)((deadline - now + 999999) / 1000000);
		if (poll(&pfd, 1, left_ms) < 0 && errno != EINTR)
			return -errno;
	}
}

static int enter_netns(const char *netns)
{
	char path[PATH_MAX];
	int fd, err = 0;

	if (strchr(netns, '/'))
		snprintf(path, sizeof(path), "%s", netns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
	return err;
}

/*
 * The raw socket of each destination, opened in its namespace: a socket
 * stays in the namespace it was made in, so one process can ping several.
 */
static int open_sockets(struct ping_opts *o)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), err = 0;

	if (home < 0) {
		perror("ping_rtt: cannot open /proc/self/ns/net");
		return NST_EXIT_RUNTIME;
	}
	for (int i = 0; i < o->n_targets && !err; i++) {
		struct ping_target *t = &o->targets[i];

		if (t->netns) {
			err = enter_netns(t->netns);
			if (err) {
				fprintf(stderr, "ping_rtt: cannot enter namespace '%s': %s\n",
					t->netns, strerror(-err));
				break;
			}
		}
		t->fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
		if (t->fd < 0) {
			err = -errno;
			fprintf(stderr, "ping_rtt: cannot open a raw ICMP socket: %s (needs CAP_NET_RAW)\n",
				strerror(-err));
		}
		if (t->netns && setns(home, CLONE_NEWNET) && !err) {
			err = -errno;
			perror("ping_rtt: cannot return to the first namespace");
		}
	}
	close(home);
	if (!err)
		return NST_EXIT_OK;
	return err == -EPERM || err == -EACCES ? NST_EXIT_ENV :
	       err == -ENOENT			? NST_EXIT_USAGE :
						  NST_EXIT_RUNTIME;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Wait until INTERVAL_US after the previous send; when late, do not burst. */
static void pace(struct timespec *next, long interval_us)
{
	next->tv_nsec += interval_us * 1000;
	next->tv_sec += next->tv_nsec / 1000000000;
	next->tv_nsec %= 1000000000;
	if ((uint64_t)next->tv_sec * 1000000000ull + (uint64_t)next->tv_nsec < mono_ns())
		clock_gettime(CLOCK_MONOTONIC, next);
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL);
}

static int ping_all(struct ping_opts *o)
{
	uint16_t id = (uint16_t)getpid();
	struct timespec next;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (long i = 0; i < o->warmup + o->count; i++) {
		for (int k = 0; k < o->n_targets; k++) {
			struct ping_target *t = &o->targets[k];
			int64_t rtt = ping_once(t, o->timeout_ms, id, (uint16_t)i);

			if (rtt < 0) {
				fprintf(stderr, "ping_rtt: echo %ld to %s failed: %s\n", i,
					inet_ntoa(t->dst.sin_addr), strerror((int)-rtt));
				return NST_EXIT_RUNTIME;
			}
			if (i >= o->warmup && rtt > 0) {
				t->rtts[t->received++] = rtt;
				printf("%d %lld\n", k, (long long)rtt);
			}
			pace(&next, o->interval_us);
		}
	}
	return NST_EXIT_OK;
}

static int run(struct ping_opts *o)
{
	int rc = NST_EXIT_OK;

	for (int k = 0; k < o->n_targets; k++) {
		o->targets[k].fd = -1;
		o->targets[k].rtts = calloc((size_t)o->count, sizeof(int64_t));
		if (!o->targets[k].rtts) {
			fprintf(stderr, "ping_rtt: out of memory\n");
			rc = NST_EXIT_RUNTIME;
		}
	}
	if (rc == NST_EXIT_OK)
		rc = open_sockets(o);
	if (rc == NST_EXIT_OK)
		rc = ping_all(o);
	for (int k = 0; k < o->n_targets; k++) {
		struct ping_target *t = &o->targets[k];

		if (rc == NST_EXIT_OK) {
			qsort(t->rtts, (size_t)t->received, sizeof(int64_t), cmp_i64);
			fprintf(stderr, "ping_rtt: %d: %s%s%s: %ld sent, %ld received, %ld lost, median %lld ns\n",
				k, t->netns ? t->netns : "", t->netns ? ":" : "",
				inet_ntoa(t->dst.sin_addr), o->count, t->received,
				o->count - t->received,
				t->received ? (long long)t->rtts[t->received / 2] : -1LL);
			if (t->received == 0)
				rc = NST_EXIT_NO_TRAFFIC;
		}
		if (t->fd >= 0)
			close(t->fd);
		free(t->rtts);
	}
	return rc;
}

/* "[NETNS:]DST_IPV4" into a target; -EINVAL when it is not that. */
static int parse_target(char *arg, struct ping_target *t)
{
	char *colon = strrchr(arg, ':');
	const char *addr = arg;

	memset(t, 0, sizeof(*t));
	t->dst.sin_family = AF_INET;
	if (colon) {
		*colon = '\0';
		t->netns = arg;
		addr = colon + 1;
		if (!*t->netns)
			return -EINVAL;
	}
	return inet_pton(AF_INET, addr, &t->dst.sin_addr) == 1 ? 0 : -EINVAL;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ping_rtt [-c COUNT] [-i INTERVAL_US] [-w WARMUP] [-t TIMEOUT_MS]\n"
		"                [NETNS:]DST_IPV4... (up to %d, pinged in turn)\n"
		"  prints \"INDEX RTT_NS\" per reply; defaults: -c 1000 -i 2000 -w 10 -t 1000\n",
		TARGETS_MAX);
}

int main(int argc, char **argv)
{
	struct ping_opts o = {
		.count = 1000,
		.interval_us = 2000,
		.warmup = 10,
		.timeout_ms = 1000,
	};
	int opt, bad = 0;

	while ((opt = getopt(argc, argv, "c:i:w:t:h")) != -1) {
		switch (opt) {
		case 'c':
			bad |= parse_long(optarg, 1, COUNT_MAX, &o.count);
			break;
		case 'i':
			bad |= parse_long(optarg, 0, 10000000, &o.interval_us);
			break;
		case 'w':
			bad |= parse_long(optarg, 0, COUNT_MAX, &o.warmup);
			break;
		case 't':
			bad |= parse_long(optarg, 1, 60000, &o.timeout_ms);
			break;
		default:
			bad = 1;
		}
	}
	o.n_targets = argc - optind;
	if (o.n_targets < 1 || o.n_targets > TARGETS_MAX)
		bad = 1;
	for (int k = 0; !bad && k < o.n_targets; k++)
		bad |= parse_target(argv[optind + k], &o.targets[k]);
	if (bad) {
		usage();
		return NST_EXIT_USAGE;
	}
	return run(&o);
}
