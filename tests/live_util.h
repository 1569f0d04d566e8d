/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Helpers for the live (root) tests: private namespaces, child processes
 * that die with the test, and what the kernel still holds afterwards.
 * Failures inside helpers fail the calling test (ck_assert).
 */
#ifndef NSTRACE_LIVE_UTIL_H
#define NSTRACE_LIVE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <linux/types.h>

/* Two namespaces of one test, joined by veth-a (NS1) <-> veth-b (NS2). */
struct topo {
	char ns1[64];
	char ns2[64];
};

#define TOPO_IP1 "10.199.0.1"
#define TOPO_IP2 "10.199.0.2"

/* Remember the runner's pid: every namespace name starts "nstl-<pid>-". */
void live_init(void);
/* Delete every namespace and temp dir of this runner (fixture teardown). */
void live_remove_leftovers(void);
/* Make a private directory /tmp/nstl-<runner pid>-<tag>-XXXXXX. */
void live_tmpdir(char *buf, size_t len, const char *tag);

void topo_up(struct topo *t, const char *tag);
void topo_down(const struct topo *t);

/* Write text to dir/name (created or emptied). */
void write_file(const char *dir, const char *name, const char *text);

/* Run a shell command (printf-style); returns its exit status, -1 if killed. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, capturing stdout (and stderr) into buf. */
int sh_out(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A child whose stdout and stderr we read; it gets SIGTERM if we die. */
struct proc {
	pid_t pid;
	int out_fd, err_fd;
	char *out, *err; /* everything read so far, NUL-terminated */
	size_t out_len, err_len;
	int status; /* wait status once reaped */
	bool reaped;
};

/* Start build/nstrace with args (NULL-terminated, without argv[0]). */
void proc_start_nstrace(struct proc *p, const char *const *args);
/* Start argv inside namespace ns ("" = ours), output to log_path. */
pid_t spawn_in_ns(const char *ns, const char *const *argv, const char *log_path);

/* Read what is available, waiting up to timeout_ms for something. */
void proc_pump(struct proc *p, int timeout_ms);
/* Wait until stderr contains needle (true) or timeout/exit (false). */
bool proc_wait_stderr(struct proc *p, const char *needle, int timeout_ms);
/* Wait until stdout holds n complete lines. */
bool proc_wait_lines(struct proc *p, int n, int timeout_ms);
/* Wait for exit while reading; SIGKILL and false after timeout_ms. */
bool proc_wait_exit(struct proc *p, int timeout_ms);
int proc_count_lines(const struct proc *p);
void proc_free(struct proc *p);

/* Kill a helper process we started, by pid, and reap it. */
void kill_and_reap(pid_t pid, int sig);

/* BPF program and link ids a process holds open (from /proc/PID/fdinfo). */
struct bpf_ids {
	__u32 progs[16];
	__u32 links[16];
	int n_progs, n_links;
};
void bpf_ids_of(pid_t pid, struct bpf_ids *ids);
/* True when none of the ids exists any more (polls: the kernel frees late). */
bool bpf_ids_gone(const struct bpf_ids *ids, int timeout_ms);

/* nstrace filters on dev (ingress + egress) in ns, from `tc filter show`. */
int tc_nstrace_filters(const char *ns, const char *dev);
/* Is there a clsact qdisc on dev in ns? */
bool tc_has_clsact(const char *ns, const char *dev);

#endif

/*
 * Someone else's clsact filter: a tiny cls_bpf program named "precount"
 * (prio 1, handle 1) that counts every packet in an array map and lets it
 * continue.  It stays attached until its namespace goes away.
 */
struct counter_filter {
	int prog_fd;
	int map_fd;
};
void counter_filter_add(struct counter_filter *c, const char *ns, const char *dev);
__u64 counter_filter_read(const struct counter_filter *c);
/* Is the "precount" filter still on dev's ingress hook? */
bool counter_filter_present(const char *ns, const char *dev);
void counter_filter_close(struct counter_filter *c);

/* Send count small UDP datagrams from namespace ns to dst:9 as fast as possible. */
void blast_udp(const char *ns, const char *dst, int count);
