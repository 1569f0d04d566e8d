/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `nstrace dhcp`'s analyser: follows each DHCPv4 transaction (xid + client
 * MAC) through DISCOVER, OFFER, REQUEST, ACK (NAK, DECLINE, RELEASE,
 * INFORM) from the correlated timelines of a trace along the port's DHCP
 * path, decides when a transaction is over, and gives its verdict with
 * the rules of dhcp_verdict.c over the journeys of verdict.h.
 *
 * Pure: timelines and times in, verdicts out (tests/test_dhcp_verdict.c).
 * Times are the kernel's CLOCK_MONOTONIC, as in the events.
 */
#ifndef NSTRACE_DHCP_ANALYSE_H
#define NSTRACE_DHCP_ANALYSE_H

#include <stdbool.h>
#include <stddef.h>

#include "correlate.h"
#include "path_plan.h"
#include "topology.h"
#include "verdict.h"

/* DHCPv4 message types (option 53). */
#define DHCP_DISCOVER 1
#define DHCP_OFFER 2
#define DHCP_REQUEST 3
#define DHCP_DECLINE 4
#define DHCP_ACK 5
#define DHCP_NAK 6
#define DHCP_RELEASE 7
#define DHCP_INFORM 8

/* A transaction with no new message for this long is over: servers
 * answer in milliseconds, clients retry within seconds. */
#define DHCP_SETTLE_NS (3ull * 1000000000ull)

/* One message of a transaction: its timeline against its journey. */
struct dhcp_msg {
	__u8 type; /* DHCP_* */
	bool to_server;
	struct timeline *t; /* owned copy */
	struct crossing c; /* c.t == t */
};

struct dhcp_txn {
	__u32 xid;
	__u8 chaddr[6];
	struct dhcp_msg *msgs; /* in the order their timelines closed */
	size_t n_msgs;
	__u64 first_ts, last_ts; /* of its messages' hops */
	bool concluded;
	struct verdict verdict; /* once concluded */
};

struct dhcp_analyser {
	const struct topology *t; /* for operators' commands; may be NULL */
	const struct port_path *path; /* the port's DHCP path */
	const struct hop_places *places;
	const char *(*drop_name)(__u32); /* drop reason names; may be NULL */
	struct journey out; /* VM -> DHCP server */
	struct journey back; /* DHCP server -> VM */
	struct dhcp_txn *txns;
	size_t n_txns;
	size_t n_concluded;
	__u64 settle_ns; /* DHCP_SETTLE_NS unless changed */
	/* Called once per transaction when it concludes. */
	void (*on_conclude)(void *ctx, const struct dhcp_txn *x);
	void *ctx;
};

int dhcp_analyser_init(struct dhcp_analyser *a, const struct topology *t,
		       const struct port_path *path, const struct hop_places *places,
		       const char *(*drop_name)(__u32));
void dhcp_analyser_free(struct dhcp_analyser *a);

/*
 * A closed timeline.  DHCPv4 messages are kept (copied) in their
 * transaction; anything else is ignored.  Returns the transaction's index,
 * -1 when ignored, -ENOMEM.
 */
int dhcp_analyser_add(struct dhcp_analyser *a, const struct timeline *t);

/*
 * Conclude what is over at now_ns: a transaction whose ACK reached the VM
 * at once, any other after settle_ns without a new message; with final
 * set (the trace ended), every open one.  Returns how many are concluded
 * in all.
 */
size_t dhcp_analyser_poll(struct dhcp_analyser *a, __u64 now_ns, bool final);

/* What the trace waits for, for the live status line. */
void dhcp_analyser_status(const struct dhcp_analyser *a, char *buf, size_t len);

/* The verdict of one transaction (dhcp_verdict.c). */
void dhcp_txn_verdict(const struct dhcp_analyser *a, const struct dhcp_txn *x,
		      struct verdict *v);
/* The verdict when no DHCP message of the port was seen at all. */
void dhcp_verdict_none(const struct dhcp_analyser *a, struct verdict *v);

/* "DISCOVER", "OFFER", ...; "type N" style names come from names.h. */
const char *dhcp_msg_label(__u8 type);
/* Sent by the client (DISCOVER, REQUEST, DECLINE, RELEASE, INFORM). */
bool dhcp_msg_to_server(__u8 type);

#endif
