/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* nstrace: dispatch to a subcommand; global -v, --help, --version. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "exit_codes.h"
#include "log.h"

static const struct command commands[] = {
	{ "watch", "print every matching packet on the given devices", cmd_watch },
	{ "cleanup", "remove probes left behind by a killed nstrace", cmd_cleanup },
	{ "path", "a port's DHCP and L3 hops, namespaces, nodes and checks", cmd_path },
	{ "dhcp", "where a VM's DHCP stops, why, and what to check next", cmd_dhcp },
	{ "ping", "every hop of a VM's pings, where one stopped, per-hop latency", cmd_ping },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out,
		"nstrace %s - packet path tracer for OpenStack Neutron hosts\n"
		"\n"
		"Usage: nstrace [-v|-vv] COMMAND [OPTIONS]\n"
		"       nstrace COMMAND --help\n"
		"\n"
		"Commands:\n",
		NSTRACE_VERSION);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Global options:\n"
		"  -v, -vv        more messages (libbpf's too); repeat for debug\n"
		"  -h, --help     this help\n"
		"  -V, --version  print the version\n"
		"\n"
		"Exit codes:\n"
		"  0  success (dhcp/ping: the exchange completed)\n"
		"  1  a fault was found (dhcp/ping)\n"
		"  2  bad input or usage; nothing was attached\n"
		"  3  no matching traffic before the timeout\n"
		"  4  missing privileges or kernel features (root, BTF, tcx)\n"
		"  5  an operation failed at run time\n"
		"\n"
		"nstrace attaches only observing eBPF probes and removes them when it\n"
		"ends (also on Ctrl-C, SIGTERM, SIGHUP); see `nstrace cleanup --help`.\n");
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return NST_EXIT_OK;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("nstrace %s\n", NSTRACE_VERSION);
			return NST_EXIT_OK;
		} else if (!strcmp(a, "-v")) {
			log_set_level(LOG_INFO);
		} else if (!strcmp(a, "-vv")) {
			log_set_level(LOG_DEBUG);
		} else {
			fprintf(stderr, "nstrace: unknown option '%s'\n\n", a);
			usage(stderr);
			return NST_EXIT_USAGE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return NST_EXIT_USAGE;
	}
	log_hook_libbpf();
	for (size_t c = 0; c < N_COMMANDS; c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].run(argc - i, argv + i);
	fprintf(stderr, "nstrace: unknown command '%s'; run `nstrace --help` for the list\n",
		argv[i]);
	return NST_EXIT_USAGE;
}
