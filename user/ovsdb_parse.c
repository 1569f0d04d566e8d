// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* OVSDB replies (RFC 7047 section 5.1 value encodings) into plain structs. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb.h"

enum { T_OVS, T_BRIDGE, T_PORT, T_IFACE, T__COUNT };

static const char *const table_names[T__COUNT] = { "Open_vSwitch", "Bridge", "Port",
						   "Interface" };

/* Columns nstrace reads from each table; _uuid always comes back. */
static const char *const ovs_cols[] = { "_uuid", "external_ids", "other_config",
					"ovs_version", NULL };
static const char *const bridge_cols[] = { "_uuid", "name", "ports", "datapath_type",
					   "external_ids", NULL };
static const char *const port_cols[] = { "_uuid", "name", "interfaces", "tag", "other_config",
					 "external_ids", NULL };
static const char *const iface_cols[] = { "_uuid", "name", "type", "options", "external_ids",
					  "ofport", "ifindex", "link_state", "admin_state",
					  "mac_in_use", "error", NULL };
static const char *const *const table_cols[T__COUNT] = { ovs_cols, bridge_cols, port_cols,
							 iface_cols };

static bool schema_has_column(const json_t *schema, const char *table, const char *col)
{
	const json_t *cols;

	if (!schema || !strcmp(col, "_uuid"))
		return true;
	cols = json_object_get(json_object_get(json_object_get(schema, "tables"), table),
			       "columns");
	return json_object_get(cols, col) != NULL;
}

json_t *ovsdb_snapshot_request(const json_t *schema, json_int_t id)
{
	json_t *params = json_array();

	json_array_append_new(params, json_string("Open_vSwitch"));
	for (int t = 0; t < T__COUNT; t++) {
		json_t *cols = json_array();

		for (const char *const *c = table_cols[t]; *c; c++)
			if (schema_has_column(schema, table_names[t], *c))
				json_array_append_new(cols, json_string(*c));
		json_array_append_new(params, json_pack("{s:s, s:s, s:[], s:o}", "op", "select",
							"table", table_names[t], "where",
							"columns", cols));
	}
	return json_pack("{s:s, s:o, s:I}", "method", "transact", "params", params, "id", id);
}

/* An atom as text: strings as they are, numbers and booleans printed,
 * ["uuid", U] / ["named-uuid", U] as U.  False for anything else. */
static bool atom_text(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_real(v)) {
		snprintf(buf, len, "%g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	} else if (json_is_array(v) && json_array_size(v) == 2 &&
		   json_is_string(json_array_get(v, 0)) &&
		   json_is_string(json_array_get(v, 1))) {
		const char *kind = json_string_value(json_array_get(v, 0));

		if (strcmp(kind, "uuid") && strcmp(kind, "named-uuid"))
			return false;
		snprintf(buf, len, "%s", json_string_value(json_array_get(v, 1)));
	} else {
		return false;
	}
	return true;
}

/* The elements of a set: ["set", [a, b]] or a lone atom (a set of one). */
static const json_t *set_elements(const json_t *v, size_t *n, const json_t **single)
{
	if (json_is_array(v) && json_array_size(v) == 2 &&
	    json_is_string(json_array_get(v, 0)) &&
	    !strcmp(json_string_value(json_array_get(v, 0)), "set")) {
		const json_t *elems = json_array_get(v, 1);

		if (!json_is_array(elems))
			return NULL;
		*n = json_array_size(elems);
		return elems;
	}
	*single = v;
	*n = v ? 1 : 0;
	return NULL;
}

static const json_t *set_get(const json_t *elems, const json_t *single, size_t i)
{
	return elems ? json_array_get(elems, i) : single;
}

/* A set of at most one atom as text; "" for the empty set. */
static bool optional_text(const json_t *v, char *buf, size_t len)
{
	const json_t *single = NULL;
	size_t n;
	const json_t *elems = set_elements(v, &n, &single);

	buf[0] = '\0';
	if (!v)
		return true;
	if (n == 0)
		return true;
	if (n > 1)
		return false;
	return atom_text(set_get(elems, single, 0), buf, len);
}

/* A set of at most one integer; dflt for the empty set. */
static bool optional_int(const json_t *v, long long dflt, long long *out)
{
	const json_t *single = NULL;
	size_t n;
	const json_t *elems = set_elements(v, &n, &single);

	*out = dflt;
	if (!v || n == 0)
		return true;
	v = set_get(elems, single, 0);
	if (n > 1 || !json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return true;
}

static int parse_map(const json_t *v, struct kvlist *out)
{
	const json_t *pairs;
	size_t i;
	json_t *pair;

	if (!v)
		return 0;
	if (!json_is_array(v) || json_array_size(v) != 2 ||
	    !json_is_string(json_array_get(v, 0)) ||
	    strcmp(json_string_value(json_array_get(v, 0)), "map"))
		return -EPROTO;
	pairs = json_array_get(v, 1);
	if (!json_is_array(pairs))
		return -EPROTO;
	json_array_foreach(pairs, i, pair) {
		char key[256], value[1024];
		int err;

		if (!json_is_array(pair) || json_array_size(pair) != 2 ||
		    !atom_text(json_array_get(pair, 0), key, sizeof(key)) ||
		    !atom_text(json_array_get(pair, 1), value, sizeof(value)))
			return -EPROTO;
		err = kvlist_add(out, key, value);
		if (err)
			return err;
	}
	return 0;
}

/* The uuids of a set of references, as a newly allocated array. */
static int parse_refs(const json_t *v, char (**uuids)[UUID_STR_LEN], size_t *n)
{
	const json_t *single = NULL;
	const json_t *elems = set_elements(v, n, &single);

	*uuids = NULL;
	if (!v || !*n)
		return 0;
	*uuids = calloc(*n, sizeof(**uuids));
	if (!*uuids)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++)
		if (!atom_text(set_get(elems, single, i), (*uuids)[i], UUID_STR_LEN))
			return -EPROTO;
	return 0;
}

struct pending_refs {
	char (*uuids)[UUID_STR_LEN];
	size_t n;
};

static const json_t *rows_of(const json_t *result, int t, char *err, size_t errlen)
{
	const json_t *op = json_array_get(result, (size_t)t);
	const json_t *rows = json_object_get(op, "rows");
	const json_t *e = json_object_get(op, "error");

	if (e) {
		const char *details = json_string_value(json_object_get(op, "details"));

		snprintf(err, errlen, "select on %s failed: %s%s%s", table_names[t],
			 json_is_string(e) ? json_string_value(e) : "error", details ? ": " : "",
			 details ? details : "");
		return NULL;
	}
	if (!json_is_array(rows)) {
		snprintf(err, errlen, "select on %s: no \"rows\" in the reply", table_names[t]);
		return NULL;
	}
	return rows;
}

static int parse_ovs_row(const json_t *row, struct ovsdb_snapshot *s)
{
	int err = parse_map(json_object_get(row, "external_ids"), &s->external_ids);

	if (!err)
		err = parse_map(json_object_get(row, "other_config"), &s->other_config);
	if (!err && !optional_text(json_object_get(row, "ovs_version"), s->ovs_version,
				   sizeof(s->ovs_version)))
		err = -EPROTO;
	return err;
}

static int parse_bridge_row(const json_t *row, struct ovs_bridge *b, struct pending_refs *refs)
{
	int err;

	if (!atom_text(json_object_get(row, "_uuid"), b->uuid, sizeof(b->uuid)) ||
	    !atom_text(json_object_get(row, "name"), b->name, sizeof(b->name)) ||
	    !optional_text(json_object_get(row, "datapath_type"), b->datapath_type,
			   sizeof(b->datapath_type)))
		return -EPROTO;
	err = parse_map(json_object_get(row, "external_ids"), &b->external_ids);
	if (!err)
		err = parse_refs(json_object_get(row, "ports"), &refs->uuids, &refs->n);
	return err;
}

static int parse_port_row(const json_t *row, struct ovs_port *p, struct pending_refs *refs)
{
	long long tag;
	int err;

	if (!atom_text(json_object_get(row, "_uuid"), p->uuid, sizeof(p->uuid)) ||
	    !atom_text(json_object_get(row, "name"), p->name, sizeof(p->name)) ||
	    !optional_int(json_object_get(row, "tag"), -1, &tag))
		return -EPROTO;
	p->tag = (int)tag;
	err = parse_map(json_object_get(row, "other_config"), &p->other_config);
	if (!err)
		err = parse_map(json_object_get(row, "external_ids"), &p->external_ids);
	if (!err)
		err = parse_refs(json_object_get(row, "interfaces"), &refs->uuids, &refs->n);
	return err;
}

static int parse_iface_row(const json_t *row, struct ovs_iface *i)
{
	int err;

	if (!atom_text(json_object_get(row, "_uuid"), i->uuid, sizeof(i->uuid)) ||
	    !atom_text(json_object_get(row, "name"), i->name, sizeof(i->name)) ||
	    !optional_text(json_object_get(row, "type"), i->type, sizeof(i->type)) ||
	    !optional_int(json_object_get(row, "ofport"), -1, &i->ofport) ||
	    !optional_int(json_object_get(row, "ifindex"), 0, &i->ifindex) ||
	    !optional_text(json_object_get(row, "link_state"), i->link_state,
			   sizeof(i->link_state)) ||
	    !optional_text(json_object_get(row, "admin_state"), i->admin_state,
			   sizeof(i->admin_state)) ||
	    !optional_text(json_object_get(row, "mac_in_use"), i->mac_in_use,
			   sizeof(i->mac_in_use)) ||
	    !optional_text(json_object_get(row, "error"), i->error, sizeof(i->error)))
		return -EPROTO;
	err = parse_map(json_object_get(row, "options"), &i->options);
	if (!err)
		err = parse_map(json_object_get(row, "external_ids"), &i->external_ids);
	return err;
}

/* One owner's uuid list as indices found by find; uuids that name no row
 * (cannot happen within one transact, but a reply is input) are dropped. */
static int refs_to_indices(const struct pending_refs *refs, const struct ovsdb_snapshot *s,
			   int (*find)(const struct ovsdb_snapshot *, const char *), int **list,
			   size_t *count)
{
	*count = 0;
	*list = calloc(refs->n ? refs->n : 1, sizeof(int));
	if (!*list)
		return -ENOMEM;
	for (size_t k = 0; k < refs->n; k++) {
		int idx = find(s, refs->uuids[k]);

		if (idx >= 0)
			(*list)[(*count)++] = idx;
	}
	return 0;
}

static int find_port_uuid(const struct ovsdb_snapshot *s, const char *uuid)
{
	for (size_t i = 0; i < s->n_ports; i++)
		if (!strcmp(s->ports[i].uuid, uuid))
			return (int)i;
	return -1;
}

static int find_iface_uuid(const struct ovsdb_snapshot *s, const char *uuid)
{
	for (size_t i = 0; i < s->n_ifaces; i++)
		if (!strcmp(s->ifaces[i].uuid, uuid))
			return (int)i;
	return -1;
}

static void free_refs(struct pending_refs *refs, size_t n)
{
	if (!refs)
		return;
	for (size_t i = 0; i < n; i++)
		free(refs[i].uuids);
	free(refs);
}

int ovsdb_snapshot_parse(const json_t *result, struct ovsdb_snapshot *out, char *err,
			 size_t errlen)
{
	const json_t *rows[T__COUNT];
	struct pending_refs *bridge_refs = NULL, *port_refs = NULL;
	const json_t *row;
	size_t i;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!json_is_array(result) || json_array_size(result) < T__COUNT) {
		snprintf(err, errlen, "transact reply: expected %d results", T__COUNT);
		return -EPROTO;
	}
	for (int t = 0; t < T__COUNT; t++) {
		rows[t] = rows_of(result, t, err, errlen);
		if (!rows[t])
			return -EPROTO;
	}
	out->bridges = calloc(json_array_size(rows[T_BRIDGE]) + 1, sizeof(*out->bridges));
	out->ports = calloc(json_array_size(rows[T_PORT]) + 1, sizeof(*out->ports));
	out->ifaces = calloc(json_array_size(rows[T_IFACE]) + 1, sizeof(*out->ifaces));
	bridge_refs = calloc(json_array_size(rows[T_BRIDGE]) + 1, sizeof(*bridge_refs));
	port_refs = calloc(json_array_size(rows[T_PORT]) + 1, sizeof(*port_refs));
	if (!out->bridges || !out->ports || !out->ifaces || !bridge_refs || !port_refs) {
		ret = -ENOMEM;
		goto out;
	}
	row = json_array_get(rows[T_OVS], 0);
	if (row && (ret = parse_ovs_row(row, out))) {
		snprintf(err, errlen, "malformed Open_vSwitch row");
		goto out;
	}
	json_array_foreach(rows[T_BRIDGE], i, row) {
		out->n_bridges++;
		ret = parse_bridge_row(row, &out->bridges[i], &bridge_refs[i]);
		if (ret) {
			snprintf(err, errlen, "malformed Bridge row %zu", i);
			goto out;
		}
	}
	json_array_foreach(rows[T_PORT], i, row) {
		out->n_ports++;
		out->ports[i].bridge = -1;
		ret = parse_port_row(row, &out->ports[i], &port_refs[i]);
		if (ret) {
			snprintf(err, errlen, "malformed Port row %zu", i);
			goto out;
		}
	}
	json_array_foreach(rows[T_IFACE], i, row) {
		out->n_ifaces++;
		out->ifaces[i].port = -1;
		ret = parse_iface_row(row, &out->ifaces[i]);
		if (ret) {
			snprintf(err, errlen, "malformed Interface row %zu", i);
			goto out;
		}
	}
	for (size_t b = 0; b < out->n_bridges && !ret; b++)
		ret = refs_to_indices(&bridge_refs[b], out, find_port_uuid, &out->bridges[b].ports,
				      &out->bridges[b].n_ports);
	for (size_t p = 0; p < out->n_ports && !ret; p++)
		ret = refs_to_indices(&port_refs[p], out, find_iface_uuid, &out->ports[p].ifaces,
				      &out->ports[p].n_ifaces);
	if (ret)
		goto out;
	for (size_t b = 0; b < out->n_bridges; b++)
		for (size_t k = 0; k < out->bridges[b].n_ports; k++)
			out->ports[out->bridges[b].ports[k]].bridge = (int)b;
	for (size_t p = 0; p < out->n_ports; p++)
		for (size_t k = 0; k < out->ports[p].n_ifaces; k++)
			out->ifaces[out->ports[p].ifaces[k]].port = (int)p;
out:
	free_refs(bridge_refs, out->n_bridges);
	free_refs(port_refs, out->n_ports);
	if (ret == -EPROTO && !err[0])
		snprintf(err, errlen, "malformed reply");
	if (ret)
		ovsdb_snapshot_free(out);
	return ret;
}

void ovsdb_snapshot_free(struct ovsdb_snapshot *s)
{
	kvlist_free(&s->external_ids);
	kvlist_free(&s->other_config);
	for (size_t i = 0; i < s->n_bridges; i++) {
		kvlist_free(&s->bridges[i].external_ids);
		free(s->bridges[i].ports);
	}
	for (size_t i = 0; i < s->n_ports; i++) {
		kvlist_free(&s->ports[i].other_config);
		kvlist_free(&s->ports[i].external_ids);
		free(s->ports[i].ifaces);
	}
	for (size_t i = 0; i < s->n_ifaces; i++) {
		kvlist_free(&s->ifaces[i].options);
		kvlist_free(&s->ifaces[i].external_ids);
	}
	free(s->bridges);
	free(s->ports);
	free(s->ifaces);
	memset(s, 0, sizeof(*s));
}

const struct ovs_iface *ovsdb_iface_by_name(const struct ovsdb_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n_ifaces; i++)
		if (!strcmp(s->ifaces[i].name, name))
			return &s->ifaces[i];
	return NULL;
}

const struct ovs_bridge *ovsdb_bridge_by_name(const struct ovsdb_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n_bridges; i++)
		if (!strcmp(s->bridges[i].name, name))
			return &s->bridges[i];
	return NULL;
}

const struct ovs_port *ovsdb_iface_port(const struct ovsdb_snapshot *s,
					const struct ovs_iface *i)
{
	return i->port >= 0 ? &s->ports[i->port] : NULL;
}

const struct ovs_bridge *ovsdb_iface_bridge(const struct ovsdb_snapshot *s,
					    const struct ovs_iface *i)
{
	const struct ovs_port *p = ovsdb_iface_port(s, i);

	return p && p->bridge >= 0 ? &s->bridges[p->bridge] : NULL;
}

bool ovs_type_is_tunnel(const char *type)
{
	static const char *const types[] = { "gre", "vxlan", "geneve", "stt", "erspan",
					     "ip6gre", "ip6erspan", "lisp", "gtpu", "bareudp" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(type, types[i]))
			return true;
	return false;
}
