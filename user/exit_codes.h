/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* nstrace's exit codes, documented in README.md and `nstrace --help`. */
#ifndef NSTRACE_EXIT_CODES_H
#define NSTRACE_EXIT_CODES_H

#define NST_EXIT_OK 0 /* success; for dhcp/ping: the exchange completed */
#define NST_EXIT_FAULT 1 /* dhcp/ping: a fault was found */
#define NST_EXIT_USAGE 2 /* bad input or usage: nothing was attached */
#define NST_EXIT_NO_TRAFFIC 3 /* no matching traffic before the timeout */
#define NST_EXIT_ENV 4 /* missing privileges or kernel features */
#define NST_EXIT_RUNTIME 5 /* an operation failed at run time */

/*
 * The exit code for a setup failure given as -errno: the user named
 * something that is not there (2), the system refused (4), or it broke (5).
 */
int exit_code_for_errno(int err);

#endif
