// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "env_check.h"
#include "probe.skel.h"
#include "probe_loader.h"

static int check_config(const struct probe_config *cfg, char *msg, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	__u64 rb = cfg->ringbuf_bytes;

	if (cfg->snaplen > NSTRACE_SNAPLEN_MAX) {
		snprintf(msg, len, "snaplen %u is above the maximum %d", cfg->snaplen,
			 NSTRACE_SNAPLEN_MAX);
		return -EINVAL;
	}
	if (rb < PROBE_RINGBUF_MIN || rb > PROBE_RINGBUF_MAX || (rb & (rb - 1)) ||
	    rb % (__u64)page) {
		snprintf(msg, len,
			 "ring buffer size %llu is not a power of two between %llu and %llu",
			 (unsigned long long)rb, PROBE_RINGBUF_MIN, PROBE_RINGBUF_MAX);
		return -EINVAL;
	}
	return 0;
}

int probe_load(struct probe_bpf **out, const struct probe_config *cfg, char *msg, size_t len)
{
	struct probe_bpf *skel;
	__u32 key = 0;
	int err;

	*out = NULL;
	err = check_config(cfg, msg, len);
	if (!err)
		err = env_check(msg, len);
	if (err)
		return err;

	skel = probe_bpf__open();
	if (!skel) {
		err = -errno;
		snprintf(msg, len, "cannot open the embedded BPF probe: %s", strerror(-err));
		return err;
	}
	skel->rodata->snaplen = cfg->snaplen;
	/* Wake the reader early enough that a burst never fills the buffer. */
	skel->rodata->wake_bytes = cfg->wake_each_record ? 0 : cfg->ringbuf_bytes / 8;
	err = bpf_map__set_max_entries(skel->maps.events, (__u32)cfg->ringbuf_bytes);
	if (!err)
		err = probe_bpf__load(skel);
	if (err) {
		snprintf(msg, len,
			 "cannot load the BPF probe into the kernel: %s; run `nstrace -vv ...` "
			 "for the verifier's log",
			 strerror(-err));
		probe_bpf__destroy(skel);
		return err;
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.filter), &key, &cfg->filter, BPF_ANY)) {
		err = -errno;
		snprintf(msg, len, "cannot write the probe's filter: %s", strerror(-err));
		probe_bpf__destroy(skel);
		return err;
	}
	*out = skel;
	return 0;
}

void probe_fds(struct probe_bpf *skel, struct attach_probe *attach, int *events_fd,
	       int *hopstats_fd)
{
	attach->ingress_fd = bpf_program__fd(skel->progs.nstrace_ingress);
	attach->egress_fd = bpf_program__fd(skel->progs.nstrace_egress);
	attach->hops_map_fd = bpf_map__fd(skel->maps.hops);
	*events_fd = bpf_map__fd(skel->maps.events);
	*hopstats_fd = bpf_map__fd(skel->maps.hopstats);
}

void probe_unload(struct probe_bpf *skel)
{
	probe_bpf__destroy(skel);
}
