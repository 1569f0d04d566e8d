// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dhcp_opts.h"
#include "dhcp_state.h"

#define LINE_MAX_LEN 4096

bool dhcp_parse_mac(const char *s, unsigned char mac[6])
{
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return false;
		char hex[3] = { s[0], s[1], '\0' };

		mac[i] = (unsigned char)strtoul(hex, NULL, 16);
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return false;
			s++;
		}
	}
	return *s == '\0';
}

static void trim(char *s)
{
	size_t n = strlen(s), start = 0;

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[start]))
		start++;
	memmove(s, s + start, n - start + 1);
}

/* dnsmasq lease times: "infinite", "86400", "12h", "30m", "2d", "1w". */
static bool is_lease_time(const char *s)
{
	size_t n = strlen(s);

	if (!strcmp(s, "infinite"))
		return true;
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !(i == n - 1 && strchr("smhdw", s[i])))
			return false;
	return isdigit((unsigned char)s[0]);
}

/* Digits and dots with at least one dot (a bare number is a lease time). */
static bool looks_ipv4(const char *s)
{
	bool digit = false, dot = false;

	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			digit = true;
		else if (*s == '.')
			dot = true;
		else
			return false;
	}
	return digit && dot;
}

static bool valid_hostname(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.' && *s != '_')
			return false;
	return true;
}

/* One comma-separated field of a dhcp-host line into h. */
static int host_field(char *f, struct dhcp_host *h, char *why, size_t len)
{
	unsigned char addr[16];

	trim(f);
	if (!*f) {
		snprintf(why, len, "empty field");
		return -EINVAL;
	}
	if (!strncmp(f, "set:", 4)) {
		snprintf(h->tag, sizeof(h->tag), "%s", f + 4);
	} else if (!strncmp(f, "tag:", 4)) {
		/* a tag to match: no effect on who gets which address */
	} else if (!strncmp(f, "id:", 3)) {
		snprintf(h->client_id, sizeof(h->client_id), "%s", f + 3);
	} else if (f[0] == '[') {
		size_t n = strlen(f);

		if (n < 3 || f[n - 1] != ']') {
			snprintf(why, len, "unterminated IPv6 address '%s'", f);
			return -EINVAL;
		}
		f[n - 1] = '\0';
		if (inet_pton(AF_INET6, f + 1, addr) != 1) {
			snprintf(why, len, "bad IPv6 address '%s'", f + 1);
			return -EINVAL;
		}
		if (h->family) {
			snprintf(why, len, "more than one address");
			return -EINVAL;
		}
		snprintf(h->ip, sizeof(h->ip), "%s", f + 1);
		h->family = AF_INET6;
	} else if (strchr(f, ':')) {
		if (strchr(f, '*')) {
			snprintf(why, len, "wildcard MAC '%s' (Neutron writes none)", f);
			return -EINVAL;
		}
		if (!dhcp_parse_mac(f, h->has_mac ? addr : h->mac)) {
			snprintf(why, len, "bad MAC address '%s'", f);
			return -EINVAL;
		}
		h->has_mac = true;
	} else if (looks_ipv4(f)) {
		if (inet_pton(AF_INET, f, addr) != 1) {
			snprintf(why, len, "bad IPv4 address '%s'", f);
			return -EINVAL;
		}
		if (h->family) {
			snprintf(why, len, "more than one address");
			return -EINVAL;
		}
		snprintf(h->ip, sizeof(h->ip), "%s", f);
		h->family = AF_INET;
	} else if (!strcmp(f, "ignore") || is_lease_time(f)) {
		/* accepted by dnsmasq; nothing nstrace checks */
	} else if (valid_hostname(f) && !h->hostname[0]) {
		snprintf(h->hostname, sizeof(h->hostname), "%s", f);
	} else {
		snprintf(why, len, "unexpected field '%s'", f);
		return -EINVAL;
	}
	return 0;
}

int dhcp_parse_host_line(const char *line, struct dhcp_host *h, char *why, size_t len)
{
	char buf[LINE_MAX_LEN];
	char *save = NULL, *f;
	size_t n;
	int err;

	memset(h, 0, sizeof(*h));
	snprintf(buf, sizeof(buf), "%s", line);
	trim(buf);
	if (!buf[0] || buf[0] == '#')
		return 1;
	n = strlen(buf);
	if (buf[n - 1] == ',' || buf[0] == ',') {
		snprintf(why, len, "empty field");
		return -EINVAL;
	}
	if (strstr(buf, ",,")) {
		snprintf(why, len, "empty field");
		return -EINVAL;
	}
	for (f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		err = host_field(f, h, why, len);
		if (err)
			return err;
	}
	if (!h->has_mac && !h->client_id[0]) {
		snprintf(why, len, "no MAC address or client id");
		return -EINVAL;
	}
	return 0;
}

int dhcp_parse_lease_line(const char *line, struct dhcp_lease *l, char *why, size_t len)
{
	char buf[LINE_MAX_LEN], *tok[6], *save = NULL, *end;
	unsigned char addr[16];
	int n = 0;

	memset(l, 0, sizeof(*l));
	snprintf(buf, sizeof(buf), "%s", line);
	trim(buf);
	if (!buf[0] || buf[0] == '#')
		return 1;
	for (char *t = strtok_r(buf, " \t", &save); t && n < 6; t = strtok_r(NULL, " \t", &save))
		tok[n++] = t;
	/* dnsmasq's "duid SERVER-DUID" line (DHCPv6) is no lease */
	if (n == 2 && !strcmp(tok[0], "duid"))
		return 1;
	if (n < 4 || n > 5) {
		snprintf(why, len, "expected 'expiry mac ip hostname [clientid]', got %d fields",
			 n);
		return -EINVAL;
	}
	l->expiry = strtoll(tok[0], &end, 10);
	if (*end || l->expiry < 0) {
		snprintf(why, len, "bad expiry time '%s'", tok[0]);
		return -EINVAL;
	}
	if (strchr(tok[2], ':')) {
		if (inet_pton(AF_INET6, tok[2], addr) != 1) {
			snprintf(why, len, "bad IPv6 address '%s'", tok[2]);
			return -EINVAL;
		}
		/* v6 leases carry the IAID where v4 ones have the MAC */
	} else {
		if (!dhcp_parse_mac(tok[1], l->mac)) {
			snprintf(why, len, "bad MAC address '%s'", tok[1]);
			return -EINVAL;
		}
		l->has_mac = true;
		if (inet_pton(AF_INET, tok[2], addr) != 1) {
			snprintf(why, len, "bad IPv4 address '%s'", tok[2]);
			return -EINVAL;
		}
	}
	snprintf(l->ip, sizeof(l->ip), "%s", tok[2]);
	snprintf(l->hostname, sizeof(l->hostname), "%s", strcmp(tok[3], "*") ? tok[3] : "");
	if (n == 5 && strcmp(tok[4], "*"))
		snprintf(l->client_id, sizeof(l->client_id), "%s", tok[4]);
	return 0;
}

static int add_bad(struct dhcp_net *n, const char *file, int line, const char *reason,
		   const char *text)
{
	struct dhcp_bad_line *bad = realloc(n->bad, (n->n_bad + 1) * sizeof(*bad));

	if (!bad)
		return -ENOMEM;
	n->bad = bad;
	bad = &bad[n->n_bad++];
	snprintf(bad->file, sizeof(bad->file), "%s", file);
	bad->line = line;
	snprintf(bad->reason, sizeof(bad->reason), "%s", reason);
	snprintf(bad->text, sizeof(bad->text), "%.*s", (int)strcspn(text, "\r\n"), text);
	return 0;
}

static int load_hosts(struct dhcp_net *n, FILE *f)
{
	char line[LINE_MAX_LEN], why[96];
	int lineno = 0, err = 0;

	while (!err && fgets(line, sizeof(line), f)) {
		struct dhcp_host h, *hosts;
		int r;

		lineno++;
		r = dhcp_parse_host_line(line, &h, why, sizeof(why));
		if (r == 1)
			continue;
		if (r < 0) {
			err = add_bad(n, "host", lineno, why, line);
			continue;
		}
		h.line = lineno;
		hosts = realloc(n->hosts, (n->n_hosts + 1) * sizeof(*hosts));
		if (!hosts)
			return -ENOMEM;
		n->hosts = hosts;
		hosts[n->n_hosts++] = h;
	}
	return err;
}

static int load_leases(struct dhcp_net *n, FILE *f)
{
	char line[LINE_MAX_LEN], why[96];
	int lineno = 0, err = 0;

	while (!err && fgets(line, sizeof(line), f)) {
		struct dhcp_lease l, *leases;
		int r;

		lineno++;
		r = dhcp_parse_lease_line(line, &l, why, sizeof(why));
		if (r == 1)
			continue;
		if (r < 0) {
			err = add_bad(n, "leases", lineno, why, line);
			continue;
		}
		l.line = lineno;
		leases = realloc(n->leases, (n->n_leases + 1) * sizeof(*leases));
		if (!leases)
			return -ENOMEM;
		n->leases = leases;
		leases[n->n_leases++] = l;
	}
	return err;
}

/* First line of a small file, trimmed; false when absent or empty. */
static bool read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		trim(buf);
	return ok && buf[0];
}

int dhcp_net_load(const char *net_dir, const char *net_uuid, struct dhcp_net *out)
{
	char path[PATH_MAX + 16], line[64];
	struct stat st;
	FILE *f;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (stat(net_dir, &st) || !S_ISDIR(st.st_mode))
		return -ENOENT;
	snprintf(out->net_uuid, sizeof(out->net_uuid), "%s", net_uuid);
	snprintf(out->dir, sizeof(out->dir), "%s", net_dir);

	snprintf(path, sizeof(path), "%s/host", net_dir);
	f = fopen(path, "re");
	if (f) {
		out->has_host_file = true;
		err = load_hosts(out, f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/leases", net_dir);
	f = err ? NULL : fopen(path, "re");
	if (f) {
		out->has_leases_file = true;
		err = load_leases(out, f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/pid", net_dir);
	if (read_first_line(path, line, sizeof(line))) {
		char *end;
		long pid = strtol(line, &end, 10);

		if (!*end && pid > 0)
			out->pid = (pid_t)pid;
	}
	snprintf(path, sizeof(path), "%s/interface", net_dir);
	if (read_first_line(path, line, sizeof(line)))
		snprintf(out->interface, sizeof(out->interface), "%.*s", IF_NAMESIZE - 1, line);
	out->n_routers = dhcp_opts_routers(net_dir, out->routers, DHCP_OPTS_MAX_ROUTERS);
	if (err)
		dhcp_net_free(out);
	return err;
}

void dhcp_net_free(struct dhcp_net *n)
{
	free(n->hosts);
	free(n->leases);
	free(n->bad);
	n->hosts = NULL;
	n->leases = NULL;
	n->bad = NULL;
	n->n_hosts = n->n_leases = n->n_bad = 0;
}

static bool has_dhcp_dir(const char *dir)
{
	char path[PATH_MAX + 8];
	struct stat st;

	snprintf(path, sizeof(path), "%s/dhcp", dir);
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* <state>/dhcp/<uuid>/host -> <state>; false when the path has another shape. */
static bool state_dir_of_hostsfile(const char *hostsfile, char *out, size_t len)
{
	char buf[PATH_MAX], *slash;
	const char *expect[] = { "host", NULL, "dhcp" };

	snprintf(buf, sizeof(buf), "%s", hostsfile);
	for (int level = 0; level < 3; level++) {
		slash = strrchr(buf, '/');
		if (!slash)
			return false;
		if (level == 1 ? !uuid_is_valid(slash + 1) : strcmp(slash + 1, expect[level]))
			return false;
		*slash = '\0';
	}
	if (!buf[0])
		return false;
	snprintf(out, len, "%s", buf);
	return true;
}

enum state_dir_source dhcp_state_pick_dir(const char *cli_dir, const struct proc_list *procs,
					  char *out, size_t len)
{
	if (cli_dir) {
		snprintf(out, len, "%s", cli_dir);
		return STATE_DIR_CLI;
	}
	for (size_t i = 0; procs && i < procs->n; i++) {
		const char *hosts;

		if (!proc_is(&procs->items[i], "dnsmasq"))
			continue;
		hosts = proc_option(&procs->items[i], "--dhcp-hostsfile", 0);
		if (hosts && state_dir_of_hostsfile(hosts, out, len))
			return STATE_DIR_DNSMASQ;
	}
	if (has_dhcp_dir("/var/lib/neutron")) {
		snprintf(out, len, "/var/lib/neutron");
		return STATE_DIR_DEFAULT;
	}
	if (has_dhcp_dir("/var/lib/quantum")) {
		snprintf(out, len, "/var/lib/quantum");
		return STATE_DIR_LEGACY;
	}
	snprintf(out, len, "/var/lib/neutron");
	return STATE_DIR_NONE;
}

const char *state_dir_source_text(enum state_dir_source s)
{
	switch (s) {
	case STATE_DIR_CLI:
		return "--state-dir";
	case STATE_DIR_DNSMASQ:
		return "a running dnsmasq's --dhcp-hostsfile";
	case STATE_DIR_DEFAULT:
		return "default";
	case STATE_DIR_LEGACY:
		return "legacy default (quantum)";
	default:
		return "not found";
	}
}

int dhcp_state_load(const char *dir, enum state_dir_source source, struct dhcp_state *out)
{
	char path[PATH_MAX + 8];
	struct dirent **names;
	int n, err = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->dir, sizeof(out->dir), "%s", dir);
	out->source = source;
	snprintf(path, sizeof(path), "%s/dhcp", dir);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	out->nets = calloc((size_t)n + 1, sizeof(*out->nets));
	if (!out->nets)
		err = -ENOMEM;
	for (int i = 0; i < n; i++) {
		char net_dir[PATH_MAX * 2], uuid[UUID_STR_LEN];

		if (!err && uuid_is_valid(names[i]->d_name)) {
			uuid_lower(uuid, sizeof(uuid), names[i]->d_name);
			snprintf(net_dir, sizeof(net_dir), "%s/%s", path, names[i]->d_name);
			int r = dhcp_net_load(net_dir, uuid, &out->nets[out->n]);

			if (!r)
				out->n++;
			else if (r != -ENOENT)
				err = r;
		}
		free(names[i]);
	}
	free(names);
	if (err)
		dhcp_state_free(out);
	return err;
}

void dhcp_state_free(struct dhcp_state *s)
{
	for (size_t i = 0; i < s->n; i++)
		dhcp_net_free(&s->nets[i]);
	free(s->nets);
	s->nets = NULL;
	s->n = 0;
}

int dhcp_state_add_running(struct dhcp_state *s, const struct proc_list *procs)
{
	for (size_t i = 0; i < procs->n; i++) {
		const char *hosts = proc_option(&procs->items[i], "--dhcp-hostsfile", 0);
		char state[PATH_MAX], net_dir[PATH_MAX], *slash;
		struct dhcp_net *nets;
		int err;

		if (!proc_is(&procs->items[i], "dnsmasq") || !hosts ||
		    !state_dir_of_hostsfile(hosts, state, sizeof(state)))
			continue;
		snprintf(net_dir, sizeof(net_dir), "%s", hosts);
		slash = strrchr(net_dir, '/');
		*slash = '\0';
		if (dhcp_state_net(s, strrchr(net_dir, '/') + 1))
			continue;
		nets = realloc(s->nets, (s->n + 1) * sizeof(*nets));
		if (!nets)
			return -ENOMEM;
		s->nets = nets;
		err = dhcp_net_load(net_dir, strrchr(net_dir, '/') + 1, &nets[s->n]);
		if (!err)
			s->n++;
		else if (err != -ENOENT)
			return err;
	}
	return 0;
}

const struct dhcp_net *dhcp_state_net(const struct dhcp_state *s, const char *net_uuid)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcasecmp(s->nets[i].net_uuid, net_uuid))
			return &s->nets[i];
	return NULL;
}
