// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_parts.h"
#include "sg_counters.h"
#include "str_copy.h"

#define SG_PREFIX "neutron-openvswi-"
#define SG_FALLBACK SG_PREFIX "sg-fallback"

void sg_chain_name(char *buf, size_t len, char kind, const char *port_uuid)
{
	snprintf(buf, len, SG_PREFIX "%c%.*s", kind, SG_PORT_PREFIX, port_uuid);
}

/* DROP, REJECT, or the fallback chain (whose only rule drops). */
static bool drops(const struct ipt_rule *r)
{
	const char *j = strstr(r->spec, "-j ");

	return ipt_rule_drops(r) || (j && !strncmp(j + 3, SG_FALLBACK, strlen(SG_FALLBACK)));
}

static int chain_check(const struct ipt_snapshot *before, const struct ipt_snapshot *after,
		       const char *chain, const char *where, const char *exec_prefix,
		       struct verdict_checks *out, bool *any)
{
	struct verdict_check c = { .status = CHECK_PASS };
	struct sbuf sb;
	int rose = 0;

	sb_init(&sb, c.detail, sizeof(c.detail));
	for (size_t i = 0; i < after->n; i++) {
		const struct ipt_rule *r = &after->rules[i];
		__u64 delta = ipt_rule_rise(before, r);

		if (strcmp(r->chain, chain) || !delta)
			continue;
		if (drops(r))
			c.status = CHECK_FAIL;
		sb_printf(&sb, "%s+%llu packet%s: %s", rose++ ? "; " : "",
			  (unsigned long long)delta, delta == 1 ? "" : "s", r->spec);
	}
	if (!rose)
		return 0;
	*any = true;
	STR_COPY(c.name, "sg-counters");
	snprintf(c.subject, sizeof(c.subject), "%s on %s", chain, where);
	snprintf(c.command, sizeof(c.command), "%siptables -L %s -v -x -n", exec_prefix, chain);
	return verdict_checks_add(out, &c);
}

int sg_checks(const struct ipt_snapshot *before, const struct ipt_snapshot *after,
	      const char *port_uuid, const char *where, const char *exec_prefix,
	      struct verdict_checks *out)
{
	static const char kinds[] = { 'o', 's', 'i' };
	struct verdict_check c = { .status = CHECK_PASS };
	char chains[3][IPT_CHAIN_MAX + 8];
	bool any = false;

	STR_COPY(c.name, "sg-counters");
	for (int k = 0; k < 3; k++)
		sg_chain_name(chains[k], sizeof(chains[k]), kinds[k], port_uuid);
	snprintf(c.subject, sizeof(c.subject), "security-group chains of port %.*s on %s",
		 SG_PORT_PREFIX, port_uuid, where);
	snprintf(c.command, sizeof(c.command), "%siptables-save -c -t filter | grep %.*s",
		 exec_prefix, SG_PORT_PREFIX, port_uuid);
	if (ipt_unreadable(before, after, c.detail, sizeof(c.detail))) {
		c.status = CHECK_UNKNOWN;
		return verdict_checks_add(out, &c);
	}
	for (int k = 0; k < 3; k++)
		if (chain_check(before, after, chains[k], where, exec_prefix, out, &any))
			return -ENOMEM;
	if (any)
		return 0;
	snprintf(c.detail, sizeof(c.detail),
		 "no rule of %s, %s or %s counted a packet during the trace", chains[0], chains[1],
		 chains[2]);
	return verdict_checks_add(out, &c);
}
