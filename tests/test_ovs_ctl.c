// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Finding a node's ovs-vswitchd control socket (user/ovs_ctl.c) the way
 * OVS names it, against a fake /proc (command lines, environments) and
 * real unix sockets in a temporary directory.  No root needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "live_util.h"
#include "ovs_ctl.h"
#include "testlib.h"

static char dir[] = "/tmp/nstrace-ovsctl-XXXXXX";
static char proc_root[256];

/* A unix socket at dir/name, left bound (the file is what counts). */
static void make_socket(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, name);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
}

/* A process of the fake /proc with its environment. */
static void fake_proc(pid_t pid, const char *env, size_t env_len)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d", proc_root, (int)pid);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/%d/environ", proc_root, (int)pid);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fwrite(env, 1, env_len, f);
	fclose(f);
}

static void setup(void)
{
	char path[PATH_MAX];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(proc_root, sizeof(proc_root), "%s/proc", dir);
	ck_assert_int_eq(mkdir(proc_root, 0700), 0);
	snprintf(path, sizeof(path), "%s/run", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	make_socket("db.sock");
	make_socket("other.sock");
	make_socket("run/ovs-vswitchd.42.ctl");
	make_socket("run/vswitchd.ctl");
}

static void teardown(void)
{
	sh("rm -rf %s", dir);
	strcpy(dir, "/tmp/nstrace-ovsctl-XXXXXX");
}

START_TEST(test_named_as_ovs_names_it)
{
	char db[PATH_MAX], other_db[PATH_MAX], env[PATH_MAX + 64], want[PATH_MAX], out[PATH_MAX];
	struct ovsdb_endpoint ep = { .ns_dev = 0, .ns_ino = 0 };
	struct proc_list procs = { 0 };
	int env_len;

	snprintf(db, sizeof(db), "unix:%s/db.sock", dir);
	snprintf(other_db, sizeof(other_db), "unix:%s/other.sock", dir);
	env_len = snprintf(env, sizeof(env), "HOME=/root%cOVS_RUNDIR=%s/run%c", '\0', dir, '\0');
	/* Another node's daemon, a --monitor parent (no socket of its own)
	 * and the daemon with its run directory from OVS_RUNDIR. */
	char *const other_argv[] = { "ovs-vswitchd", other_db, "--unixctl=vswitchd.ctl", NULL };
	char *const monitor_argv[] = { "ovs-vswitchd", db, "--monitor", "--detach", NULL };
	char *const daemon_argv[] = { "ovs-vswitchd", db, "--detach", NULL };

	fake_proc(40, env, (size_t)env_len);
	fake_proc(41, env, (size_t)env_len);
	fake_proc(42, env, (size_t)env_len);
	ck_assert_int_eq(procs_add(&procs, 40, "ovs-vswitchd", 1, 2, other_argv), 0);
	ck_assert_int_eq(procs_add(&procs, 41, "ovs-vswitchd", 1, 3, monitor_argv), 0);
	ck_assert_int_eq(procs_add(&procs, 42, "ovs-vswitchd", 1, 3, daemon_argv), 0);
	snprintf(ep.path, sizeof(ep.path), "%s/db.sock", dir);
	ck_assert_int_eq(ovs_ctl_locate(proc_root, &procs, &ep, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/run/ovs-vswitchd.42.ctl", dir);
	ck_assert_str_eq(out, want);

	/* The other database: its daemon's --unixctl, relative to the rundir. */
	snprintf(ep.path, sizeof(ep.path), "%s/other.sock", dir);
	ck_assert_int_eq(ovs_ctl_locate(proc_root, &procs, &ep, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/run/vswitchd.ctl", dir);
	ck_assert_str_eq(out, want);

	/* A database no daemon names: the one in its server's namespace. */
	snprintf(ep.path, sizeof(ep.path), "%s/run/vswitchd.ctl", dir);
	ep.ns_dev = 1;
	ep.ns_ino = 3;
	ck_assert_int_eq(ovs_ctl_locate(proc_root, &procs, &ep, out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/run/ovs-vswitchd.42.ctl", dir);
	ck_assert_str_eq(out, want);

	/* Nobody serves it, in no namespace we know of. */
	ep.ns_ino = 99;
	ck_assert_int_eq(ovs_ctl_locate(proc_root, &procs, &ep, out, sizeof(out)), -ENOENT);
	ck_assert_str_eq(out, "");
	procs_free(&procs);
}
END_TEST

NSTRACE_SUITE(ovs_ctl)
{
	Suite *s = suite_create("ovs_ctl");
	TCase *tc = tcase_create("ovs_ctl");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_named_as_ovs_names_it);
	suite_add_tcase(s, tc);
	return s;
}
