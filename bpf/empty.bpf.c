// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The baseline for bench/probe_cost: a tc program that does nothing. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define TC_ACT_UNSPEC (-1)

SEC("tc")
int nstrace_empty(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
