/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Attach the probe's two programs at ingress and egress of a list of
 * devices, all or nothing, and detach them again in reverse order.
 *
 * tcx links (kernel >= 6.6) are preferred: they are created while inside
 * the device's namespace, keep working after we return, and vanish with
 * the process, so even SIGKILL leaves nothing.  The fallback is clsact +
 * cls_bpf (see clsact.h), recorded in a state file (see attach_state.h).
 * Each (netns, ifindex, direction) becomes a hop: an id in the hop table and
 * an entry of the probe's "hops" map, so events name their hop.
 */
#ifndef NSTRACE_ATTACH_H
#define NSTRACE_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "attach_state.h"
#include "dev_target.h"
#include "hops.h"

enum attach_mode {
	ATTACH_AUTO, /* tcx, or clsact when the kernel has no tcx */
	ATTACH_TCX,
	ATTACH_CLSACT,
};

/* The loaded probe, as the attach layer needs it. */
struct attach_probe {
	int ingress_fd; /* program fds */
	int egress_fd;
	int hops_map_fd;
};

struct attach_point {
	int target; /* index into the session's targets */
	__u8 dir;
	__u32 hop_id;
	int link_fd; /* tcx link; -1 for clsact */
	bool filter; /* clsact: our filter is attached */
};

struct attach_session {
	enum attach_mode mode; /* what is in use: ATTACH_TCX or ATTACH_CLSACT */
	struct dev_target *targets; /* resolved, owned by the caller */
	int n_targets;
	bool *created_qdisc; /* per target, clsact only */
	struct attach_point *points;
	int n_points;
	struct attach_state state;
};

/*
 * Attach to every target (resolved with dev_target_resolve), after removing
 * what killed nstrace runs left (attach_state_cleanup_quiet).  On failure
 * everything already attached is removed again and err names the hop and
 * the reason.  Returns 0 or -errno: -ENODEV (device gone), -EPERM,
 * -EOPNOTSUPP (tcx asked for but unavailable), -EBUSY (clsact hook held by
 * another live nstrace), ...
 */
int attach_session_start(struct attach_session *s, struct dev_target *targets, int n_targets,
			 const struct attach_probe *probe, enum attach_mode mode,
			 struct hop_table *hops, char *err, size_t errlen);

/* Detach everything, newest first; safe to call twice. */
void attach_session_stop(struct attach_session *s);

const char *attach_mode_name(enum attach_mode mode);

#endif
