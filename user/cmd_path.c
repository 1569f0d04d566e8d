// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* nstrace path: from a port UUID to every hop, namespace and node. */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "exit_codes.h"
#include "log.h"
#include "path_report.h"
#include "port_lookup.h"

#define MAX_OVSDB_PATHS 32

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: nstrace path PORT [--json] [--ovsdb PATH]... [--state-dir DIR]\n"
		"       nstrace path --all [--json] [--ovsdb PATH]... [--state-dir DIR]\n"
		"\n"
		"Find everything that carries a Neutron port's traffic, from its UUID alone:\n"
		"the port's MAC, fixed IPs, network, segmentation id and local VLAN on each\n"
		"node; the hops of its DHCP path (tap, qbr, qvb, qvo, br-int, br-tun, tunnel,\n"
		"underlay, the DHCP port in qdhcp-<net>) and of its L3 path (qr- in\n"
		"qrouter-<router>, qg-, br-ex, the external side), each with node, namespace,\n"
		"device, role, VLAN or tunnel key; then the checks an operator would run by\n"
		"hand, each with the command to see it yourself, and stale namespaces.\n"
		"No Neutron API and no credentials: namespaces, netlink, OVSDB, the DHCP\n"
		"agent's files and processes.  Needs root.\n"
		"\n"
		"  PORT              a port UUID, or a prefix of at least 8 characters\n"
		"                    (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)\n"
		"  --all             list every port found instead\n"
		"  --json            one JSON document with the same content\n"
		"  --ovsdb PATH      OVSDB unix socket (repeatable); default: the --remote\n"
		"                    punix: socket of every running ovsdb-server (one node\n"
		"                    each), else " OVSDB_DEFAULT_SOCK "\n"
		"  --state-dir DIR   the DHCP agent's state_path (holds dhcp/<net-uuid>/);\n"
		"                    default: where running dnsmasqs' host files are, else\n"
		"                    /var/lib/neutron, else /var/lib/quantum\n"
		"  -h, --help        this help\n"
		"\n"
		"Exit codes:\n"
		"  0  the port was found and no check failed\n"
		"  1  the port was found and at least one check failed\n"
		"  2  bad input: malformed UUID, unknown port (near matches are listed),\n"
		"     ambiguous prefix (the candidates are listed), bad option\n"
		"  4  not root\n"
		"  5  discovery failed (out of memory, /proc unreadable)\n"
		"\n"
		"Examples:\n"
		"  nstrace path 1bbe7c60                  # a port by UUID prefix\n"
		"  nstrace path --all                     # every port, node and stale namespace\n"
		"  nstrace path 1bbe7c60 --json | jq '.dhcp_path.hops[] | select(.attachable)'\n"
		"  nstrace path 1bbe7c60 --state-dir /var/lib/neutron \\\n"
		"      --ovsdb /run/openvswitch/db.sock\n");
}

static struct text_style stdout_style(void)
{
	struct text_style st = { 0 };
	const char *nc = getenv("NO_COLOR");

	setlocale(LC_CTYPE, "");
	st.color = isatty(STDOUT_FILENO) && !(nc && nc[0]);
	st.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	return st;
}

static int print_json(json_t *doc)
{
	int err;

	if (!doc) {
		log_error("out of memory building the JSON output");
		return NST_EXIT_RUNTIME;
	}
	err = json_dumpf(doc, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(doc);
	return err ? NST_EXIT_RUNTIME : NST_EXIT_OK;
}

static int show_port(const struct topology *t, int port, bool json)
{
	struct text_style st = stdout_style();
	struct path_report r;
	int code;

	if (path_report_build(t, port, &r)) {
		log_error("out of memory planning the paths");
		return NST_EXIT_RUNTIME;
	}
	code = check_results_count(&r.checks, CHECK_FAIL) ? NST_EXIT_FAULT : NST_EXIT_OK;
	if (json) {
		if (print_json(path_report_json(&r)) != NST_EXIT_OK)
			code = NST_EXIT_RUNTIME;
	} else {
		path_report_text(stdout, &r, &st);
	}
	path_report_free(&r);
	return code;
}

int cmd_path(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"all", no_argument, NULL, 'a'},
		{"ovsdb", required_argument, NULL, 'o'},
		{"state-dir", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *ovsdb[MAX_OVSDB_PATHS];
	struct topo_options to = { .ovsdb_paths = ovsdb };
	bool json = false, all = false;
	const char *query = NULL;
	struct topology t;
	int c, n, code;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'a':
			all = true;
			break;
		case 'o':
			if (to.n_ovsdb_paths == MAX_OVSDB_PATHS) {
				fprintf(stderr, "nstrace path: at most %d --ovsdb paths\n",
					MAX_OVSDB_PATHS);
				return NST_EXIT_USAGE;
			}
			ovsdb[to.n_ovsdb_paths++] = optarg;
			break;
		case 's':
			to.state_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return NST_EXIT_OK;
		default:
			usage(stderr);
			return NST_EXIT_USAGE;
		}
	}
	if (optind < argc)
		query = argv[optind++];
	if (optind < argc || (!query && !all) || (query && all)) {
		fprintf(stderr, "nstrace path: give one PORT or --all\n\n");
		usage(stderr);
		return NST_EXIT_USAGE;
	}
	if (query && !port_query_valid(query, "path"))
		return NST_EXIT_USAGE;
	if (geteuid() != 0) {
		fprintf(stderr, "nstrace path: needs root, to enter network namespaces and read "
				"the OVSDB socket; run it with sudo\n");
		return NST_EXIT_ENV;
	}
	c = topology_discover(&to, &t);
	if (c) {
		log_error("discovery failed: %s", strerror(-c));
		topology_free(&t);
		return NST_EXIT_RUNTIME;
	}
	for (size_t i = 0; i < t.n_warnings; i++)
		log_warn("%s", t.warnings[i]);
	if (all) {
		struct text_style st = stdout_style();

		code = NST_EXIT_OK;
		if (json)
			code = print_json(path_all_json(&t));
		else
			path_all_text(stdout, &t, &st);
	} else {
		json_t *error;

		n = port_lookup(&t, query, "path", json ? &error : NULL);
		if (n >= 0) {
			code = show_port(&t, n, json);
		} else {
			code = NST_EXIT_USAGE;
			if (json)
				print_json(error);
		}
	}
	topology_free(&t);
	return code;
}
