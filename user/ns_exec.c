// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns_exec.h"

#define EXIT_NO_NS 126
#define EXIT_NO_EXEC 127

static void child(const char *ns_path, char *const argv[], int out_fd, bool with_stderr)
{
	sigset_t none;
	int fd;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (ns_path[0]) {
		fd = open(ns_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET))
			_exit(EXIT_NO_NS);
	}
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	dup2(out_fd, STDOUT_FILENO);
	if (with_stderr)
		dup2(out_fd, STDERR_FILENO);
	execvp(argv[0], argv);
	_exit(EXIT_NO_EXEC);
}

int ns_exec_capture(const char *ns_path, char *const argv[], char **out)
{
	return ns_exec_capture_all(ns_path, argv, false, out);
}

int ns_exec_capture_all(const char *ns_path, char *const argv[], bool with_stderr, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	int pipefd[2], status;
	pid_t pid;

	*out = NULL;
	if (!buf)
		return -ENOMEM;
	if (pipe2(pipefd, O_CLOEXEC)) {
		free(buf);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		free(buf);
		return err;
	}
	if (pid == 0)
		child(ns_path, argv, pipefd[1], with_stderr);
	close(pipefd[1]);
	for (;;) {
		ssize_t n;

		if (cap - len < 1024) {
			char *b = realloc(buf, cap * 2);

			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
		n = read(pipefd[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(pipefd[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			free(buf);
			return -errno;
		}
	if (!WIFEXITED(status)) {
		free(buf);
		return -EINTR;
	}
	if (WEXITSTATUS(status) == EXIT_NO_EXEC || WEXITSTATUS(status) == EXIT_NO_NS) {
		free(buf);
		return WEXITSTATUS(status) == EXIT_NO_EXEC ? -ENOENT : -ENXIO;
	}
	*out = buf;
	return WEXITSTATUS(status);
}
