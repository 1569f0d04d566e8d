/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <stdbool.h>
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
	sb_space(sb);
	sb_put_visible(sb, hop->netns[0] ? hop->netns : "-");
	sb_putc(sb, '/');
	sb_put_visible(sb, hop->dev[0] ? hop->dev : "?");
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

void json_hex64(struct jw *w, const char *key, __u64 v)
{
	jw_stringf(w, key, "%016llx", (unsigned long long)v);
}

/* "YYYY-MM-DDTHH:MM:SS" of the last second asked for: events come in time
 * order, and gmtime_r() for each of them is a good part of a line. */
static bool utc_second(time_t sec, char out[20])
{
	static char cached[20];
	static time_t cached_sec = -1;
	struct tm tm;
	struct sbuf sb;

	if (sec != cached_sec) {
		if (!gmtime_r(&sec, &tm))
			return false;
		sb_init(&sb, cached, sizeof(cached));
		sb_printf(&sb, "%04u-%02u-%02uT%02u:%02u:%02u",
			  (unsigned int)(tm.tm_year + 1900), (unsigned int)tm.tm_mon + 1,
			  (unsigned int)tm.tm_mday, (unsigned int)tm.tm_hour,
			  (unsigned int)tm.tm_min, (unsigned int)tm.tm_sec);
		cached_sec = sec;
	}
	memcpy(out, cached, sizeof(cached));
	return true;
}

void json_iso_time(struct jw *w, const char *key, __u64 wall_ns)
{
	char day[20];

	if (!utc_second((time_t)(wall_ns / 1000000000ull), day)) {
		jw_null(w, key);
		return;
	}
	jw_stringf(w, key, "%s.%06uZ", day, (unsigned int)(wall_ns % 1000000000ull / 1000));
}

static void json_ip_str(struct jw *w, const char *key, __u8 family,
			const __u8 addr[16])
{
	char buf[IP_STR_LEN];

	jw_string(w, key, fmt_ip(buf, family, addr));
}

static void json_mac_str(struct jw *w, const char *key, const __u8 mac[6])
{
	char buf[MAC_STR_LEN];

	jw_string(w, key, fmt_mac(buf, mac));
}

static void set_str(struct jw *w, const char *key, const char *s)
{
	if (s && s[0])
		jw_string(w, key, s);
}

void json_hop(struct jw *w, const char *key, const struct hop *hop,
	      __u32 hop_id, __u8 dir, __u32 ifindex, __u64 netns_cookie)
{
	jw_object(w, key);
	jw_int(w, "id", hop_id);
	if (hop) {
		jw_string(w, "netns", hop->netns);
		jw_string(w, "dev", hop->dev);
	}
	jw_int(w, "ifindex", ifindex);
	jw_int(w, "netns_cookie", (long long)netns_cookie);
	jw_string(w, "dir", dir_json(dir));
	if (hop) {
		set_str(w, "node", hop->node);
		set_str(w, "role", hop->role);
	}
	jw_end(w);
}

void json_flags(struct jw *w, const char *key, __u16 flags)
{
	jw_array(w, key);
	for (int i = 0; event_flag_bits[i]; i++)
		if (flags & event_flag_bits[i])
			jw_string(w, NULL, flag_name(event_flag_bits[i]));
	jw_end(w);
}

static void json_vlan(struct jw *w, const char *key, __u16 tci)
{
	jw_object(w, key);
	jw_int(w, "vid", VLAN_VID(tci));
	jw_int(w, "pcp", VLAN_PCP(tci));
	jw_end(w);
}

void json_carrier(struct jw *w, const struct pkt_carrier *c)
{
	const char *name;

	if (c->vlan_count) {
		jw_array(w, "vlan");
		for (int i = 0; i < c->vlan_count; i++)
			json_vlan(w, NULL, c->vlan_tci[i]);
		jw_end(w);
	}
	if (!(c->flags & NSTRACE_F_TUNNEL))
		return;
	jw_object(w, "tunnel");
	name = tun_type_name(c->tun_type);
	if (name)
		jw_string(w, "type", name);
	else
		jw_int(w, "type", c->tun_type);
	if (c->flags & NSTRACE_F_TUN_KEY)
		jw_int(w, "key", c->tun_key);
	json_ip_str(w, "src", c->tun_family, c->tun_saddr);
	json_ip_str(w, "dst", c->tun_family, c->tun_daddr);
	if (c->flags & NSTRACE_F_INNER_VLAN)
		json_vlan(w, "inner_vlan", c->inner_vlan_tci);
	jw_end(w);
}

static void json_proto_name(struct jw *w, const char *key, __u8 proto)
{
	const char *name = ip_proto_name(proto);

	if (name)
		jw_string(w, key, name);
	else
		jw_stringf(w, key, "%u", proto);
}

static void add_eth(struct jw *w, const struct pkt_addrs *a,
		    const struct pkt_app *p)
{
	/* Plain IP in GRE has no inner Ethernet header: then only the
	 * protocol, and without it no "eth" at all. */
	if (!a->has_eth && !p)
		return;
	jw_object(w, "eth");
	if (a->has_eth) {
		json_mac_str(w, "src", a->eth_src);
		json_mac_str(w, "dst", a->eth_dst);
	}
	if (p) {
		const char *name = ethertype_name(p->eth_proto);

		if (name)
			jw_string(w, "proto", name);
		else
			jw_stringf(w, "proto", "0x%04x", p->eth_proto);
	}
	jw_end(w);
}

static void add_arp(struct jw *w, const struct pkt_addrs *a,
		    const struct pkt_app *p)
{
	jw_object(w, "arp");
	if (p && p->app == NSTRACE_APP_ARP) {
		const char *op = arp_op_name(p->arp_op);

		if (op)
			jw_string(w, "op", op);
		else
			jw_int(w, "op", p->arp_op);
		json_mac_str(w, "sender_mac", p->chaddr);
	}
	json_ip_str(w, "sender_ip", NSTRACE_L3_IPV4, a->saddr);
	json_ip_str(w, "target_ip", NSTRACE_L3_IPV4, a->daddr);
	jw_end(w);
}

static void add_ip(struct jw *w, const struct pkt_addrs *a,
		   const struct pkt_app *p)
{
	jw_object(w, "ip");
	jw_int(w, "version", a->l3_family);
	json_ip_str(w, "src", a->l3_family, a->saddr);
	json_ip_str(w, "dst", a->l3_family, a->daddr);
	jw_int(w, "ttl", a->ttl);
	if (p) {
		if (a->l3_family == NSTRACE_L3_IPV4)
			jw_int(w, "id", p->ip_id);
		jw_int(w, "tos", p->tos);
		json_proto_name(w, "proto", p->l4_proto);
		if (!p->l4_decoded && p->l4_proto)
			jw_int(w, "frag_off", p->frag_off);
	}
	jw_end(w);
}

static void add_tcp_udp(struct jw *w, const struct pkt_addrs *a,
			const struct pkt_app *p)
{
	jw_object(w, a->l4_proto == PROTO_TCP ? "tcp" : "udp");
	jw_int(w, "sport", a->sport);
	jw_int(w, "dport", a->dport);
	if (p && a->l4_proto == PROTO_TCP) {
		jw_int(w, "seq", p->tcp_seq);
		jw_int(w, "ack", p->tcp_ack);
		jw_array(w, "flags");
		for (int i = 0; i < 8; i++)
			if (p->tcp_flags & (1u << i))
				jw_string(w, NULL, tcp_flag_name(1u << i));
		jw_end(w);
	}
	jw_end(w);
}

static void add_icmp(struct jw *w, const struct pkt_app *p)
{
	const char *type = icmp_type_name(p->l3_family, p->icmp_type);
	const char *code = icmp_code_name(p->l3_family, p->icmp_type,
					  p->icmp_code);
	__u32 mtu = icmp_mtu(p->l3_family, p->icmp_type, p->icmp_code,
			     p->icmp_id, p->icmp_seq);

	jw_object(w, "icmp");
	jw_int(w, "type", p->icmp_type);
	jw_int(w, "code", p->icmp_code);
	set_str(w, "name", type);
	set_str(w, "code_name", code);
	if (p->app == NSTRACE_APP_ECHO) {
		jw_int(w, "id", p->icmp_id);
		jw_int(w, "seq", p->icmp_seq);
	}
	if (mtu)
		jw_int(w, "mtu", mtu);
	if (p->app == NSTRACE_APP_ICMP_ERR) {
		json_hex64(w, "related_fp", p->related_fp);
		if (p->has_quoted) {
			jw_object(w, "quoted");
			json_ip_str(w, "src", p->quoted_family, p->quoted_saddr);
			json_ip_str(w, "dst", p->quoted_family, p->quoted_daddr);
			json_proto_name(w, "proto", p->quoted_proto);
			jw_end(w);
		}
	}
	jw_end(w);
}

static void add_dhcp(struct jw *w, const struct pkt_app *p)
{
	bool v6 = p->app == NSTRACE_APP_DHCP6;
	const char *msg = v6 ? dhcp6_msg_name(p->dhcp_msg) :
			       dhcp4_msg_name(p->dhcp_msg);

	jw_object(w, "dhcp");
	jw_int(w, "version", v6 ? 6 : 4);
	if (!v6) {
		const char *op = dhcp_op_name(p->dhcp_op);

		if (op)
			jw_string(w, "op", op);
		else
			jw_int(w, "op", p->dhcp_op);
	}
	jw_int(w, "msg_type", p->dhcp_msg);
	set_str(w, "msg", msg);
	if (v6)
		jw_stringf(w, "xid", "0x%06x", p->xid);
	else
		jw_stringf(w, "xid", "0x%08x", p->xid);
	if (!v6)
		json_mac_str(w, "chaddr", p->chaddr);
	jw_end(w);
}

void json_packet(struct jw *w, const struct pkt_addrs *a,
		 const struct pkt_app *p)
{
	add_eth(w, a, p);
	if (a->l3_family == NSTRACE_L3_ARP) {
		add_arp(w, a, p);
		return;
	}
	if (a->l3_family != NSTRACE_L3_IPV4 && a->l3_family != NSTRACE_L3_IPV6)
		return;
	add_ip(w, a, p);
	if (a->has_ports)
		add_tcp_udp(w, a, p);
	if (!p || !p->l4_decoded)
		return;
	if (p->l4_proto == PROTO_ICMP || p->l4_proto == PROTO_ICMP6)
		add_icmp(w, p);
	if (p->app == NSTRACE_APP_DHCP4 || p->app == NSTRACE_APP_DHCP6)
		add_dhcp(w, p);
}

void json_drop(struct jw *w, const struct pkt_drop *d)
{
	if (!d->present)
		return;
	jw_object(w, "drop");
	jw_int(w, "reason", d->reason);
	set_str(w, "reason_name", drop_reason_name(d->reason));
	jw_stringf(w, "location", "0x%llx", (unsigned long long)d->location);
	jw_end(w);
}
