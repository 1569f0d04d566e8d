/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The one Check runner: runs every registered suite, forked per test. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

#define MAX_SUITES 64

static nstrace_suite_fn suites[MAX_SUITES];
static int n_suites;

void nstrace_register_suite(nstrace_suite_fn fn)
{
	if (n_suites == MAX_SUITES) {
		fprintf(stderr, "runner: more than %d suites\n", MAX_SUITES);
		abort();
	}
	suites[n_suites++] = fn;
}

static char srcdir[PATH_MAX];
static char bin[PATH_MAX + 32]; /* srcdir + "/build/nstrace" */

const char *nstrace_srcdir(void)
{
	return srcdir;
}

const char *nstrace_bin(void)
{
	return bin;
}

/* The runner lives in build/; the tree is its parent unless told. */
static void find_paths(const char *argv0)
{
	const char *env = getenv("NSTRACE_SRCDIR");
	char self[PATH_MAX];

	if (env) {
		snprintf(srcdir, sizeof(srcdir), "%s", env);
	} else if (realpath(argv0, self)) {
		char *slash = strrchr(self, '/');

		if (slash)
			*slash = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		snprintf(srcdir, sizeof(srcdir), "%s", self);
	} else {
		snprintf(srcdir, sizeof(srcdir), ".");
	}
	env = getenv("NSTRACE_BIN");
	if (env)
		snprintf(bin, sizeof(bin), "%s", env);
	else
		snprintf(bin, sizeof(bin), "%s/build/nstrace", srcdir);
}

int main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	(void)argc;
	find_paths(argv[0]);
	if (n_suites == 0) {
		fprintf(stderr, "runner: no suites registered\n");
		return 1;
	}
	sr = srunner_create(suites[0]());
	for (int i = 1; i < n_suites; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
