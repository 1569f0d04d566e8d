/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The main loop's waiting: one epoll over a signalfd (SIGINT, SIGTERM,
 * SIGHUP, SIGPIPE, blocked so no handler ever runs), a timerfd for
 * --timeout, and the caller's fds (the ring buffer's).  Stopping is always
 * the loop's decision, so the cleanup code runs on every way out.
 */
#ifndef NSTRACE_LOOP_H
#define NSTRACE_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include <linux/types.h>

enum loop_event {
	LOOP_TICK, /* a caller fd is ready or the wait timed out: drain */
	LOOP_SIGNAL, /* a stop signal arrived (loop.signo says which) */
	LOOP_TIMEOUT, /* --timeout passed */
};

struct loop {
	int epfd;
	int sigfd;
	int timerfd; /* -1 without a timeout */
	int signo;
	sigset_t old_mask;
	bool masked;
};

/*
 * Block the stop signals and set up the fds; call before attaching so a
 * signal during attach is held until the loop can act on it.
 */
int loop_init(struct loop *l);
/* Stop with LOOP_TIMEOUT timeout_ms from now (call once, after attaching). */
int loop_set_timeout(struct loop *l, unsigned long long timeout_ms);
int loop_add_fd(struct loop *l, int fd);
/* Wait up to wait_ms (0 = just look). */
enum loop_event loop_wait(struct loop *l, int wait_ms);
/* Close the fds and restore the signal mask (pending signals then act). */
void loop_close(struct loop *l);

/* clk (CLOCK_MONOTONIC: the events' clock, CLOCK_REALTIME) in ns. */
__u64 loop_clock_ns(clockid_t clk);

#endif
