// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the tc probe emits around the decode: truncated frames, snaplen,
 * hops and their counters, a full ring buffer, batched wakeups, and the
 * verdict it returns (always TC_ACT_UNSPEC).
 */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe_expect.h"
#include "testlib.h"

static struct probe_harness *h;
static struct probe_harness own; /* for tests with their own knobs */
static struct frame f;

#define FIELD(name)                                                           \
	{ #name, offsetof(struct nstrace_event, name),                        \
	  sizeof(((struct nstrace_event *)0)->name) }

/* Everything a decode fills in (flags are checked on their own). */
static const struct {
	const char *name;
	size_t off, len;
} decoded[] = {
	FIELD(version), FIELD(kind), FIELD(hop_id), FIELD(fingerprint),
	FIELD(related_fp), FIELD(netns_cookie), FIELD(ifindex), FIELD(dir),
	FIELD(vlan_count), FIELD(eth_proto), FIELD(vlan_tci), FIELD(eth_src),
	FIELD(eth_dst), FIELD(inner_vlan_tci), FIELD(l3_family),
	FIELD(l4_proto), FIELD(ttl), FIELD(tos), FIELD(ip_id), FIELD(frag_off),
	FIELD(saddr), FIELD(daddr), FIELD(sport), FIELD(dport), FIELD(tcp_seq),
	FIELD(tcp_ack), FIELD(tcp_flags), FIELD(icmp_type), FIELD(icmp_code),
	FIELD(app), FIELD(icmp_id), FIELD(icmp_seq), FIELD(xid),
	FIELD(dhcp_op), FIELD(dhcp_msg), FIELD(arp_op), FIELD(chaddr),
	FIELD(tun_type), FIELD(tun_family), FIELD(tun_key), FIELD(tun_saddr),
	FIELD(tun_daddr), FIELD(drop_reason), FIELD(pad0),
	FIELD(drop_location),
};

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A cut-short frame's event: each field is the full decode's, or 0. */
static void expect_prefix_decode(const struct nstrace_event *got,
				 const struct nstrace_event *full, size_t len)
{
	const uint8_t *g = (const uint8_t *)got, *w = (const uint8_t *)full;

	ck_assert_msg(got->flags & NSTRACE_F_TRUNCATED,
		      "%zu bytes: event not flagged truncated", len);
	ck_assert_msg(!(got->flags & ~full->flags & ~NSTRACE_F_TRUNCATED),
		      "%zu bytes: flags 0x%x, full decode 0x%x", len,
		      got->flags, full->flags);
	for (size_t i = 0; i < sizeof(decoded) / sizeof(decoded[0]); i++) {
		size_t o = decoded[i].off, n = decoded[i].len;

		ck_assert_msg(!memcmp(g + o, w + o, n) || all_zero(g + o, n),
			      "%zu bytes: field %s is neither the full decode's nor 0",
			      len, decoded[i].name);
	}
	ck_assert_uint_eq(got->pkt_len, len);
	ck_assert_uint_eq(got->snap_len, len < h->snaplen ? len : h->snaplen);
	ck_assert(!memcmp(h->snap[0], f.data, got->snap_len));
}

/*
 * Every length of a VLAN + GRE (checksum, key, sequence) + DHCP frame, with
 * the filter open (every length that can run gives an event) or set on the
 * client's DHCP (an event only once the frame can be judged).
 */
static void check_every_truncation(int filtered)
{
	struct nstrace_filter flt = { 0 };
	struct nstrace_event full;
	struct pkt_spec s;
	int events = 0, with_xid = 0;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	if (filtered) {
		flt.flags = NSTRACE_M_MAC;
		flt.proto_mask = NSTRACE_P_DHCP;
		flt.n_macs = 1;
		memcpy(flt.macs[0], client_mac, 6);
		probe_harness_filter(h, &flt);
	}
	spec_dhcp_discover(&s);
	build_dhcp4(&f, &wrap_vlan_gre, &s);
	full = *run_one(h, &f);
	ck_assert_uint_eq(full.flags & NSTRACE_F_TRUNCATED, 0);
	ck_assert_uint_eq(full.dhcp_msg, 1);

	for (size_t len = 0; len < f.len; len++) {
		int err = probe_harness_run(h, f.data, len, 0);

		if (len < 14) {
			/* The kernel runs nothing shorter than Ethernet. */
			ck_assert_int_eq(err, -EINVAL);
			continue;
		}
		ck_assert_msg(err == 0, "%zu bytes: %s", len, strerror(-err));
		ck_assert_uint_eq(h->retval, (__u32)-1);
		ck_assert_int_le(h->n_events, 1);
		if (!filtered)
			ck_assert_msg(h->n_events == 1, "%zu bytes: no event", len);
		if (!h->n_events)
			continue;
		expect_prefix_decode(&h->ev[0], &full, len);
		events++;
		with_xid += h->ev[0].xid == full.xid;
	}
	/* The frame was cut inside the DHCP fixed fields and options too. */
	ck_assert_int_gt(with_xid, 200);
	if (filtered)
		ck_assert_int_lt(events, (int)f.len - 14);
	probe_harness_close(h);
}

START_TEST(every_truncation_unfiltered)
{
	check_every_truncation(0);
}
END_TEST

START_TEST(every_truncation_filtered)
{
	check_every_truncation(1);
}
END_TEST

/* The IP total length says more than the frame holds. */
START_TEST(ip_length_beyond_frame_is_truncated)
{
	struct pkt_spec s;
	struct nstrace_event want;

	REQUIRE_ROOT();
	h = probe_harness_shared();
	spec_tcp(&s);
	build_tcp(&f, &wrap_plain, &s);
	f.len -= 4; /* payload cut, headers whole */
	want_base(&want, f.len);
	want_tcp(&want, &s);
	want.flags = NSTRACE_F_TRUNCATED;
	expect_event(h, run_one(h, &f), &want);
	probe_harness_close(h);
}
END_TEST

static void check_snaplen(__u32 snaplen)
{
	struct pkt_spec s;
	const struct nstrace_event *e;
	static const uint8_t zero_mac[6];

	REQUIRE_ROOT();
	h = &own;
	if (snaplen == NSTRACE_SNAPLEN_DEFAULT)
		h = probe_harness_shared();
	else
		probe_harness_open(h, snaplen, PROBE_TEST_RINGBUF);
	spec_dhcp_discover(&s);
	build_dhcp4(&f, &wrap_vlan2, &s);
	ck_assert_uint_gt(f.len, 300);
	e = run_one(h, &f);
	ck_assert_uint_eq(h->record_size[0],
			  sizeof(struct nstrace_event) + snaplen);
	ck_assert_uint_eq(e->snap_len, f.len < snaplen ? f.len : snaplen);
	ck_assert(!memcmp(h->snap[0], f.data, e->snap_len));

	/* A frame shorter than snaplen: all of it. */
	frame_init(&f);
	frame_eth(&f, bcast_mac, client_mac, ETH_P_ARP);
	frame_arp(&f, 1, client_mac, vm_ip, zero_mac, server_ip);
	frame_finish(&f);
	e = run_one(h, &f);
	ck_assert_uint_eq(e->snap_len, f.len < snaplen ? f.len : snaplen);
	ck_assert(!memcmp(h->snap[0], f.data, e->snap_len));
	probe_harness_close(h);
}

START_TEST(snaplen_0)
{
	check_snaplen(0);
}
END_TEST

START_TEST(snaplen_128)
{
	check_snaplen(128);
}
END_TEST

START_TEST(snaplen_max)
{
	check_snaplen(NSTRACE_SNAPLEN_MAX);
}
END_TEST

/* Both programs, on a match, a miss and a frame cut short. */
START_TEST(programs_return_tc_act_unspec)
{
	struct nstrace_filter flt = { .proto_mask = NSTRACE_P_DHCP };
	struct probe_knobs k = { .snaplen = NSTRACE_SNAPLEN_DEFAULT,
				 .ringbuf_bytes = PROBE_TEST_RINGBUF,
				 .with_egress = 1 };
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = &own;
	probe_harness_open_knobs(h, &k);
	probe_harness_filter(h, &flt);
	for (int egress = 0; egress <= 1; egress++) {
		spec_dhcp_discover(&s);
		build_dhcp4(&f, &wrap_gre, &s);
		ck_assert_int_eq(probe_harness_run(h, f.data, f.len, egress), 0);
		ck_assert_uint_eq(h->retval, (__u32)-1);
		ck_assert_int_eq(h->n_events, 1);
		ck_assert_uint_eq(h->ev[0].dir, egress ? NSTRACE_DIR_EGRESS :
							NSTRACE_DIR_INGRESS);
		ck_assert_int_eq(probe_harness_run(h, f.data, 40, egress), 0);
		ck_assert_uint_eq(h->retval, (__u32)-1);
		spec_tcp(&s);
		build_tcp(&f, &wrap_plain, &s);
		ck_assert_int_eq(probe_harness_run(h, f.data, f.len, egress), 0);
		ck_assert_uint_eq(h->retval, (__u32)-1);
		ck_assert_int_eq(h->n_events, 0);
	}
	probe_harness_close(h);
}
END_TEST

START_TEST(hop_ids_and_counters)
{
	struct probe_knobs k = { .snaplen = NSTRACE_SNAPLEN_DEFAULT,
				 .ringbuf_bytes = PROBE_TEST_RINGBUF,
				 .with_egress = 1 };
	struct pkt_spec s;
	struct nstrace_event want;

	REQUIRE_ROOT();
	h = &own;
	probe_harness_open_knobs(h, &k);
	probe_harness_hop(h, TEST_IFINDEX, NSTRACE_DIR_INGRESS, 7);
	probe_harness_hop(h, TEST_IFINDEX, NSTRACE_DIR_EGRESS, 8);
	spec_echo(&s);
	build_echo(&f, &wrap_vlan1, &s);
	want_base(&want, f.len);
	want_echo(&want, &s);
	want_wrap(&want, &wrap_vlan1);
	want.hop_id = 7;
	expect_event(h, run_one(h, &f), &want);

	ck_assert_int_eq(probe_harness_run(h, f.data, f.len, 1), 0);
	ck_assert_int_eq(h->n_events, 1);
	want.hop_id = 8;
	want.dir = NSTRACE_DIR_EGRESS;
	expect_event(h, &h->ev[0], &want);
	ck_assert_int_eq(probe_harness_run(h, f.data, f.len, 1), 0);

	ck_assert_uint_eq(probe_harness_stats(h, 7).emitted, 1);
	ck_assert_uint_eq(probe_harness_stats(h, 8).emitted, 2);
	ck_assert_uint_eq(probe_harness_stats(h, 0).emitted, 0);
	ck_assert_uint_eq(probe_harness_stats(h, 7).lost, 0);
	probe_harness_close(h);
}
END_TEST

/*
 * The probe caches hop ids per CPU; a key user space re-maps (it does not,
 * but if it did) shows its new id once the cached entry expired (1 s).
 */
START_TEST(remapped_hop_shows_its_new_id)
{
	struct pkt_spec s;
	int new_seen = 0;

	REQUIRE_ROOT();
	h = &own;
	probe_harness_open(h, 0, PROBE_TEST_RINGBUF);
	probe_harness_hop(h, TEST_IFINDEX, NSTRACE_DIR_INGRESS, 4);
	spec_echo(&s);
	build_echo(&f, &wrap_plain, &s);
	ck_assert_uint_eq(run_one(h, &f)->hop_id, 4);
	probe_harness_hop(h, TEST_IFINDEX, NSTRACE_DIR_INGRESS, 9);
	for (int i = 0; i < 15 && !new_seen; i++) {
		__u32 id = run_one(h, &f)->hop_id;

		ck_assert_msg(id == 4 || id == 9, "hop id %u", id);
		new_seen += id == 9;
		if (!new_seen)
			usleep(100 * 1000);
	}
	ck_assert_msg(new_seen, "the new hop id never showed");
	probe_harness_close(h);
}
END_TEST

/* Bytes one default record takes in a ring. */
#define TEST_RECORD_BYTES (sizeof(struct nstrace_event) + NSTRACE_SNAPLEN_DEFAULT + 8)

/* The events ring full: records go to the burst ring, none is lost, and
 * the reader gets all of them. */
START_TEST(burst_ring_takes_the_overflow)
{
	struct probe_knobs k = { .snaplen = NSTRACE_SNAPLEN_DEFAULT,
				 .ringbuf_bytes = 4096,
				 .burst_bytes = PROBE_TEST_RINGBUF };
	const int n = 2 * (4096 / TEST_RECORD_BYTES);
	struct nstrace_hop_stats st;
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = &own;
	probe_harness_open_knobs(h, &k);
	probe_harness_hop(h, TEST_IFINDEX, NSTRACE_DIR_INGRESS, 3);
	spec_dhcp_discover(&s);
	for (int i = 0; i < n; i++) {
		s.xid = TEST_XID + i;
		build_dhcp4(&f, &wrap_plain, &s);
		ck_assert_int_eq(probe_harness_run_only(h, f.data, f.len), 0);
	}
	st = probe_harness_stats(h, 3);
	ck_assert_uint_eq(st.emitted, n);
	ck_assert_uint_eq(st.lost, 0);
	ck_assert_int_eq(probe_harness_read(h, 0, 0), n);
	/* The events ring is drained first: here that is time order. */
	for (int i = 0; i < n; i++) {
		ck_assert_uint_eq(h->ev[i].xid, TEST_XID + i);
		ck_assert_uint_eq(h->ev[i].hop_id, 3);
	}
	probe_harness_close(h);
}
END_TEST

/* Both rings full: every failed reserve is counted for its hop. */
START_TEST(full_ring_counts_lost_events)
{
	const int per_ring = 4096 / TEST_RECORD_BYTES;
	struct nstrace_hop_stats st;
	struct pkt_spec s;
	int read;

	REQUIRE_ROOT();
	h = &own;
	probe_harness_open(h, NSTRACE_SNAPLEN_DEFAULT, 4096);
	probe_harness_hop(h, TEST_IFINDEX, NSTRACE_DIR_INGRESS, 3);
	spec_dhcp_discover(&s);
	build_dhcp4(&f, &wrap_plain, &s);
	for (int i = 0; i < 3 * per_ring; i++)
		ck_assert_int_eq(probe_harness_run_only(h, f.data, f.len), 0);
	st = probe_harness_stats(h, 3);
	ck_assert_uint_eq(st.emitted + st.lost, 3 * per_ring);
	ck_assert_uint_eq(st.emitted, 2 * per_ring);
	ck_assert_uint_eq(st.lost, per_ring);
	read = probe_harness_read(h, 0, 0);
	ck_assert_int_eq(read, st.emitted);
	/* Drained: the next one fits again. */
	ck_assert_int_eq(run_frame(h, &f), 1);
	ck_assert_uint_eq(probe_harness_stats(h, 3).emitted, st.emitted + 1);
	probe_harness_close(h);
}
END_TEST

/* No wakeup until wake_bytes are pending, then one. */
START_TEST(wakeups_are_batched)
{
	const __u64 rec = TEST_RECORD_BYTES;
	struct probe_knobs k = { .snaplen = NSTRACE_SNAPLEN_DEFAULT,
				 .ringbuf_bytes = PROBE_TEST_RINGBUF,
				 .wake_bytes = 3 * rec };
	struct pkt_spec s;

	REQUIRE_ROOT();
	h = &own;
	probe_harness_open_knobs(h, &k);
	spec_dhcp_discover(&s);
	build_dhcp4(&f, &wrap_plain, &s);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(probe_harness_run_only(h, f.data, f.len), 0);
		ck_assert_int_eq(probe_harness_read(h, 1, 0), 0);
	}
	ck_assert_int_eq(probe_harness_run_only(h, f.data, f.len), 0);
	ck_assert_int_eq(probe_harness_read(h, 1, 1000), 3);
	/* epoll is level-triggered: one more poll sees the ring empty and
	 * forgets the wakeup. */
	ck_assert_int_eq(probe_harness_read(h, 1, 0), 0);
	/* Below the mark again: records wait for a drain. */
	ck_assert_int_eq(probe_harness_run_only(h, f.data, f.len), 0);
	ck_assert_int_eq(probe_harness_read(h, 1, 0), 0);
	ck_assert_int_eq(probe_harness_read(h, 0, 0), 1);
	probe_harness_close(h);
}
END_TEST

NSTRACE_SUITE(probe_emit)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("emit");

	tcase_add_unchecked_fixture(tc, probe_harness_shared_load,
				    probe_harness_shared_unload);
	tcase_add_test(tc, every_truncation_unfiltered);
	tcase_add_test(tc, every_truncation_filtered);
	tcase_add_test(tc, ip_length_beyond_frame_is_truncated);
	tcase_add_test(tc, snaplen_0);
	tcase_add_test(tc, snaplen_128);
	tcase_add_test(tc, snaplen_max);
	tcase_add_test(tc, programs_return_tc_act_unspec);
	tcase_add_test(tc, hop_ids_and_counters);
	tcase_add_test(tc, remapped_hop_shows_its_new_id);
	tcase_add_test(tc, burst_ring_takes_the_overflow);
	tcase_add_test(tc, full_ring_counts_lost_events);
	tcase_add_test(tc, wakeups_are_batched);
	suite_add_tcase(s, tc);
	return s;
}
