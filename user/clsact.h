/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The clsact + cls_bpf fallback, for kernels without tcx links.  Every
 * function acts in the caller's current network namespace.
 *
 * nstrace's filters are recognisable: priority NSTRACE_TC_PRIO, handle
 * NSTRACE_TC_HANDLE, program name starting with NSTRACE_PROG_PREFIX.
 * `tc filter show dev DEV ingress` prints them as
 *   filter protocol all pref 49374 bpf chain 0 handle 0x5e7ace nstrace_ingress ...
 * nstrace removes only filters that carry all three marks, and a clsact qdisc
 * only when it created it itself and no other filter remains on it.
 */
#ifndef NSTRACE_CLSACT_H
#define NSTRACE_CLSACT_H

#include <stdbool.h>

#include <linux/types.h>

#define NSTRACE_TC_PRIO 0xc0de /* 49374; tc priorities are 16 bits */
#define NSTRACE_TC_HANDLE 0x5e7ace
#define NSTRACE_PROG_PREFIX "nstrace"

/* Create the clsact qdisc unless present; *created says whether we did. */
int clsact_ensure(__u32 ifindex, bool *created);

/* Attach prog_fd as nstrace's filter; -EEXIST if another nstrace holds it. */
int clsact_attach(__u32 ifindex, __u8 dir, int prog_fd);

/*
 * Remove nstrace's filter on one hook if it is there and its program is an
 * nstrace one.  Returns 1 if removed, 0 if there was none, -errno on error.
 * *prog_id (optional) receives the id of the program that was found.
 */
int clsact_detach_own(__u32 ifindex, __u8 dir, bool dry_run, __u32 *prog_id);

/*
 * Number of filters on both clsact hooks; with skip_ours, those carrying
 * nstrace's priority and handle are not counted.  -errno on error.
 */
int clsact_filter_count(__u32 ifindex, bool skip_ours);

/*
 * Delete the clsact qdisc if no filter is left on it.  Returns 1 if deleted,
 * 0 if filters remain or there is no qdisc, -errno on error.
 */
int clsact_remove_if_empty(__u32 ifindex, bool dry_run);

/* Does the program with this id have an nstrace name? */
bool prog_is_nstrace(__u32 prog_id, char *name, size_t len);

#endif
