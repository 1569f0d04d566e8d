// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipt_snapshot.h"
#include "ns_exec.h"
#include "str_copy.h"
#include "text_lines.h"

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

static bool chain_wanted(const char *chain, const char *prefix)
{
	return !strncmp(chain, prefix, strlen(prefix)) && strlen(chain) < IPT_CHAIN_MAX;
}

/* "[12:3456] -A CHAIN spec" or a built-in chain's ":CHAIN POLICY [12:3456]"
 * (a user chain's policy is "-": nothing to count) into r; false for any
 * other line. */
static bool parse_line(char *line, const char *prefix, struct ipt_rule *r)
{
	unsigned long long pkts, bytes;
	char chain[64], policy[16];
	int off = 0;

	memset(r, 0, sizeof(*r));
	if (sscanf(line, ":%63s %15s [%llu:%llu]", chain, policy, &pkts, &bytes) == 4) {
		if (!strcmp(policy, "-") || !chain_wanted(chain, prefix))
			return false;
		r->policy = true;
		if (asprintf(&r->spec, "policy %s", policy) < 0)
			r->spec = NULL;
	} else if (sscanf(line, "[%llu:%llu] -A %63s %n", &pkts, &bytes, chain, &off) == 3 && off) {
		if (!chain_wanted(chain, prefix))
			return false;
		r->spec = strdup(line + off);
	} else {
		return false;
	}
	STR_COPY(r->chain, chain);
	r->pkts = pkts;
	r->bytes = bytes;
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
	char line[4096];

	memset(out, 0, sizeof(*out));
	while (text_next_line(&p, line, sizeof(line))) {
		struct ipt_rule r, *grown;

		if (line[0] == '*') {
			in_table = !strcmp(line + 1, table);
			continue;
		}
		if (!in_table || !parse_line(line, prefix, &r))
			continue;
		r.nth = count_same(out, r.chain, r.spec);
		grown = realloc(out->rules, (out->n + 1) * sizeof(*grown));
		if (!grown) {
			free(r.spec);
			ipt_snapshot_free(out);
			return -ENOMEM;
		}
		out->rules = grown;
		grown[out->n++] = r;
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

bool ipt_unreadable(const struct ipt_snapshot *before, const struct ipt_snapshot *after,
		    char *why, size_t len)
{
	int err = before->err ? before->err : after->err;

	if (!err)
		return false;
	snprintf(why, len, "cannot read the counters with iptables-save: %s",
		 err == -ENOENT ? "iptables-save is not installed" : strerror(-err));
	return true;
}

__u64 ipt_rule_rise(const struct ipt_snapshot *before, const struct ipt_rule *r)
{
	for (size_t i = 0; i < before->n; i++) {
		const struct ipt_rule *b = &before->rules[i];

		if (b->nth == r->nth && b->policy == r->policy && !strcmp(b->chain, r->chain) &&
		    !strcmp(b->spec, r->spec))
			return b->pkts <= r->pkts ? r->pkts - b->pkts : r->pkts;
	}
	return r->pkts;
}

bool ipt_rule_drops(const struct ipt_rule *r)
{
	const char *j;

	if (r->policy)
		return !strcmp(r->spec, "policy DROP");
	j = strstr(r->spec, "-j ");
	return j && ((!strncmp(j + 3, "DROP", 4) && (!j[7] || j[7] == ' ')) ||
		     (!strncmp(j + 3, "REJECT", 6) && (!j[9] || j[9] == ' ')));
}
