/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Verdicts over a planned path: where a message was expected to pass (a
 * journey of probe points), where it was seen (a crossing, from its
 * correlated timeline) and, when it stopped, where and why: dropped by
 * the kernel at a hop, or lost between two probe points, with what lies
 * between them named from the path plan.
 *
 * Pure functions over recorded timelines, the path and (for commands an
 * operator can run) the topology: `nstrace dhcp` and `nstrace ping` build
 * their protocol rules on top, and the unit tests feed recorded sequences.
 */
#ifndef NSTRACE_VERDICT_H
#define NSTRACE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#include "correlate.h"
#include "path_plan.h"
#include "topology.h"

/* Where each hop id of a trace lies on the traced path: a hop index, or -1
 * for ids not on it (drops elsewhere, unknown ids). */
struct hop_places {
	__s16 hop[NSTRACE_MAX_HOPS];
};

void hop_places_init(struct hop_places *p);
void hop_places_set(struct hop_places *p, __u32 hop_id, int hop);
int hop_places_get(const struct hop_places *p, __u32 hop_id);

/* A probe point a message is expected to cross: a path hop, a direction. */
struct journey_point {
	int hop;
	__u8 dir; /* NSTRACE_DIR_* */
};

/*
 * The attachable hops of a path in the order a message crosses them:
 * outbound (away from the VM: each hop's dir_out) or inbound (towards it:
 * reverse order, opposite direction).
 */
struct journey {
	const struct port_path *path;
	bool outbound;
	struct journey_point *pts;
	size_t n;
};

int journey_plan(const struct port_path *path, bool outbound, struct journey *j);
void journey_free(struct journey *j);
/* Index of (hop, dir) in the journey, or -1. */
int journey_find(const struct journey *j, int hop, __u8 dir);
/* How far along the journey a path hop lies: grows in the direction the
 * message travels (the hop index outbound, its mirror inbound). */
int journey_pos(const struct journey *j, int hop);

/* One message (a timeline) against its journey. */
struct crossing {
	const struct timeline *t;
	int furthest; /* journey index of the furthest point seen, -1 none */
	int furthest_idx; /* its index in t->hops, -1 none */
	int n_seen; /* points seen */
	bool reached_end; /* the journey's last point was seen */
	__u64 first_ts; /* of the first hop seen, any */
	__u64 furthest_ts;
	/*
	 * The kernel drop that explains where it stopped: on the path after
	 * the furthest point and up to the next one (or, once it reached the
	 * end, at the end's device or namespace). Drops of copies elsewhere
	 * (flooded broadcasts, the stack beside a packet socket) are not.
	 */
	bool dropped;
	int drop_hop; /* path hop index */
	__u32 drop_hop_id; /* its id in the hop table, for names */
	__u32 drop_reason;
	__u64 drop_location;
	__u64 drop_ts;
};

/*
 * Judge timeline t against journey j; places maps its hop ids to path
 * hops.  drop_name(reason) tells a specific drop reason from the kernel's
 * catch-all (NULL: every reason counts the same).
 */
void crossing_eval(const struct journey *j, const struct timeline *t,
		   const struct hop_places *places, const char *(*drop_name)(__u32),
		   struct crossing *c);

enum verdict_status {
	VERDICT_COMPLETED, /* the exchange reached the VM */
	VERDICT_DROPPED, /* the kernel dropped it at a hop */
	VERDICT_LOST, /* seen at one probe point, never at the next */
	VERDICT_NOT_SEEN, /* the VM sent nothing (or nothing that arrived) */
	VERDICT_NO_REPLY, /* the server got the request and stayed silent */
	VERDICT_REFUSED, /* the server answered no (DHCP NAK) */
	VERDICT_UNREACHABLE, /* an ICMP destination unreachable came back */
	VERDICT_TTL_EXCEEDED, /* an ICMP time exceeded came back */
	VERDICT_MTU, /* too big for a link of the path (or frag-needed seen) */
	VERDICT_ARP_UNANSWERED, /* the next hop's address never resolved */
	VERDICT_ANSWERED_EARLY, /* a reply came from short of the destination */
};

/* "completed", "dropped", "lost", "request-never-seen", "reply-never-sent",
 * "refused", "unreachable", "ttl-exceeded", "mtu", "arp-unanswered",
 * "answered-early" (stable: JSON and docs). */
const char *verdict_status_name(enum verdict_status s);
/* Exit code class: true for every status but completed. */
bool verdict_is_fault(enum verdict_status s);

struct verdict_place {
	int hop; /* path hop index; -1 = none */
	char node[TOPO_NAME_LEN];
	char netns[NS_NAME_MAX];
	char dev[OVS_NAME_LEN];
	char role[32];
	__u8 dir; /* NSTRACE_DIR_*, UNKNOWN for drops */
};

#define VERDICT_TEXT_MAX 640

/* The OVS flows a lost message met, as `ovs-appctl ofproto/trace` takes
 * them: enough to ask the node's ovs-vswitchd what its flows do to it. */
struct ovs_trace_spec {
	int node; /* index into topology nodes, -1 unknown */
	char bridge[OVS_NAME_LEN]; /* "" when no OVS bridge lies there */
	char reach[OVS_NAME_LEN]; /* the last bridge of that node it must cross; "" */
	char flow[400]; /* in_port=...,tun_id=...,dl_src=...,udp,nw_src=... */
};

struct verdict {
	enum verdict_status status;
	char subject[96]; /* what it is about: "DISCOVER xid 0x1a2b3c4d" */
	struct verdict_place where; /* the place found (LOST: last seen) */
	struct verdict_place next; /* LOST: the first probe point not reached */
	char between[320]; /* LOST: what lies between where and next */
	char command[512]; /* a command that looks inside it; "" none */
	struct ovs_trace_spec trace; /* LOST in OVS flows: what command traces */
	bool has_drop;
	__u32 drop_reason;
	__u64 drop_location;
	char reason[VERDICT_TEXT_MAX]; /* what happened, in a sentence or two */
	/* Path hops around the place, for the runbook checks. */
	size_t check_first, check_last;
};

void verdict_place_set(struct verdict_place *p, const struct port_path *path, int hop, __u8 dir);

/*
 * What lies strictly between path hops a and b (in travel order), for a
 * person: "the qbr bridge qbr1234 and its iptables security-group chains
 * on node compute1", "br-int -> br-tun flows on node compute1", "the
 * underlay between compute1 and network".  a may be -1 (before the path).
 */
void verdict_between(const struct port_path *path, int a, int b, char *buf, size_t len);

/*
 * What `ovs-appctl ofproto/trace` needs to trace the OVS flows a message
 * meets after path hop a on its way to b, with the flow as seen at that
 * hop (timeline hop h): the bridge it enters first (bridge "" when none
 * follows a) and where it enters it.
 */
void verdict_ofproto_trace(const struct port_path *path, int a, int b,
			   const struct timeline_hop *h, struct ovs_trace_spec *out);
/* The command for spec: `ovs-appctl -t <the node's ovs-vswitchd control
 * socket> ofproto/trace BRIDGE 'FLOW'`; "" when spec has no bridge. */
void ovs_trace_command(const struct topology *t, const struct ovs_trace_spec *spec, char *buf,
		       size_t len);

/*
 * The generic rule for a message that did not reach the end of journey j:
 * dropped (c->dropped) or lost between the furthest point seen and the
 * next one.  Fills status, where, next, between, command, drop and the
 * check range; reason gets a sentence the caller may extend.
 */
void verdict_from_crossing(const struct topology *t, const struct journey *j,
			   const struct crossing *c, struct verdict *v);

/* A sentence on what a kernel drop reason means, or NULL. */
const char *drop_reason_meaning(const char *reason_name);

#endif
