// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The Neutron lab as a suite's fixture (see lab_fixture.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab_fixture.h"
#include "live_util.h"
#include "testlib.h"

#define LAB_INFO_MAX (1 << 20)

const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	ck_assert_msg(s, "no string '%s' in %s", key, json_dumps(o, JSON_COMPACT));
	return s;
}

void lab_heal_if_faulty(void)
{
	json_t *now = lab_info();

	if (json_array_size(json_object_get(now, "faults")))
		ck_assert_int_eq(lab_run("heal"), 0);
	json_decref(now);
}

json_t *lab_vm(json_t *info, const char *name)
{
	return find_by(json_object_get(info, "vms"), "name", name);
}

void json_lines_read(char *out, int *events, json_t **timelines,
		     void (*other)(json_t *o, const char *type, void *ctx), void *ctx)
{
	char *line = out, *nl;

	*timelines = json_object();
	for (; line && *line; line = nl ? nl + 1 : NULL) {
		json_error_t err;
		const char *type;
		json_t *o;

		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!*line)
			continue;
		o = json_loads(line, 0, &err);
		ck_assert_msg(o, "not JSON (%s): %s", err.text, line);
		type = jstr(o, "type");
		if (!strcmp(type, "event")) {
			(*events)++;
		} else if (!strcmp(type, "timeline")) {
			char id[32];

			snprintf(id, sizeof(id), "%lld",
				 (long long)json_integer_value(json_object_get(o, "id")));
			json_object_set(*timelines, id, o);
		} else {
			other(o, type, ctx);
		}
		json_decref(o);
	}
}

json_t *find_by(json_t *array, const char *key, const char *value)
{
	json_t *e;
	size_t i;

	json_array_foreach(array, i, e)
		if (!strcmp(jstr(e, key), value))
			return e;
	ck_abort_msg("lab info: no %s = %s", key, value);
	return NULL;
}

json_t *lab_info(void)
{
	char *out = malloc(LAB_INFO_MAX);
	json_error_t err;
	json_t *j;

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(sh_out(out, LAB_INFO_MAX, "bash %s/scripts/lab info --json",
				nstrace_srcdir()),
			 0);
	j = json_loads(out, 0, &err);
	ck_assert_msg(j, "lab info --json: %s", err.text);
	free(out);
	return j;
}

int lab_run(const char *args)
{
	return sh("bash %s/scripts/lab %s >/dev/null 2>&1", nstrace_srcdir(), args);
}

void lab_fixture_up(struct lab_fixture *lab, const char *prefix)
{
	const char *env = getenv("NSTRACE_LAB");

	memset(lab, 0, sizeof(*lab));
	snprintf(lab->name, sizeof(lab->name), "%s", env ? env : "");
	if (!env) {
		snprintf(lab->name, sizeof(lab->name), "%s%d", prefix, (int)(getpid() % 100000));
		setenv("NSTRACE_LAB", lab->name, 1);
		lab->we_named_it = true;
	}
	lab->info = lab_info();
	if (!json_is_true(json_object_get(lab->info, "up"))) {
		json_decref(lab->info);
		lab->info = NULL;
		lab->we_brought_it_up = true;
		ck_assert_msg(lab_run("up") == 0, "scripts/lab up failed for lab %s", lab->name);
		lab->info = lab_info();
	}
}

void lab_fixture_down(struct lab_fixture *lab, bool heal_kept_lab)
{
	json_decref(lab->info);
	lab->info = NULL;
	if (lab->we_brought_it_up)
		lab_run("down");
	else if (heal_kept_lab)
		lab_run("heal");
	if (lab->we_named_it)
		unsetenv("NSTRACE_LAB");
}
