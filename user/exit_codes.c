/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <errno.h>

#include "exit_codes.h"

int exit_code_for_errno(int err)
{
	switch (err) {
	case -ENOENT:
	case -ENODEV:
	case -EINVAL:
		return NST_EXIT_USAGE;
	case -EPERM:
	case -EACCES:
	case -EOPNOTSUPP:
		return NST_EXIT_ENV;
	default:
		return NST_EXIT_RUNTIME;
	}
}
