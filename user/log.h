/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Messages to stderr, quiet unless asked; libbpf's output goes through it. */
#ifndef NSTRACE_LOG_H
#define NSTRACE_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Route libbpf's messages: warnings only at -v, debug at -vv. */
void log_hook_libbpf(void);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
