// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Option values shared by several commands (see cli_args.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "cli_args.h"
#include "log.h"

#define MAX_SECONDS 31536000 /* a year: anything longer is a typo */

int parse_seconds(const char *arg, unsigned long long *ms)
{
	char *end;
	double sec;

	errno = 0;
	sec = strtod(arg, &end);
	if (errno || *end || !(sec > 0) || sec > MAX_SECONDS)
		return -EINVAL;
	*ms = (unsigned long long)(sec * 1000 + 0.5);
	if (!*ms)
		*ms = 1;
	return 0;
}

int parse_attach_mode(const char *arg, enum attach_mode *mode)
{
	if (!strcmp(arg, "auto"))
		*mode = ATTACH_AUTO;
	else if (!strcmp(arg, "tcx"))
		*mode = ATTACH_TCX;
	else if (!strcmp(arg, "clsact"))
		*mode = ATTACH_CLSACT;
	else
		return -EINVAL;
	return 0;
}

int cli_bad_option(int c, char **argv)
{
	if (c == ':')
		log_error("option '%s' needs a value", argv[optind - 1]);
	else
		log_error("unknown option '%s'", argv[optind - 1]);
	return -EINVAL;
}
