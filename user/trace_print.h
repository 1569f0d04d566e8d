/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A correlated timeline as a person reads a path trace: one line per hop
 * with the node, namespace/device, role and direction from the hop table,
 * what carries the packet there (VLAN tags, tunnel and key), microseconds
 * since the first hop and since the previous one, and kernel drops with
 * their reason and the function that dropped.  Used by `nstrace dhcp` and
 * `nstrace ping`; the JSON form is timeline_print_json() (same hops).
 *
 *   DISCOVER xid 0x75a86c59 from fa:16:3e:eb:d2:1c: 9 hops in 229.114 us
 *        +0.000     +0.000  compute1  vm-a1/eth0          vm        out
 *      +204.531   +150.002  compute1  compute1/eth1       underlay  out  gre key 0x65 ...
 */
#ifndef NSTRACE_TRACE_PRINT_H
#define NSTRACE_TRACE_PRINT_H

#include <stdio.h>

#include "correlate.h"
#include "hops.h"

/* title: the first words of the header line ("DISCOVER xid 0x..."). */
void trace_timeline_text(FILE *out, const struct timeline *t, const struct hop_table *hops,
			 const char *title);
/* "NETFILTER_DROP in nft_do_chain+0x3e8" (reason name, else its number). */
void trace_drop_text(char *buf, size_t len, __u32 reason, __u64 location);

#endif
