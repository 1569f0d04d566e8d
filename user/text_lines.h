/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Walking a tool's captured output line by line, each into a bounded
 * buffer (a longer line is cut there, by design). */
#ifndef NSTRACE_TEXT_LINES_H
#define NSTRACE_TEXT_LINES_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The line at *p, without its newline, into line; *p moves past it.
 * False at the end of the text. */
static inline bool text_next_line(const char **p, char *line, size_t len)
{
	const char *nl;
	size_t n;

	if (!**p)
		return false;
	nl = strchr(*p, '\n');
	n = nl ? (size_t)(nl - *p) : strlen(*p);
	snprintf(line, len, "%.*s", (int)n, *p);
	*p += n + (nl ? 1 : 0);
	return true;
}

#endif
