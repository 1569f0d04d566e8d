/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One `nstrace ping` run, shared by its files: cmd_ping.c (options, path,
 * set-up, the trace) and ping_output.c (what is printed: timelines,
 * verdicts with their runbook checks, the per-hop latency table and the
 * summary).  Not an API.
 */
#ifndef NSTRACE_PING_RUN_H
#define NSTRACE_PING_RUN_H

#include <limits.h>
#include <stdbool.h>

#include "hop_latency.h"
#include "path_plan.h"
#include "pinger.h"
#include "port_cmd.h"
#include "ping_analyse.h"
#include "router_state.h"
#include "sg_counters.h"
#include "topology.h"
#include "trace_session.h"

enum ping_from {
	FROM_NONE, /* passive: the VM pings */
	FROM_ROUTER, /* nstrace pings the VM from its qrouter- namespace */
	FROM_DHCP, /* ... from its network's qdhcp- namespace */
	FROM_EXTERNAL, /* ... its floating IP from a namespace the user names */
};

struct ping_opts {
	const char *port;
	const char *dst; /* passive: the destination, NULL any */
	enum ping_from from;
	const char *netns; /* --from external */
	unsigned long long count;
	unsigned long long size; /* ICMP payload bytes, as ping -s */
	unsigned long long interval_ms;
	struct port_cmd_opts pc; /* with timeout_ms 0: the mode's default */
};

struct ping_run {
	const struct ping_opts *o;
	const struct topology *t;
	const struct topo_port *port;
	struct port_path *path;
	struct trace_session *s;
	struct ping_analyser an;
	struct hop_latency lat;
	struct pinger pinger;
	bool pinging;
	char target[64]; /* what nstrace pings (active) */
	char from_ns[PATH_MAX]; /* where from (active) */
	char fixed_ip[64], fip[64], qr_ip[64], qg_ip[64], dhcp_ip[64];
	/* No router on the path: the gateway the DHCP agent hands out. */
	char gw_ip[64];
	__u64 mono_to_wall_ns;
	__u64 pinger_done_ns; /* when the last echo was sent */
	bool color;
	unsigned int check_mask;
	/* Counters read before the trace: security groups, the router's NAT. */
	struct sg_watch sg;
	char router_ns_path[PATH_MAX];
	bool router_known;
	struct router_state router_before;
	/* Output. */
	size_t faults, completed;
	struct verdict last_fault; /* for "same as seq N" */
	unsigned int last_fault_seq;
	bool has_last_fault;
	bool vm_side_told; /* a completed east-west echo was shown in full */
	bool output_closed;
};

/* What to trace (ping_plan.c). */
/* "10.0.0.1/24" -> "10.0.0.1". */
void ping_bare_ip(char *dst, size_t len, const char *ip);
/* The path the mode needs, the addresses on it and where to ping from:
 * -1 when planned, else an NST_EXIT_* code (the message is printed).
 * *peer_ip: DST when it is another VM's (the east-west path). */
int ping_plan(struct ping_run *r, int idx, const char **peer_ip);
/* ICMP and ARP of the addresses on the path; -EINVAL (printed). */
int ping_build_filter(struct ping_run *r, const char *peer_ip, struct nstrace_filter *f);
/* The runbook checks that fit the path's kind (CHK_BIT()s). */
unsigned int ping_check_mask(const struct ping_run *r);

/* Trace hooks and verdict output (ping_output.c). */
void ping_on_event(void *ctx, const struct nstrace_event *e, const struct hop *hop, bool on_path);
void ping_on_timeline(void *ctx, const struct timeline *t);
void ping_on_echo(void *ctx, const struct ping_echo *e);
void ping_on_arp(void *ctx, const struct ping_arp *x);
/* A verdict with its checks, for an echo, an ARP or none (both NULL). */
void ping_print_verdict(struct ping_run *r, const struct ping_echo *e, const struct verdict *v);
/* The per-hop table and the summary line at the end. */
void ping_print_summary(struct ping_run *r);

#endif
