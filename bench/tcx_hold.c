// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The floor of a tcx-attached tracer for scripts/bench-live.sh: the empty
 * tc program (bpf/empty.bpf.c) attached through tcx links, as nstrace
 * attaches its probe, at ingress and egress of each device given.
 *
 *   build/bench/tcx_hold [NETNS/]DEV ...
 *
 * Prints "attached" once every link is in place, then waits for SIGTERM
 * or SIGINT; the links are closed with the process, so nothing stays.
 * Exit status: 0 after the signal, 2 bad usage or no such device,
 * 4 not root / no tcx, 5 another failure.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dev_target.h"
#include "empty.skel.h"
#include "exit_codes.h"
#include "netns.h"

/* uapi values since Linux 6.6; Debian 12's headers predate them. */
#define TCX_INGRESS 46
#define TCX_EGRESS 47
#define MAX_DEVS 16

static void usage(FILE *out)
{
	fprintf(out, "usage: tcx_hold [NETNS/]DEV ... (at most %d devices)\n", MAX_DEVS);
}

/* Both hooks of one device; link fds go to links[0..1]. */
static int attach_device(const struct dev_target *t, int prog_fd, int *links)
{
	static const int types[2] = { TCX_INGRESS, TCX_EGRESS };
	int home, err = 0, back, i;

	/* The ifindex is looked up in the caller's namespace: enter the device's. */
	err = netns_enter(t->netns_fd, &home);
	if (err)
		return err;
	for (i = 0; i < 2 && !err; i++) {
		links[i] = bpf_link_create(prog_fd, (int)t->ifindex,
					   (enum bpf_attach_type)types[i], NULL);
		if (links[i] < 0)
			err = links[i];
	}
	back = netns_leave(home);
	return err ? err : back;
}

/* Block the stop signals and take them with sigwait: no handler at all. */
static int wait_for_stop(void)
{
	sigset_t set;
	int sig;

	/* A background job of a shell starts with SIGINT ignored; an ignored
	 * signal is discarded even while blocked, so restore the default. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	printf("attached\n");
	fflush(stdout);
	return -sigwait(&set, &sig);
}

int main(int argc, char **argv)
{
	struct dev_target targets[MAX_DEVS];
	int links[2 * MAX_DEVS];
	int n = argc - 1, n_links = 0, status = NST_EXIT_RUNTIME, err, i;
	struct empty_bpf *empty = NULL;
	char msg[256];

	if (n >= 1 && !strcmp(argv[1], "-h")) {
		usage(stdout);
		return NST_EXIT_OK;
	}
	if (n < 1 || n > MAX_DEVS) {
		usage(stderr);
		return NST_EXIT_USAGE;
	}
	for (i = 0; i < n; i++)
		targets[i].netns_fd = -1;
	for (i = 0; i < n; i++) {
		err = dev_target_parse(&targets[i], argv[i + 1], msg, sizeof(msg));
		if (!err)
			err = dev_target_resolve(&targets[i], msg, sizeof(msg));
		if (err) {
			fprintf(stderr, "tcx_hold: %s\n", msg);
			status = exit_code_for_errno(err);
			goto out;
		}
	}
	if (geteuid() != 0) {
		fprintf(stderr, "tcx_hold: needs root (BPF programs and links)\n");
		status = NST_EXIT_ENV;
		goto out;
	}
	empty = empty_bpf__open_and_load();
	if (!empty) {
		fprintf(stderr, "tcx_hold: cannot load build/bpf/empty.bpf.o: %s\n",
			strerror(errno));
		status = NST_EXIT_ENV;
		goto out;
	}
	for (i = 0; i < n; i++) {
		links[n_links] = links[n_links + 1] = -1;
		err = attach_device(&targets[i], bpf_program__fd(empty->progs.nstrace_empty),
				    &links[n_links]);
		n_links += (links[n_links] >= 0) + (links[n_links + 1] >= 0);
		if (err) {
			fprintf(stderr,
				"tcx_hold: cannot attach tcx links to %s: %s (a kernel "
				"older than 6.6 has no tcx)\n",
				argv[i + 1], strerror(-err));
			status = exit_code_for_errno(err);
			goto out;
		}
	}
	err = wait_for_stop();
	if (err)
		fprintf(stderr, "tcx_hold: cannot wait for a signal: %s\n", strerror(-err));
	status = err ? NST_EXIT_RUNTIME : NST_EXIT_OK;
out:
	for (i = 0; i < n_links; i++)
		close(links[i]);
	empty_bpf__destroy(empty);
	for (i = 0; i < n; i++)
		dev_target_close(&targets[i]);
	return status;
}
