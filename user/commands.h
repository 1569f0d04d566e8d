/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The subcommands.  Each takes argv with argv[0] = the command name, parses
 * its own options (getopt_long), prints its own --help and returns an exit
 * code from exit_codes.h.
 */
#ifndef NSTRACE_COMMANDS_H
#define NSTRACE_COMMANDS_H

#define NSTRACE_VERSION "0.1.0"

struct command {
	const char *name;
	const char *summary; /* one line for `nstrace --help` */
	int (*run)(int argc, char **argv);
};

int cmd_watch(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_path(int argc, char **argv);
int cmd_dhcp(int argc, char **argv);
int cmd_ping(int argc, char **argv);

#endif
