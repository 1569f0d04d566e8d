/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Option values that several commands accept in the same form, parsed in
 * one place so that `--timeout` and `--attach` mean the same everywhere.
 * Each returns 0, or -EINVAL on bad input; the caller words the message.
 */
#ifndef NSTRACE_CLI_ARGS_H
#define NSTRACE_CLI_ARGS_H

#include "attach.h"

/* Seconds above 0, at most a year, decimals allowed ("30", "0.5"), as
 * milliseconds rounded to the nearest and never 0. */
int parse_seconds(const char *arg, unsigned long long *ms);
/* For getopt's ':' (a value missing) and '?' (an unknown option): says
 * which option, returns -EINVAL. */
int cli_bad_option(int c, char **argv);
/* "auto", "tcx" or "clsact". */
int parse_attach_mode(const char *arg, enum attach_mode *mode);

#endif
