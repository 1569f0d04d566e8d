/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small ordered string -> string list: OVSDB maps (external_ids,
 * other_config, options) and similar key/value data.  Few entries each,
 * so lookups are linear.
 */
#ifndef NSTRACE_KVLIST_H
#define NSTRACE_KVLIST_H

#include <stddef.h>

struct kv {
	char *key;
	char *value;
};

struct kvlist {
	struct kv *items;
	size_t n;
};

/* Append a copy of key and value; -ENOMEM on failure. */
int kvlist_add(struct kvlist *l, const char *key, const char *value);
/* The value for key, or NULL. */
const char *kvlist_get(const struct kvlist *l, const char *key);
void kvlist_free(struct kvlist *l);

#endif
