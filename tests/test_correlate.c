/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The correlator and the timeline renderers, from hand-built events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "correlate.h"
#include "event_fixtures.h"
#include "timeline_print.h"
#include "testlib.h"

#define MS 1000000ull
#define MAX_KEPT 64

/* Collects closed timelines (deep copies) in the order they closed. */
struct collected {
	struct timeline *t[MAX_KEPT];
	unsigned int n;
	unsigned long long closed; /* all, also those not kept */
};

static void collect(const struct timeline *t, void *ctx)
{
	struct collected *col = ctx;

	col->closed++;
	if (col->n < MAX_KEPT) {
		col->t[col->n] = timeline_dup(t);
		ck_assert_ptr_nonnull(col->t[col->n]);
		col->n++;
	}
}

static void collected_free(struct collected *col)
{
	for (unsigned int i = 0; i < col->n; i++)
		timeline_free(col->t[i]);
	col->n = 0;
}

static struct correlator *new_correlator(struct collected *col, __u32 max_tl,
					 __u32 max_hops, __u64 idle_ns)
{
	struct correlator_opts o = {
		.max_timelines = max_tl,
		.max_hops = max_hops,
		.idle_ns = idle_ns,
		.on_close = collect,
		.ctx = col,
	};
	struct correlator *c = correlator_new(&o);

	ck_assert_ptr_nonnull(c);
	memset(col, 0, sizeof(*col));
	return c;
}

static struct correlator_stats stats_of(const struct correlator *c)
{
	struct correlator_stats st;

	correlator_get_stats(c, &st);
	return st;
}

/* An ICMP echo request from the VM, fingerprint fp, seen at hop/dir/ts. */
static void echo_at(struct nstrace_event *e, __u64 fp, __u32 hop, __u8 dir,
		    __u64 ts)
{
	fx_event(e, fp, hop, dir, ts);
	fx_eth(e, "fa:16:3e:aa:bb:cc", "fa:16:3e:00:00:01", 0);
	fx_ip(e, "10.0.0.5", "8.8.8.8", 1, 64);
	fx_echo(e, 8, 77, (__u16)fp);
}

static struct timeline *find_fp(struct collected *col, __u64 fp)
{
	for (unsigned int i = 0; i < col->n; i++)
		if (col->t[i]->fingerprint == fp)
			return col->t[i];
	ck_abort_msg("no timeline for fingerprint %llx", (unsigned long long)fp);
	return NULL;
}

START_TEST(groups_interleaved_packets)
{
	static const __u32 path[] = { 1, 2, 3 };
	struct nstrace_event e;
	struct collected col;
	struct correlator *c = new_correlator(&col, 0, 0, 0);
	struct timeline *a, *b;

	for (int i = 0; i < 3; i++) {
		echo_at(&e, 0xa, path[i], NSTRACE_DIR_EGRESS, 1000 + i * 100);
		correlator_add(c, &e);
		echo_at(&e, 0xb, path[i], NSTRACE_DIR_EGRESS, 1050 + i * 100);
		correlator_add(c, &e);
	}
	ck_assert_uint_eq(stats_of(c).live, 2);
	ck_assert_uint_eq(col.closed, 0);
	ck_assert_uint_eq(correlator_flush(c), 2);
	ck_assert_uint_eq(col.n, 2);
	a = find_fp(&col, 0xa);
	b = find_fp(&col, 0xb);
	ck_assert_uint_eq(a->n_hops, 3);
	ck_assert_uint_eq(b->n_hops, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(a->hops[i].hop_id, path[i]);
		ck_assert_uint_eq(b->hops[i].hop_id, path[i]);
		ck_assert_uint_eq(b->hops[i].ts_ns, 1050 + i * 100);
	}
	ck_assert_int_eq(a->close_reason, CLOSE_FLUSHED);
	ck_assert_str_eq(a->summary,
			 "10.0.0.5 > 8.8.8.8 ICMP echo request id 77 seq 10 ttl 64");
	ck_assert_uint_eq(a->app.icmp_seq, 10);
	ck_assert_uint_eq(stats_of(c).events, 6);
	ck_assert_uint_eq(stats_of(c).timelines, 2);
	ck_assert_uint_eq(stats_of(c).flushed, 2);
	ck_assert_uint_eq(stats_of(c).live, 0);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

START_TEST(orders_out_of_order_events_and_computes_deltas)
{
	/* arrival order 3, 1, 4, 2 (CPUs drain at different times) */
	static const __u64 ts[] = { 5300, 5000, 5450, 5120 };
	static const __u32 hop[] = { 3, 1, 4, 2 };
	struct nstrace_event e;
	struct collected col;
	struct correlator *c = new_correlator(&col, 0, 0, 0);
	struct timeline *t;

	for (int i = 0; i < 4; i++) {
		echo_at(&e, 0x77, hop[i], NSTRACE_DIR_INGRESS, ts[i]);
		correlator_add(c, &e);
	}
	correlator_flush(c);
	ck_assert_uint_eq(col.n, 1);
	t = col.t[0];
	ck_assert_uint_eq(t->n_hops, 4);
	for (__u32 i = 0; i < 4; i++)
		ck_assert_uint_eq(t->hops[i].hop_id, i + 1);
	ck_assert_uint_eq(t->first_ts_ns, 5000);
	ck_assert_uint_eq(t->last_ts_ns, 5450);
	ck_assert_uint_eq(t->hops[0].since_first_ns, 0);
	ck_assert_uint_eq(t->hops[0].since_prev_ns, 0);
	ck_assert_uint_eq(t->hops[1].since_first_ns, 120);
	ck_assert_uint_eq(t->hops[1].since_prev_ns, 120);
	ck_assert_uint_eq(t->hops[2].since_first_ns, 300);
	ck_assert_uint_eq(t->hops[2].since_prev_ns, 180);
	ck_assert_uint_eq(t->hops[3].since_first_ns, 450);
	ck_assert_uint_eq(t->hops[3].since_prev_ns, 150);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

START_TEST(retransmission_starts_a_new_timeline)
{
	struct nstrace_event e;
	struct collected col;
	struct correlator *c = new_correlator(&col, 0, 0, 0);

	/* DHCP DISCOVER retransmitted with the same xid: same fingerprint */
	echo_at(&e, 0x42, 1, NSTRACE_DIR_INGRESS, 1000);
	correlator_add(c, &e);
	echo_at(&e, 0x42, 1, NSTRACE_DIR_EGRESS, 1010); /* other direction */
	correlator_add(c, &e);
	echo_at(&e, 0x42, 2, NSTRACE_DIR_INGRESS, 1020);
	correlator_add(c, &e);
	ck_assert_uint_eq(col.closed, 0);
	echo_at(&e, 0x42, 1, NSTRACE_DIR_INGRESS, 4 * MS); /* again at hop 1 in */
	correlator_add(c, &e);
	ck_assert_uint_eq(col.n, 1);
	ck_assert_int_eq(col.t[0]->close_reason, CLOSE_SUPERSEDED);
	ck_assert_uint_eq(col.t[0]->n_hops, 3);
	echo_at(&e, 0x42, 2, NSTRACE_DIR_INGRESS, 4 * MS + 20);
	correlator_add(c, &e);
	correlator_flush(c);
	ck_assert_uint_eq(col.n, 2);
	ck_assert_uint_eq(col.t[1]->n_hops, 2);
	ck_assert_uint_eq(col.t[1]->first_ts_ns, 4 * MS);
	ck_assert_uint_gt(col.t[1]->id, col.t[0]->id);
	ck_assert_uint_eq(stats_of(c).superseded, 1);
	ck_assert_uint_eq(stats_of(c).timelines, 2);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

START_TEST(live_timelines_stay_under_the_cap)
{
	const unsigned int n = 100000, cap = 64;
	struct nstrace_event e;
	struct collected col;
	struct correlator *c = new_correlator(&col, cap, 0, 0);
	struct correlator_stats st;

	echo_at(&e, 1, 1, NSTRACE_DIR_INGRESS, 0);
	for (unsigned int i = 0; i < n; i++) {
		e.fingerprint = 0x1000 + i;
		e.ts_ns = 1000 + i; /* all within the idle timeout */
		correlator_add(c, &e);
		ck_assert_uint_le(stats_of(c).live, cap);
	}
	st = stats_of(c);
	ck_assert_uint_eq(st.live, cap);
	ck_assert_uint_eq(st.evicted, n - cap);
	ck_assert_uint_eq(st.timelines, n);
	ck_assert_uint_eq(col.closed, n - cap);
	/* the least recently updated goes first */
	ck_assert_uint_eq(col.t[0]->fingerprint, 0x1000);
	ck_assert(col.t[0]->flags & TIMELINE_F_EVICTED);
	ck_assert_int_eq(col.t[0]->close_reason, CLOSE_EVICTED);
	ck_assert_uint_eq(correlator_flush(c), cap);
	ck_assert_uint_eq(col.closed, n);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

START_TEST(eviction_spares_recently_updated)
{
	struct nstrace_event e;
	struct collected col;
	struct correlator *c = new_correlator(&col, 2, 0, 0);

	echo_at(&e, 0xa, 1, NSTRACE_DIR_INGRESS, 100);
	correlator_add(c, &e);
	echo_at(&e, 0xb, 1, NSTRACE_DIR_INGRESS, 200);
	correlator_add(c, &e);
	echo_at(&e, 0xa, 2, NSTRACE_DIR_INGRESS, 300); /* A moves on */
	correlator_add(c, &e);
	echo_at(&e, 0xc, 1, NSTRACE_DIR_INGRESS, 400);
	correlator_add(c, &e);
	ck_assert_uint_eq(col.n, 1);
	ck_assert_uint_eq(col.t[0]->fingerprint, 0xb);
	correlator_flush(c);
	ck_assert_uint_eq(find_fp(&col, 0xa)->n_hops, 2);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

START_TEST(hops_per_timeline_are_capped)
{
	struct nstrace_event e;
	struct collected col;
	struct correlator *c = new_correlator(&col, 0, 4, 0);

	for (__u32 hop = 1; hop <= 6; hop++) {
		echo_at(&e, 0x99, hop, NSTRACE_DIR_EGRESS, hop * 10);
		correlator_add(c, &e);
	}
	correlator_flush(c);
	ck_assert_uint_eq(col.t[0]->n_hops, 4);
	ck_assert_uint_eq(col.t[0]->hops_dropped, 2);
	ck_assert(col.t[0]->flags & TIMELINE_F_HOPS_FULL);
	ck_assert_uint_eq(stats_of(c).hops_dropped, 2);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

START_TEST(idle_timelines_close)
{
	struct nstrace_event e;
	struct collected col;
	struct correlator *c = new_correlator(&col, 0, 0, 1 * MS);

	echo_at(&e, 0xa, 1, NSTRACE_DIR_INGRESS, 10 * MS);
	correlator_add(c, &e);
	echo_at(&e, 0xb, 1, NSTRACE_DIR_INGRESS, 10 * MS + 900000);
	correlator_add(c, &e);
	ck_assert_uint_eq(col.closed, 0);
	/* an event 1 ms after A's last one closes A, not B */
	echo_at(&e, 0xb, 2, NSTRACE_DIR_INGRESS, 11 * MS);
	correlator_add(c, &e);
	ck_assert_uint_eq(col.n, 1);
	ck_assert_uint_eq(col.t[0]->fingerprint, 0xa);
	ck_assert_int_eq(col.t[0]->close_reason, CLOSE_IDLE);
	/* no events: the caller's clock closes B */
	ck_assert_uint_eq(correlator_expire(c, 11 * MS + 999999), 0);
	ck_assert_uint_eq(correlator_expire(c, 12 * MS), 1);
	ck_assert_uint_eq(col.n, 2);
	ck_assert_uint_eq(col.t[1]->n_hops, 2);
	ck_assert_uint_eq(stats_of(c).closed_idle, 2);
	ck_assert_uint_eq(stats_of(c).live, 0);
	/* the same fingerprint after the timeout is a new packet */
	echo_at(&e, 0xa, 1, NSTRACE_DIR_INGRESS, 20 * MS);
	correlator_add(c, &e);
	correlator_flush(c);
	ck_assert_uint_eq(col.n, 3);
	ck_assert_uint_eq(col.t[2]->n_hops, 1);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

/* The router at 10.0.0.254 answers a too-big packet with frag-needed. */
static void frag_needed_at(struct nstrace_event *e, __u64 fp, __u64 quoted_fp,
			   __u32 hop, __u8 dir, __u64 ts)
{
	fx_event(e, fp, hop, dir, ts);
	fx_ip(e, "10.0.0.254", "10.0.0.5", 1, 64);
	e->app = NSTRACE_APP_ICMP_ERR;
	e->icmp_type = 3;
	e->icmp_code = 4;
	e->icmp_seq = 1400;
	e->related_fp = quoted_fp;
}

START_TEST(icmp_error_links_to_the_quoted_packet)
{
	struct nstrace_event e;
	struct collected col;
	struct correlator *c = new_correlator(&col, 0, 0, 0);
	struct timeline *pkt, *err;
	char *text = NULL;
	size_t len;
	FILE *f;

	echo_at(&e, 0x100, 1, NSTRACE_DIR_INGRESS, 1000);
	correlator_add(c, &e);
	echo_at(&e, 0x100, 2, NSTRACE_DIR_EGRESS, 2000);
	correlator_add(c, &e);
	frag_needed_at(&e, 0x200, 0x100, 2, NSTRACE_DIR_INGRESS, 3000);
	correlator_add(c, &e);
	frag_needed_at(&e, 0x200, 0x100, 1, NSTRACE_DIR_EGRESS, 3500);
	correlator_add(c, &e);
	/* an error for a packet nstrace never saw */
	frag_needed_at(&e, 0x300, 0xdead, 1, NSTRACE_DIR_EGRESS, 3600);
	correlator_add(c, &e);
	correlator_flush(c);
	pkt = find_fp(&col, 0x100);
	err = find_fp(&col, 0x200);
	ck_assert_uint_eq(pkt->n_hops, 2);
	ck_assert(pkt->flags & TIMELINE_F_ICMP_ERROR);
	ck_assert_uint_eq(pkt->n_icmp_errors, 1);
	ck_assert_uint_eq(pkt->icmp_errors[0].fingerprint, 0x200);
	ck_assert_uint_eq(pkt->icmp_errors[0].count, 2);
	ck_assert_uint_eq(pkt->icmp_errors[0].hop_id, 2);
	ck_assert_uint_eq(pkt->icmp_errors[0].ts_ns, 3000);
	ck_assert_uint_eq(pkt->icmp_errors[0].mtu, 1400);
	ck_assert_uint_eq(pkt->icmp_errors[0].type, 3);
	ck_assert_mem_eq(pkt->icmp_errors[0].reporter, "\x0a\x00\x00\xfe", 4);
	ck_assert_uint_eq(err->n_hops, 2);
	ck_assert_uint_eq(err->related_fp, 0x100);
	ck_assert_uint_eq(stats_of(c).icmp_linked, 2);
	ck_assert_uint_eq(stats_of(c).icmp_unlinked, 1);

	f = open_memstream(&text, &len);
	timeline_print_text(f, pkt, NULL);
	fclose(f);
	ck_assert_msg(strstr(text, "  icmp error from 10.0.0.254: unreachable - need to "
				   "frag (mtu 1400), first at ifindex 102 "
				   "netns-cookie 4096 in +2.000 us, 2 events\n"),
		      "%s", text);
	free(text);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

static void fill_hops(struct hop_table *ht)
{
	static const char *const names[][3] = {
		{ "", "tap1", "tap" },
		{ "", "eth-underlay", "underlay" },
		{ "qrouter-r1", "qg-1", "qg" },
	};

	memset(ht, 0, sizeof(*ht));
	for (int i = 0; i < 3; i++) {
		struct hop h = { .dir = NSTRACE_DIR_EGRESS, .ifindex = 101 + i,
				 .netns_cookie = 4096 };

		snprintf(h.netns, sizeof(h.netns), "%s", names[i][0]);
		snprintf(h.dev, sizeof(h.dev), "%s", names[i][1]);
		snprintf(h.role, sizeof(h.role), "%s", names[i][2]);
		ck_assert_int_eq(hop_table_add(ht, &h), i + 1);
	}
}

/* A UDP packet VM -> 8.8.8.8: tap, GRE on the underlay, SNAT at qg-. */
static void nat_timeline(struct correlator *c)
{
	struct nstrace_event e;

	fx_event(&e, 0x55, 1, NSTRACE_DIR_EGRESS, 10000);
	fx_ip(&e, "10.0.0.5", "8.8.8.8", 17, 64);
	fx_ports(&e, 40000, 53);
	correlator_add(c, &e);
	e.hop_id = 2;
	e.ts_ns = 22345;
	fx_vlan(&e, 3);
	fx_tunnel(&e, NSTRACE_TUN_GRE, 0x40, "192.168.1.1", "192.168.1.2");
	correlator_add(c, &e);
	fx_event(&e, 0x55, 3, NSTRACE_DIR_EGRESS, 30000);
	fx_ip(&e, "172.24.4.10", "8.8.8.8", 17, 63);
	fx_ports(&e, 61000, 53);
	correlator_add(c, &e);
}

START_TEST(nat_address_change_is_recorded)
{
	struct collected col;
	struct correlator *c = new_correlator(&col, 0, 0, 0);
	struct hop_table *ht = malloc(sizeof(*ht));
	struct timeline *t;
	char *text = NULL;
	size_t len;
	FILE *f;

	ck_assert_ptr_nonnull(ht);
	fill_hops(ht);
	nat_timeline(c);
	correlator_flush(c);
	t = col.t[0];
	ck_assert_uint_eq(t->n_hops, 3);
	ck_assert_mem_eq(t->hops[0].addrs.saddr, "\x0a\x00\x00\x05", 4);
	ck_assert_uint_eq(t->hops[0].addrs.sport, 40000);
	ck_assert_mem_eq(t->hops[2].addrs.saddr, "\xac\x18\x04\x0a", 4);
	ck_assert_uint_eq(t->hops[2].addrs.sport, 61000);
	ck_assert_uint_eq(t->hops[1].carrier.tun_key, 0x40);
	ck_assert_uint_eq(t->hops[1].carrier.vlan_tci[0], 3);

	f = open_memstream(&text, &len);
	timeline_print_text(f, t, ht);
	fclose(f);
	ck_assert_str_eq(text,
		"timeline 1 fp 0000000000000055: 10.0.0.5.40000 > 8.8.8.8.53 UDP "
		"(3 hops in 20.000 us)\n"
		"        +0.000       +0.000  -/tap1                   out\n"
		"       +12.345      +12.345  -/eth-underlay           out vlan 3 gre "
		"key 0x40 192.168.1.1 > 192.168.1.2\n"
		"       +20.000       +7.655  qrouter-r1/qg-1          out nat "
		"172.24.4.10.61000 > 8.8.8.8.53 ttl 63\n");
	free(text);
	free(ht);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

START_TEST(timeline_json)
{
	struct collected col;
	struct correlator *c = new_correlator(&col, 0, 0, 0);
	struct hop_table *ht = malloc(sizeof(*ht));
	json_t *o, *hops, *h;
	json_error_t jerr;
	char *text = NULL;
	size_t len;
	FILE *f;

	ck_assert_ptr_nonnull(ht);
	fill_hops(ht);
	nat_timeline(c);
	correlator_flush(c);
	f = open_memstream(&text, &len);
	timeline_print_json(f, col.t[0], ht);
	fclose(f);
	ck_assert_int_eq(text[len - 1], '\n');
	ck_assert_ptr_null(memchr(text, '\n', len - 1));
	o = json_loads(text, 0, &jerr);
	ck_assert_msg(o != NULL, "%s: %s", jerr.text, text);
	free(text);
	ck_assert_str_eq(json_string_value(json_object_get(o, "type")), "timeline");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "version")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(o, "fingerprint")),
			 "0000000000000055");
	ck_assert_str_eq(json_string_value(json_object_get(o, "close")), "flushed");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "duration_ns")), 20000);
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(o, "ip"), "proto")), "udp");
	hops = json_object_get(o, "hops");
	ck_assert_uint_eq(json_array_size(hops), 3);
	h = json_array_get(hops, 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(h, "hop"),
							   "dev")), "eth-underlay");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(h, "hop"),
							   "role")), "underlay");
	ck_assert_int_eq(json_integer_value(json_object_get(h, "since_prev_ns")), 12345);
	ck_assert_int_eq(json_integer_value(json_object_get(
				 json_object_get(h, "tunnel"), "key")), 0x40);
	h = json_array_get(hops, 2);
	ck_assert_int_eq(json_integer_value(json_object_get(h, "since_first_ns")), 20000);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(h, "ip"),
							   "src")), "172.24.4.10");
	ck_assert_int_eq(json_integer_value(json_object_get(
				 json_object_get(h, "udp"), "sport")), 61000);
	ck_assert_ptr_null(json_object_get(h, "tunnel"));
	ck_assert_ptr_null(json_object_get(o, "icmp_errors"));
	json_decref(o);
	free(ht);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

START_TEST(drops_and_unkeyed_events)
{
	struct nstrace_event e;
	struct collected col;
	struct correlator *c = new_correlator(&col, 0, 0, 0);
	char *text = NULL;
	size_t len;
	FILE *f;

	echo_at(&e, 0, 1, NSTRACE_DIR_INGRESS, 100);
	correlator_add(c, &e);
	ck_assert_uint_eq(stats_of(c).unkeyed, 1);
	ck_assert_uint_eq(stats_of(c).live, 0);

	echo_at(&e, 0x10, 1, NSTRACE_DIR_INGRESS, 100);
	correlator_add(c, &e);
	echo_at(&e, 0x10, 0, NSTRACE_DIR_UNKNOWN, 150);
	e.kind = NSTRACE_EV_DROP;
	e.drop_reason = 2;
	e.drop_location = 0xffffffff81000000ull;
	correlator_add(c, &e);
	correlator_flush(c);
	ck_assert_uint_eq(col.n, 1);
	ck_assert(col.t[0]->flags & TIMELINE_F_DROPPED);
	ck_assert(col.t[0]->hops[1].drop.present);
	f = open_memstream(&text, &len);
	timeline_print_text(f, col.t[0], NULL);
	fclose(f);
	ck_assert_msg(strstr(text, "ifindex 100 netns-cookie 4096 -   drop reason 2 "
				   "(NOT_SPECIFIED) at 0xffffffff81000000\n"),
		      "%s", text);
	free(text);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

START_TEST(colliding_buckets_keep_packets_apart)
{
	const unsigned int n = 3000;
	struct nstrace_event e;
	struct collected col;
	struct correlator *c = new_correlator(&col, 4096, 0, 0);
	struct correlator_stats st;

	/* Fingerprints that differ only in their high bits */
	for (int hop = 1; hop <= 2; hop++)
		for (unsigned int i = 0; i < n; i++) {
			echo_at(&e, (__u64)(i + 1) << 40, (__u32)hop,
				NSTRACE_DIR_INGRESS, hop * 10000 + i);
			correlator_add(c, &e);
		}
	st = stats_of(c);
	ck_assert_uint_eq(st.live, n);
	ck_assert_uint_eq(st.timelines, n);
	ck_assert_uint_eq(correlator_flush(c), n);
	for (unsigned int i = 0; i < col.n; i++)
		ck_assert_uint_eq(col.t[i]->n_hops, 2);
	collected_free(&col);
	correlator_free(c);
}
END_TEST

START_TEST(free_discards_live_timelines)
{
	struct nstrace_event e;
	struct collected col;
	struct correlator *c = new_correlator(&col, 0, 0, 0);

	for (__u64 fp = 1; fp <= 10; fp++) {
		echo_at(&e, fp, 1, NSTRACE_DIR_INGRESS, fp);
		correlator_add(c, &e);
	}
	/* ASan's leak check is the assertion that nothing is left behind */
	correlator_free(c);
	ck_assert_uint_eq(col.closed, 0);
	c = correlator_new(NULL);
	ck_assert_ptr_nonnull(c);
	correlator_add(c, &e);
	ck_assert_uint_eq(correlator_flush(c), 1);
	correlator_free(c);
}
END_TEST

NSTRACE_SUITE(correlate)
{
	Suite *s = suite_create("correlate");
	TCase *tc = tcase_create("timelines");

	tcase_add_test(tc, groups_interleaved_packets);
	tcase_add_test(tc, orders_out_of_order_events_and_computes_deltas);
	tcase_add_test(tc, retransmission_starts_a_new_timeline);
	tcase_add_test(tc, live_timelines_stay_under_the_cap);
	tcase_add_test(tc, eviction_spares_recently_updated);
	tcase_add_test(tc, hops_per_timeline_are_capped);
	tcase_add_test(tc, idle_timelines_close);
	tcase_add_test(tc, icmp_error_links_to_the_quoted_packet);
	tcase_add_test(tc, drops_and_unkeyed_events);
	tcase_add_test(tc, colliding_buckets_keep_packets_apart);
	tcase_add_test(tc, free_discards_live_timelines);
	suite_add_tcase(s, tc);
	tc = tcase_create("render");
	tcase_add_test(tc, nat_address_change_is_recorded);
	tcase_add_test(tc, timeline_json);
	suite_add_tcase(s, tc);
	return s;
}
