// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What `nstrace ping` prints: timelines, verdicts, checks, latency table. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "event_print.h"
#include "json_line.h"
#include "log.h"
#include "names.h"
#include "ovs_trace.h"
#include "path_checks.h"
#include "render_parts.h"
#include "str_copy.h"
#include "ping_run.h"
#include "timeline_print.h"
#include "trace_print.h"
#include "verdict_print.h"

void ping_on_event(void *ctx, const struct nstrace_event *e, const struct hop *hop, bool on_path)
{
	struct ping_run *r = ctx;

	(void)on_path;
	if (r->o->pc.json)
		event_print_json(stdout, e, hop, e->ts_ns + r->mono_to_wall_ns);
}

static void echo_title(char *buf, size_t len, const struct timeline *t)
{
	char s[IP_STR_LEN], d[IP_STR_LEN];
	const struct pkt_addrs *a = &t->hops[0].addrs;

	fmt_ip(s, a->l3_family, a->saddr);
	fmt_ip(d, a->l3_family, a->daddr);
	snprintf(buf, len, "echo %s seq %u id 0x%04x %s > %s",
		 t->app.icmp_type == 8 ? "request" : "reply", t->app.icmp_seq, t->app.icmp_id, s,
		 d);
}

void ping_on_timeline(void *ctx, const struct timeline *t)
{
	struct ping_run *r = ctx;
	char title[160], s[IP_STR_LEN], d[IP_STR_LEN];
	int kept = ping_analyser_add(&r->an, t);

	if (kept < 0)
		log_warn("out of memory: a timeline was not analysed");
	if (kept <= 0 || !t->n_hops)
		return;
	if (r->o->pc.json) {
		timeline_print_json(stdout, t, r->s->hops);
		return;
	}
	if (t->app.app == NSTRACE_APP_ECHO) {
		echo_title(title, sizeof(title), t);
	} else if (t->app.app == NSTRACE_APP_ARP) {
		fmt_ip(s, NSTRACE_L3_IPV4, t->hops[0].addrs.saddr);
		fmt_ip(d, NSTRACE_L3_IPV4, t->hops[0].addrs.daddr);
		if (t->app.arp_op == 1)
			snprintf(title, sizeof(title), "ARP who-has %s tell %s", d, s);
		else
			snprintf(title, sizeof(title), "ARP reply %s is-at (to %s)", s, d);
	} else {
		snprintf(title, sizeof(title), "ICMP %s",
			 icmp_type_name(t->app.l3_family, t->app.icmp_type) ?: "error");
	}
	fputc('\n', stdout);
	trace_timeline_text(stdout, t, r->s->hops, title);
}

/* The router's NAT rules whose counters rose since the trace began. */
static void nat_checks(struct ping_run *r, struct verdict_checks *checks)
{
	struct router_state after;
	struct router_nat_count counted[8];
	struct verdict_check c = { .status = CHECK_PASS };
	size_t n, shown;
	char rule[512];

	if (!r->router_known || router_state_read(r->router_ns_path, &after))
		return;
	n = router_nat_counted(&r->router_before, &after, counted, 8);
	shown = n < 8 ? n : 8;
	STR_COPY(c.name, "nat-counters");
	snprintf(c.subject, sizeof(c.subject), "NAT rules of %s", r->path->router >= 0 ?
		 r->t->ns[r->t->routers[r->path->router].ns].ns.name : "the router");
	if (!n) {
		c.status = CHECK_UNKNOWN;
		snprintf(c.detail, sizeof(c.detail), "no SNAT/DNAT rule counted a packet during "
						     "the trace");
	} else {
		struct sbuf sb;

		sb_init(&sb, c.detail, sizeof(c.detail));
		for (size_t i = 0; i < shown; i++) {
			router_nat_text(counted[i].nat, rule, sizeof(rule));
			sb_printf(&sb, "%s%s: +%llu packets", i ? "; " : "", rule,
				  (unsigned long long)counted[i].pkts);
		}
	}
	snprintf(c.command, sizeof(c.command), "ip netns exec %s iptables -t nat -L -n -v",
		 r->t->ns[r->t->routers[r->path->router].ns].ns.name);
	if (verdict_checks_add(checks, &c))
		log_warn("out of memory listing the NAT counters");
	/* The next verdict counts from here. */
	router_state_free(&r->router_before);
	r->router_before = after;
}

static json_t *echo_json(const struct ping_echo *e)
{
	char id[8];

	if (!e)
		return NULL;
	snprintf(id, sizeof(id), "0x%04x", e->id);
	return json_pack("{s:i, s:s, s:s, s:s, s:I, s:I, s:I, s:b}", "seq", e->seq, "id", id,
			 "direction", e->outbound ? "from-vm" : "to-vm", "route",
			 ping_route_name(e->route), "rtt_ns", (json_int_t)e->rtt_ns,
			 "request_timeline", (json_int_t)(e->req.t ? e->req.t->id : 0),
			 "reply_timeline", (json_int_t)(e->rep.t ? e->rep.t->id : 0),
			 "reply_reached_end", e->rep.c.reached_end);
}

void ping_print_verdict(struct ping_run *r, const struct ping_echo *e, const struct verdict *v)
{
	struct check_results cr = { 0 };
	struct verdict_checks checks = { 0 };
	const struct port_path *view = e ? &r->an.routes[e->route].view : r->path;

	if (verdict_is_fault(v->status)) {
		if (path_checks_run(r->t, view, r->check_mask, v->check_first, v->check_last,
				    &cr) ||
		    verdict_checks_add_path(&checks, &cr))
			log_warn("out of memory running the checks");
		if (ovs_trace_check(r->t, &v->trace, &checks))
			log_warn("out of memory tracing the OVS flows");
		sg_watch_checks(&r->sg, &checks);
		/* NAT happens on qg-: only for echoes that go through it. */
		if (path_find_role(view, ROLE_QG) >= 0)
			nat_checks(r, &checks);
	}
	if (r->o->pc.json)
		verdict_print_json(stdout, v, &checks, echo_json(e));
	else {
		fputc('\n', stdout);
		verdict_print_text(stdout, v, &checks, r->color);
	}
	fflush(stdout);
	check_results_free(&cr);
	verdict_checks_free(&checks);
}

static bool same_fault(const struct verdict *a, const struct verdict *b)
{
	return a->status == b->status && a->where.hop == b->where.hop &&
	       a->where.dir == b->where.dir;
}

void ping_on_echo(void *ctx, const struct ping_echo *e)
{
	struct ping_run *r = ctx;
	const struct verdict *v = &e->verdict;

	trace_status_clear(r->s);
	/* The latency table: every probe point an echo crossed. */
	if (e->req.t && hop_latency_add(&r->lat, 0, ping_echo_journey(&r->an, e, false), e->req.t,
					r->an.places))
		log_warn("out of memory: latency samples lost");
	if (e->rep.t && hop_latency_add(&r->lat, 1, ping_echo_journey(&r->an, e, true), e->rep.t,
					r->an.places))
		log_warn("out of memory: latency samples lost");
	if (v->status == VERDICT_COMPLETED) {
		r->completed++;
		if (e->rtt_ns && hop_latency_add_rtt(&r->lat, e->rtt_ns))
			log_warn("out of memory: latency samples lost");
		/* A round trip in one line; the first echo judged on the VM's
		 * side alone in full, to say what was not traced. */
		if (!r->o->pc.json && (e->route != PING_ROUTE_VM_SIDE || r->vm_side_told)) {
			printf("\n%s: %s%s, round trip %llu.%03llu ms\n", v->subject,
			       verdict_status_name(v->status),
			       e->route == PING_ROUTE_VM_SIDE ? " (the VM's side)" : "",
			       (unsigned long long)(e->rtt_ns / 1000000),
			       (unsigned long long)(e->rtt_ns / 1000 % 1000));
			return;
		}
		r->vm_side_told |= e->route == PING_ROUTE_VM_SIDE;
		ping_print_verdict(r, e, v);
		return;
	}
	r->faults++;
	/* The same fault again: one line, the checks were shown. */
	if (!r->o->pc.json && r->has_last_fault && same_fault(&r->last_fault, v)) {
		printf("\n%s: %s at %s, as seq %u\n", v->subject, verdict_status_name(v->status),
		       v->where.dev[0] ? v->where.dev : "the same place", r->last_fault_seq);
		return;
	}
	r->last_fault = *v;
	r->last_fault_seq = e->seq;
	r->has_last_fault = true;
	ping_print_verdict(r, e, v);
}

void ping_on_arp(void *ctx, const struct ping_arp *x)
{
	struct ping_run *r = ctx;

	trace_status_clear(r->s);
	r->faults++;
	ping_print_verdict(r, NULL, &x->verdict);
}

void ping_print_summary(struct ping_run *r)
{
	size_t n = r->an.n_echoes;

	if (r->o->pc.json) {
		json_t *lat = hop_latency_json(&r->lat);

		json_object_set_new(lat, "echoes", json_integer((json_int_t)n));
		json_object_set_new(lat, "completed", json_integer((json_int_t)r->completed));
		json_line_write(stdout, lat);
		json_decref(lat);
		return;
	}
	if (!r->lat.n_rows)
		return;
	printf("\n");
	hop_latency_print_text(stdout, &r->lat);
	printf("\n%zu echo%s: %zu completed, %zu with a fault\n", n, n == 1 ? "" : "es",
	       r->completed, n - r->completed);
}
