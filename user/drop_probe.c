// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

/* The skeletons name struct nstrace_filter (the filter data section). */
#include "nstrace_event.h"
#include "drop.skel.h"
#include "drop_probe.h"
#include "probe.skel.h"

int drop_probe_attach(struct drop_bpf **out, struct probe_bpf *probe, __u32 snaplen, char *msg,
		      size_t len)
{
	struct drop_bpf *skel;
	int err;

	*out = NULL;
	skel = drop_bpf__open();
	if (!skel) {
		err = -errno;
		snprintf(msg, len, "cannot open the embedded drop probe: %s", strerror(-err));
		return err;
	}
	skel->rodata->snaplen = snaplen;
	err = bpf_map__reuse_fd(skel->maps.data_filter, bpf_map__fd(probe->maps.data_filter));
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.events, bpf_map__fd(probe->maps.events));
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.burst, bpf_map__fd(probe->maps.burst));
	if (err) {
		snprintf(msg, len, "cannot share the probe's maps with the drop probe: %s",
			 strerror(-err));
		goto fail;
	}
	err = drop_bpf__load(skel);
	if (err) {
		snprintf(msg, len,
			 "cannot load the drop probe (tp_btf/kfree_skb): %s; the kernel needs "
			 "BTF and the kfree_skb tracepoint with a drop reason (5.17 or later)",
			 strerror(-err));
		if (err == -ENOENT || err == -ESRCH || err == -EINVAL)
			err = -EOPNOTSUPP;
		goto fail;
	}
	err = drop_bpf__attach(skel);
	if (err) {
		snprintf(msg, len, "cannot attach the drop probe to tp_btf/kfree_skb: %s",
			 strerror(-err));
		goto fail;
	}
	*out = skel;
	return 0;
fail:
	drop_bpf__destroy(skel);
	return err;
}

void drop_probe_detach(struct drop_bpf *skel)
{
	drop_bpf__destroy(skel);
}
