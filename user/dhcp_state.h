/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The Neutron DHCP agent's files: <state>/dhcp/<net-uuid>/{host, leases,
 * pid, interface}.  Malformed lines are collected with the reason, never
 * fatal: a broken host file is a finding, not a crash.
 */
#ifndef NSTRACE_DHCP_STATE_H
#define NSTRACE_DHCP_STATE_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "neutron_names.h"
#include "procs.h"

#define DHCP_IP_LEN 46
#define DHCP_OPTS_MAX_ROUTERS 16
#define DHCP_NAME_LEN 128

/* One dhcp-host line: "mac,hostname,ip" and dnsmasq's other forms. */
struct dhcp_host {
	unsigned char mac[6];
	bool has_mac;
	char client_id[DHCP_NAME_LEN]; /* id:... */
	char hostname[DHCP_NAME_LEN];
	char ip[DHCP_IP_LEN]; /* IPv4, or IPv6 without its [brackets] */
	int family; /* AF_INET, AF_INET6, 0 when the line has no address */
	char tag[DHCP_NAME_LEN]; /* set:... (Neutron: the port UUID) */
	int line;
};

/* One leases line: "expiry mac ip hostname clientid" (v6: iaid for mac). */
struct dhcp_lease {
	long long expiry; /* seconds since the epoch, 0 = infinite */
	unsigned char mac[6];
	bool has_mac;
	char ip[DHCP_IP_LEN];
	char hostname[DHCP_NAME_LEN];
	char client_id[DHCP_NAME_LEN];
	int line;
};

struct dhcp_bad_line {
	char file[16]; /* "host", "leases" */
	int line;
	char reason[96];
	char text[128];
};

struct dhcp_net {
	char net_uuid[UUID_STR_LEN];
	char dir[PATH_MAX];
	bool has_host_file;
	struct dhcp_host *hosts;
	size_t n_hosts;
	bool has_leases_file;
	struct dhcp_lease *leases;
	size_t n_leases;
	struct dhcp_bad_line *bad;
	size_t n_bad;
	pid_t pid; /* from the pid file; 0 when none or unreadable */
	char interface[IF_NAMESIZE]; /* from the interface file; "" when none */
	/* The opts file's option:router addresses (user/dhcp_opts.h). */
	char routers[DHCP_OPTS_MAX_ROUTERS][DHCP_IP_LEN];
	size_t n_routers;
};

enum state_dir_source {
	STATE_DIR_NONE, /* no state directory was found */
	STATE_DIR_CLI, /* --state-dir */
	STATE_DIR_DNSMASQ, /* from a running dnsmasq's --dhcp-hostsfile */
	STATE_DIR_DEFAULT, /* /var/lib/neutron */
	STATE_DIR_LEGACY, /* /var/lib/quantum */
};

struct dhcp_state {
	char dir[PATH_MAX]; /* the state directory (holds dhcp/) */
	enum state_dir_source source;
	struct dhcp_net *nets;
	size_t n;
};

/* 0 parsed, 1 nothing to parse (blank, comment), -EINVAL with why. */
int dhcp_parse_host_line(const char *line, struct dhcp_host *h, char *why, size_t len);
int dhcp_parse_lease_line(const char *line, struct dhcp_lease *l, char *why, size_t len);
/* "aa:bb:cc:dd:ee:ff" (or with '-'); false otherwise. */
bool dhcp_parse_mac(const char *s, unsigned char mac[6]);

/* Load one network's directory. -ENOENT when it does not exist. */
int dhcp_net_load(const char *net_dir, const char *net_uuid, struct dhcp_net *out);
void dhcp_net_free(struct dhcp_net *n);

/*
 * Choose the state directory: cli_dir, else the one a running dnsmasq's
 * --dhcp-hostsfile lies in (<state>/dhcp/<uuid>/host), else
 * /var/lib/neutron, else /var/lib/quantum (Grizzly and older).
 */
enum state_dir_source dhcp_state_pick_dir(const char *cli_dir, const struct proc_list *procs,
					  char *out, size_t len);
/* Load every <dir>/dhcp/<uuid>/ directory. A missing dhcp/ gives n = 0. */
int dhcp_state_load(const char *dir, enum state_dir_source source, struct dhcp_state *out);
void dhcp_state_free(struct dhcp_state *s);
/*
 * Add the networks of running dnsmasqs whose --dhcp-hostsfile lies in
 * another state directory (<dir>/dhcp/<uuid>/host) and are not loaded yet:
 * a dnsmasq's own files are the truth for its network.
 */
int dhcp_state_add_running(struct dhcp_state *s, const struct proc_list *procs);
const char *state_dir_source_text(enum state_dir_source s);

const struct dhcp_net *dhcp_state_net(const struct dhcp_state *s, const char *net_uuid);

#endif
