// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "clsact.h"
#include "nstrace_event.h"

static enum bpf_tc_attach_point tc_point(__u8 dir)
{
	return dir == NSTRACE_DIR_INGRESS ? BPF_TC_INGRESS : BPF_TC_EGRESS;
}

int clsact_ensure(__u32 ifindex, bool *created)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int err = bpf_tc_hook_create(&hook);

	/* EEXIST: someone else's qdisc (or an earlier nstrace's): never ours. */
	*created = err == 0;
	return err == -EEXIST ? 0 : err;
}

int clsact_attach(__u32 ifindex, __u8 dir, int prog_fd)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex,
			    .attach_point = tc_point(dir));
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NSTRACE_TC_HANDLE,
			    .priority = NSTRACE_TC_PRIO, .prog_fd = prog_fd);

	return bpf_tc_attach(&hook, &opts);
}

bool prog_is_nstrace(__u32 prog_id, char *name, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);
	bool ours = false;
	int fd = bpf_prog_get_fd_by_id(prog_id);

	if (fd < 0)
		return false;
	if (!bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		ours = !strncmp(info.name, NSTRACE_PROG_PREFIX, strlen(NSTRACE_PROG_PREFIX));
		if (name)
			snprintf(name, len, "%s", info.name);
	}
	close(fd);
	return ours;
}

int clsact_detach_own(__u32 ifindex, __u8 dir, bool dry_run, __u32 *prog_id)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex,
			    .attach_point = tc_point(dir));
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = NSTRACE_TC_HANDLE,
			    .priority = NSTRACE_TC_PRIO);
	int err = bpf_tc_query(&hook, &opts);

	/* No qdisc, no filter with our marks: nothing of ours is there. */
	if (err == -ENOENT || err == -EINVAL)
		return 0;
	if (err)
		return err;
	if (prog_id)
		*prog_id = opts.prog_id;
	if (!prog_is_nstrace(opts.prog_id, NULL, 0))
		return 0;
	if (dry_run)
		return 1;
	opts.prog_id = 0; /* bpf_tc_detach wants only handle and priority */
	opts.prog_fd = 0;
	opts.flags = 0;
	err = bpf_tc_detach(&hook, &opts);
	return err == -ENOENT ? 0 : err ? err : 1;
}

/*
 * nstrace's marks: the dump shows one message for the priority's classifier
 * (handle 0) and one per filter.
 */
static bool has_our_marks(const struct tcmsg *tc)
{
	return TC_H_MAJ(tc->tcm_info) >> 16 == NSTRACE_TC_PRIO &&
	       (tc->tcm_handle == 0 || tc->tcm_handle == NSTRACE_TC_HANDLE);
}

/* One RTM_GETTFILTER dump on a clsact hook; counts the replies. */
static int count_on_parent(int sock, __u32 ifindex, __u32 parent, bool skip_ours)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg tc;
	} req = {
		.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
		.nh.nlmsg_type = RTM_GETTFILTER,
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nh.nlmsg_seq = parent,
		.tc.tcm_family = AF_UNSPEC,
		.tc.tcm_ifindex = (int)ifindex,
		.tc.tcm_parent = parent,
	};
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	int count = 0;

	if (send(sock, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(sock, buf, sizeof(buf), 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		if (n < 0)
			return -errno;
		for (; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE)
				return count;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				return e->error ? e->error : count;
			}
			if (nh->nlmsg_type == RTM_NEWTFILTER &&
			    !(skip_ours && has_our_marks(NLMSG_DATA(nh))))
				count++;
		}
	}
}

int clsact_filter_count(__u32 ifindex, bool skip_ours)
{
	int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int in, eg;

	if (sock < 0)
		return -errno;
	in = count_on_parent(sock, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS), skip_ours);
	eg = in < 0 ? in :
		      count_on_parent(sock, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS),
				      skip_ours);
	close(sock);
	if (in < 0)
		return in;
	return eg < 0 ? eg : in + eg;
}

int clsact_remove_if_empty(__u32 ifindex, bool dry_run)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	/* A dry run has not removed nstrace's filters: look past them. */
	int n = clsact_filter_count(ifindex, dry_run), err;

	if (n == -EINVAL || n == -ENOENT)
		return 0; /* no clsact qdisc any more */
	if (n < 0)
		return n;
	if (n > 0)
		return 0;
	if (dry_run)
		return 1;
	err = bpf_tc_hook_destroy(&hook);
	return err == -ENOENT || err == -EINVAL ? 0 : err ? err : 1;
}
