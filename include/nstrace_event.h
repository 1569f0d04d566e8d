/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The ABI between nstrace's BPF programs and user space: the event record,
 * the in-kernel filter, the hop key and the per-hop counters.
 *
 * Plain __u8/__u16/__u32/__u64 only and no includes, so that the BPF side
 * (vmlinux.h) and user space (<linux/types.h>) compile the same layout.
 * Bump NSTRACE_EVENT_VERSION on any layout change; docs/events.md documents
 * every field.
 */
#ifndef NSTRACE_EVENT_H
#define NSTRACE_EVENT_H

#define NSTRACE_EVENT_VERSION 1

#define NSTRACE_SNAPLEN_DEFAULT 128
#define NSTRACE_SNAPLEN_MAX 1024
#define NSTRACE_MAX_HOPS 1024 /* hop ids are 1..NSTRACE_MAX_HOPS-1; 0 = unknown */
#define NSTRACE_FILTER_MACS 4
#define NSTRACE_FILTER_IPS 4

/* enum nstrace_kind: what produced the event */
#define NSTRACE_EV_PACKET 1 /* a tc probe saw the packet at a hop */
#define NSTRACE_EV_DROP 2 /* the kernel freed the packet (kfree_skb) */

/* direction of the hop */
#define NSTRACE_DIR_UNKNOWN 0
#define NSTRACE_DIR_INGRESS 1
#define NSTRACE_DIR_EGRESS 2

/* event flags */
#define NSTRACE_F_TRUNCATED (1 << 0) /* a header ran past the packet end */
#define NSTRACE_F_TUNNEL (1 << 1) /* tun_* describe the outer headers */
#define NSTRACE_F_TUN_KEY (1 << 2) /* tun_key is valid (GRE key, VNI) */
#define NSTRACE_F_FRAGMENT (1 << 3) /* IP fragment: no L4 beyond first */
#define NSTRACE_F_IP_OPTIONS (1 << 4) /* IPv4 options / IPv6 ext headers */
#define NSTRACE_F_INNER_VLAN (1 << 5) /* inner_vlan_tci is valid */
#define NSTRACE_F_UNSUPPORTED (1 << 6) /* a header nstrace does not decode */

/* l3_family */
#define NSTRACE_L3_NONE 0
#define NSTRACE_L3_IPV4 4
#define NSTRACE_L3_IPV6 6
#define NSTRACE_L3_ARP 1 /* saddr/daddr hold sender/target IPv4 */

/* app: the application-level decode present in the event */
#define NSTRACE_APP_NONE 0
#define NSTRACE_APP_DHCP4 1 /* dhcp_op, dhcp_msg, xid, chaddr */
#define NSTRACE_APP_DHCP6 2 /* dhcp_msg, xid (24 bits) */
#define NSTRACE_APP_ECHO 3 /* ICMP/ICMPv6 echo: icmp_id, icmp_seq */
#define NSTRACE_APP_ARP 4 /* arp_op, chaddr = sender MAC */
#define NSTRACE_APP_ICMP_ERR 5 /* ICMP error: related_fp = original packet */

/* tun_type */
#define NSTRACE_TUN_NONE 0
#define NSTRACE_TUN_GRE 1
#define NSTRACE_TUN_VXLAN 2
#define NSTRACE_TUN_GENEVE 3

/* protocol classes for the filter's proto_mask (0 = every class) */
#define NSTRACE_P_DHCP (1 << 0) /* DHCPv4 and DHCPv6 */
#define NSTRACE_P_ICMP (1 << 1) /* ICMP and ICMPv6 */
#define NSTRACE_P_ARP (1 << 2)
#define NSTRACE_P_TCP (1 << 3)
#define NSTRACE_P_UDP (1 << 4) /* UDP other than DHCP */
#define NSTRACE_P_OTHER (1 << 5)
#define NSTRACE_P_ALL 0x3f

/* filter criteria enabled in nstrace_filter.flags; all enabled must match */
#define NSTRACE_M_MAC (1 << 0) /* inner eth src/dst, DHCP chaddr or ARP sha */
#define NSTRACE_M_IP (1 << 1) /* inner src/dst IP or ARP sender/target */
#define NSTRACE_M_XID (1 << 2) /* DHCP transaction id */
#define NSTRACE_M_ICMP_ID (1 << 3) /* ICMP echo identifier */
#define NSTRACE_M_TUN_KEY (1 << 4) /* tunnelled packets must carry tun_key */

struct nstrace_ip {
	__u8 family; /* NSTRACE_L3_IPV4 or NSTRACE_L3_IPV6 */
	__u8 pad[3];
	__u8 addr[16]; /* IPv4 in the first 4 bytes, network order */
};

/* The filter, written by user space: the probe's global "filter", the
 * single entry of its ".data.filter" array map. */
struct nstrace_filter {
	__u32 flags; /* NSTRACE_M_* */
	__u32 proto_mask; /* NSTRACE_P_*; 0 = all */
	__u8 n_macs;
	__u8 n_ips;
	__u16 icmp_id;
	__u32 xid;
	__u32 tun_key;
	__u8 macs[NSTRACE_FILTER_MACS][6];
	struct nstrace_ip ips[NSTRACE_FILTER_IPS];
};

/* Key of the "hops" hash map: a hop is (netns, ifindex, direction). */
struct nstrace_hop_key {
	__u64 netns_cookie;
	__u32 ifindex;
	__u32 dir; /* NSTRACE_DIR_* */
};

/* Value of the per-CPU "hopstats" array, indexed by hop id. */
struct nstrace_hop_stats {
	__u64 emitted; /* events submitted to the ring buffer */
	__u64 lost; /* events lost: ring buffer reserve failed */
};

/*
 * One event. The record in the ring buffer is sizeof(struct nstrace_event)
 * + snaplen bytes: fixed for a run, snap_len of them valid.
 * For tunnelled packets every field but tun_* describes the inner frame,
 * while vlan_tci describes the outer (wire) frame.
 */
struct nstrace_event {
	__u8 version; /* NSTRACE_EVENT_VERSION */
	__u8 kind; /* NSTRACE_EV_* */
	__u16 flags; /* NSTRACE_F_* */
	__u32 hop_id; /* assigned by user space at attach; 0 = unknown */
	__u64 ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 fingerprint; /* same for one packet at every hop, see events.md */
	__u64 related_fp; /* ICMP error: fingerprint of the quoted packet */
	__u64 netns_cookie;
	__u32 ifindex;
	__u32 pkt_len; /* skb->len at the hop */

	__u8 dir; /* NSTRACE_DIR_* */
	__u8 vlan_count; /* 0..2 tags on the outer frame */
	__u16 eth_proto; /* ethertype after the (inner) VLAN tags, host order */
	__u16 vlan_tci[2]; /* outer tag first, host order */
	__u8 eth_src[6]; /* inner frame for tunnels */
	__u8 eth_dst[6];
	__u16 snap_len; /* valid bytes in snap[] */
	__u16 inner_vlan_tci; /* first VLAN tag of a tunnelled frame */

	__u8 l3_family; /* NSTRACE_L3_* */
	__u8 l4_proto; /* IPPROTO_*; 0 if none */
	__u8 ttl; /* TTL / hop limit */
	__u8 tos; /* TOS / traffic class */
	__u16 ip_id; /* IPv4 identification; 0 for IPv6 */
	__u16 frag_off; /* IPv4 fragment offset in bytes; IPv6 frag offset */
	__u8 saddr[16]; /* IPv4 in the first 4 bytes; ARP: sender IP */
	__u8 daddr[16]; /* ARP: target IP */

	__u16 sport; /* host order */
	__u16 dport;
	__u32 tcp_seq;
	__u32 tcp_ack;
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 app; /* NSTRACE_APP_* */
	__u16 icmp_id; /* echo id; ICMP errors: first half of rest-of-header */
	__u16 icmp_seq; /* echo seq; frag-needed: next-hop MTU */

	__u32 xid; /* DHCPv4 xid; DHCPv6 transaction id (24 bits) */
	__u8 dhcp_op; /* BOOTREQUEST 1 / BOOTREPLY 2 */
	__u8 dhcp_msg; /* option 53 (v4) or msg-type (v6); 0 = not found */
	__u16 arp_op;
	__u8 chaddr[6]; /* DHCP client MAC; ARP sender MAC */
	__u8 tun_type; /* NSTRACE_TUN_* */
	__u8 tun_family; /* NSTRACE_L3_IPV4 / IPV6: outer IP */
	__u32 tun_key; /* GRE key or VXLAN/Geneve VNI */
	__u8 tun_saddr[16];
	__u8 tun_daddr[16];

	__u32 drop_reason; /* NSTRACE_EV_DROP: enum skb_drop_reason */
	__u32 pad0;
	__u64 drop_location; /* NSTRACE_EV_DROP: kernel address of the free */

	__u8 snap[]; /* first snap_len bytes of the packet as seen at the hop */
};

#endif /* NSTRACE_EVENT_H */
