/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "render_parts.h"

#define PROTO_UDP 17
#define PROTO_TCP 6
#define PROTO_ICMP 1
#define PROTO_ICMP6 58
#define TCP_ACK 0x10
#define VLAN_VID(tci) ((tci) & 0xfff)
#define VLAN_PCP(tci) ((tci) >> 13)

void text_hop_label(struct sbuf *sb, const struct hop *hop, __u32 ifindex,
		    __u64 netns_cookie)
{
	if (!hop) {
		sb_word(sb, "ifindex %u netns-cookie %llu", ifindex,
			(unsigned long long)netns_cookie);
		return;
	}
	sb_word(sb, "%s/%s", hop->netns[0] ? hop->netns : "-",
		hop->dev[0] ? hop->dev : "?");
}

static void text_vlan(struct sbuf *sb, __u16 tci)
{
	sb_word(sb, "vlan %u", VLAN_VID(tci));
	if (VLAN_PCP(tci))
		sb_printf(sb, " p %u", VLAN_PCP(tci));
}

void text_outer(struct sbuf *sb, const struct pkt_carrier *c)
{
	char src[IP_STR_LEN], dst[IP_STR_LEN];
	const char *name;

	for (int i = 0; i < c->vlan_count; i++)
		text_vlan(sb, c->vlan_tci[i]);
	if (!(c->flags & NSTRACE_F_TUNNEL))
		return;
	name = tun_type_name(c->tun_type);
	if (name)
		sb_word(sb, "%s", name);
	else
		sb_word(sb, "tunnel %u", c->tun_type);
	/* tcpdump's forms: GRE "key=0x40", VXLAN/Geneve "vni 100". */
	if ((c->flags & NSTRACE_F_TUN_KEY) && c->tun_type == NSTRACE_TUN_GRE)
		sb_printf(sb, " key 0x%x", c->tun_key);
	else if (c->flags & NSTRACE_F_TUN_KEY)
		sb_printf(sb, " vni %u", c->tun_key);
	sb_printf(sb, " %s > %s", fmt_ip(src, c->tun_family, c->tun_saddr),
		  fmt_ip(dst, c->tun_family, c->tun_daddr));
}

void text_inner_vlan(struct sbuf *sb, const struct pkt_carrier *c)
{
	if (c->flags & NSTRACE_F_INNER_VLAN)
		text_vlan(sb, c->inner_vlan_tci);
}

void text_eth(struct sbuf *sb, const struct pkt_addrs *a)
{
	char src[MAC_STR_LEN], dst[MAC_STR_LEN];

	sb_word(sb, "%s > %s", fmt_mac(src, a->eth_src),
		fmt_mac(dst, a->eth_dst));
}

void text_endpoints(struct sbuf *sb, const struct pkt_addrs *a)
{
	char src[IP_STR_LEN], dst[IP_STR_LEN];

	fmt_ip(src, a->l3_family, a->saddr);
	fmt_ip(dst, a->l3_family, a->daddr);
	if (a->has_ports)
		sb_word(sb, "%s.%u > %s.%u", src, a->sport, dst, a->dport);
	else
		sb_word(sb, "%s > %s", src, dst);
}

void text_nat(struct sbuf *sb, const struct pkt_addrs *prev, const struct pkt_addrs *cur)
{
	if (pkt_addrs_same_endpoints(prev, cur))
		return;
	sb_word(sb, "nat");
	text_endpoints(sb, cur);
}

static void text_arp(struct sbuf *sb, const struct pkt_addrs *a,
		     const struct pkt_app *p)
{
	char sip[IP_STR_LEN], tip[IP_STR_LEN], mac[MAC_STR_LEN];
	const char *op = arp_op_name(p->arp_op);

	fmt_ip(sip, NSTRACE_L3_IPV4, a->saddr);
	fmt_ip(tip, NSTRACE_L3_IPV4, a->daddr);
	if (p->app != NSTRACE_APP_ARP)
		sb_word(sb, "ARP");
	else if (p->arp_op == 1)
		sb_word(sb, "ARP who-has %s tell %s", tip, sip);
	else if (p->arp_op == 2)
		sb_word(sb, "ARP reply %s is-at %s", sip,
			fmt_mac(mac, p->chaddr));
	else if (op)
		sb_word(sb, "ARP %s %s > %s", op, sip, tip);
	else
		sb_word(sb, "ARP op %u %s > %s", p->arp_op, sip, tip);
}

static void text_dhcp(struct sbuf *sb, const struct pkt_addrs *a,
		      const struct pkt_app *p)
{
	char mac[MAC_STR_LEN];
	const char *msg;

	if (p->app == NSTRACE_APP_DHCP6) {
		msg = dhcp6_msg_name(p->dhcp_msg);
		sb_word(sb, "DHCP6");
		if (msg)
			sb_word(sb, "%s", msg);
		else
			sb_word(sb, "type %u", p->dhcp_msg);
		sb_word(sb, "xid 0x%06x", p->xid);
		return;
	}
	msg = dhcp4_msg_name(p->dhcp_msg);
	if (msg)
		sb_word(sb, "DHCP %s", msg);
	else if (p->dhcp_msg)
		sb_word(sb, "DHCP type %u", p->dhcp_msg);
	else if (dhcp_op_name(p->dhcp_op))
		sb_word(sb, "BOOTP %s", dhcp_op_name(p->dhcp_op));
	else
		sb_word(sb, "BOOTP op %u", p->dhcp_op);
	sb_word(sb, "xid 0x%08x", p->xid);
	/* The client, when the frame comes from someone else (server, relay). */
	if (memcmp(p->chaddr, a->eth_src, 6))
		sb_word(sb, "chaddr %s", fmt_mac(mac, p->chaddr));
}

static void text_icmp(struct sbuf *sb, const struct pkt_addrs *a,
		      const struct pkt_app *p)
{
	const char *type = icmp_type_name(p->l3_family, p->icmp_type);
	const char *code;
	char quoted[IP_STR_LEN];
	__u32 mtu;

	sb_word(sb, "%s", p->l3_family == NSTRACE_L3_IPV6 ? "ICMP6" : "ICMP");
	if (p->app == NSTRACE_APP_ECHO) {
		sb_word(sb, "%s id %u seq %u", type ? type : "echo",
			p->icmp_id, p->icmp_seq);
	} else if (icmp_is_error(p->l3_family, p->icmp_type)) {
		/* tcpdump's form: "ICMP 10.0.0.9 unreachable - port" */
		if (p->has_quoted)
			sb_word(sb, "%s", fmt_ip(quoted, p->quoted_family,
						 p->quoted_daddr));
		sb_word(sb, "%s", type);
		code = icmp_code_name(p->l3_family, p->icmp_type, p->icmp_code);
		if (code)
			sb_printf(sb, " - %s", code);
		else if (p->icmp_code)
			sb_printf(sb, " - code %u", p->icmp_code);
		mtu = icmp_mtu(p->l3_family, p->icmp_type, p->icmp_code,
			       p->icmp_id, p->icmp_seq);
		if (mtu)
			sb_printf(sb, " (mtu %u)", mtu);
	} else {
		if (type)
			sb_word(sb, "%s", type);
		else
			sb_word(sb, "type %u", p->icmp_type);
		if (p->icmp_code)
			sb_word(sb, "code %u", p->icmp_code);
	}
	sb_word(sb, "%s %u", p->l3_family == NSTRACE_L3_IPV6 ? "hlim" : "ttl",
		a->ttl);
}

static void text_l4(struct sbuf *sb, const struct pkt_addrs *a,
		    const struct pkt_app *p)
{
	const char *name = ip_proto_name(p->l4_proto);
	char flags[TCP_FLAGS_STR_LEN];

	if (!p->l4_proto)
		return;
	if (!p->l4_decoded) {
		/* A later fragment: the L4 header is in the first one. */
		if (name)
			sb_word(sb, "proto %s", name);
		else
			sb_word(sb, "proto %u", p->l4_proto);
		return;
	}
	switch (p->l4_proto) {
	case PROTO_UDP:
		if (p->app == NSTRACE_APP_DHCP4 || p->app == NSTRACE_APP_DHCP6)
			text_dhcp(sb, a, p);
		else
			sb_word(sb, "UDP");
		return;
	case PROTO_TCP:
		sb_word(sb, "TCP [%s] seq %u", fmt_tcp_flags(flags, p->tcp_flags),
			p->tcp_seq);
		if (p->tcp_flags & TCP_ACK)
			sb_printf(sb, " ack %u", p->tcp_ack);
		return;
	case PROTO_ICMP:
	case PROTO_ICMP6:
		text_icmp(sb, a, p);
		return;
	}
	if (name)
		sb_word(sb, "proto %s", name);
	else
		sb_word(sb, "proto %u", p->l4_proto);
}

void text_packet(struct sbuf *sb, const struct pkt_addrs *a,
		 const struct pkt_app *p)
{
	const char *name;

	switch (a->l3_family) {
	case NSTRACE_L3_ARP:
		text_arp(sb, a, p);
		return;
	case NSTRACE_L3_IPV4:
	case NSTRACE_L3_IPV6:
		text_endpoints(sb, a);
		text_l4(sb, a, p);
		return;
	}
	name = ethertype_name(p->eth_proto);
	if (name)
		sb_word(sb, "ethertype %s", name);
	else
		sb_word(sb, "ethertype 0x%04x", p->eth_proto);
}

void text_flags(struct sbuf *sb, __u16 flags, __u16 frag_off)
{
	if (flags & NSTRACE_F_FRAGMENT)
		sb_word(sb, "[fragment off %u]", frag_off);
	if (flags & NSTRACE_F_UNSUPPORTED)
		sb_word(sb, "[unsupported]");
	if (flags & NSTRACE_F_TRUNCATED)
		sb_word(sb, "[truncated]");
}

void text_drop(struct sbuf *sb, const struct pkt_drop *d)
{
	const char *name = drop_reason_name(d->reason);

	sb_word(sb, "drop reason %u", d->reason);
	if (name)
		sb_printf(sb, " (%s)", name);
	sb_printf(sb, " at 0x%llx", (unsigned long long)d->location);
}

void text_usec(struct sbuf *sb, __u64 ns)
{
	sb_printf(sb, "%llu.%03llu", (unsigned long long)(ns / 1000),
		  (unsigned long long)(ns % 1000));
}

json_t *json_hex64(__u64 v)
{
	char buf[17];

	snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)v);
	return json_string(buf);
}

json_t *json_iso_time(__u64 wall_ns)
{
	time_t sec = (time_t)(wall_ns / 1000000000ull);
	char buf[64];
	struct tm tm;

	if (!gmtime_r(&sec, &tm))
		return json_null();
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec,
		 (unsigned int)(wall_ns % 1000000000ull / 1000));
	return json_string(buf);
}

static json_t *json_ip_str(__u8 family, const __u8 addr[16])
{
	char buf[IP_STR_LEN];

	return json_string(fmt_ip(buf, family, addr));
}

static json_t *json_mac_str(const __u8 mac[6])
{
	char buf[MAC_STR_LEN];

	return json_string(fmt_mac(buf, mac));
}

static void set_str(json_t *obj, const char *key, const char *s)
{
	if (s && s[0])
		json_object_set_new(obj, key, json_string(s));
}

json_t *json_hop(const struct hop *hop, __u32 hop_id, __u8 dir,
		 __u32 ifindex, __u64 netns_cookie)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(hop_id));
	if (hop) {
		json_object_set_new(o, "netns", json_string(hop->netns));
		json_object_set_new(o, "dev", json_string(hop->dev));
	}
	json_object_set_new(o, "ifindex", json_integer(ifindex));
	json_object_set_new(o, "netns_cookie",
			    json_integer((json_int_t)netns_cookie));
	json_object_set_new(o, "dir", json_string(dir_json(dir)));
	if (hop) {
		set_str(o, "node", hop->node);
		set_str(o, "role", hop->role);
	}
	return o;
}

json_t *json_flags(__u16 flags)
{
	json_t *a = json_array();

	for (int i = 0; event_flag_bits[i]; i++)
		if (flags & event_flag_bits[i])
			json_array_append_new(a, json_string(flag_name(
							 event_flag_bits[i])));
	return a;
}

static json_t *json_vlan(__u16 tci)
{
	return json_pack("{s:i,s:i}", "vid", VLAN_VID(tci), "pcp",
			 VLAN_PCP(tci));
}

void json_add_carrier(json_t *obj, const struct pkt_carrier *c)
{
	const char *name;
	json_t *t;

	if (c->vlan_count) {
		json_t *v = json_array();

		for (int i = 0; i < c->vlan_count; i++)
			json_array_append_new(v, json_vlan(c->vlan_tci[i]));
		json_object_set_new(obj, "vlan", v);
	}
	if (!(c->flags & NSTRACE_F_TUNNEL))
		return;
	t = json_object();
	name = tun_type_name(c->tun_type);
	json_object_set_new(t, "type", name ? json_string(name) :
						json_integer(c->tun_type));
	if (c->flags & NSTRACE_F_TUN_KEY)
		json_object_set_new(t, "key", json_integer(c->tun_key));
	json_object_set_new(t, "src", json_ip_str(c->tun_family, c->tun_saddr));
	json_object_set_new(t, "dst", json_ip_str(c->tun_family, c->tun_daddr));
	if (c->flags & NSTRACE_F_INNER_VLAN)
		json_object_set_new(t, "inner_vlan", json_vlan(c->inner_vlan_tci));
	json_object_set_new(obj, "tunnel", t);
}

static json_t *json_proto_name(__u8 proto)
{
	const char *name = ip_proto_name(proto);
	char buf[4];

	if (name)
		return json_string(name);
	snprintf(buf, sizeof(buf), "%u", proto);
	return json_string(buf);
}

static void add_eth(json_t *obj, const struct pkt_addrs *a,
		    const struct pkt_app *p)
{
	json_t *eth = json_object();

	/* Plain IP in GRE has no inner Ethernet header. */
	if (a->has_eth) {
		json_object_set_new(eth, "src", json_mac_str(a->eth_src));
		json_object_set_new(eth, "dst", json_mac_str(a->eth_dst));
	}
	if (p) {
		const char *name = ethertype_name(p->eth_proto);
		char hex[8];

		snprintf(hex, sizeof(hex), "0x%04x", p->eth_proto);
		json_object_set_new(eth, "proto", json_string(name ? name : hex));
	}
	if (json_object_size(eth))
		json_object_set_new(obj, "eth", eth);
	else
		json_decref(eth);
}

static void add_arp(json_t *obj, const struct pkt_addrs *a,
		    const struct pkt_app *p)
{
	json_t *arp = json_object();

	if (p && p->app == NSTRACE_APP_ARP) {
		const char *op = arp_op_name(p->arp_op);

		json_object_set_new(arp, "op", op ? json_string(op) :
						  json_integer(p->arp_op));
		json_object_set_new(arp, "sender_mac", json_mac_str(p->chaddr));
	}
	json_object_set_new(arp, "sender_ip", json_ip_str(NSTRACE_L3_IPV4, a->saddr));
	json_object_set_new(arp, "target_ip", json_ip_str(NSTRACE_L3_IPV4, a->daddr));
	json_object_set_new(obj, "arp", arp);
}

static void add_ip(json_t *obj, const struct pkt_addrs *a,
		   const struct pkt_app *p)
{
	json_t *ip = json_object();

	json_object_set_new(ip, "version", json_integer(a->l3_family));
	json_object_set_new(ip, "src", json_ip_str(a->l3_family, a->saddr));
	json_object_set_new(ip, "dst", json_ip_str(a->l3_family, a->daddr));
	json_object_set_new(ip, "ttl", json_integer(a->ttl));
	if (p) {
		if (a->l3_family == NSTRACE_L3_IPV4)
			json_object_set_new(ip, "id", json_integer(p->ip_id));
		json_object_set_new(ip, "tos", json_integer(p->tos));
		json_object_set_new(ip, "proto", json_proto_name(p->l4_proto));
		if (!p->l4_decoded && p->l4_proto)
			json_object_set_new(ip, "frag_off",
					    json_integer(p->frag_off));
	}
	json_object_set_new(obj, "ip", ip);
}

static void add_tcp_udp(json_t *obj, const struct pkt_addrs *a,
			const struct pkt_app *p)
{
	json_t *l4 = json_object();

	json_object_set_new(l4, "sport", json_integer(a->sport));
	json_object_set_new(l4, "dport", json_integer(a->dport));
	if (p && a->l4_proto == PROTO_TCP) {
		json_t *flags = json_array();

		json_object_set_new(l4, "seq", json_integer(p->tcp_seq));
		json_object_set_new(l4, "ack", json_integer(p->tcp_ack));
		for (int i = 0; i < 8; i++)
			if (p->tcp_flags & (1u << i))
				json_array_append_new(
					flags, json_string(tcp_flag_name(1u << i)));
		json_object_set_new(l4, "flags", flags);
	}
	json_object_set_new(obj, a->l4_proto == PROTO_TCP ? "tcp" : "udp", l4);
}

static void add_icmp(json_t *obj, const struct pkt_app *p)
{
	const char *type = icmp_type_name(p->l3_family, p->icmp_type);
	const char *code = icmp_code_name(p->l3_family, p->icmp_type,
					  p->icmp_code);
	__u32 mtu = icmp_mtu(p->l3_family, p->icmp_type, p->icmp_code,
			     p->icmp_id, p->icmp_seq);
	json_t *icmp = json_object();

	json_object_set_new(icmp, "type", json_integer(p->icmp_type));
	json_object_set_new(icmp, "code", json_integer(p->icmp_code));
	set_str(icmp, "name", type);
	set_str(icmp, "code_name", code);
	if (p->app == NSTRACE_APP_ECHO) {
		json_object_set_new(icmp, "id", json_integer(p->icmp_id));
		json_object_set_new(icmp, "seq", json_integer(p->icmp_seq));
	}
	if (mtu)
		json_object_set_new(icmp, "mtu", json_integer(mtu));
	if (p->app == NSTRACE_APP_ICMP_ERR) {
		json_object_set_new(icmp, "related_fp", json_hex64(p->related_fp));
		if (p->has_quoted) {
			json_t *q = json_object();

			json_object_set_new(q, "src", json_ip_str(p->quoted_family,
								  p->quoted_saddr));
			json_object_set_new(q, "dst", json_ip_str(p->quoted_family,
								  p->quoted_daddr));
			json_object_set_new(q, "proto",
					    json_proto_name(p->quoted_proto));
			json_object_set_new(icmp, "quoted", q);
		}
	}
	json_object_set_new(obj, "icmp", icmp);
}

static json_t *json_xid(__u32 xid, int digits)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%0*x", digits, xid);
	return json_string(buf);
}

static void add_dhcp(json_t *obj, const struct pkt_app *p)
{
	bool v6 = p->app == NSTRACE_APP_DHCP6;
	const char *msg = v6 ? dhcp6_msg_name(p->dhcp_msg) :
			       dhcp4_msg_name(p->dhcp_msg);
	json_t *d = json_object();

	json_object_set_new(d, "version", json_integer(v6 ? 6 : 4));
	if (!v6) {
		const char *op = dhcp_op_name(p->dhcp_op);

		json_object_set_new(d, "op", op ? json_string(op) :
						json_integer(p->dhcp_op));
	}
	json_object_set_new(d, "msg_type", json_integer(p->dhcp_msg));
	set_str(d, "msg", msg);
	json_object_set_new(d, "xid", json_xid(p->xid, v6 ? 6 : 8));
	if (!v6)
		json_object_set_new(d, "chaddr", json_mac_str(p->chaddr));
	json_object_set_new(obj, "dhcp", d);
}

void json_add_packet(json_t *obj, const struct pkt_addrs *a,
		     const struct pkt_app *p)
{
	add_eth(obj, a, p);
	if (a->l3_family == NSTRACE_L3_ARP) {
		add_arp(obj, a, p);
		return;
	}
	if (a->l3_family != NSTRACE_L3_IPV4 && a->l3_family != NSTRACE_L3_IPV6)
		return;
	add_ip(obj, a, p);
	if (a->has_ports)
		add_tcp_udp(obj, a, p);
	if (!p || !p->l4_decoded)
		return;
	if (p->l4_proto == PROTO_ICMP || p->l4_proto == PROTO_ICMP6)
		add_icmp(obj, p);
	if (p->app == NSTRACE_APP_DHCP4 || p->app == NSTRACE_APP_DHCP6)
		add_dhcp(obj, p);
}

void json_add_drop(json_t *obj, const struct pkt_drop *d)
{
	const char *name;
	char loc[24];
	json_t *o;

	if (!d->present)
		return;
	name = drop_reason_name(d->reason);
	o = json_object();
	json_object_set_new(o, "reason", json_integer(d->reason));
	set_str(o, "reason_name", name);
	snprintf(loc, sizeof(loc), "0x%llx", (unsigned long long)d->location);
	json_object_set_new(o, "location", json_string(loc));
	json_object_set_new(obj, "drop", o);
}
