/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What must be true before nstrace loads anything: privileges and BTF. */
#ifndef NSTRACE_ENV_CHECK_H
#define NSTRACE_ENV_CHECK_H

#include <stddef.h>

/*
 * 0 when the process may load and attach tc programs and enter namespaces;
 * otherwise -EPERM (capabilities; msg names the missing ones) or -ENOENT
 * (no kernel BTF), with a message that says what to do.
 */
int env_check(char *msg, size_t len);

#endif
