// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* OVSDB: recorded replies, value encodings, the JSON-RPC client against a
 * scripted server and against a real ovsdb-server. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture_topology.h"
#include "live_util.h"
#include "ovsdb.h"
#include "ovsdb_locate.h"
#include "testlib.h"

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	ck_assert_msg(s, "fixture: no string '%s'", key);
	return s;
}

static void parse_reply(const char *file, struct ovsdb_snapshot *s)
{
	json_t *reply = fixture_ovsdb_reply(file);
	char err[256] = "";

	ck_assert_msg(ovsdb_snapshot_parse(json_object_get(reply, "result"), s, err, sizeof(err)) ==
			      0,
		      "%s: %s", file, err);
	json_decref(reply);
}

/* Every recorded node's reply holds what the lab says it configured. */
START_TEST(test_recorded_replies)
{
	json_t *m = fixture_manifest(), *lab = json_object_get(m, "lab"), *node, *x;
	size_t i, k;

	json_array_foreach(json_object_get(lab, "nodes"), i, node) {
		const char *name = jstr(node, "name");
		char file[128];
		struct ovsdb_snapshot s;

		snprintf(file, sizeof(file), "lab-%s.json", name);
		parse_reply(file, &s);
		ck_assert_str_eq(kvlist_get(&s.external_ids, "hostname"), name);
		json_array_foreach(json_object_get(node, "bridges"), k, x) {
			const struct ovs_bridge *b = ovsdb_bridge_by_name(&s, json_string_value(x));

			ck_assert_msg(b, "%s: bridge %s", name, json_string_value(x));
			ck_assert_str_eq(b->datapath_type, "netdev");
			ck_assert_uint_gt(b->n_ports, 0);
		}
		json_array_foreach(json_object_get(node, "tunnels"), k, x) {
			const struct ovs_iface *t = ovsdb_iface_by_name(&s, jstr(x, "port"));
			const struct ovs_bridge *tb;

			ck_assert_ptr_nonnull(t);
			ck_assert(ovs_type_is_tunnel(t->type));
			ck_assert_str_eq(kvlist_get(&t->options, "remote_ip"),
					 jstr(x, "remote_ip"));
			ck_assert_str_eq(kvlist_get(&t->options, "local_ip"), jstr(x, "local_ip"));
			ck_assert_int_eq(t->ofport,
					 json_integer_value(json_object_get(x, "ofport")));
			tb = ovsdb_iface_bridge(&s, t);
			ck_assert_ptr_nonnull(tb);
		}
		/* patch ports name each other across two bridges */
		for (size_t f = 0; f < s.n_ifaces; f++) {
			const struct ovs_iface *p = &s.ifaces[f], *peer;

			if (strcmp(p->type, "patch"))
				continue;
			peer = ovsdb_iface_by_name(&s, kvlist_get(&p->options, "peer"));
			ck_assert_ptr_nonnull(peer);
			ck_assert_str_eq(kvlist_get(&peer->options, "peer"), p->name);
			ck_assert_ptr_ne(ovsdb_iface_bridge(&s, p), ovsdb_iface_bridge(&s, peer));
		}
		json_array_foreach(json_object_get(lab, "vms"), k, x) {
			const struct ovs_iface *q;
			const struct ovs_port *p;
			char seg[16];

			if (strcmp(jstr(x, "node"), name))
				continue;
			q = ovsdb_iface_by_name(&s, jstr(x, "qvo"));
			ck_assert_ptr_nonnull(q);
			ck_assert_str_eq(kvlist_get(&q->external_ids, "iface-id"),
					 jstr(x, "port_uuid"));
			ck_assert_str_eq(kvlist_get(&q->external_ids, "attached-mac"),
					 jstr(x, "mac"));
			ck_assert_str_eq(kvlist_get(&q->external_ids, "vm-uuid"),
					 jstr(x, "instance_uuid"));
			p = ovsdb_iface_port(&s, q);
			ck_assert_ptr_nonnull(p);
			ck_assert_int_eq(p->tag,
					 json_integer_value(json_object_get(x, "local_vlan")));
			ck_assert_str_eq(kvlist_get(&p->other_config, "net_uuid"),
					 jstr(x, "network_uuid"));
			ck_assert_str_eq(kvlist_get(&p->other_config, "network_type"), "gre");
			ck_assert_str_eq(ovsdb_iface_bridge(&s, q)->name, "br-int");
			ck_assert_ptr_nonnull(kvlist_get(&p->other_config, "segmentation_id"));
			snprintf(seg, sizeof(seg), "%d", atoi(kvlist_get(&p->other_config, "tag")));
			ck_assert_int_eq(atoi(seg), p->tag);
		}
		json_array_foreach(json_object_get(lab, "networks"), k, x) {
			json_t *d = json_object_get(x, "dhcp");
			const struct ovs_iface *t;

			if (strcmp(jstr(d, "node"), name))
				continue;
			t = ovsdb_iface_by_name(&s, jstr(d, "device"));
			ck_assert_ptr_nonnull(t);
			ck_assert_str_eq(t->type, "internal");
			ck_assert_str_eq(kvlist_get(&t->external_ids, "iface-id"),
					 jstr(d, "port_uuid"));
		}
		ovsdb_snapshot_free(&s);
	}
	json_decref(m);
}
END_TEST

static bool request_has_column(json_t *req, const char *table, const char *col)
{
	json_t *op, *c;
	size_t i, k;

	json_array_foreach(json_object_get(req, "params"), i, op) {
		if (!json_is_object(op) || strcmp(jstr(op, "table"), table))
			continue;
		json_array_foreach(json_object_get(op, "columns"), k, c)
			if (!strcmp(json_string_value(c), col))
				return true;
	}
	return false;
}

/* Columns an older schema lacks are left out, so old databases answer. */
START_TEST(test_request_follows_schema)
{
	json_t *schema = fixture_ovsdb_reply("schema.json"), *req;

	req = ovsdb_snapshot_request(schema, 7);
	ck_assert_str_eq(jstr(req, "method"), "transact");
	ck_assert_int_eq(json_integer_value(json_object_get(req, "id")), 7);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(req, "params"), 0)),
			 "Open_vSwitch");
	ck_assert(request_has_column(req, "Interface", "ifindex"));
	ck_assert(request_has_column(req, "Port", "other_config"));
	json_decref(req);

	json_object_del(json_object_get(json_object_get(json_object_get(schema, "tables"),
							"Interface"),
					"columns"),
			"ifindex");
	req = ovsdb_snapshot_request(schema, 8);
	ck_assert(!request_has_column(req, "Interface", "ifindex"));
	ck_assert(request_has_column(req, "Interface", "name"));
	ck_assert(request_has_column(req, "Interface", "_uuid"));
	json_decref(req);
	json_decref(schema);
}
END_TEST

static int parse_text(const char *text, struct ovsdb_snapshot *s, char *err, size_t len)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	int r;

	ck_assert_msg(j, "test JSON: %s", jerr.text);
	err[0] = '\0';
	r = ovsdb_snapshot_parse(j, s, err, len);
	json_decref(j);
	return r;
}

#define OVS_ROW "{\"rows\":[{\"_uuid\":[\"uuid\",\"u0\"],\"external_ids\":[\"map\",[]]}]}"

START_TEST(test_value_encodings)
{
	struct ovsdb_snapshot s;
	char err[256];

	/* tag: empty set, a lone atom; refs to a missing row are dropped */
	ck_assert_int_eq(
		parse_text(
			"[" OVS_ROW ","
			"{\"rows\":[{\"_uuid\":[\"uuid\",\"b1\"],\"name\":\"br-int\","
			"\"ports\":[\"set\",[[\"uuid\",\"p1\"],[\"uuid\",\"gone\"]]],"
			"\"datapath_type\":\"\"}]},"
			"{\"rows\":[{\"_uuid\":[\"uuid\",\"p1\"],\"name\":\"qvo1\",\"tag\":5,"
			"\"interfaces\":[\"uuid\",\"i1\"],"
			"\"other_config\":[\"map\",[[\"net_uuid\",\"n\"],[\"tag\",\"5\"]]]},"
			"{\"_uuid\":[\"uuid\",\"p2\"],\"name\":\"x\",\"tag\":[\"set\",[]],"
			"\"interfaces\":[\"set\",[]]}]},"
			"{\"rows\":[{\"_uuid\":[\"uuid\",\"i1\"],\"name\":\"qvo1\",\"type\":\"\","
			"\"ofport\":[\"set\",[]],\"options\":[\"map\",[[\"key\",42]]],"
			"\"external_ids\":[\"map\",[[\"iface-id\",\"abc\"]]]}]}]",
			&s, err, sizeof(err)),
		0);
	ck_assert_uint_eq(s.n_bridges, 1);
	ck_assert_uint_eq(s.bridges[0].n_ports, 1);
	ck_assert_int_eq(s.ports[0].tag, 5);
	ck_assert_int_eq(s.ports[1].tag, -1);
	ck_assert_int_eq(s.ports[0].bridge, 0);
	ck_assert_int_eq(s.ports[1].bridge, -1);
	ck_assert_int_eq(s.ifaces[0].port, 0);
	ck_assert_int_eq(s.ifaces[0].ofport, -1);
	ck_assert_str_eq(kvlist_get(&s.ifaces[0].options, "key"), "42");
	ck_assert_str_eq(kvlist_get(&s.ports[0].other_config, "net_uuid"), "n");
	ck_assert_ptr_null(kvlist_get(&s.ports[0].other_config, "segmentation_id"));
	ovsdb_snapshot_free(&s);
}
END_TEST

START_TEST(test_malformed_replies)
{
	static const struct {
		const char *text;
		const char *err;
	} bad[] = {
		{"[" OVS_ROW ",{\"error\":\"unknown column\",\"details\":\"no column x\"},"
		 "{\"rows\":[]},{\"rows\":[]}]",
		 "select on Bridge failed: unknown column: no column x"},
		{"[" OVS_ROW ",{\"rows\":[]}]", "expected 4 results"},
		{"[" OVS_ROW ",{\"rows\":[]},{\"rows\":[{\"_uuid\":[\"uuid\",\"p\"],\"name\":\"x\","
		 "\"tag\":[\"set\",[1,2]]}]},{\"rows\":[]}]",
		 "malformed Port row 0"},
		{"[" OVS_ROW ",{\"rows\":[]},{\"rows\":[]},{\"rows\":[{\"_uuid\":[\"uuid\",\"i\"],"
		 "\"name\":\"x\",\"external_ids\":[\"map\",[[\"only-key\"]]]}]}]",
		 "malformed Interface row 0"},
		{"[" OVS_ROW ",{\"rows\":[{\"name\":\"no-uuid\"}]},{\"rows\":[]},{\"rows\":[]}]",
		 "malformed Bridge row 0"},
		{"[" OVS_ROW ",{\"rows\":[]},{\"rows\":[]},{\"nope\":1}]", "no \"rows\""},
	};
	struct ovsdb_snapshot s;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(parse_text(bad[i].text, &s, err, sizeof(err)), -EPROTO);
		ck_assert_msg(strstr(err, bad[i].err), "case %zu: '%s', want '%s'", i, err,
			      bad[i].err);
	}
}
END_TEST

/* A scripted server on a unix socket: one connection, then exit status
 * 0 when it saw what it expected. */
static pid_t serve(const char *path, void (*script)(int fd))
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	ck_assert_int_ge(ls, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(ls, 1), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd;

		/* the runner's SIGTERM handler (inherited) would kill its group */
		signal(SIGTERM, SIG_DFL);
		alarm(10);
		fd = accept(ls, NULL, NULL);
		if (fd < 0)
			_exit(3);
		script(fd);
		_exit(0);
	}
	close(ls);
	return pid;
}

static void send_text(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		_exit(4);
}

/* Read until the buffer holds needle; exit 5 if the peer closes first. */
static void expect_text(int fd, const char *needle)
{
	char buf[4096];
	size_t len = 0;

	while (len < sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);

		if (r <= 0)
			_exit(5);
		len += (size_t)r;
		buf[len] = '\0';
		if (strstr(buf, needle))
			return;
	}
	_exit(6);
}

static void script_echo_then_fragments(int fd)
{
	expect_text(fd, "\"method\":\"list_dbs\"");
	send_text(fd, "{\"id\":\"echo\",\"method\":\"echo\",\"params\":[\"ping\"]}");
	expect_text(fd, "\"result\":[\"ping\"]");
	send_text(fd, "{\"id\":null,\"method\":\"update\",\"params\":[null,{}]}\n");
	send_text(fd, "{\"id\":1,\"res");
	usleep(50000);
	send_text(fd, "ult\":{\"ok\":[1,2,\"}\"]},");
	usleep(50000);
	send_text(fd, "\"error\":null}");
}

static void script_silent(int fd)
{
	expect_text(fd, "list_dbs");
	sleep(5);
}

static void script_error(int fd)
{
	expect_text(fd, "list_dbs");
	send_text(fd, "{\"id\":1,\"result\":null,\"error\":{\"error\":\"unknown database\","
		      "\"details\":\"no Foo\"}}");
	sleep(1);
}

/* End the scripted server; want >= 0: it must have exited with want. */
static void finish(pid_t pid, int want)
{
	int status;

	if (want >= 0) {
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == want,
			      "scripted server: status 0x%x", status);
		return;
	}
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
}

START_TEST(test_rpc_echo_and_fragments)
{
	char dir[128], path[192], err[256];
	struct ovsdb_conn c;
	json_t *res;
	pid_t pid;

	live_tmpdir(dir, sizeof(dir), "ovsdb");
	snprintf(path, sizeof(path), "%s/db.sock", dir);
	pid = serve(path, script_echo_then_fragments);
	ck_assert_int_eq(ovsdb_conn_open(&c, path, 3000), 0);
	ck_assert_int_eq(ovsdb_conn_call(&c, "list_dbs", json_array(), &res, err, sizeof(err)), 0);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(res, "ok"), 2)), "}");
	json_decref(res);
	ovsdb_conn_close(&c);
	finish(pid, 0); /* it saw our answer to its echo */
	sh("rm -rf %s", dir);
}
END_TEST

START_TEST(test_rpc_timeout_and_errors)
{
	char dir[128], path[192], err[256];
	struct ovsdb_conn c;
	struct ovsdb_snapshot s;
	json_t *res;
	pid_t pid;

	live_tmpdir(dir, sizeof(dir), "ovsdb");
	snprintf(path, sizeof(path), "%s/db.sock", dir);

	pid = serve(path, script_silent);
	ck_assert_int_eq(ovsdb_conn_open(&c, path, 300), 0);
	ck_assert_int_eq(ovsdb_conn_call(&c, "list_dbs", json_array(), &res, err, sizeof(err)),
			 -ETIMEDOUT);
	ck_assert_ptr_null(res);
	ck_assert_str_eq(err, "no answer in time");
	ovsdb_conn_close(&c);
	finish(pid, -1);
	unlink(path);

	pid = serve(path, script_error);
	ck_assert_int_eq(ovsdb_conn_open(&c, path, 2000), 0);
	ck_assert_int_eq(ovsdb_conn_call(&c, "list_dbs", json_array(), &res, err, sizeof(err)),
			 -EREMOTEIO);
	ck_assert_ptr_nonnull(strstr(err, "unknown database: no Foo"));
	ovsdb_conn_close(&c);
	finish(pid, -1);
	unlink(path);

	/* nobody listening */
	ck_assert_int_lt(ovsdb_fetch(path, 500, &s, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "cannot connect"));
	sh("rm -rf %s", dir);
}
END_TEST

/* A real ovsdb-server with rows as Neutron's agent writes them. */
START_TEST(test_real_ovsdb_server)
{
	char dir[128], sock[192], err[256], pidtxt[32] = "";
	struct ovsdb_snapshot s;
	struct proc_list procs = { 0 };
	struct ovsdb_endpoints eps = { 0 };
	const struct ovs_iface *q;
	FILE *f;
	pid_t pid;

	live_tmpdir(dir, sizeof(dir), "ovsdb");
	snprintf(sock, sizeof(sock), "%s/db.sock", dir);
	ck_assert_int_eq(sh("ovsdb-tool create %s/conf.db /usr/share/openvswitch/vswitch.ovsschema",
			    dir),
			 0);
	ck_assert_int_eq(sh("ovsdb-server %s/conf.db --remote=punix:%s --pidfile=%s/pid "
			    "--unixctl=%s/ctl --detach --no-chdir --log-file=%s/log -vconsole:off "
			    "2>/dev/null",
			    dir, sock, dir, dir, dir),
			 0);
	f = fopen(strcat(strcpy(err, dir), "/pid"), "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(pidtxt, sizeof(pidtxt), f));
	fclose(f);
	pid = (pid_t)atoi(pidtxt);
	ck_assert_int_eq(
		sh("ovs-vsctl --no-wait --db=unix:%s init -- set Open_vSwitch . "
		   "external_ids:hostname=fixture-node -- add-br br-int -- set Bridge br-int "
		   "datapath_type=netdev -- add-port br-int qvo1bbe7c60-42 tag=3 -- set Port "
		   "qvo1bbe7c60-42 other_config:net_uuid=531828ef-469d-4efc-acf0-ad00ee510267 "
		   "other_config:segmentation_id=101 other_config:network_type=gre "
		   "other_config:tag=3 -- set Interface qvo1bbe7c60-42 "
		   "external_ids:iface-id=1bbe7c60-4293-46e0-8f04-34de481679bb "
		   "external_ids:attached-mac=fa:16:3e:16:79:bb external_ids:iface-status=active "
		   "-- add-br br-tun -- add-port br-tun gre-0a000002 -- set Interface gre-0a000002 "
		   "type=gre options:remote_ip=10.0.0.2 options:local_ip=10.0.0.1 options:key=flow",
		   sock),
		0);
	ck_assert_int_eq(ovsdb_fetch(sock, 2000, &s, err, sizeof(err)), 0);
	ck_assert_str_eq(kvlist_get(&s.external_ids, "hostname"), "fixture-node");
	ck_assert_uint_eq(s.n_bridges, 2);
	q = ovsdb_iface_by_name(&s, "qvo1bbe7c60-42");
	ck_assert_ptr_nonnull(q);
	ck_assert_str_eq(kvlist_get(&q->external_ids, "iface-id"),
			 "1bbe7c60-4293-46e0-8f04-34de481679bb");
	ck_assert_int_eq(ovsdb_iface_port(&s, q)->tag, 3);
	ck_assert_str_eq(ovsdb_iface_bridge(&s, q)->name, "br-int");
	q = ovsdb_iface_by_name(&s, "gre-0a000002");
	ck_assert_str_eq(q->type, "gre");
	ck_assert_str_eq(kvlist_get(&q->options, "key"), "flow");
	ovsdb_snapshot_free(&s);

	/* The running server is found from its command line. */
	ck_assert_int_eq(procs_scan("/proc", &procs), 0);
	ck_assert_int_eq(ovsdb_locate("/proc", &procs, NULL, 0, &eps), 0);
	bool found = false;

	for (size_t i = 0; i < eps.n; i++)
		if (eps.items[i].pid == pid) {
			found = true;
			ck_assert_str_eq(eps.items[i].path, sock);
			ck_assert_int_eq(eps.items[i].source, OVSDB_FROM_PROCESS);
		}
	ck_assert_msg(found, "ovsdb-server %d not located", (int)pid);
	ovsdb_endpoints_free(&eps);
	/* --ovsdb PATH is matched to its server (and so to its namespace) */
	const char *cli[] = { sock, sock };

	ck_assert_int_eq(ovsdb_locate("/proc", &procs, cli, 2, &eps), 0);
	ck_assert_uint_eq(eps.n, 1);
	ck_assert_int_eq(eps.items[0].pid, pid);
	ck_assert_int_eq(eps.items[0].source, OVSDB_FROM_CLI);
	ovsdb_endpoints_free(&eps);
	procs_free(&procs);

	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	sh("rm -rf %s", dir);
}
END_TEST

NSTRACE_SUITE(ovsdb)
{
	Suite *s = suite_create("ovsdb");
	TCase *tc = tcase_create("ovsdb");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_recorded_replies);
	tcase_add_test(tc, test_request_follows_schema);
	tcase_add_test(tc, test_value_encodings);
	tcase_add_test(tc, test_malformed_replies);
	tcase_add_test(tc, test_rpc_echo_and_fragments);
	tcase_add_test(tc, test_rpc_timeout_and_errors);
	tcase_add_test(tc, test_real_ovsdb_server);
	suite_add_tcase(s, tc);
	return s;
}
