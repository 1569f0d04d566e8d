// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A process looked at again at check time (user/proc_live.c), against a
 * fake /proc: its state, the bytes unread on a UDP port of its namespace,
 * and a pid that names another process now.  No root needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "live_util.h"
#include "proc_live.h"
#include "testlib.h"

static char root[] = "/tmp/nstrace-proclive-XXXXXX";

/* A dnsmasq of pid 77 as /proc shows it, in state, with its namespace's
 * UDP sockets (port 67 with 0xf00 bytes unread, port 53 with some). */
static struct proc_entry fake_dnsmasq(char state)
{
	struct proc_entry p = { .pid = 77 };
	char path[256], stat_line[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/77", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/77/ns", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/77/net", root);
	mkdir(path, 0700);
	write_file(root, "77/comm", "dnsmasq\n");
	write_file(root, "77/ns/net", "");
	snprintf(stat_line, sizeof(stat_line), "77 (dnsmasq) %c 1 77 77 0 -1 4194560\n", state);
	write_file(root, "77/stat", stat_line);
	write_file(root, "77/net/udp",
	    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
	    "14423: 00000000:0043 00000000:0000 07 00000000:00000F00 00:00000000 00000000     0        0 7600005 2 00000000a417d74a 0\n"
	    "14424: 0300A8C0:0035 00000000:0000 07 00000000:00000010 00:00000000 00000000     0        0 7600006 2 00000000a417d74b 0\n");
	snprintf(path, sizeof(path), "%s/77/ns/net", root);
	ck_assert_int_eq(stat(path, &st), 0);
	strcpy(p.comm, "dnsmasq");
	p.ns_dev = st.st_dev;
	p.ns_ino = st.st_ino;
	return p;
}

START_TEST(test_state_and_unread)
{
	struct proc_entry p;

	ck_assert_ptr_nonnull(mkdtemp(root));
	p = fake_dnsmasq('T');
	ck_assert_int_eq(proc_live_state(root, &p), 'T');
	ck_assert_int_eq(proc_udp_rx_queue(root, &p, 67), 0xf00);
	ck_assert_int_eq(proc_udp_rx_queue(root, &p, 53), 0x10);
	ck_assert_int_eq(proc_udp_rx_queue(root, &p, 68), -1);
	p = fake_dnsmasq('S');
	ck_assert_int_eq(proc_live_state(root, &p), 'S');
	/* The pid is another program now, or in another namespace. */
	write_file(root, "77/comm", "sshd\n");
	ck_assert_int_eq(proc_live_state(root, &p), 0);
	ck_assert_int_eq(proc_udp_rx_queue(root, &p, 67), -1);
	write_file(root, "77/comm", "dnsmasq\n");
	p.ns_ino++;
	ck_assert_int_eq(proc_live_state(root, &p), 0);
	/* Gone. */
	p.pid = 78;
	ck_assert_int_eq(proc_live_state(root, &p), 0);
	sh("rm -rf %s", root);
}
END_TEST

NSTRACE_SUITE(proc_live)
{
	Suite *s = suite_create("proc_live");
	TCase *tc = tcase_create("proc_live");

	tcase_add_test(tc, test_state_and_unread);
	suite_add_tcase(s, tc);
	return s;
}
