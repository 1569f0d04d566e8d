// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "proc_live.h"

/* The pid still names p: same name, same network namespace. */
static bool still_p(const char *proc_root, const struct proc_entry *p)
{
	char path[PATH_MAX], comm[32] = "";
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/comm", proc_root, (int)p->pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(path, sizeof(path), "%s/%d/ns/net", proc_root, (int)p->pid);
	return !strcmp(comm, p->comm) && !stat(path, &st) && st.st_dev == p->ns_dev &&
	       st.st_ino == p->ns_ino;
}

char proc_live_state(const char *proc_root, const struct proc_entry *p)
{
	char path[PATH_MAX], line[512];
	const char *paren;
	FILE *f;

	if (p->pid <= 0 || !still_p(proc_root, p))
		return 0;
	snprintf(path, sizeof(path), "%s/%d/stat", proc_root, (int)p->pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	/* "PID (comm) S ...": comm may hold spaces and parentheses. */
	paren = strrchr(line, ')');
	return paren && paren[1] == ' ' && paren[2] ? paren[2] : 0;
}

long proc_udp_rx_queue(const char *proc_root, const struct proc_entry *p, unsigned int port)
{
	char path[PATH_MAX], line[512];
	long total = -1;
	FILE *f;

	if (p->pid <= 0 || !still_p(proc_root, p))
		return -1;
	snprintf(path, sizeof(path), "%s/%d/net/udp", proc_root, (int)p->pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned int lport, tx, rx;

		/* "  12: 00000000:0043 00000000:0000 07 00000000:00000000 ..." */
		if (sscanf(line, " %*u: %*x:%x %*x:%*x %*x %x:%x", &lport, &tx, &rx) != 3 ||
		    lport != port)
			continue;
		total = (total < 0 ? 0 : total) + (long)rx;
	}
	fclose(f);
	return total;
}
