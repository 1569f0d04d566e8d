/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a clsact-mode nstrace attached, written down so that its filters can
 * be removed after it was killed (tcx links need none of this: they vanish
 * with the process).
 *
 * One file per process, NSTRACE_RUN_DIR/<pid>.state, held under an
 * exclusive flock(2) for the process's lifetime: the kernel drops the lock
 * when the process dies, even by SIGKILL, so "can I lock it?" tells a stale
 * file from a live one without trusting pids.  One line per hook:
 *   v1 <TAB> netns inode <TAB> netns ("." = nstrace's own) <TAB> device
 *      <TAB> ingress|egress <TAB> created_qdisc (0|1)
 * A flock on NSTRACE_RUN_DIR itself serialises attaching and cleaning, so a
 * cleaner never removes a qdisc another nstrace is about to use; whoever
 * releases it removes the directory when no state file is left in it.
 */
#ifndef NSTRACE_ATTACH_STATE_H
#define NSTRACE_ATTACH_STATE_H

#include <stdbool.h>
#include <stdio.h>

#include "dev_target.h"

#define NSTRACE_RUN_DIR "/run/nstrace"

struct attach_state {
	int fd; /* -1 when there is no state file */
	char path[128];
};

/* Lock NSTRACE_RUN_DIR, creating it (blocking); returns the fd to give
 * run_lock_release(), or -errno. */
int run_lock_acquire(void);
void run_lock_release(int lock_fd);

/* Create and lock this process's state file. */
int attach_state_create(struct attach_state *st);
/* Append one hook; call before attaching it so a kill never loses it. */
int attach_state_record(struct attach_state *st, const struct dev_target *t, __u8 dir,
			bool created_qdisc);
/* Everything recorded was removed: delete the file. */
void attach_state_remove(struct attach_state *st);

struct cleanup_report {
	int files; /* stale state files handled */
	int filters; /* nstrace filters removed */
	int qdiscs; /* clsact qdiscs removed (nstrace had created them) */
	int errors;
};

/*
 * Remove what dead nstrace processes left: for each stale state file, the
 * filters with nstrace's marks and the qdiscs nstrace created that are now
 * empty.  Says what it does on report (NULL: only at -v).  The caller holds
 * the run lock.
 */
int attach_state_cleanup(bool dry_run, FILE *report, struct cleanup_report *r);

/* The same at the start of every attaching command: takes the lock, says
 * what it removed only at -v. */
int attach_state_cleanup_quiet(void);

#endif
