// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns_exec.h"
#include "render_parts.h"
#include "sg_counters.h"
#include "str_copy.h"

#define SG_PREFIX "neutron-openvswi-"
#define SG_FALLBACK SG_PREFIX "sg-fallback"

void ipt_snapshot_free(struct ipt_snapshot *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->rules[i].spec);
	free(s->rules);
	s->rules = NULL;
	s->n = 0;
}

static unsigned int count_same(const struct ipt_snapshot *s, const char *chain, const char *spec)
{
	unsigned int n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += !strcmp(s->rules[i].chain, chain) && !strcmp(s->rules[i].spec, spec);
	return n;
}

/* "[12:3456] -A CHAIN spec" into r; false for any other line. */
static bool parse_rule(char *line, const char *prefix, struct ipt_rule *r)
{
	unsigned long long pkts, bytes;
	char chain[64];
	int off = 0;

	if (sscanf(line, "[%llu:%llu] -A %63s %n", &pkts, &bytes, chain, &off) != 3 || !off)
		return false;
	if (strncmp(chain, prefix, strlen(prefix)) || strlen(chain) >= IPT_CHAIN_MAX)
		return false;
	STR_COPY(r->chain, chain);
	r->pkts = pkts;
	r->bytes = bytes;
	r->spec = strdup(line + off);
	return r->spec != NULL;
}

int ipt_parse(const char *text, const char *prefix, struct ipt_snapshot *out)
{
	return ipt_parse_table(text, "filter", prefix, out);
}

int ipt_parse_table(const char *text, const char *table, const char *prefix,
		    struct ipt_snapshot *out)
{
	bool in_table = false;
	const char *p = text;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[4096];
		struct ipt_rule r;

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		p += len + (nl ? 1 : 0);
		if (line[0] == '*') {
			in_table = !strcmp(line + 1, table);
			continue;
		}
		if (!in_table || !parse_rule(line, prefix, &r))
			continue;
		r.nth = count_same(out, r.chain, r.spec);
		{
			struct ipt_rule *n = realloc(out->rules, (out->n + 1) * sizeof(*n));

			if (!n) {
				free(r.spec);
				ipt_snapshot_free(out);
				return -ENOMEM;
			}
			out->rules = n;
			n[out->n++] = r;
		}
	}
	return 0;
}

void ipt_snapshot_read(const char *ns_path, const char *prefix, struct ipt_snapshot *out)
{
	ipt_snapshot_read_table(ns_path, "filter", prefix, out);
}

void ipt_snapshot_read_table(const char *ns_path, const char *table, const char *prefix,
			     struct ipt_snapshot *out)
{
	char *argv[] = { "iptables-save", "-c", "-t", (char *)table, NULL };
	char *text = NULL;
	int rc = ns_exec_capture(ns_path, argv, &text);

	memset(out, 0, sizeof(*out));
	if (rc > 0)
		rc = -EIO;
	if (!rc)
		rc = ipt_parse_table(text, table, prefix, out);
	out->err = rc;
	free(text);
}

void sg_chain_name(char *buf, size_t len, char kind, const char *port_uuid)
{
	snprintf(buf, len, SG_PREFIX "%c%.*s", kind, SG_PORT_PREFIX, port_uuid);
}

static const struct ipt_rule *find_rule(const struct ipt_snapshot *s, const struct ipt_rule *r)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->rules[i].nth == r->nth && !strcmp(s->rules[i].chain, r->chain) &&
		    !strcmp(s->rules[i].spec, r->spec))
			return &s->rules[i];
	return NULL;
}

/* DROP, REJECT, or the fallback chain (whose only rule drops). */
static bool drops(const char *spec)
{
	const char *j = strstr(spec, "-j ");

	return j && (!strncmp(j + 3, "DROP", 4) || !strncmp(j + 3, "REJECT", 6) ||
		     !strncmp(j + 3, SG_FALLBACK, strlen(SG_FALLBACK)));
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
		const struct ipt_rule *b = find_rule(before, r);
		__u64 delta = r->pkts - (b && b->pkts <= r->pkts ? b->pkts : 0);

		if (strcmp(r->chain, chain) || !delta)
			continue;
		if (drops(r->spec))
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
	if (before->err || after->err) {
		int err = before->err ? before->err : after->err;

		c.status = CHECK_UNKNOWN;
		snprintf(c.detail, sizeof(c.detail),
			 "cannot read the counters with iptables-save: %s",
			 err == -ENOENT ? "iptables-save is not installed" : strerror(-err));
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
