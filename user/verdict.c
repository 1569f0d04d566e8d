// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Journeys, crossings and the generic "dropped / lost between" rule. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "render_parts.h"
#include "str_copy.h"
#include "verdict.h"

void hop_places_init(struct hop_places *p)
{
	for (size_t i = 0; i < NSTRACE_MAX_HOPS; i++)
		p->hop[i] = -1;
}

void hop_places_set(struct hop_places *p, __u32 hop_id, int hop)
{
	if (hop_id && hop_id < NSTRACE_MAX_HOPS)
		p->hop[hop_id] = (__s16)hop;
}

int hop_places_get(const struct hop_places *p, __u32 hop_id)
{
	return hop_id && hop_id < NSTRACE_MAX_HOPS ? p->hop[hop_id] : -1;
}

static __u8 opposite(__u8 dir)
{
	if (dir == NSTRACE_DIR_INGRESS)
		return NSTRACE_DIR_EGRESS;
	if (dir == NSTRACE_DIR_EGRESS)
		return NSTRACE_DIR_INGRESS;
	return NSTRACE_DIR_UNKNOWN;
}

int journey_plan(const struct port_path *path, bool outbound, struct journey *j)
{
	memset(j, 0, sizeof(*j));
	j->path = path;
	j->outbound = outbound;
	if (!path->n)
		return 0;
	j->pts = calloc(path->n, sizeof(*j->pts));
	if (!j->pts)
		return -ENOMEM;
	for (size_t k = 0; k < path->n; k++) {
		size_t i = outbound ? k : path->n - 1 - k;
		const struct path_hop *h = &path->hops[i];

		if (!h->attachable || h->dir_out == NSTRACE_DIR_UNKNOWN)
			continue;
		j->pts[j->n].hop = (int)i;
		j->pts[j->n].dir = outbound ? h->dir_out : opposite(h->dir_out);
		j->n++;
	}
	return 0;
}

void journey_free(struct journey *j)
{
	free(j->pts);
	j->pts = NULL;
	j->n = 0;
}

int journey_find(const struct journey *j, int hop, __u8 dir)
{
	for (size_t k = 0; k < j->n; k++)
		if (j->pts[k].hop == hop && j->pts[k].dir == dir)
			return (int)k;
	return -1;
}

int journey_pos(const struct journey *j, int hop)
{
	return j->outbound ? hop : (int)j->path->n - 1 - hop;
}

/* The kernel's catch-all reason says less than any other. */
static bool generic_reason(const char *(*drop_name)(__u32), __u32 reason)
{
	const char *name = drop_name ? drop_name(reason) : NULL;

	return name && !strcmp(name, "NOT_SPECIFIED");
}

static bool better_drop(const struct journey *j, const struct crossing *c,
			const struct timeline_hop *h, int hop, const char *(*drop_name)(__u32))
{
	bool g_new, g_old;

	if (!c->dropped)
		return true;
	g_new = generic_reason(drop_name, h->drop.reason);
	g_old = generic_reason(drop_name, c->drop_reason);
	if (g_new != g_old)
		return g_old;
	if (journey_pos(j, hop) != journey_pos(j, c->drop_hop))
		return journey_pos(j, hop) > journey_pos(j, c->drop_hop);
	return h->ts_ns > c->drop_ts;
}

/*
 * A device whose packets go into its namespace's own IP stack, not a
 * bridge or OVS port: at a port, the stack may drop a copy of a frame the
 * bridge (or OVS's packet socket) took on anyway; here, a drop after the
 * packet was seen is the packet's end (a router namespace that does not
 * forward, a rule in its FORWARD chain).
 */
static bool stack_endpoint(const struct port_path *path, int hop)
{
	switch (path->hops[hop].role) {
	case ROLE_VM:
	case ROLE_DHCP_TAP:
	case ROLE_QR:
	case ROLE_QG:
	case ROLE_HA:
	case ROLE_SG:
	case ROLE_FG:
	case ROLE_RFP:
	case ROLE_FPR:
		return true;
	default:
		return false;
	}
}

/* Is a drop at path hop `hop` (at time ts) where the message stopped? */
static bool drop_in_range(const struct journey *j, const struct crossing *c, int hop,
			  __u64 ts)
{
	int pos = journey_pos(j, hop);
	int a = c->furthest >= 0 ? journey_pos(j, j->pts[c->furthest].hop) : -1;

	if (c->reached_end)
		return pos >= a;
	if (pos == a)
		return ts > c->furthest_ts && stack_endpoint(j->path, hop);
	/* After the last point seen, up to and including the first point
	 * not reached. */
	return pos > a && pos <= journey_pos(j, j->pts[c->furthest + 1].hop);
}

void crossing_eval(const struct journey *j, const struct timeline *t,
		   const struct hop_places *places, const char *(*drop_name)(__u32),
		   struct crossing *c)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->furthest = -1;
	c->furthest_idx = -1;
	c->drop_hop = -1;
	for (__u32 i = 0; i < t->n_hops; i++) {
		const struct timeline_hop *h = &t->hops[i];
		int hop = hop_places_get(places, h->hop_id);
		int k;

		if (!c->first_ts)
			c->first_ts = h->ts_ns;
		if (h->kind != NSTRACE_EV_PACKET || hop < 0)
			continue;
		k = journey_find(j, hop, h->dir);
		if (k < 0)
			continue;
		c->n_seen++;
		if (k > c->furthest) {
			c->furthest = k;
			c->furthest_idx = (int)i;
			c->furthest_ts = h->ts_ns;
		}
	}
	c->reached_end = j->n && c->furthest == (int)j->n - 1;
	if (!j->n)
		return;
	for (__u32 i = 0; i < t->n_hops; i++) {
		const struct timeline_hop *h = &t->hops[i];
		int hop = hop_places_get(places, h->hop_id);

		if (h->kind != NSTRACE_EV_DROP || hop < 0 || !drop_in_range(j, c, hop, h->ts_ns))
			continue;
		if (!better_drop(j, c, h, hop, drop_name))
			continue;
		c->dropped = true;
		c->drop_hop = hop;
		c->drop_hop_id = h->hop_id;
		c->drop_reason = h->drop.reason;
		c->drop_location = h->drop.location;
		c->drop_ts = h->ts_ns;
	}
}

const char *verdict_status_name(enum verdict_status s)
{
	switch (s) {
	case VERDICT_COMPLETED:
		return "completed";
	case VERDICT_DROPPED:
		return "dropped";
	case VERDICT_LOST:
		return "lost";
	case VERDICT_NOT_SEEN:
		return "request-never-seen";
	case VERDICT_NO_REPLY:
		return "reply-never-sent";
	case VERDICT_REFUSED:
		return "refused";
	case VERDICT_UNREACHABLE:
		return "unreachable";
	case VERDICT_TTL_EXCEEDED:
		return "ttl-exceeded";
	case VERDICT_MTU:
		return "mtu";
	case VERDICT_ARP_UNANSWERED:
		return "arp-unanswered";
	case VERDICT_ANSWERED_EARLY:
		return "answered-early";
	}
	return "unknown";
}

bool verdict_is_fault(enum verdict_status s)
{
	return s != VERDICT_COMPLETED;
}

void verdict_place_set(struct verdict_place *p, const struct port_path *path, int hop, __u8 dir)
{
	const struct path_hop *h;

	memset(p, 0, sizeof(*p));
	p->hop = -1;
	if (hop < 0 || (size_t)hop >= path->n)
		return;
	h = &path->hops[hop];
	p->hop = hop;
	p->dir = dir;
	STR_COPY(p->node, h->node_name);
	STR_COPY(p->netns, h->netns);
	STR_COPY(p->dev, h->dev);
	STR_COPY(p->role, role_name(h->role));
}

static bool is_ovs_role(enum dev_role r)
{
	return r == ROLE_BR_INT || r == ROLE_BR_TUN || r == ROLE_BR_EX || r == ROLE_PATCH ||
	       r == ROLE_TUNNEL || r == ROLE_OVS_BRIDGE;
}

static bool is_bridge_role(enum dev_role r)
{
	return r == ROLE_BR_INT || r == ROLE_BR_TUN || r == ROLE_BR_EX || r == ROLE_OVS_BRIDGE;
}

/* A node's name, or its namespace's when no node claims the hop. */
static const char *hop_site(const struct path_hop *h)
{
	return h->node >= 0 ? h->node_name : h->netns;
}

/* "br-int -> br-tun flows on node X" for the OVS hops from..to. */
static void describe_ovs(struct sbuf *sb, const struct port_path *path, const int *idx, size_t n)
{
	const char *last = NULL;

	for (size_t k = 0; k < n; k++) {
		const struct path_hop *h = &path->hops[idx[k]];

		if (!is_bridge_role(h->role) || (last && !strcmp(last, h->dev)))
			continue;
		sb_printf(sb, "%s%s", last ? " -> " : "", h->dev);
		last = h->dev;
	}
	if (!last)
		sb_printf(sb, "OVS");
	sb_printf(sb, " flows on node %s", hop_site(&path->hops[idx[0]]));
}

void verdict_between(const struct port_path *path, int a, int b, char *buf, size_t len)
{
	struct sbuf sb;
	int step = b >= a ? 1 : -1;
	int idx[64];
	size_t n = 0;
	bool first = true;

	sb_init(&sb, buf, len);
	if (a < 0 || b < 0 || (size_t)a >= path->n || (size_t)b >= path->n)
		return;
	for (int i = a + step; i != b; i += step) {
		const struct path_hop *h = &path->hops[i];
		bool ovs = is_ovs_role(h->role);

		/* A run of OVS hops on one node is one "flows" segment. */
		if (ovs && n < 64 && (!n || path->hops[idx[0]].node == h->node)) {
			idx[n++] = i;
			continue;
		}
		if (n) {
			sb_printf(&sb, "%s", first ? "" : ", then ");
			describe_ovs(&sb, path, idx, n);
			first = false;
			n = 0;
			if (ovs) {
				idx[n++] = i;
				continue;
			}
		}
		sb_printf(&sb, "%s", first ? "" : ", then ");
		first = false;
		if (h->role == ROLE_QBR)
			sb_printf(&sb, "the qbr bridge %s and its iptables security-group "
				  "chains on node %s", h->dev, hop_site(h));
		else if (!h->dev[0])
			sb_printf(&sb, "the %s device (missing) on %s", role_name(h->role),
				  hop_site(h));
		else
			sb_printf(&sb, "%s (%s) on %s", h->dev, role_name(h->role), hop_site(h));
	}
	if (n) {
		sb_printf(&sb, "%s", first ? "" : ", then ");
		describe_ovs(&sb, path, idx, n);
		first = false;
	}
	if (!first)
		return;
	/* Nothing planned between them: a wire of some sort. */
	{
		const struct path_hop *ha = &path->hops[a], *hb = &path->hops[b];

		if (ha->role == ROLE_UNDERLAY && hb->role == ROLE_UNDERLAY)
			sb_printf(&sb, "the underlay between %s (%s) and %s (%s)", hop_site(ha),
				  ha->dev, hop_site(hb), hb->dev);
		else
			sb_printf(&sb, "the link from %s (%s) to %s (%s)", ha->dev, hop_site(ha),
				  hb->dev[0] ? hb->dev : "a missing device", hop_site(hb));
	}
}

/* "dl_src=..,dl_dst=..,udp,nw_src=..,..." from the addresses at a hop. */
static void ovs_flow(struct sbuf *sb, const struct timeline_hop *h)
{
	const struct pkt_addrs *a = &h->addrs;
	char s[IP_STR_LEN], d[IP_STR_LEN], m[MAC_STR_LEN];

	if (a->has_eth) {
		sb_printf(sb, ",dl_src=%s", fmt_mac(m, a->eth_src));
		sb_printf(sb, ",dl_dst=%s", fmt_mac(m, a->eth_dst));
	}
	if (a->l3_family == NSTRACE_L3_IPV4) {
		const char *proto = a->l4_proto == 17 ? "udp" :
				    a->l4_proto == 6  ? "tcp" :
				    a->l4_proto == 1  ? "icmp" :
							"ip";

		sb_printf(sb, ",%s,nw_src=%s,nw_dst=%s", proto, fmt_ip(s, NSTRACE_L3_IPV4, a->saddr),
			  fmt_ip(d, NSTRACE_L3_IPV4, a->daddr));
		/* ofproto/trace wants the protocol's own port fields. */
		if (a->has_ports && (a->l4_proto == 17 || a->l4_proto == 6))
			sb_printf(sb, ",%s_src=%u,%s_dst=%u", proto, a->sport, proto, a->dport);
	} else if (a->l3_family == NSTRACE_L3_ARP) {
		sb_printf(sb, ",arp");
	}
}

void verdict_ofproto_trace(const struct port_path *path, int a, int b,
			   const struct timeline_hop *h, struct ovs_trace_spec *out)
{
	int step = b >= a ? 1 : -1, bridge = -1, tunnel = -1;
	const struct path_hop *in;
	struct sbuf sb;

	memset(out, 0, sizeof(*out));
	out->node = -1;
	if (a < 0 || b < 0 || (size_t)a >= path->n || (size_t)b >= path->n)
		return;
	for (int i = a + step; i != b && bridge < 0; i += step) {
		if (path->hops[i].role == ROLE_TUNNEL && tunnel < 0)
			tunnel = i;
		if (is_bridge_role(path->hops[i].role))
			bridge = i;
	}
	if (bridge < 0)
		return;
	/* The packet enters the bridge from a tunnel port, or from hop a
	 * itself (qvo, the DHCP port, qr-: OVS ports with a kernel device). */
	in = &path->hops[tunnel >= 0 ? tunnel : a];
	out->node = in->node;
	STR_COPY(out->bridge, path->hops[bridge].dev);
	/* The bridges it crosses on that node: patch ports join them. */
	for (int i = bridge + step; i != b && path->hops[i].node == path->hops[bridge].node;
	     i += step)
		if (is_bridge_role(path->hops[i].role))
			STR_COPY(out->reach, path->hops[i].dev);
	sb_init(&sb, out->flow, sizeof(out->flow));
	sb_printf(&sb, "in_port=%s", in->dev);
	if (tunnel >= 0 && in->has_key)
		sb_printf(&sb, ",tun_id=0x%x", in->tun_key);
	if (tunnel >= 0 && in->tun_remote[0] && in->tun_local[0])
		sb_printf(&sb, ",tun_src=%s,tun_dst=%s", in->tun_remote, in->tun_local);
	if (h)
		ovs_flow(&sb, h);
}

void ovs_trace_command(const struct topology *t, const struct ovs_trace_spec *spec, char *buf,
		       size_t len)
{
	const struct topo_node *n =
		t && spec->node >= 0 && (size_t)spec->node < t->n_nodes ? &t->nodes[spec->node] : NULL;
	struct sbuf sb;

	sb_init(&sb, buf, len);
	if (!spec->bridge[0])
		return;
	sb_printf(&sb, "ovs-appctl ");
	if (n && n->vswitchd_ctl[0])
		sb_printf(&sb, "-t %s ", n->vswitchd_ctl);
	sb_printf(&sb, "ofproto/trace %s '%s'", spec->bridge, spec->flow);
}

/* " in namespace NS (node N)", the node left out when named alike. */
static void place_words(struct sbuf *sb, const struct verdict_place *p)
{
	sb_printf(sb, " in namespace %s", p->netns[0] ? p->netns : "-");
	if (p->node[0] && strcmp(p->node, p->netns) && strcmp(p->node, "-"))
		sb_printf(sb, " (node %s)", p->node);
}

/* The VM's side of a hybrid plug: tap, qbr, qvb (the iptables bridge). */
static bool is_port_side(const struct port_path *path, int hop)
{
	enum dev_role r = hop >= 0 && (size_t)hop < path->n ? path->hops[hop].role : ROLE_UNKNOWN;

	return r == ROLE_TAP || r == ROLE_QBR || r == ROLE_QVB;
}

static void check_range(struct verdict *v, int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	v->check_first = lo < 0 ? 0 : (size_t)lo;
	v->check_last = hi < 0 ? 0 : (size_t)hi;
}

/* The hop is in a qdhcp-, qrouter-, snat- or fip- namespace, whose filter
 * table the commands watch (user/filter_drops.h). */
static bool in_agent_ns(const struct topology *t, const struct port_path *path, int hop)
{
	int ns = hop >= 0 ? path->hops[hop].ns : -1;

	return t && ns >= 0 && (size_t)ns < t->n_ns && t->ns[ns].kind != NSK_OTHER;
}

void verdict_from_crossing(const struct topology *t, const struct journey *j,
			   const struct crossing *c, struct verdict *v)
{
	const struct port_path *path = j->path;
	int a = c->furthest >= 0 ? j->pts[c->furthest].hop : -1;
	struct sbuf sb;

	sb_init(&sb, v->reason, sizeof(v->reason));
	if (c->dropped) {
		const char *name = drop_reason_name(c->drop_reason);
		const char *meaning = name ? drop_reason_meaning(name) : NULL;

		v->status = VERDICT_DROPPED;
		verdict_place_set(&v->where, path, c->drop_hop, NSTRACE_DIR_UNKNOWN);
		v->has_drop = true;
		v->drop_reason = c->drop_reason;
		v->drop_location = c->drop_location;
		sb_printf(&sb, "the kernel dropped it at %s", v->where.dev);
		place_words(&sb, &v->where);
		sb_printf(&sb, ", reason %s", name ? name : "unknown");
		if (name && !strcmp(name, "NETFILTER_DROP") && is_port_side(path, c->drop_hop))
			sb_printf(&sb, ": iptables on the port's qbr bridge dropped it (its "
				       "security group, or the FORWARD chain that should hand it "
				       "there); see the sg-counters and sg-hooks checks");
		else if (name && !strcmp(name, "NETFILTER_DROP"))
			sb_printf(&sb, ": an iptables (or nftables) rule in %s dropped it%s",
				  v->where.netns,
				  in_agent_ns(t, path, c->drop_hop) ? "; see the filter-drops check" :
								      "");
		else if (meaning)
			sb_printf(&sb, " (%s)", meaning);
		check_range(v, a, c->drop_hop);
		return;
	}
	if (c->furthest < 0 || (size_t)c->furthest + 1 >= j->n) {
		/* Nothing of the journey seen: the sender's side. */
		v->status = VERDICT_NOT_SEEN;
		if (j->n)
			verdict_place_set(&v->where, path, j->pts[0].hop, j->pts[0].dir);
		sb_printf(&sb, "it was never seen at the first probe point");
		check_range(v, j->n ? j->pts[0].hop : 0, j->n ? j->pts[0].hop : 0);
		return;
	}
	v->status = VERDICT_LOST;
	verdict_place_set(&v->where, path, a, j->pts[c->furthest].dir);
	verdict_place_set(&v->next, path, j->pts[c->furthest + 1].hop,
			  j->pts[c->furthest + 1].dir);
	verdict_between(path, a, v->next.hop, v->between, sizeof(v->between));
	verdict_ofproto_trace(path, a, v->next.hop,
			      c->furthest_idx >= 0 ? &c->t->hops[c->furthest_idx] : NULL, &v->trace);
	ovs_trace_command(t, &v->trace, v->command, sizeof(v->command));
	sb_printf(&sb, "last seen at %s (%s, %s), never at %s (%s, %s): lost in %s",
		  v->where.dev, dir_json(v->where.dir), v->where.node, v->next.dev,
		  dir_json(v->next.dir), v->next.node, v->between);
	check_range(v, a, v->next.hop);
}

const char *drop_reason_meaning(const char *name)
{
	static const struct {
		const char *name;
		const char *meaning;
	} table[] = {
		{ "NETFILTER_DROP", "an iptables/nftables rule dropped it" },
		{ "NO_SOCKET", "nothing listens on its port there" },
		{ "DEV_READY", "the device is down" },
		{ "DEV_HDR", "the device could not take its header" },
		{ "IP_NOPROTO", "no handler for its IP protocol" },
		{ "OTHERHOST", "addressed to another host's MAC" },
		{ "IP_INADDRERRORS",
		  "not addressed to this host, which does not forward it: IPv4 forwarding off?" },
		{ "IP_OUTNOROUTES", "no route to its destination" },
		{ "IP_INNOROUTES", "no route to its destination" },
		{ "IP_RPFILTER", "reverse-path filter: its source is not routed back by that device" },
		{ "NEIGH_FAILED", "the next hop's address never resolved (ARP)" },
		{ "NEIGH_QUEUEFULL", "too many packets waiting for ARP" },
		{ "TC_INGRESS", "a tc ingress filter dropped it" },
		{ "TC_EGRESS", "a tc egress filter dropped it" },
		{ "QDISC_DROP", "the device's queue was full" },
		{ "PKT_TOO_BIG", "larger than the MTU" },
		{ "VLAN_FILTER", "its VLAN is not allowed on the port" },
		{ "BRIDGE_INGRESS_STP_STATE", "the bridge port is not forwarding (STP)" },
		{ "NOT_SPECIFIED", "the kernel gave no specific reason; see the location" },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, name))
			return table[i].meaning;
	return NULL;
}
