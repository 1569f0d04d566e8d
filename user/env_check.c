// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "env_check.h"

#define BTF_PATH "/sys/kernel/btf/vmlinux"

static bool has_cap(const struct __user_cap_data_struct *data, int cap)
{
	return data[cap >> 5].effective & (1u << (cap & 31));
}

static int check_caps(char *msg, size_t len)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	char missing[96] = "";
	bool sys_admin;

	if (syscall(SYS_capget, &hdr, data)) {
		snprintf(msg, len, "cannot read this process's capabilities: %s",
			 strerror(errno));
		return -EPERM;
	}
	sys_admin = has_cap(data, CAP_SYS_ADMIN);
	/* The kernel accepts CAP_SYS_ADMIN in place of CAP_BPF. */
	if (!has_cap(data, CAP_BPF) && !sys_admin)
		strcat(missing, ", CAP_BPF");
	if (!has_cap(data, CAP_NET_ADMIN))
		strcat(missing, ", CAP_NET_ADMIN");
	if (!sys_admin)
		strcat(missing, ", CAP_SYS_ADMIN");
	if (!missing[0])
		return 0;
	snprintf(msg, len,
		 "nstrace needs root to load eBPF probes and enter namespaces: missing %s%s; "
		 "run it as root with all capabilities (sudo nstrace ...)",
		 missing + 2, geteuid() ? " (not running as root)" : "");
	return -EPERM;
}

int env_check(char *msg, size_t len)
{
	int err = check_caps(msg, len);

	if (err)
		return err;
	if (access(BTF_PATH, R_OK)) {
		snprintf(msg, len,
			 "kernel has no BTF (%s: %s): nstrace needs a kernel built with "
			 "CONFIG_DEBUG_INFO_BTF=y",
			 BTF_PATH, strerror(errno));
		return -ENOENT;
	}
	return 0;
}
