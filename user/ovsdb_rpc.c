// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* JSON-RPC over OVSDB's unix socket, every wait bounded by a deadline. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ovsdb.h"

#define READ_CHUNK 65536
#define MAX_MESSAGE (256u << 20) /* refuse to buffer more than this */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until deadline; -ETIMEDOUT when it passes. */
static int wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd pfd = { .fd = fd, .events = events };
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)left);
		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/*
 * sun_path holds 108 bytes; a longer socket path is reached through its
 * directory's descriptor (/proc/self/fd/N/NAME), which the kernel resolves.
 */
static int fill_addr(struct sockaddr_un *sa, const char *path, int *dir_fd)
{
	const char *slash;
	char dir[PATH_MAX];

	*dir_fd = -1;
	sa->sun_family = AF_UNIX;
	if (strlen(path) < sizeof(sa->sun_path)) {
		snprintf(sa->sun_path, sizeof(sa->sun_path), "%s", path);
		return 0;
	}
	slash = strrchr(path, '/');
	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return -ENAMETOOLONG;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	*dir_fd = open(dir[0] ? dir : "/", O_PATH | O_CLOEXEC);
	if (*dir_fd < 0)
		return -errno;
	if ((size_t)snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", *dir_fd,
			     slash + 1) >= sizeof(sa->sun_path)) {
		close(*dir_fd);
		return -ENAMETOOLONG;
	}
	return 0;
}

int ovsdb_conn_open(struct ovsdb_conn *c, const char *path, int timeout_ms)
{
	struct sockaddr_un sa = { 0 };
	long long deadline = now_ms() + timeout_ms;
	int fd, dir_fd, err;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->timeout_ms = timeout_ms;
	c->next_id = 1;
	err = fill_addr(&sa, path, &dir_fd);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		if (err == -EINPROGRESS || err == -EAGAIN) {
			socklen_t len = sizeof(err);

			err = wait_fd(fd, POLLOUT, deadline);
			if (!err && !getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
				err = -err;
		}
	}
	if (err) {
		close(fd);
		goto out;
	}
	c->fd = fd;
out:
	if (dir_fd >= 0)
		close(dir_fd);
	return err;
}

void ovsdb_conn_close(struct ovsdb_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	c->fd = -1;
	c->buf = NULL;
	c->len = c->cap = 0;
}

static int send_json(struct ovsdb_conn *c, const json_t *msg, long long deadline)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	size_t len, off = 0;
	int err = 0;

	if (!text)
		return -ENOMEM;
	len = strlen(text);
	while (off < len && !err) {
		ssize_t w = send(c->fd, text + off, len - off, MSG_NOSIGNAL);

		if (w >= 0)
			off += (size_t)w;
		else if (errno == EAGAIN)
			err = wait_fd(c->fd, POLLOUT, deadline);
		else if (errno != EINTR)
			err = -errno;
	}
	free(text);
	return err;
}

/* A complete JSON-RPC message from the buffer, or NULL with *need_more. */
static json_t *take_message(struct ovsdb_conn *c, bool *need_more, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *msg;
	size_t used;

	*need_more = false;
	if (!c->len) {
		*need_more = true;
		return NULL;
	}
	msg = json_loadb(c->buf, c->len, JSON_DISABLE_EOF_CHECK, &jerr);
	if (!msg) {
		if (json_error_code(&jerr) == json_error_premature_end_of_input) {
			*need_more = true;
			return NULL;
		}
		snprintf(err, errlen, "invalid JSON from ovsdb-server: %s", jerr.text);
		return NULL;
	}
	used = (size_t)jerr.position;
	if (used > c->len)
		used = c->len;
	memmove(c->buf, c->buf + used, c->len - used);
	c->len -= used;
	return msg;
}

/* Only a buffer that ends in '}' (after blanks) can hold a whole message:
 * parsing only then keeps large replies linear rather than quadratic. */
static bool may_be_complete(const struct ovsdb_conn *c)
{
	for (size_t i = c->len; i > 0; i--) {
		char ch = c->buf[i - 1];

		if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
			continue;
		return ch == '}';
	}
	return false;
}

static int read_more(struct ovsdb_conn *c, long long deadline)
{
	ssize_t r;

	if (c->cap - c->len < READ_CHUNK) {
		size_t cap = c->cap ? c->cap * 2 : READ_CHUNK * 2;
		char *buf;

		if (cap > MAX_MESSAGE)
			return -EMSGSIZE;
		buf = realloc(c->buf, cap);
		if (!buf)
			return -ENOMEM;
		c->buf = buf;
		c->cap = cap;
	}
	for (;;) {
		r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (r > 0) {
			c->len += (size_t)r;
			return 0;
		}
		if (r == 0)
			return -ECONNRESET;
		if (errno == EAGAIN) {
			int err = wait_fd(c->fd, POLLIN, deadline);

			if (err)
				return err;
		} else if (errno != EINTR) {
			return -errno;
		}
	}
}

/* RFC 7047 4.1.11: the server may ask "echo" at any time; answer it. */
static int answer_echo(struct ovsdb_conn *c, json_t *msg, long long deadline)
{
	json_t *reply = json_pack("{s:O, s:O, s:n}", "id", json_object_get(msg, "id"), "result",
				  json_object_get(msg, "params"), "error");
	int err;

	if (!reply)
		return -ENOMEM;
	err = send_json(c, reply, deadline);
	json_decref(reply);
	return err;
}

static int handle_reply(json_t *msg, json_t **result, char *err, size_t errlen)
{
	json_t *e = json_object_get(msg, "error");

	if (e && !json_is_null(e)) {
		const char *text = json_is_string(e) ? json_string_value(e) :
			json_string_value(json_object_get(e, "error"));
		const char *details = json_string_value(json_object_get(e, "details"));

		snprintf(err, errlen, "ovsdb-server answered an error: %s%s%s",
			 text ? text : "unknown", details ? ": " : "", details ? details : "");
		return -EREMOTEIO;
	}
	*result = json_incref(json_object_get(msg, "result"));
	if (!*result) {
		snprintf(err, errlen, "reply from ovsdb-server without a result");
		return -EPROTO;
	}
	return 0;
}

int ovsdb_conn_call(struct ovsdb_conn *c, const char *method, json_t *params,
		    json_t **result, char *err, size_t errlen)
{
	long long deadline = now_ms() + c->timeout_ms;
	json_int_t id = c->next_id++;
	json_t *req = json_pack("{s:s, s:o, s:I}", "method", method, "params", params, "id", id);
	int ret;

	*result = NULL;
	err[0] = '\0';
	if (!req)
		return -ENOMEM;
	ret = send_json(c, req, deadline);
	json_decref(req);
	while (!ret) {
		json_t *msg = NULL;
		const char *m;
		json_t *msg_id;

		if (may_be_complete(c)) {
			bool need_more;

			msg = take_message(c, &need_more, err, errlen);
			if (!msg && !need_more) {
				ret = -EPROTO;
				break;
			}
		}
		if (!msg) {
			ret = read_more(c, deadline);
			continue;
		}
		m = json_string_value(json_object_get(msg, "method"));
		msg_id = json_object_get(msg, "id");

		if (m && !strcmp(m, "echo")) {
			ret = answer_echo(c, msg, deadline);
		} else if (!m && json_is_integer(msg_id) && json_integer_value(msg_id) == id) {
			ret = handle_reply(msg, result, err, errlen);
			json_decref(msg);
			return ret;
		}
		/* notifications and stale replies are not ours: skip them */
		json_decref(msg);
	}
	if (!err[0])
		snprintf(err, errlen, "%s",
			 ret == -ETIMEDOUT ? "no answer in time" : strerror(-ret));
	return ret;
}

static bool has_string(const json_t *array, const char *want)
{
	size_t i;
	json_t *v;

	json_array_foreach(array, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), want))
			return true;
	return false;
}

int ovsdb_fetch(const char *path, int timeout_ms, struct ovsdb_snapshot *out, char *err,
		size_t errlen)
{
	struct ovsdb_conn c;
	json_t *schema = NULL, *result = NULL, *req;
	int ret;

	err[0] = '\0';
	ret = ovsdb_conn_open(&c, path, timeout_ms);
	if (ret) {
		snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(-ret));
		return ret;
	}
	/* OVN's NB/SB databases run in ovsdb-servers too: not a switch. */
	ret = ovsdb_conn_call(&c, "list_dbs", json_array(), &result, err, errlen);
	if (!ret && !has_string(result, "Open_vSwitch")) {
		snprintf(err, errlen, "%s serves no Open_vSwitch database", path);
		ret = -ENOENT;
	}
	json_decref(result);
	result = NULL;
	if (!ret)
		ret = ovsdb_conn_call(&c, "get_schema", json_pack("[s]", "Open_vSwitch"), &schema,
				      err, errlen);
	if (!ret) {
		req = ovsdb_snapshot_request(schema, 0);
		ret = ovsdb_conn_call(&c, "transact", json_incref(json_object_get(req, "params")),
				      &result, err, errlen);
		json_decref(req);
	}
	if (!ret)
		ret = ovsdb_snapshot_parse(result, out, err, errlen);
	json_decref(schema);
	json_decref(result);
	ovsdb_conn_close(&c);
	return ret;
}
