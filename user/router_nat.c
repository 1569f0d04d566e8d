// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The L3 agent's NAT rules as neutron-l3-agent writes them: gateway SNAT
 * (-o qg-X -j SNAT --to-source GW), floating IPs (-d FIP/32 -j DNAT
 * --to-destination FIXED in -PREROUTING and -OUTPUT, -s FIXED/32 -j SNAT
 * --to-source FIP in -float-snat), from `iptables-save -c -t nat`.
 */
#include "router_state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "str_copy.h"

#define WORD_MAX 256

/*
 * The next word of an iptables-save rule into buf (a "quoted string", as
 * iptables-save prints comments, is one word without its quotes); NULL
 * when there is none left.
 */
static const char *next_word(const char *p, char *buf, size_t len)
{
	size_t n = 0;
	bool quoted = false;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted && *p == '\\' && p[1])
			p++;
		if (n + 1 < len)
			buf[n++] = *p;
	}
	buf[n] = '\0';
	return p;
}

/* "!" + value when negated; cut to the field. */
static void put_match(char *dst, size_t len, bool neg, const char *value)
{
	if (neg)
		*dst++ = '!';
	str_copy(dst, len - neg, value);
}

/*
 * The address of a --to-source / --to-destination value: "1.2.3.4",
 * "1.2.3.4:1024-65535" (port), "1.2.3.4-1.2.3.9" (range: its first),
 * "[2001:db8::1]:80", "2001:db8::1".
 */
static void to_address(const char *v, char *addr, size_t len, bool *has_port)
{
	const char *colon = strchr(v, ':');
	size_t n;

	if (v[0] == '[') {
		const char *end = strchr(v, ']');

		n = end ? (size_t)(end - v - 1) : strlen(v + 1);
		snprintf(addr, len, "%.*s", (int)n, v + 1);
		*has_port |= end && end[1] == ':';
		return;
	}
	if (colon && strchr(colon + 1, ':')) { /* bare IPv6 */
		n = strcspn(v, "-");
	} else {
		n = strcspn(v, ":-");
		*has_port |= colon != NULL;
	}
	snprintf(addr, len, "%.*s", (int)n, v);
}

/* Fill n from the rule's words; false when its target is not NAT. */
static bool classify(const struct ipt_rule *rule, struct router_nat *n)
{
	char w[WORD_MAX], v[WORD_MAX], target[32] = "";
	const char *p = rule->spec;
	bool neg = false;

	memset(n, 0, sizeof(*n));
	while ((p = next_word(p, w, sizeof(w)))) {
		const char *q;

		if (!strcmp(w, "!")) {
			neg = true;
			continue;
		}
		if (w[0] != '-' || !(q = next_word(p, v, sizeof(v)))) {
			neg = false;
			continue;
		}
		if (!strcmp(w, "-s") || !strcmp(w, "--source"))
			put_match(n->src, sizeof(n->src), neg, v);
		else if (!strcmp(w, "-d") || !strcmp(w, "--destination"))
			put_match(n->dst, sizeof(n->dst), neg, v);
		else if (!strcmp(w, "-i") || !strcmp(w, "--in-interface"))
			put_match(n->in_dev, sizeof(n->in_dev), neg, v);
		else if (!strcmp(w, "-o") || !strcmp(w, "--out-interface"))
			put_match(n->out_dev, sizeof(n->out_dev), neg, v);
		else if (!strcmp(w, "--ctstate") || !strcmp(w, "--state"))
			n->ct_dnat |= !neg && strstr(v, "DNAT");
		else if (!strcmp(w, "--dport") || !strcmp(w, "--dports") ||
			 !strcmp(w, "--destination-port"))
			n->has_port = true;
		else if (!strcmp(w, "-j") || !strcmp(w, "--jump"))
			STR_COPY(target, v);
		else if (!strcmp(w, "--to-source") || !strcmp(w, "--to-destination") ||
			 !strcmp(w, "--to"))
			to_address(v, n->to_addr, sizeof(n->to_addr), &n->has_port);
		else {
			neg = false; /* a flag, or an option whose value is harmless */
			continue;
		}
		p = q;
		neg = false;
	}
	if (!strcmp(target, "SNAT") || !strcmp(target, "MASQUERADE"))
		n->kind = strcmp(rule->chain, L3_CHAIN_FLOAT_SNAT) ? RNAT_SNAT : RNAT_FLOAT_SNAT;
	else if (!strcmp(target, "DNAT"))
		n->kind = RNAT_DNAT;
	else
		return false;
	STR_COPY(n->chain, rule->chain);
	n->spec = rule->spec;
	n->nth = rule->nth;
	n->pkts = rule->pkts;
	n->bytes = rule->bytes;
	return true;
}

/* "10.0.0.5/32" or "10.0.0.5" (not negated) into a host address. */
static bool host_of(const char *match, char *out, size_t len)
{
	size_t n = strcspn(match, "/");

	if (!match[0] || match[0] == '!')
		return false;
	if (match[n] && strcmp(match + n, "/32") && strcmp(match + n, "/128"))
		return false;
	snprintf(out, len, "%.*s", (int)n, match);
	return true;
}

static struct router_fip *fip_slot(struct router_state *rs, const char *fip, const char *fixed)
{
	struct router_fip *f;

	for (size_t i = 0; i < rs->n_fips; i++)
		if (!strcmp(rs->fips[i].fip, fip) && !strcmp(rs->fips[i].fixed, fixed))
			return &rs->fips[i];
	f = realloc(rs->fips, (rs->n_fips + 1) * sizeof(*f));
	if (!f)
		return NULL;
	rs->fips = f;
	f = &f[rs->n_fips++];
	STR_COPY(f->fip, fip);
	STR_COPY(f->fixed, fixed);
	f->dnat = f->dnat_local = f->snat = -1;
	return f;
}

/* Rule i of rs->nat as part of a floating IP, when it is one. */
static int add_to_fip(struct router_state *rs, int i)
{
	const struct router_nat *n = &rs->nat[i];
	char host[ROUTER_ADDR_LEN];
	struct router_fip *f;
	int *slot;

	if (!n->to_addr[0] || n->has_port || n->ct_dnat)
		return 0;
	if (n->kind == RNAT_FLOAT_SNAT && host_of(n->src, host, sizeof(host))) {
		if (!(f = fip_slot(rs, n->to_addr, host)))
			return -ENOMEM;
		slot = &f->snat;
	} else if (n->kind == RNAT_DNAT && host_of(n->dst, host, sizeof(host)) &&
		   (!strcmp(n->chain, L3_CHAIN_PREFIX "PREROUTING") ||
		    !strcmp(n->chain, L3_CHAIN_PREFIX "OUTPUT"))) {
		if (!(f = fip_slot(rs, host, n->to_addr)))
			return -ENOMEM;
		slot = strcmp(n->chain, L3_CHAIN_PREFIX "OUTPUT") ? &f->dnat : &f->dnat_local;
	} else {
		return 0;
	}
	if (*slot < 0)
		*slot = i;
	return 0;
}

int router_state_index_nat(struct router_state *rs)
{
	free(rs->nat);
	free(rs->fips);
	rs->nat = NULL;
	rs->fips = NULL;
	rs->n_nat = rs->n_fips = 0;
	if (rs->ipt.n && !(rs->nat = calloc(rs->ipt.n, sizeof(*rs->nat))))
		return -ENOMEM;
	for (size_t i = 0; i < rs->ipt.n; i++)
		rs->n_nat += classify(&rs->ipt.rules[i], &rs->nat[rs->n_nat]);
	for (size_t i = 0; i < rs->n_nat; i++)
		if (add_to_fip(rs, (int)i))
			return -ENOMEM;
	return 0;
}

int router_state_parse_nat(struct router_state *rs, const char *iptables_save)
{
	int err;

	ipt_snapshot_free(&rs->ipt);
	err = ipt_parse_table(iptables_save, "nat", L3_CHAIN_PREFIX, &rs->ipt);
	rs->nat_err = err;
	return err ? err : router_state_index_nat(rs);
}

const struct router_fip *router_fip_for_fixed(const struct router_state *rs,
					      const char *fixed_ip)
{
	for (size_t i = 0; i < rs->n_fips; i++)
		if (!strcmp(rs->fips[i].fixed, fixed_ip))
			return &rs->fips[i];
	return NULL;
}

const struct router_fip *router_fip_by_addr(const struct router_state *rs, const char *fip)
{
	for (size_t i = 0; i < rs->n_fips; i++)
		if (!strcmp(rs->fips[i].fip, fip))
			return &rs->fips[i];
	return NULL;
}

const struct link_info *router_fip_device(const struct router_state *rs,
					  const struct router_fip *f)
{
	const struct link_info *any = NULL;

	for (size_t i = 0; i < rs->links.n; i++) {
		const struct link_info *li = &rs->links.items[i];

		if (!link_has_ip(li, f->fip))
			continue;
		if (!strncmp(li->name, "qg-", 3))
			return li;
		any = any ? any : li;
	}
	return any;
}

bool router_float_snat_linked(const struct router_state *rs)
{
	static const char jump[] = "-j " L3_CHAIN_FLOAT_SNAT;

	for (size_t i = 0; i < rs->ipt.n; i++) {
		const struct ipt_rule *r = &rs->ipt.rules[i];
		const char *j = strstr(r->spec, jump);
		char after = j ? j[sizeof(jump) - 1] : 'x';

		if (!strcmp(r->chain, L3_CHAIN_SNAT) && (!after || after == ' '))
			return true;
	}
	return false;
}

size_t router_snat_count(const struct router_state *rs)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n_nat; i++)
		n += rs->nat[i].kind == RNAT_SNAT;
	return n;
}

/* ip (text) inside cidr ("10.0.0.0/24", "10.0.0.5", IPv6 alike). */
static bool in_cidr(const char *ip, const char *cidr)
{
	unsigned char a[16], net[16];
	char addr[ROUTER_ADDR_LEN];
	size_t n = strcspn(cidr, "/");
	int family = strchr(cidr, ':') ? AF_INET6 : AF_INET;
	unsigned int bits = family == AF_INET ? 32 : 128;
	unsigned int plen = cidr[n] ? (unsigned int)atoi(cidr + n + 1) : bits;

	snprintf(addr, sizeof(addr), "%.*s", (int)n, cidr);
	if (plen > bits || inet_pton(family, addr, net) != 1 || inet_pton(family, ip, a) != 1)
		return false;
	for (unsigned int i = 0; i < plen; i++)
		if ((a[i / 8] ^ net[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

/* An -s/-d match ("", "10.0.0.0/24", "!10.0.0.0/24") against ip. */
static bool addr_matches(const char *match, const char *ip)
{
	if (!match[0] || !ip)
		return true;
	if (match[0] == '!')
		return !in_cidr(ip, match + 1);
	return in_cidr(ip, match);
}

/* An -i/-o match ("", "qg-1234", "qr-+", "!qg-1234") against dev. */
static bool dev_matches(const char *match, const char *dev)
{
	bool neg = match[0] == '!';
	const char *m = match + neg;
	size_t n = strlen(m);
	bool hit;

	if (!m[0] || !dev)
		return true;
	hit = m[n - 1] == '+' ? !strncmp(m, dev, n - 1) : !strcmp(m, dev);
	return hit != neg;
}

const struct router_nat *router_snat_for(const struct router_state *rs, const char *src_ip,
					 const char *out_dev)
{
	for (size_t i = 0; i < rs->n_nat; i++) {
		const struct router_nat *n = &rs->nat[i];

		if (n->kind == RNAT_SNAT && !n->ct_dnat && addr_matches(n->src, src_ip) &&
		    dev_matches(n->out_dev, out_dev))
			return n;
	}
	return NULL;
}

static const struct router_nat *same_rule(const struct router_state *rs,
					  const struct router_nat *n)
{
	for (size_t i = 0; i < rs->n_nat; i++)
		if (rs->nat[i].nth == n->nth && !strcmp(rs->nat[i].chain, n->chain) &&
		    !strcmp(rs->nat[i].spec, n->spec))
			return &rs->nat[i];
	return NULL;
}

size_t router_nat_counted(const struct router_state *before, const struct router_state *after,
			  struct router_nat_count *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < after->n_nat; i++) {
		const struct router_nat *a = &after->nat[i];
		const struct router_nat *b = same_rule(before, a);
		__u64 delta = a->pkts - (b && b->pkts <= a->pkts ? b->pkts : 0);

		if (!delta)
			continue;
		if (n < max)
			out[n] = (struct router_nat_count){ .nat = a, .pkts = delta };
		n++;
	}
	return n;
}

const char *router_nat_kind_name(enum router_nat_kind k)
{
	switch (k) {
	case RNAT_SNAT:
		return "snat";
	case RNAT_FLOAT_SNAT:
		return "float-snat";
	case RNAT_DNAT:
		return "dnat";
	}
	return "unknown";
}

char *router_nat_text(const struct router_nat *n, char *buf, size_t len)
{
	snprintf(buf, len, "-A %s %s", n->chain, n->spec);
	return buf;
}
