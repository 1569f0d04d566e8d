// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nstrace's tc probe: decode -> filter -> fingerprint -> emit.
 *
 * It only observes: it never writes the packet, never pulls it linear, and
 * always returns TC_ACT_UNSPEC (== TCX_NEXT) so that whatever else runs on
 * the device decides the packet's fate.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "nstrace_event.h"
#include "decode.h"
#include "filter.h"

#define TC_ACT_UNSPEC (-1)

/* Knobs user space sets between open and load (frozen afterwards). */
const volatile __u32 snaplen = NSTRACE_SNAPLEN_DEFAULT;
/* Wake the consumer when this many bytes wait: batching wakeups roughly
 * doubles throughput compared with one per record (0: wake every time). */
const volatile __u64 wake_bytes = 256 * 1024;
/* 0: every packet is traced without looking at the filter map. */
const volatile __u8 filter_enabled = 1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nstrace_filter);
} filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSTRACE_MAX_HOPS);
	__type(key, struct nstrace_hop_key);
	__type(value, __u32);
} hops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NSTRACE_MAX_HOPS);
	__type(key, __u32);
	__type(value, struct nstrace_hop_stats);
} hopstats SEC(".maps");

static __always_inline int wanted(const struct decode *d)
{
	const struct nstrace_filter *f;
	__u32 zero = 0;

	if (!filter_enabled)
		return 1;
	f = bpf_map_lookup_elem(&filter, &zero);
	return f && filter_match(f, d);
}

static __always_inline __u32 hop_id(struct __sk_buff *skb, __u64 netns,
				    __u8 dir)
{
	struct nstrace_hop_key key = {
		.netns_cookie = netns,
		.ifindex = skb->ifindex,
		.dir = dir,
	};
	__u32 *id = bpf_map_lookup_elem(&hops, &key);

	return id && *id < NSTRACE_MAX_HOPS ? *id : 0;
}

/* Copy the first min(snaplen, skb->len) bytes after the event. */
static __always_inline void copy_snap(struct __sk_buff *skb,
				      struct nstrace_event *e, __u32 pkt_len)
{
	__u32 max = snaplen;
	__u32 n = pkt_len;

	if (max > NSTRACE_SNAPLEN_MAX)
		max = NSTRACE_SNAPLEN_MAX;
	if (n > max)
		n = max;
	e->snap_len = 0;
	if (n && !bpf_skb_load_bytes(skb, 0, e->snap, n))
		e->snap_len = n;
}

/* Bytes a record takes in the ring: header + payload, 8-byte aligned. */
#define RINGBUF_HDR_LEN 8
#define RINGBUF_RECORD_LEN(len) ((((len) + 7) & ~7ull) + RINGBUF_HDR_LEN)

/*
 * Wake the consumer only on the record that takes the pending data past
 * wake_bytes, not on every record after it: a wakeup costs far more than
 * the rest of the emit, and while the consumer is behind, more of them
 * only slow the traced path down. Records that race past the mark on two
 * CPUs at once may both miss it; the consumer's drain timer covers that.
 */
static __always_inline __u64 wake_flag(__u32 snap)
{
	__u64 pending = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	__u64 rec = RINGBUF_RECORD_LEN(sizeof(struct nstrace_event) + snap);

	/* 0: a wakeup per record, for the benchmark that compares the two. */
	if (!wake_bytes)
		return BPF_RB_FORCE_WAKEUP;
	if (pending >= wake_bytes && pending - rec < wake_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void emit(struct __sk_buff *skb, struct decode *d,
				 __u8 dir)
{
	struct nstrace_hop_stats *stats;
	struct nstrace_event *e;
	__u32 max = snaplen;
	__u64 netns;
	__u32 hop;

	nstrace_finish_decode(skb, d);
	netns = bpf_get_netns_cookie(skb);
	hop = hop_id(skb, netns, dir);
	stats = bpf_map_lookup_elem(&hopstats, &hop);

	/* snaplen is frozen rodata: the verifier sees a constant size. */
	if (max > NSTRACE_SNAPLEN_MAX)
		max = NSTRACE_SNAPLEN_MAX;
	e = bpf_ringbuf_reserve(&events, sizeof(*e) + max, 0);
	if (!e) {
		if (stats)
			stats->lost++;
		return;
	}
	d->ev.version = NSTRACE_EVENT_VERSION;
	d->ev.kind = NSTRACE_EV_PACKET;
	d->ev.hop_id = hop;
	d->ev.ts_ns = bpf_ktime_get_ns();
	d->ev.netns_cookie = netns;
	d->ev.ifindex = skb->ifindex;
	d->ev.pkt_len = d->pkt_len;
	d->ev.dir = dir;
	*e = d->ev;
	copy_snap(skb, e, d->pkt_len);

	bpf_ringbuf_submit(e, wake_flag(max));
	if (stats)
		stats->emitted++;
}

static __always_inline int nstrace_probe(struct __sk_buff *skb, __u8 dir)
{
	struct decode d;

	__builtin_memset(&d, 0, sizeof(d));
	d.pkt_len = skb->len;
	nstrace_decode(skb, &d);
	if (wanted(&d))
		emit(skb, &d, dir);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int nstrace_ingress(struct __sk_buff *skb)
{
	return nstrace_probe(skb, NSTRACE_DIR_INGRESS);
}

SEC("tc")
int nstrace_egress(struct __sk_buff *skb)
{
	return nstrace_probe(skb, NSTRACE_DIR_EGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
