/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <errno.h>
#include <stddef.h>

#include "hops.h"

int hop_table_add(struct hop_table *t, const struct hop *h)
{
	__u32 id = t->count + 1;

	if (id >= NSTRACE_MAX_HOPS)
		return -ENOSPC;
	t->hops[id] = *h;
	t->hops[id].id = id;
	t->count = id;
	return (int)id;
}

const struct hop *hop_table_get(const struct hop_table *t, __u32 id)
{
	if (id == 0 || id > t->count)
		return NULL;
	return &t->hops[id];
}
