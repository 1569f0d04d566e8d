// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The DHCP server's side: namespace, dnsmasq, its port's address, the
 * agent's host file and leases. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "checks_int.h"
#include "proc_live.h"

#define DHCP_SERVER_PORT 67

/* The port's network when the checks apply (a DHCP path), else NULL with
 * *anchor = -1.  An unknown network gives one "unknown" result. */
static const struct topo_network *dhcp_scope(struct check_ctx *c, enum check_id id, int *anchor)
{
	struct check_result *r;

	*anchor = -1;
	if (c->path->kind != PATH_DHCP)
		return NULL;
	*anchor = chk_anchor(c, ROLE_DHCP_TAP);
	if (*anchor < 0)
		return NULL;
	if (c->port->network >= 0)
		return &c->t->nets[c->port->network];
	r = chk_new(c, id, *anchor, "network of port %s", c->port->uuid);
	if (r)
		chk_detail(r, CHECK_UNKNOWN, "the port's network is unknown");
	return NULL;
}

void check_ns_qdhcp(struct check_ctx *c)
{
	int a;
	const struct topo_network *net = dhcp_scope(c, CHK_NS_QDHCP, &a);
	struct check_result *r;

	if (!net || !(r = chk_new(c, CHK_NS_QDHCP, a, "qdhcp-%s", net->uuid)))
		return;
	chk_cmd(r, "ip netns list | grep qdhcp-%s", net->uuid);
	if (net->dhcp_ns >= 0)
		chk_detail(r, CHECK_PASS, "exists on node %s",
			   topo_node_name(c->t, c->t->ns[net->dhcp_ns].node));
	else
		chk_detail(r, CHECK_FAIL,
			   "no such namespace on this host: the DHCP agent has not set up the "
			   "network here, or serves it from a host not visible from here");
}

void check_dnsmasq(struct check_ctx *c)
{
	int a;
	const struct topo_network *net = dhcp_scope(c, CHK_DNSMASQ, &a);
	const char *ns_name;
	struct check_result *r;

	if (!net || !(r = chk_new(c, CHK_DNSMASQ, a, "dnsmasq for network %s", net->uuid)))
		return;
	if (net->dhcp_ns < 0) {
		chk_detail(r, CHECK_UNKNOWN, "no qdhcp-%s namespace to look in", net->uuid);
		return;
	}
	ns_name = c->t->ns[net->dhcp_ns].ns.name;
	chk_cmd(r, "ip netns pids %s | xargs -r ps -o pid,stat,args -p", ns_name);
	if (net->dnsmasq_pid) {
		const char *dev = c->path->hops[a].dev;
		const struct proc_entry *p = procs_find(&c->t->procs, net->dnsmasq_pid);
		char state = p ? proc_live_state("/proc", p) : 0;
		long unread = p && state ? proc_udp_rx_queue("/proc", p, DHCP_SERVER_PORT) : -1;

		/* It answers on the interface it was started for: one the port
		 * no longer has (re-created, renamed) leaves DISCOVERs unanswered. */
		if (net->dnsmasq.interface[0] && dev[0] && strcmp(net->dnsmasq.interface, dev))
			chk_detail(r, CHECK_FAIL,
				   "pid %d runs in %s for --interface=%s, but the DHCP port's "
				   "device is %s: DISCOVERs reaching %s get no answer (restart the "
				   "DHCP agent, or dnsmasq for the network)",
				   (int)net->dnsmasq_pid, ns_name, net->dnsmasq.interface, dev, dev);
		else if (state == 'T' || state == 't' || state == 'Z')
			chk_detail(r, CHECK_FAIL,
				   "pid %d in %s is %s (state %c): requests reach it and get no "
				   "answer (restart the DHCP agent, or dnsmasq for the network)",
				   (int)net->dnsmasq_pid, ns_name,
				   state == 'Z' ? "dead, a zombie" : "stopped", state);
		else if (unread > 0)
			chk_detail(r, CHECK_FAIL,
				   "pid %d runs in %s, but %ld bytes of requests wait unread on UDP "
				   "port %d there: it does not read them (hung; restart the DHCP "
				   "agent, or dnsmasq for the network)",
				   (int)net->dnsmasq_pid, ns_name, unread, DHCP_SERVER_PORT);
		else
			chk_detail(r, CHECK_PASS, "pid %d runs in %s%s%s", (int)net->dnsmasq_pid,
				   ns_name, net->dnsmasq.interface[0] ? " on " : "",
				   net->dnsmasq.interface);
		return;
	}
	if (!net->state || !net->state->pid)
		chk_detail(r, CHECK_FAIL, "no dnsmasq process in %s and no pid file", ns_name);
	else if (!net->pidfile_alive)
		chk_detail(r, CHECK_FAIL,
			   "no dnsmasq in %s: the pid file %s/pid names %d, which is not running "
			   "(dnsmasq died)",
			   ns_name, net->state->dir, (int)net->state->pid);
	else if (!net->pidfile_is_dnsmasq)
		chk_detail(r, CHECK_FAIL, "no dnsmasq in %s: pid %d of the pid file is not dnsmasq",
			   ns_name, (int)net->state->pid);
	else
		chk_detail(r, CHECK_FAIL, "no dnsmasq in %s: pid %d runs in another namespace",
			   ns_name, (int)net->state->pid);
}

void check_dhcp_port_ip(struct check_ctx *c)
{
	int a;
	const struct topo_network *net = dhcp_scope(c, CHK_DHCP_PORT_IP, &a);
	const struct path_hop *h;
	const struct link_info *li;
	struct check_result *r;
	char addr[64];

	if (!net)
		return;
	h = &c->path->hops[a];
	if (!(r = chk_new(c, CHK_DHCP_PORT_IP, a, "DHCP port of network %s", net->uuid)))
		return;
	if (net->dhcp_ns < 0) {
		chk_detail(r, CHECK_UNKNOWN, "no qdhcp-%s namespace to look in", net->uuid);
		return;
	}
	li = h->role == ROLE_DHCP_TAP ? topo_link(c->t, h->ns, h->dev) : NULL;
	chk_ns_cmd(r, c->t, net->dhcp_ns, "ip addr show %s", li ? li->name : "");
	if (!li) {
		chk_detail(r, CHECK_FAIL, "no DHCP port device in %s",
			   c->t->ns[net->dhcp_ns].ns.name);
		return;
	}
	if (!li->n_addrs) {
		chk_detail(r, CHECK_FAIL,
			   "%s has no IP address: dnsmasq, bound to it, cannot answer", li->name);
		return;
	}
	for (size_t i = 0; i < li->n_addrs; i++) {
		char ip[INET6_ADDRSTRLEN];

		if (!inet_ntop(li->addrs[i].family, li->addrs[i].addr, ip, sizeof(ip)))
			continue;
		link_addr_text(&li->addrs[i], addr, sizeof(addr));
		if (!net->dnsmasq_pid || !net->dnsmasq.n_ranges) {
			chk_detail(r, CHECK_PASS,
				   "%s has %s (dnsmasq's range unknown: not running)", li->name,
				   addr);
			return;
		}
		if (dnsmasq_conf_covering(&net->dnsmasq, ip, li->addrs[i].prefixlen)) {
			chk_detail(r, CHECK_PASS, "%s has %s, inside dnsmasq's --dhcp-range",
				   li->name, addr);
			return;
		}
	}
	chk_detail(r, CHECK_FAIL, "%s has %s, outside every --dhcp-range of dnsmasq (%s)",
		   li->name, addr, net->dnsmasq.ranges[0].text);
}

/* The DHCP agent's directory for the network, or a result saying why not. */
static const struct dhcp_net *net_state(struct check_ctx *c, struct check_result *r,
					const struct topo_network *net)
{
	const struct dhcp_state *s = &c->t->dhcp;

	if (net->state)
		return net->state;
	chk_cmd(r, "ls %s/dhcp/", s->dir);
	chk_detail(r, CHECK_UNKNOWN, "no %s/dhcp/%s directory (state directory from %s)", s->dir,
		   net->uuid, state_dir_source_text(s->source));
	return NULL;
}

/* ip lies in no --dhcp-range of the running dnsmasq (when its ranges say
 * so: a subnet mask or an end address): it has no subnet to give ip from. */
static bool outside_ranges(const struct topo_network *net, const char *ip)
{
	int family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	bool any = false;

	if (!net->dnsmasq_pid)
		return false;
	for (size_t i = 0; i < net->dnsmasq.n_ranges; i++) {
		const struct dnsmasq_range *r = &net->dnsmasq.ranges[i];

		if (r->family != family)
			continue;
		if ((r->prefixlen < 0 && !r->has_end) || dnsmasq_range_covers(r, ip, -1))
			return false;
		any = true;
	}
	return any;
}

void check_host_entry(struct check_ctx *c)
{
	int a;
	const struct topo_network *net = dhcp_scope(c, CHK_HOST_ENTRY, &a);
	const struct dhcp_net *st;
	struct check_result *r;
	unsigned char mac[6];
	char ips[160] = "";
	bool all_outside = true;
	int line = 0;

	if (!net || !(r = chk_new(c, CHK_HOST_ENTRY, a, "host entry of %s", c->port->mac)))
		return;
	if (!(st = net_state(c, r, net)))
		return;
	chk_cmd(r, "grep -n -i '^%s' %s/host", c->port->mac, st->dir);
	if (!st->has_host_file) {
		chk_detail(r, CHECK_FAIL, "no host file in %s: dnsmasq knows no host", st->dir);
		return;
	}
	if (!dhcp_parse_mac(c->port->mac, mac)) {
		chk_detail(r, CHECK_UNKNOWN, "the port's MAC is unknown");
		return;
	}
	for (size_t i = 0; i < st->n_hosts; i++) {
		const struct dhcp_host *h = &st->hosts[i];

		if (!h->has_mac || memcmp(h->mac, mac, 6))
			continue;
		if (!line)
			line = h->line;
		if (!h->family)
			continue;
		snprintf(ips + strlen(ips), sizeof(ips) - strlen(ips), "%s%s", ips[0] ? ", " : "",
			 h->ip);
		all_outside &= outside_ranges(net, h->ip);
	}
	if (!line)
		chk_detail(r, CHECK_FAIL,
			   "%s is not in %s/host: dnsmasq ignores its requests (a 'static' range "
			   "serves listed hosts only)",
			   c->port->mac, st->dir);
	else if (!ips[0])
		chk_detail(r, CHECK_FAIL, "%s is in %s/host (line %d) without an address",
			   c->port->mac, st->dir, line);
	else if (all_outside)
		chk_detail(r, CHECK_FAIL,
			   "%s -> %s (%s/host line %d), outside every --dhcp-range of dnsmasq "
			   "(%s): it has no subnet to give that address from and stays silent",
			   c->port->mac, ips, st->dir, line, net->dnsmasq.ranges[0].text);
	else
		chk_detail(r, CHECK_PASS, "%s -> %s (%s/host line %d)", c->port->mac, ips, st->dir,
			   line);
}

void check_host_file(struct check_ctx *c)
{
	int a;
	const struct topo_network *net = dhcp_scope(c, CHK_HOST_FILE, &a);
	const struct dhcp_net *st = net ? net->state : NULL;
	struct check_result *r;
	size_t bad = 0;

	if (!st || !st->has_host_file || !(r = chk_new(c, CHK_HOST_FILE, a, "%s/host", st->dir)))
		return;
	chk_cmd(r, "cat -n %s/host", st->dir);
	for (size_t i = 0; i < st->n_bad; i++) {
		const struct dhcp_bad_line *b = &st->bad[i];

		if (strcmp(b->file, "host"))
			continue;
		if (!bad++)
			chk_detail(r, CHECK_FAIL, "line %d: %s: '%s'", b->line, b->reason, b->text);
	}
	if (bad > 1)
		snprintf(r->detail + strlen(r->detail), sizeof(r->detail) - strlen(r->detail),
			 " (and %zu more malformed lines)", bad - 1);
	if (!bad)
		chk_detail(r, CHECK_PASS, "%zu entries, none malformed", st->n_hosts);
}

void check_lease(struct check_ctx *c)
{
	int a;
	const struct topo_network *net = dhcp_scope(c, CHK_LEASE, &a);
	const struct dhcp_net *st = net ? net->state : NULL;
	struct check_result *r;
	unsigned char mac[6];

	if (!st || !dhcp_parse_mac(c->port->mac, mac) ||
	    !(r = chk_new(c, CHK_LEASE, a, "lease of %s", c->port->mac)))
		return;
	chk_cmd(r, "grep -i '%s' %s/leases", c->port->mac, st->dir);
	for (size_t i = 0; i < st->n_leases; i++) {
		const struct dhcp_lease *l = &st->leases[i];
		char when[32] = "never (infinite)";
		time_t exp = (time_t)l->expiry;
		struct tm tm;

		if (!l->has_mac || memcmp(l->mac, mac, 6))
			continue;
		if (l->expiry && gmtime_r(&exp, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (l->expiry && exp < time(NULL))
			chk_detail(r, CHECK_UNKNOWN, "lease of %s expired at %s", l->ip, when);
		else
			chk_detail(r, CHECK_PASS, "%s leased, expires %s", l->ip, when);
		return;
	}
	chk_detail(r, CHECK_UNKNOWN, "no lease for %s yet (the instance has not completed DHCP)",
		   c->port->mac);
}
