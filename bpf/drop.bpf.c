// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nstrace's drop probe: the kfree_skb tracepoint, filtered to the traced
 * packets. A packet the kernel frees with a drop reason is decoded from
 * the skb's memory by the tc probe's own parsers (pkt_kern.h), judged by
 * the same filter and fingerprinted the same way, so the correlator puts
 * the drop into that packet's timeline.
 *
 * It shares the tc probe's ".data.filter", "events" and "burst" maps: user
 * space hands their fds over (bpf_map__reuse_fd) before loading, so one
 * filter decides and the same rings carry both kinds of events.
 *
 * The tracepoint fires for every freed packet of the machine: everything
 * that is not a drop leaves after one comparison, and a drop of another
 * packet after the decode the filter needs.
 */
#define NSTRACE_PKT_KERNEL
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "nstrace_event.h"
#include "decode.h"
#include "filter.h"

/* Set between open and load, to the tc probe's value: records of both
 * programs then have one size. */
const volatile __u32 snaplen = NSTRACE_SNAPLEN_DEFAULT;

/* rings.h's maps are replaced by the tc probe's (and their sizes) at load. */
#include "rings.h"

#define HEADER_UNSET 0xffff /* skb->mac_header / network_header not set */
#define ETH_HLEN 14

/*
 * Where the packet starts in kernel memory: its MAC header when it has
 * one, else its network header (a packet sent from this host and freed
 * before it got a link-layer header). Fills k and d->pkt_len (the bytes
 * from that start to the end of the packet). Returns 1 when the packet
 * starts with Ethernet, 0 when with L3, -1 when there is nothing to read.
 */
static __always_inline int locate_packet(struct sk_buff *skb,
					 struct kern_pkt *k, struct decode *d)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	unsigned char *data = BPF_CORE_READ(skb, data);
	__u32 tail = BPF_CORE_READ(skb, tail); /* offset from head (64-bit) */
	__u32 len = BPF_CORE_READ(skb, len);
	__u16 mac = BPF_CORE_READ(skb, mac_header);
	__u16 net = BPF_CORE_READ(skb, network_header);
	__u32 data_off = data - head;
	__u32 start;
	int eth;

	if (mac != HEADER_UNSET && (net == HEADER_UNSET || net >= mac + ETH_HLEN)) {
		start = mac;
		eth = 1;
	} else if (net != HEADER_UNSET) {
		start = net;
		eth = 0;
	} else {
		return -1;
	}
	if (start >= tail || start > data_off + len)
		return -1;
	k->base = (__u64)head + start;
	k->len = tail - start;
	d->pkt_len = data_off + len - start;
	if (bpf_core_field_exists(skb->vlan_all)) {
		k->vlan_present = BPF_CORE_READ(skb, vlan_all) != 0;
		k->vlan_tci = BPF_CORE_READ(skb, vlan_tci);
	}
	return eth;
}

/* The namespace the packet was in: its device's, else its socket's. */
static __always_inline __u64 drop_netns_cookie(struct sk_buff *skb,
					       struct net_device *dev)
{
	struct sock *sk;

	if (dev)
		return BPF_CORE_READ(dev, nd_net.net, net_cookie);
	sk = BPF_CORE_READ(skb, sk);
	if (sk)
		return BPF_CORE_READ(sk, __sk_common.skc_net.net, net_cookie);
	return 0;
}

static __always_inline void emit_drop(struct sk_buff *skb,
				      const struct kern_pkt *k,
				      struct decode *d, __u64 location,
				      __u32 reason)
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);
	struct nstrace_event *e;
	__u32 max = snaplen;
	__u32 n = k->len;
	int in_burst;

	d->ev.ts_ns = bpf_ktime_get_ns();
	if (max > NSTRACE_SNAPLEN_MAX)
		max = NSTRACE_SNAPLEN_MAX;
	e = ring_reserve(sizeof(*e) + max, &in_burst);
	if (!e)
		return;
	d->ev.version = NSTRACE_EVENT_VERSION;
	d->ev.kind = NSTRACE_EV_DROP;
	d->ev.hop_id = 0; /* a drop has no direction: user space names it */
	d->ev.netns_cookie = drop_netns_cookie(skb, dev);
	d->ev.ifindex = dev ? BPF_CORE_READ(dev, ifindex) : 0;
	d->ev.pkt_len = d->pkt_len;
	d->ev.dir = NSTRACE_DIR_UNKNOWN;
	d->ev.drop_reason = reason;
	d->ev.drop_location = location;
	*e = d->ev;
	if (n > d->pkt_len)
		n = d->pkt_len;
	if (n > max)
		n = max;
	e->snap_len = 0;
	if (n && !bpf_probe_read_kernel(e->snap, n, (const void *)k->base))
		e->snap_len = n;
	/* Like the tc probe's records: no wakeup, user space drains on a
	 * timer. Waking the reader per drop would put it on a CPU in the
	 * middle of the traffic it traces. */
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(nstrace_drop, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason)
{
	struct kern_pkt k = {};
	struct decode d;
	int eth;

	/* Not a drop: a packet that was used, the common case by far. */
	if (reason == bpf_core_enum_value(enum skb_drop_reason, SKB_CONSUMED) ||
	    reason == bpf_core_enum_value(enum skb_drop_reason,
					  SKB_NOT_DROPPED_YET))
		return 0;
	__builtin_memset(&d, 0, sizeof(d));
	eth = locate_packet(skb, &k, &d);
	if (eth < 0)
		return 0;
	if (eth) {
		decode_packet(&k, &d);
	} else {
		d.ev.eth_proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
		decode_from_l3(&k, &d, 0, d.ev.eth_proto);
	}
	if (!filter_match(&filter, &d))
		return 0;
	finish_decode(&k, &d);
	emit_drop(skb, &k, &d, (__u64)location, reason);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
