// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <time.h>

#include "loop.h"

static int watch_fd(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

int loop_init(struct loop *l)
{
	sigset_t mask;
	int err;

	memset(l, 0, sizeof(*l));
	l->epfd = l->sigfd = l->timerfd = -1;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	/* A closed stdout pipe then ends the run cleanly instead of killing it. */
	sigaddset(&mask, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &mask, &l->old_mask))
		return -errno;
	l->masked = true;
	/* A shell starts background jobs with SIGINT ignored; an ignored
	 * signal may never reach the signalfd, and Ctrl-C / kill -INT must
	 * still end the trace cleanly. Blocked, the default never runs. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	err = l->epfd < 0 || l->sigfd < 0 ? -errno : watch_fd(l->epfd, l->sigfd);
	if (err)
		loop_close(l);
	return err;
}

int loop_set_timeout(struct loop *l, unsigned long long timeout_ms)
{
	struct itimerspec its = {
		.it_value.tv_sec = (time_t)(timeout_ms / 1000),
		.it_value.tv_nsec = (long)(timeout_ms % 1000) * 1000000,
	};

	if (!timeout_ms || l->timerfd >= 0)
		return -EINVAL;
	l->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (l->timerfd < 0 || timerfd_settime(l->timerfd, 0, &its, NULL))
		return -errno;
	return watch_fd(l->epfd, l->timerfd);
}

int loop_add_fd(struct loop *l, int fd)
{
	return watch_fd(l->epfd, fd);
}

enum loop_event loop_wait(struct loop *l, int wait_ms)
{
	struct epoll_event evs[4];
	struct signalfd_siginfo si;
	int n = epoll_wait(l->epfd, evs, 4, wait_ms);

	/* Signals first: a stop request wins over more data. */
	if (read(l->sigfd, &si, sizeof(si)) == sizeof(si)) {
		l->signo = (int)si.ssi_signo;
		return LOOP_SIGNAL;
	}
	for (int i = 0; i < n; i++) {
		uint64_t expirations;

		if (evs[i].data.fd == l->timerfd &&
		    read(l->timerfd, &expirations, sizeof(expirations)) > 0)
			return LOOP_TIMEOUT;
	}
	return LOOP_TICK;
}

void loop_close(struct loop *l)
{
	struct signalfd_siginfo si;

	if (l->timerfd >= 0)
		close(l->timerfd);
	if (l->sigfd >= 0) {
		/* Already acted upon: they must not kill us once unblocked. */
		while (read(l->sigfd, &si, sizeof(si)) == sizeof(si))
			;
		close(l->sigfd);
	}
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->masked)
		sigprocmask(SIG_SETMASK, &l->old_mask, NULL);
	l->masked = false;
	l->epfd = l->sigfd = l->timerfd = -1;
}

__u64 loop_clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}
