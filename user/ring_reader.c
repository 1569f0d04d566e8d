// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "ring_reader.h"

/* A record: 8-byte header (length with the busy and discard bits, page
 * offset), then the data, padded to 8 bytes (kernel/bpf/ringbuf.c). */
#define RECORD_HDR_LEN 8

int ring_reader_open(struct ring_reader *r, int map_fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	void *p;

	memset(r, 0, sizeof(*r));
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries ||
	    (info.max_entries & (info.max_entries - 1)))
		return -EINVAL;
	r->page = (size_t)sysconf(_SC_PAGESIZE);
	r->size = info.max_entries;
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->consumer_pos = p;
	/* The producer page, then the data twice (the kernel maps it so). */
	p = mmap(NULL, r->page + 2 * r->size, PROT_READ, MAP_SHARED, map_fd,
		 (off_t)r->page);
	if (p == MAP_FAILED) {
		int err = -errno;

		ring_reader_close(r);
		return err;
	}
	r->producer_pos = p;
	r->data = (const __u8 *)p + r->page;
	return 0;
}

int ring_reader_consume(struct ring_reader *r, ring_record_fn fn, void *ctx,
			unsigned int max)
{
	unsigned long cons = __atomic_load_n(r->consumer_pos, __ATOMIC_RELAXED);
	unsigned long published = cons, prod;
	unsigned int n = 0, since = 0;
	int ret = 0;

	prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
	while (cons < prod && n < max) {
		const __u32 *hdr = (const __u32 *)(r->data + (cons & (r->size - 1)));
		__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		__u32 size = len & ~BPF_RINGBUF_DISCARD_BIT;

		if (len & BPF_RINGBUF_BUSY_BIT)
			break; /* reserved, not yet submitted: later */
		cons += (RECORD_HDR_LEN + size + 7) & ~7ul;
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			n++;
			ret = fn(ctx, (void *)(hdr + 2), size);
			if (ret < 0)
				break;
		}
		if (++since == RING_READER_PUBLISH) {
			__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
			published = cons;
			since = 0;
		}
		if (cons >= prod)
			prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
	}
	if (cons != published)
		__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
	return ret < 0 ? ret : (int)n;
}

void ring_reader_close(struct ring_reader *r)
{
	if (r->consumer_pos)
		munmap(r->consumer_pos, r->page);
	if (r->producer_pos)
		munmap((void *)r->producer_pos, r->page + 2 * r->size);
	memset(r, 0, sizeof(*r));
}
