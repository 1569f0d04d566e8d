/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "log.h"

static enum log_level current = LOG_WARN;

void log_set_level(enum log_level level)
{
	current = level;
}

enum log_level log_get_level(void)
{
	return current;
}

static const char *const prefix[] = {
	[LOG_ERROR] = "nstrace: error: ",
	[LOG_WARN] = "nstrace: warning: ",
	[LOG_INFO] = "nstrace: ",
	[LOG_DEBUG] = "nstrace: debug: ",
};

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > current)
		return;
	fputs(prefix[level], stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* libbpf is chatty about probing: its warnings are ours only with -v. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	enum log_level want = level == LIBBPF_DEBUG ? LOG_DEBUG : LOG_INFO;

	if (want > current)
		return 0;
	/* libbpf prefixes its own messages with "libbpf: " */
	return vfprintf(stderr, fmt, ap);
}

void log_hook_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
