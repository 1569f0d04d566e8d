/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_fixtures.h"

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "event_fixtures: bad %s '%s'\n", what, text);
	abort();
}

void fx_event(struct nstrace_event *e, __u64 fp, __u32 hop_id, __u8 dir,
	      __u64 ts_ns)
{
	memset(e, 0, sizeof(*e));
	e->version = NSTRACE_EVENT_VERSION;
	e->kind = NSTRACE_EV_PACKET;
	e->fingerprint = fp;
	e->hop_id = hop_id;
	e->dir = dir;
	e->ts_ns = ts_ns;
	e->ifindex = hop_id + 100;
	e->netns_cookie = 4096;
	e->pkt_len = 342;
}

void fx_mac(__u8 mac[6], const char *text)
{
	unsigned int b[6];

	if (sscanf(text, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5]) != 6)
		fail("MAC", text);
	for (int i = 0; i < 6; i++)
		mac[i] = (__u8)b[i];
}

void fx_eth(struct nstrace_event *e, const char *src, const char *dst,
	    __u16 proto)
{
	fx_mac(e->eth_src, src);
	fx_mac(e->eth_dst, dst);
	e->eth_proto = proto;
}

void fx_vlan(struct nstrace_event *e, __u16 vid)
{
	if (e->vlan_count >= 2)
		fail("VLAN count", "3");
	e->vlan_tci[e->vlan_count++] = vid;
}

static __u8 parse_ip(__u8 out[16], const char *text)
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, text, out) == 1)
		return NSTRACE_L3_IPV4;
	if (inet_pton(AF_INET6, text, out) == 1)
		return NSTRACE_L3_IPV6;
	fail("IP", text);
	return 0;
}

void fx_ip(struct nstrace_event *e, const char *src, const char *dst,
	   __u8 proto, __u8 ttl)
{
	e->l3_family = parse_ip(e->saddr, src);
	if (parse_ip(e->daddr, dst) != e->l3_family)
		fail("IP family of", dst);
	e->eth_proto = e->l3_family == NSTRACE_L3_IPV6 ? 0x86dd : 0x0800;
	e->l4_proto = proto;
	e->ttl = ttl;
}

void fx_ports(struct nstrace_event *e, __u16 sport, __u16 dport)
{
	e->sport = sport;
	e->dport = dport;
}

void fx_dhcp4(struct nstrace_event *e, __u8 op, __u8 msg, __u32 xid,
	      const char *chaddr)
{
	e->app = NSTRACE_APP_DHCP4;
	e->dhcp_op = op;
	e->dhcp_msg = msg;
	e->xid = xid;
	fx_mac(e->chaddr, chaddr);
}

void fx_dhcp6(struct nstrace_event *e, __u8 msg, __u32 xid)
{
	e->app = NSTRACE_APP_DHCP6;
	e->dhcp_msg = msg;
	e->xid = xid;
}

void fx_echo(struct nstrace_event *e, __u8 type, __u16 id, __u16 seq)
{
	e->app = NSTRACE_APP_ECHO;
	e->icmp_type = type;
	e->icmp_id = id;
	e->icmp_seq = seq;
}

void fx_arp(struct nstrace_event *e, __u16 op, const char *sender_mac,
	    const char *sender_ip, const char *target_ip)
{
	e->eth_proto = 0x0806;
	e->l3_family = NSTRACE_L3_ARP;
	e->app = NSTRACE_APP_ARP;
	e->arp_op = op;
	fx_mac(e->chaddr, sender_mac);
	if (parse_ip(e->saddr, sender_ip) != NSTRACE_L3_IPV4 ||
	    parse_ip(e->daddr, target_ip) != NSTRACE_L3_IPV4)
		fail("ARP address", sender_ip);
}

void fx_tunnel(struct nstrace_event *e, __u8 tun_type, __u32 key,
	       const char *outer_src, const char *outer_dst)
{
	e->flags |= NSTRACE_F_TUNNEL | NSTRACE_F_TUN_KEY;
	e->tun_type = tun_type;
	e->tun_key = key;
	e->tun_family = parse_ip(e->tun_saddr, outer_src);
	if (parse_ip(e->tun_daddr, outer_dst) != e->tun_family)
		fail("outer IP family of", outer_dst);
}
