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

/* The length word of the record at position pos (acquire: its data was
 * written before the producer cleared the busy bit). */
static __u32 record_len(const struct ring_reader *r, unsigned long pos, const __u32 **hdr)
{
	*hdr = (const __u32 *)(r->data + (pos & (r->size - 1)));
	return __atomic_load_n(*hdr, __ATOMIC_ACQUIRE);
}

static unsigned long record_end(unsigned long pos, __u32 len)
{
	return pos + ((RECORD_HDR_LEN + (len & ~BPF_RINGBUF_DISCARD_BIT) + 7) & ~7ul);
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
		const __u32 *hdr;
		__u32 len = record_len(r, cons, &hdr);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break; /* reserved, not yet submitted: later */
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			ret = fn(ctx, (void *)(hdr + 2), len);
			if (ret == RING_RECORD_LATER)
				break;
			n++;
		}
		cons = record_end(cons, len);
		if (ret < 0)
			break;
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

const void *ring_reader_peek(struct ring_reader *r, size_t *size)
{
	unsigned long cons = __atomic_load_n(r->consumer_pos, __ATOMIC_RELAXED);
	unsigned long start = cons;
	unsigned long prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
	const void *rec = NULL;

	while (cons < prod) {
		const __u32 *hdr;
		__u32 len = record_len(r, cons, &hdr);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			*size = len;
			rec = hdr + 2;
			break;
		}
		cons = record_end(cons, len);
	}
	if (cons != start)
		__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
	return rec;
}

void ring_reader_close(struct ring_reader *r)
{
	if (r->consumer_pos)
		munmap(r->consumer_pos, r->page);
	if (r->producer_pos)
		munmap((void *)r->producer_pos, r->page + 2 * r->size);
	memset(r, 0, sizeof(*r));
}
