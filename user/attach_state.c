// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach_state.h"
#include "clsact.h"
#include "log.h"
#include "netns.h"

/* The lock file of earlier versions: the directory itself is the lock now. */
#define OLD_LOCK_PATH NSTRACE_RUN_DIR "/lock"
#define STATE_SUFFIX ".state"
#define MAX_LINES (2 * NSTRACE_MAX_HOPS)

static int ensure_run_dir(void)
{
	if (mkdir(NSTRACE_RUN_DIR, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Still the directory at NSTRACE_RUN_DIR: not removed by the run that held
 * the lock before, nor replaced since. */
static bool is_run_dir(int fd)
{
	struct stat held, now;

	return !fstat(fd, &held) && held.st_nlink > 0 && !stat(NSTRACE_RUN_DIR, &now) &&
	       now.st_dev == held.st_dev && now.st_ino == held.st_ino;
}

/*
 * The lock is the directory itself (flock on its fd), so that nothing but
 * state files ever lives in it and the last run out can remove it: nstrace
 * leaves nothing on the host. A run that waited for the lock on a directory
 * the holder then removed takes it again on the one at the path now.
 */
int run_lock_acquire(void)
{
	for (;;) {
		int fd, err = ensure_run_dir();

		if (err)
			return err;
		fd = open(NSTRACE_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				continue; /* removed between mkdir and open */
			return -errno;
		}
		while (flock(fd, LOCK_EX)) {
			if (errno != EINTR) {
				err = -errno;
				close(fd);
				return err;
			}
		}
		if (is_run_dir(fd))
			return fd;
		close(fd);
	}
}

void run_lock_release(int lock_fd)
{
	if (lock_fd < 0)
		return;
	unlink(OLD_LOCK_PATH);
	/* Fails (ENOTEMPTY) while a state file is there: a live run's, or a
	 * killed one's that `nstrace cleanup` will remove, then the directory. */
	rmdir(NSTRACE_RUN_DIR);
	close(lock_fd); /* closing drops the flock */
}

int attach_state_create(struct attach_state *st)
{
	char tmp[sizeof(st->path) + 8], head[64];
	int fd, err = ensure_run_dir();

	st->fd = -1;
	if (err)
		return err;
	snprintf(st->path, sizeof(st->path), NSTRACE_RUN_DIR "/%d" STATE_SUFFIX, (int)getpid());
	snprintf(tmp, sizeof(tmp), "%s.tmp", st->path);
	/* Lock before the file gets its visible name: a cleaner must never see it unlocked. */
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	snprintf(head, sizeof(head), "# nstrace clsact probes of pid %d\n", (int)getpid());
	if (flock(fd, LOCK_EX | LOCK_NB) || write(fd, head, strlen(head)) < 0 ||
	    rename(tmp, st->path)) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	st->fd = fd;
	return 0;
}

int attach_state_record(struct attach_state *st, const struct dev_target *t, __u8 dir,
			bool created_qdisc)
{
	char line[HOP_NAME_MAX + IF_NAMESIZE + 64];
	int n;

	if (st->fd < 0)
		return -EBADF;
	n = snprintf(line, sizeof(line), "v1\t%ju\t%s\t%s\t%s\t%d\n", (uintmax_t)t->netns_ino,
		     t->netns[0] ? t->netns : ".", t->dev,
		     dir == NSTRACE_DIR_INGRESS ? "ingress" : "egress", created_qdisc ? 1 : 0);
	if (write(st->fd, line, (size_t)n) != n)
		return errno ? -errno : -EIO;
	return 0;
}

void attach_state_remove(struct attach_state *st)
{
	if (st->fd < 0)
		return;
	unlink(st->path);
	close(st->fd);
	st->fd = -1;
}

/* One recorded hook of a dead process. */
struct stale_hook {
	uintmax_t ino;
	char netns[HOP_NAME_MAX];
	char dev[IF_NAMESIZE];
	__u8 dir;
	bool created_qdisc;
};

static void say(FILE *report, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(FILE *report, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (report)
		fprintf(report, "%s\n", buf);
	else
		log_info("%s", buf);
}

static int parse_line(char *line, struct stale_hook *h)
{
	char *save = NULL, *f[6];
	int n = 0;

	for (char *tok = strtok_r(line, "\t\n", &save); tok && n < 6;
	     tok = strtok_r(NULL, "\t\n", &save))
		f[n++] = tok;
	if (n != 6 || strcmp(f[0], "v1"))
		return -EINVAL;
	h->ino = strtoumax(f[1], NULL, 10);
	snprintf(h->netns, sizeof(h->netns), "%s", strcmp(f[2], ".") ? f[2] : "");
	snprintf(h->dev, sizeof(h->dev), "%s", f[3]);
	h->dir = !strcmp(f[4], "ingress") ? NSTRACE_DIR_INGRESS : NSTRACE_DIR_EGRESS;
	h->created_qdisc = f[5][0] == '1';
	return 0;
}

static const char *dir_name(__u8 dir)
{
	return dir == NSTRACE_DIR_INGRESS ? "ingress" : "egress";
}

/*
 * Enter the hook's namespace if it is still the one that was recorded and
 * find the device; 0 and *home_fd set on success, 1 when there is nothing
 * left to clean (namespace or device gone with everything on it).
 */
static int enter_hook(const struct stale_hook *h, int *home_fd, __u32 *ifindex)
{
	int fd = netns_open(h->netns), err;
	ino_t ino;

	if (fd < 0)
		return 1;
	if (netns_ino(fd, &ino) || (uintmax_t)ino != h->ino) {
		close(fd);
		return 1; /* a namespace of the same name, but not the one traced */
	}
	err = netns_enter(fd, home_fd);
	close(fd);
	if (err)
		return err;
	*ifindex = if_nametoindex(h->dev);
	if (!*ifindex) {
		netns_leave(*home_fd);
		return 1;
	}
	return 0;
}

static void clean_hook(const struct stale_hook *h, int pid, bool dry_run, FILE *report,
		       struct cleanup_report *r)
{
	const char *ns = h->netns[0] ? h->netns : ".";
	__u32 ifindex, prog_id = 0;
	int home, err;

	err = enter_hook(h, &home, &ifindex);
	if (err) {
		if (err < 0) {
			r->errors++;
			log_warn("cannot enter namespace %s: %s", ns, strerror(-err));
		}
		return;
	}
	err = clsact_detach_own(ifindex, h->dir, dry_run, &prog_id);
	if (err > 0) {
		r->filters++;
		say(report, "%s nstrace filter (prog id %u) on %s%s%s %s, left by pid %d",
		    dry_run ? "would remove" : "removed", prog_id, h->netns,
		    h->netns[0] ? "/" : "", h->dev, dir_name(h->dir), pid);
	} else if (err < 0) {
		r->errors++;
		log_warn("cannot remove nstrace filter on %s/%s %s: %s", ns, h->dev,
			 dir_name(h->dir), strerror(-err));
	}
	if (netns_leave(home))
		r->errors++;
}

static void clean_qdisc(const struct stale_hook *h, int pid, bool dry_run, FILE *report,
			struct cleanup_report *r)
{
	__u32 ifindex;
	int home, err;

	err = enter_hook(h, &home, &ifindex);
	if (err) {
		r->errors += err < 0;
		return;
	}
	err = clsact_remove_if_empty(ifindex, dry_run);
	if (err > 0) {
		r->qdiscs++;
		say(report, "%s clsact qdisc on %s%s%s, created by pid %d and now empty",
		    dry_run ? "would remove" : "removed", h->netns, h->netns[0] ? "/" : "",
		    h->dev, pid);
	} else if (err < 0) {
		r->errors++;
		log_warn("cannot remove clsact qdisc on %s: %s", h->dev, strerror(-err));
	}
	if (netns_leave(home))
		r->errors++;
}

static bool same_device(const struct stale_hook *a, const struct stale_hook *b)
{
	return a->ino == b->ino && !strcmp(a->netns, b->netns) && !strcmp(a->dev, b->dev);
}

static void clean_file(int fd, int pid, bool dry_run, FILE *report, struct cleanup_report *r)
{
	static struct stale_hook hooks[MAX_LINES];
	char line[512];
	int n = 0;
	FILE *f = fdopen(dup(fd), "r");

	if (!f) {
		r->errors++;
		return;
	}
	while (n < MAX_LINES && fgets(line, sizeof(line), f)) {
		if (line[0] != '#' && !parse_line(line, &hooks[n]))
			n++;
	}
	fclose(f);
	/* Filters first, in reverse attach order; then the qdiscs they sat on. */
	for (int i = n - 1; i >= 0; i--)
		clean_hook(&hooks[i], pid, dry_run, report, r);
	for (int i = n - 1; i >= 0; i--) {
		bool seen = false;

		if (!hooks[i].created_qdisc)
			continue;
		for (int j = i + 1; j < n && !seen; j++)
			seen = hooks[j].created_qdisc && same_device(&hooks[i], &hooks[j]);
		if (!seen)
			clean_qdisc(&hooks[i], pid, dry_run, report, r);
	}
}

/* A process killed between creating and naming its state file: nothing recorded yet. */
static void remove_stale_tmp(const char *path, bool dry_run)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (!dry_run && !flock(fd, LOCK_EX | LOCK_NB))
		unlink(path);
	close(fd);
}

int attach_state_cleanup(bool dry_run, FILE *report, struct cleanup_report *r)
{
	DIR *dir = opendir(NSTRACE_RUN_DIR);
	struct dirent *de;

	memset(r, 0, sizeof(*r));
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name), sl = strlen(STATE_SUFFIX);
		char path[sizeof(NSTRACE_RUN_DIR) + NAME_MAX + 2];
		struct stat st;
		int fd, errors;

		snprintf(path, sizeof(path), NSTRACE_RUN_DIR "/%s", de->d_name);
		if (len > sl + 4 && !strcmp(de->d_name + len - sl - 4, STATE_SUFFIX ".tmp")) {
			remove_stale_tmp(path, dry_run);
			continue;
		}
		if (len <= sl || strcmp(de->d_name + len - sl, STATE_SUFFIX))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* Locked: its nstrace is alive.  Unlinked meanwhile: cleaned by another. */
		if (flock(fd, LOCK_EX | LOCK_NB) || fstat(fd, &st) || st.st_nlink == 0) {
			close(fd);
			continue;
		}
		errors = r->errors;
		r->files++;
		clean_file(fd, atoi(de->d_name), dry_run, report, r);
		/* Keep the record of anything we could not remove, for a later try. */
		if (!dry_run && r->errors == errors)
			unlink(path);
		close(fd);
	}
	closedir(dir);
	return 0;
}

int attach_state_cleanup_quiet(void)
{
	struct cleanup_report r;
	struct stat st;
	int lock, err;

	if (stat(NSTRACE_RUN_DIR, &st))
		return 0; /* no clsact run ever recorded anything */
	lock = run_lock_acquire();
	if (lock < 0)
		return lock;
	err = attach_state_cleanup(false, NULL, &r);
	run_lock_release(lock);
	if (!err && (r.filters || r.qdiscs))
		log_info("removed %d filter(s) and %d qdisc(s) left by killed nstrace runs",
			 r.filters, r.qdiscs);
	return err;
}
