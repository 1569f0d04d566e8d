// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "clsact.h"
#include "log.h"
#include "netns.h"

/* uapi values since Linux 6.6; Debian 12's headers predate them. */
#define NSTRACE_BPF_TCX_INGRESS 46
#define NSTRACE_BPF_TCX_EGRESS 47

const char *attach_mode_name(enum attach_mode mode)
{
	switch (mode) {
	case ATTACH_TCX:
		return "tcx";
	case ATTACH_CLSACT:
		return "clsact";
	default:
		return "auto";
	}
}

static const char *dir_name(__u8 dir)
{
	return dir == NSTRACE_DIR_INGRESS ? "ingress" : "egress";
}

static int prog_for(const struct attach_probe *probe, __u8 dir)
{
	return dir == NSTRACE_DIR_INGRESS ? probe->ingress_fd : probe->egress_fd;
}

static int attach_tcx(struct attach_point *p, const struct dev_target *t,
		      const struct attach_probe *probe)
{
	int type = p->dir == NSTRACE_DIR_INGRESS ? NSTRACE_BPF_TCX_INGRESS :
						   NSTRACE_BPF_TCX_EGRESS;
	int fd = bpf_link_create(prog_for(probe, p->dir), (int)t->ifindex,
				 (enum bpf_attach_type)type, NULL);

	if (fd < 0)
		return fd;
	p->link_fd = fd;
	return 0;
}

static int attach_clsact(struct attach_session *s, struct attach_point *p,
			 const struct attach_probe *probe)
{
	const struct dev_target *t = &s->targets[p->target];
	int err;

	/* Both hooks of a device share one qdisc: create it with the first. */
	if (p->dir == NSTRACE_DIR_INGRESS) {
		err = clsact_ensure(t->ifindex, &s->created_qdisc[p->target]);
		if (err)
			return err;
	}
	err = attach_state_record(&s->state, t, p->dir, s->created_qdisc[p->target]);
	if (err)
		return err;
	err = clsact_attach(t->ifindex, p->dir, prog_for(probe, p->dir));
	if (err == -EEXIST)
		return -EBUSY; /* a live nstrace: stale ones were cleaned before */
	if (!err)
		p->filter = true;
	return err;
}

static int register_hop(struct attach_point *p, const struct dev_target *t,
			const struct attach_probe *probe, struct hop_table *hops)
{
	struct nstrace_hop_key key = {
		.netns_cookie = t->netns_cookie,
		.ifindex = t->ifindex,
		.dir = p->dir,
	};
	struct hop hop = {
		.dir = p->dir,
		.ifindex = t->ifindex,
		.netns_cookie = t->netns_cookie,
	};
	int id;

	snprintf(hop.netns, sizeof(hop.netns), "%s", t->netns);
	snprintf(hop.dev, sizeof(hop.dev), "%s", t->dev);
	id = hop_table_add(hops, &hop);
	if (id < 0)
		return id;
	p->hop_id = (__u32)id;
	if (bpf_map_update_elem(probe->hops_map_fd, &key, &p->hop_id, BPF_ANY))
		return -errno;
	return 0;
}

static int attach_point(struct attach_session *s, struct attach_point *p,
			const struct attach_probe *probe, struct hop_table *hops)
{
	const struct dev_target *t = &s->targets[p->target];
	int home, err, back;

	/* Before attaching, so that the very first packet names its hop. */
	err = register_hop(p, t, probe, hops);
	if (err)
		return err;
	err = netns_enter(t->netns_fd, &home);
	if (err)
		return err;
	if (s->mode == ATTACH_CLSACT)
		err = attach_clsact(s, p, probe);
	else
		err = attach_tcx(p, t, probe);
	back = netns_leave(home);
	return err ? err : back;
}

static void describe_failure(const struct attach_session *s, const struct attach_point *p,
			     int err, char *msg, size_t len)
{
	const struct dev_target *t = &s->targets[p->target];
	char label[HOP_NAME_MAX + IF_NAMESIZE + 2];

	dev_target_label(t, label, sizeof(label));
	switch (err) {
	case -ENODEV:
		if (t->netns[0])
			snprintf(msg, len, "no device '%s' in namespace '%s' (it went away?)",
				 t->dev, t->netns);
		else
			snprintf(msg, len, "no device '%s' in the current namespace", t->dev);
		break;
	case -EPERM:
	case -EACCES:
		snprintf(msg, len,
			 "permission denied attaching to %s %s; nstrace needs root "
			 "(CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN)",
			 label, dir_name(p->dir));
		break;
	case -EBUSY:
		snprintf(msg, len,
			 "%s %s already carries an nstrace clsact filter of a running nstrace; "
			 "stop that one or use --attach tcx",
			 label, dir_name(p->dir));
		break;
	case -EINVAL:
		if (s->mode == ATTACH_TCX) {
			snprintf(msg, len,
				 "cannot attach a tcx link to %s %s: this kernel has no tcx "
				 "(needs Linux >= 6.6); use --attach clsact",
				 label, dir_name(p->dir));
			break;
		}
		/* fall through */
	default:
		snprintf(msg, len, "cannot attach to %s %s (%s): %s", label, dir_name(p->dir),
			 attach_mode_name(s->mode), strerror(-err));
	}
}

int attach_session_start(struct attach_session *s, struct dev_target *targets, int n_targets,
			 const struct attach_probe *probe, enum attach_mode mode,
			 struct hop_table *hops, char *err, size_t errlen)
{
	__u32 first_hop = hops->count;
	int lock = -1, ret = 0;

	memset(s, 0, sizeof(*s));
	s->state.fd = -1;
	/* Every attaching command first removes what killed runs left behind. */
	ret = attach_state_cleanup_quiet();
	if (ret)
		log_warn("cannot clean up after killed nstrace runs: %s", strerror(-ret));
	ret = 0;
	s->targets = targets;
	s->n_targets = n_targets;
	s->mode = mode == ATTACH_CLSACT ? ATTACH_CLSACT : ATTACH_TCX;
	s->points = calloc((size_t)n_targets * 2, sizeof(*s->points));
	s->created_qdisc = calloc((size_t)n_targets, sizeof(*s->created_qdisc));
	if (!s->points || !s->created_qdisc) {
		snprintf(err, errlen, "out of memory");
		attach_session_stop(s);
		return -ENOMEM;
	}

	for (int i = 0; i < n_targets * 2; i++) {
		struct attach_point *p = &s->points[i];

		p->target = i / 2;
		p->dir = i % 2 ? NSTRACE_DIR_EGRESS : NSTRACE_DIR_INGRESS;
		p->link_fd = -1;
		if (s->mode == ATTACH_CLSACT && lock < 0) {
			lock = run_lock_acquire();
			ret = lock < 0 ? lock : attach_state_create(&s->state);
			if (ret) {
				snprintf(err, errlen, "cannot write %s: %s", NSTRACE_RUN_DIR,
					 strerror(-ret));
				break;
			}
		}
		ret = attach_point(s, p, probe, hops);
		/* No tcx on this kernel: the first link tells; fall back once. */
		if (ret == -EINVAL && mode == ATTACH_AUTO && i == 0) {
			log_info("no tcx links on this kernel; using clsact + cls_bpf");
			hops->count = first_hop;
			s->mode = ATTACH_CLSACT;
			i--;
			continue;
		}
		if (ret) {
			describe_failure(s, p, ret, err, errlen);
			if (ret == -EINVAL && s->mode == ATTACH_TCX)
				ret = -EOPNOTSUPP; /* a kernel without tcx, not bad input */
			break;
		}
		s->n_points = i + 1;
	}
	run_lock_release(lock);
	if (ret)
		attach_session_stop(s);
	return ret;
}

static int detach_point(struct attach_session *s, struct attach_point *p)
{
	const struct dev_target *t = &s->targets[p->target];
	int home, err;

	if (p->link_fd >= 0) {
		close(p->link_fd); /* the last reference: the kernel detaches */
		p->link_fd = -1;
		return 0;
	}
	if (!p->filter)
		return 0;
	err = netns_enter(t->netns_fd, &home);
	if (err)
		return err;
	err = clsact_detach_own(t->ifindex, p->dir, false, NULL);
	if (netns_leave(home))
		err = -ENOTRECOVERABLE;
	if (err >= 0)
		p->filter = false;
	return err < 0 ? err : 0;
}

static int remove_qdisc(struct attach_session *s, int target)
{
	const struct dev_target *t = &s->targets[target];
	int home, err;

	err = netns_enter(t->netns_fd, &home);
	if (err)
		return err;
	err = clsact_remove_if_empty(t->ifindex, false);
	if (netns_leave(home))
		err = -ENOTRECOVERABLE;
	s->created_qdisc[target] = false;
	return err < 0 ? err : 0;
}

void attach_session_stop(struct attach_session *s)
{
	int lock = -1, failed = 0;

	if (s->mode == ATTACH_CLSACT && s->state.fd >= 0)
		lock = run_lock_acquire();
	for (int i = s->n_points - 1; i >= 0; i--) {
		struct attach_point *p = &s->points[i];
		int err = detach_point(s, p);

		if (err) {
			char label[HOP_NAME_MAX + IF_NAMESIZE + 2];

			dev_target_label(&s->targets[p->target], label, sizeof(label));
			log_warn("cannot detach from %s %s: %s; `nstrace cleanup` retries",
				 label, dir_name(p->dir), strerror(-err));
			failed++;
		}
	}
	s->n_points = 0;
	for (int i = s->n_targets - 1; s->created_qdisc && i >= 0; i--) {
		if (s->created_qdisc[i] && remove_qdisc(s, i))
			failed++;
	}
	if (!failed)
		attach_state_remove(&s->state);
	else if (s->state.fd >= 0)
		close(s->state.fd); /* unlocked now: `nstrace cleanup` takes over */
	s->state.fd = -1;
	run_lock_release(lock);
	free(s->points);
	free(s->created_qdisc);
	s->points = NULL;
	s->created_qdisc = NULL;
}
