/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The Neutron lab (scripts/lab) as a suite's fixture: the lab NSTRACE_LAB
 * names, or else a private one named <prefix><pid> so that runners never
 * share one; brought up if it is down and, then only, taken down again.
 * What the lab holds comes from `scripts/lab info --json`, never from tests.
 * Root only: callers check geteuid() first.  Registers no suite.
 */
#ifndef NSTRACE_TESTS_LAB_FIXTURE_H
#define NSTRACE_TESTS_LAB_FIXTURE_H

#include <stdbool.h>

#include <jansson.h>

struct lab_fixture {
	char name[16];
	bool we_named_it; /* NSTRACE_LAB set here, for the lab script */
	bool we_brought_it_up;
	json_t *info; /* `scripts/lab info --json` once the lab is up */
};

/* Join or bring up the lab; a failure fails the fixture. */
void lab_fixture_up(struct lab_fixture *lab, const char *prefix);
/* Take the lab down if we brought it up, else heal it when asked;
 * forget NSTRACE_LAB if we set it so later suites do not find a gone lab. */
void lab_fixture_down(struct lab_fixture *lab, bool heal_kept_lab);

/* `scripts/lab ARGS`, quiet; its exit code. */
int lab_run(const char *args);
/* `scripts/lab info --json`, parsed; fails the test if it cannot be. */
json_t *lab_info(void);
/* A test that ended with a fault applied left it: heal the lab first. */
void lab_heal_if_faulty(void);
/* The VM named name in info's "vms"; fails the test if there is none. */
json_t *lab_vm(json_t *info, const char *name);

/* o[key] as a string; fails the test if it is missing or not a string. */
const char *jstr(json_t *o, const char *key);
/*
 * nstrace's JSON Lines output (docs/events-json.md), read in place (out is
 * cut into lines): events are counted, timelines kept by their id as a
 * string in *timelines (a new object), every other object handed to
 * other() with its type.  A line that is not JSON fails the test.
 */
void json_lines_read(char *out, int *events, json_t **timelines,
		     void (*other)(json_t *o, const char *type, void *ctx), void *ctx);
/* The element of array whose key is value; fails the test if there is none. */
json_t *find_by(json_t *array, const char *key, const char *value);

#endif
