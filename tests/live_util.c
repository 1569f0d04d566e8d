// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "live_util.h"
#include "netns.h"
#include "testlib.h"

static pid_t runner_pid;

void live_init(void)
{
	runner_pid = getpid();
}

static pid_t owner_pid(void)
{
	return runner_pid ? runner_pid : getppid();
}

static void ns_name(char *buf, size_t len, const char *tag, char end)
{
	snprintf(buf, len, "nstl-%d-%s-%c", (int)owner_pid(), tag, end);
}

void live_tmpdir(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "/tmp/nstl-%d-%s-XXXXXX", (int)owner_pid(), tag);
	ck_assert_msg(mkdtemp(buf), "mkdtemp %s: %s", buf, strerror(errno));
}

void live_remove_leftovers(void)
{
	char prefix[32];
	struct dirent *de;
	DIR *d = opendir("/run/netns");

	snprintf(prefix, sizeof(prefix), "nstl-%d-", (int)owner_pid());
	if (!d) {
		sh("rm -rf /tmp/%s*", prefix);
		return;
	}
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			sh("ip netns del '%s' 2>/dev/null", de->d_name);
	}
	closedir(d);
	sh("rm -rf /tmp/%s*", prefix);
}

static int vsh(char *buf, size_t len, const char *fmt, va_list ap)
{
	char cmd[2048];
	int status;

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	if (!buf) {
		status = system(cmd);
	} else {
		FILE *f = popen(cmd, "r");
		size_t n = 0;

		if (!f)
			return -1;
		while (n + 1 < len) {
			size_t r = fread(buf + n, 1, len - 1 - n, f);

			if (!r)
				break;
			n += r;
		}
		buf[n] = '\0';
		/* Drain the rest so the command never blocks on a full pipe. */
		while (fgetc(f) != EOF)
			;
		status = pclose(f);
	}
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

int sh(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsh(NULL, 0, fmt, ap);
	va_end(ap);
	return ret;
}

int sh_out(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsh(buf, len, fmt, ap);
	va_end(ap);
	return ret;
}

void topo_up(struct topo *t, const char *tag)
{
	int rc;

	ns_name(t->ns1, sizeof(t->ns1), tag, 'a');
	ns_name(t->ns2, sizeof(t->ns2), tag, 'b');
	rc = sh("bash '%s/tests/lib/live-topo.sh' up '%s' '%s'", nstrace_srcdir(), t->ns1,
		t->ns2);
	ck_assert_msg(rc == 0, "building namespaces %s, %s failed (%d)", t->ns1, t->ns2, rc);
}

void topo_down(const struct topo *t)
{
	sh("bash '%s/tests/lib/live-topo.sh' down '%s' '%s'", nstrace_srcdir(), t->ns1, t->ns2);
}

/* In a fresh child: die with the test, so nothing outlives a failure. */
static void child_setup(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
}

void proc_start_nstrace(struct proc *p, const char *const *args)
{
	const char *argv[64];
	int out[2], err[2], n = 0;
	pid_t parent = getpid();

	memset(p, 0, sizeof(*p));
	argv[n++] = nstrace_bin();
	for (; args[n - 1] && n < 63; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	ck_assert(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0);
	p->pid = fork();
	ck_assert_int_ge(p->pid, 0);
	if (p->pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		child_setup(parent);
		dup2(null, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	p->out_fd = out[0];
	p->err_fd = err[0];
	fcntl(p->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->err_fd, F_SETFL, O_NONBLOCK);
	p->out = calloc(1, 1);
	p->err = calloc(1, 1);
}

pid_t spawn_in_ns(const char *ns, const char *const *argv, const char *log_path)
{
	pid_t parent = getpid(), pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char path[512];
		int fd, log;

		child_setup(parent);
		if (ns[0]) {
			snprintf(path, sizeof(path), "/run/netns/%s", ns);
			fd = open(path, O_RDONLY);
			if (fd < 0 || setns(fd, CLONE_NEWNET))
				_exit(126);
		}
		log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (log >= 0) {
			dup2(log, 1);
			dup2(log, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static void slurp(int *fd, char **buf, size_t *len)
{
	char chunk[4096];

	while (*fd >= 0) {
		ssize_t n = read(*fd, chunk, sizeof(chunk));

		if (n > 0) {
			*buf = realloc(*buf, *len + (size_t)n + 1);
			memcpy(*buf + *len, chunk, (size_t)n);
			*len += (size_t)n;
			(*buf)[*len] = '\0';
		} else if (n == 0) {
			close(*fd);
			*fd = -1;
		} else {
			return; /* EAGAIN: nothing more for now */
		}
	}
}

void proc_pump(struct proc *p, int timeout_ms)
{
	struct pollfd fds[2] = {
		{ .fd = p->out_fd, .events = POLLIN },
		{ .fd = p->err_fd, .events = POLLIN },
	};

	if (p->out_fd < 0 && p->err_fd < 0)
		return;
	poll(fds, 2, timeout_ms);
	slurp(&p->out_fd, &p->out, &p->out_len);
	slurp(&p->err_fd, &p->err, &p->err_len);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static bool reap(struct proc *p)
{
	if (!p->reaped && waitpid(p->pid, &p->status, WNOHANG) == p->pid)
		p->reaped = true;
	return p->reaped;
}

bool proc_wait_stderr(struct proc *p, const char *needle, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	while (!strstr(p->err, needle)) {
		if (now_ms() >= end || (p->err_fd < 0 && reap(p)))
			return false;
		proc_pump(p, 50);
	}
	return true;
}

int proc_count_lines(const struct proc *p)
{
	int n = 0;

	for (size_t i = 0; i < p->out_len; i++)
		n += p->out[i] == '\n';
	return n;
}

bool proc_wait_lines(struct proc *p, int n, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	while (proc_count_lines(p) < n) {
		if (now_ms() >= end || (p->out_fd < 0 && reap(p)))
			return false;
		proc_pump(p, 50);
	}
	return true;
}

bool proc_wait_exit(struct proc *p, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	while (!(reap(p) && p->out_fd < 0 && p->err_fd < 0)) {
		if (now_ms() >= end) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &p->status, 0);
			p->reaped = true;
			return false;
		}
		proc_pump(p, 50);
	}
	return true;
}

void proc_free(struct proc *p)
{
	if (p->pid > 0 && !p->reaped) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &p->status, 0);
	}
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	free(p->out);
	free(p->err);
	memset(p, 0, sizeof(*p));
	p->out_fd = p->err_fd = -1;
}

void kill_and_reap(pid_t pid, int sig)
{
	if (pid <= 0)
		return;
	kill(pid, sig);
	waitpid(pid, NULL, 0);
}

static __u32 fdinfo_id(pid_t pid, const char *fd, const char *key)
{
	char path[64 + 256], line[128];
	unsigned int id = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, strlen(key)) && sscanf(line + strlen(key), "%u", &id) == 1)
			break;
	}
	fclose(f);
	return id;
}

void bpf_ids_of(pid_t pid, struct bpf_ids *ids)
{
	char dir[64], path[64 + 256 + 2], target[128];
	struct dirent *de;
	DIR *d;

	memset(ids, 0, sizeof(*ids));
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, "anon_inode:bpf-prog") && ids->n_progs < 16)
			ids->progs[ids->n_progs++] = fdinfo_id(pid, de->d_name, "prog_id:");
		else if (!strcmp(target, "anon_inode:bpf_link") && ids->n_links < 16)
			ids->links[ids->n_links++] = fdinfo_id(pid, de->d_name, "link_id:");
	}
	closedir(d);
}

static bool id_exists(__u32 id, bool link)
{
	int fd = link ? bpf_link_get_fd_by_id(id) : bpf_prog_get_fd_by_id(id);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

bool bpf_ids_gone(const struct bpf_ids *ids, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	for (;;) {
		bool any = false;

		for (int i = 0; i < ids->n_progs; i++)
			any |= id_exists(ids->progs[i], false);
		for (int i = 0; i < ids->n_links; i++)
			any |= id_exists(ids->links[i], true);
		if (!any)
			return true;
		/* Programs go away after an RCU grace period / tc's deferred work. */
		if (now_ms() >= end)
			return false;
		usleep(100 * 1000);
	}
}

int tc_nstrace_filters(const char *ns, const char *dev)
{
	char out[8192];
	int n = 0;

	sh_out(out, sizeof(out),
	       "tc -n '%s' filter show dev '%s' ingress 2>&1; "
	       "tc -n '%s' filter show dev '%s' egress 2>&1",
	       ns, dev, ns, dev);
	/* One line per filter; a cls_bpf line names its program twice. */
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
		n += strstr(line, "nstrace_") != NULL;
	return n;
}

bool tc_has_clsact(const char *ns, const char *dev)
{
	char out[4096];

	sh_out(out, sizeof(out), "tc -n '%s' qdisc show dev '%s' 2>&1", ns, dev);
	return strstr(out, "qdisc clsact") != NULL;
}

static int precount_prog(int map_fd)
{
	/* lookup(map, 0) and atomically add 1; return TC_ACT_UNSPEC (-1) */
	struct bpf_insn insns[] = {
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10, .off = -4, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2,
		  .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2, .imm = -4 },
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_FD, .imm = map_fd },
		{ 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_0, .off = 2, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
		{ .code = BPF_STX | BPF_DW | BPF_ATOMIC, .dst_reg = BPF_REG_0,
		  .src_reg = BPF_REG_1, .imm = BPF_ADD },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = -1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "precount", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
}

void counter_filter_add(struct counter_filter *c, const char *ns, const char *dev)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1);
	char path[256];
	int ns_fd, home, err;

	c->map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "precount", 4, 8, 1, NULL);
	ck_assert_int_ge(c->map_fd, 0);
	c->prog_fd = precount_prog(c->map_fd);
	ck_assert_msg(c->prog_fd >= 0, "loading the counting filter failed: %s",
		      strerror(errno));
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(ns_fd, 0);
	ck_assert_int_eq(netns_enter(ns_fd, &home), 0);
	close(ns_fd);
	hook.ifindex = (int)if_nametoindex(dev);
	err = hook.ifindex ? bpf_tc_hook_create(&hook) : -ENODEV;
	if (!err || err == -EEXIST) {
		opts.prog_fd = c->prog_fd;
		err = bpf_tc_attach(&hook, &opts);
	}
	ck_assert_int_eq(netns_leave(home), 0);
	ck_assert_msg(err == 0, "attaching the counting filter to %s/%s failed: %s", ns, dev,
		      strerror(-err));
}

__u64 counter_filter_read(const struct counter_filter *c)
{
	__u32 key = 0;
	__u64 v = 0;

	ck_assert_int_eq(bpf_map_lookup_elem(c->map_fd, &key, &v), 0);
	return v;
}

bool counter_filter_present(const char *ns, const char *dev)
{
	char out[4096];

	sh_out(out, sizeof(out), "tc -n '%s' filter show dev '%s' ingress 2>&1", ns, dev);
	return strstr(out, "precount") && strstr(out, "pref 1 ");
}

void counter_filter_close(struct counter_filter *c)
{
	close(c->prog_fd);
	close(c->map_fd);
}

void blast_udp(const char *ns, const char *dst, int count)
{
	pid_t parent = getpid(), pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
		char path[512], payload[32] = "nstrace live test";
		int fd, sock;

		child_setup(parent);
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
		fd = open(path, O_RDONLY);
		if (fd < 0 || setns(fd, CLONE_NEWNET) || inet_pton(AF_INET, dst, &to.sin_addr) != 1)
			_exit(1);
		sock = socket(AF_INET, SOCK_DGRAM, 0);
		if (sock < 0)
			_exit(1);
		for (int i = 0; i < count; i++)
			sendto(sock, payload, sizeof(payload), 0, (struct sockaddr *)&to,
			       sizeof(to));
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "UDP sender failed");
}
