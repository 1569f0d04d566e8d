/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The parsers' packet access (pkt.h) over a kernel skb's memory, for
 * programs that get a struct sk_buff * rather than run on the packet
 * (the kfree_skb tracepoint). Only the linear part is read: the headers
 * nstrace decodes are there for the packets it traces (DHCP, ICMP, ARP
 * and their tunnels); a header in paged data reads as "packet too short",
 * which the parsers already flag as truncated.
 *
 * Included by pkt.h when NSTRACE_PKT_KERNEL is defined; not on its own.
 */
#ifndef NSTRACE_PKT_KERN_H
#define NSTRACE_PKT_KERN_H

/* A packet in kernel memory; the fields parse_eth() reads keep the names
 * struct __sk_buff gives them. */
struct kern_pkt {
	__u64 base; /* kernel address of the first byte (the MAC header) */
	__u32 len; /* bytes readable from base: the linear data */
	__u32 vlan_present; /* a VLAN tag was taken out of the frame */
	__u32 vlan_tci; /* that tag */
	__u32 pad;
};

/* Returns 0, or -1 when the linear data ends before off + len. */
static __always_inline int pkt_load(struct kern_pkt *k, __u32 off, void *to,
				    __u32 len)
{
	if (off > k->len || len > k->len - off)
		return -1;
	return bpf_probe_read_kernel(to, len, (const void *)(k->base + off)) ?
		       -1 : 0;
}

/* The header at off, copied into buf (kernel memory is never read in
 * place); NULL when the data ends before off + len. */
static __always_inline const void *pkt_header(struct kern_pkt *k, __u32 off,
					      void *buf, __u32 len)
{
	return pkt_load(k, off, buf, len) ? NULL : buf;
}

static __always_inline long pkt_bytes(struct kern_pkt *k, __u32 off, void *to,
				      __u32 len)
{
	return pkt_load(k, off, to, len);
}

#endif /* NSTRACE_PKT_KERN_H */
