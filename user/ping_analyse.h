/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `nstrace ping`'s analyser: pairs each ICMP echo request with its reply
 * (id + sequence) from the correlated timelines of a trace along a planned
 * path, follows the ARP that resolves the next hop, decides when an echo
 * is over, and gives its verdict (ping_verdict.c) over the journeys of
 * verdict.h.
 *
 * An echo travels outbound (the VM pings: its source is the VM's address)
 * or inbound (the VM is pinged, at its fixed or floating address).  It is
 * judged on one of three routes: the whole path; the path cut at the
 * router's qr- port when the router itself is the other end (its qr- or
 * qg- address); or only the VM's side (up to br-int) when the other end
 * is another port of the VM's network than the path's far end (a VM or
 * the DHCP port, seen on the path to the router): such an echo goes
 * east-west, off the path, and the rest of its way was not planned.
 *
 * Pure: timelines and times in, verdicts out (tests/test_ping_verdict.c).
 * Times are the kernel's CLOCK_MONOTONIC, as in the events.  IPv4.
 */
#ifndef NSTRACE_PING_ANALYSE_H
#define NSTRACE_PING_ANALYSE_H

#include <stdbool.h>
#include <stddef.h>

#include "correlate.h"
#include "path_plan.h"
#include "topology.h"
#include "verdict.h"

/* An echo without its reply for this long is over: replies take ms. */
#define PING_SETTLE_NS (2ull * 1000000000ull)
#define PING_MAX_ADDRS 8

enum ping_route_id {
	PING_ROUTE_FULL, /* the whole path */
	PING_ROUTE_ROUTER, /* cut at the router's qr- port */
	PING_ROUTE_VM_SIDE, /* cut before br-int: east-west, off the path */
	PING_ROUTES,
};

struct ping_route {
	struct port_path view; /* the path, or a prefix of it (hops shared) */
	bool valid;
	struct journey out; /* away from the VM */
	struct journey in; /* towards the VM */
};

/* What happened to one message (a request or a reply) on its journey. */
struct ping_msg {
	struct timeline *t; /* owned copy; NULL when never seen */
	struct crossing c;
};

/* An ICMP error about an echo request. */
struct ping_error {
	__u8 type, code;
	__u32 mtu;
	__u8 reporter[4];
	__u32 hop_id; /* where first seen */
};

struct ping_echo {
	__u16 id, seq;
	bool outbound; /* the VM sent the request */
	enum ping_route_id route;
	struct ping_msg req, rep;
	struct ping_error err;
	bool has_err;
	__u8 src[4], dst[4]; /* the request's addresses at its first hop */
	__u8 other[4]; /* the other end's address (where the VM's is not) */
	__u64 first_ts, last_ts; /* of every hop seen, either message */
	__u64 rtt_ns; /* completed: reply at its end - request at its start */
	bool concluded;
	struct verdict verdict; /* once concluded */
};

/* An ARP request for the next hop (who-has target tell sender). */
struct ping_arp {
	__u8 sender[4], target[4];
	bool outbound; /* the VM asks */
	enum ping_route_id route;
	struct ping_msg req, rep;
	__u32 attempts; /* request timelines seen */
	__u64 first_ts, last_ts;
	bool concluded;
	struct verdict verdict; /* once concluded, when unanswered */
};

struct ping_analyser {
	const struct topology *t; /* for operators' commands; may be NULL */
	const struct port_path *path;
	const struct hop_places *places;
	const char *(*drop_name)(__u32); /* drop reason names; may be NULL */
	struct ping_route routes[PING_ROUTES];
	/* The VM's fixed and floating addresses; the router's own ones. */
	__u8 vm_addr[PING_MAX_ADDRS][4];
	bool vm_fixed[PING_MAX_ADDRS]; /* a fixed IP: ARP asks for these */
	size_t n_vm_addrs;
	__u8 router_addr[PING_MAX_ADDRS][4];
	size_t n_router_addrs;
	/* Who the VM resolves or is resolved by on this path (its gateway,
	 * the peer VM, the pinging DHCP port): other ARP is not followed. */
	__u8 arp_peer[PING_MAX_ADDRS][4];
	size_t n_arp_peers;
	struct ping_echo *echoes;
	size_t n_echoes;
	struct ping_arp *arps;
	size_t n_arps;
	size_t n_concluded; /* echoes */
	size_t n_arp_faults; /* ARP requests concluded unanswered */
	__u64 settle_ns; /* PING_SETTLE_NS unless changed */
	bool only_id; /* keep only echoes with this identifier (nstrace's own) */
	__u16 id;
	/* Called once per echo, and per unanswered ARP, when it concludes. */
	void (*on_echo)(void *ctx, const struct ping_echo *e);
	void (*on_arp)(void *ctx, const struct ping_arp *a);
	void *ctx;
};

int ping_analyser_init(struct ping_analyser *a, const struct topology *t,
		       const struct port_path *path, const struct hop_places *places,
		       const char *(*drop_name)(__u32));
void ping_analyser_free(struct ping_analyser *a);
/* The VM's addresses (fixed, or floating) and the router's (qr-, qg-):
 * dotted IPv4 strings, an optional "/len" ignored.  -EINVAL if not IPv4,
 * -ENOSPC past PING_MAX_ADDRS. */
int ping_analyser_vm_addr(struct ping_analyser *a, const char *ip, bool fixed);
int ping_analyser_router_addr(struct ping_analyser *a, const char *ip);
int ping_analyser_arp_peer(struct ping_analyser *a, const char *ip);
/* Is addr (4 bytes) one of the VM's / the router's? */
bool ping_is_vm_addr(const struct ping_analyser *a, const __u8 *addr);
bool ping_is_router_addr(const struct ping_analyser *a, const __u8 *addr);
/* The port of the VM's network that holds addr (index into the topology's
 * ports), -1 when none or no topology. */
int ping_network_port(const struct ping_analyser *a, const __u8 *addr);

/*
 * A closed timeline: echo requests and replies, ICMP errors about them
 * and ARP of the VM's or the router's addresses are kept (copied);
 * anything else is ignored.  Returns 1 when kept, 0 when ignored, -ENOMEM.
 */
int ping_analyser_add(struct ping_analyser *a, const struct timeline *t);

/*
 * Conclude what is over at now_ns: an echo whose reply reached its end at
 * once, any other settle_ns after its last hop; with final set (the trace
 * ended), everything open.  Returns how many echoes are concluded in all.
 */
size_t ping_analyser_poll(struct ping_analyser *a, __u64 now_ns, bool final);

/* What the trace waits for, for the live status line. */
void ping_analyser_status(const struct ping_analyser *a, char *buf, size_t len);

/* "full", "router", "vm-side" (stable: JSON). */
const char *ping_route_name(enum ping_route_id r);

/* The journey a message of echo e takes (request or reply). */
const struct journey *ping_echo_journey(const struct ping_analyser *a, const struct ping_echo *e,
					bool reply);

/* Verdicts (ping_verdict.c). */
void ping_echo_verdict(const struct ping_analyser *a, const struct ping_echo *e,
		       struct verdict *v);
void ping_arp_verdict(const struct ping_analyser *a, const struct ping_arp *x,
		      struct verdict *v);
/* When no echo of the port was seen at all. */
void ping_verdict_none(const struct ping_analyser *a, bool active, struct verdict *v);

#endif
