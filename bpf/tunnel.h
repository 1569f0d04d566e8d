/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * GRE, VXLAN and Geneve: the outer addresses and key go to tun_*, and the
 * decode starts over on the inner frame. One level of tunnel.
 */
#ifndef NSTRACE_TUNNEL_H
#define NSTRACE_TUNNEL_H

#include "pkt.h"

#define GRE_CSUM 0x8000
#define GRE_ROUTING 0x4000
#define GRE_KEY 0x2000
#define GRE_SEQ 0x1000
#define GRE_VERSION 0x0007
#define GRE_HDR_LEN 4 /* flags + protocol; optional words follow */

#define VXLAN_HDR_LEN 8
#define VXLAN_FLAG_VNI 0x08
#define GENEVE_HDR_LEN 8
#define GENEVE_VERSION_SHIFT 6
#define GENEVE_OPTLEN_MASK 0x3f

/*
 * Forget what the outer headers said: they describe a tunnel, or may (the
 * frame ended before the probe could tell), not the packet. A frame cut
 * short inside a tunnel must never show outer values in the inner fields.
 * The outer VLAN tags stay: they describe the wire frame either way.
 */
static __always_inline void forget_outer_headers(struct decode *d)
{
	struct nstrace_event *e = &d->ev;

	e->flags &= NSTRACE_F_TRUNCATED;
	__builtin_memset(e->eth_src, 0, 6);
	__builtin_memset(e->eth_dst, 0, 6);
	e->eth_proto = 0;
	e->l3_family = 0;
	e->l4_proto = 0;
	e->ttl = 0;
	e->tos = 0;
	e->ip_id = 0;
	e->frag_off = 0;
	__builtin_memset(e->saddr, 0, 16);
	__builtin_memset(e->daddr, 0, 16);
	e->sport = 0;
	e->dport = 0;
	d->ip_ident = 0;
	d->ip_len = 0;
	d->udp_len = 0;
	d->fp = FP_NONE;
	d->defer = 0;
	d->proto_class = 0;
}

/* The outer addresses become the tunnel's; the decode starts over inside. */
static __always_inline void enter_tunnel(struct decode *d, __u8 type)
{
	struct nstrace_event *e = &d->ev;

	e->tun_type = type;
	e->tun_family = e->l3_family;
	__builtin_memcpy(e->tun_saddr, e->saddr, 16);
	__builtin_memcpy(e->tun_daddr, e->daddr, 16);
	forget_outer_headers(d);
	e->flags |= NSTRACE_F_TUNNEL;
}

static __always_inline void set_tun_key(struct decode *d, __u32 key)
{
	d->ev.tun_key = key;
	d->ev.flags |= NSTRACE_F_TUN_KEY;
}

/* A tunnel header we do not decode: the inner packet stays unknown. */
static __always_inline int tunnel_unsupported(struct decode *d)
{
	d->ev.flags |= NSTRACE_F_UNSUPPORTED;
	d->proto_class = NSTRACE_P_OTHER;
	return -1;
}

struct gre_buf {
	__be16 flags;
	__be16 proto;
} __attribute__((aligned(8)));

static __always_inline int parse_gre(PKT_CTX *skb, struct decode *d,
				     __u32 *off, __u16 *proto)
{
	const struct gre_buf *gre;
	struct gre_buf copy;
	const __be32 *key;
	__be32 key_copy __attribute__((aligned(8)));
	__u32 hlen = GRE_HDR_LEN;
	__u16 flags;

	gre = pkt_header(skb, *off, &copy, GRE_HDR_LEN);
	if (!gre)
		return truncated(d);
	flags = bpf_ntohs(gre->flags);
	if (flags & (GRE_VERSION | GRE_ROUTING))
		return tunnel_unsupported(d);
	if (flags & GRE_CSUM)
		hlen += 4;
	if (flags & GRE_KEY) {
		key = pkt_header(skb, *off + hlen, &key_copy, sizeof(*key));
		if (!key)
			return truncated(d);
		set_tun_key(d, bpf_ntohl(*key));
		hlen += 4;
	}
	if (flags & GRE_SEQ)
		hlen += 4;
	*off += hlen;
	*proto = bpf_ntohs(gre->proto);
	return 0;
}

struct vxlan_buf {
	__u8 flags;
	__u8 reserved[3];
	__be32 vni_reserved; /* VNI in the top 24 bits */
} __attribute__((aligned(8)));

static __always_inline int parse_vxlan(PKT_CTX *skb,
				       struct decode *d, __u32 *off,
				       __u16 *proto)
{
	const struct vxlan_buf *vx;
	struct vxlan_buf copy;

	vx = pkt_header(skb, *off, &copy, VXLAN_HDR_LEN);
	if (!vx)
		return truncated(d);
	if (!(vx->flags & VXLAN_FLAG_VNI))
		return tunnel_unsupported(d);
	set_tun_key(d, bpf_ntohl(vx->vni_reserved) >> 8);
	*off += VXLAN_HDR_LEN;
	*proto = ETH_P_TEB;
	return 0;
}

struct geneve_buf {
	__u8 ver_optlen;
	__u8 flags;
	__be16 proto;
	__be32 vni_reserved; /* VNI in the top 24 bits */
} __attribute__((aligned(8)));

static __always_inline int parse_geneve(PKT_CTX *skb,
					struct decode *d, __u32 *off,
					__u16 *proto)
{
	const struct geneve_buf *gnv;
	struct geneve_buf copy;

	gnv = pkt_header(skb, *off, &copy, GENEVE_HDR_LEN);
	if (!gnv)
		return truncated(d);
	if (gnv->ver_optlen >> GENEVE_VERSION_SHIFT)
		return tunnel_unsupported(d);
	set_tun_key(d, bpf_ntohl(gnv->vni_reserved) >> 8);
	/* Options are skipped: their length is in 4-byte words. */
	*off += GENEVE_HDR_LEN + (gnv->ver_optlen & GENEVE_OPTLEN_MASK) * 4;
	*proto = bpf_ntohs(gnv->proto);
	return 0;
}

/* The tunnel header at *off; on success *proto says what is inside. */
static __always_inline int parse_tunnel(PKT_CTX *skb,
					struct decode *d, __u32 *off,
					__u16 *proto, int type)
{
	int err;

	if (type == NSTRACE_TUN_GRE)
		err = parse_gre(skb, d, off, proto);
	else if (type == NSTRACE_TUN_VXLAN)
		err = parse_vxlan(skb, d, off, proto);
	else
		err = parse_geneve(skb, d, off, proto);
	if (err)
		return err;
	if (*proto != ETH_P_TEB && *proto != ETH_P_IP && *proto != ETH_P_IPV6) {
		d->ev.eth_proto = *proto;
		return tunnel_unsupported(d);
	}
	return 0;
}

#endif /* NSTRACE_TUNNEL_H */
