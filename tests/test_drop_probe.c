// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The drop probe (bpf/drop.bpf.c) on the real kernel (root): real drops in
 * a pair of private namespaces — a datagram to a closed UDP port, one an
 * iptables DROP rule eats on input, one dropped on output before it has a
 * link-layer header — each arrive as a drop event
 * with the kernel's reason, the namespace and device it was dropped at,
 * and the fingerprint the tc probe gave the same packet; packets the
 * filter does not want and packets that were delivered give no drop event.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "attach.h"
#include "dev_target.h"
#include "drop_probe.h"
#include "filter_args.h"
#include "live_util.h"
#include "names.h"
#include "netns.h"
#include "probe_loader.h"
#include "stream.h"
#include "testlib.h"

#define MAX_EVENTS 256

struct drop_rig {
	struct topo topo;
	struct probe_bpf *probe;
	struct drop_bpf *drop;
	struct dev_target target; /* NS2/veth-b */
	struct attach_session session;
	struct hop_table *hops;
	struct stream stream;
	int n;
	struct nstrace_event ev[MAX_EVENTS];
};

static int collect(void *ctx, const struct nstrace_event *e, size_t size)
{
	struct drop_rig *r = ctx;

	(void)size;
	if (r->n < MAX_EVENTS)
		r->ev[r->n++] = *e;
	return 0;
}

/* Two namespaces, the tc probe on NS2's veth-b and the drop probe, with
 * the filter: UDP (and ICMP, to see the port-unreachable) to/from ip. */
static void rig_up(struct drop_rig *r, const char *tag, const char *ip)
{
	struct probe_config cfg = {
		.snaplen = NSTRACE_SNAPLEN_DEFAULT,
		.ringbuf_bytes = 1 << 20,
	};
	struct attach_probe ap;
	char msg[512], spec[160];
	struct stream_maps maps;

	memset(r, 0, sizeof(*r));
	topo_up(&r->topo, tag);
	ck_assert_int_eq(filter_add_proto(&cfg.filter, "udp", msg, sizeof(msg)), 0);
	ck_assert_int_eq(filter_add_ip(&cfg.filter, ip, msg, sizeof(msg)), 0);
	ck_assert_msg(probe_load(&r->probe, &cfg, msg, sizeof(msg)) == 0, "probe: %s", msg);
	ck_assert_msg(drop_probe_attach(&r->drop, r->probe, cfg.snaplen, msg, sizeof(msg)) == 0,
		      "drop probe: %s", msg);
	snprintf(spec, sizeof(spec), "%s/veth-b", r->topo.ns2);
	ck_assert_int_eq(dev_target_parse(&r->target, spec, msg, sizeof(msg)), 0);
	ck_assert_msg(dev_target_resolve(&r->target, msg, sizeof(msg)) == 0, "%s", msg);
	r->hops = calloc(1, sizeof(*r->hops));
	ck_assert_ptr_nonnull(r->hops);
	r->session.state.fd = -1;
	probe_fds(r->probe, &ap, &maps);
	ck_assert_msg(attach_session_start(&r->session, &r->target, 1, &ap, ATTACH_TCX, r->hops,
					   msg, sizeof(msg)) == 0,
		      "attach: %s", msg);
	ck_assert_int_eq(stream_open(&r->stream, &maps, r->hops, collect, r), 0);
}

static void rig_down(struct drop_rig *r)
{
	stream_close(&r->stream);
	attach_session_stop(&r->session);
	drop_probe_detach(r->drop);
	probe_unload(r->probe);
	dev_target_close(&r->target);
	free(r->hops);
	topo_down(&r->topo);
}

/* Give the kernel a moment, then read everything the ring holds. */
static void rig_read(struct drop_rig *r)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };

	nanosleep(&pause, NULL);
	while (stream_drain(&r->stream) > 0)
		;
}

static const struct nstrace_event *find_kind(const struct drop_rig *r, __u8 kind, int nth)
{
	for (int i = 0; i < r->n; i++)
		if (r->ev[i].kind == kind && r->ev[i].l4_proto == IPPROTO_UDP && nth-- == 0)
			return &r->ev[i];
	return NULL;
}

static int count_kind(const struct drop_rig *r, __u8 kind)
{
	int n = 0;

	for (int i = 0; i < r->n; i++)
		n += r->ev[i].kind == kind;
	return n;
}

static __u64 ns_cookie(const char *ns)
{
	__u64 cookie = 0;
	__u32 ifindex;
	int fd = netns_open(ns);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(netns_dev_lookup(fd, "veth-b", &cookie, &ifindex), 0);
	close(fd);
	return cookie;
}

/* The drop event of the one datagram sent: where, why, and its identity. */
static void assert_drop(const struct drop_rig *r, const char *reason)
{
	const struct nstrace_event *seen = find_kind(r, NSTRACE_EV_PACKET, 0);
	const struct nstrace_event *drop = find_kind(r, NSTRACE_EV_DROP, 0);
	const char *name;

	ck_assert_msg(seen, "the tc probe saw no datagram on veth-b (%d events)", r->n);
	ck_assert_msg(drop, "no drop event for the datagram (%d events)", r->n);
	name = drop_reason_name(drop->drop_reason);
	ck_assert_msg(name && !strcmp(name, reason), "drop reason %u (%s), want %s",
		      drop->drop_reason, name ? name : "?", reason);
	ck_assert_uint_eq(drop->netns_cookie, ns_cookie(r->topo.ns2));
	ck_assert_uint_eq(drop->ifindex, r->target.ifindex);
	ck_assert_uint_eq(drop->dir, NSTRACE_DIR_UNKNOWN);
	ck_assert_uint_eq(drop->hop_id, 0);
	ck_assert_uint_ne(drop->drop_location, 0);
	ck_assert_uint_ne(drop->fingerprint, 0);
	ck_assert_msg(drop->fingerprint == seen->fingerprint,
		      "drop fingerprint %016llx differs from the tc probe's %016llx",
		      (unsigned long long)drop->fingerprint,
		      (unsigned long long)seen->fingerprint);
	ck_assert_uint_eq(drop->sport, seen->sport);
	ck_assert_uint_eq(drop->dport, 9);
	ck_assert_mem_eq(drop->daddr, seen->daddr, 4);
	ck_assert_mem_eq(drop->eth_src, seen->eth_src, 6);
	ck_assert_uint_eq(drop->pkt_len, seen->pkt_len);
	ck_assert_uint_gt(drop->snap_len, 0);
}

START_TEST(test_closed_port)
{
	struct drop_rig *r = calloc(1, sizeof(*r));

	REQUIRE_ROOT();
	ck_assert_ptr_nonnull(r);
	rig_up(r, "dropport", TOPO_IP2);
	blast_udp(r->topo.ns1, TOPO_IP2, 1);
	rig_read(r);
	assert_drop(r, "NO_SOCKET");
	rig_down(r);
	free(r);
}
END_TEST

START_TEST(test_iptables_drop)
{
	struct drop_rig *r = calloc(1, sizeof(*r));

	REQUIRE_ROOT();
	ck_assert_ptr_nonnull(r);
	rig_up(r, "dropipt", TOPO_IP2);
	ck_assert_int_eq(sh("ip netns exec %s iptables -w -A INPUT -p udp --dport 9 -j DROP",
			    r->topo.ns2),
			 0);
	blast_udp(r->topo.ns1, TOPO_IP2, 1);
	rig_read(r);
	assert_drop(r, "NETFILTER_DROP");
	rig_down(r);
	free(r);
}
END_TEST

/* A packet the filter does not want is never reported, dropped or not. */
START_TEST(test_filtered_out)
{
	struct drop_rig *r = calloc(1, sizeof(*r));

	REQUIRE_ROOT();
	ck_assert_ptr_nonnull(r);
	rig_up(r, "dropflt", "10.199.0.77");
	blast_udp(r->topo.ns1, TOPO_IP2, 5);
	rig_read(r);
	ck_assert_int_eq(r->n, 0);
	rig_down(r);
	free(r);
}
END_TEST

/* A child in ns bound to UDP port 9 that reads whatever comes; returns
 * once the socket is bound. */
static pid_t udp_listener(const char *ns)
{
	pid_t parent = getpid(), pid;
	int ready[2];
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(9) };
		char path[256], buf[2048];
		int fd, sock;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
		fd = open(path, O_RDONLY);
		if (fd < 0 || setns(fd, CLONE_NEWNET))
			_exit(1);
		sock = socket(AF_INET, SOCK_DGRAM, 0);
		if (sock < 0 || bind(sock, (struct sockaddr *)&any, sizeof(any)))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			if (recv(sock, buf, sizeof(buf), 0) < 0 && errno != EINTR)
				_exit(1);
	}
	close(ready[1]);
	ck_assert_msg(read(ready[0], &c, 1) == 1, "UDP listener in %s did not start", ns);
	close(ready[0]);
	return pid;
}

/* Delivered packets (consumed by a socket) are not drops. */
START_TEST(test_delivered_not_dropped)
{
	struct drop_rig *r = calloc(1, sizeof(*r));
	pid_t pid;

	REQUIRE_ROOT();
	ck_assert_ptr_nonnull(r);
	rig_up(r, "dropok", TOPO_IP2);
	pid = udp_listener(r->topo.ns2);
	blast_udp(r->topo.ns1, TOPO_IP2, 3);
	rig_read(r);
	kill_and_reap(pid, SIGKILL);
	ck_assert_int_ge(count_kind(r, NSTRACE_EV_PACKET), 3);
	ck_assert_int_eq(count_kind(r, NSTRACE_EV_DROP), 0);
	rig_down(r);
	free(r);
}
END_TEST

/* A locally sent datagram dropped on output: it has no Ethernet header
 * yet, so it is decoded from its IP header. */
START_TEST(test_local_out_from_l3)
{
	struct drop_rig *r = calloc(1, sizeof(*r));
	const struct nstrace_event *drop;
	const char *name;

	REQUIRE_ROOT();
	ck_assert_ptr_nonnull(r);
	rig_up(r, "dropout", TOPO_IP1);
	ck_assert_int_eq(sh("ip netns exec %s iptables -w -A OUTPUT -p udp --dport 9 -j DROP",
			    r->topo.ns1),
			 0);
	blast_udp(r->topo.ns1, TOPO_IP2, 1);
	rig_read(r);
	drop = find_kind(r, NSTRACE_EV_DROP, 0);
	ck_assert_msg(drop, "no drop event (%d events)", r->n);
	name = drop_reason_name(drop->drop_reason);
	ck_assert_msg(name && !strcmp(name, "NETFILTER_DROP"), "reason %s",
		      name ? name : "?");
	ck_assert_uint_eq(drop->l3_family, NSTRACE_L3_IPV4);
	ck_assert_uint_eq(drop->dport, 9);
	ck_assert_uint_ne(drop->fingerprint, 0);
	ck_assert_uint_eq(drop->eth_proto, 0x0800);
	/* No device yet: the namespace comes from the sending socket. */
	{
		__u64 cookie = 0;
		int fd = netns_open(r->topo.ns1);

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(netns_dev_lookup(fd, "veth-a", &cookie, &(__u32){ 0 }), 0);
		close(fd);
		ck_assert_uint_eq(drop->netns_cookie, cookie);
	}
	rig_down(r);
	free(r);
}
END_TEST

static void drop_setup(void)
{
	live_init();
}

static void drop_teardown(void)
{
	live_remove_leftovers();
}

NSTRACE_SUITE(drop_probe)
{
	Suite *s = suite_create("drop_probe");
	TCase *tc = tcase_create("drop_probe");

	tcase_add_unchecked_fixture(tc, drop_setup, drop_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_closed_port);
	tcase_add_test(tc, test_iptables_drop);
	tcase_add_test(tc, test_filtered_out);
	tcase_add_test(tc, test_delivered_not_dropped);
	tcase_add_test(tc, test_local_out_from_l3);
	suite_add_tcase(s, tc);
	return s;
}
