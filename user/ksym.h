/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel addresses to "function+0xoff", from /proc/kallsyms, so that a
 * drop's location reads as the kernel function that freed the packet.
 * The table is read on first use and kept; without it (no permission,
 * kptr_restrict) ksym_name() says so by returning NULL.
 */
#ifndef NSTRACE_KSYM_H
#define NSTRACE_KSYM_H

#include <stddef.h>

#include <linux/types.h>

/* "__udp4_lib_rcv+0x5bf" into buf, or NULL when addr is unknown. */
const char *ksym_name(__u64 addr, char *buf, size_t len);
/* Load the table from path instead (tests); -errno on failure. */
int ksym_load(const char *path);
void ksym_free(void);

#endif
