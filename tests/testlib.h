/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Test registration: every .c file in tests/ declares its suites with
 * NSTRACE_SUITE(name) { ... return suite; } and the single runner
 * (tests/runner.c) runs them all, so adding a test file needs no list.
 * Run one suite with CK_RUN_SUITE=name, one case with CK_RUN_CASE=name.
 */
#ifndef NSTRACE_TESTLIB_H
#define NSTRACE_TESTLIB_H

#include <check.h>
#include <stdbool.h>
#include <unistd.h>

typedef Suite *(*nstrace_suite_fn)(void);
void nstrace_register_suite(nstrace_suite_fn fn);

#define NSTRACE_SUITE(name)                                                   \
	static Suite *name##_suite(void);                                     \
	__attribute__((constructor)) static void name##_register(void)        \
	{                                                                     \
		nstrace_register_suite(name##_suite);                         \
	}                                                                     \
	static Suite *name##_suite(void)

/* Root-only tests skip (and say so) when not root; as root nothing skips. */
#define REQUIRE_ROOT()                                                        \
	do {                                                                  \
		if (geteuid() != 0) {                                         \
			fprintf(stderr, "SKIP %s: needs root\n", __func__);   \
			return;                                               \
		}                                                             \
	} while (0)

/* Path of the built nstrace binary, for end-to-end tests. */
const char *nstrace_bin(void);
/* Top of the source tree (where scripts/ lives). */
const char *nstrace_srcdir(void);

#endif
