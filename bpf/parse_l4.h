/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* UDP, TCP, ICMP and ICMPv6, and the protocol class the filter sees. */
#ifndef NSTRACE_PARSE_L4_H
#define NSTRACE_PARSE_L4_H

#include "pkt.h"
#include "parse_dhcp.h"

#define VXLAN_PORT 4789
#define GENEVE_PORT 6081

#define ICMP_ECHOREPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define ICMPV6_DEST_UNREACH 1
#define ICMPV6_PKT_TOOBIG 2
#define ICMPV6_TIME_EXCEED 3
#define ICMPV6_PARAMPROB 4
#define ICMPV6_ECHO_REQUEST 128
#define ICMPV6_ECHO_REPLY 129

#define ICMP_HDR_LEN 8
#define UDP_HDR_LEN 8
#define UDP_PAYLOAD_FP_LEN 8

/* What parse_l4() found at the outer level: a tunnel to enter, or not. */
#define L4_DONE 0
#define L4_GRE NSTRACE_TUN_GRE
#define L4_VXLAN NSTRACE_TUN_VXLAN
#define L4_GENEVE NSTRACE_TUN_GENEVE

struct udp_buf {
	__be16 source;
	__be16 dest;
	__be16 len;
	__be16 check;
} __attribute__((aligned(8)));

static __always_inline int parse_udp(PKT_CTX *skb, struct decode *d,
				     __u32 *offp, int inner)
{
	__u32 off = *offp;
	const struct udp_buf *udp;
	struct udp_buf copy;
	__u32 ulen, end;
	__u16 dport;

	udp = pkt_header(skb, off, &copy, UDP_HDR_LEN);
	if (!udp)
		return truncated(d);
	d->ev.sport = bpf_ntohs(udp->source);
	dport = d->ev.dport = bpf_ntohs(udp->dest);
	ulen = bpf_ntohs(udp->len);
	if (ulen < UDP_HDR_LEN) {
		d->ev.flags |= NSTRACE_F_UNSUPPORTED;
		d->proto_class = NSTRACE_P_UDP;
		return -1;
	}
	d->udp_len = ulen;
	end = off + ulen;
	/* A first fragment holds only part of the datagram. */
	if (end > d->pkt_len && !(d->ev.flags & NSTRACE_F_FRAGMENT))
		d->ev.flags |= NSTRACE_F_TRUNCATED;
	if (end < d->l3_end)
		d->l3_end = end;
	off += UDP_HDR_LEN;
	*offp = off;

	if (!inner && dport == VXLAN_PORT)
		return L4_VXLAN;
	if (!inner && dport == GENEVE_PORT)
		return L4_GENEVE;
	if (d->ev.l3_family == NSTRACE_L3_IPV4 &&
	    (dport == DHCP4_SERVER_PORT || dport == DHCP4_CLIENT_PORT)) {
		d->proto_class = NSTRACE_P_DHCP;
		return parse_dhcp4(skb, d, off) < 0 ? -1 : L4_DONE;
	}
	if (d->ev.l3_family == NSTRACE_L3_IPV6 &&
	    (dport == DHCP6_SERVER_PORT || dport == DHCP6_CLIENT_PORT)) {
		d->proto_class = NSTRACE_P_DHCP;
		return parse_dhcp6(skb, d, off) < 0 ? -1 : L4_DONE;
	}
	d->proto_class = NSTRACE_P_UDP;
	d->fp = FP_UDP;
	d->defer |= DEFER_UDP_PAYLOAD;
	d->defer_off = off;
	return L4_DONE;
}

/*
 * UDP destination ports at which the decode goes on past the UDP header:
 * DHCPv4 (its BOOTP header and options) and VXLAN / Geneve (the inner
 * frame). In network order, as the packet has it: compared as they are,
 * with no byte swap.
 */
static __always_inline int udp_port_is_dhcp4(__be16 dport)
{
	return dport == bpf_htons(DHCP4_SERVER_PORT) ||
	       dport == bpf_htons(DHCP4_CLIENT_PORT);
}

static __always_inline int udp_port_is_tunnel(__be16 dport)
{
	return dport == bpf_htons(VXLAN_PORT) || dport == bpf_htons(GENEVE_PORT);
}

static __always_inline int udp_port_decoded_further(__be16 dport)
{
	return udp_port_is_dhcp4(dport) || udp_port_is_tunnel(dport);
}

struct tcp_buf {
	__be16 source;
	__be16 dest;
	__be32 seq;
	__be32 ack_seq;
	__u8 doff_res;
	__u8 flags;
} __attribute__((aligned(8)));

#define TCP_FLAGS_END 14 /* bytes of the TCP header up to the flags */

static __always_inline int parse_tcp(PKT_CTX *skb, struct decode *d,
				     __u32 off)
{
	const struct tcp_buf *tcp;
	struct tcp_buf copy;

	d->proto_class = NSTRACE_P_TCP;
	tcp = pkt_header(skb, off, &copy, TCP_FLAGS_END);
	if (!tcp)
		return truncated(d);
	d->ev.sport = bpf_ntohs(tcp->source);
	d->ev.dport = bpf_ntohs(tcp->dest);
	d->ev.tcp_seq = bpf_ntohl(tcp->seq);
	d->ev.tcp_ack = bpf_ntohl(tcp->ack_seq);
	d->ev.tcp_flags = tcp->flags;
	d->fp = FP_TCP;
	return L4_DONE;
}

struct icmp_buf {
	__u8 type;
	__u8 code;
	__be16 check;
	__be16 rest_hi; /* echo: id */
	__be16 rest_lo; /* echo: sequence */
} __attribute__((aligned(8)));

static __always_inline int icmp_is_echo(__u8 type, int v6)
{
	if (v6)
		return type == ICMPV6_ECHO_REQUEST || type == ICMPV6_ECHO_REPLY;
	return type == ICMP_ECHO || type == ICMP_ECHOREPLY;
}

/* Errors that quote the packet that caused them. */
static __always_inline int icmp_is_error(__u8 type, int v6)
{
	if (v6)
		return type == ICMPV6_DEST_UNREACH ||
		       type == ICMPV6_PKT_TOOBIG ||
		       type == ICMPV6_TIME_EXCEED || type == ICMPV6_PARAMPROB;
	return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_PARAMETERPROB;
}

/* ICMP (v6 = 0) or ICMPv6 (v6 = 1) at off. */
static __always_inline int parse_icmp(PKT_CTX *skb, struct decode *d,
				      __u32 off, int v6)
{
	const struct icmp_buf *icmp;
	struct icmp_buf copy;

	d->proto_class = NSTRACE_P_ICMP;
	icmp = pkt_header(skb, off, &copy, ICMP_HDR_LEN);
	if (!icmp)
		return truncated(d);
	d->ev.icmp_type = icmp->type;
	d->ev.icmp_code = icmp->code;
	if (icmp_is_echo(icmp->type, v6)) {
		d->ev.app = NSTRACE_APP_ECHO;
		d->ev.icmp_id = bpf_ntohs(icmp->rest_hi);
		d->ev.icmp_seq = bpf_ntohs(icmp->rest_lo);
		d->fp = FP_ECHO;
	} else if (icmp_is_error(icmp->type, v6)) {
		/* Rest of header: unused, pointer, or (frag needed / packet
		 * too big) the next-hop MTU, which lands in icmp_seq. */
		d->ev.app = NSTRACE_APP_ICMP_ERR;
		d->ev.icmp_id = bpf_ntohs(icmp->rest_hi);
		d->ev.icmp_seq = bpf_ntohs(icmp->rest_lo);
		d->fp = FP_ICMP_ERR;
		d->defer |= DEFER_ICMP_QUOTE;
		d->defer_off = off + ICMP_HDR_LEN;
	} else {
		d->fp = FP_IP;
	}
	return L4_DONE;
}

/*
 * The L4 header at *off, after an IP header said it is l4_proto. When it
 * returns a tunnel type, *off is at the tunnel header.
 */
static __always_inline int parse_l4(PKT_CTX *skb, struct decode *d,
				    __u32 *offp, int inner)
{
	__u32 off = *offp;

	switch (d->ev.l4_proto) {
	case IPPROTO_UDP:
		return parse_udp(skb, d, offp, inner);
	case IPPROTO_TCP:
		return parse_tcp(skb, d, off);
	case IPPROTO_ICMP:
		if (d->ev.l3_family == NSTRACE_L3_IPV4)
			return parse_icmp(skb, d, off, 0);
		break;
	case IPPROTO_ICMPV6:
		if (d->ev.l3_family == NSTRACE_L3_IPV6)
			return parse_icmp(skb, d, off, 1);
		break;
	case IPPROTO_GRE:
		if (!inner)
			return L4_GRE;
		break;
	}
	d->proto_class = NSTRACE_P_OTHER;
	d->fp = FP_IP;
	return L4_DONE;
}

#endif /* NSTRACE_PARSE_L4_H */
