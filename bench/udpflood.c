// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A small UDP flooder and counter for scripts/bench-live.sh.
 *
 *   udpflood send DST_IPV4 PORT SECONDS [PAYLOAD_BYTES]
 *   udpflood recv PORT SECONDS
 *   udpflood alt DST_A DST_B PORT SECONDS
 *
 * send: sendmmsg() batches of one fixed small datagram to DST for SECONDS,
 * then prints "sent=N seconds=S pps=R cpu_seconds=C".  C is this process's
 * CPU time, which on a veth pair includes the receive path that the kernel
 * runs in the sender's context: sent / C is the packet rate of one busy
 * CPU, less sensitive than pps to other load on a shared machine.
 * recv: recvmmsg() on PORT for SECONDS, then prints "received=N".
 * alt: like send, but to DST_A:PORT and DST_B:PORT+1 in turns of 5 ms,
 * both sides once per cycle in an order drawn at random for each cycle,
 * then prints "a_sent=N a_seconds=S b_sent=N b_seconds=S a_median_pps=R
 * b_median_pps=R": two paths measured in the same run, so the machine's
 * drift hits both alike.  The median over each side's turns of the turn's
 * packet rate leaves out the turns in which the hypervisor took the vCPU
 * away (tens of ms at a time on a shared host), which the totals charge to
 * whichever side was sending then.  The random order is what keeps a
 * periodic disturbance off one side: a tracer whose 10 ms drain timer
 * woke in the same phase of every 10 ms cycle of a fixed A-B order
 * always fell into the same side's turns, and moved that run's ratio by
 * up to 0.1 one way or the other, depending on the phase it started in.
 * Both run inside a namespace the caller set up (ip netns exec): this
 * program never chooses where traffic goes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "exit_codes.h"

#define BATCH 64
#define PAYLOAD_DEFAULT 18 /* 18 + 8 + 20 + 14 = a 60-byte frame */
#define PAYLOAD_MAX 1400
#define RECV_BUF 2048
#define ALT_SLICE_S 0.005

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int parse_long(const char *arg, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(arg, &end, 10);
	return errno || *end || end == arg || *out < min || *out > max ? -EINVAL : 0;
}

static int parse_seconds(const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	return errno || *end || !(*out > 0) || *out > 3600 ? -EINVAL : 0;
}

/* open_sender: a UDP socket connected to DST:PORT, or -1 (message said). */
static int open_sender(const char *dst, long port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd;

	if (inet_pton(AF_INET, dst, &to.sin_addr) != 1) {
		fprintf(stderr, "udpflood: '%s' is not an IPv4 address\n", dst);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		perror("udpflood: cannot open a UDP socket to the receiver");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* send_batch: one sendmmsg of BATCH copies of the datagram; adds to *sent
 * or *refused, or returns -errno on a real error. */
static int send_batch(int fd, struct mmsghdr *msgs, unsigned long long *sent,
		      unsigned long long *refused)
{
	int n = sendmmsg(fd, msgs, BATCH, 0);

	if (n > 0) {
		*sent += (unsigned long long)n;
		return 0;
	}
	if (errno == ECONNREFUSED || errno == ENOBUFS || errno == EAGAIN) {
		/* ICMP unreachable from a late receiver, or a full queue: go on. */
		(*refused)++;
		return 0;
	}
	perror("udpflood: sendmmsg");
	return -errno;
}

static void init_msgs(struct mmsghdr *msgs, struct iovec *iov)
{
	memset(msgs, 0, sizeof(*msgs) * BATCH);
	for (int i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
}

static int flood(const char *dst, long port, double seconds, long payload)
{
	static char buf[PAYLOAD_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov = { .iov_base = buf, .iov_len = (size_t)payload };
	unsigned long long sent = 0, refused = 0;
	double start, end, elapsed, cpu;
	int fd;

	fd = open_sender(dst, port);
	if (fd < 0)
		return NST_EXIT_RUNTIME;
	memset(buf, 'x', sizeof(buf));
	init_msgs(msgs, &iov);
	cpu = cpu_seconds();
	start = now_s();
	end = start + seconds;
	do {
		if (send_batch(fd, msgs, &sent, &refused)) {
			close(fd);
			return NST_EXIT_RUNTIME;
		}
	} while (now_s() < end);
	elapsed = now_s() - start;
	cpu = cpu_seconds() - cpu;
	close(fd);
	printf("sent=%llu seconds=%.3f pps=%.0f cpu_seconds=%.3f send_errors=%llu\n", sent,
	       elapsed, (double)sent / elapsed, cpu, refused);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A fair coin for the order of a cycle's two turns (xorshift64: only its
 * independence from the machine's periodic activity matters). */
static int coin(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (int)(*state >> 63);
}

/* flood_alternating: DST_A:PORT and DST_B:PORT+1 in turns of ALT_SLICE_S,
 * each side's packets, time and per-turn rates kept apart. */
static int flood_alternating(const char *dst_a, const char *dst_b, long port, double seconds)
{
	static char buf[PAYLOAD_DEFAULT];
	struct mmsghdr msgs[BATCH];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	unsigned long long sent[2] = { 0, 0 }, refused = 0;
	double spent[2] = { 0, 0 }, end, slice_start, t, *rates[2];
	size_t turns[2] = { 0, 0 }, max_turns = (size_t)(seconds / ALT_SLICE_S) / 2 + 2;
	int fd[2], side = 0, first = 0, rc = 0;
	uint64_t order_state = (0x9e3779b97f4a7c15ull ^ (uint64_t)getpid() << 32 ^
				(uint64_t)(now_s() * 1e9)) | 1; /* never 0 */

	fd[0] = open_sender(dst_a, port);
	if (fd[0] < 0)
		return NST_EXIT_RUNTIME;
	fd[1] = open_sender(dst_b, port + 1);
	if (fd[1] < 0) {
		close(fd[0]);
		return NST_EXIT_RUNTIME;
	}
	rates[0] = calloc(max_turns, sizeof(double));
	rates[1] = calloc(max_turns, sizeof(double));
	if (!rates[0] || !rates[1]) {
		fprintf(stderr, "udpflood: out of memory\n");
		rc = -ENOMEM;
	}
	memset(buf, 'x', sizeof(buf));
	init_msgs(msgs, &iov);
	end = now_s() + seconds;
	for (unsigned long long turn = 0; !rc && (t = now_s()) < end; turn++) {
		unsigned long long before;

		if (turn % 2 == 0) /* a new cycle: which side goes first */
			first = coin(&order_state);
		side = turn % 2 ? !first : first;
		before = sent[side];

		slice_start = t;
		do {
			rc = send_batch(fd[side], msgs, &sent[side], &refused);
		} while (!rc && (t = now_s()) < slice_start + ALT_SLICE_S);
		spent[side] += t - slice_start;
		if (turns[side] < max_turns && t > slice_start)
			rates[side][turns[side]++] = (double)(sent[side] - before) / (t - slice_start);
	}
	close(fd[0]);
	close(fd[1]);
	if (!rc)
		printf("a_sent=%llu a_seconds=%.3f b_sent=%llu b_seconds=%.3f send_errors=%llu "
		       "a_median_pps=%.0f b_median_pps=%.0f turns=%zu\n",
		       sent[0], spent[0], sent[1], spent[1], refused, median(rates[0], turns[0]),
		       median(rates[1], turns[1]), turns[0] + turns[1]);
	free(rates[0]);
	free(rates[1]);
	return rc ? NST_EXIT_RUNTIME : 0;
}

static int count(long port, double seconds)
{
	static char bufs[BATCH][RECV_BUF];
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tick = { .tv_usec = 100000 };
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];
	unsigned long long received = 0;
	int rcvbuf = 4 << 20;
	double end;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me))) {
		perror("udpflood: cannot bind the receiving UDP socket");
		return NST_EXIT_RUNTIME;
	}
	/* A deep buffer so a short stall of this reader is not a drop; the
	 * timeout lets the loop notice the end of the run. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick));
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = RECV_BUF;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	/* Tell the caller the socket is bound before it starts the sender. */
	printf("ready\n");
	fflush(stdout);
	end = now_s() + seconds;
	while (now_s() < end) {
		int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);

		if (n > 0)
			received += (unsigned long long)n;
		else if (errno != EAGAIN && errno != EINTR) {
			perror("udpflood: recvmmsg");
			close(fd);
			return NST_EXIT_RUNTIME;
		}
	}
	close(fd);
	printf("received=%llu\n", received);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: udpflood send DST_IPV4 PORT SECONDS [PAYLOAD_BYTES]\n"
			"       udpflood recv PORT SECONDS\n"
			"       udpflood alt DST_A DST_B PORT SECONDS\n");
}

int main(int argc, char **argv)
{
	long port, payload = PAYLOAD_DEFAULT;
	double seconds;

	if (argc >= 5 && argc <= 6 && !strcmp(argv[1], "send")) {
		if (parse_long(argv[3], 1, 65535, &port) || parse_seconds(argv[4], &seconds) ||
		    (argc == 6 && parse_long(argv[5], 1, PAYLOAD_MAX, &payload))) {
			usage();
			return NST_EXIT_USAGE;
		}
		return flood(argv[2], port, seconds, payload);
	}
	if (argc == 6 && !strcmp(argv[1], "alt")) {
		if (parse_long(argv[4], 1, 65534, &port) || parse_seconds(argv[5], &seconds)) {
			usage();
			return NST_EXIT_USAGE;
		}
		return flood_alternating(argv[2], argv[3], port, seconds);
	}
	if (argc == 4 && !strcmp(argv[1], "recv")) {
		if (parse_long(argv[2], 1, 65535, &port) || parse_seconds(argv[3], &seconds)) {
			usage();
			return NST_EXIT_USAGE;
		}
		return count(port, seconds);
	}
	usage();
	return NST_EXIT_USAGE;
}
