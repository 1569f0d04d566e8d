/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One table of a namespace's iptables as `iptables-save -c` prints it:
 * its rules (and the built-in chains' policies) with their packet
 * counters, so that two snapshots taken around a trace say which rules
 * the traced packets met.
 */
#ifndef NSTRACE_IPT_SNAPSHOT_H
#define NSTRACE_IPT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#define IPT_CHAIN_MAX 32 /* the kernel's limit is 29 characters */

struct ipt_rule {
	char chain[IPT_CHAIN_MAX];
	char *spec; /* the rule after "-A CHAIN ", or "policy DROP" */
	bool policy; /* a built-in chain's policy: what it does to what no rule took */
	unsigned int nth; /* among identical rules of the chain, from 0 */
	__u64 pkts, bytes;
};

struct ipt_snapshot {
	struct ipt_rule *rules;
	size_t n;
	int err; /* -errno when it could not be read */
};

/* Rules of the filter table whose chain starts with prefix, from
 * `iptables-save -c` text. -ENOMEM only. */
int ipt_parse(const char *text, const char *prefix, struct ipt_snapshot *out);
/* Run iptables-save -c -t filter in the namespace (ns_path "" = ours);
 * failures are kept in out->err. */
void ipt_snapshot_read(const char *ns_path, const char *prefix, struct ipt_snapshot *out);
/* The same for another table ("nat", "mangle", "raw"). */
int ipt_parse_table(const char *text, const char *table, const char *prefix,
		    struct ipt_snapshot *out);
void ipt_snapshot_read_table(const char *ns_path, const char *table, const char *prefix,
			     struct ipt_snapshot *out);
void ipt_snapshot_free(struct ipt_snapshot *s);

/* Either snapshot could not be read: why, for a person, into why. */
bool ipt_unreadable(const struct ipt_snapshot *before, const struct ipt_snapshot *after,
		    char *why, size_t len);
/* Packets r counted since before (all of them when before lacks r, or
 * when its counters were reset since). */
__u64 ipt_rule_rise(const struct ipt_snapshot *before, const struct ipt_rule *r);
/* r ends a packet's way: -j DROP or REJECT, or a DROP policy. */
bool ipt_rule_drops(const struct ipt_rule *r);

#endif
