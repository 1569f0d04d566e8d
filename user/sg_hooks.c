// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Whether a port's security group is consulted at all.  The hybrid
 * driver hooks a port in with two steps of physdev jumps: the
 * neutron-openvswi-FORWARD chain sends frames in from and out to the tap
 * to neutron-openvswi-sg-chain, which sends them to the port's o and i
 * chains.  With a jump missing, the port's chains never see its frames
 * and the rest of the FORWARD chain (its policy, often DROP) decides: a
 * NETFILTER_DROP that no rule of the port's chains counted.
 */
#include <stdio.h>
#include <string.h>

#include "sbuf.h"
#include "sg_counters.h"
#include "str_copy.h"

#define SG_FORWARD "neutron-openvswi-FORWARD"
#define SG_CHAIN "neutron-openvswi-sg-chain"

/* match ("--physdev-in tap1234") as whole words in spec, and its target. */
static bool has_jump(const struct ipt_snapshot *s, const char *chain, const char *match,
		     const char *target)
{
	size_t ml = strlen(match), tl = strlen(target);

	for (size_t i = 0; i < s->n; i++) {
		const char *spec = s->rules[i].spec, *m, *j;

		if (strcmp(s->rules[i].chain, chain) || !(m = strstr(spec, match)) ||
		    (m[ml] && m[ml] != ' ') || !(j = strstr(spec, "-j ")))
			continue;
		if (!strncmp(j + 3, target, tl) && (!j[3 + tl] || j[3 + tl] == ' '))
			return true;
	}
	return false;
}

static bool has_chain(const struct ipt_snapshot *s, const char *chain)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->rules[i].chain, chain))
			return true;
	return false;
}

int sg_hooks_check(const struct ipt_snapshot *s, const char *port_uuid, const char *tap,
		   const char *where, const char *exec_prefix, struct verdict_checks *out)
{
	struct verdict_check c = { .status = CHECK_PASS };
	char in[48], out_match[48], o_chain[IPT_CHAIN_MAX + 8], i_chain[IPT_CHAIN_MAX + 8];
	const struct {
		const char *chain, *match, *target;
	} jumps[] = {
		{ SG_FORWARD, in, SG_CHAIN },
		{ SG_FORWARD, out_match, SG_CHAIN },
		{ SG_CHAIN, in, o_chain },
		{ SG_CHAIN, out_match, i_chain },
	};
	struct sbuf sb;

	/* Another firewall driver, or no counters: nothing to say. */
	if (s->err || !has_chain(s, SG_FORWARD))
		return 0;
	snprintf(in, sizeof(in), "--physdev-in %s", tap);
	snprintf(out_match, sizeof(out_match), "--physdev-out %s", tap);
	sg_chain_name(o_chain, sizeof(o_chain), 'o', port_uuid);
	sg_chain_name(i_chain, sizeof(i_chain), 'i', port_uuid);
	STR_COPY(c.name, "sg-hooks");
	snprintf(c.subject, sizeof(c.subject), "security-group hooks of %s on %s", tap, where);
	snprintf(c.command, sizeof(c.command),
		 "%siptables -S " SG_FORWARD "; %siptables -S " SG_CHAIN " | grep %s",
		 exec_prefix, exec_prefix, tap);
	sb_init(&sb, c.detail, sizeof(c.detail));
	for (size_t k = 0; k < sizeof(jumps) / sizeof(jumps[0]); k++) {
		if (has_jump(s, jumps[k].chain, jumps[k].match, jumps[k].target))
			continue;
		sb_printf(&sb, "%sno %s -j %s in %s", c.status == CHECK_FAIL ? "; " : "",
			  jumps[k].match, jumps[k].target, jumps[k].chain);
		c.status = CHECK_FAIL;
	}
	if (c.status == CHECK_FAIL)
		sb_printf(&sb, ": the port's security group never sees those frames, the rest "
			       "of the FORWARD chain (its policy) decides; the OVS agent adds these "
			       "jumps when it sets up the port's filter");
	else
		sb_printf(&sb, "frames from and to %s go through %s to %s and %s", tap, SG_CHAIN,
			  o_chain, i_chain);
	return verdict_checks_add(out, &c);
}
