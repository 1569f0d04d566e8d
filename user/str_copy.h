/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Bounded string copy for fixed-size name fields: always NUL-terminated,
 * truncating silently (names longer than their field are cut, by design). */
#ifndef NSTRACE_STR_COPY_H
#define NSTRACE_STR_COPY_H

#include <stddef.h>
#include <string.h>

static inline void str_copy(char *dst, size_t len, const char *src)
{
	size_t n;

	if (!len)
		return;
	n = strnlen(src, len - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

#define STR_COPY(dst, src) str_copy((dst), sizeof(dst), (src))

#endif
