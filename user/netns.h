/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Network namespaces as nstrace names them: "" is the namespace nstrace runs
 * in, a bare name lives under /run/netns (as `ip netns add` makes it), an
 * absolute path is any nsfs file such as /proc/PID/ns/net.
 * Entering is per thread (setns); nstrace is single-threaded.
 */
#ifndef NSTRACE_NETNS_H
#define NSTRACE_NETNS_H

#include <stdbool.h>
#include <sys/types.h>

#include <linux/types.h>

#define NETNS_RUN_DIR "/run/netns"

/*
 * Open the namespace named by spec.  Returns an O_CLOEXEC fd, -ENOENT when
 * it does not exist, -EINVAL when spec is malformed or the file is not a
 * network namespace.
 */
int netns_open(const char *spec);

/*
 * Enter ns_fd.  *home_fd receives an fd of the namespace we left, kept open
 * so that netns_leave() can always come back.
 */
int netns_enter(int ns_fd, int *home_fd);
/* Go back to home_fd (from netns_enter) and close it. */
int netns_leave(int home_fd);

/* Cookie of the current namespace (what bpf_get_netns_cookie returns). */
int netns_current_cookie(__u64 *cookie);

/* Identity of a namespace fd that survives reopening: nsfs inode. */
int netns_ino(int ns_fd, ino_t *ino);

/* Cookie of ns_fd and the ifindex of dev inside it (-ENODEV if absent). */
int netns_dev_lookup(int ns_fd, const char *dev, __u64 *cookie, __u32 *ifindex);

/* A label for messages: "current namespace" for "", NAME for
 * /run/netns/NAME, the spec otherwise. */
const char *netns_label(const char *spec);

#endif
