/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A device to trace, as the user wrote it ("[NETNS/]DEV") and as the kernel
 * knows it (namespace fd and cookie, ifindex).
 */
#ifndef NSTRACE_DEV_TARGET_H
#define NSTRACE_DEV_TARGET_H

#include <stddef.h>
#include <sys/types.h>

#include "hops.h"

struct dev_target {
	char netns[HOP_NAME_MAX]; /* as given; "" = nstrace's own namespace */
	char dev[IF_NAMESIZE];
	int netns_fd; /* -1 until resolved; kept open while tracing */
	ino_t netns_ino;
	__u64 netns_cookie;
	__u32 ifindex;
};

/*
 * Split "[NETNS/]DEV": NETNS is a /run/netns name or an absolute path such as
 * /proc/PID/ns/net/DEV (the device is always after the last '/').
 * Returns -EINVAL with a message in err when the spec is malformed.
 */
int dev_target_parse(struct dev_target *t, const char *spec, char *err, size_t errlen);

/*
 * Open the namespace and find the device.  Returns -ENOENT (no such
 * namespace), -ENODEV (no such device in it) or another -errno, with a
 * message naming the culprit in err.
 */
int dev_target_resolve(struct dev_target *t, char *err, size_t errlen);

void dev_target_close(struct dev_target *t);

/* "NETNS/DEV", or "DEV" in nstrace's own namespace. */
void dev_target_label(const struct dev_target *t, char *buf, size_t len);

#endif
