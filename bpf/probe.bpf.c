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

/*
 * The hop lookup (a hash map with a 16-byte key) is one of the costliest
 * steps of an emit, so each CPU keeps the ids it found lately in a small
 * direct-mapped cache. A hop key keeps its id for the whole run (user
 * space assigns ids once, at attach); entries still expire after
 * HOP_CACHE_TTL_NS so that even a key user space did re-map is right
 * again shortly after.
 */
#define HOP_CACHE_BITS 6
#define HOP_CACHE_SLOTS (1 << HOP_CACHE_BITS)
#define HOP_CACHE_TTL_NS 1000000000ull

struct hop_cache_slot {
	__u64 netns_cookie;
	__u64 filled_ns; /* 0 = empty */
	__u32 ifindex;
	__u16 dir;
	__u16 id;
};

struct hop_cache {
	struct hop_cache_slot slot[HOP_CACHE_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hop_cache);
} hopcache SEC(".maps");

static __always_inline __u32 hop_lookup(struct nstrace_hop_key *key)
{
	__u32 *id = bpf_map_lookup_elem(&hops, key);

	return id && *id < NSTRACE_MAX_HOPS ? *id : 0;
}

static __always_inline __u32 hop_id(struct __sk_buff *skb, __u64 netns,
				    __u8 dir, __u64 now)
{
	struct nstrace_hop_key key = {
		.netns_cookie = netns,
		.ifindex = skb->ifindex,
		.dir = dir,
	};
	struct hop_cache_slot *c;
	struct hop_cache *cache;
	__u32 zero = 0, slot, id;

	cache = bpf_map_lookup_elem(&hopcache, &zero);
	if (!cache)
		return hop_lookup(&key);
	/* Multiplicative hashing: the top bits of the product depend on all
	 * input bits, so neighbouring ifindexes land in different slots. */
	slot = (((__u32)netns * 0x9e3779b1u) ^ (key.ifindex * 4 + dir)) *
	       0x85ebca6bu >> (32 - HOP_CACHE_BITS);
	c = &cache->slot[slot & (HOP_CACHE_SLOTS - 1)];
	if (c->filled_ns && now - c->filled_ns < HOP_CACHE_TTL_NS &&
	    c->netns_cookie == netns && c->ifindex == key.ifindex &&
	    c->dir == dir)
		return c->id;
	id = hop_lookup(&key);
	/* Only hops user space knows: an unknown one may be added soon. */
	if (id) {
		c->netns_cookie = netns;
		c->ifindex = key.ifindex;
		c->dir = dir;
		c->id = id;
		c->filled_ns = now;
	}
	return id;
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

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;

/*
 * The namespace of the device the probe runs on. bpf_get_netns_cookie(skb)
 * would give the namespace of the packet's socket (or init_net without
 * one): a packet a veth carries from another namespace would get the
 * sender's. The device's own namespace is skb->dev's; the kfunc gives the
 * trusted kernel skb to walk there (kernel >= 6.2).
 */
static __always_inline __u64 dev_netns_cookie(struct __sk_buff *skb)
{
	struct sk_buff *kskb;

	if (!bpf_cast_to_kern_ctx)
		return bpf_get_netns_cookie(skb);
	kskb = bpf_cast_to_kern_ctx(skb);
	return kskb->dev->nd_net.net->net_cookie;
}

static __always_inline void emit(struct __sk_buff *skb, struct decode *d,
				 __u8 dir)
{
	struct nstrace_hop_stats *stats;
	struct nstrace_event *e;
	__u32 max = snaplen;
	__u64 netns;
	__u32 hop;

	/* The time the probe saw the packet, not when the emit is done. */
	d->ev.ts_ns = bpf_ktime_get_ns();
	finish_decode(skb, d);
	netns = dev_netns_cookie(skb);
	hop = hop_id(skb, netns, dir, d->ev.ts_ns);
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
	decode_packet(skb, &d);
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
