/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Run a read-only tool (iptables-save, ...) inside a network namespace
 * and capture what it prints: the evidence a runbook check reads the way
 * an operator would.  The child gets a clean signal mask (nstrace blocks
 * its stop signals) and no stdin.
 */
#ifndef NSTRACE_NS_EXEC_H
#define NSTRACE_NS_EXEC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * argv[0] is looked up in PATH; ns_path is a path setns() accepts, or ""
 * for nstrace's own namespace.  *out (malloc'd, NUL-terminated) gets its
 * standard output.  Returns the exit status (0..255), or -errno when it
 * could not run (-ENOENT: no such program).
 */
int ns_exec_capture(const char *ns_path, char *const argv[], char **out);
/* The same, with its standard error too when with_stderr (what a tool
 * says when it fails). */
int ns_exec_capture_all(const char *ns_path, char *const argv[], bool with_stderr, char **out);

#endif
