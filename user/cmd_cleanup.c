// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* nstrace cleanup: remove the clsact probes of nstrace runs that were killed. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "attach_state.h"
#include "clsact.h"
#include "commands.h"
#include "env_check.h"
#include "exit_codes.h"
#include "log.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: nstrace cleanup [--dry-run]\n"
		"\n"
		"Remove what killed nstrace runs left behind.  Probes attached as tcx links\n"
		"(the default) vanish with their process, even after SIGKILL; probes attached\n"
		"with --attach clsact (or on kernels without tcx) are cls_bpf filters that\n"
		"stay until removed.  Every clsact run records them in %s/PID.state;\n"
		"for each such file whose process is gone this command removes\n"
		"  - the filters with nstrace's marks (pref %d, handle 0x%x, program\n"
		"    named %s*), and\n"
		"  - the clsact qdisc, only if that nstrace created it and no other\n"
		"    filter is left on it.\n"
		"It never touches a filter or qdisc that is not nstrace's, nor the probes\n"
		"of a running nstrace.  Every attaching command does the same, quietly,\n"
		"when it starts.\n"
		"\n"
		"Options:\n"
		"  -n, --dry-run  say what would be removed, remove nothing\n"
		"  -h, --help     this help\n"
		"\n"
		"Example:\n"
		"  nstrace cleanup --dry-run && nstrace cleanup\n"
		"\n"
		"Exit codes: 0 done (also when there was nothing to do), 2 usage,\n"
		"4 not root, 5 something could not be removed (see the messages).\n",
		NSTRACE_RUN_DIR, NSTRACE_TC_PRIO, NSTRACE_TC_HANDLE, NSTRACE_PROG_PREFIX);
}

int cmd_cleanup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct cleanup_report r;
	bool dry_run = false;
	char msg[256];
	int c, err, lock;

	optind = 1;
	while ((c = getopt_long(argc, argv, "nh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			dry_run = true;
			break;
		case 'h':
			usage(stdout);
			return NST_EXIT_OK;
		default:
			fprintf(stderr, "run `nstrace cleanup --help` for the options\n");
			return NST_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument '%s'; `nstrace cleanup` takes no operands",
			  argv[optind]);
		return NST_EXIT_USAGE;
	}
	/* Without BTF nothing could have been attached, but cleaning still works. */
	err = env_check(msg, sizeof(msg));
	if (err == -EPERM) {
		log_error("%s", msg);
		return NST_EXIT_ENV;
	}
	lock = run_lock_acquire();
	if (lock < 0) {
		log_error("cannot lock %s: %s", NSTRACE_RUN_DIR, strerror(-lock));
		return NST_EXIT_RUNTIME;
	}
	err = attach_state_cleanup(dry_run, stdout, &r);
	run_lock_release(lock);
	if (err) {
		log_error("cannot read %s: %s", NSTRACE_RUN_DIR, strerror(-err));
		return NST_EXIT_RUNTIME;
	}
	if (!r.files)
		printf("nothing to clean up: no state left by a killed nstrace\n");
	else
		printf("%s %d filter%s and %d qdisc%s left by %d killed nstrace run%s\n",
		       dry_run ? "would remove" : "removed", r.filters, r.filters == 1 ? "" : "s",
		       r.qdiscs, r.qdiscs == 1 ? "" : "s", r.files, r.files == 1 ? "" : "s");
	if (r.errors) {
		log_error("%d item%s could not be removed; the state is kept for another try",
			  r.errors, r.errors == 1 ? "" : "s");
		return NST_EXIT_RUNTIME;
	}
	return NST_EXIT_OK;
}
