/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Name tables and value formatters shared by every renderer (event text,
 * event JSON, timelines), so that one word means one thing everywhere.
 * Name lookups return NULL for values they do not know; callers then print
 * the number.
 */
#ifndef NSTRACE_NAMES_H
#define NSTRACE_NAMES_H

#include <stddef.h>
#include <linux/types.h>

#define MAC_STR_LEN 18 /* "aa:bb:cc:dd:ee:ff" + NUL */
#define IP_STR_LEN 46 /* INET6_ADDRSTRLEN */
#define TCP_FLAGS_STR_LEN 9 /* "FSRP.UEW" + NUL */

/* "SOLICIT", "ACK", ...: DHCPv4 option 53 / DHCPv6 msg-type. */
const char *dhcp4_msg_name(__u8 msg);
const char *dhcp6_msg_name(__u8 msg);
/* BOOTP op: "request" (1), "reply" (2). */
const char *dhcp_op_name(__u8 op);

/* "echo request", "unreachable", ... for ICMP (v4) and ICMPv6 types. */
const char *icmp_type_name(__u8 l3_family, __u8 type);
/* Code text for error types: "need to frag", "port", ... */
const char *icmp_code_name(__u8 l3_family, __u8 type, __u8 code);
/* True for ICMP(v6) types that quote the packet that caused them. */
int icmp_is_error(__u8 l3_family, __u8 type);
/*
 * Next-hop MTU carried by an ICMP frag-needed / ICMPv6 packet-too-big,
 * from the event's icmp_id/icmp_seq; 0 when the type carries none.
 */
__u32 icmp_mtu(__u8 l3_family, __u8 type, __u8 code, __u16 icmp_id,
	       __u16 icmp_seq);

/* "tcp", "udp", "icmp", "icmp6", "gre", ... */
const char *ip_proto_name(__u8 proto);
/* "ipv4", "ipv6", "arp", "802.1q", "teb", ... */
const char *ethertype_name(__u16 proto);
/* "request" (1), "reply" (2), "rarp-request", "rarp-reply". */
const char *arp_op_name(__u16 op);
/* "gre", "vxlan", "geneve"; NULL for NSTRACE_TUN_NONE. */
const char *tun_type_name(__u8 tun_type);
/* Directions: text "in"/"out"/"-", JSON "ingress"/"egress"/"unknown". */
const char *dir_text(__u8 dir);
const char *dir_json(__u8 dir);
/* Event kinds: "packet", "drop". */
const char *kind_name(__u8 kind);
/* NSTRACE_F_* bit -> "truncated", "tunnel", ...; NULL for unknown bits. */
const char *flag_name(__u16 bit);
/* Every NSTRACE_F_* bit, lowest first, ending with 0. */
extern const __u16 event_flag_bits[];

/*
 * Name of enum skb_drop_reason value from the running kernel's BTF, with
 * the SKB_DROP_REASON_ / SKB_ prefix removed ("NETFILTER_DROP"). NULL when
 * the kernel has no BTF or the value is unknown. Loaded once, on first use.
 */
const char *drop_reason_name(__u32 reason);

/* Formatters; each writes a NUL-terminated string and returns buf. */
char *fmt_mac(char buf[MAC_STR_LEN], const __u8 mac[6]);
/* family NSTRACE_L3_IPV4/ARP (first 4 bytes) or NSTRACE_L3_IPV6. */
char *fmt_ip(char buf[IP_STR_LEN], __u8 family, const __u8 addr[16]);
/* tcpdump's flag letters: "S." for SYN+ACK, "none" when no flag is set. */
char *fmt_tcp_flags(char buf[TCP_FLAGS_STR_LEN], __u8 flags);
/* TCP flag bit -> "syn", "ack", ... for JSON. */
const char *tcp_flag_name(__u8 bit);

#endif
