/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Open vSwitch's database over JSON-RPC (RFC 7047) on its unix socket: one
 * "transact" of four selects (Open_vSwitch, Bridge, Port, Interface) read
 * into plain C structs.  Every wait is bounded by a timeout so that an
 * unresponsive ovsdb-server never hangs nstrace.
 */
#ifndef NSTRACE_OVSDB_H
#define NSTRACE_OVSDB_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "kvlist.h"
#include "neutron_names.h"

#define OVS_NAME_LEN 64
#define OVSDB_TIMEOUT_MS 2000

struct ovs_iface {
	char uuid[UUID_STR_LEN];
	char name[OVS_NAME_LEN];
	char type[24]; /* "" (system), internal, patch, gre, vxlan, geneve, ... */
	struct kvlist options; /* remote_ip, local_ip, key, peer, ... */
	struct kvlist external_ids; /* iface-id, attached-mac, vm-uuid, iface-status */
	long long ofport; /* -1 when unassigned or failed */
	long long ifindex; /* as vswitchd sees it; 0 when moved to another netns */
	char link_state[12]; /* "up", "down" or "" */
	char admin_state[12];
	char mac_in_use[24];
	char error[160];
	int port; /* index into ports of the owning Port, -1 if none */
};

struct ovs_port {
	char uuid[UUID_STR_LEN];
	char name[OVS_NAME_LEN];
	int tag; /* access VLAN, -1 when none */
	struct kvlist other_config; /* net_uuid, network_type, segmentation_id, tag */
	struct kvlist external_ids;
	int *ifaces; /* indices into ifaces */
	size_t n_ifaces;
	int bridge; /* index into bridges, -1 if none */
};

struct ovs_bridge {
	char uuid[UUID_STR_LEN];
	char name[OVS_NAME_LEN];
	char datapath_type[16]; /* "netdev" (userspace), "system" or "" (kernel) */
	struct kvlist external_ids;
	int *ports; /* indices into ports */
	size_t n_ports;
};

struct ovsdb_snapshot {
	struct kvlist external_ids; /* Open_vSwitch: system-id, hostname */
	struct kvlist other_config;
	char ovs_version[32];
	struct ovs_bridge *bridges;
	size_t n_bridges;
	struct ovs_port *ports;
	size_t n_ports;
	struct ovs_iface *ifaces;
	size_t n_ifaces;
};

/*
 * The transact request (id) selecting the columns nstrace reads; when
 * schema (a get_schema result) is given, columns it lacks are left out,
 * so older databases answer too.
 */
json_t *ovsdb_snapshot_request(const json_t *schema, json_int_t id);
/*
 * Parse the "result" of that transact into out.  On a malformed reply,
 * -EPROTO with a message in err.
 */
int ovsdb_snapshot_parse(const json_t *result, struct ovsdb_snapshot *out, char *err,
			 size_t errlen);
void ovsdb_snapshot_free(struct ovsdb_snapshot *s);

/*
 * Connect to the unix socket at path, read the schema and the snapshot;
 * every step bounded by timeout_ms.  On failure, -errno with the reason
 * in err.
 */
int ovsdb_fetch(const char *path, int timeout_ms, struct ovsdb_snapshot *out, char *err,
		size_t errlen);

/* A JSON-RPC connection, for callers that need other methods. */
struct ovsdb_conn {
	int fd;
	int timeout_ms;
	char *buf; /* bytes read and not yet parsed */
	size_t len, cap;
	json_int_t next_id;
};

int ovsdb_conn_open(struct ovsdb_conn *c, const char *path, int timeout_ms);
/*
 * Send method(params) and wait for its reply, answering "echo" requests
 * meanwhile.  params is stolen.  On success *result holds the reply's
 * "result" (caller json_decref()s); an error reply gives -EREMOTEIO and the
 * server's text in err.
 */
int ovsdb_conn_call(struct ovsdb_conn *c, const char *method, json_t *params,
		    json_t **result, char *err, size_t errlen);
void ovsdb_conn_close(struct ovsdb_conn *c);

/* Lookups; NULL / -1 when absent. */
const struct ovs_iface *ovsdb_iface_by_name(const struct ovsdb_snapshot *s, const char *name);
const struct ovs_bridge *ovsdb_bridge_by_name(const struct ovsdb_snapshot *s, const char *name);
/* The bridge an interface belongs to, through its port. */
const struct ovs_bridge *ovsdb_iface_bridge(const struct ovsdb_snapshot *s,
					    const struct ovs_iface *i);
const struct ovs_port *ovsdb_iface_port(const struct ovsdb_snapshot *s,
					const struct ovs_iface *i);
/* True for tunnel interface types (gre, vxlan, geneve, stt, erspan, ...). */
bool ovs_type_is_tunnel(const char *type);

#endif
