// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksym.h"

struct ksym {
	__u64 addr;
	char *name;
};

static struct ksym *syms;
static size_t n_syms;
static int load_err; /* 0: not tried yet */

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void ksym_free(void)
{
	for (size_t i = 0; i < n_syms; i++)
		free(syms[i].name);
	free(syms);
	syms = NULL;
	n_syms = 0;
	load_err = 0;
}

int ksym_load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;

	ksym_free();
	if (!f)
		return load_err = -errno;
	while (fgets(line, sizeof(line), f)) {
		struct ksym *s;

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		/* Code only: drops happen in functions. */
		if (type != 't' && type != 'T')
			continue;
		if (n_syms == cap) {
			cap = cap ? cap * 2 : 65536;
			s = realloc(syms, cap * sizeof(*s));
			if (!s)
				break;
			syms = s;
		}
		syms[n_syms].addr = addr;
		syms[n_syms].name = strdup(name);
		if (syms[n_syms].name)
			n_syms++;
	}
	fclose(f);
	if (!n_syms)
		return load_err = -ENOENT; /* hidden addresses read as 0 */
	qsort(syms, n_syms, sizeof(*syms), by_addr);
	load_err = 1;
	return 0;
}

const char *ksym_name(__u64 addr, char *buf, size_t len)
{
	size_t lo = 0, hi;

	if (!load_err)
		ksym_load("/proc/kallsyms");
	if (load_err < 0 || !addr || !n_syms || addr < syms[0].addr)
		return NULL;
	hi = n_syms;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	snprintf(buf, len, "%s+0x%llx", syms[lo].name, (unsigned long long)(addr - syms[lo].addr));
	return buf;
}
