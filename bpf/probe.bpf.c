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
#include "screen.h"
#include "rings.h"

#define TC_ACT_UNSPEC (-1)

/* Knobs user space sets between open and load (frozen afterwards). */
const volatile __u32 snaplen = NSTRACE_SNAPLEN_DEFAULT;
/* Wake the consumer when this many bytes wait in "events": batching
 * wakeups roughly doubles throughput compared with one per record (0: wake
 * every time). */
const volatile __u64 wake_bytes = 256 * 1024;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSTRACE_MAX_HOPS);
	__type(key, struct nstrace_hop_key);
	__type(value, __u32);
} hops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NSTRACE_MAX_HOPS);
	__type(key, __u32);
	__type(value, struct nstrace_hop_stats);
} hopstats SEC(".maps");

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

/* Bytes of the packet the record holds: min(snaplen, skb->len). */
static __always_inline __u64 snap_bytes(__u64 pkt_len)
{
	__u64 max = snaplen;

	if (max > NSTRACE_SNAPLEN_MAX)
		max = NSTRACE_SNAPLEN_MAX;
	return pkt_len < max ? pkt_len : max;
}

/*
 * The record's layout in 8-byte words, for the copy below: the header
 * words emit() writes last, the decoded words, the tunnel addresses and
 * the drop fields a packet event leaves 0.
 */
#define EV_WORD(field) (__builtin_offsetof(struct nstrace_event, field) / 8)
#define EV_DECODED_FIRST EV_WORD(ifindex)
#define EV_TUN_FIRST EV_WORD(tun_saddr)
#define EV_DROP_FIRST EV_WORD(drop_reason)
#define EV_WORDS (sizeof(struct nstrace_event) / 8)

typedef __u64 __attribute__((may_alias)) ev_word;

_Static_assert(__builtin_offsetof(struct nstrace_event, ifindex) % 8 == 0 &&
		       __builtin_offsetof(struct nstrace_event, dir) ==
			       __builtin_offsetof(struct nstrace_event, ifindex) + 8 &&
		       __builtin_offsetof(struct nstrace_event, tun_saddr) % 8 == 0 &&
		       __builtin_offsetof(struct nstrace_event, drop_reason) ==
			       __builtin_offsetof(struct nstrace_event, tun_daddr) + 16 &&
		       sizeof(struct nstrace_event) % 8 == 0,
	       "copy_decoded() and decode_init() assume this event layout");

/*
 * Everything the decode found, into the record, 8 bytes a store, each
 * word once. With the default 64 MiB ring the record's cache lines are
 * long gone from the caches: writing them right after the reserve lets
 * those misses overlap with the rest of the emit instead of stalling the
 * submit. The tunnel addresses were never zeroed for packets outside a
 * tunnel (see decode_init()): they get zeroes here.
 */
static __always_inline void copy_decoded(struct nstrace_event *e,
					 const struct decode *d)
{
	const ev_word *from = (const ev_word *)&d->ev;
	ev_word *to = (ev_word *)e;
	int tunnel = d->ev.flags & NSTRACE_F_TUNNEL;

#pragma unroll
	for (int i = EV_DECODED_FIRST; i < EV_TUN_FIRST; i++)
		to[i] = from[i];
#pragma unroll
	for (int i = EV_TUN_FIRST; i < EV_DROP_FIRST; i++)
		to[i] = tunnel ? from[i] : 0;
#pragma unroll
	for (int i = EV_DROP_FIRST; i < EV_WORDS; i++)
		to[i] = 0;
}

/*
 * The first snap bytes of the packet after the event. With the default
 * snaplen and the bytes in linear data (the usual case) this is 16 word
 * moves, cheaper than the helper's call and its memcpy.
 */
static __always_inline void copy_snap(struct __sk_buff *skb,
				      struct nstrace_event *e, __u64 snap)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	/* Linear data that long means skb->len is too: snap is the default. */
	if (snap_bytes(~0u) == NSTRACE_SNAPLEN_DEFAULT &&
	    data + NSTRACE_SNAPLEN_DEFAULT <= data_end) {
		pkt_copy(e->snap, data, NSTRACE_SNAPLEN_DEFAULT);
		return;
	}
	if (snap && bpf_skb_load_bytes(skb, 0, e->snap, snap))
		e->snap_len = 0;
}

/* Bytes a record takes in the ring: header + payload, 8-byte aligned. */
#define RINGBUF_HDR_LEN 8
#define RINGBUF_RECORD_LEN(len) ((((len) + 7) & ~7ull) + RINGBUF_HDR_LEN)

/*
 * Wake the consumer only on the record that takes the pending data in
 * "events" past wake_bytes, not on every record after it: a wakeup costs
 * far more than the rest of the emit, and while the consumer is behind,
 * more of them only slow the traced path down. Records that race past the
 * mark on two CPUs at once may both miss it; the consumer's drain timer
 * covers that. A record in "burst" wakes nobody: "events" is full, so its
 * wakeup has gone out already.
 */
static __always_inline __u64 wake_flag(__u32 snap, int in_burst)
{
	__u64 rec = RINGBUF_RECORD_LEN(sizeof(struct nstrace_event) + snap);
	__u64 pending;

	/* 0: a wakeup per record, for the benchmark that compares the two. */
	if (!wake_bytes)
		return BPF_RB_FORCE_WAKEUP;
	if (in_burst)
		return BPF_RB_NO_WAKEUP;
	pending = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
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
	/* 64 bits: the verifier then tracks the one register it tests. */
	__u64 snap = snap_bytes(d->pkt_len), netns, ts;
	struct nstrace_hop_stats *stats;
	struct nstrace_event *e;
	int in_burst;
	__u32 hop;

	/* The time the probe saw the packet, not when the emit is done. */
	ts = bpf_ktime_get_ns();
	/* Set before the reserve: by the copy these narrow stores have left
	 * the store buffer, so its 8-byte loads do not wait for them. */
	d->ev.ifindex = skb->ifindex;
	d->ev.pkt_len = d->pkt_len;
	d->ev.dir = dir;
	d->ev.snap_len = snap;
	/* snaplen is frozen rodata: the verifier sees a constant size. */
	e = ring_reserve(sizeof(*e) + snap_bytes(~0u), &in_burst);
	if (!e) {
		netns = dev_netns_cookie(skb);
		hop = hop_id(skb, netns, dir, ts);
		stats = bpf_map_lookup_elem(&hopstats, &hop);
		if (stats)
			stats->lost++;
		return;
	}
	copy_decoded(e, d);
	copy_snap(skb, e, snap);

	d->ev.related_fp = 0; /* decode_init() left it; ICMP errors set it */
	finish_decode(skb, d);
	netns = dev_netns_cookie(skb);
	hop = hop_id(skb, netns, dir, ts);
	stats = bpf_map_lookup_elem(&hopstats, &hop);

	/* What only the emit knows, into the record's first words. */
	e->version = NSTRACE_EVENT_VERSION;
	e->kind = NSTRACE_EV_PACKET;
	e->flags = d->ev.flags;
	e->hop_id = hop;
	e->ts_ns = ts;
	e->fingerprint = d->ev.fingerprint;
	e->related_fp = d->ev.related_fp;
	e->netns_cookie = netns;
	/* Found by the option walk, after the copy: its line is written. */
	e->dhcp_msg = d->ev.dhcp_msg;

	bpf_ringbuf_submit(e, wake_flag(snap_bytes(~0u), in_burst));
	if (stats)
		stats->emitted++;
}

/*
 * The decode's starting point: zeroes wherever it may leave a field
 * unwritten, but not in the record's fields only emit() fills (time,
 * fingerprints, netns, ifindex, length, the drop fields) nor in the
 * tunnel addresses, which copy_decoded() takes only from a tunnel: every
 * zeroed word is a store on every packet, traced or not.
 */
static __always_inline void decode_init(struct decode *d, __u32 pkt_len)
{
	__builtin_memset(d, 0, __builtin_offsetof(struct decode, ev.ts_ns));
	__builtin_memset(&d->ev.dir, 0,
			 __builtin_offsetof(struct nstrace_event, tun_saddr) -
				 __builtin_offsetof(struct nstrace_event, dir));
	d->pkt_len = pkt_len;
}

/*
 * A function of its own (a BPF-to-BPF call), so that the program proper is
 * the screen alone: a packet the screen rejects runs through little code,
 * without the prologue and register saves the decode needs.
 */
static __noinline int trace_packet(struct __sk_buff *skb, __u8 dir)
{
	struct decode d;

	decode_init(&d, skb->len);
	decode_packet(skb, &d);
	if (filter_match(&filter, &d))
		emit(skb, &d, dir);
	return 0;
}

static __always_inline int nstrace_probe(struct __sk_buff *skb, __u8 dir)
{
	if (nstrace_screen(skb) == SCREEN_DECODE)
		trace_packet(skb, dir);
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
